// Checked AST -> Graph IR (tgraph), with the .tsr location on every op.
#pragma once

#include "tessera/Frontend/AST.h"
#include "tessera/Frontend/Sema.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace tessera {

mlir::OwningOpRef<mlir::ModuleOp> mlirGen(mlir::MLIRContext &ctx,
                                          const ast::Module &module,
                                          const SemaResult &types);

} // namespace tessera
