// Fused attention on tensor cores: flash attention's schedule for a bf16
// `attention` kernel whose key and value widths are both 64 or both 128
// (one variant each; the entry picks at run time, and other widths run the
// kernel's Tile IR, one query a thread).
//
// A block of 8 warps takes kFlashQueries (256) queries of one batch, a warp
// 32 of them as two row tiles of m16n8k16 fragments. The queries are
// copied once into shared memory and read into fragments by ldmatrix at
// every tile; keys and values come through shared memory kKeys at a time
// (cp.async, two stages: the next tile lands while this one is used; rows
// past the last key are zeros). For each tile:
//   s = q kᵀ by mma, f32 sums over the width in ascending steps of 16;
//   x = s scale log2(e), or -inf for keys past the end;
//   m' = max(m, max_j x); c = 2^(m - m'); p = 2^(x - m') (ex2.approx);
//   l = l c + Σ_j p; o = o c + p v by mma, p rounded to bf16 as the
//   fragment of a (the accumulators of s are laid out as a's fragments).
// At the end result = o / l (0 when there are no keys), rounded to bf16.
// Each thread holds its rows' partial sums l over its columns; the four
// threads of a row add theirs in a fixed butterfly at the end. Two row
// tiles a warp read each key and value fragment for two mma: shared
// memory's bandwidth, not the tensor cores, bounds one row tile a warp.
//
// Every query's result depends on its own row and the keys only, in a
// fixed order, so the bits do not depend on the grid or the run; they are
// not the CPU's (ex2.approx, p in bf16, the mma's own order of sums), which
// the non-strict policy that forms attention allows (ARCHITECTURE.md §6).
// Never the [s, t] scores in memory.
#include "FlashAttention.h"
#include "../common/TileLowering.h"
#include "TensorCoreOps.h"
#include "tessera/Backend/Symbols.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <limits>

using namespace mlir;

namespace tessera {
namespace {

constexpr int64_t kThreads = 256;
constexpr int64_t kWarps = kThreads / 32;
constexpr int64_t kRowTiles = 2; // fragments of 16 queries a warp
constexpr int64_t kWarpRows = 16 * kRowTiles;
static_assert(kWarps * kWarpRows == kFlashQueries);
constexpr int64_t kStages = 2; // of keys and values
constexpr int64_t kKeys = 64;  // a tile
constexpr double kLog2E = 1.4426950408889634;

// The generic kernel's parameters (TTileToNVVM.cpp's buildGpuKernel): the
// buffers q, k, v, scale, result and two scratch buffers; the point count,
// s, t, d, e, the row blocks; the thread count.
constexpr unsigned kBuffers = 7;
constexpr unsigned kSizes = 7;

struct FlashBuilder : TensorCoreOps {
  FlashBuilder(OpBuilder &b, Location loc, int64_t width)
      : TensorCoreOps{{b, loc}}, W(width), keys(kKeys) {}

  int64_t W;                                // the key and value width
  int64_t keys;                             // keys a tile (kKeys)
  Value Q = {}, K = {}, V = {};             // global bf16 pointers
  Value S = {}, T = {};                     // queries and keys of each batch
  Value qBase = {}, kBase = {}, vBase = {}; // the batch's first element
  Value query0 = {};                        // the block's first query
  Value tid = {}, warp = {}, g = {}, quad = {}; // g = lane / 4, quad = lane % 4
  Value fast = {}; // q, k and v are 16-byte aligned: cp.async

  int64_t chunksPerRow() const { return W / kChunk; }
  // Shared memory, in elements: the block's queries, then each stage's
  // keys and values.
  int64_t queryElements() const { return kFlashQueries * W; }
  int64_t stageElements() const { return 2 * keys * W; }
  int64_t sharedElements() const {
    return queryElements() + kStages * stageElements();
  }
  Value stageBase(Value stage, bool ofV) {
    return add(c(queryElements()),
               add(mul(stage, c(stageElements())), c(ofV ? keys * W : 0)));
  }

