// A bf16 matmul on tensor cores (TensorCoreMatmul.cpp).
#pragma once

#include "TensorCoreOps.h"

namespace tessera {

// Whether a matmul kernel runs on tensor cores: bf16 operands with f32
// sums, under a non-strict policy (a strict one keeps the CPU's order of
// operations, ARCHITECTURE.md §6), and b's panels whole 16-byte chunks.
// They read `b` itself when it is [k, n] (gpuMatmulReadsRhs,
// TileLowering.h), its panels when it is read as [n, k].
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

// What the tensor-core variants share. The chunk of 8 elements of `a` from
// a[row, k] (under transposition from a[k, row], down the rows) into shared
// `dst`: by cp.async when `fastA`, else element by element; zeros past the
// edges and the segment's end.
void stageChunkOfA(TensorCoreOps &ops, const MatmulBlock &blk,
                   mlir::Value fastA, mlir::Value row, mlir::Value k,
                   mlir::Value dst);
// The chunk of `b` at row `k`, columns col to col + 7, into `dst`: by
// cp.async when `fastB`, else element by element; zeros past N and the
// segment's end. Under transposition, from b's panels (always by
// cp.async, zeros past the last panel).
void stageChunkOfB(TensorCoreOps &ops, const MatmulBlock &blk,
                   mlir::Value fastB, mlir::Value k, mlir::Value col,
                   mlir::Value dst);
// Whether rows of `rowLength` elements from `ptr` are whole 16-byte
// chunks (then so are the rows' starts, given k and segment starts that
// are multiples of 8): such operands are staged by cp.async.
mlir::Value rowsOfWholeChunks(TensorCoreOps &ops, const MatmulBlock &blk,
                              mlir::Value ptr, mlir::Value rowLength);

// Where a block's sums lie when each warp holds mTiles x nTiles m16n8
// accumulator fragments (mma.sync's, and a wgmma's of 64 rows): warp
// (warpRow, warpCol) of the block's grid covers rows warpRow * warpRows
// on and columns warpCol * warpCols on.
struct FragmentGrid {
  mlir::Value warpRow, warpCol;
  int64_t warpRows, warpCols, mTiles, nTiles;
};
// Stores the sums into `out` of `type`: accumulator i of a fragment is row
// g + 8 (i / 2), column 2 (lane % 4) + i % 2 of its 16 x 8 tile, g = lane
// / 4; the two columns of a row as one store where aligned. `ops.lane` is
// the thread's lane. Into the `result` (`out` null where only an
// epilogue's values are stored), each value then goes through the
// block's epilogue.
void storeFragments(TensorCoreOps &ops, const MatmulBlock &blk,
                    const FragmentGrid &grid, llvm::ArrayRef<mlir::Value> sums,
                    mlir::Value out, mlir::Type type, bool result);

} // namespace tessera
