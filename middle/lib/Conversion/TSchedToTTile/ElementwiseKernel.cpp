// The elementwise fusion group: one vector step of the chain at a time;
// every input is read at the step's offset (a rank-0 input is read once and
// repeated in every lane; one read through a broadcast where the broadcast
// puts it: ElementwiseBroadcast.cpp), every result stored there.
#include "KernelBuilder.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;

namespace tessera::tile {

static Value emitCompare(OpBuilder &b, tgraph::CompareOp op, Value l, Value r) {
  Location loc = op.getLoc();
  using P = tgraph::ComparePredicate;
  P p = op.getPredicate();
  if (isa<FloatType>(elementOf(op.getLhs()))) {
    // Ordered comparisons (false on NaN), except `ne` (true on NaN).
    arith::CmpFPredicate fp = p == P::eq   ? arith::CmpFPredicate::OEQ
                              : p == P::ne ? arith::CmpFPredicate::UNE
                              : p == P::lt ? arith::CmpFPredicate::OLT
                              : p == P::le ? arith::CmpFPredicate::OLE
                              : p == P::gt ? arith::CmpFPredicate::OGT
                                           : arith::CmpFPredicate::OGE;
    return b.create<arith::CmpFOp>(loc, fp, l, r);
  }
  arith::CmpIPredicate ip = p == P::eq   ? arith::CmpIPredicate::eq
                            : p == P::ne ? arith::CmpIPredicate::ne
                            : p == P::lt ? arith::CmpIPredicate::slt
                            : p == P::le ? arith::CmpIPredicate::sle
                            : p == P::gt ? arith::CmpIPredicate::sgt
                                         : arith::CmpIPredicate::sge;
  return b.create<arith::CmpIOp>(loc, ip, l, r);
}

// tgraph.cast's rules: float to integer truncates toward zero, saturating
// (NaN gives 0); `i1` converts as 0/1 and to `i1` as `x != 0`.
static Value emitCast(OpBuilder &b, Location loc, Value x, VectorType to) {
  auto from = cast<VectorType>(x.getType());
  Type fe = from.getElementType(), te = to.getElementType();
  auto splat = [&](TypedAttr a, VectorType vt) -> Value {
    return b.create<arith::ConstantOp>(loc, DenseElementsAttr::get(vt, a));
  };
  if (fe == te)
    return x;
  if (te.isInteger(1)) {
    if (isa<FloatType>(fe))
      return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNE, x,
                                     splat(b.getFloatAttr(fe, 0.0), from));
    return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne, x,
                                   splat(b.getIntegerAttr(fe, 0), from));
  }
  if (isa<FloatType>(fe) && isa<FloatType>(te))
    return convertFloat(b, loc, x, te);
  if (isa<IntegerType>(fe) && isa<FloatType>(te))
    return fe.isInteger(1) ? b.create<arith::UIToFPOp>(loc, to, x).getResult()
                           : b.create<arith::SIToFPOp>(loc, to, x).getResult();
  if (isa<IntegerType>(fe) && isa<IntegerType>(te)) {
    if (fe.isInteger(1))
      return b.create<arith::ExtUIOp>(loc, to, x);
    return fe.getIntOrFloatBitWidth() < te.getIntOrFloatBitWidth()
               ? b.create<arith::ExtSIOp>(loc, to, x).getResult()
               : b.create<arith::TruncIOp>(loc, to, x).getResult();
  }
  // Float to integer: saturate at the integer's range, NaN to 0.
  unsigned w = te.getIntOrFloatBitWidth();
  double limit = std::ldexp(1.0, w - 1);
  Value converted = b.create<arith::FPToSIOp>(loc, to, x);
  Value tooHigh =
      b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGE, x,
                              splat(b.getFloatAttr(fe, limit), from));
  Value tooLow =
      b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, x,
                              splat(b.getFloatAttr(fe, -limit), from));
  Value isNaN = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, x, x);
  Value r = b.create<arith::SelectOp>(
      loc, tooHigh,
      splat(b.getIntegerAttr(te, llvm::APInt::getSignedMaxValue(w)), to),
      converted);
  r = b.create<arith::SelectOp>(
      loc, tooLow,
      splat(b.getIntegerAttr(te, llvm::APInt::getSignedMinValue(w)), to), r);
  return b.create<arith::SelectOp>(loc, isNaN,
                                   splat(b.getIntegerAttr(te, 0), to), r);
}

