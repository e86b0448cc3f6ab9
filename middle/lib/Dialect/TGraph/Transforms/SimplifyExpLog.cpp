// exp(log(x)) -> x and log(exp(x)) -> x, under a non-strict policy only.
// Besides rounding they differ outside a domain: exp(log(x)) is NaN for
// x < 0 and +0.0 for x = -0.0; log(exp(x)) is +inf where exp overflows
// (x > ~88.7 in f32) and -inf where it underflows to 0 (x < ~-103.9 in
// f32). Folding assumes the program stays inside the domain, which a strict
// policy does not let the compiler assume.
#include "SimplifyPatterns.h"

using namespace mlir;

namespace tessera::tgraph {

void populateSimplifyExpLogPatterns(RewritePatternSet &patterns) {
  patterns
      .add<FoldInexactInverse<ExpOp, LogOp>, FoldInexactInverse<LogOp, ExpOp>>(
          patterns.getContext());
}

} // namespace tessera::tgraph
