// The reduction group: a point is one result element, and a step computes
// `resultsPerStep` of them (the pass's reduction-results option). The operand
// is read as [outer, R, inner] (the reduced axes are adjacent), and each result
// folds its R elements in ascending order: the order is the policy's, never
// the split of the work, so the bits do not depend on the tile size or the
// thread count. Reductions over the innermost axes (rows, inner = 1) take the
// row kernel instead (RowReductionKernel.cpp), in its lane order. Both fold
// in the accumulator's type (accumulatorOf: f32 for bf16), extending what
// they read; segment values keep that type, and a result is rounded once.
//
// A group that computes its operand with an elementwise chain (a fused
// producer) evaluates the chain for each element it folds, the step's
// results side by side in the lanes of one vector: the same operators on
// the same elements as the chain's own kernel, so the same bits, and
// inputs read through a broadcast are read where it puts them. A step whose
// results are consecutive along one row of the inner axis (a bias
// gradient's columns) reads their elements at each r as one vector: the
// same elements in the same order, so the same bits, without a gather.
#include "KernelBuilder.h"
#include "ReductionFold.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

#include <cmath>

using namespace mlir;

namespace tessera::tile {

// Folds over more reduced elements than this are cut into segments.
static constexpr int64_t kColumnSegment = 256;

Value finishFold(OpBuilder &b, Location loc, Fold fold, Type elem, Value folded,
                 Value R) {
  if (fold != Fold::Mean)
    return folded;
  return b.create<arith::DivFOp>(
      loc, folded,
      b.create<arith::UIToFPOp>(
          loc, elem, b.create<arith::IndexCastUIOp>(loc, b.getI64Type(), R)));
}

TypedAttr initialValue(OpBuilder &b, Fold fold, Type elem) {
  bool isFloat = isa<FloatType>(elem);
  auto number = [&](double f) -> TypedAttr {
    return isFloat ? TypedAttr(b.getFloatAttr(elem, f))
                   : TypedAttr(b.getIntegerAttr(elem, static_cast<int64_t>(f)));
  };
  unsigned w = elem.getIntOrFloatBitWidth();
  switch (fold) {
  case Fold::Sum:
  case Fold::Mean:
    return number(0);
  case Fold::Prod:
    return number(1);
  case Fold::Max:
    return isFloat ? number(-INFINITY)
                   : b.getIntegerAttr(elem, llvm::APInt::getSignedMinValue(w));
  case Fold::Min:
    return isFloat ? number(INFINITY)
                   : b.getIntegerAttr(elem, llvm::APInt::getSignedMaxValue(w));
  }
  llvm_unreachable("fold");
}

Value combine(OpBuilder &b, Location loc, Fold fold, Value acc, Value v) {
  bool isFloat = isa<FloatType>(getElementTypeOrSelf(v.getType()));
  switch (fold) {
  case Fold::Sum:
  case Fold::Mean:
    return isFloat ? b.create<arith::AddFOp>(loc, acc, v).getResult()
                   : b.create<arith::AddIOp>(loc, acc, v).getResult();
  case Fold::Prod:
    return isFloat ? b.create<arith::MulFOp>(loc, acc, v).getResult()
                   : b.create<arith::MulIOp>(loc, acc, v).getResult();
  case Fold::Max:
    // maximumf keeps a NaN a NaN.
    return isFloat ? b.create<arith::MaximumFOp>(loc, acc, v).getResult()
                   : b.create<arith::MaxSIOp>(loc, acc, v).getResult();
  case Fold::Min:
    return isFloat ? b.create<arith::MinimumFOp>(loc, acc, v).getResult()
                   : b.create<arith::MinSIOp>(loc, acc, v).getResult();
  }
  llvm_unreachable("fold");
}

static Value sumError(OpBuilder &b, Location loc, Value x, Value y, Value t) {
  Value bigger = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGE,
                                         b.create<math::AbsFOp>(loc, x),
                                         b.create<math::AbsFOp>(loc, y));
  Value fromX =
      b.create<arith::AddFOp>(loc, b.create<arith::SubFOp>(loc, x, t), y);
  Value fromY =
      b.create<arith::AddFOp>(loc, b.create<arith::SubFOp>(loc, y, t), x);
  return b.create<arith::SelectOp>(loc, bigger, fromX, fromY);
}

Compensated addCompensated(OpBuilder &b, Location loc, Compensated acc,
                           Value v) {
  Value t = b.create<arith::AddFOp>(loc, acc.sum, v);
  return {t, b.create<arith::AddFOp>(loc, acc.error,
                                     sumError(b, loc, acc.sum, v, t))};
}

