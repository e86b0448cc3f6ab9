// tgraph: Tessera's Graph IR. Operators on whole tensors, before any
// scheduling decision; the level of operator algebra, rewrites and autodiff.
//
// The ops are grouped by family, in this order: arithmetic (the elementwise
// binary ops and constants the code generator lowers today), elementwise
// unary math, comparison and selection, casts, linear algebra (matmul,
// solve), layout (transpose, reshape, broadcast, slice, concat, pad, gather,
// scatter), reductions, normalisation and losses, Fourier transforms, the
// fixed-point region op, and stateless random numbers.
#ifndef TESSERA_TGRAPH_OPS
#define TESSERA_TGRAPH_OPS

include "mlir/IR/OpBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/SymbolInterfaces.td"
include "tessera/Dialect/TGraph/DifferentiableOpInterface.td"

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

    Verifiers treat a `?` dim as unknown but consistent: a check that
    involves a `?` passes (two dims agree when they are equal or either is
    `?`), and a check between two static dims must hold. Where an op's
    result type follows from its operands and attributes, the declared
    result must agree with it in that sense, and the op has a builder that
    infers it. Axes are integers in `[0, rank)`; the frontend resolves the
    language's negative axes before it builds Graph IR.
  }];
  // c64 constants are complex numbers (#complex.number).
  let dependentDialects = ["::mlir::complex::ComplexDialect"];
}

class TGraph_Op<string mnemonic, list<Trait> traits = []>
    : Op<TGraph_Dialect, mnemonic, traits>;

// Element type classes. The language's integers are signless (i8 to i64),
// its `bool` is i1 and its `c64` is complex<f32>.
def TGraph_Int : SignlessIntOfWidths<[8, 16, 32, 64]>;
def TGraph_FloatTensor : RankedTensorOf<[AnyFloat]>;
def TGraph_IntTensor : RankedTensorOf<[TGraph_Int]>;
def TGraph_NumericTensor : RankedTensorOf<[TGraph_Int, AnyFloat]>;
def TGraph_BoolTensor : RankedTensorOf<[I1]>;
def TGraph_F32Tensor : RankedTensorOf<[F32]>;
def TGraph_ComplexTensor : RankedTensorOf<[Complex<F32>]>;

// Groups of ops in the generated documentation, one per family below.
def TGraph_ArithmeticGroup : OpDocGroup {
  let summary = "Arithmetic";
  let description = [{
    Elementwise binary arithmetic with rank-0 broadcast, negation and
    scalar constants: the ops the code generator lowers today.
  }];
}

def TGraph_UnaryGroup : OpDocGroup {
  let summary = "Elementwise math";
  let description = [{
    Elementwise unary functions; the result has the operand's type.
    `exp` to `silu` take floating-point tensors, `abs`, `relu` and
    `square` integers too.
  }];
}

def TGraph_CompareGroup : OpDocGroup {
  let summary = "Comparison and selection";
  let description = [{
    Elementwise comparison to `i1` tensors and selection by an `i1`
    condition, with the rank-0 broadcast of the arithmetic ops.
  }];
}

def TGraph_CastGroup : OpDocGroup {
  let summary = "Casts and complex parts";
  let description = [{
    Element type conversion; complex numbers from and into their parts.
  }];
}

def TGraph_LinalgGroup : OpDocGroup {
  let summary = "Linear algebra";
  let description = [{
    Matrix products with batch broadcasting, and linear solves.
  }];
}

def TGraph_LayoutGroup : OpDocGroup {
  let summary = "Layout";
  let description = [{
    Ops that move, repeat, select or add elements without arithmetic:
    transpose, reshape, broadcast, slice, concat, pad, gather and
    scatter.
  }];
}

def TGraph_ReductionGroup : OpDocGroup {
  let summary = "Reductions";
  let description = [{
    Sum, mean, maximum, minimum and product over a set of axes, in the
    fixed order the numerics policy defines.
  }];
}

def TGraph_NormGroup : OpDocGroup {
  let summary = "Normalisation and losses";
  let description = [{
    Softmax and log-softmax, layer and RMS normalisation along an axis,
    and the scalar losses.
  }];
}

def TGraph_FourierGroup : OpDocGroup {
  let summary = "Fourier transforms";
  let description = [{
    Discrete Fourier transforms along the last dim, complex and real.
  }];
}

def TGraph_FixedPointGroup : OpDocGroup {
  let summary = "Fixed points";
  let description = [{
    Iteration of a map, given as a region, to its fixed point.
  }];
}

def TGraph_AutodiffGroup : OpDocGroup {
  let summary = "Automatic differentiation";
  let description = [{
    Derivatives of functions, as operators on function symbols. Each names a
    `func.func` and takes that function's inputs; the derivative code they
    stand for is produced by the autodiff transformation.
  }];
}

def TGraph_RandomGroup : OpDocGroup {
  let summary = "Random numbers";
  let description = [{
    Stateless random tensors and dropout: pure functions of a seed and
    the element index.
  }];
}

//===----------------------------------------------------------------------===//
// Arithmetic: elementwise binary ops with rank-0 broadcast, and constants.
//===----------------------------------------------------------------------===//

// Operands have the result's element type; each has the result's shape or is
// a rank-0 scalar that is broadcast.
def TGraph_ElementwiseScalarBroadcast
    : NativeOpTrait<"ElementwiseScalarBroadcast"> {
  let cppNamespace = "::tessera::tgraph";
}

