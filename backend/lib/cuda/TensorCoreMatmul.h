// A bf16 matmul on tensor cores (TensorCoreMatmul.cpp).
#pragma once

#include "MatmulBlock.h"

namespace tessera {

// Whether a matmul kernel runs on tensor cores: bf16 operands with f32
// sums, under a non-strict policy (a strict one keeps the CPU's order of
// operations, ARCHITECTURE.md §6), and b's panels whole 16-byte chunks.
bool runsOnTensorCores(const MatmulBlock &block);

// Builds variant `symbol` of a matmul kernel that runsOnTensorCores, a
// block a tile of `tile` x `tile` (128, 64 or 32), with the parameters
// every GPU matmul variant has (MatmulBlock.h).
void buildTensorCoreVariant(ttile::KernelOp kernel, int64_t tile,
                            const std::string &symbol, mlir::OpBuilder &mb);

} // namespace tessera
