// The folds of a reduction kernel: each one's identity and combining
// operator, shared by the general kernel (ReductionKernel.cpp) and the row
// kernel (RowReductionKernel.cpp).
#pragma once

#include "KernelBuilder.h"

#include "mlir/IR/IRMapping.h"

namespace tessera::tile {

enum class Fold { Sum, Mean, Max, Min, Prod };

// The fold of a Graph IR reduction; nullopt for any other operator.
std::optional<Fold> foldOf(mlir::Operation *op);

// The fold's identity: what an accumulator starts from.
mlir::TypedAttr initialValue(mlir::OpBuilder &b, Fold fold, mlir::Type elem);

// The fold of all `count` elements as the result: for a mean, divided by
// the count; otherwise as it is.
mlir::Value finishFold(mlir::OpBuilder &b, mlir::Location loc, Fold fold,
                       mlir::Type elem, mlir::Value folded, mlir::Value count);

// acc op v, on scalars or vectors lane by lane (max/min keep NaN).
mlir::Value combine(mlir::OpBuilder &b, mlir::Location loc, Fold fold,
                    mlir::Value acc, mlir::Value v);

// A sum with `stable = true` keeps, next to each running sum s, the
// rounding error c it has lost (Neumaier's compensated summation): adding v
// gives t = s + v and c += (s - t) + v when |s| >= |v|, else (v - t) + s;
// two sums merge as t = s1 + s2 with c = (c1 + c2) + that error of t. The
// result is s + c (s alone when s is not finite, where c means nothing).
// Every operation keeps the fold's order, so the bits still depend on
// nothing but the operands. On scalars or vectors lane by lane.
struct Compensated {
  mlir::Value sum, error;
};
Compensated addCompensated(mlir::OpBuilder &b, mlir::Location loc,
                           Compensated acc, mlir::Value v);
Compensated mergeCompensated(mlir::OpBuilder &b, mlir::Location loc,
                             Compensated x, Compensated y);
mlir::Value finishCompensated(mlir::OpBuilder &b, mlir::Location loc,
                              Compensated acc);
// Whether `reduce` asks for a compensated sum (`stable = true` on a float
// sum or mean).
bool isCompensated(mlir::Operation *reduce, Fold fold);

// The second kernel of a fold cut into segments (docs/ir/cpu-backend.md,
// "Segments"): result (p, q) of [outer, inner] is the fold of the values
// (p, s, q) of `values` ([outer, segments, inner]) for s = 0, 1, ...,
// segments - 1, in that order from the first, finished over `count`
// elements (finishFold), in `elem` (the accumulator's type, the values'),
// and rounded once to the result's type. No points when there is one
// segment: the first kernel stored the results itself. Frees `values`
// after it.
void foldSegmentValues(EntryContext &ctx, mlir::Location loc, int64_t tile,
                       Fold fold, mlir::Type elem, mlir::Value values,
                       mlir::Value result, mlir::Value segments,
                       mlir::Value outer, mlir::Value inner, mlir::Value count,
                       bool compensated = false);

// A chain's input read through a broadcast: whether it follows each of the
// operand's segments (outer, reduced, inner).
struct SegmentFlags {
  bool outer, reduced, inner;
};

// The segments broadcast `bc` follows, over an operand of `operandType`
// split at `bounds`; an error at the broadcast when it cannot be read in
// place.
mlir::FailureOr<SegmentFlags>
broadcastSegments(tgraph::BroadcastOp bc, mlir::RankedTensorType operandType,
                  llvm::ArrayRef<int64_t> bounds);

// The buffers a reduction kernel reads: the group's tensor inputs when it
// computes a chain in front of the reduction, else the operand alone.
void addReductionInputs(KernelSpec &spec, tsched::FusionGroupOp group,
                        bool chained, mlir::Value operand, EntryContext &ctx);

// Evaluates what `targets` (values of a group's body) need of the
// elementwise operators in the body on vectors of `lanes`, from what `map`
// holds already (values read once per kernel; operators before them are
// not evaluated again). Block arguments come from `readInput`; a broadcast
// whose source is an input buffer (in `bufferOf`) from `readBroadcast`,
// unless `map` has it. Random numbers (dropout) are drawn at flat element
// `offset` of the group's result, the vector's first lane (RandomKernel.cpp);
// without an offset a chain that draws them fails. Returns the targets'
// values. The kernels differ only in how they read; the chain is the same.
mlir::FailureOr<llvm::SmallVector<mlir::Value>> evaluateChain(
    mlir::OpBuilder &b, mlir::Block &body, llvm::ArrayRef<mlir::Value> targets,
    int64_t lanes, mlir::IRMapping map,
    const llvm::DenseMap<mlir::Value, mlir::Value> &bufferOf,
    llvm::function_ref<mlir::Value(mlir::Value arg)> readInput,
    llvm::function_ref<mlir::Value(tgraph::BroadcastOp bc)> readBroadcast,
    mlir::Value offset = {});

// A reduction over the innermost axes from `first` on: `rows` results, each
// folding one contiguous row of `length` elements in the lane order that
// every target shares (RowReductionKernel.cpp).
mlir::LogicalResult lowerRowReduction(tsched::FusionGroupOp group,
                                      mlir::Operation *reduce, Fold fold,
                                      bool chained, mlir::Value operand,
                                      mlir::Value result, mlir::Value rows,
                                      mlir::Value length, int64_t first,
                                      EntryContext &ctx);

} // namespace tessera::tile
