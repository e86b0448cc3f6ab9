// Forward and reverse sweeps: the chain rule over a sequence of ops, each
// op's own rule (DifferentiableOpInterface) applied in turn.
#include "tessera/Dialect/TGraph/Derivatives.h"

using namespace mlir;

namespace tessera::tgraph {

DenseSet<Value> activeValues(ArrayRef<Operation *> ops, ArrayRef<Value> seeds) {
  DenseSet<Value> active(seeds.begin(), seeds.end());
  for (Operation *op : ops) {
    bool any = llvm::any_of(op->getOperands(),
                            [&](Value v) { return active.contains(v); });
    if (!any)
      continue;
    for (Value r : op->getResults())
      if (isDifferentiableType(r.getType()))
        active.insert(r);
  }
  return active;
}

static void accumulate(OpBuilder &b, Location loc,
                       DenseMap<Value, Value> &cotangents, Value target,
                       Value contribution) {
  if (!contribution)
    return;
  // A rule may know a dim statically that the operand's type leaves `?`
  // (or the reverse): give the cotangent the operand's exact type.
  if (contribution.getType() != target.getType()) {
    RuleBuilder rb(b, loc);
    contribution = b.create<ReshapeOp>(loc, target.getType(), contribution,
                                       rb.dynamicDims(target));
  }
  Value &slot = cotangents[target];
  slot = slot ? b.create<AddOp>(loc, slot, contribution).getResult()
              : contribution;
}

static void missingRule(const SweepHooks &hooks, Operation *op) {
  if (hooks.missingRule)
    hooks.missingRule(op);
  else
    op->emitError("'") << op->getName() << "' has no derivative rule";
}

LogicalResult reverseSweep(OpBuilder &b, ArrayRef<Operation *> ops,
                           const DenseSet<Value> &active,
                           DenseMap<Value, Value> &cotangents,
                           const SweepHooks &hooks) {
  for (Operation *op : llvm::reverse(ops)) {
    SmallVector<Value> dys;
    bool any = false;
    for (Value r : op->getResults()) {
      dys.push_back(cotangents.lookup(r));
      any |= static_cast<bool>(dys.back());
    }
    bool needed = llvm::any_of(op->getOperands(),
                               [&](Value v) { return active.contains(v); });
    if (!any || !needed)
      continue;
    SmallVector<Value> dxs;
    if (auto rule = dyn_cast<DifferentiableOpInterface>(op)) {
      if (failed(rule.buildVJP(b, dys, dxs)))
        return failure();
    } else if (!hooks.reverseOther ||
               failed(hooks.reverseOther(b, op, dys, dxs))) {
      if (!hooks.reverseOther)
        missingRule(hooks, op);
      return failure();
    }
    for (auto [operand, dx] : llvm::zip(op->getOperands(), dxs))
      if (active.contains(operand))
        accumulate(b, op->getLoc(), cotangents, operand, dx);
  }
  return success();
}

LogicalResult forwardSweep(OpBuilder &b, ArrayRef<Operation *> ops,
                           DenseMap<Value, Value> &tangents,
                           const SweepHooks &hooks) {
  for (Operation *op : ops) {
    SmallVector<Value> dxs;
    bool any = false;
    for (Value v : op->getOperands()) {
      dxs.push_back(tangents.lookup(v));
      any |= static_cast<bool>(dxs.back());
    }
    if (!any)
      continue;
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointAfter(op);
    SmallVector<Value> dys;
    if (auto rule = dyn_cast<DifferentiableOpInterface>(op)) {
      if (failed(rule.buildJVP(b, dxs, dys)))
        return failure();
    } else if (llvm::none_of(op->getResults(), [](Value r) {
                 return isDifferentiableType(r.getType());
               })) {
      continue; // integer, boolean and index results carry no tangent
    } else if (!hooks.forwardOther ||
               failed(hooks.forwardOther(b, op, dxs, dys))) {
      if (!hooks.forwardOther)
        missingRule(hooks, op);
      return failure();
    }
    for (auto [r, dy] : llvm::zip(op->getResults(), dys))
      if (dy)
        tangents[r] = dy;
  }
  return success();
}

// Builds `op`'s decomposition at the insertion point; returns its results
// and sets `ops` to the ops built, in order.
static SmallVector<Value> decompose(OpBuilder &b, Operation *op,
                                    const DecompositionOfResults &build,
                                    SmallVectorImpl<Operation *> &ops) {
  Block *block = b.getInsertionBlock();
  // The op before the insertion point marks where the decomposition starts.
  Block::iterator before = b.getInsertionPoint();
  bool atStart = before == block->begin();
  Block::iterator prev = atStart ? block->end() : std::prev(before);
  RuleBuilder rb(b, op->getLoc());
  SmallVector<Value> ys = build(rb, op->getOperands());
  for (auto it = atStart ? block->begin() : std::next(prev);
       it != b.getInsertionPoint(); ++it)
    ops.push_back(&*it);
  return ys;
}

LogicalResult vjpByDecomposition(OpBuilder &b, Operation *op,
                                 ArrayRef<Value> dys,
                                 SmallVectorImpl<Value> &dxs,
                                 const DecompositionOfResults &build) {
  SmallVector<Operation *> ops;
  SmallVector<Value> ys = decompose(b, op, build, ops);
  SmallVector<Value> seeds;
  for (Value v : op->getOperands())
    if (isDifferentiableType(v.getType()))
      seeds.push_back(v);
  DenseSet<Value> active = activeValues(ops, seeds);
  DenseMap<Value, Value> cotangents;
  for (auto [y, dy] : llvm::zip(ys, dys))
    if (dy)
      cotangents[y] = dy;
  if (failed(reverseSweep(b, ops, active, cotangents)))
    return failure();
  for (Value v : op->getOperands())
    dxs.push_back(cotangents.lookup(v));
  return success();
}

LogicalResult jvpByDecomposition(OpBuilder &b, Operation *op,
                                 ArrayRef<Value> dxs,
                                 SmallVectorImpl<Value> &dys,
                                 const DecompositionOfResults &build) {
  SmallVector<Operation *> ops;
  SmallVector<Value> ys = decompose(b, op, build, ops);
  DenseMap<Value, Value> tangents;
  for (auto [v, dv] : llvm::zip(op->getOperands(), dxs))
    if (dv)
      tangents[v] = dv;
  // The sweep emits each tangent right after its op, so everything lies
  // before the insertion point.
  if (failed(forwardSweep(b, ops, tangents)))
    return failure();
  for (Value y : ys)
    dys.push_back(tangents.lookup(y));
  return success();
}

// The single-result forms, for composite operators.
static DecompositionOfResults
ofResults(const std::function<Value(RuleBuilder &, ValueRange)> &build) {
  return [build](RuleBuilder &rb, ValueRange xs) {
    return SmallVector<Value>{build(rb, xs)};
  };
}

LogicalResult vjpByDecomposition(
    OpBuilder &b, Operation *op, ArrayRef<Value> dys,
    SmallVectorImpl<Value> &dxs,
    const std::function<Value(RuleBuilder &, ValueRange)> &build) {
  return vjpByDecomposition(b, op, dys, dxs, ofResults(build));
}

LogicalResult jvpByDecomposition(
    OpBuilder &b, Operation *op, ArrayRef<Value> dxs,
    SmallVectorImpl<Value> &dys,
    const std::function<Value(RuleBuilder &, ValueRange)> &build) {
  return jvpByDecomposition(b, op, dxs, dys, ofResults(build));
}

} // namespace tessera::tgraph