Value emitAddSubMul(OpBuilder &b, Operation *op, Value l, Value r) {
  Location loc = op->getLoc();
  bool isFloat = isa<FloatType>(getElementTypeOrSelf(l.getType()));
  if (isa<tgraph::AddOp>(op))
    return isFloat ? b.create<arith::AddFOp>(loc, l, r).getResult()
                   : b.create<arith::AddIOp>(loc, l, r).getResult();
  if (isa<tgraph::SubOp>(op))
    return isFloat ? b.create<arith::SubFOp>(loc, l, r).getResult()
                   : b.create<arith::SubIOp>(loc, l, r).getResult();
  if (isa<tgraph::MulOp>(op))
    return isFloat ? b.create<arith::MulFOp>(loc, l, r).getResult()
                   : b.create<arith::MulIOp>(loc, l, r).getResult();
  return {};
}

// The vector form of one Graph IR operator inside a kernel body, computed
// on vectors of `vt` (the result's type, or f32 for a narrow float
// operator).
static FailureOr<Value> emitVectorOpAs(OpBuilder &b, Operation *op,
                                       VectorType vt, IRMapping &map) {
  Location loc = op->getLoc();
  bool isFloat = isa<FloatType>(vt.getElementType());
  if (auto c = dyn_cast<tgraph::ConstantOp>(op)) {
    Attribute value = c.getValue();
    if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
      if (!dense.isSplat())
        return op->emitError("a constant tensor that is not one repeated "
                             "value has no CPU lowering yet");
      value = dense.getSplatValue<Attribute>();
    }
    return b
        .create<arith::ConstantOp>(
            loc, DenseElementsAttr::get(vt, cast<TypedAttr>(value)))
        .getResult();
  }
  auto operand = [&](unsigned i) { return map.lookup(op->getOperand(i)); };
  if (auto cmp = dyn_cast<tgraph::CompareOp>(op))
    return emitCompare(b, cmp, operand(0), operand(1));
  if (isa<tgraph::SelectOp>(op))
    return b.create<arith::SelectOp>(loc, operand(0), operand(1), operand(2))
        .getResult();
  if (isa<tgraph::CastOp>(op))
    return emitCast(b, loc, operand(0), vt);
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
          tgraph::GeluOp, tgraph::PowOp, tgraph::RsqrtOp>(op);
  if (transcendental && !elem.isF32() && !isNarrowFloat(elem))
    return op->emitError("'") << op->getName() << "' on " << elem
                              << " is not supported by the CPU backend yet "
                                 "(f32, bf16, f16 and fp8 only)";
  // sigmoid(x) = 1 / (1 + e^-x) for x >= 0 and e^x / (1 + e^x) below, with
  // t = e^-|x| in both: for very negative x, e^-x overflows and 1 / inf
  // would be 0 where the result is a subnormal e^x (down to x = -103.9).
  auto sigmoid = [&](Value x) -> Value {
    Value t = b.create<math::ExpOp>(
        loc, b.create<arith::NegFOp>(loc, b.create<math::AbsFOp>(loc, x)));
    Value nonNegative =
        b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGE, x, splat(0.0));
    Value numerator =
        b.create<arith::SelectOp>(loc, nonNegative, splat(1.0), t);
    return b.create<arith::DivFOp>(loc, numerator,
                                   b.create<arith::AddFOp>(loc, splat(1.0), t));
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
    // gelu(x) = x Phi(x) = (x / 2) (1 + erf(x / sqrt 2)): erf's own
    // polynomial saturates to +-1, so gelu is x far right and -0 far left.
    if (isa<tgraph::GeluOp>(op)) {
      Value erf = b.create<math::ErfOp>(
          loc, b.create<arith::MulFOp>(loc, x, splat(M_SQRT1_2)));
      return b
          .create<arith::MulFOp>(loc,
                                 b.create<arith::MulFOp>(loc, splat(0.5), x),
                                 b.create<arith::AddFOp>(loc, splat(1.0), erf))
          .getResult();
    }
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
  if (Value v = emitAddSubMul(b, op, l, r))
    return v;
  if (isa<tgraph::RemOp>(op))
    return emitRemainder(b, loc, l, r);
  if (isa<tgraph::DivOp>(op))
    return isFloat ? b.create<arith::DivFOp>(loc, l, r).getResult()
                   : emitIntegerQuotient(b, loc, l, r);
  return op->emitError("no Tile IR lowering for '") << op->getName() << "'";
}

