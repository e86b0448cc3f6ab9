// Checked AST -> Graph IR: the public entry point (the generator itself is
// in MLIRGen/).
#include "tessera/Frontend/MLIRGen.h"

#include "MLIRGen/Generator.h"

namespace tessera {

mlir::OwningOpRef<mlir::ModuleOp> mlirGen(mlir::MLIRContext &ctx,
                                          const ast::Module &module,
                                          const SemaResult &types,
                                          DiagnosticEngine &diags) {
  using namespace mlir;
  ctx.getOrLoadDialect<tgraph::TGraphDialect>();
  ctx.getOrLoadDialect<func::FuncDialect>();
  ctx.getOrLoadDialect<tensor::TensorDialect>();
  ctx.getOrLoadDialect<arith::ArithDialect>();
  ctx.getOrLoadDialect<ml_program::MLProgramDialect>();
  ctx.getOrLoadDialect<mesh::MeshDialect>();
  return mlirgen::Generator(ctx, types, diags).run(module);
}

} // namespace tessera
