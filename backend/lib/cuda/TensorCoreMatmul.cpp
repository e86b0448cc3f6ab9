// A bf16 matmul on tensor cores (sm_80 and later). A block of 8 warps
// computes a tile of TM x TN results (128 x 256, 64 x 64 or 32 x 32:
// tensorCoreTileShape), each warp a (TM/2) x (TN/4) part of it as m16n8k16
// mma.sync operations with f32 sums (a 64 x 64 part in the largest: 32 mma
// for 8 ldmatrix a 16 k). The operands are staged through shared memory in
// stages of 32 k by cp.async (16-byte chunks of 8 elements, zero-filled
// past the edges), 3 stages (two in flight while the third is used; the
// largest tile's 72 KiB are dynamic shared memory, MatmulBlock.h), and read
// into fragments by ldmatrix (.trans for an operand laid out k-major: b,
// and a when it is transposed). A chunk's place in its row of
// shared memory is XORed with bits of the row, so that the 8 rows an
// ldmatrix reads at once fall in different banks.
//
// The order of the sums: each result adds, from zero, one mma of 16
// consecutive k at a time in ascending order from the start of its segment
// of k (MatmulKernel.cpp's segments). An mma adds its 16 exact products and
// the sum in the hardware's own order and rounding, so the bits do not
// depend on the tile, on which block or warp computes a result, or on the
// run, but they differ from the CPU's one-fma-a-step order: tensor cores
// run under a non-strict policy only (ARCHITECTURE.md §6). k past the
// segment's end are zeros in both operands: exact zero products.
//
// `a` is staged by cp.async when its chunks are 16-byte aligned (its rows,
// of K or under transposition M elements, a multiple of 8, and its address
// aligned); otherwise by plain loads and stores, the same chunks with the
// same zeros. So is `b`, read itself ([k, n], rows of N); a `b` read as
// [n, k] comes from its packed panels, always by cp.async.
#include "TensorCoreMatmul.h"
#include "../common/TileLowering.h"
#include "TensorCoreOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace tessera {
namespace {

constexpr int64_t kDepth = 32; // k per stage
constexpr int64_t kWarpsAcross = 4;
constexpr int64_t kWarps = kGpuMatmulThreads / 32;
constexpr int64_t kWarpsDown = kWarps / kWarpsAcross;

struct TensorCoreBuilder : TensorCoreOps {
  TensorCoreBuilder(OpBuilder &b, Location loc, const MatmulBlock &block,
                    int64_t tileRows, int64_t tileCols, int64_t stages)
      : TensorCoreOps{{b, loc}}, blk(block), TM(tileRows), TN(tileCols),
        stages(stages), warpRows(tileRows / kWarpsDown),
        warpCols(tileCols / kWarpsAcross), mTiles(warpRows / 16),
        nTiles(warpCols / 8) {}

  const MatmulBlock &blk;
  int64_t TM, TN; // the tile's rows and columns
  int64_t stages; // of kDepth k each
  int64_t warpRows, warpCols, mTiles, nTiles;
  Value warpRow, warpCol;
  Value fastA; // a's chunks are staged by cp.async
  Value fastB; // and b's

  // Shared memory, in elements: stage s holds a (TM x kDepth) and then b
  // (kDepth x TN).
  int64_t stageElements() const { return (TM + TN) * kDepth; }
  Value stageBase(Value stage, bool ofB) {
    return add(mul(stage, c(stageElements())), c(ofB ? TM * kDepth : 0));
  }
  // Runs `body(i)` for this thread's chunks i of a stage's operand of
  // `side` rows or columns (4 side of them: side rows of 4 chunks, or 32
  // rows of side/8).
  void forEachChunk(int64_t side, llvm::function_ref<void(Value)> body) {
    int64_t chunks = side * kDepth / kChunk;
    for (int64_t first = 0; first < chunks; first += kGpuMatmulThreads) {
      Value i = add(blk.tid, c(first));
      if (first + kGpuMatmulThreads <= chunks) {
        body(i);
        continue;
      }
      auto ifOp = b.create<scf::IfOp>(loc, TypeRange{}, ult(i, c(chunks)),
                                      /*withElse=*/false);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(ifOp.thenBlock());
      body(i);
    }
  }

