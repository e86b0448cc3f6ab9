// Derivative rules of the elementwise operators: arithmetic, unary math,
// selection and casts. A rank-0 operand of a binary op is broadcast, so its
// cotangent is the sum of the result's.
#include "tessera/Dialect/TGraph/Derivatives.h"

#include <cmath>

using namespace mlir;

namespace tessera::tgraph {
namespace {

// A tangent of a rank-0 operand, made the result's shape.
Value toResult(RuleBuilder &rb, Value t, Value result) {
  return t ? rb.broadcastLike(t, result) : t;
}

LogicalResult binaryVJP(Operation *op, OpBuilder &b, Value dy,
                        SmallVectorImpl<Value> &dxs,
                        llvm::function_ref<Value(RuleBuilder &)> dl,
                        llvm::function_ref<Value(RuleBuilder &)> dr) {
  RuleBuilder rb(b, op->getLoc());
  Value l = op->getOperand(0), r = op->getOperand(1);
  (void)dy;
  dxs.push_back(rb.sumLike(dl(rb), l));
  dxs.push_back(rb.sumLike(dr(rb), r));
  return success();
}

// d(lhs op rhs) = dl * lhs' + dr * rhs' (a null tangent is zero).
Value linearCombination(RuleBuilder &rb, Value result, Value dl, Value tl,
                        Value dr, Value tr) {
  Value a = tl ? toResult(rb, dl ? rb.mul(tl, dl) : tl, result) : Value();
  Value c = tr ? toResult(rb, dr ? rb.mul(tr, dr) : tr, result) : Value();
  return rb.add(a, c);
}

} // namespace

//===--- Arithmetic
//--------------------------------------------------------===//

LogicalResult AddOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                              SmallVectorImpl<Value> &dxs) {
  return binaryVJP(
      *this, b, dys[0], dxs, [&](RuleBuilder &) { return dys[0]; },
      [&](RuleBuilder &) { return dys[0]; });
}
LogicalResult AddOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                              SmallVectorImpl<Value> &dys) {
  RuleBuilder rb(b, getLoc());
  dys.push_back(linearCombination(rb, getResult(), {}, dxs[0], {}, dxs[1]));
  return success();
}

LogicalResult SubOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                              SmallVectorImpl<Value> &dxs) {
  return binaryVJP(
      *this, b, dys[0], dxs, [&](RuleBuilder &) { return dys[0]; },
      [&](RuleBuilder &rb) { return rb.neg(dys[0]); });
}
LogicalResult SubOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                              SmallVectorImpl<Value> &dys) {
  RuleBuilder rb(b, getLoc());
  Value l = toResult(rb, dxs[0], getResult());
  Value r = toResult(rb, dxs[1], getResult());
  dys.push_back(rb.sub(l, r));
  return success();
}

LogicalResult MulOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                              SmallVectorImpl<Value> &dxs) {
  return binaryVJP(
      *this, b, dys[0], dxs,
      [&](RuleBuilder &rb) { return rb.mul(dys[0], getRhs()); },
      [&](RuleBuilder &rb) { return rb.mul(dys[0], getLhs()); });
}
LogicalResult MulOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                              SmallVectorImpl<Value> &dys) {
  RuleBuilder rb(b, getLoc());
  dys.push_back(
      linearCombination(rb, getResult(), getRhs(), dxs[0], getLhs(), dxs[1]));
  return success();
}

// y = l / r: dl = 1 / r, dr = -y / r.
LogicalResult DivOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                              SmallVectorImpl<Value> &dxs) {
  return binaryVJP(
      *this, b, dys[0], dxs,
      [&](RuleBuilder &rb) { return rb.div(dys[0], getRhs()); },
      [&](RuleBuilder &rb) {
        return rb.neg(rb.div(rb.mul(dys[0], getResult()), getRhs()));
      });
}
LogicalResult DivOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                              SmallVectorImpl<Value> &dys) {
  RuleBuilder rb(b, getLoc());
  Value l =
      dxs[0] ? toResult(rb, rb.div(dxs[0], getRhs()), getResult()) : Value();
  Value r = dxs[1] ? toResult(rb, rb.div(rb.mul(dxs[1], getResult()), getRhs()),
                              getResult())
                   : Value();
  dys.push_back(rb.sub(l, r));
  return success();
}

