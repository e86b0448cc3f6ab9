#include "tessera/float8_bits.hpp"

#include <cmath>

namespace tessera::fp8 {

namespace {

// An 8-bit format: a sign, 7 - `mant` exponent bits biased by `bias`,
// `mant` mantissa bits. Magnitudes are the bits without the sign.
struct Format {
  int mant;
  int bias;
  bool hasInfinity; // IEEE-like all-ones exponent (E5M2)
  uint8_t largestFinite;
  uint8_t quietNaN;
};

constexpr Format kE4M3{3, 7, false, 0x7e, 0x7f};
constexpr Format kE5M2{2, 15, true, 0x7b, 0x7e};

// The magnitude bits of the nearest value to `a` (finite, >= 0), with no
// upper limit on the exponent: the caller decides overflow. std::nearbyint
// rounds ties to even in the default rounding mode, and every scaling is by
// a power of two, so exact.
uint32_t nearestBits(double a, const Format &f) {
  const double one = std::ldexp(1.0, f.mant);
  if (a < std::ldexp(1.0, 1 - f.bias))
    // Subnormal: a count of the smallest step, 2^(1 - bias - mant). A count
    // that rounds up to 2^mant is the smallest normal, which has those bits.
    return static_cast<uint32_t>(
        std::nearbyint(std::ldexp(a, f.bias - 1 + f.mant)));
  int e;
  double m = std::frexp(a, &e); // a = m * 2^e, m in [0.5, 1)
  // The mantissa rounded; a carry to 2^mant steps the exponent, as adding
  // it to the exponent's bits does.
  auto mantissa = static_cast<uint32_t>(std::nearbyint((2 * m - 1) * one));
  auto exponent = static_cast<uint32_t>(e - 1 + f.bias);
  return (exponent << f.mant) + mantissa;
}

uint8_t toBits(double v, const Format &f) {
  uint8_t sign = std::signbit(v) ? 0x80 : 0;
  if (std::isnan(v))
    return sign | f.quietNaN;
  double a = std::fabs(v);
  uint32_t bits = std::isinf(a) ? 0xff : nearestBits(a, f);
  if (bits <= f.largestFinite)
    return sign | static_cast<uint8_t>(bits);
  return sign | (f.hasInfinity ? f.largestFinite + 1 : f.quietNaN);
}

double fromBits(uint8_t b, const Format &f) {
  int exponentBits = 7 - f.mant;
  int exp = (b >> f.mant) & ((1 << exponentBits) - 1);
  int m = b & ((1 << f.mant) - 1);
  double v;
  if (f.hasInfinity && exp == (1 << exponentBits) - 1)
    v = m ? NAN : INFINITY;
  else if (!f.hasInfinity && (b & 0x7f) == 0x7f)
    v = NAN;
  else if (exp == 0)
    v = std::ldexp(static_cast<double>(m), 1 - f.bias - f.mant);
  else
    v = std::ldexp(static_cast<double>(m | 1 << f.mant), exp - f.bias - f.mant);
  return (b & 0x80) ? -v : v;
}

} // namespace

uint8_t toE4M3Bits(double v) { return toBits(v, kE4M3); }
uint8_t toE5M2Bits(double v) { return toBits(v, kE5M2); }
double fromE4M3Bits(uint8_t bits) { return fromBits(bits, kE4M3); }
double fromE5M2Bits(uint8_t bits) { return fromBits(bits, kE5M2); }

} // namespace tessera::fp8
