// The reference evaluator of Graph IR: each test parses a small function,
// evaluates it and compares with values computed independently here (closed
// forms, hand-computed cases, or the defining formula written out again).
#include "tessera/Dialect/TGraph/TGraph.h"
#include "tessera/Reference/Evaluator.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numeric>

using namespace mlir;
using tessera::reference::Options;
using tessera::reference::Tensor;

namespace {

struct Reference : ::testing::Test {
  Reference() : b(&ctx) {
    ctx.loadDialect<tessera::tgraph::TGraphDialect, func::FuncDialect,
                    arith::ArithDialect, tensor::TensorDialect,
                    ml_program::MLProgramDialect, complex::ComplexDialect>();
  }

  // Evaluates @f of `source`; failure leaves the diagnostic in `error`.
  FailureOr<std::vector<Tensor>> eval(const char *source,
                                      std::vector<Tensor> args,
                                      const Options &options = {}) {
    error.clear();
    ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
      if (error.empty())
        error = d.str();
      return success();
    });
    module = parseSourceString<ModuleOp>(source, &ctx);
    if (!module)
      return failure();
    auto fn = module->lookupSymbol<func::FuncOp>("f");
    if (!fn) {
      error = "no @f";
      return failure();
    }
    return tessera::reference::evaluate(fn, args, options);
  }

  // The results of a successful evaluation.
  std::vector<Tensor> run(const char *source, std::vector<Tensor> args,
                          const Options &options = {}) {
    FailureOr<std::vector<Tensor>> r = eval(source, std::move(args), options);
    EXPECT_TRUE(succeeded(r)) << error;
    return succeeded(r) ? *r : std::vector<Tensor>{};
  }

  // The message of a failed evaluation.
  std::string fails(const char *source, std::vector<Tensor> args,
                    const Options &options = {}) {
    FailureOr<std::vector<Tensor>> r = eval(source, std::move(args), options);
    EXPECT_TRUE(failed(r));
    return error;
  }

  Tensor t(Type e, std::vector<int64_t> shape, std::vector<double> data) {
    return Tensor(e, std::move(shape), std::move(data));
  }
  Type f32() { return b.getF32Type(); }
  Type f64() { return b.getF64Type(); }
  Type i64() { return b.getI64Type(); }
  Type c64() { return ComplexType::get(b.getF32Type()); }

  MLIRContext ctx;
  Builder b;
  OwningOpRef<ModuleOp> module;
  std::string error;
};

void expectNear(const std::vector<double> &got, const std::vector<double> &want,
                double tol = 1e-12) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], want[i], tol) << "element " << i;
}

} // namespace

//===----------------------------------------------------------------------===//
// Numeric model: f64 compute, rounding per op
//===----------------------------------------------------------------------===//

TEST_F(Reference, SkeletonRoundsLikeF32Storage) {
  const char *src = R"mlir(
    func.func @f(%a: tensor<?xf32> {tgraph.name = "a", tgraph.shape = ["N"]},
                 %b: tensor<?xf32> {tgraph.name = "b", tgraph.shape = ["N"]}) -> tensor<?xf32> {
      %0 = tgraph.mul %a, %b : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
      %1 = tgraph.add %0, %a : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
      return %1 : tensor<?xf32>
    })mlir";
  std::vector<float> a = {0.1f, 3.0f, -7.25f, 16777216.0f};
  std::vector<float> bb = {0.3f, 1.0f / 3.0f, 2.5f, 1.0f};
  std::vector<double> ad(a.begin(), a.end()), bd(bb.begin(), bb.end());
  auto r = run(src, {t(f32(), {4}, ad), t(f32(), {4}, bd)});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].shape, (std::vector<int64_t>{4}));
  for (int i = 0; i < 4; ++i) {
    float want = a[i] * bb[i];
    want = want + a[i];
    EXPECT_EQ(r[0].data[i], static_cast<double>(want)) << i;
  }
  // 2^24 + 2^24 * 1 is exact, but 2^24 + 1 is not: f32 storage drops the 1.
  EXPECT_EQ(r[0].data[3], 33554432.0);
}

TEST_F(Reference, F32AndF64Differ) {
  const char *f32src = R"mlir(
    func.func @f(%x: tensor<f32>) -> tensor<f32> {
      %c = tgraph.constant 1.0e-08 : f32 -> tensor<f32>
      %0 = tgraph.add %x, %c : tensor<f32>, tensor<f32> -> tensor<f32>
      return %0 : tensor<f32>
    })mlir";
  EXPECT_EQ(run(f32src, {t(f32(), {}, {1.0})})[0].data[0], 1.0);
  const char *f64src = R"mlir(
    func.func @f(%x: tensor<f64>) -> tensor<f64> {
      %c = tgraph.constant 1.0e-08 : f64 -> tensor<f64>
      %0 = tgraph.add %x, %c : tensor<f64>, tensor<f64> -> tensor<f64>
      return %0 : tensor<f64>
    })mlir";
  EXPECT_EQ(run(f64src, {t(f64(), {}, {1.0})})[0].data[0], 1.0 + 1e-8);
}

