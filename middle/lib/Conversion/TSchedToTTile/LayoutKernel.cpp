// The layout group: a point is one result element, found at its coordinates
// in the operand (transpose, broadcast, slice, pad, concat), or computed
// from them (iota). The body reads the result's extents and each input's
// as sizes, splits the point's flat index into coordinates, and maps them.
#include "KernelBuilder.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace tessera::tile {

namespace {

// The kernel body's view of its sizes: the result's extents, then each
// input's, in order.
struct Extents {
  SmallVector<Value> result;
  SmallVector<SmallVector<Value>> inputs;
};

// Row-major strides of `extents`.
SmallVector<Value> stridesOf(OpBuilder &b, Location loc,
                             ArrayRef<Value> extents) {
  SmallVector<Value> strides(extents.size());
  Value s = indexConst(b, loc, 1);
  for (size_t i = extents.size(); i-- > 0;) {
    strides[i] = s;
    s = b.create<arith::MulIOp>(loc, s, extents[i]);
  }
  return strides;
}

Value linearIndex(OpBuilder &b, Location loc, ArrayRef<Value> coords,
                  ArrayRef<Value> strides) {
  Value idx = indexConst(b, loc, 0);
  for (auto [c, s] : llvm::zip(coords, strides))
    idx = b.create<arith::AddIOp>(loc, idx, b.create<arith::MulIOp>(loc, c, s));
  return idx;
}

Value loadAt(OpBuilder &b, Location loc, Value buffer, Value idx) {
  return b.create<memref::LoadOp>(loc, buffer, ValueRange{idx});
}

} // namespace

