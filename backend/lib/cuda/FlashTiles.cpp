// The tensor-core attention kernels' shared pieces (FlashTiles.h).
#include "FlashTiles.h"
#include "../common/TileLowering.h"
#include "WgmmaOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <limits>

using namespace mlir;

namespace tessera {

FlashTiles::Fragments FlashTiles::zeros(int64_t rowTiles, int64_t columns) {
  Value zero = f32Const(0.0);
  return Fragments(rowTiles, SmallVector<SmallVector<Value>>(
                                 columns / 8, SmallVector<Value>(4, zero)));
}

Value FlashTiles::column(int64_t nt, int64_t i) {
  return add(c(nt * 8 + i % 2), mul(quad, c(2)));
}

void FlashTiles::maskPast(Fragments &acc, Value first, Value extent,
                          Value fill) {
  int64_t columns = acc.front().size() * 8;
  SmallVector<Value *> all;
  for (auto &tile : acc)
    for (auto &frag : tile)
      for (Value &x : frag)
        all.push_back(&x);
  SmallVector<Type> types(all.size(), f32());
  auto ifOp = b.create<scf::IfOp>(loc, types,
                                  ult(extent, add(first, c(columns))), true);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    SmallVector<Value> masked;
    for (auto &tile : acc)
      for (int64_t nt = 0; nt < static_cast<int64_t>(tile.size()); ++nt)
        for (int64_t i = 0; i < 4; ++i)
          masked.push_back(select(ult(add(first, column(nt, i)), extent),
                                  tile[nt][i], fill));
    b.create<scf::YieldOp>(loc, masked);
    b.setInsertionPointToStart(ifOp.elseBlock());
    SmallVector<Value> same;
    for (Value *x : all)
      same.push_back(*x);
    b.create<scf::YieldOp>(loc, same);
  }
  for (auto [x, r] : llvm::zip(all, ifOp.getResults()))
    *x = r;
}

Value FlashTiles::ex2(Value x) {
  return b
      .create<LLVM::CallIntrinsicOp>(loc, f32(), "llvm.nvvm.ex2.approx.ftz.f",
                                     ValueRange{x})
      .getResult(0);
}
Value FlashTiles::lg2(Value x) {
  return b
      .create<LLVM::CallIntrinsicOp>(loc, f32(), "llvm.nvvm.lg2.approx.ftz.f",
                                     ValueRange{x})
      .getResult(0);
}
Value FlashTiles::maxf(Value x, Value y) {
  return b.create<arith::MaxNumFOp>(loc, x, y);
}
Value FlashTiles::addf(Value x, Value y) {
  return b.create<arith::AddFOp>(loc, x, y);
}
Value FlashTiles::subf(Value x, Value y) {
  return b.create<arith::SubFOp>(loc, x, y);
}
Value FlashTiles::mulf(Value x, Value y) {
  return b.create<arith::MulFOp>(loc, x, y);
}

Value FlashTiles::butterfly(Value x, int32_t by) {
  Value word = b.create<arith::BitcastOp>(loc, i32(), x);
  Value moved = b.create<NVVM::ShflOp>(
      loc, i32(), c32(-1), word, c32(by), c32(31),
      NVVM::ShflKindAttr::get(b.getContext(), NVVM::ShflKind::bfly),
      UnitAttr());
  return b.create<arith::BitcastOp>(loc, f32(), moved);
}
Value FlashTiles::quadMax(Value x) {
  x = maxf(x, butterfly(x, 1));
  return maxf(x, butterfly(x, 2));
}
// Lane x adds x^1's value to its own, then x^2's: the four lanes add the
// same two pairs, each pair commutatively, so they agree to the bit.
Value FlashTiles::quadSum(Value x) {
  x = addf(x, butterfly(x, 1));
  return addf(x, butterfly(x, 2));
}

Value FlashTiles::loadWidened(Value buffer, Value i) {
  return b.create<LLVM::FPExtOp>(
      loc, f32(),
      b.create<LLVM::LoadOp>(loc, narrow(), at(buffer, bf16(), i), 2));
}
Value FlashTiles::loadF32(Value buffer, Value i) {
  return b.create<LLVM::LoadOp>(loc, f32(), at(buffer, f32(), i), 4);
}
void FlashTiles::storeF32(Value v, Value buffer, Value i) {
  b.create<LLVM::StoreOp>(loc, v, at(buffer, f32(), i), 4);
}
void FlashTiles::when(Value cond, function_ref<void()> body) {
  auto ifOp = b.create<scf::IfOp>(loc, TypeRange{}, cond, false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  body();
}

ValueRange FlashTiles::pipeline(
    Value count, ValueRange init, function_ref<void(Value, Value)> load,
    function_ref<SmallVector<Value>(Value, Value, ValueRange)> step,
    bool byTensorCores) {
  constexpr int64_t kStages = 2;
  when(ult(c(0), count), [&] { load(c(0), c(0)); });
  auto loop = b.create<scf::ForOp>(loc, c(0), count, c(1), init);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value t = loop.getInductionVar();
    // Tile t has landed; every warp is done with tile t - 1, whose stage
    // tile t + 1 now takes.
    b.create<NVVM::CpAsyncWaitGroupOp>(loc, 0);
    if (byTensorCores)
      ptxInstruction(b, loc, "fence.proxy.async.shared::cta;");
    b.create<NVVM::Barrier0Op>(loc);
    requestNextTile(t, count, kStages, load);
    b.create<scf::YieldOp>(
        loc, step(t, rem(t, c(kStages)), loop.getRegionIterArgs()));
  }
  // Nothing in flight when the block ends (with no tiles, its own rows).
  b.create<NVVM::CpAsyncWaitGroupOp>(loc, 0);
  return loop.getResults();
}

