// A matmul's panels of `b` packed on the GPU: the Tile IR kernel's point
// is a panel row (the panel's columns of row k of `b`), which one thread
// copies vector by vector; here a thread copies one 16-byte chunk of it,
// so that a warp reads and writes 512 contiguous bytes and the copy runs
// at the memory's speed (a thread a row left each warp's loads 32 rows
// apart, and bounds-checked one by one). The same elements land in the
// same places, so the packed panels, and every result, are unchanged.
// Chunks that reach past N or whose source is not 16-byte aligned are
// copied element by element; elements past N are padding that feeds only
// results never stored (zeros here).
#include "PanelPacking.h"
#include "../common/TileLowering.h"
#include "MatmulBlock.h"
#include "tessera/Backend/Symbols.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace tessera {
namespace {

constexpr int64_t kChunkBytes = 16;

struct PackInfo {
  Type elem;
  int64_t width; // columns a panel
};

std::optional<PackInfo> describePack(ttile::KernelOp kernel) {
  auto info = kernel->getAttrOfType<DictionaryAttr>("ttile.matmul_pack");
  if (kernel.getKind() != "matmul_pack" || !info)
    return std::nullopt;
  auto elem = info.getAs<TypeAttr>("element");
  auto transposed = info.getAs<BoolAttr>("rhs_transposed");
  auto width = info.getAs<IntegerAttr>("panel_width");
  if (!elem || !transposed || !width || transposed.getValue() ||
      !elem.getValue().isIntOrFloat())
    return std::nullopt;
  return PackInfo{elem.getValue(), width.getInt()};
}

} // namespace

int64_t gpuPackChunks(ttile::KernelOp kernel) {
  std::optional<PackInfo> pack = describePack(kernel);
  if (!pack)
    return 0;
  int64_t bits = pack->elem.getIntOrFloatBitWidth();
  if (bits % 8 != 0 || (pack->width * bits / 8) % kChunkBytes != 0)
    return 0;
  return pack->width * bits / 8 / kChunkBytes;
}

void buildGpuPackKernel(ttile::KernelOp kernel, OpBuilder &mb) {
  MLIRContext *ctx = kernel.getContext();
  Location loc = kernel.getLoc();
  PackInfo pack = *describePack(kernel);
  int64_t chunks = gpuPackChunks(kernel);
  int64_t bytes = pack.elem.getIntOrFloatBitWidth() / 8;
  int64_t perChunk = kChunkBytes / bytes;
  // Elements are moved as integers of their size: their bits, whatever
  // the type (bf16, f16, fp8 included).
  Type bitsType = mb.getIntegerType(8 * bytes);
  auto chunkType = VectorType::get({4}, mb.getI32Type());

  // Parameters: b, the panels; the point count, N, K, b's batch stride,
  // the panels a batch; the thread count (one a chunk).
  Type globalPtr = LLVM::LLVMPointerType::get(ctx, 1);
  SmallVector<Type> params(2, globalPtr);
  params.append(6, mb.getI64Type());
  auto fn = mb.create<LLVM::LLVMFuncOp>(
      loc, kernelSymbol(kernel.getSymName().str()),
      LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), params));
  fn->setAttr(NVVM::NVVMDialect::getKernelFuncAttrName(), UnitAttr::get(ctx));
  Block *entry = fn.addEntryBlock(mb);
  OpBuilder b = OpBuilder::atBlockEnd(entry);
  IndexMath m{b, loc};
  auto c = [&](int64_t v) { return m.c(v); };
  auto widen = [&](Value v) -> Value {
    return b.create<arith::ExtUIOp>(loc, b.getI64Type(), v);
  };
  Value B = entry->getArgument(0), P = entry->getArgument(1);
  Value N = entry->getArgument(3), K = entry->getArgument(4);
  Value stride = entry->getArgument(5), panels = entry->getArgument(6);
  Value threads = entry->getArgument(7);
  Value thread =
      m.add(m.mul(widen(b.create<NVVM::BlockIdXOp>(loc, b.getI32Type())),
                  widen(b.create<NVVM::BlockDimXOp>(loc, b.getI32Type()))),
            widen(b.create<NVVM::ThreadIdXOp>(loc, b.getI32Type())));
  auto inside = b.create<scf::IfOp>(loc, TypeRange{}, m.ult(thread, threads),
                                    /*withElse=*/false);
  b.create<LLVM::ReturnOp>(loc, ValueRange{});
  b.setInsertionPointToStart(inside.thenBlock());

  // The point (batch, panel, k) and its chunk: columns col to col +
  // perChunk - 1 of row k of the batch's b, into the point's row.
  Value point = m.div(thread, c(chunks)), chunk = m.rem(thread, c(chunks));
  Value k = m.rem(point, K), rest = m.div(point, K);
  Value col = m.add(m.mul(m.rem(rest, panels), c(pack.width)),
                    m.mul(chunk, c(perChunk)));
  Value src =
      m.add(m.mul(m.div(rest, panels), stride), m.add(m.mul(k, N), col));
  Value dst = m.add(m.mul(point, c(pack.width)), m.mul(chunk, c(perChunk)));
  auto element = [&](Value base, Value index) -> Value {
    return b.create<LLVM::GEPOp>(loc, globalPtr, bitsType, base,
                                 ValueRange{index});
  };
  Value from = element(B, src), to = element(P, dst);
  Value address = b.create<LLVM::PtrToIntOp>(loc, b.getI64Type(), from);
  Value whole = b.create<arith::AndIOp>(
      loc,
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ule,
                              m.add(col, c(perChunk)), N),
      m.eq(m.rem(address, c(kChunkBytes)), c(0)));
  auto ifOp = b.create<scf::IfOp>(loc, TypeRange{}, whole, /*withElse=*/true);
  b.setInsertionPointToStart(ifOp.thenBlock());
  b.create<LLVM::StoreOp>(
      loc, b.create<LLVM::LoadOp>(loc, chunkType, from, kChunkBytes), to,
      kChunkBytes);
  b.setInsertionPointToStart(ifOp.elseBlock());
  Value zero = b.create<arith::ConstantOp>(loc, b.getIntegerAttr(bitsType, 0));
  for (int64_t j = 0; j < perChunk; ++j) {
    auto one = b.create<scf::IfOp>(loc, TypeRange{bitsType},
                                   m.ult(m.add(col, c(j)), N), true);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(one.thenBlock());
    b.create<scf::YieldOp>(
        loc, ValueRange{b.create<LLVM::LoadOp>(
                 loc, bitsType, element(B, m.add(src, c(j))), bytes)});
    b.setInsertionPointToStart(one.elseBlock());
    b.create<scf::YieldOp>(loc, zero);
    b.setInsertionPointAfter(one);
    b.create<LLVM::StoreOp>(loc, one.getResult(0), element(P, m.add(dst, c(j))),
                            bytes);
  }
}

} // namespace tessera
