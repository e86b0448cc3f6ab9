// tsched -> ttile: entry functions move from tensors to flat buffers, and
// each fusion group becomes a kernel plus a launch over its points. Results
// that are returned are written straight into the output buffers; the
// others get temporary buffers, freed when the entry returns.
#include "KernelBuilder.h"
#include "tessera/Conversion/Passes.h"
#include "tessera/Conversion/SymbolicShape.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace tessera {
#define GEN_PASS_DEF_CONVERTTSCHEDTOTTILE
#include "tessera/Conversion/Passes.h.inc"
} // namespace tessera

using namespace mlir;

namespace tessera {
namespace {

// The entry's values during the lowering: which buffer holds each tensor
// and how to compute each extent.
class EntryLowering : public tile::EntryContext {
public:
  EntryLowering(func::FuncOp f, int64_t vb, int64_t rr, int64_t ar,
                bool epiloguesInKernel)
      : fn(f), vectorBytes(vb), reductionResults(rr), attentionRows(ar),
        epiloguesInKernel(epiloguesInKernel), entry(f.getContext()),
        kernels(f) {}

  LogicalResult run() {
    Block &block = fn.getBody().front();
    auto ret = cast<func::ReturnOp>(block.getTerminator());
    unsigned numInputs = fn.getNumArguments();
    MLIRContext *ctx = fn.getContext();

    // New arguments: input buffers, output buffers, symbolic dims.
    SmallVector<Attribute> argAttrs;
    for (unsigned i = 0; i < numInputs; ++i) {
      BlockArgument old = block.getArgument(i);
      buffers[old] =
          block.addArgument(tile::flatBuffer(old.getType()), old.getLoc());
      argAttrs.push_back(fn.getArgAttrDict(i));
    }
    for (unsigned i = 0; i < ret.getNumOperands(); ++i) {
      outputs.push_back(block.addArgument(
          tile::flatBuffer(ret.getOperand(i).getType()), fn.getLoc()));
      argAttrs.push_back(fn.getResultAttrDict(i));
    }
    auto dims = fn->getAttrOfType<ArrayAttr>(tgraph::kDimsAttr);
    for (Attribute d : dims ? dims.getValue() : ArrayRef<Attribute>{}) {
      dimArgs[cast<StringAttr>(d).getValue()] =
          block.addArgument(IndexType::get(ctx), fn.getLoc());
      argAttrs.push_back(DictionaryAttr::get(
          ctx, {NamedAttribute(StringAttr::get(ctx, tgraph::kNameAttr), d)}));
    }

    // Each return position not yet written by the group that computes its
    // value is filled by a copy.
    SmallVector<bool> written(ret.getNumOperands(), false);
    SmallVector<Operation *> steps;
    for (Operation &op : block)
      if (isa<tsched::FusionGroupOp, tgraph::FixedPointOp,
              tensor::FromElementsOp>(op))
        steps.push_back(&op);
    for (Operation *step : steps) {
      entry.setInsertionPoint(step);
      // Run-time checks first: the group's result buffer may be sized by
      // what they check.
      if (auto group = dyn_cast<tsched::FusionGroupOp>(step))
        if (failed(tile::emitRuntimeChecks(group, *this)))
          return failure();
      // A reshape moves no element: unless it is returned (and so fills an
      // output), its result is its operand's buffer read in the new shape
      // (buffers live until the entry returns).
      if (auto group = dyn_cast<tsched::FusionGroupOp>(step);
          group && isReshapeView(group, ret)) {
        buffers[group.getResult(0)] = bufferOf(group.getInputs()[0]);
        continue;
      }
      SmallVector<Value> results;
      for (Value r : step->getResults()) {
        FailureOr<Value> buffer = bufferFor(r, ret, written, step->getLoc());
        if (failed(buffer))
          return failure();
        results.push_back(*buffer);
      }
      // A number computed in the entry (an element count, or a group of
      // one element of such numbers): stored there.
      Value number;
      if (auto scalar = dyn_cast<tensor::FromElementsOp>(step))
        number = scalar.getElements()[0];
      else if (auto group = dyn_cast<tsched::FusionGroupOp>(step))
        number = tile::computeOnHost(group, numbers, entry);
      if (number) {
        numbers[step->getResult(0)] = number;
        entry.create<memref::StoreOp>(
            step->getLoc(), number, results[0],
            ValueRange{tile::indexConst(entry, step->getLoc(), 0)});
        continue;
      }
      if (failed(lowerStep(step, results)))
        return failure();
    }
    // Extents the entry reads from its old arguments come from the dims
    // (the groups' shapes were read through them until now).
    // All computed before any is replaced: one dim's shape may be read
    // through another.
    SmallVector<std::pair<tensor::DimOp, Value>> dimExtents;
    for (auto dim : block.getOps<tensor::DimOp>()) {
      entry.setInsertionPoint(dim);
      auto extents = extentsOf(dim.getSource(), dim.getLoc());
      auto axis = dim.getConstantIndex();
      if (failed(extents) || !axis)
        return dim.emitError("cannot compute this extent at run time");
      dimExtents.push_back({dim, (*extents)[*axis]});
    }
    for (auto [dim, extent] : dimExtents) {
      dim.replaceAllUsesWith(extent);
      dim.erase();
    }

    entry.setInsertionPoint(ret);
    for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
      if (written[i])
        continue;
      auto count = elementCount(v, ret.getLoc());
      if (failed(count))
        return failure();
      tile::emitCopy(*this, bufferOf(v), outputs[i], *count, tile::elementOf(v),
                     vectorBytes, ret.getLoc());
    }
    for (Value t : temporaries)
      entry.create<memref::DeallocOp>(ret.getLoc(), t);