TEST_F(Reference, HalfFormatsRoundToNearestEven) {
  const char *src = R"mlir(
    func.func @f(%x: tensor<4xf64>) -> (tensor<4xbf16>, tensor<4xf16>) {
      %0 = tgraph.cast %x : tensor<4xf64> -> tensor<4xbf16>
      %1 = tgraph.cast %x : tensor<4xf64> -> tensor<4xf16>
      return %0, %1 : tensor<4xbf16>, tensor<4xf16>
    })mlir";
  // bf16 has 8 significant bits (ulp 2^-7 at 1), f16 11 (ulp 2^-10).
  double u = std::ldexp(1.0, -8);
  auto r = run(src, {t(f64(), {4}, {1 + u, 1 + 3 * u, 1 + 1.5 * u, 70000})});
  expectNear(r[0].data, {1.0, 1 + 4 * u, 1 + 2 * u, 70144}, 0);
  double h = std::ldexp(1.0, -11);
  auto s = run(src, {t(f64(), {4}, {1 + h, 1 + 3 * h, 1 + u, 70000})});
  EXPECT_EQ(s[1].data[0], 1.0);
  EXPECT_EQ(s[1].data[1], 1 + 4 * h);
  EXPECT_EQ(s[1].data[2], 1 + u);
  EXPECT_TRUE(std::isinf(s[1].data[3])); // past f16's largest finite, 65504
}

TEST_F(Reference, IntegersWrapAndDivideTruncating) {
  const char *src = R"mlir(
    func.func @f(%a: tensor<3xi8>, %b: tensor<3xi8>) -> (tensor<3xi8>, tensor<3xi8>, tensor<3xi8>) {
      %0 = tgraph.add %a, %b : tensor<3xi8>, tensor<3xi8> -> tensor<3xi8>
      %1 = tgraph.div %a, %b : tensor<3xi8>, tensor<3xi8> -> tensor<3xi8>
      %2 = tgraph.neg %a : tensor<3xi8> -> tensor<3xi8>
      return %0, %1, %2 : tensor<3xi8>, tensor<3xi8>, tensor<3xi8>
    })mlir";
  Type i8 = b.getIntegerType(8);
  auto r = run(src, {t(i8, {3}, {100, -7, -128}), t(i8, {3}, {100, 2, -1})});
  expectNear(r[0].data, {-56, -5, 127}, 0);
  expectNear(r[1].data, {1, -3, -128}, 0);
  expectNear(r[2].data, {-100, 7, -128}, 0);
  // Division by zero is defined: 0 (and x % 0 is x).
  auto z = run(src, {t(i8, {3}, {1, 2, 3}), t(i8, {3}, {1, 0, 1})});
  expectNear(z[1].data, {1, 0, 3}, 0);
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

TEST_F(Reference, UnaryMathMatchesDefinitions) {
  const char *src = R"mlir(
    func.func @f(%x: tensor<5xf64>) -> (tensor<5xf64>, tensor<5xf64>, tensor<5xf64>, tensor<5xf64>, tensor<5xf64>, tensor<5xf64>) {
      %0 = tgraph.gelu %x : tensor<5xf64>
      %1 = tgraph.sigmoid %x : tensor<5xf64>
      %2 = tgraph.silu %x : tensor<5xf64>
      %3 = tgraph.rsqrt %x : tensor<5xf64>
      %4 = tgraph.relu %x : tensor<5xf64>
      %5 = tgraph.log1p %x : tensor<5xf64>
      return %0, %1, %2, %3, %4, %5 : tensor<5xf64>, tensor<5xf64>, tensor<5xf64>, tensor<5xf64>, tensor<5xf64>, tensor<5xf64>
    })mlir";
  std::vector<double> x = {-2, -0.5, 0.25, 1, 3};
  auto r = run(src, {t(f64(), {5}, x)});
  for (int i = 0; i < 5; ++i) {
    double v = x[i], phi = 0.5 * std::erfc(-v / std::sqrt(2.0));
    EXPECT_NEAR(r[0].data[i], v * phi, 1e-15);
    EXPECT_NEAR(r[1].data[i], 1 / (1 + std::exp(-v)), 1e-15);
    EXPECT_NEAR(r[2].data[i], v / (1 + std::exp(-v)), 1e-15);
    EXPECT_NEAR(r[4].data[i], v > 0 ? v : 0, 0);
    if (v > -1)
      EXPECT_NEAR(r[5].data[i], std::log(1 + v), 1e-15);
  }
  EXPECT_TRUE(std::isnan(r[3].data[0]));
  EXPECT_EQ(r[3].data[3], 1.0);
  EXPECT_NEAR(r[3].data[2], 2.0, 1e-15);
}

TEST_F(Reference, CompareSelectAndNaN) {
  const char *src = R"mlir(
    func.func @f(%a: tensor<3xf32>, %b: tensor<f32>) -> (tensor<3xi1>, tensor<3xi1>, tensor<3xf32>, tensor<3xf32>) {
      %lt = tgraph.compare lt, %a, %b : tensor<3xf32>, tensor<f32> -> tensor<3xi1>
      %ne = tgraph.compare ne, %a, %b : tensor<3xf32>, tensor<f32> -> tensor<3xi1>
      %s = tgraph.select %lt, %a, %b : tensor<3xi1>, tensor<3xf32>, tensor<f32> -> tensor<3xf32>
      %m = tgraph.max %a, %b : tensor<3xf32>, tensor<f32> -> tensor<3xf32>
      return %lt, %ne, %s, %m : tensor<3xi1>, tensor<3xi1>, tensor<3xf32>, tensor<3xf32>
    })mlir";
  double nan = std::nan("");
  auto r = run(src, {t(f32(), {3}, {1, nan, 5}), t(f32(), {}, {2})});
  expectNear(r[0].data, {1, 0, 0}, 0);
  expectNear(r[1].data, {1, 1, 1}, 0);
  EXPECT_EQ(r[2].data[0], 1);
  EXPECT_EQ(r[2].data[1], 2); // NaN < 2 is false: the false value
  EXPECT_EQ(r[2].data[2], 2);
  EXPECT_EQ(r[3].data[0], 2);
  EXPECT_TRUE(std::isnan(r[3].data[1])); // max keeps NaN
  EXPECT_EQ(r[3].data[2], 5);
}

