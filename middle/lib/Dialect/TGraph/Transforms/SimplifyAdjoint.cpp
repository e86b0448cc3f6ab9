// The Hilbert adjoint x.H = conj(transpose(x)) applied twice is x:
// conj(conj(x)) -> x, and a transpose of a conj becomes the conj of the
// transpose, so that conjugations move outward past transposes and the two
// transposes of x.H.H meet (SimplifyLayout.cpp folds them). Both only flip
// signs and move elements: exact under any policy.
#include "SimplifyPatterns.h"

using namespace mlir;

namespace tessera::tgraph {
namespace {

// transpose(conj(x)) -> conj(transpose(x)), when the conj has no other
// user (otherwise both would be computed).
struct ConjOutsideTranspose : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto conj = op.getOperand().getDefiningOp<ConjOp>();
    if (!conj || !conj->hasOneUse())
      return failure();
    auto moved = rewriter.create<TransposeOp>(
        op.getLoc(), op.getType(), conj.getOperand(), op.getPermutationAttr());
    rewriter.replaceOpWithNewOp<ConjOp>(op, moved);
    return success();
  }
};

} // namespace

void populateSimplifyAdjointPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldInvolution<ConjOp>, ConjOutsideTranspose>(
      patterns.getContext());
}

} // namespace tessera::tgraph
