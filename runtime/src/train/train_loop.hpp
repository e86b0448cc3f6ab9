// The training loop of `tessera run` on a train entry, with the step itself
// left to the caller: the CLI runs a compiled module, the unit tests a step
// written in C++. Each step takes the entry's inputs (data, "param:NAME",
// "state:NAME") and returns its outputs ("loss", then new values of
// param:/state: inputs), which become those inputs for the next step.
//
// The loss is checked after every step. A NaN or infinite loss stops the
// run before its outputs are used: the checkpoint then holds the state from
// before that step, and the error says so.
#pragma once

#include "train/host_tensor.hpp"
#include "train/loss_log.hpp"
#include "train/step_runner.hpp"
#include "train/train_state.hpp"

#include "tessera/tbin_meta.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace tessera::train {

// One step: `inputs` in the entry's input order; `outputs` has one tensor
// per entry output, in order, which the step fills (dtype, shape, data),
// reusing their memory from the step before if it likes. Errors are thrown.
using StepFn = std::function<void(const std::vector<const HostTensor *> &inputs,
                                  std::vector<HostTensor> &outputs)>;

struct TrainOptions {
  int64_t steps = 1;
  // Also write the checkpoint after every step whose number (in total) is
  // a multiple of this; 0: only at the end.
  int64_t checkpointEvery = 0;
  std::string checkpointPath;
  std::string module; // for the checkpoint's __metadata__
  LossLog *log = nullptr;
  // After each good step: its number in total, the loss, the loss printed.
  std::function<void(int64_t step, double loss, const std::string &text)>
      onStep;
};

struct TrainResult {
  int64_t stepsRun = 0; // good steps of this run
  double firstLoss = 0; // of this run's first step
  double lastLoss = 0;  // of its last good step
  std::string lastLossText;
  int64_t badStep = 0; // the step with a non-finite loss; 0 if none
};

// Runs options.steps steps from `state` (updated in place) and writes the
// checkpoint at the end. `data` holds every input that is neither param:
// nor state:, by name. False with a one-line `error` if a step returns
// something the signature does not allow, a file cannot be written, or the
// loss is not finite:
//   loss is nan at step S; the last good parameters (step S-1) are in FILE
bool runTraining(const tbin::EntryMeta &entry,
                 const std::map<std::string, HostTensor> &data,
                 TrainState &state, const StepFn &step,
                 const TrainOptions &options, TrainResult &result,
                 std::string &error);

// The same loop over steps that `runner` runs, wherever the state lives:
// `state` is read back from it before every checkpoint, so it is current
// when the run returns true, and holds the last good step after a NaN.
bool runTraining(const tbin::EntryMeta &entry, TrainState &state,
                 StepRunner &runner, const TrainOptions &options,
                 TrainResult &result, std::string &error);

} // namespace tessera::train
