// A matmul group's epilogue (MatmulEpilogue.h): the group's elementwise
// operators after the matmul, evaluated on one vector of the product as an
// elementwise kernel evaluates its chain (evaluateChain), its inputs read at
// the product's flat offsets (in place through broadcasts).
#include "MatmulEpilogue.h"
#include "ReductionFold.h"

#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace tessera::tile {

// Elements a tile of the epilogue's own kernel covers (an elementwise
// group's default).
static constexpr int64_t kEpilogueTile = 4096;

std::optional<MatmulEpilogue> MatmulEpilogue::of(tsched::FusionGroupOp group,
                                                 ArrayRef<Value> results) {
  Block &body = group.getBody().front();
  auto matmuls = body.getOps<tgraph::MatmulOp>();
  if (matmuls.empty() || body.getOperations().size() == 2)
    return std::nullopt;
  MatmulEpilogue e;
  e.group = group;
  e.mm = *matmuls.begin();
  for (auto [value, buffer] :
       llvm::zip(body.getTerminator()->getOperands(), results)) {
    if (value == e.mm.getResult() && !e.productBuffer) {
      e.productBuffer = buffer;
      continue;
    }
    e.stored.push_back(value);
    e.storedBuffers.push_back(buffer);
  }
  // Tensors read by anything but the matmul (a shape cast's extents are
  // the kernel's sizes, not reads).
  for (BlockArgument arg : body.getArguments())
    if (isa<RankedTensorType>(arg.getType()) &&
        llvm::any_of(arg.getUsers(),
                     [&](Operation *user) { return user != e.mm; }))
      e.read.push_back(arg);
  return e;
}

LogicalResult MatmulEpilogue::addTo(KernelSpec &spec, EntryContext &ctx,
                                    Location loc) {
  firstInput = spec.inputs.size();
  for (BlockArgument arg : read)
    spec.inputs.push_back(ctx.bufferOf(groupInput(group, arg)));
  firstOutput = spec.outputs.size();
  llvm::append_range(spec.outputs, storedBuffers);
  // Every result has the product's shape (the epilogue's iteration space).
  Value space = group.getResult(0);
  auto extents = ctx.extentsOf(space, loc);
  if (failed(extents))
    return failure();
  broadcasts = BroadcastReads();
  return broadcasts.plan(group.getBody().front(),
                         cast<RankedTensorType>(space.getType()), *extents,
                         spec.sizes, ctx.entryBuilder(), loc);
}

LogicalResult MatmulEpilogue::emitStep(OpBuilder &b, Location loc,
                                       const KernelBody &kernel, Value product,
                                       Value offset, Value bound, bool inBounds,
                                       std::optional<Position> position) {
  int64_t lanes = cast<VectorType>(product.getType()).getNumElements();
  auto markInBounds = [&](Operation *access) {
    if (inBounds)
      access->setAttr("ttile.in_bounds", b.getUnitAttr());
  };
  IRMapping map;
  map.map(mm.getResult(), product);
  DenseMap<Value, Value> bufferOf;
  for (auto [i, arg] : llvm::enumerate(read))
    bufferOf[arg] = kernel.inputs[firstInput + i];
  auto readInput = [&](Value arg) -> Value {
    Value buffer = bufferOf.lookup(arg);
    auto vt = VectorType::get({lanes}, elementOf(arg));
    if (cast<RankedTensorType>(arg.getType()).getRank() == 0) {
      Value s = b.create<memref::LoadOp>(loc, buffer,
                                         ValueRange{indexConst(b, loc, 0)});
      return b.create<vector::SplatOp>(loc, vt, s);
    }
    auto load = b.create<ttile::LoadOp>(loc, vt, buffer, offset, bound);
    markInBounds(load);
    return load;
  };
  int64_t rank = cast<RankedTensorType>(mm.getType()).getRank();
  auto readBroadcast = [&](tgraph::BroadcastOp bc) -> Value {
    Value buffer = bufferOf.lookup(bc.getOperand());
    FlatBroadcastRead r = broadcasts.reads.lookup(bc);
    auto vt = VectorType::get({lanes}, elementOf(bc.getOperand()));
    if (position && r.split == rank - 1 &&
        r.kind == FlatBroadcastRead::Columns) {
      auto load = b.create<ttile::LoadOp>(loc, vt, buffer, position->column,
                                          position->columns);
      markInBounds(load);
      return load;
    }
    if (position && r.split == rank - 1 && r.kind == FlatBroadcastRead::Rows)
      return b.create<vector::SplatOp>(
          loc, vt,
          b.create<memref::LoadOp>(loc, buffer, ValueRange{position->row}));
    return broadcasts.read(b, bc, buffer, lanes, offset, bound, kernel.sizes);
  };
  FailureOr<SmallVector<Value>> values =
      evaluateChain(b, group.getBody().front(), stored, lanes, map, bufferOf,
                    readInput, readBroadcast, offset);
  if (failed(values))
    return failure();
  for (auto [i, v] : llvm::enumerate(*values))
    markInBounds(b.create<ttile::StoreOp>(
        loc, v, kernel.outputs[firstOutput + i], offset, bound));
  return success();
}

