// Rows in one kernel: softmax is a row maximum, a row sum of exp(x - max)
// and an elementwise exp(x - max) / sum, three groups that each read the
// whole [R, C] operand. Where rows are known to be short enough for one
// kernel point, or their length is known at run time only and there are
// outer dims, they merge into one group of kind "rows" whose
// kernel folds a row, then folds it again with the first value known, then
// writes the row: the operand is read from memory once, and the two other
// passes find it in cache (RowGroupKernel.cpp).
//
// The members around an elementwise group E over [outer..., row...]:
//   - reductions over E's row dims of an operand of E's shape (row groups);
//   - elementwise groups over the per-row shape ([outer..., 1...] or
//     [outer...]), such as layernorm's rsqrt(var + eps), whose inputs are
//     per-row values or scalars;
// found from E's inputs backwards. Row-space operators read a per-row value
// only through a broadcast along the row. A member whose value some group
// before E reads as well stays out (the merged group takes E's place, so
// that group would wait on it), and so does whatever that leaves read by
// an outsider before E. The kernel computes every operator exactly as its
// own kernel did, so the bits do not change.
#include "FusionRules.h"

#include "tessera/Conversion/BroadcastRead.h"
#include "tessera/Conversion/SymbolicShape.h"
#include "tessera/Dialect/TSched/TSched.h"

#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace mlir;

namespace tessera {

namespace {

// The longest row of known length merged: the row reduction's segment
// (RowReductionKernel.cpp). Longer known rows keep the segmented kernels,
// which fold a row's segments in parallel; a rows kernel would fold them
// one after another (as it does for run-time lengths, with the same bits).
constexpr int64_t kLongestRow = 256 * 32;

Operation *yielded(tsched::FusionGroupOp group, unsigned i) {
  return group.getBody().front().getTerminator()->getOperand(i).getDefiningOp();
}

bool isReduction(Operation *op) {
  return isa_and_nonnull<tgraph::ReduceSumOp, tgraph::ReduceMeanOp,
                         tgraph::ReduceMaxOp, tgraph::ReduceMinOp,
                         tgraph::ReduceProdOp>(op);
}

class RowGroup {
public:
  explicit RowGroup(tsched::FusionGroupOp anchor) : anchor(anchor) {}

  // The members, anchor last, in block order; empty when there is nothing
  // to merge.
  SmallVector<tsched::FusionGroupOp> members() {
    if (!rowSpace())
      return {};
    // Twice: a per-row group met before the first reduction is only known
    // to be one once that reduction has fixed the row dims.
    llvm::SetVector<Operation *> found;
    for (int pass = 0; pass < 2; ++pass) {
      SmallVector<tsched::FusionGroupOp> work{anchor};
      while (!work.empty()) {
        tsched::FusionGroupOp g = work.pop_back_val();
        for (Value in : g.getInputs()) {
          auto p = in.getDefiningOp<tsched::FusionGroupOp>();
          if (p && !found.contains(p) && joins(p)) {
            found.insert(p);
            work.push_back(p);
          }
        }
      }
    }
    // Members read before the anchor by an outsider stay out, until none
    // is.
    for (bool changed = true; changed;) {
      changed = false;
      for (Operation *m : llvm::make_early_inc_range(found))
        if (readEarlyOutside(m, found)) {
          found.remove(m);
          changed = true;
        }
    }
    if (llvm::none_of(found, [](Operation *m) {
          return isReduction(yielded(cast<tsched::FusionGroupOp>(m), 0));
        }))
      return {};
    SmallVector<tsched::FusionGroupOp> all;
    for (Operation *m : found)
      all.push_back(cast<tsched::FusionGroupOp>(m));
    llvm::sort(all, [](auto a, auto b) { return a->isBeforeInBlock(b); });
    all.push_back(anchor);
    return all;
  }

private:
  // Whether the anchor is an elementwise group over rows that one point
  // can fold: E's row dims, from `first` on, are known, at least 2 and at
  // most kLongestRow elements; its results are computed by its operators.
  bool rowSpace() {
    if (anchor.getKind() != "elementwise" || anchor.getNumResults() == 0)
      return false;
    rowType = cast<RankedTensorType>(anchor.getResult(0).getType());
    Block &body = anchor.getBody().front();
    for (Value v : body.getTerminator()->getOperands())
      if (!v.getDefiningOp() || isa<tgraph::ConstantOp>(v.getDefiningOp()) ||
          cast<RankedTensorType>(v.getType()).getShape() != rowType.getShape())
        return false;
    // Rows kernels read inputs in the row's type: no shape casts.
    for (Operation &op : body.without_terminator())
      if (isRandom(&op) || isShapeCast(&op))
        return false;
    // The row dims are fixed by the first reduction that joins.
    return rowType.getRank() > 0;
  }

