// A device entry whose tensors stay on the GPU from one call to the next,
// for training loops: parameters and optimizer state are uploaded once and
// read back only when asked (a checkpoint, the end of the run); each step
// downloads just what the caller asks for (the loss).
//
// Each carried input (one whose next value is an output of the step) has
// two buffers: a step reads one half and writes the other, and commit()
// swaps them. So a step that is not committed (a NaN loss) leaves the
// inputs as they were, and no copy between buffers is ever needed.
//
// With graphs on, the first call runs the entry directly (warm-up: it fixes
// the entry's temporaries, kept in a Workspace); the first call on each
// half after that captures the entry's launches into a CUDA graph, and
// later calls replay it. A capture that fails, or uploads that change from
// call to call, turn graphs off for good, and steps run without them.
#pragma once

#include "cuda/device_run.hpp"
#include "cuda/step_graph.hpp"
#include "cuda/workspace.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tessera::rt::cuda {

struct ResidentSpec {
  std::string entryName; // for messages
  tessera_device_entry_fn entry = nullptr;
  std::vector<int64_t> dims; // bound once: the shapes never change
  std::vector<std::size_t> inputBytes, outputBytes;
  // Per input: the output that becomes its value on commit(), or -1.
  std::vector<int> carriedFrom;
  bool graphs = true;
  // As in DeviceCall; no graph is captured while the profiler is enabled,
  // which times every launch on its own.
  Profiler *profiler = nullptr;
  const KernelNames *kernelNames = nullptr;
};

// What the steps did, for tests and logs.
struct ResidentCounters {
  int64_t calls = 0;        // step() calls that succeeded
  int64_t captures = 0;     // graphs captured
  int64_t replays = 0;      // steps run by replaying a graph
  std::string graphsOffWhy; // why graphs were turned off; empty if not
};

class ResidentEntry {
public:
  // Allocates the buffers on `module`'s device, which must outlive it.
  static tessera_status_t create(CudaModule &module, ResidentSpec spec,
                                 std::unique_ptr<ResidentEntry> &out,
                                 std::string &error);
  // Frees every buffer, temporary and graph.
  ~ResidentEntry();
  ResidentEntry(const ResidentEntry &) = delete;
  ResidentEntry &operator=(const ResidentEntry &) = delete;

  // Sets input `index` from `bytes` bytes of host memory.
  tessera_status_t write(std::size_t index, const void *data,
                         std::string &error);
  // Copies the current value of input `index` into host memory.
  tessera_status_t read(std::size_t index, void *data, std::string &error);

private:
  // One copy between input `index`'s device buffer and the host, then a
  // sync: what write() and read() share.
  using CopyFn =
      std::function<CUresult(const Driver &, CUdeviceptr, std::size_t)>;
  tessera_status_t transfer(std::size_t index, const char *api,
                            const CopyFn &copy, std::string &error);

public:
  // One call of the entry on the current inputs. `inputs` (one per input,
  // or none) are uploaded first where their data is not null; `outputs`
  // (one per output, or none) downloaded after where theirs is not null.
  tessera_status_t step(const std::vector<HostSpan> &inputs,
                        const std::vector<HostSpan> &outputs,
                        std::string &error);
  // The last step's carried outputs become the inputs.
  void commit() { half_ ^= 1; }

  const ResidentCounters &counters() const { return counters_; }

private:
  ResidentEntry(CudaModule &module, ResidentSpec spec);
  CUdeviceptr inputBuffer(std::size_t i) const;
  std::vector<CUdeviceptr> callBuffers() const;
  void graphsOff(const std::string &why);

  CudaModule &module_;
  CudaDevice &device_;
  ResidentSpec spec_;
  // Per input and output: two halves for carried ones, else the same one
  // twice. Zero where not allocated yet.
  std::vector<std::array<CUdeviceptr, 2>> inputs_, outputs_;
  std::vector<CUdeviceptr> owned_; // every buffer above, once
  int half_ = 0;                   // the half the inputs read
  Workspace workspace_;
  std::array<std::unique_ptr<StepGraph>, 2> graphs_; // per half
  bool graphsOn_ = false;
  ResidentCounters counters_;
};

} // namespace tessera::rt::cuda
