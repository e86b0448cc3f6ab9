// The GPU kernels in pieces (PtxPieces.h). LLVM's optimization and NVPTX
// code generation of one architecture's module ran on one thread: 1.9 s of
// the Burgers step's 3.5 s build for sm_90a. Kernels are independent
// functions (their shared memory their own globals), so runs of them
// compile apart to the same code, and their PTX joins into one module.
// The cut depends on the module only, so the PTX is the same bytes on any
// machine.
#include "PtxPieces.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Transforms/Utils/Cloning.h"

namespace tessera {
namespace {

// Every global value that `root` reads, directly or through the functions
// and initializers it reaches, with `root` itself.
llvm::SmallVector<const llvm::GlobalValue *>
reachedFrom(const llvm::Function &root) {
  llvm::SmallVector<const llvm::GlobalValue *> found{&root};
  llvm::SmallPtrSet<const llvm::Value *, 32> seen{&root};
  llvm::SmallVector<const llvm::Value *> work;
  auto visit = [&](const llvm::Value *v) {
    if (seen.insert(v).second)
      work.push_back(v);
  };
  for (const llvm::Instruction &inst : llvm::instructions(root))
    for (const llvm::Value *op : inst.operands())
      visit(op);
  while (!work.empty()) {
    const llvm::Value *v = work.pop_back_val();
    if (auto *g = llvm::dyn_cast<llvm::GlobalValue>(v)) {
      found.push_back(g);
      if (auto *f = llvm::dyn_cast<llvm::Function>(g))
        for (const llvm::Instruction &inst : llvm::instructions(*f))
          for (const llvm::Value *op : inst.operands())
            visit(op);
      if (auto *var = llvm::dyn_cast<llvm::GlobalVariable>(g);
          var && var->hasInitializer())
        visit(var->getInitializer());
    } else if (auto *c = llvm::dyn_cast<llvm::Constant>(v)) {
      for (const llvm::Value *op : c->operands())
        visit(op);
    }
  }
  return found;
}

// A kernel: a function defined here that the runtime launches by name.
bool isKernel(const llvm::Function &f) {
  return !f.isDeclaration() && !f.hasLocalLinkage();
}

} // namespace

std::vector<std::string> splitKernels(llvm::Module &module, unsigned count) {
  llvm::SmallVector<const llvm::Function *> kernels;
  for (const llvm::Function &f : module)
    if (isKernel(f))
      kernels.push_back(&f);
  unsigned runs = std::min<unsigned>(count, kernels.size() / 8);
  if (runs < 2)
    return {};
  // Run r takes kernels [r n / runs, (r + 1) n / runs).
  llvm::DenseMap<const llvm::GlobalValue *, unsigned> runOf;
  for (size_t i = 0; i < kernels.size(); ++i) {
    unsigned run = static_cast<unsigned>(i * runs / kernels.size());
    for (const llvm::GlobalValue *g : reachedFrom(*kernels[i])) {
      if (g->isDeclaration())
        continue;
      auto [at, inserted] = runOf.try_emplace(g, run);
      if (!inserted && at->second != run)
        return {};
    }
  }
  std::vector<std::string> pieces;
  for (unsigned run = 0; run < runs; ++run) {
    llvm::ValueToValueMapTy map;
    std::unique_ptr<llvm::Module> piece =
        llvm::CloneModule(module, map, [&](const llvm::GlobalValue *g) {
          auto at = runOf.find(g);
          return at == runOf.end() ? run == 0 : at->second == run;
        });
    // What the run does not define and does not read goes.
    llvm::SmallVector<llvm::GlobalValue *> unused;
    for (llvm::GlobalValue &g : piece->global_values())
      if (g.isDeclaration() && g.use_empty())
        unused.push_back(&g);
    for (llvm::GlobalValue *g : unused)
      g->eraseFromParent();
    std::string bytes;
    llvm::raw_string_ostream os(bytes);
    llvm::WriteBitcodeToFile(*piece, os);
    os.flush();
    pieces.push_back(std::move(bytes));
  }
  return pieces;
}

std::string joinPTX(const std::vector<std::string> &pieces) {
  // The header ends with the .address_size line.
  auto split = [](llvm::StringRef ptx) {
    size_t at = ptx.find(".address_size");
    size_t end = at == llvm::StringRef::npos ? at : ptx.find('\n', at);
    return end == llvm::StringRef::npos
               ? std::pair<llvm::StringRef, llvm::StringRef>()
               : std::make_pair(ptx.take_front(end + 1),
                                ptx.drop_front(end + 1));
  };
  auto [header, first] = split(pieces.front());
  if (header.empty())
    return "";
  std::string ptx = (header + first).str();
  for (size_t i = 1; i < pieces.size(); ++i) {
    auto [own, body] = split(pieces[i]);
    if (own != header)
      return "";
    ptx += body;
  }
  return ptx;
}

} // namespace tessera
