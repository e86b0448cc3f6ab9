// memset, memcpy and memmove for a .tbin, which links no C library: LLVM
// may call them even where the code never asks (a zero-filled array of an
// entry compiled at -O0 becomes an llvm.memset, lowered to a call). Each
// module defines its own, hidden, as byte loops that LLVM must not turn
// back into those calls (no-builtins).
#include "MemoryFunctions.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"

namespace tessera {
namespace {

// void* NAME(void *dst, SRC src, size_t n), its body a loop over n bytes
// that `step(b, i)` fills; returns dst.
void define(llvm::Module &m, llvm::StringRef name, llvm::Type *srcType,
            llvm::function_ref<void(llvm::IRBuilder<> &, llvm::Value *dst,
                                    llvm::Value *src, llvm::Value *n)>
                body) {
  if (llvm::Function *existing = m.getFunction(name);
      existing && !existing->isDeclaration())
    return;
  llvm::LLVMContext &ctx = m.getContext();
  llvm::Type *ptr = llvm::PointerType::get(ctx, 0);
  llvm::Type *size = llvm::Type::getInt64Ty(ctx);
  auto *type = llvm::FunctionType::get(ptr, {ptr, srcType, size}, false);
  llvm::Function *fn =
      llvm::cast<llvm::Function>(m.getOrInsertFunction(name, type).getCallee());
  fn->setLinkage(llvm::GlobalValue::ExternalLinkage);
  fn->setVisibility(llvm::GlobalValue::HiddenVisibility);
  fn->addFnAttr("no-builtins");
  fn->addFnAttr(llvm::Attribute::NoUnwind);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", fn));
  body(b, fn->getArg(0), fn->getArg(1), fn->getArg(2));
  b.CreateRet(fn->getArg(0));
}

// for (i = from; i != to; i += step) each(i), as blocks after `b`'s.
void loop(llvm::IRBuilder<> &b, llvm::Value *from, llvm::Value *to,
          int64_t step,
          llvm::function_ref<void(llvm::IRBuilder<> &, llvm::Value *)> each) {
  llvm::Function *fn = b.GetInsertBlock()->getParent();
  llvm::LLVMContext &ctx = fn->getContext();
  llvm::BasicBlock *before = b.GetInsertBlock();
  auto *head = llvm::BasicBlock::Create(ctx, "head", fn);
  auto *bodyBlock = llvm::BasicBlock::Create(ctx, "body", fn);
  auto *done = llvm::BasicBlock::Create(ctx, "done", fn);
  b.CreateBr(head);
  b.SetInsertPoint(head);
  llvm::PHINode *i = b.CreatePHI(from->getType(), 2);
  i->addIncoming(from, before);
  b.CreateCondBr(b.CreateICmpNE(i, to), bodyBlock, done);
  b.SetInsertPoint(bodyBlock);
  each(b, i);
  i->addIncoming(b.CreateAdd(i, llvm::ConstantInt::get(i->getType(), step)),
                 b.GetInsertBlock());
  b.CreateBr(head);
  b.SetInsertPoint(done);
}

} // namespace

void addMemoryFunctions(llvm::Module &m) {
  llvm::LLVMContext &ctx = m.getContext();
  llvm::Type *i8 = llvm::Type::getInt8Ty(ctx),
             *i32 = llvm::Type::getInt32Ty(ctx),
             *i64 = llvm::Type::getInt64Ty(ctx),
             *ptr = llvm::PointerType::get(ctx, 0);
  auto zero = llvm::ConstantInt::get(i64, 0);
  auto copyByte = [&](llvm::IRBuilder<> &b, llvm::Value *dst, llvm::Value *src,
                      llvm::Value *i) {
    b.CreateStore(b.CreateLoad(i8, b.CreateGEP(i8, src, i)),
                  b.CreateGEP(i8, dst, i));
  };
  define(m, "memset", i32,
         [&](llvm::IRBuilder<> &b, llvm::Value *dst, llvm::Value *value,
             llvm::Value *n) {
           llvm::Value *byte = b.CreateTrunc(value, i8);
           loop(b, zero, n, 1, [&](llvm::IRBuilder<> &b, llvm::Value *i) {
             b.CreateStore(byte, b.CreateGEP(i8, dst, i));
           });
         });
  define(m, "memcpy", ptr,
         [&](llvm::IRBuilder<> &b, llvm::Value *dst, llvm::Value *src,
             llvm::Value *n) {
           loop(b, zero, n, 1, [&](llvm::IRBuilder<> &b, llvm::Value *i) {
             copyByte(b, dst, src, i);
           });
         });
  // Forwards unless dst lies above src, then backwards.
  define(m, "memmove", ptr,
         [&](llvm::IRBuilder<> &b, llvm::Value *dst, llvm::Value *src,
             llvm::Value *n) {
           llvm::Function *fn = b.GetInsertBlock()->getParent();
           auto *forward = llvm::BasicBlock::Create(ctx, "forward", fn);
           auto *backward = llvm::BasicBlock::Create(ctx, "backward", fn);
           auto *join = llvm::BasicBlock::Create(ctx, "join", fn);
           b.CreateCondBr(b.CreateICmpULE(b.CreatePtrToInt(dst, i64),
                                          b.CreatePtrToInt(src, i64)),
                          forward, backward);
           b.SetInsertPoint(forward);
           loop(b, zero, n, 1, [&](llvm::IRBuilder<> &b, llvm::Value *i) {
             copyByte(b, dst, src, i);
           });
           b.CreateBr(join);
           b.SetInsertPoint(backward);
           loop(b, n, zero, -1, [&](llvm::IRBuilder<> &b, llvm::Value *i) {
             copyByte(b, dst, src,
                      b.CreateSub(i, llvm::ConstantInt::get(i64, 1)));
           });
           b.CreateBr(join);
           b.SetInsertPoint(join);
         });
}

} // namespace tessera
