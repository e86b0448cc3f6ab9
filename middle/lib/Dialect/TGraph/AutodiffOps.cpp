// Verifiers of the derivative operators: the named function exists, the
// operands are its inputs, and the results have the types the derivative
// implies.
#include "tessera/Dialect/TGraph/TGraph.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;

namespace tessera::tgraph {
namespace {

FailureOr<func::FuncOp> lookupCallee(Operation *op, FlatSymbolRefAttr callee,
                                     SymbolTableCollection &symbols) {
  auto fn = symbols.lookupNearestSymbolFrom<func::FuncOp>(op, callee);
  if (!fn)
    return op->emitOpError("names unknown function ") << callee;
  return fn;
}

LogicalResult checkInputs(Operation *op, func::FuncOp fn, TypeRange args,
                          StringRef what) {
  if (args.size() != fn.getNumArguments())
    return op->emitOpError("passes ")
           << args.size() << " " << what << " to @" << fn.getName()
           << ", which takes " << fn.getNumArguments();
  for (auto [i, pair] : llvm::enumerate(llvm::zip(args, fn.getArgumentTypes())))
    if (std::get<0>(pair) != std::get<1>(pair))
      return op->emitOpError(what)
             << " #" << i << " has type " << std::get<0>(pair) << ", but @"
             << fn.getName() << " takes " << std::get<1>(pair);
  return success();
}

LogicalResult checkScalarResult(Operation *op, func::FuncOp fn) {
  if (fn.getNumResults() != 1 ||
      cast<RankedTensorType>(fn.getResultTypes()[0]).getRank() != 0 ||
      !isa<FloatType>(
          cast<RankedTensorType>(fn.getResultTypes()[0]).getElementType()))
    return op->emitOpError("needs @")
           << fn.getName() << " to return one floating-point scalar";
  return success();
}

LogicalResult checkWrt(Operation *op, func::FuncOp fn, uint64_t wrtAttr) {
  auto wrt = static_cast<int64_t>(wrtAttr);
  if (wrt < 0 || wrt >= static_cast<int64_t>(fn.getNumArguments()))
    return op->emitOpError("wrt = ")
           << wrt << " is not an input of @" << fn.getName();
  return success();
}

LogicalResult checkResults(Operation *op, TypeRange got, ArrayRef<Type> want) {
  if (got != TypeRange(want)) {
    std::string w;
    llvm::raw_string_ostream os(w);
    llvm::interleaveComma(want, os);
    return op->emitOpError("results must be (") << os.str() << ")";
  }
  return success();
}

} // namespace

LogicalResult GradOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto fn = lookupCallee(*this, getCalleeAttr(), symbols);
  if (failed(fn) ||
      failed(checkInputs(*this, *fn, getArgs().getTypes(), "argument")) ||
      failed(checkScalarResult(*this, *fn)) ||
      failed(checkWrt(*this, *fn, getWrt())))
    return failure();
  SmallVector<Type> want;
  if (getWithValue())
    want.push_back(fn->getResultTypes()[0]);
  want.push_back(fn->getArgumentTypes()[getWrt()]);
  return checkResults(*this, getResultTypes(), want);
}

LogicalResult VjpOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto fn = lookupCallee(*this, getCalleeAttr(), symbols);
  if (failed(fn) ||
      failed(checkInputs(*this, *fn, getPrimals().getTypes(), "primal")))
    return failure();
  if (getCotangents().getTypes() != fn->getResultTypes())
    return emitOpError("cotangents must have the types of @")
           << fn->getName() << "'s results";
  SmallVector<Type> want(fn->getArgumentTypes());
  return checkResults(*this, getResultTypes(), want);
}

LogicalResult JvpOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto fn = lookupCallee(*this, getCalleeAttr(), symbols);
  if (failed(fn) ||
      failed(checkInputs(*this, *fn, getPrimals().getTypes(), "primal")) ||
      failed(checkInputs(*this, *fn, getTangents().getTypes(), "tangent")))
    return failure();
  SmallVector<Type> want(fn->getResultTypes());
  want.append(fn->getResultTypes().begin(), fn->getResultTypes().end());
  return checkResults(*this, getResultTypes(), want);
}

LogicalResult HvpOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto fn = lookupCallee(*this, getCalleeAttr(), symbols);
  if (failed(fn) ||
      failed(checkInputs(*this, *fn, getArgs().getTypes(), "argument")) ||
      failed(checkScalarResult(*this, *fn)) ||
      failed(checkWrt(*this, *fn, getWrt())))
    return failure();
  Type x = fn->getArgumentTypes()[getWrt()];
  if (getDir().getType() != x)
    return emitOpError("dir has type ")
           << getDir().getType() << ", but input #" << getWrt() << " of @"
           << fn->getName() << " is " << x;
  return checkResults(*this, getResult().getType(), {x});
}

LogicalResult PartialOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto fn = lookupCallee(*this, getCalleeAttr(), symbols);
  if (failed(fn) ||
      failed(checkInputs(*this, *fn, getPoints().getType(), "argument")))
    return failure();
  if (fn->getNumResults() != 1)
    return emitOpError("needs @") << fn->getName() << " to have one result";
  auto points = cast<RankedTensorType>(getPoints().getType());
  if (points.getRank() < 1)
    return emitOpError("points must have rank 1 or more");
  int64_t coords = points.getShape().back();
  auto axis = static_cast<int64_t>(getAxis());
  if (axis < 0 || (!ShapedType::isDynamic(coords) && axis >= coords))
    return emitOpError("axis ")
           << getAxis() << " is not a coordinate of " << points;
  if (getOrder() < 1)
    return emitOpError("order must be at least 1");
  return checkResults(*this, getResult().getType(), {fn->getResultTypes()[0]});
}

} // namespace tessera::tgraph
