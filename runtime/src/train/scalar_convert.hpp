// One element of a tensor as a double and back, for every dtype: how the
// loop reads a loss and how initialisers store the values they draw. f16
// and bf16 have no C++ type, so their bits are converted here (fp8's in
// tessera/float8_bits.hpp).
#pragma once

#include "tessera/tbin_meta.hpp"

#include <cstdint>

namespace tessera::train {

bool isFloat(tbin::DType dtype);

// The element at `p` (dtypeSize(dtype) bytes, little endian).
double loadScalar(tbin::DType dtype, const uint8_t *p);

// Stores `v` rounded to nearest, ties to even (floats), or truncated toward
// zero (integers; bool is v != 0).
void storeScalar(tbin::DType dtype, double v, uint8_t *p);

// The binary16 / bfloat16 nearest to `v`, ties to even; rounded once, from
// the double, so never off by the double rounding of going through float.
uint16_t toHalfBits(double v);
uint16_t toBFloat16Bits(double v);
double fromHalfBits(uint16_t bits);
double fromBFloat16Bits(uint16_t bits);

} // namespace tessera::train
