// NVVM-flavoured LLVM dialect -> LLVM IR -> optimized -> PTX, one
// architecture at a time (Cuda.h).
#include "../common/OptimizationPipeline.h"
#include "tessera/Backend/Cuda.h"
#include "tessera/tbin_abi.h"

#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"

namespace tessera {
namespace {

constexpr const char *kTriple = "nvptx64-nvidia-cuda";
// PTX ISA 8.0: the first with sm_90a, read by every CUDA 12+ driver.
constexpr const char *kPtxVersion = "+ptx80";

const llvm::Target *nvptxTarget(std::string &error) {
  static bool initialized = [] {
    LLVMInitializeNVPTXTargetInfo();
    LLVMInitializeNVPTXTarget();
    LLVMInitializeNVPTXTargetMC();
    LLVMInitializeNVPTXAsmPrinter();
    return true;
  }();
  (void)initialized;
  return llvm::TargetRegistry::lookupTarget(kTriple, error);
}

std::unique_ptr<llvm::TargetMachine> makeTargetMachine(const std::string &arch,
                                                       unsigned optLevel,
                                                       std::string &error) {
  const llvm::Target *target = nvptxTarget(error);
  if (!target)
    return nullptr;
  llvm::TargetOptions options;
  // As on the CPU (ARCHITECTURE.md §6): no a*b+c contracted into an FMA, so
  // that the PTX rounds each multiply and add (mul.rn, add.rn) and ptxas
  // cannot fuse them either.
  options.AllowFPOpFusion = llvm::FPOpFusion::Strict;
  auto level = optLevel == 0 ? llvm::CodeGenOptLevel::None
                             : llvm::CodeGenOptLevel::Aggressive;
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      kTriple, arch, kPtxVersion, options, std::nullopt, std::nullopt, level));
}

void optimize(llvm::Module &m, llvm::TargetMachine &tm, unsigned level) {
  // The tile loop must be inlined into its kernel even at -O0: its operand
  // arrays would otherwise live in local memory.
  runOptimizationPipeline(m, tm,
                          level <= 1   ? llvm::OptimizationLevel::O1
                          : level == 2 ? llvm::OptimizationLevel::O2
                                       : llvm::OptimizationLevel::O3);
}

} // namespace

bool isKnownCudaArch(const std::string &arch) {
  std::string error;
  const llvm::Target *target = nvptxTarget(error);
  if (!target || arch.rfind("sm_", 0) != 0)
    return false;
  std::unique_ptr<llvm::MCSubtargetInfo> info(
      target->createMCSubtargetInfo(kTriple, "", ""));
  return info && info->isCPUStringValid(arch);
}

bool emitPTX(mlir::ModuleOp module, const std::string &arch, unsigned optLevel,
             std::string &ptx, std::string &error) {
  mlir::DialectRegistry registry;
  mlir::registerBuiltinDialectTranslation(registry);
  mlir::registerLLVMDialectTranslation(registry);
  mlir::registerNVVMDialectTranslation(registry);
  module->getContext()->appendDialectRegistry(registry);

  llvm::LLVMContext ctx;
  std::unique_ptr<llvm::Module> m = mlir::translateModuleToLLVMIR(module, ctx);
  if (!m) {
    error = "translation of the GPU kernels to LLVM IR failed";
    return false;
  }
  std::unique_ptr<llvm::TargetMachine> tm =
      makeTargetMachine(arch, optLevel, error);
  if (!tm)
    return false;
  m->setTargetTriple(kTriple);
  m->setDataLayout(tm->createDataLayout());
  optimize(*m, *tm, optLevel);

  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream os(buffer);
  llvm::legacy::PassManager pm;
  if (tm->addPassesToEmitFile(pm, os, nullptr,
                              llvm::CodeGenFileType::AssemblyFile)) {
    error = "LLVM's NVPTX backend cannot emit PTX";
    return false;
  }
  pm.run(*m);
  ptx.assign(buffer.begin(), buffer.end());
  return true;
}

bool buildCudaImages(mlir::ModuleOp module,
                     const std::vector<std::string> &archs, unsigned optLevel,
                     const std::string &ptxas, tbin::CudaImages &images,
                     std::string &error) {
  for (const std::string &arch : archs) {
    std::string ptx;
    if (!emitPTX(module, arch, optLevel, ptx, error))
      return false;
    // "sm_90a" -> 90, arch-specific.
    std::string digits = arch.substr(3);
    bool specific = !digits.empty() && digits.back() == 'a';
    if (specific)
      digits.pop_back();
    uint32_t sm = static_cast<uint32_t>(std::stoul(digits));
    if (!ptxas.empty()) {
      tbin::CudaImage cubin{TESSERA_CUDA_IMAGE_CUBIN, sm, specific, {}};
      if (!assembleCubin(ptxas, ptx, arch, cubin.bytes, error))
        return false;
      images.images.push_back(std::move(cubin));
    }
    // The driver reads PTX as a C string.
    ptx.push_back('\0');
    images.images.push_back(
        {TESSERA_CUDA_IMAGE_PTX, sm, specific, std::move(ptx)});
  }
  return true;
}

} // namespace tessera