void FlashTiles::stageRows(int64_t rows, Value dst, Value src, Value base,
                           llvm::function_ref<Value(Value)> index,
                           llvm::function_ref<Value(Value)> inside) {
  int64_t chunks = rows * chunksPerRow();
  auto ifOp = b.create<scf::IfOp>(loc, TypeRange{}, fast, true);
  for (bool async : {true, false}) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(async ? ifOp.thenBlock() : ifOp.elseBlock());
    for (int64_t first = 0; first < chunks; first += kFlashThreads) {
      Value i = add(tid, c(first));
      Value r = div(i, c(chunksPerRow())), ch = rem(i, c(chunksPerRow()));
      auto body = [&] {
        Value ok = inside(r);
        Value element = add(base, add(mul(index(r), c(W)), mul(ch, c(kChunk))));
        Value to =
            at(shared, bf16(), add(dst, swizzled(r, ch, chunksPerRow())));
        if (async) {
          copyChunk(to, at(src, bf16(), select(ok, element, c(0))), ok);
          return;
        }
        loadChunk(
            to, [&](int64_t) { return ok; },
            [&](int64_t j) { return at(src, bf16(), add(element, c(j))); });
      };
      if (first + kFlashThreads <= chunks) {
        body();
        continue;
      }
      auto part = b.create<scf::IfOp>(loc, TypeRange{}, ult(i, c(chunks)),
                                      /*withElse=*/false);
      OpBuilder::InsertionGuard inner(b);
      b.setInsertionPointToStart(part.thenBlock());
      body();
    }
  }
}

void FlashTiles::mmaRowsByRows(Fragments &acc, Value aBase,
                               llvm::function_ref<Value(int64_t)> row0,
                               Value bBase) {
  Value low = rem(lane, c(16)), high = div(lane, c(16));
  // Matrix i = lane / 8 of b's ldmatrix.x4: columns 8 (i / 2) on, k 8 (i %
  // 2) on: the two registers of two fragments.
  Value i = div(lane, c(8));
  Value columnInPair = add(mul(div(i, c(2)), c(8)), rem(lane, c(8)));
  int64_t pairs = acc.front().size() / 2;
  for (int64_t ks = 0; ks < W / 16; ++ks) {
    // a: lanes 0-15 16 rows at k 16 ks, lanes 16-31 the same rows 8 on.
    SmallVector<SmallVector<Value>> a;
    for (int64_t t = 0; t < static_cast<int64_t>(acc.size()); ++t)
      a.push_back(
          ldmatrix(add(aBase, swizzled(add(row0(t), low), add(c(ks * 2), high),
                                       chunksPerRow())),
                   4, false));
    for (int64_t pair = 0; pair < pairs; ++pair) {
      Value column = add(c(pair * 16), columnInPair);
      Value chunk = add(c(ks * 2), rem(i, c(2)));
      SmallVector<Value> r = ldmatrix(
          add(bBase, swizzled(column, chunk, chunksPerRow())), 4, false);
      for (int64_t t = 0; t < static_cast<int64_t>(acc.size()); ++t) {
        acc[t][2 * pair] = mma(a[t], {r[0], r[1]}, acc[t][2 * pair]);
        acc[t][2 * pair + 1] = mma(a[t], {r[2], r[3]}, acc[t][2 * pair + 1]);
      }
    }
  }
}

