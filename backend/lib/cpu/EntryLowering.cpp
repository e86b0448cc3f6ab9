// Entry functions -> host functions with the runtime's calling conventions
// (runtime/include/tessera/tbin_abi.h). The same walk serves both kinds of
// entry: temporaries come from the runtime's ops table (tessera_host_ops on
// the CPU, tessera_device_ops on a device: alloc and free at the same
// places) and kernels are launched through it, by function pointer on the
// CPU and by name on a device, where host code also writes and reads
// tensors through it (upload, download).
#include "EntryLowering.h"
#include "../common/NarrowFloatFormat.h"
#include "../common/TileLowering.h"
#include "tessera/Backend/Symbols.h"

#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Transforms/DialectConversion.h"
#include "tessera/tbin_abi.h"

using namespace mlir;

namespace tessera {
namespace {

// What an entry returns when a temporary buffer cannot be allocated
// (TESSERA_ERROR_OUT_OF_MEMORY in tessera_rt.h).
constexpr int32_t kOutOfMemory = 5;
static_assert(ttile::kStatusSingularMatrix == TESSERA_ENTRY_SINGULAR_MATRIX,
              "the compiler's and the runtime's statuses must agree");

// Loops in an entry (a fixed point's, scf.while) become branches first, so
// that the walk below sees every launch and allocation in one region of
// blocks and can branch from any of them to the cleanup block.
LogicalResult loopsToBranches(func::FuncOp fn) {
  bool hasLoops = false;
  fn.walk([&](Operation *op) {
    if (isa<scf::SCFDialect>(op->getDialect()))
      hasLoops = true;
  });
  if (!hasLoops)
    return success();
  RewritePatternSet patterns(fn.getContext());
  populateSCFToControlFlowConversionPatterns(patterns);
  ConversionTarget target(*fn.getContext());
  target.addIllegalDialect<scf::SCFDialect>();
  target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
  return applyPartialConversion(fn, target, std::move(patterns));
}

// Fields of tessera_device_ops_t, in order; tessera_host_ops_t has the
// first three.
enum RuntimeOp {
  kAlloc = 0,
  kFree = 1,
  kLaunch = 2,
  kUpload = 3,
  kDownload = 4
};

class EntryLowering {
public:
  EntryLowering(func::FuncOp fn, ModuleOp module, EntryDevice device)
      : fn(fn), module(module), device(device), ctx(fn.getContext()), b(ctx) {}

  LogicalResult run(OpBuilder &mb);

private:
  Value call(Location loc, LLVM::LLVMFunctionType type, Value callee,
             ValueRange args) {
    SmallVector<Value> operands{callee};
    operands.append(args.begin(), args.end());
    auto op = b.create<LLVM::CallOp>(loc, type, operands);
    return type.getReturnType() == LLVM::LLVMVoidType::get(ctx)
               ? Value()
               : op.getResult();
  }

  // Function pointer `field` of the runtime's ops table.
  Value runtimeOp(Location loc, RuntimeOp field) {
    return loadElement(b, loc, arg1, llvmPtrType(ctx), field);
  }

  Value allocate(Location loc, Value bytes) {
    Type ptr = llvmPtrType(ctx);
    auto type = LLVM::LLVMFunctionType::get(ptr, {ptr, b.getI64Type()});
    return call(loc, type, runtimeOp(loc, kAlloc), {arg0, bytes});
  }

  void release(Location loc, Value p) {
    Type ptr = llvmPtrType(ctx);
    auto type =
        LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), {ptr, ptr});
    call(loc, type, runtimeOp(loc, kFree), {arg0, p});
  }

  // A scalar the entry writes into a device buffer: uploaded from the
  // stack. Returns the upload's status.
  Value upload(memref::StoreOp store);
  // A value the entry reads from a device buffer (a solve's flag, a fixed
  // point's change): downloaded into `slot`, a stack slot of the element.
  // Returns the download's status.
  Value download(memref::LoadOp load, Value slot);

