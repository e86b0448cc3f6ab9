// A matmul on the GPU: each block of 256 threads computes a square tile of
// one batch's result (128, 64 or 32 on a side: one kernel per size, the
// entry picks), each thread 8 x 8, 4 x 4 or 2 x 2 results in registers. A
// few columns of `a` and rows of `b` at a time are staged in shared memory
// (two stages: the next is fetched into registers while the current one
// is used), both read where they lie, as 16-byte vectors where no index
// needs clamping (the CPU's packed panels of `b` are not made: a launch
// each, which a small matmul spent as long on as on its product).
//
// Every result is still the sum over k = 0, 1, ..., K-1 of a[i,k] * b[k,j]
// in that order, from zero, each step one fused multiply-add (fma.rn) under
// a non-strict policy, or a multiply and an add rounded on their own under
// a strict one (the PTX has no other contraction, ptxas runs with
// --fmad=false): the same operations in the same order as the CPU kernel
// (MatmulKernel.cpp), so the same bits, whatever the tile. A matmul cut into
// segments of k runs a block per tile and segment, each storing its
// segment's value (Tile IR's next kernel adds them), or with one segment
// the result. Rows and columns past the edges are read
// from clamped addresses and feed only results that are not stored; k past
// K is never read. bf16 operands are widened to f32 as they are staged and
// the sums are f32 (the products are exact), rounded once as they are
// stored, as on the CPU. That is the strict policy's bf16 matmul; under the
// default one bf16 runs on tensor cores instead (TensorCoreMatmul.cpp).
#include "MatmulTiles.h"
#include "../common/TileLowering.h"
#include "MatmulBlock.h"
#include "TensorCoreMatmul.h"
#include "WgmmaMatmul.h"
#include "tessera/Backend/Symbols.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <functional>

using namespace mlir;

namespace tessera {
namespace {

constexpr int64_t kThreadsPerRow = 16; // 16 x 16 threads

static_assert(kThreadsPerRow * kThreadsPerRow == kGpuMatmulThreads);

// The shape of one variant: a thread's rows are two strips of `strip`, half
// a tile apart (and so are its columns), so that a warp's reads of shared
// memory are vectors that either coincide or lie side by side.
struct TileShape {
  int64_t strip;
  int64_t depth; // k per stage
  int64_t tile() const { return 2 * kThreadsPerRow * strip; }
  int64_t half() const { return tile() / 2; }
  int64_t perThread() const { return 2 * strip; }
  // Elements of each operand a thread stages per stage.
  int64_t staged() const { return depth * tile() / kGpuMatmulThreads; }
  // A stage of either operand is kept as [k][row or column]; its rows are
  // padded by 4 elements so that threads storing the same row of `a` (or
  // column of a transposed `b`) at different k hit different banks.
  int64_t stageRow() const { return tile() + 4; }
  int64_t stage() const { return depth * stageRow(); }
};

struct GemmBuilder : IndexMath {
  GemmBuilder(OpBuilder &b, Location loc, const MatmulBlock &block,
              TileShape shape)
      : IndexMath{b, loc}, frame(block), elem(block.accum),
        transposedA(block.transposedA), transposedB(block.transposedB),
        fused(block.fused), A(block.A), B(block.B), M(block.M), N(block.N),
        K(block.K), aBase(block.aBase), bBase(block.bBase), cBase(block.cBase),
        kBegin(block.kBegin), kEnd(block.kEnd), tid(block.tid),
        row0(block.row0), col0(block.col0), kStrip(shape.strip),
        kDepth(shape.depth), kStaged(shape.staged()), kTile(shape.tile()),
        kHalf(shape.half()), kPerThread(shape.perThread()),
        kStageRow(shape.stageRow()), kStage(shape.stage()) {}

  const MatmulBlock &frame;
  // The type of the sums and of the stages in shared memory; operands of
  // another type (bf16) are widened as they are staged, exactly.
  Type elem;
  bool transposedA; // a read as [k, m]
  bool transposedB; // b read as [n, k]
  bool fused;       // a step is one fused multiply-add
  Value A, B;       // global pointers
  Value M, N, K, aBase, bBase, cBase;
  Value kBegin, kEnd; // the block's segment of k
  Value tid, row0, col0;
  // The variant's shape (TileShape), named as constants.
  int64_t kStrip, kDepth, kStaged, kTile, kHalf, kPerThread, kStageRow, kStage;
  Value shared; // the stages: a, a, b, b
  Value tx, ty;

