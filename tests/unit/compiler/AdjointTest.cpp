// Every operator of the tgraph dialect, its VJP and JVP checked against
// central finite differences and against each other (<w, J v> both ways),
// through --tgraph-differentiate and the reference evaluator. The table
// below must name every op of the dialect: a new op without a sample (or a
// stated reason to have no derivative) fails the test.
#include "tessera/Dialect/TGraph/TGraph.h"
#include "tessera/Reference/AdjointCheck.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <set>

using namespace mlir;
using tessera::reference::Tensor;

namespace {

// How a sample's inputs are drawn (in the order of @f's arguments).
enum class Domain {
  Any,
  Positive,
  AwayFromZero,
  Index3,
  Bool,
  Contraction,
  WellConditioned
};

struct Sample {
  std::string op;   // the op it exercises ("tgraph.add")
  std::string body; // @f, in f64 unless the op is f32-only
  std::vector<Domain> domains;
  double tolerance = 1e-6; // f64; 1e-3 for f32 ops
};

std::vector<Sample> samples() {
  auto unary = [](const std::string &op, Domain d = Domain::Any) {
    return Sample{"tgraph." + op,
                  "func.func @f(%x: tensor<3x4xf64>) -> tensor<3x4xf64> {\n"
                  "  %y = tgraph." +
                      op +
                      " %x : tensor<3x4xf64>\n"
                      "  return %y : tensor<3x4xf64>\n}",
                  {d}};
  };
  auto binary = [](const std::string &op, Domain a = Domain::Any,
                   Domain b = Domain::Any) {
    // The rhs is a rank-0 scalar in one sample per op, so the broadcast
    // rule is checked too.
    return Sample{"tgraph." + op,
                  "func.func @f(%x: tensor<3x4xf64>, %y: tensor<3x4xf64>, "
                  "%s: tensor<f64>) -> tensor<3x4xf64> {\n"
                  "  %0 = tgraph." +
                      op +
                      " %x, %y : tensor<3x4xf64>, "
                      "tensor<3x4xf64> -> tensor<3x4xf64>\n"
                      "  %1 = tgraph." +
                      op +
                      " %0, %s : tensor<3x4xf64>, "
                      "tensor<f64> -> tensor<3x4xf64>\n"
                      "  return %1 : tensor<3x4xf64>\n}",
                  {a, b, b}};
  };
  std::vector<Sample> s = {
      binary("add"),
      binary("sub"),
      binary("mul"),
      binary("div", Domain::Any, Domain::AwayFromZero),
      binary("pow", Domain::Positive, Domain::Any),
      binary("max"),
      binary("min"),
      binary("rem", Domain::Any, Domain::AwayFromZero),
      {"tgraph.neg",
       "func.func @f(%x: tensor<3x4xf64>) -> tensor<3x4xf64> {\n"
       "  %y = tgraph.neg %x : tensor<3x4xf64> -> tensor<3x4xf64>\n"
       "  return %y : tensor<3x4xf64>\n}",
       {Domain::Any}},
      unary("exp"),
      unary("log", Domain::Positive),
      unary("log1p", Domain::Positive),
      unary("sqrt", Domain::Positive),
      unary("rsqrt", Domain::Positive),
      unary("sin"),
      unary("cos"),
      unary("tanh"),
      unary("sigmoid"),
      unary("gelu"),
      unary("silu"),
      unary("abs", Domain::AwayFromZero),
      unary("relu", Domain::AwayFromZero),
      unary("square"),
      {"tgraph.select",
       "func.func @f(%c: tensor<3x4xi1>, %x: tensor<3x4xf64>, %y: "
       "tensor<3x4xf64>) -> tensor<3x4xf64> {\n"
       "  %r = tgraph.select %c, %x, %y : tensor<3x4xi1>, tensor<3x4xf64>, "
       "tensor<3x4xf64> -> tensor<3x4xf64>\n"
       "  return %r : tensor<3x4xf64>\n}",
       {Domain::Bool, Domain::Any, Domain::Any}},
      {"tgraph.cast",
       "func.func @f(%x: tensor<3xf32>) -> tensor<3xf64> {\n"
       "  %y = tgraph.cast %x : tensor<3xf32> -> tensor<3xf64>\n"
       "  return %y : tensor<3xf64>\n}",
       {Domain::Any},
       1e-3},
      {"tgraph.matmul",
       "func.func @f(%a: tensor<2x4x3xf64>, %b: tensor<5x4xf64>, %c: "
       "tensor<3xf64>) -> (tensor<2x3x5xf64>, tensor<5xf64>) {\n"
       "  %0 = tgraph.matmul %a, %b {transpose_lhs = true, transpose_rhs = "
       "true} : tensor<2x4x3xf64>, tensor<5x4xf64> -> tensor<2x3x5xf64>\n"
       "  %1 = tgraph.matmul %c, %0 : tensor<3xf64>, tensor<2x3x5xf64> -> "
       "tensor<2x5xf64>\n"
       "  %2 = tgraph.reduce_sum %1 axes = [0] : tensor<2x5xf64> -> "
       "tensor<5xf64>\n"
       "  return %0, %2 : tensor<2x3x5xf64>, tensor<5xf64>\n}",
       {Domain::Any, Domain::Any, Domain::Any}},
      {"tgraph.solve",
       "func.func @f(%a: tensor<3x3xf64>, %b: tensor<3x2xf64>, %v: "
       "tensor<3xf64>, %ba: tensor<2x3x3xf64>, %bb: tensor<2x3x2xf64>, %bv: "
       "tensor<2x3xf64>) -> (tensor<3x2xf64>, tensor<3xf64>, "
       "tensor<2x3x2xf64>, tensor<2x3xf64>) {\n"
       "  %0 = tgraph.solve %a, %b : tensor<3x3xf64>, tensor<3x2xf64>\n"
       "  %1 = tgraph.solve %a, %v : tensor<3x3xf64>, tensor<3xf64>\n"
       "  %2 = tgraph.solve %ba, %bb : tensor<2x3x3xf64>, tensor<2x3x2xf64>\n"
       "  %3 = tgraph.solve %ba, %bv : tensor<2x3x3xf64>, tensor<2x3xf64>\n"
       "  return %0, %1, %2, %3 : tensor<3x2xf64>, tensor<3xf64>, "
       "tensor<2x3x2xf64>, tensor<2x3xf64>\n}",
       {Domain::WellConditioned, Domain::Any, Domain::Any,
        Domain::WellConditioned, Domain::Any, Domain::Any}},
      // The scale is a constant: attention's rules give it no derivative
      // (the rewrite only forms attention with a scale independent of the
      // inputs).
      {"tgraph.attention",
       "func.func @f(%q: tensor<2x3x4xf64>, %k: tensor<2x5x4xf64>, %v: "
       "tensor<2x5x3xf64>) -> tensor<2x3x3xf64> {\n"
       "  %c = tgraph.constant 0.7 : f64 -> tensor<f64>\n"
       "  %o = tgraph.attention %q, %k, %v scale(%c : tensor<f64>) : "
       "tensor<2x3x4xf64>, tensor<2x5x4xf64>, tensor<2x5x3xf64> -> "
       "tensor<2x3x3xf64>\n"
       "  return %o : tensor<2x3x3xf64>\n}",
       {Domain::Any, Domain::Any, Domain::Any}},
      // Every operand but the scale varies, the result included: the op's
      // value depends on it through rowsum(result_grad * result).
      {"tgraph.attention_grad",
       "func.func @f(%q: tensor<2x3x4xf64>, %k: tensor<2x5x4xf64>, %v: "
       "tensor<2x5x3xf64>, %o: tensor<2x3x3xf64>, %g: tensor<2x3x3xf64>) -> "
       "(tensor<2x3x4xf64>, tensor<2x5x4xf64>, tensor<2x5x3xf64>) {\n"
       "  %c = tgraph.constant 0.7 : f64 -> tensor<f64>\n"
       "  %dq, %dk, %dv = tgraph.attention_grad %q, %k, %v scale(%c : "
       "tensor<f64>) result(%o : tensor<2x3x3xf64>) result_grad(%g) : "
       "tensor<2x3x4xf64>, tensor<2x5x4xf64>, tensor<2x5x3xf64>\n"
       "  return %dq, %dk, %dv : tensor<2x3x4xf64>, tensor<2x5x4xf64>, "
       "tensor<2x5x3xf64>\n}",
       {Domain::Any, Domain::Any, Domain::Any, Domain::Any, Domain::Any}},
      {"tgraph.transpose",
       "func.func @f(%x: tensor<2x3x4xf64>) -> tensor<4x2x3xf64> {\n"
       "  %y = tgraph.transpose %x permutation = [2, 0, 1] : "
       "tensor<2x3x4xf64> -> tensor<4x2x3xf64>\n"
       "  return %y : tensor<4x2x3xf64>\n}",
       {Domain::Any}},
      {"tgraph.reshape",
       "func.func @f(%x: tensor<3x4xf64>) -> tensor<2x6xf64> {\n"
       "  %y = tgraph.reshape %x : tensor<3x4xf64> -> tensor<2x6xf64>\n"
       "  return %y : tensor<2x6xf64>\n}",
       {Domain::Any}},
      {"tgraph.broadcast",
       "func.func @f(%x: tensor<3x1xf64>) -> tensor<2x3x4xf64> {\n"
       "  %y = tgraph.broadcast %x : tensor<3x1xf64> -> tensor<2x3x4xf64>\n"
       "  return %y : tensor<2x3x4xf64>\n}",
       {Domain::Any}},
      {"tgraph.slice",
       "func.func @f(%x: tensor<5x6xf64>) -> tensor<2x3xf64> {\n"
       "  %y = tgraph.slice %x offsets = [1, 0] sizes = [2, 3] strides = "
       "[2, 2] : tensor<5x6xf64> -> tensor<2x3xf64>\n"
       "  return %y : tensor<2x3xf64>\n}",
       {Domain::Any}},
      {"tgraph.concat",
       "func.func @f(%x: tensor<3x2xf64>, %y: tensor<3x4xf64>) -> "
       "tensor<3x6xf64> {\n"
       "  %r = tgraph.concat %x, %y axis = 1 : tensor<3x2xf64>, "
       "tensor<3x4xf64> -> tensor<3x6xf64>\n"
       "  return %r : tensor<3x6xf64>\n}",
       {Domain::Any, Domain::Any}},
      {"tgraph.pad",
       "func.func @f(%x: tensor<3x2xf64>) -> tensor<4x5xf64> {\n"
       "  %y = tgraph.pad %x low = [1, 2] high = [0, 1] value = 1.5 : f64 : "
       "tensor<3x2xf64> -> tensor<4x5xf64>\n"
       "  return %y : tensor<4x5xf64>\n}",
       {Domain::Any}},
      {"tgraph.gather",
       "func.func @f(%t: tensor<4x3xf64>, %i: tensor<2x2xi64>) -> "
       "tensor<2x2x3xf64> {\n"
       "  %y = tgraph.gather %t, %i axis = 0 : tensor<4x3xf64>, "
       "tensor<2x2xi64> -> tensor<2x2x3xf64>\n"
       "  return %y : tensor<2x2x3xf64>\n}",
       {Domain::Any, Domain::Index3}},
      {"tgraph.scatter",
       "func.func @f(%t: tensor<4x3xf64>, %i: tensor<2xi64>, %u: "
       "tensor<2x3xf64>) -> tensor<4x3xf64> {\n"
       "  %y = tgraph.scatter %t, %i, %u axis = 0 {accumulate = true} : "
       "tensor<4x3xf64>, tensor<2xi64>, tensor<2x3xf64>\n"
       "  return %y : tensor<4x3xf64>\n}",
       {Domain::Any, Domain::Index3, Domain::Any}},
  };
  for (const char *r :
       {"reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod"})
    s.push_back(
        {std::string("tgraph.") + r,
         std::string("func.func @f(%x: tensor<3x4x2xf64>) -> "
                     "(tensor<3x1x2xf64>, tensor<f64>) {\n") +
             "  %0 = tgraph." + r +
             " %x axes = [1] {keepdims = true} : tensor<3x4x2xf64> -> "
             "tensor<3x1x2xf64>\n"
             "  %1 = tgraph." +
             r +
             " %x axes = [0, 2] : tensor<3x4x2xf64> -> tensor<4xf64>\n"
             "  %2 = tgraph." +
             r +
             " %1 axes = [0] : tensor<4xf64> -> tensor<f64>\n"
             "  return %0, %2 : tensor<3x1x2xf64>, tensor<f64>\n}",
         {std::string(r) == "reduce_prod" ? Domain::Positive : Domain::Any}});
  for (const char *n : {"softmax", "log_softmax"})
    s.push_back({std::string("tgraph.") + n,
                 std::string("func.func @f(%x: tensor<3x4xf64>) -> "
                             "(tensor<3x4xf64>, tensor<3x4xf64>) {\n") +
                     "  %0 = tgraph." + n + " %x axis = 1 : tensor<3x4xf64>\n" +
                     "  %1 = tgraph." + n + " %x axis = 0 : tensor<3x4xf64>\n" +
                     "  return %0, %1 : tensor<3x4xf64>, tensor<3x4xf64>\n}",
                 {Domain::Any}});
  s.push_back({"tgraph.layernorm",
               "func.func @f(%x: tensor<3x4xf64>, %g: tensor<4xf64>, %b: "
               "tensor<4xf64>) -> tensor<3x4xf64> {\n"
               "  %y = tgraph.layernorm %x scale(%g : tensor<4xf64>) bias(%b "
               ": tensor<4xf64>) axis = 1 epsilon = 1.0e-05 : "
               "tensor<3x4xf64>\n"
               "  return %y : tensor<3x4xf64>\n}",
               {Domain::Any, Domain::Any, Domain::Any}});
  s.push_back({"tgraph.rmsnorm",
               "func.func @f(%x: tensor<4x3xf64>, %g: tensor<4xf64>) -> "
               "tensor<4x3xf64> {\n"
               "  %y = tgraph.rmsnorm %x scale(%g : tensor<4xf64>) axis = 0 "
               "epsilon = 1.0e-05 : tensor<4x3xf64>\n"
               "  return %y : tensor<4x3xf64>\n}",
               {Domain::Any, Domain::Any}});
  s.push_back({"tgraph.cross_entropy",
               "func.func @f(%x: tensor<2x3x4xf64>, %l: tensor<2x3xi32>) -> "
               "tensor<f64> {\n"
               "  %y = tgraph.cross_entropy %x, %l : tensor<2x3x4xf64>, "
               "tensor<2x3xi32> -> tensor<f64>\n"
               "  return %y : tensor<f64>\n}",
               {Domain::Any, Domain::Index3}});
  s.push_back({"tgraph.mse",
               "func.func @f(%x: tensor<3x4xf64>, %y: tensor<3x4xf64>) -> "
               "tensor<f64> {\n"
               "  %r = tgraph.mse %x, %y : tensor<3x4xf64>, tensor<3x4xf64> "
               "-> tensor<f64>\n"
               "  return %r : tensor<f64>\n}",
               {Domain::Any, Domain::Any}});
  for (const char *f : {"fft", "ifft"})
    s.push_back({std::string("tgraph.") + f,
                 std::string("func.func @f(%x: tensor<2x5xcomplex<f32>>) -> "
                             "tensor<2x5xcomplex<f32>> {\n") +
                     "  %y = tgraph." + f +
                     " %x : tensor<2x5xcomplex<f32>>\n"
                     "  return %y : tensor<2x5xcomplex<f32>>\n}",
                 {Domain::Any},
                 1e-3});
  s.push_back({"tgraph.rfft",
               "func.func @f(%x: tensor<2x6xf32>) -> tensor<2x4xcomplex<f32>> "
               "{\n"
               "  %y = tgraph.rfft %x : tensor<2x6xf32> -> "
               "tensor<2x4xcomplex<f32>>\n"
               "  return %y : tensor<2x4xcomplex<f32>>\n}",
               {Domain::Any},
               1e-3});
  s.push_back({"tgraph.irfft",
               "func.func @f(%x: tensor<2x4xcomplex<f32>>) -> tensor<2x7xf32> "
               "{\n"
               "  %y = tgraph.irfft %x n = 7 : tensor<2x4xcomplex<f32>> -> "
               "tensor<2x7xf32>\n"
               "  return %y : tensor<2x7xf32>\n}",
               {Domain::Any},
               1e-3});
  s.push_back({"tgraph.conj",
               "func.func @f(%x: tensor<2x3xcomplex<f32>>) -> "
               "tensor<2x3xcomplex<f32>> {\n"
               "  %y = tgraph.conj %x : tensor<2x3xcomplex<f32>>\n"
               "  return %y : tensor<2x3xcomplex<f32>>\n}",
               {Domain::Any},
               1e-3});
  s.push_back({"tgraph.imag",
               "func.func @f(%x: tensor<2x3xcomplex<f32>>) -> tensor<2x3xf32> "
               "{\n"
               "  %y = tgraph.imag %x : tensor<2x3xcomplex<f32>> -> "
               "tensor<2x3xf32>\n"
               "  return %y : tensor<2x3xf32>\n}",
               {Domain::Any},
               1e-3});
  // A rank-0 imaginary part: its cotangent sums the result's.
  s.push_back({"tgraph.complex",
               "func.func @f(%x: tensor<2x3xf32>, %y: tensor<f32>) -> "
               "tensor<2x3xcomplex<f32>> {\n"
               "  %z = tgraph.complex %x, %y : tensor<2x3xf32>, tensor<f32> -> "
               "tensor<2x3xcomplex<f32>>\n"
               "  return %z : tensor<2x3xcomplex<f32>>\n}",
               {Domain::Any, Domain::Any},
               1e-3});
  s.push_back({"tgraph.fixed_point",
               "func.func @f(%a: tensor<3xf64>, %b: tensor<3xf64>) -> "
               "tensor<3xf64> {\n"
               "  %x0 = tgraph.constant 0.0 : f64 -> tensor<f64>\n"
               "  %i = tgraph.broadcast %x0 : tensor<f64> -> tensor<3xf64>\n"
               "  %r = tgraph.fixed_point %i captures(%a, %b : tensor<3xf64>, "
               "tensor<3xf64>) tol = 1.0e-14 max_iter = 500 : tensor<3xf64> "
               "{\n"
               "  ^bb0(%x: tensor<3xf64>, %c: tensor<3xf64>, %d: "
               "tensor<3xf64>):\n"
               "    %y = tgraph.cos %x : tensor<3xf64>\n"
               "    %z = tgraph.mul %y, %c : tensor<3xf64>, tensor<3xf64> -> "
               "tensor<3xf64>\n"
               "    %w = tgraph.add %z, %d : tensor<3xf64>, tensor<3xf64> -> "
               "tensor<3xf64>\n"
               "    tgraph.yield %w : tensor<3xf64>\n"
               "  }\n"
               "  return %r : tensor<3xf64>\n}",
               {Domain::Contraction, Domain::Any}});
  s.push_back({"tgraph.dropout",
               "func.func @f(%x: tensor<4x5xf64>) -> tensor<4x5xf64> {\n"
               "  %y = tgraph.dropout %x p = 3.0e-01 seed = 7 : "
               "tensor<4x5xf64>\n"
               "  return %y : tensor<4x5xf64>\n}",
               {Domain::Any}});
  return s;
}

// Ops with no derivative to check, and why.
const std::map<std::string, std::string> kNoDerivative = {
    {"tgraph.constant", "no operands"},
    {"tgraph.compare", "boolean result"},
    {"tgraph.iota", "integer result, no operands"},
    {"tgraph.random_uniform", "no tensor operands (seed and dims)"},
    {"tgraph.random_normal", "no tensor operands (seed and dims)"},
    {"tgraph.yield", "terminator of fixed_point (covered there)"},
    {"tgraph.grad", "derivative operator (replaced by the transformation)"},
    {"tgraph.vjp", "derivative operator (replaced by the transformation)"},
    {"tgraph.jvp", "derivative operator (replaced by the transformation)"},
    {"tgraph.hvp", "derivative operator (replaced by the transformation)"},
    {"tgraph.partial", "derivative operator (replaced by the transformation)"},
};

// Reshapes the random inputs to each argument's domain.
void applyDomains(std::vector<Tensor> &inputs,
                  const std::vector<Domain> &domains) {
  for (size_t i = 0; i < inputs.size() && i < domains.size(); ++i) {
    Tensor &t = inputs[i];
    for (size_t e = 0; e < t.data.size(); ++e) {
      double &v = t.data[e];
      switch (domains[i]) {
      case Domain::Positive:
        v = 0.5 + 0.75 * (v + 1);
        break;
      case Domain::AwayFromZero:
        v = v < 0 ? v - 0.5 : v + 0.5;
        break;
      case Domain::Contraction:
        v = 0.3 + 0.1 * v;
        break;
      case Domain::WellConditioned: {
        // The diagonal of each matrix of a batch.
        int64_t n = t.shape.back();
        int64_t inMatrix = static_cast<int64_t>(e) % (n * n);
        if (inMatrix % n == inMatrix / n)
          v += 4.0;
        break;
      }
      default:
        break;
      }
    }
    tessera::reference::roundInPlace(t);
  }
}

class AdjointTest : public ::testing::Test {
protected:
  void SetUp() override {
    ctx.loadDialect<tessera::tgraph::TGraphDialect, func::FuncDialect,
                    arith::ArithDialect, tensor::TensorDialect>();
  }
  MLIRContext ctx;
};

TEST_F(AdjointTest, EveryOpHasASampleOrAReason) {
  std::set<std::string> covered;
  for (const Sample &s : samples())
    covered.insert(s.op);
  for (RegisteredOperationName name : ctx.getRegisteredOperations()) {
    if (name.getDialectNamespace() != "tgraph")
      continue;
    std::string op = name.getStringRef().str();
    EXPECT_TRUE(covered.count(op) || kNoDerivative.count(op))
        << op << " has neither an adjoint sample nor a reason for none";
    EXPECT_FALSE(covered.count(op) && kNoDerivative.count(op)) << op;
  }
}

TEST_F(AdjointTest, VjpAndJvpMatchFiniteDifferences) {
  std::printf("%-22s %12s %12s %12s\n", "op", "jvp-vs-fd", "vjp-vs-fd",
              "vjp-vs-jvp");
  for (const Sample &s : samples()) {
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>("module {\n" + s.body + "\n}", &ctx);
    ASSERT_TRUE(module) << s.op << ": sample does not parse";
    auto fn = module->lookupSymbol<func::FuncOp>("f");
    std::vector<Tensor> inputs = tessera::reference::randomInputs(fn, 42);
    applyDomains(inputs, s.domains);
    auto errors = tessera::reference::checkAdjoints(*module, fn, inputs);
    ASSERT_TRUE(succeeded(errors)) << s.op << ": check failed to run";
    std::printf("%-22s %12.3e %12.3e %12.3e\n", s.op.c_str(), errors->jvp,
                errors->vjp, errors->dual);
    EXPECT_LT(errors->jvp, s.tolerance) << s.op << " JVP";
    EXPECT_LT(errors->vjp, s.tolerance) << s.op << " VJP";
    EXPECT_LT(errors->dual, s.tolerance) << s.op << " VJP vs JVP";
  }
}

} // namespace
