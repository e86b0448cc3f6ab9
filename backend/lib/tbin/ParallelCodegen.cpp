// Optimization and machine code for a module in pieces, on several threads.
// LLVM time was most of a training step's compile time (the Burgers PINN:
// 0.9 of 1.25 s, in 57 kernels); kernels are independent functions, so a
// module cut between them compiles in parallel to the same code. The cut
// depends on the module only: the .tbin is the same bytes on any machine.
#include "tessera/Backend/Tbin.h"

#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Transforms/Utils/SplitModule.h"

#include <algorithm>

namespace tessera {

unsigned codegenPartitions(const llvm::Module &module) {
  unsigned bodies = 0;
  for (const llvm::Function &fn : module)
    bodies += fn.isDeclaration() ? 0 : 1;
  return std::clamp(bodies / 8, 1u, 8u);
}

namespace {

// One piece, in a context of its own: read back, optimized, compiled.
bool compilePiece(llvm::StringRef bitcode, const CodegenOptions &opts,
                  std::string &object, std::string &error) {
  llvm::LLVMContext ctx;
  auto module =
      llvm::parseBitcodeFile(llvm::MemoryBufferRef(bitcode, "piece"), ctx);
  if (!module) {
    error = "cannot read a piece of the module back: " +
            llvm::toString(module.takeError());
    return false;
  }
  return optimizeLLVMIR(**module, opts, error) &&
         emitMachineCode(**module, opts, /*assembly=*/false, object, error);
}

} // namespace

bool compileInPieces(std::unique_ptr<llvm::Module> module,
                     const CodegenOptions &opts,
                     std::vector<std::string> &objects, std::string &error) {
  unsigned pieces = codegenPartitions(*module);
  objects.assign(pieces, std::string());
  if (pieces == 1) {
    return optimizeLLVMIR(*module, opts, error) &&
           emitMachineCode(*module, opts, false, objects[0], error);
  }
  // Each piece as bitcode: contexts are not shared between threads. Round
  // robin by size balances the pieces; locals referenced across pieces
  // become hidden globals, invisible outside the .tbin.
  std::vector<std::string> bitcode;
  llvm::SplitModule(
      *module, pieces,
      [&](std::unique_ptr<llvm::Module> piece) {
        std::string bytes;
        llvm::raw_string_ostream os(bytes);
        llvm::WriteBitcodeToFile(*piece, os);
        os.flush();
        bitcode.push_back(std::move(bytes));
      },
      /*PreserveLocals=*/false, /*RoundRobin=*/true);
  module.reset();
  objects.assign(bitcode.size(), std::string());
  std::vector<std::string> errors(bitcode.size());
  std::vector<char> ok(bitcode.size(), 0);
  {
    llvm::DefaultThreadPool pool(
        llvm::hardware_concurrency(static_cast<unsigned>(bitcode.size())));
    for (std::size_t i = 0; i < bitcode.size(); ++i)
      pool.async([&, i] {
        ok[i] = compilePiece(bitcode[i], opts, objects[i], errors[i]);
      });
    pool.wait();
  }
  for (std::size_t i = 0; i < bitcode.size(); ++i)
    if (!ok[i]) {
      error = errors[i];
      return false;
    }
  return true;
}

} // namespace tessera