void FlashTiles::mmaRegistersByColumns(Fragments &acc, const Fragments &p,
                                       Value bBase) {
  Value low = rem(lane, c(16)), high = div(lane, c(16));
  int64_t depth = p.front().size() * 8;
  for (int64_t kk = 0; kk < depth / 16; ++kk) {
    // The accumulators of columns 16 kk on are the a fragment of k 16 kk.
    SmallVector<SmallVector<Value>> a;
    for (const auto &tile : p) {
      const SmallVector<Value> &lo = tile[2 * kk], &hi = tile[2 * kk + 1];
      a.push_back({packPair(lo[0], lo[1]), packPair(lo[2], lo[3]),
                   packPair(hi[0], hi[1]), packPair(hi[2], hi[3])});
    }
    // Rows k 16 kk on, lanes 0-15 a column chunk, 16-31 the next.
    for (int64_t pair = 0; pair < W / 16; ++pair) {
      Value element = swizzled(add(c(kk * 16), low), add(c(pair * 2), high),
                               chunksPerRow());
      SmallVector<Value> r = ldmatrix(add(bBase, element), 4, true);
      for (size_t t = 0; t < acc.size(); ++t) {
        acc[t][2 * pair] = mma(a[t], {r[0], r[1]}, acc[t][2 * pair]);
        acc[t][2 * pair + 1] = mma(a[t], {r[2], r[3]}, acc[t][2 * pair + 1]);
      }
    }
  }
}

void FlashTiles::stageQueries(StageRowsFn stage, int64_t rows, Value dst,
                              Value q, Value base, Value row0, Value extent) {
  Value last = sub(extent, c(1));
  Value yes = b.create<arith::ConstantIntOp>(loc, 1, 1);
  stage(
      rows, dst, q, base, [&](Value r) { return min(add(row0, r), last); },
      [&](Value) { return yes; });
  b.create<NVVM::CpAsyncCommitGroupOp>(loc);
}

void FlashTiles::stageKeysAndValues(StageRowsFn stage, int64_t keys, Value tile,
                                    Value keyDst, Value valueDst, Value k,
                                    Value v, Value base, Value extent) {
  Value key0 = mul(tile, c(keys));
  auto index = [&](Value r) { return add(key0, r); };
  auto inside = [&](Value r) { return ult(add(key0, r), extent); };
  stage(keys, keyDst, k, base, index, inside);
  stage(keys, valueDst, v, base, index, inside);
  b.create<NVVM::CpAsyncCommitGroupOp>(loc);
}

