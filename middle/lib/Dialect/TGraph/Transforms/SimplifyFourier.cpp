// Fourier round trips: ifft(fft(x)), fft(ifft(x)) and irfft(rfft(x)) are x in
// exact arithmetic but not in floating point (each transform rounds), so
// they are folded only under a non-strict policy. rfft(irfft(y)) is not y in
// general (irfft drops the imaginary parts of the zero and Nyquist
// frequencies) and is left alone.
#include "SimplifyPatterns.h"

using namespace mlir;

namespace tessera::tgraph {
namespace {

// irfft(rfft(x), n) -> x when x's rows have length n: rfft keeps n/2 + 1
// frequencies, so rows of n and n + 1 (n even) look alike and n must be
// known to match.
struct FoldRealRoundTrip : OpRewritePattern<IRFFTOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(IRFFTOp op,
                                PatternRewriter &rewriter) const override {
    auto rfft = op.getOperand().getDefiningOp<RFFTOp>();
    if (!rfft || isStrict(op))
      return failure();
    RankedTensorType source = rfft.getOperand().getType();
    if (source.getRank() == 0 || source.getDimSize(source.getRank() - 1) !=
                                     static_cast<int64_t>(op.getN()))
      return failure();
    return replaceWithValue(rewriter, op, rfft.getOperand());
  }
};

} // namespace

void populateSimplifyFourierPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldInexactInverse<IFFTOp, FFTOp>,
               FoldInexactInverse<FFTOp, IFFTOp>, FoldRealRoundTrip>(
      patterns.getContext());
}

} // namespace tessera::tgraph