    // The groups' results only fed the old return; both go now, and so do
    // the reads of the old arguments' extents.
    entry.create<func::ReturnOp>(ret.getLoc());
    ret.erase();
    for (Operation *step : llvm::reverse(steps))
      step->erase();
    SmallVector<Operation *> rest;
    for (Operation &op : block.without_terminator())
      rest.push_back(&op);
    for (Operation *op : llvm::reverse(rest))
      if (isa<tensor::DimOp>(op) || (isPure(op) && op->use_empty()))
        op->erase();
    eraseUnreadBuffers(block);
    for (Operation &op : block.without_terminator())
      if (!isa<ttile::LaunchOp, ttile::CheckOp, memref::AllocOp,
               memref::DeallocOp, memref::StoreOp, memref::LoadOp, scf::WhileOp,
               scf::ForOp, math::SqrtOp>(op) &&
          !isa<arith::ArithDialect>(op.getDialect()))
        return op.emitError("cannot lower '")
               << op.getName() << "' to Tile IR: not inside a fusion group";
    block.eraseArguments(0, numInputs);
    fn.setType(FunctionType::get(ctx, block.getArgumentTypes(), {}));
    fn.setAllArgAttrs(argAttrs);
    fn.removeResAttrsAttr();
    fn->setAttr("ttile.num_inputs",
                IntegerAttr::get(IntegerType::get(ctx, 64), numInputs));
    return success();
  }

  Value bufferOf(Value tensor) override { return buffers.lookup(tensor); }

  FailureOr<SmallVector<Value>> extentsOf(Value tensor, Location loc) override {
    auto dims = symbolicDims(tensor);
    if (!dims)
      return emitError(loc, "cannot determine the shape of this value at run "
                            "time");
    SmallVector<Value> extents;
    for (const SymbolicDim &d : *dims) {
      FailureOr<Value> e = extent(d, loc);
      if (failed(e))
        return failure();
      extents.push_back(*e);
    }
    return extents;
  }

  Value scratchBuffer(Type elem, Value count, Location loc) override {
    return entry.create<memref::AllocOp>(
        loc, MemRefType::get({ShapedType::kDynamic}, elem), ValueRange{count});
  }

