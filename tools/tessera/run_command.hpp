// `tessera run`: bind an entry's inputs (data from .npy files, parameters
// from a .safetensors file or their initialisers), run it, and write its
// outputs as .npy files and a summary of each; for a train entry, run the
// training loop instead (train_command.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::cli {

struct RunOptions {
  std::string model;
  std::string entry; // empty: the module's only entry
  std::string device = "cpu";
  int threads = 0;                 // 0: one per hardware thread
  std::vector<std::string> inputs; // NAME=FILE
  std::string outputDir = ".";
  std::string params;  // --params FILE.safetensors; empty: none
  uint64_t seed = 0;   // --seed, mixed into every random initialiser
  std::string profile; // --profile FILE: Chrome trace of every launch
  // Plain entries only: runs, the outputs of the last kept; timings are
  // printed when --repeat was given.
  int64_t repeat = 1;
  bool repeatGiven = false;
  // Train entries only.
  int64_t steps = 1;
  std::string log;        // --log FILE.csv|FILE.jsonl; empty: none
  std::string checkpoint; // empty: <outputDir>/checkpoint.safetensors
  int64_t checkpointEvery = 0;
  // On a CUDA device: replay each step as a CUDA graph after the first.
  bool cudaGraphs = true;
  // The train-only flags given ("--steps", ...), refused for plain entries.
  std::vector<std::string> trainFlags;
};

// Returns the exit status; throws Failure or UsageError.
int runCommand(const RunOptions &options);

} // namespace tessera::cli
