// Tile IR kernels -> GPU kernels in the LLVM dialect with NVVM intrinsics.
// A kernel keeps the CPU's tile loop (one vector step per tile here) and
// gains a thin wrapper: the GPU kernel that takes the launch's parameters,
// finds its thread's tile and runs it. The same loads, stores and math as on
// the CPU, in the same order, give the same bits.
#include "../common/TileLowering.h"
#include "FlashAttention.h"
#include "FoldUnrolling.h"
#include "LaneLoops.h"
#include "MatmulTiles.h"
#include "PanelPacking.h"
#include "WarpLanes.h"
#include "tessera/Backend/Passes.h"
#include "tessera/Backend/Symbols.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace tessera {
#define GEN_PASS_DEF_CONVERTTTILETONVVM
#include "tessera/Backend/Passes.h.inc"
} // namespace tessera

using namespace mlir;

namespace tessera {
namespace {

// Threads per block of every launch (the runtime's, tbin_abi.h).
constexpr int32_t kThreadsPerBlock = 256;

// Iterations of a reduction's fold loop whose loads a thread issues
// together (FoldUnrolling.cpp).
constexpr uint64_t kFoldUnroll = 8;

// The widest access one instruction makes (ld.global.v4.f32).
constexpr int64_t kWidestAccess = 16;

// Masked accesses become one branch per lane on the GPU, through generic
// pointers. Most steps are whole and aligned: those take plain vector
// accesses instead (ttile.in_bounds, ttile.alignment: BodyConversion.cpp),
// the rest keep the mask. Either way each lane reads and writes the same
// element, so results do not change.
void guardMemoryAccesses(ttile::KernelOp kernel) {
  SmallVector<Operation *> accesses;
  kernel.walk([&](Operation *op) {
    if (isa<ttile::LoadOp, ttile::StoreOp>(op))
      accesses.push_back(op);
  });
  for (Operation *op : accesses) {
    OpBuilder b(op);
    Location loc = op->getLoc();
    auto load = dyn_cast<ttile::LoadOp>(op);
    auto store = dyn_cast<ttile::StoreOp>(op);
    VectorType vt =
        load ? load.getType() : cast<VectorType>(store.getValue().getType());
    Value buffer = load ? load.getBuffer() : store.getBuffer();
    Value offset = load ? load.getOffset() : store.getOffset();
    Value bound = load ? load.getBound() : store.getBound();
    int64_t lanes = vt.getNumElements();
    int64_t elemBytes = std::max<int64_t>(1, vt.getElementTypeBitWidth() / 8);
    int64_t align = std::min(kWidestAccess, lanes * elemBytes);
    auto index = [&](int64_t v) {
      return b.create<arith::ConstantIndexOp>(loc, v);
    };
    Value end = b.create<arith::AddIOp>(loc, offset, index(lanes));
    Value ok =
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::sle, end, bound);
    if (align > elemBytes) {
      Value base =
          b.create<memref::ExtractAlignedPointerAsIndexOp>(loc, buffer);
      Value addr = b.create<arith::AddIOp>(
          loc, base, b.create<arith::MulIOp>(loc, offset, index(elemBytes)));
      Value rem = b.create<arith::RemUIOp>(loc, addr, index(align));
      ok = b.create<arith::AndIOp>(
          loc, ok,
          b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, rem,
                                  index(0)));
    }
    SmallVector<Type> results;
    if (load)
      results.push_back(vt);
    auto guard = b.create<scf::IfOp>(loc, results, ok, /*withElse=*/true);
    auto fill = [&](Block *block, bool fast) {
      OpBuilder inner = OpBuilder::atBlockBegin(block);
      Operation *copy = inner.clone(*op);
      if (fast) {
        copy->setAttr("ttile.in_bounds", inner.getUnitAttr());
        copy->setAttr("ttile.alignment", inner.getI64IntegerAttr(align));
      }
      if (load)
        inner.create<scf::YieldOp>(loc, copy->getResults());
      else if (block->empty() ||
               !block->back().hasTrait<OpTrait::IsTerminator>())
        inner.create<scf::YieldOp>(loc);
    };
    // The builder made terminators for a store's (result-less) branches.
    for (Block *block : {guard.thenBlock(), guard.elseBlock()})
      if (!block->empty())
        block->back().erase();
    fill(guard.thenBlock(), /*fast=*/true);
    fill(guard.elseBlock(), /*fast=*/false);
    if (load)
      load.getResult().replaceAllUsesWith(guard.getResult(0));
    op->erase();
  }
}