let opDocGroup = TGraph_ArithmeticGroup in {

class TGraph_BinaryOp<string mnemonic, string what>
    : TGraph_Op<mnemonic, [Pure, TGraph_Differentiable, TGraph_ElementwiseScalarBroadcast]> {
  let summary = "elementwise " # what;
  let description = [{
    Elementwise }] # what # [{ of two tensors of one dtype.
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
  // The result type is the type of the operand that is not rank 0 (lhs when
  // both are).
  let builders = [
    OpBuilder<(ins "::mlir::Value":$lhs, "::mlir::Value":$rhs), [{
      build($_builder, $_state,
            inferScalarBroadcastType(lhs.getType(), rhs.getType()), lhs, rhs);
    }]>
  ];
}

def TGraph_AddOp : TGraph_BinaryOp<"add", "addition">;
def TGraph_SubOp : TGraph_BinaryOp<"sub", "subtraction">;
def TGraph_MulOp : TGraph_BinaryOp<"mul", "multiplication">;
def TGraph_DivOp : TGraph_BinaryOp<"div", "division">;
def TGraph_PowOp : TGraph_BinaryOp<"pow", "power (`lhs` raised to `rhs`)">;
def TGraph_MaxOp : TGraph_BinaryOp<"max", "maximum">;
def TGraph_MinOp : TGraph_BinaryOp<"min", "minimum">;
def TGraph_RemOp
    : TGraph_Op<"rem", [Pure, TGraph_Differentiable, TGraph_ElementwiseScalarBroadcast]> {
  let summary = "elementwise remainder";
  let description = [{
    `lhs - trunc(lhs / rhs) * rhs` elementwise, exactly, with the sign of
    `lhs` (the language's `%`). On floating point it is C's `fmod`: NaN when
    `rhs` is 0, `lhs` is infinite or either is NaN, `lhs` when `rhs` is
    infinite. On integers it is the truncated remainder (`x % -1` is 0); by
    0 it is not defined. A rank-0 operand is broadcast to the other's shape.

    ```mlir
    %c = tgraph.rem %a, %b : tensor<?xf32>, tensor<f32> -> tensor<?xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$lhs, "::mlir::Value":$rhs), [{
      build($_builder, $_state,
            inferScalarBroadcastType(lhs.getType(), rhs.getType()), lhs, rhs);
    }]>
  ];
}

def TGraph_NegOp
    : TGraph_Op<"neg", [Pure, TGraph_Differentiable, TGraph_ElementwiseScalarBroadcast]> {
  let summary = "elementwise negation";
  let description = [{
    ```mlir
    %y = tgraph.neg %x : tensor<?xf32> -> tensor<?xf32>
    ```
  }];
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

} // opDocGroup = TGraph_ArithmeticGroup

//===----------------------------------------------------------------------===//
// Elementwise unary math: the result has the operand's type.
//===----------------------------------------------------------------------===//

let opDocGroup = TGraph_UnaryGroup in {

class TGraph_UnaryOp<string mnemonic, string what, Type type>
    : TGraph_Op<mnemonic, [Pure, TGraph_Differentiable, AllTypesMatch<["operand", "result"]>]> {
  let summary = "elementwise " # what;
  let description = [{
    Elementwise }] # what # [{; the result has the operand's type.

    ```mlir
    %y = tgraph.}] # mnemonic # [{ %x : tensor<?x4xf32>
    ```
  }];
  let arguments = (ins type:$operand);
  let results = (outs type:$result);
  let assemblyFormat = "$operand attr-dict `:` type($operand)";
}

// Floating-point only.
def TGraph_ExpOp : TGraph_UnaryOp<"exp", "exponential `e^x`",
                                  TGraph_FloatTensor>;
def TGraph_LogOp : TGraph_UnaryOp<"log", "natural logarithm",
                                  TGraph_FloatTensor>;
def TGraph_Log1pOp : TGraph_UnaryOp<"log1p", "`log(1 + x)`, accurate near 0",
                                    TGraph_FloatTensor>;
def TGraph_SqrtOp : TGraph_UnaryOp<"sqrt", "square root", TGraph_FloatTensor>;
def TGraph_RsqrtOp : TGraph_UnaryOp<"rsqrt", "reciprocal square root "
                                    "`1 / sqrt(x)`", TGraph_FloatTensor>;
def TGraph_SinOp : TGraph_UnaryOp<"sin", "sine", TGraph_FloatTensor>;
def TGraph_CosOp : TGraph_UnaryOp<"cos", "cosine", TGraph_FloatTensor>;
def TGraph_TanhOp : TGraph_UnaryOp<"tanh", "hyperbolic tangent",
                                   TGraph_FloatTensor>;
def TGraph_SigmoidOp : TGraph_UnaryOp<"sigmoid", "logistic sigmoid "
                                      "`1 / (1 + exp(-x))`",
                                      TGraph_FloatTensor>;
def TGraph_GeluOp : TGraph_UnaryOp<"gelu", "GELU `x * Phi(x)` (the exact "
                                   "erf form)", TGraph_FloatTensor>;
def TGraph_SiluOp : TGraph_UnaryOp<"silu", "SiLU `x * sigmoid(x)`",
                                   TGraph_FloatTensor>;
// Integers and floating point.
def TGraph_AbsOp : TGraph_UnaryOp<"abs", "absolute value",
                                  TGraph_NumericTensor>;
def TGraph_ReluOp : TGraph_UnaryOp<"relu", "rectifier `max(x, 0)`",
                                   TGraph_NumericTensor>;
def TGraph_SquareOp : TGraph_UnaryOp<"square", "square `x * x`",
                                     TGraph_NumericTensor>;

} // opDocGroup = TGraph_UnaryGroup

//===----------------------------------------------------------------------===//
// Comparison and selection.
//===----------------------------------------------------------------------===//

def TGraph_ComparePredicateAttr
    : I32EnumAttr<"ComparePredicate", "an elementwise comparison", [
        I32EnumAttrCase<"eq", 0>, I32EnumAttrCase<"ne", 1>,
        I32EnumAttrCase<"lt", 2>, I32EnumAttrCase<"le", 3>,
        I32EnumAttrCase<"gt", 4>, I32EnumAttrCase<"ge", 5>
      ]> {
  let cppNamespace = "::tessera::tgraph";
}

let opDocGroup = TGraph_CompareGroup in {

def TGraph_CompareOp : TGraph_Op<"compare", [Pure]> {
  let summary = "elementwise comparison";
  let description = [{
    Compares two tensors of one element type elementwise with `predicate`
    (`eq ne lt le gt ge`); the result is an `i1` tensor. Operand shapes follow
    the rule of `tgraph.add`: each operand has the result's shape or is rank
    0. Integers compare as signed; floating-point comparisons are ordered
    (false when either side is NaN) except `ne`, which is true then.

    ```mlir
    %m = tgraph.compare lt, %a, %b : tensor<?xf32>, tensor<f32> -> tensor<?xi1>
    ```
  }];
  let arguments = (ins TGraph_ComparePredicateAttr:$predicate,
                       AnyRankedTensor:$lhs, AnyRankedTensor:$rhs);
  let results = (outs TGraph_BoolTensor:$result);
  let assemblyFormat = [{
    $predicate `,` $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->`
    type($result)
  }];
  let builders = [
    OpBuilder<(ins "ComparePredicate":$predicate, "::mlir::Value":$lhs,
                   "::mlir::Value":$rhs)>
  ];
  let hasVerifier = 1;
}

def TGraph_SelectOp : TGraph_Op<"select", [Pure, TGraph_Differentiable]> {
  let summary = "elementwise choice between two tensors";
  let description = [{
    `cond ? true_value : false_value` elementwise. The values have the
    result's element type; `cond` is an `i1` tensor. Each operand has the
    result's shape or is rank 0 (broadcast), as for `tgraph.add`.

    ```mlir
    %r = tgraph.select %c, %a, %b : tensor<?xi1>, tensor<?xf32>, tensor<f32> -> tensor<?xf32>
    ```
  }];
  let arguments = (ins TGraph_BoolTensor:$cond, AnyRankedTensor:$true_value,
                       AnyRankedTensor:$false_value);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $cond `,` $true_value `,` $false_value attr-dict `:` type($cond) `,`
    type($true_value) `,` type($false_value) `->` type($result)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$cond, "::mlir::Value":$trueValue,
                   "::mlir::Value":$falseValue)>
  ];
  let hasVerifier = 1;
}

} // opDocGroup = TGraph_CompareGroup

