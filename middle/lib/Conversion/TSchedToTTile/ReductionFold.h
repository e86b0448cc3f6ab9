// The folds of a reduction kernel: each one's identity and combining
// operator, shared by the general kernel (ReductionKernel.cpp) and the row
// kernel (RowReductionKernel.cpp).
#pragma once

#include "KernelBuilder.h"

namespace tessera::tile {

enum class Fold { Sum, Mean, Max, Min, Prod };

// The fold's identity: what an accumulator starts from.
mlir::TypedAttr initialValue(mlir::OpBuilder &b, Fold fold, mlir::Type elem);

// acc op v, on scalars or vectors lane by lane (max/min keep NaN).
mlir::Value combine(mlir::OpBuilder &b, mlir::Location loc, Fold fold,
                    mlir::Value acc, mlir::Value v);

// A reduction over the innermost axes from `first` on: `rows` results, each
// folding one contiguous row of `length` elements in the lane order that
// every target shares (RowReductionKernel.cpp).
mlir::LogicalResult lowerRowReduction(tsched::FusionGroupOp group,
                                      mlir::Operation *reduce, Fold fold,
                                      bool chained, mlir::Value operand,
                                      mlir::Value result, mlir::Value rows,
                                      mlir::Value length, int64_t first,
                                      EntryContext &ctx);

} // namespace tessera::tile
