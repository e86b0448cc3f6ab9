// Tessera's own transcendentals inside kernel bodies (TileLowering.h).
#include "TileLowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Approximation.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace tessera {
namespace {

// remf (the pow expansion's parity test) without libm's fmodf:
// a - b * trunc(a / b), trunc exact for every float (those of magnitude
// 2^23 and more are integers already).
struct RemFExpansion : OpRewritePattern<arith::RemFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::RemFOp op,
                                PatternRewriter &r) const override {
    Location loc = op.getLoc();
    Type t = op.getType();
    Type elem = getElementTypeOrSelf(t);
    Type intType = IntegerType::get(getContext(), elem.getIntOrFloatBitWidth());
    if (auto vt = dyn_cast<VectorType>(t))
      intType = VectorType::get(vt.getShape(), intType);
    auto splat = [&](double v) -> Value {
      TypedAttr a = r.getFloatAttr(elem, v);
      if (auto vt = dyn_cast<VectorType>(t))
        return r.create<arith::ConstantOp>(loc, DenseElementsAttr::get(vt, a));
      return r.create<arith::ConstantOp>(loc, a);
    };
    Value q = r.create<arith::DivFOp>(loc, op.getLhs(), op.getRhs());
    Value truncated = r.create<arith::SIToFPOp>(
        loc, t, r.create<arith::FPToSIOp>(loc, intType, q));
    Value big = r.create<arith::CmpFOp>(
        loc, arith::CmpFPredicate::UGE, r.create<math::AbsFOp>(loc, q),
        splat(elem.isF32() ? 8388608.0 : 4503599627370496.0));
    Value whole = r.create<arith::SelectOp>(loc, big, q, truncated);
    r.replaceOpWithNewOp<arith::SubFOp>(
        op, op.getLhs(), r.create<arith::MulFOp>(loc, op.getRhs(), whole));
    return success();
  }
};

} // namespace

LogicalResult expandKernelMath(ModuleOp module) {
  RewritePatternSet math(module.getContext());
  populateMathPolynomialApproximationPatterns(math);
  populateExpandPowFPattern(math);
  populateExpandFmaFPattern(math);
  // floor/ceil would be libm calls on CPUs without SSE4.1.
  populateExpandFloorFPattern(math);
  populateExpandCeilFPattern(math);
  math.add<RemFExpansion>(module.getContext());
  FrozenRewritePatternSet frozen(std::move(math));
  // Applied inside kernel bodies only, and without simplifying their
  // structure.
  GreedyRewriteConfig config;
  config.enableRegionSimplification = GreedySimplifyRegionLevel::Disabled;
  for (auto kernel : module.getOps<ttile::KernelOp>())
    if (failed(applyPatternsAndFoldGreedily(kernel, frozen, config)))
      return failure();
  return success();
}

} // namespace tessera
