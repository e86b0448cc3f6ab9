// An entry with a value for every input (docs/training.md): data inputs
// from --input NAME=FILE.npy, "param:NAME" from --params (key NAME) or the
// parameter's initialiser, "state:NAME" from --params (key "state:NAME") or
// zeros. Notes on stderr say what was initialised and what was resumed.
#pragma once

#include "run_command.hpp"

#include "train/host_tensor.hpp"
#include "train/initial_state.hpp"

#include "tessera/tbin_meta.hpp"
#include "tessera/tessera_rt.hpp"

#include <map>
#include <string>
#include <vector>

namespace tessera::cli {

struct BoundEntry {
  tbin::EntryMeta meta;
  std::map<std::string, train::HostTensor> data; // by input name
  train::InitialState init;
  // Where each input's value came from, by input name: a file to prefix
  // errors about it with, or "" for a value made here.
  std::map<std::string, std::string> sources;

  // The inputs in signature order, pointing into `data` and `init.state`.
  std::vector<const train::HostTensor *> inputs() const;
  std::vector<std::string> inputSources() const;
  // True for data inputs, which stay the same from step to step.
  std::vector<bool> constantInputs() const;
};

// The entry's signature as the module's metadata has it.
tbin::EntryMeta entryMeta(const Function &fn);
std::vector<tbin::ParamMeta> paramMetas(const Module &module);

// The --input NAME=FILE flags by name; a malformed or repeated one is a
// UsageError.
std::map<std::string, std::string>
parseInputFlags(const std::vector<std::string> &flags);

// `files`: parseInputFlags(options.inputs). Throws Failure.
BoundEntry bindEntry(const RunOptions &options,
                     const std::map<std::string, std::string> &files,
                     const Module &module, const Function &fn);

} // namespace tessera::cli
