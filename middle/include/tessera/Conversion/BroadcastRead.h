// How a kernel reads an operand through a `tgraph.broadcast` instead of a
// materialised copy. The result's dims are cut into consecutive segments
// (an elementwise kernel's rows and columns; a reduction's outer, reduced
// and inner dims); along each, the operand either follows the result (reads
// the segment's coordinate) or repeats (reads coordinate 0). A kernel reads
// an operand through a broadcast when the operand does the same along every
// dim of a segment: its flat index is then a few index operations on the
// segments' coordinates, computed once per step, not per element.
#pragma once

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace tessera {

enum class SegmentRead {
  Any,    // every dim of the segment has extent 1 (or there is none)
  Follow, // the operand's coordinate is the result's
  Repeat  // the operand has extent 1 there: coordinate 0
};

// For each segment [bounds[i], bounds[i+1]) of the result's dims (bounds
// start at 0 and end at the rank), how the broadcast's operand is read;
// nullopt when it follows along some dims of a segment and repeats along
// others.
std::optional<llvm::SmallVector<SegmentRead>>
segmentReads(mlir::RankedTensorType operand, mlir::RankedTensorType result,
             llvm::ArrayRef<int64_t> bounds);

// The elementwise kernel's view: the result as rows of `W` elements, W the
// product of its dims from `split` on, read in flat order.
struct FlatBroadcastRead {
  enum Kind {
    Same,    // element i reads operand element i
    Scalar,  // every element reads operand element 0
    Rows,    // element i reads i / W (a value per row: [R, 1] -> [R, C])
    Columns, // element i reads i % W (a row repeated: [C] -> [R, C])
  } kind = Same;
  int64_t split = 0;
};

// How an elementwise kernel reads the broadcast's operand; nullopt for the
// patterns it cannot (repeating along dims between followed ones, as
// [A, 1, B] -> [A, C, B]): those stay layout kernels.
std::optional<FlatBroadcastRead>
flatBroadcastRead(mlir::RankedTensorType operand,
                  mlir::RankedTensorType result);

} // namespace tessera
