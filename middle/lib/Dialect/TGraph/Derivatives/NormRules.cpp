// Derivative rules of softmax, log-softmax, the normalisations and the
// losses. Softmax and log-softmax have closed forms; the normalisations and
// losses state their rules as decompositions into primitives, whose own
// rules then apply (see vjpByDecomposition).
#include "tessera/Dialect/TGraph/Derivatives.h"

using namespace mlir;

namespace tessera::tgraph {

static RankedTensorType tensorOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

// sum(v, axis) kept as 1 and broadcast back to v's shape.
static Value rowSum(RuleBuilder &rb, Value v, int64_t axis) {
  return rb.broadcastLike(rb.sum(v, {axis}, true), v);
}

// y = softmax(x): dx = y * (dy - sum(dy * y)); the tangent has the same
// form.
static Value softmaxLinear(RuleBuilder &rb, Value y, Value v, int64_t axis) {
  return rb.mul(y, rb.sub(v, rowSum(rb, rb.mul(v, y), axis)));
}
LogicalResult SoftmaxOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                  SmallVectorImpl<Value> &dxs) {
  RuleBuilder rb(b, getLoc());
  dxs.push_back(softmaxLinear(rb, getResult(), dys[0], getAxis()));
  return success();
}
LogicalResult SoftmaxOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                                  SmallVectorImpl<Value> &dys) {
  RuleBuilder rb(b, getLoc());
  dys.push_back(softmaxLinear(rb, getResult(), dxs[0], getAxis()));
  return success();
}

// y = log_softmax(x), p = exp(y): dx = dy - p * sum(dy);
// dy = dx - sum(p * dx).
LogicalResult LogSoftmaxOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                     SmallVectorImpl<Value> &dxs) {
  RuleBuilder rb(b, getLoc());
  Value p = b.create<ExpOp>(getLoc(), getResult());
  dxs.push_back(rb.sub(dys[0], rb.mul(p, rowSum(rb, dys[0], getAxis()))));
  return success();
}
LogicalResult LogSoftmaxOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                                     SmallVectorImpl<Value> &dys) {
  RuleBuilder rb(b, getLoc());
  Value p = b.create<ExpOp>(getLoc(), getResult());
  dys.push_back(rb.sub(dxs[0], rowSum(rb, rb.mul(p, dxs[0]), getAxis())));
  return success();
}

// scale or bias (rank 1, the axis's extent) broadcast to x's shape.
static Value alongAxis(RuleBuilder &rb, Value v, Value x, int64_t axis) {
  RankedTensorType xt = tensorOf(x);
  SmallVector<int64_t> shape(xt.getRank(), 1), from(xt.getRank(), -1);
  shape[axis] = tensorOf(v).getDimSize(0);
  from[axis] = 0;
  Value r = rb.reshape(
      v, RankedTensorType::get(shape, tensorOf(v).getElementType()), v, from);
  return rb.broadcastLike(r, x);
}

// (x - mean) / sqrt(var + eps) * scale + bias, from primitives.
template <typename Op>
static Value affine(RuleBuilder &rb, Op op, Value normalised) {
  Value y = normalised;
  if (op.getScale())
    y = rb.mul(y, alongAxis(rb, op.getScale(), op.getOperand(), op.getAxis()));
  if (op.getBias())
    y = rb.add(y, alongAxis(rb, op.getBias(), op.getOperand(), op.getAxis()));
  return y;
}

static Value layerNorm(RuleBuilder &rb, LayerNormOp op) {
  Value x = op.getOperand();
  int64_t axis = op.getAxis();
  OpBuilder &b = rb.builder();
  Value mean = rb.broadcastLike(
      b.create<ReduceMeanOp>(rb.location(), x, ArrayRef<int64_t>{axis}, true),
      x);
  Value d = rb.sub(x, mean);
  Value var = b.create<ReduceMeanOp>(rb.location(), rb.mul(d, d),
                                     ArrayRef<int64_t>{axis}, true);
  Value eps = rb.scalarLike(x, op.getEpsilon().convertToDouble());
  Value r = b.create<RsqrtOp>(rb.location(), rb.add(var, eps));
  return affine(rb, op, rb.mul(d, rb.broadcastLike(r, x)));
}

static Value rmsNorm(RuleBuilder &rb, RMSNormOp op) {
  Value x = op.getOperand();
  int64_t axis = op.getAxis();
  OpBuilder &b = rb.builder();
  Value ms = b.create<ReduceMeanOp>(rb.location(), rb.mul(x, x),
                                    ArrayRef<int64_t>{axis}, true);
  Value eps = rb.scalarLike(x, op.getEpsilon().convertToDouble());
  Value r = b.create<RsqrtOp>(rb.location(), rb.add(ms, eps));
  return affine(rb, op, rb.mul(x, rb.broadcastLike(r, x)));
}

