// Layout ops: transpose, reshape, broadcast, iota, slice, concat, pad,
// gather and scatter. They move elements without arithmetic, so they work the
// same on every element type (a complex element is two doubles).
#include "Internal.h"

#include "tessera/Dialect/TGraph/TGraph.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>

using namespace mlir;
namespace tg = tessera::tgraph;

namespace tessera::reference::detail {
namespace {

// Copies element `from` of `src` to element `to` of `dst`.
void copyElement(const Tensor &src, int64_t from, Tensor &dst, int64_t to) {
  int64_t w = src.width();
  for (int64_t j = 0; j < w; ++j)
    dst.data[to * w + j] = src.data[from * w + j];
}

Type elementTypeOf(Operation *op) {
  return cast<RankedTensorType>(op->getResult(0).getType()).getElementType();
}

FailureOr<Tensor> evalTranspose(tg::TransposeOp op, Operands in) {
  const Tensor &x = *in[0];
  ArrayRef<int64_t> perm = op.getPermutation();
  std::vector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(x.shape[p]);
  Tensor out(x.elementType, shape);
  if (out.numElements() == 0)
    return out;
  SmallVector<int64_t> strides = stridesOf(x.shape);
  SmallVector<int64_t> index(shape.size(), 0);
  int64_t i = 0;
  do {
    int64_t from = 0;
    for (size_t d = 0; d < perm.size(); ++d)
      from += index[d] * strides[perm[d]];
    copyElement(x, from, out, i++);
  } while (nextIndex(index, shape));
  return out;
}

// The result shape: the static dims of the type, and each `?` from the
// `dynamic_dims` operands, or without them a single `?` derived from the
// element count.
FailureOr<Tensor> evalReshape(tg::ReshapeOp op, Operands in) {
  const Tensor &x = *in[0];
  RankedTensorType type = op.getType();
  int64_t n = x.numElements();
  auto mismatch = [&](ArrayRef<int64_t> shape) {
    return op.emitError("cannot reshape ")
           << x.shapeStr() << " (" << n << " elements) to " << shapeStr(shape);
  };
  if (!op.getDynamicDims().empty()) {
    FailureOr<std::vector<int64_t>> shape =
        shapeWithDynamicDims(op, type, in.slice(1, op.getDynamicDims().size()));
    if (failed(shape))
      return failure();
    if (numElements(*shape) != n)
      return mismatch(*shape);
    return Tensor(x.elementType, *shape, x.data);
  }
  std::vector<int64_t> shape(type.getShape());
  int64_t known = 1, dynamic = -1;
  for (auto [d, extent] : llvm::enumerate(shape)) {
    if (!ShapedType::isDynamic(extent)) {
      known *= extent;
      continue;
    }
    if (dynamic >= 0)
      return op.emitError("cannot evaluate a reshape to ")
             << type << " without dim operands: more than one dim is dynamic";
    dynamic = d;
  }
  if (dynamic >= 0) {
    if (known == 0 || n % known != 0)
      return op.emitError("cannot reshape ")
             << x.shapeStr() << " (" << n << " elements) to " << type;
    shape[dynamic] = n / known;
  } else if (known != n) {
    return mismatch(shape);
  }
  return Tensor(x.elementType, shape, x.data);
}

// Element (i0, i1, ...) is i_axis.
FailureOr<Tensor> evalIota(tg::IotaOp op, Operands in) {
  FailureOr<std::vector<int64_t>> shape =
      shapeWithDynamicDims(op, op.getType(), in);
  if (failed(shape))
    return failure();
  Tensor out(op.getType().getElementType(), *shape);
  int64_t axis = op.getAxis();
  SmallVector<int64_t> strides = stridesOf(*shape);
  for (int64_t i = 0, n = out.numElements(); i < n; ++i)
    out.data[i] = static_cast<double>((i / strides[axis]) % (*shape)[axis]);
  return out;
}

FailureOr<Tensor> evalBroadcast(tg::BroadcastOp op, Operands in) {
  const Tensor &x = *in[0];
  // The operands after the first are the `dynamic_dims`, one per `?`.
  FailureOr<std::vector<int64_t>> shape = shapeWithDynamicDims(
      op, op.getType(), in.slice(1, op.getDynamicDims().size()));
  if (failed(shape))
    return failure();
  size_t rank = shape->size(), skip = rank - x.shape.size();
  for (size_t d = 0; d < x.shape.size(); ++d)
    if (x.shape[d] != 1 && x.shape[d] != (*shape)[skip + d])
      return op.emitError("cannot broadcast ")
             << x.shapeStr() << " to " << shapeStr(*shape);
  Tensor out(x.elementType, *shape);
  if (out.numElements() == 0)
    return out;
  SmallVector<int64_t> strides = stridesOf(x.shape);
  SmallVector<int64_t> index(rank, 0);
  int64_t i = 0;
  do {
    int64_t from = 0;
    for (size_t d = 0; d < x.shape.size(); ++d)
      if (x.shape[d] != 1)
        from += index[skip + d] * strides[d];
    copyElement(x, from, out, i++);
  } while (nextIndex(index, *shape));
  return out;
}

FailureOr<Tensor> evalSlice(tg::SliceOp op, Operands in) {
  const Tensor &x = *in[0];
  ArrayRef<int64_t> strides = op.getStrides();
  // Each `?` offset and size from its `index` operand, in order.
  std::vector<int64_t> offsets(op.getOffsets()), sizes(op.getSizes());
  size_t next = 1;
  for (std::vector<int64_t> *v : {&offsets, &sizes})
    for (int64_t &e : *v)
      if (ShapedType::isDynamic(e))
        e = static_cast<int64_t>(in[next++]->data[0]);
  for (size_t d = 0; d < x.shape.size(); ++d)
    if (sizes[d] < 0 ||
        (sizes[d] > 0 &&
         (offsets[d] < 0 ||
          offsets[d] + (sizes[d] - 1) * strides[d] >= x.shape[d])))
      return op.emitError("slice dim ")
             << d << " (offset " << offsets[d] << ", size " << sizes[d]
             << ", stride " << strides[d] << ") reaches past the operand's "
             << x.shape[d] << " elements";
  std::vector<int64_t> shape(sizes);
  Tensor out(x.elementType, shape);
  if (out.numElements() == 0)
    return out;
  SmallVector<int64_t> xStrides = stridesOf(x.shape);
  SmallVector<int64_t> index(shape.size(), 0);
  int64_t i = 0;
  do {
    int64_t from = 0;
    for (size_t d = 0; d < shape.size(); ++d)
      from += (offsets[d] + index[d] * strides[d]) * xStrides[d];
    copyElement(x, from, out, i++);
  } while (nextIndex(index, shape));
  return out;
}

FailureOr<Tensor> evalConcat(tg::ConcatOp op, Operands in) {
  int64_t axis = op.getAxis();
  std::vector<int64_t> shape = in[0]->shape;
  shape[axis] = 0;
  for (const Tensor *t : in) {
    for (size_t d = 0; d < shape.size(); ++d)
      if (static_cast<int64_t>(d) != axis && t->shape[d] != shape[d])
        return op.emitError("inputs ")
               << in[0]->shapeStr() << " and " << t->shapeStr()
               << " differ in dim " << d
               << ", which is not the concatenation axis";
    shape[axis] += t->shape[axis];
  }
  Tensor out(elementTypeOf(op), shape);
  // Row-major: for each prefix before the axis, each input's block in turn.
  int64_t outer = numElements(ArrayRef<int64_t>(shape).take_front(axis));
  int64_t w = out.width(), at = 0;
  for (int64_t o = 0; o < outer; ++o)
    for (const Tensor *t : in) {
      int64_t block =
          numElements(ArrayRef<int64_t>(t->shape).drop_front(axis)) * w;
      std::copy_n(t->data.begin() + o * block, block, out.data.begin() + at);
      at += block;
    }
  return out;
}

FailureOr<Tensor> evalPad(tg::PadOp op, Operands in) {
  const Tensor &x = *in[0];
  ArrayRef<int64_t> low = op.getLow(), high = op.getHigh();
  std::vector<int64_t> shape = x.shape;
  for (size_t d = 0; d < shape.size(); ++d)
    shape[d] += low[d] + high[d];
  Tensor out(x.elementType, shape);
  double fill;
  Attribute value = op.getValue();
  if (auto f = dyn_cast<FloatAttr>(value))
    fill = f.getValueAsDouble();
  else if (auto i = dyn_cast<IntegerAttr>(value))
    fill = i.getValue().getBitWidth() == 1
               ? static_cast<double>(i.getValue().getZExtValue())
               : static_cast<double>(i.getValue().getSExtValue());
  else
    return op.emitError("cannot evaluate a pad value ") << value;
  // (A complex tensor has no real-valued pad value; the verifier rejects it.)
  int64_t w = out.width();
  for (int64_t i = 0, n = out.numElements(); i < n; ++i)
    out.data[i * w] = fill;
  if (x.numElements() == 0)
    return out;
  SmallVector<int64_t> outStrides = stridesOf(shape);
  SmallVector<int64_t> index(x.shape.size(), 0);
  int64_t i = 0;
  do {
    int64_t to = 0;
    for (size_t d = 0; d < index.size(); ++d)
      to += (index[d] + low[d]) * outStrides[d];
    copyElement(x, i++, out, to);
  } while (nextIndex(index, x.shape));
  return out;
}

// The split of a gather/scatter operand around `axis`: `outer` slices before
// it, `dim` entries along it, `inner` elements after it.
struct AxisSplit {
  int64_t outer, dim, inner;
};
AxisSplit splitAt(ArrayRef<int64_t> shape, int64_t axis) {
  return {numElements(shape.take_front(axis)), shape[axis],
          numElements(shape.drop_front(axis + 1))};
}

// An index clamped into [0, dim), as the dialect defines for both ops.
int64_t clampIndex(double v, int64_t dim) {
  return std::clamp<int64_t>(toInt(v), 0, std::max<int64_t>(dim - 1, 0));
}

FailureOr<Tensor> evalGather(tg::GatherOp op, Operands in) {
  const Tensor &x = *in[0], &indices = *in[1];
  int64_t axis = op.getAxis();
  AxisSplit s = splitAt(x.shape, axis);
  std::vector<int64_t> shape(x.shape.begin(), x.shape.begin() + axis);
  shape.insert(shape.end(), indices.shape.begin(), indices.shape.end());
  shape.insert(shape.end(), x.shape.begin() + axis + 1, x.shape.end());
  Tensor out(x.elementType, shape);
  int64_t count = indices.numElements();
  if (count > 0 && s.dim == 0 && out.numElements() > 0)
    return op.emitError("cannot gather from an empty axis ") << axis;
  for (int64_t o = 0; o < s.outer; ++o)
    for (int64_t k = 0; k < count; ++k) {
      int64_t row = clampIndex(indices.data[k], s.dim);
      for (int64_t e = 0; e < s.inner; ++e)
        copyElement(x, (o * s.dim + row) * s.inner + e, out,
                    (o * count + k) * s.inner + e);
    }
  return out;
}

FailureOr<Tensor> evalScatter(tg::ScatterOp op, Operands in) {
  const Tensor &x = *in[0], &indices = *in[1], &updates = *in[2];
  int64_t axis = op.getAxis();
  AxisSplit s = splitAt(x.shape, axis);
  int64_t count = indices.numElements();
  std::vector<int64_t> expected(x.shape.begin(), x.shape.begin() + axis);
  expected.insert(expected.end(), indices.shape.begin(), indices.shape.end());
  expected.insert(expected.end(), x.shape.begin() + axis + 1, x.shape.end());
  if (updates.shape != expected)
    return op.emitError("updates shape ")
           << updates.shapeStr() << " is not the gathered shape "
           << shapeStr(expected);
  Tensor out = x;
  if (count > 0 && s.dim == 0 && updates.numElements() > 0)
    return op.emitError("cannot scatter into an empty axis ") << axis;
  bool accumulate = op.getAccumulate();
  int64_t w = out.width();
  // Row-major order over the updates, so the last write to a slot wins.
  for (int64_t o = 0; o < s.outer; ++o)
    for (int64_t k = 0; k < count; ++k) {
      int64_t row = clampIndex(indices.data[k], s.dim);
      for (int64_t e = 0; e < s.inner; ++e) {
        int64_t to = (o * s.dim + row) * s.inner + e;
        int64_t from = (o * count + k) * s.inner + e;
        for (int64_t j = 0; j < w; ++j)
          out.data[to * w + j] =
              accumulate ? out.data[to * w + j] + updates.data[from * w + j]
                         : updates.data[from * w + j];
      }
    }
  return out;
}

} // namespace

FamilyResult evalLayout(Operation *op, Operands in) {
  return llvm::TypeSwitch<Operation *, FamilyResult>(op)
      .Case([&](tg::TransposeOp op) { return evalTranspose(op, in); })
      .Case([&](tg::ReshapeOp op) { return evalReshape(op, in); })
      .Case([&](tg::BroadcastOp op) { return evalBroadcast(op, in); })
      .Case([&](tg::IotaOp op) { return evalIota(op, in); })
      .Case([&](tg::SliceOp op) { return evalSlice(op, in); })
      .Case([&](tg::ConcatOp op) { return evalConcat(op, in); })
      .Case([&](tg::PadOp op) { return evalPad(op, in); })
      .Case([&](tg::GatherOp op) { return evalGather(op, in); })
      .Case([&](tg::ScatterOp op) { return evalScatter(op, in); })
      .Default([](Operation *) { return std::nullopt; });
}

} // namespace tessera::reference::detail
