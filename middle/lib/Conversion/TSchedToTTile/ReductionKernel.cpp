// The reduction group: a point is one result element, and a step computes
// `resultsPerStep` of them (the pass's reduction-results option). The operand
// is read as [outer, R, inner] (the reduced axes are adjacent), and each result
// folds its R elements in ascending order: the order is the policy's, never
// the split of the work, so the bits do not depend on the tile size or the
// thread count.
#include "KernelBuilder.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace tessera::tile {

namespace {
enum class Fold { Sum, Mean, Max, Min, Prod };
} // namespace

static TypedAttr initialValue(OpBuilder &b, Fold fold, Type elem) {
  bool isFloat = isa<FloatType>(elem);
  auto number = [&](double f) -> TypedAttr {
    return isFloat ? TypedAttr(b.getFloatAttr(elem, f))
                   : TypedAttr(b.getIntegerAttr(elem, static_cast<int64_t>(f)));
  };
  unsigned w = elem.getIntOrFloatBitWidth();
  switch (fold) {
  case Fold::Sum:
  case Fold::Mean:
    return number(0);
  case Fold::Prod:
    return number(1);
  case Fold::Max:
    return isFloat ? number(-INFINITY)
                   : b.getIntegerAttr(elem, llvm::APInt::getSignedMinValue(w));
  case Fold::Min:
    return isFloat ? number(INFINITY)
                   : b.getIntegerAttr(elem, llvm::APInt::getSignedMaxValue(w));
  }
  llvm_unreachable("fold");
}

static Value combine(OpBuilder &b, Location loc, Fold fold, Value acc,
                     Value v) {
  bool isFloat = isa<FloatType>(v.getType());
  switch (fold) {
  case Fold::Sum:
  case Fold::Mean:
    return isFloat ? b.create<arith::AddFOp>(loc, acc, v).getResult()
                   : b.create<arith::AddIOp>(loc, acc, v).getResult();
  case Fold::Prod:
    return isFloat ? b.create<arith::MulFOp>(loc, acc, v).getResult()
                   : b.create<arith::MulIOp>(loc, acc, v).getResult();
  case Fold::Max:
    // maximumf keeps a NaN a NaN.
    return isFloat ? b.create<arith::MaximumFOp>(loc, acc, v).getResult()
                   : b.create<arith::MaxSIOp>(loc, acc, v).getResult();
  case Fold::Min:
    return isFloat ? b.create<arith::MinimumFOp>(loc, acc, v).getResult()
                   : b.create<arith::MinSIOp>(loc, acc, v).getResult();
  }
  llvm_unreachable("fold");
}

LogicalResult lowerReductionGroup(tsched::FusionGroupOp group,
                                  ArrayRef<Value> results, EntryContext &ctx,
                                  int64_t resultsPerStep) {
  Operation *op = singleOp(group);
  Location loc = op->getLoc();
  Fold fold = isa<tgraph::ReduceSumOp>(op)    ? Fold::Sum
              : isa<tgraph::ReduceMeanOp>(op) ? Fold::Mean
              : isa<tgraph::ReduceMaxOp>(op)  ? Fold::Max
              : isa<tgraph::ReduceMinOp>(op)  ? Fold::Min
                                              : Fold::Prod;
  Value operand = groupInput(group, op->getOperand(0));
  Type elem = elementOf(operand);
  if (!isSupportedElement(elem))
    return op->emitError("reduction on ")
           << elem << " is not supported by the CPU backend yet";
  SmallVector<int64_t> axes(
      op->getAttrOfType<DenseI64ArrayAttr>("axes").asArrayRef());
  llvm::sort(axes);
  for (size_t i = 1; i < axes.size(); ++i)
    if (axes[i] != axes[i - 1] + 1)
      return op->emitError("reducing axes that are not adjacent is not "
                           "supported by the CPU backend yet");

  OpBuilder &eb = ctx.entryBuilder();
  auto in = ctx.extentsOf(operand, loc);
  if (failed(in))
    return failure();
  ArrayRef<Value> dims(*in);
  int64_t first = axes.empty() ? dims.size() : axes.front();
  int64_t last = axes.empty() ? dims.size() : axes.back() + 1;
  Value outer = product(eb, loc, dims.take_front(first));
  Value reduced = product(eb, loc, dims.slice(first, last - first));
  Value inner = product(eb, loc, dims.drop_front(last));
  Value points = eb.create<arith::MulIOp>(loc, outer, inner);

  // A step computes resultsPerStep consecutive results, each folding its
  // own R elements in ascending order: independent chains that the CPU
  // overlaps, where one chain waits on each add. A result's bits are those
  // of folding it alone.
  KernelSpec spec{"reduction",     group.getTile()[0],
                  resultsPerStep,  {ctx.bufferOf(operand)},
                  {results[0]},    points,
                  {reduced, inner}};
  KernelBody kb = createKernel(ctx, spec, loc);
  OpBuilder &b = kb.builder;
  Value R = kb.sizes[0], I = kb.sizes[1], o = kb.offset;
  // Results past the last (in the last step) read result o's elements and
  // store nothing.
  SmallVector<Value> index, valid, base, init;
  for (int64_t j = 0; j < resultsPerStep; ++j) {
    Value oj = b.create<arith::AddIOp>(loc, o, indexConst(b, loc, j));
    valid.push_back(
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, oj, kb.extent));
    Value read = b.create<arith::SelectOp>(loc, valid.back(), oj, o);
    Value p = b.create<arith::DivUIOp>(loc, read, I);
    Value q = b.create<arith::RemUIOp>(loc, read, I);
    index.push_back(oj);
    base.push_back(b.create<arith::AddIOp>(
        loc,
        b.create<arith::MulIOp>(loc, b.create<arith::MulIOp>(loc, p, R), I),
        q));
    init.push_back(
        b.create<arith::ConstantOp>(loc, initialValue(b, fold, elem)));
  }
  auto loop = b.create<scf::ForOp>(
      loc, indexConst(b, loc, 0), R, indexConst(b, loc, 1), init,
      [&](OpBuilder &b, Location loc, Value r, ValueRange acc) {
        Value stride = b.create<arith::MulIOp>(loc, r, I);
        SmallVector<Value> next;
        for (int64_t j = 0; j < resultsPerStep; ++j) {
          Value idx = b.create<arith::AddIOp>(loc, base[j], stride);
          Value v =
              b.create<memref::LoadOp>(loc, kb.inputs[0], ValueRange{idx});
          next.push_back(combine(b, loc, fold, acc[j], v));
        }
        b.create<scf::YieldOp>(loc, next);
      });
  Value count;
  if (fold == Fold::Mean)
    count = b.create<arith::UIToFPOp>(
        loc, elem, b.create<arith::IndexCastUIOp>(loc, b.getI64Type(), R));
  for (int64_t j = 0; j < resultsPerStep; ++j) {
    Value result = loop.getResult(j);
    if (fold == Fold::Mean)
      result = b.create<arith::DivFOp>(loc, result, count);
    auto store = b.create<scf::IfOp>(loc, valid[j], /*withElse=*/false);
    OpBuilder inner = store.getThenBodyBuilder();
    inner.create<memref::StoreOp>(loc, result, kb.outputs[0],
                                  ValueRange{index[j]});
  }
  b.create<ttile::YieldOp>(loc);
  return success();
}

} // namespace tessera::tile
