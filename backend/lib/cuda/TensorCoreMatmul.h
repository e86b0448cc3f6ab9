// A bf16 matmul on tensor cores (TensorCoreMatmul.cpp).
#pragma once

#include "MatmulBlock.h"

namespace tessera {

// Whether a matmul kernel runs on tensor cores: bf16 operands with f32
// sums, under a non-strict policy (a strict one keeps the CPU's order of
// operations, ARCHITECTURE.md §6), and b's panels whole 16-byte chunks.
bool runsOnTensorCores(const MatmulBlock &block);

// Variant `tile`'s tiles (rows, columns): 128 x 256 for the largest, whose
// blocks run one an SM (their sums take 128 registers a thread), so that
// kTensorCoreBlocks fill an H100's 132 SMs; 64 x 64 and 32 x 32 else.
inline std::pair<int64_t, int64_t> tensorCoreTileShape(int64_t tile) {
  return {tile, tile == 128 ? 256 : tile};
}
constexpr int64_t kTensorCoreBlocks = 128;

// Builds variant `symbol` of a matmul kernel that runsOnTensorCores, a
// block a tile of tensorCoreTileShape(tile) (tile: 128, 64 or 32), with
// the parameters every GPU matmul variant has (MatmulBlock.h).
void buildTensorCoreVariant(ttile::KernelOp kernel, int64_t tile,
                            const std::string &symbol, mlir::OpBuilder &mb);

} // namespace tessera