  Value ex2(Value x) {
    return b
        .create<LLVM::CallIntrinsicOp>(loc, f32(), "llvm.nvvm.ex2.approx.ftz.f",
                                       ValueRange{x})
        .getResult(0);
  }
  Value maxf(Value x, Value y) { return b.create<arith::MaxNumFOp>(loc, x, y); }
  Value addf(Value x, Value y) { return b.create<arith::AddFOp>(loc, x, y); }
  Value mulf(Value x, Value y) { return b.create<arith::MulFOp>(loc, x, y); }
  Value subf(Value x, Value y) { return b.create<arith::SubFOp>(loc, x, y); }
  // x from lane ^ `by` of the warp.
  Value butterfly(Value x, int32_t by) {
    Value word = b.create<arith::BitcastOp>(loc, i32(), x);
    Value moved = b.create<NVVM::ShflOp>(
        loc, i32(), c32(-1), word, c32(by), c32(31),
        NVVM::ShflKindAttr::get(b.getContext(), NVVM::ShflKind::bfly),
        UnitAttr());
    return b.create<arith::BitcastOp>(loc, f32(), moved);
  }
  // The same value in the four threads of a row's quad.
  Value quadMax(Value x) {
    x = maxf(x, butterfly(x, 1));
    return maxf(x, butterfly(x, 2));
  }
  Value quadSum(Value x) {
    x = addf(x, butterfly(x, 1));
    return addf(x, butterfly(x, 2));
  }

  // Copies `rows` rows of W elements into shared memory from `dst`, row r
  // from src[base + index(r) W] when inside(r), else zeros; cp.async when
  // fast, element by element otherwise.
  void stageRows(int64_t rows, Value dst, Value src, Value base,
                 llvm::function_ref<Value(Value)> index,
                 llvm::function_ref<Value(Value)> inside) {
    int64_t chunks = rows * chunksPerRow();
    auto ifOp = b.create<scf::IfOp>(loc, TypeRange{}, fast, true);
    for (bool async : {true, false}) {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(async ? ifOp.thenBlock() : ifOp.elseBlock());
      for (int64_t first = 0; first < chunks; first += kThreads) {
        Value i = add(tid, c(first));
        Value r = div(i, c(chunksPerRow())), ch = rem(i, c(chunksPerRow()));
        Value ok = inside(r);
        Value element = add(base, add(mul(index(r), c(W)), mul(ch, c(kChunk))));
        Value to =
            at(shared, bf16(), add(dst, swizzled(r, ch, chunksPerRow())));
        if (async) {
          copyChunk(to, at(src, bf16(), select(ok, element, c(0))), ok);
          continue;
        }
        loadChunk(
            to, [&](int64_t) { return ok; },
            [&](int64_t j) { return at(src, bf16(), add(element, c(j))); });
      }
    }
  }

  // The block's queries; rows past the last repeat it (their results are
  // not stored).
  void loadQueries() {
    Value last = sub(S, c(1));
    stageRows(
        kFlashQueries, c(0), Q, qBase,
        [&](Value r) { return min(add(query0, r), last); },
        [&](Value) { return b.create<arith::ConstantIntOp>(loc, 1, 1); });
    b.create<NVVM::CpAsyncCommitGroupOp>(loc);
  }

  // Keys and values [tile keys, +keys) into `stage`; past the last, zeros.
  void load(Value tile, Value stage) {
    Value key0 = mul(tile, c(keys));
    auto index = [&](Value r) { return add(key0, r); };
    auto inside = [&](Value r) { return ult(add(key0, r), T); };
    stageRows(keys, stageBase(stage, false), K, kBase, index, inside);
    stageRows(keys, stageBase(stage, true), V, vBase, index, inside);
    b.create<NVVM::CpAsyncCommitGroupOp>(loc);
  }

