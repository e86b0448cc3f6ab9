// --tgraph-simplify: the algebraic rewrites of SimplifyPatterns.h, applied
// greedily to a fixed point, then common subexpressions merged; repeated
// while merging exposes more rewrites. The greedy driver also erases pure
// ops left without users.
#include "SimplifyPatterns.h"
#include "tessera/Dialect/TGraph/Transforms/Passes.h"

#include "mlir/IR/Dominance.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace tessera::tgraph {
#define GEN_PASS_DEF_SIMPLIFY
#include "tessera/Dialect/TGraph/Transforms/Passes.h.inc"

LogicalResult replaceWithValue(PatternRewriter &rewriter, Operation *op,
                               Value value) {
  if (value.getType() != op->getResult(0).getType())
    return rewriter.notifyMatchFailure(op, "would change the result type");
  rewriter.replaceOp(op, value);
  return success();
}

namespace {

// Rounds of rewriting and merging; each merge that changes something makes
// the next round, which in practice ends after two.
constexpr int kMaxRounds = 4;

struct SimplifyPass : impl::SimplifyBase<SimplifyPass> {
  LogicalResult initialize(MLIRContext *context) override {
    RewritePatternSet set(context);
    populateSimplifyLayoutPatterns(set);
    populateSimplifyArithmeticPatterns(set);
    populateSimplifyFourierPatterns(set);
    populateSimplifyAdjointPatterns(set);
    populateSimplifyExpLogPatterns(set);
    populateSimplifyReductionPatterns(set);
    patterns = std::move(set);
    return success();
  }

  void runOnOperation() override {
    GreedyRewriteConfig config;
    // Only the rewrites: no block merging or argument removal in regions
    // (fixed-point bodies keep their signature).
    config.enableRegionSimplification = GreedySimplifyRegionLevel::Disabled;
    IRRewriter rewriter(&getContext());
    for (int round = 0; round < kMaxRounds; ++round) {
      if (failed(
              applyPatternsAndFoldGreedily(getOperation(), patterns, config)))
        return signalPassFailure();
      DominanceInfo dominance(getOperation());
      bool merged = false;
      eliminateCommonSubExpressions(rewriter, dominance, getOperation(),
                                    &merged);
      if (!merged)
        break;
    }
  }

  FrozenRewritePatternSet patterns;
};

} // namespace
} // namespace tessera::tgraph
