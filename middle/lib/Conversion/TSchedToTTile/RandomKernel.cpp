// Stateless random numbers in an elementwise kernel: tgraph.random_uniform,
// random_normal and dropout. A lane's element is a pure function of the
// op's seed and the element's flat row-major index (the kernel's offset
// plus the lane: an elementwise group iterates over its result's elements,
// and a random op's result has the group's shape), so every thread count,
// tile, vector width and target draws the same numbers. The numbers are
// SplitMix64's outputs (tessera/Dialect/TGraph/RandomStream.h), computed
// per lane in 64-bit integers:
//
// - random_uniform: the top p bits of element i's output times 2^-p, p the
//   element type's precision (24 for f32, 53 for f64): exact, in [0, 1),
//   the reference evaluator's numbers bit for bit.
// - dropout: element i is kept iff unit_53(i) >= p (compared as integers:
//   the top 53 bits against ceil(p * 2^53)), then divided by 1 - p in f64
//   and rounded to the element type, as the reference evaluator does.
// - random_normal (f32): Box-Muller on u1 = unit_24(2i), u2 = unit_24(2i+1)
//   in f32 with Tessera's own log, cos and sqrt: sqrt(-2 log(1 - u1)) *
//   cos(2 pi u2). The reference evaluator's definition takes 53-bit
//   uniforms and libm in f64; this one keeps the same bits on every target
//   without f64 transcendentals, and differs from it by a few ulps.
#include "KernelBuilder.h"
#include "tessera/Dialect/TGraph/RandomStream.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cmath>

using namespace mlir;
namespace rng = tessera::tgraph::random;

namespace tessera::tile {
namespace {

// Vector arithmetic on the lanes' 64-bit counters.
struct Lanes {
  OpBuilder &b;
  Location loc;
  VectorType ints;

  Value constant(uint64_t v) {
    return b.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(ints,
                                    b.getIntegerAttr(ints.getElementType(),
                                                     static_cast<int64_t>(v))));
  }
  Value add(Value x, Value y) { return b.create<arith::AddIOp>(loc, x, y); }
  Value mul(Value x, Value y) { return b.create<arith::MulIOp>(loc, x, y); }
  Value shr(Value x, int64_t n) {
    return b.create<arith::ShRUIOp>(loc, x, constant(n));
  }
  Value mixStep(Value z, int64_t shift, uint64_t factor) {
    return mul(b.create<arith::XOrIOp>(loc, z, shr(z, shift)),
               constant(factor));
  }
  // SplitMix64's finalizer, lane by lane (mod 2^64, as RandomStream.h).
  Value mix(Value z) {
    z = mixStep(z, 30, rng::kMix1);
    z = mixStep(z, 27, rng::kMix2);
    return b.create<arith::XOrIOp>(loc, z, shr(z, 31));
  }
  // The stream's bits for the lanes' counters.
  Value bits(uint64_t key, Value counters) {
    return mix(add(constant(key),
                   mul(add(counters, constant(1)), constant(rng::kGamma))));
  }
  // The top `p` bits of `x` as a float of `vt` in [0, 1) (exact: p is at
  // most the type's precision).
  Value unit(Value x, int p, VectorType vt) {
    Value whole = b.create<arith::UIToFPOp>(loc, vt, shr(x, 64 - p));
    auto scale = b.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(
                 vt, b.getFloatAttr(vt.getElementType(), std::ldexp(1.0, -p))));
    return b.create<arith::MulFOp>(loc, whole, scale);
  }
};

// The flat indices of the step's lanes: offset, offset + 1, ...
Value laneIndices(OpBuilder &b, Location loc, Value offset, int64_t lanes) {
  auto ints = VectorType::get({lanes}, b.getI64Type());
  SmallVector<int64_t> iota(lanes);
  for (int64_t i = 0; i < lanes; ++i)
    iota[i] = i;
  Value first = b.create<vector::SplatOp>(
      loc, ints, b.create<arith::IndexCastUIOp>(loc, b.getI64Type(), offset));
  return b.create<arith::AddIOp>(
      loc, first,
      b.create<arith::ConstantOp>(loc, b.getI64VectorAttr(iota)).getResult());
}

int precisionOf(FloatType t) {
  return static_cast<int>(
      llvm::APFloat::semanticsPrecision(t.getFloatSemantics()));
}

} // namespace

