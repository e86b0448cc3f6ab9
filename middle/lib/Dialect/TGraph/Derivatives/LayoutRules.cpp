// Derivative rules of the layout operators. They are linear, so the JVP
// applies the op to the tangent and the VJP applies its transpose: an
// inverse permutation, a sum over broadcast dims, or a scatter of the
// cotangent back to where the elements came from.
#include "tessera/Dialect/TGraph/Derivatives.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace tessera::tgraph {

static RankedTensorType tensorOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

// The rank-1 i64 tensor `start + step * i`, i in [0, count): element
// positions along an axis. `count` and `start` are index values.
static Value positions(RuleBuilder &rb, int64_t staticCount, Value count,
                       Value start, int64_t step) {
  OpBuilder &b = rb.builder();
  Location loc = rb.location();
  auto type = RankedTensorType::get({staticCount}, b.getI64Type());
  SmallVector<Value> dims;
  if (ShapedType::isDynamic(staticCount))
    dims.push_back(count);
  Value iota = b.create<IotaOp>(loc, type, b.getI64IntegerAttr(0), dims);
  Value scaled =
      step == 1 ? iota : rb.mul(iota, rb.scalar(b.getI64Type(), step));
  Value first = b.create<arith::IndexCastOp>(loc, b.getI64Type(), start);
  Value first0 = b.create<tensor::FromElementsOp>(
      loc, RankedTensorType::get({}, b.getI64Type()), ValueRange{first});
  return rb.add(scaled, first0);
}

static Value indexConstant(OpBuilder &b, Location loc, int64_t v) {
  return b.create<arith::ConstantIndexOp>(loc, v);
}

static Value dimOf(OpBuilder &b, Location loc, Value v, int64_t axis) {
  RankedTensorType t = tensorOf(v);
  if (!t.isDynamicDim(axis))
    return indexConstant(b, loc, t.getDimSize(axis));
  return b.create<tensor::DimOp>(loc, v, axis);
}

// `x` spread along `axis` into a tensor whose extent there is that of
// `target` along it: element i goes to `start + step * i`, the rest zero.
static Value spreadAlong(RuleBuilder &rb, Value x, Value target, int64_t axis,
                         Value start, int64_t step) {
  OpBuilder &b = rb.builder();
  Location loc = rb.location();
  RankedTensorType xt = tensorOf(x);
  SmallVector<int64_t> shape(xt.getShape());
  shape[axis] = tensorOf(target).getDimSize(axis);
  auto type = RankedTensorType::get(shape, xt.getElementType());
  SmallVector<Value> dims;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i))
      dims.push_back(i == axis ? dimOf(b, loc, target, axis)
                               : dimOf(b, loc, x, i));
  Value zeros = b.create<BroadcastOp>(loc, type, rb.scalarLike(x, 0.0), dims);
  Value idx =
      positions(rb, xt.getDimSize(axis), dimOf(b, loc, x, axis), start, step);
  return b.create<ScatterOp>(loc, type, zeros, idx, x,
                             b.getI64IntegerAttr(axis), b.getBoolAttr(false));
}

// The elements of `x` at `start + i` along `axis`, i in [0, extent of
// `like` along it).
static Value takeAlong(RuleBuilder &rb, Value x, Value like, int64_t axis,
                       Value start) {
  OpBuilder &b = rb.builder();
  Location loc = rb.location();
  Value idx = positions(rb, tensorOf(like).getDimSize(axis),
                        dimOf(b, loc, like, axis), start, 1);
  return b.create<GatherOp>(loc, x, idx, axis);
}

//===--- transpose, reshape, broadcast
//-------------------------------------===//

LogicalResult TransposeOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                    SmallVectorImpl<Value> &dxs) {
  ArrayRef<int64_t> perm = getPermutation();
  SmallVector<int64_t> inverse(perm.size());
  for (auto [i, p] : llvm::enumerate(perm))
    inverse[p] = static_cast<int64_t>(i);
  dxs.push_back(b.create<TransposeOp>(getLoc(), dys[0], inverse));
  return success();
}
LogicalResult TransposeOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                                    SmallVectorImpl<Value> &dys) {
  dys.push_back(b.create<TransposeOp>(getLoc(), dxs[0], getPermutation()));
  return success();
}

LogicalResult ReshapeOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                  SmallVectorImpl<Value> &dxs) {
  RuleBuilder rb(b, getLoc());
  dxs.push_back(b.create<ReshapeOp>(getLoc(), getOperand().getType(), dys[0],
                                    rb.dynamicDims(getOperand())));
  for (size_t i = 0; i < getDynamicDims().size(); ++i)
    dxs.push_back({});
  return success();
}
LogicalResult ReshapeOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                                  SmallVectorImpl<Value> &dys) {
  dys.push_back(
      b.create<ReshapeOp>(getLoc(), getType(), dxs[0], getDynamicDims()));
  return success();
}

LogicalResult BroadcastOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                    SmallVectorImpl<Value> &dxs) {
  dxs.push_back(RuleBuilder(b, getLoc()).sumLike(dys[0], getOperand()));
  for (size_t i = 0; i < getDynamicDims().size(); ++i)
    dxs.push_back({});
  return success();
}
LogicalResult BroadcastOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                                    SmallVectorImpl<Value> &dys) {
  dys.push_back(
      b.create<BroadcastOp>(getLoc(), getType(), dxs[0], getDynamicDims()));
  return success();
}

