// Derivative rules of fused attention. Reverse mode is one fused op,
// attention_grad, which recomputes the probabilities a block at a time as
// the forward op does (never the [s, t] matrices). Forward mode, and both
// modes through attention_grad (second derivatives), go through the
// products and softmax the ops stand for (vjpByDecomposition): they are
// rare, and those ops' rules are exact.
#include "tessera/Dialect/TGraph/Derivatives.h"

using namespace mlir;

namespace tessera::tgraph {

// The probabilities softmax(scale q kᵀ) along the last axis.
static Value probabilities(RuleBuilder &rb, Value q, Value k, Value scale) {
  OpBuilder &b = rb.builder();
  Location loc = rb.location();
  Value qk = b.create<MatmulOp>(loc, q, k, false, true);
  int64_t axis = cast<RankedTensorType>(q.getType()).getRank() - 1;
  return b.create<SoftmaxOp>(loc, qk.getType(), rb.mul(qk, scale), axis);
}

static Value attentionFromPrimitives(RuleBuilder &rb, AttentionOp op) {
  return rb.builder().create<MatmulOp>(
      rb.location(),
      probabilities(rb, op.getQuery(), op.getKey(), op.getScale()),
      op.getValue());
}

// value_grad = pᵀ g, ds = p (g vᵀ - rowsum(g o)), query_grad = scale ds k,
// key_grad = scale dsᵀ q.
static SmallVector<Value> attentionGradFromPrimitives(RuleBuilder &rb,
                                                      AttentionGradOp op) {
  OpBuilder &b = rb.builder();
  Location loc = rb.location();
  Value q = op.getQuery(), k = op.getKey(), v = op.getValue(),
        scale = op.getScale(), g = op.getResultGrad();
  int64_t axis = cast<RankedTensorType>(q.getType()).getRank() - 1;
  Value p = probabilities(rb, q, k, scale);
  Value dv = b.create<MatmulOp>(loc, p, g, true, false);
  Value dp = b.create<MatmulOp>(loc, g, v, false, true);
  Value delta =
      rb.broadcastLike(rb.sum(rb.mul(g, op.getResult()), {axis}, true), dp);
  Value ds = rb.mul(p, rb.sub(dp, delta));
  Value dq = rb.mul(b.create<MatmulOp>(loc, ds, k), scale);
  Value dk = rb.mul(b.create<MatmulOp>(loc, ds, q, true, false), scale);
  return {dq, dk, dv};
}

LogicalResult AttentionOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                    SmallVectorImpl<Value> &dxs) {
  auto grad = b.create<AttentionGradOp>(
      getLoc(),
      TypeRange{getQuery().getType(), getKey().getType(), getValue().getType()},
      getQuery(), getKey(), getValue(), getScale(), getResult(), dys[0],
      getLse());
  dxs.append(grad->result_begin(), grad->result_end());
  // The rewrite forms attention only with a scale that depends on no input
  // (tgraph-form-attention), so it has no cotangent.
  dxs.push_back(Value());
  return success();
}

LogicalResult AttentionOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                                    SmallVectorImpl<Value> &dys) {
  return jvpByDecomposition(b, *this, dxs, dys,
                            [&](RuleBuilder &rb, ValueRange) {
                              return attentionFromPrimitives(rb, *this);
                            });
}

LogicalResult AttentionGradOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                        SmallVectorImpl<Value> &dxs) {
  return vjpByDecomposition(
      b, *this, dys, dxs,
      DecompositionOfResults([&](RuleBuilder &rb, ValueRange) {
        return attentionGradFromPrimitives(rb, *this);
      }));
}

LogicalResult AttentionGradOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                                        SmallVectorImpl<Value> &dys) {
  return jvpByDecomposition(
      b, *this, dxs, dys,
      DecompositionOfResults([&](RuleBuilder &rb, ValueRange) {
        return attentionGradFromPrimitives(rb, *this);
      }));
}

} // namespace tessera::tgraph
