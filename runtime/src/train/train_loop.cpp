#include "train/train_loop.hpp"

#include "train/checkpoint.hpp"
#include "train/io_roles.hpp"
#include "train/scalar_convert.hpp"

#include <cmath>
#include <stdexcept>

namespace tessera::train {

namespace {

// What the step returned must be what the signature promised: a scalar loss
// of its dtype (checkLoss), and new values exactly like the ones they
// replace.
bool checkLoss(const tbin::EntryMeta &entry, const HostTensor &loss,
               std::string &error) {
  if (loss.dtype != entry.outputs[0].dtype || !loss.shape.empty() ||
      loss.data.size() != tbin::dtypeSize(loss.dtype)) {
    error = "step of '" + entry.name + "' returned a loss of " +
            typeString(loss.dtype, loss.shape) + ", not " +
            tbin::formatSignature(entry.outputs[0]);
    return false;
  }
  return true;
}

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

// Steps on host tensors: the state is the TrainState itself, and a step's
// new values are swapped into it on commit.
class HostStepRunner : public StepRunner {
public:
  HostStepRunner(const tbin::EntryMeta &entry, const StepFn &step,
                 std::vector<const HostTensor *> inputs,
                 std::vector<HostTensor *> targets)
      : entry_(entry), step_(step), inputs_(std::move(inputs)),
        targets_(std::move(targets)), outputs_(entry.outputs.size()) {}

  void run(HostTensor &loss) override {
    step_(inputs_, outputs_);
    std::string error;
    if (!checkOutputs(entry_, outputs_, targets_, error))
      throw StepError(error);
    loss = outputs_[0];
  }
  void commit() override {
    for (std::size_t i = 1; i < outputs_.size(); ++i)
      targets_[i]->data.swap(outputs_[i].data);
  }
  void read(TrainState &) override {}

  // A returned value the signature does not allow.
  struct StepError : std::runtime_error {
    using std::runtime_error::runtime_error;
  };

private:
  const tbin::EntryMeta &entry_;
  const StepFn &step_;
  std::vector<const HostTensor *> inputs_;
  std::vector<HostTensor *> targets_;
  std::vector<HostTensor> outputs_;
};

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
  HostStepRunner runner(entry, step, std::move(inputs), std::move(targets));
  try {
    return runTraining(entry, state, runner, options, result, error);
  } catch (const HostStepRunner::StepError &e) {
    error = e.what();
    return false;
  }
}

bool runTraining(const tbin::EntryMeta &entry, TrainState &state,
                 StepRunner &runner, const TrainOptions &options,
                 TrainResult &result, std::string &error) {
  result = TrainResult{};
  if (!checkTrainSignature(entry, error))
    return false;

  int64_t saved = -1;
  auto save = [&](std::string &err) {
    if (options.log && !options.log->flush(err))
      return false;
    // The only time the state must be on the host.
    runner.read(state);
    if (!writeCheckpoint(options.checkpointPath, state, options.module,
                         entry.name, err))
      return false;
    saved = state.step;
    return true;
  };

  const tbin::DType lossType = entry.outputs[0].dtype;
  HostTensor lossTensor;
  for (int64_t k = 0; k < options.steps; ++k) {
    const int64_t s = state.step + 1;
    runner.run(lossTensor);
    if (!checkLoss(entry, lossTensor, error))
      return false;
    double loss = loadScalar(lossType, lossTensor.data.data());
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
    runner.commit();
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
