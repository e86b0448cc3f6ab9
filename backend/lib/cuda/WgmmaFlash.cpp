// Fused attention forward on sm_90a's warpgroup tensor cores: the flash
// schedule of FlashAttention.cpp (the same block of 256 queries, the same
// softmax arithmetic) with wgmma in place of mma.sync and ldmatrix, 128
// keys a tile. The block's two warpgroups take 64 queries each, a pass of
// 128; two passes make the block's 256 (a warpgroup holding all 128 of its
// queries would need more registers than a thread has).
//
// Shared memory holds the queries, then each stage's keys and values, all
// as wgmma reads them (WgmmaFlashTiles.h). For a tile of 128 keys:
//   s = q kᵀ: per 16 of the width, one m64n128k16 wgmma, q (64 rows) and k
//     (128 rows) both k-major;
//   the softmax on s's sums (FlashTiles' arithmetic);
//   o = o c + p v: per 16 keys, one m64nWk16 wgmma whose a is p, rounded
//     to bf16 in registers, and whose b is the values, MN-major.
// The warpgroups meet only through mbarriers: the first copies each tile's
// keys, the second its values (cp.async, two stages), and each product
// waits for its own operand alone. So they drift half a tile apart, and
// take turns at the tensor cores (named barriers): one's softmax runs
// while the other's products do (on an H100, B 4, H 16, S 4096, D 128:
// 1.26 → 1.21 ms, against the whole block meeting at every tile).
// The sums of each product are the tensor cores', over 16 at a time in
// ascending order, so the bits depend on neither the grid nor the run
// (they are not mma.sync's either: both are the non-strict policy's).
#include "FlashAttention.h"
#include "WgmmaFlashTiles.h"
#include "WgmmaOps.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

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
constexpr int64_t kGroupThreads = 128;
// Named barriers of the two warpgroups' turns (0 is the block's).
constexpr int64_t kFirstTurnBarrier = 1;

