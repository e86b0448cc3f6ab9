// The adjoint of bf16 or f16 attention on tensor cores: the three kernels of
// AttentionKernel.cpp's reverse (attention_stats, attention_dkv,
// attention_dq) as flash variants for key and value widths both 64 or both
// 128, launched together (the entry picks each on the same widths, so the
// log-sum-exp they share is in the same units, base 2 here).
//
//   stats, a block 256 queries (a warp 32): L = m + log2 l over the keys
//     in tiles of 64 (the forward loop without the values, scores times
//     scale log2 e), and δ = Σ_e result_grad · result in ascending e with
//     one fma a step (the CPU's bits);
//   dkv, a block 128 keys (a warp 16), over tiles of 64 queries in order:
//     sᵀ = k qᵀ and dpᵀ = v result_gradᵀ by mma, p = 2^(sᵀ scale log2 e -
//     L), ds = p (dpᵀ - δ), then value_grad += p result_grad and key_grad
//     += ds q by mma, p and ds rounded to bf16 as a fragments; key_grad
//     times scale at the end;
//   dq, a block 256 queries (a warp 32), over tiles of 32 keys in order:
//     s = q kᵀ and dp = result_grad vᵀ, the same p and ds, query_grad +=
//     ds k; times scale at the end.
// Keys, values, queries and result gradients come through shared memory
// (cp.async, two stages beside the block's own rows: at width 128 and
// 160 KiB, dq's fits an sm_80 block), never
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

constexpr int64_t kStages = 2;

// A kernel's shape: row tiles of 16 own rows a warp, and rows of the other
// side a step. Two row tiles a warp let each fragment of the other side
// feed two mma, where the registers allow: stats holds no output, dq's
// 32-key steps leave room for two tiles of query_grad; dkv's key_grad and
// value_grad fill them with one.
struct Shape {
  int64_t rowTiles, tileRows;
  constexpr int64_t ownRows() const { return kFlashWarps * 16 * rowTiles; }
};
constexpr Shape kStats{2, 64}, kDkv{1, 64}, kDq{2, 32};

struct GradBuilder {
  FlashTiles &f;
  FlashKernel &k;
  int64_t width;
  Shape shape;
  Value S = {}, T = {};         // queries and keys of each batch
  Value qBase = {}, kBase = {}; // the batch's first query and key element

  // The extents and the batch's bases, from the kernel's sizes (s, t, ...).
  void readExtents() {
    S = k.size(0);
    T = k.size(1);
    qBase = f.mul(k.batch, f.mul(S, f.c(width)));
    kBase = f.mul(k.batch, f.mul(T, f.c(width)));
  }

  OpBuilder &b() { return f.b; }
  Location loc() { return f.loc; }

  // The block's own rows from row0 of `src` (of `extent` rows from `base`)
  // into shared element `dst`; rows past the last repeat it.
  void stageOwn(Value dst, Value src, Value base, Value extent) {
    Value last = f.sub(extent, f.c(1));
    Value yes = b().create<arith::ConstantIntOp>(loc(), 1, 1);
    f.stageRows(
        shape.ownRows(), dst, src, base,
        [&](Value r) { return f.min(f.add(k.row0, r), last); },
        [&](Value) { return yes; });
  }
  // The other side's rows of step `tile` of `src` into `dst`; past
  // `extent`, zeros.
  void stageTile(Value tile, Value dst, Value src, Value base, Value extent) {
    Value first = f.mul(tile, f.c(shape.tileRows));
    f.stageRows(
        shape.tileRows, dst, src, base,
        [&](Value r) { return f.add(first, r); },
        [&](Value r) { return f.ult(f.add(first, r), extent); });
  }

  // Row tile rt's first row in the block's own rows (in shared memory).
  Value warpRow(int64_t rt) {
    return f.add(f.mul(f.warp, f.c(16 * shape.rowTiles)), f.c(16 * rt));
  }
  // The thread's own row r (row tile r / 2, g + 8 (r % 2)) in its batch.
  Value ownRow(int64_t r) {
    return f.add(k.row0, f.add(warpRow(r / 2), f.add(f.g, f.c(8 * (r % 2)))));
  }

