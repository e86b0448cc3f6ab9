// A kernel's tile loop: the structure every target wraps (TileLowering.h).
#include "TileLowering.h"

#include "mlir/IR/IRMapping.h"

using namespace mlir;

namespace tessera {

Type llvmPtrType(MLIRContext *ctx) { return LLVM::LLVMPointerType::get(ctx); }

Value i64Const(OpBuilder &b, Location loc, int64_t v) {
  return b.create<LLVM::ConstantOp>(loc, b.getI64Type(),
                                    b.getI64IntegerAttr(v));
}

Value loadElement(OpBuilder &b, Location loc, Value base, Type type,
                  int64_t index) {
  Value addr = b.create<LLVM::GEPOp>(loc, llvmPtrType(b.getContext()), type,
                                     base, ArrayRef<LLVM::GEPArg>{index});
  return b.create<LLVM::LoadOp>(loc, type, addr);
}

Value castTo(OpBuilder &b, Location loc, Value v, Type t) {
  return b.create<UnrealizedConversionCastOp>(loc, t, v).getResult(0);
}

// A copy of the loop body `from` before `before`, in which every load and
// store bounded by `extent` is marked whole (no mask). Whether any was.
static bool buildWholeStepCopy(Block *from, Block *to, Value extent) {
  IRMapping map;
  OpBuilder b = OpBuilder::atBlockBegin(to);
  bool unmasked = false;
  for (Operation &op : *from) {
    Operation *copy = b.clone(op, map);
    copy->walk([&](Operation *inner) {
      Value bound;
      if (auto load = dyn_cast<ttile::LoadOp>(inner))
        bound = load.getBound();
      else if (auto store = dyn_cast<ttile::StoreOp>(inner))
        bound = store.getBound();
      if (bound && bound == extent) {
        inner->setAttr("ttile.in_bounds", b.getUnitAttr());
        unmasked = true;
      }
    });
  }
  return unmasked;
}

LLVM::LLVMFuncOp lowerKernelToTileLoop(ttile::KernelOp kernel, OpBuilder &mb,
                                       StringRef name, int64_t tilePoints,
                                       bool wholeStepCopy) {
  MLIRContext *ctx = kernel.getContext();
  Location loc = kernel.getLoc();
  Type ptr = llvmPtrType(ctx), i64 = mb.getI64Type();
  auto fnType = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx),
                                            {ptr, ptr, i64, i64});
  auto fn = mb.create<LLVM::LLVMFuncOp>(loc, name, fnType);
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
  Value extentIndex = castTo(b, loc, extent, b.getIndexType());
  body.getArgument(numBuffers + 1).replaceAllUsesWith(extentIndex);
  for (unsigned i = 0; i < kernel.getNumSizes(); ++i)
    body.getArgument(numBuffers + 2 + i)
        .replaceAllUsesWith(castTo(
            b, loc, loadElement(b, loc, sizes, i64, i + 1), b.getIndexType()));

  // Tiles [begin, end) cover elements [begin*T, min(end*T, extent)).
  Value tile = i64Const(b, loc, tilePoints);
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

  // header -> (offset + vector <= stop ? whole copy : body): every step but
  // the last of the last tile is whole, and stop <= extent.
  if (wholeStepCopy) {
    Block *whole = new Block();
    fn.getBody().getBlocks().insert(Region::iterator(loopBody), whole);
    if (!buildWholeStepCopy(loopBody, whole, extentIndex)) {
      whole->erase();
      return fn;
    }
    Block *choose = new Block();
    fn.getBody().getBlocks().insert(Region::iterator(whole), choose);
    auto branch = cast<LLVM::CondBrOp>(header->getTerminator());
    branch.setSuccessor(choose, 0);
    b.setInsertionPointToStart(choose);
    Value stepEnd = b.create<LLVM::AddOp>(loc, offset,
                                          i64Const(b, loc, kernel.getVector()));
    Value isWhole =
        b.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::sle, stepEnd, stop);
    b.create<LLVM::CondBrOp>(loc, isWhole, whole, loopBody);
  }
  return fn;
}

} // namespace tessera
