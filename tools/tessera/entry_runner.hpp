// Runs an entry of a loaded module on host tensors: copies them into the
// runtime's aligned buffers, invokes, copies the outputs back. Set up once
// for a signature's shapes, then run as often as needed: the training loop
// runs it once per step.
#pragma once

#include "train/host_tensor.hpp"

#include "tessera/tessera_rt.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::cli {

class EntryRunner {
public:
  // `inputs` fixes the shapes (binding the entry's dims) and sizes the
  // outputs; a mismatch is a Failure whose message starts with
  // sources[i] (a file name, or "" for a value made here). Inputs marked
  // constant are copied into their buffers now, and never again.
  EntryRunner(const Context &ctx, const Function &fn,
              const std::vector<const train::HostTensor *> &inputs,
              const std::vector<std::string> &sources,
              const std::vector<bool> &constant);

  // One invocation; `inputs` have the shapes given to the constructor.
  void run(const std::vector<const train::HostTensor *> &inputs,
           std::vector<train::HostTensor> &outputs);

  const std::vector<std::vector<int64_t>> &outputShapes() const {
    return outShapes_;
  }

private:
  Function fn_;
  Stream stream_;
  std::vector<bool> constant_;
  std::vector<std::vector<int64_t>> inShapes_, outShapes_;
  std::vector<Buffer> inBuffers_, outBuffers_;
  std::vector<tessera_tensor_t> inTensors_, outTensors_;
  std::vector<int32_t> outDTypes_;
};

} // namespace tessera::cli
