// The float types kernels store in fewer bits than f32 and compute in f32
// (NarrowFloatEmulation.cpp), and the layout of those whose conversions
// Tessera writes out itself (NarrowFloatConversion.cpp): f16 and the two
// fp8 types. bf16's conversions are arith's own (ExpandBFloat16).
#pragma once

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"

#include <cstdint>
#include <optional>

namespace tessera {

// bf16, f16, f8E4M3FN (fp8_e4m3) or f8E5M2 (fp8_e5m2), alone or as the
// element of a vector.
bool isNarrowFloat(mlir::Type t);

// A binary float of `width` bits: a sign, exponent bits biased by `bias`,
// then `mantissa` bits. Magnitudes are the bits without the sign.
struct NarrowFloatFormat {
  unsigned width;
  unsigned mantissa;
  int bias;
  // IEEE-like (f16, E5M2): the all-ones exponent holds infinity and NaN.
  // E4M3FN has no infinity: only S.1111.111 is NaN, the rest is finite.
  bool hasInfinity;
  uint32_t largestFinite; // magnitude
  uint32_t quietNaN;      // magnitude of the NaN conversions produce

  uint32_t signBit() const { return 1u << (width - 1); }
  // What a value past the largest finite one rounds to: infinity, or for a
  // format without one NaN (E4M3FN, as PyTorch's non-saturating conversion
  // gives).
  uint32_t overflow() const {
    return hasInfinity ? largestFinite + 1 : quietNaN;
  }
};

// The format of f16, f8E4M3FN or f8E5M2 (a scalar or a vector's element);
// nothing for other types, bf16 included.
std::optional<NarrowFloatFormat> narrowFloatFormatOf(mlir::Type t);

// arith.extf from f16 or fp8 to f32 and arith.truncf from f32 to them, as
// integer operations on the bits (round to nearest even).
void populateExpandNarrowFloatPatterns(mlir::RewritePatternSet &patterns);

} // namespace tessera
