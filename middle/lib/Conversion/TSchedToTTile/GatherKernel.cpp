// tgraph.gather and tgraph.scatter. Both see their operand as [A, D, B]
// (the dims before the axis, the axis, the dims after it) and the indices
// as I flat positions; gather's result and scatter's updates are [A, I, B].
// An index outside [0, D) is clamped into it, as the ops define.
//
// gather: one kernel, a point per result element (a, i, b), reading operand
// element (a, clamp(indices[i]), b).
//
// scatter: updates that land on the same element are applied in ascending
// i (row-major order of the updates), so the result does not depend on how
// the work is split. Two kernels:
// 1. `scatter_plan`, one point: a stable counting sort of the positions i
//    by their clamped target t: `first[t]` is where target t's positions
//    start in `order` (first[D] = I), and `order` lists them in ascending i
//    within each target.
// 2. `scatter`, a point per result element (a, t, b): the operand's element,
//    then with `accumulate` each update (a, order[j], b) added for j from
//    first[t] to first[t + 1] in order; without it, the last such update
//    replaces it (the one that comes last in row-major order).
#include "KernelBuilder.h"
#include "ScalarOps.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace tessera::tile {
namespace {

struct Index : Scalars {
  // The plan's buffers hold positions as i64.
  Value loadPosition(Value buffer, Value i) {
    return b.create<arith::IndexCastOp>(loc, b.getIndexType(), load(buffer, i));
  }
  void storePosition(Value v, Value buffer, Value i) {
    store(b.create<arith::IndexCastOp>(loc, b.getI64Type(), v), buffer, i);
  }
  // indices[i] clamped into [0, D), as an index (the indices are i32 or
  // i64, compared signed).
  Value target(Value indices, Value i, Value D) {
    Value raw = load(indices, i);
    Value wide =
        raw.getType().isInteger(64)
            ? raw
            : b.create<arith::ExtSIOp>(loc, b.getI64Type(), raw).getResult();
    Value last =
        b.create<arith::IndexCastOp>(loc, b.getI64Type(), sub(D, idx(1)));
    Value zero = b.create<arith::ConstantIntOp>(loc, 0, 64);
    Value clamped = b.create<arith::MinSIOp>(
        loc, b.create<arith::MaxSIOp>(loc, wide, zero), last);
    return b.create<arith::IndexCastOp>(loc, b.getIndexType(), clamped);
  }
  // (a, x, b) of a flat [A, X, B] position p.
  std::tuple<Value, Value, Value> split(Value p, Value X, Value B) {
    Value rest = div(p, B);
    return {div(rest, X), rem(rest, X), rem(p, B)};
  }
  Value flat(Value a, Value x, Value X, Value b_, Value B) {
    return add(mul(add(mul(a, X), x), B), b_);
  }
};

// A, D, B of the operand around `axis`, and I, the indices' count.
struct Extents {
  Value A, D, B, I;
};

FailureOr<Extents> extentsAround(EntryContext &ctx, Value operand,
                                 Value indices, int64_t axis, Location loc) {
  auto od = ctx.extentsOf(operand, loc), id = ctx.extentsOf(indices, loc);
  if (failed(od) || failed(id))
    return failure();
  OpBuilder &eb = ctx.entryBuilder();
  ArrayRef<Value> dims(*od);
  return Extents{product(eb, loc, dims.take_front(axis)), dims[axis],
                 product(eb, loc, dims.drop_front(axis + 1)),
                 product(eb, loc, *id)};
}

LogicalResult lowerGather(tgraph::GatherOp op, tsched::FusionGroupOp group,
                          Value result, EntryContext &ctx) {
  Location loc = op.getLoc();
  auto e = extentsAround(ctx, groupInput(group, op.getOperand()),
                         groupInput(group, op.getIndices()), op.getAxis(), loc);
  if (failed(e))
    return failure();
  OpBuilder &eb = ctx.entryBuilder();
  KernelSpec spec{"layout",
                  group.getTile()[0],
                  1,
                  {ctx.bufferOf(groupInput(group, op.getOperand())),
                   ctx.bufferOf(groupInput(group, op.getIndices()))},
                  {result},
                  product(eb, loc, {e->A, e->I, e->B}),
                  {e->D, e->B, e->I}};
  KernelBody k = createKernel(ctx, spec, loc);
  Index x{{k.builder, loc}};
  Value D = k.sizes[0], B = k.sizes[1], I = k.sizes[2];
  auto [a, i, b] = x.split(k.offset, I, B);
  Value from = x.flat(a, x.target(k.inputs[1], i, D), D, b, B);
  x.store(x.load(k.inputs[0], from), k.outputs[0], k.offset);
  k.builder.create<ttile::YieldOp>(loc);
  return success();
}

LogicalResult lowerScatter(tgraph::ScatterOp op, tsched::FusionGroupOp group,
                           Value result, EntryContext &ctx) {
  Location loc = op.getLoc();
  Value operand = groupInput(group, op.getOperand()),
        indices = groupInput(group, op.getIndices()),
        updates = groupInput(group, op.getUpdates());
  auto e = extentsAround(ctx, operand, indices, op.getAxis(), loc);
  if (failed(e))
    return failure();
  OpBuilder &eb = ctx.entryBuilder();
  Value first = ctx.scratchBuffer(
      eb.getI64Type(),
      eb.create<arith::AddIOp>(loc, e->D, indexConst(eb, loc, 1)), loc);
  Value order = ctx.scratchBuffer(
      eb.getI64Type(),
      eb.create<arith::MaxUIOp>(loc, e->I, indexConst(eb, loc, 1)), loc);

  // The plan: counts per target, their exclusive prefix sums, then each
  // position in ascending i at its target's next free place.
  KernelSpec plan{"scatter_plan",
                  1,
                  1,
                  {ctx.bufferOf(indices)},
                  {first, order},
                  indexConst(eb, loc, 1),
                  {e->D, e->I}};
  KernelBody p = createKernel(ctx, plan, loc);
  {
    OpBuilder &b = p.builder;
    Index x{{b, loc}};
    Value D = p.sizes[0], I = p.sizes[1];
    Value firsts = p.outputs[0], places = p.outputs[1];
    x.loop(x.idx(0), x.add(D, x.idx(1)),
           [&](Value t) { x.storePosition(x.idx(0), firsts, t); });
    // counts at first[t + 1] ...
    x.loop(x.idx(0), I, [&](Value i) {
      Value slot = x.add(x.target(p.inputs[0], i, D), x.idx(1));
      x.storePosition(x.add(x.loadPosition(firsts, slot), x.idx(1)), firsts,
                      slot);
    });
    // ... summed into starts; first[D] = I.
    x.loop(x.idx(1), x.add(D, x.idx(1)), [&](Value t) {
      Value before = x.loadPosition(firsts, x.sub(t, x.idx(1)));
      x.storePosition(x.add(x.loadPosition(firsts, t), before), firsts, t);
    });
    // Each position at its target's next place: first[t] counts up while
    // filling, and ends as the start of t + 1 ...
    x.loop(x.idx(0), I, [&](Value i) {
      Value t = x.target(p.inputs[0], i, D);
      Value place = x.loadPosition(firsts, t);
      x.storePosition(i, places, place);
      x.storePosition(x.add(place, x.idx(1)), firsts, t);
    });
    // ... so the starts move back one place, t = D-1 down to 0.
    x.loop(x.idx(0), D, [&](Value r) {
      Value t = x.sub(x.sub(D, x.idx(1)), r);
      Value atZero =
          b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, t, x.idx(0));
      Value before = x.loadPosition(
          firsts,
          b.create<arith::SelectOp>(loc, atZero, x.idx(0), x.sub(t, x.idx(1))));
      x.storePosition(b.create<arith::SelectOp>(loc, atZero, x.idx(0), before),
                      firsts, t);
    });
    b.create<ttile::YieldOp>(loc);
  }

