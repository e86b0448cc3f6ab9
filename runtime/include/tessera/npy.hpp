// Reading and writing NumPy .npy files, the tensor exchange format of the
// `tessera` CLI. Reads format versions 1.0, 2.0 and 3.0 in C order with
// little-endian (or byte-order-free) dtypes <f4 <f8 <f2 <i4 <i8 |i1 |b1;
// writes version 1.0, atomically.
#pragma once

#include "tessera/rt_export.h"
#include "tessera/tbin_meta.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tessera::npy {

struct TESSERA_RT_API Array {
  tbin::DType dtype = tbin::DType::F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data; // C order, little endian

  int64_t numElements() const;
};

// The .npy descr of `dtype` ("<f4", "<f2" for f16), or nullptr if .npy has
// none (bf16, fp8).
TESSERA_RT_API const char *descrOf(tbin::DType dtype);

// Every message starts with `name` (the path): "x.npy: not a .npy file (bad
// magic)", "x.npy: data is 12 bytes, shape (4,) of f32 needs 16".
TESSERA_RT_API bool parse(const uint8_t *bytes, std::size_t size,
                          const std::string &name, Array &out,
                          std::string &error);
TESSERA_RT_API bool read(const std::string &path, Array &out,
                         std::string &error);

// .npy has no bf16 dtype, so a bf16 tensor travels as float32: `tessera
// run` writes a bf16 output widened (exactly) and feeds a float32 file to a
// bf16 input rounded. Both take an array of the other dtype unchanged.
//
// `array` (bf16) as float32, every value exactly.
TESSERA_RT_API Array widenBFloat16(Array array);
// `array` (float32) rounded to bf16: to nearest, ties to even; past the
// largest bf16 (and half its spacing) to infinity; a NaN becomes the quiet
// NaN 0x7fc0 of its sign.
TESSERA_RT_API Array roundToBFloat16(Array array);

// fp8 (fp8_e4m3, fp8_e5m2) travels the same way.
//
// `array` (fp8) as float32, every value exactly; other dtypes unchanged.
TESSERA_RT_API Array widenFloat8(Array array);
// `array` (float32) rounded to `to` (an fp8 dtype), to nearest, ties to
// even, once; past the largest finite number (after rounding) infinity for
// fp8_e5m2 and NaN for fp8_e4m3, which has no infinity; a NaN stays a quiet
// NaN of its sign. Any other array or `to` leaves the array unchanged.
TESSERA_RT_API Array roundToFloat8(Array array, tbin::DType to);

// The bytes of a version 1.0 file holding `array`.
TESSERA_RT_API bool encode(const Array &array, std::vector<uint8_t> &bytes,
                           std::string &error);
// Writes a temporary file next to `path`, then renames it into place.
TESSERA_RT_API bool write(const std::string &path, const Array &array,
                          std::string &error);

} // namespace tessera::npy
