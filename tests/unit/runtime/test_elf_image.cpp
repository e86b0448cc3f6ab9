// ELF validation before dlopen: foreign, truncated and corrupt files are
// rejected with a message and never crash the loader.
#include "loader/elf_image.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <elf.h>

using namespace tessera;

namespace {

std::vector<uint8_t> realSharedObject() {
  std::vector<uint8_t> b = test::readBytes(TESSERA_TEST_SHARED_OBJECT);
  EXPECT_GT(b.size(), sizeof(Elf64_Ehdr)) << TESSERA_TEST_SHARED_OBJECT;
  return b;
}

std::string elfError(const std::vector<uint8_t> &b,
                     tessera_status_t expected = TESSERA_ERROR_INVALID_MODULE) {
  rt::ElfImage image;
  std::string error;
  EXPECT_EQ(rt::parseElf(b.data(), b.size(), image, error), expected);
  return error;
}

Elf64_Ehdr header(const std::vector<uint8_t> &b) {
  Elf64_Ehdr eh;
  std::memcpy(&eh, b.data(), sizeof eh);
  return eh;
}

void setHeader(std::vector<uint8_t> &b, const Elf64_Ehdr &eh) {
  std::memcpy(b.data(), &eh, sizeof eh);
}

} // namespace

TEST(ElfImage, AcceptsARealSharedObject) {
  std::vector<uint8_t> b = realSharedObject();
  rt::ElfImage image;
  std::string error;
  ASSERT_EQ(rt::parseElf(b.data(), b.size(), image, error), TESSERA_OK)
      << error;
  EXPECT_EQ(image.machine, rt::hostElfMachine());
  bool sawText = false;
  for (const rt::ElfSection &s : image.sections)
    sawText = sawText || s.name == ".text";
  EXPECT_TRUE(sawText);
}

TEST(ElfImage, RejectsNonElfBytes) {
  EXPECT_EQ(elfError({}), "not an ELF file");
  EXPECT_EQ(elfError({'\x7f', 'E', 'L'}), "not an ELF file");
  std::string text = "#!/bin/sh\necho this is not a module\n";
  EXPECT_EQ(elfError(std::vector<uint8_t>(text.begin(), text.end())),
            "not an ELF file");
  std::vector<uint8_t> zeros(4096, 0);
  EXPECT_EQ(elfError(zeros), "not an ELF file");
}

// Every proper prefix of a real shared object is rejected, with a message.
TEST(ElfImage, RejectsEveryTruncation) {
  std::vector<uint8_t> b = realSharedObject();
  for (std::size_t n = 0; n < b.size(); ++n) {
    rt::ElfImage image;
    std::string error;
    ASSERT_NE(rt::parseElf(b.data(), n, image, error), TESSERA_OK)
        << "prefix " << n;
    ASSERT_FALSE(error.empty()) << "prefix " << n;
  }
  std::vector<uint8_t> cut(b.begin(), b.begin() + b.size() / 2);
  EXPECT_EQ(elfError(cut),
            "truncated (section header table runs past end of file)");
  cut.resize(40);
  EXPECT_EQ(elfError(cut), "truncated (ELF header runs past end of file)");
}

TEST(ElfImage, RejectsForeignFiles) {
  std::vector<uint8_t> b = realSharedObject();
  Elf64_Ehdr eh = header(b);

  std::vector<uint8_t> arm = b;
  eh.e_machine = EM_AARCH64;
  setHeader(arm, eh);
  EXPECT_EQ(elfError(arm, TESSERA_ERROR_UNSUPPORTED),
            "built for aarch64, this runtime runs x86-64");
  eh.e_machine = 0x1234;
  setHeader(arm, eh);
  EXPECT_EQ(elfError(arm, TESSERA_ERROR_UNSUPPORTED),
            "built for ELF machine 4660, this runtime runs x86-64");

  eh = header(b);
  std::vector<uint8_t> exec = b;
  eh.e_type = ET_REL;
  setHeader(exec, eh);
  EXPECT_EQ(elfError(exec), "not a shared object (ELF type ET_REL, an object "
                            "file)");

  std::vector<uint8_t> b32 = b;
  b32[EI_CLASS] = ELFCLASS32;
  EXPECT_EQ(elfError(b32), "32-bit ELF file; Tessera modules are ELF64");
  std::vector<uint8_t> be = b;
  be[EI_DATA] = ELFDATA2MSB;
  EXPECT_EQ(elfError(be),
            "big-endian ELF file; Tessera modules are little endian");
}

