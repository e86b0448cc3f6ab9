// Tile IR transformations (ttile -> ttile).
#pragma once

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "tessera/Dialect/TTile/TTile.h"

namespace tessera::ttile {

#define GEN_PASS_DECL
#include "tessera/Dialect/TTile/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tessera/Dialect/TTile/Transforms/Passes.h.inc"

} // namespace tessera::ttile
