// Exported symbol names in a .tbin; the runtime finds them through
// .tessera.meta / .tessera.ops, so only the compiler needs these rules.
#pragma once

#include <string>

namespace tessera {

inline std::string entrySymbol(const std::string &entry) {
  return "tessera_entry_" + entry;
}
// TESSERA_CUDA_ENTRY_PREFIX in tbin_abi.h.
inline std::string cudaEntrySymbol(const std::string &entry) {
  return "tessera_cuda_entry_" + entry;
}
inline std::string kernelSymbol(const std::string &kernel) {
  return "tessera_kernel_" + kernel;
}

} // namespace tessera