// void tessera_kernel_<name>(ptr buf..., i64 size..., i64 threads): thread
// t < threads runs tile t / `perTile` of `tileFn` (`perTile` threads a tile,
// the host's gpuThreadsPerTile; with `firstOnly`, only the first of them).
// `numSizes` counts the point count.
void buildGpuKernel(ttile::KernelOp kernel, LLVM::LLVMFuncOp tileFn,
                    unsigned numBuffers, unsigned numSizes, int64_t perTile,
                    bool firstOnly, OpBuilder &mb) {
  MLIRContext *ctx = kernel.getContext();
  Location loc = kernel.getLoc();
  Type ptr = llvmPtrType(ctx), i64 = mb.getI64Type(), i32 = mb.getI32Type();
  // Buffers are global memory: said so in the parameters' address space, so
  // that loads and stores become ld.global / st.global.
  Type globalPtr = LLVM::LLVMPointerType::get(ctx, 1);
  SmallVector<Type> params(numBuffers, globalPtr);
  params.append(numSizes + 1, i64);
  auto fn = mb.create<LLVM::LLVMFuncOp>(
      loc, kernelSymbol(kernel.getSymName().str()),
      LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), params));
  fn->setAttr(NVVM::NVVMDialect::getKernelFuncAttrName(), UnitAttr::get(ctx));
  fn->setAttr(NVVM::NVVMDialect::getMaxntidAttrName(),
              mb.getDenseI32ArrayAttr({kThreadsPerBlock, 1, 1}));
  Block *entry = fn.addEntryBlock(mb);
  OpBuilder b = OpBuilder::atBlockEnd(entry);

  auto widen = [&](Value v) { return b.create<LLVM::ZExtOp>(loc, i64, v); };
  Value block = widen(b.create<NVVM::BlockIdXOp>(loc, i32));
  Value width = widen(b.create<NVVM::BlockDimXOp>(loc, i32));
  Value thread = widen(b.create<NVVM::ThreadIdXOp>(loc, i32));
  Value global = b.create<LLVM::AddOp>(
      loc, b.create<LLVM::MulOp>(loc, block, width), thread);
  Value threads = entry->getArgument(numBuffers + numSizes);
  Value tile = global;
  Value inside =
      b.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::slt, global, threads);
  if (perTile != 1) {
    tile = b.create<LLVM::UDivOp>(loc, global, i64Const(b, loc, perTile));
    if (firstOnly)
      inside = b.create<LLVM::AndOp>(
          loc, inside,
          b.create<LLVM::ICmpOp>(
              loc, LLVM::ICmpPredicate::eq,
              b.create<LLVM::URemOp>(loc, global, i64Const(b, loc, perTile)),
              i64Const(b, loc, 0)));
  }

  Block *run = fn.addBlock();
  Block *done = fn.addBlock();
  b.create<LLVM::CondBrOp>(loc, inside, run, done);

  // The tile loop reads its operands from arrays, as on the CPU; after
  // inlining, LLVM keeps them in registers.
  b.setInsertionPointToStart(run);
  auto array = [&](Type elem, unsigned first, unsigned count) {
    Value a = b.create<LLVM::AllocaOp>(loc, ptr, elem,
                                       i64Const(b, loc, std::max(count, 1u)));
    for (unsigned i = 0; i < count; ++i) {
      Value slot = b.create<LLVM::GEPOp>(loc, ptr, elem, a,
                                         ArrayRef<LLVM::GEPArg>{int32_t(i)});
      Value v = entry->getArgument(first + i);
      if (v.getType() == globalPtr)
        v = b.create<LLVM::AddrSpaceCastOp>(loc, ptr, v);
      b.create<LLVM::StoreOp>(loc, v, slot);
    }
    return a;
  };
  Value args = array(ptr, 0, numBuffers);
  Value sizes = array(i64, numBuffers, numSizes);
  Value next = b.create<LLVM::AddOp>(loc, tile, i64Const(b, loc, 1));
  b.create<LLVM::CallOp>(loc, tileFn, ValueRange{args, sizes, tile, next});
  b.create<LLVM::BrOp>(loc, done);

  b.setInsertionPointToStart(done);
  b.create<LLVM::ReturnOp>(loc, ValueRange{});
}

