// A row reduction's 32 lanes (RowReductionKernel.cpp) on the GPU: lane j of
// every vector becomes the value of thread j of a warp, so a warp folds one
// row with coalesced loads and combines its lanes with shfl.sync.down:
//
//   - elementwise arith/math on vectors -> the same operator on the lane's
//     scalar, so each lane does exactly the CPU lane's arithmetic;
//   - a load of 32 elements -> the lane's element (the masked tail reads 1
//     past the bound, as the CPU's masked lanes do);
//   - a splat -> the scalar, the iota constant -> the lane id;
//   - the tree's "lanes [h, 2h)" shuffle -> shfl.sync.down by h ("lanes
//     [0, h)" is the lane's own value), an extract of lane p -> shfl.sync.idx;
//   - a store of 32 elements (a rows kernel's row) -> the lane's element;
//     other stores: lane 0's.
//
// Lanes at or past h after a shuffle to h lanes hold values no later step
// reads, so lane 0 ends with p[0] of the CPU's tree, the same bits.
#include "WarpLanes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

namespace tessera {
namespace {

constexpr int64_t kWarp = 32;
// A store each lane makes of its own element.
constexpr StringLiteral kLaneStore = "ttile.lane_store";

Value laneId(OpBuilder &b, Location loc) {
  return b.create<NVVM::LaneIdOp>(loc, b.getI32Type());
}

Value i32Value(OpBuilder &b, Location loc, int32_t v) {
  return b.create<arith::ConstantIntOp>(loc, v, 32);
}

// shfl.sync (down or idx) of a 32- or 64-bit value over the whole warp,
// moved as i32 words.
Value shuffle(OpBuilder &b, Location loc, Value v, int32_t by,
              NVVM::ShflKind kind) {
  Type t = v.getType(), i32 = b.getI32Type();
  unsigned bits = t.getIntOrFloatBitWidth();
  auto word = [&](Value w) {
    return b
        .create<NVVM::ShflOp>(loc, i32, i32Value(b, loc, -1), w,
                              i32Value(b, loc, by), i32Value(b, loc, 31),
                              NVVM::ShflKindAttr::get(b.getContext(), kind),
                              UnitAttr())
        .getResult();
  };
  if (bits == 32) {
    Value w = isa<FloatType>(t) ? b.create<arith::BitcastOp>(loc, i32, v) : v;
    Value r = word(w);
    return isa<FloatType>(t) ? b.create<arith::BitcastOp>(loc, t, r) : r;
  }
  Type i64 = b.getI64Type();
  Value w = isa<FloatType>(t) ? b.create<arith::BitcastOp>(loc, i64, v) : v;
  Value lo = word(b.create<arith::TruncIOp>(loc, i32, w));
  Value hi = word(b.create<arith::TruncIOp>(
      loc, i32,
      b.create<arith::ShRUIOp>(loc, w,
                               b.create<arith::ConstantIntOp>(loc, 32, 64))));
  Value r = b.create<arith::OrIOp>(
      loc, b.create<arith::ExtUIOp>(loc, i64, lo),
      b.create<arith::ShLIOp>(loc, b.create<arith::ExtUIOp>(loc, i64, hi),
                              b.create<arith::ConstantIntOp>(loc, 32, 64)));
  return isa<FloatType>(t) ? b.create<arith::BitcastOp>(loc, t, r) : r;
}

// arith and math operators: the same operator on the lane's scalars.
struct LaneOperator : ConversionPattern {
  LaneOperator(TypeConverter &tc, MLIRContext *ctx)
      : ConversionPattern(tc, MatchAnyOpTypeTag(), 1, ctx) {}
  LogicalResult matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                                ConversionPatternRewriter &r) const override {
    if (!isa<arith::ArithDialect, math::MathDialect>(op->getDialect()) ||
        op->getNumRegions() != 0 || isa<arith::ConstantOp>(op))
      return failure();
    SmallVector<Type> types;
    if (failed(getTypeConverter()->convertTypes(op->getResultTypes(), types)))
      return failure();
    OperationState state(op->getLoc(), op->getName(), operands, types,
                         op->getAttrs());
    r.replaceOp(op, r.create(state)->getResults());
    return success();
  }
};

// A splat constant -> its value; 0, 1, ..., 31 -> the lane id.
struct LaneConstant : OpConversionPattern<arith::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(arith::ConstantOp op, OpAdaptor,
                                ConversionPatternRewriter &r) const override {
    auto dense = dyn_cast<DenseElementsAttr>(op.getValue());
    if (!dense || !isa<VectorType>(op.getType()))
      return failure();
    Type elem = dense.getElementType();
    if (dense.isSplat()) {
      r.replaceOpWithNewOp<arith::ConstantOp>(
          op, cast<TypedAttr>(dense.getSplatValue<Attribute>()));
      return success();
    }
    if (!elem.isInteger(32))
      return failure();
    int64_t j = 0;
    for (const APInt &v : dense.getValues<APInt>())
      if (v.getSExtValue() != j++)
        return failure();
    r.replaceOp(op, laneId(r, op.getLoc()));
    return success();
  }
};

