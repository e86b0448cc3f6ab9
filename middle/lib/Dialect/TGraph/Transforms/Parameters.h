// Trainable parameters in Graph IR: `ml_program.global`s (with the
// initialiser as `tgraph.init` / `tgraph.seed`) read by
// `ml_program.global_load`. Shared by the passes that turn them into entry
// inputs.
#pragma once

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"

namespace tessera::tgraph {

inline bool isParameterLoad(mlir::Operation *op) {
  return op->getName().getStringRef() == "ml_program.global_load";
}

inline llvm::StringRef parameterName(mlir::Operation *load) {
  return load->getAttrOfType<mlir::FlatSymbolRefAttr>("global").getValue();
}

} // namespace tessera::tgraph
