// What every GPU matmul kernel starts with, whatever computes its tile: the
// kernel function with the parameters the entry passes (TileLowering.h),
// the operands as MatmulKernel.cpp lays them out, and the tile of the
// result (and the segment of k) that this block computes.
#pragma once

#include "../common/TileLowering.h"
#include "tessera/Dialect/TTile/TTile.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"

#include <optional>

namespace tessera {

// Unsigned i64 arithmetic at one place, as the GPU matmul kernels compute
// their indices.
struct IndexMath {
  mlir::OpBuilder &b;
  mlir::Location loc;

  mlir::Value c(int64_t v);
  mlir::Value add(mlir::Value x, mlir::Value y);
  mlir::Value sub(mlir::Value x, mlir::Value y);
  mlir::Value mul(mlir::Value x, mlir::Value y);
  mlir::Value div(mlir::Value x, mlir::Value y);
  mlir::Value rem(mlir::Value x, mlir::Value y);
  mlir::Value min(mlir::Value x, mlir::Value y);
  mlir::Value ult(mlir::Value x, mlir::Value y);
  mlir::Value ule(mlir::Value x, mlir::Value y);
  mlir::Value eq(mlir::Value x, mlir::Value y);
  mlir::Value ceilDiv(mlir::Value x, int64_t d);
};

constexpr int64_t kStaticSharedBytes = 48 * 1024;

struct MatmulBlock {
  mlir::Type elem;  // the operands' and the result's element type
  mlir::Type accum; // the sums' type (f32 for bf16), that of segment values
  int64_t width;    // b's packed panels: columns each
  bool transposedA; // a read as [k, m]
  bool transposedB; // b read as [n, k]
  bool fused;       // a step is one fused multiply-add
  int64_t segment;  // k per segment (0: the kernel has no segments)

  // Global pointers: a, packed b, b itself, the result (null where an
  // epilogue's values are stored instead and the product is not), and
  // (with segments) the segments' values.
  mlir::Value A, P, B, C, values;
  // The epilogue applied to each element of the result, if any
  // (MatmulEpilogue.h in the Tile IR lowering): its kernel, a description
  // of one element, and this kernel's parameters that it reads and writes.
  struct Epilogue {
    ttile::KernelOp element;
    llvm::SmallVector<mlir::Value> inputs, outputs; // global pointers
    llvm::SmallVector<mlir::Value> rowLengths;      // i64
  };
  std::optional<Epilogue> epilogue;
  // i64: where this block's batch starts in the rows of all batches.
  mlir::Value rowBase;
  // With segments: whether this matmul has a single one (its block stores
  // the result itself, else its segment's value).
  mlir::Value single;
  // Tensor maps the runtime encoded for the kernel (byval pointers of its
  // last parameters, openMatmulBlock's `maps`), and the batch count (i64).
  llvm::SmallVector<mlir::Value> maps;
  mlir::Value batches;
  // i64 values: the extents, b's panels, where this block's batch of a, of
  // packed b, of b and of the result (or values) start, the block's segment of
  // k, its tile's first row and column, and the thread's index.
  mlir::Value M, N, K, panels, aBase, pBatch, bBase, cBase, kBegin, kEnd, row0,
      col0, tid;
};

// The ttile.matmul attribute's description of `kernel`, when it is
// complete; its element type is then a float.
std::optional<MatmulBlock> describeMatmul(ttile::KernelOp kernel);

// Creates kernel `symbol` with `shared` as its shared memory (`symbol`
// + "_shared", 16-byte aligned), `threads` threads a block (more than
// kGpuMatmulThreads: `<symbol>_block_threads` tells the runtime), `maps`
// tensor maps after the usual parameters (128 bytes each, read in place:
// TensorMaps.h) and `minBlocksPerSM` (0: no bound), and
// returns the block's view of it with `b` inside the kernel, past the test
// that the block has a tile (the caller fills that part; the kernel
// returns after it). Blocks take tiles of `tileRows` x `tileCols` down groups
// of 8 tile rows, then across, so that the blocks running at once share rows of
// `a` and columns of `b` in L2. Shared memory over kStaticSharedBytes is
// dynamic: the kernel's global `<symbol>_dynamic_shared` says how much, and
// the runtime asks the driver for it (runtime/src/cuda/cuda_module.hpp).
MatmulBlock openMatmulBlock(ttile::KernelOp kernel, int64_t tileRows,
                            int64_t tileCols, const std::string &symbol,
                            mlir::Type shared, int64_t minBlocksPerSM,
                            mlir::OpBuilder &mb, mlir::OpBuilder &b,
                            int64_t threads = kGpuMatmulThreads,
                            int64_t maps = 0);

// Declares kernel `symbol`'s shared memory, an array `shared`: static up
// to kStaticSharedBytes, dynamic beyond (`.extern .shared`, and a global
// `<symbol>_dynamic_shared` that tells the runtime how much to ask for).
void declareSharedMemory(mlir::OpBuilder &mb, mlir::Location loc,
                         const std::string &symbol, mlir::Type shared);

// The shared memory of kernel `symbol`, as a pointer.
mlir::Value sharedMemory(mlir::OpBuilder &b, mlir::Location loc,
                         const std::string &symbol);

// Calls `store(out, type, result)` for where the block's sums go: the
// result (of `elem`; `result` true, and `out` null where only the
// epilogue's values are stored), or with several segments the segment's
// values (of `accum`), choosing at run time when it has segments.
void forEachDestination(
    mlir::OpBuilder &b, mlir::Location loc, const MatmulBlock &block,
    llvm::function_ref<void(mlir::Value out, mlir::Type type, bool result)>
        store);

// Applies the block's epilogue to the result's element at (`row`, `col`)
// of its batch, flat index `index` (i64 values), whose value, rounded to
// the result's type, is `value`: stores the epilogue's values for it
// (GpuEpilogue.cpp). The element must lie inside the result.
void applyEpilogue(mlir::OpBuilder &b, mlir::Location loc,
                   const MatmulBlock &block, mlir::Value value,
                   mlir::Value index, mlir::Value row, mlir::Value col);

} // namespace tessera
