// The pieces sm_90a's wgmma kernels share (WgmmaOps.h).
#include "WgmmaOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace tessera {

void ptxInstruction(OpBuilder &b, Location loc, StringRef text,
                    ValueRange operands, StringRef constraints) {
  b.create<LLVM::InlineAsmOp>(loc, Type(), operands, text, constraints,
                              /*has_side_effects=*/true,
                              /*is_align_stack=*/false, LLVM::AsmDialectAttr(),
                              ArrayAttr());
}

SmallVector<Value> ptxOnSums(OpBuilder &b, Location loc, StringRef text,
                             ValueRange sums, ValueRange inputs,
                             StringRef inputConstraints) {
  int64_t n = sums.size();
  SmallVector<std::string> constraints(n, "=f");
  if (!inputConstraints.empty())
    constraints.push_back(inputConstraints.str());
  for (int64_t i = 0; i < n; ++i)
    constraints.push_back(std::to_string(i));
  SmallVector<Value> operands(inputs);
  llvm::append_range(operands, sums);
  auto type = LLVM::LLVMStructType::getLiteral(
      b.getContext(), SmallVector<Type>(n, b.getF32Type()));
  Value result =
      b.create<LLVM::InlineAsmOp>(
           loc, type, operands, text, llvm::join(constraints, ","),
           /*has_side_effects=*/true,
           /*is_align_stack=*/false, LLVM::AsmDialectAttr(), ArrayAttr())
          .getResult(0);
  SmallVector<Value> out;
  for (int64_t i = 0; i < n; ++i)
    out.push_back(b.create<LLVM::ExtractValueOp>(loc, result, i));
  return out;
}

std::string ptxOperandList(int64_t first, int64_t count) {
  SmallVector<std::string> names;
  for (int64_t i = first; i < first + count; ++i)
    names.push_back("$" + std::to_string(i));
  return "{" + llvm::join(names, ", ") + "}";
}

void mbarrierInit(IndexMath &m, Value address, int64_t count) {
  Value n = m.b.create<arith::ConstantIntOp>(m.loc, count, 32);
  ptxInstruction(m.b, m.loc, "mbarrier.init.shared::cta.b64 [$0], $1;",
                 ValueRange{address, n}, "l,r");
}

void mbarrierWait(IndexMath &m, Value address, Value parity) {
  ptxInstruction(m.b, m.loc,
                 "{\n.reg .pred done;\nTRY:\n"
                 "mbarrier.try_wait.parity.shared::cta.b64 done, [$0], $1;\n"
                 "@!done bra TRY;\n}",
                 ValueRange{address, parity}, "l,r");
}

void mbarrierArrive(IndexMath &m, Value address) {
  ptxInstruction(m.b, m.loc,
                 "{\n.reg .b64 state;\n"
                 "mbarrier.arrive.shared::cta.b64 state, [$0];\n}",
                 ValueRange{address}, "l");
}

void mbarrierArriveOnCopies(IndexMath &m, Value address) {
  ptxInstruction(m.b, m.loc,
                 "cp.async.mbarrier.arrive.noinc.shared::cta.b64 [$0];",
                 ValueRange{address}, "l");
}

Value wgmmaDescriptor(IndexMath &m, Value start, int64_t leading,
                      int64_t stride) {
  constexpr int64_t kSwizzle128 = 1; // the descriptor's layout type
  Value field = m.b.create<arith::AndIOp>(
      m.loc, m.b.create<arith::ShRUIOp>(m.loc, start, m.c(4)), m.c(0x3FFF));
  int64_t fixed =
      ((leading >> 4) << 16) | ((stride >> 4) << 32) | (kSwizzle128 << 62);
  return m.b.create<arith::OrIOp>(m.loc, field, m.c(fixed));
}

} // namespace tessera
