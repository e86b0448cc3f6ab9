// LLVM optimization pipelines (OptimizationPipeline.h).
#include "OptimizationPipeline.h"

#include "llvm/IR/Module.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Passes/StandardInstrumentations.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Transforms/InstCombine/InstCombine.h"
#include "llvm/Transforms/Scalar/EarlyCSE.h"
#include "llvm/Transforms/Scalar/LICM.h"
#include "llvm/Transforms/Scalar/SimplifyCFG.h"

namespace tessera {
namespace {

// A pass builder for `tm` with its analyses registered. Functions marked
// optnone (the CPU entries) are left as they are: without this
// instrumentation the new pass manager would optimize them anyway.
class Pipeline {
public:
  Pipeline(llvm::TargetMachine &tm, llvm::PipelineTuningOptions tuning)
      : builder(&tm, tuning, std::nullopt, &callbacks) {
    optNone.registerCallbacks(callbacks);
    builder.registerModuleAnalyses(mam);
    builder.registerCGSCCAnalyses(cam);
    builder.registerFunctionAnalyses(fam);
    builder.registerLoopAnalyses(lam);
    builder.crossRegisterProxies(lam, fam, cam, mam);
  }

  llvm::PassBuilder &passBuilder() { return builder; }
  void run(llvm::ModulePassManager &passes, llvm::Module &module) {
    passes.run(module, mam);
  }

private:
  llvm::PassInstrumentationCallbacks callbacks;
  llvm::OptNoneInstrumentation optNone{/*DebugLogging=*/false};
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder builder;
};

} // namespace

void runOptimizationPipeline(llvm::Module &module, llvm::TargetMachine &tm,
                             llvm::OptimizationLevel level) {
  // Tile IR vectorizes every kernel explicitly, one vector step per point:
  // LLVM's loop and SLP vectorizers find nothing left to do there and took
  // a fifth of the optimization time, so they are off.
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = false;
  tuning.SLPVectorization = false;
  Pipeline pipeline(tm, tuning);
  llvm::ModulePassManager passes =
      pipeline.passBuilder().buildPerModuleDefaultPipeline(level);
  pipeline.run(passes, module);
}

void runKernelCleanupPipeline(llvm::Module &module, llvm::TargetMachine &tm) {
  Pipeline pipeline(tm, llvm::PipelineTuningOptions());
  // The standard -O2 pipeline took 0.6 s of the Burgers example's 1.4 s
  // compile and made no kernel faster (benchmarks/cpu: matmul, chain,
  // softmax, FFT, attention, the mlp2 and Burgers steps): it inlines,
  // rotates, unrolls and vectorizes, which Tile IR has done.
  llvm::FunctionPassManager cleanup;
  cleanup.addPass(llvm::EarlyCSEPass());
  cleanup.addPass(llvm::InstCombinePass());
  cleanup.addPass(llvm::SimplifyCFGPass());
  cleanup.addPass(llvm::createFunctionToLoopPassAdaptor(
      llvm::LICMPass(llvm::LICMOptions()), /*UseMemorySSA=*/true));
  cleanup.addPass(llvm::InstCombinePass());
  cleanup.addPass(llvm::SimplifyCFGPass());
  llvm::ModulePassManager passes;
  passes.addPass(llvm::createModuleToFunctionPassAdaptor(std::move(cleanup)));
  pipeline.run(passes, module);
}

} // namespace tessera
