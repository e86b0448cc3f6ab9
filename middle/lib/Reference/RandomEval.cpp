// Stateless random numbers: each element is a pure function of the op's
// seed and the element's flat row-major index, so any device, thread count
// or split of the work produces the same numbers. The CPU backend must
// produce exactly these; the definition (also in
// docs/ir/reference-evaluator.md) is:
//
//   mix(z)    = z ^= z >> 30; z *= 0xBF58476D1CE4E5B9;
//               z ^= z >> 27; z *= 0x94D049BB133111EB; z ^ (z >> 31)
//   G         = 0x9E3779B97F4A7C15                (all arithmetic mod 2^64)
//   key(seed) = mix(seed + G)
//   bits(c)   = mix(key + (c + 1) * G)            (SplitMix64's c-th output)
//   unit_p(c) = (bits(c) >> (64 - p)) * 2^-p      in [0, 1), exact in p bits
//
// random_uniform: element i is unit_p(i), p the precision of the element
//   type (f64 53, f32 24, f16 11, bf16 8), so it is exact in that type and
//   never rounds up to 1.
// random_normal: element i is Box-Muller on u1 = unit_53(2i) and
//   u2 = unit_53(2i + 1): sqrt(-2 ln(1 - u1)) * cos(2 pi u2), in double,
//   then rounded to the element type.
// dropout: element i is kept iff unit_53(i) >= p, and then scaled by
//   1 / (1 - p); dropped elements are 0.
#include "Internal.h"

#include "tessera/Dialect/TGraph/RandomStream.h"
#include "tessera/Dialect/TGraph/TGraph.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
namespace tg = tessera::tgraph;

namespace tessera::reference::detail {
namespace {

struct Stream {
  uint64_t key;
  explicit Stream(int64_t seed) : key(tg::random::keyOf(seed)) {}
  uint64_t bits(uint64_t counter) const {
    return tg::random::bitsOf(key, counter);
  }
  // The top `p` bits as a fraction in [0, 1).
  double unit(uint64_t counter, int p) const {
    return std::ldexp(static_cast<double>(bits(counter) >> (64 - p)), -p);
  }
};

// Significand bits of a floating-point type, the implicit bit included.
int precisionOf(Type type) {
  return static_cast<int>(llvm::APFloat::semanticsPrecision(
      cast<FloatType>(type).getFloatSemantics()));
}

FailureOr<Tensor> evalUniform(Operation *op, int64_t seed, Operands dims,
                              bool normal) {
  Type type = op->getResult(0).getType();
  FailureOr<std::vector<int64_t>> shape = shapeWithDynamicDims(op, type, dims);
  if (failed(shape))
    return failure();
  Tensor out(cast<RankedTensorType>(type).getElementType(), *shape);
  Stream s(seed);
  int p = std::min(precisionOf(out.elementType), 53);
  for (int64_t i = 0, n = out.numElements(); i < n; ++i) {
    auto c = static_cast<uint64_t>(i);
    if (!normal) {
      out.data[i] = s.unit(c, p);
      continue;
    }
    double u1 = s.unit(2 * c, 53), u2 = s.unit(2 * c + 1, 53);
    out.data[i] =
        std::sqrt(-2.0 * std::log(1.0 - u1)) * std::cos(2.0 * M_PI * u2);
  }
  return out;
}

FailureOr<Tensor> evalDropout(tg::DropoutOp op, const Tensor &x) {
  double p = op.getP().convertToDouble();
  Stream s(op.getSeed());
  Tensor out = x;
  for (int64_t i = 0, n = out.numElements(); i < n; ++i)
    out.data[i] =
        s.unit(static_cast<uint64_t>(i), 53) >= p ? x.data[i] / (1.0 - p) : 0.0;
  return out;
}

} // namespace

FamilyResult evalRandom(Operation *op, Operands in) {
  return llvm::TypeSwitch<Operation *, FamilyResult>(op)
      .Case([&](tg::RandomUniformOp op) {
        return evalUniform(op, op.getSeed(), in, false);
      })
      .Case([&](tg::RandomNormalOp op) {
        return evalUniform(op, op.getSeed(), in, true);
      })
      .Case([&](tg::DropoutOp op) { return evalDropout(op, *in[0]); })
      .Default([](Operation *) { return std::nullopt; });
}

} // namespace tessera::reference::detail
