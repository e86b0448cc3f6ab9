// The tgraph dialect (Graph IR).
#pragma once

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace tessera::tgraph {

mlir::LogicalResult verifyElementwiseScalarBroadcast(mlir::Operation *op);

template <typename ConcreteType>
class ElementwiseScalarBroadcast
    : public mlir::OpTrait::TraitBase<ConcreteType,
                                      ElementwiseScalarBroadcast> {
public:
  static mlir::LogicalResult verifyTrait(mlir::Operation *op) {
    return verifyElementwiseScalarBroadcast(op);
  }
};

// Result types that the ODS builders infer (see TGraphOps.td). Both expect
// ranked tensor types and return a best effort for operands the verifier
// rejects.
mlir::RankedTensorType inferScalarBroadcastType(mlir::Type lhs, mlir::Type rhs);
mlir::RankedTensorType inferReduceType(mlir::Type operand,
                                       llvm::ArrayRef<int64_t> axes,
                                       bool keepdims);

// Attribute names shared by every level (see the dialect description).
constexpr const char *kEntryAttr = "tgraph.entry";
constexpr const char *kDimsAttr = "tgraph.dims";
constexpr const char *kNameAttr = "tgraph.name";
constexpr const char *kShapeAttr = "tgraph.shape";

} // namespace tessera::tgraph

#include "tessera/Dialect/TGraph/DifferentiableOpInterface.h.inc"
#include "tessera/Dialect/TGraph/TGraphOpsDialect.h.inc"
#include "tessera/Dialect/TGraph/TGraphOpsEnums.h.inc"

#define GET_OP_CLASSES
#include "tessera/Dialect/TGraph/TGraphOps.h.inc"