  // Stages k-block `kb` of the segment (k from k0) into `stage`.
  void load(Value kb, Value stage) {
    Value k0 = add(blk.kBegin, mul(kb, c(kDepth)));
    Value aStage = stageBase(stage, false), bStage = stageBase(stage, true);
    // a: rows of the tile, or under transposition k-rows of the tile's
    // columns of a[k, m].
    forEachChunk(TM, [&](Value i) {
      Value row, k, chunkAt;
      if (!blk.transposedA) {
        Value r = div(i, c(kDepth / kChunk)), ch = rem(i, c(kDepth / kChunk));
        row = add(blk.row0, r);
        k = add(k0, mul(ch, c(kChunk)));
        chunkAt = swizzled(r, ch, kDepth / kChunk);
      } else {
        Value r = div(i, c(TM / kChunk)), ch = rem(i, c(TM / kChunk));
        row = add(blk.row0, mul(ch, c(kChunk)));
        k = add(k0, r);
        chunkAt = swizzled(r, ch, TM / kChunk);
      }
      Value dst = at(shared, bf16(), add(aStage, chunkAt));
      stageChunkOfA(*this, blk, fastA, row, k, dst);
    });
    // b: k-rows of the tile's columns, each chunk within one panel.
    forEachChunk(TN, [&](Value i) {
      Value r = div(i, c(TN / kChunk)), ch = rem(i, c(TN / kChunk));
      Value k = add(k0, r);
      Value col = add(blk.col0, mul(ch, c(kChunk)));
      Value dst = at(shared, bf16(), add(bStage, swizzled(r, ch, TN / kChunk)));
      stageChunkOfB(*this, blk, fastB, k, col, dst);
    });
    b.create<NVVM::CpAsyncCommitGroupOp>(loc);
  }

  // The 16 k from `k` (0 or 16) of `stage`: every accumulator (mTiles x
  // nTiles fragments of 4) gains its mma.
  SmallVector<Value> step(Value stage, int64_t k, ValueRange acc) {
    Value aStage = stageBase(stage, false), bStage = stageBase(stage, true);
    Value low = rem(lane, c(16)), high = div(lane, c(16));
    SmallVector<SmallVector<Value>> as, bs;
    for (int64_t mt = 0; mt < mTiles; ++mt) {
      Value firstRow = add(mul(warpRow, c(warpRows)), c(mt * 16));
      Value element;
      if (!blk.transposedA) {
        // Lanes 0-15 the 16 rows at k, lanes 16-31 the same rows at k + 8.
        element = swizzled(add(firstRow, low), add(c(k / kChunk), high),
                           kDepth / kChunk);
      } else {
        // Matrix q = lane / 8: rows 8 (q % 2) on, k 8 (q / 2) on.
        Value q = div(lane, c(8));
        Value kRow = add(c(k), add(mul(div(q, c(2)), c(8)), rem(lane, c(8))));
        element = swizzled(kRow, add(div(firstRow, c(kChunk)), rem(q, c(2))),
                           TM / kChunk);
      }
      as.push_back(ldmatrix(add(aStage, element), 4, blk.transposedA));
    }
    // b: k-rows from k, lanes 0-15 a column chunk, 16-31 the next (two
    // n-tiles at once), or one n-tile alone.
    for (int64_t nt = 0; nt < nTiles;) {
      int64_t count = nt + 1 < nTiles ? 2 : 1;
      Value chunk = add(div(mul(warpCol, c(warpCols)), c(kChunk)), c(nt));
      if (count == 2)
        chunk = add(chunk, high);
      Value element = swizzled(add(c(k), low), chunk, TN / kChunk);
      SmallVector<Value> regs =
          ldmatrix(add(bStage, element), 2 * count, /*transposed=*/true);
      for (int64_t i = 0; i < count; ++i)
        bs.push_back({regs[2 * i], regs[2 * i + 1]});
      nt += count;
    }
    SmallVector<Value> next;
    for (int64_t mt = 0; mt < mTiles; ++mt)
      for (int64_t nt = 0; nt < nTiles; ++nt)
        llvm::append_range(
            next, mma(as[mt], bs[nt], acc.slice((mt * nTiles + nt) * 4, 4)));
    return next;
  }