// Where the queries, each stage's keys and values, and the stages'
// mbarriers lie (bytes).
struct ForwardLayout {
  WgmmaFlashTiles &w;
  int64_t queries;
  int64_t queryBytes() const { return w.regionBytes(queries); }
  int64_t stageBytes() const { return 2 * w.regionBytes(kKeys); }
  int64_t barrierBytes() const { return 4 * kStages * 8; }
  Value constant(bool flag) {
    return w.f.b.create<arith::ConstantIntOp>(w.f.loc, flag, 1).getResult();
  }
  int64_t bytes() const {
    return queryBytes() + kStages * stageBytes() + barrierBytes();
  }
  Value stageOffset(Value stage, Value values) {
    FlashTiles &f = w.f;
    return f.add(f.c(queryBytes()),
                 f.add(f.mul(stage, f.c(stageBytes())),
                       f.select(values, f.c(w.regionBytes(kKeys)), f.c(0))));
  }
  Value stageOffset(Value stage, bool values) {
    return stageOffset(stage, constant(values));
  }
  // A stage's `full` barrier (its keys or values have landed) or `empty`
  // one (both warpgroups are done with them), in the shared space.
  Value barrier(bool empty, Value values, Value stage) {
    FlashTiles &f = w.f;
    Value kind = f.add(f.c(empty ? 2 : 0), f.select(values, f.c(1), f.c(0)));
    Value index = f.add(f.mul(kind, f.c(kStages)), stage);
    return f.add(w.address, f.add(f.c(queryBytes() + kStages * stageBytes()),
                                  f.mul(index, f.c(8))));
  }
  Value barrier(bool empty, bool values, Value stage) {
    return barrier(empty, constant(values), stage);
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
  FlashKernel k = openFlashKernel(
      kernel, symbol, WgmmaFlashTiles::sharedElements(layout.bytes()),
      /*rowsSize=*/0, queries, f, mb);
  FlashForwardOperands ops = flashForwardOperands(k, f);
  Value Q = ops.q, K = ops.k, V = ops.v, scaleBuffer = ops.scale, out = ops.out,
        S = ops.s, T = ops.t, qBase = ops.qBase, kBase = ops.kBase;
  w.alignShared();
  Value warpgroup = f.div(f.tid, f.c(kGroupThreads));
  Value inGroup = f.rem(f.tid, f.c(kGroupThreads));
  // The first warpgroup copies the keys, the second the values.
  Value copiesValues = f.eq(warpgroup, f.c(1));
  auto i32 = [&](Value v) -> Value {
    return b.create<arith::TruncIOp>(loc, b.getI32Type(), v);
  };

  // Each stage's barriers: `full` counts the copying warpgroup's threads,
  // `empty` every thread of the block.
  f.when(f.eq(f.tid, f.c(0)), [&] {
    for (int64_t s = 0; s < kStages; ++s)
      for (bool empty : {false, true})
        for (bool values : {false, true})
          mbarrierInit(f, layout.barrier(empty, values, f.c(s)),
                       empty ? kFlashThreads : kGroupThreads);
    ptxInstruction(b, loc, "fence.mbarrier_init.release.cluster;");
  });
  // The block's queries, once; everyone waits for them (and the barriers).
  auto stageRows = [&](auto &&...args) { w.stage(args...); };
  f.stageQueries(stageRows, queries, f.c(0), Q, qBase, k.row0, S);
  b.create<NVVM::CpAsyncWaitGroupOp>(loc, 0);
  ptxInstruction(b, loc, "fence.proxy.async.shared::cta;");
  b.create<NVVM::Barrier0Op>(loc);

  Value scale = f.loadWidened(scaleBuffer, f.c(0));
  Value c2 = f.mulf(scale, f.f32Const(kLog2E));
  Value minusInf = f.f32Const(-std::numeric_limits<double>::infinity());
  Value zero = f.f32Const(0.0);
  Value tiles = f.ceilDiv(T, kKeys);
  int64_t passCount = queries / kPassRows;
  // Use u of the stages (every pass's tiles in turn, so that the next
  // pass's first tile is on its way during this one's last).
  Value uses = f.mul(tiles, f.c(passCount));
  auto parity = [&](Value u) {
    return i32(b.create<arith::AndIOp>(loc, f.div(u, f.c(kStages)), f.c(1)));
  };
  // Use u's keys or values, once both warpgroups are done with use u - 2
  // of its stage (the first use of each waits for nothing: parity 1 of a
  // new barrier reads as complete).
  auto load = [&](Value u) {
    Value stage = f.rem(u, f.c(kStages));
    mbarrierWait(f, layout.barrier(true, copiesValues, stage),
                 b.create<arith::XOrIOp>(loc, parity(u), i32(f.c(1))));
    Value key0 = f.mul(f.rem(u, tiles), f.c(kKeys));
    Value src = b.create<LLVM::SelectOp>(loc, copiesValues, V, K);
    w.stage(
        kKeys, layout.stageOffset(stage, copiesValues), src, kBase,
        [&](Value r) { return f.add(key0, r); },
        [&](Value r) { return f.ult(f.add(key0, r), T); }, kGroupThreads,
        inGroup);
    Value full = layout.barrier(false, copiesValues, stage);
    auto copied = b.create<scf::IfOp>(loc, TypeRange{}, f.fast,
                                      /*withElse=*/true);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(copied.thenBlock());
    mbarrierArriveOnCopies(f, full);
    b.setInsertionPointToStart(copied.elseBlock());
    mbarrierArrive(f, full);
  };
  // The two warpgroups take turns at the tensor cores: each issues its
  // product after the other has issued its last, so that one's softmax
  // runs while the other's product does. The first turn is the first's.
  Value ownTurn = i32(f.add(warpgroup, f.c(kFirstTurnBarrier)));
  Value otherTurn = i32(f.sub(f.c(kFirstTurnBarrier + 1), warpgroup));
  f.when(copiesValues, [&] {
    ptxInstruction(b, loc,
                   "bar.arrive " + std::to_string(kFirstTurnBarrier) + ", " +
                       std::to_string(kFlashThreads) + ";");
  });
  // One product on the stage of use u once its operand has landed; the
  // stage's `empty` barrier hears of it once the product is done.
  auto product = [&](WgmmaFlashTiles::Sums &sums, Value u, bool values,
                     function_ref<void()> issue) {
    Value stage = f.rem(u, f.c(kStages));
    mbarrierWait(f, layout.barrier(false, values, stage), parity(u));
    ptxInstruction(b, loc, "fence.proxy.async.shared::cta;");
    w.fence({&sums});
    std::string threads = ", " + std::to_string(kFlashThreads) + ";";
    ptxInstruction(b, loc, "bar.sync $0" + threads, ValueRange{ownTurn}, "r");
    issue();
    w.commit();
    ptxInstruction(b, loc, "bar.arrive $0" + threads, ValueRange{otherTurn},
                   "r");
    w.wait(0, {&sums});
    mbarrierArrive(f, layout.barrier(true, values, stage));
  };
  f.when(f.ult(f.c(0), uses), [&] { load(f.c(0)); });

  auto passes = b.create<scf::ForOp>(loc, f.c(0), f.c(passCount), f.c(1));
  OpBuilder::InsertionGuard passGuard(b);
  b.setInsertionPointToStart(passes.getBody());
  Value pass = passes.getInductionVar();
  Value rows =
      f.add(f.mul(pass, f.c(kPassRows)), f.mul(warpgroup, f.c(kGroupRows)));
  // Loop state: m and l of the thread's two rows (g and g + 8), then o.
  SmallVector<Value> init{minusInf, minusInf, zero, zero};
  init.append(width / 2, zero);
  auto loop = b.create<scf::ForOp>(loc, f.c(0), tiles, f.c(1), init);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value t = loop.getInductionVar();
    Value u = f.add(f.mul(pass, tiles), t);
    Value next = f.add(u, f.c(1));
    f.when(f.ult(next, uses), [&] { load(next); });
    Value stage = f.rem(u, f.c(kStages));
    ValueRange state = loop.getRegionIterArgs();
    // s = q kᵀ: 64 sums a thread.
    WgmmaFlashTiles::Sums flat = w.zeros(kKeys);
    product(flat, u, false, [&] {
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
    product(o, u, true, [&] {
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
}

} // namespace tessera
