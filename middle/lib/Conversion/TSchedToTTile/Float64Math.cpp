// log and cos in f64 for the Box-Muller transform of random_normal
// (RandomKernel.cpp), written out as arithmetic so that every target runs
// the same operations and gets the same bits: MLIR's polynomial
// approximations are f32 only, and a libm call would differ by target.
//
// log(x), x a positive normal number: x = 2^e m with m in [sqrt(1/2),
// sqrt(2)), log m = 2 atanh(s) for s = (m - 1) / (m + 1), |s| < 0.1716, by
// its series to s^21 (the next term is below 2^-55 of the sum), then
// e ln 2 + log m with ln 2 in two parts (Cody and Waite), so that e ln 2
// adds no rounding of its own. A few ulps.
//
// cos(t), 0 <= t < 2 pi: t = k pi/2 + r with k = round(t / (pi/2)) and
// |r| <= pi/4, r computed with pi/2 in two parts; then cos or sin of r
// (fdlibm's kernel polynomials) with the quadrant's sign. A few ulps.
#include "KernelBuilder.h"

using namespace mlir;

namespace tessera::tile {

namespace {

struct F64 {
  OpBuilder &b;
  Location loc;
  VectorType vt, it;

  Value c(double v) {
    return b.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(vt, b.getF64FloatAttr(v)));
  }
  Value i(int64_t v) {
    return b.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(it, b.getI64IntegerAttr(v)));
  }
  Value add(Value x, Value y) { return b.create<arith::AddFOp>(loc, x, y); }
  Value sub(Value x, Value y) { return b.create<arith::SubFOp>(loc, x, y); }
  Value mul(Value x, Value y) { return b.create<arith::MulFOp>(loc, x, y); }
  Value div(Value x, Value y) { return b.create<arith::DivFOp>(loc, x, y); }
  // c[0] + z (c[1] + z (c[2] + ...)), Horner's rule.
  Value poly(Value z, ArrayRef<double> coeffs) {
    Value acc = c(coeffs.back());
    for (double k : llvm::reverse(coeffs.drop_back()))
      acc = add(c(k), mul(z, acc));
    return acc;
  }
};

} // namespace

Value log64(OpBuilder &b, Location loc, Value x) {
  auto vt = cast<VectorType>(x.getType());
  F64 f{b, loc, vt, VectorType::get(vt.getShape(), b.getI64Type())};
  // x = 2^e m, m in [1, 2), from the bits.
  Value bits = b.create<arith::BitcastOp>(loc, f.it, x);
  Value biased = b.create<arith::ShRUIOp>(loc, bits, f.i(52));
  Value e = b.create<arith::SubIOp>(loc, biased, f.i(1023));
  Value fraction = b.create<arith::OrIOp>(
      loc, b.create<arith::AndIOp>(loc, bits, f.i((int64_t(1) << 52) - 1)),
      f.i(int64_t(1023) << 52));
  Value m = b.create<arith::BitcastOp>(loc, vt, fraction);
  // m in [sqrt(1/2), sqrt(2)): halved (exactly) above sqrt(2).
  Value high = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT, m,
                                       f.c(1.4142135623730951));
  m = b.create<arith::SelectOp>(loc, high, f.mul(m, f.c(0.5)), m);
  e = b.create<arith::SelectOp>(loc, high,
                                b.create<arith::AddIOp>(loc, e, f.i(1)), e);
  Value s = f.div(f.sub(m, f.c(1.0)), f.add(m, f.c(1.0)));
  Value z = f.mul(s, s);
  // 2 atanh(s) = 2 s (1 + z/3 + z^2/5 + ... + z^10/21).
  SmallVector<double> series;
  for (int k = 0; k <= 10; ++k)
    series.push_back(1.0 / (2 * k + 1));
  Value logM = f.mul(f.mul(f.c(2.0), s), f.poly(z, series));
  Value ef = b.create<arith::SIToFPOp>(loc, vt, e);
  // ln 2 = ln2Hi + ln2Lo, ln2Hi with its low 32 bits zero: e ln2Hi exact.
  constexpr double ln2Hi = 6.93147180369123816490e-01;
  constexpr double ln2Lo = 1.90821492927058770002e-10;
  return f.add(f.mul(ef, f.c(ln2Hi)), f.add(f.mul(ef, f.c(ln2Lo)), logM));
}

Value cos64(OpBuilder &b, Location loc, Value t) {
  auto vt = cast<VectorType>(t.getType());
  F64 f{b, loc, vt, VectorType::get(vt.getShape(), b.getI64Type())};
  // k = round(t / (pi/2)), t - k pi/2 with pi/2 = pio2Hi + pio2Lo.
  constexpr double twoOverPi = 6.36619772367581382433e-01;
  constexpr double pio2Hi = 1.57079632673412561417e+00;
  constexpr double pio2Lo = 6.07710050650619224932e-11;
  // Rounded to the nearest integer (ties to even) by adding and taking
  // away 1.5 * 2^52: no rounding instruction, which SSE2 lacks.
  constexpr double roundingShift = 6755399441055744.0;
  Value kf = f.sub(f.add(f.mul(t, f.c(twoOverPi)), f.c(roundingShift)),
                   f.c(roundingShift));
  Value r = f.sub(f.sub(t, f.mul(kf, f.c(pio2Hi))), f.mul(kf, f.c(pio2Lo)));
  Value z = f.mul(r, r);
  // fdlibm's __kernel_sin and __kernel_cos on |r| <= pi/4.
  Value sinR = f.add(
      r,
      f.mul(f.mul(z, r),
            f.poly(z,
                   {-1.66666666666666324348e-01, 8.33333333332248946124e-03,
                    -1.98412698298579493134e-04, 2.75573137070700676789e-06,
                    -2.50507602534068634195e-08, 1.58969099521155010221e-10})));
  Value cosR = f.add(
      f.sub(f.c(1.0), f.mul(f.c(0.5), z)),
      f.mul(f.mul(z, z),
            f.poly(z,
                   {4.16666666666666019037e-02, -1.38888888888741095749e-03,
                    2.48015872894767294178e-05, -2.75573143513906633035e-07,
                    2.08757232129817482790e-09, -1.13596475577881948265e-11})));
  // The quadrant k mod 4: cos r, -sin r, -cos r, sin r.
  Value k = b.create<arith::FPToSIOp>(loc, f.it, kf);
  Value q = b.create<arith::AndIOp>(loc, k, f.i(3));
  Value odd =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne,
                              b.create<arith::AndIOp>(loc, q, f.i(1)), f.i(0));
  // q = 1 or 2: the value negated (q xor (q >> 1) has its low bit set).
  Value negative = b.create<arith::CmpIOp>(
      loc, arith::CmpIPredicate::ne,
      b.create<arith::AndIOp>(
          loc,
          b.create<arith::XOrIOp>(loc, q,
                                  b.create<arith::ShRUIOp>(loc, q, f.i(1))),
          f.i(1)),
      f.i(0));
  Value v = b.create<arith::SelectOp>(loc, odd, sinR, cosR);
  return b.create<arith::SelectOp>(loc, negative,
                                   b.create<arith::NegFOp>(loc, v), v);
}

} // namespace tessera::tile
