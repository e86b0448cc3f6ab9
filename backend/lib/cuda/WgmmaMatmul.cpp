// A bf16 matmul on sm_90a's warpgroup tensor cores: the largest
// tensor-core variant's 128 x 256 tiles (TensorCoreMatmul.cpp), its 8
// warps now two warpgroups of 4, each computing 64 rows x 256 columns as
// one wgmma.mma_async m64n256k16 per 16 k, with its 128 f32 sums a thread
// in registers and both operands read by the tensor cores straight from
// shared memory (no ldmatrix).
//
// Stages of 64 k (one 128-byte row of bf16) are copied by cp.async, 4
// stages in 193 KiB of dynamic shared memory, in the layouts wgmma reads
// with its 128-byte swizzle: 8 rows of 128 bytes make a 1024-byte atom
// whose 16-byte chunk c of row r sits at chunk c ^ r. `a` (rows of k) is
// k-major: row r of the tile is row r of the stage. `b` (its rows, or its
// panels when it is read as [n, k]) and, under transposition, `a` are
// k-rows of columns (MN-major): 64 columns of 64 k
// make 8 atoms one after the other (8 KiB), and the next 64 columns
// follow. Each wgmma is told so by its operands' descriptors (start, the
// distances between atoms, the swizzle) and its transpose flags.
//
// The order of the sums is the tensor-core variants' (TensorCoreMatmul.cpp):
// each result adds, from zero, one product of 16 consecutive k at a time in
// ascending order from the start of its segment, k past its end zeros.
//
// Where the TMA unit can read both operands (the kernel tests at run time
// what the runtime tested before encoding their tensor maps: TensorMaps.h),
// a third warpgroup copies instead: one of its threads has the TMA unit
// write each stage in the same layouts (a box of a's 128 rows, or two of
// a transposed a's 64 columns; four boxes of b's 64 columns, or one of
// 256 rows of a b read as [n, k], which then lies k-major as a does) and
// `full` and `empty` mbarriers a stage replace the barriers below; the
// multiplying warpgroups keep one group of wgmma in flight and take the
// copying warpgroup's registers (setmaxnreg). Otherwise, as follows.
//
// Synchronisation, per stage t: this thread's copies of stage t have landed
// (cp.async.wait_group), are made visible to the tensor cores' reads
// (fence.proxy.async: cp.async writes through the generic proxy, wgmma
// reads through the async one), and everyone's have (the barrier, which
// also says that both warpgroups are done with stage t - 1, whose place
// stage t + 3 then takes). The four wgmma of a stage are one group; the
// copies of stage t + 3 are issued while it runs, and it is waited for
// before the next stage. The sums pass through an empty asm after each
// wait, so that LLVM reads no accumulator before it is written.
#include "WgmmaMatmul.h"
#include "../common/TileLowering.h"
#include "TensorCoreMatmul.h"
#include "TensorMaps.h"
#include "WgmmaOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/Module.h"

using namespace mlir;

namespace tessera {
namespace {

constexpr int64_t kTileRows = 128, kTileCols = 256;
constexpr int64_t kDepth = 64; // k per stage: a 128-byte row of bf16
constexpr int64_t kStages = 4;
// Stages requested ahead of the one multiplied: all the others (the
// stage's wgmma are waited for before the next stage; letting one group
// run on across the barrier, two ahead, measured the same).
constexpr int64_t kAhead = kStages - 1;
constexpr int64_t kRowBytes = 128;
constexpr int64_t kAtomBytes = 8 * kRowBytes;
// 64 columns of an MN-major operand: kDepth rows of 128 bytes.
constexpr int64_t kColumnGroupBytes = kDepth * kRowBytes;
constexpr int64_t kAStageBytes = kTileRows * kDepth * 2;
constexpr int64_t kStageBytes = kAStageBytes + kTileCols * kDepth * 2;
constexpr int64_t kWarpgroupRows = 64;
constexpr int64_t kSums = kTileCols / 2; // f32 a thread: 64 x 256 / 128
// The two warpgroups that multiply; with the TMA unit, a third copies.
constexpr int64_t kConsumerThreads = 2 * 128;
constexpr int64_t kTmaThreads = kConsumerThreads + 128;
// After the stages: the TMA pipeline's barriers, full[kStages] then
// empty[kStages], 8 bytes each.
constexpr int64_t kBarriersOffset = kStages * kStageBytes;
constexpr int64_t kBarrierBytes = 2 * kStages * 8;

struct WgmmaBuilder : TensorCoreOps {
  WgmmaBuilder(OpBuilder &b, Location loc, const MatmulBlock &block)
      : TensorCoreOps{{b, loc}}, blk(block) {}

