// bf16 tensors through float32 .npy files: widening is exact, rounding is to
// nearest even with ties, infinities, overflow and NaN as IEEE has them.
#include "tessera/npy.hpp"
#include "train/scalar_convert.hpp"

#include <gtest/gtest.h>

#include <cstring>

using namespace tessera;

namespace {

npy::Array floats(const std::vector<uint32_t> &bits) {
  npy::Array a;
  a.dtype = tbin::DType::F32;
  a.shape = {static_cast<int64_t>(bits.size())};
  a.data.resize(bits.size() * 4);
  std::memcpy(a.data.data(), bits.data(), a.data.size());
  return a;
}

npy::Array bfloats(const std::vector<uint16_t> &bits) {
  npy::Array a;
  a.dtype = tbin::DType::BF16;
  a.shape = {static_cast<int64_t>(bits.size())};
  a.data.resize(bits.size() * 2);
  std::memcpy(a.data.data(), bits.data(), a.data.size());
  return a;
}

template <typename T> std::vector<T> elements(const npy::Array &a) {
  std::vector<T> v(a.data.size() / sizeof(T));
  std::memcpy(v.data(), a.data.data(), a.data.size());
  return v;
}

// The bf16 bits of each float32 (given by its bits) once rounded.
std::vector<uint16_t> rounded(const std::vector<uint32_t> &bits) {
  npy::Array a = npy::roundToBFloat16(floats(bits));
  EXPECT_EQ(a.dtype, tbin::DType::BF16);
  EXPECT_EQ(a.shape, std::vector<int64_t>{static_cast<int64_t>(bits.size())});
  return elements<uint16_t>(a);
}

} // namespace

TEST(NpyBFloat16, WideningIsExact) {
  npy::Array b =
      bfloats({0x3f80, 0x8000, 0x0001, 0x7f7f, 0x7f80, 0xff80, 0x7fc1, 0xc0a0});
  b.shape = {2, 4};
  npy::Array a = npy::widenBFloat16(b);
  EXPECT_EQ(a.dtype, tbin::DType::F32);
  EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 4}));
  EXPECT_EQ(
      elements<uint32_t>(a),
      (std::vector<uint32_t>{0x3f800000, 0x80000000, 0x00010000, 0x7f7f0000,
                             0x7f800000, 0xff800000, 0x7fc10000, 0xc0a00000}));
}

TEST(NpyBFloat16, RoundsToNearest) {
  EXPECT_EQ(
      rounded({0x3f800000, 0x3f807fff, 0x3f808001, 0x3f80ffff, 0xbf808001,
               0x40490fdb}),
      (std::vector<uint16_t>{0x3f80, 0x3f80, 0x3f81, 0x3f81, 0xbf81, 0x4049}));
}

TEST(NpyBFloat16, TiesGoToEven) {
  // 1 + 2^-8 lies halfway between 1 (even) and 1 + 2^-7; 1 + 3 * 2^-8
  // halfway between 1 + 2^-7 and 1 + 2^-6 (even). Subnormal and negative
  // ties too.
  EXPECT_EQ(rounded({0x3f808000, 0x3f818000, 0xbf808000, 0xbf818000, 0x00008000,
                     0x00018000, 0x80008000}),
            (std::vector<uint16_t>{0x3f80, 0x3f82, 0xbf80, 0xbf82, 0x0000,
                                   0x0002, 0x8000}));
}

TEST(NpyBFloat16, InfinityAndOverflow) {
  // The largest bf16 (0x7f7f) stays; a tie above it rounds to the even
  // neighbour, infinity, as does everything beyond (FLT_MAX included).
  EXPECT_EQ(rounded({0x7f800000, 0xff800000, 0x7f7f0000, 0x7f7f7fff, 0x7f7f8000,
                     0x7f7fffff, 0xff7fffff}),
            (std::vector<uint16_t>{0x7f80, 0xff80, 0x7f7f, 0x7f7f, 0x7f80,
                                   0x7f80, 0xff80}));
}

TEST(NpyBFloat16, NaNStaysAQuietNaN) {
  // Signaling NaNs whose payload lies in the dropped bits would round to
  // infinity (0x7f800001) or to the next NaN; every NaN becomes 0x7fc0 of
  // its sign.
  EXPECT_EQ(
      rounded({0x7fc00000, 0xffc00000, 0x7f800001, 0x7fbfffff, 0xff800001,
               0x7fffffff}),
      (std::vector<uint16_t>{0x7fc0, 0xffc0, 0x7fc0, 0x7fc0, 0xffc0, 0x7fc0}));
}

TEST(NpyBFloat16, AgreesWithTheRuntimesOwnRounding) {
  // The initialisers' rounding from double (scalar_convert), which shares
  // no code with this one, on float32 bit patterns all over the range.
  std::vector<uint32_t> bits;
  for (uint64_t b = 0; b <= 0xffffffffu; b += 65537 + 2 * 7919)
    bits.push_back(static_cast<uint32_t>(b));
  for (uint32_t b : {0x3f808000u, 0x7f7f8000u, 0x00008000u, 0x00007fffu})
    bits.push_back(b);
  std::vector<uint16_t> got = rounded(bits);
  for (std::size_t i = 0; i < bits.size(); ++i) {
    float f;
    std::memcpy(&f, &bits[i], sizeof f);
    ASSERT_EQ(got[i], train::toBFloat16Bits(f)) << std::hex << bits[i];
  }
}

TEST(NpyBFloat16, OtherDTypesPassThrough) {
  npy::Array f = floats({0x3f808000});
  EXPECT_EQ(npy::widenBFloat16(f).data, f.data);
  EXPECT_EQ(npy::widenBFloat16(f).dtype, tbin::DType::F32);
  npy::Array b = bfloats({0x3f81});
  EXPECT_EQ(npy::roundToBFloat16(b).data, b.data);
  EXPECT_EQ(npy::roundToBFloat16(b).dtype, tbin::DType::BF16);
}

TEST(NpyBFloat16, WidenedArraysCanBeWritten) {
  // npy::write itself still refuses bf16 (Npy.WriteErrors); widened, it is
  // an ordinary float32 file.
  std::vector<uint8_t> bytes;
  std::string error;
  EXPECT_FALSE(npy::encode(bfloats({0x3f80}), bytes, error));
  ASSERT_TRUE(npy::encode(npy::widenBFloat16(bfloats({0x3f80})), bytes, error))
      << error;
  npy::Array back;
  ASSERT_TRUE(npy::parse(bytes.data(), bytes.size(), "b.npy", back, error));
  EXPECT_EQ(back.dtype, tbin::DType::F32);
  EXPECT_EQ(elements<uint32_t>(back), std::vector<uint32_t>{0x3f800000});
}