Compensated mergeCompensated(OpBuilder &b, Location loc, Compensated x,
                             Compensated y) {
  Value t = b.create<arith::AddFOp>(loc, x.sum, y.sum);
  Value c = b.create<arith::AddFOp>(loc, x.error, y.error);
  return {t,
          b.create<arith::AddFOp>(loc, c, sumError(b, loc, x.sum, y.sum, t))};
}

Value finishCompensated(OpBuilder &b, Location loc, Compensated acc) {
  Type t = acc.sum.getType();
  TypedAttr inf = b.getFloatAttr(getElementTypeOrSelf(t), INFINITY);
  Value limit =
      isa<VectorType>(t)
          ? b.create<arith::ConstantOp>(
                 loc, DenseElementsAttr::get(cast<VectorType>(t), inf))
                .getResult()
          : b.create<arith::ConstantOp>(loc, inf).getResult();
  Value finite =
      b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT,
                              b.create<math::AbsFOp>(loc, acc.sum), limit);
  return b.create<arith::SelectOp>(
      loc, finite, b.create<arith::AddFOp>(loc, acc.sum, acc.error), acc.sum);
}

std::optional<Fold> foldOf(Operation *op) {
  if (isa<tgraph::ReduceSumOp>(op))
    return Fold::Sum;
  if (isa<tgraph::ReduceMeanOp>(op))
    return Fold::Mean;
  if (isa<tgraph::ReduceMaxOp>(op))
    return Fold::Max;
  if (isa<tgraph::ReduceMinOp>(op))
    return Fold::Min;
  if (isa<tgraph::ReduceProdOp>(op))
    return Fold::Prod;
  return std::nullopt;
}

bool isCompensated(Operation *reduce, Fold fold) {
  auto stable = reduce->getAttrOfType<BoolAttr>("stable");
  return stable && stable.getValue() &&
         isa<FloatType>(
             getElementTypeOrSelf(reduce->getOperand(0).getType())) &&
         (fold == Fold::Sum || fold == Fold::Mean);
}

FailureOr<SegmentFlags> broadcastSegments(tgraph::BroadcastOp bc,
                                          RankedTensorType operandType,
                                          ArrayRef<int64_t> bounds) {
  auto segs = segmentReads(cast<RankedTensorType>(bc.getOperand().getType()),
                           operandType, bounds);
  if (!segs)
    return bc.emitError("this broadcast cannot be read in place");
  auto follows = [&](int i) { return (*segs)[i] != SegmentRead::Repeat; };
  return SegmentFlags{follows(0), follows(1), follows(2)};
}

void addReductionInputs(KernelSpec &spec, tsched::FusionGroupOp group,
                        bool chained, Value operand, EntryContext &ctx) {
  if (!chained) {
    spec.inputs.push_back(ctx.bufferOf(operand));
    return;
  }
  for (Value in : group.getInputs())
    if (isa<RankedTensorType>(in.getType()))
      spec.inputs.push_back(ctx.bufferOf(in));
}

FailureOr<SmallVector<Value>>
evaluateChain(OpBuilder &b, Block &body, ArrayRef<Value> targets, int64_t lanes,
              IRMapping map, const DenseMap<Value, Value> &bufferOf,
              function_ref<Value(Value)> readInput,
              function_ref<Value(tgraph::BroadcastOp)> readBroadcast,
              Value offset) {
  // The operators the targets need, up to values known or read.
  llvm::SmallPtrSet<Operation *, 16> needed;
  SmallVector<Value> work(targets);
  while (!work.empty()) {
    Value v = work.pop_back_val();
    Operation *def = v.getDefiningOp();
    if (!def || map.contains(v) || def->getBlock() != &body ||
        !needed.insert(def).second)
      continue;
    auto bc = dyn_cast<tgraph::BroadcastOp>(def);
    if (!bc || !bufferOf.count(bc.getOperand()))
      work.append(def->operand_begin(), def->operand_end());
  }
  for (Operation &op : body.without_terminator()) {
    if (!needed.count(&op))
      continue;
    if (auto bc = dyn_cast<tgraph::BroadcastOp>(op)) {
      Value from = bc.getOperand();
      map.map(bc.getResult(),
              bufferOf.count(from) ? readBroadcast(bc) : map.lookup(from));
      continue;
    }
    // Tensors only: a shape cast's dims are not read.
    for (Value v : op.getOperands())
      if (isa<BlockArgument>(v) && isa<RankedTensorType>(v.getType()) &&
          !map.contains(v))
        map.map(v, readInput(v));
    FailureOr<Value> v = !isRandomOp(&op) ? emitVectorOp(b, &op, lanes, map)
                         : offset ? emitRandomOp(b, &op, lanes, offset, map)
                                  : FailureOr<Value>(failure());
    if (failed(v))
      return failure();
    map.map(op.getResult(0), *v);
  }
  SmallVector<Value> values;
  for (Value t : targets) {
    if (isa<BlockArgument>(t) && !map.contains(t))
      map.map(t, readInput(t));
    values.push_back(map.lookup(t));
  }
  return values;
}