  const MatmulBlock &blk;
  Value fastA;     // a's chunks are staged by cp.async
  Value fastB;     // and b's
  Value skew;      // bytes from `shared` to the first 1024-aligned byte
  Value address;   // that byte's shared-memory address
  Value warpgroup; // 0 or 1: its rows start at 64 warpgroup

  // Byte `offset` of the aligned stages, as a pointer, for copies.
  Value pointer(Value offset) {
    return at(shared, b.getI8Type(), add(skew, offset));
  }
  Value stageOffset(Value stage, bool ofB) {
    return add(mul(stage, c(kStageBytes)), c(ofB ? kAStageBytes : 0));
  }
  // The byte offset of chunk `chunk` of row `row` in rows of 128 bytes
  // (k-major a), or of chunk `chunk` of k-row `row` in groups of 64
  // columns (MN-major operands).
  Value kMajorChunk(Value row, Value chunk) {
    Value place = b.create<arith::XOrIOp>(
        loc, chunk, b.create<arith::AndIOp>(loc, row, c(7)));
    return add(mul(row, c(kRowBytes)), mul(place, c(16)));
  }
  Value mnMajorChunk(Value row, Value chunk) {
    Value group = b.create<arith::ShRUIOp>(loc, chunk, c(3));
    Value within = b.create<arith::AndIOp>(loc, chunk, c(7));
    return add(mul(group, c(kColumnGroupBytes)), kMajorChunk(row, within));
  }

  // Stages k-block `kb` of the segment into `stage`: 12 chunks a thread.
  void load(Value kb, Value stage) {
    Value k0 = add(blk.kBegin, mul(kb, c(kDepth)));
    Value aStage = stageOffset(stage, false), bStage = stageOffset(stage, true);
    int64_t chunksOfA = kTileRows * kDepth / kChunk;
    for (int64_t first = 0; first < chunksOfA; first += kGpuMatmulThreads) {
      Value i = add(blk.tid, c(first));
      Value row, k, offset;
      if (!blk.transposedA) {
        Value r = div(i, c(kDepth / kChunk)), ch = rem(i, c(kDepth / kChunk));
        row = add(blk.row0, r);
        k = add(k0, mul(ch, c(kChunk)));
        offset = kMajorChunk(r, ch);
      } else {
        Value r = div(i, c(kTileRows / kChunk));
        Value ch = rem(i, c(kTileRows / kChunk));
        row = add(blk.row0, mul(ch, c(kChunk)));
        k = add(k0, r);
        offset = mnMajorChunk(r, ch);
      }
      stageChunkOfA(*this, blk, fastA, row, k, pointer(add(aStage, offset)));
    }
    int64_t chunksOfB = kTileCols * kDepth / kChunk;
    for (int64_t first = 0; first < chunksOfB; first += kGpuMatmulThreads) {
      Value i = add(blk.tid, c(first));
      Value r = div(i, c(kTileCols / kChunk));
      Value ch = rem(i, c(kTileCols / kChunk));
      Value k = add(k0, r);
      Value col = add(blk.col0, mul(ch, c(kChunk)));
      Value dst = pointer(add(bStage, mnMajorChunk(r, ch)));
      stageChunkOfB(*this, blk, fastB, k, col, dst);
    }
    b.create<NVVM::CpAsyncCommitGroupOp>(loc);
  }

