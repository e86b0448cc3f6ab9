#include "info_command.hpp"

#include "tessera/tessera_rt.hpp"

#include <cstdio>

namespace tessera::cli {

namespace {

std::string signatureList(const std::vector<TensorInfo> &infos) {
  std::string s;
  for (const TensorInfo &t : infos)
    s += (s.empty() ? "" : ", ") + t.name + ": " + t.signature();
  return s;
}

std::string tileString(const std::vector<int64_t> &tile) {
  std::string s = "[";
  for (std::size_t i = 0; i < tile.size(); ++i)
    s += (i ? ", " : "") + std::to_string(tile[i]);
  return s + "]";
}

} // namespace

int infoCommand(const std::string &model) {
  // Describing runs nothing: no device, and none of the module's code.
  Module module = Module::inspect(model);
  auto [major, minor] = module.formatVersion();
  std::printf("module: %s\n", module.name().c_str());
  std::printf("format version: %u.%u\n", major, minor);
  std::printf("target: %s\n", module.target().c_str());
  std::printf("policy: %s\n", module.policy().c_str());
  std::printf("sections:\n");
  for (const SectionInfo &s : module.sections())
    std::printf("  %-16s %llu bytes\n", s.name.c_str(),
                static_cast<unsigned long long>(s.size));
  for (const std::string &name : module.entryNames()) {
    Function fn = module.function(name);
    // Plain entries keep the line they had before training existed.
    std::string kind;
    if (fn.kind() != "entry")
      kind = "  kind " + fn.kind();
    if (!fn.optimizer().empty())
      kind += "  optimizer " + fn.optimizer();
    std::printf("entry %s(%s) -> (%s)  symbol %s%s\n", name.c_str(),
                signatureList(fn.inputs()).c_str(),
                signatureList(fn.outputs()).c_str(), fn.symbol().c_str(),
                kind.c_str());
  }
  for (const ParamInfo &p : module.params()) {
    const char *dtype = tessera_dtype_name(p.dtype);
    std::printf("param %s: %s%s  init %s  seed %lld\n", p.name.c_str(),
                dtype ? dtype : "?", tileString(p.shape).c_str(),
                p.init.c_str(), static_cast<long long>(p.seed));
  }
  std::vector<KernelInfo> kernels = module.kernels();
  if (kernels.empty())
    std::printf("kernels: none\n");
  for (const KernelInfo &k : kernels)
    std::printf("kernel %s  backend %s  kind %s  tile %s  args %u  entry %s  "
                "symbol %s\n",
                k.name.c_str(), k.backend.c_str(), k.kind.c_str(),
                tileString(k.tile).c_str(), k.numArgs, k.entry.c_str(),
                k.symbol.c_str());
  for (const DeviceImageInfo &d : module.deviceImages())
    std::printf("%s image %s  sm_%u%s  %llu bytes\n", d.device.c_str(),
                d.kind.c_str(), d.sm, d.archSpecific ? "a" : "",
                static_cast<unsigned long long>(d.size));
  return 0;
}

} // namespace tessera::cli
