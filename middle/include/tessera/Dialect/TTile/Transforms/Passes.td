// Transformations of Tile IR: ttile -> ttile.
#ifndef TESSERA_TTILE_TRANSFORMS_PASSES
#define TESSERA_TTILE_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def DedupeKernels : Pass<"ttile-dedupe-kernels", "mlir::ModuleOp"> {
  let summary = "Merge kernels that are identical but for their names";
  let description = [{
    Derivative code repeats itself: forward-mode sweeps, the tangents of a
    Laplacian and the reverse sweep of each layer produce the same fusion
    group many times over, and each became a kernel of its own. Every
    kernel whose attributes and body equal those of an earlier kernel is
    erased and its launches (and matmul kernels' references to their
    epilogues) name the earlier one, so the code generator
    compiles each distinct kernel once. Kernels are compared after
    canonicalization, so equal code in different source places merges;
    the first in module order is kept, which makes the result independent
    of anything but the input.
  }];
  let dependentDialects = ["::tessera::ttile::TTileDialect"];
}

#endif // TESSERA_TTILE_TRANSFORMS_PASSES