struct LaneSplat : OpConversionPattern<vector::SplatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(vector::SplatOp op, OpAdaptor a,
                                ConversionPatternRewriter &r) const override {
    r.replaceOp(op, a.getInput());
    return success();
  }
};

struct LaneBroadcast : OpConversionPattern<vector::BroadcastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(vector::BroadcastOp op, OpAdaptor a,
                                ConversionPatternRewriter &r) const override {
    if (isa<VectorType>(op.getSourceType()))
      return failure();
    r.replaceOp(op, a.getSource());
    return success();
  }
};

// Lanes [k, k + n) of one vector: lane j takes lane j + k's value.
struct LaneShuffle : OpConversionPattern<vector::ShuffleOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(vector::ShuffleOp op, OpAdaptor a,
                                ConversionPatternRewriter &r) const override {
    SmallVector<int64_t> mask;
    for (APInt m : op.getMask().getAsValueRange<IntegerAttr>())
      mask.push_back(m.getSExtValue());
    if (op.getV1() != op.getV2() || mask.empty())
      return failure();
    for (size_t i = 0; i < mask.size(); ++i)
      if (mask[i] != mask[0] + static_cast<int64_t>(i))
        return failure();
    if (mask[0] == 0) {
      r.replaceOp(op, a.getV1());
      return success();
    }
    r.replaceOp(op,
                shuffle(r, op.getLoc(), a.getV1(),
                        static_cast<int32_t>(mask[0]), NVVM::ShflKind::down));
    return success();
  }
};

// Lane p's value, in every lane.
struct LaneExtract : OpConversionPattern<vector::ExtractOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(vector::ExtractOp op, OpAdaptor a,
                                ConversionPatternRewriter &r) const override {
    ArrayRef<int64_t> pos = op.getStaticPosition();
    if (pos.size() != 1 || ShapedType::isDynamic(pos[0]) ||
        !op.getDynamicPosition().empty())
      return failure();
    r.replaceOp(op, shuffle(r, op.getLoc(), a.getVector(),
                            static_cast<int32_t>(pos[0]), NVVM::ShflKind::idx));
    return success();
  }
};

// The lane's element of a 32-element load: coalesced across the warp.
struct LaneLoad : OpConversionPattern<ttile::LoadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ttile::LoadOp op, OpAdaptor a,
                                ConversionPatternRewriter &r) const override {
    if (op.getType().getNumElements() != kWarp)
      return failure();
    Location loc = op.getLoc();
    Type elem = op.getType().getElementType();
    Value at = r.create<arith::AddIOp>(
        loc, a.getOffset(),
        r.create<arith::IndexCastUIOp>(loc, r.getIndexType(), laneId(r, loc)));
    if (op->hasAttr("ttile.in_bounds")) {
      r.replaceOpWithNewOp<memref::LoadOp>(op, a.getBuffer(), ValueRange{at});
      return success();
    }
    Value inside = r.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, at,
                                           a.getBound());
    auto guard = r.create<scf::IfOp>(
        loc, inside,
        [&](OpBuilder &b, Location loc) {
          b.create<scf::YieldOp>(
              loc, b.create<memref::LoadOp>(loc, a.getBuffer(), ValueRange{at})
                       .getResult());
        },
        [&](OpBuilder &b, Location loc) {
          TypedAttr one = isa<FloatType>(elem)
                              ? TypedAttr(b.getFloatAttr(elem, 1.0))
                              : TypedAttr(b.getIntegerAttr(elem, 1));
          b.create<scf::YieldOp>(
              loc, b.create<arith::ConstantOp>(loc, one).getResult());
        });
    r.replaceOp(op, guard.getResults());
    return success();
  }
};