namespace {

// Where a step's results are: result j is o + j, its elements lie at
// base[j] + r * I for r in [0, R) (flat index of [outer, R, inner]), and it
// has coordinates p[j] (outer) and q[j] (inner).
struct StepResults {
  SmallVector<Value> index, valid, base, p, q;
  // Segmented folds: result j folds count[j] elements from first[j] (the
  // fold loop runs to `end`, at least every count). Empty: all R.
  SmallVector<Value> first, count;
  Value end;

  bool segmented() const { return !first.empty(); }
  // Result j's reduced coordinate at loop step r: r itself, or its
  // segment's r-th element (its last one for r past it, read but not
  // folded).
  Value coordinate(OpBuilder &b, Location loc, size_t j, Value r) const {
    if (!segmented())
      return r;
    Value last = b.create<arith::SubIOp>(loc, count[j], indexConst(b, loc, 1));
    return b.create<arith::AddIOp>(loc, first[j],
                                   b.create<arith::MinUIOp>(loc, r, last));
  }
  // The fold loop's end: every result's count, or with `contiguous` (the
  // step's results share their segment) the first's.
  Value loopEnd(bool contiguous, Value R) const {
    if (!segmented())
      return R;
    return contiguous ? count[0] : end;
  }
  // Whether result j folds the element of step r.
  Value folds(OpBuilder &b, Location loc, size_t j, Value r) const {
    return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, r, count[j]);
  }
};

} // namespace

// The vector of the elements at `indices` (one per lane).
static Value gatherLanes(OpBuilder &b, Location loc, Value buffer,
                         ArrayRef<Value> indices, Type elem) {
  auto vt = VectorType::get({static_cast<int64_t>(indices.size())}, elem);
  Value v;
  for (auto [j, idx] : llvm::enumerate(indices)) {
    Value e = b.create<memref::LoadOp>(loc, buffer, ValueRange{idx});
    v = v ? b.create<vector::InsertOp>(loc, e, v, j).getResult()
          : b.create<vector::SplatOp>(loc, vt, e).getResult();
  }
  return v;
}

// The `lanes` consecutive elements from `first`: the lanes of a contiguous
// step, one vector load.
static Value loadLanes(OpBuilder &b, Location loc, Value buffer, Value first,
                       int64_t lanes, Type elem) {
  auto load = b.create<ttile::LoadOp>(
      loc, VectorType::get({lanes}, elem), buffer, first,
      b.create<arith::AddIOp>(loc, first, indexConst(b, loc, lanes)));
  load->setAttr("ttile.in_bounds", b.getUnitAttr());
  return load;
}

// The flat index, in an input that follows the segments `f`, of the
// element result j reads at reduced coordinate `r` (null: one that does not
// follow the reduced segment reads the same element for every r).
static Value broadcastIndex(OpBuilder &b, Location loc, SegmentFlags f,
                            const StepResults &step, size_t j, Value r, Value R,
                            Value I) {
  Value zero = indexConst(b, loc, 0), one = indexConst(b, loc, 1);
  Value innerExtent = f.inner ? I : one;
  Value rowExtent =
      b.create<arith::MulIOp>(loc, f.reduced ? R : one, innerExtent);
  Value idx =
      b.create<arith::MulIOp>(loc, f.outer ? step.p[j] : zero, rowExtent);
  if (f.reduced)
    idx = b.create<arith::AddIOp>(loc, idx,
                                  b.create<arith::MulIOp>(loc, r, innerExtent));
  if (f.inner)
    idx = b.create<arith::AddIOp>(loc, idx, step.q[j]);
  return idx;
}

