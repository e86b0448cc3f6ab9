#ifndef TESSERA_BACKEND_PASSES
#define TESSERA_BACKEND_PASSES

include "mlir/Pass/PassBase.td"

def ConvertTTileToLLVM : Pass<"convert-ttile-to-llvm", "mlir::ModuleOp"> {
  let summary = "Lower Tile IR kernels and entries to the LLVM dialect (CPU)";
  let description = [{
    A `ttile.kernel` becomes `tessera_kernel_<name>`, a `tessera_kernel_fn`
    (runtime/include/tessera/tbin_abi.h): a loop over the vector steps of its
    tiles with masked loads and stores. An entry function becomes
    `tessera_entry_<name>`, a `tessera_entry_fn` that reads its buffers and
    dims from the runtime's arrays and launches each kernel through the
    runtime's launch callback, returning the first non-zero status.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::cf::ControlFlowDialect"];
}

#endif // TESSERA_BACKEND_PASSES
