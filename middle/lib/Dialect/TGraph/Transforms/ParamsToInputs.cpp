// --tgraph-params-to-inputs: an entry reads each parameter it uses as an
// input named `param:NAME` (after the inputs it had), which the runtime
// binds from a parameter file or initialises (docs/training.md). The
// parameter's initialiser travels on the input as `tgraph.init` and
// `tgraph.seed`, for the .tbin parameter table.
#include "Parameters.h"
#include "tessera/Dialect/TGraph/TGraph.h"
#include "tessera/Dialect/TGraph/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringSet.h"

namespace tessera::tgraph {
#define GEN_PASS_DEF_PARAMSTOINPUTS
#include "tessera/Dialect/TGraph/Transforms/Passes.h.inc"
} // namespace tessera::tgraph

using namespace mlir;

namespace tessera::tgraph {
namespace {

struct ParamsToInputsPass : impl::ParamsToInputsBase<ParamsToInputsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    for (auto fn : module.getOps<func::FuncOp>()) {
      if (!fn->hasAttr(kEntryAttr))
        continue;
      llvm::MapVector<StringRef, SmallVector<Operation *>> loads;
      WalkResult walk = fn.walk([&](Operation *op) {
        if (!isParameterLoad(op))
          return WalkResult::advance();
        if (op->getBlock() != &fn.getBody().front()) {
          op->emitError("a parameter read inside a region cannot become an "
                        "entry input yet");
          return WalkResult::interrupt();
        }
        loads[parameterName(op)].push_back(op);
        return WalkResult::advance();
      });
      if (walk.wasInterrupted())
        return signalPassFailure();
      // A train entry already has its parameters as inputs; a read left
      // outside its loss would get a second input and no gradient.
      llvm::StringSet<> inputs;
      for (unsigned i = 0; i < fn.getNumArguments(); ++i)
        if (auto n = fn.getArgAttrOfType<StringAttr>(i, kNameAttr))
          inputs.insert(n.getValue());
      for (auto &[name, ops] : loads) {
        if (inputs.contains(("param:" + name).str())) {
          ops.front()->emitError("parameter @")
              << name << " is read outside the loss of train step @"
              << fn.getSymName() << ", so it would not be trained";
          return signalPassFailure();
        }
        Operation *global = symbols.lookup(name);
        auto type = cast<RankedTensorType>(ops.front()->getResult(0).getType());
        unsigned index = fn.getNumArguments();
        fn.insertArgument(index, type,
                          parameterInput(&getContext(), global, name, type),
                          ops.front()->getLoc());
        for (Operation *op : ops) {
          op->getResult(0).replaceAllUsesWith(fn.getArgument(index));
          op->erase();
        }
      }
    }
  }
};

} // namespace
} // namespace tessera::tgraph