// The fused form: the chain's value for every result of the step at each
// r, folded lane by lane into one vector of results.
static FailureOr<Value>
foldChain(OpBuilder &b, Location loc, tsched::FusionGroupOp group,
          Operation *reduce, Fold fold, ArrayRef<int64_t> bounds,
          const StepResults &step, ArrayRef<Value> buffers, Value R, Value I,
          bool stable, bool contiguous) {
  Block &body = group.getBody().front();
  Value operand = reduce->getOperand(0);
  auto operandType = cast<RankedTensorType>(operand.getType());
  Type accType = accumulatorOf(operandType.getElementType());
  auto lanes = static_cast<int64_t>(step.base.size());
  auto vt = VectorType::get({lanes}, accType);

  // Buffers by block argument; inputs that do not vary with r (rank 0, or
  // broadcast along the reduced dims) are read before the loop.
  DenseMap<Value, Value> bufferOf;
  unsigned next = 0;
  for (BlockArgument arg : body.getArguments())
    if (isa<RankedTensorType>(arg.getType()))
      bufferOf[arg] = buffers[next++];
  // In a contiguous step, what the lanes read of a broadcast input `from`
  // at reduced coordinate `r`: consecutive elements if it follows the inner
  // axis, else one element for all.
  auto readContiguous = [&](OpBuilder &b, Value from, SegmentFlags f,
                            Value r) -> Value {
    Value idx = broadcastIndex(b, loc, f, step, 0, r, R, I);
    if (f.inner)
      return loadLanes(b, loc, bufferOf.lookup(from), idx, lanes,
                       elementOf(from));
    return b
        .create<vector::SplatOp>(loc, VectorType::get({lanes}, elementOf(from)),
                                 b.create<memref::LoadOp>(loc,
                                                          bufferOf.lookup(from),
                                                          ValueRange{idx}))
        .getResult();
  };
  IRMapping invariant;
  DenseMap<Operation *, SegmentFlags> reads;
  for (auto bc : body.getOps<tgraph::BroadcastOp>()) {
    Value from = bc.getOperand();
    if (!bufferOf.count(from))
      continue;
    FailureOr<SegmentFlags> segs = broadcastSegments(bc, operandType, bounds);
    if (failed(segs))
      return failure();
    SegmentFlags f = *segs;
    reads[bc] = f;
    if (f.reduced)
      continue;
    if (contiguous) {
      invariant.map(bc.getResult(), readContiguous(b, from, f, Value()));
      continue;
    }
    SmallVector<Value> idx;
    for (size_t j = 0; j < step.base.size(); ++j)
      idx.push_back(broadcastIndex(b, loc, f, step, j, Value(), R, I));
    invariant.map(bc.getResult(), gatherLanes(b, loc, bufferOf.lookup(from),
                                              idx, elementOf(from)));
  }
  for (BlockArgument arg : body.getArguments())
    if (auto t = dyn_cast<RankedTensorType>(arg.getType());
        t && t.getRank() == 0) {
      Value s = b.create<memref::LoadOp>(loc, bufferOf.lookup(arg),
                                         ValueRange{indexConst(b, loc, 0)});
      invariant.map(arg,
                    b.create<vector::SplatOp>(
                        loc, VectorType::get({lanes}, t.getElementType()), s));
    }

  Value init = b.create<arith::ConstantOp>(
      loc, DenseElementsAttr::get(vt, initialValue(b, fold, accType)));
  SmallVector<Value> inits{init};
  if (stable)
    inits.push_back(init); // the errors start at 0, the sum's identity
  LogicalResult status = success();
  auto loop = b.create<scf::ForOp>(
      loc, indexConst(b, loc, 0), step.loopEnd(contiguous, R),
      indexConst(b, loc, 1), inits,
      [&](OpBuilder &b, Location loc, Value r, ValueRange acc) {
        SmallVector<Value> at; // each result's reduced coordinate
        for (size_t j = 0; j < (contiguous ? 1 : step.base.size()); ++j)
          at.push_back(step.coordinate(b, loc, j, r));
        Value shared = step.segmented()
                           ? Value()
                           : b.create<arith::MulIOp>(loc, r, I).getResult();
        // An input of the operand's shape: the elements being folded.
        auto readInput = [&](Value arg) -> Value {
          if (contiguous)
            return loadLanes(
                b, loc, bufferOf.lookup(arg),
                b.create<arith::AddIOp>(
                    loc, step.base[0],
                    b.create<arith::MulIOp>(loc, at[0], I).getResult()),
                lanes, elementOf(arg));
          SmallVector<Value> idx;
          for (size_t j = 0; j < step.base.size(); ++j)
            idx.push_back(b.create<arith::AddIOp>(
                loc, step.base[j],
                shared ? shared
                       : b.create<arith::MulIOp>(loc, at[j], I).getResult()));
          return gatherLanes(b, loc, bufferOf.lookup(arg), idx, elementOf(arg));
        };
        auto readBroadcast = [&](tgraph::BroadcastOp bc) -> Value {
          Value from = bc.getOperand();
          if (contiguous)
            return readContiguous(b, from, reads[bc], at[0]);
          SmallVector<Value> idx;
          for (size_t j = 0; j < step.base.size(); ++j)
            idx.push_back(
                broadcastIndex(b, loc, reads[bc], step, j, at[j], R, I));
          return gatherLanes(b, loc, bufferOf.lookup(from), idx,
                             elementOf(from));
        };
        FailureOr<SmallVector<Value>> folded =
            evaluateChain(b, body, reduce->getOperand(0), lanes, invariant,
                          bufferOf, readInput, readBroadcast);
        if (failed(folded))
          status = failure();
        Value v = succeeded(status) ? convertFloat(b, loc, folded->front(),
                                                   vt.getElementType())
                                    : acc[0];
        SmallVector<Value> next;
        if (stable) {
          Compensated c = addCompensated(b, loc, {acc[0], acc[1]}, v);
          next = {c.sum, c.error};
        } else {
          next = {combine(b, loc, fold, acc[0], v)};
        }
        if (step.segmented() && !contiguous) {
          // Lanes past their segment keep what they have.
          SmallVector<Value> keep;
          for (size_t j = 0; j < step.base.size(); ++j)
            keep.push_back(step.folds(b, loc, j, r));
          Value mask = b.create<vector::FromElementsOp>(
              loc, VectorType::get({lanes}, b.getI1Type()), keep);
          for (auto [n, a] : llvm::zip(next, acc))
            n = b.create<arith::SelectOp>(loc, mask, n, a);
        }
        b.create<scf::YieldOp>(loc, next);
      });
  if (failed(status))
    return failure();
  if (stable)
    return finishCompensated(b, loc, {loop.getResult(0), loop.getResult(1)});
  return loop.getResult(0);
}

