// Entry functions -> host functions the runtime calls (tbin_abi.h).
#pragma once

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

namespace tessera {

enum class EntryDevice {
  Cpu,  // tessera_entry_<name>: a tessera_entry_fn
  Cuda, // tessera_cuda_entry_<name>: a tessera_device_entry_fn
};

// Builds the LLVM function for `fn` at `moduleBuilder`, moving `fn`'s body
// into it; the CPU form needs the kernels' tessera_kernel_<name> functions
// in `module` already. `fn` is left empty, for the caller to erase.
mlir::LogicalResult lowerEntry(mlir::func::FuncOp fn, mlir::ModuleOp module,
                               mlir::OpBuilder &moduleBuilder,
                               EntryDevice device);

} // namespace tessera
