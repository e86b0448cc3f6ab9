// Everything a training run carries from one step to the next, and all that
// a checkpoint holds: the parameters, the optimizer state, the step count.
#pragma once

#include "train/host_tensor.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace tessera::train {

struct TrainState {
  int64_t step = 0; // steps done in total, over every run that led here
  std::map<std::string, HostTensor> params; // by NAME, for "param:NAME"
  std::map<std::string, HostTensor> states; // by NAME, for "state:NAME"
};

} // namespace tessera::train
