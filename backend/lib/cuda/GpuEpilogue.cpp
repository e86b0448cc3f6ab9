// A matmul's epilogue inside a GPU block tile (MatmulBlock.h): the body of
// its element kernel (MatmulEpilogue.h in the Tile IR lowering), cloned
// where the block stores an element of the result; its buffers are the
// block kernel's parameters, its indices the element's place. It is the
// body the CPU's matmul kernel applies to its vectors, on one lane, so the
// bits are the same.
#include "../common/TileLowering.h"
#include "MatmulBlock.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;

namespace tessera {

// The body's read of input 0, which stands for the product.
static ttile::LoadOp productRead(Block &body) {
  for (Operation *user : body.getArgument(0).getUsers())
    if (auto load = dyn_cast<ttile::LoadOp>(user))
      return load;
  return {};
}

void applyEpilogue(OpBuilder &b, Location loc, const MatmulBlock &block,
                   Value value, Value index, Value row, Value col) {
  const MatmulBlock::Epilogue &e = *block.epilogue;
  ttile::KernelOp kernel = e.element;
  Block &body = kernel.getBody().front();
  unsigned inputs = kernel.getNumInputs(), buffers = kernel.getNumBuffers();
  unsigned sizes = kernel.getNumSizes();
  IndexMath m{b, loc};
  auto asIndex = [&](Value v) { return castTo(b, loc, v, b.getIndexType()); };
  // Generic pointers, as the body's accesses lower (LLVM infers global
  // from the cast).
  auto asBuffer = [&](Value global, Value arg) {
    Value generic = b.create<LLVM::AddrSpaceCastOp>(
        loc, llvmPtrType(b.getContext()), global);
    return castTo(b, loc, generic, arg.getType());
  };
  IRMapping map;
  for (unsigned i = 1; i < inputs; ++i)
    map.map(body.getArgument(i),
            asBuffer(e.inputs[i - 1], body.getArgument(i)));
  for (unsigned i = inputs; i < buffers; ++i)
    map.map(body.getArgument(i),
            asBuffer(e.outputs[i - inputs], body.getArgument(i)));
  map.map(body.getArgument(buffers), asIndex(index));
  map.map(body.getArgument(buffers + 1), asIndex(m.add(index, m.c(1))));
  Value position[] = {m.add(block.rowBase, row), col, block.N};
  for (unsigned i = 0; i < sizes; ++i)
    map.map(body.getArgument(buffers + 2 + i),
            asIndex(i + 3 < sizes ? e.rowLengths[i] : position[i + 3 - sizes]));
  ttile::LoadOp product = productRead(body);
  auto vt = product.getType();
  if (value.getType() != vt.getElementType())
    value = b.create<LLVM::BitcastOp>(loc, vt.getElementType(), value);
  map.map(product.getResult(), b.create<vector::SplatOp>(loc, vt, value));
  for (Operation &op : body.without_terminator())
    if (&op != product)
      b.clone(op, map);
}

} // namespace tessera
