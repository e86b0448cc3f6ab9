// Transformations of Graph IR: tgraph -> tgraph.
#ifndef TESSERA_TGRAPH_TRANSFORMS_PASSES
#define TESSERA_TGRAPH_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def Simplify : Pass<"tgraph-simplify", "mlir::ModuleOp"> {
  let summary = "Algebraic rewrites of Graph IR";
  let description = [{
    Folds operator algebra that a model often contains after autodiff and
    composition: transposes that compose, cancel or fold into matmul's
    transpose flags; identities of `+ - * /` and double negation; Fourier
    round trips; `exp(log(x))` and `log(exp(x))`; reductions over the dims
    a broadcast repeats. It applies them greedily, then merges common
    subexpressions and erases pure ops that have no users.

    A rewrite that can change a floating-point result (rounding, order, or
    values outside a domain) is applied only where the function's
    `tgraph.policy` is not strict. A policy this pass cannot read counts as
    strict. docs/ir/rewrites.md lists each rewrite, its condition and
    whether it is exact.
  }];
  let dependentDialects = ["::tessera::tgraph::TGraphDialect"];
}

def Differentiate : Pass<"tgraph-differentiate", "mlir::ModuleOp"> {
  let summary = "Replace derivative operators by derivative code";
  let description = [{
    Every `tgraph.grad`, `vjp`, `jvp`, `hvp` and `partial` becomes a call of
    a function synthesized from its callee: reverse mode for grad and vjp,
    forward mode for jvp, forward over reverse for hvp. The rules live with
    the ops (`DifferentiableOpInterface`); an op without one is an error at
    the derivative operator that needs it, naming the op.
  }];
  let dependentDialects = ["::tessera::tgraph::TGraphDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
}

def FormAttention : Pass<"tgraph-form-attention", "mlir::ModuleOp"> {
  let summary = "softmax(scale * q kᵀ) v becomes one tgraph.attention";
  let description = [{
    Finds `matmul(softmax(s, last axis), v)` where `s` is `matmul(q, kᵀ)`
    (a transposed `k` or `transpose_rhs`), optionally multiplied or divided
    by a rank-0 `c`, and neither `s` nor the probabilities are read
    elsewhere; it becomes `tgraph.attention(q, k, v, scale)` with scale
    `c`, `1 / c` or 1. Runs before differentiation, so that reverse mode
    uses attention's own adjoint, and only where the policy is not strict:
    the fused kernel sums in another order (and `1 / c` rounds once). `c`
    must not depend on the function's tensors other than through their
    extents (a scale from `sqrt(D)`), since attention's rules give it no
    derivative. q, k and v must have one rank and one float element type
    of f32, bf16 or f16.
  }];
  let dependentDialects = ["::tessera::tgraph::TGraphDialect"];
}

def AttentionResiduals
    : Pass<"tgraph-attention-residuals", "mlir::ModuleOp"> {
  let summary = "attention_grad reads its forward op's log-sum-exp";
  let description = [{
    Where `tgraph.attention_grad`'s `result` is a `tgraph.attention` of the
    same query, key, value and scale, the forward op gains its `lse`
    result (each query's log-sum-exp, which its kernel has at hand) and the
    adjoint reads it: the adjoint's first kernel then computes only
    `rowsum(result_grad * result)` instead of every score again. The
    log-sum-exp is the one the adjoint computes itself (the same
    operations on the CPU), so the cotangents keep their values.
  }];
  let dependentDialects = ["::tessera::tgraph::TGraphDialect"];
}

def Decompose : Pass<"tgraph-decompose", "mlir::ModuleOp"> {
  let summary = "Composite operators into primitives";
  let description = [{
    `softmax`, `log_softmax`, `layernorm`, `rmsnorm`, `cross_entropy` and
    `mse` become the primitives they are defined by (reductions, broadcasts
    and elementwise arithmetic; softmax and log-softmax subtract the row
    maximum first), the same decompositions their derivative rules use. A
    backend without a kernel of its own for an operator runs this first.
  }];
  let dependentDialects = ["::tessera::tgraph::TGraphDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
}

def TrainSteps : Pass<"tgraph-train-steps", "mlir::ModuleOp"> {
  let summary = "Train functions become entries that run one optimizer step";
  let description = [{
    A function marked `tgraph.train` (its body, calls inlined and derivative
    operators lowered and inlined, computes the loss) becomes the entry `step(param:..., state:..., data...) ->
    (loss, param:..., state:...)`: the loss restated as a function of the
    parameters (`step.objective`), its gradient by one `tgraph.vjp`, and the
    optimizer's update (sgd with optional momentum, adam, adamw) in Graph
    IR. The original function stays as `step.loss`. Every parameter the
    body reads, including those read by the callees of derivative operators
    (now derivative code in the body), is an argument of the objective, so
    it is trained once.
  }];
  let dependentDialects = ["::tessera::tgraph::TGraphDialect",
                           "::mlir::func::FuncDialect"];
}

def ParamsToInputs : Pass<"tgraph-params-to-inputs", "mlir::ModuleOp"> {
  let summary = "Entries read parameters as inputs named param:NAME";
  let description = [{
    Every `ml_program.global_load` in an entry becomes a new input of the
    entry, named `param:NAME`, carrying the parameter's initialiser
    (`tgraph.init`, `tgraph.seed`) for the .tbin parameter table.
  }];
  let dependentDialects = ["::tessera::tgraph::TGraphDialect",
                           "::mlir::func::FuncDialect"];
}

def PinPolicies : Pass<"tgraph-pin-policies", "mlir::ModuleOp"> {
  let summary = "Operators keep their function's numerics policy when inlined";
  let description = [{
    Every operator in the body of a function that is not an entry and has a
    numerics policy (`tgraph.policy`) gets that policy as its own attribute,
    unless it has one already. The rewrites read the nearest policy, so an
    `op` declared `strict` keeps its promise once it is inlined into a
    caller with another policy. Entries are never inlined: their operators
    read the entry's policy as before.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

#endif // TESSERA_TGRAPH_TRANSFORMS_PASSES
