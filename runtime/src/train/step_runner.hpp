// How the training loop runs steps without knowing where the state lives.
// On the host the loop's TrainState is the state; on a GPU it stays in
// device memory between steps, and the loop asks for a copy only when it
// writes a checkpoint. A step's results stay pending until commit(), so a
// step with a NaN loss leaves the state as it was.
#pragma once

#include "train/host_tensor.hpp"
#include "train/train_state.hpp"

namespace tessera::train {

class StepRunner {
public:
  virtual ~StepRunner() = default;
  // Runs one step on the current state and returns its loss (dtype, shape
  // and data as the step produced them). Errors are thrown.
  virtual void run(HostTensor &loss) = 0;
  // The pending step's parameters and state become the current ones.
  virtual void commit() = 0;
  // Copies the current parameters and state into `state`'s tensors.
  virtual void read(TrainState &state) = 0;
};

} // namespace tessera::train