  // The sums over the block's segment of k: the first stages - 1 blocks are
  // requested first; at block t, once its copies have landed (this
  // thread's: wait for all but the latest stages - 2 groups; everyone's:
  // the barrier, which also says that every warp is done with block t - 1),
  // block t + stages - 1 is requested into t - 1's stage and block t is
  // multiplied.
  SmallVector<Value> accumulate() {
    int64_t count = mTiles * nTiles * 4;
    Value zero = b.create<arith::ConstantOp>(loc, b.getFloatAttr(f32(), 0.0));
    SmallVector<Value> zeros(count, zero);
    Value length = sub(blk.kEnd, blk.kBegin);
    Value blocks = div(add(length, c(kDepth - 1)), c(kDepth));
    requestFirstBlocks(blocks, stages - 1, [&](Value s) { load(s, s); });
    auto loop = b.create<scf::ForOp>(loc, c(0), blocks, c(1), zeros);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value t = loop.getInductionVar();
    waitForBlock(blocks, t, stages - 1);
    b.create<NVVM::Barrier0Op>(loc);
    Value ahead = add(t, c(stages - 1));
    auto request = b.create<scf::IfOp>(loc, TypeRange{}, ult(ahead, blocks),
                                       /*withElse=*/false);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(request.thenBlock());
      load(ahead, rem(ahead, c(stages)));
    }
    Value stage = rem(t, c(stages));
    SmallVector<Value> acc(loop.getRegionIterArgs());
    for (int64_t k = 0; k < kDepth; k += 16)
      acc = step(stage, k, acc);
    b.create<scf::YieldOp>(loc, acc);
    return SmallVector<Value>(loop.getResults());
  }
};

} // namespace

