// sm_90a attention's shared memory and products (WgmmaFlashTiles.h).
#include "WgmmaFlashTiles.h"
#include "WgmmaOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace tessera {

void WgmmaFlashTiles::alignShared() {
  Value raw = f.b.create<LLVM::PtrToIntOp>(f.loc, f.b.getI64Type(), f.shared);
  address =
      f.b.create<arith::AndIOp>(f.loc, f.add(raw, f.c(kSwizzleAtomBytes - 1)),
                                f.c(~(kSwizzleAtomBytes - 1)));
  skew = f.sub(address, raw);
}

Value WgmmaFlashTiles::pointer(Value offset) {
  return f.at(f.shared, f.b.getI8Type(), f.add(skew, offset));
}

void WgmmaFlashTiles::stage(int64_t rows, Value region, Value src, Value base,
                            function_ref<Value(Value)> index,
                            function_ref<Value(Value)> inside, int64_t threads,
                            Value thread) {
  int64_t W = f.W, perRow = W / kChunk, chunks = rows * perRow;
  assert(chunks % threads == 0 && "whole rounds of chunks");
  if (!thread)
    thread = f.tid;
  OpBuilder &b = f.b;
  // The byte of chunk `chunk` (8 elements) of row `row` in the region.
  auto chunkOffset = [&](Value row, Value chunk) {
    Value group = f.div(chunk, f.c(8));
    Value place =
        b.create<arith::XOrIOp>(f.loc, f.rem(chunk, f.c(8)),
                                b.create<arith::AndIOp>(f.loc, row, f.c(7)));
    return f.add(
        f.mul(group, f.c(rows * kSwizzleRowBytes)),
        f.add(f.mul(row, f.c(kSwizzleRowBytes)), f.mul(place, f.c(16))));
  };
  auto ifOp = b.create<scf::IfOp>(f.loc, TypeRange{}, f.fast, true);
  for (bool async : {true, false}) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(async ? ifOp.thenBlock() : ifOp.elseBlock());
    for (int64_t first = 0; first < chunks; first += threads) {
      Value i = f.add(thread, f.c(first));
      Value r = f.div(i, f.c(perRow)), ch = f.rem(i, f.c(perRow));
      Value ok = inside(r);
      Value element =
          f.add(base, f.add(f.mul(index(r), f.c(W)), f.mul(ch, f.c(kChunk))));
      Value to = pointer(f.add(region, chunkOffset(r, ch)));
      if (async) {
        f.copyChunk(to, f.at(src, f.bf16(), f.select(ok, element, f.c(0))), ok);
        continue;
      }
      f.loadChunk(
          to, [&](int64_t) { return ok; },
          [&](int64_t j) {
            return f.at(src, f.bf16(), f.add(element, f.c(j)));
          });
    }
  }
}

std::string WgmmaFlashTiles::type() {
  return f.narrow().isF16() ? "f16" : "bf16";
}

void WgmmaFlashTiles::products(ArrayRef<Sums *> sums,
                               function_ref<void()> issue) {
  fence(sums);
  issue();
  commit();
  wait(0, sums);
}

void WgmmaFlashTiles::fence(ArrayRef<Sums *> sums) {
  for (Sums *s : sums)
    *s = ptxOnSums(f.b, f.loc, "", *s);
  ptxInstruction(f.b, f.loc, "wgmma.fence.sync.aligned;");
}

void WgmmaFlashTiles::commit() {
  ptxInstruction(f.b, f.loc, "wgmma.commit_group.sync.aligned;");
}

void WgmmaFlashTiles::wait(int64_t pending, ArrayRef<Sums *> done) {
  ptxInstruction(f.b, f.loc,
                 "wgmma.wait_group.sync.aligned " + std::to_string(pending) +
                     ";");
  for (Sums *s : done)
    *s = ptxOnSums(f.b, f.loc, "", *s);
}

WgmmaFlashTiles::Sums WgmmaFlashTiles::zeros(int64_t n) {
  return Sums(n / 2, f.f32Const(0.0));
}

