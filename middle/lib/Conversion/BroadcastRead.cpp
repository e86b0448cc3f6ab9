// Broadcast read patterns (BroadcastRead.h).
#include "tessera/Conversion/BroadcastRead.h"

using namespace mlir;

namespace tessera {

// How the operand is read along result dim `d`: the operand's dims are
// aligned with the result's last ones, and a missing or size-1 operand dim
// repeats. A result dim of static extent 1 has a single coordinate either
// way.
static SegmentRead dimRead(RankedTensorType operand, RankedTensorType result,
                           int64_t d) {
  if (result.getDimSize(d) == 1)
    return SegmentRead::Any;
  int64_t j = d - (result.getRank() - operand.getRank());
  if (j < 0 || operand.getDimSize(j) == 1)
    return SegmentRead::Repeat;
  return SegmentRead::Follow;
}

std::optional<SmallVector<SegmentRead>> segmentReads(RankedTensorType operand,
                                                     RankedTensorType result,
                                                     ArrayRef<int64_t> bounds) {
  SmallVector<SegmentRead> reads;
  for (size_t s = 0; s + 1 < bounds.size(); ++s) {
    SegmentRead seg = SegmentRead::Any;
    for (int64_t d = bounds[s]; d < bounds[s + 1]; ++d) {
      SegmentRead r = dimRead(operand, result, d);
      if (r == SegmentRead::Any)
        continue;
      if (seg != SegmentRead::Any && seg != r)
        return std::nullopt;
      seg = r;
    }
    reads.push_back(seg);
  }
  return reads;
}

std::optional<FlatBroadcastRead> flatBroadcastRead(RankedTensorType operand,
                                                   RankedTensorType result) {
  int64_t rank = result.getRank();
  // One segment: the same element or a single one.
  if (auto whole = segmentReads(operand, result, {0, rank})) {
    if ((*whole)[0] == SegmentRead::Repeat)
      return FlatBroadcastRead{FlatBroadcastRead::Scalar, 0};
    return FlatBroadcastRead{FlatBroadcastRead::Same, 0};
  }
  // Two: rows then columns, one followed and the other repeated.
  for (int64_t split = 1; split < rank; ++split) {
    auto reads = segmentReads(operand, result, {0, split, rank});
    if (!reads)
      continue;
    bool rows = (*reads)[0] != SegmentRead::Repeat &&
                (*reads)[1] != SegmentRead::Follow;
    return FlatBroadcastRead{
        rows ? FlatBroadcastRead::Rows : FlatBroadcastRead::Columns, split};
  }
  return std::nullopt;
}

} // namespace tessera
