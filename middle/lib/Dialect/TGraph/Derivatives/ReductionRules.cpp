// Derivative rules of the reductions. The cotangent of a reduction goes
// back to every element it reduced: broadcast over the reduced axes (kept
// as 1 first), weighted by how each element entered the result.
#include "tessera/Dialect/TGraph/Derivatives.h"

using namespace mlir;

namespace tessera::tgraph {

namespace {
// `v` (a result or cotangent of the reduction) broadcast back to the
// operand's shape.
template <typename Op> Value expand(RuleBuilder &rb, Op op, Value v) {
  Value kept =
      op.getKeepdims() ? v : rb.keepDims(v, op.getOperand(), op.getAxes());
  return rb.broadcastLike(kept, op.getOperand());
}

// The mask of the elements equal to the extremum (every tied element).
template <typename Op> Value argMask(RuleBuilder &rb, Op op) {
  return rb.compare(ComparePredicate::eq, op.getOperand(),
                    expand(rb, op, op.getResult()));
}

template <typename Op> Value reduceLike(RuleBuilder &rb, Op op, Value x) {
  return rb.builder().create<Op>(rb.location(), x, op.getAxes(),
                                 op.getKeepdims(), op.getStable());
}
} // namespace

LogicalResult ReduceSumOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                    SmallVectorImpl<Value> &dxs) {
  RuleBuilder rb(b, getLoc());
  dxs.push_back(expand(rb, *this, dys[0]));
  return success();
}
LogicalResult ReduceSumOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                                    SmallVectorImpl<Value> &dys) {
  RuleBuilder rb(b, getLoc());
  dys.push_back(reduceLike(rb, *this, dxs[0]));
  return success();
}

LogicalResult ReduceMeanOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                     SmallVectorImpl<Value> &dxs) {
  RuleBuilder rb(b, getLoc());
  Value n = rb.count(getOperand(), getAxes());
  dxs.push_back(rb.div(expand(rb, *this, dys[0]), n));
  return success();
}
LogicalResult ReduceMeanOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                                     SmallVectorImpl<Value> &dys) {
  RuleBuilder rb(b, getLoc());
  dys.push_back(reduceLike(rb, *this, dxs[0]));
  return success();
}

// max and min: the cotangent goes to every element equal to the result (a
// subgradient where elements tie).
template <typename Op>
static LogicalResult extremumVJP(Op op, OpBuilder &b, Value dy,
                                 SmallVectorImpl<Value> &dxs) {
  RuleBuilder rb(b, op.getLoc());
  Value mask = argMask(rb, op);
  dxs.push_back(
      rb.select(mask, expand(rb, op, dy), rb.scalarLike(op.getOperand(), 0.0)));
  return success();
}
template <typename Op>
static LogicalResult extremumJVP(Op op, OpBuilder &b, Value dx,
                                 SmallVectorImpl<Value> &dys) {
  RuleBuilder rb(b, op.getLoc());
  Value picked =
      rb.select(argMask(rb, op), dx, rb.scalarLike(op.getOperand(), 0.0));
  dys.push_back(rb.builder().create<ReduceSumOp>(
      op.getLoc(), picked, op.getAxes(), op.getKeepdims(), op.getStable()));
  return success();
}
LogicalResult ReduceMaxOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                    SmallVectorImpl<Value> &dxs) {
  return extremumVJP(*this, b, dys[0], dxs);
}
LogicalResult ReduceMaxOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                                    SmallVectorImpl<Value> &dys) {
  return extremumJVP(*this, b, dxs[0], dys);
}
LogicalResult ReduceMinOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                    SmallVectorImpl<Value> &dxs) {
  return extremumVJP(*this, b, dys[0], dxs);
}
LogicalResult ReduceMinOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                                    SmallVectorImpl<Value> &dys) {
  return extremumJVP(*this, b, dxs[0], dys);
}

// prod: d prod / d x_i = prod / x_i (the operand must be nonzero).
LogicalResult ReduceProdOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                     SmallVectorImpl<Value> &dxs) {
  RuleBuilder rb(b, getLoc());
  Value weights = rb.div(expand(rb, *this, getResult()), getOperand());
  dxs.push_back(rb.mul(expand(rb, *this, dys[0]), weights));
  return success();
}
LogicalResult ReduceProdOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                                     SmallVectorImpl<Value> &dys) {
  RuleBuilder rb(b, getLoc());
  Value relative = rb.div(dxs[0], getOperand());
  Value s = b.create<ReduceSumOp>(getLoc(), relative, getAxes(), getKeepdims(),
                                  getStable());
  dys.push_back(rb.mul(s, getResult()));
  return success();
}

} // namespace tessera::tgraph
