// Shared by the reference evaluator's files (lib-private): index arithmetic
// on row-major shapes, and the evaluators of the op families, which
// Evaluator.cpp dispatches to.
#pragma once

#include "tessera/Dialect/TGraph/TGraph.h"
#include "tessera/Reference/Evaluator.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/SmallVector.h"

#include <cmath>
#include <limits>
#include <optional>

namespace tessera::reference::detail {

// The operands of an op, evaluated, in operand order.
using Operands = llvm::ArrayRef<const Tensor *>;

// What a family's evaluator returns: std::nullopt when the op is not one of
// the family's, failure() after an error at the op, else the op's one result
// (before rounding to its element type, which the caller does).
using FamilyResult = std::optional<mlir::FailureOr<Tensor>>;

FamilyResult evalElementwise(mlir::Operation *op, Operands in);
FamilyResult evalLinalg(mlir::Operation *op, Operands in);
FamilyResult evalLayout(mlir::Operation *op, Operands in);
FamilyResult evalReduction(mlir::Operation *op, Operands in);
FamilyResult evalFourier(mlir::Operation *op, Operands in);
FamilyResult evalRandom(mlir::Operation *op, Operands in);
// Fused attention (its result, and its log-sum-exp when the op has one)
// and its cotangents (AttentionEval.cpp).
mlir::FailureOr<std::vector<Tensor>> evalAttention(tgraph::AttentionOp op,
                                                   Operands in);
mlir::FailureOr<std::vector<Tensor>>
evalAttentionGrad(tgraph::AttentionGradOp op, Operands in);
// arith, tensor and the pass-through ops the frontend emits in functions.
FamilyResult evalStandard(mlir::Operation *op, Operands in);

int64_t numElements(llvm::ArrayRef<int64_t> shape);

// Row-major strides of `shape` (in elements).
llvm::SmallVector<int64_t> stridesOf(llvm::ArrayRef<int64_t> shape);

// Steps `index` to the next multi-index of `shape` in row-major order;
// false after the last one.
bool nextIndex(llvm::MutableArrayRef<int64_t> index,
               llvm::ArrayRef<int64_t> shape);

// "[2, 3]".
std::string shapeStr(llvm::ArrayRef<int64_t> shape);

// The integer an element holds (elements of integer type are whole numbers).
int64_t toInt(double v);

// The runtime shape of a result of type `type`: its static dims, and for each
// `?` the next of `dynamic` (index values). Fails at `op` if the counts
// differ or an extent is negative.
mlir::FailureOr<std::vector<int64_t>>
shapeWithDynamicDims(mlir::Operation *op, mlir::Type type, Operands dynamic);

// The elements of a dense attribute of float, integer, index or complex
// element type; std::nullopt for any other.
std::optional<Tensor> fromDenseAttr(mlir::DenseElementsAttr attr);

// Whether a type is one of the signless integer types (i1 included) or index.
bool isIntegerLike(mlir::Type type);

// IEEE maximum and minimum as arith.maximumf/minimumf define them: NaN wins,
// and +0 is greater than -0.
inline double maximum(double a, double b) {
  if (std::isnan(a) || std::isnan(b))
    return std::numeric_limits<double>::quiet_NaN();
  if (a == b)
    return std::signbit(a) ? b : a;
  return a > b ? a : b;
}
inline double minimum(double a, double b) {
  if (std::isnan(a) || std::isnan(b))
    return std::numeric_limits<double>::quiet_NaN();
  if (a == b)
    return std::signbit(a) ? a : b;
  return a < b ? a : b;
}

} // namespace tessera::reference::detail