// The chunk whose element j is base[index(j)], there when inside(j), into
// `dst`: by cp.async when `fast` (whole chunks of rows of whole chunks,
// in or out as a whole), else element by element.
static void stageChunk(TensorCoreOps &ops, Value fast, Value base,
                       function_ref<Value(int64_t)> index,
                       function_ref<Value(int64_t)> inside, Value dst) {
  OpBuilder &b = ops.b;
  auto ifOp = b.create<scf::IfOp>(ops.loc, TypeRange{}, fast, true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  Value whole = inside(0);
  ops.copyChunk(dst,
                ops.at(base, ops.bf16(), ops.select(whole, index(0), ops.c(0))),
                whole);
  b.setInsertionPointToStart(ifOp.elseBlock());
  ops.loadChunk(dst, inside,
                [&](int64_t j) { return ops.at(base, ops.bf16(), index(j)); });
}

void stageChunkOfA(TensorCoreOps &ops, const MatmulBlock &blk, Value fastA,
                   Value row, Value k, Value dst) {
  // Element j of the chunk: its row and k, and where it is.
  auto rowOf = [&](int64_t j) {
    return blk.transposedA ? ops.add(row, ops.c(j)) : row;
  };
  auto kOf = [&](int64_t j) {
    return blk.transposedA ? k : ops.add(k, ops.c(j));
  };
  auto index = [&](int64_t j) {
    Value offset = blk.transposedA ? ops.add(ops.mul(kOf(j), blk.M), rowOf(j))
                                   : ops.add(ops.mul(rowOf(j), blk.K), kOf(j));
    return ops.add(blk.aBase, offset);
  };
  auto inside = [&](int64_t j) {
    return ops.both(ops.ult(rowOf(j), blk.M), ops.ult(kOf(j), blk.kEnd));
  };
  stageChunk(ops, fastA, blk.A, index, inside, dst);
}

void stageChunkOfB(TensorCoreOps &ops, const MatmulBlock &blk, Value fastB,
                   Value k, Value col, Value dst) {
  if (blk.transposedB) {
    // b's panels (packed from [n, k]): whole, aligned chunks, each within
    // one panel.
    Value panel = ops.div(col, ops.c(blk.width));
    Value inside = ops.both(ops.ult(k, blk.kEnd), ops.ult(panel, blk.panels));
    Value index = ops.add(
        blk.pBatch,
        ops.add(ops.mul(ops.add(ops.mul(panel, blk.K), k), ops.c(blk.width)),
                ops.rem(col, ops.c(blk.width))));
    ops.copyChunk(
        dst, ops.at(blk.P, ops.bf16(), ops.select(inside, index, ops.c(0))),
        inside);
    return;
  }
  // Row k of the batch's b, columns col on; rows of whole chunks are in
  // or out a chunk at a time.
  auto index = [&](int64_t j) {
    return ops.add(blk.bBase,
                   ops.add(ops.mul(k, blk.N), ops.add(col, ops.c(j))));
  };
  auto inside = [&](int64_t j) {
    return ops.both(ops.ult(k, blk.kEnd),
                    ops.ult(ops.add(col, ops.c(j)), blk.N));
  };
  stageChunk(ops, fastB, blk.B, index, inside, dst);
}

Value rowsOfWholeChunks(TensorCoreOps &ops, const MatmulBlock &blk, Value ptr,
                        Value rowLength) {
  return ops.both(ops.eq(ops.rem(rowLength, ops.c(kChunk)), ops.c(0)),
                  ops.aligned(ptr, 16));
}

// Two values of a row at `first` (column `col`): one store where `pairs`
// and both are inside the row, else one each.
static void storePair(TensorCoreOps &ops, const MatmulBlock &blk,
                      ArrayRef<Value> values, Value out, Type type, Value pairs,
                      Value first, Value col) {
  OpBuilder &b = ops.b;
  Location loc = ops.loc;
  auto c = [&](int64_t v) { return ops.c(v); };
  int64_t bytes = type.getIntOrFloatBitWidth() / 8;
  OpBuilder::InsertionGuard guard(b);
  Value whole = ops.both(pairs, ops.ult(ops.add(col, c(1)), blk.N));
  auto ifOp = b.create<scf::IfOp>(loc, TypeRange{}, whole, true);
  b.setInsertionPointToStart(ifOp.thenBlock());
  Value v = b.create<LLVM::UndefOp>(loc, VectorType::get({2}, type));
  for (int64_t i = 0; i < 2; ++i)
    v = b.create<LLVM::InsertElementOp>(loc, v, values[i], c(i));
  b.create<LLVM::StoreOp>(loc, v, ops.at(out, type, first), 2 * bytes);
  b.setInsertionPointToStart(ifOp.elseBlock());
  for (int64_t i = 0; i < 2; ++i) {
    auto one = b.create<scf::IfOp>(loc, TypeRange{},
                                   ops.ult(ops.add(col, c(i)), blk.N), false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(one.thenBlock());
    b.create<LLVM::StoreOp>(loc, values[i],
                            ops.at(out, type, ops.add(first, c(i))), bytes);
  }
}

void storeFragments(TensorCoreOps &ops, const MatmulBlock &blk,
                    const FragmentGrid &grid, ArrayRef<Value> sums, Value out,
                    Type type, bool result) {
  OpBuilder &b = ops.b;
  Location loc = ops.loc;
  auto c = [&](int64_t v) { return ops.c(v); };
  auto add = [&](Value x, Value y) { return ops.add(x, y); };
  auto mul = [&](Value x, Value y) { return ops.mul(x, y); };
  int64_t bytes = type.getIntOrFloatBitWidth() / 8;
  Value g = ops.div(ops.lane, c(4)), q = ops.rem(ops.lane, c(4));
  Value warpRow0 = add(blk.row0, mul(grid.warpRow, c(grid.warpRows)));
  Value warpCol0 = add(blk.col0, mul(grid.warpCol, c(grid.warpCols)));
  // Calls `each(row, col, first, values)` for the two values of each
  // fragment row the thread holds in the result's rows.
  auto forEachPair =
      [&](function_ref<void(Value, Value, Value, ArrayRef<Value>)> each) {
        for (int64_t mt = 0; mt < grid.mTiles; ++mt)
          for (int64_t nt = 0; nt < grid.nTiles; ++nt)
            for (int64_t h = 0; h < 2; ++h) {
              Value row = add(warpRow0, add(c(mt * 16 + 8 * h), g));
              Value col = add(warpCol0, add(c(nt * 8), mul(q, c(2))));
              SmallVector<Value> values;
              for (int64_t i = 0; i < 2; ++i) {
                Value v = sums[(mt * grid.nTiles + nt) * 4 + 2 * h + i];
                values.push_back(type == ops.f32()
                                     ? v
                                     : b.create<LLVM::FPTruncOp>(loc, type, v));
              }
              Value first = add(blk.cBase, add(mul(row, blk.N), col));
              OpBuilder::InsertionGuard guard(b);
              auto inside = b.create<scf::IfOp>(loc, TypeRange{},
                                                ops.ult(row, blk.M), false);
              b.setInsertionPointToStart(inside.thenBlock());
              each(row, col, first, values);
            }
      };
  if (out) {
    Value pairs = ops.both(ops.eq(ops.rem(blk.N, c(2)), c(0)),
                           ops.aligned(out, 2 * bytes));
    forEachPair([&](Value, Value col, Value first, ArrayRef<Value> values) {
      storePair(ops, blk, values, out, type, pairs, first, col);
    });
  }
  if (!result || !blk.epilogue)
    return;
  // The epilogue of each value inside the result.
  forEachPair([&](Value row, Value col, Value first, ArrayRef<Value> values) {
    for (int64_t i = 0; i < 2; ++i) {
      OpBuilder::InsertionGuard guard(b);
      auto one = b.create<scf::IfOp>(loc, TypeRange{},
                                     ops.ult(add(col, c(i)), blk.N), false);
      b.setInsertionPointToStart(one.thenBlock());
      applyEpilogue(b, loc, blk, values[i], add(first, c(i)), row,
                    add(col, c(i)));
    }
  });
}

bool runsOnTensorCores(const MatmulBlock &block) {
  return block.elem.isBF16() && block.accum.isF32() && block.fused &&
         block.width % kChunk == 0;
}

void buildTensorCoreVariant(ttile::KernelOp kernel, int64_t tile,
                            const std::string &symbol, OpBuilder &mb) {
  Location loc = kernel.getLoc();
  OpBuilder b(kernel.getContext());
  auto [rows, cols] = tensorCoreTileShape(tile);
  // Three stages: 72 KiB of dynamic shared memory for the largest tile.
  int64_t stageCount = 3;
  auto shared = LLVM::LLVMArrayType::get(mb.getBF16Type(),
                                         stageCount * (rows + cols) * kDepth);
  MatmulBlock block = openMatmulBlock(kernel, rows, cols, symbol, shared,
                                      /*minBlocksPerSM=*/0, mb, b);
  TensorCoreBuilder g(b, loc, block, rows, cols, stageCount);
  g.shared = sharedMemory(b, loc, symbol);
  g.lane = g.rem(block.tid, g.c(32));
  Value warp = g.div(block.tid, g.c(32));
  g.warpRow = g.div(warp, g.c(kWarpsAcross));
  g.warpCol = g.rem(warp, g.c(kWarpsAcross));
  // a's chunks are whole and aligned when its rows are multiples of 8
  // elements (k and segment starts are, and so are batch strides then).
  g.fastA = rowsOfWholeChunks(g, block, block.A,
                              block.transposedA ? block.M : block.K);
  g.fastB = rowsOfWholeChunks(g, block, block.B, block.N);
  SmallVector<Value> sums = g.accumulate();
  FragmentGrid grid{g.warpRow,  g.warpCol, g.warpRows,
                    g.warpCols, g.mTiles,  g.nTiles};
  forEachDestination(b, loc, block, [&](Value out, Type type, bool result) {
    storeFragments(g, block, grid, sums, out, type, result);
  });
}

} // namespace tessera
