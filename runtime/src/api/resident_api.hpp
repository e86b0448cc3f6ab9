// Device-resident runs of a loaded function (cuda/resident_entry.hpp) for
// tools in this tree, e.g. the training loop of `tessera run`: a C++
// interface over the handles, not part of the C ABI.
#pragma once

#include "cuda/resident_entry.hpp"

#include "tessera/tessera_rt.h"

#include <memory>
#include <string>
#include <vector>

namespace tessera::rt {

// Whether `fn` runs on a CUDA device (and so can run resident).
bool runsOnCuda(tessera_function_t fn);

// A resident run of `fn` for inputs of the shapes of `inputs` (their data
// is not read: write() sets it), with the given input carried from output
// carriedFrom[i] (-1: none). The module must outlive the result.
tessera_status_t openResident(tessera_function_t fn,
                              const std::vector<tessera_tensor_t> &inputs,
                              const std::vector<int> &carriedFrom, bool graphs,
                              std::unique_ptr<cuda::ResidentEntry> &out,
                              std::string &error);

} // namespace tessera::rt