//===----------------------------------------------------------------------===//
// Casts.
//===----------------------------------------------------------------------===//

let opDocGroup = TGraph_CastGroup in {

def TGraph_CastOp : TGraph_Op<"cast", [Pure, TGraph_Differentiable]> {
  let summary = "element type conversion";
  let description = [{
    Converts each element to the result's element type; the shape is kept.
    Float to float rounds to nearest even; float to integer truncates toward
    zero (saturating); integer to integer sign-extends or truncates; `i1`
    converts as 0 and 1, and to `i1` as `x != 0`. A real converts to a
    complex number with a zero imaginary part, and a complex number to a
    float by keeping its real part.

    ```mlir
    %h = tgraph.cast %x : tensor<?x4xf32> -> tensor<?x4xbf16>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$operand);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$operand attr-dict `:` type($operand) `->` type($result)";
  let builders = [
    OpBuilder<(ins "::mlir::Value":$operand, "::mlir::Type":$elementType)>
  ];
  let hasVerifier = 1;
}

def TGraph_ConjOp : TGraph_Op<"conj", [Pure, TGraph_Differentiable,
                                       AllTypesMatch<["operand", "result"]>]> {
  let summary = "complex conjugate";
  let description = [{
    `re - i im` elementwise: the imaginary part's sign flipped, exactly.
    With a transpose of the last two dims it is the Hilbert adjoint `x.H`
    of a matrix, and `conj(conj(x))` folds to `x` under any policy.

    ```mlir
    %y = tgraph.conj %z : tensor<?x4xcomplex<f32>>
    ```
  }];
  let arguments = (ins TGraph_ComplexTensor:$operand);
  let results = (outs TGraph_ComplexTensor:$result);
  let assemblyFormat = "$operand attr-dict `:` type($operand)";
}

def TGraph_ImagOp : TGraph_Op<"imag", [Pure, TGraph_Differentiable]> {
  let summary = "imaginary part";
  let description = [{
    The imaginary part of each complex element, as f32 (the real part is
    `tgraph.cast` to f32).

    ```mlir
    %y = tgraph.imag %z : tensor<?x4xcomplex<f32>> -> tensor<?x4xf32>
    ```
  }];
  let arguments = (ins TGraph_ComplexTensor:$operand);
  let results = (outs TGraph_F32Tensor:$result);
  let assemblyFormat = "$operand attr-dict `:` type($operand) `->` type($result)";
  let hasVerifier = 1;
}

def TGraph_ComplexOp : TGraph_Op<"complex", [Pure, TGraph_Differentiable]> {
  let summary = "a complex number from its parts";
  let description = [{
    `re + i im` elementwise from two f32 tensors of the result's shape; a
    rank-0 part is broadcast.

    ```mlir
    %z = tgraph.complex %re, %im : tensor<?x4xf32>, tensor<f32> -> tensor<?x4xcomplex<f32>>
    ```
  }];
  let arguments = (ins TGraph_F32Tensor:$re, TGraph_F32Tensor:$im);
  let results = (outs TGraph_ComplexTensor:$result);
  let assemblyFormat = [{
    $re `,` $im attr-dict `:` type($re) `,` type($im) `->` type($result)
  }];
  let hasVerifier = 1;
}

} // opDocGroup = TGraph_CastGroup

//===----------------------------------------------------------------------===//
// Linear algebra.
//===----------------------------------------------------------------------===//

let opDocGroup = TGraph_LinalgGroup in {

def TGraph_MatmulOp : TGraph_Op<"matmul", [Pure, TGraph_Differentiable]> {
  let summary = "matrix product with batch broadcasting";
  let description = [{
    `[..., m, k] x [..., k, n] -> [..., m, n]`. `transpose_lhs` reads the lhs
    as `[..., k, m]`, `transpose_rhs` the rhs as `[..., n, k]`. The batch
    dims (all but the last two) broadcast by numpy's rules. A rank-1 operand
    is a vector: a rank-1 lhs `[k]` contributes no `m` dim to the result and
    a rank-1 rhs `[k]` no `n` dim (transposing one is an error). Both
    operands and the result have one element type. `tile`, when present, is
    an explicit tile hint `(BM, BN, BK)` for the scheduler.

    ```mlir
    %c = tgraph.matmul %a, %b {tile = array<i64: 64, 64, 32>, transpose_rhs = true}
        : tensor<8x?x64xf32>, tensor<128x64xf32> -> tensor<8x?x128xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs,
                       DefaultValuedAttr<BoolAttr, "false">:$transpose_lhs,
                       DefaultValuedAttr<BoolAttr, "false">:$transpose_rhs,
                       OptionalAttr<DenseI64ArrayAttr>:$tile);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$lhs, "::mlir::Value":$rhs,
                   CArg<"bool", "false">:$transposeLhs,
                   CArg<"bool", "false">:$transposeRhs,
                   CArg<"::mlir::DenseI64ArrayAttr", "{}">:$tile)>
  ];
  let hasVerifier = 1;
}

def TGraph_SolveOp
    : TGraph_Op<"solve", [Pure, TGraph_Differentiable, AllTypesMatch<["rhs", "result"]>]> {
  let summary = "solution of a linear system";
  let description = [{
    The `x` with `matrix * x = rhs`, for a square `matrix` `[n, n]` and a
    right-hand side `[n]` or `[n, k]`; the result has the right-hand side's
    type. Batched: a `matrix` `[b..., n, n]` with a right-hand side
    `[b..., n]` or `[b..., n, k]` (the same batch dims) solves each system
    on its own. Its adjoint uses the implicit function theorem (a solve with
    the transposed matrix).

    ```mlir
    %x = tgraph.solve %A, %b : tensor<?x?xf64>, tensor<?xf64>
    ```
  }];
  let arguments = (ins TGraph_FloatTensor:$matrix, TGraph_FloatTensor:$rhs);
  let results = (outs TGraph_FloatTensor:$result);
  let assemblyFormat = [{
    $matrix `,` $rhs attr-dict `:` type($matrix) `,` type($rhs)
  }];
  let hasVerifier = 1;
}

