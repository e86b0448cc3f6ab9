// Exact fused multiply-adds for CPUs without FMA instructions
// (SoftwareFma.cpp).
#pragma once

#include "mlir/IR/BuiltinOps.h"

namespace tessera {

// Rewrites every math.fma marked ttile.fused inside the module's kernels
// into arithmetic that rounds once, as an FMA instruction does.
mlir::LogicalResult expandFusedMultiplyAdds(mlir::ModuleOp module);

} // namespace tessera
