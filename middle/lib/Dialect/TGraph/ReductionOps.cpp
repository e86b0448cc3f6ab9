// Verifiers and builders of the reductions and of the ops built on them:
// softmax, normalisation and the losses.
#include "TGraphUtils.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace tessera::tgraph::detail;

namespace tessera::tgraph {

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

RankedTensorType inferReduceType(Type operand, ArrayRef<int64_t> axes,
                                 bool keepdims) {
  auto type = cast<RankedTensorType>(operand);
  SmallVector<int64_t> shape;
  for (auto [i, dim] : llvm::enumerate(type.getShape())) {
    if (!llvm::is_contained(axes, static_cast<int64_t>(i)))
      shape.push_back(dim);
    else if (keepdims)
      shape.push_back(1);
  }
  return RankedTensorType::get(shape, type.getElementType());
}

template <typename ReduceOp> static LogicalResult verifyReduce(ReduceOp op) {
  RankedTensorType operand = op.getOperand().getType();
  ArrayRef<int64_t> axes = op.getAxes();
  for (auto [i, axis] : llvm::enumerate(axes)) {
    if (failed(verifyAxis(op, axis, operand.getRank())))
      return failure();
    if (llvm::is_contained(axes.take_front(i), axis))
      return op.emitOpError("axis ") << axis << " is repeated in axes";
  }
  return verifyResultType(op, inferReduceType(operand, axes, op.getKeepdims()));
}

LogicalResult ReduceSumOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceMeanOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceMaxOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceMinOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceProdOp::verify() { return verifyReduce(*this); }

//===----------------------------------------------------------------------===//
// Softmax and normalisation
//===----------------------------------------------------------------------===//

LogicalResult SoftmaxOp::verify() {
  return verifyAxis(*this, getAxisAttr().getInt(),
                    getOperand().getType().getRank());
}

LogicalResult LogSoftmaxOp::verify() {
  return verifyAxis(*this, getAxisAttr().getInt(),
                    getOperand().getType().getRank());
}

template <typename NormOp> static LogicalResult verifyNorm(NormOp op) {
  RankedTensorType operand = op.getOperand().getType();
  int64_t axis = op.getAxisAttr().getInt();
  if (failed(verifyAxis(op, axis, operand.getRank())))
    return failure();
  double epsilon = op.getEpsilonAttr().getValueAsDouble();
  if (!(epsilon >= 0))
    return op.emitOpError("epsilon must be non-negative, got ") << epsilon;
  auto expected = RankedTensorType::get({operand.getDimSize(axis)},
                                        operand.getElementType());
  for (auto [name, value] :
       {std::pair<StringRef, Value>{"scale", op.getScale()},
        std::pair<StringRef, Value>{"bias", op.getBias()}}) {
    if (!value)
      continue;
    auto type = cast<RankedTensorType>(value.getType());
    if (!typesAgree(type, expected))
      return op.emitOpError()
             << name << " must have type " << expected << " (the size of axis "
             << axis << "), got " << type;
  }
  return success();
}

LogicalResult LayerNormOp::verify() { return verifyNorm(*this); }
LogicalResult RMSNormOp::verify() { return verifyNorm(*this); }

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

void CrossEntropyOp::build(OpBuilder &b, OperationState &state, Value logits,
                           Value labels) {
  Type element = cast<RankedTensorType>(logits.getType()).getElementType();
  build(b, state, RankedTensorType::get({}, element), logits, labels);
}

LogicalResult CrossEntropyOp::verify() {
  RankedTensorType logits = getLogits().getType(),
                   labels = getLabels().getType();
  if (logits.getRank() == 0)
    return emitOpError("logits must have rank >= 1, got ") << logits;
  if (labels.getRank() != logits.getRank() - 1)
    return emitOpError("labels must have rank ")
           << logits.getRank() - 1 << " (one less than the logits), got "
           << labels;
  for (int64_t d = 0; d < labels.getRank(); ++d)
    if (!dimsAgree(labels.getDimSize(d), logits.getDimSize(d)))
      return emitOpError("labels dim ") << d << " (" << labels.getDimSize(d)
                                        << ") does not match logits dim " << d
                                        << " (" << logits.getDimSize(d) << ")";
  return verifyResultType(*this,
                          RankedTensorType::get({}, logits.getElementType()));
}

void MSEOp::build(OpBuilder &b, OperationState &state, Value lhs, Value rhs) {
  Type element = cast<RankedTensorType>(lhs.getType()).getElementType();
  build(b, state, RankedTensorType::get({}, element), lhs, rhs);
}

LogicalResult MSEOp::verify() {
  RankedTensorType lhs = getLhs().getType(), rhs = getRhs().getType();
  if (!typesAgree(lhs, rhs))
    return emitOpError("operand types ")
           << lhs << " and " << rhs << " do not agree";
  return verifyResultType(*this,
                          RankedTensorType::get({}, lhs.getElementType()));
}

} // namespace tessera::tgraph
