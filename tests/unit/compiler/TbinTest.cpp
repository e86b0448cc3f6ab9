// The backend's metadata, encoded by the compiler and decoded by the
// runtime's codec, round-trips; and a linked .tbin is what the loader needs.
#include "tessera/Backend/Tbin.h"
#include "tessera/Backend/Passes.h"
#include "tessera/Dialect/TGraph/TGraph.h"
#include "tessera/Dialect/TTile/TTile.h"
#include "tessera/tessera_rt.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

using namespace mlir;

namespace {

const char *kGraph = R"mlir(
  func.func @twice(%x: tensor<4x?xf64> {tgraph.name = "x", tgraph.shape = [4, "M"]})
      -> (tensor<4x?xf64> {tgraph.name = "y", tgraph.shape = [4, "M"]})
      attributes {tgraph.entry, tgraph.dims = ["M"]} {
    %0 = tgraph.add %x, %x : tensor<4x?xf64>, tensor<4x?xf64> -> tensor<4x?xf64>
    return %0 : tensor<4x?xf64>
  })mlir";

const char *kTile = R"mlir(
  ttile.kernel @twice_k0 attributes {kind = "elementwise", num_inputs = 1 : i64, tile = 64 : i64, vector = 4 : i64} {
  ^bb0(%in: memref<?xf64>, %out: memref<?xf64>, %off: index, %n: index):
    %v = ttile.load %in[%off] bound %n : memref<?xf64> -> vector<4xf64>
    %d = arith.addf %v, %v : vector<4xf64>
    ttile.store %d, %out[%off] bound %n : vector<4xf64>, memref<?xf64>
  }
  func.func @twice(%x: memref<?xf64>, %y: memref<?xf64>, %m: index) attributes {tgraph.entry} {
    %c4 = arith.constant 4 : index
    %n = arith.muli %c4, %m : index
    ttile.launch @twice_k0(%x, %y) elements %n : memref<?xf64>, memref<?xf64>
    return
  })mlir";

struct Backend : ::testing::Test {
  Backend() {
    ctx.loadDialect<tessera::tgraph::TGraphDialect,
                    tessera::ttile::TTileDialect, func::FuncDialect,
                    arith::ArithDialect, memref::MemRefDialect,
                    LLVM::LLVMDialect>();
  }
  MLIRContext ctx;
};

} // namespace

TEST_F(Backend, ModuleMetaRoundTripsThroughTheRuntimeCodec) {
  auto m = parseSourceString<ModuleOp>(kGraph, &ctx);
  ASSERT_TRUE(m);
  tessera::tbin::ModuleMeta meta = tessera::collectModuleMeta(*m, "demo");
  std::vector<uint8_t> bytes = tessera::tbin::encode(meta);
  tessera::tbin::ModuleMeta back;
  std::string error;
  ASSERT_TRUE(tessera::tbin::decode(bytes.data(), bytes.size(), back, error))
      << error;
  ASSERT_EQ(back.entries.size(), 1u);
  const auto &e = back.entries[0];
  EXPECT_EQ(e.name, "twice");
  EXPECT_EQ(e.symbol, "tessera_entry_twice");
  EXPECT_EQ(e.dimSymbols, std::vector<std::string>{"M"});
  ASSERT_EQ(e.inputs.size(), 1u);
  EXPECT_EQ(tessera::tbin::formatSignature(e.inputs[0]), "f64[4, M]");
  EXPECT_EQ(e.outputs[0].name, "y");
}