  // The fragments in `state` from `at`: row tiles of W / 8.
  FlashTiles::Fragments unpack(ValueRange state, int64_t at) {
    FlashTiles::Fragments acc(shape.rowTiles);
    for (int64_t rt = 0; rt < shape.rowTiles; ++rt)
      for (int64_t et = 0; et < width / 8; ++et)
        acc[rt].push_back(
            SmallVector<Value>(state.slice(at + (rt * width / 8 + et) * 4, 4)));
    return acc;
  }
  static void pack(const FlashTiles::Fragments &acc,
                   SmallVectorImpl<Value> &out) {
    for (const auto &tile : acc)
      for (const auto &frag : tile)
        llvm::append_range(out, frag);
  }

  // Stores a warp's fragments (times `by`, when given) as rows of W bf16 at
  // `base` of `out`: the thread's own rows below `extent`.
  void storeRows(const FlashTiles::Fragments &acc, Value by, Value out,
                 Value base, Value extent) {
    for (int64_t r = 0; r < 2 * shape.rowTiles; ++r) {
      Value row = ownRow(r);
      int64_t rt = r / 2, h = r % 2;
      f.when(f.ult(row, extent), [&] {
        for (int64_t et = 0; et < width / 8; ++et) {
          Value x = acc[rt][et][2 * h], y = acc[rt][et][2 * h + 1];
          if (by) {
            x = f.mulf(x, by);
            y = f.mulf(y, by);
          }
          Value element =
              f.add(base, f.add(f.mul(row, f.c(width)),
                                f.add(f.c(et * 8), f.mul(f.quad, f.c(2)))));
          b().create<LLVM::StoreOp>(loc(), f.packPair(x, y),
                                    f.at(out, f.bf16(), element), 4);
        }
      });
    }
  }
};

