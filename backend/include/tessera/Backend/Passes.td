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

    With `targets=cuda`, each entry also (or, without `cpu`, only) becomes
    `tessera_cuda_entry_<name>`, a `tessera_device_entry_fn` that allocates
    temporaries and launches kernels by name through the runtime's
    `tessera_device_ops`; the kernels then become device code through
    `--convert-ttile-to-nvvm`, and no CPU kernels are built without `cpu`.
  }];
  let options = [
    ListOption<"targets", "targets", "std::string",
               "Devices whose entries to build: cpu (default), cuda">,
    Option<"hardwareFma", "hardware-fma", "bool", /*default=*/"true",
           "Whether the CPU has FMA instructions; without them a fused "
           "multiply-add (ttile.fused) is an exact software FMA">
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::cf::ControlFlowDialect"];
}

def EmulateNarrowFloats : Pass<"emulate-narrow-floats", "mlir::ModuleOp"> {
  let summary = "Compute bf16, f16 and fp8 arithmetic inside kernels in "
                "f32, rounding each result";
  let description = [{
    Inside every `ttile.kernel`, an arith or math operation with a bf16,
    f16, f8E4M3FN or f8E5M2 operand or result becomes the same operation on
    f32 (the operands extended exactly), its results rounded to the narrow
    type to nearest even; an integer converted to a narrow type goes
    through f64, and a conversion between two narrow types through f32.
    Then `arith.extf` and `arith.truncf` to and from the narrow types
    become integer operations (f64 to a narrow type rounded once, through
    f32 rounded to odd), so that no target needs narrow float instructions
    or a compiler-runtime call. Loads, stores, selects, constants and
    vector shuffles keep their narrow values. Both
    `--convert-ttile-to-llvm` and `--convert-ttile-to-nvvm` run it first.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

def ConvertTTileToNVVM : Pass<"convert-ttile-to-nvvm", "mlir::ModuleOp"> {
  let summary = "Lower Tile IR kernels to NVVM-flavoured LLVM dialect (CUDA)";
  let description = [{
    Each `ttile.kernel` becomes a GPU kernel `tessera_kernel_<name>` whose
    parameters are its buffers' pointers, its sizes (the point count first)
    and its tile count, each 8 bytes (tessera_device_ops.launch in
    runtime/include/tessera/tbin_abi.h). Thread `blockIdx.x * blockDim.x +
    threadIdx.x` runs one tile of one vector step with the same tile loop,
    loads, stores and math as the CPU, so a point's result is computed by the
    same operations in the same order on both. Entry functions are dropped:
    their host side comes from `--convert-ttile-to-llvm=targets=cuda`.
    A load or store whose vector step lies wholly inside its bound, at an
    address aligned to its width (up to 16 bytes), takes a plain vector
    access (marked `ttile.in_bounds` and `ttile.alignment`); the others keep
    the mask.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::NVVM::NVVMDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::cf::ControlFlowDialect"];
}

#endif // TESSERA_BACKEND_PASSES
