// Trainable parameters in Graph IR: `ml_program.global`s (with the
// initialiser as `tgraph.init` / `tgraph.seed`) read by
// `ml_program.global_load`. Shared by the passes that turn them into entry
// inputs.
#pragma once

#include "tessera/Dialect/TGraph/TGraph.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"

namespace tessera::tgraph {

inline bool isParameterLoad(mlir::Operation *op) {
  return op->getName().getStringRef() == "ml_program.global_load";
}

inline llvm::StringRef parameterName(mlir::Operation *load) {
  return load->getAttrOfType<mlir::FlatSymbolRefAttr>("global").getValue();
}

// The attributes of an entry input or result: its name and static shape.
inline mlir::NamedAttrList namedStaticArg(mlir::MLIRContext *ctx,
                                          llvm::StringRef name,
                                          mlir::RankedTensorType type) {
  mlir::Builder b(ctx);
  llvm::SmallVector<mlir::Attribute> shape;
  for (int64_t d : type.getShape())
    shape.push_back(b.getI64IntegerAttr(d));
  mlir::NamedAttrList attrs;
  attrs.set(kNameAttr, b.getStringAttr(name));
  attrs.set(kShapeAttr, b.getArrayAttr(shape));
  return attrs;
}

// The input `param:NAME` of parameter NAME, declared by `global` (null when
// it is not found): name, shape and the initialiser, for the .tbin
// parameter table.
inline mlir::DictionaryAttr parameterInput(mlir::MLIRContext *ctx,
                                           mlir::Operation *global,
                                           llvm::StringRef name,
                                           mlir::RankedTensorType type) {
  mlir::NamedAttrList attrs =
      namedStaticArg(ctx, ("param:" + name).str(), type);
  if (global)
    for (llvm::StringRef key : {"tgraph.init", "tgraph.seed"})
      if (mlir::Attribute a = global->getAttr(key))
        attrs.set(key, a);
  return attrs.getDictionary(ctx);
}

} // namespace tessera::tgraph