  Type i64() { return b.getI64Type(); }
  Value zero() {
    return b.create<arith::ConstantOp>(loc, b.getFloatAttr(elem, 0.0));
  }
  int64_t elemBytes() { return bytesOf(elem); }
  static int64_t bytesOf(Type t) { return t.getIntOrFloatBitWidth() / 8; }
  VectorType strip() { return VectorType::get({kStrip}, elem); }
  // A strip's alignment, in shared memory and in a row of `c` whose length
  // is a multiple of the strip (at most the 16 bytes of the widest access).
  int64_t vectorAlign(int64_t lanes = 0) {
    return std::min<int64_t>(16, (lanes ? lanes : kStrip) * elemBytes());
  }

  Value element(Value base, Value index) {
    return b.create<LLVM::GEPOp>(loc, base.getType(), elem, base,
                                 ValueRange{index});
  }
  // An operand's element as it is stored.
  Value loadStored(Value index, Value base) {
    Type stored = frame.elem;
    return b.create<LLVM::LoadOp>(loc, stored,
                                  b.create<LLVM::GEPOp>(loc, base.getType(),
                                                        stored, base,
                                                        ValueRange{index}),
                                  bytesOf(stored));
  }
  // Shared memory: a strip of 4 is 16-byte aligned by construction.
  Value loadStrip(Value index) {
    return b.create<LLVM::LoadOp>(loc, strip(), element(shared, index),
                                  vectorAlign());
  }
  void storeShared(Value v, Value index) {
    auto vt = dyn_cast<VectorType>(v.getType());
    b.create<LLVM::StoreOp>(loc, v, element(shared, index),
                            vt ? vectorAlign(vt.getNumElements())
                               : elemBytes());
  }
  Value extract(Value v, int64_t i) {
    return b.create<LLVM::ExtractElementOp>(loc, v, c(i));
  }
  Value gather(ArrayRef<Value> values) {
    auto vt = VectorType::get({static_cast<int64_t>(values.size())}, elem);
    Value v = b.create<LLVM::UndefOp>(loc, vt);
    for (auto [i, x] : llvm::enumerate(values))
      v = b.create<LLVM::InsertElementOp>(loc, v, x, c(i));
    return v;
  }

  // The kStaged elements of `a` and of `b` this thread stages for the
  // k-block starting at k0, read from global memory.
  SmallVector<Value> fetch(Value k0) {
    SmallVector<Value> values = fetchOperand(k0, A, aBase, M, row0,
                                             /*kMajor=*/transposedA);
    llvm::append_range(values, fetchOperand(k0, B, bBase, N, col0,
                                            /*kMajor=*/!transposedB));
    return values;
  }

