// tesserac --verify-adjoints (see VerifyAdjoints.cpp).
#pragma once

#include "mlir/IR/BuiltinOps.h"

namespace tessera {

// Checks the derivatives of every function that `module` differentiates;
// prints one line per function and returns the exit status (1 when one is
// off or cannot be checked). Symbolic dims take `dimExtent`.
int verifyAdjoints(mlir::ModuleOp module, int64_t dimExtent = 3);

} // namespace tessera