TEST_F(Reference, CastTruncatesAndSaturates) {
  const char *src = R"mlir(
    func.func @f(%x: tensor<5xf32>) -> (tensor<5xi8>, tensor<5xi1>) {
      %0 = tgraph.cast %x : tensor<5xf32> -> tensor<5xi8>
      %1 = tgraph.cast %x : tensor<5xf32> -> tensor<5xi1>
      return %0, %1 : tensor<5xi8>, tensor<5xi1>
    })mlir";
  auto r = run(src, {t(f32(), {5}, {2.9, -2.9, 300, -300, 0})});
  expectNear(r[0].data, {2, -2, 127, -128, 0}, 0);
  expectNear(r[1].data, {1, 1, 1, 1, 0}, 0);
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

TEST_F(Reference, Matmul2x3By3x2) {
  const char *src = R"mlir(
    func.func @f(%a: tensor<2x3xf64>, %b: tensor<3x2xf64>, %bt: tensor<2x3xf64>) -> (tensor<2x2xf64>, tensor<2x2xf64>, tensor<3x3xf64>) {
      %0 = tgraph.matmul %a, %b : tensor<2x3xf64>, tensor<3x2xf64> -> tensor<2x2xf64>
      %1 = tgraph.matmul %a, %bt {transpose_rhs = true} : tensor<2x3xf64>, tensor<2x3xf64> -> tensor<2x2xf64>
      %2 = tgraph.matmul %a, %a {transpose_lhs = true} : tensor<2x3xf64>, tensor<2x3xf64> -> tensor<3x3xf64>
      return %0, %1, %2 : tensor<2x2xf64>, tensor<2x2xf64>, tensor<3x3xf64>
    })mlir";
  auto r = run(src, {t(f64(), {2, 3}, {1, 2, 3, 4, 5, 6}),
                     t(f64(), {3, 2}, {7, 8, 9, 10, 11, 12}),
                     t(f64(), {2, 3}, {7, 9, 11, 8, 10, 12})});
  expectNear(r[0].data, {58, 64, 139, 154}, 0);
  expectNear(r[1].data, {58, 64, 139, 154}, 0);
  // A^T A for A = [[1,2,3],[4,5,6]].
  expectNear(r[2].data, {17, 22, 27, 22, 29, 36, 27, 36, 45}, 0);
}

TEST_F(Reference, MatmulBroadcastsBatchesAndVectors) {
  const char *src = R"mlir(
    func.func @f(%a: tensor<2x1x2x3xf64>, %b: tensor<4x3x2xf64>, %v: tensor<3xf64>) -> (tensor<2x4x2x2xf64>, tensor<2x1x2xf64>, tensor<4x2xf64>) {
      %0 = tgraph.matmul %a, %b : tensor<2x1x2x3xf64>, tensor<4x3x2xf64> -> tensor<2x4x2x2xf64>
      %1 = tgraph.matmul %a, %v : tensor<2x1x2x3xf64>, tensor<3xf64> -> tensor<2x1x2xf64>
      %2 = tgraph.matmul %v, %b : tensor<3xf64>, tensor<4x3x2xf64> -> tensor<4x2xf64>
      return %0, %1, %2 : tensor<2x4x2x2xf64>, tensor<2x1x2xf64>, tensor<4x2xf64>
    })mlir";
  std::vector<double> a(12), bb(24), v = {1, -1, 2};
  std::iota(a.begin(), a.end(), 1.0);
  std::iota(bb.begin(), bb.end(), -5.0);
  auto r = run(src, {t(f64(), {2, 1, 2, 3}, a), t(f64(), {4, 3, 2}, bb),
                     t(f64(), {3}, v)});
  ASSERT_EQ(r[0].shape, (std::vector<int64_t>{2, 4, 2, 2}));
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 4; ++j)
      for (int m = 0; m < 2; ++m)
        for (int n = 0; n < 2; ++n) {
          double s = 0;
          for (int k = 0; k < 3; ++k)
            s += a[i * 6 + m * 3 + k] * bb[j * 6 + k * 2 + n];
          EXPECT_EQ(r[0].data[((i * 4 + j) * 2 + m) * 2 + n], s);
        }
  for (int i = 0; i < 2; ++i)
    for (int m = 0; m < 2; ++m)
      EXPECT_EQ(r[1].data[i * 2 + m], a[i * 6 + m * 3] - a[i * 6 + m * 3 + 1] +
                                          2 * a[i * 6 + m * 3 + 2]);
  for (int j = 0; j < 4; ++j)
    for (int n = 0; n < 2; ++n)
      EXPECT_EQ(r[2].data[j * 2 + n],
                bb[j * 6 + n] - bb[j * 6 + 2 + n] + 2 * bb[j * 6 + 4 + n]);
}

