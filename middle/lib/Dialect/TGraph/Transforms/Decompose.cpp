// --tgraph-decompose: composite operators replaced by the primitives they
// are defined by (buildDecomposition, shared with the derivative rules).
#include "tessera/Dialect/TGraph/Derivatives.h"
#include "tessera/Dialect/TGraph/Transforms/Passes.h"

using namespace mlir;

namespace tessera::tgraph {
#define GEN_PASS_DEF_DECOMPOSE
#include "tessera/Dialect/TGraph/Transforms/Passes.h.inc"

namespace {

struct DecomposePass : impl::DecomposeBase<DecomposePass> {
  void runOnOperation() override {
    // Repeated: a decomposition may hold a composite (cross_entropy's
    // log_softmax).
    while (true) {
      SmallVector<Operation *> composites;
      getOperation().walk([&](Operation *op) {
        if (isa<SoftmaxOp, LogSoftmaxOp, LayerNormOp, RMSNormOp, CrossEntropyOp,
                MSEOp>(op))
          composites.push_back(op);
      });
      if (composites.empty())
        return;
      for (Operation *op : composites) {
        OpBuilder b(op);
        Value y = buildDecomposition(b, op);
        op->getResult(0).replaceAllUsesWith(y);
        op->erase();
      }
    }
  }
};

} // namespace
} // namespace tessera::tgraph
