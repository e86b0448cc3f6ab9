// The adjoint of bf16 attention on tensor cores: the three kernels of
// AttentionKernel.cpp's reverse (attention_stats, attention_dkv,
// attention_dq) as flash variants for key and value widths both 64 or both
// 128, launched together (the entry picks each on the same widths, so the
// log-sum-exp they share is in the same units, base 2 here).
//
//   stats, a block 128 queries (a warp 16): L = m + log2 l over the keys
//     in tiles of 64 (the forward loop without the values, scores times
//     scale log2 e), and δ = Σ_e result_grad · result in ascending e with
//     one fma a step (the CPU's bits);
//   dkv, a block 128 keys (a warp 16), over tiles of 64 queries in order:
//     sᵀ = k qᵀ and dpᵀ = v result_gradᵀ by mma, p = 2^(sᵀ scale log2 e -
//     L), ds = p (dpᵀ - δ), then value_grad += p result_grad and key_grad
//     += ds q by mma, p and ds rounded to bf16 as a fragments; key_grad
//     times scale at the end;
//   dq, a block 128 queries, over tiles of 64 keys in order: s = q kᵀ and
//     dp = result_grad vᵀ, the same p and ds, query_grad += ds k; times
//     scale at the end.
// Keys, values, queries and result gradients come through shared memory
// (cp.async, two stages of 64 rows beside the block's own 128 rows), never
// the [s, t] scores or probabilities through global memory, and no atomics:
// each result is one block's sum over the other side's tiles in ascending
// order, so the bits do not depend on the grid or the run (not the CPU's:
// ex2/lg2.approx, p and ds in bf16, the mma's own sums).
#include "FlashAttention.h"
#include "FlashTiles.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <limits>

using namespace mlir;

namespace tessera {
namespace {

constexpr int64_t kRows = kFlashWarps * 16; // a block's own rows
constexpr int64_t kTile = 64;               // rows of the other side a step
constexpr int64_t kStages = 2;
constexpr double kLog2E = 1.4426950408889634;

struct GradBuilder {
  FlashTiles &f;
  FlashKernel &k;
  int64_t width;
  Value S = {}, T = {}; // queries and keys of each batch

  OpBuilder &b() { return f.b; }
  Location loc() { return f.loc; }
  Value loadBF16(Value buffer, Value i) {
    return b().create<LLVM::FPExtOp>(
        loc(), f.f32(),
        b().create<LLVM::LoadOp>(loc(), f.bf16(), f.at(buffer, f.bf16(), i),
                                 2));
  }
  Value loadF32(Value buffer, Value i) {
    return b().create<LLVM::LoadOp>(loc(), f.f32(), f.at(buffer, f.f32(), i),
                                    4);
  }
  void storeF32(Value v, Value buffer, Value i) {
    b().create<LLVM::StoreOp>(loc(), v, f.at(buffer, f.f32(), i), 4);
  }
  void when(Value cond, llvm::function_ref<void()> body) {
    auto ifOp = b().create<scf::IfOp>(loc(), TypeRange{}, cond, false);
    OpBuilder::InsertionGuard guard(b());
    b().setInsertionPointToStart(ifOp.thenBlock());
    body();
  }

  // The block's own rows [row0, row0 + kRows) of `src` (of `extent` rows
  // from `base`) into shared element `dst`; rows past the last repeat it.
  void stageOwn(Value dst, Value src, Value base, Value extent) {
    Value last = f.sub(extent, f.c(1));
    Value yes = b().create<arith::ConstantIntOp>(loc(), 1, 1);
    f.stageRows(
        kRows, dst, src, base,
        [&](Value r) { return f.min(f.add(k.row0, r), last); },
        [&](Value) { return yes; });
  }
  // Rows [tile kTile, +kTile) of `src` into `dst`; past `extent`, zeros.
  void stageTile(Value tile, Value dst, Value src, Value base, Value extent) {
    Value first = f.mul(tile, f.c(kTile));
    f.stageRows(
        kTile, dst, src, base, [&](Value r) { return f.add(first, r); },
        [&](Value r) { return f.ult(f.add(first, r), extent); });
  }