def TGraph_AttentionOp
    : TGraph_Op<"attention", [Pure, TGraph_Differentiable]> {
  let summary = "scaled dot-product attention, computed without the scores";
  let description = [{
    `softmax(scale * query keyᵀ, last axis) value` for `query [b..., s, d]`,
    `key [b..., t, d]` and `value [b..., t, e]` (the same batch dims, no
    broadcasting); the result is `[b..., s, e]`. `scale` is a rank-0
    tensor of the element type. The `[s, t]` scores are never stored: the
    kernel takes the keys of a query one after another, keeping the
    softmax's running maximum and sum (docs/ir/cpu-backend.md,
    "Attention"). The graph rewrite --tgraph-form-attention makes this op
    from the matmuls and softmax it stands for, where the policy is not
    strict (its sums run in another order). Its adjoint is
    `tgraph.attention_grad`.

    With the optional second result `lse` (f32, `[b..., s]`), the op also
    gives each query's log-sum-exp `max_j z_j + log Σ_j exp(z_j - max)` of
    its scaled scores `z`, for the adjoint to read instead of recomputing
    the scores (--tgraph-attention-residuals adds it). A target may keep
    it in units of its own (the CUDA kernels: base 2), which only its
    `attention_grad` reads.

    ```mlir
    %o = tgraph.attention %q, %k, %v scale(%c : tensor<f32>)
        : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32> -> tensor<?x?x64xf32>
    %o2, %lse = tgraph.attention %q, %k, %v scale(%c : tensor<f32>)
        : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32> -> tensor<?x?x64xf32>
        lse tensor<?x?xf32>
    ```
  }];
  let arguments = (ins TGraph_FloatTensor:$query, TGraph_FloatTensor:$key,
                       TGraph_FloatTensor:$value, TGraph_FloatTensor:$scale);
  let results = (outs TGraph_FloatTensor:$result,
                      Optional<TGraph_FloatTensor>:$lse);
  let assemblyFormat = [{
    $query `,` $key `,` $value `scale` `(` $scale `:` type($scale) `)` attr-dict
    `:` type($query) `,` type($key) `,` type($value) `->` type($result)
    (`lse` type($lse)^)?
  }];
  let hasVerifier = 1;
}

def TGraph_AttentionGradOp
    : TGraph_Op<"attention_grad", [Pure, TGraph_Differentiable,
                                   AllTypesMatch<["query", "query_grad"]>,
                                   AllTypesMatch<["key", "key_grad"]>,
                                   AllTypesMatch<["value", "value_grad"]>,
                                   AllTypesMatch<["result", "result_grad"]>]> {
  let summary = "the cotangents of attention's query, key and value";
  let description = [{
    For `result = tgraph.attention(query, key, value, scale)` and the
    result's cotangent `result_grad`: with `p` the softmax of a query's
    scores, `value_grad = pᵀ result_grad`, and with `ds = p (result_grad
    valueᵀ - rowsum(result_grad * result))`, `query_grad = scale ds key`
    and `key_grad = scale dsᵀ query`. Like the forward op it never stores
    the `[s, t]` matrices: one kernel computes each query's log-sum-exp
    (or, given the forward op's `lse`, only `rowsum(result_grad *
    result)`), one each key's cotangents over the queries in order, one
    each query's over the keys. `scale` has no cotangent (the rewrite only forms
    attention with a scale that does not depend on the inputs). Its own
    derivative rules (second derivatives through attention: an `hvp`, a
    gradient of a gradient) go through the matmuls and softmax it stands
    for, which store the `[s, t]` matrices.

    ```mlir
    %dq, %dk, %dv = tgraph.attention_grad %q, %k, %v scale(%c : tensor<f32>)
        result(%o : tensor<?x?x64xf32>) result_grad(%do)
        : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32>
    %dq2, %dk2, %dv2 = tgraph.attention_grad %q, %k, %v scale(%c : tensor<f32>)
        result(%o2 : tensor<?x?x64xf32>) result_grad(%do)
        lse(%lse : tensor<?x?xf32>)
        : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32>
    ```
  }];
  let arguments = (ins TGraph_FloatTensor:$query, TGraph_FloatTensor:$key,
                       TGraph_FloatTensor:$value, TGraph_FloatTensor:$scale,
                       TGraph_FloatTensor:$result,
                       TGraph_FloatTensor:$result_grad,
                       Optional<TGraph_FloatTensor>:$lse);
  let results = (outs TGraph_FloatTensor:$query_grad,
                      TGraph_FloatTensor:$key_grad,
                      TGraph_FloatTensor:$value_grad);
  let assemblyFormat = [{
    $query `,` $key `,` $value `scale` `(` $scale `:` type($scale) `)`
    `result` `(` $result `:` type($result) `)` `result_grad` `(` $result_grad `)`
    (`lse` `(` $lse^ `:` type($lse) `)`)?
    attr-dict `:` type($query) `,` type($key) `,` type($value)
  }];
  let hasVerifier = 1;
}

} // opDocGroup = TGraph_LinalgGroup

//===----------------------------------------------------------------------===//
// Layout: transpose, reshape, broadcast, slice, concat, pad, gather, scatter.
//===----------------------------------------------------------------------===//

let opDocGroup = TGraph_LayoutGroup in {

def TGraph_TransposeOp : TGraph_Op<"transpose", [Pure, TGraph_Differentiable]> {
  let summary = "permutation of dims";
  let description = [{
    Result dim `i` is operand dim `permutation[i]`.

    ```mlir
    %t = tgraph.transpose %x permutation = [0, 2, 1] : tensor<?x3x4xf32> -> tensor<?x4x3xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$operand,
                       DenseI64ArrayAttr:$permutation);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $operand `permutation` `=` $permutation attr-dict `:` type($operand) `->`
    type($result)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$operand,
                   "::llvm::ArrayRef<int64_t>":$permutation)>
  ];
  let hasVerifier = 1;
}

def TGraph_ReshapeOp : TGraph_Op<"reshape", [Pure, TGraph_Differentiable]> {
  let summary = "the same elements in another shape";
  let description = [{
    Reinterprets the elements, in row-major order, as the result's shape.
    The element type is kept; when both shapes are static they hold the same
    number of elements. The `?` dims of the result take their sizes from
    the `index` operands, one per `?` in order; without them the result has
    at most one `?`, whose size follows from the element count.

    ```mlir
    %r = tgraph.reshape %x : tensor<2x6xf32> -> tensor<3x4xf32>
    %s = tgraph.reshape %y dims(%b, %d) : tensor<?x?xf32> -> tensor<?x1x?xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$operand, Variadic<Index>:$dynamic_dims);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $operand (`dims` `(` $dynamic_dims^ `)`)? attr-dict `:` type($operand) `->` type($result)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Type":$result, "::mlir::Value":$operand), [{
      build($_builder, $_state, result, operand, ::mlir::ValueRange{});
    }]>
  ];
  let hasVerifier = 1;
}

def TGraph_BroadcastOp : TGraph_Op<"broadcast", [Pure, TGraph_Differentiable]> {
  let summary = "numpy broadcast to the result's shape";
  let description = [{
    Aligns the operand's dims with the result's last dims; each operand dim
    equals the result dim it meets or is 1 (then repeated). Leading result
    dims the operand lacks are repeats too. The element type is kept. Each
    `?` dim of the result takes its size from one `index` operand, in order,
    so the result's shape is known at run time without looking elsewhere.

    ```mlir
    %b = tgraph.broadcast %x dims(%n) : tensor<1x4xf32> -> tensor<?x3x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$operand, Variadic<Index>:$dynamic_dims);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $operand (`dims` `(` $dynamic_dims^ `)`)? attr-dict `:` type($operand) `->` type($result)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Type":$result, "::mlir::Value":$operand), [{
      build($_builder, $_state, result, operand, ::mlir::ValueRange{});
    }]>
  ];
  let hasVerifier = 1;
}

