// Merges kernels that differ only in their names (Passes.td).
#include "tessera/Dialect/TTile/Transforms/Passes.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/raw_ostream.h"

namespace tessera::ttile {

#define GEN_PASS_DEF_DEDUPEKERNELS
#include "tessera/Dialect/TTile/Transforms/Passes.h.inc"

namespace {

// The kernel as text with its name left out: equal text, equal kernel.
// Printing compares every attribute, type and op exactly (locations are not
// printed); a local scope numbers its values from zero whatever surrounds
// it.
std::string bodyKey(KernelOp kernel) {
  mlir::StringAttr name = kernel.getSymNameAttr();
  kernel.setSymName("");
  std::string key;
  llvm::raw_string_ostream os(key);
  kernel->print(os,
                mlir::OpPrintingFlags().printGenericOpForm().useLocalScope());
  kernel.setSymNameAttr(name);
  return key;
}

struct DedupeKernels : impl::DedupeKernelsBase<DedupeKernels> {
  void runOnOperation() override {
    mlir::ModuleOp module = getOperation();
    llvm::StringMap<mlir::StringAttr> first;
    llvm::DenseMap<mlir::StringAttr, mlir::StringAttr> replacement;
    for (KernelOp kernel :
         llvm::make_early_inc_range(module.getOps<KernelOp>())) {
      auto [it, inserted] =
          first.try_emplace(bodyKey(kernel), kernel.getSymNameAttr());
      if (inserted)
        continue;
      replacement[kernel.getSymNameAttr()] = it->second;
      kernel.erase();
    }
    if (replacement.empty())
      return;
    // Launches, and a matmul kernel's reference to its epilogue's: one
    // walk (a walk per merged kernel took seconds on derivative code).
    auto rename = [&](mlir::FlatSymbolRefAttr ref) {
      if (mlir::StringAttr kept = replacement.lookup(ref.getAttr()))
        return mlir::FlatSymbolRefAttr::get(kept);
      return ref;
    };
    module.walk([&](LaunchOp launch) {
      launch.setKernelAttr(rename(launch.getKernelAttr()));
    });
    for (KernelOp kernel : module.getOps<KernelOp>()) {
      auto info = kernel->getAttrOfType<mlir::DictionaryAttr>("ttile.matmul");
      auto epilogue =
          info ? info.getAs<mlir::FlatSymbolRefAttr>("epilogue") : nullptr;
      if (!epilogue || rename(epilogue) == epilogue)
        continue;
      mlir::NamedAttrList entries(info);
      entries.set("epilogue", rename(epilogue));
      kernel->setAttr("ttile.matmul",
                      entries.getDictionary(kernel.getContext()));
    }
  }
};

} // namespace
} // namespace tessera::ttile
