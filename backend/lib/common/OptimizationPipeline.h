// LLVM's standard optimization pipeline for a module, tuned by the target
// machine (x86-64 for host code, NVPTX for GPU kernels).
#pragma once

#include "llvm/Passes/OptimizationLevel.h"

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace tessera {

void runOptimizationPipeline(llvm::Module &module, llvm::TargetMachine &machine,
                             llvm::OptimizationLevel level);

} // namespace tessera