  // Returns the launch's status.
  Value launch(ttile::LaunchOp op, ttile::KernelOp kernel, Value argv,
               Value sizes, int64_t numSizes, Value elements);

  // A NUL-terminated kernel name, as the device image knows it.
  Value kernelName(Location l, const std::string &symbol);
  // The threads and the variant of a bf16 attention kernel, given the
  // kernel's own.
  std::pair<Value, Value> flashAttentionLaunch(ttile::LaunchOp op,
                                               ttile::KernelOp kernel,
                                               const std::string &symbol,
                                               Value points, Value threads,
                                               Value name);
  // The threads and the variant a GPU matmul's block tiles take.
  // On a GPU, the launches packing panels that no kernel reads: those of
  // matmuls whose GPU kernel reads `b` itself (gpuMatmulReadsRhs).
  llvm::SmallPtrSet<Operation *, 4>
  unneededPackings(ArrayRef<Operation *> steps);
  std::pair<Value, Value> gpuMatmulLaunch(ttile::LaunchOp op,
                                          ttile::KernelOp kernel,
                                          const std::string &symbol,
                                          Value points, Value sizes);

  // Ends the block of `op` after it with a check of `ok`: on failure,
  // branch to the cleanup block, which frees the temporaries and returns
  // `status`.
  void checkAfter(Operation *op, Value ok, Value status);

  // An array of `n` elements on the stack for `op`'s arguments: at `op`, or
  // in the entry block for an op inside a loop, whose allocas would grow
  // the stack at every iteration (entries are not optimized).
  Value stackArray(Operation *op, Type elem, int64_t n) {
    OpBuilder::InsertionGuard guard(b);
    if (inLoop.contains(op))
      b.setInsertionPointToStart(entryBlock);
    return b.create<LLVM::AllocaOp>(op->getLoc(), llvmPtrType(ctx), elem,
                                    i64Const(b, op->getLoc(), n));
  }

  // Slot `i` of the temporaries' table (below).
  Value slot(Location loc, int64_t i);
  // The one block every failure branches to: frees each temporary whose
  // slot is not null, then returns its argument (the status).
  void buildCleanup(Location loc, int64_t numTemporaries);

  func::FuncOp fn;
  ModuleOp module;
  EntryDevice device;
  MLIRContext *ctx;
  OpBuilder b;
  LLVM::LLVMFuncOp llvmFn;
  // (host, tessera_host_ops) on the CPU, (device, tessera_device_ops).
  Value arg0, arg1;
  // Temporaries live in a table on the stack, a slot each (null when not
  // allocated yet or freed already), so that every failure shares one
  // cleanup block: code linear in the number of temporaries, where a free
  // of each live one on every failure path would be quadratic. The slots
  // are volatile so that LLVM does not turn them back into that.
  Value slots;
  Block *cleanup = nullptr;
  Block *entryBlock = nullptr;
  // Ops that a loop of the entry holds (a fixed point's).
  llvm::SmallPtrSet<Operation *, 16> inLoop;
};

Value EntryLowering::slot(Location loc, int64_t i) {
  Type ptr = llvmPtrType(ctx);
  return b.create<LLVM::GEPOp>(loc, ptr, ptr, slots,
                               ArrayRef<LLVM::GEPArg>{int32_t(i)});
}

void EntryLowering::buildCleanup(Location loc, int64_t numTemporaries) {
  Type ptr = llvmPtrType(ctx), i32 = b.getI32Type();
  OpBuilder::InsertionGuard guard(b);
  cleanup = new Block();
  llvmFn.getBody().push_back(cleanup);
  Value status = cleanup->addArgument(i32, loc);
  Block *block = cleanup;
  for (int64_t i = 0; i < numTemporaries; ++i) {
    b.setInsertionPointToEnd(block);
    Value p = b.create<LLVM::LoadOp>(loc, ptr, slot(loc, i), /*alignment=*/8,
                                     /*isVolatile=*/true);
    Value held = b.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::ne, p,
                                        b.create<LLVM::ZeroOp>(loc, ptr));
    Block *free = new Block(), *next = new Block();
    llvmFn.getBody().push_back(free);
    llvmFn.getBody().push_back(next);
    b.create<LLVM::CondBrOp>(loc, held, free, next);
    b.setInsertionPointToEnd(free);
    release(loc, p);
    b.create<LLVM::BrOp>(loc, ValueRange{}, next);
    block = next;
  }
  b.setInsertionPointToEnd(block);
  b.create<LLVM::ReturnOp>(loc, status);
}