  // An operand's kStaged elements: of `a` (`extent` M, the tile's first row
  // `first`), or of `b` as its transpose (N, the first column). `kMajor`:
  // the operand lies as [k, extent] (a transposed `a`, a `b`), and a thread
  // reads kStaged consecutive elements of one k (a k-row of a stage,
  // kTile elements, is read by kTile / kStaged threads); else as [extent,
  // k], and a thread reads kStaged consecutive k of one row. Either way the
  // elements are consecutive in memory: where none of them needs its index
  // clamped and they start 16-byte aligned, they are read as vectors.
  SmallVector<Value> fetchOperand(Value k0, Value base, Value batch,
                                  Value extent, Value first, bool kMajor) {
    Value last = sub(extent, c(1)), lastK = sub(K, c(1));
    Value at;        // the first element's index
    Value inside;    // no element past the row's end (i1)
    Value rowLength; // elements from one row of the operand to the next
    std::function<Value(int64_t)> clamped; // element j's index, clamped
    if (!kMajor) {
      Value row = min(add(first, div(tid, c(kDepth / kStaged))), last);
      Value k = add(k0, mul(rem(tid, c(kDepth / kStaged)), c(kStaged)));
      at = add(batch, add(mul(row, K), k));
      inside = ule(add(k0, c(kDepth)), K);
      rowLength = K;
      clamped = [=](int64_t j) {
        return add(batch, add(mul(row, K), min(add(k, c(j)), lastK)));
      };
    } else {
      Value perRow = c(kTile / kStaged);
      Value k = min(add(k0, div(tid, perRow)), lastK);
      Value row = add(first, mul(rem(tid, perRow), c(kStaged)));
      at = add(batch, add(mul(k, extent), row));
      inside = ule(add(first, c(kTile)), extent);
      rowLength = extent;
      clamped = [=](int64_t j) {
        return add(batch, add(mul(k, extent), min(add(row, c(j)), last)));
      };
    }
    // Vectors of `align` bytes: rows of whole vectors, from an aligned start
    // (the first element's index is a multiple of kStaged within the row).
    int64_t bytes = bytesOf(frame.elem);
    int64_t align = std::min<int64_t>(16, kStaged * bytes);
    Value start =
        add(b.create<LLVM::PtrToIntOp>(loc, i64(), base), mul(batch, c(bytes)));
    Value aligned =
        b.create<arith::AndIOp>(loc, eq(rem(start, c(align)), c(0)),
                                eq(rem(rowLength, c(align / bytes)), c(0)));
    Value fast = b.create<arith::AndIOp>(loc, aligned, inside);
    // Both branches yield whole vectors: a vector load whose only users
    // extract its elements is split into scalar loads by LLVM.
    int64_t lanes = align / bytes;
    auto vt = VectorType::get({lanes}, frame.elem);
    SmallVector<Type> types(kStaged / lanes, vt);
    auto ifOp = b.create<scf::IfOp>(loc, types, fast, /*withElse=*/true);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    SmallVector<Value> vectors;
    for (int64_t j = 0; j < kStaged; j += lanes)
      vectors.push_back(b.create<LLVM::LoadOp>(
          loc, vt,
          b.create<LLVM::GEPOp>(loc, base.getType(), frame.elem, base,
                                ValueRange{add(at, c(j))}),
          align));
    b.create<scf::YieldOp>(loc, vectors);
    b.setInsertionPointToStart(ifOp.elseBlock());
    vectors.clear();
    for (int64_t j = 0; j < kStaged; j += lanes) {
      Value v = b.create<LLVM::UndefOp>(loc, vt);
      for (int64_t l = 0; l < lanes; ++l)
        v = b.create<LLVM::InsertElementOp>(
            loc, v, loadStored(clamped(j + l), base), c(l));
      vectors.push_back(v);
    }
    b.create<scf::YieldOp>(loc, vectors);
    b.setInsertionPointAfter(ifOp);
    SmallVector<Value> values;
    for (Value v : ifOp.getResults())
      for (int64_t l = 0; l < lanes; ++l) {
        Value x = extract(v, l);
        values.push_back(
            frame.elem == elem ? x : b.create<LLVM::FPExtOp>(loc, elem, x));
      }
    return values;
  }

  // Writes what fetch read into stage `stage` (0 or 1).
  void stage(Value stage, ArrayRef<Value> values) {
    stageOperand(mul(stage, c(kStage)), values.take_front(kStaged),
                 transposedA);
    stageOperand(add(c(2 * kStage), mul(stage, c(kStage))),
                 values.drop_front(kStaged), !transposedB);
  }

  // One operand's values (fetchOperand's) into its stage at `at`.
  void stageOperand(Value at, ArrayRef<Value> values, bool kMajor) {
    if (!kMajor) {
      Value row = div(tid, c(kDepth / kStaged));
      Value k = mul(rem(tid, c(kDepth / kStaged)), c(kStaged));
      for (int64_t j = 0; j < kStaged; ++j)
        storeShared(values[j],
                    add(at, add(mul(add(k, c(j)), c(kStageRow)), row)));
      return;
    }
    Value perRow = c(kTile / kStaged);
    storeShared(gather(values),
                add(at, add(mul(div(tid, perRow), c(kStageRow)),
                            mul(rem(tid, perRow), c(kStaged)))));
  }

