// Tile IR -> LLVM dialect for the CPU. Two steps: first the structure (each
// kernel becomes a loop over its vector steps, each entry a function with the
// runtime's calling convention, launches become calls of the runtime's launch
// callback); then a dialect conversion of what is left inside (ttile loads
// and stores become masked vector intrinsics, arith becomes llvm).
#include "tessera/Backend/Passes.h"
#include "tessera/Backend/Symbols.h"
#include "tessera/Dialect/TGraph/TGraph.h"
#include "tessera/Dialect/TTile/TTile.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVM.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/FunctionCallUtils.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace tessera {
#define GEN_PASS_DEF_CONVERTTTILETOLLVM
#include "tessera/Backend/Passes.h.inc"
} // namespace tessera

using namespace mlir;

namespace tessera {
namespace {

Type ptrType(MLIRContext *ctx) { return LLVM::LLVMPointerType::get(ctx); }

// What an entry returns when a temporary buffer cannot be allocated
// (TESSERA_ERROR_OUT_OF_MEMORY in tessera_rt.h).
constexpr int32_t kOutOfMemory = 5;

Value i64Const(OpBuilder &b, Location loc, int64_t v) {
  return b.create<LLVM::ConstantOp>(loc, b.getI64Type(),
                                    b.getI64IntegerAttr(v));
}

// Loads element `index` of an array of `type` at `base`.
Value loadElement(OpBuilder &b, Location loc, Value base, Type type,
                  int64_t index) {
  Value addr = b.create<LLVM::GEPOp>(loc, ptrType(b.getContext()), type, base,
                                     ArrayRef<LLVM::GEPArg>{index});
  return b.create<LLVM::LoadOp>(loc, type, addr);
}

// Stands in for an original (memref / index) value until the conversion
// step; reconcile-unrealized-casts removes the pairs it creates.
Value castTo(OpBuilder &b, Location loc, Value v, Type t) {
  return b.create<UnrealizedConversionCastOp>(loc, t, v).getResult(0);
}

// ttile.kernel -> void tessera_kernel_<name>(ptr args, ptr sizes,
//                                            i64 tile_begin, i64 tile_end)
void lowerKernel(ttile::KernelOp kernel, OpBuilder &mb) {
  MLIRContext *ctx = kernel.getContext();
  Location loc = kernel.getLoc();
  Type ptr = ptrType(ctx), i64 = mb.getI64Type();
  auto fnType = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx),
                                            {ptr, ptr, i64, i64});
  auto fn = mb.create<LLVM::LLVMFuncOp>(
      loc, kernelSymbol(kernel.getSymName().str()), fnType);
  Block *entry = fn.addEntryBlock(mb);
  Block &body = kernel.getBody().front();
  unsigned numBuffers = kernel.getNumBuffers();

  OpBuilder b = OpBuilder::atBlockEnd(entry);
  Value args = entry->getArgument(0), sizes = entry->getArgument(1);
  for (unsigned i = 0; i < numBuffers; ++i) {
    BlockArgument arg = body.getArgument(i);
    Value p = loadElement(b, loc, args, ptr, i);
    arg.replaceAllUsesWith(castTo(b, loc, p, arg.getType()));
  }
  // sizes[0]: the points; then the extents the body reads.
  Value extent = loadElement(b, loc, sizes, i64, 0);
  body.getArgument(numBuffers + 1)
      .replaceAllUsesWith(castTo(b, loc, extent, b.getIndexType()));
  for (unsigned i = 0; i < kernel.getNumSizes(); ++i)
    body.getArgument(numBuffers + 2 + i)
        .replaceAllUsesWith(castTo(
            b, loc, loadElement(b, loc, sizes, i64, i + 1), b.getIndexType()));

  // Tiles [begin, end) cover elements [begin*T, min(end*T, extent)).
  Value tile = i64Const(b, loc, kernel.getTile());
  Value start = b.create<LLVM::MulOp>(loc, entry->getArgument(2), tile);
  Value endT = b.create<LLVM::MulOp>(loc, entry->getArgument(3), tile);
  Value stop = b.create<LLVM::SMinOp>(loc, endT, extent);

  // Blocks: entry -> header(offset) -> body (the kernel's) -> header | exit.
  Block *header = new Block();
  Block *exit = new Block();
  fn.getBody().push_back(header);
  fn.getBody().push_back(exit);
  Value offset = header->addArgument(i64, loc);
  b.create<LLVM::BrOp>(loc, ValueRange{start}, header);