FailureOr<StringAttr>
MatmulEpilogue::emitElementKernel(EntryContext &ctx, Location loc,
                                  StringRef matmulKernel) {
  Value space = group.getResult(0);
  auto extents = ctx.extentsOf(space, loc);
  if (failed(extents))
    return failure();
  // Planned as for the matmul kernel: the same row lengths in the same
  // order (the entry's copies of them go unused).
  SmallVector<Value> rowLengths;
  broadcasts = BroadcastReads();
  if (failed(broadcasts.plan(group.getBody().front(),
                             cast<RankedTensorType>(space.getType()), *extents,
                             rowLengths, ctx.entryBuilder(), loc)))
    return failure();
  SmallVector<Type> inputs{flatBuffer(mm.getType())};
  for (BlockArgument arg : read)
    inputs.push_back(flatBuffer(arg.getType()));
  unsigned numSizes = rowLengths.size() + 3;
  KernelBody k =
      createKernelBody(ctx, "matmul_epilogue", 1, 1, inputs,
                       ValueRange(storedBuffers).getTypes(), numSizes, loc,
                       (matmulKernel + "_epilogue").str());
  firstInput = 1;
  firstOutput = 0;
  OpBuilder &b = k.builder;
  auto product = b.create<ttile::LoadOp>(
      loc, VectorType::get({1}, elementOf(mm.getResult())), k.inputs[0],
      k.offset, k.extent);
  product->setAttr("ttile.in_bounds", b.getUnitAttr());
  Position position{k.sizes[numSizes - 3], k.sizes[numSizes - 2],
                    k.sizes[numSizes - 1]};
  if (failed(emitStep(b, loc, k, product, k.offset, k.extent,
                      /*inBounds=*/true, position)))
    return failure();
  b.create<ttile::YieldOp>(loc);
  return k.kernel().getSymNameAttr();
}

LogicalResult MatmulEpilogue::emitKernel(EntryContext &ctx, Location loc,
                                         Value productBuffer, Value points,
                                         int64_t vectorBytes) {
  // The matmul's operands have its product's type: the widest element is
  // the epilogue's.
  int64_t lanes = lanesFor(group, vectorBytes);
  int64_t tile = (kEpilogueTile + lanes - 1) / lanes * lanes;
  KernelSpec spec{"elementwise", tile, lanes, {productBuffer}, {}, points, {}};
  if (failed(addTo(spec, ctx, loc)))
    return failure();
  KernelBody k = createKernel(ctx, spec, loc);
  OpBuilder &b = k.builder;
  Value product = b.create<ttile::LoadOp>(
      loc, VectorType::get({lanes}, elementOf(mm.getResult())), k.inputs[0],
      k.offset, k.extent);
  if (failed(emitStep(b, loc, k, product, k.offset, k.extent, false)))
    return failure();
  b.create<ttile::YieldOp>(loc);
  return success();
}

} // namespace tessera::tile
