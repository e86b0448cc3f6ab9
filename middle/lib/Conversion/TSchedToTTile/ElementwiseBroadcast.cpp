// An elementwise kernel's step reads an operand through a broadcast
// (BroadcastRead.h) with one division per step, not one per element: the
// step's first point gives its row and its place in the row. A step inside
// one row, the common case, reads one value (Rows) or one contiguous vector
// (Columns); only a step that crosses a row end reads lane by lane, in a
// short loop (at most one such step per row where rows are a step or
// longer).
#include "KernelBuilder.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace tessera::tile {

// A step that crosses a row end: a loop over the lanes that walks their
// places in the rows (no division, however short the rows), loading and
// inserting each lane's element. Lanes past the last point read what lane
// 0 reads: they are not stored, and read nothing out of bounds or that
// could trap where a live lane would not.
static Value crossingRead(OpBuilder &b, Location loc,
                          FlatBroadcastRead::Kind kind, Value buffer,
                          VectorType vt, Value offset, Value extent,
                          Value rowLength, Value row, Value within) {
  bool rows = kind == FlatBroadcastRead::Rows;
  Value first = rows ? row : within;
  Value start = b.create<vector::SplatOp>(
      loc, vt, b.create<memref::LoadOp>(loc, buffer, first));
  Value zero = indexConst(b, loc, 0), one = indexConst(b, loc, 1);
  auto loop = b.create<scf::ForOp>(
      loc, zero, indexConst(b, loc, vt.getNumElements()), one,
      ValueRange{start, row, within},
      [&](OpBuilder &b, Location loc, Value i, ValueRange at) {
        Value r = at[1], c = at[2];
        Value live = b.create<arith::CmpIOp>(
            loc, arith::CmpIPredicate::ult,
            b.create<arith::AddIOp>(loc, offset, i), extent);
        Value idx = b.create<arith::SelectOp>(loc, live, rows ? r : c, first);
        Value e = b.create<memref::LoadOp>(loc, buffer, idx);
        Value v = b.create<vector::InsertElementOp>(loc, e, at[0], i);
        // The next lane's place: one further along, or the next row's start.
        Value next = b.create<arith::AddIOp>(loc, c, one);
        Value wrap = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                             next, rowLength);
        next = b.create<arith::SelectOp>(loc, wrap, zero, next);
        Value nextRow = b.create<arith::SelectOp>(
            loc, wrap, b.create<arith::AddIOp>(loc, r, one), r);
        b.create<scf::YieldOp>(loc, ValueRange{v, nextRow, next});
      });
  return loop.getResult(0);
}

Value emitFlatBroadcastRead(OpBuilder &b, Location loc, FlatBroadcastRead read,
                            Value buffer, VectorType vt, Value offset,
                            Value extent, Value rowLength) {
  switch (read.kind) {
  case FlatBroadcastRead::Same:
    return b.create<ttile::LoadOp>(loc, vt, buffer, offset, extent);
  case FlatBroadcastRead::Scalar: {
    Value s = b.create<memref::LoadOp>(loc, buffer,
                                       ValueRange{indexConst(b, loc, 0)});
    return b.create<vector::SplatOp>(loc, vt, s);
  }
  case FlatBroadcastRead::Rows:
  case FlatBroadcastRead::Columns:
    break;
  }
  Value W = rowLength;
  Value row = b.create<arith::DivUIOp>(loc, offset, W);
  Value within = b.create<arith::SubIOp>(loc, offset,
                                         b.create<arith::MulIOp>(loc, row, W));
  Value whole = b.create<arith::CmpIOp>(
      loc, arith::CmpIPredicate::ule,
      b.create<arith::AddIOp>(loc, within,
                              indexConst(b, loc, vt.getNumElements())),
      W);
  auto step = b.create<scf::IfOp>(
      loc, whole,
      [&](OpBuilder &b, Location loc) {
        Value v;
        if (read.kind == FlatBroadcastRead::Rows) {
          Value s = b.create<memref::LoadOp>(loc, buffer, ValueRange{row});
          v = b.create<vector::SplatOp>(loc, vt, s);
        } else {
          // Inside the row: every lane is in bounds.
          auto load = b.create<ttile::LoadOp>(loc, vt, buffer, within, W);
          load->setAttr("ttile.in_bounds", b.getUnitAttr());
          v = load;
        }
        b.create<scf::YieldOp>(loc, v);
      },
      [&](OpBuilder &b, Location loc) {
        b.create<scf::YieldOp>(loc,
                               crossingRead(b, loc, read.kind, buffer, vt,
                                            offset, extent, W, row, within));
      });
  return step.getResult(0);
}

LogicalResult BroadcastReads::plan(Block &body, RankedTensorType resultType,
                                   ArrayRef<Value> extents,
                                   SmallVectorImpl<Value> &sizes,
                                   OpBuilder &entry, Location loc) {
  for (auto bc : body.getOps<tgraph::BroadcastOp>()) {
    auto read = flatBroadcastRead(
        cast<RankedTensorType>(bc.getOperand().getType()), resultType);
    if (!read)
      return bc.emitError("this broadcast cannot be read in place");
    reads[bc] = *read;
    bool rowWise = read->kind == FlatBroadcastRead::Rows ||
                   read->kind == FlatBroadcastRead::Columns;
    if (rowWise && rowLengths.try_emplace(read->split, sizes.size()).second)
      sizes.push_back(product(entry, loc, extents.drop_front(read->split)));
  }
  return success();
}

Value BroadcastReads::read(OpBuilder &b, tgraph::BroadcastOp bc, Value buffer,
                           int64_t lanes, Value offset, Value extent,
                           ArrayRef<Value> sizes) const {
  FlatBroadcastRead r = reads.lookup(bc);
  auto row = rowLengths.find(r.split);
  Value rowLength = row != rowLengths.end() ? sizes[row->second] : Value();
  return emitFlatBroadcastRead(
      b, bc.getLoc(), r, buffer,
      VectorType::get({lanes}, elementOf(bc.getOperand())), offset, extent,
      rowLength);
}

} // namespace tessera::tile
