// Turns a .tbin path into a loaded module: read the file, validate it as ELF,
// decode and check .tessera.meta / .tessera.ops (and .tessera.cuda when
// present), and only then dlopen it and resolve the symbols of the code the
// device at hand runs.
#pragma once

#include "tessera/tbin_abi.h"
#include "tessera/tbin_cuda.hpp"
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

// The code a load resolves: none (the metadata only, nothing is mapped), the
// CPU entries and kernels, or the CUDA device entries.
enum class CodeFor { None, Cpu, Cuda };

struct LoadedModule {
  std::string path;
  uint16_t formatMajor = 0;
  uint16_t formatMinor = 0;
  tbin::ModuleMeta meta;
  tbin::OpsTable ops;
  bool hasCuda = false;                 // a .tessera.cuda section is present
  tbin::CudaImages cuda;                // its images
  std::vector<SectionSummary> sections; // those named .tessera*
  void *handle = nullptr;               // from dlopen
  // The code of the device the module was loaded for. A CPU load fills
  // entryFns (parallel to meta.entries) and kernelFns (parallel to
  // ops.kernels, null for non-CPU kernels); a CUDA load fills cudaEntryFns
  // (parallel to meta.entries) and leaves every kernelFns entry null.
  std::vector<tessera_entry_fn> entryFns;
  std::vector<tessera_kernel_fn> kernelFns;
  std::vector<tessera_device_entry_fn> cudaEntryFns;

  // The .tessera.ops name of a resolved CPU kernel; null if none has it.
  const std::string *kernelName(tessera_kernel_fn fn) const;

  LoadedModule() = default;
  LoadedModule(const LoadedModule &) = delete;
  LoadedModule &operator=(const LoadedModule &) = delete;
  ~LoadedModule();
};

// Every message starts with the path as given, e.g.
// "model.tbin: not a Tessera module (no .tessera.meta section)"; a module
// without code for the device: "model.tbin has no CUDA code; compile it
// with tesserac --target=cuda" (TESSERA_ERROR_UNSUPPORTED).
tessera_status_t loadModule(const std::string &path, CodeFor code,
                            std::unique_ptr<LoadedModule> &out,
                            std::string &error);

// The checks loadModule runs before dlopen, on bytes already in memory;
// fills everything but the handle and function pointers.
tessera_status_t inspectModule(const std::string &path, const uint8_t *data,
                               std::size_t size, LoadedModule &out,
                               std::string &error);

// A model linked into the program (tesserac --emit=obj): its tables are
// checked as inspectModule checks a file's sections, its code comes from
// the descriptor's arrays (nothing is mapped). Messages start with
// "linked-in module" until its name is known, then "NAME (linked in)".
tessera_status_t loadStaticModule(const tessera_static_module_t &linked,
                                  CodeFor code,
                                  std::unique_ptr<LoadedModule> &out,
                                  std::string &error);

} // namespace tessera::rt
