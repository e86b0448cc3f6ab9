// Reductions of a broadcast: reducing over the dims a broadcast repeats
// reads each operand element n times, so the broadcast need not be
// materialised.
//
//   reduce_max/min: max of n copies of v is v: exact when every reduced dim
//     is a repeat; when dims of the operand are reduced too the maximum is
//     taken in another order, which can pick another NaN payload, so that
//     needs a non-strict policy (integers: always).
//   reduce_sum: sum of n copies of v becomes n * v, which rounds
//     differently (and gives -0.0 where the sum gives +0.0): non-strict
//     only, and n must be static and exact in the element type. Integer
//     sums wrap, so n * v is exact for them.
//   reduce_mean: the mean of n copies of v is v in exact arithmetic only:
//     non-strict only.
//
// Every dim the broadcast repeats must be reduced (otherwise the result
// would need a narrower broadcast); the operand is reduced over the
// reduced dims it has, with keepdims, and reshaped to the result.
#include "SimplifyPatterns.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace tessera::tgraph {
namespace {

// What a broadcast's result dim is made of.
enum class DimKind {
  Operand, // an operand dim of the same size
  Repeat,  // an operand dim of 1, or a new leading dim, repeated
  Unit,    // an operand dim of 1, or a new leading dim, of size 1
};

// The kinds of `b`'s result dims. A `?` operand dim is the same symbol as
// the result dim it meets: Graph IR broadcasts only dims that are 1.
SmallVector<DimKind> dimKinds(BroadcastOp b) {
  RankedTensorType operand = b.getOperand().getType(), result = b.getType();
  int64_t lead = result.getRank() - operand.getRank();
  SmallVector<DimKind> kinds;
  for (int64_t j = 0; j < result.getRank(); ++j) {
    bool isOne = j < lead || operand.getDimSize(j - lead) == 1;
    if (!isOne)
      kinds.push_back(DimKind::Operand);
    else if (result.getDimSize(j) == 1)
      kinds.push_back(DimKind::Unit);
    else
      kinds.push_back(DimKind::Repeat);
  }
  return kinds;
}

enum class Reduction { Sum, Mean, Max, Min };

template <typename ReduceOp> constexpr Reduction reductionOf();
template <> constexpr Reduction reductionOf<ReduceSumOp>() {
  return Reduction::Sum;
}
template <> constexpr Reduction reductionOf<ReduceMeanOp>() {
  return Reduction::Mean;
}
template <> constexpr Reduction reductionOf<ReduceMaxOp>() {
  return Reduction::Max;
}
template <> constexpr Reduction reductionOf<ReduceMinOp>() {
  return Reduction::Min;
}

// `count` as a scalar constant of `elementType`, if it is exact there.
TypedAttr countAttr(Type elementType, uint64_t count) {
  if (auto i = dyn_cast<IntegerType>(elementType))
    return IntegerAttr::get(i, APInt(64, count).trunc(i.getWidth()));
  auto f = dyn_cast<FloatType>(elementType);
  if (!f)
    return {};
  APFloat value(f.getFloatSemantics());
  if (value.convertFromAPInt(APInt(64, count), /*IsSigned=*/false,
                             APFloat::rmNearestTiesToEven) != APFloat::opOK)
    return {};
  return FloatAttr::get(f, value);
}

template <typename ReduceOp>
struct ReduceOfBroadcast : OpRewritePattern<ReduceOp> {
  using OpRewritePattern<ReduceOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(ReduceOp op,
                                PatternRewriter &rewriter) const override {
    constexpr Reduction kind = reductionOf<ReduceOp>();
    auto broadcast = op.getOperand().template getDefiningOp<BroadcastOp>();
    if (!broadcast)
      return failure();
    Value source = broadcast.getOperand();
    auto sourceType = cast<RankedTensorType>(source.getType());
    int64_t lead = broadcast.getType().getRank() - sourceType.getRank();
    ArrayRef<int64_t> axes = op.getAxes();

    SmallVector<int64_t> sourceAxes;
    uint64_t count = 1;
    bool staticCount = true;
    for (auto [j, dimKind] : llvm::enumerate(dimKinds(broadcast))) {
      bool reduced = llvm::is_contained(axes, static_cast<int64_t>(j));
      if (dimKind == DimKind::Repeat) {
        if (!reduced)
          return rewriter.notifyMatchFailure(op, "keeps a repeated dim");
        int64_t size = broadcast.getType().getDimSize(j);
        bool overflowed = false;
        if (!ShapedType::isDynamic(size))
          count = llvm::SaturatingMultiply(count, static_cast<uint64_t>(size),
                                           &overflowed);
        staticCount &= !ShapedType::isDynamic(size) && !overflowed;
      } else if (dimKind == DimKind::Operand && reduced) {
        sourceAxes.push_back(j - lead);
      }
    }

    Type elementType = sourceType.getElementType();
    bool isInteger = isa<IntegerType>(elementType);
    // Max and min over repeats alone only read copies of one value.
    bool exact =
        isInteger || ((kind == Reduction::Max || kind == Reduction::Min) &&
                      sourceAxes.empty());
    if (!exact && isStrict(op))
      return rewriter.notifyMatchFailure(op, "inexact under a strict policy");
    TypedAttr factor;
    if (kind == Reduction::Sum && !staticCount)
      return rewriter.notifyMatchFailure(op, "repeat count is dynamic");
    if (kind == Reduction::Sum && count != 1) {
      factor = countAttr(elementType, count);
      if (!factor)
        return rewriter.notifyMatchFailure(op, "repeat count is not exact");
    }

    Location loc = op.getLoc();
    Value value = source;
    if (!sourceAxes.empty())
      value = rewriter.create<ReduceOp>(loc, source, sourceAxes,
                                        /*keepdims=*/true, op.getStable());
    if (value.getType() != op.getType())
      value = rewriter.create<ReshapeOp>(loc, op.getType(), value);
    if (factor) {
      Value c = rewriter.create<ConstantOp>(
          loc, RankedTensorType::get({}, elementType), factor);
      value = rewriter.create<MulOp>(loc, value, c);
    }
    rewriter.replaceOp(op, value);
    return success();
  }
};

} // namespace

void populateSimplifyReductionPatterns(RewritePatternSet &patterns) {
  patterns.add<ReduceOfBroadcast<ReduceSumOp>, ReduceOfBroadcast<ReduceMeanOp>,
               ReduceOfBroadcast<ReduceMaxOp>, ReduceOfBroadcast<ReduceMinOp>>(
      patterns.getContext());
}

} // namespace tessera::tgraph