void EntryLowering::checkAfter(Operation *op, Value ok, Value status) {
  Location l = op->getLoc();
  Block *block = op->getBlock();
  Block *rest = block->splitBlock(op->getNextNode());
  b.setInsertionPointToEnd(block);
  b.create<LLVM::CondBrOp>(l, ok, rest, ValueRange{}, cleanup,
                           ValueRange{status});
}

// A NUL-terminated kernel name, as the device image knows it.
Value EntryLowering::kernelName(Location l, const std::string &symbol) {
  std::string global = symbol + "_name";
  if (!module.lookupSymbol(global)) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(module.getBody());
    std::string text = symbol + '\0';
    auto type = LLVM::LLVMArrayType::get(b.getI8Type(), text.size());
    b.create<LLVM::GlobalOp>(l, type, /*isConstant=*/true,
                             LLVM::Linkage::Internal, global,
                             b.getStringAttr(text), /*alignment=*/0);
  }
  return b.create<LLVM::AddressOfOp>(l, llvmPtrType(ctx),
                                     FlatSymbolRefAttr::get(ctx, global));
}

// The variant of a GPU matmul to launch and its thread count: a block for
// each tile of each batch, with the largest tile that makes
// gpuMatmulBlocks blocks, or the smallest (MatmulTiles.cpp). The kernel's
// sizes are m, n, k, a's batch stride, row blocks and panels; the points,
// batches x panels x row blocks.
std::pair<Value, Value>
EntryLowering::gpuMatmulLaunch(ttile::LaunchOp op, ttile::KernelOp kernel,
                               const std::string &symbol, Value points,
                               Value sizes) {
  Location l = op.getLoc();
  Type i64 = b.getI64Type();
  auto size = [&](int i) { return castTo(b, l, op.getSizes()[i], i64); };
  // No points, no blocks (and no division by a zero extent).
  Value perBatch = b.create<LLVM::MulOp>(l, size(4), size(5));
  Value divisor = b.create<LLVM::UMaxOp>(l, perBatch, i64Const(b, l, 1));
  Value batches = b.create<LLVM::UDivOp>(l, points, divisor);
  Value m = size(0), n = size(1);
  // Batches of [m, k] a one after the other times one b (its batch stride
  // 0: a linear layer's weight), each summed whole (one segment of k), are
  // one product of all the batches' rows: the kernel is told so (the
  // points of one batch, m times the batches), so that its tiles cover
  // rows of every batch and the TMA unit reads a as one matrix. Every
  // result is the same sum in the same order.
  auto info = kernel->getAttrOfType<DictionaryAttr>("ttile.matmul");
  bool segments = info.getAs<IntegerAttr>("segment").getInt() != 0;
  if (!info.getAs<BoolAttr>("lhs_transposed").getValue()) {
    auto eq = [&](Value x, Value y) {
      return b.create<LLVM::ICmpOp>(l, LLVM::ICmpPredicate::eq, x, y);
    };
    Value zero = i64Const(b, l, 0), one = i64Const(b, l, 1);
    Value flat = b.create<LLVM::AndOp>(
        l, eq(size(op.getSizes().size() - 1), zero),
        eq(size(3), b.create<LLVM::MulOp>(l, m, size(2))));
    if (segments)
      flat = b.create<LLVM::AndOp>(l, flat, eq(size(6), one));
    m = b.create<LLVM::SelectOp>(l, flat, b.create<LLVM::MulOp>(l, batches, m),
                                 m);
    batches = b.create<LLVM::SelectOp>(l, flat, one, batches);
    b.create<LLVM::StoreOp>(
        l, b.create<LLVM::SelectOp>(l, flat, perBatch, points), sizes);
    Value mSlot = b.create<LLVM::GEPOp>(l, llvmPtrType(ctx), i64, sizes,
                                        ArrayRef<LLVM::GEPArg>{1});
    b.create<LLVM::StoreOp>(l, m, mSlot);
  }
  Value blocks, name;
  // From the smallest tile up: a larger one replaces it when it has enough
  // blocks.
  for (int64_t tile : llvm::reverse(kGpuMatmulTiles)) {
    auto [rows, cols] = gpuMatmulTileShape(kernel, tile);
    auto tiles = [&](Value extent, int64_t side) {
      return b.create<LLVM::UDivOp>(
          l, b.create<LLVM::AddOp>(l, extent, i64Const(b, l, side - 1)),
          i64Const(b, l, side));
    };
    Value count = b.create<LLVM::MulOp>(
        l, batches, b.create<LLVM::MulOp>(l, tiles(m, rows), tiles(n, cols)));
    Value variant = kernelName(l, gpuMatmulVariant(symbol, tile));
    if (!blocks) {
      blocks = count;
      name = variant;
      continue;
    }
    Value enough =
        b.create<LLVM::ICmpOp>(l, LLVM::ICmpPredicate::uge, count,
                               i64Const(b, l, gpuMatmulBlocks(kernel)));
    blocks = b.create<LLVM::SelectOp>(l, enough, count, blocks);
    name = b.create<LLVM::SelectOp>(l, enough, variant, name);
  }
  return {b.create<LLVM::MulOp>(l, blocks, i64Const(b, l, kGpuMatmulThreads)),
          name};
}

