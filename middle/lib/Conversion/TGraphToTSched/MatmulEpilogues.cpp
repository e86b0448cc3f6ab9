// Matmul epilogues: a linear layer is a matmul, then a bias added and an
// activation, an elementwise group over the product's shape that reads the
// product once. Merged into the matmul's group, its operators run on each
// vector of sums as the kernel stores it (MatmulKernel.cpp): the product
// never reaches memory unless another group reads it too, and the
// elementwise pass over it is gone. The operators are the same, applied to
// the same rounded product, so the bits do not change.
//
// The epilogue of a matmul M is the first elementwise group E over M's
// shape that reads M's product. E stays with its own kernel when
//   - it draws random numbers (their lanes follow an elementwise kernel's
//     steps; a matmul stores along rows of panels),
//   - it reads the product through a broadcast, or
//   - a group before E reads the product too (the merged group takes E's
//     place, so that group would wait on it).
#include "FusionRules.h"

#include "tessera/Dialect/TSched/TSched.h"

using namespace mlir;

namespace tessera {

namespace {

// Whether E can apply its operators to M's sums as they are stored.
bool isEpilogueOf(tsched::FusionGroupOp e, tsched::FusionGroupOp m) {
  if (e.getKind() != "elementwise" || e.getShape() != m.getShape() ||
      e->getBlock() != m->getBlock())
    return false;
  Block &body = e.getBody().front();
  if (llvm::any_of(body.without_terminator(),
                   [](Operation &op) { return isRandom(&op); }))
    return false;
  Value product = m.getResult(0);
  for (auto [arg, in] : llvm::zip(body.getArguments(), e.getInputs()))
    if (in == product &&
        llvm::any_of(arg.getUsers(), llvm::IsaPred<tgraph::BroadcastOp>))
      return false;
  return true;
}

// M's epilogue, or null.
tsched::FusionGroupOp epilogueOf(tsched::FusionGroupOp m) {
  Value product = m.getResult(0);
  tsched::FusionGroupOp first;
  for (Operation *user : product.getUsers()) {
    auto e = dyn_cast<tsched::FusionGroupOp>(user);
    if (e && isEpilogueOf(e, m) && (!first || e->isBeforeInBlock(first)))
      first = e;
  }
  if (!first)
    return {};
  Block *block = m->getBlock();
  for (Operation *user : product.getUsers()) {
    Operation *reader = block->findAncestorOpInBlock(*user);
    if (reader && reader != first && reader->isBeforeInBlock(first))
      return {};
  }
  return first;
}

} // namespace

void mergeMatmulEpilogues(Block &block) {
  SmallVector<tsched::FusionGroupOp> matmuls;
  for (auto g : block.getOps<tsched::FusionGroupOp>())
    if (g.getKind() == "matmul" && g.getNumResults() == 1)
      matmuls.push_back(g);
  for (tsched::FusionGroupOp m : matmuls)
    if (tsched::FusionGroupOp e = epilogueOf(m))
      mergeGroups({m, e}, "matmul");
}

} // namespace tessera
