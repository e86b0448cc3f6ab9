// What the tensor-core attention kernels share (FlashAttention.cpp forward,
// FlashAttentionGrad.cpp adjoint): a block of 8 warps, each a row tile (or
// two) of 16 rows; operands staged in shared memory as swizzled rows of W
// bf16; products of fragments by mma.sync; the softmax's arithmetic.
#pragma once

#include "../common/TileLowering.h"
#include "TensorCoreOps.h"

namespace tessera {

constexpr int64_t kFlashWarps = kFlashThreads / 32;
// Scores are scaled to base 2 (ex2.approx): scale log2(e).
constexpr double kLog2E = 1.4426950408889634;

struct FlashTiles : TensorCoreOps {
  FlashTiles(mlir::OpBuilder &b, mlir::Location loc, int64_t width)
      : TensorCoreOps{{b, loc}}, W(width) {}

  int64_t W; // the key and value width
  mlir::Value tid = {}, warp = {};
  mlir::Value g = {}, quad = {}; // lane / 4, lane % 4
  mlir::Value fast = {}; // the staged operands are 16-byte aligned: cp.async

  int64_t chunksPerRow() const { return W / kChunk; }

  // Accumulators: [row tile][fragment of 8 columns][4 f32]. Element i of a
  // fragment is row g + 8 (i / 2), column 2 quad + i % 2 of its 16 x 8.
  using Fragments =
      llvm::SmallVector<llvm::SmallVector<llvm::SmallVector<mlir::Value>>>;
  Fragments zeros(int64_t rowTiles, int64_t columns);

  // The column of element i of a fragment nt: 8 nt + 2 quad + i % 2.
  mlir::Value column(int64_t nt, int64_t i);
  // Elements whose column first + column(nt, i) is at or past `extent`
  // become `fill`; tested only in a tile that reaches past it (the last).
  void maskPast(Fragments &acc, mlir::Value first, mlir::Value extent,
                mlir::Value fill);

  mlir::Value ex2(mlir::Value x); // ex2.approx.ftz
  mlir::Value lg2(mlir::Value x); // lg2.approx.ftz
  mlir::Value maxf(mlir::Value x, mlir::Value y);
  mlir::Value addf(mlir::Value x, mlir::Value y);
  mlir::Value subf(mlir::Value x, mlir::Value y);
  mlir::Value mulf(mlir::Value x, mlir::Value y);
  // x of lane ^ `by`.
  mlir::Value butterfly(mlir::Value x, int32_t by);
  // The same value in the four threads of a row, in a fixed order.
  mlir::Value quadMax(mlir::Value x);
  mlir::Value quadSum(mlir::Value x);

  // Memory: a `narrow()` element widened to f32, f32 elements, and a body
  // run only where `cond` holds.
  mlir::Value loadWidened(mlir::Value buffer, mlir::Value i);
  mlir::Value loadF32(mlir::Value buffer, mlir::Value i);
  void storeF32(mlir::Value v, mlir::Value buffer, mlir::Value i);
  void when(mlir::Value cond, llvm::function_ref<void()> body);

  // The loop over `count` tiles of the other side through two stages
  // (the adjoint's kernels): `load(t, stage)` requests tile t's copies (and
  // commits them), `step(t, stage, state)` uses them. At each tile the
  // copies are waited for and the block meets, behind a proxy fence when
  // `byTensorCores` (wgmma reads shared memory through the async proxy).
  // Returns the final state; nothing is in flight after it.
  mlir::ValueRange
  pipeline(mlir::Value count, mlir::ValueRange init,
           llvm::function_ref<void(mlir::Value, mlir::Value)> load,
           llvm::function_ref<llvm::SmallVector<mlir::Value>(
               mlir::Value, mlir::Value, mlir::ValueRange)>
               step,
           bool byTensorCores);

  // Copies `rows` rows of W elements into shared memory at element `dst`:
  // row r from src[base + index(r) W] when inside(r), else zeros; by
  // cp.async when fast, element by element otherwise (no commit).
  void stageRows(int64_t rows, mlir::Value dst, mlir::Value src,
                 mlir::Value base,
                 llvm::function_ref<mlir::Value(mlir::Value)> index,
                 llvm::function_ref<mlir::Value(mlir::Value)> inside);