def TGraph_IotaOp : TGraph_Op<"iota", [Pure]> {
  let summary = "the index along an axis";
  let description = [{
    An integer tensor whose element `(i0, i1, ...)` is `i_axis`. Each `?`
    dim of the result takes its size from one `index` operand, in order.
    One-hot encodings (the adjoint of `cross_entropy`) compare against it.

    ```mlir
    %i = tgraph.iota axis = 1 dims(%n) : tensor<?x10xi64>
    ```
  }];
  let arguments = (ins I64Attr:$axis, Variadic<Index>:$dynamic_dims);
  let results = (outs TGraph_IntTensor:$result);
  let assemblyFormat = [{
    `axis` `=` $axis (`dims` `(` $dynamic_dims^ `)`)? attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
}

def TGraph_SliceOp : TGraph_Op<"slice", [Pure, TGraph_Differentiable,
                                        AttrSizedOperandSegments]> {
  let summary = "a strided box of a tensor";
  let description = [{
    Result element `(i, j, ...)` is operand element `(offsets[0] + i *
    strides[0], offsets[1] + j * strides[1], ...)`; the result's shape is
    `sizes`. One offset, size and stride per dim: an offset or a size is an
    integer, or an `index` value known at run time (`?` in the attribute,
    one `dynamic_offsets`/`dynamic_sizes` operand each, in order); strides
    are positive integers. The box lies inside the operand: where every
    extent involved is known this is checked here, otherwise the CPU entry
    checks it before it runs and fails with `TESSERA_ERROR_OUT_OF_RANGE`,
    never reading outside the operand.

    ```mlir
    %s = tgraph.slice %x offsets = [0, 2] sizes = [4, 3] strides = [2, 1]
        : tensor<?x8xf32> -> tensor<4x3xf32>
    // x[1:, 2:5] with x: f32[N, 8]: dim 0 from 1 to its end.
    %n = tensor.dim %x, %c0 : tensor<?x8xf32>
    %m = arith.subi %n, %c1 : index
    %c = tgraph.slice %x offsets = [1, 2] sizes = [%m, 3] strides = [1, 1]
        : tensor<?x8xf32> -> tensor<?x3xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$operand,
                       Variadic<Index>:$dynamic_offsets,
                       Variadic<Index>:$dynamic_sizes,
                       DenseI64ArrayAttr:$offsets, DenseI64ArrayAttr:$sizes,
                       DenseI64ArrayAttr:$strides);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $operand `offsets` `=` custom<SliceList>($dynamic_offsets, $offsets)
    `sizes` `=` custom<SliceList>($dynamic_sizes, $sizes)
    `strides` `=` $strides attr-dict `:` type($operand) `->` type($result)
  }];
  let builders = [
    // Every offset and size known.
    OpBuilder<(ins "::mlir::Value":$operand,
                   "::llvm::ArrayRef<int64_t>":$offsets,
                   "::llvm::ArrayRef<int64_t>":$sizes,
                   "::llvm::ArrayRef<int64_t>":$strides)>,
    // Each offset and size an integer or an `index` value.
    OpBuilder<(ins "::mlir::Value":$operand,
                   "::llvm::ArrayRef<::mlir::OpFoldResult>":$offsets,
                   "::llvm::ArrayRef<::mlir::OpFoldResult>":$sizes,
                   "::llvm::ArrayRef<int64_t>":$strides)>
  ];
  let extraClassDeclaration = [{
    // Offset and size of dim `i`, as an integer or an `index` value.
    ::mlir::OpFoldResult getMixedOffset(unsigned i);
    ::mlir::OpFoldResult getMixedSize(unsigned i);
  }];
  let hasVerifier = 1;
}

def TGraph_ConcatOp : TGraph_Op<"concat", [Pure, TGraph_Differentiable]> {
  let summary = "concatenation along an axis";
  let description = [{
    Joins one or more tensors of one rank and element type along `axis`; the
    other dims agree. The result's `axis` dim is the sum of the inputs'.

    ```mlir
    %c = tgraph.concat %a, %b axis = 0 : tensor<2x4xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$inputs, I64Attr:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $inputs `axis` `=` $axis attr-dict `:` type($inputs) `->` type($result)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::ValueRange":$inputs, "int64_t":$axis)>
  ];
  let hasVerifier = 1;
}

def TGraph_PadOp : TGraph_Op<"pad", [Pure, TGraph_Differentiable]> {
  let summary = "padding with a constant";
  let description = [{
    Adds `low[i]` elements before and `high[i]` after dim `i` (both
    non-negative), filled with `value`, a scalar of the element type.

    ```mlir
    %p = tgraph.pad %x low = [1, 0] high = [2, 0] value = 0.0 : f32
        : tensor<?x3xf32> -> tensor<?x3xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$operand, DenseI64ArrayAttr:$low,
                       DenseI64ArrayAttr:$high, TypedAttrInterface:$value);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $operand `low` `=` $low `high` `=` $high `value` `=` $value attr-dict `:`
    type($operand) `->` type($result)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$operand, "::llvm::ArrayRef<int64_t>":$low,
                   "::llvm::ArrayRef<int64_t>":$high,
                   "::mlir::TypedAttr":$value)>
  ];
  let hasVerifier = 1;
}

def TGraph_GatherOp : TGraph_Op<"gather", [Pure, TGraph_Differentiable]> {
  let summary = "selection of slices by index along an axis";
  let description = [{
    numpy's `take`: the result's shape is `operand.shape[:axis] ++
    indices.shape ++ operand.shape[axis+1:]`, and result element `(a..., i...,
    b...)` is operand element `(a..., indices[i...], b...)`. An index outside
    `[0, dim)` is clamped into it.

    ```mlir
    %rows = tgraph.gather %table, %ids axis = 0
        : tensor<1000x64xf32>, tensor<?x16xi64> -> tensor<?x16x64xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$operand, TGraph_IntTensor:$indices,
                       I64Attr:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $operand `,` $indices `axis` `=` $axis attr-dict `:` type($operand) `,`
    type($indices) `->` type($result)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$operand, "::mlir::Value":$indices,
                   "int64_t":$axis)>
  ];
  let hasVerifier = 1;
}

def TGraph_ScatterOp
    : TGraph_Op<"scatter", [Pure, TGraph_Differentiable, AllTypesMatch<["operand", "result"]>]> {
  let summary = "writes slices at indices along an axis";
  let description = [{
    The transpose of `tgraph.gather`: the result is `operand` with the slice
    of `updates` at `(a..., i..., b...)` written to `(a..., indices[i...],
    b...)`; `updates` has `gather`'s result shape for these operands. With
    `accumulate = true` the updates are added (the adjoint of `gather`);
    otherwise they replace, and where indices repeat the update that comes
    last in row-major order wins, so the result is deterministic. Indices
    are clamped as in `gather`.

    ```mlir
    %t = tgraph.scatter %table, %ids, %rows axis = 0 {accumulate = true}
        : tensor<1000x64xf32>, tensor<?x16xi64>, tensor<?x16x64xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$operand, TGraph_IntTensor:$indices,
                       AnyRankedTensor:$updates, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$accumulate);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $operand `,` $indices `,` $updates `axis` `=` $axis attr-dict `:`
    type($operand) `,` type($indices) `,` type($updates)
  }];
  let hasVerifier = 1;
}

} // opDocGroup = TGraph_LayoutGroup

//===----------------------------------------------------------------------===//
// Reductions.
//===----------------------------------------------------------------------===//

let opDocGroup = TGraph_ReductionGroup in {

class TGraph_ReduceOp<string mnemonic, string what, Type type>
    : TGraph_Op<mnemonic, [Pure, TGraph_Differentiable]> {
  let summary = what # " over axes";
  let description = [{
    The }] # what # [{ of the elements along `axes` (distinct, in
    `[0, rank)`; empty reduces nothing). With `keepdims` the reduced dims
    stay as 1, otherwise they are removed, so reducing every axis gives a
    rank-0 tensor. The order of the reduction is fixed by the numerics
    policy, never by how the work is split, the vector width or the
    target: over the innermost axes, each row folds in 32 lanes (lane j
    takes elements j, j+32, ... in ascending order) combined by a fixed
    tree (lanes 16 apart, then 8, 4, 2, 1); over other axes, in ascending
    order. `stable = true` asks for compensated (Neumaier) accumulation in
    that order for a floating-point sum or mean (docs/language.md §8).

    ```mlir
    %s = tgraph.}] # mnemonic # [{ %x axes = [1] {keepdims = true, stable = true}
        : tensor<?x8xf32> -> tensor<?x1xf32>
    %t = tgraph.}] # mnemonic # [{ %x axes = [0, 1] : tensor<?x8xf32> -> tensor<f32>
    ```
  }];
  let arguments = (ins type:$operand, DenseI64ArrayAttr:$axes,
                       DefaultValuedAttr<BoolAttr, "false">:$keepdims,
                       DefaultValuedAttr<BoolAttr, "false">:$stable);
  let results = (outs type:$result);
  let assemblyFormat = [{
    $operand `axes` `=` $axes attr-dict `:` type($operand) `->` type($result)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$operand, "::llvm::ArrayRef<int64_t>":$axes,
                   CArg<"bool", "false">:$keepdims,
                   CArg<"bool", "false">:$stable), [{
      build($_builder, $_state,
            inferReduceType(operand.getType(), axes, keepdims), operand,
            axes, keepdims, stable);
    }]>
  ];
  let hasVerifier = 1;
}

def TGraph_ReduceSumOp
    : TGraph_ReduceOp<"reduce_sum", "sum", TGraph_NumericTensor>;
def TGraph_ReduceMeanOp
    : TGraph_ReduceOp<"reduce_mean", "mean", TGraph_FloatTensor>;
def TGraph_ReduceMaxOp
    : TGraph_ReduceOp<"reduce_max", "maximum", TGraph_NumericTensor>;
def TGraph_ReduceMinOp
    : TGraph_ReduceOp<"reduce_min", "minimum", TGraph_NumericTensor>;
def TGraph_ReduceProdOp
    : TGraph_ReduceOp<"reduce_prod", "product", TGraph_NumericTensor>;

} // opDocGroup = TGraph_ReductionGroup

//===----------------------------------------------------------------------===//
// Normalisation and losses.
//===----------------------------------------------------------------------===//

let opDocGroup = TGraph_NormGroup in {

class TGraph_SoftmaxBase<string mnemonic, string what>
    : TGraph_Op<mnemonic, [Pure, TGraph_Differentiable, AllTypesMatch<["operand", "result"]>]> {
  let summary = what # " along an axis";
  let description = [{
    The }] # what # [{ of the operand along `axis`, computed in the
    log-sum-exp form (the maximum along the axis is subtracted first).
    The result has the operand's type.

    ```mlir
    %p = tgraph.}] # mnemonic # [{ %x axis = 1 : tensor<?x10xf32>
    ```
  }];
  let arguments = (ins TGraph_FloatTensor:$operand, I64Attr:$axis);
  let results = (outs TGraph_FloatTensor:$result);
  let assemblyFormat = "$operand `axis` `=` $axis attr-dict `:` type($operand)";
  let hasVerifier = 1;
}

def TGraph_SoftmaxOp : TGraph_SoftmaxBase<"softmax", "softmax">;
def TGraph_LogSoftmaxOp : TGraph_SoftmaxBase<"log_softmax", "log-softmax">;

class TGraph_NormBase<string mnemonic, string what, string formula>
    : TGraph_Op<mnemonic, [Pure, TGraph_Differentiable, AttrSizedOperandSegments,
                           AllTypesMatch<["operand", "result"]>]> {
  let summary = what # " along an axis";
  let description = [{
    The }] # what # " of the operand along `axis`: `" # formula #
                    [{`. `scale` and `bias`, when present, are
    rank-1 tensors of the axis's size and the operand's element type; an
    absent scale is 1 and an absent bias 0. `epsilon` is non-negative. The
    result has the operand's type.

    ```mlir
    %y = tgraph.}] # mnemonic # [{ %x scale(%g : tensor<64xf32>) bias(%b : tensor<64xf32>)
        axis = 1 epsilon = 1.0e-05 : tensor<?x64xf32>
    %z = tgraph.}] # mnemonic # [{ %x axis = 1 epsilon = 1.0e-05 : tensor<?x64xf32>
    ```
  }];
  let arguments = (ins TGraph_FloatTensor:$operand,
                       Optional<TGraph_FloatTensor>:$scale,
                       Optional<TGraph_FloatTensor>:$bias, I64Attr:$axis,
                       F64Attr:$epsilon);
  let results = (outs TGraph_FloatTensor:$result);
  let assemblyFormat = [{
    $operand (`scale` `(` $scale^ `:` type($scale) `)`)?
    (`bias` `(` $bias^ `:` type($bias) `)`)? `axis` `=` $axis
    `epsilon` `=` $epsilon attr-dict `:` type($operand)
  }];
  let hasVerifier = 1;
}

def TGraph_LayerNormOp
    : TGraph_NormBase<"layernorm", "layer normalisation",
                      "(x - mean) / sqrt(var + epsilon) * scale + bias">;
def TGraph_RMSNormOp
    : TGraph_NormBase<"rmsnorm", "RMS normalisation",
                      "x / sqrt(mean(x^2) + epsilon) * scale + bias">;

def TGraph_CrossEntropyOp : TGraph_Op<"cross_entropy", [Pure, TGraph_Differentiable]> {
  let summary = "mean softmax cross-entropy against integer labels";
  let description = [{
    For logits `[..., C]` (floating point) and labels `[...]` (integers in
    `[0, C)`), the mean over the label positions of `-log_softmax(logits)
    [..., label]`, computed in the log-sum-exp form; a rank-0 tensor of the
    logits' element type.

    ```mlir
    %l = tgraph.cross_entropy %logits, %labels : tensor<?x10xf32>, tensor<?xi64> -> tensor<f32>
    ```
  }];
  let arguments = (ins TGraph_FloatTensor:$logits, TGraph_IntTensor:$labels);
  let results = (outs 0DTensorOf<[AnyFloat]>:$result);
  let assemblyFormat = [{
    $logits `,` $labels attr-dict `:` type($logits) `,` type($labels) `->`
    type($result)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$logits, "::mlir::Value":$labels)>
  ];
  let hasVerifier = 1;
}

def TGraph_MSEOp : TGraph_Op<"mse", [Pure, TGraph_Differentiable]> {
  let summary = "mean squared error";
  let description = [{
    `mean((lhs - rhs)^2)` over every element of two tensors of one shape and
    floating-point element type; a rank-0 tensor of that element type.

    ```mlir
    %l = tgraph.mse %pred, %target : tensor<?x3xf32>, tensor<?x3xf32> -> tensor<f32>
    ```
  }];
  let arguments = (ins TGraph_FloatTensor:$lhs, TGraph_FloatTensor:$rhs);
  let results = (outs 0DTensorOf<[AnyFloat]>:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$lhs, "::mlir::Value":$rhs)>
  ];
  let hasVerifier = 1;
}

} // opDocGroup = TGraph_NormGroup

//===----------------------------------------------------------------------===//
// Fourier transforms, along the last dim.
//===----------------------------------------------------------------------===//

let opDocGroup = TGraph_FourierGroup in {

class TGraph_ComplexFFTOp<string mnemonic, string what>
    : TGraph_Op<mnemonic, [Pure, TGraph_Differentiable, AllTypesMatch<["operand", "result"]>]> {
  let summary = what # " along the last dim";
  let description = [{
    The }] # what # [{ of each row along the last dim
    (unnormalised forward, `1/n`-normalised inverse); the result has the
    operand's type, a `complex<f32>` tensor of rank >= 1.

    ```mlir
    %y = tgraph.}] # mnemonic # [{ %x : tensor<?x16xcomplex<f32>>
    ```
  }];
  let arguments = (ins TGraph_ComplexTensor:$operand);
  let results = (outs TGraph_ComplexTensor:$result);
  let assemblyFormat = "$operand attr-dict `:` type($operand)";
  let hasVerifier = 1;
}

def TGraph_FFTOp : TGraph_ComplexFFTOp<"fft", "discrete Fourier transform">;
def TGraph_IFFTOp
    : TGraph_ComplexFFTOp<"ifft", "inverse discrete Fourier transform">;

def TGraph_RFFTOp : TGraph_Op<"rfft", [Pure, TGraph_Differentiable]> {
  let summary = "Fourier transform of real data";
  let description = [{
    The discrete Fourier transform of each real row along the last dim,
    keeping the `n/2 + 1` non-redundant frequencies: `[..., n]` f32 to
    `[..., n/2 + 1]` complex<f32>.

    ```mlir
    %f = tgraph.rfft %x : tensor<?x16xf32> -> tensor<?x9xcomplex<f32>>
    ```
  }];
  let arguments = (ins TGraph_F32Tensor:$operand);
  let results = (outs TGraph_ComplexTensor:$result);
  let assemblyFormat = "$operand attr-dict `:` type($operand) `->` type($result)";
  let builders = [OpBuilder<(ins "::mlir::Value":$operand)>];
  let hasVerifier = 1;
}

def TGraph_IRFFTOp : TGraph_Op<"irfft", [Pure, TGraph_Differentiable]> {
  let summary = "inverse of rfft";
  let description = [{
    The real rows of length `n` whose `rfft` is the operand: `[..., n/2 + 1]`
    complex<f32> to `[..., n]` f32 (`1/n`-normalised). `n` is positive and
    says whether the original length was even or odd.

    ```mlir
    %x = tgraph.irfft %f n = 16 : tensor<?x9xcomplex<f32>> -> tensor<?x16xf32>
    ```
  }];
  let arguments = (ins TGraph_ComplexTensor:$operand, I64Attr:$n);
  let results = (outs TGraph_F32Tensor:$result);
  let assemblyFormat = [{
    $operand `n` `=` $n attr-dict `:` type($operand) `->` type($result)
  }];
  let builders = [OpBuilder<(ins "::mlir::Value":$operand, "int64_t":$n)>];
  let hasVerifier = 1;
}

} // opDocGroup = TGraph_FourierGroup

//===----------------------------------------------------------------------===//
// Fixed points.
//===----------------------------------------------------------------------===//

let opDocGroup = TGraph_FixedPointGroup in {

def TGraph_FixedPointOp
    : TGraph_Op<"fixed_point", [IsolatedFromAbove, TGraph_Differentiable, RecursiveMemoryEffects,
                                AllTypesMatch<["init", "result"]>]> {
  let summary = "iteration of a map to its fixed point";
  let description = [{
    Starting from `x = init`, repeatedly evaluates the body with block
    arguments `(x, captured...)` and takes the value it yields as the next
    `x`, until the largest elementwise change `|x_next - x|` is at most `tol`
    (positive) or `max_iter` (positive) iterations have run; the result is
    the last `x` and has `init`'s type. The body is isolated from above:
    every value it uses besides its own is passed as a captured operand,
    which is what lets autodiff differentiate the fixed point implicitly.

    ```mlir
    %r = tgraph.fixed_point %x0 captures(%a : tensor<f32>) tol = 1.0e-06 max_iter = 100
        : tensor<?xf32> {
    ^bb0(%x: tensor<?xf32>, %c: tensor<f32>):
      %y = tgraph.cos %x : tensor<?xf32>
      %z = tgraph.mul %y, %c : tensor<?xf32>, tensor<f32> -> tensor<?xf32>
      tgraph.yield %z : tensor<?xf32>
    }
    ```
  }];
  let arguments = (ins AnyRankedTensor:$init,
                       Variadic<AnyRankedTensor>:$captured, F64Attr:$tol,
                       I64Attr:$max_iter);
  let results = (outs AnyRankedTensor:$result);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $init (`captures` `(` $captured^ `:` type($captured) `)`)? `tol` `=` $tol
    `max_iter` `=` $max_iter attr-dict `:` type($init) $body
  }];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
}

def TGraph_YieldOp
    : TGraph_Op<"yield", [Pure, Terminator, ReturnLike,
                          HasParent<"FixedPointOp">]> {
  let summary = "the next iterate of a fixed point";
  let description = [{
    Ends the body of `tgraph.fixed_point`; its operand is the next `x`.

    ```mlir
    tgraph.yield %next : tensor<?xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$value);
  let assemblyFormat = "$value attr-dict `:` type($value)";
}

} // opDocGroup = TGraph_FixedPointGroup