LogicalResult lowerLayoutGroup(tsched::FusionGroupOp group,
                               ArrayRef<Value> results, EntryContext &ctx) {
  Operation *op = singleOp(group);
  Location loc = op->getLoc();
  Value result = group.getResult(0);
  Type elem = elementOf(result);
  // c64 elements move as they are; only pad would need a c64 constant.
  if (isa<ComplexType>(elem) && isa<tgraph::PadOp>(op))
    return refuseComplex(op);
  if (!isSupportedElement(elem) && !isa<ComplexType>(elem))
    return op->emitError("'") << op->getName() << "' on " << elem
                              << " is not supported by the CPU backend yet";

  // Inputs: the operator's tensor operands, read from the entry.
  SmallVector<Value> inputs;
  for (Value v : op->getOperands())
    if (isa<RankedTensorType>(v.getType()))
      inputs.push_back(groupInput(group, v));

  auto out = ctx.extentsOf(result, loc);
  if (failed(out))
    return failure();
  KernelSpec spec{"layout", group.getTile()[0], 1, {}, {results[0]}, {}, {}};
  spec.sizes = *out;
  for (Value in : inputs) {
    auto e = ctx.extentsOf(in, loc);
    if (failed(e))
      return failure();
    spec.inputs.push_back(ctx.bufferOf(in));
    spec.sizes.append(e->begin(), e->end());
  }
  // A slice's run-time offsets follow, read from the entry.
  size_t firstOffset = spec.sizes.size();
  if (auto s = dyn_cast<tgraph::SliceOp>(op))
    for (Value offset : s.getDynamicOffsets())
      spec.sizes.push_back(groupInput(group, offset));
  spec.points = product(ctx.entryBuilder(), loc, *out);
  KernelBody kb = createKernel(ctx, spec, loc);
  OpBuilder &b = kb.builder;

  Extents ext;
  size_t next = out->size();
  ext.result.assign(kb.sizes.begin(), kb.sizes.begin() + next);
  for (Value in : inputs) {
    size_t rank = cast<RankedTensorType>(in.getType()).getRank();
    ext.inputs.emplace_back(kb.sizes.begin() + next,
                            kb.sizes.begin() + next + rank);
    next += rank;
  }
  // The point's coordinates in the result.
  SmallVector<Value> coords;
  {
    SmallVector<Value> strides = stridesOf(b, loc, ext.result);
    for (auto [s, e] : llvm::zip(strides, ext.result))
      coords.push_back(b.create<arith::RemUIOp>(
          loc, b.create<arith::DivUIOp>(loc, kb.offset, s), e));
  }
  auto inputIndex = [&](unsigned i, ArrayRef<Value> c) {
    return linearIndex(b, loc, c, stridesOf(b, loc, ext.inputs[i]));
  };

  Value value;
  if (auto t = dyn_cast<tgraph::TransposeOp>(op)) {
    SmallVector<Value> c(coords.size());
    for (auto [i, p] : llvm::enumerate(t.getPermutation()))
      c[p] = coords[i];
    value = loadAt(b, loc, kb.inputs[0], inputIndex(0, c));
  } else if (auto bc = dyn_cast<tgraph::BroadcastOp>(op)) {
    auto it = cast<RankedTensorType>(inputs[0].getType());
    size_t lead = coords.size() - it.getRank();
    SmallVector<Value> c;
    for (int64_t j = 0; j < it.getRank(); ++j)
      c.push_back(it.getDimSize(j) == 1 ? indexConst(b, loc, 0)
                                        : coords[j + lead]);
    value = loadAt(b, loc, kb.inputs[0], inputIndex(0, c));
  } else if (isa<tgraph::ReshapeOp>(op)) {
    value = loadAt(b, loc, kb.inputs[0], kb.offset);
  } else if (auto s = dyn_cast<tgraph::SliceOp>(op)) {
    SmallVector<Value> c;
    size_t nextOffset = firstOffset;
    for (auto [i, x] : llvm::enumerate(coords)) {
      int64_t o = s.getOffsets()[i];
      Value offset = ShapedType::isDynamic(o) ? kb.sizes[nextOffset++]
                                              : indexConst(b, loc, o);
      c.push_back(b.create<arith::AddIOp>(
          loc, offset,
          b.create<arith::MulIOp>(loc, x,
                                  indexConst(b, loc, s.getStrides()[i]))));
    }
    value = loadAt(b, loc, kb.inputs[0], inputIndex(0, c));
  } else if (auto pad = dyn_cast<tgraph::PadOp>(op)) {
    // Inside the operand: read it; outside: the padding value.
    SmallVector<Value> c;
    Value inside = b.create<arith::ConstantIntOp>(loc, 1, 1);
    for (auto [i, x] : llvm::enumerate(coords)) {
      Value low = indexConst(b, loc, pad.getLow()[i]);
      Value ge =
          b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::sge, x, low);
      Value shifted = b.create<arith::SubIOp>(loc, x, low);
      Value lt = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt,
                                         shifted, ext.inputs[0][i]);
      inside = b.create<arith::AndIOp>(loc, inside,
                                       b.create<arith::AndIOp>(loc, ge, lt));
      c.push_back(shifted);
    }
    auto ifOp = b.create<scf::IfOp>(
        loc, inside,
        [&](OpBuilder &b, Location loc) {
          b.create<scf::YieldOp>(
              loc,
              loadAt(b, loc, kb.inputs[0],
                     linearIndex(b, loc, c, stridesOf(b, loc, ext.inputs[0]))));
        },
        [&](OpBuilder &b, Location loc) {
          b.create<scf::YieldOp>(
              loc,
              b.create<arith::ConstantOp>(loc, pad.getValue()).getResult());
        });
    value = ifOp.getResult(0);
  } else if (auto cat = dyn_cast<tgraph::ConcatOp>(op)) {
    // The input whose range along the axis holds the coordinate; one store
    // per point, from whichever input that is.
    int64_t axis = cat.getAxis();
    Value start = indexConst(b, loc, 0);
    for (size_t i = 0; i < inputs.size(); ++i) {
      Value end = b.create<arith::AddIOp>(loc, start, ext.inputs[i][axis]);
      Value ge = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::sge,
                                         coords[axis], start);
      Value lt = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt,
                                         coords[axis], end);
      Value here = b.create<arith::AndIOp>(loc, ge, lt);
      SmallVector<Value> c(coords);
      Value from = start;
      b.create<scf::IfOp>(loc, here, [&](OpBuilder &b, Location loc) {
        c[axis] = b.create<arith::SubIOp>(loc, coords[axis], from);
        Value v =
            loadAt(b, loc, kb.inputs[i],
                   linearIndex(b, loc, c, stridesOf(b, loc, ext.inputs[i])));
        b.create<memref::StoreOp>(loc, v, kb.outputs[0], ValueRange{kb.offset});
        b.create<scf::YieldOp>(loc);
      });
      start = end;
    }
  } else if (auto iota = dyn_cast<tgraph::IotaOp>(op)) {
    Value c = b.create<arith::IndexCastOp>(loc, elem, coords[iota.getAxis()]);
    value = c;
  } else {
    return op->emitError("'") << op->getName() << "' has no CPU lowering yet";
  }
  if (value)
    b.create<memref::StoreOp>(loc, value, kb.outputs[0], ValueRange{kb.offset});
  b.create<ttile::YieldOp>(loc);
  return success();
}

} // namespace tessera::tile
