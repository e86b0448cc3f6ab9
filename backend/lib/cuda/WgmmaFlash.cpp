// Fused attention forward on sm_90a's warpgroup tensor cores: the flash
// schedule of FlashAttention.cpp (the same block of 256 queries, keys and
// values through two cp.async stages, the same softmax arithmetic) with
// wgmma in place of mma.sync and ldmatrix, 128 keys a tile. The block's
// two warpgroups take 64 queries each, a pass of 128; two passes make the
// block's 256 (a warpgroup holding all 128 of its queries would need more
// registers than a thread has).
//
// Shared memory holds the queries, then each stage's keys and values, all
// as wgmma reads them with the 128-byte swizzle: groups of 64 columns, each
// rows of 128 bytes in which chunk c of row r sits at c ^ (r % 8), from a
// 1024-byte aligned start. For a tile of 128 keys:
//   s = q kᵀ: per 16 of the width, one m64n128k16 wgmma, q (64 rows) and k
//     (128 rows) both k-major;
//   the softmax on s's sums, which lie as mma.sync's fragments do (each
//     warp 16 rows, each 8 columns a fragment of 4), so the arithmetic is
//     FlashAttention.cpp's;
//   o = o c + p v: per 16 keys, one m64nWk16 wgmma whose a is p, rounded
//     to bf16 in registers (their layout is that of mma.sync's a), and
//     whose b is the values, MN-major.
// The sums of each product are the tensor cores', over 16 at a time in
// ascending order, so the bits depend on neither the grid nor the run
// (they are not mma.sync's either: both are the non-strict policy's).
#include "FlashAttention.h"
#include "FlashTiles.h"
#include "WgmmaOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <limits>

using namespace mlir;

namespace tessera {
namespace {

// Keys and values a tile: twice mma.sync's 64 (FlashAttention.cpp), as
// wgmma keeps no copy of them in registers. On an H100 at width 128 a
// forward took 1.49 ms with 64 and 1.33 with 128 (B 4, H 16, S 4096).
constexpr int64_t kKeys = 128;
constexpr int64_t kStages = 2;     // of keys and values
constexpr int64_t kGroupRows = 64; // a warpgroup's queries
constexpr int64_t kPassRows = kFlashThreads / 128 * kGroupRows;
constexpr int64_t kRowBytes = 128; // 64 elements: a row of a column group
constexpr int64_t kAtomBytes = 8 * kRowBytes;

struct Forward {
  FlashTiles &f;
  int64_t W, queries;
  Value address; // the aligned start, a shared-space address (i64)
  Value skew;    // its bytes past the shared memory's start

  int64_t queryBytes() const { return queries * W * 2; }
  int64_t stageBytes() const { return 2 * kKeys * W * 2; }
  Value stageOffset(Value stage, bool values) {
    return f.add(f.c(queryBytes()), f.add(f.mul(stage, f.c(stageBytes())),
                                          f.c(values ? kKeys * W * 2 : 0)));
  }
  // The byte of chunk `chunk` (8 elements) of row `row` in a region of
  // `rows` rows.
  Value chunkOffset(Value row, Value chunk, int64_t rows) {
    Value group = f.div(chunk, f.c(8));
    Value place = f.b.create<arith::XOrIOp>(
        f.loc, f.rem(chunk, f.c(8)),
        f.b.create<arith::AndIOp>(f.loc, row, f.c(7)));
    return f.add(f.mul(group, f.c(rows * kRowBytes)),
                 f.add(f.mul(row, f.c(kRowBytes)), f.mul(place, f.c(16))));
  }

  // Rows [0, rows) of W elements into the region at byte `region`: row r
  // from src[base + index(r) W] where inside(r), else zeros (no commit).
  void stage(int64_t rows, Value region, Value src, Value base,
             function_ref<Value(Value)> index,
             function_ref<Value(Value)> inside) {
    int64_t perRow = W / kChunk, chunks = rows * perRow;
    OpBuilder &b = f.b;
    auto ifOp = b.create<scf::IfOp>(f.loc, TypeRange{}, f.fast, true);
    for (bool async : {true, false}) {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(async ? ifOp.thenBlock() : ifOp.elseBlock());
      for (int64_t first = 0; first < chunks; first += kFlashThreads) {
        Value i = f.add(f.tid, f.c(first));
        Value r = f.div(i, f.c(perRow)), ch = f.rem(i, f.c(perRow));
        Value ok = inside(r);
        Value element =
            f.add(base, f.add(f.mul(index(r), f.c(W)), f.mul(ch, f.c(kChunk))));
        Value to = f.at(f.shared, b.getI8Type(),
                        f.add(skew, f.add(region, chunkOffset(r, ch, rows))));
        if (async) {
          f.copyChunk(to, f.at(src, f.bf16(), f.select(ok, element, f.c(0))),
                      ok);
          continue;
        }
        f.loadChunk(
            to, [&](int64_t) { return ok; },
            [&](int64_t j) {
              return f.at(src, f.bf16(), f.add(element, f.c(j)));
            });
      }
    }
  }

