#include "train/counter_rng.hpp"

#include <cmath>

namespace tessera::train {

namespace {
constexpr uint64_t kGamma = 0x9e3779b97f4a7c15ull;
constexpr double kTwoPi = 6.283185307179586476925286766559;
} // namespace

uint64_t splitmix64Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

CounterRng::CounterRng(uint64_t paramSeed, uint64_t runSeed)
    : key_(splitmix64Mix(splitmix64Mix(paramSeed) ^ runSeed)) {}

uint64_t CounterRng::bits(uint64_t i) const {
  return splitmix64Mix(key_ + (i + 1) * kGamma);
}

double CounterRng::uniform(uint64_t i, int precision) const {
  return std::ldexp(static_cast<double>(bits(i) >> (64 - precision)),
                    -precision);
}

double CounterRng::normal(uint64_t i) const {
  double u1 = uniform(2 * i), u2 = uniform(2 * i + 1);
  return std::sqrt(-2.0 * std::log(1.0 - u1)) * std::cos(kTwoPi * u2);
}

} // namespace tessera::train
