// A rows group (RowGroups.cpp): one kernel whose point is one row. Going
// through the group's body in order, it
//   - folds the row for each reduction, in the row order (RowFold.cpp), over
//     the chain in front of it, and keeps the value, finished and rounded
//     to the result's type as its own kernel stored it, in all 32 lanes;
//   - computes each per-row operator (layernorm's rsqrt(var + eps)) on
//     those lanes;
// then writes the elementwise results chunk by chunk along the row (32
// elements, the tail masked), and stores the per-row values that other
// groups read. A broadcast of a per-row value along the row is that value.
// Every operator is the one its own kernel ran, lane by lane, so the bits
// are those of the groups it merges; only the row is read once from memory
// and then from cache.
#include "RowFold.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace tessera::tile {

// The value of reduction `reduce` over the row (`length` elements), as its
// row reduction kernel computes it when the row is one segment.
static FailureOr<Value> foldRow(OpBuilder &b, Location loc, RowReader &reader,
                                Operation *reduce, Value length) {
  Fold fold = *foldOf(reduce);
  Type elem = elementOf(reduce->getOperand(0)), acc = accumulatorOf(elem);
  FailureOr<Value> folded =
      emitRowFold(b, loc, reader, reduce->getOperand(0), fold, acc, length,
                  isCompensated(reduce, fold));
  if (failed(folded))
    return failure();
  return convertFloat(b, loc, finishFold(b, loc, fold, acc, *folded, length),
                      elem);
}

// The same over a row whose length is known at run time only, with the
// bits of the row reduction's two kernels (RowReductionKernel.cpp): a row
// of one segment folded so; a longer one segment by segment, segment s's
// value folded into lane s % 32 in ascending order (the second kernel's
// lanes, whose tail lanes past the values only take the identity, which
// changes no bits), then the tree.
static FailureOr<Value> foldRowInSegments(OpBuilder &b, Location loc,
                                          RowReader &reader, Operation *reduce,
                                          Value length) {
  Fold fold = *foldOf(reduce);
  Type elem = elementOf(reduce->getOperand(0)), acc = accumulatorOf(elem);
  bool stable = isCompensated(reduce, fold);
  Value segments = ceilDiv(b, loc, length, kRowSegment);
  Value one = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, segments,
                                      indexConst(b, loc, 1));
  LogicalResult status = success();
  auto ifOne = b.create<scf::IfOp>(loc, TypeRange{elem}, one,
                                   /*withElseRegion=*/true);
  {
    OpBuilder tb = ifOne.getThenBodyBuilder();
    FailureOr<Value> v = foldRow(tb, loc, reader, reduce, length);
    if (failed(v))
      return failure();
    tb.create<scf::YieldOp>(loc, *v);
  }
  OpBuilder eb = ifOne.getElseBodyBuilder();
  auto vt = VectorType::get({kRowLanes}, acc);
  Value identity = eb.create<arith::ConstantOp>(
      loc, DenseElementsAttr::get(vt, initialValue(eb, fold, acc)));
  // With `stable`, the errors start at 0 too, a sum's identity.
  SmallVector<Value> init(stable ? 2 : 1, identity);
  auto iv = VectorType::get({kRowLanes}, eb.getI32Type());
  Value lane = laneIndices(eb, loc);
  auto loop = eb.create<scf::ForOp>(
      loc, indexConst(eb, loc, 0), segments, indexConst(eb, loc, 1), init,
      [&](OpBuilder &b, Location loc, Value s, ValueRange lanes) {
        Value from =
            b.create<arith::MulIOp>(loc, s, indexConst(b, loc, kRowSegment));
        Value n = b.create<arith::MinUIOp>(
            loc, indexConst(b, loc, kRowSegment),
            b.create<arith::SubIOp>(loc, length, from));
        reader.setRun(from, n);
        FailureOr<Value> v = emitRowFold(b, loc, reader, reduce->getOperand(0),
                                         fold, acc, n, stable);
        reader.setRun(Value(), length);
        if (failed(v)) {
          status = failure();
          b.create<scf::YieldOp>(loc, lanes);
          return;
        }
        Value splat = b.create<vector::SplatOp>(loc, vt, *v);
        Compensated next =
            stable
                ? addCompensated(b, loc, {lanes[0], lanes[1]}, splat)
                : Compensated{combine(b, loc, fold, lanes[0], splat), Value()};
        Value which = b.create<arith::IndexCastUIOp>(
            loc, b.getI32Type(),
            b.create<arith::RemUIOp>(loc, s, indexConst(b, loc, kRowLanes)));
        Value mine =
            b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, lane,
                                    b.create<vector::SplatOp>(loc, iv, which));
        SmallVector<Value> kept{
            b.create<arith::SelectOp>(loc, mine, next.sum, lanes[0])};
        if (stable)
          kept.push_back(
              b.create<arith::SelectOp>(loc, mine, next.error, lanes[1]));
        b.create<scf::YieldOp>(loc, kept);
      });
  if (failed(status))
    return failure();
  Compensated lanes{loop.getResult(0), stable ? loop.getResult(1) : Value()};
  Value folded = foldLanes(eb, loc, fold, lanes, stable);
  eb.create<scf::YieldOp>(
      loc, convertFloat(eb, loc, finishFold(eb, loc, fold, acc, folded, length),
                        elem));
  return ifOne.getResult(0);
}

