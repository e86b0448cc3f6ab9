// tsched -> ttile: entry functions move from tensors to flat buffers, and
// each fusion group becomes a kernel (one vector step of its tile loop) plus
// a launch over the group's element count.
#include "tessera/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/IRMapping.h"

namespace tessera {
#define GEN_PASS_DEF_CONVERTTSCHEDTOTTILE
#include "tessera/Conversion/Passes.h.inc"
} // namespace tessera

using namespace mlir;

namespace tessera {
namespace {

MemRefType flatBuffer(Type tensorType) {
  auto t = cast<RankedTensorType>(tensorType);
  return MemRefType::get({ShapedType::kDynamic}, t.getElementType());
}

bool isSupportedElement(Type t) {
  return t.isF32() || t.isF64() || t.isInteger(32) || t.isInteger(64);
}

// The vector form of one Graph IR operator inside a kernel body.
FailureOr<Value> emitVectorOp(OpBuilder &b, Operation *op, VectorType vt,
                              IRMapping &map) {
  Location loc = op->getLoc();
  bool isFloat = isa<FloatType>(vt.getElementType());
  if (auto c = dyn_cast<tgraph::ConstantOp>(op))
    return b
        .create<arith::ConstantOp>(
            loc, DenseElementsAttr::get(vt, cast<TypedAttr>(c.getValue())))
        .getResult();
  auto operand = [&](unsigned i) { return map.lookup(op->getOperand(i)); };
  if (isa<tgraph::NegOp>(op)) {
    if (isFloat)
      return b.create<arith::NegFOp>(loc, operand(0)).getResult();
    Value zero = b.create<arith::ConstantOp>(
        loc,
        DenseElementsAttr::get(vt, b.getIntegerAttr(vt.getElementType(), 0)));
    return b.create<arith::SubIOp>(loc, zero, operand(0)).getResult();
  }
  Type elem = vt.getElementType();
  auto splat = [&](double v) -> Value {
    return b.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(vt, b.getFloatAttr(elem, v)));
  };
  // Transcendentals become `math` ops, expanded later into Tessera's own
  // polynomial approximations (no libm, the same bits everywhere); those
  // exist for f32 only.
  bool transcendental =
      isa<tgraph::ExpOp, tgraph::LogOp, tgraph::Log1pOp, tgraph::SinOp,
          tgraph::CosOp, tgraph::TanhOp, tgraph::SigmoidOp, tgraph::SiluOp,
          tgraph::PowOp, tgraph::RsqrtOp>(op);
  if (transcendental && !elem.isF32())
    return op->emitError("'")
           << op->getName() << "' on " << elem
           << " is not supported by the CPU backend yet (f32 only)";
  auto sigmoid = [&](Value x) -> Value {
    Value e = b.create<math::ExpOp>(loc, b.create<arith::NegFOp>(loc, x));
    return b.create<arith::DivFOp>(loc, splat(1.0),
                                   b.create<arith::AddFOp>(loc, splat(1.0), e));
  };
  if (op->getNumOperands() == 1) {
    Value x = operand(0);
    if (isa<tgraph::ExpOp>(op))
      return b.create<math::ExpOp>(loc, x).getResult();
    if (isa<tgraph::LogOp>(op))
      return b.create<math::LogOp>(loc, x).getResult();
    if (isa<tgraph::Log1pOp>(op))
      return b.create<math::Log1pOp>(loc, x).getResult();
    if (isa<tgraph::SinOp>(op))
      return b.create<math::SinOp>(loc, x).getResult();
    if (isa<tgraph::CosOp>(op))
      return b.create<math::CosOp>(loc, x).getResult();
    if (isa<tgraph::TanhOp>(op))
      return b.create<math::TanhOp>(loc, x).getResult();
    if (isa<tgraph::SqrtOp>(op))
      return b.create<math::SqrtOp>(loc, x).getResult();
    if (isa<tgraph::RsqrtOp>(op))
      return b
          .create<arith::DivFOp>(loc, splat(1.0),
                                 b.create<math::SqrtOp>(loc, x))
          .getResult();
    if (isa<tgraph::SigmoidOp>(op))
      return sigmoid(x);
    if (isa<tgraph::SiluOp>(op))
      return b.create<arith::MulFOp>(loc, x, sigmoid(x)).getResult();
    if (isa<tgraph::SquareOp>(op))
      return isFloat ? b.create<arith::MulFOp>(loc, x, x).getResult()
                     : b.create<arith::MulIOp>(loc, x, x).getResult();
    if (isa<tgraph::AbsOp>(op))
      return isFloat ? b.create<math::AbsFOp>(loc, x).getResult()
                     : b.create<math::AbsIOp>(loc, x).getResult();
    if (isa<tgraph::ReluOp>(op)) {
      if (!isFloat)
        return b
            .create<arith::MaxSIOp>(
                loc, x,
                b.create<arith::ConstantOp>(
                    loc, DenseElementsAttr::get(vt, b.getIntegerAttr(elem, 0))))
            .getResult();
      // max(x, 0) that keeps NaN a NaN.
      return b.create<arith::MaximumFOp>(loc, x, splat(0.0)).getResult();
    }
  }
  Value l = operand(0), r = operand(1);
  if (isa<tgraph::PowOp>(op))
    return b.create<math::PowFOp>(loc, l, r).getResult();
  if (isa<tgraph::MaxOp>(op))
    return isFloat ? b.create<arith::MaximumFOp>(loc, l, r).getResult()
                   : b.create<arith::MaxSIOp>(loc, l, r).getResult();
  if (isa<tgraph::MinOp>(op))
    return isFloat ? b.create<arith::MinimumFOp>(loc, l, r).getResult()
                   : b.create<arith::MinSIOp>(loc, l, r).getResult();
  if (isa<tgraph::AddOp>(op))
    return isFloat ? b.create<arith::AddFOp>(loc, l, r).getResult()
                   : b.create<arith::AddIOp>(loc, l, r).getResult();
  if (isa<tgraph::SubOp>(op))
    return isFloat ? b.create<arith::SubFOp>(loc, l, r).getResult()
                   : b.create<arith::SubIOp>(loc, l, r).getResult();
  if (isa<tgraph::MulOp>(op))
    return isFloat ? b.create<arith::MulFOp>(loc, l, r).getResult()
                   : b.create<arith::MulIOp>(loc, l, r).getResult();
  if (isa<tgraph::DivOp>(op))
    return isFloat ? b.create<arith::DivFOp>(loc, l, r).getResult()
                   : b.create<arith::DivSIOp>(loc, l, r).getResult();
  return op->emitError("no Tile IR lowering for '") << op->getName() << "'";
}

class EntryLowering {
public:
  EntryLowering(ModuleOp m, func::FuncOp f, int64_t vb)
      : module(m), fn(f), vectorBytes(vb) {}

