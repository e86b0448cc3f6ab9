// f16 and fp8 to and from f32 as integer operations on their bits
// (NarrowFloatFormat.h). MLIR 19's arith expands bf16 conversions only
// (populateExpandBFloat16Patterns); left to LLVM, the others become
// compiler-runtime calls (__extendhfsf2, __truncsfhf2) on a CPU without
// half-precision instructions, and LLVM has no fp8 type at all. Integer
// operations give the same bits on every target.
//
// To f32, every value is exact: a normal number moves its exponent and
// mantissa, a subnormal is its mantissa (an exact small integer converted
// to f32) scaled by adding to the exponent field, infinities and NaNs keep
// their payload bits (as NumPy's float16 widening does).
//
// From f32, to nearest with ties to even: normal results add just under
// half the dropped bits' unit plus the last kept bit, as bf16's rounding
// does (a carry steps the exponent); subnormal results are the whole
// significand shifted right by the distance to the smallest exponent,
// rounded the same way. Past the largest finite number (after rounding):
// infinity, or NaN for E4M3FN, which has no infinity. Every NaN becomes
// the format's positive quiet NaN, as every NaN becomes bf16's 0x7fc0: an
// f32 NaN's sign and payload differ between targets (x86 makes 0 * inf
// negative, NVPTX positive), the narrow result must not.
#include "NarrowFloatFormat.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace tessera {

bool isNarrowFloat(Type t) {
  Type e = getElementTypeOrSelf(t);
  return e.isBF16() || e.isF16() || e.isFloat8E4M3FN() || e.isFloat8E5M2();
}

std::optional<NarrowFloatFormat> narrowFloatFormatOf(Type t) {
  Type e = getElementTypeOrSelf(t);
  if (e.isF16())
    return NarrowFloatFormat{16, 10, 15, true, 0x7bff, 0x7e00};
  if (e.isFloat8E5M2())
    return NarrowFloatFormat{8, 2, 15, true, 0x7b, 0x7e};
  if (e.isFloat8E4M3FN())
    return NarrowFloatFormat{8, 3, 7, false, 0x7e, 0x7f};
  return std::nullopt;
}

namespace {

// `t` (a scalar or a vector type) with element type `elem`.
Type withElement(Type t, Type elem) {
  if (auto vt = dyn_cast<VectorType>(t))
    return VectorType::get(vt.getShape(), elem);
  return elem;
}

// i32 arithmetic on values shaped like the converted one.
struct Lanes {
  PatternRewriter &r;
  Location loc;
  Type i32;

  Value c(int64_t v) {
    TypedAttr a = r.getI32IntegerAttr(static_cast<int32_t>(v));
    if (auto vt = dyn_cast<VectorType>(i32))
      return r.create<arith::ConstantOp>(loc, DenseElementsAttr::get(vt, a));
    return r.create<arith::ConstantOp>(loc, a);
  }
  Value add(Value a, Value b) { return r.create<arith::AddIOp>(loc, a, b); }
  Value sub(Value a, Value b) { return r.create<arith::SubIOp>(loc, a, b); }
  Value band(Value a, Value b) { return r.create<arith::AndIOp>(loc, a, b); }
  Value bor(Value a, Value b) { return r.create<arith::OrIOp>(loc, a, b); }
  Value shl(Value a, Value b) { return r.create<arith::ShLIOp>(loc, a, b); }
  Value shr(Value a, Value b) { return r.create<arith::ShRUIOp>(loc, a, b); }
  Value minu(Value a, Value b) { return r.create<arith::MinUIOp>(loc, a, b); }
  Value maxu(Value a, Value b) { return r.create<arith::MaxUIOp>(loc, a, b); }
  Value cmp(arith::CmpIPredicate p, Value a, Value b) {
    return r.create<arith::CmpIOp>(loc, p, a, b);
  }
  Value eq(Value a, Value b) { return cmp(arith::CmpIPredicate::eq, a, b); }
  Value ugt(Value a, Value b) { return cmp(arith::CmpIPredicate::ugt, a, b); }
  Value uge(Value a, Value b) { return cmp(arith::CmpIPredicate::uge, a, b); }
  Value select(Value c, Value t, Value f) {
    return r.create<arith::SelectOp>(loc, c, t, f);
  }
  // `x` shifted right by `s` (1 to 31), rounded to nearest even: adding just
  // under half the unit of the kept bits, plus the last kept bit, carries
  // into the kept bits exactly when the dropped ones are more than half, or
  // half with an odd last bit. `x` must stay below 2^31 with that added.
  Value shiftRounded(Value x, Value s) {
    Value lastKept = band(shr(x, s), c(1));
    Value halfLess = sub(shl(c(1), sub(s, c(1))), c(1));
    return shr(add(x, add(halfLess, lastKept)), s);
  }
};

// extf from f16 or fp8 to f32, exactly.
struct ExtendNarrowFloat : OpRewritePattern<arith::ExtFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::ExtFOp op,
                                PatternRewriter &r) const override {
    Type in = op.getIn().getType();
    std::optional<NarrowFloatFormat> f = narrowFloatFormatOf(in);
    if (!f || !getElementTypeOrSelf(op.getType()).isF32())
      return failure();
    Location loc = op.getLoc();
    Lanes l{r, loc, withElement(in, r.getI32Type())};
    Value raw = r.create<arith::BitcastOp>(
        loc, withElement(in, r.getIntegerType(f->width)), op.getIn());
    Value x = r.create<arith::ExtUIOp>(loc, l.i32, raw);
    Value sign = l.shl(l.band(x, l.c(f->signBit())), l.c(32 - f->width));
    Value mag = l.band(x, l.c(f->signBit() - 1));
    Value exponent = l.shr(mag, l.c(f->mantissa));
    Value mantissa = l.band(mag, l.c((1 << f->mantissa) - 1));
    // Normal: the fields moved into place, the bias changed to f32's.
    Value normal = l.add(l.shl(mag, l.c(23 - f->mantissa)),
                         l.c(int64_t(127 - f->bias) << 23));
    // Subnormal: mantissa * 2^(1 - bias - mantissa bits); the integer is
    // exact in f32, and the scaling only lowers its (normal) exponent.
    Value count = r.create<arith::SIToFPOp>(
        loc, withElement(in, r.getF32Type()), mantissa);
    Value subnormal =
        l.add(r.create<arith::BitcastOp>(loc, l.i32, count),
              l.c(int64_t(1 - f->bias - int(f->mantissa)) * (1 << 23)));
    Value zero = l.c(0);
    Value finite = l.select(l.eq(exponent, zero),
                            l.select(l.eq(mag, zero), zero, subnormal), normal);
    Value special, isSpecial;
    if (f->hasInfinity) {
      int64_t allOnes = (f->signBit() - 1) >> f->mantissa;
      isSpecial = l.eq(exponent, l.c(allOnes));
      special = l.bor(l.c(0x7f800000), l.shl(mantissa, l.c(23 - f->mantissa)));
    } else {
      isSpecial = l.eq(mag, l.c(f->quietNaN));
      special = l.c(0x7fc00000);
    }
    Value bits = l.bor(sign, l.select(isSpecial, special, finite));
    r.replaceOpWithNewOp<arith::BitcastOp>(op, op.getType(), bits);
    return success();
  }
};

