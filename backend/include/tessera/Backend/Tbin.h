// From the LLVM dialect to artifacts: LLVM IR, assembly, an object file, and
// the .tbin (an ELF shared object linked by lld with .tessera.meta and
// .tessera.ops sections).
#pragma once

#include "mlir/IR/BuiltinOps.h"
#include "tessera/tbin_cuda.hpp"
#include "tessera/tbin_meta.hpp"

#include <string>
#include <vector>

namespace llvm {
class LLVMContext;
class Module;
} // namespace llvm

namespace tessera {

struct CodegenOptions {
  unsigned optLevel = 2;
  std::string triple = "x86_64-unknown-linux-gnu";
  std::string cpu = "x86-64";
  // For static linking (--emit=obj): local definitions and one
  // tessera_static_module_t descriptor instead of the .tessera.* sections.
  bool staticModule = false;
};

// The descriptor of a statically linked model: tessera_module_ followed by
// the module's name, each character other than [A-Za-z0-9_] as '_'.
std::string staticModuleSymbol(const std::string &moduleName);

// A C header for a statically linked model: the descriptor's declaration
// and every entry's signature, for `tesserac --emit=header`.
std::string moduleHeader(const tbin::ModuleMeta &meta,
                         const std::string &sourceName);

// Whether LLVM's x86-64 backend knows `cpu` ("host" included).
bool isKnownCpu(const std::string &cpu);
// The widest vector registers of a known `cpu`, in bytes: 64 with AVX-512,
// 32 with AVX, 16 otherwise. Kernels take one such vector per step.
int64_t vectorBytesForCpu(const std::string &cpu);
// Whether a known `cpu` has FMA instructions (x86-64-v3 and later); without
// them a fused multiply-add is computed exactly in software.
bool cpuHasFma(const std::string &cpu);

// The signatures of every entry of a Graph IR module.
tbin::ModuleMeta collectModuleMeta(mlir::ModuleOp tgraphModule,
                                   const std::string &moduleName);
// The kernel table of a Tile IR module: a record per kernel and target
// (backend "cpu" for tessera_kernel_fn functions, "cuda" for GPU kernels).
tbin::OpsTable collectOpsTable(mlir::ModuleOp ttileModule, bool cpu, bool cuda);

// LLVM dialect -> optimized LLVM IR with the two metadata sections, and
// .tessera.cuda when `cuda` is given (for opts.staticModule, the same bytes
// as tables of a descriptor). Returns null and sets `error` on
// failure.
std::unique_ptr<llvm::Module>
translateToLLVMIR(mlir::ModuleOp llvmDialectModule, llvm::LLVMContext &ctx,
                  const tbin::ModuleMeta &meta, const tbin::OpsTable &ops,
                  const tbin::CudaImages *cuda, const CodegenOptions &opts,
                  std::string &error);

// translateToLLVMIR in two steps: the LLVM IR as translated, then LLVM's
// optimization pipeline at opts.optLevel.
std::unique_ptr<llvm::Module>
translateUnoptimized(mlir::ModuleOp llvmDialectModule, llvm::LLVMContext &ctx,
                     const tbin::ModuleMeta &meta, const tbin::OpsTable &ops,
                     const tbin::CudaImages *cuda, const CodegenOptions &opts,
                     std::string &error);
bool optimizeLLVMIR(llvm::Module &module, const CodegenOptions &opts,
                    std::string &error);

// Machine code for the module, as an object file or assembly text.
bool emitMachineCode(llvm::Module &module, const CodegenOptions &opts,
                     bool assembly, std::string &out, std::string &error);

// How many pieces compileInPieces cuts a module into: one per 8 functions
// with a body, at most 8. It depends on the module alone, never on the
// machine, so that a .tbin is the same bytes wherever it is compiled.
unsigned codegenPartitions(const llvm::Module &module);

// Optimizes an unoptimized module and generates its machine code in
// codegenPartitions() pieces, on as many threads as the machine has (up
// to one a piece): one object file per piece, in a fixed order. Each
// function is compiled exactly as it would be in one piece (kernels and
// entries call one another only through the runtime).
bool compileInPieces(std::unique_ptr<llvm::Module> module,
                     const CodegenOptions &opts,
                     std::vector<std::string> &objects, std::string &error);

// Links object files into a .tbin at `outputPath` (atomically: a temporary
// file, then a rename).
bool linkTbin(const std::vector<std::string> &objects,
              const std::string &outputPath, std::string &error);

} // namespace tessera