TEST_F(Reference, SolveMultipliesBack) {
  const char *src = R"mlir(
    func.func @f(%a: tensor<?x?xf64>, %b: tensor<?x2xf64>) -> tensor<?x2xf64> {
      %0 = tgraph.solve %a, %b : tensor<?x?xf64>, tensor<?x2xf64>
      return %0 : tensor<?x2xf64>
    })mlir";
  // Needs pivoting: the first pivot is 0.
  std::vector<double> a = {0, 2, 1, 1, -1, 3, 4, 1, -2};
  std::vector<double> rhs = {3, 1, 5, -2, 0, 7};
  auto r = run(src, {t(f64(), {3, 3}, a), t(f64(), {3, 2}, rhs)});
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 2; ++j) {
      double s = 0;
      for (int k = 0; k < 3; ++k)
        s += a[i * 3 + k] * r[0].data[k * 2 + j];
      EXPECT_NEAR(s, rhs[i * 2 + j], 1e-12);
    }
  EXPECT_NE(fails(src, {t(f64(), {2, 2}, {1, 2, 2, 4}),
                        t(f64(), {2, 2}, {1, 1, 1, 1})})
                .find("matrix is singular"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// Layout
//===----------------------------------------------------------------------===//

TEST_F(Reference, TransposeReshapeBroadcastIota) {
  const char *src = R"mlir(
    func.func @f(%x: tensor<?x3xf64> {tgraph.shape = ["N", 3]}, %r: tensor<3xf64>) -> (tensor<3x?xf64>, tensor<?xf64>, tensor<?x2x3xf64>, tensor<?x1x3xf64>, tensor<?x3xi64>, tensor<?x3xi32>) {
      %0 = tgraph.transpose %x permutation = [1, 0] : tensor<?x3xf64> -> tensor<3x?xf64>
      %1 = tgraph.reshape %x : tensor<?x3xf64> -> tensor<?xf64>
      %c0 = arith.constant 0 : index
      %n = tensor.dim %x, %c0 : tensor<?x3xf64>
      %2 = tgraph.broadcast %r dims(%n) : tensor<3xf64> -> tensor<?x2x3xf64>
      %3 = tgraph.reshape %x dims(%n) : tensor<?x3xf64> -> tensor<?x1x3xf64>
      %4 = tgraph.iota axis = 1 dims(%n) : tensor<?x3xi64>
      %5 = tgraph.iota axis = 0 dims(%n) : tensor<?x3xi32>
      return %0, %1, %2, %3, %4, %5 : tensor<3x?xf64>, tensor<?xf64>, tensor<?x2x3xf64>, tensor<?x1x3xf64>, tensor<?x3xi64>, tensor<?x3xi32>
    })mlir";
  auto r = run(
      src, {t(f64(), {2, 3}, {1, 2, 3, 4, 5, 6}), t(f64(), {3}, {7, 8, 9})});
  EXPECT_EQ(r[0].shape, (std::vector<int64_t>{3, 2}));
  expectNear(r[0].data, {1, 4, 2, 5, 3, 6}, 0);
  EXPECT_EQ(r[1].shape, (std::vector<int64_t>{6}));
  expectNear(r[1].data, {1, 2, 3, 4, 5, 6}, 0);
  EXPECT_EQ(r[2].shape, (std::vector<int64_t>{2, 2, 3}));
  expectNear(r[2].data, {7, 8, 9, 7, 8, 9, 7, 8, 9, 7, 8, 9}, 0);
  EXPECT_EQ(r[3].shape, (std::vector<int64_t>{2, 1, 3}));
  expectNear(r[3].data, {1, 2, 3, 4, 5, 6}, 0);
  expectNear(r[4].data, {0, 1, 2, 0, 1, 2}, 0);
  expectNear(r[5].data, {0, 0, 0, 1, 1, 1}, 0);
}

TEST_F(Reference, BroadcastAndReshapeCheckRuntimeShapes) {
  const char *reshape = R"mlir(
    func.func @f(%x: tensor<?xf64>) -> tensor<?x4xf64> {
      %0 = tgraph.reshape %x : tensor<?xf64> -> tensor<?x4xf64>
      return %0 : tensor<?x4xf64>
    })mlir";
  EXPECT_EQ(fails(reshape, {t(f64(), {6}, {1, 2, 3, 4, 5, 6})}),
            "cannot reshape [6] (6 elements) to 'tensor<?x4xf64>'");
  const char *broadcast = R"mlir(
    func.func @f(%x: tensor<?xf64>) -> tensor<?x3xf64> {
      %c1 = arith.constant 1 : index
      %0 = tgraph.broadcast %x dims(%c1) : tensor<?xf64> -> tensor<?x3xf64>
      return %0 : tensor<?x3xf64>
    })mlir";
  EXPECT_EQ(fails(broadcast, {t(f64(), {2}, {1, 2})}),
            "cannot broadcast [2] to [1, 3]");
}

TEST_F(Reference, SliceConcatPad) {
  const char *src = R"mlir(
    func.func @f(%x: tensor<3x4xf64>, %y: tensor<1x4xf64>) -> (tensor<2x2xf64>, tensor<4x4xf64>, tensor<4x5xf64>) {
      %0 = tgraph.slice %x offsets = [0, 1] sizes = [2, 2] strides = [2, 2] : tensor<3x4xf64> -> tensor<2x2xf64>
      %1 = tgraph.concat %y, %x axis = 0 : tensor<1x4xf64>, tensor<3x4xf64> -> tensor<4x4xf64>
      %2 = tgraph.pad %0 low = [1, 2] high = [1, 1] value = -1.0 : f64 : tensor<2x2xf64> -> tensor<4x5xf64>
      return %0, %1, %2 : tensor<2x2xf64>, tensor<4x4xf64>, tensor<4x5xf64>
    })mlir";
  std::vector<double> x(12);
  std::iota(x.begin(), x.end(), 0.0);
  auto r = run(src, {t(f64(), {3, 4}, x), t(f64(), {1, 4}, {9, 9, 9, 9})});
  expectNear(r[0].data, {1, 3, 9, 11}, 0);
  expectNear(r[1].data, {9, 9, 9, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 0);
  expectNear(r[2].data, {-1, -1, -1, -1, -1, //
                         -1, -1, 1,  3,  -1, //
                         -1, -1, 9,  11, -1, //
                         -1, -1, -1, -1, -1},
             0);
}

