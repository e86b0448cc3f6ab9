// The padding that undoes a slice whose extents are known only at run time
// (x[1:], x[-1], x[2:5] of x: f32[N]): the cotangent between zeros, one
// concatenation along the axis. tgraph.pad takes known paddings only.
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

} // namespace tessera::tgraph
