// The tgraph builders that infer result types: each test builds ops from
// operands and attributes only, checks the inferred types and verifies the
// function.
#include "tessera/Dialect/TGraph/TGraph.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Verifier.h"

#include <gtest/gtest.h>

using namespace mlir;
namespace tg = tessera::tgraph;

namespace {

constexpr int64_t kDyn = ShapedType::kDynamic;

struct Builders : ::testing::Test {
  Builders() : b(&ctx) {
    ctx.loadDialect<tg::TGraphDialect, func::FuncDialect>();
    module = ModuleOp::create(loc);
  }

  // The arguments of a new function taking `types`; ops are built into its
  // body.
  SmallVector<Value> args(ArrayRef<Type> types) {
    b.setInsertionPointToEnd(module->getBody());
    auto fn = b.create<func::FuncOp>(loc, "f", b.getFunctionType(types, {}));
    Block *body = fn.addEntryBlock();
    b.setInsertionPointToEnd(body);
    return SmallVector<Value>(body->getArguments());
  }

  Type f32(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, b.getF32Type());
  }
  Type i64(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, b.getI64Type());
  }

  static std::string str(Type t) {
    std::string s;
    llvm::raw_string_ostream os(s);
    t.print(os);
    return s;
  }

  // Ends the function and verifies the module.
  bool valid() {
    b.create<func::ReturnOp>(loc);
    return succeeded(verify(*module));
  }

  MLIRContext ctx;
  Location loc = UnknownLoc::get(&ctx);
  OpBuilder b;
  OwningOpRef<ModuleOp> module;
};

TEST_F(Builders, Elementwise) {
  auto a = args({f32({kDyn, 4}), f32({}), i64({3}), b.getIndexType()});
  EXPECT_EQ(str(b.create<tg::AddOp>(loc, a[1], a[0]).getType()),
            "tensor<?x4xf32>");
  EXPECT_EQ(str(b.create<tg::PowOp>(loc, a[0], a[1]).getType()),
            "tensor<?x4xf32>");
  EXPECT_EQ(str(b.create<tg::MaxOp>(loc, a[1], a[1]).getType()), "tensor<f32>");
  EXPECT_EQ(str(b.create<tg::ExpOp>(loc, a[0]).getType()), "tensor<?x4xf32>");
  EXPECT_EQ(str(b.create<tg::ReluOp>(loc, a[2]).getType()), "tensor<3xi64>");
  auto cmp = b.create<tg::CompareOp>(loc, tg::ComparePredicate::lt, a[1], a[0]);
  EXPECT_EQ(str(cmp.getType()), "tensor<?x4xi1>");
  auto sel = b.create<tg::SelectOp>(loc, cmp, a[1], a[1]);
  EXPECT_EQ(str(sel.getType()), "tensor<?x4xf32>");
  EXPECT_EQ(str(b.create<tg::CastOp>(loc, a[2], b.getF16Type()).getType()),
            "tensor<3xf16>");
  auto drop = b.create<tg::DropoutOp>(loc, a[0], b.getF64FloatAttr(0.5),
                                      b.getI64IntegerAttr(7));
  EXPECT_EQ(str(drop.getType()), "tensor<?x4xf32>");
  b.create<tg::RandomUniformOp>(loc, f32({kDyn, 2}), ValueRange{a[3]},
                                b.getI64IntegerAttr(1));
  EXPECT_TRUE(valid());
}

TEST_F(Builders, Matmul) {
  auto a =
      args({f32({1, kDyn, 3, 4}), f32({5, 1, 4, 2}), f32({4}), f32({2, 4})});
  EXPECT_EQ(str(b.create<tg::MatmulOp>(loc, a[0], a[1]).getType()),
            "tensor<5x?x3x2xf32>");
  EXPECT_EQ(str(b.create<tg::MatmulOp>(loc, a[0], a[2]).getType()),
            "tensor<1x?x3xf32>");
  EXPECT_EQ(str(b.create<tg::MatmulOp>(loc, a[2], a[2]).getType()),
            "tensor<f32>");
  auto t = b.create<tg::MatmulOp>(loc, a[3], a[3], /*transposeLhs=*/true,
                                  /*transposeRhs=*/false,
                                  b.getDenseI64ArrayAttr({64, 64, 32}));
  EXPECT_EQ(str(t.getType()), "tensor<4x4xf32>");
  auto u = b.create<tg::MatmulOp>(loc, a[3], a[3], false, true);
  EXPECT_EQ(str(u.getType()), "tensor<2x2xf32>");
  EXPECT_TRUE(valid());
}

TEST_F(Builders, LinalgAndFourier) {
  auto a = args({f32({kDyn, kDyn}), f32({kDyn, 3}), f32({kDyn, 16}),
                 RankedTensorType::get({8}, ComplexType::get(b.getF32Type()))});
  EXPECT_EQ(str(b.create<tg::SolveOp>(loc, a[0], a[1]).getType()),
            "tensor<?x3xf32>");
  EXPECT_EQ(str(b.create<tg::RFFTOp>(loc, a[2]).getType()),
            "tensor<?x9xcomplex<f32>>");
  EXPECT_EQ(str(b.create<tg::IRFFTOp>(loc, a[3], 15).getType()),
            "tensor<15xf32>");
  EXPECT_EQ(str(b.create<tg::FFTOp>(loc, a[3]).getType()),
            "tensor<8xcomplex<f32>>");
  EXPECT_TRUE(valid());
}

