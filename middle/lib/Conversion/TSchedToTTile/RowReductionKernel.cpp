// The row reduction: a reduction over the innermost axes, so that each
// result folds one contiguous row of C elements in the row order
// (RowFold.cpp). A point is one row.
//
// A row longer than kRowSegment elements is cut into segments of
// kRowSegment (the last one shorter), each folded in the row order into one
// value; the segment values of a row then form a row of their own, folded
// in the same order (and not cut again), except that a row of one segment
// is that segment's value. Rows of at most kRowSegment are folded exactly
// as before. Two kernels, so that segments run in parallel (a whole-tensor
// loss on a GPU is otherwise one warp): the first folds the segments, the
// second their values; when a row turns out to be one segment at run time,
// the first stores the result itself and the second has no points.
#include "RowFold.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace tessera::tile {

LogicalResult lowerRowReduction(tsched::FusionGroupOp group, Operation *reduce,
                                Fold fold, bool chained, Value operand,
                                Value result, Value rows, Value length,
                                int64_t first, EntryContext &ctx) {
  Location loc = reduce->getLoc();
  Type elem = elementOf(operand), acc = accumulatorOf(elem);
  bool stable = isCompensated(reduce, fold);
  // The result, rounded once from the accumulator.
  auto finish = [&](OpBuilder &b, Value folded, Value count) {
    return convertFloat(b, loc, finishFold(b, loc, fold, acc, folded, count),
                        elem);
  };
  // The row's length when the operand's type knows it.
  auto type = cast<RankedTensorType>(operand.getType());
  std::optional<int64_t> known = staticCount(type, first, type.getRank());
  if (known && *known <= kRowSegment) {
    // One segment: a point is a row.
    KernelSpec spec{"row_reduction", group.getTile()[0], 1, {}, {result}, rows,
                    {length}};
    addReductionInputs(spec, group, chained, operand, ctx);
    KernelBody kb = createKernel(ctx, spec, loc);
    OpBuilder &b = kb.builder;
    Value row = kb.offset, C = kb.sizes[0];
    RowReader reader(b, loc, group, type, chained, kb.inputs, first, row, C,
                     Value(), C);
    if (failed(reader.status))
      return failure();
    FailureOr<Value> folded = emitRowFold(b, loc, reader, reduce->getOperand(0),
                                          fold, acc, C, stable);
    if (failed(folded))
      return failure();
    b.create<memref::StoreOp>(loc, finish(b, *folded, C), kb.outputs[0],
                              ValueRange{row});
    b.create<ttile::YieldOp>(loc);
    return success();
  }

  // Segments: a point of the first kernel is one segment of one row.
  OpBuilder &eb = ctx.entryBuilder();
  Value segments = ceilDiv(eb, loc, length, kRowSegment);
  Value one = indexConst(eb, loc, 1);
  Value points = eb.create<arith::MulIOp>(loc, rows, segments);
  Value values = ctx.scratchBuffer(acc, points, loc);
  {
    KernelSpec spec{
        "row_reduction", group.getTile()[0], 1, {}, {values, result},
        points,          {length, segments}};
    addReductionInputs(spec, group, chained, operand, ctx);
    KernelBody kb = createKernel(ctx, spec, loc);
    OpBuilder &b = kb.builder;
    Value C = kb.sizes[0], S = kb.sizes[1];
    Value row = b.create<arith::DivUIOp>(loc, kb.offset, S);
    Value start = b.create<arith::MulIOp>(
        loc, b.create<arith::RemUIOp>(loc, kb.offset, S),
        indexConst(b, loc, kRowSegment));
    Value n = b.create<arith::MinUIOp>(loc, indexConst(b, loc, kRowSegment),
                                       b.create<arith::SubIOp>(loc, C, start));
    RowReader reader(b, loc, group, type, chained, kb.inputs, first, row, C,
                     start, n);
    if (failed(reader.status))
      return failure();
    FailureOr<Value> folded = emitRowFold(b, loc, reader, reduce->getOperand(0),
                                          fold, acc, n, stable);
    if (failed(folded))
      return failure();
    // A row of one segment: the result itself.
    Value single = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, S,
                                           indexConst(b, loc, 1));
    b.create<scf::IfOp>(
        loc, single,
        [&](OpBuilder &b, Location loc) {
          b.create<memref::StoreOp>(loc, finish(b, *folded, C), kb.outputs[1],
                                    ValueRange{row});
          b.create<scf::YieldOp>(loc);
        },
        [&](OpBuilder &b, Location loc) {
          b.create<memref::StoreOp>(loc, *folded, kb.outputs[0],
                                    ValueRange{kb.offset});
          b.create<scf::YieldOp>(loc);
        });
    b.create<ttile::YieldOp>(loc);
  }
  // The second folds each row's segment values; no points when every row
  // is one segment.
  Value several =
      eb.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ugt, segments, one);
  Value combined =
      eb.create<arith::SelectOp>(loc, several, rows, indexConst(eb, loc, 0));
  {
    KernelSpec spec{"row_reduction", group.getTile()[0], 1, {values}, {result},
                    combined,        {segments, length}};
    KernelBody kb = createKernel(ctx, spec, loc);
    OpBuilder &b = kb.builder;
    Value S = kb.sizes[0], C = kb.sizes[1], row = kb.offset;
    RowReader reader(b, loc, group, type, /*chained=*/false, kb.inputs, first,
                     row, S, Value(), S);
    FailureOr<Value> folded = emitRowFold(b, loc, reader, reduce->getOperand(0),
                                          fold, acc, S, stable);
    if (failed(folded))
      return failure();
    b.create<memref::StoreOp>(loc, finish(b, *folded, C), kb.outputs[0],
                              ValueRange{row});
    b.create<ttile::YieldOp>(loc);
  }
  eb.create<memref::DeallocOp>(loc, values);
  return success();
}

} // namespace tessera::tile
