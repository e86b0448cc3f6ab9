// The stateless random numbers of tgraph.random_uniform, random_normal and
// dropout (docs/ir/reference-evaluator.md, "Random numbers"): SplitMix64's
// c-th output for a key made from the op's seed. The reference evaluator
// computes them on the host; the kernels (RandomKernel.cpp) compute the
// same mix per element and take the key from here.
#pragma once

#include <cstdint>

namespace tessera::tgraph::random {

inline constexpr uint64_t kGamma = 0x9E3779B97F4A7C15ull;
inline constexpr uint64_t kMix1 = 0xBF58476D1CE4E5B9ull;
inline constexpr uint64_t kMix2 = 0x94D049BB133111EBull;

// SplitMix64's finalizer (all arithmetic mod 2^64).
constexpr uint64_t mix(uint64_t z) {
  z = (z ^ (z >> 30)) * kMix1;
  z = (z ^ (z >> 27)) * kMix2;
  return z ^ (z >> 31);
}

// The stream of an op with `seed`.
constexpr uint64_t keyOf(int64_t seed) {
  return mix(static_cast<uint64_t>(seed) + kGamma);
}

// The stream's bits for element counter `c`.
constexpr uint64_t bitsOf(uint64_t key, uint64_t c) {
  return mix(key + (c + 1) * kGamma);
}

} // namespace tessera::tgraph::random
