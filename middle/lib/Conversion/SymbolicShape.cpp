#include "tessera/Conversion/SymbolicShape.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "tessera/Dialect/TGraph/TGraph.h"
#include "tessera/Dialect/TSched/TSched.h"

using namespace mlir;

namespace tessera {

ArrayAttr symbolicShape(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type)
    return {};
  if (type.getRank() == 0)
    return ArrayAttr::get(value.getContext(), {});
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    Operation *owner = arg.getOwner()->getParentOp();
    if (auto fn = dyn_cast<func::FuncOp>(owner))
      return fn.getArgAttrOfType<ArrayAttr>(arg.getArgNumber(),
                                            tgraph::kShapeAttr);
    if (auto group = dyn_cast<tsched::FusionGroupOp>(owner))
      return symbolicShape(group.getInputs()[arg.getArgNumber()]);
    return {};
  }
  Operation *def = value.getDefiningOp();
  if (auto group = dyn_cast<tsched::FusionGroupOp>(def))
    return group.getShape();
  for (Value operand : def->getOperands())
    if (cast<RankedTensorType>(operand.getType()).getRank() != 0)
      return symbolicShape(operand);
  return {};
}

} // namespace tessera
