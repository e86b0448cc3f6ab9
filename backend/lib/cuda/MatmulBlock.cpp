// The frame every GPU matmul kernel shares (MatmulBlock.h).
#include "MatmulBlock.h"
#include "../common/TileLowering.h"
#include "TensorMaps.h"
#include "tessera/tbin_abi.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace tessera {

// Blocks are numbered down groups of this many tile rows, then across.
constexpr int64_t kGroupRows = 8;

Value IndexMath::c(int64_t v) {
  return b.create<arith::ConstantIntOp>(loc, v, 64);
}
Value IndexMath::add(Value x, Value y) {
  return b.create<arith::AddIOp>(loc, x, y);
}
Value IndexMath::sub(Value x, Value y) {
  return b.create<arith::SubIOp>(loc, x, y);
}
Value IndexMath::mul(Value x, Value y) {
  return b.create<arith::MulIOp>(loc, x, y);
}
Value IndexMath::div(Value x, Value y) {
  return b.create<arith::DivUIOp>(loc, x, y);
}
Value IndexMath::rem(Value x, Value y) {
  return b.create<arith::RemUIOp>(loc, x, y);
}
Value IndexMath::min(Value x, Value y) {
  return b.create<arith::MinUIOp>(loc, x, y);
}
Value IndexMath::ult(Value x, Value y) {
  return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, x, y);
}
Value IndexMath::ule(Value x, Value y) {
  return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ule, x, y);
}
Value IndexMath::eq(Value x, Value y) {
  return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, x, y);
}
Value IndexMath::ceilDiv(Value x, int64_t d) {
  return div(add(x, c(d - 1)), c(d));
}

std::optional<MatmulBlock> describeMatmul(ttile::KernelOp kernel) {
  auto info = kernel->getAttrOfType<DictionaryAttr>("ttile.matmul");
  if (kernel.getKind() != "matmul" || !info)
    return std::nullopt;
  auto elem = info.getAs<TypeAttr>("element");
  auto accum = info.getAs<TypeAttr>("accumulator");
  auto width = info.getAs<IntegerAttr>("panel_width");
  auto transposed = info.getAs<BoolAttr>("lhs_transposed");
  auto rhsTransposed = info.getAs<BoolAttr>("rhs_transposed");
  auto fused = info.getAs<BoolAttr>("fused");
  auto segment = info.getAs<IntegerAttr>("segment");
  if (!elem || !width || !transposed || !rhsTransposed || !fused || !segment ||
      !isa<FloatType>(elem.getValue()))
    return std::nullopt;
  // An epilogue's element kernel must be there to be applied.
  if (auto e = info.getAs<FlatSymbolRefAttr>("epilogue")) {
    auto element = SymbolTable::lookupNearestSymbolFrom<ttile::KernelOp>(
        kernel, e.getAttr());
    if (!element || element.getKind() != "matmul_epilogue")
      return std::nullopt;
  }
  MatmulBlock block;
  block.elem = elem.getValue();
  block.accum = accum ? accum.getValue() : block.elem;
  block.width = width.getInt();
  block.transposedA = transposed.getValue();
  block.transposedB = rhsTransposed.getValue();
  block.fused = fused.getValue();
  block.segment = segment.getInt();
  return block;
}

Value sharedMemory(OpBuilder &b, Location loc, const std::string &symbol) {
  return b.create<LLVM::AddressOfOp>(
      loc, LLVM::LLVMPointerType::get(b.getContext(), 3), symbol + "_shared");
}

void declareSharedMemory(OpBuilder &mb, Location loc, const std::string &symbol,
                         Type shared) {
  auto array = cast<LLVM::LLVMArrayType>(shared);
  int64_t bytes = array.getNumElements() *
                  array.getElementType().getIntOrFloatBitWidth() / 8;
  if (bytes <= kStaticSharedBytes) {
    mb.create<LLVM::GlobalOp>(loc, shared, /*isConstant=*/false,
                              LLVM::Linkage::Internal, symbol + "_shared",
                              Attribute(), /*alignment=*/16, /*addrSpace=*/3);
  } else {
    // `.extern .shared`, sized at launch; and the size, for the runtime.
    mb.create<LLVM::GlobalOp>(
        loc, LLVM::LLVMArrayType::get(array.getElementType(), 0),
        /*isConstant=*/false, LLVM::Linkage::External, symbol + "_shared",
        Attribute(), /*alignment=*/16, /*addrSpace=*/3);
    mb.create<LLVM::GlobalOp>(loc, mb.getI32Type(), /*isConstant=*/true,
                              LLVM::Linkage::External,
                              symbol + TESSERA_CUDA_DYNAMIC_SHARED_SUFFIX,
                              mb.getI32IntegerAttr(bytes), /*alignment=*/4,
                              /*addrSpace=*/1);
  }
}