// A bf16 attention kernel's launch: the flash variant for its widths, a
// block of threads for each flashAttentionGrid rows of each batch, or when
// no variant takes its widths the kernel itself (`threads`, `name`)
// (FlashAttention.cpp). The kernel's sizes are s, t, d, e and row blocks;
// the points, batches x row blocks.
std::pair<Value, Value>
EntryLowering::flashAttentionLaunch(ttile::LaunchOp op, ttile::KernelOp kernel,
                                    const std::string &symbol, Value points,
                                    Value threads, Value name) {
  Location l = op.getLoc();
  Type i64 = b.getI64Type();
  auto size = [&](int i) { return castTo(b, l, op.getSizes()[i], i64); };
  FlashGrid grid = flashAttentionGrid(kernel);
  Value divisor = b.create<LLVM::UMaxOp>(l, size(4), i64Const(b, l, 1));
  Value batches = b.create<LLVM::UDivOp>(l, points, divisor);
  Value blocks = b.create<LLVM::UDivOp>(
      l,
      b.create<LLVM::AddOp>(l, size(grid.rowsSize),
                            i64Const(b, l, grid.blockRows - 1)),
      i64Const(b, l, grid.blockRows));
  Value flashThreads =
      b.create<LLVM::MulOp>(l, b.create<LLVM::MulOp>(l, batches, blocks),
                            i64Const(b, l, kFlashThreads));
  for (int64_t width : kFlashWidths) {
    auto is = [&](Value v) {
      return b.create<LLVM::ICmpOp>(l, LLVM::ICmpPredicate::eq, v,
                                    i64Const(b, l, width));
    };
    Value fits = b.create<LLVM::AndOp>(l, is(size(2)), is(size(3)));
    threads = b.create<LLVM::SelectOp>(l, fits, flashThreads, threads);
    name = b.create<LLVM::SelectOp>(
        l, fits, kernelName(l, flashAttentionVariant(symbol, width)), name);
  }
  return {threads, name};
}

