// Turns a .tbin path into a loaded module: read the file, validate it as ELF,
// decode and check .tessera.meta / .tessera.ops, and only then dlopen it and
// resolve every symbol the metadata names.
#pragma once

#include "tessera/tbin_abi.h"
#include "tessera/tbin_meta.hpp"
#include "tessera/tessera_rt.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tessera::rt {

struct SectionSummary {
  std::string name;
  uint64_t size = 0;
};

struct LoadedModule {
  std::string path;
  uint16_t formatMajor = 0;
  uint16_t formatMinor = 0;
  tbin::ModuleMeta meta;
  tbin::OpsTable ops;
  std::vector<SectionSummary> sections;     // those named .tessera*
  std::vector<tessera_entry_fn> entryFns;   // parallel to meta.entries
  std::vector<tessera_kernel_fn> kernelFns; // parallel to ops.kernels;
                                            // null for non-CPU kernels
  void *handle = nullptr;                   // from dlopen

  LoadedModule() = default;
  LoadedModule(const LoadedModule &) = delete;
  LoadedModule &operator=(const LoadedModule &) = delete;
  ~LoadedModule();
};

// Every message starts with the path as given, e.g.
// "model.tbin: not a Tessera module (no .tessera.meta section)".
tessera_status_t loadModule(const std::string &path,
                            std::unique_ptr<LoadedModule> &out,
                            std::string &error);

// The checks loadModule runs before dlopen, on bytes already in memory;
// fills everything but the handle and function pointers.
tessera_status_t inspectModule(const std::string &path, const uint8_t *data,
                               std::size_t size, LoadedModule &out,
                               std::string &error);

} // namespace tessera::rt