  // s = q kᵀ for the tile in `stage`: for each of the warp's row tiles,
  // keys / 8 fragments of 4 sums.
  using Fragments = SmallVector<SmallVector<SmallVector<Value>>>;
  Fragments scores(Value stage) {
    Value zero = f32Const(0.0);
    Fragments s(kRowTiles, SmallVector<SmallVector<Value>>(
                               keys / 8, SmallVector<Value>(4, zero)));
    Value kStage = stageBase(stage, false);
    Value low = rem(lane, c(16)), high = div(lane, c(16));
    // Matrix i = lane / 8 of a key ldmatrix.x4: keys 8 (i / 2) on, width 8
    // (i % 2) on: b's two registers for two fragments of keys.
    Value i = div(lane, c(8));
    Value keyInPair = add(mul(div(i, c(2)), c(8)), rem(lane, c(8)));
    for (int64_t ks = 0; ks < W / 16; ++ks) {
      // The queries' a fragments: lanes 0-15 16 rows at width 16 ks,
      // lanes 16-31 the same rows 8 on.
      SmallVector<SmallVector<Value>> qa;
      for (int64_t mt = 0; mt < kRowTiles; ++mt) {
        Value row = add(mul(warp, c(kWarpRows)), add(c(mt * 16), low));
        qa.push_back(ldmatrix(
            swizzled(row, add(c(ks * 2), high), chunksPerRow()), 4, false));
      }
      for (int64_t pair = 0; pair < keys / 16; ++pair) {
        Value key = add(c(pair * 16), keyInPair);
        Value chunk = add(c(ks * 2), rem(i, c(2)));
        SmallVector<Value> r = ldmatrix(
            add(kStage, swizzled(key, chunk, chunksPerRow())), 4, false);
        for (int64_t mt = 0; mt < kRowTiles; ++mt) {
          auto &frags = s[mt];
          frags[2 * pair] = mma(qa[mt], {r[0], r[1]}, frags[2 * pair]);
          frags[2 * pair + 1] = mma(qa[mt], {r[2], r[3]}, frags[2 * pair + 1]);
        }
      }
    }
    return s;
  }

