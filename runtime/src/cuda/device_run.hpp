// Runs one device entry (tessera_device_entry_fn) on host tensors: device
// buffers for the inputs and outputs, inputs copied in, the entry called
// with the runtime's tessera_device_ops (stream-ordered allocation, kernel
// launch by name, uploads of small host values, downloads of the values
// its control flow depends on), a wait for the stream, outputs copied
// back. Everything it or the entry allocated is freed on every path,
// failures included.
//
// It knows the GPU only through CudaDevice and CudaModule, which take a
// driver table: unit tests run it on a fake driver, with an entry written in
// C++, without a GPU or a .tbin.
#pragma once

#include "core/profiler.hpp"
#include "cuda/cuda_module.hpp"
#include "cuda/step_graph.hpp"
#include "cuda/workspace.hpp"

#include "tessera/tbin_abi.h"
#include "tessera/tessera_rt.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tessera::rt::cuda {

// Host memory of one input (read) or output (written).
struct HostSpan {
  void *data = nullptr;
  std::size_t bytes = 0;
};

// Kernels launch with this many threads a block, one thread a tile.
constexpr unsigned kThreadsPerBlock = 256;

// A kernel's symbol in the image (what the entry launches) -> its name in
// .tessera.ops, which profiles show, as on the CPU.
using KernelNames = std::map<std::string, std::string, std::less<>>;

struct DeviceCall {
  std::string entryName; // for messages
  tessera_device_entry_fn entry = nullptr;
  std::vector<HostSpan> inputs, outputs; // in signature order
  const int64_t *dims = nullptr;         // passed to the entry as is
  // When given and enabled, every launch is timed with CUDA events and
  // recorded there, named through `kernelNames` (if given).
  Profiler *profiler = nullptr;
  const KernelNames *kernelNames = nullptr;

  // Resident calls (resident_entry.hpp) only. `buffers`: device memory
  // that outlives the call, one per input then output; spans whose data is
  // null are then neither uploaded nor downloaded.
  const std::vector<CUdeviceptr> *buffers = nullptr;
  // The entry's temporaries and upload sources, kept across calls.
  Workspace *workspace = nullptr;
  // With a workspace: `replay` set runs that graph instead of the entry;
  // `capture` set records the entry's work into it, then runs it. A
  // capture that fails for any reason leaves `capture` empty, says why in
  // `captureError`, and the entry runs without a graph.
  StepGraph *replay = nullptr;
  StepGraph *capture = nullptr;
  std::string *captureError = nullptr;
};

// Failures:
//   TESSERA_ERROR_OUT_OF_MEMORY: a device allocation failed (the entry
//     returned 5), e.g. "entry 'f' failed with status 5: cuMemAllocAsync of
//     4096 bytes failed: CUDA_ERROR_OUT_OF_MEMORY (out of memory)"
//   TESSERA_ERROR_OUT_OF_RANGE: the entry's run-time check of an index,
//     slice or reshape failed (it returned 8) before launching anything
//     that relies on it
//   TESSERA_ERROR_EXECUTION: a solve met a singular matrix (the entry
//     returned TESSERA_ENTRY_SINGULAR_MATRIX), reported as on the CPU:
//     "entry 'f' failed: solve: the matrix is singular (Gaussian
//     elimination met a zero pivot)"; or a copy, launch or the kernels
//     failed, e.g.
//     "entry 'f' failed with status 7: kernel 'k': cuLaunchKernel failed:
//     CUDA_ERROR_INVALID_VALUE (invalid argument)"
tessera_status_t runDeviceEntry(CudaModule &module, const DeviceCall &call,
                                std::string &error);

} // namespace tessera::rt::cuda
