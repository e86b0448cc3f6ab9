// LLVM dialect -> LLVM IR (with the metadata sections) -> optimized ->
// machine code for the host CPU.
#include "../common/OptimizationPipeline.h"
#include "MemoryFunctions.h"
#include "tessera/Backend/Tbin.h"
#include "tessera/tbin_abi.h"

#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

#include <tuple>

namespace tessera {
namespace {

// Bytes as a constant: a local table of a statically linked model, or
// (exported, in `section` and kept however unreferenced) a .tbin section.
llvm::GlobalVariable *addTable(llvm::Module &m, const char *symbol,
                               const std::vector<uint8_t> &bytes,
                               const char *section = nullptr) {
  auto *init = llvm::ConstantDataArray::get(m.getContext(),
                                            llvm::ArrayRef<uint8_t>(bytes));
  auto *gv =
      new llvm::GlobalVariable(m, init->getType(), /*isConstant=*/true,
                               section ? llvm::GlobalValue::ExternalLinkage
                                       : llvm::GlobalValue::InternalLinkage,
                               init, symbol);
  gv->setAlignment(llvm::Align(8));
  if (section) {
    gv->setSection(section);
    llvm::appendToUsed(m, {gv});
  }
  return gv;
}

// An array of function pointers (null where `names` has no function).
llvm::Constant *functionTable(llvm::Module &m, const char *symbol,
                              const std::vector<std::string> &names) {
  auto *ptr = llvm::PointerType::get(m.getContext(), 0);
  std::vector<llvm::Constant *> fns;
  bool any = false;
  for (const std::string &name : names) {
    llvm::Function *fn = name.empty() ? nullptr : m.getFunction(name);
    any |= fn != nullptr;
    fns.push_back(fn ? static_cast<llvm::Constant *>(fn)
                     : llvm::ConstantPointerNull::get(ptr));
  }
  if (!any)
    return llvm::ConstantPointerNull::get(ptr);
  auto *type = llvm::ArrayType::get(ptr, fns.size());
  return new llvm::GlobalVariable(m, type, /*isConstant=*/true,
                                  llvm::GlobalValue::InternalLinkage,
                                  llvm::ConstantArray::get(type, fns), symbol);
}

// A model for static linking (tessera_static_module_t, tbin_abi.h): every
// definition becomes local, so that several models link into one program,
// and one descriptor points at the tables and the code.
void packageStatic(llvm::Module &m, const tbin::ModuleMeta &meta,
                   const tbin::OpsTable &ops, const tbin::CudaImages *cuda) {
  for (llvm::Function &fn : m)
    if (!fn.isDeclaration())
      fn.setLinkage(llvm::GlobalValue::InternalLinkage);
  for (llvm::GlobalVariable &gv : m.globals())
    if (!gv.isDeclaration())
      gv.setLinkage(llvm::GlobalValue::InternalLinkage);
  llvm::LLVMContext &ctx = m.getContext();
  auto *i32 = llvm::Type::getInt32Ty(ctx);
  auto *i64 = llvm::Type::getInt64Ty(ctx);
  auto *ptr = llvm::PointerType::get(ctx, 0);
  auto table = [&](const char *symbol, const std::vector<uint8_t> &bytes)
      -> std::pair<llvm::Constant *, llvm::Constant *> {
    return {addTable(m, symbol, bytes),
            llvm::ConstantInt::get(i64, bytes.size())};
  };
  auto [metaTable, metaSize] = table("tessera_meta", tbin::encode(meta));
  auto [opsTable, opsSize] = table("tessera_ops", tbin::encode(ops));
  llvm::Constant *cudaTable = llvm::ConstantPointerNull::get(ptr);
  llvm::Constant *cudaSize = llvm::ConstantInt::get(i64, 0);
  if (cuda)
    std::tie(cudaTable, cudaSize) = table("tessera_cuda", tbin::encode(*cuda));
  std::vector<std::string> entries, cudaEntries, kernels;
  for (const tbin::EntryMeta &e : meta.entries) {
    entries.push_back(e.symbol);
    cudaEntries.push_back(TESSERA_CUDA_ENTRY_PREFIX + e.name);
  }
  for (const tbin::KernelMeta &k : ops.kernels)
    kernels.push_back(k.backend == "cpu" ? k.symbol : "");
  auto *type = llvm::StructType::get(
      ctx, {i32, i32, ptr, i64, ptr, i64, ptr, i64, ptr, ptr, ptr});
  llvm::Constant *fields[] = {
      llvm::ConstantInt::get(i32, TESSERA_TBIN_ABI_VERSION),
      llvm::ConstantInt::get(i32, 0),
      metaTable,
      metaSize,
      opsTable,
      opsSize,
      cudaTable,
      cudaSize,
      functionTable(m, "tessera_entries", entries),
      functionTable(m, "tessera_cuda_entries", cudaEntries),
      functionTable(m, "tessera_kernels", kernels)};
  auto *descriptor = new llvm::GlobalVariable(
      m, type, /*isConstant=*/true, llvm::GlobalValue::ExternalLinkage,
      llvm::ConstantStruct::get(type, fields), staticModuleSymbol(meta.module));
  descriptor->setAlignment(llvm::Align(8));
}

void initializeX86() {
  static bool initialized = [] {
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86Target();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86AsmPrinter();
    return true;
  }();
  (void)initialized;
}

std::unique_ptr<llvm::TargetMachine> makeTargetMachine(const CodegenOptions &o,
                                                       std::string &error) {
  initializeX86();
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(o.triple, error);
  if (!target)
    return nullptr;
  llvm::TargetOptions options;
  // Determinism (ARCHITECTURE.md §6): never contract a*b+c into an FMA
  // behind the program's back.
  options.AllowFPOpFusion = llvm::FPOpFusion::Strict;
  auto level = o.optLevel == 0   ? llvm::CodeGenOptLevel::None
               : o.optLevel == 1 ? llvm::CodeGenOptLevel::Less
               : o.optLevel == 2 ? llvm::CodeGenOptLevel::Default
                                 : llvm::CodeGenOptLevel::Aggressive;
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      o.triple, o.cpu, "", options, llvm::Reloc::PIC_, std::nullopt, level));
}

