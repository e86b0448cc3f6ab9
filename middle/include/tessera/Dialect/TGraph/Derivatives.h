// What derivative rules and the autodiff transformation share: a builder of
// the Graph IR that rules emit, and the forward and reverse sweeps that
// compose the rules of a sequence of ops.
#pragma once

#include "tessera/Dialect/TGraph/TGraph.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <functional>

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace tessera::tgraph {

// Attaches the derivative rules of upstream ops that Graph IR uses
// (tensor.cast) whenever their dialect is loaded; the TGraph dialect does
// this for its context when it is loaded itself.
void registerUpstreamDerivatives(mlir::DialectRegistry &registry);

class RuleBuilder;

// `g`, the cotangent of a unit-stride slice of `x` along `axis` that starts
// at `offset` and takes `size` elements, padded back with zeros to `x`'s
// extent there: zeros before and after, concatenated along `axis`, their
// extents computed at run time where they are not known
// (Derivatives/RuntimePadding.cpp). A padding that is always empty, such
// as the one after `x[1:]`, is left out.
mlir::Value padAtRunTime(RuleBuilder &rb, mlir::Value g, mlir::Value x,
                         int64_t axis, mlir::OpFoldResult offset,
                         mlir::OpFoldResult size);

// `g` with a unit dim inserted after `axis` (a reshape): padding that dim
// to a stride and merging it back gives each element its stride's zeros.
mlir::Value withUnitDimAfter(RuleBuilder &rb, mlir::Value g, int64_t axis);

// padAtRunTime's spreading for a slice with `stride` > 1 (x[::2] of x:
// f32[N]): each element of `g` followed by stride - 1 zeros (a unit dim
// padded and merged into `axis`), then placed as padAtRunTime places it and
// cut at x's extent, with layout operators only. Null where the element
// type is not a float.
mlir::Value spreadAtRunTime(RuleBuilder &rb, mlir::Value g, mlir::Value x,
                            int64_t axis, mlir::OpFoldResult offset,
                            mlir::OpFoldResult size, int64_t stride);

// Builds the ops of derivative code at one location. Every value it returns
// has a type known from its operands; `?` extents are read with tensor.dim
// from a value that has them, so shapes stay known at run time.
class RuleBuilder {
public:
  RuleBuilder(mlir::OpBuilder &b, mlir::Location loc) : b(b), loc(loc) {}

  mlir::OpBuilder &builder() { return b; }
  mlir::Location location() const { return loc; }

  // Elementwise arithmetic; a rank-0 operand broadcasts. `add` treats a null
  // operand as zero.
  mlir::Value add(mlir::Value x, mlir::Value y);
  mlir::Value sub(mlir::Value x, mlir::Value y);
  mlir::Value mul(mlir::Value x, mlir::Value y);
  mlir::Value div(mlir::Value x, mlir::Value y);
  mlir::Value neg(mlir::Value x);
  // A rank-0 constant of `elem`.
  mlir::Value scalar(mlir::Type elem, double value);
  // A rank-0 constant of `like`'s element type.
  mlir::Value scalarLike(mlir::Value like, double value);
  mlir::Value compare(ComparePredicate predicate, mlir::Value x, mlir::Value y);
  mlir::Value select(mlir::Value cond, mlir::Value x, mlir::Value y);

  // The run-time extents of `like`'s `?` dims, in order.
  llvm::SmallVector<mlir::Value> dynamicDims(mlir::Value like);
  // The extents of the `?` dims of `type`, whose dims are those of `like`
  // at the positions `fromDims` gives (one per dim of `type`; -1 where the
  // dim of `type` is static).
  llvm::SmallVector<mlir::Value> dimsFrom(mlir::RankedTensorType type,
                                          mlir::Value like,
                                          llvm::ArrayRef<int64_t> fromDims);
  // Zeros with `like`'s type and run-time shape.
  mlir::Value zerosLike(mlir::Value like);
  // `x` broadcast (numpy rules) to `like`'s shape, keeping x's element type.
  mlir::Value broadcastLike(mlir::Value x, mlir::Value like);
  // The adjoint of a numpy broadcast: `x` summed down to `like`'s shape.
  mlir::Value sumLike(mlir::Value x, mlir::Value like);
  // `x` (of shape `like`'s) reshaped to `type`, whose dims come from
  // `source` at `fromDims` (see dimsFrom).
  mlir::Value reshape(mlir::Value x, mlir::RankedTensorType type,
                      mlir::Value source, llvm::ArrayRef<int64_t> fromDims);
  // A reduction's result without keepdims, given back its reduced dims as 1.
  mlir::Value keepDims(mlir::Value reduced, mlir::Value operand,
                       llvm::ArrayRef<int64_t> axes);
  mlir::Value sum(mlir::Value x, llvm::ArrayRef<int64_t> axes, bool keepdims);
  // The number of elements of `operand` along `axes`, as a rank-0 tensor of
  // `elem` (default: the operand's element type).
  mlir::Value count(mlir::Value operand, llvm::ArrayRef<int64_t> axes,
                    mlir::Type elem = {});
  // `x` with its last two dims swapped.
  mlir::Value transposeLast2(mlir::Value x);

private:
  mlir::OpBuilder &b;
  mlir::Location loc;
};

// The primitives a composite operator (softmax, log_softmax, layernorm,
// rmsnorm, cross_entropy, mse) is defined by, built at the builder's
// insertion point; null for any other op.
mlir::Value buildDecomposition(mlir::OpBuilder &b, mlir::Operation *op);

// What a sweep does with ops that are not tgraph operators with rules:
// calls of other functions (the transformation differentiates the callee),
// and errors for ops with no rule.
struct SweepHooks {
  // Reverse mode through an op with no DifferentiableOpInterface (e.g.
  // func.call): sets the operands' cotangents or fails.
  std::function<mlir::LogicalResult(mlir::OpBuilder &, mlir::Operation *,
                                    llvm::ArrayRef<mlir::Value>,
                                    llvm::SmallVectorImpl<mlir::Value> &)>
      reverseOther;
  // Forward mode through such an op.
  std::function<mlir::LogicalResult(mlir::OpBuilder &, mlir::Operation *,
                                    llvm::ArrayRef<mlir::Value>,
                                    llvm::SmallVectorImpl<mlir::Value> &)>
      forwardOther;
  // Reports an op that needs a derivative and has no rule (default: an
  // error at the op). The hooks above report through it too.
  std::function<void(mlir::Operation *)> missingRule;
};

// Whether a value can carry a derivative: floating-point or complex (a
// tensor or a scalar).
bool isDifferentiableType(mlir::Type type);

// The values of `ops` (in program order) that depend on `seeds`.
llvm::DenseSet<mlir::Value> activeValues(llvm::ArrayRef<mlir::Operation *> ops,
                                         llvm::ArrayRef<mlir::Value> seeds);

// Reverse mode over `ops` (program order), emitting at the builder's
// insertion point. `cotangents` holds the cotangents of some of their
// results on entry; on return, also those of every active value they read
// (accumulated over uses). Only values in `active` get cotangents.
mlir::LogicalResult
reverseSweep(mlir::OpBuilder &b, llvm::ArrayRef<mlir::Operation *> ops,
             const llvm::DenseSet<mlir::Value> &active,
             llvm::DenseMap<mlir::Value, mlir::Value> &cotangents,
             const SweepHooks &hooks = {});

// Forward mode: `ops` are cloned by the caller already; for each op in
// order, the tangents of its results from those of its operands (absent:
// zero). Emits right after each op.
mlir::LogicalResult
forwardSweep(mlir::OpBuilder &b, llvm::ArrayRef<mlir::Operation *> ops,
             llvm::DenseMap<mlir::Value, mlir::Value> &tangents,
             const SweepHooks &hooks = {});

// Reverse mode through a decomposition: `build` emits `op`'s result from
// primitives (given the op's operands); the cotangents of the operands are
// those of the primitives' composition. How composite operators
// (layernorm, cross_entropy, ...) state their rules.
mlir::LogicalResult vjpByDecomposition(
    mlir::OpBuilder &b, mlir::Operation *op, llvm::ArrayRef<mlir::Value> dys,
    llvm::SmallVectorImpl<mlir::Value> &dxs,
    const std::function<mlir::Value(RuleBuilder &, mlir::ValueRange)> &build);
// Forward mode through a decomposition.
mlir::LogicalResult jvpByDecomposition(
    mlir::OpBuilder &b, mlir::Operation *op, llvm::ArrayRef<mlir::Value> dxs,
    llvm::SmallVectorImpl<mlir::Value> &dys,
    const std::function<mlir::Value(RuleBuilder &, mlir::ValueRange)> &build);
// The same for an op of several results, which `build` returns in order
// (attention_grad's).
using DecompositionOfResults = std::function<llvm::SmallVector<mlir::Value>(
    RuleBuilder &, mlir::ValueRange)>;
mlir::LogicalResult vjpByDecomposition(mlir::OpBuilder &b, mlir::Operation *op,
                                       llvm::ArrayRef<mlir::Value> dys,
                                       llvm::SmallVectorImpl<mlir::Value> &dxs,
                                       const DecompositionOfResults &build);
mlir::LogicalResult jvpByDecomposition(mlir::OpBuilder &b, mlir::Operation *op,
                                       llvm::ArrayRef<mlir::Value> dxs,
                                       llvm::SmallVectorImpl<mlir::Value> &dys,
                                       const DecompositionOfResults &build);

} // namespace tessera::tgraph
