// Fused attention on tensor cores: flash attention's schedule for a bf16
// `attention` kernel whose key and value widths are both 64 or both 128
// (one variant each; the entry picks at run time, and other widths run the
// kernel's Tile IR, one query a thread).
//
// A block of 8 warps takes 128 queries of one batch, a warp 16 of them as
// the rows of m16n8k16 fragments. The queries' fragments are read once
// from global memory into registers; keys and values come through shared
// memory kKeys at a time (cp.async, two stages: the next tile lands while
// this one is used; rows past the last key are zeros). For each tile:
//   s = q kᵀ by mma, f32 sums over the width in ascending steps of 16;
//   x = s scale log2(e), or -inf for keys past the end;
//   m' = max(m, max_j x); c = 2^(m - m'); p = 2^(x - m') (ex2.approx);
//   l = l c + Σ_j p; o = o c + p v by mma, p rounded to bf16 as the
//   fragment of a (the accumulators of s are laid out as a's fragments).
// At the end result = o / l (0 when there are no keys), rounded to bf16.
// Each thread holds two rows' partial sums l over its columns; the four
// threads of a row add theirs in a fixed butterfly at the end.
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
constexpr int64_t kKeys = 64; // keys per tile
constexpr int64_t kStages = 2;
constexpr double kLog2E = 1.4426950408889634;

// The generic kernel's parameters (TTileToNVVM.cpp's buildGpuKernel): the
// buffers q, k, v, scale, result and two scratch buffers; the point count,
// s, t, d, e, the row blocks; the thread count.
constexpr unsigned kBuffers = 7;
constexpr unsigned kSizes = 7;

struct FlashBuilder : TensorCoreOps {
  FlashBuilder(OpBuilder &b, Location loc, int64_t width)
      : TensorCoreOps{{b, loc}}, W(width) {}

  int64_t W;                 // the key and value width
  Value Q, K, V;             // global bf16 pointers
  Value S, T;                // queries and keys of each batch
  Value qBase, kBase, vBase; // the batch's first element
  Value tid, g, quad;        // g = lane / 4, quad = lane % 4
  Value fast;                // k and v are 16-byte aligned: cp.async

