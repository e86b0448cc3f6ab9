#include "train/checkpoint.hpp"

#include "train/io_roles.hpp"

namespace tessera::train {

namespace {

safetensors::Tensor toSafetensors(const HostTensor &t) {
  safetensors::Tensor out;
  // Every tbin::DType has a safetensors dtype.
  safetensors::fromRuntimeDType(t.dtype, out.dtype);
  out.shape = t.shape;
  out.data = t.data;
  return out;
}

} // namespace

safetensors::File checkpointContents(const TrainState &state,
                                     const std::string &module,
                                     const std::string &entry) {
  safetensors::File file;
  for (const auto &[name, tensor] : state.params)
    file.tensors[name] = toSafetensors(tensor);
  for (const auto &[name, tensor] : state.states)
    file.tensors[kStatePrefix + name] = toSafetensors(tensor);
  file.metadata["step"] = std::to_string(state.step);
  file.metadata["module"] = module;
  file.metadata["entry"] = entry;
  return file;
}

bool writeCheckpoint(const std::string &path, const TrainState &state,
                     const std::string &module, const std::string &entry,
                     std::string &error) {
  return safetensors::write(path, checkpointContents(state, module, entry),
                            error);
}

} // namespace tessera::train
