// The complex group: conj, imag, complex(re, im), casts between real and
// c64 tensors, and + - * / and neg of c64 tensors, one element a point.
// Elementwise kernels compute on vectors, which hold no complex numbers, so
// c64 values are taken apart, put together and combined here. conj, imag,
// complex and neg are exact, and so is a cast from f32; a cast from another
// float dtype rounds once. + and - round each part once; a product is
// (ac - bd) + (ad + bc)i with each product and sum rounded in f32, no fused
// multiply-add, and a quotient Smith's (below): NumPy's complex64 results,
// bit for bit.
#include "KernelBuilder.h"
#include "ScalarOps.h"

#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;

namespace tessera::tile {

// (a + bi) / (c + di) by Smith's method, as NumPy divides complex64: with
// the larger of |c| and |d| first, r = d / c (or c / d), s = 1 / (c + d r)
// (or 1 / (d + c r)), then ((a + b r) s, (b - a r) s) (or ((a r + b) s,
// (b r - a) s)), each operation rounded in f32; by zero, (a / |c|, b / |c|).
// Smith's order keeps c^2 + d^2 from overflowing or underflowing.
static Value emitComplexQuotient(OpBuilder &b, Location loc, Value x, Value y) {
  Type f32 = b.getF32Type();
  auto c64 = ComplexType::get(f32);
  Value a = b.create<complex::ReOp>(loc, x),
        bi = b.create<complex::ImOp>(loc, x);
  Value c = b.create<complex::ReOp>(loc, y),
        d = b.create<complex::ImOp>(loc, y);
  auto add = [&](Value u, Value v) {
    return b.create<arith::AddFOp>(loc, u, v);
  };
  auto sub = [&](Value u, Value v) {
    return b.create<arith::SubFOp>(loc, u, v);
  };
  auto mul = [&](Value u, Value v) {
    return b.create<arith::MulFOp>(loc, u, v);
  };
  auto div = [&](Value u, Value v) {
    return b.create<arith::DivFOp>(loc, u, v);
  };
  Value one = b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(1.0));
  Value zero = b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(0.0));
  Value absC = b.create<math::AbsFOp>(loc, c),
        absD = b.create<math::AbsFOp>(loc, d);
  Value realFirst =
      b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGE, absC, absD);
  // The branches' builder is `b` itself, at their blocks.
  auto branch = b.create<scf::IfOp>(
      loc, realFirst,
      [&](OpBuilder &, Location) {
        Value byZero = b.create<arith::AndIOp>(
            loc,
            b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OEQ, absC, zero),
            b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OEQ, absD,
                                    zero));
        Value r = div(d, c);
        Value s = div(one, add(c, mul(d, r)));
        Value re = mul(add(a, mul(bi, r)), s);
        Value im = mul(sub(bi, mul(a, r)), s);
        re = b.create<arith::SelectOp>(loc, byZero, div(a, absC), re);
        im = b.create<arith::SelectOp>(loc, byZero, div(bi, absC), im);
        b.create<scf::YieldOp>(loc, ValueRange{re, im});
      },
      [&](OpBuilder &, Location) {
        Value r = div(c, d);
        Value s = div(one, add(d, mul(c, r)));
        b.create<scf::YieldOp>(loc, ValueRange{mul(add(mul(a, r), bi), s),
                                               mul(sub(mul(bi, r), a), s)});
      });
  return b.create<complex::CreateOp>(loc, c64, branch.getResult(0),
                                     branch.getResult(1));
}