  b.setInsertionPointToStart(header);
  body.getArgument(numBuffers)
      .replaceAllUsesWith(castTo(b, loc, offset, b.getIndexType()));
  Value more =
      b.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::slt, offset, stop);
  Block *loopBody = &body;
  loopBody->eraseArguments(0, loopBody->getNumArguments());
  loopBody->moveBefore(exit);
  b.create<LLVM::CondBrOp>(loc, more, loopBody, exit);

  auto yield = cast<ttile::YieldOp>(loopBody->getTerminator());
  b.setInsertionPoint(yield);
  Value next =
      b.create<LLVM::AddOp>(loc, offset, i64Const(b, loc, kernel.getVector()));
  b.create<LLVM::BrOp>(loc, ValueRange{next}, header);
  yield.erase();

  b.setInsertionPointToStart(exit);
  b.create<LLVM::ReturnOp>(loc, ValueRange{});
}

// func.func (entry) -> i32 tessera_entry_<name>(ptr launcher, ptr launch,
//                                               ptr buffers, ptr dims)
LogicalResult lowerEntry(func::FuncOp fn, ModuleOp module, OpBuilder &mb) {
  MLIRContext *ctx = fn.getContext();
  Location loc = fn.getLoc();
  Type ptr = ptrType(ctx), i64 = mb.getI64Type(), i32 = mb.getI32Type();
  auto llvmFn = mb.create<LLVM::LLVMFuncOp>(
      loc, entrySymbol(fn.getName().str()),
      LLVM::LLVMFunctionType::get(i32, {ptr, ptr, ptr, ptr}));
  Block *entry = llvmFn.addEntryBlock(mb);
  Value launcher = entry->getArgument(0), launch = entry->getArgument(1);
  Value buffers = entry->getArgument(2), dims = entry->getArgument(3);

  OpBuilder b = OpBuilder::atBlockEnd(entry);
  Block &old = fn.getBody().front();
  int64_t nextBuffer = 0, nextDim = 0;
  for (BlockArgument arg : old.getArguments()) {
    Value v = isa<MemRefType>(arg.getType())
                  ? loadElement(b, loc, buffers, ptr, nextBuffer++)
                  : loadElement(b, loc, dims, i64, nextDim++);
    arg.replaceAllUsesWith(castTo(b, loc, v, arg.getType()));
  }
  entry->getOperations().splice(entry->end(), old.getOperations());

  auto launchType = LLVM::LLVMFunctionType::get(i32, {ptr, ptr, ptr, ptr, i64});
  LLVM::LLVMFuncOp mallocFn = LLVM::lookupOrCreateMallocFn(module, i64);
  LLVM::LLVMFuncOp freeFn = LLVM::lookupOrCreateFreeFn(module);
  // Temporary buffers allocated so far: freed on every way out.
  SmallVector<Value> live;
  Block *current = entry;
  // Ends `current` after `op` with a check of `ok`: on failure, free the
  // temporaries and return `status`.
  auto checkAfter = [&](Operation *op, Value ok, Value status) {
    Location l = op->getLoc();
    Block *rest = current->splitBlock(op->getNextNode());
    Block *failed = new Block();
    llvmFn.getBody().push_back(failed);
    b.setInsertionPointToEnd(current);
    b.create<LLVM::CondBrOp>(l, ok, rest, failed);
    b.setInsertionPointToStart(failed);
    for (Value t : live)
      b.create<LLVM::CallOp>(l, freeFn, ValueRange{t});
    b.create<LLVM::ReturnOp>(l, status);
    current = rest;
  };
  // Collected first: checks split the block as the walk goes.
  SmallVector<Operation *> steps;
  for (Operation &op : *entry)
    if (isa<memref::AllocOp, memref::DeallocOp, ttile::LaunchOp>(op))
      steps.push_back(&op);
  DenseMap<Value, Value> pointerOf; // temporary buffer -> its malloc'd pointer
  for (Operation *op : steps) {
    if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
      Location l = alloc.getLoc();
      b.setInsertionPoint(alloc);
      Type elem = alloc.getType().getElementType();
      // A count the canonicalizer folded is in the type instead.
      Value count = alloc.getDynamicSizes().empty()
                        ? i64Const(b, l, alloc.getType().getNumElements())
                        : castTo(b, l, alloc.getDynamicSizes()[0], i64);
      // At least one byte, so that an empty tensor is not a failure.
      Value bytes = b.create<LLVM::MulOp>(
          l, count,
          i64Const(b, l, std::max(1u, elem.getIntOrFloatBitWidth() / 8)));
      bytes = b.create<LLVM::UMaxOp>(l, bytes, i64Const(b, l, 1));
      Value p =
          b.create<LLVM::CallOp>(l, mallocFn, ValueRange{bytes}).getResult();
      Value ok = b.create<LLVM::ICmpOp>(l, LLVM::ICmpPredicate::ne, p,
                                        b.create<LLVM::ZeroOp>(l, ptr));
      Value buffer = castTo(b, l, p, alloc.getType());
      alloc.getResult().replaceAllUsesWith(buffer);
      pointerOf[buffer] = p;
      Value oom =
          b.create<LLVM::ConstantOp>(l, i32, b.getI32IntegerAttr(kOutOfMemory));
      alloc.erase();
      checkAfter(oom.getDefiningOp(), ok, oom);
      live.push_back(p);
      continue;
    }
    if (auto dealloc = dyn_cast<memref::DeallocOp>(op)) {
      b.setInsertionPoint(dealloc);
      Value freed = dealloc.getMemref();
      if (auto cast = freed.getDefiningOp<memref::CastOp>())
        freed = cast.getSource();
      Value p = pointerOf.lookup(freed);
      if (!p)
        return dealloc.emitError("frees a buffer the entry did not allocate");
      b.create<LLVM::CallOp>(dealloc.getLoc(), freeFn, ValueRange{p});
      llvm::erase(live, p);
      dealloc.erase();
      continue;
    }
    auto launchOp = dyn_cast<ttile::LaunchOp>(op);
    if (!launchOp)
      continue;
    Location l = launchOp.getLoc();
    auto kernel = module.lookupSymbol<ttile::KernelOp>(launchOp.getKernel());
    auto kernelFn = module.lookupSymbol<LLVM::LLVMFuncOp>(
        kernelSymbol(launchOp.getKernel().str()));
    if (!kernel || !kernelFn)
      return launchOp.emitError("unknown kernel @") << launchOp.getKernel();
    b.setInsertionPoint(launchOp);
    int64_t n = launchOp.getBuffers().size();
    Value argv = b.create<LLVM::AllocaOp>(
        l, ptr, ptr, i64Const(b, l, std::max<int64_t>(n, 1)));
    for (auto [i, buf] : llvm::enumerate(launchOp.getBuffers())) {
      Value slot = b.create<LLVM::GEPOp>(l, ptr, ptr, argv,
                                         ArrayRef<LLVM::GEPArg>{int32_t(i)});
      b.create<LLVM::StoreOp>(l, castTo(b, l, buf, ptr), slot);
    }
    // sizes: the points, then the kernel's extents.
    Value elements = castTo(b, l, launchOp.getElements(), i64);
    int64_t numSizes = 1 + launchOp.getSizes().size();
    Value sizes =
        b.create<LLVM::AllocaOp>(l, ptr, i64, i64Const(b, l, numSizes));
    b.create<LLVM::StoreOp>(l, elements, sizes);
    for (auto [i, size] : llvm::enumerate(launchOp.getSizes())) {
      Value slot = b.create<LLVM::GEPOp>(
          l, ptr, i64, sizes, ArrayRef<LLVM::GEPArg>{int32_t(i + 1)});
      b.create<LLVM::StoreOp>(l, castTo(b, l, size, i64), slot);
    }
    Value tile = i64Const(b, l, kernel.getTile());
    Value tiles = b.create<LLVM::UDivOp>(
        l,
        b.create<LLVM::AddOp>(l, elements,
                              i64Const(b, l, kernel.getTile() - 1)),
        tile);
    Value fnPtr = b.create<LLVM::AddressOfOp>(l, kernelFn);
    auto call = b.create<LLVM::CallOp>(
        l, launchType, ValueRange{launch, launcher, fnPtr, argv, sizes, tiles});
    Value status = call.getResult();
    // A failed launch returns its status; later launches do not run.
    Value ok = b.create<LLVM::ICmpOp>(
        l, LLVM::ICmpPredicate::eq, status,
        b.create<LLVM::ConstantOp>(l, i32, b.getI32IntegerAttr(0)));
    launchOp.erase();
    checkAfter(ok.getDefiningOp(), ok, status);
  }
  auto ret = cast<func::ReturnOp>(current->getTerminator());
  b.setInsertionPoint(ret);
  b.create<LLVM::ReturnOp>(ret.getLoc(),
                           ValueRange{b.create<LLVM::ConstantOp>(
                               ret.getLoc(), i32, b.getI32IntegerAttr(0))});
  ret.erase();
  return success();
}

