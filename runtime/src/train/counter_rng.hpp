// The random numbers of parameter initialisation: counter-based, so element
// i's value is a pure function of (param seed, run seed, i). Nothing depends
// on the order elements are drawn in, hence nor on the thread count.
//
// The generator is SplitMix64 (Steele, Lea and Flood, "Fast splittable
// pseudorandom number generators", OOPSLA 2014) read at a position instead
// of stepped:
//   mix(z)    = SplitMix64's output function of z
//   key       = mix(mix(param_seed) ^ run_seed)
//   bits(i)   = mix(key + (i + 1) * 0x9e3779b97f4a7c15)   (mod 2^64)
// so bits(0), bits(1), ... is the SplitMix64 stream of state `key`.
// docs/training.md states the same, for users who need to reproduce it.
#pragma once

#include <cstdint>

namespace tessera::train {

uint64_t splitmix64Mix(uint64_t z);

class CounterRng {
public:
  CounterRng(uint64_t paramSeed, uint64_t runSeed);

  uint64_t bits(uint64_t i) const;
  // k / 2^precision for k = the top `precision` bits of bits(i): uniform on
  // [0, 1) and exactly representable in a float of that precision (53 for
  // f64, 24 for f32, 11 for f16, 8 for bf16), so rounding never yields 1.
  double uniform(uint64_t i, int precision = 53) const;
  // Standard normal by Box-Muller from uniform(2i) and uniform(2i + 1):
  // sqrt(-2 ln(1 - u1)) * cos(2 pi u2), computed in double.
  double normal(uint64_t i) const;

private:
  uint64_t key_;
};

} // namespace tessera::train
