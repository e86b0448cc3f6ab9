// fp8 tensors (fp8_e4m3: OCP E4M3FN, fp8_e5m2: OCP E5M2) through float32
// .npy files and safetensors: widening is exact, rounding is to nearest
// even, once; E4M3FN has no infinity (past 448 NaN), E5M2 overflows to
// infinity. The expected values come from the formats' definitions here,
// not from the runtime's conversions.
#include "tessera/float8_bits.hpp"
#include "tessera/npy.hpp"
#include "tessera/safetensors.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

using namespace tessera;

namespace {

npy::Array floats(const std::vector<float> &values) {
  npy::Array a;
  a.dtype = tbin::DType::F32;
  a.shape = {static_cast<int64_t>(values.size())};
  a.data.resize(values.size() * 4);
  std::memcpy(a.data.data(), values.data(), a.data.size());
  return a;
}

std::vector<float> floatsOf(const npy::Array &a) {
  std::vector<float> v(a.data.size() / 4);
  std::memcpy(v.data(), a.data.data(), a.data.size());
  return v;
}

npy::Array everyCode(tbin::DType dtype) {
  npy::Array a;
  a.dtype = dtype;
  a.shape = {256};
  for (int c = 0; c < 256; ++c)
    a.data.push_back(static_cast<uint8_t>(c));
  return a;
}

// The value of `code` from the format's definition: `mant` mantissa bits,
// exponent bias `bias`, `e4m3`: no infinity and only S.1111.111 NaN.
double definedValue(int code, int mant, int bias, bool e4m3) {
  int exp = (code & 0x7f) >> mant, m = code & ((1 << mant) - 1);
  int topExp = (1 << (7 - mant)) - 1;
  double v;
  if (e4m3 && (code & 0x7f) == 0x7f)
    v = std::numeric_limits<double>::quiet_NaN();
  else if (!e4m3 && exp == topExp)
    v = m ? std::numeric_limits<double>::quiet_NaN()
          : std::numeric_limits<double>::infinity();
  else if (exp == 0)
    v = std::ldexp(m, 1 - bias - mant);
  else
    v = std::ldexp(m + (1 << mant), exp - bias - mant);
  return (code & 0x80) ? -v : v;
}

// The fp8 bits of each float once rounded to `dtype`.
std::vector<uint8_t> rounded(const std::vector<float> &values,
                             tbin::DType dtype) {
  npy::Array a = npy::roundToFloat8(floats(values), dtype);
  EXPECT_EQ(a.dtype, dtype);
  return a.data;
}

const float kInf = std::numeric_limits<float>::infinity();
const float kNaN = std::numeric_limits<float>::quiet_NaN();

} // namespace

TEST(NpyFloat8, WideningIsExact) {
  for (auto [dtype, mant, bias, e4m3] :
       {std::tuple{tbin::DType::FP8_E4M3, 3, 7, true},
        std::tuple{tbin::DType::FP8_E5M2, 2, 15, false}}) {
    npy::Array w = npy::widenFloat8(everyCode(dtype));
    ASSERT_EQ(w.dtype, tbin::DType::F32);
    ASSERT_EQ(w.shape, std::vector<int64_t>{256});
    std::vector<float> got = floatsOf(w);
    for (int c = 0; c < 256; ++c) {
      double want = definedValue(c, mant, bias, e4m3);
      if (std::isnan(want)) {
        EXPECT_TRUE(std::isnan(got[c])) << c;
        EXPECT_EQ(std::signbit(got[c]), (c & 0x80) != 0) << c;
      } else {
        EXPECT_EQ(static_cast<double>(got[c]), want) << c;
        EXPECT_EQ(std::signbit(got[c]), std::signbit(want)) << c;
      }
    }
  }
  // The largest finite values.
  EXPECT_EQ(definedValue(0x7e, 3, 7, true), 448.0);
  EXPECT_EQ(definedValue(0x7b, 2, 15, false), 57344.0);
}

TEST(NpyFloat8, EveryValueRoundsToItself) {
  for (tbin::DType dtype : {tbin::DType::FP8_E4M3, tbin::DType::FP8_E5M2}) {
    npy::Array back =
        npy::roundToFloat8(npy::widenFloat8(everyCode(dtype)), dtype);
    for (int c = 0; c < 256; ++c) {
      bool nan = dtype == tbin::DType::FP8_E4M3 ? (c & 0x7f) == 0x7f
                                                : (c & 0x7f) > 0x7c;
      // A NaN comes back as the quiet NaN of its sign.
      uint8_t quiet = dtype == tbin::DType::FP8_E4M3 ? 0x7f : 0x7e;
      EXPECT_EQ(back.data[c], nan ? (c & 0x80) | quiet : c) << c;
    }
  }
}

TEST(NpyFloat8, E4M3RoundsToNearestEven) {
  // 1 + 1/16 is halfway between 1 (0x38) and 1.125 (0x39): even 0x38;
  // 1.1875 between 0x39 and 0x3a: even 0x3a; just past a tie goes up.
  EXPECT_EQ(rounded({1.0625f, 1.1875f, std::nextafter(1.0625f, 2.0f), -1.0625f},
                    tbin::DType::FP8_E4M3),
            (std::vector<uint8_t>{0x38, 0x3a, 0x39, 0xb8}));
  // Subnormals: the smallest is 2^-9; 2^-10 ties to 0, 3 * 2^-10 to 2^-8.
  EXPECT_EQ(rounded({std::ldexp(1.0f, -9), std::ldexp(1.0f, -10),
                     std::ldexp(3.0f, -10),
                     std::nextafter(std::ldexp(1.0f, -10), 1.0f),
                     std::ldexp(1.0f, -6), -0.0f},
                    tbin::DType::FP8_E4M3),
            (std::vector<uint8_t>{0x01, 0x00, 0x02, 0x01, 0x08, 0x80}));
}

