// Where a run's parameters and optimizer state come from: the --params file
// (key NAME for "param:NAME", key "state:NAME" for "state:NAME") when it
// has them, else the parameter's initialiser and zeros for state. A file
// whose __metadata__ has "step" is a checkpoint: the run resumes from it.
#pragma once

#include "train/train_state.hpp"

#include "tessera/safetensors.hpp"
#include "tessera/tbin_meta.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::train {

struct InitialState {
  TrainState state;
  // "W1 (glorot, seed 1)" for each parameter drawn from its initialiser.
  std::vector<std::string> initialised;
  // "state:W1.m" for each state that starts at zero.
  std::vector<std::string> zeroed;
  // Keys of the file that the entry does not take.
  std::vector<std::string> unused;
  bool resumed = false; // the file had a "step"; state.step is its value
};

// Binds every param:/state: input of `entry`. `file` (may be null: no
// --params) was read from `fileName`, which prefixes its errors. False with
// a one-line `error` when a parameter is undeclared, the file's tensor
// differs in dtype or shape from the entry's input, or a value cannot be
// made.
bool initialState(const tbin::EntryMeta &entry,
                  const std::vector<tbin::ParamMeta> &params,
                  const safetensors::File *file, const std::string &fileName,
                  uint64_t runSeed, InitialState &out, std::string &error);

// A safetensors tensor as a HostTensor; false for dtypes a .tbin has not.
bool fromSafetensors(const safetensors::Tensor &in, HostTensor &out);

} // namespace tessera::train