llvm::SmallPtrSet<Operation *, 4>
EntryLowering::unneededPackings(ArrayRef<Operation *> steps) {
  llvm::SmallPtrSet<Operation *, 4> unneeded;
  if (device == EntryDevice::Cpu)
    return unneeded;
  // A matmul launch's buffers: a, the panels, b, ...; the packing's: b,
  // the panels. Panels read by another kernel too are packed still.
  DenseMap<Value, Operation *> packingOf;
  DenseMap<Value, unsigned> readers;
  SmallVector<Value> skipped;
  for (Operation *op : steps) {
    auto launch = dyn_cast<ttile::LaunchOp>(op);
    if (!launch)
      continue;
    auto kernel = module.lookupSymbol<ttile::KernelOp>(launch.getKernel());
    if (!kernel)
      continue;
    if (kernel.getKind() == "matmul_pack") {
      packingOf[launch.getBuffers().back()] = op;
      continue;
    }
    for (Value buffer : launch.getBuffers())
      ++readers[buffer];
    if (gpuMatmulReadsRhs(kernel))
      skipped.push_back(launch.getBuffers()[1]);
  }
  for (Value panels : skipped)
    if (Operation *packing = packingOf.lookup(panels);
        packing && readers.lookup(panels) == 1)
      unneeded.insert(packing);
  return unneeded;
}

Value EntryLowering::launch(ttile::LaunchOp op, ttile::KernelOp kernel,
                            Value argv, Value sizes, int64_t numSizes,
                            Value elements) {
  Location l = op.getLoc();
  Type ptr = llvmPtrType(ctx), i64 = b.getI64Type(), i32 = b.getI32Type();
  // A CPU thread runs tiles of the kernel's tile size; a GPU thread one
  // vector step (tessera_device_ops.launch: one thread a tile).
  int64_t tilePoints =
      device == EntryDevice::Cpu ? kernel.getTile() : kernel.getVector();
  Value tiles = b.create<LLVM::UDivOp>(
      l, b.create<LLVM::AddOp>(l, elements, i64Const(b, l, tilePoints - 1)),
      i64Const(b, l, tilePoints));
  // A GPU launch counts threads: a warp a tile for a row reduction.
  if (int64_t threads = gpuThreadsPerTile(kernel);
      device != EntryDevice::Cpu && threads != 1)
    tiles = b.create<LLVM::MulOp>(l, tiles, i64Const(b, l, threads));
  std::string symbol = kernelSymbol(op.getKernel().str());
  if (device == EntryDevice::Cpu) {
    auto kernelFn = module.lookupSymbol<LLVM::LLVMFuncOp>(symbol);
    auto type = LLVM::LLVMFunctionType::get(i32, {ptr, ptr, ptr, ptr, i64});
    Value fnPtr = b.create<LLVM::AddressOfOp>(l, kernelFn);
    return call(l, type, runtimeOp(l, kLaunch),
                {arg0, fnPtr, argv, sizes, tiles});
  }
  Value name = kernelName(l, symbol);
  if (runsAsGpuMatmulTiles(kernel))
    std::tie(tiles, name) =
        gpuMatmulLaunch(op, kernel, symbol, elements, sizes);
  if (runsAsFlashAttention(kernel))
    std::tie(tiles, name) =
        flashAttentionLaunch(op, kernel, symbol, elements, tiles, name);
  auto type =
      LLVM::LLVMFunctionType::get(i32, {ptr, ptr, ptr, i32, ptr, i32, i64});
  auto i32Const = [&](int64_t v) {
    return b.create<LLVM::ConstantOp>(l, i32, b.getI32IntegerAttr(v));
  };
  return call(l, type, runtimeOp(l, kLaunch),
              {arg0, name, argv,
               i32Const(static_cast<int64_t>(op.getBuffers().size())), sizes,
               i32Const(numSizes), tiles});
}