TEST_F(Reference, GatherClampsAndScatterOrders) {
  const char *src = R"mlir(
    func.func @f(%x: tensor<2x3xf64>, %i: tensor<4xi64>, %u: tensor<2x4xf64>) -> (tensor<2x4xf64>, tensor<2x3xf64>, tensor<2x3xf64>) {
      %0 = tgraph.gather %x, %i axis = 1 : tensor<2x3xf64>, tensor<4xi64> -> tensor<2x4xf64>
      %1 = tgraph.scatter %x, %i, %u axis = 1 : tensor<2x3xf64>, tensor<4xi64>, tensor<2x4xf64>
      %2 = tgraph.scatter %x, %i, %u axis = 1 {accumulate = true} : tensor<2x3xf64>, tensor<4xi64>, tensor<2x4xf64>
      return %0, %1, %2 : tensor<2x4xf64>, tensor<2x3xf64>, tensor<2x3xf64>
    })mlir";
  auto r = run(src, {t(f64(), {2, 3}, {10, 11, 12, 20, 21, 22}),
                     t(i64(), {4}, {2, -5, 7, 2}),
                     t(f64(), {2, 4}, {1, 2, 3, 4, 5, 6, 7, 8})});
  // Indices clamp to [0, 3): 2, 0, 2, 2.
  expectNear(r[0].data, {12, 10, 12, 12, 22, 20, 22, 22}, 0);
  // Replace: the last update in row-major order wins.
  expectNear(r[1].data, {2, 11, 4, 6, 21, 8}, 0);
  expectNear(r[2].data, {12, 11, 20, 26, 21, 42}, 0);
}

//===----------------------------------------------------------------------===//
// Reductions, normalisation, losses
//===----------------------------------------------------------------------===//

TEST_F(Reference, Reductions) {
  const char *src = R"mlir(
    func.func @f(%x: tensor<2x3xf64>, %k: tensor<2x2xi32>) -> (tensor<2x1xf64>, tensor<f64>, tensor<3xf64>, tensor<2xf64>, tensor<3xf64>, tensor<i32>) {
      %0 = tgraph.reduce_sum %x axes = [1] {keepdims = true} : tensor<2x3xf64> -> tensor<2x1xf64>
      %1 = tgraph.reduce_mean %x axes = [0, 1] : tensor<2x3xf64> -> tensor<f64>
      %2 = tgraph.reduce_max %x axes = [0] : tensor<2x3xf64> -> tensor<3xf64>
      %3 = tgraph.reduce_min %x axes = [1] : tensor<2x3xf64> -> tensor<2xf64>
      %4 = tgraph.reduce_prod %x axes = [0] : tensor<2x3xf64> -> tensor<3xf64>
      %5 = tgraph.reduce_sum %k axes = [0, 1] : tensor<2x2xi32> -> tensor<i32>
      return %0, %1, %2, %3, %4, %5 : tensor<2x1xf64>, tensor<f64>, tensor<3xf64>, tensor<2xf64>, tensor<3xf64>, tensor<i32>
    })mlir";
  auto r = run(src, {t(f64(), {2, 3}, {1, -2, 3, 4, 5, -6}),
                     t(b.getI32Type(), {2, 2}, {2147483647, 1, 0, 0})});
  EXPECT_EQ(r[0].shape, (std::vector<int64_t>{2, 1}));
  expectNear(r[0].data, {2, 3}, 0);
  expectNear(r[1].data, {5.0 / 6.0}, 1e-15);
  expectNear(r[2].data, {4, 5, 3}, 0);
  expectNear(r[3].data, {-2, -6}, 0);
  expectNear(r[4].data, {4, -10, -18}, 0);
  expectNear(r[5].data, {-2147483648.0}, 0); // i32 wraps
}

TEST_F(Reference, SoftmaxOfOneTwoThree) {
  const char *src = R"mlir(
    func.func @f(%x: tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>) {
      %0 = tgraph.softmax %x axis = 0 : tensor<3xf64>
      %1 = tgraph.log_softmax %x axis = 0 : tensor<3xf64>
      return %0, %1 : tensor<3xf64>, tensor<3xf64>
    })mlir";
  auto r = run(src, {t(f64(), {3}, {1, 2, 3})});
  double sum = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  expectNear(r[0].data,
             {std::exp(1.0) / sum, std::exp(2.0) / sum, std::exp(3.0) / sum},
             1e-15);
  expectNear(r[1].data,
             {1 - std::log(sum), 2 - std::log(sum), 3 - std::log(sum)}, 1e-14);
  // Large inputs do not overflow (the maximum is subtracted first).
  auto big = run(src, {t(f64(), {3}, {1001, 1002, 1003})});
  expectNear(big[0].data, r[0].data, 1e-15);
}

TEST_F(Reference, SoftmaxAlongMiddleAxis) {
  const char *src = R"mlir(
    func.func @f(%x: tensor<2x2x2xf64>) -> tensor<2x2x2xf64> {
      %0 = tgraph.softmax %x axis = 1 : tensor<2x2x2xf64>
      return %0 : tensor<2x2x2xf64>
    })mlir";
  std::vector<double> x = {0, 1, 2, 3, 4, 5, 6, 7};
  auto r = run(src, {t(f64(), {2, 2, 2}, x)});
  for (int o = 0; o < 2; ++o)
    for (int i = 0; i < 2; ++i) {
      double a = x[o * 4 + i], c = x[o * 4 + 2 + i];
      double s = std::exp(a) + std::exp(c);
      EXPECT_NEAR(r[0].data[o * 4 + i], std::exp(a) / s, 1e-15);
      EXPECT_NEAR(r[0].data[o * 4 + 2 + i], std::exp(c) / s, 1e-15);
    }
}

