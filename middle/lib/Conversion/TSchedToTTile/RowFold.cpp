// The row order: how a kernel point folds one contiguous row of C
// elements (a row reduction, RowReductionKernel.cpp, and each reduction of
// a rows group, RowGroupKernel.cpp). A point is one row, and a
// step folds it in the order every target shares (the determinism policy's
// order for rows, docs/ir/cpu-backend.md):
//
//   - 32 lanes: lane j folds elements j, j+32, j+64, ... in ascending order,
//     starting from the fold's identity;
//   - then a fixed tree over the lanes: p[j] op= p[j+16] for j < 16, then
//     p[j] op= p[j+8] for j < 8, then 4, 2, 1 (a warp's shuffle-down order).
//
// The lanes are one vector of 32 elements: the CPU splits it over as many
// registers as its width needs (2 with AVX-512, 4 with AVX2) without
// changing a lane's arithmetic, so the bits do not depend on the vector
// width; the CUDA backend gives each lane to one thread of a warp
// (TTileToNVVM.cpp). Loads are contiguous: whole chunks of 32 unmasked, the
// row's tail masked, its lanes past C holding the identity.
//
// A fused producer chain is evaluated on each loaded chunk, lane by lane,
// with the same operators as the chain's own kernel.
#include "RowFold.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace tessera::tile {

namespace {

// Elements [from, from + n) of `v`.
Value lanesOf(OpBuilder &b, Location loc, Value v, int64_t from, int64_t n) {
  SmallVector<int64_t> mask;
  for (int64_t i = 0; i < n; ++i)
    mask.push_back(from + i);
  return b.create<vector::ShuffleOp>(loc, v, v, mask);
}

} // namespace

RowReader::RowReader(OpBuilder &b, Location loc, tsched::FusionGroupOp group,
                     RankedTensorType rowType, bool chained,
                     ArrayRef<Value> buffers, int64_t first, Value row,
                     Value rowLength, Value start, Value length)
    : group(group), chained(chained), row(row), start(start), length(length),
      rowType(rowType) {
  rowBase = b.create<arith::MulIOp>(loc, row, rowLength);
  if (!chained) {
    operandBuffer = buffers[0];
    return;
  }
  Block &body = group.getBody().front();
  unsigned next = 0;
  for (BlockArgument arg : body.getArguments())
    if (isa<RankedTensorType>(arg.getType()))
      bufferOf[arg] = buffers[next++];
  bounds = {0, first, rowType.getRank(), rowType.getRank()};
  hoistInvariants(b, loc);
}

FailureOr<SmallVector<Value>> RowReader::chunks(OpBuilder &b, Location loc,
                                                ArrayRef<Value> targets,
                                                Value at, bool whole) {
  Value base = start ? b.create<arith::AddIOp>(loc, rowBase, start).getResult()
                     : rowBase;
  if (!chained)
    return SmallVector<Value>{load(b, loc, operandBuffer, base, at, whole)};
  auto readInput = [&](Value arg) {
    return load(b, loc, bufferOf.lookup(arg), base, at, whole);
  };
  // Follows the row (and maybe the outer dims): a contiguous read.
  auto readBroadcast = [&](tgraph::BroadcastOp bc) {
    Value from = followsOuter.lookup(bc) ? base
                 : start                 ? start
                                         : Value(indexConst(b, loc, 0));
    return load(b, loc, bufferOf.lookup(bc.getOperand()), from, at, whole);
  };
  return evaluateChain(b, group.getBody().front(), targets, kRowLanes,
                       invariant, bufferOf, readInput, readBroadcast);
}

FailureOr<Value> RowReader::chunk(OpBuilder &b, Location loc, Value target,
                                  Value at, bool whole) {
  FailureOr<SmallVector<Value>> v = chunks(b, loc, target, at, whole);
  if (failed(v))
    return failure();
  return v->front();
}

// Elements [base + at, base + at + 32) of a run of `length` at `base`,
// masked at its end unless the chunk is known whole.
Value RowReader::load(OpBuilder &b, Location loc, Value buffer, Value base,
                      Value at, bool whole) {
  auto vt = VectorType::get(
      {kRowLanes}, cast<MemRefType>(buffer.getType()).getElementType());
  auto op = b.create<ttile::LoadOp>(loc, vt, buffer,
                                    b.create<arith::AddIOp>(loc, base, at),
                                    b.create<arith::AddIOp>(loc, base, length));
  if (whole)
    op->setAttr("ttile.in_bounds", b.getUnitAttr());
  return op;
}

// Inputs that do not vary along the row (rank 0, one value per row, or
// broadcast along it): one element, read once and repeated in every lane.
void RowReader::hoistInvariants(OpBuilder &b, Location loc) {
  Block &body = group.getBody().front();
  auto splat = [&](Value buffer, Value idx) {
    Value e = b.create<memref::LoadOp>(loc, buffer, ValueRange{idx});
    return b.create<vector::SplatOp>(
        loc, VectorType::get({kRowLanes}, e.getType()), e);
  };
  for (auto bc : body.getOps<tgraph::BroadcastOp>()) {
    Value from = bc.getOperand();
    if (!bufferOf.count(from))
      continue;
    FailureOr<SegmentFlags> segs = broadcastSegments(bc, rowType, bounds);
    if (failed(segs)) {
      status = failure();
      return;
    }
    bool outer = segs->outer;
    followsOuter[bc] = outer;
    if (!segs->reduced)
      invariant.map(bc.getResult(),
                    splat(bufferOf.lookup(from),
                          outer ? row : Value(indexConst(b, loc, 0))));
  }
  for (BlockArgument arg : body.getArguments()) {
    auto t = dyn_cast<RankedTensorType>(arg.getType());
    if (!t || t.getShape() == rowType.getShape())
      continue;
    if (t.getRank() == 0) {
      invariant.map(arg, splat(bufferOf.lookup(arg), indexConst(b, loc, 0)));
      continue;
    }
    // A value per row that operators read as it is (a rows group's
    // per-row arithmetic): element `row`.
    if (!llvm::all_of(arg.getUsers(), llvm::IsaPred<tgraph::BroadcastOp>))
      invariant.map(arg, splat(bufferOf.lookup(arg), row));
  }
}