// The lane's element of a 32-element store (a rows kernel writing its
// row): coalesced across the warp, each lane guarded by the bound unless
// the step is whole. Marked, so that it is not left to lane 0 below.
struct LaneStore : OpConversionPattern<ttile::StoreOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ttile::StoreOp op, OpAdaptor a,
                                ConversionPatternRewriter &r) const override {
    if (cast<VectorType>(op.getValue().getType()).getNumElements() != kWarp)
      return failure();
    Location loc = op.getLoc();
    Value at = r.create<arith::AddIOp>(
        loc, a.getOffset(),
        r.create<arith::IndexCastUIOp>(loc, r.getIndexType(), laneId(r, loc)));
    auto store = [&](OpBuilder &b) {
      b.create<memref::StoreOp>(loc, a.getValue(), a.getBuffer(),
                                ValueRange{at})
          ->setAttr(kLaneStore, b.getUnitAttr());
    };
    if (op->hasAttr("ttile.in_bounds")) {
      store(r);
      r.eraseOp(op);
      return success();
    }
    Value inside = r.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, at,
                                           a.getBound());
    r.create<scf::IfOp>(loc, inside, [&](OpBuilder &b, Location loc) {
      store(b);
      b.create<scf::YieldOp>(loc);
    });
    r.eraseOp(op);
    return success();
  }
};

} // namespace

LogicalResult distributeLanesOverWarp(ttile::KernelOp kernel) {
  MLIRContext *ctx = kernel.getContext();
  TypeConverter tc;
  tc.addConversion([](Type t) { return t; });
  tc.addConversion([](VectorType v) -> std::optional<Type> {
    if (v.getRank() == 1 && v.getNumElements() <= kWarp)
      return v.getElementType();
    return std::nullopt;
  });
  ConversionTarget target(*ctx);
  target.markUnknownOpDynamicallyLegal(
      [&](Operation *op) { return tc.isLegal(op); });
  target.addLegalOp<ttile::KernelOp, ttile::YieldOp>();
  RewritePatternSet patterns(ctx);
  patterns.add<LaneOperator>(tc, ctx);
  patterns.add<LaneConstant, LaneSplat, LaneBroadcast, LaneShuffle, LaneExtract,
               LaneLoad, LaneStore>(tc, ctx);
  scf::populateSCFStructuralTypeConversionsAndLegality(tc, patterns, target);
  {
    // An operator it cannot split is no error: the conversion rolls back and
    // the caller runs the body on the warp's first thread. Keep the failed
    // legalization's diagnostics out of the user's output.
    ScopedDiagnosticHandler quiet(ctx, [](Diagnostic &) { return success(); });
    if (failed(applyFullConversion(kernel, target, std::move(patterns))))
      return failure();
  }

  // Every lane holds the result: lane 0 stores it.
  SmallVector<Operation *> stores;
  kernel.walk([&](Operation *op) {
    if (isa<memref::StoreOp, ttile::StoreOp>(op) && !op->hasAttr(kLaneStore))
      stores.push_back(op);
  });
  for (Operation *op : stores) {
    OpBuilder b(op);
    Location loc = op->getLoc();
    Value first = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                          laneId(b, loc), i32Value(b, loc, 0));
    auto only = b.create<scf::IfOp>(loc, first, /*withElseRegion=*/false);
    op->moveBefore(only.thenBlock()->getTerminator());
  }
  return success();
}

} // namespace tessera
