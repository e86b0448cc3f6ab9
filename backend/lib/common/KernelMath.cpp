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

// A math.fma that the program did not ask for (the polynomial
// approximations write them) is a multiply and an add, rounded twice, as
// populateExpandFmaFPattern would make it; one marked ttile.fused (a matmul
// step under a non-strict policy) stays a fused multiply-add.
struct UnfusedFmaExpansion : OpRewritePattern<math::FmaOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::FmaOp op,
                                PatternRewriter &r) const override {
    if (op->hasAttr(ttile::kFusedMultiplyAddAttr))
      return failure();
    Value product = r.create<arith::MulFOp>(op.getLoc(), op.getA(), op.getB());
    r.replaceOpWithNewOp<arith::AddFOp>(op, product, op.getC());
    return success();
  }
};

// Splat constants and the few operations the f32 approximations below are
// written in, for a scalar f32 or a vector of f32.
class F32Builder {
public:
  F32Builder(PatternRewriter &r, Location loc, Type type)
      : r(r), loc(loc), type(type), intType(r.getI32Type()) {
    if (auto vt = dyn_cast<VectorType>(type))
      intType = VectorType::get(vt.getShape(), r.getI32Type());
  }

  // The f32 whose IEEE bits are `bits`.
  Value bits(uint32_t bits) {
    return splat(
        type, r.getFloatAttr(r.getF32Type(),
                             APFloat(APFloat::IEEEsingle(), APInt(32, bits))));
  }
  Value f(float v) { return splat(type, r.getF32FloatAttr(v)); }
  Value i(int32_t v) { return splat(intType, r.getI32IntegerAttr(v)); }

  Value add(Value a, Value b) { return r.create<arith::AddFOp>(loc, a, b); }
  Value sub(Value a, Value b) { return r.create<arith::SubFOp>(loc, a, b); }
  Value mul(Value a, Value b) { return r.create<arith::MulFOp>(loc, a, b); }
  // a * b + c, rounded twice (as UnfusedFmaExpansion expands math.fma).
  Value mulAdd(Value a, Value b, Value c) { return add(mul(a, b), c); }
  Value cmp(arith::CmpFPredicate p, Value a, Value b) {
    return r.create<arith::CmpFOp>(loc, p, a, b);
  }
  Value cmpi(arith::CmpIPredicate p, Value a, Value b) {
    return r.create<arith::CmpIOp>(loc, p, a, b);
  }
  Value select(Value c, Value a, Value b) {
    return r.create<arith::SelectOp>(loc, c, a, b);
  }
  // max(v, lo) and min(v, hi) that keep NaN (the unordered compares).
  Value atLeast(Value v, Value lo) {
    return select(cmp(arith::CmpFPredicate::UGE, v, lo), v, lo);
  }
  Value atMost(Value v, Value hi) {
    return select(cmp(arith::CmpFPredicate::ULE, v, hi), v, hi);
  }
  // floor(v) for |v| < 2^31 through one conversion each way (t = trunc(v),
  // less one where that rounded up): math.floor's general expansion
  // converts through i64, which x86 does a half vector at a time.
  Value floorSmall(Value v) {
    Value t = r.create<arith::SIToFPOp>(
        loc, type, r.create<arith::FPToSIOp>(loc, intType, v));
    return select(cmp(arith::CmpFPredicate::OGT, t, v), sub(t, f(1.0f)), t);
  }
  Value toBits(Value v) { return r.create<arith::BitcastOp>(loc, intType, v); }
  Value fromBits(Value v) { return r.create<arith::BitcastOp>(loc, type, v); }

  PatternRewriter &r;
  Location loc;
  Type type;
  Type intType;

private:
  Value splat(Type t, TypedAttr a) {
    if (auto vt = dyn_cast<VectorType>(t))
      return r.create<arith::ConstantOp>(loc, DenseElementsAttr::get(vt, a));
    return r.create<arith::ConstantOp>(loc, a);
  }
};

bool isF32(Type t) { return getElementTypeOrSelf(t).isF32(); }

