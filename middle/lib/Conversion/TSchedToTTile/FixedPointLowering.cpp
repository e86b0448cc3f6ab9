// A fixed point: its body's kernels run in a loop of the entry (host code),
// exactly as tgraph.fixed_point and the reference evaluator define it:
//
//   x = init                      (a copy, into the result's buffer)
//   for (i = 0; i < max_iter; ++i) {
//     next = body(x, captured...)  (the body's kernels; the last writes next)
//     change = max |next - x|      (a kernel, in f64: one row folded in the
//                                   row order; a NaN makes it NaN)
//     x = next                     (a copy)
//     if (change <= tol) break     (the entry reads `change` back; a NaN
//                                   never stops the loop)
//   }
//
// The result is the last iterate, converged or not: reaching max_iter is not
// an error (the reference evaluator's behaviour). The differences are taken
// in f64 after converting both iterates exactly, as the reference does, so
// the loop stops after the same iteration given the same iterates. Every
// kernel keeps its own determinism, and the loop's decisions depend only on
// their results: the bits are independent of the thread count and the tile
// sizes.
//
// The body's temporaries and the `next` buffer are allocated once, before
// the loop, and freed after it.
#include "KernelBuilder.h"
#include "tessera/Conversion/SymbolicShape.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace tessera::tile {

namespace {

FailureOr<Value> elementCount(EntryContext &ctx, Value tensor, Location loc) {
  auto extents = ctx.extentsOf(tensor, loc);
  if (failed(extents))
    return failure();
  return product(ctx.entryBuilder(), loc, *extents);
}

// The group computing max |next - x| (converted to f64) into a rank-0
// tensor, built before the body's terminator for the time of its lowering.
tsched::FusionGroupOp changeGroup(OpBuilder &b, Location loc, Value next,
                                  Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  auto f64Type = type.clone(b.getF64Type());
  auto scalar = RankedTensorType::get({}, b.getF64Type());
  bool reduce = type.getRank() > 0;
  auto group = b.create<tsched::FusionGroupOp>(
      loc, TypeRange{scalar}, ValueRange{next, x},
      b.getStringAttr(reduce ? "reduction" : "elementwise"), b.getArrayAttr({}),
      b.getDenseI64ArrayAttr({reduce ? 64 : 1}));
  Block *body = new Block();
  group.getBody().push_back(body);
  Value n = body->addArgument(type, loc), c = body->addArgument(type, loc);
  OpBuilder ib = OpBuilder::atBlockEnd(body);
  if (!type.getElementType().isF64()) {
    n = ib.create<tgraph::CastOp>(loc, f64Type, n);
    c = ib.create<tgraph::CastOp>(loc, f64Type, c);
  }
  Value d = ib.create<tgraph::AbsOp>(loc, ib.create<tgraph::SubOp>(loc, n, c));
  if (reduce)
    d = ib.create<tgraph::ReduceMaxOp>(
        loc, d, llvm::to_vector(llvm::seq<int64_t>(0, type.getRank())));
  ib.create<tsched::YieldOp>(loc, ValueRange{d});
  return group;
}

} // namespace