// -O1 and -O2 clean kernels up; -O3 runs LLVM's whole -O3 pipeline over
// them too (seconds longer on training steps, for what it may find).
void optimize(llvm::Module &m, llvm::TargetMachine &tm, unsigned level) {
  if (level == 0)
    return;
  if (level < 3)
    runKernelCleanupPipeline(m, tm);
  else
    runOptimizationPipeline(m, tm, llvm::OptimizationLevel::O3);
}

} // namespace

std::string staticModuleSymbol(const std::string &moduleName) {
  std::string symbol = TESSERA_STATIC_MODULE_PREFIX;
  for (char c : moduleName)
    symbol += llvm::isAlnum(c) ? c : '_';
  return symbol;
}

// The subtarget of `cpu` ("host": this machine's CPU), or null.
static std::unique_ptr<llvm::MCSubtargetInfo>
subtargetOf(const std::string &cpu) {
  initializeX86();
  std::string error;
  CodegenOptions defaults;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(defaults.triple, error);
  if (!target)
    return nullptr;
  std::string name = cpu == "host" ? llvm::sys::getHostCPUName().str() : cpu;
  // Checked first: LLVM warns on stderr about a CPU it does not know.
  std::unique_ptr<llvm::MCSubtargetInfo> generic(
      target->createMCSubtargetInfo(defaults.triple, "", ""));
  if (!generic || !generic->isCPUStringValid(name))
    return nullptr;
  return std::unique_ptr<llvm::MCSubtargetInfo>(
      target->createMCSubtargetInfo(defaults.triple, name, ""));
}

bool isKnownCpu(const std::string &cpu) {
  return cpu == "host" || subtargetOf(cpu) != nullptr;
}

int64_t vectorBytesForCpu(const std::string &cpu) {
  std::unique_ptr<llvm::MCSubtargetInfo> info = subtargetOf(cpu);
  if (info && info->checkFeatures("+avx512f"))
    return 64;
  if (info && info->checkFeatures("+avx"))
    return 32;
  return 16;
}

