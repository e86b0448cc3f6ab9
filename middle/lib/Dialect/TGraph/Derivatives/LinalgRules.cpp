// Derivative rules of matmul and solve.
#include "tessera/Dialect/TGraph/Derivatives.h"

#include "llvm/ADT/Sequence.h"

using namespace mlir;

namespace tessera::tgraph {

static RankedTensorType tensorOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

// `v` with a unit dim inserted at `pos` (its `?` extents read from `v`).
static Value insertUnitDim(RuleBuilder &rb, Value v, int64_t pos) {
  RankedTensorType t = tensorOf(v);
  SmallVector<int64_t> shape(t.getShape()), from;
  shape.insert(shape.begin() + pos, 1);
  for (int64_t i = 0; i < t.getRank() + 1; ++i)
    from.push_back(i == pos ? -1 : (i < pos ? i : i - 1));
  return rb.reshape(v, RankedTensorType::get(shape, t.getElementType()), v,
                    from);
}

// C = op(A) op(B), op a transpose where the flag says so. The products are
// stated for matrices; a vector operand is made a matrix first (lhs [k] ->
// [1, k], rhs [k] -> [k, 1]) and its cotangent made a vector again. Batch
// dims that an operand broadcast are summed out of its cotangent.
LogicalResult MatmulOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                 SmallVectorImpl<Value> &dxs) {
  RuleBuilder rb(b, getLoc());
  bool ta = getTransposeLhs(), tb = getTransposeRhs();
  Value a = getLhs(), bm = getRhs(), g = dys[0];
  bool lhsVector = tensorOf(a).getRank() == 1,
       rhsVector = tensorOf(bm).getRank() == 1;
  if (lhsVector) {
    a = insertUnitDim(rb, a, 0);
    g = insertUnitDim(rb, g, tensorOf(g).getRank() - (rhsVector ? 0 : 1));
  }
  if (rhsVector) {
    bm = insertUnitDim(rb, bm, 1);
    g = insertUnitDim(rb, g, tensorOf(g).getRank());
  }
  Value da = ta ? b.create<MatmulOp>(getLoc(), bm, g, tb, true).getResult()
                : b.create<MatmulOp>(getLoc(), g, bm, false, !tb).getResult();
  Value db = tb ? b.create<MatmulOp>(getLoc(), g, a, true, ta).getResult()
                : b.create<MatmulOp>(getLoc(), a, g, !ta, false).getResult();
  da = rb.sumLike(da, a);
  db = rb.sumLike(db, bm);
  if (lhsVector)
    da = rb.reshape(da, tensorOf(getLhs()), getLhs(), {0});
  if (rhsVector)
    db = rb.reshape(db, tensorOf(getRhs()), getRhs(), {0});
  dxs.push_back(da);
  dxs.push_back(db);
  return success();
}

LogicalResult MatmulOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                                 SmallVectorImpl<Value> &dys) {
  RuleBuilder rb(b, getLoc());
  bool ta = getTransposeLhs(), tb = getTransposeRhs();
  Value l =
      dxs[0]
          ? b.create<MatmulOp>(getLoc(), dxs[0], getRhs(), ta, tb).getResult()
          : Value();
  Value r =
      dxs[1]
          ? b.create<MatmulOp>(getLoc(), getLhs(), dxs[1], ta, tb).getResult()
          : Value();
  // A batch dim only one operand has: the product already has the result's
  // shape when both terms exist; a lone term may lack broadcast dims.
  Value sum = rb.add(l, r);
  dys.push_back(sum ? rb.broadcastLike(sum, getResult()) : sum);
  return success();
}

// x = A^-1 b. By the implicit function theorem on A x - b = 0:
// b_bar = A^-T x_bar and A_bar = -b_bar x^T; x_dot = A^-1 (b_dot - A_dot x).
LogicalResult SolveOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                SmallVectorImpl<Value> &dxs) {
  RuleBuilder rb(b, getLoc());
  Value at = rb.transposeLast2(getMatrix());
  Value dbv = b.create<SolveOp>(getLoc(), getRhs().getType(), at, dys[0]);
  Value x = getResult();
  int64_t rank = tensorOf(x).getRank();
  // A vector right-hand side (one rank below the matrix, batch dims
  // aside): the outer product of a column and a row.
  Value outer;
  if (rank == tensorOf(getMatrix()).getRank() - 1)
    outer = b.create<MatmulOp>(getLoc(), insertUnitDim(rb, dbv, rank),
                               insertUnitDim(rb, x, rank - 1), false, false);
  else
    outer = b.create<MatmulOp>(getLoc(), dbv, x, false, true);
  dxs.push_back(rb.neg(rb.broadcastLike(outer, getMatrix())));
  dxs.push_back(dbv);
  return success();
}

LogicalResult SolveOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                                SmallVectorImpl<Value> &dys) {
  RuleBuilder rb(b, getLoc());
  Value rhs = dxs[1];
  if (dxs[0]) {
    // A_dot x, with a vector x made a column and the product a vector again
    // (the backends' matmuls take matrices).
    Value x = getResult();
    int64_t rank = tensorOf(x).getRank();
    bool vector = rank == tensorOf(getMatrix()).getRank() - 1;
    Value product = b.create<MatmulOp>(getLoc(), dxs[0],
                                       vector ? insertUnitDim(rb, x, rank) : x,
                                       false, false);
    if (vector)
      product = rb.reshape(product, tensorOf(x), x,
                           llvm::to_vector(llvm::seq<int64_t>(0, rank)));
    rhs = rhs ? rb.sub(rhs, product) : rb.neg(product);
  }
  dys.push_back(
      b.create<SolveOp>(getLoc(), getResult().getType(), getMatrix(), rhs));
  return success();
}

} // namespace tessera::tgraph