  int64_t chunksPerRow() const { return W / kChunk; }
  int64_t stageElements() const { return 2 * kKeys * W; }
  Value stageBase(Value stage, bool ofV) {
    return add(mul(stage, c(stageElements())), c(ofV ? kKeys * W : 0));
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

  // Stages keys and values [tile kKeys, +kKeys) into `stage`.
  void load(Value tile, Value stage) {
    int64_t chunks = kKeys * chunksPerRow();
    auto ifOp = b.create<scf::IfOp>(loc, TypeRange{}, fast, true);
    for (bool async : {true, false}) {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(async ? ifOp.thenBlock() : ifOp.elseBlock());
      for (int64_t first = 0; first < chunks; first += kThreads) {
        Value i = add(tid, c(first));
        Value r = div(i, c(chunksPerRow())), ch = rem(i, c(chunksPerRow()));
        Value key = add(mul(tile, c(kKeys)), r);
        Value inside = ult(key, T);
        Value offset = add(mul(key, c(W)), mul(ch, c(kChunk)));
        for (bool ofV : {false, true}) {
          Value src = ofV ? V : K, base = ofV ? vBase : kBase;
          Value dst =
              at(shared, bf16(),
                 add(stageBase(stage, ofV), swizzled(r, ch, chunksPerRow())));
          if (async) {
            copyChunk(dst,
                      at(src, bf16(), select(inside, add(base, offset), c(0))),
                      inside);
            continue;
          }
          loadChunk(
              dst, [&](int64_t) { return inside; },
              [&](int64_t j) {
                return at(src, bf16(), add(base, add(offset, c(j))));
              });
        }
      }
    }
    b.create<NVVM::CpAsyncCommitGroupOp>(loc);
  }

  // This warp's 16 queries from `row0` as a fragments, W / 16 of 4
  // registers: rows past the last read the last (their results are not
  // stored).
  SmallVector<SmallVector<Value>> queryFragments(Value row0) {
    Value last = sub(S, c(1));
    Value rows[2] = {min(add(row0, g), last),
                     min(add(row0, add(g, c(8))), last)};
    SmallVector<SmallVector<Value>> frags;
    for (int64_t ks = 0; ks < W / 16; ++ks) {
      SmallVector<Value> regs;
      for (int64_t half : {0, 8})
        for (Value row : rows) {
          Value element =
              add(qBase,
                  add(mul(row, c(W)), add(c(ks * 16 + half), mul(quad, c(2)))));
          regs.push_back(
              b.create<LLVM::LoadOp>(loc, i32(), at(Q, bf16(), element), 4));
        }
      frags.push_back(regs);
    }
    return frags;
  }

  // s = q kᵀ for the tile in `stage`: 8 fragments of 8 keys, 4 sums each.
  SmallVector<SmallVector<Value>> scores(Value stage,
                                         ArrayRef<SmallVector<Value>> q) {
    Value zero = f32Const(0.0);
    SmallVector<SmallVector<Value>> s(kKeys / 8, SmallVector<Value>(4, zero));
    Value kStage = stageBase(stage, false);
    // Matrix i = lane / 8 of an ldmatrix.x4: keys 8 (i / 2) on, width 8 (i
    // % 2) on: b's two registers for two fragments of keys.
    Value i = div(lane, c(8));
    Value keyInPair = add(mul(div(i, c(2)), c(8)), rem(lane, c(8)));
    for (int64_t pair = 0; pair < kKeys / 16; ++pair)
      for (int64_t ks = 0; ks < W / 16; ++ks) {
        Value key = add(c(pair * 16), keyInPair);
        Value chunk = add(c(ks * 2), rem(i, c(2)));
        SmallVector<Value> r = ldmatrix(
            add(kStage, swizzled(key, chunk, chunksPerRow())), 4, false);
        s[2 * pair] = mma(q[ks], {r[0], r[1]}, s[2 * pair]);
        s[2 * pair + 1] = mma(q[ks], {r[2], r[3]}, s[2 * pair + 1]);
      }
    return s;
  }

  // o += p v for the tile in `stage`, p as bf16 fragments of a.
  void accumulate(Value stage, ArrayRef<SmallVector<Value>> p,
                  MutableArrayRef<SmallVector<Value>> o) {
    Value vStage = stageBase(stage, true);
    Value low = rem(lane, c(16)), high = div(lane, c(16));
    for (int64_t kk = 0; kk < kKeys / 16; ++kk) {
      const SmallVector<Value> &lo = p[2 * kk], &hi = p[2 * kk + 1];
      SmallVector<Value> a = {packBF16(lo[0], lo[1]), packBF16(lo[2], lo[3]),
                              packBF16(hi[0], hi[1]), packBF16(hi[2], hi[3])};
      // Keys kk 16 on, lanes 0-15 a column chunk, 16-31 the next.
      for (int64_t pair = 0; pair < W / 16; ++pair) {
        Value element = swizzled(add(c(kk * 16), low), add(c(pair * 2), high),
                                 chunksPerRow());
        SmallVector<Value> r = ldmatrix(add(vStage, element), 4, true);
        o[2 * pair] = mma(a, {r[0], r[1]}, o[2 * pair]);
        o[2 * pair + 1] = mma(a, {r[2], r[3]}, o[2 * pair + 1]);
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
  declareSharedMemory(
      mb, loc, symbol,
      LLVM::LLVMArrayType::get(mb.getBF16Type(), kStages * 2 * kKeys * width));
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
  f.fast = f.both(f.aligned(f.K, 16), f.aligned(f.V, 16));
  Value row0 = f.add(f.mul(f.rem(blockId, queryBlocks), f.c(kFlashQueries)),
                     f.mul(f.div(f.tid, f.c(32)), f.c(16)));
  Value scale = b.create<LLVM::FPExtOp>(
      loc, f.f32(), b.create<LLVM::LoadOp>(loc, f.bf16(), scaleBuffer, 2));
  Value c2 = f.mulf(scale, f.f32Const(kLog2E));
  SmallVector<SmallVector<Value>> q = f.queryFragments(row0);

  // Loop state: m and l of rows g and g + 8, then o (W / 8 fragments).
  Value minusInf = f.f32Const(-std::numeric_limits<double>::infinity());
  Value zero = f.f32Const(0.0);
  SmallVector<Value> init = {minusInf, minusInf, zero, zero};
  init.append(width / 2, zero);
  Value tiles = f.ceilDiv(f.T, kKeys);
  {
    auto first = b.create<scf::IfOp>(loc, TypeRange{}, f.ult(f.c(0), tiles),
                                     /*withElse=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(first.thenBlock());
    f.load(f.c(0), f.c(0));
  }
  auto loop = b.create<scf::ForOp>(loc, f.c(0), tiles, f.c(1), init);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value t = loop.getInductionVar();
    // Tile t has landed (this thread's copies; everyone's after the
    // barrier, which also says every warp is done with tile t - 1, whose
    // stage tile t + 1 now takes).
    b.create<NVVM::CpAsyncWaitGroupOp>(loc, 0);
    b.create<NVVM::Barrier0Op>(loc);
    Value next = f.add(t, f.c(1));
    {
      auto request = b.create<scf::IfOp>(loc, TypeRange{}, f.ult(next, tiles),
                                         /*withElse=*/false);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(request.thenBlock());
      f.load(next, f.rem(next, f.c(kStages)));
    }
    Value stage = f.rem(t, f.c(kStages));
    ValueRange state = loop.getRegionIterArgs();
    SmallVector<SmallVector<Value>> s = f.scores(stage, q);
    // Scaled to base 2; keys past the end never count.
    Value key0 = f.mul(t, f.c(kKeys));
    for (int64_t nt = 0; nt < kKeys / 8; ++nt)
      for (int64_t i = 0; i < 4; ++i) {
        Value key =
            f.add(key0, f.add(f.c(nt * 8 + i % 2), f.mul(f.quad, f.c(2))));
        s[nt][i] = f.select(f.ult(key, f.T), f.mulf(s[nt][i], c2), minusInf);
      }
    SmallVector<Value> corr(2), m(2), l(2);
    for (int64_t h = 0; h < 2; ++h) {
      Value rowMax = minusInf;
      for (auto &frag : s)
        rowMax = f.maxf(rowMax, f.maxf(frag[2 * h], frag[2 * h + 1]));
      m[h] = f.maxf(state[h], f.quadMax(rowMax));
      corr[h] = f.ex2(f.subf(state[h], m[h]));
      Value sum = zero;
      for (auto &frag : s)
        for (int64_t i = 2 * h; i < 2 * h + 2; ++i) {
          frag[i] = f.ex2(f.subf(frag[i], m[h]));
          sum = f.addf(sum, frag[i]);
        }
      l[h] = f.addf(f.mulf(state[2 + h], corr[h]), sum);
    }
    SmallVector<SmallVector<Value>> o;
    for (int64_t et = 0; et < width / 8; ++et) {
      SmallVector<Value> frag;
      for (int64_t i = 0; i < 4; ++i)
        frag.push_back(f.mulf(state[4 + et * 4 + i], corr[i / 2]));
      o.push_back(frag);
    }
    f.accumulate(stage, s, o);
    SmallVector<Value> yields = {m[0], m[1], l[0], l[1]};
    for (auto &frag : o)
      llvm::append_range(yields, frag);
    b.create<scf::YieldOp>(loc, yields);
  }

  // result = o / l, or 0 with no keys; two columns a store.
  ValueRange done = loop.getResults();
  for (int64_t h = 0; h < 2; ++h) {
    Value l = f.quadSum(done[2 + h]);
    Value none =
        b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OEQ, l, zero);
    Value row = f.add(row0, f.add(f.g, f.c(8 * h)));
    auto store = b.create<scf::IfOp>(loc, TypeRange{}, f.ult(row, f.S),
                                     /*withElse=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(store.thenBlock());
    for (int64_t et = 0; et < width / 8; ++et) {
      Value pair[2];
      for (int64_t i = 0; i < 2; ++i) {
        Value x = done[4 + et * 4 + 2 * h + i];
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