LogicalResult lowerReductionGroup(tsched::FusionGroupOp group,
                                  ArrayRef<Value> results, EntryContext &ctx,
                                  int64_t resultsPerStep) {
  Block &groupBody = group.getBody().front();
  Operation *op = cast<tsched::YieldOp>(groupBody.getTerminator())
                      .getValues()[0]
                      .getDefiningOp();
  Location loc = op->getLoc();
  Fold fold = *foldOf(op);
  // The operand: a group input, or the value of the group's chain.
  bool chained = &groupBody.front() != op;
  Value operand = op->getOperand(0);
  if (!chained)
    operand = groupInput(group, operand);
  Type elem = elementOf(operand);
  if (!isSupportedElement(elem))
    return op->emitError("reduction on ")
           << elem << " is not supported by the CPU backend yet";
  for (Value in : group.getInputs())
    if (auto t = dyn_cast<RankedTensorType>(in.getType());
        t && !isSupportedElement(t.getElementType()))
      return op->emitError("dtype ")
             << t.getElementType()
             << " is not supported by the CPU backend yet";
  SmallVector<int64_t> axes(
      op->getAttrOfType<DenseI64ArrayAttr>("axes").asArrayRef());
  llvm::sort(axes);
  for (size_t i = 1; i < axes.size(); ++i)
    if (axes[i] != axes[i - 1] + 1)
      return op->emitError("reducing axes that are not adjacent is not "
                           "supported by the CPU backend yet");

  OpBuilder &eb = ctx.entryBuilder();
  auto in = ctx.extentsOf(operand, loc);
  if (failed(in))
    return failure();
  ArrayRef<Value> dims(*in);
  int64_t first = axes.empty() ? dims.size() : axes.front();
  int64_t last = axes.empty() ? dims.size() : axes.back() + 1;
  Value outer = product(eb, loc, dims.take_front(first));
  Value reduced = product(eb, loc, dims.slice(first, last - first));
  Value inner = product(eb, loc, dims.drop_front(last));
  // Rows (the reduced axes are the innermost ones) have a kernel of their
  // own, in the lane order; other reductions fold as below.
  if (last == static_cast<int64_t>(dims.size()))
    return lowerRowReduction(group, op, fold, chained, operand, results[0],
                             outer, reduced, first, ctx);
  bool stable = isCompensated(op, fold);
  Type accType = accumulatorOf(elem);
  Value points = eb.create<arith::MulIOp>(loc, outer, inner);

  // A step computes resultsPerStep consecutive results, each folding its
  // own R elements in ascending order: independent chains that the CPU
  // overlaps, where one chain waits on each add. A result's bits are those
  // of folding it alone.
  //
  // A fold over more than kColumnSegment elements is cut into segments of
  // kColumnSegment (the last one shorter), each folded so into a value,
  // and the values folded in ascending order from the first: two kernels,
  // the segments in parallel (a bias gradient over 16 384 points is 256
  // long sums otherwise). A fold known to be one segment keeps one kernel;
  // one found at run time to be one stores its result from the first
  // kernel, and the second has no points.
  std::optional<int64_t> known =
      staticCount(cast<RankedTensorType>(operand.getType()), first, last);
  bool segmented = !known || *known > kColumnSegment;
  Value segments, values;
  if (segmented) {
    segments = ceilDiv(eb, loc, reduced, kColumnSegment);
    points = eb.create<arith::MulIOp>(
        loc, eb.create<arith::MulIOp>(loc, outer, segments), inner);
    values = ctx.scratchBuffer(accType, points, loc);
  }
  KernelSpec spec{"reduction", group.getTile()[0], resultsPerStep, {}, {},
                  points,      {reduced, inner}};
  if (segmented) {
    spec.outputs = {values, results[0]};
    spec.sizes.push_back(segments);
  } else {
    spec.outputs = {results[0]};
  }
  addReductionInputs(spec, group, chained, operand, ctx);
  KernelBody kb = createKernel(ctx, spec, loc);
  OpBuilder &b = kb.builder;
  Value R = kb.sizes[0], I = kb.sizes[1], o = kb.offset;
  Value S = segmented ? kb.sizes[2] : Value();
  // Results past the last (in the last step) read result o's elements and
  // store nothing.
  StepResults step;
  SmallVector<Value> init;
  for (int64_t j = 0; j < resultsPerStep; ++j) {
    Value oj = b.create<arith::AddIOp>(loc, o, indexConst(b, loc, j));
    step.valid.push_back(
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, oj, kb.extent));
    Value read = b.create<arith::SelectOp>(loc, step.valid.back(), oj, o);
    Value p = b.create<arith::DivUIOp>(loc, read, I);
    Value q = b.create<arith::RemUIOp>(loc, read, I);
    if (segmented) {
      // Point (p, s, q): segment s of result (p, q).
      Value seg = b.create<arith::RemUIOp>(loc, p, S);
      p = b.create<arith::DivUIOp>(loc, p, S);
      Value from =
          b.create<arith::MulIOp>(loc, seg, indexConst(b, loc, kColumnSegment));
      step.first.push_back(from);
      step.count.push_back(
          b.create<arith::MinUIOp>(loc, indexConst(b, loc, kColumnSegment),
                                   b.create<arith::SubIOp>(loc, R, from)));
    }
    step.index.push_back(oj);
    step.p.push_back(p);
    step.q.push_back(q);
    step.base.push_back(b.create<arith::AddIOp>(
        loc,
        b.create<arith::MulIOp>(loc, b.create<arith::MulIOp>(loc, p, R), I),
        q));
    if (!chained)
      init.push_back(
          b.create<arith::ConstantOp>(loc, initialValue(b, fold, accType)));
  }
  // With `stable`, each result's error follows its sum (from 0).
  if (stable && !chained)
    init.append(SmallVector<Value>(init));
  if (segmented)
    step.end =
        b.create<arith::MinUIOp>(loc, indexConst(b, loc, kColumnSegment), R);
  // The step's results, folded. When they are consecutive results of one
  // row of the inner axis (and so of one segment), their elements at each
  // r are consecutive too: one vector load instead of a gather, one loop
  // end instead of a mask. Each lane folds the same elements in the same
  // order either way, so the bits are the same.
  auto foldStep = [&](OpBuilder &b,
                      bool contiguous) -> FailureOr<SmallVector<Value>> {
    SmallVector<Value> folded;
    if (chained) {
      FailureOr<Value> lanes = foldChain(
          b, loc, group, op, fold, {0, first, last, int64_t(dims.size())}, step,
          kb.inputs, R, I, stable, contiguous);
      if (failed(lanes))
        return failure();
      for (int64_t j = 0; j < resultsPerStep; ++j)
        folded.push_back(b.create<vector::ExtractOp>(loc, *lanes, j));
      return folded;
    }
    if (contiguous) {
      auto vt = VectorType::get({resultsPerStep}, accType);
      Value zero = b.create<arith::ConstantOp>(
          loc, DenseElementsAttr::get(vt, initialValue(b, fold, accType)));
      SmallVector<Value> inits{zero};
      if (stable)
        inits.push_back(zero); // the errors start at 0, the sum's identity
      auto loop = b.create<scf::ForOp>(
          loc, indexConst(b, loc, 0), step.loopEnd(true, R),
          indexConst(b, loc, 1), inits,
          [&](OpBuilder &b, Location loc, Value r, ValueRange acc) {
            Value at =
                b.create<arith::MulIOp>(loc, step.coordinate(b, loc, 0, r), I);
            Value v = convertFloat(
                b, loc,
                loadLanes(b, loc, kb.inputs[0],
                          b.create<arith::AddIOp>(loc, step.base[0], at),
                          resultsPerStep, elem),
                vt.getElementType());
            if (!stable) {
              b.create<scf::YieldOp>(loc, combine(b, loc, fold, acc[0], v));
              return;
            }
            Compensated c = addCompensated(b, loc, {acc[0], acc[1]}, v);
            b.create<scf::YieldOp>(loc, ValueRange{c.sum, c.error});
          });
      Value lanes = stable ? finishCompensated(
                                 b, loc, {loop.getResult(0), loop.getResult(1)})
                           : loop.getResult(0);
      for (int64_t j = 0; j < resultsPerStep; ++j)
        folded.push_back(b.create<vector::ExtractOp>(loc, lanes, j));
      return folded;
    }
    auto loop = b.create<scf::ForOp>(
        loc, indexConst(b, loc, 0), step.loopEnd(false, R),
        indexConst(b, loc, 1), init,
        [&](OpBuilder &b, Location loc, Value r, ValueRange acc) {
          Value stride =
              segmented ? Value() : b.create<arith::MulIOp>(loc, r, I);
          SmallVector<Value> next, errors;
          for (int64_t j = 0; j < resultsPerStep; ++j) {
            Value at = segmented ? b.create<arith::MulIOp>(
                                       loc, step.coordinate(b, loc, j, r), I)
                                 : stride;
            Value idx = b.create<arith::AddIOp>(loc, step.base[j], at);
            Value v = convertFloat(
                b, loc,
                b.create<memref::LoadOp>(loc, kb.inputs[0], ValueRange{idx}),
                accType);
            Value sum, error;
            if (stable) {
              Compensated c =
                  addCompensated(b, loc, {acc[j], acc[resultsPerStep + j]}, v);
              sum = c.sum;
              error = c.error;
            } else {
              sum = combine(b, loc, fold, acc[j], v);
            }
            if (segmented) {
              Value in = step.folds(b, loc, j, r);
              sum = b.create<arith::SelectOp>(loc, in, sum, acc[j]);
              if (stable)
                error = b.create<arith::SelectOp>(loc, in, error,
                                                  acc[resultsPerStep + j]);
            }
            next.push_back(sum);
            if (stable)
              errors.push_back(error);
          }
          next.append(errors);
          b.create<scf::YieldOp>(loc, next);
        });
    for (int64_t j = 0; j < resultsPerStep; ++j)
      folded.push_back(
          stable ? finishCompensated(
                       b, loc,
                       {loop.getResult(j), loop.getResult(resultsPerStep + j)})
                 : loop.getResult(j));
    return folded;
  };
  SmallVector<Value> folded;
  if (resultsPerStep == 1) {
    FailureOr<SmallVector<Value>> one = foldStep(b, false);
    if (failed(one))
      return failure();
    folded = *one;
  } else {
    // Every result valid (the last one is) and the last one in the first
    // one's row.
    Value rowEnd = b.create<arith::AddIOp>(loc, step.q[0],
                                           indexConst(b, loc, resultsPerStep));
    Value contiguous = b.create<arith::AndIOp>(
        loc, step.valid.back(),
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ule, rowEnd, I));
    auto split = b.create<scf::IfOp>(
        loc, SmallVector<Type>(resultsPerStep, accType), contiguous,
        /*withElseRegion=*/true);
    for (bool fast : {true, false}) {
      OpBuilder inner =
          fast ? split.getThenBodyBuilder() : split.getElseBodyBuilder();
      FailureOr<SmallVector<Value>> lanes = foldStep(inner, fast);
      if (failed(lanes))
        return failure();
      inner.create<scf::YieldOp>(loc, *lanes);
    }
    folded.assign(split.getResults().begin(), split.getResults().end());
  }
  Value single = segmented
                     ? b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, S,
                                               indexConst(b, loc, 1))
                     : Value();
  Value count;
  if (fold == Fold::Mean)
    count = b.create<arith::UIToFPOp>(
        loc, accType, b.create<arith::IndexCastUIOp>(loc, b.getI64Type(), R));
  for (int64_t j = 0; j < resultsPerStep; ++j) {
    Value result = folded[j];
    if (fold == Fold::Mean)
      result = b.create<arith::DivFOp>(loc, result, count);
    // Rounded once, here; a segment's value keeps the accumulator's type.
    result = convertFloat(b, loc, result, elem);
    auto store = b.create<scf::IfOp>(loc, step.valid[j], /*withElse=*/false);
    OpBuilder inner = store.getThenBodyBuilder();
    if (!segmented) {
      inner.create<memref::StoreOp>(loc, result, kb.outputs[0],
                                    ValueRange{step.index[j]});
      continue;
    }
    // One segment: the result (at the same index); else the value.
    inner.create<scf::IfOp>(
        loc, single,
        [&](OpBuilder &b, Location loc) {
          b.create<memref::StoreOp>(loc, result, kb.outputs[1],
                                    ValueRange{step.index[j]});
          b.create<scf::YieldOp>(loc);
        },
        [&](OpBuilder &b, Location loc) {
          b.create<memref::StoreOp>(loc, folded[j], kb.outputs[0],
                                    ValueRange{step.index[j]});
          b.create<scf::YieldOp>(loc);
        });
  }
  b.create<ttile::YieldOp>(loc);
  if (segmented)
    foldSegmentValues(ctx, loc, group.getTile()[0], fold, accType, values,
                      results[0], segments, outer, inner, reduced, stable);
  return success();
}

