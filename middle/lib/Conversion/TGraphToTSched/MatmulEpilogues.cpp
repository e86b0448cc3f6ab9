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
//   - it is not cheap: its operators are copied into each of the matmul
//     kernel's stores (a CPU block has 16, and its edges more), so a
//     transcendental (tanh, exp, sqrt: Tessera's own polynomials) or a
//     chain of more than kMostEpilogueOps operators would multiply the
//     kernel's code, and the compile time with it (the Burgers PINN's tanh
//     layers took nearly twice as long to compile), to save one pass over
//     the product; nor is another tensor of the product's size read
//     element by element (a residual, a derivative's mask: a load in every
//     copy). Dropout and uniform numbers are cheap: an element's number
//     is a pure function of the seed and the element's flat index, which
//     the matmul's stores know (normal numbers take a log and a cos),
//   - it reads the product through a broadcast, or
//   - a group before E reads the product too (the merged group takes E's
//     place, so that group would wait on it).
// An extent of the product read before E (a shape cast's, where a call
// with known extents meets an op with symbolic dims) is read from the
// matmul's operands instead, so it does not wait on the product.
#include "FusionRules.h"

#include "tessera/Dialect/TSched/TSched.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace tessera {

namespace {

// Each `tensor.dim` of M's product becomes the dim of the operand that
// gives the product that extent: a batch dim of whichever operand has
// them, the rows of a (its columns when transposed), the columns of b (its
// rows when transposed).
void readProductExtentsFromOperands(tsched::FusionGroupOp m) {
  auto mm = cast<tgraph::MatmulOp>(m.getBody().front().front());
  auto operand = [&](Value inner) {
    return m.getInputs()[cast<BlockArgument>(inner).getArgNumber()];
  };
  Value lhs = operand(mm.getLhs()), rhs = operand(mm.getRhs());
  int64_t rank = cast<RankedTensorType>(mm.getType()).getRank();
  int64_t lhsRank = cast<RankedTensorType>(lhs.getType()).getRank();
  int64_t rhsRank = cast<RankedTensorType>(rhs.getType()).getRank();
  for (Operation *user : llvm::to_vector(m.getResult(0).getUsers())) {
    auto dim = dyn_cast<tensor::DimOp>(user);
    std::optional<int64_t> axis = dim ? dim.getConstantIndex() : std::nullopt;
    if (!axis)
      continue;
    Value from = rhs;
    int64_t at = mm.getTransposeRhs() ? rhsRank - 2 : rhsRank - 1;
    if (*axis < rank - 2) {
      from = lhsRank == rank ? lhs : rhs;
      at = *axis;
    } else if (*axis == rank - 2) {
      from = lhs;
      at = mm.getTransposeLhs() ? lhsRank - 1 : lhsRank - 2;
    }
    OpBuilder b(dim);
    dim.replaceAllUsesWith(
        b.create<tensor::DimOp>(dim.getLoc(), from, at).getResult());
    dim.erase();
  }
}

constexpr int kMostEpilogueOps = 4;

// Operators that cost nothing in a kernel: constants, broadcasts (read in
// place) and shape casts.
bool isFree(Operation &op) {
  return isa<tgraph::ConstantOp, tgraph::BroadcastOp, tgraph::ReshapeOp>(op);
}
// Operators of a few instructions each.
bool isCheap(Operation &op) {
  return isFree(op) ||
         isa<tgraph::AddOp, tgraph::SubOp, tgraph::MulOp, tgraph::NegOp,
             tgraph::MaxOp, tgraph::MinOp, tgraph::AbsOp, tgraph::ReluOp,
             tgraph::SquareOp, tgraph::CompareOp, tgraph::SelectOp,
             tgraph::CastOp, tgraph::DropoutOp, tgraph::RandomUniformOp>(op);
}

// Whether E can apply its operators to M's sums as they are stored.
bool isEpilogueOf(tsched::FusionGroupOp e, tsched::FusionGroupOp m) {
  if (e.getKind() != "elementwise" || e.getShape() != m.getShape() ||
      e->getBlock() != m->getBlock())
    return false;
  Block &body = e.getBody().front();
  auto ops = body.without_terminator();
  if (!llvm::all_of(ops, isCheap) || llvm::count_if(ops, [](Operation &op) {
                                       return !isFree(op);
                                     }) > kMostEpilogueOps)
    return false;
  Value product = m.getResult(0);
  auto space = cast<RankedTensorType>(product.getType());
  for (auto [arg, in] : llvm::zip(body.getArguments(), e.getInputs())) {
    if (in == product &&
        llvm::any_of(arg.getUsers(), llvm::IsaPred<tgraph::BroadcastOp>))
      return false;
    // Another tensor of the product's size read element by element (a
    // derivative's mask, a residual): a load in each copy, and not a
    // layer's epilogue.
    auto t = dyn_cast<RankedTensorType>(in.getType());
    if (in != product && t && t.getRank() == space.getRank() &&
        llvm::any_of(arg.getUsers(), [](Operation *user) {
          return !isa<tgraph::BroadcastOp>(user);
        }))
      return false;
  }
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
  for (tsched::FusionGroupOp m : matmuls) {
    readProductExtentsFromOperands(m);
    if (tsched::FusionGroupOp e = epilogueOf(m))
      mergeGroups({m, e}, "matmul");
  }
}

} // namespace tessera