// exp in f32, written as MLIR's own approximation (Cephes' expf: k =
// floor(x log2(e) + 1/2), r = x - k ln 2 in two parts, a degree-6
// polynomial for e^r, scaled by 2^k) with the same operations, so normal
// results keep their bits, but with subnormal results: MLIR's clamps x at
// -87.8 and builds 2^k from the exponent field, which gives 0 for every
// k < -126. Here x is clamped at -104 (e^-104 < 2^-150 rounds to 0) and a
// result below the normal range is scaled in two steps, e^r 2^(k+64)
// (exact, a normal number) times 2^-64: one rounding, into the subnormal.
struct ExpF32 : OpRewritePattern<math::ExpOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::ExpOp op,
                                PatternRewriter &r) const override {
    if (!isF32(op.getType()))
      return failure();
    F32Builder b(r, op.getLoc(), op.getType());
    // e^-|a| (sigmoid's): x <= 0, so neither the clamp at 88.8 nor k's at
    // 127 can bind, and both are left out (a NaN passes either way).
    auto neg = op.getOperand().getDefiningOp<arith::NegFOp>();
    bool nonPositive = neg && neg.getOperand().getDefiningOp<math::AbsFOp>();
    Value x = b.atLeast(op.getOperand(), b.f(-104.0f));
    if (!nonPositive)
      x = b.atMost(x, b.bits(0x42b1999a)); // 88.8
    Value k =
        b.floorSmall(b.mulAdd(x, b.bits(0x3fb8aa3b), b.f(0.5f))); // log2(e)
    // k >= -150 already, from x >= -104.
    if (!nonPositive)
      k = b.atMost(k, b.f(127.0f));
    // r = x - k ln2, ln2 = 0.693359375 - 2.12194442e-4 (the first exact
    // in 9 bits, so k times it is too).
    Value rem = b.mulAdd(b.bits(0xbf318000), k, x);
    rem = b.mulAdd(b.bits(0x395e8083), k, rem);
    Value p = b.mulAdd(rem, b.bits(0x39506967), b.bits(0x3ab743ce));
    p = b.mulAdd(p, rem, b.bits(0x3c088908));
    p = b.mulAdd(p, rem, b.bits(0x3d2aa9c1));
    p = b.mulAdd(p, rem, b.bits(0x3e2aaaaa));
    p = b.mulAdd(p, rem, b.f(0.5f));
    p = b.mulAdd(p, b.mul(rem, rem), rem);
    p = b.add(p, b.f(1.0f));
    Value ki = r.create<arith::FPToSIOp>(b.loc, b.intType, k);
    Value tiny = b.cmpi(arith::CmpIPredicate::slt, ki, b.i(-126));
    Value kScaled = r.create<arith::SelectOp>(
        b.loc, tiny, r.create<arith::AddIOp>(b.loc, ki, b.i(64)), ki);
    Value twoK = b.fromBits(r.create<arith::ShLIOp>(
        b.loc, r.create<arith::AddIOp>(b.loc, kScaled, b.i(127)), b.i(23)));
    Value e = b.mul(p, twoK);
    r.replaceOp(op, b.select(tiny, b.mul(e, b.bits(0x1f800000)), e)); // 2^-64
    return success();
  }
};

