// What the entry checks before a group that relies on run-time extents is
// allocated or launched, so that no kernel reads outside its operand:
// - a slice whose offset, size or operand extent is only known at run time
//   (x[1:], x[-1], x[2:5] of x: f32[N]): for each such dim, size >= 0 and,
//   when the size is not 0, offset >= 0 and
//   offset + (size - 1) * stride < extent;
// - a reshape whose element counts are not equal whatever the dims
//   (reshape(x, shape: [M, 2]) of x: f32[N]): the counts agree.
// A failed check stops the entry with TESSERA_ERROR_OUT_OF_RANGE.
#include "KernelBuilder.h"
#include "tessera/Conversion/SymbolicShape.h"

using namespace mlir;

namespace tessera::tile {

namespace {

// The dim is taken whole: offset 0, stride 1, the size the operand's extent.
bool takesWhole(tgraph::SliceOp s, unsigned i,
                ArrayRef<SymbolicDim> operandDims) {
  if (s.getOffsets()[i] != 0 || s.getStrides()[i] != 1)
    return false;
  OpFoldResult size = s.getMixedSize(i);
  std::optional<SymbolicDim> n;
  if (auto v = dyn_cast<Value>(size))
    n = indexExtent(v);
  else
    n = SymbolicDim::constant(
        cast<IntegerAttr>(cast<Attribute>(size)).getInt());
  return n && n->terms() == operandDims[i].terms();
}

} // namespace

// The element counts of a reshape's operand and result agree.
static LogicalResult checkReshape(tsched::FusionGroupOp group,
                                  tgraph::ReshapeOp r, EntryContext &ctx) {
  Value operand = groupInput(group, r.getOperand());
  auto in = symbolicDims(operand), out = symbolicDims(group.getResult(0));
  if (!in || !out)
    return r.emitError("cannot determine the shapes of this reshape");
  auto product = [](ArrayRef<SymbolicDim> dims) {
    SymbolicDim p = SymbolicDim::constant(1);
    for (const SymbolicDim &d : dims)
      p = p * d;
    return p;
  };
  if (product(*in).terms() == product(*out).terms())
    return success();
  Location loc = r.getLoc();
  auto inExtents = ctx.extentsOf(operand, loc);
  auto outExtents = ctx.extentsOf(group.getResult(0), loc);
  if (failed(inExtents) || failed(outExtents))
    return failure();
  OpBuilder &b = ctx.entryBuilder();
  Value same = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                       tile::product(b, loc, *inExtents),
                                       tile::product(b, loc, *outExtents));
  b.create<ttile::CheckOp>(loc, same, ttile::kStatusOutOfRange,
                           b.getStringAttr("reshape keeps the element count"));
  return success();
}

LogicalResult emitRuntimeChecks(tsched::FusionGroupOp group,
                                EntryContext &ctx) {
  if (group.getKind() != "layout")
    return success();
  if (auto r = dyn_cast<tgraph::ReshapeOp>(singleOp(group)))
    return checkReshape(group, r, ctx);
  auto s = dyn_cast<tgraph::SliceOp>(singleOp(group));
  if (!s)
    return success();
  RankedTensorType type = s.getOperand().getType();
  Location loc = s.getLoc();
  Value operand = groupInput(group, s.getOperand());
  auto dims = symbolicDims(operand);
  if (!dims)
    return s.emitError("cannot determine the shape of this slice's operand");
  OpBuilder &b = ctx.entryBuilder();
  using P = arith::CmpIPredicate;
  auto cmp = [&](P p, Value l, Value r) -> Value {
    return b.create<arith::CmpIOp>(loc, p, l, r);
  };
  auto entryValue = [&](OpFoldResult m) -> Value {
    if (auto v = dyn_cast<Value>(m))
      return groupInput(group, v);
    return indexConst(b, loc, cast<IntegerAttr>(cast<Attribute>(m)).getInt());
  };
  Value ok;
  SmallVector<unsigned> checked;
  for (unsigned i = 0; i < type.getRank(); ++i) {
    // Known extents were checked by the verifier.
    if ((!type.isDynamicDim(i) && !ShapedType::isDynamic(s.getOffsets()[i]) &&
         !ShapedType::isDynamic(s.getSizes()[i])) ||
        takesWhole(s, i, *dims))
      continue;
    auto extents = ctx.extentsOf(operand, loc);
    if (failed(extents))
      return failure();
    Value offset = entryValue(s.getMixedOffset(i));
    Value size = entryValue(s.getMixedSize(i));
    Value zero = indexConst(b, loc, 0);
    // offset + (size - 1) * stride, the last index read.
    Value last = b.create<arith::AddIOp>(
        loc, offset,
        b.create<arith::MulIOp>(
            loc, b.create<arith::SubIOp>(loc, size, indexConst(b, loc, 1)),
            indexConst(b, loc, s.getStrides()[i])));
    Value inside = b.create<arith::AndIOp>(loc, cmp(P::sge, offset, zero),
                                           cmp(P::slt, last, (*extents)[i]));
    Value dimOk = b.create<arith::AndIOp>(
        loc, cmp(P::sge, size, zero),
        b.create<arith::OrIOp>(loc, cmp(P::eq, size, zero), inside));
    ok = ok ? b.create<arith::AndIOp>(loc, ok, dimOk).getResult() : dimOk;
    checked.push_back(i);
  }
  if (!ok)
    return success();
  std::string what = "slice of " + std::to_string(type.getRank()) +
                     "-d tensor inside its extent in dim";
  what += checked.size() > 1 ? "s" : "";
  for (auto [k, i] : llvm::enumerate(checked))
    what += (k ? ", " : " ") + std::to_string(i);
  b.create<ttile::CheckOp>(loc, ok, ttile::kStatusOutOfRange,
                           b.getStringAttr(what));
  return success();
}

} // namespace tessera::tile