LogicalResult lowerComplexPartsGroup(tsched::FusionGroupOp group,
                                     ArrayRef<Value> results,
                                     EntryContext &ctx) {
  Operation *op = singleOp(group);
  Location loc = op->getLoc();
  SmallVector<Value> inputs;
  SmallVector<bool> scalar;
  for (Value v : op->getOperands()) {
    inputs.push_back(ctx.bufferOf(groupInput(group, v)));
    scalar.push_back(cast<RankedTensorType>(v.getType()).getRank() == 0);
  }
  auto extents = ctx.extentsOf(group.getResult(0), loc);
  if (failed(extents))
    return failure();
  KernelSpec spec{
      "complex", group.getTile()[0], 1,
      inputs,    {results[0]},       product(ctx.entryBuilder(), loc, *extents),
      {}};
  KernelBody k = createKernel(ctx, spec, loc);
  OpBuilder &b = k.builder;
  Scalars s{b, loc};
  Type f32 = b.getF32Type();
  auto c64 = ComplexType::get(f32);
  // Operand i at this point (a rank-0 one is repeated).
  auto read = [&](unsigned i) {
    return s.load(k.inputs[i], scalar[i] ? s.idx(0) : k.offset);
  };
  // A c64 value's parts, and a c64 value from its parts.
  auto parts = [&](Value z) -> std::pair<Value, Value> {
    return {b.create<complex::ReOp>(loc, z), b.create<complex::ImOp>(loc, z)};
  };
  auto make = [&](Value re, Value im) -> Value {
    return b.create<complex::CreateOp>(loc, c64, re, im);
  };
  Value value;
  if (auto c = dyn_cast<tgraph::ConstantOp>(op)) {
    auto number = dyn_cast<complex::NumberAttr>(c.getValue());
    if (!number)
      return op->emitError("a c64 constant needs a complex number attribute");
    value =
        make(b.create<arith::ConstantOp>(
                 loc, b.getF32FloatAttr(number.getReal().convertToDouble())),
             b.create<arith::ConstantOp>(
                 loc, b.getF32FloatAttr(number.getImag().convertToDouble())));
  } else if (isa<tgraph::AddOp, tgraph::SubOp>(op)) {
    auto [a, bi] = parts(read(0));
    auto [c, d] = parts(read(1));
    value = isa<tgraph::AddOp>(op) ? make(b.create<arith::AddFOp>(loc, a, c),
                                          b.create<arith::AddFOp>(loc, bi, d))
                                   : make(b.create<arith::SubFOp>(loc, a, c),
                                          b.create<arith::SubFOp>(loc, bi, d));
  } else if (isa<tgraph::MulOp>(op)) {
    auto [a, bi] = parts(read(0));
    auto [c, d] = parts(read(1));
    auto mul = [&](Value x, Value y) {
      return b.create<arith::MulFOp>(loc, x, y).getResult();
    };
    value = make(b.create<arith::SubFOp>(loc, mul(a, c), mul(bi, d)),
                 b.create<arith::AddFOp>(loc, mul(a, d), mul(bi, c)));
  } else if (isa<tgraph::DivOp>(op)) {
    value = emitComplexQuotient(b, loc, read(0), read(1));
  } else if (isa<tgraph::NegOp>(op)) {
    auto [a, bi] = parts(read(0));
    value =
        make(b.create<arith::NegFOp>(loc, a), b.create<arith::NegFOp>(loc, bi));
  } else if (isa<tgraph::ConjOp>(op)) {
    Value z = read(0);
    value = b.create<complex::CreateOp>(
        loc, c64, b.create<complex::ReOp>(loc, z),
        b.create<arith::NegFOp>(loc, b.create<complex::ImOp>(loc, z)));
  } else if (isa<tgraph::ImagOp>(op)) {
    value = b.create<complex::ImOp>(loc, read(0));
  } else if (isa<tgraph::ComplexOp>(op)) {
    value = b.create<complex::CreateOp>(loc, c64, read(0), read(1));
  } else {
    // A cast: a real part from a float (rounded to f32 first), or a
    // complex number's real part converted to the result's float type.
    Type to = elementOf(op->getResult(0));
    Type from = elementOf(op->getOperand(0));
    if (!isa<FloatType>(isa<ComplexType>(to) ? from : to))
      return op->emitError("a cast between c64 and ")
             << (isa<ComplexType>(to) ? from : to)
             << " is not supported by the CPU backend yet";
    if (isa<ComplexType>(to)) {
      Value re = convertFloat(b, loc, read(0), f32);
      Value zero = b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(0.0));
      value = b.create<complex::CreateOp>(loc, c64, re, zero);
    } else {
      value = convertFloat(b, loc, b.create<complex::ReOp>(loc, read(0)), to);
    }
  }
  s.store(value, k.outputs[0], k.offset);
  b.create<ttile::YieldOp>(loc);
  return success();
}

} // namespace tessera::tile
