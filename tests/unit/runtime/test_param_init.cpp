// Parameter initialisers and the counter-based generator behind them: exact
// values where there are exact values, bounds and statistics where there
// are not, and the same bits for the same seeds, always.
#include "train/counter_rng.hpp"
#include "train/param_init.hpp"
#include "train/scalar_convert.hpp"

#include "train_test_util.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace tessera;
using namespace tessera::train;
using tessera::test::valuesOf;

namespace {

tbin::ParamMeta param(const std::string &init, tbin::DType dtype,
                      std::vector<int64_t> shape, int64_t seed = 1) {
  return {"w", dtype, std::move(shape), init, seed};
}

HostTensor init(const tbin::ParamMeta &p, uint64_t runSeed = 0) {
  HostTensor t;
  std::string error;
  EXPECT_TRUE(initialValue(p, runSeed, t, error)) << error;
  return t;
}

} // namespace

// SplitMix64 from state 0: its published first outputs.
TEST(CounterRng, IsSplitMix64) {
  CounterRng rng(0, 0); // key = mix(mix(0) ^ 0) = 0
  EXPECT_EQ(rng.bits(0), 0xe220a8397b1dcdafull);
  EXPECT_EQ(rng.bits(1), 0x6e789e6aa1b965f4ull);
  EXPECT_EQ(rng.bits(2), 0x06c45d188009454full);
}

TEST(CounterRng, UniformIsExactInItsPrecision) {
  CounterRng rng(3, 4);
  for (int precision : {8, 11, 24, 53})
    for (uint64_t i = 0; i < 1000; ++i) {
      double u = rng.uniform(i, precision);
      ASSERT_GE(u, 0.0);
      ASSERT_LT(u, 1.0);
      EXPECT_EQ(std::ldexp(u, precision), std::floor(std::ldexp(u, precision)));
    }
}