  std::string nextKernelName() override {
    return (fn.getName() + "_k" + Twine(kernelCount++)).str();
  }
  OpBuilder &entryBuilder() override { return entry; }
  OpBuilder &moduleBuilder() override { return kernels; }
  void setBuffer(Value tensor, Value buffer) override {
    buffers[tensor] = buffer;
  }
  LogicalResult lowerStep(Operation *step, ArrayRef<Value> results) override {
    if (auto fp = dyn_cast<tgraph::FixedPointOp>(step))
      return tile::lowerFixedPoint(fp, results[0], *this, vectorBytes);
    return lowerGroup(cast<tsched::FusionGroupOp>(step), results);
  }

private:
  // Temporaries that are only written and freed (numbers the entry stored
  // but then read itself, HostScalars.cpp): on a device each would be an
  // allocation and an upload.
  static void eraseUnreadBuffers(Block &block) {
    SmallVector<memref::AllocOp> allocs(block.getOps<memref::AllocOp>());
    for (memref::AllocOp alloc : allocs) {
      SmallVector<Operation *> users;
      bool unread = true;
      std::function<void(Value)> visit = [&](Value v) {
        for (Operation *user : v.getUsers()) {
          users.push_back(user);
          auto store = dyn_cast<memref::StoreOp>(user);
          if (auto view = dyn_cast<memref::CastOp>(user))
            visit(view.getResult());
          else if (!isa<memref::DeallocOp>(user) &&
                   !(store && store.getMemRef() == v))
            unread = false;
        }
      };
      visit(alloc.getResult());
      if (!unread)
        continue;
      for (Operation *user : llvm::reverse(users))
        user->erase();
      alloc.erase();
    }
  }
  // The numbers the entry computes itself, by the 0-d tensor they fill.
  llvm::DenseMap<Value, Value> numbers;
  // A group that only reshapes a value that has a buffer, and whose result
  // is not returned.
  bool isReshapeView(tsched::FusionGroupOp group, func::ReturnOp ret) {
    Block &body = group.getBody().front();
    auto reshape = dyn_cast<tgraph::ReshapeOp>(body.front());
    return reshape && std::next(body.begin()) == std::prev(body.end()) &&
           group.getNumResults() == 1 && group.getInputs().size() >= 1 &&
           reshape->getOperand(0) == body.getArgument(0) &&
           bufferOf(group.getInputs()[0]) &&
           llvm::none_of(group.getResult(0).getUsers(),
                         [&](Operation *user) { return user == ret; });
  }

  // Where a value computed in the entry goes: the first output that
  // returns it and is not written yet, or a new temporary buffer.
  FailureOr<Value> bufferFor(Value r, func::ReturnOp ret,
                             SmallVectorImpl<bool> &written, Location loc) {
    Value buffer;
    for (OpOperand &use : r.getUses())
      if (use.getOwner() == ret && !written[use.getOperandNumber()]) {
        written[use.getOperandNumber()] = true;
        buffer = outputs[use.getOperandNumber()];
        break;
      }
    if (!buffer) {
      auto count = elementCount(r, loc);
      if (failed(count))
        return failure();
      buffer = entry.create<memref::AllocOp>(loc, tile::flatBuffer(r.getType()),
                                             ValueRange{*count});
      temporaries.push_back(buffer);
    }
    buffers[r] = buffer;
    return buffer;
  }

