// The adjoint of attention on sm_90a's warpgroup tensor cores: the two
// kernels of FlashAttentionGrad.cpp (attention_dkv, attention_dq) with
// wgmma in place of mma.sync, under the same names, blocks and grids, so
// the host launches them as before. A block's two warpgroups take 64 of
// its own rows each; the other side comes in tiles through two cp.async
// stages (FlashTiles::pipeline), every operand in shared memory as wgmma
// reads it (WgmmaFlashTiles.h). L is the forward's (base 2), δ
// attention_delta's.
//
//   dkv, a block 128 keys, over tiles of 64 queries: sᵀ = k qᵀ and dpᵀ =
//     v result_gradᵀ, p = 2^(sᵀ scale log2 e - L) once sᵀ is done (dpᵀ
//     still running), value_grad += p result_grad, ds = p (dpᵀ - δ) once
//     dpᵀ is done, key_grad += ds q; p and ds as a's registers, the queries
//     and result gradients MN-major; key_grad times scale at the end;
//   dq, a block 256 queries in two passes of 128, over tiles of 64 keys:
//     s = q kᵀ and dp = result_grad vᵀ, the same p (dp running) and ds,
//     query_grad += ds k; times scale at the end.
// Each product is a wgmma group of its own, so the tensor cores run one
// while the threads compute with another's sums (on an H100 at width 128,
// dkv 2.03 → 1.93 ms and dq 1.69 → 1.60 ms against one group for both
// products).
// Each result is one warpgroup's sum over the other side's tiles in
// ascending order, each product the tensor cores' sums over 16 at a time,
// no atomics: the bits depend on neither the grid nor the run (they are
// not the mma.sync kernels' bits: both are the non-strict policy's).
#include "FlashAttention.h"
#include "WgmmaFlashTiles.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <limits>

using namespace mlir;

namespace tessera {
namespace {

constexpr int64_t kStages = 2;
constexpr int64_t kPassRows = kFlashThreads / 128 * kGroupRows;

// What the two kernels share: the frame, the operands, the extents and
// bases, the layout of shared memory (the block's two operands of its own
// rows, then two stages of the other side's two, then `extraBytes`), and
// the loop over passes of 128 own rows.
struct Grad {
  FlashTiles f;
  WgmmaFlashTiles w{f};
  FlashKernel k;
  int64_t ownRows;             // a block's (its grid's)
  int64_t ownBytes, tileBytes; // an operand's own rows; a tile of the other
  Value S, T;                  // queries and keys of each batch
  Value qBase, kBase;          // the batch's first query and key element
  Value statBase;              // the batch's first row of L and δ
  // Buffers q, k, v, scale, result_grad, lse, δ (then the results).
  Value Q, K, V, G, lse, delta;
  Value scale, c2; // c2 = scale log2 e

  Grad(ttile::KernelOp kernel, int64_t width, int64_t tileRows,
       int64_t extraBytes, const std::string &symbol, OpBuilder &b,
       OpBuilder &mb)
      : f(b, kernel.getLoc(), width),
        ownRows(flashAttentionGradGrid(kernel).blockRows),
        ownBytes(ownRows * width * 2), tileBytes(tileRows * width * 2) {
    k = openFlashKernel(
        kernel, symbol, WgmmaFlashTiles::sharedElements(extraAt() + extraBytes),
        flashAttentionGradGrid(kernel).rowsSize, ownRows, f, mb);
    S = k.size(0);
    T = k.size(1);
    qBase = f.mul(k.batch, f.mul(S, f.c(width)));
    kBase = f.mul(k.batch, f.mul(T, f.c(width)));
    statBase = f.mul(k.batch, S);
    Q = k.buffer(0);
    K = k.buffer(1);
    V = k.buffer(2);
    G = k.buffer(4);
    lse = k.buffer(5);
    delta = k.buffer(6);
    f.fast = f.both(f.both(f.aligned(Q, 16), f.aligned(K, 16)),
                    f.both(f.aligned(V, 16), f.aligned(G, 16)));
    scale = f.loadWidened(k.buffer(3), f.c(0));
    c2 = f.mulf(scale, f.f32Const(kLog2E));
    w.alignShared();
    w.aDescriptorsAtUse = true;
  }

  // Where the extra bytes start; where stage `stage`'s tile of the other
  // side's first or second operand lies.
  int64_t extraAt() const { return 2 * ownBytes + kStages * 2 * tileBytes; }
  Value tileAt(Value stage, bool second) {
    return f.add(f.c(2 * ownBytes), f.add(f.mul(stage, f.c(2 * tileBytes)),
                                          f.c(second ? tileBytes : 0)));
  }

  OpBuilder &b() { return f.b; }
  Location loc() { return f.loc; }