MatmulBlock openMatmulBlock(ttile::KernelOp kernel, int64_t tileRows,
                            int64_t tileCols, const std::string &symbol,
                            Type shared, int64_t minBlocksPerSM, OpBuilder &mb,
                            OpBuilder &b, int64_t threads, int64_t maps) {
  MLIRContext *ctx = kernel.getContext();
  Location loc = kernel.getLoc();
  MatmulBlock block = *describeMatmul(kernel);
  Type globalPtr = LLVM::LLVMPointerType::get(ctx, 1);
  Type i64 = mb.getI64Type(), i32 = mb.getI32Type();

  declareSharedMemory(mb, loc, symbol, shared);

  // Parameters: a, packed b, b, (the epilogue's inputs,) (the segments'
  // values,) (c,) (the epilogue's values); the point count, m, n, k, a's
  // batch stride, row blocks, panels, (the segment count,) (the
  // epilogue's row lengths,) b's batch stride; the thread count.
  int64_t buffers = kernel.getNumBuffers();
  int64_t sizes = 1 + kernel.getNumSizes();
  int64_t inputs = kernel.getNumInputs();
  SmallVector<Type> params(buffers, globalPtr);
  params.append(sizes + 1, i64);
  params.append(maps, LLVM::LLVMPointerType::get(ctx));
  auto fn = mb.create<LLVM::LLVMFuncOp>(
      loc, symbol,
      LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), params));
  fn->setAttr(NVVM::NVVMDialect::getKernelFuncAttrName(), UnitAttr::get(ctx));
  fn->setAttr(NVVM::NVVMDialect::getMaxntidAttrName(),
              mb.getDenseI32ArrayAttr({static_cast<int32_t>(threads), 1, 1}));
  if (threads != kGpuMatmulThreads)
    declareBlockThreads(mb, loc, symbol, threads);
  for (int64_t i = 0; i < maps; ++i)
    markTensorMapParameter(fn, buffers + sizes + 1 + i);
  if (minBlocksPerSM)
    fn->setAttr(NVVM::NVVMDialect::getMinctasmAttrName(),
                mb.getI32IntegerAttr(minBlocksPerSM));
  Block *entry = fn.addEntryBlock(mb);
  b.setInsertionPointToEnd(entry);

  IndexMath m{b, loc};
  auto c = [&](int64_t v) { return m.c(v); };
  auto add = [&](Value x, Value y) { return m.add(x, y); };
  auto sub = [&](Value x, Value y) { return m.sub(x, y); };
  auto mul = [&](Value x, Value y) { return m.mul(x, y); };
  auto div = [&](Value x, Value y) { return m.div(x, y); };
  auto rem = [&](Value x, Value y) { return m.rem(x, y); };
  auto min = [&](Value x, Value y) { return m.min(x, y); };
  auto ceilDiv = [&](Value x, int64_t d) { return m.ceilDiv(x, d); };
  auto widen = [&](Value v) -> Value {
    return b.create<arith::ExtUIOp>(loc, i64, v);
  };

  block.A = entry->getArgument(0);
  block.P = entry->getArgument(1);
  block.B = entry->getArgument(2);
  auto size = [&](int64_t i) { return entry->getArgument(buffers + i); };
  int64_t stored = buffers - inputs - (block.segment ? 1 : 0);
  if (auto e = kernel->getAttrOfType<DictionaryAttr>("ttile.matmul")
                   .getAs<FlatSymbolRefAttr>("epilogue")) {
    MatmulBlock::Epilogue epilogue;
    epilogue.element = SymbolTable::lookupNearestSymbolFrom<ttile::KernelOp>(
        kernel, e.getAttr());
    int64_t values =
        epilogue.element.getNumBuffers() - epilogue.element.getNumInputs();
    for (int64_t i = 3; i < inputs; ++i)
      epilogue.inputs.push_back(entry->getArgument(i));
    for (int64_t i = buffers - values; i < buffers; ++i)
      epilogue.outputs.push_back(entry->getArgument(i));
    // Before b's batch stride, the last size.
    int64_t lengths = epilogue.element.getNumSizes() - 3;
    for (int64_t i = 0; i < lengths; ++i)
      epilogue.rowLengths.push_back(size(sizes - 1 - lengths + i));
    stored -= values;
    block.epilogue = std::move(epilogue);
  }
  if (stored)
    block.C = entry->getArgument(
        buffers - 1 - (block.epilogue ? block.epilogue->outputs.size() : 0));
  Value points = size(0);
  block.M = size(1);
  block.N = size(2);
  block.K = size(3);
  Value lhsStride = size(4), rowBlocks = size(5);
  block.panels = size(6);
  block.tid = widen(b.create<NVVM::ThreadIdXOp>(loc, i32));

  // The block's tile: batch, then groups of kGroupRows tile rows, down each
  // group then across.
  Value blockId = widen(b.create<NVVM::BlockIdXOp>(loc, i32));
  Value tilesM = ceilDiv(block.M, tileRows),
        tilesN = ceilDiv(block.N, tileCols);
  Value perBatch = mul(tilesM, tilesN);
  // With segments a (batch, segment) pair, segment fastest: its segment of
  // k, and its values at the pair's [m, n] (with one segment, c itself).
  Value pair = div(blockId, perBatch);
  Value batch = pair;
  block.kBegin = c(0);
  block.kEnd = block.K;
  if (block.segment) {
    Value S = size(7);
    batch = div(pair, S);
    block.kBegin = mul(rem(pair, S), c(block.segment));
    block.values = entry->getArgument(inputs);
    block.single =
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, S, c(1));
    // One segment is the whole sum (a large result: MatmulKernel.cpp).
    block.kEnd = b.create<arith::SelectOp>(
        loc, block.single, block.K,
        min(block.K, add(block.kBegin, c(block.segment))));
  }
  Value t = rem(blockId, perBatch);
  Value inGroup = c(kGroupRows);
  Value groupSize = mul(inGroup, tilesN);
  Value group = div(t, groupSize);
  Value firstRow = mul(group, inGroup);
  Value rows = min(sub(tilesM, firstRow), inGroup);
  Value within = rem(t, groupSize);
  Value tileRow = add(firstRow, rem(within, rows));
  Value tileCol = div(within, rows);
  block.row0 = mul(tileRow, c(tileRows));
  block.col0 = mul(tileCol, c(tileCols));
  block.aBase = mul(batch, lhsStride);
  block.bBase = mul(batch, size(sizes - 1));
  block.pBatch = mul(mul(mul(batch, block.panels), block.K), c(block.width));
  block.cBase = mul(pair, mul(block.M, block.N));
  block.rowBase = mul(pair, block.M);

  // Blocks past the last batch (none, as the entry launches them) do
  // nothing; the test is uniform over the block, so barriers stay safe.
  Value pairs = div(points, mul(rowBlocks, block.panels));
  block.batches = block.segment ? div(pairs, size(7)) : pairs;
  for (int64_t i = 0; i < maps; ++i)
    block.maps.push_back(entry->getArgument(buffers + sizes + 1 + i));
  auto inside = b.create<scf::IfOp>(loc, TypeRange{}, m.ult(pair, pairs),
                                    /*withElse=*/false);
  b.create<LLVM::ReturnOp>(loc, ValueRange{});
  b.setInsertionPointToStart(inside.thenBlock());
  return block;
}

void forEachDestination(OpBuilder &b, Location loc, const MatmulBlock &block,
                        llvm::function_ref<void(Value, Type, bool)> store) {
  if (!block.segment) {
    store(block.C, block.elem, true);
    return;
  }
  auto ifOp = b.create<scf::IfOp>(loc, TypeRange{}, block.single,
                                  /*withElse=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  store(block.C, block.elem, true);
  b.setInsertionPointToStart(ifOp.elseBlock());
  store(block.values, block.accum, false);
}

} // namespace tessera