TEST_F(Builders, Layout) {
  auto a =
      args({f32({kDyn, 3, 4}), f32({2, 4}), f32({kDyn, 4}), i64({kDyn, 5})});
  EXPECT_EQ(str(b.create<tg::TransposeOp>(loc, a[0], ArrayRef<int64_t>{2, 0, 1})
                    .getType()),
            "tensor<4x?x3xf32>");
  EXPECT_EQ(str(b.create<tg::SliceOp>(loc, a[1], ArrayRef<int64_t>{0, 1},
                                      ArrayRef<int64_t>{2, 2},
                                      ArrayRef<int64_t>{1, 2})
                    .getType()),
            "tensor<2x2xf32>");
  EXPECT_EQ(
      str(b.create<tg::ConcatOp>(loc, ValueRange{a[1], a[1]}, 0).getType()),
      "tensor<4x4xf32>");
  EXPECT_EQ(
      str(b.create<tg::ConcatOp>(loc, ValueRange{a[1], a[2]}, 0).getType()),
      "tensor<?x4xf32>");
  EXPECT_EQ(
      str(b.create<tg::PadOp>(loc, a[2], ArrayRef<int64_t>{1, 1},
                              ArrayRef<int64_t>{0, 2}, b.getF32FloatAttr(0))
              .getType()),
      "tensor<?x7xf32>");
  auto g = b.create<tg::GatherOp>(loc, a[1], a[3], 1);
  EXPECT_EQ(str(g.getType()), "tensor<2x?x5xf32>");
  auto s = b.create<tg::ScatterOp>(loc, a[1], a[3], g, b.getI64IntegerAttr(1),
                                   b.getBoolAttr(true));
  EXPECT_EQ(str(s.getType()), "tensor<2x4xf32>");
  EXPECT_TRUE(valid());
}

TEST_F(Builders, ReductionsAndLosses) {
  auto a = args({f32({kDyn, 8, 3}), f32({8}), i64({kDyn, 8})});
  EXPECT_EQ(
      str(b.create<tg::ReduceSumOp>(loc, a[0], ArrayRef<int64_t>{1}).getType()),
      "tensor<?x3xf32>");
  EXPECT_EQ(str(b.create<tg::ReduceMaxOp>(loc, a[0], ArrayRef<int64_t>{0, 2},
                                          /*keepdims=*/true)
                    .getType()),
            "tensor<1x8x1xf32>");
  EXPECT_EQ(
      str(b.create<tg::ReduceMeanOp>(loc, a[0], ArrayRef<int64_t>{0, 1, 2})
              .getType()),
      "tensor<f32>");
  EXPECT_EQ(
      str(b.create<tg::SoftmaxOp>(loc, a[0], b.getI64IntegerAttr(2)).getType()),
      "tensor<?x8x3xf32>");
  auto ln = b.create<tg::LayerNormOp>(loc, a[0], a[1], Value(),
                                      b.getI64IntegerAttr(1),
                                      b.getF64FloatAttr(1e-5));
  EXPECT_EQ(str(ln.getType()), "tensor<?x8x3xf32>");
  EXPECT_EQ(str(b.create<tg::CrossEntropyOp>(loc, a[0], a[2]).getType()),
            "tensor<f32>");
  EXPECT_EQ(str(b.create<tg::MSEOp>(loc, a[0], a[0]).getType()), "tensor<f32>");
  EXPECT_TRUE(valid());
}

TEST_F(Builders, FixedPoint) {
  auto a = args({f32({kDyn}), f32({})});
  auto fp = b.create<tg::FixedPointOp>(loc, a[0], ValueRange{a[1]},
                                       b.getF64FloatAttr(1e-6),
                                       b.getI64IntegerAttr(50));
  EXPECT_EQ(str(fp.getType()), "tensor<?xf32>");
  Block *body = b.createBlock(&fp.getBody(), {},
                              {a[0].getType(), a[1].getType()}, {loc, loc});
  Value next =
      b.create<tg::MulOp>(loc, body->getArgument(0), body->getArgument(1));
  b.create<tg::YieldOp>(loc, next);
  b.setInsertionPointAfter(fp);
  EXPECT_TRUE(valid());
}

TEST_F(Builders, VerifierRejectsBadInferredInput) {
  // The builders infer a best-effort type; the verifier reports the error.
  auto a = args({f32({3, 4}), f32({5, 6})});
  b.create<tg::MatmulOp>(loc, a[0], a[1]);
  ctx.getDiagEngine().registerHandler([](Diagnostic &) { return success(); });
  EXPECT_FALSE(valid());
}

} // namespace
