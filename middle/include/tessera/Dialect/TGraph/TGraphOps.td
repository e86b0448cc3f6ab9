// tgraph: Tessera's Graph IR. Operators on whole tensors, before any
// scheduling decision; the level of operator algebra, rewrites and autodiff.
#ifndef TESSERA_TGRAPH_OPS
#define TESSERA_TGRAPH_OPS

include "mlir/IR/OpBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def TGraph_Dialect : Dialect {
  let name = "tgraph";
  let cppNamespace = "::tessera::tgraph";
  let summary = "Tessera Graph IR: operators on whole tensors";
  let description = [{
    Values are builtin ranked tensors. A dimension the source writes as a
    symbol (`N`) is dynamic (`?`) in the tensor type; functions carry the
    symbols as attributes: `tgraph.entry` marks an exported entry point,
    `tgraph.dims` lists its symbolic dims in order, and each argument and
    result has `tgraph.name` and `tgraph.shape` (an array of integers and
    symbol names).
  }];
}

class TGraph_Op<string mnemonic, list<Trait> traits = []>
    : Op<TGraph_Dialect, mnemonic, traits>;

// Operands have the result's element type; each has the result's shape or is
// a rank-0 scalar that is broadcast.
def TGraph_ElementwiseScalarBroadcast
    : NativeOpTrait<"ElementwiseScalarBroadcast"> {
  let cppNamespace = "::tessera::tgraph";
}

class TGraph_BinaryOp<string mnemonic, string what>
    : TGraph_Op<mnemonic, [Pure, TGraph_ElementwiseScalarBroadcast]> {
  let summary = "elementwise " # what;
  let description = "Elementwise " # what # [{ of two tensors of one dtype.
    A rank-0 operand is broadcast to the other's shape.

    ```mlir
    %c = tgraph.}] # mnemonic # [{ %a, %b : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
}

def TGraph_AddOp : TGraph_BinaryOp<"add", "addition">;
def TGraph_SubOp : TGraph_BinaryOp<"sub", "subtraction">;
def TGraph_MulOp : TGraph_BinaryOp<"mul", "multiplication">;
def TGraph_DivOp : TGraph_BinaryOp<"div", "division">;

def TGraph_NegOp
    : TGraph_Op<"neg", [Pure, TGraph_ElementwiseScalarBroadcast]> {
  let summary = "elementwise negation";
  let arguments = (ins AnyRankedTensor:$operand);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$operand attr-dict `:` type($operand) `->` type($result)";
}

def TGraph_ConstantOp : TGraph_Op<"constant", [Pure, ConstantLike]> {
  let summary = "a scalar constant";
  let description = [{
    A rank-0 tensor holding `value`; elementwise ops broadcast it.

    ```mlir
    %two = tgraph.constant 2.0 : f32 -> tensor<f32>
    ```
  }];
  let arguments = (ins TypedAttrInterface:$value);
  let results = (outs 0DTensorOf<[AnyType]>:$result);
  let assemblyFormat = "$value attr-dict `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // TESSERA_TGRAPH_OPS