//===----------------------------------------------------------------------===//
// Stateless random numbers. The same seed gives the same bits on every
// device and thread count; autodiff carries the seed into adjoints.
//===----------------------------------------------------------------------===//

let opDocGroup = TGraph_RandomGroup in {

class TGraph_RandomOp<string mnemonic, string what>
    : TGraph_Op<mnemonic, [Pure]> {
  let summary = "stateless " # what # " random tensor";
  let description = [{
    A tensor of }] # what # [{ random numbers, a pure
    function of `seed` and the element's index. The result type is given;
    each `?` dim of it takes its size from one `index` operand, in order.

    ```mlir
    %r = tgraph.}] # mnemonic # [{(%n) seed = 42 : tensor<?x4xf32>
    %s = tgraph.}] # mnemonic # [{ seed = 7 : tensor<2x2xf64>
    ```
  }];
  let arguments = (ins Variadic<Index>:$dynamic_dims, I64Attr:$seed);
  let results = (outs TGraph_FloatTensor:$result);
  let assemblyFormat = [{
    (`(` $dynamic_dims^ `)`)? `seed` `=` $seed attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
}

def TGraph_RandomUniformOp
    : TGraph_RandomOp<"random_uniform", "uniform `[0, 1)`">;
def TGraph_RandomNormalOp
    : TGraph_RandomOp<"random_normal", "standard normal">;

def TGraph_DropoutOp
    : TGraph_Op<"dropout", [Pure, TGraph_Differentiable, AllTypesMatch<["operand", "result"]>]> {
  let summary = "stateless dropout";
  let description = [{
    Zeroes each element with probability `p` (in `[0, 1)`) and scales the
    others by `1 / (1 - p)`. Which elements are dropped is a pure function of
    `seed` and the element's index, so the adjoint drops the same ones.

    ```mlir
    %y = tgraph.dropout %x p = 1.0e-01 seed = 3 : tensor<?x128xf32>
    ```
  }];
  let arguments = (ins TGraph_FloatTensor:$operand, F64Attr:$p, I64Attr:$seed);
  let results = (outs TGraph_FloatTensor:$result);
  let assemblyFormat = [{
    $operand `p` `=` $p `seed` `=` $seed attr-dict `:` type($operand)
  }];
  let hasVerifier = 1;
}

} // opDocGroup = TGraph_RandomGroup