TEST_F(Backend, LinkedTbinLoadsAndRuns) {
  auto graph = parseSourceString<ModuleOp>(kGraph, &ctx);
  auto tile = parseSourceString<ModuleOp>(kTile, &ctx);
  ASSERT_TRUE(graph && tile);
  tessera::tbin::ModuleMeta meta = tessera::collectModuleMeta(*graph, "demo");
  tessera::tbin::OpsTable ops =
      tessera::collectOpsTable(*tile, /*cpu=*/true, /*cuda=*/false);
  ASSERT_EQ(ops.kernels.size(), 1u);
  EXPECT_EQ(ops.kernels[0].entry, "twice");
  EXPECT_EQ(ops.kernels[0].numArgs, 2u);

  PassManager pm(&ctx);
  pm.addPass(tessera::createConvertTTileToLLVM());
  ASSERT_TRUE(succeeded(pm.run(*tile)));
  llvm::LLVMContext llvmCtx;
  std::string error, object;
  tessera::CodegenOptions opts;
  auto llvmModule = tessera::translateToLLVMIR(*tile, llvmCtx, meta, ops,
                                               nullptr, opts, error);
  ASSERT_TRUE(llvmModule) << error;
  ASSERT_TRUE(tessera::emitMachineCode(*llvmModule, opts, false, object, error))
      << error;
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("twice", "tbin", path));
  ASSERT_TRUE(tessera::linkTbin({object}, path.str().str(), error)) << error;

  tessera_context_t ctxRt = nullptr;
  tessera_module_t mod = nullptr;
  tessera_function_t fn = nullptr;
  ASSERT_EQ(tessera_context_create("cpu", 2, &ctxRt), TESSERA_OK);
  ASSERT_EQ(tessera_module_load(ctxRt, path.c_str(), &mod), TESSERA_OK)
      << tessera_last_error();
  ASSERT_EQ(tessera_function_lookup(mod, "twice", &fn), TESSERA_OK);
  std::vector<double> x(4 * 33), y(4 * 33, -1);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = 0.25 * static_cast<double>(i) - 7;
  int64_t shape[2] = {4, 33};
  tessera_tensor_t in{x.data(), TESSERA_DTYPE_F64, 2, shape};
  tessera_tensor_t out{y.data(), TESSERA_DTYPE_F64, 2, shape};
  ASSERT_EQ(tessera_invoke(fn, nullptr, &in, 1, &out, 1), TESSERA_OK)
      << tessera_last_error();
  for (size_t i = 0; i < x.size(); ++i)
    EXPECT_EQ(y[i], x[i] + x[i]) << i;
  tessera_module_unload(mod);
  tessera_context_destroy(ctxRt);
  llvm::sys::fs::remove(path);
}

// A .tbin leaves nothing for the loader to bind (the runtime passes in all
// an entry calls): code that calls libm's sinf, or malloc as entries once
// did, is refused at link time, naming the symbol.
TEST_F(Backend, LinkRefusesUndefinedSymbols) {
  const std::pair<const char *, const char *> cases[] = {{R"mlir(
    llvm.func @sinf(f32) -> f32
    llvm.func @f(%x: f32) -> f32 {
      %y = llvm.call @sinf(%x) : (f32) -> f32
      llvm.return %y : f32
    })mlir",
                                                          "sinf"},
                                                         {R"mlir(
    llvm.func @malloc(i64) -> !llvm.ptr
    llvm.func @f(%n: i64) -> !llvm.ptr {
      %p = llvm.call @malloc(%n) : (i64) -> !llvm.ptr
      llvm.return %p : !llvm.ptr
    })mlir",
                                                          "malloc"}};
  for (auto [source, symbol] : cases) {
    auto m = parseSourceString<ModuleOp>(source, &ctx);
    ASSERT_TRUE(m);
    llvm::LLVMContext llvmCtx;
    std::string error, object;
    tessera::CodegenOptions opts;
    auto llvmModule =
        tessera::translateToLLVMIR(*m, llvmCtx, {}, {}, nullptr, opts, error);
    ASSERT_TRUE(llvmModule) << error;
    ASSERT_TRUE(
        tessera::emitMachineCode(*llvmModule, opts, false, object, error))
        << error;
    llvm::SmallString<128> path;
    ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("undefined", "tbin", path));
    llvm::sys::fs::remove(path);
    EXPECT_FALSE(tessera::linkTbin({object}, path.str().str(), error));
    EXPECT_EQ(error,
              std::string("linking failed: undefined symbol '") + symbol + "'");
    EXPECT_FALSE(llvm::sys::fs::exists(path));
  }
}