  Value descriptor(Value start, int64_t leading, int64_t stride) {
    return wgmmaDescriptor(*this, start, leading, stride);
  }
  void instruction(StringRef text, ValueRange operands = {},
                   StringRef constraints = "") {
    ptxInstruction(b, loc, text, operands, constraints);
  }
  SmallVector<Value> onSums(StringRef text, ValueRange sums, ValueRange inputs,
                            StringRef inputConstraints) {
    return ptxOnSums(b, loc, text, sums, inputs, inputConstraints);
  }
  // sums += the product of the 64 x 16 and 16 x 256 matrices the
  // descriptors point at.
  SmallVector<Value> wgmma(Value descA, Value descB, bool bKMajor,
                           ValueRange sums) {
    std::string text =
        "{\n.reg .pred p;\nsetp.ne.b32 p, $" + std::to_string(kSums + 2) +
        ", 0;\nwgmma.mma_async.sync.aligned.m64n256k16.f32.bf16.bf16 " +
        ptxOperandList(0, kSums) + ", $" + std::to_string(kSums) + ", $" +
        std::to_string(kSums + 1) + ", p, 1, 1, " +
        (blk.transposedA ? "1" : "0") + ", " + (bKMajor ? "0" : "1") + ";\n}";
    return onSums(text, sums, ValueRange{descA, descB, c32(1)}, "l,l,r");
  }

  // Issues the 64 k of `stage`, four wgmma of 16, as one group.
  // `b` is k-major (its rows of k, as the TMA unit copies a b read as
  // [n, k]) where `bKMajor`, else MN-major.
  SmallVector<Value> multiply(Value stage, ValueRange sums,
                              bool bKMajor = false) {
    Value aStart = add(address, stageOffset(stage, false));
    Value bStart = add(address, stageOffset(stage, true));
    // This warpgroup's 64 rows: 8 atoms of k-major rows, or the
    // warpgroup's group of 64 MN-major columns.
    aStart = add(aStart, mul(warpgroup,
                             c(blk.transposedA ? kColumnGroupBytes
                                               : kWarpgroupRows * kRowBytes)));
    SmallVector<Value> acc =
        onSums("", sums, ValueRange{}, ""); // written before the fence
    instruction("wgmma.fence.sync.aligned;");
    for (int64_t k = 0; k < kDepth; k += 16) {
      // 16 k: 32 bytes along a k-major row, two atoms down MN-major rows.
      Value descA = blk.transposedA
                        ? descriptor(add(aStart, c(2 * k / 16 * kAtomBytes)),
                                     kColumnGroupBytes, kAtomBytes)
                        : descriptor(add(aStart, c(k * 2)), 16, kAtomBytes);
      Value descB = bKMajor
                        ? descriptor(add(bStart, c(k * 2)), 16, kAtomBytes)
                        : descriptor(add(bStart, c(2 * k / 16 * kAtomBytes)),
                                     kColumnGroupBytes, kAtomBytes);
      acc = wgmma(descA, descB, bKMajor, acc);
    }
    instruction("wgmma.commit_group.sync.aligned;");
    return acc;
  }
  // Waits for the stage's wgmma; the sums as they then are.
  SmallVector<Value> finish(ValueRange sums) {
    instruction("wgmma.wait_group.sync.aligned 0;");
    return onSums("", sums, ValueRange{}, "");
  }

  // The sums over the block's segment of k: the pipeline of
  // TensorCoreMatmul.cpp's accumulate, 64 k a stage.
  SmallVector<Value> accumulate() {
    Value zero = b.create<arith::ConstantOp>(loc, b.getFloatAttr(f32(), 0.0));
    SmallVector<Value> zeros(kSums, zero);
    Value blocks = ceilDiv(sub(blk.kEnd, blk.kBegin), kDepth);
    requestFirstBlocks(blocks, kAhead, [&](Value s) { load(s, s); });
    auto loop = b.create<scf::ForOp>(loc, c(0), blocks, c(1), zeros);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value t = loop.getInductionVar();
    waitForBlock(blocks, t, kAhead);
    instruction("fence.proxy.async.shared::cta;");
    syncConsumers();
    SmallVector<Value> acc =
        multiply(rem(t, c(kStages)), loop.getRegionIterArgs());
    // While the tensor cores work, the copies of stage t + kAhead.
    Value ahead = add(t, c(kAhead));
    auto request = b.create<scf::IfOp>(loc, TypeRange{}, ult(ahead, blocks),
                                       /*withElse=*/false);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(request.thenBlock());
      load(ahead, rem(ahead, c(kStages)));
    }
    b.create<scf::YieldOp>(loc, finish(acc));
    return SmallVector<Value>(loop.getResults());
  }
  // With a third warpgroup, a block's 64 Ki registers would leave 168 a
  // thread, too few for 128 sums: the copying warpgroup gives most of its
  // own to the multiplying ones (each warpgroup as a whole).
  void shareRegisters(bool multiplies) {
    instruction(multiplies ? "setmaxnreg.inc.sync.aligned.u32 232;"
                           : "setmaxnreg.dec.sync.aligned.u32 40;");
  }
  // The multiplying warpgroups' barrier (a third warpgroup may be there).
  void syncConsumers() {
    instruction("bar.sync 1, " + std::to_string(kConsumerThreads) + ";");
  }

