#include "tessera/Dialect/TSched/TSched.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;

namespace tessera::tsched {

void TSchedDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "tessera/Dialect/TSched/TSchedOps.cpp.inc"
      >();
}

LogicalResult FusionGroupOp::verify() {
  Block &body = getBody().front();
  if (body.getNumArguments() != getInputs().size())
    return emitOpError("has ") << getInputs().size() << " inputs but "
                               << body.getNumArguments() << " block arguments";
  for (auto [input, arg] : llvm::zip(getInputs(), body.getArguments()))
    if (input.getType() != arg.getType())
      return emitOpError("block argument type ")
             << arg.getType() << " does not match input type "
             << input.getType();
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (!yield)
    return emitOpError("body must end with tsched.yield");
  if (yield.getValues().getTypes() != getResultTypes())
    return emitOpError("yielded types do not match result types");
  if (!llvm::is_contained(ArrayRef<StringRef>{"elementwise", "matmul",
                                              "reduction", "layout", "solve",
                                              "gather", "rows", "fourier",
                                              "complex", "attention",
                                              "attention_grad"},
                          getKind()))
    return emitOpError("unknown kind '") << getKind() << "'";
  for (int64_t t : getTile())
    if (t <= 0)
      return emitOpError("tile extents must be positive");
  return success();
}

} // namespace tessera::tsched

#include "tessera/Dialect/TSched/TSchedOpsDialect.cpp.inc"

#define GET_OP_CLASSES
#include "tessera/Dialect/TSched/TSchedOps.cpp.inc"