// y = l % r = l - q * r with q = trunc(l / r), constant between the jumps:
// dl = 1, dr = -q, where q = (l - y) / r (exact up to one rounding).
static Value remQuotient(RuleBuilder &rb, RemOp op) {
  return rb.div(rb.sub(op.getLhs(), op.getResult()), op.getRhs());
}
LogicalResult RemOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                              SmallVectorImpl<Value> &dxs) {
  return binaryVJP(
      *this, b, dys[0], dxs, [&](RuleBuilder &) { return dys[0]; },
      [&](RuleBuilder &rb) {
        return rb.neg(rb.mul(dys[0], remQuotient(rb, *this)));
      });
}
LogicalResult RemOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                              SmallVectorImpl<Value> &dys) {
  RuleBuilder rb(b, getLoc());
  Value l = toResult(rb, dxs[0], getResult());
  Value r =
      dxs[1] ? toResult(rb, rb.mul(dxs[1], remQuotient(rb, *this)), getResult())
             : Value();
  dys.push_back(rb.sub(l, r));
  return success();
}

// y = l ** r: dl = r * l ** (r - 1), dr = y * log(l).
static Value powBase(RuleBuilder &rb, PowOp op) {
  Value one = rb.scalarLike(op.getRhs(), 1.0);
  Value rm1 = rb.sub(op.getRhs(), one);
  return rb.mul(op.getRhs(),
                rb.builder().create<PowOp>(rb.location(), op.getLhs(), rm1));
}
static Value powExponent(RuleBuilder &rb, PowOp op) {
  Value log = rb.builder().create<LogOp>(rb.location(), op.getLhs());
  return rb.mul(op.getResult(), log);
}
LogicalResult PowOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                              SmallVectorImpl<Value> &dxs) {
  return binaryVJP(
      *this, b, dys[0], dxs,
      [&](RuleBuilder &rb) { return rb.mul(dys[0], powBase(rb, *this)); },
      [&](RuleBuilder &rb) { return rb.mul(dys[0], powExponent(rb, *this)); });
}
LogicalResult PowOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                              SmallVectorImpl<Value> &dys) {
  RuleBuilder rb(b, getLoc());
  Value dl = dxs[0] ? powBase(rb, *this) : Value();
  Value dr = dxs[1] ? powExponent(rb, *this) : Value();
  dys.push_back(linearCombination(rb, getResult(), dl, dxs[0], dr, dxs[1]));
  return success();
}

// max and min pass the cotangent to the operand they chose (lhs on ties).
template <typename Op>
static LogicalResult extremumVJP(Op op, OpBuilder &b, Value dy,
                                 SmallVectorImpl<Value> &dxs,
                                 ComparePredicate lhsWins) {
  RuleBuilder rb(b, op.getLoc());
  Value pick = rb.compare(lhsWins, op.getLhs(), op.getRhs());
  Value zero = rb.scalarLike(dy, 0.0);
  dxs.push_back(rb.sumLike(rb.select(pick, dy, zero), op.getLhs()));
  dxs.push_back(rb.sumLike(rb.select(pick, zero, dy), op.getRhs()));
  return success();
}
template <typename Op>
static LogicalResult extremumJVP(Op op, OpBuilder &b, ArrayRef<Value> dxs,
                                 SmallVectorImpl<Value> &dys,
                                 ComparePredicate lhsWins) {
  RuleBuilder rb(b, op.getLoc());
  Value pick = rb.compare(lhsWins, op.getLhs(), op.getRhs());
  Value l = dxs[0] ? dxs[0] : rb.scalarLike(op.getResult(), 0.0);
  Value r = dxs[1] ? dxs[1] : rb.scalarLike(op.getResult(), 0.0);
  dys.push_back(toResult(rb, rb.select(pick, l, r), op.getResult()));
  return success();
}
LogicalResult MaxOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                              SmallVectorImpl<Value> &dxs) {
  return extremumVJP(*this, b, dys[0], dxs, ComparePredicate::ge);
}
LogicalResult MaxOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                              SmallVectorImpl<Value> &dys) {
  return extremumJVP(*this, b, dxs, dys, ComparePredicate::ge);
}
LogicalResult MinOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                              SmallVectorImpl<Value> &dxs) {
  return extremumVJP(*this, b, dys[0], dxs, ComparePredicate::le);
}
LogicalResult MinOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                              SmallVectorImpl<Value> &dys) {
  return extremumJVP(*this, b, dxs, dys, ComparePredicate::le);
}

LogicalResult NegOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                              SmallVectorImpl<Value> &dxs) {
  dxs.push_back(RuleBuilder(b, getLoc()).neg(dys[0]));
  return success();
}
LogicalResult NegOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                              SmallVectorImpl<Value> &dys) {
  dys.push_back(RuleBuilder(b, getLoc()).neg(dxs[0]));
  return success();
}

//===--- Unary math: y = f(x), dx = f'(x) * dy ----------------------------===//

