// libFuzzer entry point over everything the runtime reads from untrusted
// bytes: each input is tried as a .tbin (ELF validation and the
// .tessera.meta/.tessera.ops/.tessera.cuda decoding that loadModule runs
// before dlopen), as a bare .tessera.meta, .tessera.ops and .tessera.cuda
// section, as a .npy file and as a .safetensors file. Trying every reader on
// every input keeps one target and one corpus; each reader rejects the others'
// files within a few bytes.
//
// Besides ASan/UBSan findings it checks the readers' contract: a failure
// comes with a one-line message, and whatever is read back can be written
// and read again to the same value.
#include "loader/module_loader.hpp"
#include "tessera/npy.hpp"
#include "tessera/safetensors.hpp"
#include "tessera/tbin_cuda.hpp"
#include "tessera/tbin_meta.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace tessera;

namespace {

[[noreturn]] void violated(const char *reader, const char *what,
                           const std::string &detail) {
  std::fprintf(stderr, "tessera-loader-fuzz: contract violated: %s: %s\n%s\n",
               reader, what, detail.c_str());
  std::abort();
}

void checkMessage(const char *reader, const std::string &error) {
  if (error.empty())
    violated(reader, "failed without a message", "");
  if (error.find('\n') != std::string::npos)
    violated(reader, "message is not one line", error);
}

// Decoding what encode wrote gives back the same bytes.
template <typename Table>
void sectionRoundTrip(const char *reader, const Table &decoded) {
  std::vector<uint8_t> bytes = tbin::encode(decoded);
  Table again;
  std::string error;
  if (!tbin::decode(bytes.data(), bytes.size(), again, error))
    violated(reader, "cannot decode what it encoded", error);
  if (tbin::encode(again) != bytes)
    violated(reader, "re-encoding changed the bytes", "");
}

template <typename Table>
void fuzzSection(const char *reader, const uint8_t *data, size_t size) {
  Table decoded;
  std::string error;
  if (tbin::decode(data, size, decoded, error))
    sectionRoundTrip(reader, decoded);
  else
    checkMessage(reader, error);
}

void fuzzModule(const uint8_t *data, size_t size) {
  rt::LoadedModule module;
  std::string error;
  if (rt::inspectModule("fuzz.tbin", data, size, module, error) != TESSERA_OK) {
    checkMessage("module", error);
    return;
  }
  if (module.handle)
    violated("module", "inspectModule opened the module", "");
  sectionRoundTrip("module meta", module.meta);
  sectionRoundTrip("module ops", module.ops);
  if (module.hasCuda) {
    sectionRoundTrip("module cuda", module.cuda);
    // Whatever the images, choosing one for any device stays in range.
    for (uint32_t sm : {0u, 52u, 80u, 90u, 1000u}) {
      int chosen = tbin::chooseCudaImage(module.cuda, sm);
      if (chosen < -1 || chosen >= static_cast<int>(module.cuda.images.size()))
        violated("module cuda", "chose an image out of range", "");
    }
  }
}

void fuzzNpy(const uint8_t *data, size_t size) {
  npy::Array array;
  std::string error;
  if (!npy::parse(data, size, "fuzz.npy", array, error)) {
    checkMessage("npy", error);
    return;
  }
  std::vector<uint8_t> bytes;
  if (!npy::encode(array, bytes, error))
    violated("npy", "cannot write what it read", error);
  npy::Array again;
  if (!npy::parse(bytes.data(), bytes.size(), "again.npy", again, error))
    violated("npy", "cannot read what it wrote", error);
  if (again.dtype != array.dtype || again.shape != array.shape ||
      again.data != array.data)
    violated("npy", "round trip changed the array", "");
}

bool sameFile(const safetensors::File &a, const safetensors::File &b) {
  if (a.metadata != b.metadata || a.tensors.size() != b.tensors.size())
    return false;
  for (const auto &[name, t] : a.tensors) {
    auto it = b.tensors.find(name);
    if (it == b.tensors.end() || it->second.dtype != t.dtype ||
        it->second.shape != t.shape || it->second.data != t.data)
      return false;
  }
  return true;
}

void fuzzSafetensors(const uint8_t *data, size_t size) {
  safetensors::File file;
  std::string error;
  if (!safetensors::parse(data, size, "fuzz.safetensors", file, error)) {
    checkMessage("safetensors", error);
    return;
  }
  std::vector<uint8_t> bytes;
  if (!safetensors::encode(file, bytes, error))
    violated("safetensors", "cannot write what it read", error);
  safetensors::File again;
  if (!safetensors::parse(bytes.data(), bytes.size(), "again", again, error))
    violated("safetensors", "cannot read what it wrote", error);
  if (!sameFile(file, again))
    violated("safetensors", "round trip changed the file", "");
  // Written files are canonical: writing again gives the same bytes.
  std::vector<uint8_t> twice;
  if (!safetensors::encode(again, twice, error) || twice != bytes)
    violated("safetensors", "writing is not deterministic", error);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzzModule(data, size);
  fuzzSection<tbin::ModuleMeta>("meta", data, size);
  fuzzSection<tbin::OpsTable>("ops", data, size);
  fuzzSection<tbin::CudaImages>("cuda", data, size);
  fuzzNpy(data, size);
  fuzzSafetensors(data, size);
  return 0;
}