void WgmmaFlashTiles::rowsByRows(Sums &sums, Value aRegion, int64_t aRows,
                                 Value aRow, Value bRegion, int64_t n) {
  int64_t count = static_cast<int64_t>(sums.size());
  assert(count == n / 2 && "n columns");
  Value aBase =
      aDescriptorsAtUse
          ? wgmmaDescriptor(
                f,
                f.add(address,
                      f.add(aRegion, f.mul(aRow, f.c(kSwizzleRowBytes)))),
                16, kSwizzleAtomBytes)
          : Value();
  for (int64_t k = 0; k < f.W; k += 16) {
    int64_t column = k % 64 * 2; // bytes into the 64-column group's rows
    int64_t offset = k / 64 * aRows * kSwizzleRowBytes + column;
    Value aDesc;
    if (aDescriptorsAtUse) {
      // The start address's field advances by offset / 16 (it stays below
      // 2^14: shared memory is under 256 KiB). An add with side effects:
      // neither LLVM nor ptxas hoists it.
      aDesc = f.b.create<LLVM::InlineAsmOp>(f.loc, f.b.getI64Type(),
                                            ValueRange{aBase, f.c(offset >> 4)},
                                            "add.s64 $0, $1, $2;", "=l,l,l",
                                            /*has_side_effects=*/true,
                                            /*is_align_stack=*/false,
                                            LLVM::AsmDialectAttr{}, ArrayAttr{})
                  .getResult(0);
    } else {
      Value a =
          f.add(address,
                f.add(aRegion,
                      f.add(f.c(offset), f.mul(aRow, f.c(kSwizzleRowBytes)))));
      aDesc = wgmmaDescriptor(f, a, 16, kSwizzleAtomBytes);
    }
    Value bStart = f.add(
        address, f.add(bRegion, f.c(k / 64 * n * kSwizzleRowBytes + column)));
    std::string text =
        "{\n.reg .pred p;\nsetp.ne.b32 p, $" + std::to_string(count + 2) +
        ", 0;\nwgmma.mma_async.sync.aligned.m64n" + std::to_string(n) +
        "k16.f32." + type() + "." + type() + " " + ptxOperandList(0, count) +
        ", $" + std::to_string(count) + ", $" + std::to_string(count + 1) +
        ", p, 1, 1, 0, 0;\n}";
    sums = ptxOnSums(
        f.b, f.loc, text, sums,
        ValueRange{aDesc, wgmmaDescriptor(f, bStart, 16, kSwizzleAtomBytes),
                   f.c32(1)},
        "l,l,r");
  }
}

WgmmaFlashTiles::Registers WgmmaFlashTiles::registers(const Sums &p) {
  Registers a;
  for (size_t kk = 0; kk < p.size() / 8; ++kk) {
    const Value *lo = &p[8 * kk], *hi = &p[8 * kk + 4];
    a.push_back({f.packPair(lo[0], lo[1]), f.packPair(lo[2], lo[3]),
                 f.packPair(hi[0], hi[1]), f.packPair(hi[2], hi[3])});
  }
  return a;
}

void WgmmaFlashTiles::registersByRows(Sums &sums, const Registers &p,
                                      Value bRegion, int64_t depth) {
  int64_t count = static_cast<int64_t>(sums.size());
  assert(static_cast<int64_t>(p.size()) == depth / 16 && "p's columns");
  for (int64_t kk = 0; kk < depth / 16; ++kk) {
    Value start =
        f.add(address, f.add(bRegion, f.c(kk * 2 * kSwizzleAtomBytes)));
    std::string text =
        "{\n.reg .pred p;\nsetp.ne.b32 p, $" + std::to_string(count + 5) +
        ", 0;\nwgmma.mma_async.sync.aligned.m64n" + std::to_string(f.W) +
        "k16.f32." + type() + "." + type() + " " + ptxOperandList(0, count) +
        ", " + ptxOperandList(count, 4) + ", $" + std::to_string(count + 4) +
        ", p, 1, 1, 1;\n}";
    sums =
        ptxOnSums(f.b, f.loc, text, sums,
                  ValueRange{p[kk][0], p[kk][1], p[kk][2], p[kk][3],
                             wgmmaDescriptor(f, start, depth * kSwizzleRowBytes,
                                             kSwizzleAtomBytes),
                             f.c32(1)},
                  "r,r,r,r,l,r");
  }
}

FlashTiles::Fragments WgmmaFlashTiles::fragments(const Sums &sums) {
  FlashTiles::Fragments frags(1);
  for (size_t nt = 0; nt < sums.size() / 4; ++nt)
    frags[0].push_back(
        SmallVector<Value>(sums.begin() + 4 * nt, sums.begin() + 4 * nt + 4));
  return frags;
}

WgmmaFlashTiles::Sums
WgmmaFlashTiles::flat(const FlashTiles::Fragments &fragments) {
  Sums sums;
  for (const auto &tile : fragments)
    for (const auto &frag : tile)
      llvm::append_range(sums, frag);
  return sums;
}

Value WgmmaFlashTiles::ownRow(Value first, int64_t h) {
  return f.add(first, f.add(f.mul(f.rem(f.warp, f.c(4)), f.c(16)),
                            f.add(f.g, f.c(8 * h))));
}

void WgmmaFlashTiles::storeRows(const Sums &sums, Value by, Value out,
                                Value base, Value first, Value extent) {
  for (int64_t h = 0; h < 2; ++h) {
    Value row = ownRow(first, h);
    f.when(f.ult(row, extent), [&] {
      for (int64_t et = 0; et < f.W / 8; ++et) {
        Value x = sums[4 * et + 2 * h], y = sums[4 * et + 2 * h + 1];
        if (by) {
          x = f.mulf(x, by);
          y = f.mulf(y, by);
        }
        Value element =
            f.add(base, f.add(f.mul(row, f.c(f.W)),
                              f.add(f.c(et * 8), f.mul(f.quad, f.c(2)))));
        f.b.create<LLVM::StoreOp>(f.loc, f.packPair(x, y),
                                  f.at(out, f.narrow(), element), 4);
      }
    });
  }
}

} // namespace tessera