namespace {
// Each unary op states f'(x) in terms of x and y.
template <typename Op>
LogicalResult unaryVJP(Op op, OpBuilder &b, Value dy,
                       SmallVectorImpl<Value> &dxs,
                       llvm::function_ref<Value(RuleBuilder &)> derivative) {
  RuleBuilder rb(b, op.getLoc());
  dxs.push_back(rb.mul(dy, derivative(rb)));
  return success();
}
template <typename Op>
LogicalResult unaryJVP(Op op, OpBuilder &b, Value dx,
                       SmallVectorImpl<Value> &dys,
                       llvm::function_ref<Value(RuleBuilder &)> derivative) {
  RuleBuilder rb(b, op.getLoc());
  dys.push_back(rb.mul(dx, derivative(rb)));
  return success();
}
} // namespace

#define TESSERA_UNARY_RULE(OP, DERIVATIVE)                                     \
  LogicalResult OP::buildVJP(OpBuilder &b, ArrayRef<Value> dys,                \
                             SmallVectorImpl<Value> &dxs) {                    \
    Value x = getOperand(), y = getResult();                                   \
    (void)x;                                                                   \
    (void)y;                                                                   \
    return unaryVJP(*this, b, dys[0], dxs,                                     \
                    [&](RuleBuilder &rb) -> Value { DERIVATIVE });             \
  }                                                                            \
  LogicalResult OP::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,                \
                             SmallVectorImpl<Value> &dys) {                    \
    Value x = getOperand(), y = getResult();                                   \
    (void)x;                                                                   \
    (void)y;                                                                   \
    return unaryJVP(*this, b, dxs[0], dys,                                     \
                    [&](RuleBuilder &rb) -> Value { DERIVATIVE });             \
  }

// exp' = exp
TESSERA_UNARY_RULE(ExpOp, return y;)
// log' = 1 / x
TESSERA_UNARY_RULE(LogOp, return rb.div(rb.scalarLike(x, 1.0), x);)
// log1p' = 1 / (1 + x)
TESSERA_UNARY_RULE(Log1pOp, return rb.div(rb.scalarLike(x, 1.0),
                                          rb.add(x, rb.scalarLike(x, 1.0)));)
// sqrt' = 0.5 / y
TESSERA_UNARY_RULE(SqrtOp, return rb.div(rb.scalarLike(x, 0.5), y);)
// rsqrt' = -0.5 * y / x
TESSERA_UNARY_RULE(RsqrtOp,
                   return rb.div(rb.mul(rb.scalarLike(x, -0.5), y), x);)
// sin' = cos
TESSERA_UNARY_RULE(SinOp, return rb.builder().create<CosOp>(getLoc(), x);)
// cos' = -sin
TESSERA_UNARY_RULE(CosOp,
                   return rb.neg(rb.builder().create<SinOp>(getLoc(), x));)
// tanh' = 1 - y^2
TESSERA_UNARY_RULE(TanhOp, return rb.sub(rb.scalarLike(x, 1.0), rb.mul(y, y));)
// sigmoid' = y (1 - y)
TESSERA_UNARY_RULE(SigmoidOp,
                   return rb.mul(y, rb.sub(rb.scalarLike(x, 1.0), y));)
// silu = x s(x): silu' = s (1 + x (1 - s))
TESSERA_UNARY_RULE(SiluOp, {
  Value s = rb.builder().create<SigmoidOp>(getLoc(), x);
  Value one = rb.scalarLike(x, 1.0);
  return rb.mul(s, rb.add(one, rb.mul(x, rb.sub(one, s))));
})
// gelu = x Phi(x): gelu' = Phi(x) + x phi(x), with Phi(x) = gelu(x) / x
// (1/2 at 0) and phi(x) = exp(-x^2 / 2) / sqrt(2 pi).
TESSERA_UNARY_RULE(GeluOp, {
  Value zero = rb.scalarLike(x, 0.0);
  Value atZero = rb.compare(ComparePredicate::eq, x, zero);
  Value safeX = rb.select(atZero, rb.scalarLike(x, 1.0), x);
  Value cdf = rb.select(atZero, rb.scalarLike(x, 0.5), rb.div(y, safeX));
  Value e = rb.builder().create<ExpOp>(
      getLoc(), rb.mul(rb.mul(x, x), rb.scalarLike(x, -0.5)));
  Value pdf = rb.mul(e, rb.scalarLike(x, 1.0 / std::sqrt(2.0 * M_PI)));
  return rb.add(cdf, rb.mul(x, pdf));
})
// abs' = sign(x) (1 at 0)
TESSERA_UNARY_RULE(AbsOp, {
  Value pos = rb.compare(ComparePredicate::ge, x, rb.scalarLike(x, 0.0));
  return rb.select(pos, rb.scalarLike(x, 1.0), rb.scalarLike(x, -1.0));
})
// relu' = [x > 0]
TESSERA_UNARY_RULE(ReluOp, {
  Value pos = rb.compare(ComparePredicate::gt, x, rb.scalarLike(x, 0.0));
  return rb.select(pos, rb.scalarLike(x, 1.0), rb.scalarLike(x, 0.0));
})
// square' = 2 x
TESSERA_UNARY_RULE(SquareOp, return rb.mul(x, rb.scalarLike(x, 2.0));)