// Loads and stores of one vector step; lanes at or past the bound are masked.
Value laneMask(ConversionPatternRewriter &r, Location loc, VectorType vt,
               Value offset, Value bound) {
  auto maskType = VectorType::get(vt.getShape(), r.getI1Type());
  return r.create<LLVM::GetActiveLaneMaskOp>(loc, maskType, offset, bound);
}

unsigned alignmentOf(Type elem) {
  return std::max(1u, elem.getIntOrFloatBitWidth() / 8);
}

struct LoadLowering : OpConversionPattern<ttile::LoadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ttile::LoadOp op, OpAdaptor a,
                                ConversionPatternRewriter &r) const override {
    Location loc = op.getLoc();
    VectorType vt = op.getType();
    Type elem = vt.getElementType();
    Value addr =
        r.create<LLVM::GEPOp>(loc, ptrType(getContext()), elem, a.getBuffer(),
                              ValueRange{a.getOffset()});
    Value mask = laneMask(r, loc, vt, a.getOffset(), a.getBound());
    // Masked-off lanes read as one, so that an integer division in them
    // cannot trap.
    TypedAttr one = isa<FloatType>(elem) ? TypedAttr(r.getFloatAttr(elem, 1.0))
                                         : TypedAttr(r.getIntegerAttr(elem, 1));
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
    auto vt = cast<VectorType>(op.getValue().getType());
    Type elem = vt.getElementType();
    Value addr =
        r.create<LLVM::GEPOp>(loc, ptrType(getContext()), elem, a.getBuffer(),
                              ValueRange{a.getOffset()});
    Value mask = laneMask(r, loc, vt, a.getOffset(), a.getBound());
    r.replaceOpWithNewOp<LLVM::MaskedStoreOp>(op, a.getValue(), addr, mask,
                                              alignmentOf(elem));
    return success();
  }
};

