#ifndef TESSERA_MIDDLE_PASSES
#define TESSERA_MIDDLE_PASSES

include "mlir/Pass/PassBase.td"

def FormFusionGroups : Pass<"tsched-form-fusion-groups", "mlir::ModuleOp"> {
  let summary = "Group Graph IR operators into fusion groups (tgraph -> tsched)";
  let description = [{
    Every elementwise operator of a function joins the fusion group of its
    iteration space (its symbolic shape); scalar constants are copied into
    each group that uses them. So does a broadcast whose operand a kernel
    can read in place (a value per row, a row repeated, a scalar). A
    reduction's group computes the elementwise chain that produces its
    operand (recomputing a cheap chain that other operators read too). A
    value returned without computation gets a group of its own (a copy).
    Each group gets the tile chosen for it: `tile-elements` elements per
    tile. With `rows` (the default), the row reductions, per-row values and
    elementwise chain of softmax or layernorm over rows of at most 8192
    known elements become one `rows` group. With `epilogues` (the
    default), the elementwise group that reads a matmul's product over its
    shape (a bias and an activation) joins the matmul's group, which
    applies it as it stores the sums.
  }];
  let options = [
    Option<"tileElements", "tile-elements", "int64_t", /*default=*/"4096",
           "Elements per tile of an elementwise group">,
    Option<"rows", "rows", "bool", /*default=*/"true",
           "Merge row reductions with the elementwise chain that reads them">,
    Option<"epilogues", "epilogues", "bool", /*default=*/"true",
           "Merge the elementwise group that reads a matmul's product into "
           "the matmul's group">
  ];
  let dependentDialects = ["::tessera::tsched::TSchedDialect",
                           "::mlir::tensor::TensorDialect"];
}

def ConvertTSchedToTTile : Pass<"convert-tsched-to-ttile", "mlir::ModuleOp"> {
  let summary = "Lower fusion groups to tile kernels over flat buffers";
  let description = [{
    Entry functions take buffers instead of tensors: the inputs, then one
    output buffer per result, then one index per symbolic dim (in
    `tgraph.dims` order). Each fusion group becomes a `ttile.kernel` whose
    body is one vector step (lanes: `vector-bytes` / element size) and a
    `ttile.launch` over the group's element count.
  }];
  let options = [
    Option<"vectorBytes", "vector-bytes", "int64_t", /*default=*/"32",
           "Bytes per vector step (32: AVX2)">,
    Option<"reductionResults", "reduction-results", "int64_t",
           /*default=*/"8",
           "Results a reduction kernel's step computes, each in its own "
           "chain (8: a CPU overlaps them; 1: one per GPU thread)">,
    Option<"attentionRows", "attention-rows", "int64_t", /*default=*/"0",
           "Rows an attention kernel's point takes, one a lane (0: a "
           "vector's worth, for a CPU; 1: one per GPU thread, so that a "
           "GPU runs a thread a row)">,
    Option<"matmulEpilogues", "matmul-epilogues", "bool", /*default=*/"true",
           "Apply the operators a matmul group applies to its product in "
           "the matmul kernel's stores (false: in a kernel of their own "
           "after it, for targets that run matmuls on their own schedule)">
  ];
  let dependentDialects = ["::tessera::ttile::TTileDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::complex::ComplexDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
}

#endif // TESSERA_MIDDLE_PASSES
