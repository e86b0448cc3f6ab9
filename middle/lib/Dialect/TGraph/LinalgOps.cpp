// Verifiers and builders of the linear-algebra family: matmul, solve and
// the Fourier transforms.
#include "TGraphUtils.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace tessera::tgraph::detail;

namespace tessera::tgraph {

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

// numpy's broadcast of two dims, `?` standing for an unknown size: a static
// dim other than 1 wins over `?` (the `?` must be it or 1).
static int64_t broadcastDim(int64_t a, int64_t b) {
  if (a == 1)
    return b;
  if (b == 1 || ShapedType::isDynamic(b))
    return a;
  return b;
}

// The batch dims of both operands, right-aligned and padded with 1.
static void batchDims(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs,
                      SmallVectorImpl<int64_t> &l,
                      SmallVectorImpl<int64_t> &r) {
  ArrayRef<int64_t> lb = lhs.drop_back(std::min<size_t>(lhs.size(), 2));
  ArrayRef<int64_t> rb = rhs.drop_back(std::min<size_t>(rhs.size(), 2));
  size_t n = std::max(lb.size(), rb.size());
  l.assign(n - lb.size(), 1);
  l.append(lb.begin(), lb.end());
  r.assign(n - rb.size(), 1);
  r.append(rb.begin(), rb.end());
}

// The contraction dim of each operand (a rank-1 operand is a vector).
static int64_t lhsContraction(ArrayRef<int64_t> lhs, bool transpose) {
  if (lhs.size() < 2)
    return lhs.empty() ? 1 : lhs[0];
  return transpose ? lhs[lhs.size() - 2] : lhs.back();
}

static int64_t rhsContraction(ArrayRef<int64_t> rhs, bool transpose) {
  if (rhs.size() < 2)
    return rhs.empty() ? 1 : rhs[0];
  return transpose ? rhs.back() : rhs[rhs.size() - 2];
}

static RankedTensorType inferMatmulType(RankedTensorType lhs,
                                        RankedTensorType rhs, bool transposeLhs,
                                        bool transposeRhs) {
  ArrayRef<int64_t> l = lhs.getShape(), r = rhs.getShape();
  SmallVector<int64_t> lb, rb, shape;
  batchDims(l, r, lb, rb);
  for (auto [a, b] : llvm::zip(lb, rb))
    shape.push_back(broadcastDim(a, b));
  if (l.size() >= 2)
    shape.push_back(transposeLhs ? l.back() : l[l.size() - 2]);
  if (r.size() >= 2)
    shape.push_back(transposeRhs ? r[r.size() - 2] : r.back());
  return RankedTensorType::get(shape, lhs.getElementType());
}

void MatmulOp::build(OpBuilder &b, OperationState &state, Value lhs, Value rhs,
                     bool transposeLhs, bool transposeRhs,
                     DenseI64ArrayAttr tile) {
  build(b, state,
        inferMatmulType(cast<RankedTensorType>(lhs.getType()),
                        cast<RankedTensorType>(rhs.getType()), transposeLhs,
                        transposeRhs),
        lhs, rhs, b.getBoolAttr(transposeLhs), b.getBoolAttr(transposeRhs),
        tile);
}

LogicalResult MatmulOp::verify() {
  RankedTensorType lhs = getLhs().getType(), rhs = getRhs().getType();
  for (RankedTensorType t : {lhs, rhs})
    if (t.getRank() == 0)
      return emitOpError("operands must have rank >= 1, got ") << t;
  if (getTransposeLhs() && lhs.getRank() < 2)
    return emitOpError("transpose_lhs needs an operand of rank >= 2, got ")
           << lhs;
  if (getTransposeRhs() && rhs.getRank() < 2)
    return emitOpError("transpose_rhs needs an operand of rank >= 2, got ")
           << rhs;
  if (lhs.getElementType() != rhs.getElementType())
    return emitOpError("operand element types ")
           << lhs.getElementType() << " and " << rhs.getElementType()
           << " differ";
  int64_t kl = lhsContraction(lhs.getShape(), getTransposeLhs());
  int64_t kr = rhsContraction(rhs.getShape(), getTransposeRhs());
  if (!dimsAgree(kl, kr))
    return emitOpError("contraction dims differ: lhs has ")
           << kl << ", rhs has " << kr;
  SmallVector<int64_t> lb, rb;
  batchDims(lhs.getShape(), rhs.getShape(), lb, rb);
  for (auto [a, b] : llvm::zip(lb, rb))
    if (a != 1 && b != 1 && !dimsAgree(a, b))
      return emitOpError("batch dims of ")
             << lhs << " and " << rhs << " do not broadcast";
  if (std::optional<ArrayRef<int64_t>> tile = getTile()) {
    if (tile->size() != 3)
      return emitOpError("tile must have 3 entries (BM, BN, BK), got ")
             << tile->size();
    if (llvm::any_of(*tile, [](int64_t t) { return t <= 0; }))
      return emitOpError("tile entries must be positive, got ")
             << listStr(*tile);
  }
  return verifyResultType(
      *this, inferMatmulType(lhs, rhs, getTransposeLhs(), getTransposeRhs()));
}

//===----------------------------------------------------------------------===//
// SolveOp
//===----------------------------------------------------------------------===//

//===----------------------------------------------------------------------===//
// AttentionOp, AttentionGradOp
//===----------------------------------------------------------------------===//

// query [b..., s, d], key [b..., t, d], value [b..., t, e], result
// [b..., s, e] (when given), all of one element type, and a rank-0 scale.
static LogicalResult verifyAttention(Operation *op, RankedTensorType q,
                                     RankedTensorType k, RankedTensorType v,
                                     RankedTensorType scale,
                                     RankedTensorType result) {
  int64_t rank = q.getRank();
  if (rank < 2)
    return op->emitOpError("query must have rank 2 or more, got ") << q;
  for (auto [name, t] : {std::pair{"key", k}, {"value", v}})
    if (t.getRank() != rank)
      return op->emitOpError(name)
             << " must have the query's rank " << rank << ", got " << t;
  if (result && result.getRank() != rank)
    return op->emitOpError("result must have the query's rank ")
           << rank << ", got " << result;
  for (RankedTensorType t : {k, v, scale, result})
    if (t && t.getElementType() != q.getElementType())
      return op->emitOpError("operands must have one element type, got ")
             << q.getElementType() << " and " << t.getElementType();
  if (scale.getRank() != 0)
    return op->emitOpError("scale must have rank 0, got ") << scale;
  for (int64_t d = 0; d < rank - 2; ++d)
    for (RankedTensorType t : {k, v, result})
      if (t && !dimsAgree(t.getDimSize(d), q.getDimSize(d)))
        return op->emitOpError("batch dim ")
               << d << " differs between " << q << " and " << t;
  auto dim = [](RankedTensorType t, int64_t fromEnd) {
    return t.getDimSize(t.getRank() - fromEnd);
  };
  if (!dimsAgree(dim(k, 1), dim(q, 1)))
    return op->emitOpError("key's last dim must be the query's, got ")
           << k << " for " << q;
  if (!dimsAgree(dim(v, 2), dim(k, 2)))
    return op->emitOpError("value must have a row for each key, got ")
           << v << " for " << k;
  if (result && (!dimsAgree(dim(result, 2), dim(q, 2)) ||
                 !dimsAgree(dim(result, 1), dim(v, 1))))
    return op->emitOpError("result must be [..., queries, value width], got ")
           << result;
  return success();
}

// The queries' log-sum-exp: f32, the query's shape without its width.
static LogicalResult verifyLse(Operation *op, RankedTensorType q, Value lse) {
  if (!lse)
    return success();
  auto t = cast<RankedTensorType>(lse.getType());
  bool shaped = t.getRank() == q.getRank() - 1;
  for (int64_t d = 0; shaped && d < t.getRank(); ++d)
    shaped = dimsAgree(t.getDimSize(d), q.getDimSize(d));
  if (!t.getElementType().isF32() || !shaped)
    return op->emitOpError("lse must be f32 of the query's shape without its "
                           "last dim, got ")
           << t << " for " << q;
  return success();
}

LogicalResult AttentionOp::verify() {
  if (failed(verifyAttention(*this, getQuery().getType(), getKey().getType(),
                             getValue().getType(), getScale().getType(),
                             getResult().getType())))
    return failure();
  return verifyLse(*this, getQuery().getType(), getLse());
}

LogicalResult AttentionGradOp::verify() {
  if (failed(verifyAttention(*this, getQuery().getType(), getKey().getType(),
                             getValue().getType(), getScale().getType(),
                             getResult().getType())))
    return failure();
  return verifyLse(*this, getQuery().getType(), getLse());
}

LogicalResult SolveOp::verify() {
  RankedTensorType matrix = getMatrix().getType(), rhs = getRhs().getType();
  int64_t rank = matrix.getRank();
  if (rank < 2)
    return emitOpError("matrix must have rank 2 or more, got ") << matrix;
  int64_t rows = matrix.getDimSize(rank - 2),
          cols = matrix.getDimSize(rank - 1);
  if (!dimsAgree(rows, cols))
    return emitOpError("matrix must be square, got ") << matrix;
  if (rhs.getRank() != rank - 1 && rhs.getRank() != rank)
    return emitOpError("right-hand side must have rank ")
           << rank - 1 << " or " << rank << ", got " << rhs;
  for (int64_t d = 0; d < rank - 2; ++d)
    if (!dimsAgree(rhs.getDimSize(d), matrix.getDimSize(d)))
      return emitOpError("right-hand side batch dim ")
             << d << " (" << rhs.getDimSize(d)
             << ") does not match the matrix's (" << matrix.getDimSize(d)
             << ")";
  int64_t n = ShapedType::isDynamic(rows) ? cols : rows;
  if (!dimsAgree(rhs.getDimSize(rank - 2), n))
    return emitOpError("right-hand side dim ")
           << rank - 2 << " (" << rhs.getDimSize(rank - 2)
           << ") does not match the matrix size " << n;
  if (matrix.getElementType() != rhs.getElementType())
    return emitOpError("matrix element type ")
           << matrix.getElementType()
           << " does not match right-hand side element type "
           << rhs.getElementType();
  return success();
}

//===----------------------------------------------------------------------===//
// Fourier transforms
//===----------------------------------------------------------------------===//

static LogicalResult verifyHasLastDim(Operation *op, RankedTensorType type) {
  if (type.getRank() == 0)
    return op->emitOpError("operand must have rank >= 1, got ") << type;
  return success();
}

LogicalResult FFTOp::verify() {
  return verifyHasLastDim(*this, getOperand().getType());
}

LogicalResult IFFTOp::verify() {
  return verifyHasLastDim(*this, getOperand().getType());
}

// `shape` with its last dim replaced by `last`.
static RankedTensorType withLastDim(RankedTensorType type, int64_t last,
                                    Type element) {
  SmallVector<int64_t> shape(type.getShape());
  if (!shape.empty())
    shape.back() = last;
  return RankedTensorType::get(shape, element);
}

static RankedTensorType inferRFFTType(RankedTensorType operand) {
  int64_t n = operand.getRank() ? operand.getShape().back() : 1;
  return withLastDim(
      operand, ShapedType::isDynamic(n) ? ShapedType::kDynamic : n / 2 + 1,
      ComplexType::get(operand.getElementType()));
}

void RFFTOp::build(OpBuilder &b, OperationState &state, Value operand) {
  build(b, state, inferRFFTType(cast<RankedTensorType>(operand.getType())),
        operand);
}

LogicalResult RFFTOp::verify() {
  if (failed(verifyHasLastDim(*this, getOperand().getType())))
    return failure();
  return verifyResultType(*this, inferRFFTType(getOperand().getType()));
}

static RankedTensorType inferIRFFTType(RankedTensorType operand, int64_t n) {
  Type element = operand.getElementType();
  if (auto complex = dyn_cast<ComplexType>(element))
    element = complex.getElementType();
  return withLastDim(operand, n, element);
}

void IRFFTOp::build(OpBuilder &b, OperationState &state, Value operand,
                    int64_t n) {
  build(b, state, inferIRFFTType(cast<RankedTensorType>(operand.getType()), n),
        operand, b.getI64IntegerAttr(n));
}

LogicalResult IRFFTOp::verify() {
  RankedTensorType operand = getOperand().getType();
  int64_t n = getNAttr().getInt();
  if (n <= 0)
    return emitOpError("n must be positive, got ") << n;
  if (failed(verifyHasLastDim(*this, operand)))
    return failure();
  int64_t last = operand.getShape().back();
  if (!dimsAgree(last, n / 2 + 1))
    return emitOpError("operand's last dim ")
           << last << " does not match n / 2 + 1 = " << n / 2 + 1;
  return verifyResultType(*this, inferIRFFTType(operand, n));
}

} // namespace tessera::tgraph
