// LLVM's standard per-module pipeline (OptimizationPipeline.h).
#include "OptimizationPipeline.h"

#include "llvm/IR/Module.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Target/TargetMachine.h"

namespace tessera {

void runOptimizationPipeline(llvm::Module &module, llvm::TargetMachine &tm,
                             llvm::OptimizationLevel level) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cam;
  llvm::ModuleAnalysisManager mam;
  // Tile IR vectorizes every kernel explicitly, one vector step per point:
  // LLVM's loop and SLP vectorizers find nothing left to do there and took
  // a fifth of the optimization time, so they are off. (Unrolling stays:
  // the matmul's K loop gains from it.)
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = false;
  tuning.SLPVectorization = false;
  llvm::PassBuilder pb(&tm, tuning);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cam, mam);
  pb.buildPerModuleDefaultPipeline(level).run(module, mam);
}

} // namespace tessera
