// The row reduction: a reduction over the innermost axes, so that each
// result folds one contiguous row of C elements. A point is one row, and a
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
#include "KernelBuilder.h"
#include "ReductionFold.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;

namespace tessera::tile {

namespace {

constexpr int64_t kRowLanes = 32;

// Reads the values a chunk of the row needs: the operand's elements, or the
// inputs of its chain.
class RowReader {
public:
  RowReader(OpBuilder &b, Location loc, tsched::FusionGroupOp group,
            Operation *reduce, bool chained, ArrayRef<Value> buffers,
            int64_t first, Value row, Value length)
      : group(group), reduce(reduce), chained(chained), row(row),
        length(length) {
    rowBase = b.create<arith::MulIOp>(loc, row, length);
    if (!chained) {
      operandBuffer = buffers[0];
      return;
    }
    Block &body = group.getBody().front();
    unsigned next = 0;
    for (BlockArgument arg : body.getArguments())
      if (isa<RankedTensorType>(arg.getType()))
        bufferOf[arg] = buffers[next++];
    operandType = cast<RankedTensorType>(reduce->getOperand(0).getType());
    bounds = {0, first, operandType.getRank(), operandType.getRank()};
    hoistInvariants(b, loc);
  }

  // Lanes past C (of a chunk that is not whole) are left as loaded.
  FailureOr<Value> chunk(OpBuilder &b, Location loc, Value start, bool whole) {
    if (!chained)
      return load(b, loc, operandBuffer, rowBase, start, whole);
    auto readInput = [&](Value arg) {
      return load(b, loc, bufferOf.lookup(arg), rowBase, start, whole);
    };
    // Follows the row (and maybe the outer dims): a contiguous read.
    auto readBroadcast = [&](tgraph::BroadcastOp bc) {
      Value base =
          followsOuter.lookup(bc) ? rowBase : Value(indexConst(b, loc, 0));
      return load(b, loc, bufferOf.lookup(bc.getOperand()), base, start, whole);
    };
    return evaluateChain(b, group.getBody().front(), reduce, kRowLanes,
                         invariant, bufferOf, readInput, readBroadcast);
  }

  LogicalResult status = success();

private:
  // Elements [base + start, base + start + 32) of a row of `length` at
  // `base`, masked at its end unless the chunk is known whole.
  Value load(OpBuilder &b, Location loc, Value buffer, Value base, Value start,
             bool whole) {
    auto vt = VectorType::get(
        {kRowLanes}, cast<MemRefType>(buffer.getType()).getElementType());
    auto op = b.create<ttile::LoadOp>(
        loc, vt, buffer, b.create<arith::AddIOp>(loc, base, start),
        b.create<arith::AddIOp>(loc, base, length));
    if (whole)
      op->setAttr("ttile.in_bounds", b.getUnitAttr());
    return op;
  }

  // Inputs that do not vary along the row (rank 0, or broadcast along it):
  // one element, read once and repeated in every lane.
  void hoistInvariants(OpBuilder &b, Location loc) {
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
      FailureOr<SegmentFlags> segs = broadcastSegments(bc, operandType, bounds);
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
    for (BlockArgument arg : body.getArguments())
      if (auto t = dyn_cast<RankedTensorType>(arg.getType());
          t && t.getRank() == 0)
        invariant.map(arg, splat(bufferOf.lookup(arg), indexConst(b, loc, 0)));
  }

