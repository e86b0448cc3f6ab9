// NVVM-flavoured LLVM dialect -> LLVM IR -> optimized -> PTX (Cuda.h), an
// architecture a thread.
#include "../common/OptimizationPipeline.h"
#include "PtxPieces.h"
#include "WgmmaMatmul.h"
#include "tessera/Backend/Cuda.h"
#include "tessera/tbin_abi.h"

#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"

#include <thread>

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

namespace {

void registerTranslations(mlir::ModuleOp module) {
  mlir::DialectRegistry registry;
  mlir::registerBuiltinDialectTranslation(registry);
  mlir::registerLLVMDialectTranslation(registry);
  mlir::registerNVVMDialectTranslation(registry);
  module->getContext()->appendDialectRegistry(registry);
}

// The GPU kernels as LLVM IR for one architecture, not optimized yet.
struct ArchModule {
  std::string arch;
  std::unique_ptr<llvm::LLVMContext> ctx;
  std::unique_ptr<llvm::Module> module;
};

bool translate(mlir::ModuleOp module, const std::string &arch, ArchModule &out,
               std::string &error) {
  out.arch = arch;
  out.ctx = std::make_unique<llvm::LLVMContext>();
  out.module = mlir::translateModuleToLLVMIR(module, *out.ctx);
  if (!out.module) {
    error = "translation of the GPU kernels to LLVM IR failed";
    return false;
  }
  keepArchitectureVariants(*out.module, arch);
  return true;
}

// Optimizes `m` and prints its PTX for `arch`.
bool modulePTX(llvm::Module &m, const std::string &arch, unsigned optLevel,
               std::string &ptx, std::string &error) {
  std::unique_ptr<llvm::TargetMachine> tm =
      makeTargetMachine(arch, optLevel, error);
  if (!tm)
    return false;
  m.setTargetTriple(kTriple);
  m.setDataLayout(tm->createDataLayout());
  optimize(m, *tm, optLevel);

  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream os(buffer);
  llvm::legacy::PassManager pm;
  if (tm->addPassesToEmitFile(pm, os, nullptr,
                              llvm::CodeGenFileType::AssemblyFile)) {
    error = "LLVM's NVPTX backend cannot emit PTX";
    return false;
  }
  pm.run(m);
  ptx.assign(buffer.begin(), buffer.end());
  return true;
}

// Runs of kernels an architecture compiles on threads of their own
// (PtxPieces.h): a fixed count, so that the PTX does not depend on the
// machine.
constexpr unsigned kPtxPieces = 4;

// Optimizes `in` and prints its PTX, in pieces where it can. Touches
// nothing but `in`, so architectures can be compiled on threads of their
// own.
bool compileToPTX(ArchModule &in, unsigned optLevel, std::string &ptx,
                  std::string &error) {
  std::vector<std::string> pieces = splitKernels(*in.module, kPtxPieces);
  if (pieces.empty())
    return modulePTX(*in.module, in.arch, optLevel, ptx, error);
  std::vector<std::string> texts(pieces.size()), errors(pieces.size());
  std::vector<char> ok(pieces.size(), 0);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < pieces.size(); ++i)
    threads.emplace_back([&, i] {
      llvm::LLVMContext ctx;
      auto piece = llvm::parseBitcodeFile(
          llvm::MemoryBufferRef(pieces[i], "piece"), ctx);
      if (!piece) {
        errors[i] = "cannot read a piece of the GPU kernels back: " +
                    llvm::toString(piece.takeError());
        return;
      }
      ok[i] = modulePTX(**piece, in.arch, optLevel, texts[i], errors[i]);
    });
  for (std::thread &t : threads)
    t.join();
  for (size_t i = 0; i < pieces.size(); ++i)
    if (!ok[i]) {
      error = errors[i];
      return false;
    }
  ptx = joinPTX(texts);
  if (ptx.empty()) {
    error = "the PTX of the GPU kernels' pieces does not join";
    return false;
  }
  return true;
}

} // namespace

bool emitPTX(mlir::ModuleOp module, const std::string &arch, unsigned optLevel,
             std::string &ptx, std::string &error) {
  registerTranslations(module);
  ArchModule in;
  return translate(module, arch, in, error) &&
         compileToPTX(in, optLevel, ptx, error);
}

bool buildCudaImages(mlir::ModuleOp module,
                     const std::vector<std::string> &archs, unsigned optLevel,
                     const std::string &ptxas, tbin::CudaImages &images,
                     std::string &error) {
  // Translation reads the MLIR module: one architecture after the other.
  // Optimization, PTX and ptxas then run on a thread per architecture (the
  // images come out the same, in the order of `archs`).
  registerTranslations(module);
  std::string target;
  if (!nvptxTarget(target)) { // registers the target before the threads
    error = target;
    return false;
  }
  struct Job {
    ArchModule in;
    std::string ptx, error, cubin;
    bool ok = false;
  };
  std::vector<Job> jobs(archs.size());
  for (size_t i = 0; i < archs.size(); ++i)
    if (!translate(module, archs[i], jobs[i].in, error))
      return false;
  std::vector<std::thread> threads;
  for (Job &job : jobs)
    threads.emplace_back([&job, optLevel, &ptxas] {
      job.ok = compileToPTX(job.in, optLevel, job.ptx, job.error) &&
               (ptxas.empty() || assembleCubin(ptxas, job.ptx, job.in.arch,
                                               job.cubin, job.error));
    });
  for (std::thread &t : threads)
    t.join();
  for (Job &job : jobs) {
    if (!job.ok) {
      error = job.error;
      return false;
    }
    // "sm_90a" -> 90, arch-specific.
    std::string digits = job.in.arch.substr(3);
    bool specific = !digits.empty() && digits.back() == 'a';
    if (specific)
      digits.pop_back();
    uint32_t sm = static_cast<uint32_t>(std::stoul(digits));
    if (!ptxas.empty())
      images.images.push_back(
          {TESSERA_CUDA_IMAGE_CUBIN, sm, specific, std::move(job.cubin)});
    // The driver reads PTX as a C string.
    job.ptx.push_back('\0');
    images.images.push_back(
        {TESSERA_CUDA_IMAGE_PTX, sm, specific, std::move(job.ptx)});
  }
  return true;
}

} // namespace tessera
