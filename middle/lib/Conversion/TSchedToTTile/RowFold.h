// The row order (RowFold.cpp), shared by the row reduction's kernels
// (RowReductionKernel.cpp) and the rows group's (RowGroupKernel.cpp): how a
// kernel point reads one row of a group's operand, 32 elements at a time,
// and folds it.
#pragma once

#include "ReductionFold.h"

namespace tessera::tile {

constexpr int64_t kRowLanes = 32;
constexpr int64_t kRowSegment = 256 * kRowLanes;

// Reads chunks of 32 elements of one row: of the group's operand as it is,
// or of values its body computes from its inputs (a reduction's chain, the
// elementwise results of a rows group).
class RowReader {
public:
  // Reads `length` elements from `start` (null: 0) of row `row` of
  // `rowLength`, in the row space `rowType` split at `first` (outer dims,
  // then the row's). `buffers`: the group's tensor inputs when `chained`,
  // else the operand's buffer alone.
  RowReader(mlir::OpBuilder &b, mlir::Location loc, tsched::FusionGroupOp group,
            mlir::RankedTensorType rowType, bool chained,
            llvm::ArrayRef<mlir::Value> buffers, int64_t first, mlir::Value row,
            mlir::Value rowLength, mlir::Value start, mlir::Value length);

  // The chunks at `at` of `targets` (values of the group's body in the row
  // space; ignored unless chained: the operand). Lanes past their end (of a
  // chunk that is not whole) are left as loaded.
  mlir::FailureOr<llvm::SmallVector<mlir::Value>>
  chunks(mlir::OpBuilder &b, mlir::Location loc,
         llvm::ArrayRef<mlir::Value> targets, mlir::Value at, bool whole);
  mlir::FailureOr<mlir::Value> chunk(mlir::OpBuilder &b, mlir::Location loc,
                                     mlir::Value target, mlir::Value at,
                                     bool whole);

  // `v` is known for the whole row: `lanes` (32 lanes, all the same) from
  // now on.
  void know(mlir::Value v, mlir::Value lanes) { invariant.map(v, lanes); }
  mlir::Value known(mlir::Value v) const { return invariant.lookupOrNull(v); }

  mlir::Value rowStart() const { return rowBase; }
  // Reads `length` elements from `start` (null: 0) from now on.
  void setRun(mlir::Value from, mlir::Value count) {
    start = from;
    length = count;
  }

  mlir::LogicalResult status = mlir::success();

private:
  mlir::Value load(mlir::OpBuilder &b, mlir::Location loc, mlir::Value buffer,
                   mlir::Value base, mlir::Value at, bool whole);
  void hoistInvariants(mlir::OpBuilder &b, mlir::Location loc);

  tsched::FusionGroupOp group;
  bool chained;
  mlir::Value row, start, length, rowBase, operandBuffer;
  mlir::RankedTensorType rowType;
  llvm::SmallVector<int64_t> bounds;
  llvm::DenseMap<mlir::Value, mlir::Value> bufferOf;
  llvm::DenseMap<mlir::Operation *, bool> followsOuter;
  mlir::IRMapping invariant;
};

// The row order over `target`'s elements, as `reader` reads them (`length`
// of them), folded in `accType` and compensated when `stable`: the fold's
// value, not yet finished (finishFold).
mlir::FailureOr<mlir::Value> emitRowFold(mlir::OpBuilder &b, mlir::Location loc,
                                         RowReader &reader, mlir::Value target,
                                         Fold fold, mlir::Type accType,
                                         mlir::Value length, bool stable);

// 0, 1, ..., 31 as a vector of i32: each lane's index (the CUDA backend's
// lane id).
mlir::Value laneIndices(mlir::OpBuilder &b, mlir::Location loc);

// The tree over 32 lanes of a fold (and their errors when `stable`), in
// the row order: lane 0's value at the end, compensated when `stable`.
mlir::Value foldLanes(mlir::OpBuilder &b, mlir::Location loc, Fold fold,
                      Compensated lanes, bool stable);

} // namespace tessera::tile