bool cpuHasFma(const std::string &cpu) {
  std::unique_ptr<llvm::MCSubtargetInfo> info = subtargetOf(cpu);
  return info && info->checkFeatures("+fma");
}

std::unique_ptr<llvm::Module>
translateUnoptimized(mlir::ModuleOp module, llvm::LLVMContext &ctx,
                     const tbin::ModuleMeta &meta, const tbin::OpsTable &ops,
                     const tbin::CudaImages *cuda, const CodegenOptions &opts,
                     std::string &error) {
  mlir::DialectRegistry registry;
  mlir::registerBuiltinDialectTranslation(registry);
  mlir::registerLLVMDialectTranslation(registry);
  module->getContext()->appendDialectRegistry(registry);

  std::unique_ptr<llvm::Module> m = mlir::translateModuleToLLVMIR(module, ctx);
  if (!m) {
    error = "translation to LLVM IR failed";
    return nullptr;
  }
  std::unique_ptr<llvm::TargetMachine> tm = makeTargetMachine(opts, error);
  if (!tm)
    return nullptr;
  m->setTargetTriple(opts.triple);
  m->setDataLayout(tm->createDataLayout());
  if (opts.staticModule) {
    packageStatic(*m, meta, ops, cuda);
  } else {
    addTable(*m, "__tessera_meta", tbin::encode(meta), TESSERA_META_SECTION);
    addTable(*m, "__tessera_ops", tbin::encode(ops), TESSERA_OPS_SECTION);
    if (cuda)
      addTable(*m, "__tessera_cuda", tbin::encode(*cuda), TESSERA_CUDA_SECTION);
  }
  // A .tbin links no C library; an object for a host program links the
  // host's (its own would replace the host's everywhere).
  if (!opts.staticModule)
    addMemoryFunctions(*m);
  // Entries run once per call and spend their time in the kernels they
  // launch; optimizing their long straight-line code took most of the
  // compile time of a training step (the Burgers PINN: 2.8 of 3.7 s). Code
  // generation at -O0 leaves each launch a few nanoseconds slower.
  for (llvm::Function &fn : *m)
    if (fn.getName().starts_with("tessera_entry_") ||
        fn.getName().starts_with("tessera_cuda_entry_")) {
      fn.addFnAttr(llvm::Attribute::OptimizeNone);
      fn.addFnAttr(llvm::Attribute::NoInline);
    }
  return m;
}

bool optimizeLLVMIR(llvm::Module &m, const CodegenOptions &opts,
                    std::string &error) {
  std::unique_ptr<llvm::TargetMachine> tm = makeTargetMachine(opts, error);
  if (!tm)
    return false;
  optimize(m, *tm, opts.optLevel);
  return true;
}

std::unique_ptr<llvm::Module>
translateToLLVMIR(mlir::ModuleOp module, llvm::LLVMContext &ctx,
                  const tbin::ModuleMeta &meta, const tbin::OpsTable &ops,
                  const tbin::CudaImages *cuda, const CodegenOptions &opts,
                  std::string &error) {
  std::unique_ptr<llvm::Module> m =
      translateUnoptimized(module, ctx, meta, ops, cuda, opts, error);
  if (!m || !optimizeLLVMIR(*m, opts, error))
    return nullptr;
  return m;
}

bool emitMachineCode(llvm::Module &module, const CodegenOptions &opts,
                     bool assembly, std::string &out, std::string &error) {
  std::unique_ptr<llvm::TargetMachine> tm = makeTargetMachine(opts, error);
  if (!tm)
    return false;
  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream os(buffer);
  llvm::legacy::PassManager pm;
  auto kind = assembly ? llvm::CodeGenFileType::AssemblyFile
                       : llvm::CodeGenFileType::ObjectFile;
  if (tm->addPassesToEmitFile(pm, os, nullptr, kind)) {
    error = "the target cannot emit this file type";
    return false;
  }
  pm.run(module);
  out.assign(buffer.begin(), buffer.end());
  return true;
}

} // namespace tessera