  std::string type() { return f.narrow().isF16() ? "f16" : "bf16"; }

  // s = q kᵀ for the warpgroup's 64 queries from row `rows` of the block's
  // and the keys of `stage`: 32 sums a thread.
  SmallVector<Value> scores(Value stage, Value rows) {
    int64_t n = kKeys / 2;
    SmallVector<Value> s(n, f.f32Const(0.0));
    s = ptxOnSums(f.b, f.loc, "", s);
    ptxInstruction(f.b, f.loc, "wgmma.fence.sync.aligned;");
    for (int64_t k = 0; k < W; k += 16) {
      Value inGroup = f.c(k / 64 * queries * kRowBytes + k % 64 * 2);
      Value q = f.add(address, f.add(inGroup, f.mul(rows, f.c(kRowBytes))));
      Value key =
          f.add(address, f.add(stageOffset(stage, false),
                               f.c(k / 64 * kKeys * kRowBytes + k % 64 * 2)));
      std::string text =
          "{\n.reg .pred p;\nsetp.ne.b32 p, $" + std::to_string(n + 2) +
          ", 0;\nwgmma.mma_async.sync.aligned.m64n" + std::to_string(kKeys) +
          "k16.f32." + type() + "." + type() + " " + ptxOperandList(0, n) +
          ", $" + std::to_string(n) + ", $" + std::to_string(n + 1) +
          ", p, 1, 1, 0, 0;\n}";
      s = ptxOnSums(f.b, f.loc, text, s,
                    ValueRange{wgmmaDescriptor(f, q, 16, kAtomBytes),
                               wgmmaDescriptor(f, key, 16, kAtomBytes),
                               f.c32(1)},
                    "l,l,r");
    }
    ptxInstruction(f.b, f.loc, "wgmma.commit_group.sync.aligned;");
    ptxInstruction(f.b, f.loc, "wgmma.wait_group.sync.aligned 0;");
    return ptxOnSums(f.b, f.loc, "", s);
  }

