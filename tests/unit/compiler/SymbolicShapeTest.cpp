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

// A strided slice's extent, ceil(M / step), is a quotient rounding down. The
// expected texts follow from the definition: floor((N + 1) / 2) has no
// polynomial form; floor((2N + 3) / 2) = N + 1; floor((N - 3) / 2) =
// floor((N + 1) / 2) - 2; a quotient of a quotient is one quotient.
TEST(SymbolicQuotient, CanonicalForms) {
  using tessera::SymbolicDim;
  auto n = SymbolicDim::symbol("N");
  auto c = [](int64_t v) { return SymbolicDim::constant(v); };
  EXPECT_EQ((n + c(1)).floorDivBy(2)->str(), "(N+1)/2");
  EXPECT_EQ(n.floorDivBy(2)->str(), "N/2");
  EXPECT_EQ((c(2) * n + c(3)).floorDivBy(2)->str(), "N+1");
  EXPECT_EQ((n + c(-3)).floorDivBy(2)->str(), "(N+1)/2-2");
  EXPECT_EQ((c(-1) * n + c(6)).floorDivBy(2)->str(), "-N+N/2+3");
  auto half = (n + c(1)).floorDivBy(2);
  EXPECT_EQ((*half + c(1)).floorDivBy(2)->str(), "(N+3)/4");
  EXPECT_EQ((*half + c(1)).floorDivBy(2)->terms(),
            (n + c(3)).floorDivBy(4)->terms());
  EXPECT_EQ(c(7).floorDivBy(2)->str(), "3");
  EXPECT_EQ(c(-7).floorDivBy(2)->str(), "-4");
  EXPECT_FALSE(n.floorDivBy(0));
}

// Texts parse back to the same dims, quotients included, and a quotient
// symbol gives its numerator and divisor.
TEST(SymbolicQuotient, ParsesWhatItWrites) {
  using tessera::SymbolicDim;
  for (const char *text : {"N", "B*T+2", "-N+5", "(N+1)/2", "N/2-1",
                           "(B*T+3)/4*M", "((N+1)/2*M+1)/3"}) {
    auto d = SymbolicDim::parse(text);
    ASSERT_TRUE(d) << text;
    EXPECT_EQ(d->str(), text);
  }
  EXPECT_EQ(SymbolicDim::parse("(N-1)/2")->str(), "(N+1)/2-1");
  EXPECT_FALSE(SymbolicDim::parse("(N+1/2"));
  EXPECT_FALSE(SymbolicDim::parse("N/0"));
  EXPECT_FALSE(SymbolicDim::parse("N+"));
  auto q = SymbolicDim::quotient("(N+1)/2");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->first.str(), "N+1");
  EXPECT_EQ(q->second, 2);
  EXPECT_FALSE(SymbolicDim::quotient("N"));
}
