// tsched: Tessera's Schedule IR. Groups Graph IR operators into units that
// run as one kernel (fusion) and records the tile chosen for each.
#ifndef TESSERA_TSCHED_OPS
#define TESSERA_TSCHED_OPS

include "mlir/IR/OpBase.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def TSched_Dialect : Dialect {
  let name = "tsched";
  let cppNamespace = "::tessera::tsched";
  let summary = "Tessera Schedule IR: fusion groups and tile choices";
}

class TSched_Op<string mnemonic, list<Trait> traits = []>
    : Op<TSched_Dialect, mnemonic, traits>;

def TSched_FusionGroupOp
    : TSched_Op<"fusion_group", [IsolatedFromAbove, Pure]> {
  let summary = "operators that run as one kernel";
  let description = [{
    The body computes the results from the block arguments (one per input:
    tensors, and the run-time extents its operators name) with Graph IR
    operators and yields them. `kind` names the launch geometry
    (`elementwise`: one iteration space, `shape`, shared by every result;
    `matmul`, `reduction`, `layout`, `solve`, `gather` (a gather or a
    scatter): one operator, whose result has
    `shape`; `rows`: row reductions over the innermost dims of `shape`,
    elementwise operators on their per-row values, and an elementwise
    chain over `shape` that reads them, one row at a time);
    `tile` the number of points each tile covers (elements; rows of a
    matmul; results of a reduction). An elementwise group may read an input
    through a `tgraph.broadcast` to its shape (a value per row, a row
    repeated, a scalar), and a reduction group may compute its operand with
    an elementwise chain before the reduction, which the kernel evaluates
    for each element it folds: neither value reaches memory. A `rows`
    group folds each row as often as it has reductions, then computes its
    elementwise results on that row, so the row is read from memory once
    (softmax, layernorm); its results are those of the chain, then the
    per-row values that other groups read. A `matmul` group may follow its
    matmul with an elementwise epilogue over the product's shape (a bias,
    an activation), applied to the sums as they are stored; its results
    are the epilogue's, then the product where other groups read it.
    `attention` and
    `attention_grad` run one `tgraph.attention` or `tgraph.attention_grad`,
    a block of rows a point, without storing the scores.

    ```mlir
    %r = tsched.fusion_group(%a, %b) {kind = "elementwise", shape = ["N"],
                                      tile = array<i64: 4096>}
        : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32> {
    ^bb0(%x: tensor<?xf32>, %y: tensor<?xf32>):
      %m = tgraph.mul %x, %y : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
      tsched.yield %m : tensor<?xf32>
    }
    ```
  }];
  let arguments = (ins Variadic<AnyTypeOf<[AnyRankedTensor, Index]>>:$inputs,
                       StrAttr:$kind,
                       ArrayAttr:$shape, DenseI64ArrayAttr:$tile);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    `(` $inputs `)` attr-dict `:` functional-type($inputs, $results) $body
  }];
  let hasVerifier = 1;
}

def TSched_YieldOp
    : TSched_Op<"yield", [Pure, Terminator, ReturnLike,
                          HasParent<"FusionGroupOp">]> {
  let summary = "the results of a fusion group";
  let arguments = (ins Variadic<AnyRankedTensor>:$values);
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
}

#endif // TESSERA_TSCHED_OPS