  // ---- The TMA pipeline: a producer thread has the TMA unit copy each
  // stage (a's 128 rows of 64 k as one box, b's 64 k-rows as four boxes
  // of 64 columns, landing in the swizzled layouts above), and the
  // multiplying warpgroups wait for it on the stage's `full` barrier; each
  // frees a stage on its `empty` barrier once its wgmma on it are done.
  Value barrier(bool empty, Value stage) {
    int64_t first = kBarriersOffset + (empty ? kStages * 8 : 0);
    return add(address, add(c(first), mul(stage, c(8))));
  }
  Value i32(Value v) {
    return b.create<arith::TruncIOp>(loc, b.getI32Type(), v);
  }
  // The parity of use `kb / kStages` of a stage's barriers.
  Value parity(Value kb) {
    return i32(b.create<arith::AndIOp>(loc, div(kb, c(kStages)), c(1)));
  }
  void wait(Value barrierAddress, Value phaseParity) {
    mbarrierWait(*this, barrierAddress, phaseParity);
  }
  void arrive(Value barrierAddress) { mbarrierArrive(*this, barrierAddress); }
  // One box of `map` at (column, row) into shared `dst`, counted on `full`.
  void copyBox(Value dst, Value map, Value column, Value row, Value full) {
    Value mapAddress = b.create<LLVM::PtrToIntOp>(loc, b.getI64Type(), map);
    instruction("cp.async.bulk.tensor.2d.shared::cluster.global.tile."
                "mbarrier::complete_tx::bytes [$0], [$1, {$2, $3}], [$4];",
                ValueRange{dst, mapAddress, i32(column), i32(row), full},
                "l,l,r,r,l");
  }

  void initBarriers() {
    auto first = b.create<scf::IfOp>(loc, TypeRange{}, eq(blk.tid, c(0)),
                                     /*withElse=*/false);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(first.thenBlock());
      for (int64_t s = 0; s < kStages; ++s)
        for (bool empty : {false, true})
          mbarrierInit(*this, barrier(empty, c(s)), empty ? 2 : 1);
      instruction("fence.mbarrier_init.release.cluster;");
    }
    b.create<NVVM::Barrier0Op>(loc); // all three warpgroups
  }

  // The producer: stage kb waits until both warpgroups freed its place
  // (from its second use on), then its copies are requested.
  void produce(Value blocks) {
    for (Value map : blk.maps)
      instruction(
          "prefetch.tensormap [$0];",
          ValueRange{b.create<LLVM::PtrToIntOp>(loc, b.getI64Type(), map)},
          "l");
    auto loop = b.create<scf::ForOp>(loc, c(0), blocks, c(1));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value kb = loop.getInductionVar();
    Value stage = rem(kb, c(kStages));
    // A fresh barrier counts as having completed the use before its first.
    wait(barrier(true, stage),
         b.create<arith::XOrIOp>(loc, parity(kb), c32(1)));
    Value full = barrier(false, stage);
    instruction("{\n.reg .b64 state;\n"
                "mbarrier.arrive.expect_tx.shared::cta.b64 state, [$0], $1;\n}",
                ValueRange{full, c32(kStageBytes)}, "l,r");
    Value k = add(blk.kBegin, mul(kb, c(kDepth)));
    Value aStage = add(address, stageOffset(stage, false));
    Value bStage = add(address, stageOffset(stage, true));
    // a: its 128 rows of 64 k; transposed, 64 k-rows of each 64 columns.
    if (!blk.transposedA)
      copyBox(aStage, blk.maps[0], k, blk.row0, full);
    for (int64_t j = 0; blk.transposedA && j < kTileRows / 64; ++j)
      copyBox(add(aStage, c(j * kColumnGroupBytes)), blk.maps[0],
              add(blk.row0, c(j * 64)), k, full);
    // b: 64 k-rows of each 64 columns; read as [n, k], its 256 rows of 64
    // k (k-major, as a's).
    if (blk.transposedB)
      copyBox(bStage, blk.maps[1], k, blk.col0, full);
    for (int64_t j = 0; !blk.transposedB && j < kTileCols / 64; ++j)
      copyBox(add(bStage, c(j * kColumnGroupBytes)), blk.maps[1],
              add(blk.col0, c(j * 64)), k, full);
  }

