// Fused attention on tensor cores (FlashAttention.cpp).
#pragma once

#include "tessera/Dialect/TTile/TTile.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace tessera {

// Builds the variants of a kernel that runsAsFlashAttention
// (TileLowering.h), one for each of kFlashWidths, beside the kernel's own.
void buildFlashAttentionVariants(ttile::KernelOp kernel, mlir::OpBuilder &mb);

} // namespace tessera
