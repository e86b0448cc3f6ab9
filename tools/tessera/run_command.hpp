// `tessera run`: bind .npy files to an entry's inputs, run it, write its
// outputs as .npy files and print a summary of each.
#pragma once

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
};

// Returns the exit status; throws Failure or UsageError.
int runCommand(const RunOptions &options);

} // namespace tessera::cli