  // One k of the stage: every accumulator gains a[row] * b[col].
  SmallVector<Value> step(Value stage, Value kk, ValueRange acc) {
    Value aRow = add(mul(stage, c(kStage)), mul(kk, c(kStageRow)));
    Value bRow =
        add(add(c(2 * kStage), mul(stage, c(kStage))), mul(kk, c(kStageRow)));
    SmallVector<Value> as, bs;
    for (int64_t s = 0; s < 2; ++s) {
      Value av = loadStrip(add(aRow, add(c(s * kHalf), mul(ty, c(kStrip)))));
      Value bv = loadStrip(add(bRow, add(c(s * kHalf), mul(tx, c(kStrip)))));
      for (int64_t j = 0; j < kStrip; ++j) {
        as.push_back(extract(av, j));
        bs.push_back(extract(bv, j));
      }
    }
    SmallVector<Value> next;
    for (int64_t i = 0; i < kPerThread; ++i)
      for (int64_t j = 0; j < kPerThread; ++j)
        next.push_back(fused ? b.create<math::FmaOp>(loc, as[i], bs[j],
                                                     acc[i * kPerThread + j])
                                   .getResult()
                             : b.create<arith::AddFOp>(
                                    loc, acc[i * kPerThread + j],
                                    b.create<arith::MulFOp>(loc, as[i], bs[j]))
                                   .getResult());
    return next;
  }

  // The k-block of `depth` (a constant kDepth, or fewer at the end) in
  // stage `stage`.
  SmallVector<Value> block(Value stage, Value depth, ValueRange acc) {
    Value whole = eq(depth, c(kDepth));
    SmallVector<Type> types(acc.size(), elem);
    auto ifOp = b.create<scf::IfOp>(loc, types, whole, /*withElse=*/true);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(ifOp.thenBlock());
      SmallVector<Value> cur(acc);
      for (int64_t kk = 0; kk < kDepth; ++kk)
        cur = step(stage, c(kk), cur);
      b.create<scf::YieldOp>(loc, cur);
      b.setInsertionPointToStart(ifOp.elseBlock());
      auto loop = forLoop(depth, acc, [&](Value kk, ValueRange cur) {
        return step(stage, kk, cur);
      });
      b.create<scf::YieldOp>(loc, loop.getResults());
    }
    return SmallVector<Value>(ifOp.getResults());
  }

  // for (i = 0; i < end; ++i) carrying `init`; `body` builds with this
  // builder, inside the loop, and returns what the next iteration gets.
  scf::ForOp
  forLoop(Value end, ValueRange init,
          llvm::function_ref<SmallVector<Value>(Value, ValueRange)> body) {
    auto loop = b.create<scf::ForOp>(loc, c(0), end, c(1), init);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    b.create<scf::YieldOp>(
        loc, body(loop.getInductionVar(), loop.getRegionIterArgs()));
    return loop;
  }

  void barrier() { b.create<NVVM::Barrier0Op>(loc); }

  // The sum over the segment's k, for this thread's 8 x 8 results.
  SmallVector<Value> accumulate() {
    SmallVector<Value> zeros(kPerThread * kPerThread, zero());
    SmallVector<Type> types(zeros.size(), elem);
    Value length = sub(kEnd, kBegin);
    Value blocks = ceilDiv(length, kDepth);
    // An empty segment (K = 0): the sums are empty.
    auto any = b.create<scf::IfOp>(loc, types, ult(c(0), length), true);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(any.elseBlock());
    b.create<scf::YieldOp>(loc, zeros);
    b.setInsertionPointToStart(any.thenBlock());
    stage(c(0), fetch(kBegin));
    barrier();
    auto loop = forLoop(blocks, zeros, [&](Value t, ValueRange acc) {
      Value current = rem(t, c(2));
      Value hasNext = ult(add(t, c(1)), blocks);
      SmallVector<Type> fetched(2 * kStaged, elem);
      auto next = b.create<scf::IfOp>(loc, fetched, hasNext, true);
      {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(next.thenBlock());
        b.create<scf::YieldOp>(
            loc, fetch(add(kBegin, mul(add(t, c(1)), c(kDepth)))));
        b.setInsertionPointToStart(next.elseBlock());
        b.create<scf::YieldOp>(loc, SmallVector<Value>(2 * kStaged, zero()));
      }
      Value depth = min(c(kDepth), sub(length, mul(t, c(kDepth))));
      SmallVector<Value> sums = block(current, depth, acc);
      auto store = b.create<scf::IfOp>(loc, TypeRange{}, hasNext, false);
      {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(store.thenBlock());
        stage(sub(c(1), current), SmallVector<Value>(next.getResults()));
      }
      barrier();
      return sums;
    });
    b.create<scf::YieldOp>(loc, loop.getResults());
    return SmallVector<Value>(any.getResults());
  }

