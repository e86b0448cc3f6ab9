// Fused attention on tensor cores (FlashAttention.cpp).
#pragma once

#include "../common/TileLowering.h"
#include "tessera/Dialect/TTile/TTile.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace tessera {

// Builds the variants of a kernel that runsAsFlashAttention
// (TileLowering.h), one for each of kFlashWidths, beside the kernel's own.
void buildFlashAttentionVariants(ttile::KernelOp kernel, mlir::OpBuilder &mb);

// The forward's sm_90a form of variant `symbol` for `width`: the same
// parameters, threads and grid (`queries` a block), wgmma in place of
// mma.sync (WgmmaFlash.cpp).
void buildWgmmaFlashForward(ttile::KernelOp kernel, int64_t width,
                            int64_t queries, const std::string &symbol,
                            mlir::OpBuilder &mb);

// The adjoint's kernels (attention_stats, attention_dkv, attention_dq):
// variant `symbol` for `width`, and their grids (FlashAttentionGrad.cpp).
void buildFlashAttentionGrad(ttile::KernelOp kernel, int64_t width,
                             const std::string &symbol, mlir::OpBuilder &mb);
FlashGrid flashAttentionGradGrid(ttile::KernelOp kernel);
// Their sm_90a forms: the same parameters, threads and grids, wgmma in
// place of mma.sync (WgmmaFlashGrad.cpp).
void buildWgmmaFlashGrad(ttile::KernelOp kernel, int64_t width,
                         const std::string &symbol, mlir::OpBuilder &mb);

} // namespace tessera
