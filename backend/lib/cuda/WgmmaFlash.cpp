// Fused attention forward on sm_90a's warpgroup tensor cores: the flash
// schedule of FlashAttention.cpp (the same block of 256 queries, keys and
// values through two cp.async stages, the same softmax arithmetic) with
// wgmma in place of mma.sync and ldmatrix, 128 keys a tile. The block's
// two warpgroups take 64 queries each, a pass of 128; two passes make the
// block's 256 (a warpgroup holding all 128 of its queries would need more
// registers than a thread has).
//
// Shared memory holds the queries, then each stage's keys and values, all
// as wgmma reads them (WgmmaFlashTiles.h). For a tile of 128 keys:
//   s = q kᵀ: per 16 of the width, one m64n128k16 wgmma, q (64 rows) and k
//     (128 rows) both k-major;
//   the softmax on s's sums (FlashTiles' arithmetic);
//   o = o c + p v: per 16 keys, one m64nWk16 wgmma whose a is p, rounded
//     to bf16 in registers, and whose b is the values, MN-major.
// The sums of each product are the tensor cores', over 16 at a time in
// ascending order, so the bits depend on neither the grid nor the run
// (they are not mma.sync's either: both are the non-strict policy's).
#include "FlashAttention.h"
#include "WgmmaFlashTiles.h"
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
constexpr int64_t kStages = 2; // of keys and values
constexpr int64_t kPassRows = kFlashThreads / 128 * kGroupRows;

// Where the queries and each stage's keys and values lie (bytes).
struct ForwardLayout {
  WgmmaFlashTiles &w;
  int64_t queries;
  int64_t queryBytes() const { return w.regionBytes(queries); }
  int64_t stageBytes() const { return 2 * w.regionBytes(kKeys); }
  Value stageOffset(Value stage, bool values) {
    FlashTiles &f = w.f;
    return f.add(f.c(queryBytes()),
                 f.add(f.mul(stage, f.c(stageBytes())),
                       f.c(values ? w.regionBytes(kKeys) : 0)));
  }
};

} // namespace

void buildWgmmaFlashForward(ttile::KernelOp kernel, int64_t width,
                            int64_t queries, const std::string &symbol,
                            OpBuilder &mb) {
  OpBuilder b(kernel.getContext());
  Location loc = kernel.getLoc();
  FlashTiles f(b, loc, width);
  WgmmaFlashTiles w{f};
  ForwardLayout layout{w, queries};
  FlashKernel k =
      openFlashKernel(kernel, symbol,
                      WgmmaFlashTiles::sharedElements(
                          layout.queryBytes() + kStages * layout.stageBytes()),
                      /*rowsSize=*/0, queries, f, mb);
  FlashForwardOperands ops = flashForwardOperands(k, f);
  Value Q = ops.q, K = ops.k, V = ops.v, scaleBuffer = ops.scale, out = ops.out,
        S = ops.s, T = ops.t, qBase = ops.qBase, kBase = ops.kBase;
  w.alignShared();
  Value warpgroup = f.div(f.tid, f.c(128));

  auto stageRows = [&](auto &&...args) { w.stage(args...); };
  // The block's queries, once.
  f.stageQueries(stageRows, queries, f.c(0), Q, qBase, k.row0, S);
  auto load = [&](Value tile, Value stage) {
    f.stageKeysAndValues(stageRows, kKeys, tile,
                         layout.stageOffset(stage, false),
                         layout.stageOffset(stage, true), K, V, kBase, T);
  };
  Value scale = f.loadWidened(scaleBuffer, f.c(0));
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
    // s = q kᵀ: 64 sums a thread.
    WgmmaFlashTiles::Sums flat = w.zeros(kKeys);
    w.products({&flat}, [&] {
      w.rowsByRows(flat, f.c(0), queries, rows,
                   layout.stageOffset(stage, false), kKeys);
    });
    FlashTiles::Fragments s = WgmmaFlashTiles::fragments(flat);
    // The softmax step. With a positive scale (c2 > 0, as 1 / sqrt(d)),
    // the maximum of the scaled scores is the scaled maximum of the raw
    // ones, and p = 2^(s c2 - m) is one fused multiply-add and ex2 (1.30
    // → 1.27 ms at width 128 on an H100, and fewer spills); otherwise
    // the scores are scaled first. The branch is uniform.
    SmallVector<Type> types(kKeys / 2 + 6, f.f32());
    auto positive = b.create<scf::IfOp>(
        loc, types,
        b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT, c2, zero),
        /*withElse=*/true);
    for (bool raw : {true, false}) {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(raw ? positive.thenBlock()
                                     : positive.elseBlock());
      FlashTiles::Fragments x = s;
      if (!raw)
        for (auto &frag : x[0])
          for (Value &e : frag)
            e = f.mulf(e, c2);
      // Keys past the end never count.
      f.maskPast(x, f.mul(t, f.c(kKeys)), T, minusInf);
      SmallVector<Value> rows; // m, corr, l of each of the two rows
      for (int64_t h = 0; h < 2; ++h) {
        FlashTiles::SoftmaxRow next =
            raw ? f.softmaxRowScaled(x[0], h, c2, state[h], state[2 + h])
                : f.softmaxRow(x[0], h, state[h], state[2 + h]);
        rows.append({next.m, next.corr, next.l});
      }
      SmallVector<Value> yields = WgmmaFlashTiles::flat(x);
      llvm::append_range(yields, rows);
      b.create<scf::YieldOp>(loc, yields);
    }
    for (int64_t i = 0; i < kKeys / 2; ++i)
      s[0][i / 4][i % 4] = positive.getResult(i);
    SmallVector<Value> corr(2), m(2), l(2);
    for (int64_t h = 0; h < 2; ++h) {
      m[h] = positive.getResult(kKeys / 2 + 3 * h);
      corr[h] = positive.getResult(kKeys / 2 + 3 * h + 1);
      l[h] = positive.getResult(kKeys / 2 + 3 * h + 2);
    }
    // o = o c + p v: W / 2 sums a thread.
    WgmmaFlashTiles::Sums o;
    for (int64_t i = 0; i < width / 2; ++i)
      o.push_back(f.mulf(state[4 + i], corr[i % 4 / 2]));
    WgmmaFlashTiles::Registers p = w.registers(WgmmaFlashTiles::flat(s));
    w.products({&o}, [&] {
      w.registersByRows(o, p, layout.stageOffset(stage, true), kKeys);
    });
    SmallVector<Value> yields{m[0], m[1], l[0], l[1]};
    llvm::append_range(yields, o);
    b.create<scf::YieldOp>(loc, yields);
  }
  // result = o / l, or 0 with no keys; two columns a store.
  ValueRange done = loop.getResults();
  for (int64_t h = 0; h < 2; ++h) {
    Value row = f.add(k.row0, w.ownRow(rows, h));
    f.storeResultRow(
        out, qBase, row, S, done[2 + h],
        [&](int64_t et, int64_t i) { return done[4 + et * 4 + 2 * h + i]; });
    if (ops.lse)
      f.storeLogSumExp(ops.lse, ops.lseBase, row, S, done[h], done[2 + h]);
  }
  // Nothing in flight when the block ends (with no keys, the queries).
  b.setInsertionPointAfter(passes);
  b.create<NVVM::CpAsyncWaitGroupOp>(loc, 0);
}

} // namespace tessera
