// The derivative rules of Graph IR operators, as an op interface: each op
// states its own vector-Jacobian and Jacobian-vector products, and the
// autodiff transformation (--tgraph-differentiate) only composes them.
#ifndef TESSERA_TGRAPH_DIFFERENTIABLE_OP_INTERFACE
#define TESSERA_TGRAPH_DIFFERENTIABLE_OP_INTERFACE

include "mlir/IR/OpBase.td"

def TGraph_DifferentiableOpInterface : OpInterface<"DifferentiableOpInterface"> {
  let cppNamespace = "::tessera::tgraph";
  let description = [{
    An operator with exact derivative rules. Both methods build Graph IR at
    the builder's insertion point, after the op itself, and may use the op's
    operands and results (the primal values). A null value stands for a
    zero: a result nobody reads back, or an operand that does not depend
    on the inputs being differentiated. Rules return null for operands that
    have no derivative (integer indices, labels, seeds).
  }];
  let methods = [
    InterfaceMethod<[{
        Reverse mode: given the cotangents of the results (null: zero; at
        least one is not null), sets `operandCotangents` to one value per
        operand, of that operand's type, or null.
      }], "::mlir::LogicalResult", "buildVJP",
      (ins "::mlir::OpBuilder &":$builder,
           "::mlir::ArrayRef<::mlir::Value>":$resultCotangents,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$operandCotangents)>,
    InterfaceMethod<[{
        Forward mode: given the tangents of the operands (null: zero; at
        least one is not null), sets `resultTangents` to one value per
        result, of that result's type, or null.
      }], "::mlir::LogicalResult", "buildJVP",
      (ins "::mlir::OpBuilder &":$builder,
           "::mlir::ArrayRef<::mlir::Value>":$operandTangents,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$resultTangents)>
  ];
}

def TGraph_Differentiable
    : DeclareOpInterfaceMethods<TGraph_DifferentiableOpInterface>;

#endif // TESSERA_TGRAPH_DIFFERENTIABLE_OP_INTERFACE
