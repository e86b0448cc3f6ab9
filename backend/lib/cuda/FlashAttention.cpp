// Fused attention on tensor cores: flash attention's schedule for a bf16 or
// f16 `attention` kernel whose key and value widths are both 64 or both 128
// (one variant each; the entry picks at run time, and other widths run the
// kernel's Tile IR, one query a thread).
//
// A block of 8 warps takes 256 queries of one batch, a warp 32 of them as
// two row tiles of m16n8k16 fragments. The queries are copied once into
// shared memory and read into fragments by ldmatrix at every tile; keys and
// values come through shared memory kKeys at a time (cp.async, two stages: the
// next tile lands while this one is used; rows past the last key are zeros).
// For each tile:
//   s = q kᵀ by mma, f32 sums over the width in ascending steps of 16;
//   x = s scale log2(e), or -inf for keys past the end;
//   m' = max(m, max_j x); c = 2^(m - m'); p = 2^(x - m') (ex2.approx);
//   l = l c + Σ_j p; o = o c + p v by mma, p rounded to bf16 as the
//   fragment of a (the accumulators of s are laid out as a's fragments).
// At the end result = o / l (0 when there are no keys), rounded to the
// element type. (f16 takes f16's mma and rounds p to f16: its conversions
// are the hardware's, not the integer ones that keep f16 elsewhere bitwise
// the CPU's, which these kernels are not anyway.)
// Each thread holds its rows' partial sums l over its columns; the four
// threads of a row add theirs in a fixed butterfly at the end. Two row
// tiles a warp read each key and value fragment for two mma: shared
// memory's bandwidth, not the tensor cores, bounds one row tile a warp.
//
// Every query's result depends on its own row and the keys only, in a
// fixed order, so the bits do not depend on the grid or the run; they are
// not the CPU's (ex2.approx, p in bf16, the mma's own order of sums), which
// the non-strict policy that forms attention allows (ARCHITECTURE.md §6).
// Never the [s, t] scores in memory. The adjoint's kernels are
// FlashAttentionGrad.cpp's.
#include "FlashAttention.h"
#include "../common/TileLowering.h"
#include "FlashTiles.h"
#include "WgmmaMatmul.h"
#include "tessera/Backend/Symbols.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <limits>

using namespace mlir;

