// Verifiers and builders of the layout family: transpose, reshape,
// broadcast, slice, concat, pad, gather and scatter.
#include "TGraphUtils.h"

#include "mlir/IR/Builders.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace tessera::tgraph::detail;

namespace tessera::tgraph {

//===----------------------------------------------------------------------===//
// TransposeOp
//===----------------------------------------------------------------------===//

static bool isPermutation(ArrayRef<int64_t> permutation, int64_t rank) {
  if (static_cast<int64_t>(permutation.size()) != rank)
    return false;
  SmallVector<bool> seen(rank, false);
  for (int64_t p : permutation) {
    if (p < 0 || p >= rank || seen[p])
      return false;
    seen[p] = true;
  }
  return true;
}

static RankedTensorType inferTransposeType(RankedTensorType operand,
                                           ArrayRef<int64_t> permutation) {
  SmallVector<int64_t> shape;
  for (int64_t p : permutation)
    shape.push_back(p >= 0 && p < operand.getRank() ? operand.getDimSize(p)
                                                    : ShapedType::kDynamic);
  return RankedTensorType::get(shape, operand.getElementType());
}

void TransposeOp::build(OpBuilder &b, OperationState &state, Value operand,
                        ArrayRef<int64_t> permutation) {
  build(b, state,
        inferTransposeType(cast<RankedTensorType>(operand.getType()),
                           permutation),
        operand, permutation);
}

LogicalResult TransposeOp::verify() {
  RankedTensorType operand = getOperand().getType();
  if (!isPermutation(getPermutation(), operand.getRank()))
    return emitOpError("permutation ")
           << listStr(getPermutation()) << " does not permute the "
           << operand.getRank() << " dims of " << operand;
  return verifyResultType(*this, inferTransposeType(operand, getPermutation()));
}

//===----------------------------------------------------------------------===//
// ReshapeOp
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  RankedTensorType operand = getOperand().getType(), result = getType();
  if (failed(verifySameElementType(*this, getOperand(), result)))
    return failure();
  int64_t dynamic = result.getNumDynamicDims();
  int64_t dims = static_cast<int64_t>(getDynamicDims().size());
  if (dims != 0 && dims != dynamic)
    return emitOpError("result type ")
           << result << " has " << dynamic << " dynamic dims but " << dims
           << " dim operands";
  if (dims == 0 && dynamic > 1)
    return emitOpError("result type ")
           << result << " has " << dynamic
           << " dynamic dims: give their sizes as dim operands";
  if (operand.hasStaticShape() && result.hasStaticShape() &&
      operand.getNumElements() != result.getNumElements())
    return emitOpError("operand ")
           << operand << " has " << operand.getNumElements()
           << " elements but result " << result << " has "
           << result.getNumElements();
  return success();
}

//===----------------------------------------------------------------------===//
// BroadcastOp
//===----------------------------------------------------------------------===//

