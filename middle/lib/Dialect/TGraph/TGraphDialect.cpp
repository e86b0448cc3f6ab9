#include "tessera/Dialect/TGraph/TGraph.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;

namespace tessera::tgraph {

void TGraphDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "tessera/Dialect/TGraph/TGraphOps.cpp.inc"
      >();
}

LogicalResult verifyElementwiseScalarBroadcast(Operation *op) {
  auto result = cast<RankedTensorType>(op->getResult(0).getType());
  for (Value operand : op->getOperands()) {
    auto type = cast<RankedTensorType>(operand.getType());
    if (type.getElementType() != result.getElementType())
      return op->emitOpError("operand element type ")
             << type.getElementType() << " does not match result element type "
             << result.getElementType();
    if (type.getRank() == 0)
      continue;
    if (type.getShape() != result.getShape())
      return op->emitOpError("operand shape ")
             << type << " is neither rank 0 nor the result shape " << result;
  }
  return success();
}

LogicalResult ConstantOp::verify() {
  auto value = cast<TypedAttr>(getValue());
  if (value.getType() != getType().getElementType())
    return emitOpError("value of type ")
           << value.getType() << " does not match result element type "
           << getType().getElementType();
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

} // namespace tessera::tgraph

#include "tessera/Dialect/TGraph/TGraphOpsDialect.cpp.inc"

#define GET_OP_CLASSES
#include "tessera/Dialect/TGraph/TGraphOps.cpp.inc"
