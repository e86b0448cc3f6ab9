// Scalar index and element arithmetic for kernel bodies written one
// element at a time (solve, gather and scatter): a builder and a location,
// and the few operations those bodies are made of.
#pragma once

#include "KernelBuilder.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

namespace tessera::tile {

struct Scalars {
  mlir::OpBuilder &b;
  mlir::Location loc;

  mlir::Value idx(int64_t v) { return indexConst(b, loc, v); }
  mlir::Value add(mlir::Value x, mlir::Value y) {
    return b.create<mlir::arith::AddIOp>(loc, x, y);
  }
  mlir::Value sub(mlir::Value x, mlir::Value y) {
    return b.create<mlir::arith::SubIOp>(loc, x, y);
  }
  mlir::Value mul(mlir::Value x, mlir::Value y) {
    return b.create<mlir::arith::MulIOp>(loc, x, y);
  }
  mlir::Value div(mlir::Value x, mlir::Value y) {
    return b.create<mlir::arith::DivUIOp>(loc, x, y);
  }
  mlir::Value rem(mlir::Value x, mlir::Value y) {
    return b.create<mlir::arith::RemUIOp>(loc, x, y);
  }
  // Element (row, col) of a row-major buffer with `cols` columns.
  mlir::Value at(mlir::Value row, mlir::Value cols, mlir::Value col) {
    return add(mul(row, cols), col);
  }
  mlir::Value load(mlir::Value buffer, mlir::Value i) {
    return b.create<mlir::memref::LoadOp>(loc, buffer, mlir::ValueRange{i});
  }
  void store(mlir::Value v, mlir::Value buffer, mlir::Value i) {
    b.create<mlir::memref::StoreOp>(loc, v, buffer, mlir::ValueRange{i});
  }
  mlir::Value cmpf(mlir::arith::CmpFPredicate p, mlir::Value x, mlir::Value y) {
    return b.create<mlir::arith::CmpFOp>(loc, p, x, y);
  }
  mlir::Value cmpi(mlir::arith::CmpIPredicate p, mlir::Value x, mlir::Value y) {
    return b.create<mlir::arith::CmpIOp>(loc, p, x, y);
  }
  mlir::Value zeroOf(mlir::Type elem) {
    return b.create<mlir::arith::ConstantOp>(loc, b.getFloatAttr(elem, 0.0));
  }
  // for (i = from; i < to; ++i) body(i)
  void loop(mlir::Value from, mlir::Value to,
            llvm::function_ref<void(mlir::Value)> body) {
    auto f = b.create<mlir::scf::ForOp>(loc, from, to, idx(1));
    mlir::OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(f.getBody()->getTerminator());
    body(f.getInductionVar());
  }
  // if (cond) then()
  void when(mlir::Value cond, llvm::function_ref<void()> then) {
    auto f = b.create<mlir::scf::IfOp>(loc, cond, /*withElseRegion=*/false);
    mlir::OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(f.thenBlock()->getTerminator());
    then();
  }
  void swap(mlir::Value buffer, mlir::Value i, mlir::Value j) {
    mlir::Value x = load(buffer, i), y = load(buffer, j);
    store(y, buffer, i);
    store(x, buffer, j);
  }
};

} // namespace tessera::tile
