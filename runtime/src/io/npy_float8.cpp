// fp8 tensors through float32 .npy files (npy.hpp), as bf16 travels.
#include "tessera/npy.hpp"

#include "tessera/float8_bits.hpp"

#include <cstring>

namespace tessera::npy {

namespace {

bool isFloat8(tbin::DType dtype) {
  return dtype == tbin::DType::FP8_E4M3 || dtype == tbin::DType::FP8_E5M2;
}

} // namespace

Array widenFloat8(Array array) {
  if (!isFloat8(array.dtype))
    return array;
  bool e4m3 = array.dtype == tbin::DType::FP8_E4M3;
  std::vector<uint8_t> out(array.data.size() * sizeof(float));
  for (std::size_t i = 0; i < array.data.size(); ++i) {
    // Every fp8 value is a float32 (and a double) exactly.
    auto f = static_cast<float>(e4m3 ? fp8::fromE4M3Bits(array.data[i])
                                     : fp8::fromE5M2Bits(array.data[i]));
    std::memcpy(out.data() + i * sizeof f, &f, sizeof f);
  }
  array.dtype = tbin::DType::F32;
  array.data = std::move(out);
  return array;
}

Array roundToFloat8(Array array, tbin::DType to) {
  if (array.dtype != tbin::DType::F32 || !isFloat8(to))
    return array;
  int64_t n = array.numElements();
  std::vector<uint8_t> out(static_cast<std::size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    float f;
    std::memcpy(&f, array.data.data() + i * sizeof f, sizeof f);
    // float32 to double is exact: one rounding, from the float's value.
    out[i] =
        to == tbin::DType::FP8_E4M3 ? fp8::toE4M3Bits(f) : fp8::toE5M2Bits(f);
  }
  array.dtype = to;
  array.data = std::move(out);
  return array;
}

} // namespace tessera::npy