void foldSegmentValues(EntryContext &ctx, Location loc, int64_t tile, Fold fold,
                       Type elem, Value values, Value result, Value segments,
                       Value outer, Value inner, Value count,
                       bool compensated) {
  OpBuilder &eb = ctx.entryBuilder();
  Value several = eb.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ugt,
                                           segments, indexConst(eb, loc, 1));
  Value combined = eb.create<arith::SelectOp>(
      loc, several, eb.create<arith::MulIOp>(loc, outer, inner),
      indexConst(eb, loc, 0));
  KernelSpec second{"reduction",
                    tile,
                    1,
                    {values},
                    {result},
                    combined,
                    {segments, inner, count}};
  KernelBody kc = createKernel(ctx, second, loc);
  {
    OpBuilder &b = kc.builder;
    Value S = kc.sizes[0], I = kc.sizes[1], R = kc.sizes[2], o = kc.offset;
    Value p = b.create<arith::DivUIOp>(loc, o, I);
    Value q = b.create<arith::RemUIOp>(loc, o, I);
    // Value s of result (p, q) at (p * S + s) * I + q.
    Value base = b.create<arith::AddIOp>(
        loc,
        b.create<arith::MulIOp>(loc, b.create<arith::MulIOp>(loc, p, S), I), q);
    Value firstValue =
        b.create<memref::LoadOp>(loc, kc.inputs[0], ValueRange{base});
    SmallVector<Value> inits{firstValue};
    if (compensated)
      inits.push_back(
          b.create<arith::ConstantOp>(loc, b.getFloatAttr(elem, 0.0)));
    auto loop = b.create<scf::ForOp>(
        loc, indexConst(b, loc, 1), S, indexConst(b, loc, 1), inits,
        [&](OpBuilder &b, Location loc, Value seg, ValueRange acc) {
          Value idx = b.create<arith::AddIOp>(
              loc, base, b.create<arith::MulIOp>(loc, seg, I));
          Value v =
              b.create<memref::LoadOp>(loc, kc.inputs[0], ValueRange{idx});
          if (!compensated) {
            b.create<scf::YieldOp>(loc, combine(b, loc, fold, acc[0], v));
            return;
          }
          Compensated c = addCompensated(b, loc, {acc[0], acc[1]}, v);
          b.create<scf::YieldOp>(loc, ValueRange{c.sum, c.error});
        });
    Value folded =
        compensated
            ? finishCompensated(b, loc, {loop.getResult(0), loop.getResult(1)})
            : loop.getResult(0);
    Type resultElem = cast<MemRefType>(result.getType()).getElementType();
    b.create<memref::StoreOp>(
        loc,
        convertFloat(b, loc, finishFold(b, loc, fold, elem, folded, R),
                     resultElem),
        kc.outputs[0], ValueRange{o});
    b.create<ttile::YieldOp>(loc);
  }
  eb.create<memref::DeallocOp>(loc, values);
}

} // namespace tessera::tile