void FlashTiles::requestNextTile(Value t, Value tiles, int64_t stages,
                                 function_ref<void(Value, Value)> load) {
  Value next = add(t, c(1));
  auto request = b.create<scf::IfOp>(loc, TypeRange{}, ult(next, tiles),
                                     /*withElse=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(request.thenBlock());
  load(next, rem(next, c(stages)));
}

FlashTiles::SoftmaxRow
FlashTiles::softmaxRow(SmallVector<SmallVector<Value>> &frags, int64_t h,
                       Value m, Value l) {
  Value rowMax = f32Const(-std::numeric_limits<double>::infinity());
  for (auto &frag : frags)
    rowMax = maxf(rowMax, maxf(frag[2 * h], frag[2 * h + 1]));
  SoftmaxRow next;
  next.m = maxf(m, quadMax(rowMax));
  next.corr = ex2(subf(m, next.m));
  Value sum = f32Const(0.0);
  for (auto &frag : frags)
    for (int64_t i = 2 * h; i < 2 * h + 2; ++i) {
      frag[i] = ex2(subf(frag[i], next.m));
      sum = addf(sum, frag[i]);
    }
  next.l = addf(mulf(l, next.corr), sum);
  return next;
}

FlashTiles::SoftmaxRow
FlashTiles::softmaxRowScaled(SmallVector<SmallVector<Value>> &frags, int64_t h,
                             Value c2, Value m, Value l) {
  Value rowMax = f32Const(-std::numeric_limits<double>::infinity());
  for (auto &frag : frags)
    rowMax = maxf(rowMax, maxf(frag[2 * h], frag[2 * h + 1]));
  SoftmaxRow next;
  next.m = maxf(m, mulf(quadMax(rowMax), c2));
  next.corr = ex2(subf(m, next.m));
  Value minusM = b.create<arith::NegFOp>(loc, next.m);
  Value sum = f32Const(0.0);
  for (auto &frag : frags)
    for (int64_t i = 2 * h; i < 2 * h + 2; ++i) {
      frag[i] = ex2(b.create<LLVM::FMAOp>(loc, frag[i], c2, minusM));
      sum = addf(sum, frag[i]);
    }
  next.l = addf(mulf(l, next.corr), sum);
  return next;
}

void FlashTiles::storeResultRow(Value out, Value base, Value row, Value extent,
                                Value l,
                                function_ref<Value(int64_t, int64_t)> value) {
  Value zero = f32Const(0.0);
  Value sum = quadSum(l);
  Value none =
      b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OEQ, sum, zero);
  auto store = b.create<scf::IfOp>(loc, TypeRange{}, ult(row, extent),
                                   /*withElse=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(store.thenBlock());
  for (int64_t et = 0; et < W / 8; ++et) {
    Value pair[2];
    for (int64_t i = 0; i < 2; ++i)
      pair[i] =
          select(none, zero, b.create<arith::DivFOp>(loc, value(et, i), sum));
    Value element =
        add(base, add(mul(row, c(W)), add(c(et * 8), mul(quad, c(2)))));
    b.create<LLVM::StoreOp>(loc, packPair(pair[0], pair[1]),
                            at(out, narrow(), element), 4);
  }
}

void FlashTiles::storeLogSumExp(Value lse, Value base, Value row, Value extent,
                                Value m, Value l) {
  Value sum = quadSum(l);
  when(both(eq(quad, c(0)), ult(row, extent)),
       [&] { storeF32(addf(m, lg2(sum)), lse, add(base, row)); });
}

FlashKernel openFlashKernel(ttile::KernelOp kernel, const std::string &symbol,
                            int64_t sharedElements, unsigned rowsSize,
                            int64_t blockRows, FlashTiles &f, OpBuilder &mb) {
  MLIRContext *ctx = kernel.getContext();
  Location loc = kernel.getLoc();
  OpBuilder &b = f.b;
  Type globalPtr = LLVM::LLVMPointerType::get(ctx, 1);
  Type i64 = mb.getI64Type(), i32 = mb.getI32Type();
  FlashKernel k;
  k.numBuffers = kernel.getNumBuffers();
  f.operand = kernel->getAttrOfType<DictionaryAttr>("ttile.attention")
                  .getAs<TypeAttr>("element")
                  .getValue();
  // Buffers; the point count, the kernel's extents; the thread count.
  SmallVector<Type> params(k.numBuffers, globalPtr);
  params.append(kernel.getNumSizes() + 2, i64);
  declareSharedMemory(
      mb, loc, symbol,
      LLVM::LLVMArrayType::get(mb.getBF16Type(), sharedElements));
  auto fn = mb.create<LLVM::LLVMFuncOp>(
      loc, symbol,
      LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), params));
  fn->setAttr(NVVM::NVVMDialect::getKernelFuncAttrName(), UnitAttr::get(ctx));
  fn->setAttr(NVVM::NVVMDialect::getMaxntidAttrName(),
              mb.getDenseI32ArrayAttr({kFlashThreads, 1, 1}));
  k.entry = fn.addEntryBlock(mb);
  b.setInsertionPointToEnd(k.entry);
  auto widen = [&](Value v) -> Value {
    return b.create<arith::ExtUIOp>(loc, i64, v);
  };
  f.tid = widen(b.create<NVVM::ThreadIdXOp>(loc, i32));
  f.lane = f.rem(f.tid, f.c(32));
  f.warp = f.div(f.tid, f.c(32));
  f.g = f.div(f.lane, f.c(4));
  f.quad = f.rem(f.lane, f.c(4));
  f.shared = sharedMemory(b, loc, symbol);

  // The block's batch and rows; blocks past the last batch (none, as the
  // entry launches them) do nothing, uniformly, so barriers stay safe.
  // The points are batches x the kernel's last extent (its row blocks).
  Value blockId = widen(b.create<NVVM::BlockIdXOp>(loc, i32));
  Value perBatch = f.ceilDiv(k.size(rowsSize), blockRows);
  k.batch = f.div(blockId, perBatch);
  Value points = k.entry->getArgument(k.numBuffers);
  Value rowBlocks = k.size(kernel.getNumSizes() - 1);
  Value batches =
      f.div(points, b.create<arith::MaxUIOp>(loc, rowBlocks, f.c(1)));
  k.row0 = f.mul(f.rem(blockId, perBatch), f.c(blockRows));
  auto inside = b.create<scf::IfOp>(loc, TypeRange{}, f.ult(k.batch, batches),
                                    /*withElse=*/false);
  b.create<LLVM::ReturnOp>(loc, ValueRange{});
  b.setInsertionPointToStart(inside.thenBlock());
  return k;
}

FlashForwardOperands flashForwardOperands(const FlashKernel &k, FlashTiles &f) {
  FlashForwardOperands o;
  o.q = k.buffer(0);
  o.k = k.buffer(1);
  o.v = k.buffer(2);
  o.scale = k.buffer(3);
  o.out = k.buffer(4);
  o.s = k.size(0);
  o.t = k.size(1);
  o.qBase = f.mul(k.batch, f.mul(o.s, f.c(f.W)));
  o.kBase = f.mul(k.batch, f.mul(o.t, f.c(f.W)));
  f.fast = f.both(f.aligned(o.q, 16),
                  f.both(f.aligned(o.k, 16), f.aligned(o.v, 16)));
  if (k.numBuffers > 7) {
    o.lse = k.buffer(7);
    o.lseBase = f.mul(k.batch, o.s);
  }
  return o;
}

Value FlashKernel::size(unsigned i) const {
  return entry->getArgument(numBuffers + 1 + i);
}

} // namespace tessera