//===----------------------------------------------------------------------===//
// Automatic differentiation: derivatives of named functions.
//===----------------------------------------------------------------------===//

let opDocGroup = TGraph_AutodiffGroup in {

class TGraph_DerivativeOp<string mnemonic, list<Trait> traits = []>
    : TGraph_Op<mnemonic, !listconcat(traits, [Pure,
          DeclareOpInterfaceMethods<SymbolUserOpInterface>])>;

def TGraph_GradOp : TGraph_DerivativeOp<"grad"> {
  let summary = "gradient of a scalar function (reverse mode)";
  let description = [{
    The gradient, at `args`, of the function `callee` (whose one result is
    a floating-point scalar) with respect to its input number `wrt`. With
    `with_value`, the results are the function's value, then the gradient.

    ```mlir
    %g = tgraph.grad @loss wrt = 0 (%x, %y) : (tensor<?x64xf32>, tensor<?xi32>) -> tensor<?x64xf32>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$callee, I64Attr:$wrt,
                       UnitAttr:$with_value, Variadic<AnyRankedTensor>:$args);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let assemblyFormat = [{
    $callee `wrt` `=` $wrt `(` $args `)` attr-dict `:` functional-type($args, $results)
  }];
}

def TGraph_VjpOp : TGraph_DerivativeOp<"vjp", [AttrSizedOperandSegments]> {
  let summary = "vector-Jacobian product (reverse mode)";
  let description = [{
    The cotangents of every input of `callee` at `primals`, given the
    cotangents of its results: one result per input, of that input's type.

    ```mlir
    %dq, %dk = tgraph.vjp @f(%q, %k) cotangents(%do : tensor<?x8xf32>) : (tensor<?x8xf32>, tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>)
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$callee,
                       Variadic<AnyRankedTensor>:$primals,
                       Variadic<AnyRankedTensor>:$cotangents);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let assemblyFormat = [{
    $callee `(` $primals `)` `cotangents` `(` $cotangents `:` type($cotangents) `)`
    attr-dict `:` functional-type($primals, $results)
  }];
}

def TGraph_JvpOp : TGraph_DerivativeOp<"jvp", [AttrSizedOperandSegments]> {
  let summary = "Jacobian-vector product (forward mode)";
  let description = [{
    The results of `callee` at `primals`, then their tangents along
    `tangents` (one tangent per input, of that input's type).

    ```mlir
    %y, %dy = tgraph.jvp @f(%x) tangents(%dx : tensor<?xf32>) : (tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>)
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$callee,
                       Variadic<AnyRankedTensor>:$primals,
                       Variadic<AnyRankedTensor>:$tangents);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let assemblyFormat = [{
    $callee `(` $primals `)` `tangents` `(` $tangents `:` type($tangents) `)`
    attr-dict `:` functional-type($primals, $results)
  }];
}

def TGraph_HvpOp : TGraph_DerivativeOp<"hvp"> {
  let summary = "Hessian-vector product (forward over reverse)";
  let description = [{
    The Hessian of the scalar function `callee` with respect to its input
    number `wrt`, at `args`, applied to `dir` (which has that input's type).

    ```mlir
    %h = tgraph.hvp @energy wrt = 0 (%x) dir(%v : tensor<?xf32>) : (tensor<?xf32>) -> tensor<?xf32>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$callee, I64Attr:$wrt,
                       Variadic<AnyRankedTensor>:$args, AnyRankedTensor:$dir);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $callee `wrt` `=` $wrt `(` $args `)` `dir` `(` $dir `:` type($dir) `)`
    attr-dict `:` functional-type($args, $result)
  }];
}

def TGraph_PartialOp : TGraph_DerivativeOp<"partial"> {
  let summary = "partial derivative of a field";
  let description = [{
    For a field `callee` mapping points `[N, d]` to values `[N, k]`, the
    derivative of order `order` of each value with respect to coordinate
    `axis` of its point, at `points`. Second derivatives are computed in one
    forward pass (a forward Laplacian), not by nested reverse mode.

    ```mlir
    %uxx = tgraph.partial @u axis = 0 order = 2 (%p) : (tensor<?x2xf32>) -> tensor<?x1xf32>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$callee, I64Attr:$axis,
                       I64Attr:$order, AnyRankedTensor:$points);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $callee `axis` `=` $axis `order` `=` $order `(` $points `)` attr-dict `:`
    functional-type($points, $result)
  }];
}

} // opDocGroup = TGraph_AutodiffGroup

#endif // TESSERA_TGRAPH_OPS