  // Stores the results inside the matrix `out` of `type` (rounded to it
  // when narrower than the sums): whole strips as one vector when the row
  // length keeps them aligned. Into the `result` (`out` null where only an
  // epilogue's values are stored), each value then goes through the
  // block's epilogue.
  void store(ArrayRef<Value> sums, Value out, Type type, bool result) {
    SmallVector<Value> rounded(sums);
    if (type != elem)
      for (Value &v : rounded)
        v = b.create<LLVM::FPTruncOp>(loc, type, v);
    // Calls `each(row, col, first, values)` for each strip the thread
    // holds in the result's rows.
    auto forEachStrip =
        [&](function_ref<void(Value, Value, Value, ArrayRef<Value>)> each) {
          for (int64_t i = 0; i < kPerThread; ++i) {
            Value row = add(row0, add(c((i / kStrip) * kHalf + i % kStrip),
                                      mul(ty, c(kStrip))));
            OpBuilder::InsertionGuard guard(b);
            auto inside =
                b.create<scf::IfOp>(loc, TypeRange{}, ult(row, M), false);
            b.setInsertionPointToStart(inside.thenBlock());
            for (int64_t s = 0; s < 2; ++s) {
              Value col = add(col0, add(c(s * kHalf), mul(tx, c(kStrip))));
              Value first = add(cBase, add(mul(row, N), col));
              each(row, col, first,
                   ArrayRef<Value>(rounded).slice(i * kPerThread + s * kStrip,
                                                  kStrip));
            }
          }
        };
    if (out) {
      int64_t align = std::min<int64_t>(16, kStrip * bytesOf(type));
      Value outInt = b.create<LLVM::PtrToIntOp>(loc, i64(), out);
      Value vectors = b.create<arith::AndIOp>(
          loc, eq(rem(outInt, c(align)), c(0)), eq(rem(N, c(kStrip)), c(0)));
      forEachStrip([&](Value, Value col, Value first, ArrayRef<Value> values) {
        storeStrip(values, out, type, vectors, align, first, col);
      });
    }
    if (!result || !frame.epilogue)
      return;
    // The epilogue of each value inside the result.
    forEachStrip(
        [&](Value row, Value col, Value first, ArrayRef<Value> values) {
          for (int64_t j = 0; j < kStrip; ++j) {
            OpBuilder::InsertionGuard guard(b);
            auto one = b.create<scf::IfOp>(loc, TypeRange{},
                                           ult(add(col, c(j)), N), false);
            b.setInsertionPointToStart(one.thenBlock());
            applyEpilogue(b, loc, frame, values[j], add(first, c(j)), row,
                          add(col, c(j)));
          }
        });
  }

  // A strip of a row at `first` (column `col`): one vector store where
  // `vectors` and the strip is inside the row, else one store each.
  void storeStrip(ArrayRef<Value> values, Value out, Type type, Value vectors,
                  int64_t align, Value first, Value col) {
    auto at = [&](Value index) {
      return b.create<LLVM::GEPOp>(loc, out.getType(), type, out,
                                   ValueRange{index});
    };
    Value whole =
        b.create<arith::AndIOp>(loc, vectors, ule(add(col, c(kStrip)), N));
    auto ifOp = b.create<scf::IfOp>(loc, TypeRange{}, whole, true);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    Value vector =
        b.create<LLVM::UndefOp>(loc, VectorType::get({kStrip}, type));
    for (auto [j, x] : llvm::enumerate(values))
      vector = b.create<LLVM::InsertElementOp>(loc, vector, x, c(j));
    b.create<LLVM::StoreOp>(loc, vector, at(first), align);
    b.setInsertionPointToStart(ifOp.elseBlock());
    for (int64_t j = 0; j < kStrip; ++j) {
      auto one =
          b.create<scf::IfOp>(loc, TypeRange{}, ult(add(col, c(j)), N), false);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(one.thenBlock());
      b.create<LLVM::StoreOp>(loc, values[j], at(add(first, c(j))),
                              bytesOf(type));
    }
  }
};

} // namespace

