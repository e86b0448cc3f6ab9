// The symbolic shape of a Graph IR value: integers for known extents and
// strings for symbols, as in the `tgraph.shape` attribute.
#pragma once

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Value.h"

namespace tessera {

// Follows the value to a function argument's `tgraph.shape` (elementwise
// operators keep their non-scalar operand's shape). Rank-0 values give [].
// Returns a null attribute when the shape cannot be recovered.
mlir::ArrayAttr symbolicShape(mlir::Value value);

} // namespace tessera
