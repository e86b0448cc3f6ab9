// What is left inside kernel bodies and entries, once they are LLVM
// functions, becomes LLVM dialect (TileLowering.h).
#include "TileLowering.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ComplexToLLVM/ComplexToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVM.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

namespace tessera {
namespace {

// Loads and stores of one vector step; lanes at or past the bound are masked.
Value laneMask(ConversionPatternRewriter &r, Location loc, VectorType vt,
               Value offset, Value bound) {
  auto maskType = VectorType::get(vt.getShape(), r.getI1Type());
  return r.create<LLVM::GetActiveLaneMaskOp>(loc, maskType, offset, bound);
}

// A complex number (an LLVM struct of its parts by now) is aligned as a part.
unsigned alignmentOf(Type elem) {
  if (auto parts = dyn_cast<LLVM::LLVMStructType>(elem))
    return alignmentOf(parts.getBody().front());
  return std::max(1u, elem.getIntOrFloatBitWidth() / 8);
}

// A step its target proved whole (ttile.in_bounds, set by the CUDA backend
// behind a run-time check) needs no mask; ttile.alignment is what the check
// proved of its address.
bool inBounds(Operation *op) { return op->hasAttr("ttile.in_bounds"); }
unsigned provenAlignment(Operation *op, Type elem) {
  if (auto a = op->getAttrOfType<IntegerAttr>("ttile.alignment"))
    return static_cast<unsigned>(a.getInt());
  return alignmentOf(elem);
}

// The element's value 1 (a narrow float's as its bits with
// addNarrowFloatStorage).
TypedAttr oneOf(Builder &b, Type elem, Type converted) {
  if (!isa<FloatType>(elem))
    return b.getIntegerAttr(converted, 1);
  auto one = b.getFloatAttr(elem, 1.0);
  if (converted == elem)
    return one;
  return b.getIntegerAttr(converted, one.getValue().bitcastToAPInt());
}

struct LoadLowering : OpConversionPattern<ttile::LoadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ttile::LoadOp op, OpAdaptor a,
                                ConversionPatternRewriter &r) const override {
    Location loc = op.getLoc();
    auto vt = cast<VectorType>(getTypeConverter()->convertType(op.getType()));
    Type elem = vt.getElementType();
    Value addr =
        r.create<LLVM::GEPOp>(loc, llvmPtrType(getContext()), elem,
                              a.getBuffer(), ValueRange{a.getOffset()});
    if (inBounds(op)) {
      r.replaceOpWithNewOp<LLVM::LoadOp>(op, vt, addr,
                                         provenAlignment(op, elem));
      return success();
    }
    Value mask = laneMask(r, loc, vt, a.getOffset(), a.getBound());
    // Masked-off lanes read as one, so that an integer division in them
    // cannot trap.
    TypedAttr one = oneOf(r, op.getType().getElementType(), elem);
    Value ones =
        r.create<LLVM::ConstantOp>(loc, vt, DenseElementsAttr::get(vt, one));
    r.replaceOpWithNewOp<LLVM::MaskedLoadOp>(
        op, vt, addr, mask, ValueRange{ones}, alignmentOf(elem));
    return success();
  }
};

struct StoreLowering : OpConversionPattern<ttile::StoreOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ttile::StoreOp op, OpAdaptor a,
                                ConversionPatternRewriter &r) const override {
    Location loc = op.getLoc();
    auto vt = cast<VectorType>(
        getTypeConverter()->convertType(op.getValue().getType()));
    Type elem = vt.getElementType();
    Value addr =
        r.create<LLVM::GEPOp>(loc, llvmPtrType(getContext()), elem,
                              a.getBuffer(), ValueRange{a.getOffset()});
    if (inBounds(op)) {
      r.replaceOpWithNewOp<LLVM::StoreOp>(op, a.getValue(), addr,
                                          provenAlignment(op, elem));
      return success();
    }
    Value mask = laneMask(r, loc, vt, a.getOffset(), a.getBound());
    r.replaceOpWithNewOp<LLVM::MaskedStoreOp>(op, a.getValue(), addr, mask,
                                              alignmentOf(elem));
    return success();
  }
};

// Scalar reads and writes of flat buffers (bare pointers by now).
struct MemRefLoadLowering : OpConversionPattern<memref::LoadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(memref::LoadOp op, OpAdaptor a,
                                ConversionPatternRewriter &r) const override {
    Type elem = getTypeConverter()->convertType(op.getType());
    Value addr = r.create<LLVM::GEPOp>(op.getLoc(), llvmPtrType(getContext()),
                                       elem, a.getMemref(), a.getIndices());
    r.replaceOpWithNewOp<LLVM::LoadOp>(op, elem, addr, alignmentOf(elem));
    return success();
  }
};

