// The first value of a parameter that no file provides, from the
// initialiser its declaration names (ParamMeta::init):
//   zeros, ones    every element 0 / 1 (any dtype)
//   glorot         uniform on [-a, a], a = sqrt(6 / (fan_in + fan_out))
//   normal         normal with mean 0 and standard deviation 1
//   uniform        uniform on [0, 1)
// The random ones are floating-point only, drawn with CounterRng from the
// parameter's seed and the run's (--seed), in double, rounded once to the
// dtype.
#pragma once

#include "train/host_tensor.hpp"

#include "tessera/tbin_meta.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::train {

struct Fans {
  double in = 1, out = 1;
};

// Rank 2 [in, out]: fan_in = shape[0], fan_out = shape[1]. Rank 1: the
// extent for both; rank 0: 1 for both. Rank r > 2, as Keras counts a
// convolution kernel [..., in, out]: both times the product of the first
// r - 2 extents (the receptive field).
Fans glorotFans(const std::vector<int64_t> &shape);
double glorotBound(const std::vector<int64_t> &shape);

// Fills `out` with the parameter's first value; false with a one-line
// `error` for an unknown initialiser, a random one on a non-float dtype or
// a shape too large to allocate.
bool initialValue(const tbin::ParamMeta &param, uint64_t runSeed,
                  HostTensor &out, std::string &error);

} // namespace tessera::train
