// Helpers shared by the tgraph verifiers and builders (lib-private).
#pragma once

#include "tessera/Dialect/TGraph/TGraph.h"

#include <string>

namespace tessera::tgraph::detail {

// Two dims agree when they are equal or either is dynamic (`?` is unknown
// but consistent).
inline bool dimsAgree(int64_t a, int64_t b) {
  return a == b || mlir::ShapedType::isDynamic(a) ||
         mlir::ShapedType::isDynamic(b);
}

// The same rank and every pair of dims agrees.
bool shapesAgree(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);

// Element types equal and shapes agree.
bool typesAgree(mlir::RankedTensorType a, mlir::RankedTensorType b);

// A dim for messages: the number or `?`.
std::string dimStr(int64_t dim);

// An integer list for messages: `[1, 2]`.
std::string listStr(llvm::ArrayRef<int64_t> values);

// The op's single result type must agree with `inferred`.
mlir::LogicalResult verifyResultType(mlir::Operation *op,
                                     mlir::RankedTensorType inferred);

// `axis` lies in [0, rank).
mlir::LogicalResult verifyAxis(mlir::Operation *op, int64_t axis, int64_t rank);

// Each operand has exactly the shape of `result` or is rank 0.
mlir::LogicalResult verifyScalarBroadcastShapes(mlir::Operation *op,
                                                mlir::ValueRange operands,
                                                mlir::RankedTensorType result);

// Each operand has the element type of `result`.
mlir::LogicalResult verifySameElementType(mlir::Operation *op,
                                          mlir::ValueRange operands,
                                          mlir::RankedTensorType result);

} // namespace tessera::tgraph::detail