struct MemRefStoreLowering : OpConversionPattern<memref::StoreOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(memref::StoreOp op, OpAdaptor a,
                                ConversionPatternRewriter &r) const override {
    Type elem = getTypeConverter()->convertType(op.getValueToStore().getType());
    Value addr = r.create<LLVM::GEPOp>(op.getLoc(), llvmPtrType(getContext()),
                                       elem, a.getMemref(), a.getIndices());
    r.replaceOpWithNewOp<LLVM::StoreOp>(op, a.getValue(), addr,
                                        alignmentOf(elem));
    return success();
  }
};

// A buffer's address as an integer (alignment checks).
struct AlignedPointerLowering
    : OpConversionPattern<memref::ExtractAlignedPointerAsIndexOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(memref::ExtractAlignedPointerAsIndexOp op,
                                OpAdaptor a,
                                ConversionPatternRewriter &r) const override {
    r.replaceOpWithNewOp<LLVM::PtrToIntOp>(
        op, getTypeConverter()->convertType(op.getType()), a.getSource());
    return success();
  }
};

// A buffer seen with a static extent is the same pointer.
struct MemRefCastLowering : OpConversionPattern<memref::CastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(memref::CastOp op, OpAdaptor a,
                                ConversionPatternRewriter &r) const override {
    r.replaceOp(op, a.getSource());
    return success();
  }
};

// The loops' blocks still carry index and vector arguments: converted with
// the rest, inside the functions the structural step built.
struct FuncBlockTypes : OpConversionPattern<LLVM::LLVMFuncOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(LLVM::LLVMFuncOp fn, OpAdaptor,
                                ConversionPatternRewriter &r) const override {
    if (failed(r.convertRegionTypes(&fn.getBody(), *getTypeConverter())))
      return failure();
    r.modifyOpInPlace(fn, [] {});
    return success();
  }
};

} // namespace

unsigned storageBytes(Type elem) {
  if (elem.isIndex())
    return 8;
  if (auto complex = dyn_cast<ComplexType>(elem))
    return 2 * storageBytes(complex.getElementType());
  return std::max(1u, elem.getIntOrFloatBitWidth() / 8);
}

LogicalResult
convertBodiesToLLVM(ModuleOp module,
                    function_ref<LogicalResult(OpPassManager &)> runPipeline,
                    bool bf16Bits) {
  MLIRContext *ctx = module.getContext();
  // Loops inside kernel bodies become branches, now that the bodies are
  // functions' blocks.
  OpPassManager scf(ModuleOp::getOperationName());
  scf.addPass(createConvertSCFToCFPass());
  if (failed(runPipeline(scf)))
    return failure();

  LowerToLLVMOptions options(ctx);
  LLVMTypeConverter converter(ctx, options);
  converter.addConversion(
      [](MemRefType t) -> Type { return llvmPtrType(t.getContext()); });
  RewritePatternSet patterns(ctx);
  addNarrowFloatStorage(converter, patterns, bf16Bits);
  arith::populateArithToLLVMConversionPatterns(converter, patterns);
  populateComplexToLLVMConversionPatterns(converter, patterns);
  populateMathToLLVMConversionPatterns(converter, patterns);
  populateVectorToLLVMConversionPatterns(converter, patterns);
  cf::populateControlFlowToLLVMConversionPatterns(converter, patterns);
  patterns
      .add<LoadLowering, StoreLowering, MemRefLoadLowering, MemRefStoreLowering,
           MemRefCastLowering, AlignedPointerLowering, FuncBlockTypes>(
          converter, ctx);
  LLVMConversionTarget target(*ctx);
  target.addDynamicallyLegalOp<LLVM::LLVMFuncOp>([&](LLVM::LLVMFuncOp fn) {
    for (Block &block : fn.getBody())
      if (!converter.isLegal(block.getArgumentTypes()))
        return false;
    return true;
  });
  target.addLegalOp<ModuleOp, UnrealizedConversionCastOp>();
  // GPU kernels read their thread's position through NVVM intrinsics.
  target.addLegalDialect<NVVM::NVVMDialect>();
  if (failed(applyFullConversion(module, target, std::move(patterns))))
    return failure();

  OpPassManager cleanup(ModuleOp::getOperationName());
  cleanup.addPass(createReconcileUnrealizedCastsPass());
  return runPipeline(cleanup);
}

} // namespace tessera
