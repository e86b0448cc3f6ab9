// Tile IR -> LLVM dialect for the host. Two steps: first the structure (each
// kernel becomes a loop over its vector steps wrapped as a tessera_kernel_fn,
// each entry a function with the runtime's calling convention, launches
// become calls of the runtime); then the conversion of what is left inside
// (ttile loads and stores become masked vector intrinsics, arith becomes
// llvm). With the cuda target the entries' device forms are built too; the
// device kernels themselves go through --convert-ttile-to-nvvm.
#include "../common/TileLowering.h"
#include "EntryLowering.h"
#include "SoftwareFma.h"
#include "tessera/Backend/Passes.h"
#include "tessera/Backend/Symbols.h"
#include "tessera/Dialect/TGraph/TGraph.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/IRMapping.h"

namespace tessera {
#define GEN_PASS_DEF_CONVERTTTILETOLLVM
#include "tessera/Backend/Passes.h.inc"
} // namespace tessera

using namespace mlir;

namespace tessera {
namespace {

struct ConvertTTileToLLVMPass
    : impl::ConvertTTileToLLVMBase<ConvertTTileToLLVMPass> {
  using ConvertTTileToLLVMBase::ConvertTTileToLLVMBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    // No list: the CPU alone.
    bool cpu = targets.empty(), cuda = false;
    for (const std::string &t : targets) {
      if (t == "cpu")
        cpu = true;
      else if (t == "cuda")
        cuda = true;
      else {
        module.emitError("unknown target '") << t << "' (expected cpu, cuda)";
        return signalPassFailure();
      }
    }
    OpBuilder mb = OpBuilder::atBlockEnd(module.getBody());
    if (failed(emulateNarrowFloatsInEntries(module)))
      return signalPassFailure();
    if (cpu) {
      if (failed(emulateNarrowFloats(module)) ||
          failed(expandKernelMath(module)) ||
          (!hardwareFma && failed(expandFusedMultiplyAdds(module))))
        return signalPassFailure();
      for (auto kernel : module.getOps<ttile::KernelOp>()) {
        // A matmul's epilogue per element: the CPU's matmul kernel applies
        // it in its own body.
        if (kernel.getKind() == "matmul_epilogue")
          continue;
        LLVM::LLVMFuncOp fn = lowerKernelToTileLoop(
            kernel, mb, kernelSymbol(kernel.getSymName().str()),
            kernel.getTile(), /*wholeStepCopy=*/true);
        // Kernels link against no libc: LLVM must not turn a loop of stores
        // (a row kernel storing a constant result) into a memset call.
        fn->setAttr("passthrough",
                    mb.getArrayAttr({mb.getStringAttr("no-builtins")}));
      }
    }
    for (auto fn : llvm::make_early_inc_range(module.getOps<func::FuncOp>())) {
      if (!fn->hasAttr(tgraph::kEntryAttr)) {
        fn.emitError("only entry functions can be lowered to LLVM");
        return signalPassFailure();
      }
      if (cuda) {
        // Built from a copy: each form takes the body it lowers.
        OpBuilder before(fn);
        auto copy = cast<func::FuncOp>(before.clone(*fn));
        LogicalResult lowered = lowerEntry(copy, module, mb, EntryDevice::Cuda);
        copy.erase();
        if (failed(lowered))
          return signalPassFailure();
      }
      if (cpu && failed(lowerEntry(fn, module, mb, EntryDevice::Cpu)))
        return signalPassFailure();
      fn.erase();
    }
    for (auto kernel :
         llvm::make_early_inc_range(module.getOps<ttile::KernelOp>()))
      kernel.erase();
    if (failed(convertBodiesToLLVM(
            module, [&](OpPassManager &pm) { return runPipeline(pm, module); },
            /*bf16Bits=*/true)))
      return signalPassFailure();
  }
};

} // namespace
} // namespace tessera
