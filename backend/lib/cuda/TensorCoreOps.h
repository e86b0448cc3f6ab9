// The instructions every bf16 tensor-core kernel is built from: shared
// memory laid out in swizzled 16-byte chunks, cp.async copies into it,
// ldmatrix out of it into fragments, and m16n8k16 mma.sync with f32 sums
// (TensorCoreMatmul.cpp, FlashAttention.cpp).
#pragma once

#include "MatmulBlock.h"

namespace tessera {

constexpr int64_t kChunk = 8; // bf16 elements per 16-byte chunk

struct TensorCoreOps : IndexMath {
  mlir::Value shared = {}; // the kernel's shared memory (address space 3)
  // The operands' type, bf16 or f16 (null: bf16). Shared memory is
  // addressed in 2-byte elements either way.
  mlir::Type operand = {};
  mlir::Value lane = {}; // the thread's lane in its warp, i64

  mlir::Type bf16() { return b.getBF16Type(); }
  mlir::Type narrow() { return operand ? operand : bf16(); }
  mlir::Type f32() { return b.getF32Type(); }
  mlir::Type i32() { return b.getI32Type(); }
  mlir::Value c32(int64_t v);
  mlir::Value f32Const(double v);
  mlir::Value both(mlir::Value x, mlir::Value y);
  mlir::Value select(mlir::Value p, mlir::Value x, mlir::Value y);
  // &base[index] for elements of `elem`.
  mlir::Value at(mlir::Value base, mlir::Type elem, mlir::Value index);
  // Whether `ptr` is a multiple of `bytes`.
  mlir::Value aligned(mlir::Value ptr, int64_t bytes);

  // The first element of chunk `chunk` of `row` in a block of rows of
  // `chunks` chunks: the chunk's index XORed with the row's low bits (the
  // row's own bits when a row spans 128 bytes or more; for 64-byte rows,
  // two share 128 bytes, so bits 1 and 2), so that the 8 rows an ldmatrix
  // reads at once fall in different banks.
  mlir::Value swizzled(mlir::Value row, mlir::Value chunk, int64_t chunks);

  // One chunk: the 16 bytes at src (valid: when inside) to shared dst,
  // zeros when not inside, by cp.async.
  void copyChunk(mlir::Value dst, mlir::Value src, mlir::Value inside);
  // The same by loads and stores, element by element: `inside(j)` says
  // whether element j is, `element(j)` where it is.
  void loadChunk(mlir::Value dst,
                 llvm::function_ref<mlir::Value(int64_t)> inside,
                 llvm::function_ref<mlir::Value(int64_t)> element);

  // ldmatrix of `count` 8 x 8 matrices (1, 2 or 4) from shared element
  // `element` of this lane's row, as `count` i32 registers.
  llvm::SmallVector<mlir::Value> ldmatrix(mlir::Value element, int64_t count,
                                          bool transposed);
  // d = a b + acc for one m16n8k16 fragment: 4 i32 of a, 2 of b (pairs of
  // `narrow()`), 4 f32 sums.
  llvm::SmallVector<mlir::Value> mma(mlir::ValueRange a, mlir::ValueRange bRegs,
                                     mlir::ValueRange acc);
  // Two f32 as the i32 of a `narrow()` pair (x in the low half), each
  // rounded to nearest even.
  mlir::Value packPair(mlir::Value x, mlir::Value y);

  // A pipeline of k-blocks through shared stages (the matmuls'): the first
  // `ahead` blocks requested, each that exists (of `blocks`) by
  // `load(block)` into the stage of its number...
  void requestFirstBlocks(mlir::Value blocks, int64_t ahead,
                          llvm::function_ref<void(mlir::Value)> load);
  // ...and at block t, this thread's copies of it waited for: all but the
  // latest ahead - 1 groups, or all of them at the last blocks (groups are
  // committed only for blocks that exist).
  void waitForBlock(mlir::Value blocks, mlir::Value t, int64_t ahead);
};

} // namespace tessera
