// The kernel's side of tbin_abi.h's launch globals (TensorMaps.h).
#include "TensorMaps.h"

#include "tessera/tbin_abi.h"

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"

using namespace mlir;

namespace tessera {
namespace {

void declareWords(OpBuilder &mb, Location loc, const std::string &name,
                  ArrayRef<uint32_t> words) {
  auto type = LLVM::LLVMArrayType::get(mb.getI32Type(), words.size());
  SmallVector<int32_t> values(words.begin(), words.end());
  mb.create<LLVM::GlobalOp>(loc, type, /*isConstant=*/true,
                            LLVM::Linkage::External, name,
                            mb.getI32TensorAttr(values), /*alignment=*/4,
                            /*addrSpace=*/1);
}

} // namespace

void declareBlockThreads(OpBuilder &mb, Location loc, const std::string &symbol,
                         int64_t threads) {
  mb.create<LLVM::GlobalOp>(
      loc, mb.getI32Type(), /*isConstant=*/true, LLVM::Linkage::External,
      symbol + TESSERA_CUDA_BLOCK_THREADS_SUFFIX,
      mb.getI32IntegerAttr(static_cast<int32_t>(threads)), /*alignment=*/4,
      /*addrSpace=*/1);
}

void markTensorMapParameter(LLVM::LLVMFuncOp fn, unsigned index) {
  MLIRContext *ctx = fn.getContext();
  Builder b(ctx);
  auto bytes = LLVM::LLVMArrayType::get(IntegerType::get(ctx, 8),
                                        TESSERA_CUDA_TENSOR_MAP_BYTES);
  fn.setArgAttr(index, LLVM::LLVMDialect::getByValAttrName(),
                TypeAttr::get(bytes));
  fn.setArgAttr(index, LLVM::LLVMDialect::getAlignAttrName(),
                b.getI64IntegerAttr(64));
  fn.setArgAttr(index, NVVM::NVVMDialect::getGridConstantAttrName(),
                UnitAttr::get(ctx));
}

void declareTensorMaps(OpBuilder &mb, Location loc, const std::string &symbol,
                       ArrayRef<TensorMapSpec> maps) {
  SmallVector<uint32_t> words;
  for (const TensorMapSpec &m : maps)
    words.append(
        {static_cast<uint32_t>(m.pointer), static_cast<uint32_t>(m.rows),
         static_cast<uint32_t>(m.cols), TESSERA_CUDA_TENSOR_MAP_BFLOAT16,
         static_cast<uint32_t>(m.boxRows), static_cast<uint32_t>(m.boxCols),
         TESSERA_CUDA_TENSOR_MAP_SWIZZLE_128B});
  static_assert(TESSERA_CUDA_TENSOR_MAP_FIELDS == 7);
  declareWords(mb, loc, symbol + TESSERA_CUDA_TENSOR_MAPS_SUFFIX, words);
}

} // namespace tessera
