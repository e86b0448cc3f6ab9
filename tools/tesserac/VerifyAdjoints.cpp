// tesserac --verify-adjoints: every function the program differentiates,
// checked in the reference evaluator: its JVP and VJP (as the compiler
// builds them) against central finite differences and against each other,
// at random inputs, in f64.
#include "VerifyAdjoints.h"

#include "tessera/Dialect/TGraph/TGraph.h"
#include "tessera/Reference/AdjointCheck.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace tessera {

int verifyAdjoints(ModuleOp module, int64_t dimExtent) {
  llvm::SetVector<StringRef> callees;
  module.walk([&](Operation *op) {
    if (auto g = dyn_cast<tgraph::GradOp>(op))
      callees.insert(g.getCallee());
    else if (auto v = dyn_cast<tgraph::VjpOp>(op))
      callees.insert(v.getCallee());
    else if (auto j = dyn_cast<tgraph::JvpOp>(op))
      callees.insert(j.getCallee());
    else if (auto h = dyn_cast<tgraph::HvpOp>(op))
      callees.insert(h.getCallee());
    else if (auto p = dyn_cast<tgraph::PartialOp>(op))
      callees.insert(p.getCallee());
  });
  if (callees.empty()) {
    llvm::outs() << "verify-adjoints: the program differentiates nothing\n";
    return 0;
  }
  int failures = 0;
  for (StringRef name : callees) {
    OwningOpRef<ModuleOp> copy = module.clone();
    bool f64 = reference::promoteFloatsToF64(*copy);
    // Iterations run to f64 precision: the check measures the derivative
    // rules, not the tolerance the program asked its solver for.
    copy->walk([&](tgraph::FixedPointOp fp) {
      OpBuilder b(fp);
      fp.setTolAttr(b.getF64FloatAttr(f64 ? 1e-13 : 1e-6));
      fp.setMaxIterAttr(b.getI64IntegerAttr(100000));
    });
    double tolerance = f64 ? 1e-6 : 1e-3;
    auto fn = copy->lookupSymbol<func::FuncOp>(name);
    reference::AdjointCheckOptions options;
    options.params = reference::randomParams(*copy, 7, dimExtent);
    std::vector<reference::Tensor> inputs =
        reference::randomInputs(fn, 42, dimExtent);
    FailureOr<reference::AdjointErrors> errors =
        reference::checkAdjoints(*copy, fn, inputs, options);
    llvm::outs() << "verify-adjoints: @" << name << ": ";
    if (failed(errors)) {
      llvm::outs() << "could not be checked (see the error above)\n";
      ++failures;
      continue;
    }
    bool ok = errors->max() < tolerance;
    failures += !ok;
    llvm::outs() << llvm::format("jvp-vs-fd %.2e, vjp-vs-fd %.2e, "
                                 "vjp-vs-jvp %.2e (%s, tolerance %.0e): %s\n",
                                 errors->jvp, errors->vjp, errors->dual,
                                 static_cast<const char *>(f64 ? "f64" : "f32"),
                                 tolerance, ok ? "ok" : "FAILED");
  }
  return failures ? 1 : 0;
}

} // namespace tessera