// Operators on narrow floats (bf16, f16, fp8) are computed in f32 and
// rounded to the narrow type once (docs/language.md section 8). Those that
// lower to one arith or math operation stay narrow in Tile IR, and the
// backend computes that operation so (NarrowFloatEmulation.cpp); those
// that lower to several must not round between them, and compute in f32
// here.
static bool lowersToSeveralOps(Operation *op) {
  return isa<tgraph::SigmoidOp, tgraph::SiluOp, tgraph::GeluOp, tgraph::RsqrtOp,
             tgraph::RemOp>(op);
}

FailureOr<Value> emitVectorOp(OpBuilder &b, Operation *op, int64_t lanes,
                              IRMapping &map) {
  // A shape cast (FusionRules.h) is the identity on flat buffers.
  if (isa<tgraph::ReshapeOp>(op))
    return map.lookup(op->getOperand(0));
  auto vt = VectorType::get({lanes}, elementOf(op->getResult(0)));
  if (!isNarrowFloat(vt.getElementType()) || !lowersToSeveralOps(op))
    return emitVectorOpAs(b, op, vt, map);
  Location loc = op->getLoc();
  Type f32 = b.getF32Type();
  IRMapping wide;
  for (Value v : op->getOperands())
    wide.map(v, convertFloat(b, loc, map.lookup(v), f32));
  FailureOr<Value> r =
      emitVectorOpAs(b, op, VectorType::get({lanes}, f32), wide);
  if (failed(r))
    return failure();
  return convertFloat(b, loc, *r, vt.getElementType());
}

int64_t lanesFor(tsched::FusionGroupOp group, int64_t vectorBytes) {
  int64_t widest = 1;
  group.walk([&](Operation *op) {
    for (Type t : op->getResultTypes())
      if (auto rt = dyn_cast<RankedTensorType>(t))
        widest = std::max<int64_t>(
            widest, rt.getElementType().getIntOrFloatBitWidth() / 8);
  });
  for (Value in : group.getInputs())
    if (auto rt = dyn_cast<RankedTensorType>(in.getType()))
      widest = std::max<int64_t>(
          widest, rt.getElementType().getIntOrFloatBitWidth() / 8);
  return std::max<int64_t>(1, vectorBytes / widest);
}

