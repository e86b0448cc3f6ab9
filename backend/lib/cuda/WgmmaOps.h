// What sm_90a's warpgroup tensor-core kernels share (WgmmaMatmul.cpp,
// WgmmaFlash.cpp): inline PTX with and without accumulators, and the
// shared-memory matrix descriptors wgmma reads its operands by.
#pragma once

#include "MatmulBlock.h"

namespace tessera {

// One PTX instruction (or block) with side effects, `operands` bound by
// `constraints` ($0, $1, ...).
void ptxInstruction(mlir::OpBuilder &b, mlir::Location loc,
                    llvm::StringRef text, mlir::ValueRange operands = {},
                    llvm::StringRef constraints = "");

// `text` with the f32 `sums` as operands 0 to n - 1, read and written
// (tied), then `inputs` under `inputConstraints`; returns the sums it
// leaves. An empty `text` pins the sums' registers: wgmma reads and writes
// them asynchronously, so LLVM must see each wait as writing them.
llvm::SmallVector<mlir::Value> ptxOnSums(mlir::OpBuilder &b, mlir::Location loc,
                                         llvm::StringRef text,
                                         mlir::ValueRange sums,
                                         mlir::ValueRange inputs = {},
                                         llvm::StringRef inputConstraints = "");

// The operand list "{$first, ..., $(first + count - 1)}" of inline PTX.
std::string ptxOperandList(int64_t first, int64_t count);

// mbarriers in shared memory (`address` in the shared space, i64): set up
// for `count` arrivals a phase (one thread, then fence.mbarrier_init and a
// barrier before any use); wait until the phase of `parity` (i32) is
// complete; arrive; arrive once the thread's cp.async copies so far have
// landed (each thread's one arrival of the phase, not one more).
void mbarrierInit(IndexMath &m, mlir::Value address, int64_t count);
void mbarrierWait(IndexMath &m, mlir::Value address, mlir::Value parity);
void mbarrierArrive(IndexMath &m, mlir::Value address);
void mbarrierArriveOnCopies(IndexMath &m, mlir::Value address);

// A shared-memory matrix descriptor for the 128-byte swizzle: the start
// address (shared space, i64) and the two distances in bytes (leading:
// between the 64-element column groups of an MN-major operand, unused by
// a k-major one; stride: between atoms of 8 rows of 128 bytes).
mlir::Value wgmmaDescriptor(IndexMath &m, mlir::Value start, int64_t leading,
                            int64_t stride);

} // namespace tessera
