// LLVM optimization pipelines for a module, tuned by the target machine
// (x86-64 for host code, NVPTX for GPU kernels).
#pragma once

#include "llvm/Passes/OptimizationLevel.h"

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace tessera {

// LLVM's standard per-module pipeline.
void runOptimizationPipeline(llvm::Module &module, llvm::TargetMachine &machine,
                             llvm::OptimizationLevel level);

// The few function passes that CPU kernels still need from LLVM: Tile IR
// has tiled, vectorized and unrolled them already, and their lowering
// leaves index arithmetic to fold and loop-invariant constants to hoist.
void runKernelCleanupPipeline(llvm::Module &module,
                              llvm::TargetMachine &machine);

} // namespace tessera
