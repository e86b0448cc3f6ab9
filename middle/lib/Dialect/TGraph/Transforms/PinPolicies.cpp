// --tgraph-pin-policies: the operators of a function with a numerics policy
// carry it themselves, so that inlining them into a caller with another
// policy (or none) does not change which rewrites may touch them.
#include "tessera/Dialect/TGraph/TGraph.h"
#include "tessera/Dialect/TGraph/Transforms/NumericPolicy.h"
#include "tessera/Dialect/TGraph/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace tessera::tgraph {
#define GEN_PASS_DEF_PINPOLICIES
#include "tessera/Dialect/TGraph/Transforms/Passes.h.inc"
} // namespace tessera::tgraph

using namespace mlir;

namespace tessera::tgraph {
namespace {

struct PinPoliciesPass : impl::PinPoliciesBase<PinPoliciesPass> {
  void runOnOperation() override {
    for (auto fn : getOperation().getOps<func::FuncOp>()) {
      auto policy = fn->getAttrOfType<StringAttr>(kPolicyAttr);
      if (!policy || fn->hasAttr(kEntryAttr) || fn.isExternal())
        continue;
      // An operator nested in a region keeps the policy of its nearest
      // ancestor that has one, so only the outermost operators need it.
      for (Operation &op : fn.getBody().front().without_terminator())
        if (!op.hasAttr(kPolicyAttr))
          op.setAttr(kPolicyAttr, policy);
    }
  }
};

} // namespace
} // namespace tessera::tgraph