#undef TESSERA_UNARY_RULE

//===--- Selection and casts
//-----------------------------------------------===//

LogicalResult SelectOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                 SmallVectorImpl<Value> &dxs) {
  RuleBuilder rb(b, getLoc());
  Value zero = rb.scalarLike(dys[0], 0.0);
  dxs.push_back({}); // the condition
  dxs.push_back(rb.sumLike(rb.select(getCond(), dys[0], zero), getTrueValue()));
  dxs.push_back(
      rb.sumLike(rb.select(getCond(), zero, dys[0]), getFalseValue()));
  return success();
}
LogicalResult SelectOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                                 SmallVectorImpl<Value> &dys) {
  RuleBuilder rb(b, getLoc());
  if (!dxs[1] && !dxs[2]) {
    dys.push_back({});
    return success();
  }
  Value t = dxs[1] ? dxs[1] : rb.scalarLike(getResult(), 0.0);
  Value f = dxs[2] ? dxs[2] : rb.scalarLike(getResult(), 0.0);
  dys.push_back(toResult(rb, rb.select(getCond(), t, f), getResult()));
  return success();
}

// A cast between floating-point types passes derivatives through, cast
// back; casts from or to integers have none.
static bool floatCast(CastOp op) {
  return isDifferentiableType(op.getOperand().getType()) &&
         isDifferentiableType(op.getType());
}
LogicalResult CastOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                               SmallVectorImpl<Value> &dxs) {
  dxs.push_back(floatCast(*this)
                    ? b.create<CastOp>(getLoc(), dys[0],
                                       getOperand().getType().getElementType())
                          .getResult()
                    : Value());
  return success();
}
LogicalResult CastOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                               SmallVectorImpl<Value> &dys) {
  dys.push_back(floatCast(*this) ? b.create<CastOp>(getLoc(), dxs[0],
                                                    getType().getElementType())
                                       .getResult()
                                 : Value());
  return success();
}

//===--- Complex parts (linear over the reals) ---------------------------===//
// Under the real inner product Re<a, b> of the cotangents: conj's adjoint is
// conj; imag's sends a real cotangent g to i g; complex(re, im)'s gives the
// cotangent's real part to re and its imaginary part to im (summed down to
// a rank-0 part).

LogicalResult ConjOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                               SmallVectorImpl<Value> &dxs) {
  dxs.push_back(b.create<ConjOp>(getLoc(), dys[0]));
  return success();
}
LogicalResult ConjOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                               SmallVectorImpl<Value> &dys) {
  dys.push_back(b.create<ConjOp>(getLoc(), dxs[0]));
  return success();
}

LogicalResult ImagOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                               SmallVectorImpl<Value> &dxs) {
  RuleBuilder rb(b, getLoc());
  Value zero = rb.scalar(b.getF32Type(), 0.0);
  dxs.push_back(
      b.create<ComplexOp>(getLoc(), getOperand().getType(), zero, dys[0]));
  return success();
}
LogicalResult ImagOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                               SmallVectorImpl<Value> &dys) {
  dys.push_back(b.create<ImagOp>(getLoc(), getType(), dxs[0]));
  return success();
}

LogicalResult ComplexOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                  SmallVectorImpl<Value> &dxs) {
  RuleBuilder rb(b, getLoc());
  auto partType = RankedTensorType::get(getType().getShape(), b.getF32Type());
  Value re = b.create<CastOp>(getLoc(), dys[0], b.getF32Type());
  Value im = b.create<ImagOp>(getLoc(), partType, dys[0]);
  dxs.push_back(rb.sumLike(re, getRe()));
  dxs.push_back(rb.sumLike(im, getIm()));
  return success();
}
LogicalResult ComplexOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                                  SmallVectorImpl<Value> &dys) {
  RuleBuilder rb(b, getLoc());
  // A part without a tangent contributes zero.
  Value zero = rb.scalar(b.getF32Type(), 0.0);
  dys.push_back(b.create<ComplexOp>(getLoc(), getType(), dxs[0] ? dxs[0] : zero,
                                    dxs[1] ? dxs[1] : zero));
  return success();
}

} // namespace tessera::tgraph
