// Derivative rules of the layout operators. They are linear, so the JVP
// applies the op to the tangent and the VJP applies its transpose: an
// inverse permutation, a sum over broadcast dims, or the cotangent put back
// where the elements came from. Where the extents are known, that is again
// a layout operator (a slice's VJP pads, a pad's or concat's slices), which
// the CPU backend runs; otherwise a scatter or gather.
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

// `g` padded with zeros along `axis`, `low` elements before and `high`
// after.
static Value padAxis(RuleBuilder &rb, Value g, int64_t axis, int64_t low,
                     int64_t high) {
  if (low == 0 && high == 0)
    return g;
  OpBuilder &b = rb.builder();
  RankedTensorType t = tensorOf(g);
  SmallVector<int64_t> lo(t.getRank(), 0), hi(t.getRank(), 0);
  lo[axis] = low;
  hi[axis] = high;
  return b.create<PadOp>(rb.location(), g, lo, hi,
                         b.getFloatAttr(t.getElementType(), 0.0));
}

// `g` spread along `axis` into zeros of extent `extent` there, element i at
// `offset + stride * i`, with layout operators only (the CPU backend has no
// scatter): a pad, and for a stride each element first given its stride's
// zeros (a unit dim after `axis` padded to the stride, merged into `axis`).
// Null where that takes a dim that is not known (then a scatter does it).
static Value padSpread(RuleBuilder &rb, Value g, int64_t axis, int64_t extent,
                       int64_t offset, int64_t stride) {
  RankedTensorType gt = tensorOf(g);
  if (!isa<FloatType>(gt.getElementType()) || ShapedType::isDynamic(extent))
    return {};
  int64_t n = gt.getDimSize(axis);
  if (n <= 1 || stride == 1)
    return padAxis(rb, g, axis, offset, extent - offset - n);
  // After the spread: element i at stride * i + lead, n * stride in all.
  int64_t span = (n - 1) * stride + 1, pad = stride - 1;
  bool zerosFirst = offset >= pad;
  // Neither way fits in `extent`: zeros after, one stride's worth too many,
  // sliced off at the end (a slice needs every extent known).
  bool trim = !zerosFirst && extent - offset - span < pad;
  if (trim && !gt.hasStaticShape())
    return {};
  int64_t rank = gt.getRank();
  Value v = withUnitDimAfter(rb, g, axis);
  v = padAxis(rb, v, axis + 1, zerosFirst ? pad : 0, zerosFirst ? 0 : pad);
  SmallVector<int64_t> merged(gt.getShape());
  merged[axis] = n * stride;
  SmallVector<int64_t> fromMerged =
      llvm::to_vector(llvm::seq<int64_t>(0, rank));
  fromMerged[axis] = -1;
  v = rb.reshape(v, RankedTensorType::get(merged, gt.getElementType()), g,
                 fromMerged);
  int64_t low = zerosFirst ? offset - pad : offset;
  if (!trim)
    return padAxis(rb, v, axis, low, extent - low - n * stride);
  v = padAxis(rb, v, axis, low, 0);
  SmallVector<int64_t> offsets(rank, 0), strides(rank, 1);
  merged[axis] = extent;
  return rb.builder().create<SliceOp>(rb.location(), v, offsets, merged,
                                      strides);
}

// The transpose of a slice spreads the cotangent back, one axis at a time,
// along the axes the slice narrowed: zero padding where the extents are
// known, zeros concatenated before and after where a slice's extents are
// only known at run time, each element first given its stride's zeros
// (RuntimePadding.cpp), a scatter into zeros otherwise.
LogicalResult SliceOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                SmallVectorImpl<Value> &dxs) {
  RuleBuilder rb(b, getLoc());
  Value x = getOperand(), g = dys[0];
  RankedTensorType xt = tensorOf(x);
  for (int64_t axis = xt.getRank() - 1; axis >= 0; --axis) {
    int64_t offset = getOffsets()[axis], size = getSizes()[axis],
            stride = getStrides()[axis];
    if (ShapedType::isDynamic(offset) || ShapedType::isDynamic(size) ||
        xt.isDynamicDim(axis)) {
      OpFoldResult o = getMixedOffset(axis), n = getMixedSize(axis);
      if (stride == 1) {
        g = padAtRunTime(rb, g, x, axis, o, n);
        continue;
      }
      if (Value spread = spreadAtRunTime(rb, g, x, axis, o, n, stride)) {
        g = spread;
        continue;
      }
      Value start =
          isa<Value>(o) ? cast<Value>(o) : indexConstant(b, getLoc(), offset);
      g = spreadAlong(rb, g, x, axis, start, stride);
      continue;
    }
    if (offset == 0 && stride == 1 && size == xt.getDimSize(axis))
      continue;
    if (Value padded =
            padSpread(rb, g, axis, xt.getDimSize(axis), offset, stride)) {
      g = padded;
      continue;
    }
    g = spreadAlong(rb, g, x, axis, indexConstant(b, getLoc(), offset), stride);
  }
  dxs.push_back(rb.reshape(
      g, xt, x, llvm::to_vector(llvm::seq<int64_t>(0, xt.getRank()))));
  return success();
}
LogicalResult SliceOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                                SmallVectorImpl<Value> &dys) {
  dys.push_back(b.create<SliceOp>(getLoc(), getType(), dxs[0],
                                  getDynamicOffsets(), getDynamicSizes(),
                                  getOffsets(), getSizes(), getStrides()));
  return success();
}

LogicalResult ConcatOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                 SmallVectorImpl<Value> &dxs) {
  RuleBuilder rb(b, getLoc());
  int64_t axis = getAxis();
  // Known extents: each input's part of the cotangent is a slice of it.
  if (tensorOf(dys[0]).hasStaticShape() &&
      llvm::all_of(getInputs(),
                   [](Value v) { return tensorOf(v).hasStaticShape(); })) {
    int64_t rank = tensorOf(dys[0]).getRank(), start = 0;
    for (Value input : getInputs()) {
      SmallVector<int64_t> offsets(rank, 0), strides(rank, 1);
      offsets[axis] = start;
      dxs.push_back(b.create<SliceOp>(getLoc(), dys[0], offsets,
                                      tensorOf(input).getShape(), strides));
      start += tensorOf(input).getDimSize(axis);
    }
    return success();
  }
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
  RankedTensorType xt = tensorOf(getOperand());
  // Known extents: the cotangent of the operand is a slice of it.
  if (xt.hasStaticShape()) {
    SmallVector<int64_t> strides(xt.getRank(), 1);
    dxs.push_back(
        b.create<SliceOp>(getLoc(), dys[0], getLow(), xt.getShape(), strides));
    return success();
  }
  Value g = dys[0];
  for (auto [axis, low] : llvm::enumerate(getLow()))
    if (low != 0 || getHigh()[axis] != 0)
      g = takeAlong(rb, g, getOperand(), axis, indexConstant(b, getLoc(), low));
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
