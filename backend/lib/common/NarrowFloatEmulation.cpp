// Narrow float arithmetic inside kernel bodies, computed in f32
// (TileLowering.h): bf16, f16, fp8_e4m3 (f8E4M3FN) and fp8_e5m2 (f8E5M2).
//
// Kernels store the narrow type and compute each operation on it in f32,
// rounding the result to the narrow type (to nearest even). For + - * /
// and sqrt that is the correctly rounded narrow result: f32 has 24
// significant bits, at least 2p + 2 for every narrow precision p (bf16 8,
// f16 11, E4M3 4, E5M2 3) and a wider exponent range, and rounding the
// exact result to such a format and then to the narrow one cannot differ
// from rounding it once (Figueroa's theorem). A transcendental is
// Tessera's own f32 approximation, rounded. So every target computes the
// same bits, whether or not it has bf16, f16 or fp8 instructions.
//
// Then extf and truncf to and from the narrow types become integer
// operations (arith's ExpandBFloat16 patterns for bf16, Tessera's own for
// f16 and fp8: NarrowFloatConversion.cpp; with one rounding from f64
// here): LLVM would otherwise call the compiler runtime (__truncsfbf2,
// __truncsfhf2, __extendhfsf2), which a .tbin does not link, and it has
// no fp8 type. Loads, stores, selects, constants and vector shuffles move
// the bits as they are, and for the CPU every narrow type is an integer of
// its width in the LLVM dialect (addNarrowFloatStorage): given bfloat or
// half values, LLVM would turn a select of bitcasts into a select of
// bfloat or half, which a CPU without such instructions computes through
// float and those same calls.
#include "NarrowFloatFormat.h"
#include "TileLowering.h"
#include "tessera/Backend/Passes.h"

#include "mlir/Conversion/LLVMCommon/Pattern.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace tessera {
#define GEN_PASS_DEF_EMULATENARROWFLOATS
#include "tessera/Backend/Passes.h.inc"
} // namespace tessera

using namespace mlir;

namespace tessera {
namespace {

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

// Any other arith or math operation with a narrow float operand or result:
// the same operation on f32 (narrow operands extended exactly), its narrow
// results rounded from f32. An integer converted to a narrow type goes
// through f64 (exact for every i32, and i64 within 2^53) and rounds once
// from there. For f16 and fp8 that is one rounding of every i64: past 2^53
// an integer is far past their largest finite number, so an inexact f64
// still overflows as the integer does.
struct ComputeInF32 : RewritePattern {
  ComputeInF32(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &r) const override {
    if (!isa<arith::ArithDialect, math::MathDialect>(op->getDialect()) ||
        isa<arith::ExtFOp, arith::TruncFOp, arith::BitcastOp, arith::ConstantOp,
            arith::SelectOp>(op) ||
        (!llvm::any_of(op->getOperandTypes(), isNarrowFloat) &&
         !llvm::any_of(op->getResultTypes(), isNarrowFloat)))
      return failure();
    Location loc = op->getLoc();
    bool fromInteger = isa<arith::SIToFPOp, arith::UIToFPOp>(op);
    Type wide = fromInteger ? r.getF64Type() : r.getF32Type();
    IRMapping extended;
    for (Value v : op->getOperands())
      if (isNarrowFloat(v.getType()) && !extended.contains(v))
        extended.map(v, r.create<arith::ExtFOp>(
                            loc, withElement(v.getType(), r.getF32Type()), v));
    Operation *computed = r.clone(*op, extended);
    for (OpResult result : computed->getResults())
      if (isNarrowFloat(result.getType()))
        result.setType(withElement(result.getType(), wide));
    SmallVector<Value> results;
    for (auto [old, now] : llvm::zip(op->getResults(), computed->getResults()))
      results.push_back(
          isNarrowFloat(old.getType())
              ? r.create<arith::TruncFOp>(loc, old.getType(), now).getResult()
              : now);
    r.replaceOp(op, results);
    return success();
  }
};

// extf from a narrow type to anything but f32: through f32, exactly, then
// to f64 exactly, or to a wider narrow type (fp8 to f16 or bf16) rounded
// (exact too: every fp8 value is an f16 and a bf16 value).
struct ExtendThroughF32 : OpRewritePattern<arith::ExtFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::ExtFOp op,
                                PatternRewriter &r) const override {
    Type to = getElementTypeOrSelf(op.getType());
    if (!isNarrowFloat(op.getIn().getType()) || to.isF32())
      return failure();
    Value f32 = r.create<arith::ExtFOp>(
        op.getLoc(), withElement(op.getType(), r.getF32Type()), op.getIn());
    if (to.isF64())
      r.replaceOpWithNewOp<arith::ExtFOp>(op, op.getType(), f32);
    else
      r.replaceOpWithNewOp<arith::TruncFOp>(op, op.getType(), f32);
    return success();
  }
};

// truncf from one narrow type to a narrower one (f16 or bf16 to fp8):
// extended exactly to f32, then rounded once from there.
struct TruncateThroughF32 : OpRewritePattern<arith::TruncFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::TruncFOp op,
                                PatternRewriter &r) const override {
    Value x = op.getIn();
    if (!isNarrowFloat(op.getType()) || !isNarrowFloat(x.getType()))
      return failure();
    Value f32 = r.create<arith::ExtFOp>(
        op.getLoc(), withElement(x.getType(), r.getF32Type()), x);
    r.replaceOpWithNewOp<arith::TruncFOp>(op, op.getType(), f32);
    return success();
  }
};

