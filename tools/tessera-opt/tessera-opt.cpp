// mlir-opt for Tessera's dialects and passes; lit tests drive every pass
// through it.
#include "tessera/Backend/Passes.h"
#include "tessera/Conversion/Passes.h"
#include "tessera/Dialect/TGraph/Transforms/Passes.h"
#include "tessera/Dialect/TTile/Transforms/Passes.h"

#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Dialect/Func/Extensions/InlinerExtension.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/Dialect/Mesh/IR/MeshDialect.h"
#include "mlir/Dialect/Mesh/IR/MeshOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry
      .insert<tessera::tgraph::TGraphDialect, tessera::tsched::TSchedDialect,
              tessera::ttile::TTileDialect, mlir::func::FuncDialect,
              mlir::arith::ArithDialect, mlir::math::MathDialect,
              mlir::memref::MemRefDialect, mlir::scf::SCFDialect,
              mlir::vector::VectorDialect, mlir::cf::ControlFlowDialect,
              mlir::LLVM::LLVMDialect, mlir::tensor::TensorDialect,
              mlir::ml_program::MLProgramDialect, mlir::mesh::MeshDialect>();
  mlir::func::registerInlinerExtension(registry);
  tessera::registerTesseraMiddlePasses();
  tessera::tgraph::registerTGraphTransformsPasses();
  tessera::ttile::registerTTileTransformsPasses();
  tessera::registerTesseraBackendPasses();
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::registerSymbolDCEPass();
  mlir::registerInlinerPass();
  mlir::registerPass([] { return mlir::createReconcileUnrealizedCastsPass(); });
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Tessera optimizer driver\n", registry));
}