TEST(ParamInit, ZerosAndOnesAreExact) {
  HostTensor z = init(param("zeros", tbin::DType::F32, {2, 3}));
  EXPECT_EQ(z.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(z.data, std::vector<uint8_t>(24, 0));
  EXPECT_EQ(valuesOf<float>(init(param("ones", tbin::DType::F32, {3}))),
            (std::vector<float>{1, 1, 1}));
  EXPECT_EQ(valuesOf<double>(init(param("ones", tbin::DType::F64, {2}))),
            (std::vector<double>{1, 1}));
  EXPECT_EQ(valuesOf<int64_t>(init(param("ones", tbin::DType::I64, {2}))),
            (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(valuesOf<uint16_t>(init(param("ones", tbin::DType::F16, {1}))),
            (std::vector<uint16_t>{0x3c00}));
  EXPECT_EQ(valuesOf<uint16_t>(init(param("ones", tbin::DType::BF16, {1}))),
            (std::vector<uint16_t>{0x3f80}));
  HostTensor scalar = init(param("ones", tbin::DType::F32, {}));
  EXPECT_EQ(valuesOf<float>(scalar), std::vector<float>{1});
}

TEST(ParamInit, GlorotFans) {
  Fans f = glorotFans({4, 3});
  EXPECT_EQ(f.in, 4);
  EXPECT_EQ(f.out, 3);
  f = glorotFans({5});
  EXPECT_EQ(f.in, 5);
  EXPECT_EQ(f.out, 5);
  f = glorotFans({});
  EXPECT_EQ(f.in, 1);
  EXPECT_EQ(f.out, 1);
  f = glorotFans({3, 3, 16, 32}); // a 3x3 convolution, 16 -> 32 channels
  EXPECT_EQ(f.in, 9 * 16);
  EXPECT_EQ(f.out, 9 * 32);
  EXPECT_DOUBLE_EQ(glorotBound({4, 3}), std::sqrt(6.0 / 7.0));
}

TEST(ParamInit, GlorotIsWithinItsBoundAndFillsIt) {
  for (auto shape : {std::vector<int64_t>{64, 32}, std::vector<int64_t>{100}}) {
    HostTensor t = init(param("glorot", tbin::DType::F32, shape));
    float bound = static_cast<float>(glorotBound(shape));
    float lo = bound, hi = -bound;
    for (float v : valuesOf<float>(t)) {
      ASSERT_LE(std::fabs(v), bound);
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    // Uniform draws come close to both ends.
    EXPECT_LT(lo, -0.9f * bound);
    EXPECT_GT(hi, 0.9f * bound);
  }
}

TEST(ParamInit, SameSeedsSameBitsOtherSeedsOtherBits) {
  for (const char *kind : {"glorot", "normal", "uniform"}) {
    tbin::ParamMeta p = param(kind, tbin::DType::F32, {8, 8}, 7);
    HostTensor a = init(p), b = init(p);
    EXPECT_EQ(a.data, b.data) << kind;
    EXPECT_NE(init(p, 1).data, a.data) << kind << ": run seed";
    p.seed = 8;
    EXPECT_NE(init(p).data, a.data) << kind << ": param seed";
  }
}

// Element i depends only on the seeds and i, not on how many are drawn.
TEST(ParamInit, ElementsDoNotDependOnTheShape) {
  HostTensor small = init(param("normal", tbin::DType::F32, {5}));
  HostTensor large = init(param("normal", tbin::DType::F32, {4, 5}));
  std::vector<float> s = valuesOf<float>(small), l = valuesOf<float>(large);
  EXPECT_TRUE(std::equal(s.begin(), s.end(), l.begin()));
}

TEST(ParamInit, PinnedValues) {
  // Changing the generator changes every model's starting point: pin it.
  CounterRng rng(1, 0);
  float expected =
      static_cast<float>(std::sqrt(6.0 / 7.0) * (2 * rng.uniform(0) - 1));
  HostTensor t = init(param("glorot", tbin::DType::F32, {4, 3}));
  EXPECT_EQ(valuesOf<float>(t)[0], expected);
  uint64_t key = splitmix64Mix(splitmix64Mix(1) ^ 0);
  EXPECT_EQ(rng.bits(5), splitmix64Mix(key + 6 * 0x9e3779b97f4a7c15ull));
}

TEST(ParamInit, NormalHasMeanZeroAndDeviationOne) {
  HostTensor t = init(param("normal", tbin::DType::F64, {20000}));
  double sum = 0, sq = 0;
  for (double v : valuesOf<double>(t)) {
    ASSERT_TRUE(std::isfinite(v));
    sum += v;
    sq += v * v;
  }
  double mean = sum / 20000, var = sq / 20000 - mean * mean;
  EXPECT_NEAR(mean, 0, 0.03);
  EXPECT_NEAR(std::sqrt(var), 1, 0.03);
}

TEST(ParamInit, UniformIsInTheHalfOpenUnitInterval) {
  for (tbin::DType dtype : {tbin::DType::F16, tbin::DType::BF16,
                            tbin::DType::F32, tbin::DType::F64}) {
    HostTensor t = init(param("uniform", dtype, {4096}));
    std::size_t size = tbin::dtypeSize(dtype);
    double sum = 0;
    for (std::size_t i = 0; i < 4096; ++i) {
      double v = loadScalar(dtype, t.data.data() + i * size);
      ASSERT_GE(v, 0.0) << tbin::dtypeName(dtype);
      ASSERT_LT(v, 1.0) << tbin::dtypeName(dtype);
      sum += v;
    }
    EXPECT_NEAR(sum / 4096, 0.5, 0.03) << tbin::dtypeName(dtype);
  }
}

TEST(ParamInit, Errors) {
  HostTensor t;
  std::string error;
  EXPECT_FALSE(
      initialValue(param("glorot", tbin::DType::I32, {2}), 0, t, error));
  EXPECT_EQ(error, "parameter 'w': initialiser glorot needs a floating-point "
                   "dtype, not i32");
  EXPECT_FALSE(initialValue(param("he", tbin::DType::F32, {2}), 0, t, error));
  EXPECT_EQ(error, "parameter 'w' has initialiser 'he', which this runtime "
                   "does not know");
  EXPECT_FALSE(initialValue(
      param("zeros", tbin::DType::F32, {int64_t(1) << 40, int64_t(1) << 40}), 0,
      t, error));
  EXPECT_EQ(error, "parameter 'w' f32[1099511627776, 1099511627776] is too "
                   "large");
}

TEST(ScalarConvert, HalfRounding) {
  EXPECT_EQ(toHalfBits(1.0), 0x3c00);
  EXPECT_EQ(toHalfBits(-2.0), 0xc000);
  EXPECT_EQ(toHalfBits(65504.0), 0x7bff);
  EXPECT_EQ(toHalfBits(65519.99), 0x7bff);
  EXPECT_EQ(toHalfBits(65520.0), 0x7c00); // the tie rounds to even: infinity
  EXPECT_EQ(toHalfBits(1.0 + std::ldexp(1, -11)), 0x3c00); // tie to even
  EXPECT_EQ(toHalfBits(1.0 + 3 * std::ldexp(1, -11)), 0x3c02);
  EXPECT_EQ(toHalfBits(std::ldexp(1, -24)), 0x0001);      // smallest subnormal
  EXPECT_EQ(toHalfBits(std::ldexp(1, -25)), 0x0000);      // tie to even: zero
  EXPECT_EQ(toHalfBits(std::ldexp(1023.5, -24)), 0x0400); // up to normal
  EXPECT_EQ(toHalfBits(-0.0), 0x8000);
  EXPECT_EQ(toHalfBits(INFINITY), 0x7c00);
  EXPECT_EQ(toHalfBits(NAN) & 0x7fff, 0x7e00);
}

TEST(ScalarConvert, EveryHalfAndBFloat16RoundTrips) {
  for (uint32_t b = 0; b <= 0xffff; ++b) {
    auto bits = static_cast<uint16_t>(b);
    double h = fromHalfBits(bits), bf = fromBFloat16Bits(bits);
    if (!std::isnan(h)) {
      ASSERT_EQ(toHalfBits(h), bits) << std::hex << b;
    }
    if (!std::isnan(bf)) {
      ASSERT_EQ(toBFloat16Bits(bf), bits) << std::hex << b;
    }
  }
}

TEST(ScalarConvert, BFloat16RoundsOnceFromDouble) {
  // Just above the midpoint between 1 and 1 + 2^-7: up. Going through float
  // first would round to the midpoint, then to even (down).
  double v = 1.0 + std::ldexp(1, -8) + std::ldexp(1, -40);
  EXPECT_EQ(toBFloat16Bits(v), 0x3f81);
  EXPECT_EQ(toBFloat16Bits(1.0 + std::ldexp(1, -8)), 0x3f80);
}
