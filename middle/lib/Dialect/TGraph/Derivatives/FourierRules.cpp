// Derivative rules of the Fourier transforms. They are linear maps, so the
// JVP applies the transform to the tangent; the VJP applies the adjoint
// under the real inner product Re<a, b> (the one finite differences and
// <w, J v> measure): fft^H = n ifft, ifft^H = fft / n, and for the real
// transforms a weighting of the half spectrum that counts each interior
// frequency twice.
#include "tessera/Dialect/TGraph/Derivatives.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace tessera::tgraph {

static RankedTensorType tensorOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

// `x` (complex) times the real rank-0 `s` (f32), as complex.
static Value scaleComplex(RuleBuilder &rb, Value x, Value s) {
  Value c = rb.builder().create<CastOp>(rb.location(), s,
                                        tensorOf(x).getElementType());
  return rb.mul(x, c);
}

// The length of the last dim of `x`, as a rank-0 f32 tensor.
static Value realCount(RuleBuilder &rb, Value x) {
  int64_t last = tensorOf(x).getRank() - 1;
  return rb.count(x, {last}, rb.builder().getF32Type());
}

LogicalResult FFTOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                              SmallVectorImpl<Value> &dxs) {
  RuleBuilder rb(b, getLoc());
  Value inv = b.create<IFFTOp>(getLoc(), dys[0]);
  dxs.push_back(scaleComplex(rb, inv, realCount(rb, getOperand())));
  return success();
}
LogicalResult FFTOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                              SmallVectorImpl<Value> &dys) {
  dys.push_back(b.create<FFTOp>(getLoc(), dxs[0]));
  return success();
}

LogicalResult IFFTOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                               SmallVectorImpl<Value> &dxs) {
  RuleBuilder rb(b, getLoc());
  Value fwd = b.create<FFTOp>(getLoc(), dys[0]);
  Value n = realCount(rb, getOperand());
  dxs.push_back(
      scaleComplex(rb, fwd, rb.div(rb.scalar(b.getF32Type(), 1.0), n)));
  return success();
}
LogicalResult IFFTOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                               SmallVectorImpl<Value> &dys) {
  dys.push_back(b.create<IFFTOp>(getLoc(), dxs[0]));
  return success();
}

// Weights over the half spectrum k in [0, m) of a length-n real signal:
// `edge` at k = 0 and (n even) k = n / 2, `interior` elsewhere; complex,
// broadcast to `like`.
static Value halfSpectrumWeights(RuleBuilder &rb, int64_t m, int64_t n,
                                 double interior, double edge, Value like) {
  OpBuilder &b = rb.builder();
  Location loc = rb.location();
  Type i64 = b.getI64Type(), f32 = b.getF32Type();
  Value k = b.create<IotaOp>(loc, RankedTensorType::get({m}, i64),
                             b.getI64IntegerAttr(0), ValueRange{});
  auto indicator = [&](int64_t at) {
    Value eq = rb.compare(ComparePredicate::eq, k, rb.scalar(i64, at));
    return b.create<CastOp>(loc, eq, f32).getResult();
  };
  Value bump = indicator(0);
  if (n % 2 == 0)
    bump = rb.add(bump, indicator(n / 2));
  Value w = rb.add(rb.mul(bump, rb.scalar(f32, edge - interior)),
                   rb.scalar(f32, interior));
  Value wc = b.create<CastOp>(loc, w, tensorOf(like).getElementType());
  return rb.broadcastLike(wc, like);
}

LogicalResult RFFTOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                               SmallVectorImpl<Value> &dxs) {
  RuleBuilder rb(b, getLoc());
  RankedTensorType xt = getOperand().getType();
  int64_t n = xt.getDimSize(xt.getRank() - 1);
  if (ShapedType::isDynamic(n))
    return emitError("the reverse-mode rule of 'tgraph.rfft' needs a static "
                     "signal length");
  int64_t m = n / 2 + 1;
  Value w = halfSpectrumWeights(rb, m, n, 0.5, 1.0, dys[0]);
  Value back = b.create<IRFFTOp>(getLoc(), rb.mul(dys[0], w), n);
  dxs.push_back(rb.mul(back, rb.scalar(b.getF32Type(), double(n))));
  return success();
}
LogicalResult RFFTOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                               SmallVectorImpl<Value> &dys) {
  dys.push_back(b.create<RFFTOp>(getLoc(), dxs[0]));
  return success();
}

LogicalResult IRFFTOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                SmallVectorImpl<Value> &dxs) {
  RuleBuilder rb(b, getLoc());
  int64_t n = getN();
  Value spectrum = b.create<RFFTOp>(getLoc(), dys[0]);
  int64_t m = n / 2 + 1;
  Value w =
      halfSpectrumWeights(rb, m, n, 2.0 / double(n), 1.0 / double(n), spectrum);
  Value dz = rb.mul(spectrum, w);
  // The operand may hold more than n / 2 + 1 frequencies (irfft reads only
  // those); the others get no cotangent.
  dxs.push_back(rb.reshape(dz, getOperand().getType(), getOperand(),
                           llvm::to_vector(llvm::seq<int64_t>(
                               0, getOperand().getType().getRank()))));
  return success();
}
LogicalResult IRFFTOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                                SmallVectorImpl<Value> &dys) {
  dys.push_back(b.create<IRFFTOp>(getLoc(), dxs[0], getN()));
  return success();
}

} // namespace tessera::tgraph
