// bf16 arithmetic inside kernel bodies, computed in f32 (TileLowering.h).
//
// Kernels store bf16 and compute each operation on it in f32, rounding the
// result to bf16 (to nearest even): for + - * / and sqrt that is the
// correctly rounded bf16 result (f32 has more than 2 * 8 + 2 significant
// bits, so rounding twice cannot differ from rounding once), and a
// transcendental is Tessera's own f32 approximation, rounded. So every
// target computes the same bits, whether or not it has bf16 instructions.
//
// Then extf and truncf to and from bf16 become integer operations
// (arith's ExpandBFloat16 patterns, with one rounding from f64 here): LLVM
// would otherwise call the compiler runtime (__truncsfbf2), which a .tbin
// does not link. Loads, stores, selects, constants and vector shuffles move
// bf16 bits as they are, and for the CPU bf16 is i16 in the LLVM dialect
// (addNarrowFloatStorage): given bfloat values, LLVM would turn a select of
// bitcasts into a select of bfloat, which a CPU without bf16 instructions
// computes through float and that same call.
#include "TileLowering.h"
#include "tessera/Backend/Passes.h"

#include "mlir/Conversion/LLVMCommon/Pattern.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/IRMapping.h"

namespace tessera {
#define GEN_PASS_DEF_EMULATENARROWFLOATS
#include "tessera/Backend/Passes.h.inc"
} // namespace tessera

using namespace mlir;

namespace tessera {
namespace {

bool isBF16(Type t) { return getElementTypeOrSelf(t).isBF16(); }

// `t` (a scalar or a vector type) with element type `elem`.
Type withElement(Type t, Type elem) {
  if (auto vt = dyn_cast<VectorType>(t))
    return VectorType::get(vt.getShape(), elem);
  return elem;
}

Value splat(PatternRewriter &r, Location loc, Type t, TypedAttr a) {
  if (auto vt = dyn_cast<VectorType>(t))
    return r.create<arith::ConstantOp>(loc, DenseElementsAttr::get(vt, a));
  return r.create<arith::ConstantOp>(loc, a);
}

// Any other arith or math operation with a bf16 operand or result: the same
// operation on f32 (bf16 operands extended exactly), its bf16 results
// rounded from f32. An integer converted to bf16 goes through f64 (exact
// for every i32, and i64 within 2^53) and rounds once from there.
struct ComputeInF32 : RewritePattern {
  ComputeInF32(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &r) const override {
    if (!isa<arith::ArithDialect, math::MathDialect>(op->getDialect()) ||
        isa<arith::ExtFOp, arith::TruncFOp, arith::BitcastOp, arith::ConstantOp,
            arith::SelectOp>(op) ||
        (!llvm::any_of(op->getOperandTypes(), isBF16) &&
         !llvm::any_of(op->getResultTypes(), isBF16)))
      return failure();
    Location loc = op->getLoc();
    bool fromInteger = isa<arith::SIToFPOp, arith::UIToFPOp>(op);
    Type wide = fromInteger ? r.getF64Type() : r.getF32Type();
    IRMapping extended;
    for (Value v : op->getOperands())
      if (isBF16(v.getType()) && !extended.contains(v))
        extended.map(v, r.create<arith::ExtFOp>(
                            loc, withElement(v.getType(), r.getF32Type()), v));
    Operation *computed = r.clone(*op, extended);
    for (OpResult result : computed->getResults())
      if (isBF16(result.getType()))
        result.setType(withElement(result.getType(), wide));
    SmallVector<Value> results;
    for (auto [old, now] : llvm::zip(op->getResults(), computed->getResults()))
      results.push_back(
          isBF16(old.getType())
              ? r.create<arith::TruncFOp>(loc, old.getType(), now).getResult()
              : now);
    r.replaceOp(op, results);
    return success();
  }
};

// extf from bf16 to f64: through f32, exactly.
struct ExtendToF64 : OpRewritePattern<arith::ExtFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::ExtFOp op,
                                PatternRewriter &r) const override {
    Type to = getElementTypeOrSelf(op.getType());
    if (!isBF16(op.getIn().getType()) || to.isF32())
      return failure();
    Value f32 = r.create<arith::ExtFOp>(
        op.getLoc(), withElement(op.getType(), r.getF32Type()), op.getIn());
    r.replaceOpWithNewOp<arith::ExtFOp>(op, op.getType(), f32);
    return success();
  }
};