  // o += p v over the 64 keys of `stage`: W / 2 sums a thread.
  SmallVector<Value> values(Value stage, const FlashTiles::Fragments &p,
                            ValueRange o) {
    int64_t n = W / 2;
    // p as a's registers, every one written before the fence.
    SmallVector<SmallVector<Value>> a;
    for (int64_t kk = 0; kk < kKeys / 16; ++kk) {
      const SmallVector<Value> &lo = p[0][2 * kk], &hi = p[0][2 * kk + 1];
      a.push_back({f.packPair(lo[0], lo[1]), f.packPair(lo[2], lo[3]),
                   f.packPair(hi[0], hi[1]), f.packPair(hi[2], hi[3])});
    }
    SmallVector<Value> sums = ptxOnSums(f.b, f.loc, "", o);
    ptxInstruction(f.b, f.loc, "wgmma.fence.sync.aligned;");
    for (int64_t kk = 0; kk < kKeys / 16; ++kk) {
      Value start = f.add(
          address, f.add(stageOffset(stage, true), f.c(kk * 2 * kAtomBytes)));
      std::string text =
          "{\n.reg .pred p;\nsetp.ne.b32 p, $" + std::to_string(n + 5) +
          ", 0;\nwgmma.mma_async.sync.aligned.m64n" + std::to_string(W) +
          "k16.f32." + type() + "." + type() + " " + ptxOperandList(0, n) +
          ", " + ptxOperandList(n, 4) + ", $" + std::to_string(n + 4) +
          ", p, 1, 1, 1;\n}";
      sums = ptxOnSums(
          f.b, f.loc, text, sums,
          ValueRange{a[kk][0], a[kk][1], a[kk][2], a[kk][3],
                     wgmmaDescriptor(f, start, kKeys * kRowBytes, kAtomBytes),
                     f.c32(1)},
          "r,r,r,r,l,r");
    }
    ptxInstruction(f.b, f.loc, "wgmma.commit_group.sync.aligned;");
    ptxInstruction(f.b, f.loc, "wgmma.wait_group.sync.aligned 0;");
    return ptxOnSums(f.b, f.loc, "", sums);
  }
};

} // namespace

void buildWgmmaFlashForward(ttile::KernelOp kernel, int64_t width,
                            int64_t queries, const std::string &symbol,
                            OpBuilder &mb) {
  OpBuilder b(kernel.getContext());
  Location loc = kernel.getLoc();
  FlashTiles f(b, loc, width);
  Forward fw{f, width, queries, {}, {}};
  int64_t bytes =
      fw.queryBytes() + kStages * fw.stageBytes() + kAtomBytes; // to align
  FlashKernel k = openFlashKernel(kernel, symbol, bytes / 2,
                                  /*rowsSize=*/0, queries, f, mb);
  FlashForwardOperands ops = flashForwardOperands(k, f);
  Value Q = ops.q, K = ops.k, V = ops.v, scaleBuffer = ops.scale, out = ops.out,
        S = ops.s, T = ops.t, qBase = ops.qBase, kBase = ops.kBase;
  Value raw = b.create<LLVM::PtrToIntOp>(loc, b.getI64Type(), f.shared);
  fw.address = b.create<arith::AndIOp>(loc, f.add(raw, f.c(kAtomBytes - 1)),
                                       f.c(~(kAtomBytes - 1)));
  fw.skew = f.sub(fw.address, raw);
  Value warpgroup = f.div(f.tid, f.c(128));

  auto stageRows = [&](auto &&...args) { fw.stage(args...); };
  // The block's queries, once.
  f.stageQueries(stageRows, queries, f.c(0), Q, qBase, k.row0, S);
  auto load = [&](Value tile, Value stage) {
    f.stageKeysAndValues(stageRows, kKeys, tile, fw.stageOffset(stage, false),
                         fw.stageOffset(stage, true), K, V, kBase, T);
  };
  Value scale = b.create<LLVM::FPExtOp>(
      loc, f.f32(), b.create<LLVM::LoadOp>(loc, f.narrow(), scaleBuffer, 2));
  Value c2 = f.mulf(scale, f.f32Const(kLog2E));
  Value minusInf = f.f32Const(-std::numeric_limits<double>::infinity());
  Value zero = f.f32Const(0.0);
  Value tiles = f.ceilDiv(T, kKeys);

  auto passes =
      b.create<scf::ForOp>(loc, f.c(0), f.c(queries / kPassRows), f.c(1));
  OpBuilder::InsertionGuard passGuard(b);
  b.setInsertionPointToStart(passes.getBody());
  // Every warp is done with the pass before's stages.
  b.create<NVVM::Barrier0Op>(loc);
  Value rows = f.add(f.mul(passes.getInductionVar(), f.c(kPassRows)),
                     f.mul(warpgroup, f.c(kGroupRows)));
  {
    auto first = b.create<scf::IfOp>(loc, TypeRange{}, f.ult(f.c(0), tiles),
                                     /*withElse=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(first.thenBlock());
    load(f.c(0), f.c(0));
  }
  // Loop state: m and l of the thread's two rows (g and g + 8), then o.
  SmallVector<Value> init{minusInf, minusInf, zero, zero};
  init.append(width / 2, zero);
  auto loop = b.create<scf::ForOp>(loc, f.c(0), tiles, f.c(1), init);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value t = loop.getInductionVar();
    // Tile t has landed and shows to the tensor cores (which read through
    // the async proxy); everyone is done with tile t - 1.
    b.create<NVVM::CpAsyncWaitGroupOp>(loc, 0);
    ptxInstruction(b, loc, "fence.proxy.async.shared::cta;");
    b.create<NVVM::Barrier0Op>(loc);
    f.requestNextTile(t, tiles, kStages, load);
    Value stage = f.rem(t, f.c(kStages));
    ValueRange state = loop.getRegionIterArgs();
    SmallVector<Value> flat = fw.scores(stage, rows);
    FlashTiles::Fragments s(1);
    for (int64_t nt = 0; nt < kKeys / 8; ++nt)
      s[0].push_back(
          SmallVector<Value>(flat.begin() + 4 * nt, flat.begin() + 4 * nt + 4));
    for (auto &frag : s[0])
      for (Value &x : frag)
        x = f.mulf(x, c2);
    f.maskPast(s, f.mul(t, f.c(kKeys)), T, minusInf);
    SmallVector<Value> corr(2), m(2), l(2);
    for (int64_t h = 0; h < 2; ++h) {
      FlashTiles::SoftmaxRow next =
          f.softmaxRow(s[0], h, state[h], state[2 + h]);
      m[h] = next.m;
      corr[h] = next.corr;
      l[h] = next.l;
    }
    SmallVector<Value> o;
    for (int64_t i = 0; i < width / 2; ++i)
      o.push_back(f.mulf(state[4 + i], corr[i % 4 / 2]));
    o = fw.values(stage, s, o);
    SmallVector<Value> yields{m[0], m[1], l[0], l[1]};
    llvm::append_range(yields, o);
    b.create<scf::YieldOp>(loc, yields);
  }
  // result = o / l, or 0 with no keys; two columns a store.
  ValueRange done = loop.getResults();
  for (int64_t h = 0; h < 2; ++h) {
    Value row =
        f.add(k.row0, f.add(rows, f.add(f.mul(f.rem(f.warp, f.c(4)), f.c(16)),
                                        f.add(f.g, f.c(8 * h)))));
    f.storeResultRow(
        out, qBase, row, S, done[2 + h],
        [&](int64_t et, int64_t i) { return done[4 + et * 4 + 2 * h + i]; });
  }
  // Nothing in flight when the block ends (with no keys, the queries).
  b.setInsertionPointAfter(passes);
  b.create<NVVM::CpAsyncWaitGroupOp>(loc, 0);
}

} // namespace tessera