// remf (the pow expansion's parity test) without libm's fmodf:
// a - b * trunc(a / b), trunc exact for every float (those of magnitude
// 2^23 and more are integers already).
struct RemFExpansion : OpRewritePattern<arith::RemFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::RemFOp op,
                                PatternRewriter &r) const override {
    Location loc = op.getLoc();
    Type t = op.getType();
    Type elem = getElementTypeOrSelf(t);
    Type intType = IntegerType::get(getContext(), elem.getIntOrFloatBitWidth());
    if (auto vt = dyn_cast<VectorType>(t))
      intType = VectorType::get(vt.getShape(), intType);
    auto splat = [&](double v) -> Value {
      TypedAttr a = r.getFloatAttr(elem, v);
      if (auto vt = dyn_cast<VectorType>(t))
        return r.create<arith::ConstantOp>(loc, DenseElementsAttr::get(vt, a));
      return r.create<arith::ConstantOp>(loc, a);
    };
    Value q = r.create<arith::DivFOp>(loc, op.getLhs(), op.getRhs());
    Value truncated = r.create<arith::SIToFPOp>(
        loc, t, r.create<arith::FPToSIOp>(loc, intType, q));
    Value big = r.create<arith::CmpFOp>(
        loc, arith::CmpFPredicate::UGE, r.create<math::AbsFOp>(loc, q),
        splat(elem.isF32() ? 8388608.0 : 4503599627370496.0));
    Value whole = r.create<arith::SelectOp>(loc, big, q, truncated);
    r.replaceOpWithNewOp<arith::SubFOp>(
        op, op.getLhs(), r.create<arith::MulFOp>(loc, op.getRhs(), whole));
    return success();
  }
};

// Scalar reads and writes of flat buffers (bare pointers by now).
struct MemRefLoadLowering : OpConversionPattern<memref::LoadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(memref::LoadOp op, OpAdaptor a,
                                ConversionPatternRewriter &r) const override {
    Type elem = op.getType();
    Value addr = r.create<LLVM::GEPOp>(op.getLoc(), ptrType(getContext()), elem,
                                       a.getMemref(), a.getIndices());
    r.replaceOpWithNewOp<LLVM::LoadOp>(op, elem, addr, alignmentOf(elem));
    return success();
  }
};

