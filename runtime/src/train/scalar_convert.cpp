#include "train/scalar_convert.hpp"

#include "tessera/float8_bits.hpp"

#include <cmath>
#include <cstring>

namespace tessera::train {

namespace {

// The bits (without the sign) of the narrow binary float nearest to `a`
// (finite, >= 0) with `mant` mantissa bits, exponent bias `bias` and
// all-ones exponent `maxExp`. std::nearbyint rounds ties to even in the
// default rounding mode; every scaling is by a power of two, so exact.
uint32_t narrowBits(double a, int mant, int bias, int maxExp) {
  const double one = std::ldexp(1.0, mant);
  if (a < std::ldexp(1.0, 1 - bias)) {
    // Subnormal: a count of the smallest step, 2^(1 - bias - mant). A count
    // that rounds up to 2^mant is the smallest normal, which has those bits.
    return static_cast<uint32_t>(
        std::nearbyint(std::ldexp(a, bias - 1 + mant)));
  }
  int e;
  double f = std::frexp(a, &e); // a = f * 2^e, f in [0.5, 1)
  double m = std::nearbyint((2 * f - 1) * one);
  int exponent = e - 1 + bias;
  if (m == one) {
    m = 0;
    ++exponent;
  }
  if (exponent >= maxExp)
    return static_cast<uint32_t>(maxExp) << mant; // infinity
  return static_cast<uint32_t>(exponent) << mant | static_cast<uint32_t>(m);
}

uint16_t narrow(double v, int mant, int bias, int maxExp, uint16_t quietNan) {
  uint16_t sign = std::signbit(v) ? 0x8000 : 0;
  if (std::isnan(v))
    return sign | quietNan;
  double a = std::fabs(v);
  if (std::isinf(a))
    return sign | static_cast<uint16_t>(maxExp << mant);
  return sign | static_cast<uint16_t>(narrowBits(a, mant, bias, maxExp));
}

template <typename T> T load(const uint8_t *p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

template <typename T> void store(T v, uint8_t *p) {
  std::memcpy(p, &v, sizeof v);
}

} // namespace

bool isFloat(tbin::DType dtype) {
  switch (dtype) {
  case tbin::DType::F32:
  case tbin::DType::F64:
  case tbin::DType::F16:
  case tbin::DType::BF16:
  case tbin::DType::FP8_E4M3:
  case tbin::DType::FP8_E5M2:
    return true;
  default:
    return false;
  }
}

uint16_t toHalfBits(double v) { return narrow(v, 10, 15, 31, 0x7e00); }

uint16_t toBFloat16Bits(double v) { return narrow(v, 7, 127, 255, 0x7fc0); }

double fromHalfBits(uint16_t h) {
  int exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  double v;
  if (exp == 0)
    v = std::ldexp(static_cast<double>(mant), -24);
  else if (exp == 31)
    v = mant ? NAN : INFINITY;
  else
    v = std::ldexp(static_cast<double>(mant | 0x400), exp - 25);
  return (h & 0x8000) ? -v : v;
}

double fromBFloat16Bits(uint16_t b) {
  uint32_t bits = static_cast<uint32_t>(b) << 16;
  float v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

double loadScalar(tbin::DType dtype, const uint8_t *p) {
  switch (dtype) {
  case tbin::DType::F32:
    return load<float>(p);
  case tbin::DType::F64:
    return load<double>(p);
  case tbin::DType::F16:
    return fromHalfBits(load<uint16_t>(p));
  case tbin::DType::BF16:
    return fromBFloat16Bits(load<uint16_t>(p));
  case tbin::DType::I64:
    return static_cast<double>(load<int64_t>(p));
  case tbin::DType::I32:
    return load<int32_t>(p);
  case tbin::DType::I8:
    return load<int8_t>(p);
  case tbin::DType::Bool:
    return *p ? 1.0 : 0.0;
  case tbin::DType::FP8_E4M3:
    return fp8::fromE4M3Bits(*p);
  case tbin::DType::FP8_E5M2:
    return fp8::fromE5M2Bits(*p);
  case tbin::DType::C64: // the real part
    return load<float>(p);
  }
  return NAN;
}

void storeScalar(tbin::DType dtype, double v, uint8_t *p) {
  switch (dtype) {
  case tbin::DType::F32:
    return store(static_cast<float>(v), p);
  case tbin::DType::F64:
    return store(v, p);
  case tbin::DType::F16:
    return store(toHalfBits(v), p);
  case tbin::DType::BF16:
    return store(toBFloat16Bits(v), p);
  case tbin::DType::I64:
    return store(static_cast<int64_t>(v), p);
  case tbin::DType::I32:
    return store(static_cast<int32_t>(v), p);
  case tbin::DType::I8:
    return store(static_cast<int8_t>(v), p);
  case tbin::DType::Bool:
    *p = v != 0;
    return;
  case tbin::DType::FP8_E4M3:
    *p = fp8::toE4M3Bits(v);
    return;
  case tbin::DType::FP8_E5M2:
    *p = fp8::toE5M2Bits(v);
    return;
  case tbin::DType::C64: // v + 0i
    store(static_cast<float>(v), p);
    return store(0.0f, p + sizeof(float));
  }
}

} // namespace tessera::train