Value EntryLowering::upload(memref::StoreOp store) {
  Location l = store.getLoc();
  Type ptr = llvmPtrType(ctx), i64 = b.getI64Type();
  Type elem = store.getMemRefType().getElementType();
  // Narrow floats as their bits, as host code holds them.
  Type stored = elem.isIndex() ? i64
                : isNarrowFloat(elem)
                    ? b.getIntegerType(elem.getIntOrFloatBitWidth())
                    : elem;
  int64_t bytes = storageBytes(elem);
  Value value = store.getValueToStore();
  if (stored != elem)
    value = castTo(b, l, value, stored);
  Value slot = stackArray(store, stored, 1);
  b.create<LLVM::StoreOp>(l, value, slot);
  // Stores into flat buffers: one index.
  Value index = castTo(b, l, store.getIndices().front(), i64);
  Value dst = b.create<LLVM::GEPOp>(
      l, ptr, stored, castTo(b, l, store.getMemRef(), ptr), ValueRange{index});
  auto type = LLVM::LLVMFunctionType::get(b.getI32Type(), {ptr, ptr, ptr, i64});
  return call(l, type, runtimeOp(l, kUpload),
              {arg0, dst, slot, i64Const(b, l, bytes)});
}

Value EntryLowering::download(memref::LoadOp load, Value slot) {
  Location l = load.getLoc();
  Type ptr = llvmPtrType(ctx), i64 = b.getI64Type();
  Type elem = load.getMemRefType().getElementType();
  Type stored = elem.isIndex() ? i64 : elem;
  // Reads of flat buffers: one index, or none for a single element.
  Value index = load.getIndices().empty()
                    ? i64Const(b, l, 0)
                    : castTo(b, l, load.getIndices().front(), i64);
  Value src = b.create<LLVM::GEPOp>(
      l, ptr, stored, castTo(b, l, load.getMemRef(), ptr), ValueRange{index});
  auto type = LLVM::LLVMFunctionType::get(b.getI32Type(), {ptr, ptr, ptr, i64});
  return call(l, type, runtimeOp(l, kDownload),
              {arg0, slot, src, i64Const(b, l, storageBytes(elem))});
}