  LogicalResult run() {
    Block &block = fn.getBody().front();
    auto ret = cast<func::ReturnOp>(block.getTerminator());
    unsigned numInputs = fn.getNumArguments();
    MLIRContext *ctx = fn.getContext();

    // New arguments: input buffers, output buffers, symbolic dims.
    SmallVector<Attribute> argAttrs;
    for (unsigned i = 0; i < numInputs; ++i) {
      BlockArgument old = block.getArgument(i);
      buffers[old] = block.addArgument(flatBuffer(old.getType()), old.getLoc());
      argAttrs.push_back(fn.getArgAttrDict(i));
    }
    for (unsigned i = 0; i < ret.getNumOperands(); ++i) {
      outputs.push_back(block.addArgument(
          flatBuffer(ret.getOperand(i).getType()), fn.getLoc()));
      argAttrs.push_back(fn.getResultAttrDict(i));
    }
    auto dims = fn->getAttrOfType<ArrayAttr>(tgraph::kDimsAttr);
    for (Attribute d : dims ? dims.getValue() : ArrayRef<Attribute>{}) {
      dimArgs[cast<StringAttr>(d).getValue()] =
          block.addArgument(IndexType::get(ctx), fn.getLoc());
      argAttrs.push_back(DictionaryAttr::get(
          ctx, {NamedAttribute(StringAttr::get(ctx, tgraph::kNameAttr), d)}));
    }

    SmallVector<tsched::FusionGroupOp> groups(
        block.getOps<tsched::FusionGroupOp>());
    for (auto [index, group] : llvm::enumerate(groups))
      if (failed(lowerGroup(group, ret, index)))
        return failure();

    // The groups' results only fed the old return; both go now.
    OpBuilder b(ret);
    b.create<func::ReturnOp>(ret.getLoc());
    ret.erase();
    for (auto group : groups)
      group.erase();
    for (Operation &op : block.without_terminator())
      if (!isa<ttile::LaunchOp, arith::ConstantIndexOp, arith::MulIOp>(op))
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

private:
  // Product of the iteration space's dims, as an index value: the known
  // extents folded into one constant, times each symbolic dim.
  FailureOr<Value> elementCount(OpBuilder &b, Location loc, ArrayAttr shape) {
    int64_t known = 1;
    Value symbolic;
    for (Attribute d : shape) {
      if (auto i = dyn_cast<IntegerAttr>(d)) {
        known *= i.getInt();
        continue;
      }
      auto s = dyn_cast<StringAttr>(d);
      if (!s || !dimArgs.count(s.getValue()))
        return emitError(loc, "unbound dim in iteration space ") << shape;
      Value dim = dimArgs[s.getValue()];
      symbolic = symbolic ? b.create<arith::MulIOp>(loc, symbolic, dim) : dim;
    }
    if (symbolic && known == 1)
      return symbolic;
    Value c = b.create<arith::ConstantIndexOp>(loc, known);
    return symbolic ? b.create<arith::MulIOp>(loc, c, symbolic).getResult() : c;
  }

  LogicalResult lowerGroup(tsched::FusionGroupOp group, func::ReturnOp ret,
                           unsigned index) {
    Location loc = group.getLoc();
    Type elem =
        cast<RankedTensorType>(group.getResult(0).getType()).getElementType();
    if (!isSupportedElement(elem))
      return group.emitError("dtype ")
             << elem << " is not supported by the CPU backend yet";
    for (Value v : group->getOperands())
      if (cast<RankedTensorType>(v.getType()).getElementType() != elem)
        return group.emitError("a fusion group must have one element type");

    // (group result, output buffer) pairs: results go only to outputs.
    SmallVector<std::pair<unsigned, unsigned>> stores;
    for (OpOperand &use : llvm::make_early_inc_range(group->getUses())) {
      if (use.getOwner() != ret)
        return group.emitError("a fusion group result feeds another operator; "
                               "intermediate buffers are not supported yet");
      stores.push_back({cast<OpResult>(use.get()).getResultNumber(),
                        use.getOperandNumber()});
    }

    int64_t elemBytes = std::max<int64_t>(1, elem.getIntOrFloatBitWidth() / 8);
    int64_t lanes = std::max<int64_t>(1, vectorBytes / elemBytes);
    int64_t tile = ((group.getTile()[0] + lanes - 1) / lanes) * lanes;
    auto vt = VectorType::get({lanes}, elem);

    // The kernel, at module level before the entry.
    OpBuilder mb(fn);
    std::string name = (fn.getName() + "_k" + Twine(index)).str();
    auto kernel = mb.create<ttile::KernelOp>(
        loc, mb.getStringAttr(name), mb.getStringAttr("elementwise"),
        mb.getI64IntegerAttr(tile), mb.getI64IntegerAttr(lanes),
        mb.getI64IntegerAttr(group.getInputs().size()));
    Block *body = new Block();
    kernel.getBody().push_back(body);
    SmallVector<Value> launchBuffers;
    for (Value in : group.getInputs()) {
      body->addArgument(flatBuffer(in.getType()), in.getLoc());
      launchBuffers.push_back(buffers.lookup(in));
      if (!launchBuffers.back())
        return group.emitError("fusion group input is not an entry argument");
    }
    for (auto [result, out] : stores) {
      body->addArgument(flatBuffer(group.getResult(result).getType()), loc);
      launchBuffers.push_back(outputs[out]);
    }
    Value offset = body->addArgument(mb.getIndexType(), loc);
    Value extent = body->addArgument(mb.getIndexType(), loc);

    OpBuilder kb = OpBuilder::atBlockEnd(body);
    IRMapping map;
    Block &groupBody = group.getBody().front();
    for (auto [i, arg] : llvm::enumerate(groupBody.getArguments()))
      map.map(arg, kb.create<ttile::LoadOp>(
                         arg.getLoc(), vt, body->getArgument(i), offset, extent)
                       .getResult());
    for (Operation &op : groupBody.without_terminator()) {
      FailureOr<Value> v = emitVectorOp(kb, &op, vt, map);
      if (failed(v))
        return failure();
      map.map(op.getResult(0), *v);
    }
    auto yield = cast<tsched::YieldOp>(groupBody.getTerminator());
    unsigned firstOut = group.getInputs().size();
    for (auto [i, s] : llvm::enumerate(stores))
      kb.create<ttile::StoreOp>(loc, map.lookup(yield.getValues()[s.first]),
                                body->getArgument(firstOut + i), offset,
                                extent);
    kb.create<ttile::YieldOp>(loc);

    OpBuilder fb(group);
    FailureOr<Value> n = elementCount(fb, loc, group.getShape());
    if (failed(n))
      return failure();
    fb.create<ttile::LaunchOp>(loc, name, launchBuffers, *n);
    return success();
  }

  ModuleOp module;
  func::FuncOp fn;
  int64_t vectorBytes;
  DenseMap<Value, Value> buffers;
  SmallVector<Value> outputs;
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
      if (failed(EntryLowering(module, fn, vectorBytes).run()))
        return signalPassFailure();
    }
  }
};

} // namespace
} // namespace tessera
