// Verifiers and builders of the elementwise families: arithmetic with
// rank-0 broadcast, comparison and selection, casts, and the stateless
// random ops (random numbers and dropout).
#include "TGraphUtils.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace tessera::tgraph::detail;

namespace tessera::tgraph {

RankedTensorType inferScalarBroadcastType(Type lhs, Type rhs) {
  auto l = cast<RankedTensorType>(lhs), r = cast<RankedTensorType>(rhs);
  return l.getRank() == 0 && r.getRank() != 0 ? r : l;
}

//===----------------------------------------------------------------------===//
// CompareOp
//===----------------------------------------------------------------------===//

void CompareOp::build(OpBuilder &b, OperationState &state,
                      ComparePredicate predicate, Value lhs, Value rhs) {
  RankedTensorType shape =
      inferScalarBroadcastType(lhs.getType(), rhs.getType());
  build(b, state, shape.clone(b.getI1Type()), predicate, lhs, rhs);
}

LogicalResult CompareOp::verify() {
  Type lhs = getLhs().getType().getElementType();
  Type rhs = getRhs().getType().getElementType();
  if (lhs != rhs)
    return emitOpError("operand element types ")
           << lhs << " and " << rhs << " differ";
  return verifyScalarBroadcastShapes(*this, getOperands(), getType());
}

//===----------------------------------------------------------------------===//
// SelectOp
//===----------------------------------------------------------------------===//

void SelectOp::build(OpBuilder &b, OperationState &state, Value cond,
                     Value trueValue, Value falseValue) {
  // The shape of the first operand that is not rank 0.
  auto type = cast<RankedTensorType>(trueValue.getType());
  ArrayRef<int64_t> shape = type.getShape();
  for (Value v : {trueValue, falseValue, cond})
    if (auto t = cast<RankedTensorType>(v.getType()); t.getRank() != 0) {
      shape = t.getShape();
      break;
    }
  build(b, state, RankedTensorType::get(shape, type.getElementType()), cond,
        trueValue, falseValue);
}

LogicalResult SelectOp::verify() {
  if (failed(verifySameElementType(*this, {getTrueValue(), getFalseValue()},
                                   getType())))
    return failure();
  return verifyScalarBroadcastShapes(*this, getOperands(), getType());
}

//===----------------------------------------------------------------------===//
// CastOp
//===----------------------------------------------------------------------===//

void CastOp::build(OpBuilder &b, OperationState &state, Value operand,
                   Type elementType) {
  build(b, state, cast<RankedTensorType>(operand.getType()).clone(elementType),
        operand);
}

LogicalResult CastOp::verify() {
  RankedTensorType from = getOperand().getType(), to = getType();
  if (!shapesAgree(from.getShape(), to.getShape()))
    return emitOpError("operand type ")
           << from << " and result type " << to << " differ in shape";
  return success();
}

LogicalResult ImagOp::verify() {
  if (!shapesAgree(getOperand().getType().getShape(), getType().getShape()))
    return emitOpError("operand type ")
           << getOperand().getType() << " and result type " << getType()
           << " differ in shape";
  return success();
}

// Each part has the result's shape or is rank 0.
LogicalResult ComplexOp::verify() {
  for (Value part : {getRe(), getIm()}) {
    auto t = cast<RankedTensorType>(part.getType());
    if (t.getRank() != 0 && !shapesAgree(t.getShape(), getType().getShape()))
      return emitOpError("part type ")
             << t << " is neither rank 0 nor of the result's shape "
             << getType();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Random numbers and dropout
//===----------------------------------------------------------------------===//

static LogicalResult verifyRandom(Operation *op, RankedTensorType type,
                                  size_t numDimOperands) {
  int64_t dynamic = type.getNumDynamicDims();
  if (static_cast<int64_t>(numDimOperands) != dynamic)
    return op->emitOpError("result type ")
           << type << " has " << dynamic << " dynamic dims but "
           << numDimOperands << " dim operands";
  return success();
}

LogicalResult RandomUniformOp::verify() {
  return verifyRandom(*this, getType(), getDynamicDims().size());
}

LogicalResult RandomNormalOp::verify() {
  return verifyRandom(*this, getType(), getDynamicDims().size());
}

LogicalResult DropoutOp::verify() {
  double p = getPAttr().getValueAsDouble();
  if (!(p >= 0 && p < 1))
    return emitOpError("p must be in [0, 1), got ") << p;
  return success();
}

} // namespace tessera::tgraph