  // Whether group `g` can join: a row reduction of an operand of the
  // anchor's shape, or a per-row elementwise group.
  bool joins(tsched::FusionGroupOp g) {
    if (g->getBlock() != anchor->getBlock() || g.getNumResults() == 0)
      return false;
    Operation *op = yielded(g, 0);
    if (g.getKind() == "reduction" && isReduction(op) && g.getNumResults() == 1)
      return rowReduction(op) && perRow(g) && rowBroadcasts(g) && sameRows(g);
    if (g.getKind() != "elementwise" || first < 0 || !perRow(g))
      return false;
    // Its inputs are per-row values (of its shape) or scalars.
    auto type = cast<RankedTensorType>(g.getResult(0).getType());
    for (Value in : g.getInputs())
      if (auto t = dyn_cast<RankedTensorType>(in.getType());
          t && t.getRank() != 0 && t.getShape() != type.getShape())
        return false;
    for (Operation &op : g.getBody().front().without_terminator()) {
      if (isRandom(&op) || isShapeCast(&op))
        return false;
      if (auto bc = dyn_cast<tgraph::BroadcastOp>(op);
          bc && cast<RankedTensorType>(bc.getOperand().getType()).getRank())
        return false;
    }
    return true;
  }

  // A reduction over the anchor's row dims: an operand of its shape,
  // adjacent innermost axes from `first` on, the same `first` as any
  // reduction found before.
  bool rowReduction(Operation *reduce) {
    auto type = cast<RankedTensorType>(reduce->getOperand(0).getType());
    if (type.getShape() != rowType.getShape())
      return false;
    SmallVector<int64_t> axes(
        reduce->getAttrOfType<DenseI64ArrayAttr>("axes").asArrayRef());
    if (axes.empty())
      return false;
    llvm::sort(axes);
    int64_t rank = rowType.getRank();
    for (size_t i = 0; i < axes.size(); ++i)
      if (axes[i] != rank - static_cast<int64_t>(axes.size() - i))
        return false;
    if (first >= 0 && first != axes.front())
      return false;
    // Rows of run-time length are taken where there are outer dims (so
    // presumably many rows): the kernel folds a long one segment after
    // segment, with the bits of the row reduction's two kernels, but
    // without their parallelism.
    int64_t length = 1;
    bool known = true;
    for (int64_t d : rowType.getShape().drop_front(axes.front())) {
      known = known && !ShapedType::isDynamic(d);
      length = known ? length * d : length;
    }
    if (known ? length < 2 || length > kLongestRow : axes.front() == 0)
      return false;
    first = axes.front();
    return rowBroadcasts(anchor);
  }

  // Whether the reduction of `g` folds rows of the anchor's own symbolic
  // shape (types alone do not tell [R, C] from [R, D]): an input that its
  // body reads as it is, of the row type, has the anchor's shape.
  bool sameRows(tsched::FusionGroupOp g) {
    if (rowType.hasStaticShape())
      return true;
    Block &body = g.getBody().front();
    for (auto [arg, in] : llvm::zip(body.getArguments(), g.getInputs())) {
      auto t = dyn_cast<RankedTensorType>(arg.getType());
      if (!t || t.getShape() != rowType.getShape() ||
          llvm::all_of(arg.getUsers(), llvm::IsaPred<tgraph::BroadcastOp>))
        continue;
      return symbolicShape(in) == anchor.getShape();
    }
    return false;
  }

  // Whether every broadcast in `g` to the row shape reads along the rows or
  // per row, so that the rows kernel reads it in place.
  bool rowBroadcasts(tsched::FusionGroupOp g) {
    int64_t rank = rowType.getRank();
    for (auto bc : g.getBody().front().getOps<tgraph::BroadcastOp>()) {
      if (bc.getType().getShape() != rowType.getShape())
        return false;
      if (!segmentReads(cast<RankedTensorType>(bc.getOperand().getType()),
                        rowType, {0, first, rank, rank}))
        return false;
    }
    return true;
  }

  // Whether `g` computes one value per row: its shape is the anchor's
  // outer dims (the same symbols), then 1s or nothing.
  bool perRow(tsched::FusionGroupOp g) {
    ArrayRef<Attribute> shape = g.getShape().getValue();
    ArrayRef<Attribute> outer = anchor.getShape().getValue().take_front(first);
    if (static_cast<int64_t>(shape.size()) < first ||
        shape.take_front(first) != outer)
      return false;
    return llvm::all_of(shape.drop_front(first),
                        [](Attribute d) {
                          auto i = dyn_cast<IntegerAttr>(d);
                          return i && i.getInt() == 1;
                        }) &&
           (static_cast<int64_t>(shape.size()) == first ||
            shape.size() == anchor.getShape().size());
  }

  // Whether a group outside `members`, before the anchor, reads `m`.
  bool readEarlyOutside(Operation *m,
                        const llvm::SetVector<Operation *> &members) {
    for (Operation *user : m->getUsers())
      if (user != anchor && !members.contains(user) &&
          user->isBeforeInBlock(anchor))
        return true;
    return false;
  }

  tsched::FusionGroupOp anchor;
  RankedTensorType rowType;
  int64_t first = -1;
};

} // namespace

void mergeRowGroups(Block &block) {
  SmallVector<tsched::FusionGroupOp> anchors(
      block.getOps<tsched::FusionGroupOp>());
  llvm::SmallPtrSet<Operation *, 16> gone;
  for (tsched::FusionGroupOp anchor : anchors) {
    if (gone.count(anchor))
      continue;
    SmallVector<tsched::FusionGroupOp> members = RowGroup(anchor).members();
    if (members.empty())
      continue;
    for (auto m : members)
      gone.insert(m);
    mergeGroups(members, "rows");
  }
}

} // namespace tessera
