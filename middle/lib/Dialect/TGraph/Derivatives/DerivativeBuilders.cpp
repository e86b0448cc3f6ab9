// The Graph IR that derivative rules emit (see Derivatives.h).
#include "tessera/Dialect/TGraph/Derivatives.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace tessera::tgraph {

static RankedTensorType tensorOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

Value RuleBuilder::add(Value x, Value y) {
  if (!x)
    return y;
  if (!y)
    return x;
  return b.create<AddOp>(loc, x, y);
}

Value RuleBuilder::sub(Value x, Value y) {
  if (!y)
    return x;
  if (!x)
    return neg(y);
  return b.create<SubOp>(loc, x, y);
}

Value RuleBuilder::mul(Value x, Value y) { return b.create<MulOp>(loc, x, y); }
Value RuleBuilder::div(Value x, Value y) { return b.create<DivOp>(loc, x, y); }
Value RuleBuilder::neg(Value x) { return b.create<NegOp>(loc, x.getType(), x); }

Value RuleBuilder::scalar(Type elem, double value) {
  TypedAttr attr =
      isa<FloatType>(elem)
          ? TypedAttr(b.getFloatAttr(elem, value))
          : TypedAttr(b.getIntegerAttr(elem, static_cast<int64_t>(value)));
  return b.create<ConstantOp>(loc, RankedTensorType::get({}, elem), attr);
}

Value RuleBuilder::scalarLike(Value like, double value) {
  return scalar(tensorOf(like).getElementType(), value);
}

Value RuleBuilder::compare(ComparePredicate predicate, Value x, Value y) {
  return b.create<CompareOp>(loc, predicate, x, y);
}

Value RuleBuilder::select(Value cond, Value x, Value y) {
  return b.create<SelectOp>(loc, cond, x, y);
}

SmallVector<Value> RuleBuilder::dynamicDims(Value like) {
  SmallVector<Value> dims;
  RankedTensorType t = tensorOf(like);
  for (int64_t i = 0; i < t.getRank(); ++i)
    if (t.isDynamicDim(i))
      dims.push_back(b.create<tensor::DimOp>(loc, like, i));
  return dims;
}

SmallVector<Value> RuleBuilder::dimsFrom(RankedTensorType type, Value like,
                                         ArrayRef<int64_t> fromDims) {
  SmallVector<Value> dims;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i))
      dims.push_back(b.create<tensor::DimOp>(loc, like, fromDims[i]));
  return dims;
}

Value RuleBuilder::zerosLike(Value like) {
  RankedTensorType t = tensorOf(like);
  Value zero = scalar(t.getElementType(), 0.0);
  if (t.getRank() == 0)
    return zero;
  return b.create<BroadcastOp>(loc, t, zero, dynamicDims(like));
}

Value RuleBuilder::broadcastLike(Value x, Value like) {
  RankedTensorType xt = tensorOf(x), lt = tensorOf(like);
  auto type = RankedTensorType::get(lt.getShape(), xt.getElementType());
  if (xt == type)
    return x;
  return b.create<BroadcastOp>(loc, type, x, dynamicDims(like));
}

Value RuleBuilder::sumLike(Value x, Value like) {
  RankedTensorType xt = tensorOf(x), lt = tensorOf(like);
  if (xt.getShape() == lt.getShape() && xt.getRank() == lt.getRank())
    return x;
  if (lt.getRank() == 0)
    return sum(x, llvm::to_vector(llvm::seq<int64_t>(0, xt.getRank())), false);
  // Leading dims that `like` lacks, then dims where `like` has 1 and `x`
  // does not (a static 1 in both is left alone).
  int64_t lead = xt.getRank() - lt.getRank();
  SmallVector<int64_t> leading = llvm::to_vector(llvm::seq<int64_t>(0, lead));
  Value r = leading.empty() ? x : sum(x, leading, false);
  SmallVector<int64_t> ones;
  for (int64_t i = 0; i < lt.getRank(); ++i)
    if (lt.getDimSize(i) == 1 && xt.getDimSize(i + lead) != 1)
      ones.push_back(i);
  if (!ones.empty())
    r = sum(r, ones, true);
  return r;
}

Value RuleBuilder::reshape(Value x, RankedTensorType type, Value source,
                           ArrayRef<int64_t> fromDims) {
  if (tensorOf(x) == type)
    return x;
  return b.create<ReshapeOp>(loc, type, x, dimsFrom(type, source, fromDims));
}

Value RuleBuilder::keepDims(Value reduced, Value operand,
                            ArrayRef<int64_t> axes) {
  RankedTensorType ot = tensorOf(operand);
  SmallVector<int64_t> shape, from;
  for (int64_t i = 0; i < ot.getRank(); ++i) {
    bool isReduced = llvm::is_contained(axes, i);
    shape.push_back(isReduced ? 1 : ot.getDimSize(i));
    from.push_back(isReduced ? -1 : i);
  }
  auto type = RankedTensorType::get(shape, tensorOf(reduced).getElementType());
  return reshape(reduced, type, operand, from);
}

Value RuleBuilder::sum(Value x, ArrayRef<int64_t> axes, bool keepdims) {
  return b.create<ReduceSumOp>(loc, x, axes, keepdims);
}

Value RuleBuilder::count(Value operand, ArrayRef<int64_t> axes, Type elem) {
  RankedTensorType t = tensorOf(operand);
  if (!elem)
    elem = t.getElementType();
  int64_t known = 1;
  Value dynamic;
  for (int64_t axis : axes) {
    if (!t.isDynamicDim(axis)) {
      known *= t.getDimSize(axis);
      continue;
    }
    Value d = b.create<tensor::DimOp>(loc, operand, axis);
    dynamic = dynamic ? b.create<arith::MulIOp>(loc, dynamic, d) : d;
  }
  if (!dynamic)
    return scalar(elem, static_cast<double>(known));
  Value n = b.create<arith::IndexCastOp>(loc, b.getI64Type(), dynamic);
  Value t0;
  if (isa<FloatType>(elem) && elem.getIntOrFloatBitWidth() <= 16) {
    // bf16, f16 and fp8 have no conversion in host code: the count goes to
    // a kernel as an integer and is cast there (rounded once).
    t0 = b.create<CastOp>(
        loc, RankedTensorType::get({}, elem),
        b.create<tensor::FromElementsOp>(
            loc, RankedTensorType::get({}, b.getI64Type()), ValueRange{n}));
  } else {
    Value f = b.create<arith::SIToFPOp>(loc, elem, n);
    t0 = b.create<tensor::FromElementsOp>(loc, RankedTensorType::get({}, elem),
                                          ValueRange{f});
  }
  return known == 1 ? t0 : mul(t0, scalar(elem, static_cast<double>(known)));
}

Value RuleBuilder::transposeLast2(Value x) {
  int64_t rank = tensorOf(x).getRank();
  SmallVector<int64_t> perm = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  std::swap(perm[rank - 1], perm[rank - 2]);
  return b.create<TransposeOp>(loc, x, perm);
}

bool isDifferentiableType(Type type) {
  // Scalars count too: a float read out of an active tensor (tensor.extract)
  // is active, and an op with no rule on that path must be reported rather
  // than silently give a zero derivative.
  if (auto t = dyn_cast<RankedTensorType>(type))
    type = t.getElementType();
  return isa<FloatType, ComplexType>(type);
}

} // namespace tessera::tgraph
