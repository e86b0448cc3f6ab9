// The .tbin element type of an MLIR element type: one mapping for the
// metadata the compiler writes and for tools that read or write .npy.
#pragma once

#include "tessera/tbin_meta.hpp"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Types.h"

#include <optional>

namespace tessera {

// The dtype of `t`, or nothing for a type .tbin has no code for.
inline std::optional<tbin::DType> tbinDType(mlir::Type t) {
  if (t.isF32())
    return tbin::DType::F32;
  if (t.isF64())
    return tbin::DType::F64;
  if (t.isF16())
    return tbin::DType::F16;
  if (t.isBF16())
    return tbin::DType::BF16;
  if (t.isFloat8E4M3FN())
    return tbin::DType::FP8_E4M3;
  if (t.isFloat8E5M2())
    return tbin::DType::FP8_E5M2;
  if (t.isInteger(64))
    return tbin::DType::I64;
  if (t.isInteger(32))
    return tbin::DType::I32;
  if (t.isInteger(8))
    return tbin::DType::I8;
  if (t.isInteger(1))
    return tbin::DType::Bool;
  if (auto complex = llvm::dyn_cast<mlir::ComplexType>(t);
      complex && complex.getElementType().isF32())
    return tbin::DType::C64;
  return std::nullopt;
}

} // namespace tessera
