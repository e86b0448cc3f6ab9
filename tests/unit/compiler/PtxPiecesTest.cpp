// The GPU kernels cut into runs compiled apart, and their PTX joined
// (backend/lib/cuda/PtxPieces.h).
#include "cuda/PtxPieces.h"

#include "llvm/AsmParser/Parser.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <gtest/gtest.h>

namespace {

// `n` kernels k0 ... k(n-1), each storing through its own shared global;
// kernel i calls @helper where `sharedHelper` holds (kernels 0 and n-1).
std::string kernels(int n, bool sharedHelper) {
  std::string ir = "define internal void @helper(ptr %p) {\n"
                   "  store float 1.0, ptr %p\n  ret void\n}\n";
  for (int i = 0; i < n; ++i) {
    std::string k = std::to_string(i);
    ir += "@s" + k + " = internal addrspace(3) global [4 x float] undef\n";
    ir += "define void @k" + k + "(ptr %p) {\n";
    ir += "  store float 0.0, ptr addrspace(3) @s" + k + "\n";
    if (sharedHelper && (i == 0 || i == n - 1))
      ir += "  call void @helper(ptr %p)\n";
    ir += "  ret void\n}\n";
  }
  return ir;
}

std::unique_ptr<llvm::Module> parse(const std::string &ir,
                                    llvm::LLVMContext &ctx) {
  llvm::SMDiagnostic diag;
  auto m = llvm::parseAssemblyString(ir, diag, ctx);
  EXPECT_TRUE(m) << diag.getMessage().str();
  return m;
}

// The names of the functions a piece defines, in order.
std::vector<std::string> defined(const std::string &bitcode,
                                 llvm::LLVMContext &ctx) {
  auto m = llvm::parseBitcodeFile(llvm::MemoryBufferRef(bitcode, "piece"), ctx);
  EXPECT_TRUE(static_cast<bool>(m));
  std::vector<std::string> names;
  for (llvm::Function &f : **m)
    if (!f.isDeclaration())
      names.push_back(f.getName().str());
  return names;
}

TEST(PtxPieces, RunsOfConsecutiveKernelsWithWhatTheyRead) {
  llvm::LLVMContext ctx;
  auto m = parse(kernels(17, /*sharedHelper=*/false), ctx);
  // 17 kernels: two runs (a run for every 8 kernels, at most `count`).
  std::vector<std::string> pieces = tessera::splitKernels(*m, 4);
  ASSERT_EQ(pieces.size(), 2u);
  std::vector<std::string> first = defined(pieces[0], ctx);
  std::vector<std::string> second = defined(pieces[1], ctx);
  // Kernels [0, 17/2] and the rest, in order; the unused helper with the
  // first run.
  std::vector<std::string> want0{"helper"}, want1;
  for (int i = 0; i < 17; ++i)
    (i * 2 / 17 == 0 ? want0 : want1).push_back("k" + std::to_string(i));
  EXPECT_EQ(first, want0);
  EXPECT_EQ(second, want1);
  // Each run defines its kernels' shared memory and nothing else.
  auto firstModule =
      llvm::parseBitcodeFile(llvm::MemoryBufferRef(pieces[0], "p"), ctx);
  ASSERT_TRUE(static_cast<bool>(firstModule));
  EXPECT_TRUE((*firstModule)->getNamedGlobal("s0"));
  EXPECT_FALSE((*firstModule)->getNamedGlobal("s16"));
  EXPECT_TRUE(tessera::splitKernels(*m, 1).empty());
}

TEST(PtxPieces, NoRunsWhenFewKernelsOrSharedDefinitions) {
  llvm::LLVMContext ctx;
  EXPECT_TRUE(
      tessera::splitKernels(*parse(kernels(15, false), ctx), 4).empty());
  // The helper read from both runs would be defined twice.
  EXPECT_TRUE(tessera::splitKernels(*parse(kernels(32, true), ctx), 4).empty());
}

TEST(PtxPieces, JoinKeepsOneHeader) {
  std::string header = "//\n// Generated\n//\n\n.version 8.0\n.target "
                       "sm_90a\n.address_size 64\n";
  EXPECT_EQ(tessera::joinPTX({header + "\n.entry a()\n{\n}\n",
                              header + "\n.entry b()\n{\n}\n"}),
            header + "\n.entry a()\n{\n}\n\n.entry b()\n{\n}\n");
  // Pieces for different targets do not join.
  std::string other = "//\n// Generated\n//\n\n.version 8.0\n.target "
                      "sm_80\n.address_size 64\n";
  EXPECT_EQ(tessera::joinPTX({header + ".entry a()\n", other}), "");
  EXPECT_EQ(tessera::joinPTX({"no header"}), "");
}

} // namespace