//===--- slice, concat, pad
//------------------------------------------------===//

// The transpose of a slice spreads the cotangent back, one axis at a time,
// along the axes the slice narrowed.
LogicalResult SliceOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                SmallVectorImpl<Value> &dxs) {
  RuleBuilder rb(b, getLoc());
  Value x = getOperand(), g = dys[0];
  RankedTensorType xt = tensorOf(x);
  for (int64_t axis = xt.getRank() - 1; axis >= 0; --axis) {
    int64_t offset = getOffsets()[axis], size = getSizes()[axis],
            stride = getStrides()[axis];
    if (offset == 0 && stride == 1 && size == xt.getDimSize(axis))
      continue;
    g = spreadAlong(rb, g, x, axis, indexConstant(b, getLoc(), offset), stride);
  }
  dxs.push_back(rb.reshape(
      g, xt, x, llvm::to_vector(llvm::seq<int64_t>(0, xt.getRank()))));
  return success();
}
LogicalResult SliceOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                                SmallVectorImpl<Value> &dys) {
  dys.push_back(b.create<SliceOp>(getLoc(), dxs[0], getOffsets(), getSizes(),
                                  getStrides()));
  return success();
}

LogicalResult ConcatOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                 SmallVectorImpl<Value> &dxs) {
  RuleBuilder rb(b, getLoc());
  int64_t axis = getAxis();
  Value start = indexConstant(b, getLoc(), 0);
  for (Value input : getInputs()) {
    dxs.push_back(takeAlong(rb, dys[0], input, axis, start));
    start = b.create<arith::AddIOp>(getLoc(), start,
                                    dimOf(b, getLoc(), input, axis));
  }
  return success();
}
LogicalResult ConcatOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                                 SmallVectorImpl<Value> &dys) {
  RuleBuilder rb(b, getLoc());
  SmallVector<Value> parts;
  for (auto [input, dx] : llvm::zip(getInputs(), dxs))
    parts.push_back(dx ? dx : rb.zerosLike(input));
  dys.push_back(b.create<ConcatOp>(getLoc(), parts, getAxis()));
  return success();
}

LogicalResult PadOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                              SmallVectorImpl<Value> &dxs) {
  RuleBuilder rb(b, getLoc());
  Value g = dys[0];
  for (auto [axis, low] : llvm::enumerate(getLow()))
    if (low != 0 || getHigh()[axis] != 0)
      g = takeAlong(rb, g, getOperand(), axis, indexConstant(b, getLoc(), low));
  RankedTensorType xt = tensorOf(getOperand());
  dxs.push_back(
      rb.reshape(g, xt, getOperand(),
                 llvm::to_vector(llvm::seq<int64_t>(0, xt.getRank()))));
  return success();
}
LogicalResult PadOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                              SmallVectorImpl<Value> &dys) {
  Type elem = tensorOf(getOperand()).getElementType();
  dys.push_back(b.create<PadOp>(getLoc(), dxs[0], getLow(), getHigh(),
                                b.getFloatAttr(elem, 0.0)));
  return success();
}

//===--- gather, scatter
//---------------------------------------------------===//

LogicalResult GatherOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                 SmallVectorImpl<Value> &dxs) {
  RuleBuilder rb(b, getLoc());
  Value zeros = rb.zerosLike(getOperand());
  dxs.push_back(b.create<ScatterOp>(getLoc(), getOperand().getType(), zeros,
                                    getIndices(), dys[0], getAxisAttr(),
                                    b.getBoolAttr(true)));
  dxs.push_back({});
  return success();
}
LogicalResult GatherOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                                 SmallVectorImpl<Value> &dys) {
  dys.push_back(b.create<GatherOp>(getLoc(), getType(), dxs[0], getIndices(),
                                   getAxisAttr()));
  return success();
}

// Replacing scatter: the operand's elements that were overwritten get no
// cotangent; each update gets the cotangent of where it was written (with
// repeated indices, every update reads the one cotangent of its target).
LogicalResult ScatterOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                  SmallVectorImpl<Value> &dxs) {
  RuleBuilder rb(b, getLoc());
  Value dOperand =
      getAccumulate()
          ? dys[0]
          : b.create<ScatterOp>(getLoc(), getType(), dys[0], getIndices(),
                                rb.zerosLike(getUpdates()), getAxisAttr(),
                                b.getBoolAttr(false))
                .getResult();
  dxs.push_back(dOperand);
  dxs.push_back({});
  dxs.push_back(b.create<GatherOp>(getLoc(), getUpdates().getType(), dys[0],
                                   getIndices(), getAxisAttr()));
  return success();
}
LogicalResult ScatterOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                                  SmallVectorImpl<Value> &dys) {
  RuleBuilder rb(b, getLoc());
  Value operand = dxs[0] ? dxs[0] : rb.zerosLike(getOperand());
  Value updates = dxs[2] ? dxs[2] : rb.zerosLike(getUpdates());
  dys.push_back(b.create<ScatterOp>(getLoc(), getType(), operand, getIndices(),
                                    updates, getAxisAttr(),
                                    getAccumulateAttr()));
  return success();
}

} // namespace tessera::tgraph
