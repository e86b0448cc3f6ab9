// Derivative rules of fused attention. Reverse mode is one fused op,
// attention_grad, which recomputes the probabilities a block at a time as
// the forward op does (never the [s, t] matrices). Forward mode is stated
// through the products and softmax attention stands for: a jvp through
// attention is rare, and those ops' rules are exact.
#include "tessera/Dialect/TGraph/Derivatives.h"

using namespace mlir;

namespace tessera::tgraph {

LogicalResult AttentionOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                    SmallVectorImpl<Value> &dxs) {
  auto grad = b.create<AttentionGradOp>(
      getLoc(),
      TypeRange{getQuery().getType(), getKey().getType(), getValue().getType()},
      getQuery(), getKey(), getValue(), getScale(), getResult(), dys[0]);
  dxs.append(grad->result_begin(), grad->result_end());
  // The rewrite forms attention only with a scale that depends on no input
  // (tgraph-form-attention), so it has no cotangent.
  dxs.push_back(Value());
  return success();
}

// With z = scale * q kᵀ and p = softmax(z): ż = scale (q̇ kᵀ + q k̇ᵀ) +
// scalė q kᵀ, ṗ = softmax's tangent, and ẏ = ṗ v + p v̇.
LogicalResult AttentionOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                                    SmallVectorImpl<Value> &dys) {
  RuleBuilder rb(b, getLoc());
  Location loc = getLoc();
  Value q = getQuery(), k = getKey(), v = getValue(), scale = getScale();
  int64_t axis = cast<RankedTensorType>(q.getType()).getRank() - 1;
  Value qk = b.create<MatmulOp>(loc, q, k, false, true);
  auto p = b.create<SoftmaxOp>(loc, qk.getType(), rb.mul(qk, scale), axis);
  Value dz;
  if (dxs[0])
    dz = b.create<MatmulOp>(loc, dxs[0], k, false, true);
  if (dxs[1])
    dz = rb.add(dz, b.create<MatmulOp>(loc, q, dxs[1], false, true));
  if (dz)
    dz = rb.mul(dz, scale);
  if (dxs[3])
    dz = rb.add(dz, rb.mul(qk, dxs[3]));
  Value dy;
  if (dz) {
    SmallVector<Value> dp;
    if (failed(p.buildJVP(b, {dz}, dp)))
      return failure();
    dy = b.create<MatmulOp>(loc, dp[0], v);
  }
  if (dxs[2])
    dy = rb.add(dy, b.create<MatmulOp>(loc, p, dxs[2]));
  dys.push_back(dy);
  return success();
}

} // namespace tessera::tgraph
