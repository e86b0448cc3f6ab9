// The padding that undoes a slice whose extents are known only at run time
// (x[1:], x[-1], x[2:5] of x: f32[N]): the cotangent between zeros, one
// concatenation along the axis. tgraph.pad takes known paddings only. A
// strided one (x[::2]) first gives each element its stride's zeros.
#include "tessera/Dialect/TGraph/Derivatives.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace tessera::tgraph {

namespace {

// An `index` value as a sum of extents read with tensor.dim and a constant,
// so that a padding that is always empty (N - 1 - (N - 1)) is known to be.
struct IndexSum {
  SmallVector<std::tuple<Value, int64_t, int64_t>> dims; // value, axis, coeff
  int64_t constant = 0;

  void addDim(Value v, int64_t axis, int64_t coeff) {
    for (auto &[dv, da, dc] : dims)
      if (dv == v && da == axis) {
        dc += coeff;
        return;
      }
    dims.push_back({v, axis, coeff});
  }
  // False where `v` is not such a sum.
  bool add(OpFoldResult m, int64_t sign) {
    if (auto a = dyn_cast<Attribute>(m)) {
      constant += sign * cast<IntegerAttr>(a).getInt();
      return true;
    }
    Value v = cast<Value>(m);
    if (auto c = v.getDefiningOp<arith::ConstantIndexOp>()) {
      constant += sign * c.value();
      return true;
    }
    if (auto d = v.getDefiningOp<tensor::DimOp>())
      if (auto axis = d.getConstantIndex()) {
        addDim(d.getSource(), *axis, sign);
        return true;
      }
    if (auto a = v.getDefiningOp<arith::AddIOp>())
      return add(a.getLhs(), sign) && add(a.getRhs(), sign);
    if (auto s = v.getDefiningOp<arith::SubIOp>())
      return add(s.getLhs(), sign) && add(s.getRhs(), -sign);
    return false;
  }
  std::optional<int64_t> asConstant() const {
    for (auto &[v, a, c] : dims)
      if (c != 0)
        return std::nullopt;
    return constant;
  }
};

std::optional<int64_t> constantIndex(OpFoldResult m) {
  if (auto a = dyn_cast<Attribute>(m))
    return cast<IntegerAttr>(a).getInt();
  if (auto c = cast<Value>(m).getDefiningOp<arith::ConstantIndexOp>())
    return c.value();
  return std::nullopt;
}

Value indexValue(OpBuilder &b, Location loc, OpFoldResult m) {
  if (auto v = dyn_cast<Value>(m))
    return v;
  return b.create<arith::ConstantIndexOp>(
      loc, cast<IntegerAttr>(cast<Attribute>(m)).getInt());
}

// Zeros shaped like `like` but for `extent` elements along `axis`.
Value zerosAlong(RuleBuilder &rb, Value like, int64_t axis,
                 OpFoldResult extent) {
  OpBuilder &b = rb.builder();
  Location loc = rb.location();
  auto t = cast<RankedTensorType>(like.getType());
  SmallVector<int64_t> shape(t.getShape());
  SmallVector<Value> dims;
  for (int64_t j = 0; j < t.getRank(); ++j) {
    if (j == axis) {
      if (auto a = dyn_cast<Attribute>(extent)) {
        shape[j] = cast<IntegerAttr>(a).getInt();
        continue;
      }
      shape[j] = ShapedType::kDynamic;
      dims.push_back(cast<Value>(extent));
      continue;
    }
    if (t.isDynamicDim(j))
      dims.push_back(b.create<tensor::DimOp>(loc, like, j));
  }
  return b.create<BroadcastOp>(loc,
                               RankedTensorType::get(shape, t.getElementType()),
                               rb.scalar(t.getElementType(), 0.0), dims);
}

// The extent of `v` along `axis`: an integer or a tensor.dim.
OpFoldResult extentOf(OpBuilder &b, Location loc, Value v, int64_t axis) {
  auto t = cast<RankedTensorType>(v.getType());
  if (!t.isDynamicDim(axis))
    return b.getIndexAttr(t.getDimSize(axis));
  return b.create<tensor::DimOp>(loc, v, axis).getResult();
}

// Whether the spread of `size` elements from `offset`, each followed by
// its stride's zeros, reaches x's extent N along `axis`, so that no zeros
// need follow it: known numbers that do, or the offset 0 and the size
// ceil(N / stride), as MLIRGen writes the step of x[lo:hi:step]
// (floor((N + stride - 1) / stride)).
bool reachesEnd(OpFoldResult offset, OpFoldResult size, Value x, int64_t axis,
                int64_t stride) {
  auto xt = cast<RankedTensorType>(x.getType());
  std::optional<int64_t> from = constantIndex(offset), n = constantIndex(size);
  if (from && n && !xt.isDynamicDim(axis))
    return *from + *n * stride >= xt.getDimSize(axis);
  auto v = dyn_cast<Value>(size);
  auto quotient = v ? v.getDefiningOp<arith::DivSIOp>() : nullptr;
  if (from != 0 || !quotient || constantIndex(quotient.getRhs()) != stride)
    return false;
  auto sum = quotient.getLhs().getDefiningOp<arith::AddIOp>();
  auto isExtent = [&](Value e) {
    auto dim = e.getDefiningOp<tensor::DimOp>();
    return dim && dim.getSource() == x && dim.getConstantIndex() == axis;
  };
  return sum && ((isExtent(sum.getLhs()) &&
                  constantIndex(sum.getRhs()) == stride - 1) ||
                 (isExtent(sum.getRhs()) &&
                  constantIndex(sum.getLhs()) == stride - 1));
}

} // namespace

