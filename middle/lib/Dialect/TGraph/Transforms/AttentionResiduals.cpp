// --tgraph-attention-residuals: an attention_grad whose result comes from
// an attention of the same operands reads that op's log-sum-exp, which the
// forward kernel computes anyway, instead of recomputing every score for
// it. See Passes.td.
#include "tessera/Dialect/TGraph/TGraph.h"
#include "tessera/Dialect/TGraph/Transforms/Passes.h"

using namespace mlir;

namespace tessera::tgraph {
#define GEN_PASS_DEF_ATTENTIONRESIDUALS
#include "tessera/Dialect/TGraph/Transforms/Passes.h.inc"

namespace {

// The forward op whose log-sum-exp `grad` may read, or null.
AttentionOp forwardOf(AttentionGradOp grad) {
  auto forward = grad.getResult().getDefiningOp<AttentionOp>();
  if (!forward || forward.getResult() != grad.getResult() ||
      forward.getQuery() != grad.getQuery() ||
      forward.getKey() != grad.getKey() ||
      forward.getValue() != grad.getValue() ||
      forward.getScale() != grad.getScale())
    return {};
  return forward;
}

// `forward` with its lse result (itself when it has one).
AttentionOp withLse(AttentionOp forward) {
  if (forward.getLse())
    return forward;
  auto q = cast<RankedTensorType>(forward.getQuery().getType());
  auto lse = RankedTensorType::get(q.getShape().drop_back(),
                                   Float32Type::get(forward.getContext()));
  OpBuilder b(forward);
  auto both = b.create<AttentionOp>(forward.getLoc(), forward.getType(0), lse,
                                    forward.getQuery(), forward.getKey(),
                                    forward.getValue(), forward.getScale());
  both->setAttrs(forward->getAttrs());
  forward.getResult().replaceAllUsesWith(both.getResult());
  forward.erase();
  return both;
}

struct AttentionResiduals : impl::AttentionResidualsBase<AttentionResiduals> {
  void runOnOperation() override {
    SmallVector<AttentionGradOp> grads;
    getOperation().walk([&](AttentionGradOp grad) {
      if (!grad.getLse() && forwardOf(grad))
        grads.push_back(grad);
    });
    for (AttentionGradOp grad : grads) {
      AttentionOp forward = withLse(forwardOf(grad));
      grad.getLseMutable().assign(forward.getLse());
    }
  }
};

} // namespace
} // namespace tessera::tgraph
