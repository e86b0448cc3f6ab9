// A reduction computes its operand from the elementwise chain that produces
// it (FusionRules.h): softmax's sum(exp(x - max)) reads x and the row
// maxima, and exp(x - max) is never stored.
//
// A chain value that other operators also read (softmax's exp(x - max),
// which the division reads too) is either recomputed here or stored by its
// elementwise group and read back. Storing costs a write and a read of the
// whole operand (8 bytes per f32 element, and a temporary of its size);
// recomputing costs the chain's operators once more per element, in
// registers. A few operators, up to one transcendental (a polynomial of
// some 15 operations), cost less than that traffic once the operand
// outgrows the caches, so such chains are recomputed; a longer shared
// chain stops at the shared values, which the reduction then reads.
#include "FusionRules.h"

#include "tessera/Conversion/BroadcastRead.h"
#include "tessera/Conversion/SymbolicShape.h"

#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;

namespace tessera {

namespace {

// The most a reduction recomputes of values other operators read: one
// transcendental and a few arithmetic operators.
constexpr int64_t kRecomputeBudget = 24;

// Operators per element, roughly, once lowered.
int64_t recomputeCost(Operation *op) {
  if (isa<tgraph::BroadcastOp>(op))
    return 0;
  if (isa<tgraph::ExpOp, tgraph::LogOp, tgraph::Log1pOp, tgraph::SinOp,
          tgraph::CosOp, tgraph::TanhOp, tgraph::SigmoidOp, tgraph::SiluOp,
          tgraph::PowOp>(op))
    return 16;
  // A floating-point remainder is a loop over the operands' exponent gap.
  if (isa<tgraph::RemOp>(op))
    return kRecomputeBudget + 1;
  return 1;
}

class ChainBuilder {
public:
  explicit ChainBuilder(Operation *reduction) : reduction(reduction) {
    Value operand = reduction->getOperand(0);
    type = cast<RankedTensorType>(operand.getType());
    shape = symbolicShape(operand);
    SmallVector<int64_t> axes(
        reduction->getAttrOfType<DenseI64ArrayAttr>("axes").asArrayRef());
    llvm::sort(axes);
    int64_t rank = type.getRank();
    int64_t first = axes.empty() ? rank : axes.front();
    int64_t last = axes.empty() ? rank : axes.back() + 1;
    bounds = {0, first, last, rank};
  }

  // The chain computing the operand, in program order; empty when there is
  // none worth fusing.
  SmallVector<Operation *> chain() {
    if (!shape)
      return {};
    llvm::SetVector<Operation *> all = collect(/*throughShared=*/true);
    if (recomputed(all) > kRecomputeBudget)
      all = collect(/*throughShared=*/false);
    SmallVector<Operation *> ops(all.begin(), all.end());
    llvm::sort(
        ops, [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
    return ops;
  }

private:
  bool joins(Operation *def) {
    if (!def || def->getBlock() != reduction->getBlock())
      return false;
    if (symbolicShape(def->getResult(0)) != shape)
      return false;
    if (auto b = dyn_cast<tgraph::BroadcastOp>(def))
      return segmentReads(cast<RankedTensorType>(b.getOperand().getType()),
                          type, bounds)
          .has_value();
    // A shape cast stays out: the reduction kernels read their inputs in
    // the operand's type.
    return isElementwise(def) && !isa<tgraph::ConstantOp>(def) &&
           !isShapeCast(def);
  }

  // Whether an operator outside the chain reads `op`.
  bool shared(Operation *op, const llvm::SetVector<Operation *> &chain) {
    return llvm::any_of(op->getUsers(), [&](Operation *user) {
      return user != reduction && !chain.contains(user);
    });
  }

  llvm::SetVector<Operation *> collect(bool throughShared) {
    llvm::SetVector<Operation *> chain;
    SmallVector<Value> work{reduction->getOperand(0)};
    while (!work.empty()) {
      Operation *def = work.pop_back_val().getDefiningOp();
      if (!joins(def) || chain.contains(def))
        continue;
      // Users are checked against the chain so far: a user inside the chain
      // is found before its operands.
      if (!throughShared && shared(def, chain))
        continue;
      chain.insert(def);
      // A broadcast's operand is read as it is.
      if (!isa<tgraph::BroadcastOp>(def))
        work.append(def->operand_begin(), def->operand_end());
    }
    return chain;
  }

  // The cost of what stays computed outside too: shared operators and the
  // chain operators they read.
  int64_t recomputed(const llvm::SetVector<Operation *> &chain) {
    llvm::SetVector<Operation *> kept;
    for (Operation *op : chain)
      if (shared(op, chain))
        kept.insert(op);
    for (size_t i = 0; i < kept.size(); ++i)
      for (Value v : kept[i]->getOperands())
        if (Operation *def = v.getDefiningOp(); def && chain.contains(def))
          kept.insert(def);
    int64_t cost = 0;
    for (Operation *op : kept)
      cost += recomputeCost(op);
    return cost;
  }

  Operation *reduction;
  RankedTensorType type;
  ArrayAttr shape;
  SmallVector<int64_t, 4> bounds;
};

} // namespace

llvm::MapVector<Operation *, SmallVector<Operation *>>
fuseReductionChains(Block &block) {
  SmallVector<Operation *> reductions;
  for (Operation &op : block)
    if (isa<tgraph::ReduceSumOp, tgraph::ReduceMeanOp, tgraph::ReduceMaxOp,
            tgraph::ReduceMinOp, tgraph::ReduceProdOp>(op))
      reductions.push_back(&op);
  llvm::MapVector<Operation *, SmallVector<Operation *>> chains;
  for (Operation *reduction : reductions) {
    SmallVector<Operation *> chain = ChainBuilder(reduction).chain();
    if (chain.empty())
      continue;
    IRMapping map;
    OpBuilder b(reduction);
    SmallVector<Operation *> clones;
    for (Operation *op : chain)
      clones.push_back(b.clone(*op, map));
    reduction->setOperand(0, map.lookup(reduction->getOperand(0)));
    for (Operation *op : llvm::reverse(chain))
      if (op->use_empty())
        op->erase();
    chains[reduction] = std::move(clones);
  }
  return chains;
}

} // namespace tessera
