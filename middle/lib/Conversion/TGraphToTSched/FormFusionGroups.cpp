// tgraph -> tsched: gather the elementwise operators of each iteration space
// into one fusion group, so that an elementwise chain becomes one kernel and
// its intermediates never reach memory; every other operator (matmul,
// reduction, layout) becomes a group of its own. A chain joins the latest
// group of its shape unless that would make groups depend on each other in
// a cycle. Broadcasts that a kernel can read through join the chains that
// read them, and a reduction's group computes the chain that produces its
// operand (FusionRules.h). A fixed point stays in the entry, its body
// grouped the same way (its kernels run in a loop, FixedPointLowering.cpp).
#include "FusionRules.h"

#include "tessera/Conversion/BroadcastRead.h"
#include "tessera/Conversion/Passes.h"
#include "tessera/Conversion/SymbolicShape.h"
#include "tessera/Dialect/TGraph/Derivatives.h"

#include "mlir/Analysis/TopologicalSortUtils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"

namespace tessera {
#define GEN_PASS_DEF_FORMFUSIONGROUPS
#include "tessera/Conversion/Passes.h.inc"
} // namespace tessera

using namespace mlir;

namespace tessera {

// Operators that take c64 values apart or put them together (casts between
// real and c64 included), and + - * / and neg on c64: their own `complex`
// groups, an element a point, since elementwise kernels compute on
// vectors, which hold no complex numbers.
bool isComplexPart(Operation *op) {
  if (isa<tgraph::ConjOp, tgraph::ImagOp, tgraph::ComplexOp>(op))
    return true;
  if (auto c = dyn_cast<tgraph::ConstantOp>(op))
    return isa<ComplexType>(
        cast<RankedTensorType>(c.getType()).getElementType());
  if (!isa<tgraph::CastOp, tgraph::AddOp, tgraph::SubOp, tgraph::MulOp,
           tgraph::DivOp, tgraph::NegOp>(op))
    return false;
  auto complexTensor = [](Type t) {
    return isa<ComplexType>(cast<RankedTensorType>(t).getElementType());
  };
  return llvm::any_of(op->getOperandTypes(), complexTensor) ||
         llvm::any_of(op->getResultTypes(), complexTensor);
}

bool isShapeCast(Operation *op) {
  auto r = dyn_cast<tgraph::ReshapeOp>(op);
  if (!r)
    return false;
  auto from = cast<RankedTensorType>(r->getOperand(0).getType());
  auto to = cast<RankedTensorType>(r.getType());
  if (from.getRank() != to.getRank() || isa<ComplexType>(to.getElementType()))
    return false;
  auto fromDims = symbolicDims(r->getOperand(0)),
       toDims = symbolicDims(r->getResult(0));
  if (!fromDims || !toDims)
    return false;
  for (auto [f, t] : llvm::zip(*fromDims, *toDims))
    if (f.toAttr(op->getContext()) != t.toAttr(op->getContext()))
      return false;
  return true;
}

bool isElementwise(Operation *op) {
  if (isShapeCast(op))
    return true;
  if (isComplexPart(op))
    return false;
  return isa<tgraph::AddOp, tgraph::SubOp, tgraph::MulOp, tgraph::DivOp,
             tgraph::NegOp, tgraph::ConstantOp, tgraph::PowOp, tgraph::MaxOp,
             tgraph::MinOp, tgraph::AbsOp, tgraph::ExpOp, tgraph::LogOp,
             tgraph::Log1pOp, tgraph::SqrtOp, tgraph::RsqrtOp, tgraph::SinOp,
             tgraph::CosOp, tgraph::TanhOp, tgraph::SigmoidOp, tgraph::ReluOp,
             tgraph::SquareOp, tgraph::SiluOp, tgraph::GeluOp,
             tgraph::CompareOp, tgraph::SelectOp, tgraph::CastOp,
             tgraph::RemOp>(op);
}

bool isRandom(Operation *op) {
  return isa<tgraph::RandomUniformOp, tgraph::RandomNormalOp,
             tgraph::DropoutOp>(op);
}

bool readsThroughBroadcast(Operation *op) {
  auto b = dyn_cast<tgraph::BroadcastOp>(op);
  return b && !isa<ComplexType>(b.getType().getElementType()) &&
         flatBroadcastRead(cast<RankedTensorType>(b.getOperand().getType()),
                           cast<RankedTensorType>(b.getType()))
             .has_value();
}

namespace {

struct GroupPlan {
  std::string kind;                        // the tsched kind of the group
  ArrayAttr shape;                         // its iteration space
  SmallVector<Operation *> ops;            // in program order
  llvm::SetVector<Value> passthrough;      // returned as they are
  llvm::SmallSetVector<unsigned, 4> after; // groups whose results it reads
};

bool isGrouped(Operation *op) { return !isa<tgraph::ConstantOp>(op); }

// Scalar constants are copied into the groups whose operators compute in
// registers: elementwise groups, and a reduction's chain; any other operator
// reads them from a buffer.
bool copiesConstantsIn(const GroupPlan &plan, Operation *op) {
  return plan.kind == "elementwise" ||
         (plan.kind == "reduction" && op != plan.ops.back());
}

// The schedule of an operator that runs as a kernel of its own, or "".
StringRef singleOpKind(Operation *op) {
  if (isComplexPart(op))
    return "complex";
  if (isa<tgraph::MatmulOp>(op))
    return "matmul";
  if (isa<tgraph::ReduceSumOp, tgraph::ReduceMeanOp, tgraph::ReduceMaxOp,
          tgraph::ReduceMinOp, tgraph::ReduceProdOp>(op))
    return "reduction";
  if (isa<tgraph::TransposeOp, tgraph::BroadcastOp, tgraph::ReshapeOp,
          tgraph::SliceOp, tgraph::ConcatOp, tgraph::PadOp, tgraph::IotaOp>(op))
    return "layout";
  if (isa<tgraph::SolveOp>(op))
    return "solve";
  if (isa<tgraph::GatherOp, tgraph::ScatterOp>(op))
    return "gather";
  if (isa<tgraph::FFTOp, tgraph::IFFTOp, tgraph::RFFTOp, tgraph::IRFFTOp>(op))
    return "fourier";
  if (isa<tgraph::AttentionOp>(op))
    return "attention";
  if (isa<tgraph::AttentionGradOp>(op))
    return "attention_grad";
  return "";
}

// Scalar arithmetic that stays in the entry: run-time extents, and numbers
// computed from them (an element count as a rank-0 tensor).
bool isExtentComputation(Operation *op) {
  if (isa<tensor::DimOp, tensor::FromElementsOp>(op))
    return true;
  return isa<arith::ArithDialect>(op->getDialect()) &&
         llvm::none_of(op->getOperandTypes(), llvm::IsaPred<TensorType>) &&
         llvm::none_of(op->getResultTypes(), llvm::IsaPred<TensorType>);
}

// Booleans live only inside elementwise chains (a kernel keeps them in
// registers; in memory they would need a byte layout of their own). A
// layout operator on booleans, such as the broadcast of a select's
// condition, moves 0/1 as i32 instead: select(x, 1, 0) joins the chain
// that computes x, and `!= 0` the chain that uses the result, so the bits
// are unchanged.
void widenBooleanLayouts(func::FuncOp fn) {
  SmallVector<Operation *> ops;
  fn.walk([&](Operation *op) {
    if (isa<tgraph::TransposeOp, tgraph::BroadcastOp, tgraph::ReshapeOp,
            tgraph::SliceOp, tgraph::ConcatOp>(op) &&
        cast<RankedTensorType>(op->getResult(0).getType())
            .getElementType()
            .isInteger(1))
      ops.push_back(op);
  });
  for (Operation *op : ops) {
    OpBuilder b(op);
    Location loc = op->getLoc();
    Type i32 = b.getI32Type();
    auto scalar = RankedTensorType::get({}, i32);
    Value one =
        b.create<tgraph::ConstantOp>(loc, scalar, b.getIntegerAttr(i32, 1));
    Value zero =
        b.create<tgraph::ConstantOp>(loc, scalar, b.getIntegerAttr(i32, 0));
    for (OpOperand &operand : op->getOpOperands())
      if (auto t = dyn_cast<RankedTensorType>(operand.get().getType());
          t && t.getElementType().isInteger(1))
        operand.set(b.create<tgraph::SelectOp>(loc, operand.get(), one, zero));
    Value result = op->getResult(0);
    auto type = cast<RankedTensorType>(result.getType());
    result.setType(type.clone(i32));
    b.setInsertionPointAfter(op);
    auto back = b.create<tgraph::CompareOp>(loc, tgraph::ComparePredicate::ne,
                                            result, zero);
    result.replaceAllUsesExcept(back.getResult(), back);
  }
}

// A rank-0 tensor constant that folding left as `arith.constant` (a
// derivative's offset computed in the entry, then known) becomes the
// Graph IR constant it is.
void rankZeroConstantsToGraph(func::FuncOp fn) {
  SmallVector<arith::ConstantOp> constants;
  fn.walk([&](arith::ConstantOp c) {
    auto t = dyn_cast<RankedTensorType>(c.getType());
    if (t && t.getRank() == 0)
      constants.push_back(c);
  });
  for (arith::ConstantOp c : constants) {
    auto dense = dyn_cast<DenseElementsAttr>(c.getValue());
    if (!dense)
      continue;
    OpBuilder b(c);
    Value g = b.create<tgraph::ConstantOp>(c.getLoc(), c.getType(),
                                           dense.getSplatValue<TypedAttr>());
    c.replaceAllUsesWith(g);
    c.erase();
  }
}

// The value the chain of elementwise operators (and type casts) that
// computes `v` starts from: back through the operand of each one's shape,
// to a value no elementwise operator computes. Its extents are v's.
Value chainStart(Value v) {
  ArrayAttr shape = symbolicShape(v);
  while (Operation *def = v.getDefiningOp()) {
    if (isa<tensor::CastOp>(def)) {
      v = def->getOperand(0);
      continue;
    }
    if (!isElementwise(def) || isa<tgraph::ConstantOp>(def))
      break;
    auto same = llvm::find_if(def->getOperands(), [&](Value o) {
      return isa<RankedTensorType>(o.getType()) && symbolicShape(o) == shape;
    });
    if (same == def->operand_end())
      break;
    v = *same;
  }
  return v;
}

// A bool computed once but read by several operators would leave its group
// for those in another (the forward and the adjoint of a select read one
// condition): each reader gets its own copy instead, in the group it
// joins. Last to first, so that the copies' own operands are copied too.
void copyBooleansPerUse(func::FuncOp fn) {
  SmallVector<Operation *> ops;
  fn.walk([&](Operation *op) {
    if (op->getNumResults() == 1 && !isa<tgraph::ConstantOp>(op) &&
        isElementwise(op))
      if (auto t = dyn_cast<RankedTensorType>(op->getResult(0).getType());
          t && t.getElementType().isInteger(1))
        ops.push_back(op);
  });
  for (Operation *op : llvm::reverse(ops)) {
    SmallVector<OpOperand *> uses;
    for (OpOperand &use : op->getResult(0).getUses())
      uses.push_back(&use);
    for (OpOperand *use : llvm::drop_begin(uses)) {
      OpBuilder b(use->getOwner());
      use->set(b.clone(*op)->getResult(0));
    }
  }
}

// Replaces the plan's operators by one fusion group, built before the
// terminator of `block`; the block is put back in order afterwards.
void buildGroup(Block &block, GroupPlan &plan, ArrayRef<int64_t> tile) {
  llvm::SmallPtrSet<Operation *, 16> members(plan.ops.begin(), plan.ops.end());
  auto inGroup = [&](Value v) {
    Operation *def = v.getDefiningOp();
    return def && members.count(def);
  };

  // Scalar constants are copied in; every other outside value is an input.
  llvm::SetVector<Value> inputs;
  llvm::SetVector<Operation *> constants;
  for (Operation *op : plan.ops)
    for (Value operand : op->getOperands()) {
      if (inGroup(operand))
        continue;
      Operation *def = operand.getDefiningOp();
      if (def && isa<tgraph::ConstantOp>(def) && copiesConstantsIn(plan, op))
        constants.insert(def);
      else
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
  MLIRContext *ctx = block.getParentOp()->getContext();
  Location loc = FusedLoc::get(ctx, locs);

  Operation *terminator = block.getTerminator();
  OpBuilder b(terminator);
  SmallVector<Type> resultTypes;
  for (Value v : outputs)
    resultTypes.push_back(v.getType());
  auto group = b.create<tsched::FusionGroupOp>(
      loc, resultTypes, inputs.getArrayRef(), b.getStringAttr(plan.kind),
      plan.shape, b.getDenseI64ArrayAttr(tile));

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

  // A passthrough (a returned input or constant) is the group's copy only
  // where it is returned; its other readers keep reading the original.
  for (auto [i, out] : llvm::enumerate(outputs)) {
    Value v = out;
    bool passthrough = plan.passthrough.contains(v);
    v.replaceUsesWithIf(group.getResult(i), [&](OpOperand &use) {
      if (passthrough)
        return use.getOwner() == terminator;
      return !members.count(use.getOwner()) &&
             !group->isAncestor(use.getOwner());
    });
  }
  for (Operation *op : llvm::reverse(plan.ops))
    op->erase();
}

// The kind of the plan that stands for a fixed point: never built (the op
// stays where it is, its body grouped on its own), it only orders groups.
constexpr StringLiteral kFixedPoint = "fixed_point";

class GroupFormation {
public:
  // `scope` owns `block`: an entry, or a fixed point whose body it is.
  GroupFormation(Operation *scope, Block &block, int64_t tileElements,
                 bool rows, bool epilogues)
      : scope(scope), block(block), tileElements(tileElements), rows(rows),
        epilogues(epilogues) {}

  LogicalResult run() {
    castsToReshapes(block);
    vectorMatmulsToMatrices(block);
    chains = fuseReductionChains(block);
    for (auto &[reduction, chain] : chains)
      inChain.insert(chain.begin(), chain.end());
    for (Operation &op : block.without_terminator())
      if (placedWithReader(&op))
        withReader.insert(&op);
    for (Operation &op : block.without_terminator())
      if (failed(place(&op)))
        return failure();
    for (Value v : block.getTerminator()->getOperands()) {
      if (v.getDefiningOp() && isGrouped(v.getDefiningOp()))
        continue;
      ArrayAttr shape = symbolicShape(v);
      if (!shape)
        return scope->emitError(
            "cannot determine the symbolic shape of a result");
      unsigned g = elementwiseGroup(shape, {});
      plans[g].passthrough.insert(v);
    }

    for (GroupPlan &plan : plans)
      if (plan.kind != kFixedPoint &&
          (!plan.ops.empty() || !plan.passthrough.empty()))
        buildGroup(block, plan, tileFor(plan));
    // Constants now live inside the groups that use them.
    for (Operation &op : llvm::make_early_inc_range(block.without_terminator()))
      if (isa<tgraph::ConstantOp>(op) && op.use_empty())
        op.erase();
    // Groups were built at the end; put every operator after its operands.
    if (!sortTopologically(&block))
      return scope->emitError("fusion groups depend on each other in a cycle");
    // Rows first: softmax over a matmul's product is one rows kernel.
    if (rows)
      mergeRowGroups(block);
    if (epilogues)
      mergeMatmulEpilogues(block);
    return success();
  }

private:
  // A `tensor.cast` (where a call with known extents met an op with
  // symbolic dims) changes the type, not the elements: a cast to its own
  // type goes, any other becomes a reshape to the same shape (a shape cast,
  // which elementwise chains run through), its run-time extents those of
  // the operand, read from where the operand's chain starts (chainStart):
  // a dim of a value the chain's group computes would be needed before
  // that group runs, and would keep the cast out of it.
  void castsToReshapes(Block &block) {
    for (Operation &op : llvm::make_early_inc_range(block)) {
      auto c = dyn_cast<tensor::CastOp>(op);
      auto source = c ? dyn_cast<RankedTensorType>(c.getSource().getType())
                      : RankedTensorType();
      auto type =
          c ? dyn_cast<RankedTensorType>(c.getType()) : RankedTensorType();
      if (!source || !type)
        continue;
      if (source == type) {
        c.replaceAllUsesWith(c.getSource());
        c.erase();
        continue;
      }
      OpBuilder b(c);
      Value start = chainStart(c.getSource());
      auto startType = cast<RankedTensorType>(start.getType());
      SmallVector<Value> dims;
      for (int64_t i = 0; i < type.getRank(); ++i)
        if (type.isDynamicDim(i))
          dims.push_back(
              !source.isDynamicDim(i) ? b.create<arith::ConstantIndexOp>(
                                             c.getLoc(), source.getDimSize(i))
                                            .getResult()
              : startType.isDynamicDim(i)
                  ? b.create<tensor::DimOp>(c.getLoc(), start, i).getResult()
                  : b.create<arith::ConstantIndexOp>(c.getLoc(),
                                                     startType.getDimSize(i))
                        .getResult());
      Value r =
          b.create<tgraph::ReshapeOp>(c.getLoc(), type, c.getSource(), dims);
      c.replaceAllUsesWith(r);
      c.erase();
    }
  }

  // A matmul with a vector operand ([K] @ [..., K, N], [..., M, K] @ [K],
  // [K] @ [K]) multiplies matrices instead: the vector as a row [1, K] or a
  // column [K, 1], and the result's unit dim dropped again. Both reshapes
  // are views; the sums are the matrix kernel's, in its order.
  void vectorMatmulsToMatrices(Block &block) {
    for (Operation &op : llvm::make_early_inc_range(block)) {
      auto mm = dyn_cast<tgraph::MatmulOp>(op);
      if (!mm)
        continue;
      auto lhsType = cast<RankedTensorType>(mm.getLhs().getType());
      auto rhsType = cast<RankedTensorType>(mm.getRhs().getType());
      if (lhsType.getRank() != 1 && rhsType.getRank() != 1)
        continue;
      OpBuilder b(mm);
      Location loc = mm.getLoc();
      tgraph::RuleBuilder rb(b, loc);
      auto withShape = [](Value v, ArrayRef<int64_t> shape) {
        return RankedTensorType::get(
            shape, cast<RankedTensorType>(v.getType()).getElementType());
      };
      Value lhs = mm.getLhs(), rhs = mm.getRhs();
      if (lhsType.getRank() == 1)
        lhs = rb.reshape(lhs, withShape(lhs, {1, lhsType.getDimSize(0)}), lhs,
                         {-1, 0});
      if (rhsType.getRank() == 1)
        rhs = rb.reshape(rhs, withShape(rhs, {rhsType.getDimSize(0), 1}), rhs,
                         {0, -1});
      auto product =
          b.create<tgraph::MatmulOp>(loc, lhs, rhs, mm.getTransposeLhs(),
                                     mm.getTransposeRhs(), mm.getTileAttr());
      // The product's dims but the unit ones the vectors brought.
      auto productType = cast<RankedTensorType>(product.getType());
      int64_t rank = productType.getRank();
      SmallVector<int64_t> axes;
      for (int64_t d = 0; d < rank; ++d)
        if (!(lhsType.getRank() == 1 && d == rank - 2) &&
            !(rhsType.getRank() == 1 && d == rank - 1))
          axes.push_back(d);
      Value result = rb.reshape(product, mm.getType(), product, axes);
      mm.replaceAllUsesWith(result);
      mm.erase();
    }
  }

  LogicalResult place(Operation *op) {
    if (isExtentComputation(op))
      return success();
    if (!isa<tgraph::TGraphDialect>(op->getDialect())) {
      // Where the op has no place of its own in the source (a constant made
      // by folding), its first user points at one.
      InFlightDiagnostic d = op->emitError("cannot schedule '")
                             << op->getName() << "': not a Graph IR operator";
      for (Operation *user : op->getUsers()) {
        d.attachNote(user->getLoc())
            << "its result is used by '" << user->getName() << "' here";
        break;
      }
      return d;
    }
    // A reduction's chain is placed with the reduction, a bool with its
    // reader.
    if (!isGrouped(op) || inChain.contains(op) || withReader.contains(op))
      return success();
    ArrayAttr shape = symbolicShape(op->getResult(0));
    if (!shape)
      return op->emitError("cannot determine the symbolic shape of this value");
    SmallVector<unsigned> throughExtents;
    SmallVector<unsigned> producers = producerGroups(op, &throughExtents);
    if (isElementwise(op) || isRandom(op) || readsThroughBroadcast(op)) {
      SmallVector<Operation *> bools = boolsReadBy(op);
      for (Operation *d : bools)
        llvm::append_range(producers, producerGroups(d, &throughExtents));
      unsigned g = elementwiseGroup(shape, producers, throughExtents);
      for (Operation *d : bools)
        add(g, d, producerGroups(d));
      add(g, op, producers);
      return success();
    }
    // A fixed point: its body is grouped on its own; the op stays, and a
    // plan that is never built orders the groups around it.
    if (auto fp = dyn_cast<tgraph::FixedPointOp>(op)) {
      if (failed(GroupFormation(fp, fp.getBody().front(), tileElements, rows,
                                epilogues)
                     .run()))
        return failure();
      unsigned g = newGroup(kFixedPoint, shape);
      add(g, op, producers);
      constantsInBuffers(op, g);
      return success();
    }
    StringRef kind = singleOpKind(op);
    if (kind.empty())
      return op->emitError("'") << op->getName() << "' has no CPU schedule yet";
    unsigned g = newGroup(kind, shape);
    for (Operation *c : chains.lookup(op))
      add(g, c, producerGroups(c));
    add(g, op, producers);
    constantsInBuffers(op, g);
    return success();
  }

  // A bool must not leave its group (a kernel keeps it in registers), so
  // one whose only reader (copyBooleansPerUse) is an elementwise operator
  // of its shape is placed with that reader, in its group.
  bool placedWithReader(Operation *op) {
    if (!isElementwise(op) || isa<tgraph::ConstantOp>(op) ||
        op->getNumResults() != 1 || !op->hasOneUse())
      return false;
    auto t = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!t || !t.getElementType().isInteger(1))
      return false;
    Operation *reader = *op->getUsers().begin();
    return reader->getBlock() == op->getBlock() && isElementwise(reader) &&
           !inChain.contains(reader) &&
           symbolicShape(reader->getResult(0)) ==
               symbolicShape(op->getResult(0));
  }

  // The bools placed with `op`: those it reads, and theirs, in program
  // order.
  SmallVector<Operation *> boolsReadBy(Operation *op) {
    llvm::SetVector<Operation *> found;
    SmallVector<Operation *> work{op};
    while (!work.empty())
      for (Value v : work.pop_back_val()->getOperands())
        if (Operation *def = v.getDefiningOp();
            def && withReader.contains(def) && found.insert(def))
          work.push_back(def);
    SmallVector<Operation *> ops(found.begin(), found.end());
    llvm::sort(
        ops, [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
    return ops;
  }

  // Scalar constants that `op` (of group `g`) reads need buffers: each gets
  // a group of its own (one per constant, however many operators read it).
  void constantsInBuffers(Operation *op, unsigned g) {
    for (OpOperand &use : op->getOpOperands())
      if (auto c = use.get().getDefiningOp<tgraph::ConstantOp>()) {
        auto [it, isNew] = groupOf.try_emplace(c, plans.size());
        if (isNew) {
          unsigned cg = newGroup(isComplexPart(c) ? "complex" : "elementwise",
                                 symbolicShape(c));
          plans[cg].ops.push_back(c);
        }
        plans[g].after.insert(it->second);
      }
  }

  // The groups whose results `op` reads, directly or through an extent
  // computed from them (a `tensor.dim` of a group's result); the latter
  // also go to `throughExtents`.
  SmallVector<unsigned>
  producerGroups(Operation *op,
                 SmallVectorImpl<unsigned> *throughExtents = nullptr) {
    SmallVector<unsigned> groups;
    SmallVector<std::pair<Value, bool>> work;
    for (Value v : op->getOperands())
      work.push_back({v, false});
    llvm::DenseSet<Value> seen;
    while (!work.empty()) {
      auto [v, extent] = work.pop_back_val();
      Operation *def = v.getDefiningOp();
      if (!def || !seen.insert(v).second)
        continue;
      if (auto it = groupOf.find(def); it != groupOf.end()) {
        groups.push_back(it->second);
        if (extent && throughExtents)
          throughExtents->push_back(it->second);
      } else if (isExtentComputation(def)) {
        for (Value operand : def->getOperands())
          work.push_back({operand, true});
      }
    }
    return groups;
  }

  // The latest elementwise group over `shape` that `op` can join without a
  // cycle (a producer that itself depends on the group, or the group itself
  // where `op` reads an extent of one of its results: a broadcast's), or a
  // new one.
  unsigned elementwiseGroup(ArrayAttr shape, ArrayRef<unsigned> producers,
                            ArrayRef<unsigned> throughExtents = {}) {
    auto it = latest.find(shape);
    if (it != latest.end()) {
      unsigned g = it->second;
      bool cycle = llvm::is_contained(throughExtents, g) ||
                   llvm::any_of(producers, [&](unsigned p) {
                     return p != g && reaches(p, g);
                   });
      if (!cycle)
        return g;
    }
    unsigned g = newGroup("elementwise", shape);
    latest[shape] = g;
    return g;
  }

  unsigned newGroup(StringRef kind, ArrayAttr shape) {
    plans.push_back(GroupPlan{kind.str(), shape, {}, {}, {}});
    return plans.size() - 1;
  }

  void add(unsigned g, Operation *op, ArrayRef<unsigned> producers) {
    plans[g].ops.push_back(op);
    groupOf[op] = g;
    for (unsigned p : producers)
      if (p != g)
        plans[g].after.insert(p);
  }

  // Whether group `from` depends, directly or not, on group `to`.
  bool reaches(unsigned from, unsigned to) {
    SmallVector<unsigned> work{from};
    llvm::DenseSet<unsigned> seen;
    while (!work.empty()) {
      unsigned g = work.pop_back_val();
      if (g == to)
        return true;
      if (seen.insert(g).second)
        work.append(plans[g].after.begin(), plans[g].after.end());
    }
    return false;
  }

  // Elementwise groups: `tile-elements` elements; a matmul: its `tile`
  // hint's rows (BM), 16 by default; a reduction: 64 results; a layout
  // operator: `tile-elements` elements.
  SmallVector<int64_t> tileFor(const GroupPlan &plan) {
    if (plan.kind == "matmul") {
      auto mm = cast<tgraph::MatmulOp>(plan.ops.front());
      if (auto hint = mm.getTile(); hint && !hint->empty())
        return {(*hint)[0]};
      return {16};
    }
    if (plan.kind == "reduction")
      return {64};
    if (plan.kind == "solve" || plan.kind == "fourier" ||
        StringRef(plan.kind).starts_with("attention"))
      return {1};
    return {tileElements};
  }

  Operation *scope;
  Block &block;
  int64_t tileElements;
  bool rows, epilogues;
  std::vector<GroupPlan> plans;
  DenseMap<Operation *, unsigned> groupOf;
  DenseMap<Attribute, unsigned> latest;
  // Each reduction's chain (its group computes it), and their operators.
  llvm::MapVector<Operation *, SmallVector<Operation *>> chains;
  llvm::SmallPtrSet<Operation *, 16> inChain;
  llvm::SmallPtrSet<Operation *, 16> withReader;
};

struct FormFusionGroupsPass : impl::FormFusionGroupsBase<FormFusionGroupsPass> {
  using FormFusionGroupsBase::FormFusionGroupsBase;

  void runOnOperation() override {
    if (tileElements <= 0) {
      getOperation().emitError("tile-elements must be positive");
      return signalPassFailure();
    }
    for (auto fn : getOperation().getOps<func::FuncOp>())
      if (!fn.isExternal()) {
        rankZeroConstantsToGraph(fn);
        widenBooleanLayouts(fn);
        copyBooleansPerUse(fn);
        if (failed(GroupFormation(fn, fn.getBody().front(), tileElements, rows,
                                  epilogues)
                       .run()))
          return signalPassFailure();
      }
  }
};

} // namespace
} // namespace tessera