bool runsAsGpuMatmulTiles(ttile::KernelOp kernel) {
  std::optional<MatmulBlock> block = describeMatmul(kernel);
  if (!block)
    return false;
  Type elem = block->elem;
  return elem.isF32() || elem.isF64() ||
         (elem.isBF16() && block->accum.isF32());
}

bool gpuMatmulReadsRhs(ttile::KernelOp kernel) {
  std::optional<MatmulBlock> block = describeMatmul(kernel);
  if (!block || !runsAsGpuMatmulTiles(kernel))
    return false;
  // Tensor cores read a transposed `b` from its panels still.
  return !runsOnTensorCores(*block) || !block->transposedB;
}

std::pair<int64_t, int64_t> gpuMatmulTileShape(ttile::KernelOp kernel,
                                               int64_t tile) {
  std::optional<MatmulBlock> block = describeMatmul(kernel);
  if (block && runsOnTensorCores(*block))
    return tensorCoreTileShape(tile);
  return {tile, tile};
}

int64_t gpuMatmulBlocks(ttile::KernelOp kernel) {
  std::optional<MatmulBlock> block = describeMatmul(kernel);
  return block && runsOnTensorCores(*block) ? kTensorCoreBlocks : 256;
}

// One variant: `symbol`, computing tiles of `shape`.
static void buildVariant(ttile::KernelOp kernel, TileShape shape,
                         const std::string &symbol, OpBuilder &mb) {
  Location loc = kernel.getLoc();
  Type accum = describeMatmul(kernel)->accum;
  // Shared memory: two stages of a, two of b.
  auto stages = LLVM::LLVMArrayType::get(accum, 4 * shape.stage());
  // The f32 128 x 128 tile: one block an SM, registers enough for its
  // sums, the two 16-deep stages it fetches ahead and its strips (191).
  // Bound to two blocks an SM (128 registers, 8-deep stages), the sums
  // spilled and a 4096^3 product ran at 36 TFLOP/s on an H100, against 40
  // so. Other tiles take what they need (64 f64 sums alone take 128).
  int64_t minBlocks = accum.isF32() && shape.strip == 4 ? 1 : 0;
  OpBuilder b(kernel.getContext());
  MatmulBlock block = openMatmulBlock(kernel, shape.tile(), shape.tile(),
                                      symbol, stages, minBlocks, mb, b);
  GemmBuilder g(b, loc, block, shape);
  g.shared = sharedMemory(b, loc, symbol);
  g.tx = g.rem(g.tid, g.c(kThreadsPerRow));
  g.ty = g.div(g.tid, g.c(kThreadsPerRow));
  SmallVector<Value> sums = g.accumulate();
  forEachDestination(b, loc, block, [&](Value out, Type type, bool result) {
    g.store(sums, out, type, result);
  });
}

void buildGpuMatmulKernel(ttile::KernelOp kernel, OpBuilder &mb) {
  std::string symbol = kernelSymbol(kernel.getSymName().str());
  MatmulBlock block = *describeMatmul(kernel);
  if (runsOnTensorCores(block)) {
    for (int64_t tile : kGpuMatmulTiles)
      buildTensorCoreVariant(kernel, tile, gpuMatmulVariant(symbol, tile), mb);
    buildWgmmaVariant(kernel, gpuMatmulVariant(symbol, kGpuMatmulTiles[0]), mb);
    return;
  }
  Type elem = block.accum;
  for (int64_t tile : kGpuMatmulTiles) {
    // Smaller tiles take deeper stages: a tile with few blocks (a long sum
    // into a small result) would otherwise wait at a barrier every 8 k.
    // At most 48 KiB of shared memory (f64 halves the deepest stages).
    int64_t depth = tile == 128    ? (elem.isF64() ? 8 : 16)
                    : tile == 64   ? 16
                    : elem.isF64() ? 32
                                   : 64;
    buildVariant(kernel, TileShape{tile / (2 * kThreadsPerRow), depth},
                 gpuMatmulVariant(symbol, tile), mb);
  }
}

std::string gpuMatmulVariant(llvm::StringRef symbol, int64_t tile) {
  return tile == kGpuMatmulTiles[0] ? symbol.str()
                                    : (symbol + "_t" + Twine(tile)).str();
}

} // namespace tessera