// log in f32, written as MLIR's own approximation (Cephes' logf: x = m 2^e
// with m in [sqrt(1/2), sqrt(2)), a polynomial in m - 1, plus e ln 2) with
// the same operations, so normal inputs keep their bits, but with subnormal
// inputs: MLIR's reads e from the exponent field after clamping x to the
// smallest normal number, so every subnormal gave log(2^-126). Here a
// subnormal is scaled by 2^24 first (exact) and e lowered by 24 (exact).
struct LogF32 : OpRewritePattern<math::LogOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::LogOp op,
                                PatternRewriter &r) const override {
    if (!isF32(op.getType()))
      return failure();
    F32Builder b(r, op.getLoc(), op.getType());
    Value x = op.getOperand();
    Value minNormal = b.bits(0x00800000);
    Value subnormal = b.cmp(arith::CmpFPredicate::OLT, x, minNormal);
    Value scaled = b.select(subnormal, b.mul(x, b.bits(0x4b800000)), x);
    Value clamped = b.select(
        b.cmp(arith::CmpFPredicate::UGT, scaled, minNormal), scaled, minNormal);
    // m in [1/2, 1) and e, from the bits.
    Value xBits = b.toBits(clamped);
    Value m = b.fromBits(r.create<arith::OrIOp>(
        b.loc,
        r.create<arith::AndIOp>(b.loc, xBits,
                                b.i(static_cast<int32_t>(0x807fffffu))),
        b.i(0x3f000000)));
    Value e =
        b.sub(r.create<arith::SIToFPOp>(
                  b.loc, b.type,
                  r.create<arith::ShRUIOp>(b.loc, b.toBits(clamped), b.i(23))),
              b.f(126.0f));
    e = b.select(subnormal, b.sub(e, b.f(24.0f)), e);
    // m < sqrt(1/2): use 2m and e - 1.
    Value low = b.cmp(arith::CmpFPredicate::OLT, m, b.bits(0x3f3504f3));
    Value addend = b.select(low, m, b.f(0.0f));
    Value mMinus1 = b.sub(m, b.f(1.0f));
    e = b.sub(e, b.select(low, b.f(1.0f), b.f(0.0f)));
    Value t = b.add(mMinus1, addend);
    Value t2 = b.mul(t, t);
    Value t3 = b.mul(t2, t);
    Value y0 = b.mulAdd(b.bits(0x3d9021bb), t, b.bits(0xbdebd1b8));
    Value y1 = b.mulAdd(b.bits(0xbdfe5d4f), t, b.bits(0x3e11e9bf));
    Value y2 = b.mulAdd(b.bits(0x3e4cceac), t, b.bits(0xbe7ffffc));
    y0 = b.mulAdd(y0, t, b.bits(0x3def251a));
    y1 = b.mulAdd(y1, t, b.bits(0xbe2aae50));
    y2 = b.mulAdd(y2, t, b.bits(0x3eaaaaaa));
    y0 = b.mulAdd(y0, t3, y1);
    y0 = b.mulAdd(y0, t3, y2);
    y0 = b.mul(y0, t3);
    y0 = b.mulAdd(b.f(-0.5f), t2, y0);
    Value result = b.mulAdd(e, b.bits(0x3f317218), b.add(t, y0)); // ln 2
    Value inf = b.bits(0x7f800000);
    result = b.select(b.cmp(arith::CmpFPredicate::OEQ, x, inf), inf, result);
    result = b.select(b.cmp(arith::CmpFPredicate::ULT, x, b.f(0.0f)),
                      b.bits(0x7fc00000), result);
    result = b.select(b.cmp(arith::CmpFPredicate::OEQ, x, b.f(0.0f)),
                      b.bits(0xff800000), result);
    r.replaceOp(op, result);
    return success();
  }
};

} // namespace

LogicalResult expandKernelMath(ModuleOp module) {
  RewritePatternSet math(module.getContext());
  populateMathPolynomialApproximationPatterns(math);
  populateExpandPowFPattern(math);
  // floor/ceil would be libm calls on CPUs without SSE4.1.
  populateExpandFloorFPattern(math);
  populateExpandCeilFPattern(math);
  math.add<RemFExpansion, UnfusedFmaExpansion>(module.getContext());
  // Ahead of MLIR's own exp and log (which flush subnormals).
  math.add<ExpF32, LogF32>(module.getContext(), /*benefit=*/2);
  return applyInsideKernels(module, std::move(math));
}

LogicalResult applyInsideKernels(ModuleOp module, RewritePatternSet patterns) {
  FrozenRewritePatternSet frozen(std::move(patterns));
  // Inside kernel bodies only, and without simplifying their structure.
  GreedyRewriteConfig config;
  config.enableRegionSimplification = GreedySimplifyRegionLevel::Disabled;
  for (auto kernel : module.getOps<ttile::KernelOp>())
    if (failed(applyPatternsAndFoldGreedily(kernel, frozen, config)))
      return failure();
  return success();
}

} // namespace tessera