TEST_F(Reference, LayerNormAndRMSNorm) {
  const char *src = R"mlir(
    func.func @f(%x: tensor<2x4xf64>, %g: tensor<4xf64>, %b: tensor<4xf64>) -> (tensor<2x4xf64>, tensor<2x4xf64>) {
      %0 = tgraph.layernorm %x scale(%g : tensor<4xf64>) bias(%b : tensor<4xf64>) axis = 1 epsilon = 1.0e-05 : tensor<2x4xf64>
      %1 = tgraph.rmsnorm %x axis = 1 epsilon = 0.0 : tensor<2x4xf64>
      return %0, %1 : tensor<2x4xf64>, tensor<2x4xf64>
    })mlir";
  std::vector<double> x = {1, 2, 3, 4, -1, 0, 0, 1}, g = {1, 2, 0.5, -1},
                      bias = {0, 1, 0, -2};
  auto r =
      run(src, {t(f64(), {2, 4}, x), t(f64(), {4}, g), t(f64(), {4}, bias)});
  // Row 0: mean 2.5, variance 1.25; row 1: mean 0, variance 0.5.
  double means[] = {2.5, 0}, vars[] = {1.25, 0.5}, squares[] = {7.5, 0.5};
  for (int row = 0; row < 2; ++row)
    for (int k = 0; k < 4; ++k) {
      double v = x[row * 4 + k];
      EXPECT_NEAR(r[0].data[row * 4 + k],
                  (v - means[row]) / std::sqrt(vars[row] + 1e-5) * g[k] +
                      bias[k],
                  1e-14);
      EXPECT_NEAR(r[1].data[row * 4 + k], v / std::sqrt(squares[row]), 1e-15);
    }
}

TEST_F(Reference, CrossEntropyAndMSE) {
  const char *src = R"mlir(
    func.func @f(%l: tensor<2x3xf64>, %y: tensor<2xi64>, %p: tensor<2x3xf64>) -> (tensor<f64>, tensor<f64>) {
      %0 = tgraph.cross_entropy %l, %y : tensor<2x3xf64>, tensor<2xi64> -> tensor<f64>
      %1 = tgraph.mse %l, %p : tensor<2x3xf64>, tensor<2x3xf64> -> tensor<f64>
      return %0, %1 : tensor<f64>, tensor<f64>
    })mlir";
  std::vector<double> l = {1, 2, 3, 1, 1, 1};
  auto r = run(src, {t(f64(), {2, 3}, l), t(i64(), {2}, {2, 0}),
                     t(f64(), {2, 3}, {0, 2, 3, 1, 1, 4})});
  double row0 = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0)) - 3;
  double row1 = std::log(3.0);
  EXPECT_NEAR(r[0].data[0], (row0 + row1) / 2, 1e-15);
  EXPECT_NEAR(r[1].data[0], (1.0 + 9.0) / 6.0, 1e-15);
  EXPECT_NE(fails(src, {t(f64(), {2, 3}, l), t(i64(), {2}, {3, 0}),
                        t(f64(), {2, 3}, l)})
                .find("label 3 at position 0 is outside [0, 3)"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// Fourier transforms
//===----------------------------------------------------------------------===//

TEST_F(Reference, FFTOfKnownSignals) {
  const char *src = R"mlir(
    func.func @f(%x: tensor<2x4xcomplex<f32>>) -> (tensor<2x4xcomplex<f32>>, tensor<2x4xcomplex<f32>>) {
      %0 = tgraph.fft %x : tensor<2x4xcomplex<f32>>
      %1 = tgraph.ifft %0 : tensor<2x4xcomplex<f32>>
      return %0, %1 : tensor<2x4xcomplex<f32>>, tensor<2x4xcomplex<f32>>
    })mlir";
  // Row 0: an impulse (flat spectrum); row 1: e^{2 pi i n / 4} = i^n (one
  // frequency, bin 1, of weight 4).
  std::vector<double> x = {1, 0, 0, 0, 0,  0, 0, 0, //
                           1, 0, 0, 1, -1, 0, 0, -1};
  auto r = run(src, {t(c64(), {2, 4}, x)});
  expectNear(r[0].data,
             {1, 0, 1, 0, 1, 0, 1, 0, //
              0, 0, 4, 0, 0, 0, 0, 0},
             1e-6);
  expectNear(r[1].data, x, 1e-6);
}

TEST_F(Reference, RealFFTRoundTrips) {
  const char *src = R"mlir(
    func.func @f(%x: tensor<4xf32>, %y: tensor<5xf32>) -> (tensor<3xcomplex<f32>>, tensor<4xf32>, tensor<5xf32>) {
      %0 = tgraph.rfft %x : tensor<4xf32> -> tensor<3xcomplex<f32>>
      %1 = tgraph.irfft %0 n = 4 : tensor<3xcomplex<f32>> -> tensor<4xf32>
      %2 = tgraph.rfft %y : tensor<5xf32> -> tensor<3xcomplex<f32>>
      %3 = tgraph.irfft %2 n = 5 : tensor<3xcomplex<f32>> -> tensor<5xf32>
      return %0, %1, %3 : tensor<3xcomplex<f32>>, tensor<4xf32>, tensor<5xf32>
    })mlir";
  auto r =
      run(src, {t(f32(), {4}, {1, 2, 3, 4}), t(f32(), {5}, {1, -2, 0, 5, 3})});
  expectNear(r[0].data, {10, 0, -2, 2, -2, 0}, 1e-6);
  expectNear(r[1].data, {1, 2, 3, 4}, 1e-6);
  expectNear(r[2].data, {1, -2, 0, 5, 3}, 1e-6);
}

//===----------------------------------------------------------------------===//
// Fixed points
//===----------------------------------------------------------------------===//