namespace tessera {
namespace {

constexpr int64_t kRowTiles = 2; // row tiles of 16 queries a warp
constexpr int64_t kWarpRows = 16 * kRowTiles;
constexpr int64_t kQueries = kFlashWarps * kWarpRows; // a block
constexpr int64_t kStages = 2;                        // of keys and values
constexpr int64_t kKeys = 64;                         // a tile

// Shared memory, in elements: the block's queries, then each stage's keys
// and values.
int64_t queryElements(int64_t W) { return kQueries * W; }
int64_t stageElements(int64_t W) { return 2 * kKeys * W; }

void buildForward(ttile::KernelOp kernel, int64_t width,
                  const std::string &symbol, OpBuilder &mb) {
  OpBuilder b(kernel.getContext());
  Location loc = kernel.getLoc();
  FlashTiles f(b, loc, width);
  FlashKernel k = openFlashKernel(
      kernel, symbol, queryElements(width) + kStages * stageElements(width),
      /*rowsSize=*/0, kQueries, f, mb);
  FlashForwardOperands ops = flashForwardOperands(k, f);
  Value Q = ops.q, K = ops.k, V = ops.v, scaleBuffer = ops.scale, out = ops.out,
        S = ops.s, T = ops.t, qBase = ops.qBase, kBase = ops.kBase;
  auto stageBase = [&](Value stage, bool ofV) {
    return f.add(f.c(queryElements(width)),
                 f.add(f.mul(stage, f.c(stageElements(width))),
                       f.c(ofV ? kKeys * width : 0)));
  };
  auto stageRows = [&](auto &&...args) { f.stageRows(args...); };
  f.stageQueries(stageRows, kQueries, f.c(0), Q, qBase, k.row0, S);
  // Keys and values of `tile` into `stage`; past the last, zeros.
  auto load = [&](Value tile, Value stage) {
    f.stageKeysAndValues(stageRows, kKeys, tile, stageBase(stage, false),
                         stageBase(stage, true), K, V, kBase, T);
  };
  Value scale = b.create<LLVM::FPExtOp>(
      loc, f.f32(), b.create<LLVM::LoadOp>(loc, f.narrow(), scaleBuffer, 2));
  Value c2 = f.mulf(scale, f.f32Const(kLog2E));

  // Loop state: m and then l of the thread's 2 kRowTiles rows (row tile
  // r / 2, half r % 2), then o (kRowTiles x W / 8 fragments).
  constexpr int64_t kRows = 2 * kRowTiles;
  Value minusInf = f.f32Const(-std::numeric_limits<double>::infinity());
  Value zero = f.f32Const(0.0);
  SmallVector<Value> init(kRows, minusInf);
  init.append(kRows, zero);
  init.append(kRowTiles * width / 2, zero);
  Value tiles = f.ceilDiv(T, kKeys);
  {
    auto first = b.create<scf::IfOp>(loc, TypeRange{}, f.ult(f.c(0), tiles),
                                     /*withElse=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(first.thenBlock());
    load(f.c(0), f.c(0));
  }
  auto loop = b.create<scf::ForOp>(loc, f.c(0), tiles, f.c(1), init);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value t = loop.getInductionVar();
    // Tile t has landed (this thread's copies; everyone's after the
    // barrier, which also says every warp is done with tile t - 1, whose
    // stage tile t + 1 now takes). A third stage was slower: the wait is
    // not what holds a tile back.
    b.create<NVVM::CpAsyncWaitGroupOp>(loc, 0);
    b.create<NVVM::Barrier0Op>(loc);
    f.requestNextTile(t, tiles, kStages, load);
    Value stage = f.rem(t, f.c(kStages));
    ValueRange state = loop.getRegionIterArgs();
    FlashTiles::Fragments s = f.zeros(kRowTiles, kKeys);
    f.mmaRowsByRows(
        s, f.c(0),
        [&](int64_t rt) {
          return f.add(f.mul(f.warp, f.c(kWarpRows)), f.c(rt * 16));
        },
        stageBase(stage, false));
    // Scaled to base 2; keys past the end never count. Testing the keys
    // only in the last tile (maskPast) took width 64 from 1049 to 946 µs
    // but width 128, at 255 registers, from 1684 to 1806: there every
    // element keeps its select.
    Value key0 = f.mul(t, f.c(kKeys));
    for (auto &frags : s)
      for (auto &frag : frags)
        for (Value &x : frag)
          x = f.mulf(x, c2);
    if (width == 64) {
      f.maskPast(s, key0, T, minusInf);
    } else {
      for (int64_t nt = 0; nt < kKeys / 8; ++nt)
        for (int64_t i = 0; i < 4; ++i) {
          Value valid = f.ult(f.add(key0, f.column(nt, i)), T);
          for (auto &frags : s)
            frags[nt][i] = f.select(valid, frags[nt][i], minusInf);
        }
    }
    SmallVector<Value> corr(kRows), m(kRows), l(kRows);
    for (int64_t r = 0; r < kRows; ++r) {
      FlashTiles::SoftmaxRow next =
          f.softmaxRow(s[r / 2], r % 2, state[r], state[kRows + r]);
      m[r] = next.m;
      corr[r] = next.corr;
      l[r] = next.l;
    }
    FlashTiles::Fragments o(kRowTiles);
    for (int64_t rt = 0; rt < kRowTiles; ++rt)
      for (int64_t et = 0; et < width / 8; ++et) {
        SmallVector<Value> frag;
        for (int64_t i = 0; i < 4; ++i)
          frag.push_back(
              f.mulf(state[2 * kRows + (rt * width / 8 + et) * 4 + i],
                     corr[rt * 2 + i / 2]));
        o[rt].push_back(frag);
      }
    f.mmaRegistersByColumns(o, s, stageBase(stage, true));
    SmallVector<Value> yields(m);
    llvm::append_range(yields, l);
    for (auto &frags : o)
      for (auto &frag : frags)
        llvm::append_range(yields, frag);
    b.create<scf::YieldOp>(loc, yields);
  }

  // Nothing in flight when the block ends (with no keys, the queries).
  b.create<NVVM::CpAsyncWaitGroupOp>(loc, 0);
  // result = o / l, or 0 with no keys; two columns a store.
  ValueRange done = loop.getResults();
  for (int64_t r = 0; r < kRows; ++r) {
    int64_t rt = r / 2, h = r % 2;
    Value row = f.add(k.row0, f.add(f.mul(f.warp, f.c(kWarpRows)),
                                    f.add(f.g, f.c(rt * 16 + 8 * h))));
    f.storeResultRow(
        out, qBase, row, S, done[kRows + r], [&](int64_t et, int64_t i) {
          return done[2 * kRows + (rt * width / 8 + et) * 4 + 2 * h + i];
        });
    if (ops.lse)
      f.storeLogSumExp(ops.lse, ops.lseBase, row, S, done[r], done[kRows + r]);
  }
}

} // namespace

bool runsAsFlashAttention(ttile::KernelOp kernel) {
  // Read from the attribute: the CPU's lowering may have taken the body.
  auto info = kernel->getAttrOfType<DictionaryAttr>("ttile.attention");
  auto elem = info ? info.getAs<TypeAttr>("element") : TypeAttr();
  StringRef kind = kernel.getKind();
  return elem && (elem.getValue().isBF16() || elem.getValue().isF16()) &&
         (kind == "attention" || kind == "attention_delta" ||
          kind == "attention_dkv" || kind == "attention_dq");
}

FlashGrid flashAttentionGrid(ttile::KernelOp kernel) {
  if (kernel.getKind() == "attention")
    return {0, kQueries};
  return flashAttentionGradGrid(kernel);
}

std::string flashAttentionVariant(llvm::StringRef symbol, int64_t width) {
  return (symbol + "_flash" + Twine(width)).str();
}

void buildFlashAttentionVariants(ttile::KernelOp kernel, OpBuilder &mb) {
  std::string symbol = kernelSymbol(kernel.getSymName().str());
  for (int64_t width : kFlashWidths) {
    std::string variant = flashAttentionVariant(symbol, width);
    if (kernel.getKind() == "attention") {
      buildForward(kernel, width, variant, mb);
      buildWgmmaFlashForward(kernel, width, kQueries, variant + kSm90aSuffix,
                             mb);
    } else {
      buildFlashAttentionGrad(kernel, width, variant, mb);
      // δ reads and adds on any architecture alike.
      if (kernel.getKind() != "attention_delta")
        buildWgmmaFlashGrad(kernel, width, variant + kSm90aSuffix, mb);
    }
  }
}

} // namespace tessera
