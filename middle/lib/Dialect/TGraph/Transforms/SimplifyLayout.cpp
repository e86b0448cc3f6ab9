// Layout rewrites: transposes compose, vanish when they permute nothing, and
// fold into the transpose flags of matmul; reshapes compose and vanish when
// they keep the type. All exact: they move values without changing them.
#include "SimplifyPatterns.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace tessera::tgraph {
namespace {

bool isIdentity(ArrayRef<int64_t> permutation) {
  for (auto [i, p] : llvm::enumerate(permutation))
    if (p != static_cast<int64_t>(i))
      return false;
  return true;
}

// Whether `permutation` swaps the last two dims and keeps the others: what
// matmul's transpose flags express.
bool swapsLastTwo(ArrayRef<int64_t> permutation) {
  int64_t rank = permutation.size();
  if (rank < 2)
    return false;
  for (int64_t i = 0; i < rank - 2; ++i)
    if (permutation[i] != i)
      return false;
  return permutation[rank - 2] == rank - 1 && permutation[rank - 1] == rank - 2;
}

// transpose(transpose(x, inner), outer) = transpose(x, inner[outer[i]]).
struct ComposeTransposes : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getOperand().getDefiningOp<TransposeOp>();
    if (!inner)
      return failure();
    ArrayRef<int64_t> innerPerm = inner.getPermutation();
    SmallVector<int64_t> composed;
    for (int64_t p : op.getPermutation())
      composed.push_back(innerPerm[p]);
    Value source = inner.getOperand();
    if (isIdentity(composed) && source.getType() == op.getType()) {
      rewriter.replaceOp(op, source);
      return success();
    }
    rewriter.replaceOpWithNewOp<TransposeOp>(op, op.getType(), source,
                                             composed);
    return success();
  }
};

struct DropIdentityTranspose : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    if (!isIdentity(op.getPermutation()))
      return failure();
    return replaceWithValue(rewriter, op, op.getOperand());
  }
};

// reshape(reshape(x)) = reshape(x): both read the elements in row-major
// order. Not where the inner one takes run-time dims: the entry checks
// that those keep the element count (reshape(x, shape: [M, 4]) of
// x: f32[N, 4] needs M = N), and the composition would skip the check.
struct ComposeReshapes : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getOperand().getDefiningOp<ReshapeOp>();
    if (!inner || !inner.getDynamicDims().empty())
      return failure();
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, op.getType(), inner.getOperand(),
                                           op.getDynamicDims());
    return success();
  }
};

// A reshape to the operand's own type, each run-time dim the operand's
// own: the types alone do not say so (tensor<?x4xf32> to tensor<?x4xf32>
// with dims(%m) may change N to M).
struct DropIdentityReshape : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.getDynamicDims().empty()) {
      RankedTensorType type = op.getType();
      unsigned next = 0;
      for (int64_t i = 0; i < type.getRank(); ++i) {
        if (!type.isDynamicDim(i))
          continue;
        auto dim = op.getDynamicDims()[next++].getDefiningOp<tensor::DimOp>();
        if (!dim || dim.getSource() != op.getOperand() ||
            dim.getConstantIndex() != i)
          return failure();
      }
    }
    return replaceWithValue(rewriter, op, op.getOperand());
  }
};

// The source of `v` when `v` is a transpose of its last two dims.
Value untransposed(Value v) {
  auto t = v.getDefiningOp<TransposeOp>();
  if (!t || !swapsLastTwo(t.getPermutation()))
    return {};
  return t.getOperand();
}

// matmul(transpose(a), b) = matmul(a, b) with transpose_lhs flipped; the
// same for the rhs. The result type does not change.
struct FoldTransposeIntoMatmul : OpRewritePattern<MatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    Value lhs = untransposed(op.getLhs()), rhs = untransposed(op.getRhs());
    if (!lhs && !rhs)
      return failure();
    rewriter.modifyOpInPlace(op, [&] {
      if (lhs) {
        op.getLhsMutable().assign(lhs);
        op.setTransposeLhs(!op.getTransposeLhs());
      }
      if (rhs) {
        op.getRhsMutable().assign(rhs);
        op.setTransposeRhs(!op.getTransposeRhs());
      }
    });
    return success();
  }
};

} // namespace

void populateSimplifyLayoutPatterns(RewritePatternSet &patterns) {
  patterns.add<ComposeTransposes, DropIdentityTranspose, ComposeReshapes,
               DropIdentityReshape, FoldTransposeIntoMatmul>(
      patterns.getContext());
}

} // namespace tessera::tgraph