  // o += p v for the tile in `stage`, p as bf16 fragments of a.
  void accumulate(Value stage, const Fragments &p, Fragments &o) {
    Value vStage = stageBase(stage, true);
    Value low = rem(lane, c(16)), high = div(lane, c(16));
    for (int64_t kk = 0; kk < keys / 16; ++kk) {
      SmallVector<SmallVector<Value>> a;
      for (int64_t mt = 0; mt < kRowTiles; ++mt) {
        const SmallVector<Value> &lo = p[mt][2 * kk], &hi = p[mt][2 * kk + 1];
        a.push_back({packBF16(lo[0], lo[1]), packBF16(lo[2], lo[3]),
                     packBF16(hi[0], hi[1]), packBF16(hi[2], hi[3])});
      }
      // Keys kk 16 on, lanes 0-15 a column chunk, 16-31 the next.
      for (int64_t pair = 0; pair < W / 16; ++pair) {
        Value element = swizzled(add(c(kk * 16), low), add(c(pair * 2), high),
                                 chunksPerRow());
        SmallVector<Value> r = ldmatrix(add(vStage, element), 4, true);
        for (int64_t mt = 0; mt < kRowTiles; ++mt) {
          o[mt][2 * pair] = mma(a[mt], {r[0], r[1]}, o[mt][2 * pair]);
          o[mt][2 * pair + 1] = mma(a[mt], {r[2], r[3]}, o[mt][2 * pair + 1]);
        }
      }
    }
  }
};

} // namespace

bool runsAsFlashAttention(ttile::KernelOp kernel) {
  // Read from the attribute: the CPU's lowering may have taken the body.
  auto info = kernel->getAttrOfType<DictionaryAttr>("ttile.attention");
  auto elem = info ? info.getAs<TypeAttr>("element") : TypeAttr();
  return kernel.getKind() == "attention" && elem && elem.getValue().isBF16();
}

std::string flashAttentionVariant(llvm::StringRef symbol, int64_t width) {
  return (symbol + "_flash" + Twine(width)).str();
}

static void buildVariant(ttile::KernelOp kernel, int64_t width,
                         const std::string &symbol, OpBuilder &mb) {
  MLIRContext *ctx = kernel.getContext();
  Location loc = kernel.getLoc();
  Type globalPtr = LLVM::LLVMPointerType::get(ctx, 1);
  Type i64 = mb.getI64Type(), i32 = mb.getI32Type();
  SmallVector<Type> params(kBuffers, globalPtr);
  params.append(kSizes, i64);
  auto fn = mb.create<LLVM::LLVMFuncOp>(
      loc, symbol,
      LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), params));
  fn->setAttr(NVVM::NVVMDialect::getKernelFuncAttrName(), UnitAttr::get(ctx));
  fn->setAttr(NVVM::NVVMDialect::getMaxntidAttrName(),
              mb.getDenseI32ArrayAttr({kThreads, 1, 1}));
  Block *entry = fn.addEntryBlock(mb);
  OpBuilder b = OpBuilder::atBlockEnd(entry);

  FlashBuilder f(b, loc, width);
  declareSharedMemory(
      mb, loc, symbol,
      LLVM::LLVMArrayType::get(mb.getBF16Type(), f.sharedElements()));
  auto widen = [&](Value v) -> Value {
    return b.create<arith::ExtUIOp>(loc, i64, v);
  };
  auto size = [&](unsigned i) { return entry->getArgument(kBuffers + i); };
  f.Q = entry->getArgument(0);
  f.K = entry->getArgument(1);
  f.V = entry->getArgument(2);
  Value scaleBuffer = entry->getArgument(3), out = entry->getArgument(4);
  Value points = size(0), rowBlocks = size(5);
  f.S = size(1);
  f.T = size(2);
  f.tid = widen(b.create<NVVM::ThreadIdXOp>(loc, i32));
  f.lane = f.rem(f.tid, f.c(32));
  f.warp = f.div(f.tid, f.c(32));
  f.g = f.div(f.lane, f.c(4));
  f.quad = f.rem(f.lane, f.c(4));
  f.shared = sharedMemory(b, loc, symbol);

  // The block's batch and queries; blocks past the last batch (none, as
  // the entry launches them) do nothing, uniformly, so barriers stay safe.
  Value blockId = widen(b.create<NVVM::BlockIdXOp>(loc, i32));
  Value queryBlocks = f.ceilDiv(f.S, kFlashQueries);
  Value batch = f.div(blockId, queryBlocks);
  Value batches =
      f.div(points, b.create<arith::MaxUIOp>(loc, rowBlocks, f.c(1)));
  auto inside = b.create<scf::IfOp>(loc, TypeRange{}, f.ult(batch, batches),
                                    /*withElse=*/false);
  b.create<LLVM::ReturnOp>(loc, ValueRange{});
  b.setInsertionPointToStart(inside.thenBlock());

  Value W = f.c(width);
  f.qBase = f.mul(batch, f.mul(f.S, W));
  f.kBase = f.mul(batch, f.mul(f.T, W));
  f.vBase = f.kBase;
  Value oBase = f.qBase;
  f.fast = f.both(f.aligned(f.Q, 16),
                  f.both(f.aligned(f.K, 16), f.aligned(f.V, 16)));
  f.query0 = f.mul(f.rem(blockId, queryBlocks), f.c(kFlashQueries));
  Value scale = b.create<LLVM::FPExtOp>(
      loc, f.f32(), b.create<LLVM::LoadOp>(loc, f.bf16(), scaleBuffer, 2));
  Value c2 = f.mulf(scale, f.f32Const(kLog2E));

  // Loop state: m and then l of the thread's 2 kRowTiles rows (row tile
  // r / 2, half r % 2), then o (kRowTiles x W / 8 fragments).
  constexpr int64_t kRows = 2 * kRowTiles;
  Value minusInf = f.f32Const(-std::numeric_limits<double>::infinity());
  Value zero = f.f32Const(0.0);
  SmallVector<Value> init(kRows, minusInf);
  init.append(kRows, zero);
  init.append(kRowTiles * width / 2, zero);
  f.loadQueries();
  Value tiles = f.ceilDiv(f.T, f.keys);
  for (int64_t st = 0; st + 1 < kStages; ++st) {
    auto first = b.create<scf::IfOp>(loc, TypeRange{}, f.ult(f.c(st), tiles),
                                     /*withElse=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(first.thenBlock());
    f.load(f.c(st), f.c(st));
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
    Value next = f.add(t, f.c(kStages - 1));
    {
      auto request = b.create<scf::IfOp>(loc, TypeRange{}, f.ult(next, tiles),
                                         /*withElse=*/false);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(request.thenBlock());
      f.load(next, f.rem(next, f.c(kStages)));
    }
    Value stage = f.rem(t, f.c(kStages));
    ValueRange state = loop.getRegionIterArgs();
    FlashBuilder::Fragments s = f.scores(stage);
    // Scaled to base 2; keys past the end never count.
    Value key0 = f.mul(t, f.c(f.keys));
    for (int64_t nt = 0; nt < f.keys / 8; ++nt)
      for (int64_t i = 0; i < 4; ++i) {
        Value key =
            f.add(key0, f.add(f.c(nt * 8 + i % 2), f.mul(f.quad, f.c(2))));
        Value valid = f.ult(key, f.T);
        for (auto &frags : s)
          frags[nt][i] = f.select(valid, f.mulf(frags[nt][i], c2), minusInf);
      }
    SmallVector<Value> corr(kRows), m(kRows), l(kRows);
    for (int64_t r = 0; r < kRows; ++r) {
      auto &frags = s[r / 2];
      int64_t h = r % 2;
      Value rowMax = minusInf;
      for (auto &frag : frags)
        rowMax = f.maxf(rowMax, f.maxf(frag[2 * h], frag[2 * h + 1]));
      m[r] = f.maxf(state[r], f.quadMax(rowMax));
      corr[r] = f.ex2(f.subf(state[r], m[r]));
      Value sum = zero;
      for (auto &frag : frags)
        for (int64_t i = 2 * h; i < 2 * h + 2; ++i) {
          frag[i] = f.ex2(f.subf(frag[i], m[r]));
          sum = f.addf(sum, frag[i]);
        }
      l[r] = f.addf(f.mulf(state[kRows + r], corr[r]), sum);
    }
    FlashBuilder::Fragments o(kRowTiles);
    for (int64_t mt = 0; mt < kRowTiles; ++mt)
      for (int64_t et = 0; et < width / 8; ++et) {
        SmallVector<Value> frag;
        for (int64_t i = 0; i < 4; ++i)
          frag.push_back(
              f.mulf(state[2 * kRows + (mt * width / 8 + et) * 4 + i],
                     corr[mt * 2 + i / 2]));
        o[mt].push_back(frag);
      }
    f.accumulate(stage, s, o);
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
    int64_t mt = r / 2, h = r % 2;
    Value l = f.quadSum(done[kRows + r]);
    Value none =
        b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OEQ, l, zero);
    Value row = f.add(f.query0, f.add(f.mul(f.warp, f.c(kWarpRows)),
                                      f.add(f.g, f.c(mt * 16 + 8 * h))));
    auto store = b.create<scf::IfOp>(loc, TypeRange{}, f.ult(row, f.S),
                                     /*withElse=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(store.thenBlock());
    for (int64_t et = 0; et < width / 8; ++et) {
      Value pair[2];
      for (int64_t i = 0; i < 2; ++i) {
        Value x = done[2 * kRows + (mt * width / 8 + et) * 4 + 2 * h + i];
        pair[i] = f.select(none, zero, b.create<arith::DivFOp>(loc, x, l));
      }
      Value element =
          f.add(oBase, f.add(f.mul(row, W),
                             f.add(f.c(et * 8), f.mul(f.quad, f.c(2)))));
      b.create<LLVM::StoreOp>(loc, f.packBF16(pair[0], pair[1]),
                              f.at(out, f.bf16(), element), 4);
    }
  }
}

void buildFlashAttentionVariants(ttile::KernelOp kernel, OpBuilder &mb) {
  std::string symbol = kernelSymbol(kernel.getSymName().str());
  for (int64_t width : kFlashWidths)
    buildVariant(kernel, width, flashAttentionVariant(symbol, width), mb);
}

} // namespace tessera
