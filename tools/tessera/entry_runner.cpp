#include "entry_runner.hpp"

#include "cli_failure.hpp"

#include <cstring>

namespace tessera::cli {

namespace {

tessera_tensor_t tensorOn(const Buffer &buffer, int32_t dtype,
                          const std::vector<int64_t> &shape) {
  return {buffer.data(), dtype, static_cast<int32_t>(shape.size()),
          shape.data()};
}

} // namespace

EntryRunner::EntryRunner(const Context &ctx, const Function &fn,
                         const std::vector<const train::HostTensor *> &inputs,
                         const std::vector<std::string> &sources,
                         const std::vector<bool> &constant)
    : fn_(fn), stream_(ctx), constant_(constant) {
  // Shapes are copied first: the tensors point at them, so they must not
  // move once the tensors exist.
  for (const train::HostTensor *in : inputs)
    inShapes_.push_back(in->shape);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    inBuffers_.emplace_back(ctx, inputs[i]->data.size());
    std::memcpy(inBuffers_.back().data(), inputs[i]->data.data(),
                inputs[i]->data.size());
    inTensors_.push_back(tensorOn(inBuffers_.back(),
                                  static_cast<int32_t>(inputs[i]->dtype),
                                  inShapes_[i]));
  }
  std::size_t failed = inputs.size();
  try {
    fn.bindDims(inTensors_, &failed);
  } catch (const Error &e) {
    if (failed < inputs.size() && !sources[failed].empty())
      throw Failure(sources[failed] + ": " + e.what());
    throw;
  }

  std::vector<TensorInfo> outputs = fn.outputs();
  for (std::size_t i = 0; i < outputs.size(); ++i)
    outShapes_.push_back(fn.outputShape(inTensors_, i));
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    std::size_t bytes;
    if (!train::byteSize(static_cast<tbin::DType>(outputs[i].dtype),
                         outShapes_[i], bytes))
      throw Failure("output '" + outputs[i].name + "' is too large");
    outBuffers_.emplace_back(ctx, bytes);
    outDTypes_.push_back(outputs[i].dtype);
    outTensors_.push_back(
        tensorOn(outBuffers_.back(), outputs[i].dtype, outShapes_[i]));
  }
}

void EntryRunner::run(const std::vector<const train::HostTensor *> &inputs,
                      std::vector<train::HostTensor> &outputs) {
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (constant_[i])
      continue;
    // The training loop keeps shapes; a size change would be a bug here.
    if (inputs[i]->data.size() != inBuffers_[i].size())
      throw Failure("input " + std::to_string(i) + " of '" + fn_.name() +
                    "' changed size between runs");
    std::memcpy(inBuffers_[i].data(), inputs[i]->data.data(),
                inputs[i]->data.size());
  }
  fn_.invoke(inTensors_, outTensors_, &stream_);
  stream_.synchronize();
  outputs.resize(outBuffers_.size());
  for (std::size_t i = 0; i < outBuffers_.size(); ++i) {
    train::HostTensor &out = outputs[i];
    out.dtype = static_cast<tbin::DType>(outDTypes_[i]);
    out.shape = outShapes_[i];
    auto *p = static_cast<const uint8_t *>(outBuffers_[i].data());
    out.data.assign(p, p + outBuffers_[i].size());
  }
}

} // namespace tessera::cli
