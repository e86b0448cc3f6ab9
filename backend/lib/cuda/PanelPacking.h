// A matmul's panels of `b` packed on the GPU a 16-byte chunk a thread
// (PanelPacking.cpp).
#pragma once

#include "tessera/Dialect/TTile/TTile.h"

#include "mlir/IR/Builders.h"

namespace tessera {

// Builds the GPU kernel of a matmul_pack kernel for which gpuPackChunks is
// not 0 (TileLowering.h), with the parameters of every other kernel.
void buildGpuPackKernel(ttile::KernelOp kernel, mlir::OpBuilder &mb);

} // namespace tessera
