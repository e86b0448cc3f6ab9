#include "value_format.hpp"

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace tessera::cli {

namespace {

constexpr int64_t kShowAll = 16;
constexpr int64_t kShowHead = 8;

// IEEE binary16 to float, including subnormals, infinities and NaN.
float halfToFloat(uint16_t h) {
  int sign = h >> 15, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  float v;
  if (exp == 0)
    v = std::ldexp(static_cast<float>(mant), -24);
  else if (exp == 31)
    v = mant ? NAN : INFINITY;
  else
    v = std::ldexp(static_cast<float>(mant | 0x400), exp - 25);
  return sign ? -v : v;
}

float bf16ToFloat(uint16_t b) {
  uint32_t bits = static_cast<uint32_t>(b) << 16;
  float v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

template <typename T> T load(const npy::Array &a, int64_t i) {
  T v;
  std::memcpy(&v, a.data.data() + i * sizeof(T), sizeof v);
  return v;
}

std::string formatOne(const npy::Array &a, int64_t i) {
  char buf[64] = "";
  switch (a.dtype) {
  case tbin::DType::F32:
    std::snprintf(buf, sizeof buf, "%g", load<float>(a, i));
    break;
  case tbin::DType::F64:
    std::snprintf(buf, sizeof buf, "%g", load<double>(a, i));
    break;
  case tbin::DType::F16:
    std::snprintf(buf, sizeof buf, "%g", halfToFloat(load<uint16_t>(a, i)));
    break;
  case tbin::DType::BF16:
    std::snprintf(buf, sizeof buf, "%g", bf16ToFloat(load<uint16_t>(a, i)));
    break;
  case tbin::DType::I64:
    std::snprintf(buf, sizeof buf, "%" PRId64, load<int64_t>(a, i));
    break;
  case tbin::DType::I32:
    std::snprintf(buf, sizeof buf, "%" PRId32, load<int32_t>(a, i));
    break;
  case tbin::DType::I8:
    std::snprintf(buf, sizeof buf, "%d", load<int8_t>(a, i));
    break;
  case tbin::DType::Bool:
    return load<uint8_t>(a, i) ? "True" : "False";
  case tbin::DType::FP8_E4M3:
  case tbin::DType::FP8_E5M2: {
    npy::Array one{a.dtype, {}, {a.data[i]}};
    std::snprintf(buf, sizeof buf, "%g",
                  load<float>(npy::widenFloat8(std::move(one)), 0));
    break;
  }
  case tbin::DType::C64: // as NumPy prints complex64: (1+2j)
    std::snprintf(buf, sizeof buf, "(%g%+gj)", load<float>(a, 2 * i),
                  load<float>(a, 2 * i + 1));
    break;
  }
  return buf;
}

} // namespace

std::string formatValues(const npy::Array &a) {
  int64_t n = a.numElements();
  if (a.shape.empty())
    return formatOne(a, 0);
  std::string s = "[";
  for (int64_t i = 0; i < n; ++i) {
    if (n > kShowAll && i == kShowHead) {
      s += "…, ";
      i = n - 1;
    }
    s += formatOne(a, i);
    if (i + 1 < n)
      s += ", ";
  }
  return s + "]";
}

} // namespace tessera::cli