TEST_F(Reference, FixedPointStopsAsDefined) {
  // x_next = x * c from x = 1 with c = 0.5: the changes are 0.5, 0.25,
  // 0.125, 0.0625; with tol = 0.1 the fourth iterate is the first whose
  // change is at most tol.
  auto source = [](int maxIter) {
    return std::string(R"mlir(
    func.func @f(%x: tensor<f64>, %c: tensor<f64>) -> tensor<f64> {
      %r = tgraph.fixed_point %x captures(%c : tensor<f64>) tol = 1.0e-01 max_iter = )mlir") +
           std::to_string(maxIter) + R"mlir( : tensor<f64> {
      ^bb0(%y: tensor<f64>, %k: tensor<f64>):
        %z = tgraph.mul %y, %k : tensor<f64>, tensor<f64> -> tensor<f64>
        tgraph.yield %z : tensor<f64>
      }
      return %r : tensor<f64>
    })mlir";
  };
  std::vector<Tensor> args = {t(f64(), {}, {1}), t(f64(), {}, {0.5})};
  EXPECT_EQ(run(source(100).c_str(), args)[0].data[0], 0.0625);
  EXPECT_EQ(run(source(2).c_str(), args)[0].data[0], 0.25);
}

TEST_F(Reference, FixedPointOfCosine) {
  const char *src = R"mlir(
    func.func @f(%x: tensor<2xf64>) -> tensor<2xf64> {
      %r = tgraph.fixed_point %x tol = 1.0e-12 max_iter = 1000 : tensor<2xf64> {
      ^bb0(%y: tensor<2xf64>):
        %z = tgraph.cos %y : tensor<2xf64>
        tgraph.yield %z : tensor<2xf64>
      }
      return %r : tensor<2xf64>
    })mlir";
  auto r = run(src, {t(f64(), {2}, {0, 1})});
  for (double v : r[0].data)
    EXPECT_NEAR(v, 0.7390851332151607, 1e-11); // the Dottie number
}

//===----------------------------------------------------------------------===//
// Random numbers
//===----------------------------------------------------------------------===//

namespace {
// The generator of docs/ir/reference-evaluator.md, written out again.
uint64_t splitmix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
double unit(int64_t seed, uint64_t c, int p) {
  const uint64_t g = 0x9E3779B97F4A7C15ull;
  uint64_t key = splitmix(static_cast<uint64_t>(seed) + g);
  return std::ldexp(
      static_cast<double>(splitmix(key + (c + 1) * g) >> (64 - p)), -p);
}
} // namespace

TEST_F(Reference, RandomUniformIsTheDocumentedStream) {
  const char *src = R"mlir(
    func.func @f(%x: tensor<?xf32> {tgraph.shape = ["N"]}) -> (tensor<?x3xf32>, tensor<2x3xf64>, tensor<2x3xf64>) {
      %c0 = arith.constant 0 : index
      %n = tensor.dim %x, %c0 : tensor<?xf32>
      %0 = tgraph.random_uniform(%n) seed = 42 : tensor<?x3xf32>
      %1 = tgraph.random_uniform seed = 42 : tensor<2x3xf64>
      %2 = tgraph.random_uniform seed = 43 : tensor<2x3xf64>
      return %0, %1, %2 : tensor<?x3xf32>, tensor<2x3xf64>, tensor<2x3xf64>
    })mlir";
  auto r = run(src, {t(f32(), {2}, {0, 0})});
  ASSERT_EQ(r[0].shape, (std::vector<int64_t>{2, 3}));
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(r[0].data[i], unit(42, i, 24));
    EXPECT_EQ(r[1].data[i], unit(42, i, 53));
    EXPECT_EQ(r[0].data[i], static_cast<float>(r[0].data[i]));
    EXPECT_NE(r[1].data[i], r[2].data[i]);
  }
  // Another evaluation gives the same bits.
  auto again = run(src, {t(f32(), {2}, {0, 0})});
  EXPECT_EQ(again[1].data, r[1].data);
}

TEST_F(Reference, RandomNormalAndDropoutStatistics) {
  const char *src = R"mlir(
    func.func @f(%x: tensor<20000xf64>) -> (tensor<20000xf64>, tensor<20000xf64>) {
      %0 = tgraph.random_normal seed = 7 : tensor<20000xf64>
      %1 = tgraph.dropout %x p = 2.5e-01 seed = 3 : tensor<20000xf64>
      return %0, %1 : tensor<20000xf64>, tensor<20000xf64>
    })mlir";
  auto r = run(src, {t(f64(), {20000}, std::vector<double>(20000, 3.0))});
  double mean = 0, square = 0;
  for (double v : r[0].data) {
    mean += v;
    square += v * v;
  }
  mean /= 20000;
  EXPECT_NEAR(mean, 0, 0.03);
  EXPECT_NEAR(square / 20000 - mean * mean, 1, 0.05);
  // Box-Muller on the documented uniforms.
  double u1 = unit(7, 0, 53), u2 = unit(7, 1, 53);
  EXPECT_NEAR(r[0].data[0],
              std::sqrt(-2 * std::log(1 - u1)) * std::cos(2 * M_PI * u2),
              1e-15);
  int kept = 0;
  for (int i = 0; i < 20000; ++i) {
    bool keep = unit(3, i, 53) >= 0.25;
    EXPECT_EQ(r[1].data[i], keep ? 4.0 : 0.0) << i;
    kept += keep;
  }
  EXPECT_NEAR(kept / 20000.0, 0.75, 0.02);
}

//===----------------------------------------------------------------------===//
// Calls, scalars and parameters
//===----------------------------------------------------------------------===//