  // The loop over `count` tiles of the other side, two stages: `load(t,
  // stage)` requests tile t's copies (and commits them), `step(t, stage,
  // state)` uses them. Returns the final state.
  ValueRange pipeline(
      Value count, ValueRange init, llvm::function_ref<void(Value, Value)> load,
      llvm::function_ref<SmallVector<Value>(Value, Value, ValueRange)> step) {
    when(f.ult(f.c(0), count), [&] { load(f.c(0), f.c(0)); });
    auto loop = b().create<scf::ForOp>(loc(), f.c(0), count, f.c(1), init);
    {
      OpBuilder::InsertionGuard guard(b());
      b().setInsertionPointToStart(loop.getBody());
      Value t = loop.getInductionVar();
      // Tile t has landed; every warp is done with tile t - 1, whose stage
      // tile t + 1 now takes.
      b().create<NVVM::CpAsyncWaitGroupOp>(loc(), 0);
      b().create<NVVM::Barrier0Op>(loc());
      Value next = f.add(t, f.c(1));
      when(f.ult(next, count), [&] { load(next, f.rem(next, f.c(kStages))); });
      b().create<scf::YieldOp>(
          loc(), step(t, f.rem(t, f.c(kStages)), loop.getRegionIterArgs()));
    }
    // Nothing in flight when the block ends (with no tiles, its own rows).
    b().create<NVVM::CpAsyncWaitGroupOp>(loc(), 0);
    return loop.getResults();
  }

  // The fragments in `state` from `at`, rows tiles of W / 8.
  FlashTiles::Fragments unpack(ValueRange state, int64_t at) {
    FlashTiles::Fragments acc(1);
    for (int64_t et = 0; et < width / 8; ++et)
      acc[0].push_back(SmallVector<Value>(state.slice(at + et * 4, 4)));
    return acc;
  }
  static void pack(const FlashTiles::Fragments &acc,
                   SmallVectorImpl<Value> &out) {
    for (const auto &frag : acc[0])
      llvm::append_range(out, frag);
  }

  // Stores a warp's fragments (times `by`, when given) as rows of W bf16 at
  // `base` of `out`: row k.row0 + 16 warp + g + 8 h, when below `extent`.
  void storeRows(const FlashTiles::Fragments &acc, Value by, Value out,
                 Value base, Value extent) {
    for (int64_t h = 0; h < 2; ++h) {
      Value row =
          f.add(k.row0, f.add(f.mul(f.warp, f.c(16)), f.add(f.g, f.c(8 * h))));
      when(f.ult(row, extent), [&] {
        for (int64_t et = 0; et < width / 8; ++et) {
          Value x = acc[0][et][2 * h], y = acc[0][et][2 * h + 1];
          if (by) {
            x = f.mulf(x, by);
            y = f.mulf(y, by);
          }
          Value element =
              f.add(base, f.add(f.mul(row, f.c(width)),
                                f.add(f.c(et * 8), f.mul(f.quad, f.c(2)))));
          b().create<LLVM::StoreOp>(loc(), f.packBF16(x, y),
                                    f.at(out, f.bf16(), element), 4);
        }
      });
    }
  }

