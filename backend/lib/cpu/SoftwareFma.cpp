// An exact fused multiply-add for CPUs without FMA instructions (--cpu
// x86-64 and x86-64-v2). A math.fma marked ttile.fused (a matmul step under
// a non-strict policy) becomes arithmetic whose result is the correctly
// rounded a * b + c, the bits an FMA instruction gives: a model's results do
// not depend on --cpu. Both forms use "rounding to odd" (Boldo and
// Melquiond, "Emulation of FMA and correctly rounded sums: proved algorithms
// using rounding to odd", IEEE Trans. Computers 57(4), 2008): a sum rounded
// to odd in a format with at least two more bits than the result's rounds
// correctly to the result.
//
// - f32: the product of two f32 is exact in f64; the f64 sum with c is
//   rounded to odd (its exact error by TwoSum decides) and then to f32.
// - f64: the product is split exactly into two doubles (Dekker's product
//   with Veltkamp's splitting), c is added through two TwoSums, the two low
//   parts are added rounded to odd and the high part last, rounded to
//   nearest. Exact while the splitting cannot overflow (|a|, |b| < 2^995)
//   and the product's low part is not subnormal; outside that range (and
//   for infinities and NaN) the step is a * b + c rounded twice.
#include "SoftwareFma.h"
#include "../common/TileLowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

using namespace mlir;

namespace tessera {
namespace {

// Scalar or vector arithmetic of one shape, in f64 and i64.
class Arith {
public:
  Arith(PatternRewriter &r, Location loc, Type like)
      : r(r), loc(loc), f64(withElement(like, r.getF64Type())),
        i64(withElement(like, r.getI64Type())) {}

  static Type withElement(Type like, Type elem) {
    if (auto vt = dyn_cast<VectorType>(like))
      return VectorType::get(vt.getShape(), elem);
    return elem;
  }
  Value constant(Type t, TypedAttr a) {
    if (auto vt = dyn_cast<VectorType>(t))
      return r.create<arith::ConstantOp>(loc, DenseElementsAttr::get(vt, a));
    return r.create<arith::ConstantOp>(loc, a);
  }
  Value f(double v) { return constant(f64, r.getF64FloatAttr(v)); }
  Value i(int64_t v) { return constant(i64, r.getI64IntegerAttr(v)); }
  Value add(Value a, Value b) { return r.create<arith::AddFOp>(loc, a, b); }
  Value sub(Value a, Value b) { return r.create<arith::SubFOp>(loc, a, b); }
  Value mul(Value a, Value b) { return r.create<arith::MulFOp>(loc, a, b); }
  Value select(Value c, Value a, Value b) {
    return r.create<arith::SelectOp>(loc, c, a, b);
  }
  Value fcmp(arith::CmpFPredicate p, Value a, Value b) {
    return r.create<arith::CmpFOp>(loc, p, a, b);
  }
  Value icmp(arith::CmpIPredicate p, Value a, Value b) {
    return r.create<arith::CmpIOp>(loc, p, a, b);
  }
  Value both(Value a, Value b) { return r.create<arith::AndIOp>(loc, a, b); }
  Value bits(Value x) { return r.create<arith::BitcastOp>(loc, i64, x); }
  Value real(Value x) { return r.create<arith::BitcastOp>(loc, f64, x); }
  // |x| < limit (false for NaN).
  Value below(Value x, double limit) {
    return fcmp(arith::CmpFPredicate::OLT, r.create<math::AbsFOp>(loc, x),
                f(limit));
  }

  // Knuth's TwoSum: s = RN(a + b) and the exact error a + b - s.
  std::pair<Value, Value> twoSum(Value a, Value b) {
    Value s = add(a, b);
    Value bb = sub(s, a);
    return {s, add(sub(a, sub(s, bb)), sub(b, bb))};
  }
  // a + b rounded to odd: RN(a + b), moved one ulp towards the exact sum
  // when it is inexact and its last bit is even.
  Value addRoundedToOdd(Value a, Value b) {
    auto [s, error] = twoSum(a, b);
    Value sBits = bits(s);
    Value inexact = fcmp(arith::CmpFPredicate::ONE, error, f(0.0));
    Value even = icmp(arith::CmpIPredicate::eq,
                      r.create<arith::AndIOp>(loc, sBits, i(1)), i(0));
    // Sign and magnitude: the next float away from zero is bits + 1 when
    // the error has the sign of s, the one towards zero bits - 1.
    Value sameSign =
        icmp(arith::CmpIPredicate::sge,
             r.create<arith::XOrIOp>(loc, sBits, bits(error)), i(0));
    Value moved = select(sameSign, r.create<arith::AddIOp>(loc, sBits, i(1)),
                         r.create<arith::SubIOp>(loc, sBits, i(1)));
    Value nudge = both(both(inexact, even), below(s, INFINITY));
    return real(select(nudge, moved, sBits));
  }
  // Veltkamp's splitting: x = hi + lo, each with at most 26 bits.
  std::pair<Value, Value> split(Value x) {
    Value c = mul(x, f(134217729.0)); // 2^27 + 1
    Value hi = sub(c, sub(c, x));
    return {hi, sub(x, hi)};
  }

  PatternRewriter &r;
  Location loc;
  Type f64, i64;
};

struct SoftwareFma : OpRewritePattern<math::FmaOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::FmaOp op,
                                PatternRewriter &r) const override {
    Type elem = getElementTypeOrSelf(op.getType());
    if (!op->hasAttr(ttile::kFusedMultiplyAddAttr) ||
        !(elem.isF32() || elem.isF64()))
      return failure();
    Arith a(r, op.getLoc(), op.getType());
    if (elem.isF32()) {
      auto widen = [&](Value v) {
        return r.create<arith::ExtFOp>(op.getLoc(), a.f64, v).getResult();
      };
      Value product = a.mul(widen(op.getA()), widen(op.getB())); // exact
      Value sum = a.addRoundedToOdd(product, widen(op.getC()));
      r.replaceOpWithNewOp<arith::TruncFOp>(op, op.getType(), sum);
      return success();
    }
    Value x = op.getA(), y = op.getB(), z = op.getC();
    // Dekker's exact product: uh + ul = x * y.
    auto [xh, xl] = a.split(x);
    auto [yh, yl] = a.split(y);
    Value uh = a.mul(x, y);
    Value ul = a.add(
        a.add(a.add(a.sub(a.mul(xh, yh), uh), a.mul(xh, yl)), a.mul(xl, yh)),
        a.mul(xl, yl));
    auto [th, tl] = a.twoSum(z, ul);
    auto [vh, vl] = a.twoSum(uh, th);
    Value exact = a.add(vh, a.addRoundedToOdd(tl, vl));
    Value inRange = a.both(a.both(a.below(x, 0x1p995), a.below(y, 0x1p995)),
                           a.both(a.below(uh, INFINITY), a.below(z, INFINITY)));
    r.replaceOpWithNewOp<arith::SelectOp>(op, inRange, exact, a.add(uh, z));
    return success();
  }
};

} // namespace

LogicalResult expandFusedMultiplyAdds(ModuleOp module) {
  RewritePatternSet patterns(module.getContext());
  patterns.add<SoftwareFma>(module.getContext());
  return applyInsideKernels(module, std::move(patterns));
}

} // namespace tessera