// truncf from f64 to a narrow type, rounded once: f64 to f32 rounded to odd
// (toward zero, then the last bit set when inexact), then to the narrow type to
// nearest even. Rounding to odd into a format of at least 2 more bits
// (f32's 24 against at most 11, and its exponent range covers every
// narrow one's, subnormals included) keeps the
// information that the second rounding needs (ties stay exact, everything
// else stays on its side of the tie), so the two give the one rounding.
struct TruncateFromF64 : OpRewritePattern<arith::TruncFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::TruncFOp op,
                                PatternRewriter &r) const override {
    Value x = op.getIn();
    if (!isNarrowFloat(op.getType()) ||
        !getElementTypeOrSelf(x.getType()).isF64())
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

// A narrow float constant held as bits: the integer constant of its bits.
struct NarrowConstantLowering : ConvertOpToLLVMPattern<arith::ConstantOp> {
  using ConvertOpToLLVMPattern::ConvertOpToLLVMPattern;
  LogicalResult matchAndRewrite(arith::ConstantOp op, OpAdaptor,
                                ConversionPatternRewriter &r) const override {
    Type converted = getTypeConverter()->convertType(op.getType());
    if (!isNarrowFloat(op.getType()) || !converted ||
        !isa<IntegerType>(getElementTypeOrSelf(converted)))
      return failure();
    Type bitsType = getElementTypeOrSelf(converted);
    Attribute bits;
    if (auto f = dyn_cast<FloatAttr>(op.getValue()))
      bits = r.getIntegerAttr(bitsType, f.getValue().bitcastToAPInt());
    else
      bits = cast<DenseElementsAttr>(op.getValue()).bitcast(bitsType);
    r.replaceOpWithNewOp<LLVM::ConstantOp>(op, converted, bits);
    return success();
  }
};

// A bitcast between a narrow float and its bits is no operation once both
// are the integer.
struct NarrowBitcastLowering : ConvertOpToLLVMPattern<arith::BitcastOp> {
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
  compute
      .add<ComputeInF32, ExtendThroughF32, TruncateThroughF32, TruncateFromF64>(
          ctx);
  if (failed(applyInsideKernels(module, std::move(compute))))
    return failure();
  RewritePatternSet expand(ctx);
  arith::populateExpandBFloat16Patterns(expand);
  populateExpandNarrowFloatPatterns(expand);
  return applyInsideKernels(module, std::move(expand));
}

LogicalResult emulateNarrowFloatsInEntries(ModuleOp module) {
  MLIRContext *ctx = module.getContext();
  // The entries' arithmetic on narrow floats (the numbers they compute
  // themselves), and the operations the rewrites make of it.
  auto narrowArithmetic = [&] {
    SmallVector<Operation *> ops;
    for (auto fn : module.getOps<func::FuncOp>())
      fn.walk([&](Operation *op) {
        if (isa<arith::ArithDialect, math::MathDialect>(op->getDialect()) &&
            (llvm::any_of(op->getOperandTypes(), isNarrowFloat) ||
             llvm::any_of(op->getResultTypes(), isNarrowFloat)))
          ops.push_back(op);
      });
    return ops;
  };
  GreedyRewriteConfig config;
  config.strictMode = GreedyRewriteStrictness::ExistingAndNewOps;
  RewritePatternSet compute(ctx);
  compute
      .add<ComputeInF32, ExtendThroughF32, TruncateThroughF32, TruncateFromF64>(
          ctx);
  if (failed(applyOpPatternsAndFold(narrowArithmetic(), std::move(compute),
                                    config)))
    return failure();
  RewritePatternSet expand(ctx);
  arith::populateExpandBFloat16Patterns(expand);
  populateExpandNarrowFloatPatterns(expand);
  return applyOpPatternsAndFold(narrowArithmetic(), std::move(expand), config);
}

void addNarrowFloatStorage(LLVMTypeConverter &converter,
                           RewritePatternSet &patterns, bool bf16Bits) {
  auto heldAsBits = [bf16Bits](Type t) {
    return isNarrowFloat(t) && (bf16Bits || !t.isBF16());
  };
  converter.addConversion([heldAsBits](FloatType t) -> std::optional<Type> {
    if (!heldAsBits(t))
      return std::nullopt;
    return IntegerType::get(t.getContext(), t.getWidth());
  });
  // Vectors of bf16 and f16 are LLVM types already, which the converter
  // would keep.
  converter.addConversion([heldAsBits](VectorType t) -> std::optional<Type> {
    Type elem = t.getElementType();
    if (!heldAsBits(elem))
      return std::nullopt;
    return VectorType::get(
        t.getShape(),
        IntegerType::get(t.getContext(), elem.getIntOrFloatBitWidth()));
  });
  // Ahead of the arith dialect's own patterns.
  patterns.add<NarrowConstantLowering, NarrowBitcastLowering>(converter,
                                                              /*benefit=*/2);
}

} // namespace tessera
