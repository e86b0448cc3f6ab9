#include "resident_step.hpp"

#include "cli_failure.hpp"

#include "train/io_roles.hpp"

namespace tessera::cli {

ResidentStep::ResidentStep(const Function &fn, const BoundEntry &bound,
                           bool graphs)
    : meta_(bound.meta) {
  std::vector<const train::HostTensor *> inputs = bound.inputs();
  std::vector<tessera_tensor_t> tensors;
  for (const train::HostTensor *in : inputs)
    tensors.push_back({const_cast<uint8_t *>(in->data.data()),
                       static_cast<int32_t>(in->dtype),
                       static_cast<int32_t>(in->shape.size()),
                       in->shape.data()});
  // Shapes first, with errors naming the file an input came from, as the
  // host path's do.
  std::vector<std::string> sources = bound.inputSources();
  std::size_t failed = tensors.size();
  try {
    fn.bindDims(tensors, &failed);
  } catch (const Error &e) {
    if (failed < tensors.size() && !sources[failed].empty())
      throw Failure(sources[failed] + ": " + e.what());
    throw;
  }

  // "param:w" and "state:m" inputs take the step's outputs of those names.
  std::vector<int> carriedFrom;
  for (const tbin::TensorSig &in : meta_.inputs) {
    int from = -1;
    if (train::ioRole(in.name).role != train::Role::Data)
      for (std::size_t j = 1; j < meta_.outputs.size(); ++j)
        if (meta_.outputs[j].name == in.name)
          from = static_cast<int>(j);
    carriedFrom.push_back(from);
  }
  std::string error;
  if (rt::openResident(fn.get(), tensors, carriedFrom, graphs, entry_, error) !=
      TESSERA_OK)
    throw Failure(error);
  for (std::size_t i = 0; i < inputs.size(); ++i)
    if (entry_->write(i, inputs[i]->data.data(), error) != TESSERA_OK)
      throw Failure(error);
}

void ResidentStep::run(train::HostTensor &loss) {
  loss.dtype = meta_.outputs[0].dtype;
  loss.shape.clear();
  loss.data.resize(tbin::dtypeSize(loss.dtype));
  std::vector<rt::cuda::HostSpan> outputs(meta_.outputs.size());
  outputs[0] = {loss.data.data(), loss.data.size()};
  std::string error;
  if (entry_->step({}, outputs, error) != TESSERA_OK)
    throw Failure(error);
}

void ResidentStep::read(train::TrainState &state) {
  std::string error;
  for (std::size_t i = 0; i < meta_.inputs.size(); ++i) {
    train::IoRole role = train::ioRole(meta_.inputs[i].name);
    if (role.role == train::Role::Data)
      continue;
    train::HostTensor &t =
        (role.role == train::Role::Param ? state.params
                                         : state.states)[role.name];
    if (entry_->read(i, t.data.data(), error) != TESSERA_OK)
      throw Failure(error);
  }
}

} // namespace tessera::cli
