// tgraph.div on integers and tgraph.rem in a kernel body. Integers: the
// truncated quotient and remainder (arith.divsi, arith.remsi), defined for
// every operand so that no division traps (x86's idiv faults on a zero
// divisor and on INT_MIN / -1, which would kill the host process) and every
// target gives the same bits: x / 0 is 0 and x % 0 is x, so that
// x == (x / y) * y + x % y still holds; x / -1 is -x, wrapping (INT_MIN
// stays INT_MIN), and x % -1 is 0. Floating point: C's fmod, exactly, without
// libm: the divisor's magnitude a is doubled up to the largest a * 2^k not
// above |x|, then halved back to a, subtracting it wherever it fits. Each
// subtraction is exact (r < 2t before it, so t <= r < 2t: Sterbenz), and
// so is each doubling and halving of a multiple of a, so the result is the
// exact remainder, as fmod's is. Lanes loop together until every lane is
// done; a step costs as many rounds as the largest exponent gap between
// |x| and |y| among its lanes (at most 277 for f32, 2098 for f64).
#include "KernelBuilder.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace tessera::tile {

namespace {

// True when any lane of `mask` is.
Value anyLane(OpBuilder &b, Location loc, Value mask) {
  return b.create<vector::ReductionOp>(loc, vector::CombiningKind::OR, mask);
}

// `body` maps the loop's values to the next ones while `cond` holds in some
// lane; returns the values after the loop.
SmallVector<Value> loopWhileAny(
    OpBuilder &b, Location loc, ValueRange init,
    llvm::function_ref<Value(OpBuilder &, ValueRange)> cond,
    llvm::function_ref<SmallVector<Value>(OpBuilder &, ValueRange)> body) {
  auto loop = b.create<scf::WhileOp>(
      loc, init.getTypes(), init,
      [&](OpBuilder &b, Location loc, ValueRange v) {
        b.create<scf::ConditionOp>(loc, anyLane(b, loc, cond(b, v)), v);
      },
      [&](OpBuilder &b, Location loc, ValueRange v) {
        b.create<scf::YieldOp>(loc, body(b, v));
      });
  return loop.getResults();
}

} // namespace

// Whether y is 0, whether it is -1, and y with both read as 1.
static std::tuple<Value, Value, Value> safeDivisor(OpBuilder &b, Location loc,
                                                   Value y) {
  auto vt = cast<VectorType>(y.getType());
  auto splat = [&](int64_t v) -> Value {
    return b.create<arith::ConstantOp>(
        loc,
        DenseElementsAttr::get(vt, b.getIntegerAttr(vt.getElementType(), v)));
  };
  using P = arith::CmpIPredicate;
  Value zero = b.create<arith::CmpIOp>(loc, P::eq, y, splat(0));
  Value minusOne = b.create<arith::CmpIOp>(loc, P::eq, y, splat(-1));
  Value either = b.create<arith::OrIOp>(loc, zero, minusOne);
  return {zero, minusOne, b.create<arith::SelectOp>(loc, either, splat(1), y)};
}

Value emitIntegerQuotient(OpBuilder &b, Location loc, Value x, Value y) {
  auto [zero, minusOne, divisor] = safeDivisor(b, loc, y);
  Value q = b.create<arith::DivSIOp>(loc, x, divisor);
  Value nothing = b.create<arith::ConstantOp>(loc, b.getZeroAttr(x.getType()));
  Value negated = b.create<arith::SubIOp>(loc, nothing, x);
  q = b.create<arith::SelectOp>(loc, minusOne, negated, q);
  return b.create<arith::SelectOp>(loc, zero, nothing, q);
}

Value emitRemainder(OpBuilder &b, Location loc, Value x, Value y) {
  auto vt = cast<VectorType>(x.getType());
  Type elem = vt.getElementType();
  if (!isa<FloatType>(elem)) {
    // x % -1 is 0 already with the divisor read as 1.
    [[maybe_unused]] auto [zero, minusOne, divisor] = safeDivisor(b, loc, y);
    Value r = b.create<arith::RemSIOp>(loc, x, divisor); // 0 for -1
    return b.create<arith::SelectOp>(loc, zero, x, r);
  }
  auto splat = [&](double v) -> Value {
    return b.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(vt, b.getFloatAttr(elem, v)));
  };
  using P = arith::CmpFPredicate;
  auto cmp = [&](OpBuilder &b, P p, Value l, Value r) -> Value {
    return b.create<arith::CmpFOp>(loc, p, l, r);
  };
  auto sel = [&](OpBuilder &b, Value c, Value t, Value f) -> Value {
    return b.create<arith::SelectOp>(loc, c, t, f);
  };
  Value inf = splat(std::numeric_limits<double>::infinity());
  Value ax = b.create<math::AbsFOp>(loc, x),
        ay = b.create<math::AbsFOp>(loc, y);
  // NaN: y = 0, x infinite, either NaN. x itself: y infinite, x finite.
  Value nan = b.create<arith::OrIOp>(
      loc, cmp(b, P::UEQ, ay, splat(0.0)),
      b.create<arith::OrIOp>(loc, cmp(b, P::UEQ, ax, inf),
                             cmp(b, P::UNO, ay, ay)));
  Value keep = cmp(b, P::OEQ, ay, inf);
  // Those lanes run the loops on 0 % 1, which end at once.
  Value special = b.create<arith::OrIOp>(loc, nan, keep);
  Value r0 = sel(b, special, splat(0.0), ax);
  Value a = sel(b, special, splat(1.0), ay);
  Value two = splat(2.0), half = splat(0.5);
  // t = the largest a * 2^k <= r.
  Value t = loopWhileAny(
      b, loc, ValueRange{a},
      [&](OpBuilder &b, ValueRange v) {
        return cmp(b, P::OLE, b.create<arith::MulFOp>(loc, v[0], two), r0);
      },
      [&](OpBuilder &b, ValueRange v) -> SmallVector<Value> {
        Value doubled = b.create<arith::MulFOp>(loc, v[0], two);
        return {sel(b, cmp(b, P::OLE, doubled, r0), doubled, v[0])};
      })[0];
  // Down to a: subtract t wherever it fits.
  Value r = loopWhileAny(
      b, loc, ValueRange{r0, t},
      [&](OpBuilder &b, ValueRange v) { return cmp(b, P::OGE, v[1], a); },
      [&](OpBuilder &b, ValueRange v) -> SmallVector<Value> {
        Value active = cmp(b, P::OGE, v[1], a);
        Value fits =
            b.create<arith::AndIOp>(loc, active, cmp(b, P::OGE, v[0], v[1]));
        Value next =
            sel(b, fits, b.create<arith::SubFOp>(loc, v[0], v[1]), v[0]);
        Value smaller =
            sel(b, active, b.create<arith::MulFOp>(loc, v[1], half), v[1]);
        return {next, smaller};
      })[0];
  Value result = b.create<math::CopySignOp>(loc, r, x);
  result = sel(b, keep, x, result);
  return sel(b, nan, splat(std::numeric_limits<double>::quiet_NaN()), result);
}

} // namespace tessera::tile