LogicalResult lowerRowGroup(tsched::FusionGroupOp group,
                            ArrayRef<Value> results, EntryContext &ctx) {
  Location loc = group.getLoc();
  Block &body = group.getBody().front();
  auto rowType = cast<RankedTensorType>(group.getResult(0).getType());
  if (failed(checkSupportedElements(group)))
    return failure();
  Operation *firstFold = nullptr;
  for (Operation &op : body)
    if (foldOf(&op)) {
      firstFold = &op;
      break;
    }
  if (!firstFold)
    return group.emitError("a rows group needs a reduction");
  int64_t first = llvm::min_element(
      firstFold->getAttrOfType<DenseI64ArrayAttr>("axes").asArrayRef())[0];

  OpBuilder &eb = ctx.entryBuilder();
  auto extents = ctx.extentsOf(group.getResult(0), loc);
  if (failed(extents))
    return failure();
  ArrayRef<Value> dims(*extents);
  KernelSpec spec{"row_reduction",
                  group.getTile()[0],
                  1,
                  {},
                  SmallVector<Value>(results),
                  product(eb, loc, dims.take_front(first)),
                  {product(eb, loc, dims.drop_front(first))}};
  for (Value in : group.getInputs())
    if (isa<RankedTensorType>(in.getType()))
      spec.inputs.push_back(ctx.bufferOf(in));
  KernelBody kb = createKernel(ctx, spec, loc);
  OpBuilder &b = kb.builder;
  // A row length known at compile time is a constant in the kernel, so
  // that its loops have a known trip count (the CUDA backend unrolls short
  // ones whole, and the row's later passes then reuse its loads).
  std::optional<int64_t> known = staticCount(rowType, first, rowType.getRank());
  Value row = kb.offset;
  Value C = known ? indexConst(b, loc, *known) : kb.sizes[0];
  RowReader reader(b, loc, group, rowType, /*chained=*/true, kb.inputs, first,
                   row, C, Value(), C);
  if (failed(reader.status))
    return failure();

  auto rowSpace = [&](Value v) {
    return cast<RankedTensorType>(v.getType()).getShape() == rowType.getShape();
  };
  auto everyLane = [&](Value scalar) {
    return b.create<vector::SplatOp>(
        loc, VectorType::get({kRowLanes}, scalar.getType()), scalar);
  };
  Value zero = indexConst(b, loc, 0);
  for (Operation &op : body.without_terminator()) {
    if (foldOf(&op)) {
      FailureOr<Value> value = known
                                   ? foldRow(b, loc, reader, &op, C)
                                   : foldRowInSegments(b, loc, reader, &op, C);
      if (failed(value))
        return failure();
      reader.know(op.getResult(0), everyLane(*value));
      continue;
    }
    // Row-space operators are computed chunk by chunk where they are
    // needed; a per-row one now, from the per-row values it reads.
    if (rowSpace(op.getResult(0)) || reader.known(op.getResult(0)))
      continue;
    FailureOr<Value> v =
        reader.chunk(b, loc, op.getResult(0), zero, /*whole=*/true);
    if (failed(v))
      return failure();
    reader.know(op.getResult(0), *v);
  }

  // The row's elementwise results, 32 at a time, then its tail.
  auto yield = cast<tsched::YieldOp>(body.getTerminator());
  SmallVector<Value> rowValues, rowOutputs;
  for (auto [v, out] : llvm::zip(yield.getValues(), kb.outputs))
    if (rowSpace(v)) {
      rowValues.push_back(v);
      rowOutputs.push_back(out);
    }
  Value base = reader.rowStart();
  Value end = b.create<arith::AddIOp>(loc, base, C);
  Value lanes = indexConst(b, loc, kRowLanes);
  Value whole = b.create<arith::MulIOp>(
      loc, b.create<arith::DivUIOp>(loc, C, lanes), lanes);
  auto storeChunk = [&](OpBuilder &b, Value at, bool isWhole) {
    FailureOr<SmallVector<Value>> values =
        reader.chunks(b, loc, rowValues, at, isWhole);
    if (failed(values))
      return failure();
    Value offset = b.create<arith::AddIOp>(loc, base, at);
    for (auto [v, out] : llvm::zip(*values, rowOutputs)) {
      auto store = b.create<ttile::StoreOp>(loc, v, out, offset, end);
      if (isWhole)
        store->setAttr("ttile.in_bounds", b.getUnitAttr());
    }
    return success();
  };
  LogicalResult status = success();
  b.create<scf::ForOp>(loc, zero, whole, lanes, ValueRange{},
                       [&](OpBuilder &b, Location loc, Value at, ValueRange) {
                         if (failed(storeChunk(b, at, /*isWhole=*/true)))
                           status = failure();
                         b.create<scf::YieldOp>(loc);
                       });
  Value tail =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, whole, C);
  b.create<scf::IfOp>(loc, tail, [&](OpBuilder &b, Location loc) {
    if (failed(storeChunk(b, whole, /*isWhole=*/false)))
      status = failure();
    b.create<scf::YieldOp>(loc);
  });
  if (failed(status))
    return failure();

  // Per-row values read by other groups: element `row`.
  for (auto [v, out] : llvm::zip(yield.getValues(), kb.outputs))
    if (!rowSpace(v))
      b.create<memref::StoreOp>(
          loc, b.create<vector::ExtractOp>(loc, reader.known(v), 0), out,
          ValueRange{row});
  b.create<ttile::YieldOp>(loc);
  return success();
}

} // namespace tessera::tile
