// Merges kernels that differ only in their names (Passes.td).
#include "tessera/Dialect/TTile/Transforms/Passes.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/Hashing.h"

namespace tessera::ttile {

#define GEN_PASS_DEF_DEDUPEKERNELS
#include "tessera/Dialect/TTile/Transforms/Passes.h.inc"

namespace {

// Kernels equal but for their names: the same ops, attributes, types and
// uses, locations aside.
bool sameBody(KernelOp a, KernelOp b) {
  mlir::StringAttr name = b.getSymNameAttr();
  b.setSymNameAttr(a.getSymNameAttr());
  bool same = mlir::OperationEquivalence::isEquivalentTo(
      a, b, mlir::OperationEquivalence::IgnoreLocations);
  b.setSymNameAttr(name);
  return same;
}

// A hash that sameBody's kernels share: the kernel's attributes but its
// name, and each op's, with operands as their order of definition.
llvm::hash_code bodyHash(KernelOp kernel) {
  llvm::hash_code hash = llvm::hash_value(kernel->getName().getStringRef());
  for (mlir::NamedAttribute attr : kernel->getAttrs())
    if (attr.getName() != kernel.getSymNameAttrName())
      hash = llvm::hash_combine(hash, attr.getName(), attr.getValue());
  llvm::DenseMap<mlir::Value, unsigned> order;
  auto define = [&](mlir::ValueRange values) {
    for (mlir::Value v : values)
      order.try_emplace(v, order.size());
  };
  auto number = [&](mlir::Value v) -> llvm::hash_code {
    return llvm::hash_combine(order.lookup(v), v.getType());
  };
  kernel->walk<mlir::WalkOrder::PreOrder>([&](mlir::Operation *op) {
    for (mlir::Region &region : op->getRegions())
      for (mlir::Block &block : region) {
        hash = llvm::hash_combine(hash, block.getNumArguments());
        define(block.getArguments());
      }
    if (op == kernel.getOperation())
      return;
    hash = llvm::hash_combine(hash,
                              mlir::OperationEquivalence::computeHash(
                                  op, number,
                                  mlir::OperationEquivalence::ignoreHashValue,
                                  mlir::OperationEquivalence::IgnoreLocations),
                              op->getNumRegions());
    define(op->getResults());
  });
  return hash;
}

struct DedupeKernels : impl::DedupeKernelsBase<DedupeKernels> {
  void runOnOperation() override {
    mlir::ModuleOp module = getOperation();
    // The kernels kept so far, by hash.
    llvm::DenseMap<llvm::hash_code, llvm::SmallVector<KernelOp, 1>> kept;
    llvm::DenseMap<mlir::StringAttr, mlir::StringAttr> replacement;
    for (KernelOp kernel :
         llvm::make_early_inc_range(module.getOps<KernelOp>())) {
      auto &same = kept[bodyHash(kernel)];
      auto original = llvm::find_if(same, [&](KernelOp candidate) {
        return sameBody(candidate, kernel);
      });
      if (original == same.end()) {
        same.push_back(kernel);
        continue;
      }
      replacement[kernel.getSymNameAttr()] = original->getSymNameAttr();
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
