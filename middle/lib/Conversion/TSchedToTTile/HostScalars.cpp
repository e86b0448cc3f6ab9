// Numbers an entry computes itself: a group of one element whose inputs
// the entry already holds (a dim, or another such number) needs no
// kernel. 1 / sqrt(D) in attention was a kernel of its own, launched on
// every call (on a GPU, a launch as long as 30 µs from an idle stream).
//
// Only operators that round as a kernel's do qualify: constants, casts
// between numbers, + - * /, negation and sqrt, each one correctly rounded
// operation (on narrow floats the same narrow operation, which the backend
// computes in f32 and rounds once, in host code as in kernels), and
// rsqrt as a kernel computes it. Transcendentals are Tessera's own
// polynomials inside kernels and stay there.
#include "KernelBuilder.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;

namespace tessera::tile {
namespace {

bool isNumber(Type t) { return isa<IntegerType, FloatType>(t); }

// A 0-d tensor of numbers.
bool isScalarNumber(Type t) {
  auto rt = dyn_cast<RankedTensorType>(t);
  return rt && rt.getRank() == 0 && isNumber(rt.getElementType());
}

bool qualifies(Operation &op) {
  if (isa<tsched::YieldOp>(op))
    return true;
  if (op.getNumResults() != 1 || !isScalarNumber(op.getResult(0).getType()) ||
      !llvm::all_of(op.getOperandTypes(), isScalarNumber))
    return false;
  Type elem = elementOf(op.getResult(0));
  bool isFloat = isa<FloatType>(elem);
  if (auto cast = dyn_cast<tgraph::CastOp>(op))
    return isFloat || !isa<FloatType>(elementOf(cast.getOperand()));
  if (isa<tgraph::ConstantOp, tgraph::AddOp, tgraph::SubOp, tgraph::MulOp,
          tgraph::NegOp>(op))
    return true;
  return isFloat && isa<tgraph::DivOp, tgraph::SqrtOp, tgraph::RsqrtOp>(op);
}

Value constant(OpBuilder &b, Location loc, Attribute value, Type elem) {
  if (auto dense = dyn_cast<DenseElementsAttr>(value))
    value = dense.getSplatValue<Attribute>();
  if (auto f = dyn_cast<FloatAttr>(value))
    return b.create<arith::ConstantOp>(
        loc, b.getFloatAttr(elem, f.getValue().convertToDouble()));
  return b.create<arith::ConstantOp>(loc, cast<TypedAttr>(value));
}

Value castNumber(OpBuilder &b, Location loc, Value x, Type to) {
  Type from = x.getType();
  if (from == to)
    return x;
  if (isa<FloatType>(from))
    return convertFloat(b, loc, x, to);
  if (isa<FloatType>(to))
    return from.isInteger(1)
               ? b.create<arith::UIToFPOp>(loc, to, x).getResult()
               : b.create<arith::SIToFPOp>(loc, to, x).getResult();
  if (from.isInteger(1))
    return b.create<arith::ExtUIOp>(loc, to, x);
  return from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth()
             ? b.create<arith::ExtSIOp>(loc, to, x).getResult()
             : b.create<arith::TruncIOp>(loc, to, x).getResult();
}

Value emit(OpBuilder &b, Operation &op, IRMapping &map) {
  Location loc = op.getLoc();
  Type elem = elementOf(op.getResult(0));
  bool isFloat = isa<FloatType>(elem);
  auto operand = [&](unsigned i) { return map.lookup(op.getOperand(i)); };
  if (auto c = dyn_cast<tgraph::ConstantOp>(op))
    return constant(b, loc, c.getValue(), elem);
  if (isa<tgraph::CastOp>(op))
    return castNumber(b, loc, operand(0), elem);
  if (isa<tgraph::NegOp>(op))
    return isFloat
               ? b.create<arith::NegFOp>(loc, operand(0)).getResult()
               : b.create<arith::SubIOp>(loc,
                                         b.create<arith::ConstantOp>(
                                             loc, b.getIntegerAttr(elem, 0)),
                                         operand(0));
  if (isa<tgraph::SqrtOp>(op))
    return b.create<math::SqrtOp>(loc, operand(0));
  if (isa<tgraph::RsqrtOp>(op)) {
    // As a kernel computes it: 1 / sqrt(x) in f32 for a narrow float,
    // rounded once (ElementwiseKernel.cpp), else in the type itself.
    Type type = isNarrowFloat(elem) ? b.getF32Type() : elem;
    Value x = castNumber(b, loc, operand(0), type);
    Value one = b.create<arith::ConstantOp>(loc, b.getFloatAttr(type, 1.0));
    Value r = b.create<arith::DivFOp>(loc, one, b.create<math::SqrtOp>(loc, x));
    return castNumber(b, loc, r, elem);
  }
  Value l = operand(0), r = operand(1);
  if (Value v = emitAddSubMul(b, &op, l, r))
    return v;
  return b.create<arith::DivFOp>(loc, l, r);
}

} // namespace

Value computeOnHost(tsched::FusionGroupOp group,
                    const llvm::DenseMap<Value, Value> &known, OpBuilder &b) {
  if (group.getKind() != "elementwise" || group->getNumResults() != 1 ||
      !isScalarNumber(group->getResult(0).getType()))
    return {};
  Block &body = group.getBody().front();
  IRMapping map;
  for (auto [arg, input] : llvm::zip(body.getArguments(), group.getInputs())) {
    Value number = known.lookup(input);
    if (!number)
      return {};
    map.map(arg, number);
  }
  if (!llvm::all_of(body, qualifies))
    return {};
  for (Operation &op : body.without_terminator())
    map.map(op.getResult(0), emit(b, op, map));
  return map.lookup(body.getTerminator()->getOperand(0));
}

} // namespace tessera::tile
