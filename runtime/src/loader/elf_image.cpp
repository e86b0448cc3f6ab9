#include "loader/elf_image.hpp"

#include "format/printable.hpp"

#include <cstring>
#include <elf.h>

namespace tessera::rt {

namespace {

// True if [offset, offset + count * entSize) lies inside a file of `size`
// bytes; written so that no product or sum can overflow.
bool tableFits(uint64_t offset, uint64_t count, uint64_t entSize,
               std::size_t size) {
  if (offset > size)
    return false;
  return count == 0 || count <= (size - offset) / entSize;
}

bool rangeFits(uint64_t offset, uint64_t length, std::size_t size) {
  return offset <= size && length <= size - offset;
}

tessera_status_t invalid(std::string &error, const std::string &what) {
  error = what;
  return TESSERA_ERROR_INVALID_MODULE;
}

const char *elfTypeName(uint16_t type) {
  switch (type) {
  case ET_NONE:
    return "ET_NONE";
  case ET_REL:
    return "ET_REL, an object file";
  case ET_EXEC:
    return "ET_EXEC, an executable";
  case ET_CORE:
    return "ET_CORE, a core dump";
  default:
    return nullptr;
  }
}

} // namespace

std::string elfMachineName(uint16_t machine) {
  switch (machine) {
  case EM_X86_64:
    return "x86-64";
  case EM_AARCH64:
    return "aarch64";
  case EM_386:
    return "i386";
  case EM_ARM:
    return "arm";
  case EM_RISCV:
    return "riscv";
  case EM_PPC64:
    return "ppc64";
  case EM_S390:
    return "s390x";
  case EM_CUDA:
    return "cuda";
  case EM_AMDGPU:
    return "amdgpu";
  default:
    return "ELF machine " + std::to_string(machine);
  }
}

uint16_t hostElfMachine() {
#if defined(__x86_64__)
  return EM_X86_64;
#elif defined(__aarch64__)
  return EM_AARCH64;
#elif defined(__riscv) && __riscv_xlen == 64
  return EM_RISCV;
#elif defined(__powerpc64__)
  return EM_PPC64;
#else
  return EM_NONE;
#endif
}

tessera_status_t parseElf(const uint8_t *data, std::size_t size, ElfImage &out,
                          std::string &error) {
  if (size < SELFMAG || std::memcmp(data, ELFMAG, SELFMAG) != 0)
    return invalid(error, "not an ELF file");
  if (size < EI_NIDENT)
    return invalid(error, "truncated (ELF header runs past end of file)");
  if (data[EI_CLASS] != ELFCLASS64)
    return invalid(error,
                   data[EI_CLASS] == ELFCLASS32
                       ? "32-bit ELF file; Tessera modules are ELF64"
                       : "unknown ELF class " + std::to_string(data[EI_CLASS]));
  if (data[EI_DATA] != ELFDATA2LSB)
    return invalid(error,
                   data[EI_DATA] == ELFDATA2MSB
                       ? "big-endian ELF file; Tessera modules are little "
                         "endian"
                       : "unknown ELF data encoding " +
                             std::to_string(data[EI_DATA]));
  if (data[EI_VERSION] != EV_CURRENT)
    return invalid(error,
                   "unknown ELF version " + std::to_string(data[EI_VERSION]));
  if (size < sizeof(Elf64_Ehdr))
    return invalid(error, "truncated (ELF header runs past end of file)");
  Elf64_Ehdr eh;
  std::memcpy(&eh, data, sizeof eh);

  out.machine = eh.e_machine;
  if (eh.e_machine != hostElfMachine()) {
    error = "built for " + elfMachineName(eh.e_machine) +
            ", this runtime runs " + elfMachineName(hostElfMachine());
    return TESSERA_ERROR_UNSUPPORTED;
  }
  if (eh.e_type != ET_DYN) {
    const char *name = elfTypeName(eh.e_type);
    return invalid(error, std::string("not a shared object (ELF type ") +
                              (name ? name : std::to_string(eh.e_type)) + ")");
  }

  // Sections: where .tessera.meta and .tessera.ops live.
  if (eh.e_shoff == 0)
    return invalid(error, "not a Tessera module (no section header table)");
  if (eh.e_shentsize != sizeof(Elf64_Shdr))
    return invalid(error,
                   "bad section header size " + std::to_string(eh.e_shentsize));
  if (!tableFits(eh.e_shoff, 1, sizeof(Elf64_Shdr), size))
    return invalid(error,
                   "truncated (section header table runs past end of file)");
  auto sectionHeader = [&](uint64_t i) {
    Elf64_Shdr sh;
    std::memcpy(&sh, data + eh.e_shoff + i * sizeof(Elf64_Shdr), sizeof sh);
    return sh;
  };
  // With many sections the real count and string table index move into
  // section 0 (extended numbering).
  Elf64_Shdr first = sectionHeader(0);
  uint64_t shnum = eh.e_shnum ? eh.e_shnum : first.sh_size;
  uint64_t shstrndx =
      eh.e_shstrndx == SHN_XINDEX ? first.sh_link : eh.e_shstrndx;
  if (!tableFits(eh.e_shoff, shnum, sizeof(Elf64_Shdr), size))
    return invalid(error,
                   "truncated (section header table runs past end of file)");
  if (shstrndx == SHN_UNDEF || shstrndx >= shnum)
    return invalid(error, "bad section name string table index " +
                              std::to_string(shstrndx));
  Elf64_Shdr strtab = sectionHeader(shstrndx);
  if (strtab.sh_type != SHT_STRTAB)
    return invalid(error, "section name string table is not a string table");
  if (!rangeFits(strtab.sh_offset, strtab.sh_size, size))
    return invalid(
        error, "truncated (section name string table runs past end of file)");
  const char *names = reinterpret_cast<const char *>(data + strtab.sh_offset);

  out.sections.clear();
  out.sections.reserve(shnum);
  for (uint64_t i = 0; i < shnum; ++i) {
    Elf64_Shdr sh = sectionHeader(i);
    ElfSection s;
    if (sh.sh_name >= strtab.sh_size ||
        !std::memchr(names + sh.sh_name, '\0', strtab.sh_size - sh.sh_name))
      return invalid(error,
                     "bad name offset in section header " + std::to_string(i));
    s.name = names + sh.sh_name;
    s.type = sh.sh_type;
    s.offset = sh.sh_offset;
    s.size = sh.sh_size;
    s.hasContents = sh.sh_type != SHT_NOBITS && sh.sh_type != SHT_NULL;
    if (s.hasContents && !rangeFits(sh.sh_offset, sh.sh_size, size))
      return invalid(error, "truncated (section '" + tbin::printable(s.name) +
                                "' runs past end of file)");
    out.sections.push_back(std::move(s));
  }

  // Segments: what dlopen maps. A segment past the end of the file would be
  // mapped anyway and fault when touched, so reject it here.
  if (eh.e_phnum > 0) {
    if (eh.e_phentsize != sizeof(Elf64_Phdr))
      return invalid(error, "bad program header size " +
                                std::to_string(eh.e_phentsize));
    if (!tableFits(eh.e_phoff, eh.e_phnum, sizeof(Elf64_Phdr), size))
      return invalid(error,
                     "truncated (program header table runs past end of file)");
    for (uint64_t i = 0; i < eh.e_phnum; ++i) {
      Elf64_Phdr ph;
      std::memcpy(&ph, data + eh.e_phoff + i * sizeof(Elf64_Phdr), sizeof ph);
      if (ph.p_type == PT_LOAD && !rangeFits(ph.p_offset, ph.p_filesz, size))
        return invalid(error, "truncated (segment " + std::to_string(i) +
                                  " runs past end of file)");
    }
  }
  return TESSERA_OK;
}

} // namespace tessera::rt