TEST_F(Reference, CallsAndRuntimeNumbers) {
  // sqrt(D) as the frontend emits it: the dim read at run time.
  const char *src = R"mlir(
    func.func private @scale(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
      %c1 = arith.constant 1 : index
      %d = tensor.dim %x, %c1 : tensor<?x?xf32>
      %i = arith.index_cast %d : index to i64
      %f = arith.sitofp %i : i64 to f32
      %s = tensor.from_elements %f : tensor<f32>
      %r = tgraph.sqrt %s : tensor<f32>
      %y = tgraph.div %x, %r : tensor<?x?xf32>, tensor<f32> -> tensor<?x?xf32>
      return %y : tensor<?x?xf32>
    }
    func.func @f(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
      %0 = call @scale(%x) : (tensor<?x?xf32>) -> tensor<?x?xf32>
      %1 = tensor.cast %0 : tensor<?x?xf32> to tensor<?x?xf32>
      return %1 : tensor<?x?xf32>
    })mlir";
  auto r = run(src, {t(f32(), {1, 4}, {2, 4, 6, 8})});
  expectNear(r[0].data, {1, 2, 3, 4}, 0);
}

TEST_F(Reference, ParametersFromOptionsOrInitialValue) {
  const char *src = R"mlir(
    ml_program.global private @w(dense<[1.0, 2.0]> : tensor<2xf32>) : tensor<2xf32>
    ml_program.global private mutable @v : tensor<2xf32> {tgraph.init = "zeros"}
    func.func @f(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
      %w = ml_program.global_load_const @w : tensor<2xf32>
      %v = ml_program.global_load @v : tensor<2xf32>
      %0 = tgraph.mul %x, %w : tensor<2xf32>, tensor<2xf32> -> tensor<2xf32>
      %1 = tgraph.mul %x, %v : tensor<2xf32>, tensor<2xf32> -> tensor<2xf32>
      return %0, %1 : tensor<2xf32>, tensor<2xf32>
    })mlir";
  Options options;
  EXPECT_EQ(fails(src, {t(f32(), {2}, {3, 4})}, options),
            "no value for parameter '@v'");
  options.params["v"] = t(f32(), {2}, {-1, 0.5});
  auto r = run(src, {t(f32(), {2}, {3, 4})}, options);
  expectNear(r[0].data, {3, 8}, 0);
  expectNear(r[1].data, {-3, 2}, 0);
  options.params["w"] = t(f32(), {2}, {10, 10});
  expectNear(run(src, {t(f32(), {2}, {3, 4})}, options)[0].data, {30, 40}, 0);
  options.params["w"] = t(f32(), {3}, {1, 1, 1});
  EXPECT_EQ(fails(src, {t(f32(), {2}, {3, 4})}, options),
            "parameter '@w' is given as 'tensor<3xf32>', but it has type "
            "'tensor<2xf32>'");
}

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

TEST_F(Reference, DerivativeOpsMustBeDifferentiatedFirst) {
  const char *src = R"mlir(
    func.func private @g(%x: tensor<3xf32>) -> tensor<3xf32> {
      return %x : tensor<3xf32>
    }
    func.func @f(%x: tensor<3xf32>, %d: tensor<3xf32>) -> tensor<3xf32> {
      %0 = tgraph.vjp @g(%x) cotangents(%d : tensor<3xf32>) : (tensor<3xf32>) -> tensor<3xf32>
      return %0 : tensor<3xf32>
    })mlir";
  EXPECT_EQ(fails(src, {t(f32(), {3}, {1, 2, 3}), t(f32(), {3}, {1, 1, 1})}),
            "'tgraph.vjp' must be differentiated before evaluation (run "
            "--tgraph-differentiate)");
}

TEST_F(Reference, UnsupportedOpIsNamed) {
  const char *src = R"mlir(
    func.func @f(%x: tensor<3xf32>) -> tensor<3xf32> {
      %0 = "test.unknown"(%x) : (tensor<3xf32>) -> tensor<3xf32>
      return %0 : tensor<3xf32>
    })mlir";
  ctx.allowUnregisteredDialects();
  EXPECT_EQ(fails(src, {t(f32(), {3}, {1, 2, 3})}),
            "'test.unknown' is not supported by the reference evaluator");
}

TEST_F(Reference, ArgumentsAreChecked) {
  const char *src = R"mlir(
    func.func @f(%a: tensor<?x3xf32> {tgraph.name = "a", tgraph.shape = ["N", 3]},
                 %b: tensor<?xf32> {tgraph.name = "b", tgraph.shape = ["N"]}) -> tensor<?xf32> {
      return %b : tensor<?xf32>
    })mlir";
  EXPECT_EQ(fails(src, {t(f32(), {1, 3}, {1, 2, 3})}),
            "'@f' takes 2 inputs, got 1");
  EXPECT_EQ(fails(src, {t(f64(), {1, 3}, {1, 2, 3}), t(f32(), {1}, {1})}),
            "input 'a' has element type 'f64', expected 'f32'");
  EXPECT_EQ(fails(src, {t(f32(), {3}, {1, 2, 3}), t(f32(), {1}, {1})}),
            "input 'a' has shape [3], but its type 'tensor<?x3xf32>' has rank "
            "2");
  EXPECT_EQ(fails(src, {t(f32(), {1, 2}, {1, 2}), t(f32(), {1}, {1})}),
            "input 'a' has shape [1, 2], but its type 'tensor<?x3xf32>' has 3 "
            "in dim 1");
  EXPECT_EQ(fails(src, {t(f32(), {1, 3}, {1, 2, 3}), t(f32(), {2}, {1, 2})}),
            "input 'b' has N = 2 (dim 0), but input 'a' has N = 1");
}

TEST_F(Reference, RuntimeShapeMismatchIsReported) {
  const char *src = R"mlir(
    func.func @f(%a: tensor<?xf32>, %b: tensor<?xf32>) -> tensor<?xf32> {
      %0 = tgraph.add %a, %b : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
      return %0 : tensor<?xf32>
    })mlir";
  EXPECT_EQ(fails(src, {t(f32(), {2}, {1, 2}), t(f32(), {3}, {1, 2, 3})}),
            "operand shapes [2] and [3] differ");
}