  // The column of element i of fragment nt: 8 nt + 2 quad + i % 2.
  Value column(int64_t nt, int64_t i) {
    return f.add(f.c(nt * 8 + i % 2), f.mul(f.quad, f.c(2)));
  }
};

// Shared memory, in elements: `own` regions of the block's rows, then two
// stages of `staged` tiles, then (dkv) the stages' log-sum-exp and δ.
int64_t ownElements(int64_t W) { return kRows * W; }
int64_t tileElements(int64_t W) { return kTile * W; }

void buildStats(ttile::KernelOp kernel, int64_t width,
                const std::string &symbol, OpBuilder &mb) {
  OpBuilder b(kernel.getContext());
  Location loc = kernel.getLoc();
  FlashTiles f(b, loc, width);
  int64_t own = ownElements(width), tile = tileElements(width);
  FlashKernel k = openFlashKernel(kernel, symbol, own + kStages * tile,
                                  /*rowsSize=*/0, kRows, f, mb);
  GradBuilder gb{f, k, width};
  // Buffers: q, k, scale, result, result_grad; lse, δ, scratch.
  Value Q = k.buffer(0), K = k.buffer(1), O = k.buffer(3), G = k.buffer(4);
  Value lse = k.buffer(5), delta = k.buffer(6);
  gb.S = k.size(0);
  gb.T = k.size(1);
  Value W = f.c(width);
  Value qBase = f.mul(k.batch, f.mul(gb.S, W));
  Value kBase = f.mul(k.batch, f.mul(gb.T, W));
  f.fast = f.both(f.aligned(Q, 16), f.aligned(K, 16));
  Value scale = gb.loadBF16(k.buffer(2), f.c(0));
  Value c2 = f.mulf(scale, f.f32Const(kLog2E));
  Value minusInf = f.f32Const(-std::numeric_limits<double>::infinity());
  Value zero = f.f32Const(0.0);
  gb.stageOwn(f.c(0), Q, qBase, gb.S);
  b.create<NVVM::CpAsyncCommitGroupOp>(loc);

  // δ: a thread a row, in ascending e (the CPU's operations).
  {
    Value row = f.add(k.row0, f.tid);
    gb.when(f.both(f.ult(f.tid, f.c(kRows)), f.ult(row, gb.S)), [&] {
      Value base = f.add(qBase, f.mul(row, W));
      auto sum = b.create<scf::ForOp>(
          loc, f.c(0), W, f.c(1), ValueRange{zero},
          [&](OpBuilder &ib, Location l, Value e, ValueRange acc) {
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPoint(ib.getInsertionBlock(), ib.getInsertionPoint());
            Value at = f.add(base, e);
            Value x = b.create<LLVM::FMAOp>(l, gb.loadBF16(G, at),
                                            gb.loadBF16(O, at), acc[0]);
            b.create<scf::YieldOp>(l, ValueRange{x});
          });
      gb.storeF32(sum.getResult(0), delta, f.add(f.mul(k.batch, gb.S), row));
    });
  }

  // m and l of rows g and g + 8.
  SmallVector<Value> init = {minusInf, minusInf, zero, zero};
  ValueRange done = gb.pipeline(
      f.ceilDiv(gb.T, kTile), init,
      [&](Value t, Value stage) {
        gb.stageTile(t, f.add(f.c(own), f.mul(stage, f.c(tile))), K, kBase,
                     gb.T);
        b.create<NVVM::CpAsyncCommitGroupOp>(loc);
      },
      [&](Value t, Value stage, ValueRange state) {
        FlashTiles::Fragments s = f.zeros(1, kTile);
        f.mmaRowsByRows(
            s, f.c(0), [&](int64_t) { return f.mul(f.warp, f.c(16)); },
            f.add(f.c(own), f.mul(stage, f.c(tile))));
        Value key0 = f.mul(t, f.c(kTile));
        SmallVector<Value> next(4);
        for (int64_t h = 0; h < 2; ++h) {
          SmallVector<Value> x;
          Value rowMax = minusInf;
          for (int64_t nt = 0; nt < kTile / 8; ++nt)
            for (int64_t i = 2 * h; i < 2 * h + 2; ++i) {
              Value valid = f.ult(f.add(key0, gb.column(nt, i)), gb.T);
              x.push_back(f.select(valid, f.mulf(s[0][nt][i], c2), minusInf));
              rowMax = f.maxf(rowMax, x.back());
            }
          Value m = f.maxf(state[h], f.quadMax(rowMax));
          Value sum = zero;
          for (Value xi : x)
            sum = f.addf(sum, f.ex2(f.subf(xi, m)));
          next[h] = m;
          next[2 + h] =
              f.addf(f.mulf(state[2 + h], f.ex2(f.subf(state[h], m))), sum);
        }
        return next;
      });
  // L = m + log2 l by the quad's first thread.
  for (int64_t h = 0; h < 2; ++h) {
    Value l = f.quadSum(done[2 + h]);
    Value row =
        f.add(k.row0, f.add(f.mul(f.warp, f.c(16)), f.add(f.g, f.c(8 * h))));
    gb.when(f.both(f.eq(f.quad, f.c(0)), f.ult(row, gb.S)), [&] {
      gb.storeF32(f.addf(done[h], f.lg2(l)), lse,
                  f.add(f.mul(k.batch, gb.S), row));
    });
  }
}

// dkv and dq: the block's own rows A (keys, or queries) and their partner
// rows B (values, or result gradients) against tiles of the other side's
// C (queries, or keys) and D (result gradients, or values).
void buildProducts(ttile::KernelOp kernel, int64_t width,
                   const std::string &symbol, bool keysOwn, OpBuilder &mb) {
  OpBuilder b(kernel.getContext());
  Location loc = kernel.getLoc();
  FlashTiles f(b, loc, width);
  int64_t own = ownElements(width), tile = tileElements(width);
  // Shared: A, B; stages of (C, D); with keys own, the stages' L and δ
  // (f32, two bf16 elements each).
  int64_t statsAt = 2 * own + kStages * 2 * tile;
  int64_t shared = statsAt + (keysOwn ? kStages * 2 * kTile * 2 : 0);
  FlashKernel k = openFlashKernel(kernel, symbol, shared,
                                  /*rowsSize=*/keysOwn ? 1 : 0, kRows, f, mb);
  GradBuilder gb{f, k, width};
  // Buffers: q, k, v, scale, result_grad, lse, δ; then the results.
  Value Q = k.buffer(0), K = k.buffer(1), V = k.buffer(2), G = k.buffer(4);
  Value lse = k.buffer(5), delta = k.buffer(6);
  gb.S = k.size(0);
  gb.T = k.size(1);
  Value W = f.c(width);
  Value qBase = f.mul(k.batch, f.mul(gb.S, W));
  Value kBase = f.mul(k.batch, f.mul(gb.T, W));
  f.fast = f.both(f.both(f.aligned(Q, 16), f.aligned(K, 16)),
                  f.both(f.aligned(V, 16), f.aligned(G, 16)));
  Value scale = gb.loadBF16(k.buffer(3), f.c(0));
  Value c2 = f.mulf(scale, f.f32Const(kLog2E));
  Value zero = f.f32Const(0.0);
  Value ownExtent = keysOwn ? gb.T : gb.S, otherExtent = keysOwn ? gb.S : gb.T;
  Value ownBase = keysOwn ? kBase : qBase, otherBase = keysOwn ? qBase : kBase;
  Value A = keysOwn ? K : Q, Bp = keysOwn ? V : G;
  Value C = keysOwn ? Q : K, D = keysOwn ? G : V;
  gb.stageOwn(f.c(0), A, ownBase, ownExtent);
  gb.stageOwn(f.c(own), Bp, ownBase, ownExtent);
  b.create<NVVM::CpAsyncCommitGroupOp>(loc);
  auto stageBase = [&](Value stage, bool ofD) {
    return f.add(f.c(2 * own),
                 f.add(f.mul(stage, f.c(2 * tile)), f.c(ofD ? tile : 0)));
  };
  // With queries own: the thread's rows' L and δ (rows past the last
  // repeat it).
  Value ownL[2], ownDelta[2];
  if (!keysOwn)
    for (int64_t h = 0; h < 2; ++h) {
      Value row = f.min(
          f.add(k.row0, f.add(f.mul(f.warp, f.c(16)), f.add(f.g, f.c(8 * h)))),
          f.sub(gb.S, f.c(1)));
      Value at = f.add(f.mul(k.batch, gb.S), row);
      ownL[h] = gb.loadF32(lse, at);
      ownDelta[h] = gb.loadF32(delta, at);
    }
  // With keys own: a stage's 64 queries' L and δ, as f32 in shared memory
  // (queries past the end: L = +inf, δ = 0, so that p and ds are 0).
  Value stats = b.create<LLVM::GEPOp>(loc, f.shared.getType(), f.bf16(),
                                      f.shared, ValueRange{f.c(statsAt)});
  auto statAt = [&](Value stage, bool ofDelta, Value q) {
    return f.add(f.mul(stage, f.c(2 * kTile)),
                 f.add(f.c(ofDelta ? kTile : 0), q));
  };

  int64_t accumulators = keysOwn ? 2 : 1; // dk, dv; or dq
  SmallVector<Value> init(accumulators * width / 2, zero);
  ValueRange done = gb.pipeline(
      f.ceilDiv(otherExtent, kTile), init,
      [&](Value t, Value stage) {
        gb.stageTile(t, stageBase(stage, false), C, otherBase, otherExtent);
        gb.stageTile(t, stageBase(stage, true), D, otherBase, otherExtent);
        if (keysOwn) {
          Value q = f.add(f.mul(t, f.c(kTile)), f.tid);
          gb.when(f.ult(f.tid, f.c(kTile)), [&] {
            Value inside = f.ult(q, gb.S);
            Value at =
                f.add(f.mul(k.batch, gb.S), f.min(q, f.sub(gb.S, f.c(1))));
            Value inf = f.f32Const(std::numeric_limits<double>::infinity());
            gb.storeF32(f.select(inside, gb.loadF32(lse, at), inf), stats,
                        statAt(stage, false, f.tid));
            gb.storeF32(f.select(inside, gb.loadF32(delta, at), zero), stats,
                        statAt(stage, true, f.tid));
          });
        }
        b.create<NVVM::CpAsyncCommitGroupOp>(loc);
      },
      [&](Value t, Value stage, ValueRange state) {
        auto warpRow = [&](int64_t) { return f.mul(f.warp, f.c(16)); };
        FlashTiles::Fragments s = f.zeros(1, kTile), dp = f.zeros(1, kTile);
        f.mmaRowsByRows(s, f.c(0), warpRow, stageBase(stage, false));
        f.mmaRowsByRows(dp, f.c(own), warpRow, stageBase(stage, true));
        Value first = f.mul(t, f.c(kTile));
        // p and ds in place of s and dp.
        for (int64_t nt = 0; nt < kTile / 8; ++nt)
          for (int64_t i = 0; i < 4; ++i) {
            Value col = gb.column(nt, i);
            Value L, dlt;
            if (keysOwn) {
              L = gb.loadF32(stats, statAt(stage, false, col));
              dlt = gb.loadF32(stats, statAt(stage, true, col));
            } else {
              L = ownL[i / 2];
              dlt = ownDelta[i / 2];
            }
            Value p = f.ex2(f.subf(f.mulf(s[0][nt][i], c2), L));
            if (!keysOwn)
              p = f.select(f.ult(f.add(first, col), gb.T), p, zero);
            s[0][nt][i] = p;
            dp[0][nt][i] = f.mulf(p, f.subf(dp[0][nt][i], dlt));
          }
        SmallVector<Value> next;
        if (keysOwn) {
          FlashTiles::Fragments dk = gb.unpack(state, 0),
                                dv = gb.unpack(state, width / 2);
          f.mmaRegistersByColumns(dv, s, stageBase(stage, true));
          f.mmaRegistersByColumns(dk, dp, stageBase(stage, false));
          GradBuilder::pack(dk, next);
          GradBuilder::pack(dv, next);
        } else {
          FlashTiles::Fragments dq = gb.unpack(state, 0);
          f.mmaRegistersByColumns(dq, dp, stageBase(stage, false));
          GradBuilder::pack(dq, next);
        }
        return next;
      });
  // Results: dk (times scale) and dv; or dq (times scale).
  Value out0 = k.buffer(7);
  gb.storeRows(gb.unpack(done, 0), scale, out0, ownBase, ownExtent);
  if (keysOwn)
    gb.storeRows(gb.unpack(done, width / 2), Value(), k.buffer(8), ownBase,
                 ownExtent);
}

} // namespace

FlashGrid flashAttentionGradGrid(ttile::KernelOp kernel) {
  return {kernel.getKind() == "attention_dkv" ? 1u : 0u, kRows};
}

void buildFlashAttentionGrad(ttile::KernelOp kernel, int64_t width,
                             const std::string &symbol, OpBuilder &mb) {
  StringRef kind = kernel.getKind();
  if (kind == "attention_stats")
    buildStats(kernel, width, symbol, mb);
  else
    buildProducts(kernel, width, symbol, kind == "attention_dkv", mb);
}

} // namespace tessera
