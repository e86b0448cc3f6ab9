// tgraph -> tsched: gather the operators of each iteration space into one
// fusion group, so that an elementwise chain becomes one kernel and its
// intermediates never reach memory.
#include "tessera/Conversion/Passes.h"
#include "tessera/Conversion/SymbolicShape.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"

namespace tessera {
#define GEN_PASS_DEF_FORMFUSIONGROUPS
#include "tessera/Conversion/Passes.h.inc"
} // namespace tessera

using namespace mlir;

namespace tessera {
namespace {

struct GroupPlan {
  SmallVector<Operation *> ops;       // in program order
  llvm::SetVector<Value> passthrough; // returned as they are
};

bool isGrouped(Operation *op) { return !isa<tgraph::ConstantOp>(op); }

// The operators an elementwise fusion group may hold.
bool isElementwise(Operation *op) {
  return isa<tgraph::AddOp, tgraph::SubOp, tgraph::MulOp, tgraph::DivOp,
             tgraph::NegOp, tgraph::ConstantOp, tgraph::PowOp, tgraph::MaxOp,
             tgraph::MinOp, tgraph::AbsOp, tgraph::ExpOp, tgraph::LogOp,
             tgraph::Log1pOp, tgraph::SqrtOp, tgraph::RsqrtOp, tgraph::SinOp,
             tgraph::CosOp, tgraph::TanhOp, tgraph::SigmoidOp, tgraph::ReluOp,
             tgraph::SquareOp, tgraph::SiluOp>(op);
}

LogicalResult buildGroup(func::FuncOp fn, ArrayAttr shape, GroupPlan &plan,
                         int64_t tileElements) {
  llvm::SmallPtrSet<Operation *, 16> members(plan.ops.begin(), plan.ops.end());
  auto inGroup = [&](Value v) {
    Operation *def = v.getDefiningOp();
    return def && members.count(def);
  };

  llvm::SetVector<Value> inputs;
  llvm::SetVector<Operation *> constants;
  for (Operation *op : plan.ops)
    for (Value operand : op->getOperands()) {
      if (inGroup(operand))
        continue;
      Operation *def = operand.getDefiningOp();
      if (def && isa<tgraph::ConstantOp>(def)) {
        constants.insert(def);
        continue;
      }
      if (def)
        return op->emitError("operand comes from another fusion group; "
                             "chaining groups is not supported yet");
      inputs.insert(operand);
    }
  for (Value v : plan.passthrough)
    if (isa<BlockArgument>(v))
      inputs.insert(v);
    else
      constants.insert(v.getDefiningOp());

  // Results: values of the group used outside it, and the passthroughs.
  llvm::SetVector<Value> outputs;
  for (Operation *op : plan.ops)
    for (Value r : op->getResults())
      for (Operation *user : r.getUsers())
        if (!members.count(user))
          outputs.insert(r);
  for (Value v : plan.passthrough)
    outputs.insert(v);

  SmallVector<Location> locs;
  for (Operation *op : plan.ops)
    locs.push_back(op->getLoc());
  for (Value v : plan.passthrough)
    locs.push_back(v.getLoc());
  Location loc = FusedLoc::get(fn.getContext(), locs);

  Operation *terminator = fn.getBody().front().getTerminator();
  OpBuilder b(terminator);
  SmallVector<Type> resultTypes;
  for (Value v : outputs)
    resultTypes.push_back(v.getType());
  auto group = b.create<tsched::FusionGroupOp>(
      loc, resultTypes, inputs.getArrayRef(), b.getStringAttr("elementwise"),
      shape, b.getDenseI64ArrayAttr({tileElements}));

  Block *body = new Block();
  group.getBody().push_back(body);
  IRMapping map;
  for (Value in : inputs)
    map.map(in, body->addArgument(in.getType(), in.getLoc()));
  OpBuilder inner = OpBuilder::atBlockEnd(body);
  for (Operation *c : constants)
    inner.clone(*c, map);
  for (Operation *op : plan.ops)
    inner.clone(*op, map);
  SmallVector<Value> yielded;
  for (Value v : outputs)
    yielded.push_back(map.lookup(v));
  inner.create<tsched::YieldOp>(loc, yielded);

  for (auto [i, out] : llvm::enumerate(outputs)) {
    Value v = out;
    v.replaceUsesWithIf(group.getResult(i), [&](OpOperand &use) {
      return !members.count(use.getOwner()) &&
             !group->isAncestor(use.getOwner());
    });
  }
  for (Operation *op : llvm::reverse(plan.ops))
    op->erase();
  return success();
}

LogicalResult formGroups(func::FuncOp fn, int64_t tileElements) {
  if (fn.isExternal())
    return success();
  Block &block = fn.getBody().front();
  llvm::MapVector<Attribute, GroupPlan> plans;

  for (Operation &op : block.without_terminator()) {
    if (!isa<tgraph::TGraphDialect>(op.getDialect()))
      return op.emitError("cannot schedule '")
             << op.getName() << "': not a Graph IR operator";
    // Only elementwise operators have a schedule (and a Tile IR lowering)
    // today; everything else is refused here, at its source location.
    if (!isElementwise(&op))
      return op.emitError("'")
             << op.getName()
             << "' cannot be scheduled yet: only elementwise operators are";
    if (!isGrouped(&op))
      continue;
    ArrayAttr shape = symbolicShape(op.getResult(0));
    if (!shape)
      return op.emitError("cannot determine the symbolic shape of this value");
    plans[shape].ops.push_back(&op);
  }
  for (Value v : block.getTerminator()->getOperands()) {
    if (v.getDefiningOp() && isGrouped(v.getDefiningOp()))
      continue;
    ArrayAttr shape = symbolicShape(v);
    if (!shape)
      return fn.emitError("cannot determine the symbolic shape of a result");
    plans[shape].passthrough.insert(v);
  }

  for (auto &[shape, plan] : plans)
    if (failed(buildGroup(fn, cast<ArrayAttr>(shape), plan, tileElements)))
      return failure();

  // Constants now live inside the groups that use them.
  for (Operation &op : llvm::make_early_inc_range(block.without_terminator()))
    if (isa<tgraph::ConstantOp>(op) && op.use_empty())
      op.erase();
  return success();
}

struct FormFusionGroupsPass : impl::FormFusionGroupsBase<FormFusionGroupsPass> {
  using FormFusionGroupsBase::FormFusionGroupsBase;

  void runOnOperation() override {
    if (tileElements <= 0) {
      getOperation().emitError("tile-elements must be positive");
      return signalPassFailure();
    }
    for (auto fn : getOperation().getOps<func::FuncOp>())
      if (failed(formGroups(fn, tileElements)))
        return signalPassFailure();
  }
};

} // namespace
} // namespace tessera
