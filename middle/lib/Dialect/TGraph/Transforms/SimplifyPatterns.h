// The rewrite patterns of --tgraph-simplify, one family per file
// (docs/ir/rewrites.md lists them with their conditions).
#pragma once

#include "tessera/Dialect/TGraph/TGraph.h"
#include "tessera/Dialect/TGraph/Transforms/NumericPolicy.h"

#include "mlir/IR/PatternMatch.h"

namespace tessera::tgraph {

// transpose of transpose, identity transpose, transposes into matmul.
void populateSimplifyLayoutPatterns(mlir::RewritePatternSet &patterns);
// Identities of +, -, *, / and neg.
void populateSimplifyArithmeticPatterns(mlir::RewritePatternSet &patterns);
// conj of conj, and conj moved outside transposes (x.H.H is x).
void populateSimplifyAdjointPatterns(mlir::RewritePatternSet &patterns);
// Inverse Fourier transforms of forward ones and back.
void populateSimplifyFourierPatterns(mlir::RewritePatternSet &patterns);
// exp of log and log of exp.
void populateSimplifyExpLogPatterns(mlir::RewritePatternSet &patterns);
// Reductions over the dims a broadcast repeats.
void populateSimplifyReductionPatterns(mlir::RewritePatternSet &patterns);

// Replaces `op` by `value` when that keeps every type, which is all its users
// (a function's return in particular) can accept.
mlir::LogicalResult replaceWithValue(mlir::PatternRewriter &rewriter,
                                     mlir::Operation *op, mlir::Value value);

// op(op(x)) -> x for an op that is its own inverse exactly (neg, conj).
template <typename Op> struct FoldInvolution : mlir::OpRewritePattern<Op> {
  using mlir::OpRewritePattern<Op>::OpRewritePattern;
  mlir::LogicalResult
  matchAndRewrite(Op op, mlir::PatternRewriter &rewriter) const override {
    auto inner = op.getOperand().template getDefiningOp<Op>();
    if (!inner)
      return mlir::failure();
    return replaceWithValue(rewriter, op, inner.getOperand());
  }
};

// outer(inner(x)) -> x for two ops that are inverses in exact arithmetic but
// not in floating point: applied under a non-strict policy only.
template <typename Outer, typename Inner>
struct FoldInexactInverse : mlir::OpRewritePattern<Outer> {
  using mlir::OpRewritePattern<Outer>::OpRewritePattern;
  mlir::LogicalResult
  matchAndRewrite(Outer op, mlir::PatternRewriter &rewriter) const override {
    auto inner = op.getOperand().template getDefiningOp<Inner>();
    if (!inner || isStrict(op))
      return mlir::failure();
    return replaceWithValue(rewriter, op, inner.getOperand());
  }
};

} // namespace tessera::tgraph