LogicalResult EntryLowering::run(OpBuilder &mb) {
  Location loc = fn.getLoc();
  Type ptr = llvmPtrType(ctx), i64 = b.getI64Type(), i32 = b.getI32Type();
  std::string symbol = device == EntryDevice::Cpu
                           ? entrySymbol(fn.getName().str())
                           : cudaEntrySymbol(fn.getName().str());
  fn.walk([&](Operation *op) {
    if (op->getParentOp() != fn.getOperation())
      inLoop.insert(op);
  });
  if (failed(loopsToBranches(fn)))
    return fn.emitError("cannot lower the loops of entry '")
           << fn.getName() << "'";
  llvmFn = mb.create<LLVM::LLVMFuncOp>(
      loc, symbol, LLVM::LLVMFunctionType::get(i32, {ptr, ptr, ptr, ptr}));
  Block *entry = llvmFn.addEntryBlock(mb);
  entryBlock = entry;
  arg0 = entry->getArgument(0);
  arg1 = entry->getArgument(1);
  Value buffers = entry->getArgument(2), dims = entry->getArgument(3);

  b.setInsertionPointToEnd(entry);
  Block &old = fn.getBody().front();
  int64_t nextBuffer = 0, nextDim = 0;
  for (BlockArgument arg : old.getArguments()) {
    Value v = isa<MemRefType>(arg.getType())
                  ? loadElement(b, loc, buffers, ptr, nextBuffer++)
                  : loadElement(b, loc, dims, i64, nextDim++);
    arg.replaceAllUsesWith(castTo(b, loc, v, arg.getType()));
  }
  entry->getOperations().splice(entry->end(), old.getOperations());
  // The blocks of a loop (a fixed point's) follow.
  llvmFn.getBody().getBlocks().splice(
      llvmFn.getBody().end(), fn.getBody().getBlocks(),
      std::next(fn.getBody().begin()), fn.getBody().end());

  // Collected first: checks split the blocks as the walk goes.
  SmallVector<Operation *> steps;
  for (Block &block : llvmFn.getBody())
    for (Operation &op : block)
      if (isa<memref::AllocOp, memref::DeallocOp, ttile::LaunchOp,
              ttile::CheckOp>(op) ||
          (device != EntryDevice::Cpu &&
           isa<memref::StoreOp, memref::LoadOp>(op)))
        steps.push_back(&op);
  // The temporaries' table: every slot null until its allocation.
  int64_t numTemporaries = llvm::count_if(
      steps, [](Operation *op) { return isa<memref::AllocOp>(op); });
  b.setInsertionPointToStart(entry);
  slots = b.create<LLVM::AllocaOp>(
      loc, ptr, ptr, i64Const(b, loc, std::max<int64_t>(numTemporaries, 1)));
  for (int64_t i = 0; i < numTemporaries; ++i)
    b.create<LLVM::StoreOp>(loc, b.create<LLVM::ZeroOp>(loc, ptr), slot(loc, i),
                            /*alignment=*/8,
                            /*isVolatile=*/true);
  buildCleanup(loc, numTemporaries);
  DenseMap<Value, Value> pointerOf; // temporary buffer -> its pointer
  DenseMap<Value, int64_t> slotOf;  // temporary's pointer -> its slot
  llvm::SmallPtrSet<Operation *, 4> unneeded = unneededPackings(steps);
  for (Operation *op : steps) {
    if (unneeded.contains(op)) {
      op->erase();
      continue;
    }
    if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
      Location l = alloc.getLoc();
      b.setInsertionPoint(alloc);
      Type elem = alloc.getType().getElementType();
      // A count the canonicalizer folded is in the type instead.
      Value count = alloc.getDynamicSizes().empty()
                        ? i64Const(b, l, alloc.getType().getNumElements())
                        : castTo(b, l, alloc.getDynamicSizes()[0], i64);
      // At least one byte, so that an empty tensor is not a failure.
      Value bytes =
          b.create<LLVM::MulOp>(l, count, i64Const(b, l, storageBytes(elem)));
      bytes = b.create<LLVM::UMaxOp>(l, bytes, i64Const(b, l, 1));
      Value p = allocate(l, bytes);
      Value ok = b.create<LLVM::ICmpOp>(l, LLVM::ICmpPredicate::ne, p,
                                        b.create<LLVM::ZeroOp>(l, ptr));
      Value buffer = castTo(b, l, p, alloc.getType());
      alloc.getResult().replaceAllUsesWith(buffer);
      pointerOf[buffer] = p;
      Value oom =
          b.create<LLVM::ConstantOp>(l, i32, b.getI32IntegerAttr(kOutOfMemory));
      int64_t i = slotOf.size();
      slotOf[p] = i;
      b.create<LLVM::StoreOp>(l, p, slot(l, i), /*alignment=*/8,
                              /*isVolatile=*/true);
      alloc.erase();
      checkAfter(oom.getDefiningOp(), ok, oom);
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
      release(dealloc.getLoc(), p);
      b.create<LLVM::StoreOp>(dealloc.getLoc(),
                              b.create<LLVM::ZeroOp>(dealloc.getLoc(), ptr),
                              slot(dealloc.getLoc(), slotOf.lookup(p)),
                              /*alignment=*/8, /*isVolatile=*/true);
      dealloc.erase();
      continue;
    }
    // A check of what the entry read back: on failure, its status.
    if (auto check = dyn_cast<ttile::CheckOp>(op)) {
      Location l = check.getLoc();
      b.setInsertionPoint(check);
      Value status = b.create<LLVM::ConstantOp>(
          l, i32, b.getI32IntegerAttr(check.getStatus()));
      Value ok = check.getOk();
      check.erase();
      checkAfter(status.getDefiningOp(), ok, status);
      continue;
    }
    if (auto store = dyn_cast<memref::StoreOp>(op)) {
      b.setInsertionPoint(store);
      Value status = upload(store);
      Value ok = b.create<LLVM::ICmpOp>(
          store.getLoc(), LLVM::ICmpPredicate::eq, status,
          b.create<LLVM::ConstantOp>(store.getLoc(), i32,
                                     b.getI32IntegerAttr(0)));
      store.erase();
      checkAfter(ok.getDefiningOp(), ok, status);
      continue;
    }
    // The host cannot read device memory: the value is copied to the stack
    // first, and the entry goes on with the copy.
    if (auto load = dyn_cast<memref::LoadOp>(op)) {
      Location l = load.getLoc();
      if (load.getIndices().size() > 1)
        return load.emitError("reads a buffer of rank ")
               << load.getIndices().size() << " in host code";
      b.setInsertionPoint(load);
      Type elem = load.getMemRefType().getElementType();
      Type stored = elem.isIndex() ? i64 : elem;
      Value slot = stackArray(load, stored, 1);
      Value status = download(load, slot);
      Value ok = b.create<LLVM::ICmpOp>(
          l, LLVM::ICmpPredicate::eq, status,
          b.create<LLVM::ConstantOp>(l, i32, b.getI32IntegerAttr(0)));
      Value value = b.create<LLVM::LoadOp>(l, stored, slot);
      load.getResult().replaceAllUsesWith(castTo(b, l, value, elem));
      load.erase();
      checkAfter(ok.getDefiningOp(), ok, status);
      continue;
    }
    auto launchOp = cast<ttile::LaunchOp>(op);
    Location l = launchOp.getLoc();
    auto kernel = module.lookupSymbol<ttile::KernelOp>(launchOp.getKernel());
    if (!kernel)
      return launchOp.emitError("unknown kernel @") << launchOp.getKernel();
    b.setInsertionPoint(launchOp);
    int64_t n = launchOp.getBuffers().size();
    Value argv = stackArray(launchOp, ptr, std::max<int64_t>(n, 1));
    for (auto [i, buf] : llvm::enumerate(launchOp.getBuffers())) {
      Value slot = b.create<LLVM::GEPOp>(l, ptr, ptr, argv,
                                         ArrayRef<LLVM::GEPArg>{int32_t(i)});
      b.create<LLVM::StoreOp>(l, castTo(b, l, buf, ptr), slot);
    }
    // sizes: the points, then the kernel's extents.
    Value elements = castTo(b, l, launchOp.getElements(), i64);
    int64_t numSizes = 1 + launchOp.getSizes().size();
    Value sizes = stackArray(launchOp, i64, numSizes);
    b.create<LLVM::StoreOp>(l, elements, sizes);
    for (auto [i, size] : llvm::enumerate(launchOp.getSizes())) {
      Value slot = b.create<LLVM::GEPOp>(
          l, ptr, i64, sizes, ArrayRef<LLVM::GEPArg>{int32_t(i + 1)});
      b.create<LLVM::StoreOp>(l, castTo(b, l, size, i64), slot);
    }
    Value status = launch(launchOp, kernel, argv, sizes, numSizes, elements);
    // A failed launch returns its status; later launches do not run.
    Value ok = b.create<LLVM::ICmpOp>(
        l, LLVM::ICmpPredicate::eq, status,
        b.create<LLVM::ConstantOp>(l, i32, b.getI32IntegerAttr(0)));
    launchOp.erase();
    checkAfter(ok.getDefiningOp(), ok, status);
  }
  SmallVector<func::ReturnOp> returns;
  llvmFn.walk([&](func::ReturnOp ret) { returns.push_back(ret); });
  for (func::ReturnOp ret : returns) {
    b.setInsertionPoint(ret);
    b.create<LLVM::ReturnOp>(ret.getLoc(),
                             ValueRange{b.create<LLVM::ConstantOp>(
                                 ret.getLoc(), i32, b.getI32IntegerAttr(0))});
    ret.erase();
  }
  return success();
}

} // namespace

LogicalResult lowerEntry(func::FuncOp fn, ModuleOp module, OpBuilder &mb,
                         EntryDevice device) {
  return EntryLowering(fn, module, device).run(mb);
}

} // namespace tessera
