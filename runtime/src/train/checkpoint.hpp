// A checkpoint: a .safetensors file holding a TrainState, as
//   NAME          each parameter
//   state:NAME    each optimizer state
//   __metadata__  {"entry": ..., "module": ..., "step": "<steps done>"}
// so that it is also a --params file, from which a run resumes. Written
// atomically, and deterministically (the safetensors writer sorts keys), so
// the same state always gives the same bytes.
#pragma once

#include "train/train_state.hpp"

#include "tessera/safetensors.hpp"

#include <string>

namespace tessera::train {

safetensors::File checkpointContents(const TrainState &state,
                                     const std::string &module,
                                     const std::string &entry);

bool writeCheckpoint(const std::string &path, const TrainState &state,
                     const std::string &module, const std::string &entry,
                     std::string &error);

} // namespace tessera::train