  // The forward's pieces every variant shares (FlashAttention.cpp,
  // WgmmaFlash.cpp). `stage` copies rows into shared memory as stageRows
  // does, in the variant's own layout.
  using StageRowsFn = llvm::function_ref<void(
      int64_t rows, mlir::Value dst, mlir::Value src, mlir::Value base,
      llvm::function_ref<mlir::Value(mlir::Value)> index,
      llvm::function_ref<mlir::Value(mlir::Value)> inside)>;
  // The block's `rows` queries from row `row0` of a batch of `extent`
  // (rows past the last repeat it: their results are not stored), as one
  // cp.async group.
  void stageQueries(StageRowsFn stage, int64_t rows, mlir::Value dst,
                    mlir::Value q, mlir::Value base, mlir::Value row0,
                    mlir::Value extent);
  // Tile `tile` of `keys` keys and values (zeros past `extent`) to
  // `keyDst` and `valueDst`, as one cp.async group.
  void stageKeysAndValues(StageRowsFn stage, int64_t keys, mlir::Value tile,
                          mlir::Value keyDst, mlir::Value valueDst,
                          mlir::Value k, mlir::Value v, mlir::Value base,
                          mlir::Value extent);
  // Tile t + 1, if there is one of `tiles`, requested by `load(tile,
  // stage)` into stage (t + 1) % stages.
  void requestNextTile(mlir::Value t, mlir::Value tiles, int64_t stages,
                       llvm::function_ref<void(mlir::Value, mlir::Value)> load);
  // One row's softmax step: half h (rows g + 8 h) of a row tile's score
  // fragments, scaled to base 2, become p = 2^(x - m'); m' and l' are
  // the running maximum and sum after the tile, from the old m and l, and
  // `corr` = 2^(m - m') rescales the old output.
  struct SoftmaxRow {
    mlir::Value m, corr, l;
  };
  SoftmaxRow
  softmaxRow(llvm::SmallVector<llvm::SmallVector<mlir::Value>> &frags,
             int64_t h, mlir::Value m, mlir::Value l);
  // The same step on raw scores `frags` and a positive `c2`: m' = max(m,
  // c2 max s) (the scaled scores' maximum), p = 2^(s c2 - m') as one fused
  // multiply-add and ex2.
  SoftmaxRow
  softmaxRowScaled(llvm::SmallVector<llvm::SmallVector<mlir::Value>> &frags,
                   int64_t h, mlir::Value c2, mlir::Value m, mlir::Value l);
  // Row `row` of the result, when below `extent`: o / l with l the row's
  // partial sums `l` added over its quad (0 with no keys), rounded to the
  // operand type, two columns a store; `value(et, i)` is element i (0 or 1)
  // of the row's half of output fragment et.
  void storeResultRow(mlir::Value out, mlir::Value base, mlir::Value row,
                      mlir::Value extent, mlir::Value l,
                      llvm::function_ref<mlir::Value(int64_t, int64_t)> value);

  // Row `row`'s log-sum-exp in base 2, L = m + log2 l with l the row's
  // partial sums `l` added over its quad, into lse[base + row] by the quad's
  // first thread when the row is below `extent`.
  void storeLogSumExp(mlir::Value lse, mlir::Value base, mlir::Value row,
                      mlir::Value extent, mlir::Value m, mlir::Value l);

  // acc[t][f] += a b over k in [0, depth), ascending by 16: a's rows
  // row0(t) + [0, 16) of shared rows at `aBase` ([row][k]), b's columns
  // 8 f + [0, 8) of shared rows at `bBase` ([column][k]). depth W.
  void mmaRowsByRows(Fragments &acc, mlir::Value aBase,
                     llvm::function_ref<mlir::Value(int64_t)> row0,
                     mlir::Value bBase);
  // acc[t][f] += a b where a is `p` (accumulators over `depth` columns,
  // rounded to bf16 as a fragments) and b's rows k of shared rows at
  // `bBase` ([k][column], W columns).
  void mmaRegistersByColumns(Fragments &acc, const Fragments &p,
                             mlir::Value bBase);
};

// The frame of a flash kernel: the function, with the generic kernel's
// parameters (TTileToNVVM.cpp's buildGpuKernel), `sharedElements` bf16 of
// shared memory, the thread's place, and the block's batch and first row
// of `rows` (one of the kernel's extents) in blocks of `blockRows`; the
// builder is inside the test that the block has a batch.
struct FlashKernel {
  mlir::Value buffer(unsigned i) const { return entry->getArgument(i); }
  mlir::Value size(unsigned i) const; // the kernel's extent i (0: s)
  mlir::Block *entry;
  unsigned numBuffers;
  mlir::Value batch, row0;
};
FlashKernel openFlashKernel(ttile::KernelOp kernel, const std::string &symbol,
                            int64_t sharedElements, unsigned rowsSize,
                            int64_t blockRows, FlashTiles &f,
                            mlir::OpBuilder &mb);

// A forward kernel's operands (buffers q, k, v, scale, the result, two of
// the CPU's scratch, the log-sum-exp when the op has one; extents s, t;
// the Tile IR kernel's) and where the block's batch starts in q and the
// result, and in k and v. Sets `f.fast` (q, k and v 16-byte aligned:
// cp.async).
struct FlashForwardOperands {
  mlir::Value q, k, v, scale, out, s, t, qBase, kBase;
  // With the op's lse result: where each query's log-sum-exp goes (base
  // 2: the adjoint's flash kernels read it), from lse[batch s]; else null.
  mlir::Value lse, lseBase;
};
FlashForwardOperands flashForwardOperands(const FlashKernel &k, FlashTiles &f);

} // namespace tessera
