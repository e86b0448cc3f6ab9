#include "tessera/Conversion/SymbolicShape.h"
#include "tessera/Dialect/TGraph/TGraph.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;

namespace {

struct Fixture : ::testing::Test {
  Fixture() {
    ctx.loadDialect<tessera::tgraph::TGraphDialect, func::FuncDialect>();
  }
  OwningOpRef<ModuleOp> parse(const char *text) {
    return parseSourceString<ModuleOp>(text, &ctx);
  }
  MLIRContext ctx;
};

std::string str(Attribute a) {
  std::string s;
  llvm::raw_string_ostream os(s);
  a.print(os);
  return s;
}

} // namespace

TEST_F(Fixture, FollowsElementwiseChainsToArguments) {
  auto m = parse(R"mlir(
    func.func @f(%a: tensor<3x?xf32> {tgraph.shape = [3, "N"]}) -> tensor<3x?xf32> {
      %c = tgraph.constant 1.0 : f32 -> tensor<f32>
      %0 = tgraph.mul %c, %a : tensor<f32>, tensor<3x?xf32> -> tensor<3x?xf32>
      %1 = tgraph.neg %0 : tensor<3x?xf32> -> tensor<3x?xf32>
      return %1 : tensor<3x?xf32>
    })mlir");
  ASSERT_TRUE(m);
  auto fn = *m->getOps<func::FuncOp>().begin();
  Value result = fn.getBody().front().getTerminator()->getOperand(0);
  EXPECT_EQ(str(tessera::symbolicShape(result)), "[3, \"N\"]");
  Value constant = fn.getBody().front().front().getResult(0);
  EXPECT_EQ(str(tessera::symbolicShape(constant)), "[]");
}

TEST_F(Fixture, MissingShapeAttributeGivesNull) {
  auto m = parse(R"mlir(
    func.func @f(%a: tensor<?xf32>) -> tensor<?xf32> { return %a : tensor<?xf32> })mlir");
  ASSERT_TRUE(m);
  auto fn = *m->getOps<func::FuncOp>().begin();
  EXPECT_FALSE(tessera::symbolicShape(fn.getArgument(0)));
}
