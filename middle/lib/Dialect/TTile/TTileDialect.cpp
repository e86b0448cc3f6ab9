#include "tessera/Dialect/TTile/TTile.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;

namespace tessera::ttile {

void TTileDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "tessera/Dialect/TTile/TTileOps.cpp.inc"
      >();
}

LogicalResult KernelOp::verify() {
  Block &body = getBody().front();
  int64_t sizes = getNumSizes();
  if (sizes < 0 || body.getNumArguments() < sizes + 2)
    return emitOpError("body must end its arguments with (%offset: index, "
                       "%extent: index) and num_sizes extents");
  unsigned n = body.getNumArguments() - sizes;
  for (unsigned i = n - 2; i < body.getNumArguments(); ++i)
    if (!body.getArgument(i).getType().isIndex())
      return emitOpError("body must end its arguments with (%offset: index, "
                         "%extent: index) and num_sizes extents");
  for (unsigned i = 0; i + 2 < n; ++i)
    if (!isa<MemRefType>(body.getArgument(i).getType()))
      return emitOpError("argument #") << i << " must be a buffer (memref)";
  if (getNumInputs() > n - 2)
    return emitOpError("num_inputs out of range");
  if (getTile() <= 0 || getVector() <= 0 || getTile() % getVector() != 0)
    return emitOpError("tile (")
           << getTile() << ") must be a positive multiple of vector ("
           << getVector() << ")";
  return success();
}

static LogicalResult verifyVectorAccess(Operation *op, MemRefType buffer,
                                        VectorType vector) {
  if (buffer.getElementType() != vector.getElementType())
    return op->emitOpError("vector element type ")
           << vector.getElementType() << " does not match buffer element type "
           << buffer.getElementType();
  if (buffer.getRank() != 1)
    return op->emitOpError("buffers are flat (rank 1)");
  return success();
}

LogicalResult LoadOp::verify() {
  return verifyVectorAccess(*this, getBuffer().getType(), getType());
}

LogicalResult StoreOp::verify() {
  return verifyVectorAccess(*this, getBuffer().getType(),
                            cast<VectorType>(getValue().getType()));
}

LogicalResult LaunchOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto kernel =
      symbols.lookupNearestSymbolFrom<KernelOp>(*this, getKernelAttr());
  if (!kernel)
    return emitOpError("unknown kernel @") << getKernel();
  unsigned expected = kernel.getNumBuffers();
  if (getBuffers().size() != expected)
    return emitOpError("passes ")
           << getBuffers().size() << " buffers to a kernel that takes "
           << expected;
  if (getSizes().size() != kernel.getNumSizes())
    return emitOpError("passes ")
           << getSizes().size() << " sizes to a kernel that takes "
           << kernel.getNumSizes();
  for (auto [buf, arg] :
       llvm::zip(getBuffers(), kernel.getBody().getArguments()))
    if (buf.getType() != arg.getType())
      return emitOpError("buffer type ")
             << buf.getType() << " does not match kernel argument type "
             << arg.getType();
  return success();
}

} // namespace tessera::ttile

#include "tessera/Dialect/TTile/TTileOpsDialect.cpp.inc"

#define GET_OP_CLASSES
#include "tessera/Dialect/TTile/TTileOps.cpp.inc"
