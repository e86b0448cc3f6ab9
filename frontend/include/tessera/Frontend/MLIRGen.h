// Checked AST -> Graph IR (tgraph), with the .tsr location on every op.
#pragma once

#include "tessera/Frontend/AST.h"
#include "tessera/Frontend/Sema.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace tessera {

// Returns null after reporting, at their places, the constructs that have
// no Graph IR form yet.
mlir::OwningOpRef<mlir::ModuleOp> mlirGen(mlir::MLIRContext &ctx,
                                          const ast::Module &module,
                                          const SemaResult &types,
                                          DiagnosticEngine &diags);

} // namespace tessera
