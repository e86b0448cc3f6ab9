#include "loader/module_loader.hpp"

#include "format/printable.hpp"
#include "io/read_file.hpp"
#include "loader/elf_image.hpp"

#include <cstring>
#include <dlfcn.h>
#include <set>

namespace tessera::rt {

namespace {

// A section's bytes, or an error naming what is wrong with it. A missing
// optional section leaves `bytes` null.
tessera_status_t findSection(const std::string &path, const ElfImage &elf,
                             const uint8_t *data, const char *name,
                             bool required, const uint8_t *&bytes,
                             std::size_t &size, std::string &error) {
  bytes = nullptr;
  size = 0;
  const ElfSection *found = nullptr;
  for (const ElfSection &s : elf.sections) {
    if (s.name != name)
      continue;
    if (found) {
      error = path + ": corrupt module: more than one " + name + " section";
      return TESSERA_ERROR_INVALID_MODULE;
    }
    found = &s;
  }
  if (!found && !required)
    return TESSERA_OK;
  if (!found) {
    error = path + ": not a Tessera module (no " + name + " section)";
    return TESSERA_ERROR_INVALID_MODULE;
  }
  if (!found->hasContents) {
    error =
        path + ": corrupt " + name + ": section has no contents in the file";
    return TESSERA_ERROR_INVALID_MODULE;
  }
  bytes = data + found->offset;
  size = static_cast<std::size_t>(found->size);
  return TESSERA_OK;
}

// Reads the version from the section header so that a module from a newer
// compiler is reported as such rather than as corrupt.
tessera_status_t checkVersion(const std::string &path, const char *name,
                              const char *magic, uint16_t expectedMajor,
                              const uint8_t *bytes, std::size_t size,
                              uint16_t &major, uint16_t &minor,
                              std::string &error) {
  major = minor = 0;
  if (size < 12 || std::memcmp(bytes, magic, 8) != 0)
    return TESSERA_OK; // the decoder reports it
  std::memcpy(&major, bytes + 8, 2);
  std::memcpy(&minor, bytes + 10, 2);
  if (major != expectedMajor) {
    error = path + ": " +
            tbin::unsupportedVersion(name, major, minor, expectedMajor);
    return TESSERA_ERROR_UNSUPPORTED;
  }
  return TESSERA_OK;
}

// What the codec cannot know: names must be unique and symbols present (a
// module with device code may have no CPU entries, hence no symbols).
bool checkMeta(const tbin::ModuleMeta &meta, bool hasDeviceCode,
               std::string &error) {
  std::set<std::string> names;
  for (const tbin::EntryMeta &e : meta.entries) {
    if (e.name.empty()) {
      error = "entry with an empty name";
      return false;
    }
    if (!names.insert(e.name).second) {
      error = "duplicate entry '" + tbin::printable(e.name) + "'";
      return false;
    }
    if (e.symbol.empty() && !hasDeviceCode) {
      error = "entry '" + tbin::printable(e.name) + "' has no symbol";
      return false;
    }
    std::set<std::string> dims(e.dimSymbols.begin(), e.dimSymbols.end());
    if (dims.size() != e.dimSymbols.size()) {
      error =
          "entry '" + tbin::printable(e.name) + "' lists a dim symbol twice";
      return false;
    }
  }
  return true;
}

struct Section {
  const uint8_t *data = nullptr;
  std::size_t size = 0;
};

// Version checks and decoding of the three sections, wherever their bytes
// lie (a file's sections, or the tables of a model linked in).
tessera_status_t decodeSections(const std::string &path, Section meta,
                                Section ops, Section cuda, LoadedModule &out,
                                std::string &error) {
  std::string why;
  if (tessera_status_t st = checkVersion(
          path, TESSERA_META_SECTION, TESSERA_META_MAGIC, tbin::kFormatMajor,
          meta.data, meta.size, out.formatMajor, out.formatMinor, error);
      st != TESSERA_OK)
    return st;
  out.hasCuda = cuda.data != nullptr;
  if (!tbin::decode(meta.data, meta.size, out.meta, why) ||
      !checkMeta(out.meta, out.hasCuda, why)) {
    error = path + ": corrupt " TESSERA_META_SECTION ": " + why;
    return TESSERA_ERROR_INVALID_MODULE;
  }

  uint16_t opsMajor, opsMinor;
  if (tessera_status_t st = checkVersion(
          path, TESSERA_OPS_SECTION, TESSERA_OPS_MAGIC, tbin::kFormatMajor,
          ops.data, ops.size, opsMajor, opsMinor, error);
      st != TESSERA_OK)
    return st;
  if (!tbin::decode(ops.data, ops.size, out.ops, why)) {
    error = path + ": corrupt " TESSERA_OPS_SECTION ": " + why;
    return TESSERA_ERROR_INVALID_MODULE;
  }
  for (const tbin::KernelMeta &k : out.ops.kernels)
    if (k.backend == "cpu" && k.symbol.empty()) {
      error = path + ": corrupt " TESSERA_OPS_SECTION ": kernel '" +
              tbin::printable(k.name) + "' has no symbol";
      return TESSERA_ERROR_INVALID_MODULE;
    }

  if (out.hasCuda) {
    uint16_t cudaMajor, cudaMinor;
    if (tessera_status_t st =
            checkVersion(path, TESSERA_CUDA_SECTION, TESSERA_CUDA_MAGIC,
                         tbin::kCudaFormatMajor, cuda.data, cuda.size,
                         cudaMajor, cudaMinor, error);
        st != TESSERA_OK)
      return st;
    if (!tbin::decode(cuda.data, cuda.size, out.cuda, why)) {
      error = path + ": corrupt " TESSERA_CUDA_SECTION ": " + why;
      return TESSERA_ERROR_INVALID_MODULE;
    }
  }

  return TESSERA_OK;
}

} // namespace

LoadedModule::~LoadedModule() {
  if (handle)
    ::dlclose(handle);
}

tessera_status_t inspectModule(const std::string &path, const uint8_t *data,
                               std::size_t size, LoadedModule &out,
                               std::string &error) {
  out.path = path;
  ElfImage elf;
  std::string why;
  if (tessera_status_t st = parseElf(data, size, elf, why); st != TESSERA_OK) {
    error = path + ": " + why;
    return st;
  }

  Section meta, ops, cuda;
  if (tessera_status_t st = findSection(path, elf, data, TESSERA_META_SECTION,
                                        true, meta.data, meta.size, error);
      st != TESSERA_OK)
    return st;
  // Device code is optional; when present it is checked like the rest.
  if (tessera_status_t st = findSection(path, elf, data, TESSERA_CUDA_SECTION,
                                        false, cuda.data, cuda.size, error);
      st != TESSERA_OK)
    return st;
  if (tessera_status_t st = findSection(path, elf, data, TESSERA_OPS_SECTION,
                                        true, ops.data, ops.size, error);
      st != TESSERA_OK)
    return st;
  if (tessera_status_t st = decodeSections(path, meta, ops, cuda, out, error);
      st != TESSERA_OK)
    return st;

  out.sections.clear();
  for (const ElfSection &s : elf.sections)
    if (s.name.rfind(".tessera", 0) == 0)
      out.sections.push_back({s.name, s.size});
  return TESSERA_OK;
}

const std::string *LoadedModule::kernelName(tessera_kernel_fn fn) const {
  for (std::size_t i = 0; i < kernelFns.size(); ++i)
    if (kernelFns[i] == fn)
      return &ops.kernels[i].name;
  return nullptr;
}

tessera_status_t loadModule(const std::string &path, CodeFor code,
                            std::unique_ptr<LoadedModule> &out,
                            std::string &error) {
  std::vector<uint8_t> bytes;
  std::string why;
  if (!readWholeFile(path, bytes, why)) {
    error = path + ": " + why;
    return TESSERA_ERROR_IO;
  }
  auto mod = std::make_unique<LoadedModule>();
  if (tessera_status_t st =
          inspectModule(path, bytes.data(), bytes.size(), *mod, error);
      st != TESSERA_OK)
    return st;
  // dlopen maps the file again rather than this copy; replacing the file in
  // between is the caller's race, as with any shared library.
  bytes = {};
  if (code == CodeFor::None) {
    out = std::move(mod);
    return TESSERA_OK;
  }
  if (code == CodeFor::Cuda && !mod->hasCuda) {
    error = path + " has no CUDA code; compile it with tesserac --target=cuda";
    return TESSERA_ERROR_UNSUPPORTED;
  }

  // A name without a slash would make dlopen search the library path.
  std::string dlPath = path.find('/') == std::string::npos ? "./" + path : path;
  ::dlerror();
  mod->handle = ::dlopen(dlPath.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!mod->handle) {
    const char *msg = ::dlerror();
    error = path + ": cannot load: " + (msg ? msg : "dlopen failed");
    return TESSERA_ERROR_INVALID_MODULE;
  }

  // Pointer-to-function from dlsym's void* goes through memcpy, the one
  // conversion every compiler accepts without a warning.
  auto resolve = [&](const std::string &symbol, auto &fn) {
    void *p = symbol.empty() ? nullptr : ::dlsym(mod->handle, symbol.c_str());
    std::memcpy(&fn, &p, sizeof p);
    return p != nullptr;
  };
  auto notFound = [&](const char *what, const std::string &name,
                      const std::string &symbol) {
    error = path + ": " + what + " '" + tbin::printable(name) + "': symbol '" +
            tbin::printable(symbol) + "' not found";
    return TESSERA_ERROR_INVALID_MODULE;
  };
  if (code == CodeFor::Cuda) {
    // Device entries by the ABI's naming rule; CPU code, if any, is unused.
    for (const tbin::EntryMeta &e : mod->meta.entries) {
      tessera_device_entry_fn fn = nullptr;
      std::string symbol = TESSERA_CUDA_ENTRY_PREFIX + e.name;
      if (!resolve(symbol, fn))
        return notFound("entry", e.name, symbol);
      mod->cudaEntryFns.push_back(fn);
    }
    mod->kernelFns.assign(mod->ops.kernels.size(), nullptr);
    out = std::move(mod);
    return TESSERA_OK;
  }

  for (const tbin::EntryMeta &e : mod->meta.entries) {
    tessera_entry_fn fn = nullptr;
    if (!resolve(e.symbol, fn)) {
      // A module compiled for the GPU only has device entries alone.
      if (mod->hasCuda) {
        error =
            path + " has no CPU code; compile it with tesserac --target=cpu";
        return TESSERA_ERROR_UNSUPPORTED;
      }
      return notFound("entry", e.name, e.symbol);
    }
    mod->entryFns.push_back(fn);
  }
  for (const tbin::KernelMeta &k : mod->ops.kernels) {
    tessera_kernel_fn fn = nullptr;
    if (k.backend == "cpu" && !resolve(k.symbol, fn))
      return notFound("kernel", k.name, k.symbol);
    mod->kernelFns.push_back(fn);
  }
  out = std::move(mod);
  return TESSERA_OK;
}

tessera_status_t loadStaticModule(const tessera_static_module_t &linked,
                                  CodeFor code,
                                  std::unique_ptr<LoadedModule> &out,
                                  std::string &error) {
  const std::string path = "linked-in module";
  if (linked.abi_version != TESSERA_TBIN_ABI_VERSION) {
    error = path + ": compiled for ABI version " +
            std::to_string(linked.abi_version) + ", this runtime has " +
            std::to_string(TESSERA_TBIN_ABI_VERSION) +
            "; recompile it with the tesserac of this runtime";
    return TESSERA_ERROR_UNSUPPORTED;
  }
  auto mod = std::make_unique<LoadedModule>();
  Section meta{linked.meta, static_cast<std::size_t>(linked.meta_size)};
  Section ops{linked.ops, static_cast<std::size_t>(linked.ops_size)};
  Section cuda{linked.cuda, static_cast<std::size_t>(linked.cuda_size)};
  if (!meta.data || !ops.data) {
    error = path + ": no " + (meta.data ? "kernel table" : "metadata");
    return TESSERA_ERROR_INVALID_MODULE;
  }
  if (tessera_status_t st = decodeSections(path, meta, ops, cuda, *mod, error);
      st != TESSERA_OK)
    return st;
  mod->path = mod->meta.module + " (linked in)";
  mod->sections.push_back({TESSERA_META_SECTION, linked.meta_size});
  mod->sections.push_back({TESSERA_OPS_SECTION, linked.ops_size});
  if (mod->hasCuda)
    mod->sections.push_back({TESSERA_CUDA_SECTION, linked.cuda_size});

  std::size_t numEntries = mod->meta.entries.size();
  if (code == CodeFor::Cuda) {
    for (std::size_t i = 0; i < numEntries; ++i) {
      if (!mod->hasCuda || !linked.cuda_entries || !linked.cuda_entries[i]) {
        error = mod->path +
                " has no CUDA code; compile it with tesserac --target=cuda";
        return TESSERA_ERROR_UNSUPPORTED;
      }
      mod->cudaEntryFns.push_back(linked.cuda_entries[i]);
    }
    mod->kernelFns.assign(mod->ops.kernels.size(), nullptr);
  } else if (code == CodeFor::Cpu) {
    for (std::size_t i = 0; i < numEntries; ++i) {
      if (!linked.entries || !linked.entries[i]) {
        error = mod->path +
                " has no CPU code; compile it with tesserac --target=cpu";
        return TESSERA_ERROR_UNSUPPORTED;
      }
      mod->entryFns.push_back(linked.entries[i]);
    }
    for (std::size_t i = 0; i < mod->ops.kernels.size(); ++i) {
      tessera_kernel_fn fn = linked.kernels ? linked.kernels[i] : nullptr;
      if (mod->ops.kernels[i].backend == "cpu" && !fn) {
        error = mod->path + ": kernel '" +
                tbin::printable(mod->ops.kernels[i].name) + "' has no code";
        return TESSERA_ERROR_INVALID_MODULE;
      }
      mod->kernelFns.push_back(fn);
    }
  }
  out = std::move(mod);
  return TESSERA_OK;
}

} // namespace tessera::rt