LogicalResult lowerElementwiseGroup(tsched::FusionGroupOp group,
                                    ArrayRef<Value> results, EntryContext &ctx,
                                    int64_t vectorBytes) {
  Location loc = group.getLoc();
  // A group that only returns its inputs copies them; complex numbers do
  // that and no arithmetic yet.
  Block &body = group.getBody().front();
  auto yielded = body.getTerminator()->getOperands();
  if (body.getOperations().size() == 1 &&
      llvm::all_of(yielded, llvm::IsaPred<BlockArgument>) &&
      llvm::any_of(group.getResultTypes(), [](Type t) {
        return isa<ComplexType>(cast<RankedTensorType>(t).getElementType());
      })) {
    for (auto [value, result] : llvm::zip(yielded, results)) {
      auto count = ctx.extentsOf(groupInput(group, value), loc);
      if (failed(count))
        return failure();
      emitCopy(ctx, ctx.bufferOf(groupInput(group, value)), result,
               product(ctx.entryBuilder(), loc, *count), elementOf(value),
               vectorBytes, loc);
    }
    return success();
  }
  // Booleans live only inside a chain: in memory they would need a byte
  // layout of their own.
  if (failed(checkSupportedElements(group)))
    return failure();

  int64_t lanes = lanesFor(group, vectorBytes);
  int64_t tile = ((group.getTile()[0] + lanes - 1) / lanes) * lanes;
  KernelSpec spec{"elementwise", tile, lanes, {}, {}, {}, {}};
  SmallVector<Value> tensorInputs;
  for (Value in : group.getInputs())
    if (isa<RankedTensorType>(in.getType())) {
      spec.inputs.push_back(ctx.bufferOf(in));
      tensorInputs.push_back(in);
    }
  spec.outputs.assign(results.begin(), results.end());
  auto extents = ctx.extentsOf(group.getResult(0), loc);
  if (failed(extents))
    return failure();
  spec.points = product(ctx.entryBuilder(), loc, *extents);
  auto resultType = cast<RankedTensorType>(group.getResult(0).getType());
  // Broadcasts read their operands in place.
  Block &groupBody = group.getBody().front();
  BroadcastReads broadcasts;
  if (failed(broadcasts.plan(groupBody, resultType, *extents, spec.sizes,
                             ctx.entryBuilder(), loc)))
    return failure();
  KernelBody k = createKernel(ctx, spec, loc);
  OpBuilder &kb = k.builder;

  IRMapping map;
  DenseMap<Value, Value> buffers;
  unsigned next = 0;
  for (auto [arg, in] :
       llvm::zip(groupBody.getArguments(), group.getInputs())) {
    if (!isa<RankedTensorType>(in.getType()))
      continue;
    Value buffer = k.inputs[next++];
    buffers[arg] = buffer;
    // An input only broadcasts read is read by them.
    if (llvm::all_of(arg.getUsers(), llvm::IsaPred<tgraph::BroadcastOp>))
      continue;
    auto vt = VectorType::get({lanes}, elementOf(in));
    if (cast<RankedTensorType>(in.getType()).getRank() == 0 &&
        resultType.getRank() != 0) {
      Value s = kb.create<memref::LoadOp>(loc, buffer,
                                          ValueRange{indexConst(kb, loc, 0)});
      map.map(arg, kb.create<vector::SplatOp>(loc, vt, s).getResult());
      continue;
    }
    map.map(arg, kb.create<ttile::LoadOp>(arg.getLoc(), vt, buffer, k.offset,
                                          k.extent)
                     .getResult());
  }
  for (Operation &op : groupBody.without_terminator()) {
    if (auto b = dyn_cast<tgraph::BroadcastOp>(op)) {
      // A constant's broadcast is the constant; an input's is read in place.
      Value from = b.getOperand();
      if (!buffers.count(from)) {
        map.map(b.getResult(), map.lookup(from));
        continue;
      }
      map.map(b.getResult(), broadcasts.read(kb, b, buffers.lookup(from), lanes,
                                             k.offset, k.extent, k.sizes));
      continue;
    }
    FailureOr<Value> v = isRandomOp(&op)
                             ? emitRandomOp(kb, &op, lanes, k.offset, map)
                             : emitVectorOp(kb, &op, lanes, map);
    if (failed(v))
      return failure();
    map.map(op.getResult(0), *v);
  }
  auto yield = cast<tsched::YieldOp>(groupBody.getTerminator());
  for (auto [value, out] : llvm::zip(yield.getValues(), k.outputs)) {
    Value v = map.lookup(value);
    kb.create<ttile::StoreOp>(loc, v, out, k.offset, k.extent);
  }
  kb.create<ttile::YieldOp>(loc);
  return success();
}

} // namespace tessera::tile