TEST(ElfImage, RejectsCorruptTables) {
  std::vector<uint8_t> b = realSharedObject();
  Elf64_Ehdr good = header(b);

  Elf64_Ehdr eh = good;
  eh.e_shoff = ~uint64_t(0) - 8; // would overflow offset + size
  std::vector<uint8_t> c = b;
  setHeader(c, eh);
  EXPECT_EQ(elfError(c),
            "truncated (section header table runs past end of file)");

  eh = good;
  eh.e_shnum = 0xfff0;
  c = b;
  setHeader(c, eh);
  EXPECT_EQ(elfError(c),
            "truncated (section header table runs past end of file)");

  eh = good;
  eh.e_shstrndx = good.e_shnum;
  c = b;
  setHeader(c, eh);
  EXPECT_EQ(elfError(c), "bad section name string table index " +
                             std::to_string(good.e_shnum));

  eh = good;
  eh.e_shentsize = 12;
  c = b;
  setHeader(c, eh);
  EXPECT_EQ(elfError(c), "bad section header size 12");

  eh = good;
  eh.e_shoff = 0;
  c = b;
  setHeader(c, eh);
  EXPECT_EQ(elfError(c), "not a Tessera module (no section header table)");

  // A section whose contents lie past the end of the file.
  c = b;
  Elf64_Shdr sh;
  std::size_t at = good.e_shoff + 1 * sizeof(Elf64_Shdr);
  std::memcpy(&sh, c.data() + at, sizeof sh);
  sh.sh_type = SHT_PROGBITS;
  sh.sh_offset = c.size() - 4;
  sh.sh_size = 8;
  std::memcpy(c.data() + at, &sh, sizeof sh);
  EXPECT_NE(elfError(c).find("runs past end of file"), std::string::npos);

  // A section name offset outside the string table.
  c = b;
  std::memcpy(&sh, c.data() + at, sizeof sh);
  sh.sh_name = 0x7fffffff;
  std::memcpy(c.data() + at, &sh, sizeof sh);
  EXPECT_EQ(elfError(c), "bad name offset in section header 1");

  // A loadable segment past the end of the file.
  c = b;
  for (uint16_t i = 0; i < good.e_phnum; ++i) {
    Elf64_Phdr ph;
    std::size_t pat = good.e_phoff + i * sizeof(Elf64_Phdr);
    std::memcpy(&ph, c.data() + pat, sizeof ph);
    if (ph.p_type != PT_LOAD)
      continue;
    ph.p_filesz = c.size() - ph.p_offset + 1;
    std::memcpy(c.data() + pat, &ph, sizeof ph);
    EXPECT_EQ(elfError(c), "truncated (segment " + std::to_string(i) +
                               " runs past end of file)");
    break;
  }
}

// Flipping any single header byte must never crash the validator.
TEST(ElfImage, SurvivesHeaderBitFlips) {
  std::vector<uint8_t> b = realSharedObject();
  Elf64_Ehdr eh = header(b);
  std::vector<std::size_t> spots;
  for (std::size_t i = 0; i < sizeof(Elf64_Ehdr); ++i)
    spots.push_back(i);
  for (std::size_t i = 0; i < std::size_t(eh.e_shnum) * sizeof(Elf64_Shdr); ++i)
    spots.push_back(eh.e_shoff + i);
  for (std::size_t at : spots) {
    for (uint8_t mask : {uint8_t(0x01), uint8_t(0x80), uint8_t(0xff)}) {
      b[at] ^= mask;
      rt::ElfImage image;
      std::string error;
      rt::parseElf(b.data(), b.size(), image, error);
      b[at] ^= mask;
    }
  }
}