// truncf from f32 to f16 or fp8, to nearest even.
struct TruncateToNarrowFloat : OpRewritePattern<arith::TruncFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::TruncFOp op,
                                PatternRewriter &r) const override {
    std::optional<NarrowFloatFormat> f = narrowFloatFormatOf(op.getType());
    Type in = op.getIn().getType();
    if (!f || !getElementTypeOrSelf(in).isF32())
      return failure();
    Location loc = op.getLoc();
    Lanes l{r, loc, withElement(in, r.getI32Type())};
    int m = static_cast<int>(f->mantissa);
    Value u = r.create<arith::BitcastOp>(loc, l.i32, op.getIn());
    Value sign = l.band(l.shr(u, l.c(32 - f->width)), l.c(f->signBit()));
    Value a = l.band(u, l.c(0x7fffffff));
    Value isNaN = l.ugt(a, l.c(0x7f800000));

    // Normal results: f32's bias replaced by the format's, the mantissa
    // rounded to its width (a carry steps the exponent, up to overflow).
    Value rebiased = l.sub(a, l.c(int64_t(127 - f->bias) << 23));
    Value rounded = l.shiftRounded(rebiased, l.c(23 - m));
    Value normal = l.select(l.ugt(rounded, l.c(f->largestFinite)),
                            l.c(f->overflow()), rounded);

    // Subnormal results: the significand (with its leading one, if f32's
    // number is normal) over the smallest step 2^(1 - bias - m), i.e.
    // shifted right by (151 - bias - m) - its exponent field (at least
    // 24 - m here; 31 keeps the shift defined and rounds to zero, and lanes
    // that take the normal result are kept within 1 to 31 too). A count
    // that rounds up to 2^m is the smallest normal number's bits.
    Value field = l.shr(a, l.c(23));
    Value significand = l.select(l.eq(field, l.c(0)), a,
                                 l.bor(l.band(a, l.c(0x7fffff)), l.c(1 << 23)));
    Value distance = l.maxu(
        l.minu(l.sub(l.c(151 - f->bias - m), l.maxu(field, l.c(1))), l.c(31)),
        l.c(1));
    Value subnormal = l.shiftRounded(significand, distance);

    Value smallestNormal = l.c(int64_t(128 - f->bias) << 23);
    Value magnitude = l.select(l.uge(a, smallestNormal), normal, subnormal);
    Value bits = l.select(isNaN, l.c(f->quietNaN), l.bor(sign, magnitude));
    Type narrowInt = withElement(in, r.getIntegerType(f->width));
    r.replaceOpWithNewOp<arith::BitcastOp>(
        op, op.getType(), r.create<arith::TruncIOp>(loc, narrowInt, bits));
    return success();
  }
};

} // namespace

void populateExpandNarrowFloatPatterns(RewritePatternSet &patterns) {
  patterns.add<ExtendNarrowFloat, TruncateToNarrowFloat>(patterns.getContext());
}

} // namespace tessera
