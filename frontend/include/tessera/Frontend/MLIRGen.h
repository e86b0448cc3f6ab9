// Checked AST -> Graph IR (tgraph), with the .tsr location on every op.
#pragma once

#include "tessera/Frontend/AST.h"
#include "tessera/Frontend/Sema.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace tessera {

// Reports, at their places, the checked constructs the Graph IR generator
// does not handle yet; returns false if there were any.
bool checkCodegenSupport(const ast::Module &module, const SemaResult &types,
                         DiagnosticEngine &diags);

mlir::OwningOpRef<mlir::ModuleOp> mlirGen(mlir::MLIRContext &ctx,
                                          const ast::Module &module,
                                          const SemaResult &types);

} // namespace tessera
