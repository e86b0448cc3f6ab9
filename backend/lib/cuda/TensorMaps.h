// What a GPU kernel tells the runtime about its launch beyond the usual
// parameters (tbin_abi.h): a block of more than 256 threads, and tensor
// maps for the Tensor Memory Accelerator, which the runtime encodes for
// the launch's buffers (a map holds a buffer's address, so it cannot be
// made at compile time) and passes after the tile count.
#pragma once

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"

#include <string>

namespace tessera {

// The global `<symbol>_block_threads`: kernel `symbol` runs `threads`
// threads a block.
void declareBlockThreads(mlir::OpBuilder &mb, mlir::Location loc,
                         const std::string &symbol, int64_t threads);

// Makes parameter `index` of `fn` a tensor map: 128 bytes passed by value,
// 64-byte aligned, read in place (a grid constant, so that its address is
// the parameter's own and the TMA unit can read it).
void markTensorMapParameter(mlir::LLVM::LLVMFuncOp fn, unsigned index);

// A row-major bf16 matrix among a kernel's parameters (pointers and sizes
// numbered together from 0), copied by the TMA unit in boxes of
// boxRows x boxCols with the 128-byte swizzle (rows of 128 bytes).
struct TensorMapSpec {
  int64_t pointer, rows, cols;
  int64_t boxRows, boxCols;
};

// The global `<symbol>_tensor_maps` that describes them, in the order of
// the kernel's map parameters.
void declareTensorMaps(mlir::OpBuilder &mb, mlir::Location loc,
                       const std::string &symbol,
                       llvm::ArrayRef<TensorMapSpec> maps);

} // namespace tessera