// truncf from f64 to bf16, rounded once: f64 to f32 rounded to odd (toward
// zero, then the last bit set when inexact), then to bf16 to nearest even.
// Rounding to odd into a format of at least 2 more bits keeps the
// information that the second rounding needs (ties stay exact, everything
// else stays on its side of the tie), so the two give the one rounding.
struct TruncateFromF64 : OpRewritePattern<arith::TruncFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::TruncFOp op,
                                PatternRewriter &r) const override {
    Value x = op.getIn();
    if (!isBF16(op.getType()) || !getElementTypeOrSelf(x.getType()).isF64())
      return failure();
    Location loc = op.getLoc();
    Type f32 = withElement(x.getType(), r.getF32Type());
    Type i32 = withElement(x.getType(), r.getI32Type());
    Value nearest = r.create<arith::TruncFOp>(loc, f32, x);
    Value back = r.create<arith::ExtFOp>(loc, x.getType(), nearest);
    // Ordered: false for NaN, which stays as it is.
    Value inexact =
        r.create<arith::CmpFOp>(loc, arith::CmpFPredicate::ONE, back, x);
    Value away = r.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT,
                                         r.create<math::AbsFOp>(loc, back),
                                         r.create<math::AbsFOp>(loc, x));
    // Sign and magnitude: one less in the bits is one ulp toward zero (from
    // infinity, the largest finite f32).
    Value bits = r.create<arith::BitcastOp>(loc, i32, nearest);
    Value one = splat(r, loc, i32, r.getI32IntegerAttr(1));
    Value truncated = r.create<arith::SelectOp>(
        loc, away, r.create<arith::SubIOp>(loc, bits, one), bits);
    Value odd = r.create<arith::SelectOp>(
        loc, inexact, r.create<arith::OrIOp>(loc, truncated, one), bits);
    r.replaceOpWithNewOp<arith::TruncFOp>(
        op, op.getType(), r.create<arith::BitcastOp>(loc, f32, odd));
    return success();
  }
};

// A bf16 constant: the i16 constant of its bits.
struct BF16ConstantLowering : ConvertOpToLLVMPattern<arith::ConstantOp> {
  using ConvertOpToLLVMPattern::ConvertOpToLLVMPattern;
  LogicalResult matchAndRewrite(arith::ConstantOp op, OpAdaptor,
                                ConversionPatternRewriter &r) const override {
    if (!isBF16(op.getType()))
      return failure();
    Type i16 = r.getI16Type();
    Attribute bits;
    if (auto f = dyn_cast<FloatAttr>(op.getValue()))
      bits = r.getIntegerAttr(i16, f.getValue().bitcastToAPInt());
    else
      bits = cast<DenseElementsAttr>(op.getValue()).bitcast(i16);
    r.replaceOpWithNewOp<LLVM::ConstantOp>(
        op, getTypeConverter()->convertType(op.getType()), bits);
    return success();
  }
};

// A bitcast between bf16 and i16 is no operation once both are i16.
struct BF16BitcastLowering : ConvertOpToLLVMPattern<arith::BitcastOp> {
  using ConvertOpToLLVMPattern::ConvertOpToLLVMPattern;
  LogicalResult matchAndRewrite(arith::BitcastOp op, OpAdaptor a,
                                ConversionPatternRewriter &r) const override {
    if (a.getIn().getType() != getTypeConverter()->convertType(op.getType()))
      return failure();
    r.replaceOp(op, a.getIn());
    return success();
  }
};

struct EmulateNarrowFloatsPass
    : impl::EmulateNarrowFloatsBase<EmulateNarrowFloatsPass> {
  void runOnOperation() override {
    if (failed(emulateNarrowFloats(getOperation())))
      signalPassFailure();
  }
};

} // namespace

LogicalResult emulateNarrowFloats(ModuleOp module) {
  MLIRContext *ctx = module.getContext();
  RewritePatternSet compute(ctx);
  compute.add<ComputeInF32, ExtendToF64, TruncateFromF64>(ctx);
  if (failed(applyInsideKernels(module, std::move(compute))))
    return failure();
  RewritePatternSet expand(ctx);
  arith::populateExpandBFloat16Patterns(expand);
  return applyInsideKernels(module, std::move(expand));
}

void addNarrowFloatStorage(LLVMTypeConverter &converter,
                           RewritePatternSet &patterns) {
  converter.addConversion(
      [](BFloat16Type t) { return IntegerType::get(t.getContext(), 16); });
  // Vectors of bf16 are LLVM types already, which the converter would keep.
  converter.addConversion([](VectorType t) -> std::optional<Type> {
    if (!t.getElementType().isBF16())
      return std::nullopt;
    return VectorType::get(t.getShape(), IntegerType::get(t.getContext(), 16));
  });
  // Ahead of the arith dialect's own patterns.
  patterns.add<BF16ConstantLowering, BF16BitcastLowering>(converter,
                                                          /*benefit=*/2);
}

} // namespace tessera
