// The elementwise operators a matmul group applies to its product (merged
// in by MatmulEpilogues.cpp): a bias, an activation, a cast. The matmul
// kernel applies them to each vector of sums it stores; a kernel of its own
// applies them to the product read back where the sums went through memory
// (several segments, or a target that runs matmuls on its own schedule).
// Either way the operators see the product rounded to its element type, so
// the bits are the same.
#pragma once

#include "KernelBuilder.h"

#include <optional>

namespace tessera::tile {

class MatmulEpilogue {
public:
  // The group's epilogue; nullopt when the group is the matmul alone.
  // `results`: the buffers of the group's results.
  static std::optional<MatmulEpilogue> of(tsched::FusionGroupOp group,
                                          llvm::ArrayRef<mlir::Value> results);

  // Adds what a step reads and writes to a kernel over the product's
  // elements: the buffers it reads to `spec.inputs`, those it writes to
  // `spec.outputs`, the row lengths of its broadcasts to `spec.sizes`;
  // their places are remembered for emitStep.
  mlir::LogicalResult addTo(KernelSpec &spec, EntryContext &ctx,
                            mlir::Location loc);
  // Where a matmul kernel's step lies in the product: its flat row (over
  // the batches' rows) and first column, and the row length N. A step lies
  // inside one row, so a bias per column is read at the column and a value
  // per row at the row, without dividing the flat offset.
  struct Position {
    mlir::Value row, column, columns;
  };
  // One step: the epilogue of `product` (a vector of the product's element
  // type) at flat `offset` of the product, lanes at or past `bound` masked;
  // `inBounds`: no lane is.
  mlir::LogicalResult emitStep(mlir::OpBuilder &b, mlir::Location loc,
                               const KernelBody &kernel, mlir::Value product,
                               mlir::Value offset, mlir::Value bound,
                               bool inBounds,
                               std::optional<Position> position = {});
  // A kernel of its own over `points` elements of the product, read from
  // `productBuffer`.
  mlir::LogicalResult emitKernel(EntryContext &ctx, mlir::Location loc,
                                 mlir::Value productBuffer, mlir::Value points,
                                 int64_t vectorBytes);

  // The epilogue of one element, a kernel that nothing launches, for
  // targets that build their own matmul kernels and apply it in their
  // stores (the CUDA backend's block tiles): input 0 stands for the
  // product (its one load is the element's value), then the epilogue's
  // inputs and outputs, in the matmul kernel's order; its sizes are its
  // broadcasts' row lengths, in the matmul kernel's order, then the
  // element's Position (row, column, row length). Every access is in
  // bounds: the target applies it to elements of the product only.
  // Named after the matmul kernel, `matmulKernel`_epilogue.
  mlir::FailureOr<mlir::StringAttr>
  emitElementKernel(EntryContext &ctx, mlir::Location loc,
                    llvm::StringRef matmulKernel);

  tgraph::MatmulOp matmul() const { return mm; }
  // The buffer the group's product itself goes to, when it is a result.
  mlir::Value productResult() const { return productBuffer; }

private:
  tsched::FusionGroupOp group;
  tgraph::MatmulOp mm;
  mlir::Value productBuffer;
  // The body's values it stores, and their buffers.
  llvm::SmallVector<mlir::Value> stored, storedBuffers;
  // The block arguments it reads, and their buffers.
  llvm::SmallVector<mlir::BlockArgument> read;
  BroadcastReads broadcasts;
  unsigned firstInput = 0, firstOutput = 0;
};

} // namespace tessera::tile