struct ConvertTTileToNVVMPass
    : impl::ConvertTTileToNVVMBase<ConvertTTileToNVVMPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(emulateNarrowFloats(module)) || failed(expandKernelMath(module)))
      return signalPassFailure();
    OpBuilder mb = OpBuilder::atBlockEnd(module.getBody());
    MLIRContext *ctx = &getContext();
    for (auto kernel :
         llvm::make_early_inc_range(module.getOps<ttile::KernelOp>())) {
      // A matmul's epilogue per element: the block tiles that apply it
      // clone its body (GpuEpilogue.cpp); it is no kernel of its own.
      if (kernel.getKind() == "matmul_epilogue")
        continue;
      if (runsAsGpuMatmulTiles(kernel)) {
        buildGpuMatmulKernel(kernel, mb);
        kernel.erase();
        continue;
      }
      if (gpuPackChunks(kernel)) {
        buildGpuPackKernel(kernel, mb);
        kernel.erase();
        continue;
      }
      // Kept for the widths the variants do not take.
      if (runsAsFlashAttention(kernel))
        buildFlashAttentionVariants(kernel, mb);
      // A row reduction: a warp a row, a thread a lane. Should a body hold
      // an operator that cannot be split so, the warp's first thread runs
      // all 32 lanes instead (the same bits).
      int64_t perTile = gpuThreadsPerTile(kernel);
      bool firstOnly = false;
      if (hasLaneLoops(kernel))
        // A point a warp whose lanes share the marked loops.
        spreadLoopsOverLanes(kernel);
      else if (perTile != 1)
        firstOnly = failed(distributeLanesOverWarp(kernel));
      // Long folds: loads of several elements in flight at once.
      if (kernel.getKind() == "reduction" ||
          kernel.getKind() == "row_reduction")
        unrollFoldLoops(kernel, kFoldUnroll,
                        /*writeLoops=*/kernel.getKind() == "row_reduction");
      guardMemoryAccesses(kernel);
      // Read before the body moves into the tile loop.
      unsigned numBuffers = kernel.getNumBuffers();
      unsigned numSizes = 1 + kernel.getNumSizes();
      // One vector step per tile: a GPU thread's share.
      LLVM::LLVMFuncOp tileFn = lowerKernelToTileLoop(
          kernel, mb, "tessera_tile_" + kernel.getSymName().str(),
          kernel.getVector());
      tileFn.setLinkage(LLVM::Linkage::Internal);
      tileFn->setAttr(
          "passthrough",
          ArrayAttr::get(ctx, {StringAttr::get(ctx, "alwaysinline")}));
      buildGpuKernel(kernel, tileFn, numBuffers, numSizes, perTile, firstOnly,
                     mb);
      kernel.erase();
    }
    for (auto kernel :
         llvm::make_early_inc_range(module.getOps<ttile::KernelOp>()))
      kernel.erase();
    // Host code is the host pass's.
    for (auto fn : llvm::make_early_inc_range(module.getOps<func::FuncOp>()))
      fn.erase();
    // bf16 stays bf16: NVPTX moves it natively, and the tensor-core
    // kernels are LLVM dialect on bf16 already (f16 and fp8 become their
    // bits, addNarrowFloatStorage).
    if (failed(convertBodiesToLLVM(
            module, [&](OpPassManager &pm) { return runPipeline(pm, module); },
            /*bf16Bits=*/false)))
      return signalPassFailure();
  }
};

} // namespace
} // namespace tessera
