// Identities of the elementwise arithmetic ops with a scalar constant, and
// double negation.
//
// Integer identities are exact. For floating point only those that hold for
// every input, -0.0, infinities and NaN included, are applied under a strict
// policy: x * 1, x / 1, x + (-0.0), x - (+0.0), -(-x). x + (+0.0) and
// x - (-0.0) give +0.0 for x = -0.0, so they need a non-strict policy.
// x - x and x * 0 are never folded: they are NaN for infinite or NaN x, and
// x * 0 is -0.0 for negative x; an integer zero would need a full-shape
// tensor (a broadcast), which this pass does not create.
#include "SimplifyPatterns.h"
#include "tessera/Dialect/TGraph/Transforms/NumericPolicy.h"

using namespace mlir;

namespace tessera::tgraph {
namespace {

// The value of a `tgraph.constant` that defines `v`, if one does.
TypedAttr constantValue(Value v) {
  auto c = v.getDefiningOp<ConstantOp>();
  return c ? dyn_cast<TypedAttr>(c.getValue()) : TypedAttr();
}

bool isOne(TypedAttr value) {
  if (auto f = dyn_cast_or_null<FloatAttr>(value))
    return f.getValue().isExactlyValue(1.0);
  if (auto i = dyn_cast_or_null<IntegerAttr>(value))
    return i.getValue().isOne();
  return false;
}

// The additive identities: 0 for integers, -0.0 (x + -0.0 = x for every x)
// for floating point, and +0.0 too where the sign of a zero result may
// change.
bool isAdditiveIdentity(TypedAttr value, bool signedZeroMatters) {
  if (auto i = dyn_cast_or_null<IntegerAttr>(value))
    return i.getValue().isZero();
  auto f = dyn_cast_or_null<FloatAttr>(value);
  if (!f || !f.getValue().isZero())
    return false;
  return f.getValue().isNegative() || !signedZeroMatters;
}

// x - c = x + (-c): +0.0 is the identity that is exact for every x.
bool isSubtractiveIdentity(TypedAttr value, bool signedZeroMatters) {
  if (auto i = dyn_cast_or_null<IntegerAttr>(value))
    return i.getValue().isZero();
  auto f = dyn_cast_or_null<FloatAttr>(value);
  if (!f || !f.getValue().isZero())
    return false;
  return !f.getValue().isNegative() || !signedZeroMatters;
}

// x * 1 and 1 * x.
struct MulByOne : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp op,
                                PatternRewriter &rewriter) const override {
    if (isOne(constantValue(op.getRhs())) &&
        succeeded(replaceWithValue(rewriter, op, op.getLhs())))
      return success();
    if (isOne(constantValue(op.getLhs())))
      return replaceWithValue(rewriter, op, op.getRhs());
    return failure();
  }
};

// x / 1.
struct DivByOne : OpRewritePattern<DivOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DivOp op,
                                PatternRewriter &rewriter) const override {
    if (!isOne(constantValue(op.getRhs())))
      return failure();
    return replaceWithValue(rewriter, op, op.getLhs());
  }
};

// x + 0 and 0 + x.
struct AddZero : OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AddOp op,
                                PatternRewriter &rewriter) const override {
    bool strict = isStrict(op);
    if (isAdditiveIdentity(constantValue(op.getRhs()), strict) &&
        succeeded(replaceWithValue(rewriter, op, op.getLhs())))
      return success();
    if (isAdditiveIdentity(constantValue(op.getLhs()), strict))
      return replaceWithValue(rewriter, op, op.getRhs());
    return failure();
  }
};

// x - 0 (0 - x is a negation, not x).
struct SubZero : OpRewritePattern<SubOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SubOp op,
                                PatternRewriter &rewriter) const override {
    if (!isSubtractiveIdentity(constantValue(op.getRhs()), isStrict(op)))
      return failure();
    return replaceWithValue(rewriter, op, op.getLhs());
  }
};

} // namespace

void populateSimplifyArithmeticPatterns(RewritePatternSet &patterns) {
  // -(-x) = x: negation only flips the sign bit (or negates an integer,
  // which wraps back).
  patterns.add<MulByOne, DivByOne, AddZero, SubZero, FoldInvolution<NegOp>>(
      patterns.getContext());
}

} // namespace tessera::tgraph
