// Numpy-like printing of a tensor's values for the `tessera run` summary:
// all of them up to 16 elements, else the first 8, "…" and the last.
#pragma once

#include "tessera/npy.hpp"

#include <string>

namespace tessera::cli {

// "[1, 2.5, 3]"; a rank-0 array prints as its single value.
std::string formatValues(const npy::Array &array);

} // namespace tessera::cli