TEST(NpyFloat8, E4M3HasNoInfinity) {
  // 448 is the largest; 464, halfway to the 480 it does not have, rounds
  // to 448 (even); anything past, and infinity, is NaN of its sign.
  EXPECT_EQ(rounded({448.0f, 464.0f, std::nextafter(464.0f, 500.0f), -500.0f,
                     kInf, -kInf, 1e30f},
                    tbin::DType::FP8_E4M3),
            (std::vector<uint8_t>{0x7e, 0x7e, 0x7f, 0xff, 0x7f, 0xff, 0x7f}));
}

TEST(NpyFloat8, E5M2OverflowsToInfinity) {
  // 57344 is the largest; 61440, halfway to 65536, rounds to it (even),
  // which is infinity.
  EXPECT_EQ(rounded({57344.0f, std::nextafter(61440.0f, 0.0f), 61440.0f, -kInf,
                     kInf, std::ldexp(1.0f, -16), std::ldexp(1.0f, -17)},
                    tbin::DType::FP8_E5M2),
            (std::vector<uint8_t>{0x7b, 0x7b, 0x7c, 0xfc, 0x7c, 0x01, 0x00}));
  // Ties to even among normals: 1.125 between 1 (0x3c) and 1.25 (0x3d).
  EXPECT_EQ(rounded({1.125f, 1.375f}, tbin::DType::FP8_E5M2),
            (std::vector<uint8_t>{0x3c, 0x3e}));
}

TEST(NpyFloat8, NaNStaysAQuietNaN) {
  EXPECT_EQ(rounded({kNaN, -kNaN}, tbin::DType::FP8_E4M3),
            (std::vector<uint8_t>{0x7f, 0xff}));
  EXPECT_EQ(rounded({kNaN, -kNaN}, tbin::DType::FP8_E5M2),
            (std::vector<uint8_t>{0x7e, 0xfe}));
}

TEST(NpyFloat8, RoundsOnceFromDouble) {
  // Just above the tie 1 + 1/16, by less than a float's spacing: a double
  // rounds up, the float nearest to it (the tie) rounds to even.
  double above = 1.0625 + std::ldexp(1.0, -40);
  EXPECT_EQ(fp8::toE4M3Bits(above), 0x39);
  EXPECT_EQ(fp8::toE4M3Bits(static_cast<float>(above)), 0x38);
}

TEST(NpyFloat8, OtherDTypesPassThrough) {
  npy::Array f = floats({1.5f});
  EXPECT_EQ(npy::widenFloat8(f).data, f.data);
  EXPECT_EQ(npy::roundToFloat8(f, tbin::DType::BF16).dtype, tbin::DType::F32);
  npy::Array q = everyCode(tbin::DType::FP8_E4M3);
  EXPECT_EQ(npy::roundToFloat8(q, tbin::DType::FP8_E5M2).data, q.data);
  EXPECT_EQ(npy::roundToFloat8(q, tbin::DType::FP8_E5M2).dtype,
            tbin::DType::FP8_E4M3);
}

TEST(NpyFloat8, WidenedArraysCanBeWritten) {
  // .npy has no fp8 (npy::encode refuses it); widened, it is float32.
  std::vector<uint8_t> bytes;
  std::string error;
  EXPECT_FALSE(npy::encode(everyCode(tbin::DType::FP8_E5M2), bytes, error));
  EXPECT_EQ(error, "cannot store fp8_e5m2 in a .npy file");
  npy::Array wide = npy::widenFloat8(everyCode(tbin::DType::FP8_E5M2));
  ASSERT_TRUE(npy::encode(wide, bytes, error)) << error;
  npy::Array back;
  ASSERT_TRUE(npy::parse(bytes.data(), bytes.size(), "w", back, error))
      << error;
  EXPECT_EQ(npy::roundToFloat8(back, tbin::DType::FP8_E5M2).data,
            npy::roundToFloat8(wide, tbin::DType::FP8_E5M2).data);
}

TEST(SafetensorsFloat8, RoundTripsEveryCode) {
  // fp8 parameters travel as their bytes under safetensors' names.
  safetensors::File file;
  for (auto [name, dtype] : {std::pair{"a", safetensors::DType::F8_E4M3},
                             std::pair{"b", safetensors::DType::F8_E5M2}}) {
    safetensors::Tensor t;
    t.dtype = dtype;
    t.shape = {16, 16};
    for (int c = 0; c < 256; ++c)
      t.data.push_back(static_cast<uint8_t>(c));
    file.tensors[name] = t;
  }
  std::vector<uint8_t> bytes;
  std::string error;
  ASSERT_TRUE(safetensors::encode(file, bytes, error)) << error;
  std::string text(bytes.begin(), bytes.end());
  EXPECT_NE(text.find("\"dtype\":\"F8_E4M3\""), std::string::npos);
  EXPECT_NE(text.find("\"dtype\":\"F8_E5M2\""), std::string::npos);
  safetensors::File back;
  ASSERT_TRUE(safetensors::parse(bytes.data(), bytes.size(), "p", back, error))
      << error;
  EXPECT_EQ(back.tensors.at("a").dtype, safetensors::DType::F8_E4M3);
  EXPECT_EQ(back.tensors.at("b").dtype, safetensors::DType::F8_E5M2);
  EXPECT_EQ(back.tensors.at("a").data, file.tensors.at("a").data);
  EXPECT_EQ(back.tensors.at("b").data, file.tensors.at("b").data);
}