LogicalResult lowerFixedPoint(tgraph::FixedPointOp op, Value result,
                              EntryContext &ctx, int64_t vectorBytes) {
  Location loc = op.getLoc();
  Block &body = op.getBody().front();
  Type elem = elementOf(op.getInit());
  if (!isSupportedElement(elem))
    return op.emitError("fixed point over ")
           << elem << " is not supported by the CPU backend yet";
  OpBuilder &eb = ctx.entryBuilder();
  auto count = elementCount(ctx, op.getInit(), loc);
  if (failed(count))
    return failure();

  // Buffers, allocated before the loop: the iterate lives in the result's
  // buffer; the body's values get temporaries, but for the value it
  // yields, which goes to `next`.
  Value yielded = body.getTerminator()->getOperand(0);
  Value next = ctx.scratchBuffer(elem, *count, loc);
  SmallVector<Value> scratch{next};
  SmallVector<std::pair<Operation *, SmallVector<Value>>> steps;
  for (Operation &inner : body.without_terminator()) {
    if (isa<tensor::DimOp, tgraph::ConstantOp>(inner) ||
        isa<arith::ArithDialect>(inner.getDialect()))
      continue; // extents: the kernels compute them from the entry's dims
    if (!isa<tsched::FusionGroupOp, tgraph::FixedPointOp>(inner))
      return inner.emitError("cannot lower '")
             << inner.getName() << "' in the body of a fixed point";
    SmallVector<Value> buffers;
    for (Value r : inner.getResults()) {
      Value buffer = next;
      if (r != yielded) {
        auto n = elementCount(ctx, r, loc);
        if (failed(n))
          return failure();
        buffer = ctx.scratchBuffer(elementOf(r), *n, loc);
        scratch.push_back(buffer);
      }
      ctx.setBuffer(r, buffer);
      buffers.push_back(buffer);
    }
    steps.push_back({&inner, buffers});
  }
  if (!yielded.getDefiningOp() ||
      yielded.getDefiningOp()->getBlock() != &body || !ctx.bufferOf(yielded))
    return op.emitError("the body of this fixed point yields a value that "
                        "no kernel of its own computes");
  Value change =
      ctx.scratchBuffer(eb.getF64Type(), indexConst(eb, loc, 1), loc);
  scratch.push_back(change);
  ctx.setBuffer(body.getArgument(0), result);
  for (auto [arg, captured] :
       llvm::zip(body.getArguments().drop_front(), op.getCaptured()))
    ctx.setBuffer(arg, ctx.bufferOf(captured));
  emitCopy(ctx, ctx.bufferOf(op.getInit()), result, *count, elem, vectorBytes,
           loc);

  // while (i < max_iter): i + 1, or max_iter once converged.
  Value zero = indexConst(eb, loc, 0);
  Value maxIter = indexConst(eb, loc, op.getMaxIter());
  auto loop = eb.create<scf::WhileOp>(loc, TypeRange{eb.getIndexType()},
                                      ValueRange{zero});
  Block *before =
      eb.createBlock(&loop.getBefore(), {}, {eb.getIndexType()}, {loc});
  eb.create<scf::ConditionOp>(
      loc,
      eb.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt,
                               before->getArgument(0), maxIter),
      before->getArguments());
  Block *after =
      eb.createBlock(&loop.getAfter(), {}, {eb.getIndexType()}, {loc});
  {
    OpBuilder::InsertionGuard guard(eb);
    eb.setInsertionPointToEnd(after);
    for (auto &[step, buffers] : steps)
      if (failed(ctx.lowerStep(step, buffers)))
        return failure();
    OpBuilder gb(body.getTerminator());
    tsched::FusionGroupOp measure =
        changeGroup(gb, loc, yielded, body.getArgument(0));
    LogicalResult lowered = ctx.lowerStep(measure, {change});
    measure.erase();
    if (failed(lowered))
      return failure();
    emitCopy(ctx, next, result, *count, elem, vectorBytes, loc);
    Value read = eb.create<memref::LoadOp>(loc, change, ValueRange{zero});
    Value converged = eb.create<arith::CmpFOp>(
        loc, arith::CmpFPredicate::OLE, read,
        eb.create<arith::ConstantOp>(
            loc, eb.getF64FloatAttr(op.getTol().convertToDouble())));
    Value counted = eb.create<arith::AddIOp>(loc, after->getArgument(0),
                                             indexConst(eb, loc, 1));
    eb.create<scf::YieldOp>(loc, ValueRange{eb.create<arith::SelectOp>(
                                     loc, converged, maxIter, counted)});
  }
  eb.setInsertionPointAfter(loop);
  for (Value buffer : scratch)
    eb.create<memref::DeallocOp>(loc, buffer);
  return success();
}

} // namespace tessera::tile