  LogicalResult lowerGroup(tsched::FusionGroupOp group,
                           ArrayRef<Value> results) {
    StringRef kind = group.getKind();
    if (kind == "elementwise")
      return tile::lowerElementwiseGroup(group, results, *this, vectorBytes);
    if (kind == "matmul")
      return tile::lowerMatmulGroup(group, results, *this, vectorBytes,
                                    epiloguesInKernel);
    if (kind == "reduction")
      return tile::lowerReductionGroup(group, results, *this, reductionResults);
    if (kind == "solve")
      return tile::lowerSolveGroup(group, results, *this);
    if (kind == "fourier")
      return tile::lowerFourierGroup(group, results, *this);
    if (kind == "complex")
      return tile::lowerComplexPartsGroup(group, results, *this);
    if (kind == "gather")
      return tile::lowerGatherGroup(group, results, *this);
    if (kind == "rows")
      return tile::lowerRowGroup(group, results, *this);
    if (kind == "attention")
      return tile::lowerAttentionGroup(group, results, *this, attentionLanes());
    if (kind == "attention_grad")
      return tile::lowerAttentionGradGroup(group, results, *this,
                                           attentionLanes());
    return tile::lowerLayoutGroup(group, results, *this);
  }

  FailureOr<Value> elementCount(Value tensor, Location loc) {
    auto e = extentsOf(tensor, loc);
    if (failed(e))
      return failure();
    return tile::product(entry, loc, *e);
  }

  // A symbolic extent as index arithmetic on the dim arguments.
  FailureOr<Value> extent(const SymbolicDim &d, Location loc) {
    Value sum;
    for (const auto &[syms, coeff] : d.terms()) {
      Value term;
      for (const std::string &s : syms) {
        FailureOr<Value> factor = symbolValue(s, loc);
        if (failed(factor))
          return failure();
        term = term
                   ? entry.create<arith::MulIOp>(loc, term, *factor).getResult()
                   : *factor;
      }
      if (!term || coeff != 1) {
        Value c = tile::indexConst(entry, loc, coeff);
        term = term ? entry.create<arith::MulIOp>(loc, c, term).getResult() : c;
      }
      sum =
          sum ? entry.create<arith::AddIOp>(loc, sum, term).getResult() : term;
    }
    return sum ? sum : tile::indexConst(entry, loc, 0);
  }

  // A dim argument, or a quotient of extents (a strided slice's): its
  // numerator is not negative once the entry's checks pass, and nothing
  // sized by it is allocated before, so a truncating division rounds down.
  FailureOr<Value> symbolValue(StringRef s, Location loc) {
    auto it = dimArgs.find(s);
    if (it != dimArgs.end())
      return it->second;
    auto q = SymbolicDim::quotient(s);
    if (!q)
      return emitError(loc, "unbound dim '") << s << "'";
    FailureOr<Value> numerator = extent(q->first, loc);
    if (failed(numerator))
      return failure();
    return entry
        .create<arith::DivSIOp>(loc, *numerator,
                                tile::indexConst(entry, loc, q->second))
        .getResult();
  }

  func::FuncOp fn;
  int64_t vectorBytes;
  int64_t reductionResults;
  int64_t attentionRows;
  bool epiloguesInKernel;
  int64_t attentionLanes() const {
    return attentionRows > 0 ? attentionRows
                             : std::max<int64_t>(1, vectorBytes / 4);
  }
  OpBuilder entry, kernels;
  unsigned kernelCount = 0;
  DenseMap<Value, Value> buffers;
  SmallVector<Value> outputs, temporaries;
  llvm::StringMap<Value> dimArgs;
};

struct ConvertTSchedToTTilePass
    : impl::ConvertTSchedToTTileBase<ConvertTSchedToTTilePass> {
  using ConvertTSchedToTTileBase::ConvertTSchedToTTileBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (auto fn : llvm::make_early_inc_range(module.getOps<func::FuncOp>())) {
      // Only entries are lowered; by now `op` functions are inlined or dead.
      if (!fn->hasAttr(tgraph::kEntryAttr)) {
        fn.erase();
        continue;
      }
      if (failed(EntryLowering(fn, vectorBytes,
                               std::max<int64_t>(1, reductionResults),
                               attentionRows, matmulEpilogues)
                     .run()))
        return signalPassFailure();
    }
  }
};

} // namespace
} // namespace tessera
