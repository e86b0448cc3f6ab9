// The adjoint of bf16 or f16 attention on tensor cores: the kernels of
// AttentionKernel.cpp's reverse (attention_delta, attention_dkv,
// attention_dq) as flash variants for key and value widths both 64 or both
// 128. dkv and dq read each query's log-sum-exp in base 2 as the forward's
// flash variants leave it (the op's lse result); the entry picks the
// forward's variant and theirs on the same widths, so L is in the units
// they read. (An adjoint without the forward's lse, which only hand-written
// Graph IR has, runs the kernels themselves: AttentionKernel.cpp gives its
// kernels no flash attribute.)
//
//   delta, a block 128 queries: δ = Σ_e result_grad · result, coalesced
//     (buildDelta);
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
// feed two mma, where the registers allow: dq's 32-key steps leave room for
// two tiles of query_grad; dkv's key_grad and value_grad fill them with
// one.
struct Shape {
  int64_t rowTiles, tileRows;
  constexpr int64_t ownRows() const { return kFlashWarps * 16 * rowTiles; }
};
constexpr Shape kDkv{1, 64}, kDq{2, 32};

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

// δ = Σ_e result_grad · result of each query, a block kDeltaRows rows:
// W / 8 threads a row, each reading 8 elements of both (consecutive
// threads, consecutive 16-byte chunks: whole lines) and adding its 8
// products in ascending e, one fma a step; then the row's threads add
// their partial sums in a butterfly (xor 1, 2, 4, ...), each pair added
// commutatively, so every thread of the row holds the same bits, the first
// stores them. The order is fixed by the width alone.
constexpr int64_t kDeltaRows = 128;

void buildDelta(ttile::KernelOp kernel, int64_t width,
                const std::string &symbol, OpBuilder &mb) {
  OpBuilder b(kernel.getContext());
  Location loc = kernel.getLoc();
  FlashTiles f(b, loc, width);
  FlashKernel k = openFlashKernel(kernel, symbol, /*sharedElements=*/kChunk,
                                  /*rowsSize=*/0, kDeltaRows, f, mb);
  // Buffers: result, result_grad; δ. Sizes: s, t, d, e, row blocks.
  Value O = k.buffer(0), G = k.buffer(1), delta = k.buffer(2);
  Value S = k.size(0);
  int64_t perRow = width / kChunk, rowsARound = kFlashThreads / perRow;
  Value chunk = f.rem(f.tid, f.c(perRow));
  Value last = f.sub(S, f.c(1));
  for (int64_t first = 0; first < kDeltaRows; first += rowsARound) {
    // Every thread takes part in the butterfly: rows past the last
    // repeat it and are not stored.
    Value row = f.add(k.row0, f.add(f.c(first), f.div(f.tid, f.c(perRow))));
    Value at = f.add(f.mul(k.batch, S), f.min(row, last));
    Value element = f.add(f.mul(at, f.c(width)), f.mul(chunk, f.c(kChunk)));
    Value sum = f.f32Const(0.0);
    for (int64_t j = 0; j < kChunk; ++j) {
      Value e = f.add(element, f.c(j));
      sum = b.create<LLVM::FMAOp>(loc, f.loadWidened(G, e), f.loadWidened(O, e),
                                  sum);
    }
    for (int64_t by = 1; by < perRow; by *= 2)
      sum = f.addf(sum, f.butterfly(sum, by));
    f.when(f.both(f.eq(chunk, f.c(0)), f.ult(row, S)),
           [&] { f.storeF32(sum, delta, at); });
  }
}

} // namespace

FlashGrid flashAttentionGradGrid(ttile::KernelOp kernel) {
  StringRef kind = kernel.getKind();
  if (kind == "attention_delta")
    return {0, kDeltaRows};
  if (kind == "attention_dkv")
    return {1, kDkv.ownRows()};
  return {0, kDq.ownRows()};
}

void buildFlashAttentionGrad(ttile::KernelOp kernel, int64_t width,
                             const std::string &symbol, OpBuilder &mb) {
  StringRef kind = kernel.getKind();
  if (kind == "attention_delta")
    buildDelta(kernel, width, symbol, mb);
  else
    buildProducts(kernel, width, symbol, kind == "attention_dkv", mb);
}

} // namespace tessera
