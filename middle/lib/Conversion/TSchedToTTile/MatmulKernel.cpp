// The matmul group: a point is one row of the result (batch rows stacked).
// Each result element is the sum over k = 0, 1, ..., K-1 of a[i,k] * b[k,j],
// accumulated in that order with a separate multiply and add, so its bits
// do not depend on the tile size, the thread count or the vector width.
// Four vectors of the row are computed per pass over k, so each scalar of
// `a` feeds four vector multiplies.
#include "KernelBuilder.h"
#include "tessera/Conversion/SymbolicShape.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace tessera::tile {

static constexpr int64_t kVectorsPerStep = 4;

static Value add(OpBuilder &b, Location loc, Value x, Value y) {
  return isa<FloatType>(getElementTypeOrSelf(x.getType()))
             ? b.create<arith::AddFOp>(loc, x, y).getResult()
             : b.create<arith::AddIOp>(loc, x, y).getResult();
}
static Value mul(OpBuilder &b, Location loc, Value x, Value y) {
  return isa<FloatType>(getElementTypeOrSelf(x.getType()))
             ? b.create<arith::MulFOp>(loc, x, y).getResult()
             : b.create<arith::MulIOp>(loc, x, y).getResult();
}
static Value zeroOf(OpBuilder &b, Location loc, Type t) {
  Type elem = getElementTypeOrSelf(t);
  TypedAttr z = isa<FloatType>(elem) ? TypedAttr(b.getFloatAttr(elem, 0.0))
                                     : TypedAttr(b.getIntegerAttr(elem, 0));
  if (auto vt = dyn_cast<VectorType>(t))
    return b.create<arith::ConstantOp>(loc, DenseElementsAttr::get(vt, z));
  return b.create<arith::ConstantOp>(loc, z);
}

// The batch dims of an operand either match the result's or are absent.
static bool batchMatches(Value operand, Value result) {
  auto od = symbolicDims(operand), rd = symbolicDims(result);
  if (!od || !rd)
    return false;
  size_t ob = od->size() - 2, rb = rd->size() - 2;
  if (ob == 0)
    return true;
  if (ob != rb)
    return false;
  for (size_t i = 0; i < ob; ++i)
    if ((*od)[i].toAttr(operand.getContext()) !=
        (*rd)[i].toAttr(operand.getContext()))
      return false;
  return true;
}

