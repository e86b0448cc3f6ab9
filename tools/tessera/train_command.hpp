// `tessera run` on a train entry: the training loop of runtime/src/train,
// each step run by EntryRunner, with progress on stderr, the --log file and
// the checkpoint; a summary on stdout. docs/training.md is the user's view.
#pragma once

#include "bound_entry.hpp"
#include "run_command.hpp"

#include "tessera/tessera_rt.hpp"

namespace tessera::cli {

// Returns the exit status; throws Failure (a NaN loss among others).
int runTrain(const Context &ctx, const Module &module, const Function &fn,
             BoundEntry &bound, const RunOptions &options);

} // namespace tessera::cli