  // A multiplying warpgroup: each stage's wgmma as one group, left running
  // while the next stage's are issued; once only that one is, the stage
  // before is done and one thread of the warpgroup frees it.
  SmallVector<Value> consume(Value blocks) {
    Value zero = b.create<arith::ConstantOp>(loc, b.getFloatAttr(f32(), 0.0));
    auto loop = b.create<scf::ForOp>(loc, c(0), blocks, c(1),
                                     SmallVector<Value>(kSums, zero));
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(loop.getBody());
      Value kb = loop.getInductionVar();
      Value stage = rem(kb, c(kStages));
      wait(barrier(false, stage), parity(kb));
      SmallVector<Value> acc =
          multiply(stage, loop.getRegionIterArgs(), blk.transposedB);
      acc = onSums("wgmma.wait_group.sync.aligned 1;", acc, ValueRange{}, "");
      Value frees = both(ult(c(0), kb), eq(rem(blk.tid, c(128)), c(0)));
      auto free = b.create<scf::IfOp>(loc, TypeRange{}, frees,
                                      /*withElse=*/false);
      {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(free.thenBlock());
        arrive(barrier(true, rem(add(kb, c(kStages - 1)), c(kStages))));
      }
      b.create<scf::YieldOp>(loc, acc);
    }
    return finish(loop.getResults());
  }

  Value blockCount() { return ceilDiv(sub(blk.kEnd, blk.kBegin), kDepth); }
};

// Whether a kernel's operands can be copied by the TMA unit, as far as
// the compiler knows: segments that end on a stage's 64 k, so that the
// only k past a segment's end lie past K, where the TMA unit reads zeros.
bool copiesByTma(const MatmulBlock &blk) { return blk.segment % kDepth == 0; }

} // namespace