  // The result: point (a, t, b) is the operand's element, then the updates
  // that land on it in ascending i, added or (the last) replacing.
  KernelSpec apply{"layout",
                   group.getTile()[0],
                   1,
                   {ctx.bufferOf(operand), ctx.bufferOf(updates), first, order},
                   {result},
                   product(eb, loc, {e->A, e->D, e->B}),
                   {e->D, e->B, e->I}};
  KernelBody k = createKernel(ctx, apply, loc);
  {
    OpBuilder &b = k.builder;
    Index x{{b, loc}};
    Value D = k.sizes[0], B = k.sizes[1], I = k.sizes[2];
    auto [at, t, bt] = x.split(k.offset, D, B);
    Value a = at, bb = bt; // captured below
    Value from = x.loadPosition(k.inputs[2], t);
    Value to = x.loadPosition(k.inputs[2], x.add(t, x.idx(1)));
    bool accumulate = op.getAccumulate();
    // A sum of updates accumulates as a reduction does (bf16 in f32),
    // rounded once when stored.
    Type elem = elementOf(op.getResult());
    Type sumType = accumulate ? accumulatorOf(elem) : elem;
    auto loop = b.create<scf::ForOp>(
        loc, from, to, x.idx(1),
        ValueRange{
            convertFloat(b, loc, x.load(k.inputs[0], k.offset), sumType)},
        [&](OpBuilder &nb, Location, Value j, ValueRange acc) {
          Index y{{nb, loc}};
          Value i = y.loadPosition(k.inputs[3], j);
          Value u = convertFloat(
              nb, loc, y.load(k.inputs[1], y.flat(a, i, I, bb, B)), sumType);
          Value next = u;
          if (accumulate)
            next = isa<FloatType>(elem)
                       ? nb.create<arith::AddFOp>(loc, acc[0], u).getResult()
                       : nb.create<arith::AddIOp>(loc, acc[0], u).getResult();
          nb.create<scf::YieldOp>(loc, next);
        });
    x.store(convertFloat(b, loc, loop.getResult(0), elem), k.outputs[0],
            k.offset);
    b.create<ttile::YieldOp>(loc);
  }
  eb.create<memref::DeallocOp>(loc, first);
  eb.create<memref::DeallocOp>(loc, order);
  return success();
}

} // namespace

LogicalResult lowerGatherGroup(tsched::FusionGroupOp group,
                               ArrayRef<Value> results, EntryContext &ctx) {
  Operation *op = singleOp(group);
  if (auto g = dyn_cast<tgraph::GatherOp>(op))
    return lowerGather(g, group, results[0], ctx);
  return lowerScatter(cast<tgraph::ScatterOp>(op), group, results[0], ctx);
}

} // namespace tessera::tile
