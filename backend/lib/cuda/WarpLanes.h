// A row reduction's 32 lanes as the 32 threads of a warp (WarpLanes.cpp).
#pragma once

#include "tessera/Dialect/TTile/TTile.h"

namespace tessera {

// Rewrites `kernel`'s body so that each thread computes one lane of its
// vectors; fails, leaving the body as it was, on an operator it cannot
// distribute.
mlir::LogicalResult distributeLanesOverWarp(ttile::KernelOp kernel);

} // namespace tessera
