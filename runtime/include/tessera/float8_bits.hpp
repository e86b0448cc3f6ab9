// The OCP 8-bit floats' bits and their values: fp8_e4m3 (E4M3FN: bias 7,
// no infinity, S.1111.111 is NaN, largest finite 448) and fp8_e5m2 (E5M2:
// bias 15, infinities and NaNs as IEEE's, largest finite 57344). One
// definition for the runtime's .npy and safetensors paths and the training
// loop's initialisers; kernels convert with their own integer operations
// (backend/lib/common/NarrowFloatConversion.cpp), to the same bits.
#pragma once

#include <cstdint>

namespace tessera::fp8 {

// The 8-bit float nearest to `v`, ties to even, rounded once from the
// double. Past the largest finite number (after rounding): E4M3FN has no
// infinity, so NaN (0x7f with the sign, as PyTorch's non-saturating
// conversion gives); E5M2 gives infinity. A NaN stays a quiet NaN of its
// sign (0x7f, 0x7e).
uint8_t toE4M3Bits(double v);
uint8_t toE5M2Bits(double v);

// The value of `bits`, exactly.
double fromE4M3Bits(uint8_t bits);
double fromE5M2Bits(uint8_t bits);

} // namespace tessera::fp8
