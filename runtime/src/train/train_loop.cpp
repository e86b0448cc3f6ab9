#include "train/train_loop.hpp"

#include "train/checkpoint.hpp"
#include "train/io_roles.hpp"
#include "train/scalar_convert.hpp"

#include <cmath>

namespace tessera::train {

namespace {

// What the step returned must be what the signature promised: a scalar loss
// of its dtype, and new values exactly like the ones they replace.
bool checkOutputs(const tbin::EntryMeta &entry,
                  const std::vector<HostTensor> &outputs,
                  const std::vector<HostTensor *> &targets,
                  std::string &error) {
  const std::string who = "step of '" + entry.name + "'";
  if (outputs.size() != entry.outputs.size()) {
    error = who + " returned " + std::to_string(outputs.size()) +
            " outputs, not " + std::to_string(entry.outputs.size());
    return false;
  }
  const HostTensor &loss = outputs[0];
  if (loss.dtype != entry.outputs[0].dtype || !loss.shape.empty() ||
      loss.data.size() != tbin::dtypeSize(loss.dtype)) {
    error = who + " returned a loss of " + typeString(loss.dtype, loss.shape) +
            ", not " + tbin::formatSignature(entry.outputs[0]);
    return false;
  }
  for (std::size_t i = 1; i < outputs.size(); ++i) {
    const HostTensor &out = outputs[i], &old = *targets[i];
    if (out.dtype != old.dtype || out.shape != old.shape ||
        out.data.size() != old.data.size()) {
      error = who + " returned '" + entry.outputs[i].name + "' as " +
              typeString(out.dtype, out.shape) + " (" +
              std::to_string(out.data.size()) + " bytes), not " +
              typeString(old.dtype, old.shape);
      return false;
    }
  }
  return true;
}

} // namespace

bool runTraining(const tbin::EntryMeta &entry,
                 const std::map<std::string, HostTensor> &data,
                 TrainState &state, const StepFn &step,
                 const TrainOptions &options, TrainResult &result,
                 std::string &error) {
  result = TrainResult{};
  if (!checkTrainSignature(entry, error))
    return false;

  // Inputs point into `state` and `data`, whose elements never move; a
  // step's new values are swapped into them.
  std::vector<const HostTensor *> inputs;
  for (const tbin::TensorSig &in : entry.inputs) {
    IoRole role = ioRole(in.name);
    const std::map<std::string, HostTensor> &from =
        role.role == Role::Param   ? state.params
        : role.role == Role::State ? state.states
                                   : data;
    auto it = from.find(role.name);
    if (it == from.end()) {
      error =
          "no value for input '" + in.name + "' of entry '" + entry.name + "'";
      return false;
    }
    inputs.push_back(&it->second);
  }
  std::vector<HostTensor *> targets(entry.outputs.size(), nullptr);
  for (std::size_t i = 1; i < entry.outputs.size(); ++i) {
    IoRole role = ioRole(entry.outputs[i].name);
    targets[i] =
        &(role.role == Role::Param ? state.params : state.states)[role.name];
  }

  int64_t saved = -1;
  auto save = [&](std::string &err) {
    if (options.log && !options.log->flush(err))
      return false;
    if (!writeCheckpoint(options.checkpointPath, state, options.module,
                         entry.name, err))
      return false;
    saved = state.step;
    return true;
  };

  const tbin::DType lossType = entry.outputs[0].dtype;
  std::vector<HostTensor> outputs(entry.outputs.size());
  for (int64_t k = 0; k < options.steps; ++k) {
    const int64_t s = state.step + 1;
    step(inputs, outputs);
    if (!checkOutputs(entry, outputs, targets, error))
      return false;
    double loss = loadScalar(lossType, outputs[0].data.data());
    std::string text = formatLoss(loss, lossType);
    if (options.log && !options.log->append(s, loss, lossType, error))
      return false;
    if (!std::isfinite(loss)) {
      // The state is still that of step s - 1: keep it, then stop.
      result.badStep = s;
      std::string where = "loss is " + text + " at step " + std::to_string(s);
      if (saved != state.step && !save(error)) {
        error = where +
                ", and the last good parameters could not be saved: " + error;
        return false;
      }
      error = where + "; the last good parameters (step " +
              std::to_string(state.step) + ") are in " + options.checkpointPath;
      return false;
    }
    for (std::size_t i = 1; i < outputs.size(); ++i)
      targets[i]->data.swap(outputs[i].data);
    state.step = s;
    if (result.stepsRun++ == 0)
      result.firstLoss = loss;
    result.lastLoss = loss;
    result.lastLossText = text;
    if (options.onStep)
      options.onStep(s, loss, text);
    if (options.checkpointEvery > 0 && s % options.checkpointEvery == 0 &&
        !save(error))
      return false;
  }
  if (saved != state.step && !save(error))
    return false;
  return true;
}

} // namespace tessera::train