void buildWgmmaVariant(ttile::KernelOp kernel, const std::string &symbol,
                       OpBuilder &mb) {
  Location loc = kernel.getLoc();
  OpBuilder b(kernel.getContext());
  std::string name = symbol + kSm90aSuffix;
  // The stages, and 1 KiB to align them to the swizzle's atoms.
  auto shared = LLVM::LLVMArrayType::get(
      mb.getI8Type(), kStages * kStageBytes + kBarrierBytes + kAtomBytes);
  bool tma = copiesByTma(*describeMatmul(kernel));
  MatmulBlock block = openMatmulBlock(
      kernel, kTileRows, kTileCols, name, shared, /*minBlocksPerSM=*/1, mb, b,
      tma ? kTmaThreads : kGpuMatmulThreads, /*maps=*/tma ? 2 : 0);
  WgmmaBuilder g(b, loc, block);
  g.shared = sharedMemory(b, loc, name);
  g.lane = g.rem(block.tid, g.c(32));
  Value warp = g.div(block.tid, g.c(32));
  g.warpgroup = g.div(warp, g.c(4));
  Value raw = b.create<LLVM::PtrToIntOp>(loc, b.getI64Type(), g.shared);
  g.address = b.create<arith::AndIOp>(loc, g.add(raw, g.c(kAtomBytes - 1)),
                                      g.c(~(kAtomBytes - 1)));
  g.skew = g.sub(g.address, raw);
  g.fastA = rowsOfWholeChunks(g, block, block.A,
                              block.transposedA ? block.M : block.K);
  g.fastB = rowsOfWholeChunks(g, block, block.B, block.N);
  // Warp w holds rows 16 w on (a wgmma's rows are its warpgroup's four
  // warps', 16 each), all 256 columns, as 32 fragments of 16 x 8.
  FragmentGrid grid{warp, g.c(0), 16, kTileCols, 1, kTileCols / 8};
  auto store = [&](ArrayRef<Value> sums) {
    forEachDestination(b, loc, block, [&](Value out, Type type, bool result) {
      storeFragments(g, block, grid, sums, out, type, result);
    });
  };
  if (!tma) {
    store(g.accumulate());
    return;
  }
  // a: M rows of K (transposed: K rows of M); b: K rows of N (read as
  // [n, k]: N rows of K, b itself rather than its panels). Pointers 0 and
  // 2, then sizes: the point count, m, n, k.
  int64_t m = kernel.getNumBuffers() + 1, n = m + 1, k = m + 2;
  TensorMapSpec a = block.transposedA
                        ? TensorMapSpec{0, k, m, kDepth, 64}
                        : TensorMapSpec{0, m, k, kTileRows, kDepth};
  TensorMapSpec bMap = block.transposedB
                           ? TensorMapSpec{2, n, k, kTileCols, kDepth}
                           : TensorMapSpec{2, k, n, kDepth, 64};
  declareTensorMaps(mb, loc, name, {a, bMap});
  // As the runtime encodes them: aligned whole chunks (the fast copies'
  // test), a single batch (the maps cover batch 0), extents from 1 to
  // 2^31 - 1 (M and N are at least 1 where a block runs).
  Value tmaB = block.transposedB ? rowsOfWholeChunks(g, block, block.B, block.K)
                                 : g.fastB;
  Value limit = g.c(int64_t(1) << 31);
  Value byTma =
      g.both(g.both(g.both(g.fastA, tmaB), g.eq(block.batches, g.c(1))),
             g.both(g.both(g.ult(block.M, limit), g.ult(block.N, limit)),
                    g.both(g.ult(block.K, limit), g.ult(g.c(0), block.K))));
  auto init = b.create<scf::IfOp>(loc, TypeRange{}, byTma, /*withElse=*/false);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(init.thenBlock());
    g.initBarriers();
  }
  // The warpgroups part here for good: setmaxnreg's register counts hold
  // to the end of each side.
  auto role = b.create<scf::IfOp>(loc, TypeRange{},
                                  g.ult(block.tid, g.c(kConsumerThreads)),
                                  /*withElse=*/true);
  b.setInsertionPointToStart(role.thenBlock());
  g.shareRegisters(true);
  auto sums = b.create<scf::IfOp>(loc, SmallVector<Type>(kSums, g.f32()), byTma,
                                  /*withElse=*/true);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(sums.thenBlock());
    b.create<scf::YieldOp>(loc, g.consume(g.blockCount()));
    b.setInsertionPointToStart(sums.elseBlock());
    b.create<scf::YieldOp>(loc, g.accumulate());
  }
  store(SmallVector<Value>(sums.getResults()));
  b.setInsertionPointToStart(role.elseBlock());
  g.shareRegisters(false);
  auto producer = b.create<scf::IfOp>(
      loc, TypeRange{}, g.both(byTma, g.eq(block.tid, g.c(kConsumerThreads))),
      /*withElse=*/false);
  b.setInsertionPointToStart(producer.thenBlock());
  g.produce(g.blockCount());
}

void keepArchitectureVariants(llvm::Module &module, const std::string &arch) {
  bool hopper =
      arch.size() == 6 && arch.rfind("sm_9", 0) == 0 && arch.back() == 'a';
  llvm::StringRef suffix(kSm90aSuffix);
  // Kernels first: they are the shared memory's only users.
  SmallVector<llvm::GlobalValue *> variants;
  for (bool kernels : {true, false})
    for (llvm::GlobalValue &g : module.global_values())
      if (g.getName().contains(suffix) && isa<llvm::Function>(g) == kernels)
        variants.push_back(&g);
  for (llvm::GlobalValue *g : variants) {
    llvm::StringRef name = g->getName();
    size_t at = name.find(suffix);
    std::string base =
        (name.take_front(at) + name.drop_front(at + suffix.size())).str();
    if (!hopper) {
      g->eraseFromParent();
      continue;
    }
    if (llvm::GlobalValue *old = module.getNamedValue(base))
      old->eraseFromParent();
    g->setName(base);
  }
}

} // namespace tessera