LogicalResult LayerNormOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                    SmallVectorImpl<Value> &dxs) {
  return vjpByDecomposition(
      b, *this, dys, dxs,
      [&](RuleBuilder &rb, ValueRange) { return layerNorm(rb, *this); });
}
LogicalResult LayerNormOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                                    SmallVectorImpl<Value> &dys) {
  return jvpByDecomposition(
      b, *this, dxs, dys,
      [&](RuleBuilder &rb, ValueRange) { return layerNorm(rb, *this); });
}
LogicalResult RMSNormOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                  SmallVectorImpl<Value> &dxs) {
  return vjpByDecomposition(
      b, *this, dys, dxs,
      [&](RuleBuilder &rb, ValueRange) { return rmsNorm(rb, *this); });
}
LogicalResult RMSNormOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                                  SmallVectorImpl<Value> &dys) {
  return jvpByDecomposition(
      b, *this, dxs, dys,
      [&](RuleBuilder &rb, ValueRange) { return rmsNorm(rb, *this); });
}

// mean over label positions of -log_softmax(logits)[label], with the label
// picked by a one-hot mask (iota == label).
static Value crossEntropy(RuleBuilder &rb, CrossEntropyOp op) {
  OpBuilder &b = rb.builder();
  Location loc = rb.location();
  Value logits = op.getLogits(), labels = op.getLabels();
  RankedTensorType lt = tensorOf(logits);
  int64_t last = lt.getRank() - 1;
  Value ls = b.create<LogSoftmaxOp>(loc, logits, last);
  Type labelElem = tensorOf(labels).getElementType();
  auto iotaType = RankedTensorType::get(lt.getShape(), labelElem);
  Value iota = b.create<IotaOp>(loc, iotaType, b.getI64IntegerAttr(last),
                                rb.dynamicDims(logits));
  RankedTensorType labT = tensorOf(labels);
  SmallVector<int64_t> shape(labT.getShape()), from;
  shape.push_back(1);
  for (int64_t i = 0; i < labT.getRank(); ++i)
    from.push_back(i);
  from.push_back(-1);
  Value column =
      rb.reshape(labels, RankedTensorType::get(shape, labelElem), labels, from);
  Value hot =
      rb.compare(ComparePredicate::eq, iota, rb.broadcastLike(column, logits));
  Value mask = b.create<CastOp>(loc, hot, lt.getElementType());
  Value picked =
      rb.sum(rb.mul(ls, mask),
             llvm::to_vector(llvm::seq<int64_t>(0, lt.getRank())), false);
  SmallVector<int64_t> positions = llvm::to_vector(llvm::seq<int64_t>(0, last));
  return rb.neg(rb.div(picked, rb.count(logits, positions)));
}

LogicalResult CrossEntropyOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                       SmallVectorImpl<Value> &dxs) {
  return vjpByDecomposition(
      b, *this, dys, dxs,
      [&](RuleBuilder &rb, ValueRange) { return crossEntropy(rb, *this); });
}
LogicalResult CrossEntropyOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                                       SmallVectorImpl<Value> &dys) {
  return jvpByDecomposition(
      b, *this, dxs, dys,
      [&](RuleBuilder &rb, ValueRange) { return crossEntropy(rb, *this); });
}

static Value meanSquaredError(RuleBuilder &rb, MSEOp op) {
  Value d = rb.sub(op.getLhs(), op.getRhs());
  int64_t rank = tensorOf(d).getRank();
  SmallVector<int64_t> all = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  return rb.div(rb.sum(rb.mul(d, d), all, false), rb.count(d, all));
}

LogicalResult MSEOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                              SmallVectorImpl<Value> &dxs) {
  return vjpByDecomposition(
      b, *this, dys, dxs,
      [&](RuleBuilder &rb, ValueRange) { return meanSquaredError(rb, *this); });
}
LogicalResult MSEOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                              SmallVectorImpl<Value> &dys) {
  return jvpByDecomposition(
      b, *this, dxs, dys,
      [&](RuleBuilder &rb, ValueRange) { return meanSquaredError(rb, *this); });
}

// softmax: exp(x - max) / sum(exp(x - max)); log_softmax: (x - max) -
// log(sum(exp(x - max))), the maximum along the axis subtracted first.
static Value softmax(RuleBuilder &rb, Value x, int64_t axis, bool log) {
  OpBuilder &b = rb.builder();
  Location loc = rb.location();
  Value max = rb.broadcastLike(
      b.create<ReduceMaxOp>(loc, x, ArrayRef<int64_t>{axis}, true), x);
  Value shifted = rb.sub(x, max);
  Value e = b.create<ExpOp>(loc, shifted);
  Value total = rb.sum(e, {axis}, true);
  if (log)
    return rb.sub(shifted, rb.broadcastLike(b.create<LogOp>(loc, total), x));
  return rb.div(e, rb.broadcastLike(total, x));
}

Value buildDecomposition(OpBuilder &b, Operation *op) {
  RuleBuilder rb(b, op->getLoc());
  if (auto s = dyn_cast<SoftmaxOp>(op))
    return softmax(rb, s.getOperand(), s.getAxis(), false);
  if (auto s = dyn_cast<LogSoftmaxOp>(op))
    return softmax(rb, s.getOperand(), s.getAxis(), true);
  if (auto n = dyn_cast<LayerNormOp>(op))
    return layerNorm(rb, n);
  if (auto n = dyn_cast<RMSNormOp>(op))
    return rmsNorm(rb, n);
  if (auto c = dyn_cast<CrossEntropyOp>(op))
    return crossEntropy(rb, c); // holds a log_softmax, decomposed in turn
  if (auto m = dyn_cast<MSEOp>(op))
    return meanSquaredError(rb, m);
  return {};
}

} // namespace tessera::tgraph