Value padAtRunTime(RuleBuilder &rb, Value g, Value x, int64_t axis,
                   OpFoldResult offset, OpFoldResult size) {
  OpBuilder &b = rb.builder();
  Location loc = rb.location();
  auto xt = cast<RankedTensorType>(x.getType());
  OpFoldResult extent =
      xt.isDynamicDim(axis)
          ? OpFoldResult(b.create<tensor::DimOp>(loc, x, axis).getResult())
          : OpFoldResult(b.getIndexAttr(xt.getDimSize(axis)));
  // A padding's extent: an integer when it is one whatever the dims.
  auto known = [&](const IndexSum &s, bool ok) -> std::optional<int64_t> {
    return ok ? s.asConstant() : std::nullopt;
  };
  IndexSum before;
  std::optional<int64_t> low = known(before, before.add(offset, 1));
  IndexSum after;
  bool ok =
      after.add(extent, 1) && after.add(offset, -1) && after.add(size, -1);
  std::optional<int64_t> high = known(after, ok);

  SmallVector<Value> parts;
  if (low != 0)
    parts.push_back(zerosAlong(
        rb, g, axis, low ? OpFoldResult(b.getIndexAttr(*low)) : offset));
  parts.push_back(g);
  if (high != 0) {
    OpFoldResult h =
        high ? OpFoldResult(b.getIndexAttr(*high))
             : OpFoldResult(
                   b.create<arith::SubIOp>(
                        loc,
                        b.create<arith::SubIOp>(loc, indexValue(b, loc, extent),
                                                indexValue(b, loc, offset)),
                        indexValue(b, loc, size))
                       .getResult());
    parts.push_back(zerosAlong(rb, g, axis, h));
  }
  if (parts.size() == 1)
    return g;
  return b.create<ConcatOp>(loc, parts, axis);
}

Value withUnitDimAfter(RuleBuilder &rb, Value g, int64_t axis) {
  auto gt = cast<RankedTensorType>(g.getType());
  SmallVector<int64_t> split(gt.getShape()), fromSplit;
  split.insert(split.begin() + axis + 1, 1);
  for (int64_t i = 0; i <= gt.getRank(); ++i)
    fromSplit.push_back(i <= axis ? i : (i == axis + 1 ? -1 : i - 1));
  return rb.reshape(g, RankedTensorType::get(split, gt.getElementType()), g,
                    fromSplit);
}

Value spreadAtRunTime(RuleBuilder &rb, Value g, Value x, int64_t axis,
                      OpFoldResult offset, OpFoldResult size, int64_t stride) {
  OpBuilder &b = rb.builder();
  Location loc = rb.location();
  auto gt = cast<RankedTensorType>(g.getType());
  Type elem = gt.getElementType();
  if (!isa<FloatType>(elem))
    return {};
  int64_t rank = gt.getRank();
  // Each element followed by stride - 1 zeros: a unit dim after `axis`,
  // padded to the stride and merged into `axis`, n * stride elements.
  Value v = withUnitDimAfter(rb, g, axis);
  SmallVector<int64_t> low(rank + 1, 0), high(rank + 1, 0);
  high[axis + 1] = stride - 1;
  v = b.create<PadOp>(loc, v, low, high, b.getFloatAttr(elem, 0.0));
  SmallVector<int64_t> merged(gt.getShape());
  SmallVector<Value> mergedDims;
  for (int64_t i = 0; i < rank; ++i) {
    if (!gt.isDynamicDim(i)) {
      merged[i] *= i == axis ? stride : 1;
      continue;
    }
    Value d = b.create<tensor::DimOp>(loc, g, i);
    if (i == axis)
      d = b.create<arith::MulIOp>(
          loc, d, b.create<arith::ConstantIndexOp>(loc, stride));
    mergedDims.push_back(d);
  }
  v = b.create<ReshapeOp>(loc, RankedTensorType::get(merged, elem), v,
                          mergedDims);
  // Then at the offset: zeros before it, and after it as many as x has
  // elements (never too few, whatever the extents), unless the strides
  // reach x's end; cut at x's extent.
  OpFoldResult n = extentOf(b, loc, x, axis);
  SmallVector<Value> parts;
  if (constantIndex(offset) != 0)
    parts.push_back(zerosAlong(rb, v, axis, offset));
  parts.push_back(v);
  if (!reachesEnd(offset, size, x, axis, stride))
    parts.push_back(zerosAlong(rb, v, axis, n));
  if (parts.size() > 1)
    v = b.create<ConcatOp>(loc, parts, axis);
  auto vt = cast<RankedTensorType>(v.getType());
  if (!vt.isDynamicDim(axis) && constantIndex(n) == vt.getDimSize(axis))
    return v;
  SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0)), sizes;
  for (int64_t i = 0; i < rank; ++i)
    sizes.push_back(i == axis ? n : extentOf(b, loc, v, i));
  return b.create<SliceOp>(loc, v, offsets, sizes,
                           SmallVector<int64_t>(rank, 1));
}

} // namespace tessera::tgraph