// The row order over the elements `reader` reads (`length` of them): 32
// lanes, the tail's lanes past the end holding the identity, then the tree;
// compensated when `stable` (ReductionFold.h). In `accType`, the
// accumulator's type: the elements read are extended to it.
FailureOr<Value> emitRowFold(OpBuilder &b, Location loc, RowReader &reader,
                             Value target, Fold fold, Type accType,
                             Value length, bool stable) {
  auto vt = VectorType::get({kRowLanes}, accType);
  Value identity = b.create<arith::ConstantOp>(
      loc, DenseElementsAttr::get(vt, initialValue(b, fold, accType)));
  Value lanes = indexConst(b, loc, kRowLanes);
  Value whole = b.create<arith::MulIOp>(
      loc, b.create<arith::DivUIOp>(loc, length, lanes), lanes);
  // The accumulators: the lanes' values, and with `stable` their errors
  // (which start at 0, the sum's identity).
  auto pack = [&](Compensated c) {
    return stable ? SmallVector<Value>{c.sum, c.error}
                  : SmallVector<Value>{c.sum};
  };
  auto unpack = [&](ValueRange v) {
    return Compensated{v[0], stable ? v[1] : Value()};
  };
  auto step = [&](OpBuilder &b, Compensated sum, Value v) {
    v = convertFloat(b, loc, v, vt.getElementType());
    return stable ? addCompensated(b, loc, sum, v)
                  : Compensated{combine(b, loc, fold, sum.sum, v), Value()};
  };

  // Whole chunks of 32, each element folded into its lane.
  LogicalResult status = success();
  auto loop = b.create<scf::ForOp>(
      loc, indexConst(b, loc, 0), whole, lanes, pack({identity, identity}),
      [&](OpBuilder &b, Location loc, Value c, ValueRange acc) {
        FailureOr<Value> v = reader.chunk(b, loc, target, c, /*whole=*/true);
        if (failed(v))
          status = failure();
        b.create<scf::YieldOp>(loc, succeeded(v)
                                        ? pack(step(b, unpack(acc), *v))
                                        : SmallVector<Value>(acc));
      });
  if (failed(status))
    return failure();

  // The tail: lanes at or past length - whole hold the identity (whatever
  // the chain computed from the masked loads there).
  Value tail =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, whole, length);
  SmallVector<Type> types(stable ? 2 : 1, vt);
  auto ifTail = b.create<scf::IfOp>(loc, types, tail,
                                    /*withElseRegion=*/true);
  {
    OpBuilder tb = ifTail.getThenBodyBuilder();
    FailureOr<Value> v = reader.chunk(tb, loc, target, whole, /*whole=*/false);
    if (failed(v))
      return failure();
    Type i32 = tb.getI32Type();
    auto iv = VectorType::get({kRowLanes}, i32);
    Value lane = laneIndices(tb, loc);
    Value left = tb.create<arith::IndexCastUIOp>(
        loc, i32, tb.create<arith::SubIOp>(loc, length, whole));
    Value inside =
        tb.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, lane,
                                 tb.create<vector::SplatOp>(loc, iv, left));
    Value kept = tb.create<arith::SelectOp>(
        loc, inside, convertFloat(tb, loc, *v, accType), identity);
    tb.create<scf::YieldOp>(loc,
                            pack(step(tb, unpack(loop.getResults()), kept)));
    OpBuilder eb = ifTail.getElseBodyBuilder();
    eb.create<scf::YieldOp>(loc, loop.getResults());
  }

  return foldLanes(b, loc, fold, unpack(ifTail.getResults()), stable);
}

Value laneIndices(OpBuilder &b, Location loc) {
  auto iv = VectorType::get({kRowLanes}, b.getI32Type());
  SmallVector<int32_t> iota;
  for (int32_t j = 0; j < kRowLanes; ++j)
    iota.push_back(j);
  return b.create<arith::ConstantOp>(
      loc, DenseElementsAttr::get(iv, ArrayRef<int32_t>(iota)));
}

Value foldLanes(OpBuilder &b, Location loc, Fold fold, Compensated p,
                bool stable) {
  // The tree: p[j] op= p[j + h] for h = 16, 8, 4, 2, 1.
  for (int64_t h = kRowLanes / 2; h >= 1; h /= 2) {
    Compensated low{lanesOf(b, loc, p.sum, 0, h),
                    stable ? lanesOf(b, loc, p.error, 0, h) : Value()};
    Compensated high{lanesOf(b, loc, p.sum, h, h),
                     stable ? lanesOf(b, loc, p.error, h, h) : Value()};
    p = stable ? mergeCompensated(b, loc, low, high)
               : Compensated{combine(b, loc, fold, low.sum, high.sum), Value()};
  }
  auto lane0 = [&](Value v) {
    return b.create<vector::ExtractOp>(loc, v, 0).getResult();
  };
  if (!stable)
    return lane0(p.sum);
  return finishCompensated(b, loc, {lane0(p.sum), lane0(p.error)});
}

} // namespace tessera::tile