LogicalResult lowerMatmulGroup(tsched::FusionGroupOp group,
                               ArrayRef<Value> results, EntryContext &ctx,
                               int64_t vectorBytes) {
  auto mm = cast<tgraph::MatmulOp>(singleOp(group));
  Location loc = mm.getLoc();
  Value lhs = groupInput(group, mm.getLhs()),
        rhs = groupInput(group, mm.getRhs());
  Value result = group.getResult(0);
  Type elem = elementOf(result);
  if (!isSupportedElement(elem))
    return mm.emitError("matmul on ")
           << elem << " is not supported by the CPU backend yet";
  auto lt = cast<RankedTensorType>(lhs.getType()),
       rt = cast<RankedTensorType>(rhs.getType());
  if (lt.getRank() < 2 || rt.getRank() < 2)
    return mm.emitError("a matmul with a vector operand is not supported by "
                        "the CPU backend yet");
  if (!batchMatches(lhs, result) || !batchMatches(rhs, result))
    return mm.emitError("a matmul whose batch dims broadcast is not "
                        "supported by the CPU backend yet");

  OpBuilder &eb = ctx.entryBuilder();
  auto ld = ctx.extentsOf(lhs, loc), rd = ctx.extentsOf(rhs, loc),
       od = ctx.extentsOf(result, loc);
  if (failed(ld) || failed(rd) || failed(od))
    return failure();
  bool tl = mm.getTransposeLhs(), tr = mm.getTransposeRhs();
  size_t lr = ld->size(), rr = rd->size(), orank = od->size();
  Value m = (*od)[orank - 2], n = (*od)[orank - 1];
  Value k = tl ? (*ld)[lr - 2] : (*ld)[lr - 1];
  Value lhsStride = lr > 2 ? eb.create<arith::MulIOp>(loc, m, k).getResult()
                           : indexConst(eb, loc, 0);
  Value rhsStride = rr > 2 ? eb.create<arith::MulIOp>(loc, k, n).getResult()
                           : indexConst(eb, loc, 0);
  Value rows = product(eb, loc, ArrayRef<Value>(*od).drop_back(1));

  int64_t bytes = std::max<int64_t>(1, elem.getIntOrFloatBitWidth() / 8);
  int64_t lanes = std::max<int64_t>(1, vectorBytes / bytes);
  KernelSpec spec{"matmul",
                  group.getTile()[0],
                  1,
                  {ctx.bufferOf(lhs), ctx.bufferOf(rhs)},
                  {results[0]},
                  rows,
                  {m, n, k, lhsStride, rhsStride}};
  KernelBody kb = createKernel(ctx, spec, loc);
  OpBuilder &b = kb.builder;
  Value M = kb.sizes[0], N = kb.sizes[1], K = kb.sizes[2];
  Value A = kb.inputs[0], B = kb.inputs[1], C = kb.outputs[0];
  Value r = kb.offset;
  Value batch = b.create<arith::DivUIOp>(loc, r, M);
  Value i = b.create<arith::RemUIOp>(loc, r, M);
  Value aRow = b.create<arith::AddIOp>(
      loc, b.create<arith::MulIOp>(loc, batch, kb.sizes[3]),
      tl ? i : b.create<arith::MulIOp>(loc, i, K).getResult());
  Value aStep = tl ? M : indexConst(b, loc, 1);
  Value bBase = b.create<arith::MulIOp>(loc, batch, kb.sizes[4]);
  Value cRow = b.create<arith::MulIOp>(loc, r, N);
  Value zero = indexConst(b, loc, 0), one = indexConst(b, loc, 1);
  auto aAt = [&](OpBuilder &b, Value kk) -> Value {
    Value idx = b.create<arith::AddIOp>(
        loc, aRow, b.create<arith::MulIOp>(loc, kk, aStep));
    return b.create<memref::LoadOp>(loc, A, ValueRange{idx});
  };

  if (!tr) {
    auto vt = VectorType::get({lanes}, elem);
    Value step = indexConst(b, loc, lanes * kVectorsPerStep);
    Value cEnd = b.create<arith::AddIOp>(loc, cRow, N);
    b.create<scf::ForOp>(
        loc, zero, N, step, ValueRange{},
        [&](OpBuilder &b, Location loc, Value j0, ValueRange) {
          SmallVector<Value> init(kVectorsPerStep, zeroOf(b, loc, vt));
          auto kLoop = b.create<scf::ForOp>(
              loc, zero, K, one, init,
              [&](OpBuilder &b, Location loc, Value kk, ValueRange acc) {
                Value a = b.create<vector::SplatOp>(loc, vt, aAt(b, kk));
                Value bRow = b.create<arith::AddIOp>(
                    loc, bBase, b.create<arith::MulIOp>(loc, kk, N));
                Value bEnd = b.create<arith::AddIOp>(loc, bRow, N);
                SmallVector<Value> next;
                for (int64_t t = 0; t < kVectorsPerStep; ++t) {
                  Value col = b.create<arith::AddIOp>(
                      loc, j0, indexConst(b, loc, t * lanes));
                  Value bv = b.create<ttile::LoadOp>(
                      loc, vt, B, b.create<arith::AddIOp>(loc, bRow, col),
                      bEnd);
                  next.push_back(add(b, loc, acc[t], mul(b, loc, a, bv)));
                }
                b.create<scf::YieldOp>(loc, next);
              });
          for (int64_t t = 0; t < kVectorsPerStep; ++t) {
            Value col =
                b.create<arith::AddIOp>(loc, j0, indexConst(b, loc, t * lanes));
            b.create<ttile::StoreOp>(loc, kLoop.getResult(t), C,
                                     b.create<arith::AddIOp>(loc, cRow, col),
                                     cEnd);
          }
          b.create<scf::YieldOp>(loc);
        });
  } else {
    // `b` read as [n, k]: one dot product per result element.
    b.create<scf::ForOp>(
        loc, zero, N, one, ValueRange{},
        [&](OpBuilder &b, Location loc, Value j, ValueRange) {
          Value bRow = b.create<arith::AddIOp>(
              loc, bBase, b.create<arith::MulIOp>(loc, j, K));
          auto kLoop = b.create<scf::ForOp>(
              loc, zero, K, one, ValueRange{zeroOf(b, loc, elem)},
              [&](OpBuilder &b, Location loc, Value kk, ValueRange acc) {
                Value bv = b.create<memref::LoadOp>(
                    loc, B, ValueRange{b.create<arith::AddIOp>(loc, bRow, kk)});
                b.create<scf::YieldOp>(
                    loc, add(b, loc, acc[0], mul(b, loc, aAt(b, kk), bv)));
              });
          b.create<memref::StoreOp>(
              loc, kLoop.getResult(0), C,
              ValueRange{b.create<arith::AddIOp>(loc, cRow, j)});
          b.create<scf::YieldOp>(loc);
        });
  }
  b.create<ttile::YieldOp>(loc);
  return success();
}

} // namespace tessera::tile
