// bf16 tensors through float32 .npy files (npy.hpp).
#include "tessera/npy.hpp"

#include <cmath>
#include <cstring>

namespace tessera::npy {

namespace {

uint16_t roundedBits(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  if (std::isnan(f))
    return static_cast<uint16_t>((bits >> 16 & 0x8000) | 0x7fc0);
  // Adding just under half the kept bits' unit, plus their last bit, rounds
  // to nearest even; a carry out of the mantissa steps the exponent, and
  // past the largest finite bf16 that gives infinity.
  return static_cast<uint16_t>((bits + 0x7fff + (bits >> 16 & 1)) >> 16);
}

float widened(uint16_t b) {
  uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// `array`'s elements, of type From, converted one by one to `to` (To).
template <typename From, typename To, typename F>
Array convertElements(Array array, tbin::DType to, F convert) {
  int64_t n = array.numElements();
  std::vector<uint8_t> out(static_cast<std::size_t>(n) * sizeof(To));
  for (int64_t i = 0; i < n; ++i) {
    From x;
    std::memcpy(&x, array.data.data() + i * sizeof(From), sizeof x);
    To y = convert(x);
    std::memcpy(out.data() + i * sizeof(To), &y, sizeof y);
  }
  array.dtype = to;
  array.data = std::move(out);
  return array;
}

} // namespace

Array widenBFloat16(Array array) {
  if (array.dtype != tbin::DType::BF16)
    return array;
  return convertElements<uint16_t, float>(std::move(array), tbin::DType::F32,
                                          widened);
}

Array roundToBFloat16(Array array) {
  if (array.dtype != tbin::DType::F32)
    return array;
  return convertElements<float, uint16_t>(std::move(array), tbin::DType::BF16,
                                          roundedBits);
}

} // namespace tessera::npy