LogicalResult BroadcastOp::verify() {
  RankedTensorType operand = getOperand().getType(), result = getType();
  if (failed(verifySameElementType(*this, getOperand(), result)))
    return failure();
  int64_t rank = operand.getRank(), resultRank = result.getRank();
  if (static_cast<int64_t>(getDynamicDims().size()) !=
      result.getNumDynamicDims())
    return emitOpError("result type ")
           << result << " has " << result.getNumDynamicDims()
           << " dynamic dims but " << getDynamicDims().size()
           << " dim operands";
  if (rank > resultRank)
    return emitOpError("operand rank ")
           << rank << " exceeds result rank " << resultRank;
  for (int64_t i = 0; i < rank; ++i) {
    int64_t j = i + resultRank - rank;
    int64_t dim = operand.getDimSize(i), resultDim = result.getDimSize(j);
    if (dim != 1 && !dimsAgree(dim, resultDim))
      return emitOpError("operand dim ")
             << i << " (" << dim << ") is neither 1 nor result dim " << j
             << " (" << resultDim << ")";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// IotaOp
//===----------------------------------------------------------------------===//

LogicalResult IotaOp::verify() {
  RankedTensorType result = getType();
  if (getAxis() >= static_cast<uint64_t>(result.getRank()))
    return emitOpError("axis ")
           << getAxis() << " is out of range for rank " << result.getRank();
  if (static_cast<int64_t>(getDynamicDims().size()) !=
      result.getNumDynamicDims())
    return emitOpError("result type ")
           << result << " has " << result.getNumDynamicDims()
           << " dynamic dims but " << getDynamicDims().size()
           << " dim operands";
  return success();
}

//===----------------------------------------------------------------------===//
// SliceOp
//===----------------------------------------------------------------------===//

void SliceOp::build(OpBuilder &b, OperationState &state, Value operand,
                    ArrayRef<int64_t> offsets, ArrayRef<int64_t> sizes,
                    ArrayRef<int64_t> strides) {
  auto type = RankedTensorType::get(
      sizes, cast<RankedTensorType>(operand.getType()).getElementType());
  build(b, state, type, operand, ValueRange{}, ValueRange{}, offsets, sizes,
        strides);
}

void SliceOp::build(OpBuilder &b, OperationState &state, Value operand,
                    ArrayRef<OpFoldResult> offsets,
                    ArrayRef<OpFoldResult> sizes, ArrayRef<int64_t> strides) {
  // Each known value in the attribute, each other a `?` and an operand.
  auto split = [](ArrayRef<OpFoldResult> mixed, SmallVectorImpl<int64_t> &ints,
                  SmallVectorImpl<Value> &values) {
    for (OpFoldResult m : mixed) {
      if (auto a = dyn_cast<Attribute>(m)) {
        ints.push_back(cast<IntegerAttr>(a).getInt());
        continue;
      }
      ints.push_back(ShapedType::kDynamic);
      values.push_back(cast<Value>(m));
    }
  };
  SmallVector<int64_t> staticOffsets, staticSizes;
  SmallVector<Value> dynamicOffsets, dynamicSizes;
  split(offsets, staticOffsets, dynamicOffsets);
  split(sizes, staticSizes, dynamicSizes);
  auto type = RankedTensorType::get(
      staticSizes, cast<RankedTensorType>(operand.getType()).getElementType());
  build(b, state, type, operand, dynamicOffsets, dynamicSizes, staticOffsets,
        staticSizes, strides);
}

// The `index` operand of the `i`th entry of `values`, or the integer.
static OpFoldResult mixedAt(Builder b, ArrayRef<int64_t> values,
                            OperandRange operands, unsigned i) {
  if (!ShapedType::isDynamic(values[i]))
    return b.getIndexAttr(values[i]);
  return operands[llvm::count_if(values.take_front(i), ShapedType::isDynamic)];
}

OpFoldResult SliceOp::getMixedOffset(unsigned i) {
  return mixedAt(Builder(getContext()), getOffsets(), getDynamicOffsets(), i);
}
OpFoldResult SliceOp::getMixedSize(unsigned i) {
  return mixedAt(Builder(getContext()), getSizes(), getDynamicSizes(), i);
}

LogicalResult SliceOp::verify() {
  RankedTensorType operand = getOperand().getType();
  ArrayRef<int64_t> offsets = getOffsets(), sizes = getSizes(),
                    strides = getStrides();
  size_t rank = operand.getRank();
  if (offsets.size() != rank || sizes.size() != rank || strides.size() != rank)
    return emitOpError("offsets, sizes and strides must have ")
           << rank << " entries each (the operand rank), got " << offsets.size()
           << ", " << sizes.size() << " and " << strides.size();
  auto dynamicCount = [](ArrayRef<int64_t> v) {
    return static_cast<size_t>(llvm::count_if(v, ShapedType::isDynamic));
  };
  if (dynamicCount(offsets) != getDynamicOffsets().size() ||
      dynamicCount(sizes) != getDynamicSizes().size())
    return emitOpError("has ")
           << dynamicCount(offsets) << " run-time offsets and "
           << dynamicCount(sizes) << " run-time sizes but "
           << getDynamicOffsets().size() << " and " << getDynamicSizes().size()
           << " index operands";
  for (size_t i = 0; i < rank; ++i) {
    int64_t offset = offsets[i], size = sizes[i], stride = strides[i];
    if (stride <= 0)
      return emitOpError("dim ")
             << i << ": stride " << stride << " is not positive";
    if (!ShapedType::isDynamic(offset) && offset < 0)
      return emitOpError("dim ")
             << i << ": offset " << offset << " is negative";
    if (!ShapedType::isDynamic(size) && size < 0)
      return emitOpError("dim ") << i << ": size " << size << " is negative";
    // What is known here is checked here; the rest at run time.
    int64_t dim = operand.getDimSize(i);
    if (ShapedType::isDynamic(offset) || ShapedType::isDynamic(size) ||
        size == 0 || ShapedType::isDynamic(dim))
      continue;
    uint64_t last =
        llvm::SaturatingMultiplyAdd<uint64_t>(size - 1, stride, offset);
    if (last >= static_cast<uint64_t>(dim))
      return emitOpError("dim ")
             << i << ": offset " << offset << ", size " << size
             << " and stride " << stride << " reach index " << last
             << ", past the operand's size " << dim;
  }
  return verifyResultType(
      *this, RankedTensorType::get(sizes, operand.getElementType()));
}

//===----------------------------------------------------------------------===//
// ConcatOp
//===----------------------------------------------------------------------===//

static RankedTensorType inferConcatType(ValueRange inputs, int64_t axis) {
  auto first = cast<RankedTensorType>(inputs.front().getType());
  SmallVector<int64_t> shape(first.getRank(), ShapedType::kDynamic);
  int64_t sum = 0;
  for (Value input : inputs) {
    auto type = cast<RankedTensorType>(input.getType());
    for (int64_t d = 0; d < std::min(first.getRank(), type.getRank()); ++d) {
      int64_t dim = type.getDimSize(d);
      if (d == axis)
        sum = ShapedType::isDynamic(sum) || ShapedType::isDynamic(dim)
                  ? ShapedType::kDynamic
                  : sum + dim;
      else if (ShapedType::isDynamic(shape[d]))
        shape[d] = dim;
    }
  }
  if (axis >= 0 && axis < first.getRank())
    shape[axis] = sum;
  return RankedTensorType::get(shape, first.getElementType());
}

void ConcatOp::build(OpBuilder &b, OperationState &state, ValueRange inputs,
                     int64_t axis) {
  build(b, state, inferConcatType(inputs, axis), inputs,
        b.getI64IntegerAttr(axis));
}

LogicalResult ConcatOp::verify() {
  ValueRange inputs = getInputs();
  if (inputs.empty())
    return emitOpError("expects at least one input");
  auto first = cast<RankedTensorType>(inputs.front().getType());
  for (Value input : inputs.drop_front()) {
    auto type = cast<RankedTensorType>(input.getType());
    if (type.getRank() != first.getRank())
      return emitOpError("inputs must have one rank, got ")
             << first << " and " << type;
    if (type.getElementType() != first.getElementType())
      return emitOpError("inputs must have one element type, got ")
             << first.getElementType() << " and " << type.getElementType();
  }
  int64_t axis = getAxisAttr().getInt();
  if (failed(verifyAxis(*this, axis, first.getRank())))
    return failure();
  // Every dim but the axis agrees across the inputs: compare each input with
  // the first that has that dim static.
  for (int64_t d = 0; d < first.getRank(); ++d) {
    if (d == axis)
      continue;
    std::optional<size_t> known;
    for (auto [i, input] : llvm::enumerate(inputs)) {
      int64_t dim = cast<RankedTensorType>(input.getType()).getDimSize(d);
      if (ShapedType::isDynamic(dim))
        continue;
      if (!known) {
        known = i;
        continue;
      }
      int64_t other =
          cast<RankedTensorType>(inputs[*known].getType()).getDimSize(d);
      if (dim != other)
        return emitOpError("inputs ")
               << *known << " and " << i << " differ in dim " << d << " ("
               << other << " vs " << dim
               << "), which is not the concatenation axis";
    }
  }
  return verifyResultType(*this, inferConcatType(inputs, axis));
}

//===----------------------------------------------------------------------===//
// PadOp
//===----------------------------------------------------------------------===//

static RankedTensorType inferPadType(RankedTensorType operand,
                                     ArrayRef<int64_t> low,
                                     ArrayRef<int64_t> high) {
  SmallVector<int64_t> shape(operand.getShape());
  for (auto [i, dim] : llvm::enumerate(shape))
    if (!ShapedType::isDynamic(dim) && i < low.size() && i < high.size())
      dim += low[i] + high[i];
  return RankedTensorType::get(shape, operand.getElementType());
}

void PadOp::build(OpBuilder &b, OperationState &state, Value operand,
                  ArrayRef<int64_t> low, ArrayRef<int64_t> high,
                  TypedAttr value) {
  build(b, state,
        inferPadType(cast<RankedTensorType>(operand.getType()), low, high),
        operand, low, high, value);
}

LogicalResult PadOp::verify() {
  RankedTensorType operand = getOperand().getType();
  ArrayRef<int64_t> low = getLow(), high = getHigh();
  size_t rank = operand.getRank();
  if (low.size() != rank || high.size() != rank)
    return emitOpError("low and high must have ")
           << rank << " entries each (the operand rank), got " << low.size()
           << " and " << high.size();
  auto negative = [](int64_t v) { return v < 0; };
  if (llvm::any_of(low, negative) || llvm::any_of(high, negative))
    return emitOpError("low and high must be non-negative, got low = ")
           << listStr(low) << ", high = " << listStr(high);
  Type valueType = cast<TypedAttr>(getValue()).getType();
  if (valueType != operand.getElementType())
    return emitOpError("value of type ")
           << valueType << " does not match the element type "
           << operand.getElementType();
  return verifyResultType(*this, inferPadType(operand, low, high));
}

//===----------------------------------------------------------------------===//
// GatherOp, ScatterOp
//===----------------------------------------------------------------------===//

// operand.shape[:axis] ++ indices.shape ++ operand.shape[axis+1:]
static RankedTensorType inferGatherType(RankedTensorType operand,
                                        RankedTensorType indices,
                                        int64_t axis) {
  ArrayRef<int64_t> shape = operand.getShape();
  size_t split = std::clamp<int64_t>(axis, 0, shape.size());
  SmallVector<int64_t> result(shape.take_front(split));
  llvm::append_range(result, indices.getShape());
  if (split < shape.size())
    llvm::append_range(result, shape.drop_front(split + 1));
  return RankedTensorType::get(result, operand.getElementType());
}

void GatherOp::build(OpBuilder &b, OperationState &state, Value operand,
                     Value indices, int64_t axis) {
  build(b, state,
        inferGatherType(cast<RankedTensorType>(operand.getType()),
                        cast<RankedTensorType>(indices.getType()), axis),
        operand, indices, b.getI64IntegerAttr(axis));
}

LogicalResult GatherOp::verify() {
  RankedTensorType operand = getOperand().getType();
  int64_t axis = getAxisAttr().getInt();
  if (failed(verifyAxis(*this, axis, operand.getRank())))
    return failure();
  return verifyResultType(
      *this, inferGatherType(operand, getIndices().getType(), axis));
}

LogicalResult ScatterOp::verify() {
  RankedTensorType operand = getOperand().getType();
  int64_t axis = getAxisAttr().getInt();
  if (failed(verifyAxis(*this, axis, operand.getRank())))
    return failure();
  RankedTensorType expected =
      inferGatherType(operand, getIndices().getType(), axis);
  RankedTensorType updates = getUpdates().getType();
  if (!typesAgree(updates, expected))
    return emitOpError("updates type ")
           << updates << " does not match the gathered type " << expected;
  return success();
}

} // namespace tessera::tgraph