  // The block's own rows of `first` and `second` (of `extent` rows from
  // `base`) into their regions, one cp.async group; rows past the last
  // repeat it.
  void stageOwn(Value first, Value second, Value base, Value extent) {
    Value last = f.sub(extent, f.c(1));
    Value yes = b().create<arith::ConstantIntOp>(loc(), 1, 1);
    for (auto [region, src] : {std::pair{0, first}, {1, second}})
      w.stage(
          ownRows, f.c(region * ownBytes), src, base,
          [&](Value r) { return f.min(f.add(k.row0, r), last); },
          [&](Value) { return yes; });
    b().create<NVVM::CpAsyncCommitGroupOp>(loc());
  }

  // The tile `t` of the other side's `first` and `second` rows (of
  // `extent` from `base`, zeros past it) into stage `stage`, one group.
  void stageTile(Value t, Value stage, int64_t tileRows, Value first,
                 Value second, Value base, Value extent) {
    auto stageRows = [&](auto &&...args) { w.stage(args...); };
    f.stageKeysAndValues(stageRows, tileRows, t, tileAt(stage, false),
                         tileAt(stage, true), first, second, base, extent);
  }

  // `body(first)` for each pass over the block's own rows, `first` the
  // warpgroup's first own row in the block; the block meets before each
  // (done with the pass before's stages).
  void passes(function_ref<void(Value)> body) {
    auto loop =
        b().create<scf::ForOp>(loc(), f.c(0), f.c(ownRows / kPassRows), f.c(1));
    OpBuilder::InsertionGuard guard(b());
    b().setInsertionPointToStart(loop.getBody());
    b().create<NVVM::Barrier0Op>(loc());
    body(f.add(f.mul(loop.getInductionVar(), f.c(kPassRows)),
               f.mul(f.div(f.tid, f.c(128)), f.c(kGroupRows))));
  }
};

// p = 2^(s c2 - L) in place of s, `L(i)` sum i's (of the thread's 4 a
// fragment).
void probabilities(FlashTiles &f, WgmmaFlashTiles::Sums &s, Value c2,
                   function_ref<Value(int64_t)> L) {
  for (size_t i = 0; i < s.size(); ++i)
    s[i] = f.ex2(f.subf(f.mulf(s[i], c2), L(i)));
}
// ds = p (dp - δ) in place of dp.
void scoreGrads(FlashTiles &f, const WgmmaFlashTiles::Sums &p,
                WgmmaFlashTiles::Sums &dp, function_ref<Value(int64_t)> delta) {
  for (size_t i = 0; i < p.size(); ++i)
    dp[i] = f.mulf(p[i], f.subf(dp[i], delta(i)));
}

void buildDkv(ttile::KernelOp kernel, int64_t width, const std::string &symbol,
              OpBuilder &mb) {
  constexpr int64_t kQueries = 64; // a tile
  OpBuilder b(kernel.getContext());
  int64_t keys = flashAttentionGradGrid(kernel).blockRows;
  assert(keys == kPassRows && "one pass");
  // Shared memory: keys, values; stages of (queries, result gradients);
  // the stages' L and δ (f32).
  Grad g(kernel, width, kQueries, kStages * 2 * kQueries * 4, symbol, b, mb);
  FlashTiles &f = g.f;
  WgmmaFlashTiles &w = g.w;
  Value zero = f.f32Const(0.0);
  g.stageOwn(g.K, g.V, g.kBase, g.T);
  // A stage's query q's L or δ (queries past the end: L = +inf, δ = 0, so
  // that p and ds are 0).
  auto statAt = [&](Value stage, bool ofDelta, Value q) {
    return w.pointer(f.add(f.c(g.extraAt()),
                           f.mul(f.add(f.mul(stage, f.c(2 * kQueries)),
                                       f.add(f.c(ofDelta ? kQueries : 0), q)),
                                 f.c(4))));
  };
  Value first = f.mul(f.div(f.tid, f.c(128)), f.c(kGroupRows));

  SmallVector<Value> init(width, zero); // dk, then dv: W / 2 each
  ValueRange done = f.pipeline(
      f.ceilDiv(g.S, kQueries), init,
      [&](Value t, Value stage) {
        g.stageTile(t, stage, kQueries, g.Q, g.G, g.qBase, g.S);
        Value q = f.add(f.mul(t, f.c(kQueries)), f.tid);
        f.when(f.ult(f.tid, f.c(kQueries)), [&] {
          Value inside = f.ult(q, g.S);
          Value at = f.add(g.statBase, f.min(q, f.sub(g.S, f.c(1))));
          Value inf = f.f32Const(std::numeric_limits<double>::infinity());
          f.storeF32(f.select(inside, f.loadF32(g.lse, at), inf),
                     statAt(stage, false, f.tid), f.c(0));
          f.storeF32(f.select(inside, f.loadF32(g.delta, at), zero),
                     statAt(stage, true, f.tid), f.c(0));
        });
      },
      [&](Value, Value stage, ValueRange state) {
        WgmmaFlashTiles::Sums s = w.zeros(kQueries), dp = w.zeros(kQueries);
        WgmmaFlashTiles::Sums dk(state.take_front(width / 2)),
            dv(state.drop_front(width / 2));
        // The columns are queries: their L and δ from shared memory.
        auto stat = [&](bool ofDelta, int64_t i) {
          return f.loadF32(statAt(stage, ofDelta, f.column(i / 4, i % 4)),
                           f.c(0));
        };
        w.fence({&s, &dp});
        w.rowsByRows(s, f.c(0), keys, first, g.tileAt(stage, false), kQueries);
        w.commit();
        w.rowsByRows(dp, f.c(g.ownBytes), keys, first, g.tileAt(stage, true),
                     kQueries);
        w.commit();
        w.wait(1, {&s});
        probabilities(f, s, g.c2, [&](int64_t i) { return stat(false, i); });
        WgmmaFlashTiles::Registers p = w.registers(s);
        w.fence({&dv});
        w.registersByRows(dv, p, g.tileAt(stage, true), kQueries);
        w.commit();
        w.wait(1, {&dp});
        scoreGrads(f, s, dp, [&](int64_t i) { return stat(true, i); });
        WgmmaFlashTiles::Registers ds = w.registers(dp);
        w.fence({&dk});
        w.registersByRows(dk, ds, g.tileAt(stage, false), kQueries);
        w.commit();
        w.wait(0, {&dv, &dk});
        SmallVector<Value> next(dk);
        llvm::append_range(next, dv);
        return next;
      },
      /*byTensorCores=*/true);
  Value keysFirst = f.add(g.k.row0, first);
  w.storeRows(WgmmaFlashTiles::Sums(done.take_front(width / 2)), g.scale,
              g.k.buffer(7), g.kBase, keysFirst, g.T);
  w.storeRows(WgmmaFlashTiles::Sums(done.drop_front(width / 2)), Value(),
              g.k.buffer(8), g.kBase, keysFirst, g.T);
}

void buildDq(ttile::KernelOp kernel, int64_t width, const std::string &symbol,
             OpBuilder &mb) {
  constexpr int64_t kKeys = 64; // a tile
  OpBuilder b(kernel.getContext());
  int64_t queries = flashAttentionGradGrid(kernel).blockRows;
  // Shared memory: queries, result gradients; stages of (keys, values).
  Grad g(kernel, width, kKeys, /*extraBytes=*/0, symbol, b, mb);
  FlashTiles &f = g.f;
  WgmmaFlashTiles &w = g.w;
  Value zero = f.f32Const(0.0);
  g.stageOwn(g.Q, g.G, g.qBase, g.S);
  g.passes([&](Value first) {
    // The thread's rows' L and δ (rows past the last repeat it).
    Value ownL[2], ownDelta[2];
    for (int64_t h = 0; h < 2; ++h) {
      Value row =
          f.min(f.add(g.k.row0, w.ownRow(first, h)), f.sub(g.S, f.c(1)));
      ownL[h] = f.loadF32(g.lse, f.add(g.statBase, row));
      ownDelta[h] = f.loadF32(g.delta, f.add(g.statBase, row));
    }
    ValueRange done = f.pipeline(
        f.ceilDiv(g.T, kKeys), SmallVector<Value>(width / 2, zero),
        [&](Value t, Value stage) {
          g.stageTile(t, stage, kKeys, g.K, g.V, g.kBase, g.T);
        },
        [&](Value t, Value stage, ValueRange state) {
          WgmmaFlashTiles::Sums s = w.zeros(kKeys), dp = w.zeros(kKeys);
          w.fence({&s, &dp});
          w.rowsByRows(s, f.c(0), queries, first, g.tileAt(stage, false),
                       kKeys);
          w.commit();
          w.rowsByRows(dp, f.c(g.ownBytes), queries, first,
                       g.tileAt(stage, true), kKeys);
          w.commit();
          w.wait(1, {&s});
          // Sum i's row is g + 8 ((i % 4) / 2).
          probabilities(f, s, g.c2, [&](int64_t i) { return ownL[i % 4 / 2]; });
          w.wait(0, {&dp});
          scoreGrads(f, s, dp, [&](int64_t i) { return ownDelta[i % 4 / 2]; });
          // Keys past the end (zeros in shared memory) never count.
          FlashTiles::Fragments ds = WgmmaFlashTiles::fragments(dp);
          f.maskPast(ds, f.mul(t, f.c(kKeys)), g.T, zero);
          WgmmaFlashTiles::Registers a = w.registers(WgmmaFlashTiles::flat(ds));
          WgmmaFlashTiles::Sums dq(state);
          w.products({&dq}, [&] {
            w.registersByRows(dq, a, g.tileAt(stage, false), kKeys);
          });
          return dq;
        },
        /*byTensorCores=*/true);
    w.storeRows(WgmmaFlashTiles::Sums(done), g.scale, g.k.buffer(7), g.qBase,
                f.add(g.k.row0, first), g.S);
  });
}

} // namespace

void buildWgmmaFlashGrad(ttile::KernelOp kernel, int64_t width,
                         const std::string &symbol, OpBuilder &mb) {
  StringRef kind = kernel.getKind();
  if (kind == "attention_dkv")
    buildDkv(kernel, width, symbol, mb);
  else
    buildDq(kernel, width, symbol, mb);
}

} // namespace tessera
