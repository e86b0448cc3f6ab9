// A matmul kernel on the GPU as block tiles staged through shared memory
// (MatmulTiles.cpp). The entry's launch and the kernel agree on the grid
// through gpuMatmulTiles (TileLowering.h).
#pragma once

#include "tessera/Dialect/TTile/TTile.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace tessera {

// Builds `tessera_kernel_<name>` for a matmul kernel that
// runsAsGpuMatmulTiles, with the parameters every kernel has (buffers, the
// point count and the kernel's sizes, the thread count).
void buildGpuMatmulKernel(ttile::KernelOp kernel, mlir::OpBuilder &mb);

} // namespace tessera