bool isRandomOp(Operation *op) {
  return isa<tgraph::RandomUniformOp, tgraph::RandomNormalOp,
             tgraph::DropoutOp>(op);
}

FailureOr<Value> emitRandomOp(OpBuilder &b, Operation *op, int64_t lanes,
                              Value offset, IRMapping &map) {
  Location loc = op->getLoc();
  // f32, f64 or bf16: the elementwise group refuses others before this.
  auto elem = cast<FloatType>(elementOf(op->getResult(0)));
  auto vt = VectorType::get({lanes}, elem);
  Lanes l{b, loc, VectorType::get({lanes}, b.getI64Type())};
  Value index = laneIndices(b, loc, offset, lanes);
  auto splat = [&](Type t, double v) -> Value {
    auto type = VectorType::get({lanes}, t);
    return b.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(type, b.getFloatAttr(t, v)));
  };

  if (auto u = dyn_cast<tgraph::RandomUniformOp>(op))
    return l.unit(l.bits(rng::keyOf(u.getSeed()), index), precisionOf(elem),
                  vt);

  if (auto n = dyn_cast<tgraph::RandomNormalOp>(op)) {
    uint64_t key = rng::keyOf(n.getSeed());
    Value twice = l.add(index, index);
    if (elem.isF64()) {
      // Box-Muller on unit_53 numbers, with Tessera's own f64 log and cos.
      Type f64 = b.getF64Type();
      Value u1 = l.unit(l.bits(key, twice), 53, vt);
      Value u2 = l.unit(l.bits(key, l.add(twice, l.constant(1))), 53, vt);
      Value radius = b.create<math::SqrtOp>(
          loc, b.create<arith::MulFOp>(
                   loc, splat(f64, -2.0),
                   log64(b, loc,
                         b.create<arith::SubFOp>(loc, splat(f64, 1.0), u1))));
      Value angle = b.create<arith::MulFOp>(loc, splat(f64, 2.0 * M_PI), u2);
      return b.create<arith::MulFOp>(loc, radius, cos64(b, loc, angle))
          .getResult();
    }
    // In f32, and for bf16 that value rounded once.
    Type f32 = b.getF32Type();
    auto vt32 = VectorType::get({lanes}, f32);
    Value u1 = l.unit(l.bits(key, twice), 24, vt32);
    Value u2 = l.unit(l.bits(key, l.add(twice, l.constant(1))), 24, vt32);
    Value radius = b.create<math::SqrtOp>(
        loc, b.create<arith::MulFOp>(
                 loc, splat(f32, -2.0),
                 b.create<math::LogOp>(
                     loc, b.create<arith::SubFOp>(loc, splat(f32, 1.0), u1))));
    Value angle =
        b.create<arith::MulFOp>(loc, splat(f32, 2.0 * M_PI), u2).getResult();
    Value normal =
        b.create<arith::MulFOp>(loc, radius, b.create<math::CosOp>(loc, angle));
    return elem.isF32()
               ? normal
               : b.create<arith::TruncFOp>(loc, vt, normal).getResult();
  }

  auto d = cast<tgraph::DropoutOp>(op);
  double p = d.getP().convertToDouble();
  // unit_53(i) >= p  <=>  top53(i) >= p * 2^53 (exact scaling)
  //                  <=>  top53(i) >= ceil(p * 2^53).
  auto threshold = static_cast<uint64_t>(std::ceil(std::ldexp(p, 53)));
  Value top = l.shr(l.bits(rng::keyOf(d.getSeed()), index), 11);
  Value keep = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::uge, top,
                                       l.constant(threshold));
  Value x = map.lookup(d.getOperand());
  auto wide = VectorType::get({lanes}, b.getF64Type());
  Value scaled = b.create<arith::DivFOp>(
      loc, elem.isF64() ? x : b.create<arith::ExtFOp>(loc, wide, x).getResult(),
      splat(b.getF64Type(), 1.0 - p));
  if (!elem.isF64())
    scaled = b.create<arith::TruncFOp>(loc, vt, scaled);
  return b.create<arith::SelectOp>(loc, keep, scaled, splat(elem, 0.0))
      .getResult();
}

} // namespace tessera::tile