void buildStats(ttile::KernelOp kernel, int64_t width,
                const std::string &symbol, OpBuilder &mb) {
  OpBuilder b(kernel.getContext());
  Location loc = kernel.getLoc();
  FlashTiles f(b, loc, width);
  int64_t own = kStats.ownRows() * width, tile = kStats.tileRows * width;
  // Two blocks an SM (at most 128 registers a thread): with no output to
  // hold, the softmax's chains of dependent operations are what a step
  // waits on, and 16 warps hide more of them than 8 (1.46 to 1.30 ms at
  // width 128, 1.03 to 0.89 ms at 64).
  FlashKernel k =
      openFlashKernel(kernel, symbol, own + kStages * tile, /*rowsSize=*/0,
                      kStats.ownRows(), f, mb, /*minBlocksPerSM=*/2);
  GradBuilder gb{f, k, width, kStats};
  // Buffers: q, k, scale, result, result_grad; lse, δ, scratch.
  Value Q = k.buffer(0), K = k.buffer(1), O = k.buffer(3), G = k.buffer(4);
  Value lse = k.buffer(5), delta = k.buffer(6);
  gb.readExtents();
  Value qBase = gb.qBase, kBase = gb.kBase;
  f.fast = f.both(f.aligned(Q, 16), f.aligned(K, 16));
  Value scale = f.loadWidened(k.buffer(2), f.c(0));
  Value c2 = f.mulf(scale, f.f32Const(kLog2E));
  Value minusInf = f.f32Const(-std::numeric_limits<double>::infinity());
  Value zero = f.f32Const(0.0);
  gb.stageOwn(f.c(0), Q, qBase, gb.S);
  b.create<NVVM::CpAsyncCommitGroupOp>(loc);

  // δ: a thread a row.
  static_assert(kStats.ownRows() == kFlashThreads);
  f.storeDeltas(G, O, delta, k.row0, gb.S, qBase, f.mul(k.batch, gb.S));

  // m and then l of the thread's rows: row tile r / 2, g + 8 (r % 2).
  constexpr int64_t kOwn = 2 * kStats.rowTiles;
  SmallVector<Value> init(kOwn, minusInf);
  init.append(kOwn, zero);
  ValueRange done = f.pipeline(
      f.ceilDiv(gb.T, kStats.tileRows), init,
      [&](Value t, Value stage) {
        gb.stageTile(t, f.add(f.c(own), f.mul(stage, f.c(tile))), K, kBase,
                     gb.T);
        b.create<NVVM::CpAsyncCommitGroupOp>(loc);
      },
      [&](Value t, Value stage, ValueRange state) {
        FlashTiles::Fragments s = f.zeros(kStats.rowTiles, kStats.tileRows);
        f.mmaRowsByRows(
            s, f.c(0), [&](int64_t rt) { return gb.warpRow(rt); },
            f.add(f.c(own), f.mul(stage, f.c(tile))));
        // Scaled to base 2; keys past the end never count.
        for (auto &frags : s)
          for (auto &frag : frags)
            for (Value &x : frag)
              x = f.mulf(x, c2);
        f.maskPast(s, f.mul(t, f.c(kStats.tileRows)), gb.T, minusInf);
        SmallVector<Value> next(2 * kOwn);
        for (int64_t r = 0; r < kOwn; ++r) {
          int64_t h = r % 2;
          SmallVector<Value> x;
          Value rowMax = minusInf;
          for (auto &frag : s[r / 2])
            for (int64_t i = 2 * h; i < 2 * h + 2; ++i) {
              x.push_back(frag[i]);
              rowMax = f.maxf(rowMax, x.back());
            }
          Value m = f.maxf(state[r], f.quadMax(rowMax));
          Value sum = zero;
          for (Value xi : x)
            sum = f.addf(sum, f.ex2(f.subf(xi, m)));
          next[r] = m;
          next[kOwn + r] =
              f.addf(f.mulf(state[kOwn + r], f.ex2(f.subf(state[r], m))), sum);
        }
        return next;
      },
      /*byTensorCores=*/false);
  // L = m + log2 l by the quad's first thread.
  for (int64_t r = 0; r < kOwn; ++r) {
    Value l = f.quadSum(done[kOwn + r]);
    Value row = gb.ownRow(r);
    f.when(f.both(f.eq(f.quad, f.c(0)), f.ult(row, gb.S)), [&] {
      f.storeF32(f.addf(done[r], f.lg2(l)), lse,
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
  Shape shape = keysOwn ? kDkv : kDq;
  int64_t rows = shape.tileRows;
  int64_t own = shape.ownRows() * width, tile = rows * width;
  // Shared: A, B; stages of (C, D); with keys own, the stages' L and δ
  // (f32, two bf16 elements each).
  int64_t statsAt = 2 * own + kStages * 2 * tile;
  int64_t shared = statsAt + (keysOwn ? kStages * 2 * rows * 2 : 0);
  FlashKernel k =
      openFlashKernel(kernel, symbol, shared, /*rowsSize=*/keysOwn ? 1 : 0,
                      shape.ownRows(), f, mb);
  GradBuilder gb{f, k, width, shape};
  // Buffers: q, k, v, scale, result_grad, lse, δ; then the results.
  Value Q = k.buffer(0), K = k.buffer(1), V = k.buffer(2), G = k.buffer(4);
  Value lse = k.buffer(5), delta = k.buffer(6);
  gb.readExtents();
  Value qBase = gb.qBase, kBase = gb.kBase;
  f.fast = f.both(f.both(f.aligned(Q, 16), f.aligned(K, 16)),
                  f.both(f.aligned(V, 16), f.aligned(G, 16)));
  Value scale = f.loadWidened(k.buffer(3), f.c(0));
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
  SmallVector<Value> ownL, ownDelta;
  if (!keysOwn)
    for (int64_t r = 0; r < 2 * shape.rowTiles; ++r) {
      Value row = f.min(gb.ownRow(r), f.sub(gb.S, f.c(1)));
      Value at = f.add(f.mul(k.batch, gb.S), row);
      ownL.push_back(f.loadF32(lse, at));
      ownDelta.push_back(f.loadF32(delta, at));
    }
  // With keys own: a stage's queries' L and δ, as f32 in shared memory
  // (queries past the end: L = +inf, δ = 0, so that p and ds are 0).
  Value stats = b.create<LLVM::GEPOp>(loc, f.shared.getType(), f.bf16(),
                                      f.shared, ValueRange{f.c(statsAt)});
  auto statAt = [&](Value stage, bool ofDelta, Value q) {
    return f.add(f.mul(stage, f.c(2 * rows)),
                 f.add(f.c(ofDelta ? rows : 0), q));
  };

  int64_t accumulators = keysOwn ? 2 : 1; // dk, dv; or dq
  SmallVector<Value> init(accumulators * shape.rowTiles * width / 2, zero);
  ValueRange done = f.pipeline(
      f.ceilDiv(otherExtent, rows), init,
      [&](Value t, Value stage) {
        gb.stageTile(t, stageBase(stage, false), C, otherBase, otherExtent);
        gb.stageTile(t, stageBase(stage, true), D, otherBase, otherExtent);
        if (keysOwn) {
          Value q = f.add(f.mul(t, f.c(rows)), f.tid);
          f.when(f.ult(f.tid, f.c(rows)), [&] {
            Value inside = f.ult(q, gb.S);
            Value at =
                f.add(f.mul(k.batch, gb.S), f.min(q, f.sub(gb.S, f.c(1))));
            Value inf = f.f32Const(std::numeric_limits<double>::infinity());
            f.storeF32(f.select(inside, f.loadF32(lse, at), inf), stats,
                       statAt(stage, false, f.tid));
            f.storeF32(f.select(inside, f.loadF32(delta, at), zero), stats,
                       statAt(stage, true, f.tid));
          });
        }
        b.create<NVVM::CpAsyncCommitGroupOp>(loc);
      },
      [&](Value t, Value stage, ValueRange state) {
        auto warpRow = [&](int64_t rt) { return gb.warpRow(rt); };
        FlashTiles::Fragments s = f.zeros(shape.rowTiles, rows),
                              dp = f.zeros(shape.rowTiles, rows);
        f.mmaRowsByRows(s, f.c(0), warpRow, stageBase(stage, false));
        f.mmaRowsByRows(dp, f.c(own), warpRow, stageBase(stage, true));
        // p in place of s (0 for keys past the end), then ds in place of
        // dp.
        SmallVector<Value> deltas;
        for (int64_t nt = 0; nt < rows / 8; ++nt)
          for (int64_t i = 0; i < 4; ++i) {
            Value col = f.column(nt, i), sharedL;
            if (keysOwn) {
              sharedL = f.loadF32(stats, statAt(stage, false, col));
              deltas.push_back(f.loadF32(stats, statAt(stage, true, col)));
            }
            for (int64_t rt = 0; rt < shape.rowTiles; ++rt) {
              Value L = keysOwn ? sharedL : ownL[2 * rt + i / 2];
              s[rt][nt][i] = f.ex2(f.subf(f.mulf(s[rt][nt][i], c2), L));
            }
          }
        if (!keysOwn)
          f.maskPast(s, f.mul(t, f.c(rows)), gb.T, zero);
        for (int64_t nt = 0; nt < rows / 8; ++nt)
          for (int64_t i = 0; i < 4; ++i)
            for (int64_t rt = 0; rt < shape.rowTiles; ++rt) {
              Value dlt =
                  keysOwn ? deltas[nt * 4 + i] : ownDelta[2 * rt + i / 2];
              dp[rt][nt][i] = f.mulf(s[rt][nt][i], f.subf(dp[rt][nt][i], dlt));
            }
        SmallVector<Value> next;
        if (keysOwn) {
          FlashTiles::Fragments dk = gb.unpack(state, 0),
                                dv = gb.unpack(state,
                                               shape.rowTiles * width / 2);
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
      },
      /*byTensorCores=*/false);
  // Results: dk (times scale) and dv; or dq (times scale).
  Value out0 = k.buffer(7);
  gb.storeRows(gb.unpack(done, 0), scale, out0, ownBase, ownExtent);
  if (keysOwn)
    gb.storeRows(gb.unpack(done, shape.rowTiles * width / 2), Value(),
                 k.buffer(8), ownBase, ownExtent);
}

} // namespace

FlashGrid flashAttentionGradGrid(ttile::KernelOp kernel) {
  StringRef kind = kernel.getKind();
  if (kind == "attention_stats")
    return {0, kStats.ownRows()};
  if (kind == "attention_dkv")
    return {1, kDkv.ownRows()};
  return {0, kDq.ownRows()};
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
