// The tensor-core kernels' instructions (TensorCoreOps.h).
#include "TensorCoreOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace tessera {

Value TensorCoreOps::c32(int64_t v) {
  return b.create<arith::ConstantIntOp>(loc, v, 32);
}
Value TensorCoreOps::f32Const(double v) {
  return b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(v));
}
Value TensorCoreOps::both(Value x, Value y) {
  return b.create<arith::AndIOp>(loc, x, y);
}
Value TensorCoreOps::select(Value p, Value x, Value y) {
  return b.create<arith::SelectOp>(loc, p, x, y);
}
Value TensorCoreOps::at(Value base, Type elem, Value index) {
  return b.create<LLVM::GEPOp>(loc, base.getType(), elem, base,
                               ValueRange{index});
}
Value TensorCoreOps::aligned(Value ptr, int64_t bytes) {
  Value address = b.create<LLVM::PtrToIntOp>(loc, b.getI64Type(), ptr);
  return eq(rem(address, c(bytes)), c(0));
}

Value TensorCoreOps::swizzled(Value row, Value chunk, int64_t chunks) {
  Value key = chunks >= 8 ? b.create<arith::AndIOp>(loc, row, c(7)).getResult()
                          : b.create<arith::AndIOp>(
                                 loc, b.create<arith::ShRUIOp>(loc, row, c(1)),
                                 c(chunks - 1))
                                .getResult();
  Value place = b.create<arith::XOrIOp>(loc, chunk, key);
  return add(mul(row, c(chunks * kChunk)), mul(place, c(kChunk)));
}

void TensorCoreOps::copyChunk(Value dst, Value src, Value inside) {
  Value bytes = select(inside, c32(16), c32(0));
  b.create<LLVM::CallIntrinsicOp>(loc, TypeRange{},
                                  "llvm.nvvm.cp.async.cg.shared.global.16.s",
                                  ValueRange{dst, src, bytes});
}

void TensorCoreOps::loadChunk(Value dst,
                              llvm::function_ref<Value(int64_t)> inside,
                              llvm::function_ref<Value(int64_t)> element) {
  auto vt = VectorType::get({kChunk}, bf16());
  Value v = b.create<LLVM::UndefOp>(loc, vt);
  Value zero =
      b.create<LLVM::ConstantOp>(loc, bf16(), b.getFloatAttr(bf16(), 0.0));
  for (int64_t j = 0; j < kChunk; ++j) {
    auto ifOp = b.create<scf::IfOp>(loc, TypeRange{bf16()}, inside(j), true);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    b.create<scf::YieldOp>(
        loc, ValueRange{b.create<LLVM::LoadOp>(loc, bf16(), element(j), 2)});
    b.setInsertionPointToStart(ifOp.elseBlock());
    b.create<scf::YieldOp>(loc, zero);
    b.setInsertionPointAfter(ifOp);
    v = b.create<LLVM::InsertElementOp>(loc, v, ifOp.getResult(0), c(j));
  }
  b.create<LLVM::StoreOp>(loc, v, dst, 16);
}

SmallVector<Value> TensorCoreOps::ldmatrix(Value element, int64_t count,
                                           bool transposed) {
  auto type = LLVM::LLVMStructType::getLiteral(b.getContext(),
                                               SmallVector<Type>(count, i32()));
  Value result = b.create<NVVM::LdMatrixOp>(
      loc, type, at(shared, bf16(), element), count,
      transposed ? NVVM::MMALayout::col : NVVM::MMALayout::row);
  SmallVector<Value> regs;
  for (int64_t i = 0; i < count; ++i)
    regs.push_back(b.create<LLVM::ExtractValueOp>(loc, result, i));
  return regs;
}

SmallVector<Value> TensorCoreOps::mma(ValueRange a, ValueRange bRegs,
                                      ValueRange acc) {
  auto sums = LLVM::LLVMStructType::getLiteral(b.getContext(),
                                               SmallVector<Type>(4, f32()));
  bool half = narrow().isF16();
  // f16's intrinsic takes its pairs as <2 x half>, bf16's as i32.
  auto operandOf = [&](Value r) -> Value {
    if (!half)
      return r;
    return b.create<LLVM::BitcastOp>(loc, VectorType::get({2}, narrow()), r);
  };
  SmallVector<Value> args;
  for (Value r : a)
    args.push_back(operandOf(r));
  for (Value r : bRegs)
    args.push_back(operandOf(r));
  llvm::append_range(args, acc);
  Value d = b.create<LLVM::CallIntrinsicOp>(
                 loc, sums,
                 half ? "llvm.nvvm.mma.m16n8k16.row.col.f32.f32"
                      : "llvm.nvvm.mma.m16n8k16.row.col.bf16",
                 args)
                .getResult(0);
  SmallVector<Value> result;
  for (int64_t i = 0; i < 4; ++i)
    result.push_back(b.create<LLVM::ExtractValueOp>(loc, d, i));
  return result;
}

Value TensorCoreOps::packPair(Value x, Value y) {
  // One cvt of both (sm_80 and later), where LLVM would round each on its
  // own and pack them with moves: a flash forward tile's 64 scores of p
  // each cost a cvt and a move. The first source lands in the high half.
  std::string text = std::string("cvt.rn.") +
                     (narrow().isF16() ? "f16x2" : "bf16x2") +
                     ".f32 $0, $2, $1;";
  return b
      .create<LLVM::InlineAsmOp>(loc, i32(), ValueRange{x, y}, text, "=r,f,f",
                                 /*has_side_effects=*/false,
                                 /*is_align_stack=*/false,
                                 LLVM::AsmDialectAttr(), ArrayAttr())
      .getResult(0);
}

void TensorCoreOps::requestFirstBlocks(Value blocks, int64_t ahead,
                                       function_ref<void(Value)> load) {
  for (int64_t s = 0; s < ahead; ++s) {
    auto ifOp = b.create<scf::IfOp>(loc, TypeRange{}, ult(c(s), blocks),
                                    /*withElse=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    load(c(s));
  }
}

void TensorCoreOps::waitForBlock(Value blocks, Value t, int64_t ahead) {
  Value last = ult(sub(blocks, t), c(ahead));
  auto wait = b.create<scf::IfOp>(loc, TypeRange{}, last, true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(wait.thenBlock());
  b.create<NVVM::CpAsyncWaitGroupOp>(loc, 0);
  b.setInsertionPointToStart(wait.elseBlock());
  b.create<NVVM::CpAsyncWaitGroupOp>(loc, ahead - 1);
}

} // namespace tessera