struct MemRefStoreLowering : OpConversionPattern<memref::StoreOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(memref::StoreOp op, OpAdaptor a,
                                ConversionPatternRewriter &r) const override {
    Type elem = op.getValueToStore().getType();
    Value addr = r.create<LLVM::GEPOp>(op.getLoc(), ptrType(getContext()), elem,
                                       a.getMemref(), a.getIndices());
    r.replaceOpWithNewOp<LLVM::StoreOp>(op, a.getValue(), addr,
                                        alignmentOf(elem));
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

struct ConvertTTileToLLVMPass
    : impl::ConvertTTileToLLVMBase<ConvertTTileToLLVMPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    OpBuilder mb = OpBuilder::atBlockEnd(module.getBody());

    // Transcendentals: Tessera's own polynomial approximations, with every
    // multiply-add kept separate, so no libm call and the same bits on every
    // machine (ARCHITECTURE.md §6). Applied inside kernel bodies only, and
    // without simplifying their structure.
    {
      RewritePatternSet math(&getContext());
      populateMathPolynomialApproximationPatterns(math);
      populateExpandPowFPattern(math);
      populateExpandFmaFPattern(math);
      // floor/ceil would be libm calls on CPUs without SSE4.1.
      populateExpandFloorFPattern(math);
      populateExpandCeilFPattern(math);
      math.add<RemFExpansion>(&getContext());
      FrozenRewritePatternSet frozen(std::move(math));
      GreedyRewriteConfig config;
      config.enableRegionSimplification = GreedySimplifyRegionLevel::Disabled;
      for (auto kernel : module.getOps<ttile::KernelOp>())
        if (failed(applyPatternsAndFoldGreedily(kernel, frozen, config)))
          return signalPassFailure();
    }

    for (auto kernel :
         llvm::make_early_inc_range(module.getOps<ttile::KernelOp>()))
      lowerKernel(kernel, mb);
    for (auto fn : llvm::make_early_inc_range(module.getOps<func::FuncOp>())) {
      if (!fn->hasAttr(tgraph::kEntryAttr)) {
        fn.emitError("only entry functions can be lowered to LLVM");
        return signalPassFailure();
      }
      if (failed(lowerEntry(fn, module, mb)))
        return signalPassFailure();
      fn.erase();
    }
    for (auto kernel :
         llvm::make_early_inc_range(module.getOps<ttile::KernelOp>()))
      kernel.erase();

    // Loops inside kernel bodies become branches, now that the bodies are
    // functions' blocks.
    {
      OpPassManager scf(ModuleOp::getOperationName());
      scf.addPass(createConvertSCFToCFPass());
      if (failed(runPipeline(scf, module)))
        return signalPassFailure();
    }

    LowerToLLVMOptions options(&getContext());
    LLVMTypeConverter converter(&getContext(), options);
    converter.addConversion(
        [](MemRefType t) -> Type { return ptrType(t.getContext()); });
    RewritePatternSet patterns(&getContext());
    arith::populateArithToLLVMConversionPatterns(converter, patterns);
    populateMathToLLVMConversionPatterns(converter, patterns);
    populateVectorToLLVMConversionPatterns(converter, patterns);
    cf::populateControlFlowToLLVMConversionPatterns(converter, patterns);
    patterns.add<LoadLowering, StoreLowering, MemRefLoadLowering,
                 MemRefStoreLowering, MemRefCastLowering, FuncBlockTypes>(
        converter, &getContext());
    LLVMConversionTarget target(getContext());
    target.addDynamicallyLegalOp<LLVM::LLVMFuncOp>([&](LLVM::LLVMFuncOp fn) {
      for (Block &block : fn.getBody())
        if (!converter.isLegal(block.getArgumentTypes()))
          return false;
      return true;
    });
    target.addLegalOp<ModuleOp, UnrealizedConversionCastOp>();
    if (failed(applyFullConversion(module, target, std::move(patterns))))
      return signalPassFailure();

    OpPassManager cleanup(ModuleOp::getOperationName());
    cleanup.addPass(createReconcileUnrealizedCastsPass());
    if (failed(runPipeline(cleanup, module)))
      return signalPassFailure();
  }
};

} // namespace
} // namespace tessera
