// What .tessera.meta and .tessera.ops say, read off the IR: entry signatures
// from the Graph IR (as the user wrote them), kernels from the Tile IR.
#include "tessera/Backend/DType.h"
#include "tessera/Backend/Symbols.h"
#include "tessera/Backend/Tbin.h"
#include "tessera/Dialect/TGraph/TGraph.h"
#include "tessera/Dialect/TTile/TTile.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace tessera {
namespace {

tbin::TensorSig signature(DictionaryAttr attrs, Type type) {
  tbin::TensorSig sig;
  if (auto name = attrs ? attrs.getAs<StringAttr>(tgraph::kNameAttr) : nullptr)
    sig.name = name.str();
  // The frontend admits only element types .tbin has codes for.
  sig.dtype = tbinDType(cast<RankedTensorType>(type).getElementType())
                  .value_or(tbin::DType::Bool);
  if (auto shape = attrs ? attrs.getAs<ArrayAttr>(tgraph::kShapeAttr) : nullptr)
    for (Attribute d : shape) {
      tbin::Dim dim;
      if (auto i = dyn_cast<IntegerAttr>(d))
        dim.extent = i.getInt();
      else
        dim.symbol = cast<StringAttr>(d).str();
      sig.dims.push_back(dim);
    }
  return sig;
}

std::string locationOf(Location loc) {
  if (auto l = dyn_cast<FileLineColLoc>(loc))
    return l.getFilename().str() + ":" + std::to_string(l.getLine()) + ":" +
           std::to_string(l.getColumn());
  return {};
}

// An input named "param:NAME" enters the module's parameter table once,
// with the initialiser the parameter was declared with.
void addParam(tbin::ModuleMeta &meta, const tbin::TensorSig &sig,
              DictionaryAttr attrs) {
  StringRef name(sig.name);
  if (!name.consume_front("param:"))
    return;
  for (const tbin::ParamMeta &p : meta.params)
    if (p.name == name)
      return;
  tbin::ParamMeta p;
  p.name = name.str();
  p.dtype = sig.dtype;
  for (const tbin::Dim &d : sig.dims)
    p.shape.push_back(d.extent);
  p.init = "zeros";
  if (auto init = attrs.getAs<StringAttr>("tgraph.init"))
    p.init = init.str();
  if (auto seed = attrs.getAs<IntegerAttr>("tgraph.seed"))
    p.seed = seed.getInt();
  meta.params.push_back(std::move(p));
}

} // namespace

tbin::ModuleMeta collectModuleMeta(ModuleOp module, const std::string &name) {
  tbin::ModuleMeta meta;
  meta.module = name;
  meta.target = "x86_64-unknown-linux-gnu";
  meta.policy = "dtype=f32 accum=f32 deterministic";
  for (auto fn : module.getOps<func::FuncOp>()) {
    if (!fn->hasAttr(tgraph::kEntryAttr))
      continue;
    tbin::EntryMeta e;
    e.name = fn.getName().str();
    e.symbol = entrySymbol(e.name);
    e.location = locationOf(fn.getLoc());
    if (auto dims = fn->getAttrOfType<ArrayAttr>(tgraph::kDimsAttr))
      for (Attribute d : dims)
        e.dimSymbols.push_back(cast<StringAttr>(d).str());
    if (fn->hasAttr("tgraph.train")) {
      e.kind = tbin::kEntryKindTrain;
      if (auto opt = fn->getAttrOfType<StringAttr>("tgraph.optimizer"))
        e.optimizer = opt.str();
    }
    for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
      e.inputs.push_back(
          signature(fn.getArgAttrDict(i), fn.getArgumentTypes()[i]));
      addParam(meta, e.inputs.back(), fn.getArgAttrDict(i));
    }
    for (unsigned i = 0; i < fn.getNumResults(); ++i)
      e.outputs.push_back(
          signature(fn.getResultAttrDict(i), fn.getResultTypes()[i]));
    meta.entries.push_back(std::move(e));
  }
  return meta;
}

tbin::OpsTable collectOpsTable(ModuleOp module, bool cpu, bool cuda) {
  tbin::OpsTable ops;
  // The entries that launch each kernel, comma-separated in module order:
  // identical kernels are merged (ttile-dedupe-kernels), so one may serve
  // several entries.
  llvm::StringMap<std::string> launcher;
  module.walk([&](ttile::LaunchOp l) {
    std::string &entries = launcher[l.getKernel()];
    std::string entry = l->getParentOfType<func::FuncOp>().getName().str();
    if (!llvm::is_contained(llvm::split(entries, ','), entry))
      entries += (entries.empty() ? "" : ",") + entry;
  });
  for (auto k : module.getOps<ttile::KernelOp>()) {
    // Never launched: its matmul kernel applies it (MatmulEpilogue.h).
    if (k.getKind() == "matmul_epilogue")
      continue;
    tbin::KernelMeta m;
    m.name = k.getSymName().str();
    m.symbol = kernelSymbol(m.name);
    m.entry = launcher.lookup(m.name);
    m.kind = k.getKind().str();
    m.numArgs = k.getNumBuffers();
    if (cpu) {
      m.backend = "cpu";
      m.tile = {static_cast<int64_t>(k.getTile())};
      ops.kernels.push_back(m);
    }
    // A GPU thread's tile: one vector step (TTileToNVVM).
    if (cuda) {
      m.backend = "cuda";
      m.tile = {static_cast<int64_t>(k.getVector())};
      ops.kernels.push_back(m);
    }
  }
  return ops;
}

} // namespace tessera