  tsched::FusionGroupOp group;
  Operation *reduce;
  bool chained;
  Value row, length, rowBase, operandBuffer;
  RankedTensorType operandType;
  SmallVector<int64_t> bounds;
  DenseMap<Value, Value> bufferOf;
  DenseMap<Operation *, bool> followsOuter;
  IRMapping invariant;
};

// Elements [from, from + n) of `v`.
Value lanesOf(OpBuilder &b, Location loc, Value v, int64_t from, int64_t n) {
  SmallVector<int64_t> mask;
  for (int64_t i = 0; i < n; ++i)
    mask.push_back(from + i);
  return b.create<vector::ShuffleOp>(loc, v, v, mask);
}

} // namespace

LogicalResult lowerRowReduction(tsched::FusionGroupOp group, Operation *reduce,
                                Fold fold, bool chained, Value operand,
                                Value result, Value rows, Value length,
                                int64_t first, EntryContext &ctx) {
  Location loc = reduce->getLoc();
  Type elem = elementOf(operand);
  KernelSpec spec{"row_reduction", group.getTile()[0], 1, {}, {result}, rows,
                  {length}};
  addReductionInputs(spec, group, chained, operand, ctx);
  KernelBody kb = createKernel(ctx, spec, loc);
  OpBuilder &b = kb.builder;
  Value row = kb.offset, C = kb.sizes[0];
  RowReader reader(b, loc, group, reduce, chained, kb.inputs, first, row, C);
  if (failed(reader.status))
    return failure();

  auto vt = VectorType::get({kRowLanes}, elem);
  Value identity = b.create<arith::ConstantOp>(
      loc, DenseElementsAttr::get(vt, initialValue(b, fold, elem)));
  Value lanes = indexConst(b, loc, kRowLanes);
  Value whole = b.create<arith::MulIOp>(
      loc, b.create<arith::DivUIOp>(loc, C, lanes), lanes);

  // Whole chunks of 32, each element folded into its lane.
  LogicalResult status = success();
  auto loop = b.create<scf::ForOp>(
      loc, indexConst(b, loc, 0), whole, lanes, ValueRange{identity},
      [&](OpBuilder &b, Location loc, Value c, ValueRange acc) {
        FailureOr<Value> v = reader.chunk(b, loc, c, /*whole=*/true);
        if (failed(v))
          status = failure();
        b.create<scf::YieldOp>(
            loc, succeeded(v) ? combine(b, loc, fold, acc[0], *v) : acc[0]);
      });
  if (failed(status))
    return failure();

  // The tail: lanes at or past C - whole hold the identity (whatever the
  // chain computed from the masked loads there).
  Value tail =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, whole, C);
  auto ifTail = b.create<scf::IfOp>(loc, TypeRange{vt}, tail,
                                    /*withElseRegion=*/true);
  {
    OpBuilder tb = ifTail.getThenBodyBuilder();
    FailureOr<Value> v = reader.chunk(tb, loc, whole, /*whole=*/false);
    if (failed(v))
      return failure();
    Type i32 = tb.getI32Type();
    auto iv = VectorType::get({kRowLanes}, i32);
    SmallVector<int32_t> iota;
    for (int32_t j = 0; j < kRowLanes; ++j)
      iota.push_back(j);
    Value lane = tb.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(iv, ArrayRef<int32_t>(iota)));
    Value left = tb.create<arith::IndexCastUIOp>(
        loc, i32, tb.create<arith::SubIOp>(loc, C, whole));
    Value inside =
        tb.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, lane,
                                 tb.create<vector::SplatOp>(loc, iv, left));
    Value kept = tb.create<arith::SelectOp>(loc, inside, *v, identity);
    tb.create<scf::YieldOp>(loc,
                            combine(tb, loc, fold, loop.getResult(0), kept));
    OpBuilder eb = ifTail.getElseBodyBuilder();
    eb.create<scf::YieldOp>(loc, loop.getResult(0));
  }

  // The tree: p[j] op= p[j + h] for h = 16, 8, 4, 2, 1.
  Value p = ifTail.getResult(0);
  for (int64_t h = kRowLanes / 2; h >= 1; h /= 2)
    p = combine(b, loc, fold, lanesOf(b, loc, p, 0, h),
                lanesOf(b, loc, p, h, h));
  Value folded = b.create<vector::ExtractOp>(loc, p, 0);
  if (fold == Fold::Mean)
    folded = b.create<arith::DivFOp>(
        loc, folded,
        b.create<arith::UIToFPOp>(
            loc, elem, b.create<arith::IndexCastUIOp>(loc, b.getI64Type(), C)));
  b.create<memref::StoreOp>(loc, folded, kb.outputs[0], ValueRange{row});
  b.create<ttile::YieldOp>(loc);
  return success();
}

} // namespace tessera::tile
