// Elementwise ops: binary arithmetic, negation and constants, unary math,
// comparison, selection and casts. Operands broadcast from rank 0 as the
// dialect defines; floating point is computed in double, integers in int64
// (wrapping to the element width happens when the result is rounded).
#include "Internal.h"

#include "tessera/Dialect/TGraph/TGraph.h"

#include "mlir/Dialect/Complex/IR/Complex.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <complex>

using namespace mlir;
namespace tg = tessera::tgraph;

namespace tessera::reference::detail {
namespace {

using Complex = std::complex<double>;

// The shape of a rank-0-broadcast result: that of the first operand that is
// not rank 0; every other such operand must have it too.
FailureOr<std::vector<int64_t>> broadcastShape(Operation *op, Operands in) {
  const Tensor *shaped = nullptr;
  for (const Tensor *t : in) {
    if (t->shape.empty())
      continue;
    if (!shaped) {
      shaped = t;
      continue;
    }
    if (t->shape != shaped->shape)
      return op->emitError("operand shapes ")
             << shaped->shapeStr() << " and " << t->shapeStr() << " differ";
  }
  return shaped ? shaped->shape : std::vector<int64_t>{};
}

// Element `i` of an operand that is broadcast from rank 0 when scalar.
double at(const Tensor &t, int64_t i) {
  return t.shape.empty() ? t.data[0] : t.data[i];
}
Complex complexAt(const Tensor &t, int64_t i) {
  int64_t k = t.shape.empty() ? 0 : 2 * i;
  return {t.data[k], t.data[k + 1]};
}

// Integer arithmetic wraps like the hardware; unsigned avoids the undefined
// behaviour of signed overflow.
int64_t wrapAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) +
                              static_cast<uint64_t>(b));
}
int64_t wrapSub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) -
                              static_cast<uint64_t>(b));
}
int64_t wrapMul(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) *
                              static_cast<uint64_t>(b));
}

// b^e for integers, by squaring; a negative exponent gives what truncating
// 1 / b^-e gives (0 unless |b| is 1).
int64_t intPow(int64_t b, int64_t e) {
  if (e < 0)
    return b == 1 ? 1 : b == -1 ? (e % 2 ? -1 : 1) : 0;
  int64_t r = 1;
  while (e) {
    if (e & 1)
      r = wrapMul(r, b);
    b = wrapMul(b, b);
    e >>= 1;
  }
  return r;
}

FailureOr<Tensor> evalBinary(Operation *op, Operands in) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  FailureOr<std::vector<int64_t>> shape = broadcastShape(op, in);
  if (failed(shape))
    return failure();
  Tensor out(type.getElementType(), *shape);
  int64_t n = out.numElements();
  const Tensor &l = *in[0], &r = *in[1];
  if (out.isComplex()) {
    for (int64_t i = 0; i < n; ++i) {
      Complex a = complexAt(l, i), b = complexAt(r, i), c;
      if (isa<tg::AddOp>(op))
        c = a + b;
      else if (isa<tg::SubOp>(op))
        c = a - b;
      else if (isa<tg::MulOp>(op))
        c = a * b;
      else if (isa<tg::DivOp>(op))
        c = a / b;
      else
        return op->emitError("'") << op->getName() << "' is not defined on "
                                  << type.getElementType();
      out.data[2 * i] = c.real();
      out.data[2 * i + 1] = c.imag();
    }
    return out;
  }
  if (isIntegerLike(type.getElementType())) {
    for (int64_t i = 0; i < n; ++i) {
      int64_t a = toInt(at(l, i)), b = toInt(at(r, i)), c = 0;
      if (isa<tg::AddOp>(op))
        c = wrapAdd(a, b);
      else if (isa<tg::SubOp>(op))
        c = wrapSub(a, b);
      else if (isa<tg::MulOp>(op))
        c = wrapMul(a, b);
      else if (isa<tg::DivOp>(op)) {
        // Truncating division; x / 0 is 0 and the one overflow wraps
        // (docs/language.md, "Integer division").
        c = b == 0 ? 0 : b == -1 ? wrapSub(0, a) : a / b;
      } else if (isa<tg::RemOp>(op)) {
        // Truncated, the sign of `a`; x % 0 is x.
        c = b == 0 ? a : b == -1 ? 0 : a % b;
      } else if (isa<tg::PowOp>(op))
        c = intPow(a, b);
      else if (isa<tg::MaxOp>(op))
        c = std::max(a, b);
      else
        c = std::min(a, b);
      out.data[i] = static_cast<double>(c);
    }
    return out;
  }
  for (int64_t i = 0; i < n; ++i) {
    double a = at(l, i), b = at(r, i), c;
    if (isa<tg::AddOp>(op))
      c = a + b;
    else if (isa<tg::SubOp>(op))
      c = a - b;
    else if (isa<tg::MulOp>(op))
      c = a * b;
    else if (isa<tg::DivOp>(op))
      c = a / b;
    else if (isa<tg::PowOp>(op))
      c = std::pow(a, b);
    else if (isa<tg::RemOp>(op))
      c = std::fmod(a, b);
    else if (isa<tg::MaxOp>(op))
      c = maximum(a, b);
    else
      c = minimum(a, b);
    out.data[i] = c;
  }
  return out;
}

FailureOr<Tensor> evalNeg(tg::NegOp op, Operands in) {
  Tensor out = *in[0];
  out.elementType = op.getType().getElementType();
  bool integer = isIntegerLike(out.elementType);
  for (double &v : out.data)
    v = integer ? static_cast<double>(wrapSub(0, toInt(v))) : -v;
  return out;
}

// The value of a constant attribute, as the elements of a rank-0 tensor.
FailureOr<Tensor> evalConstant(tg::ConstantOp op) {
  Type type = op.getType().getElementType();
  Attribute value = op.getValue();
  if (auto f = dyn_cast<FloatAttr>(value))
    return Tensor(type, {}, {f.getValueAsDouble()});
  if (auto i = dyn_cast<IntegerAttr>(value)) {
    // i1 true is 1, not the sign-extended -1.
    const llvm::APInt &bits = i.getValue();
    double v = bits.getBitWidth() == 1
                   ? static_cast<double>(bits.getZExtValue())
                   : static_cast<double>(bits.getSExtValue());
    return Tensor(type, {}, {v});
  }
  if (auto c = dyn_cast<complex::NumberAttr>(value))
    return Tensor(
        type, {},
        {c.getReal().convertToDouble(), c.getImag().convertToDouble()});
  return op.emitError("cannot evaluate a constant of attribute ") << value;
}

double gelu(double x) { return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); }
double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

FailureOr<Tensor> evalUnary(Operation *op, Operands in) {
  Tensor out = *in[0];
  if (isIntegerLike(out.elementType)) {
    for (double &v : out.data) {
      int64_t x = toInt(v);
      if (isa<tg::AbsOp>(op))
        x = x < 0 ? wrapSub(0, x) : x;
      else if (isa<tg::ReluOp>(op))
        x = std::max<int64_t>(x, 0);
      else
        x = wrapMul(x, x);
      v = static_cast<double>(x);
    }
    return out;
  }
  auto f =
      llvm::TypeSwitch<Operation *, double (*)(double)>(op)
          .Case([](tg::ExpOp) { return [](double x) { return std::exp(x); }; })
          .Case([](tg::LogOp) { return [](double x) { return std::log(x); }; })
          .Case([](tg::Log1pOp) {
            return [](double x) { return std::log1p(x); };
          })
          .Case(
              [](tg::SqrtOp) { return [](double x) { return std::sqrt(x); }; })
          .Case([](tg::RsqrtOp) {
            return [](double x) { return 1.0 / std::sqrt(x); };
          })
          .Case([](tg::SinOp) { return [](double x) { return std::sin(x); }; })
          .Case([](tg::CosOp) { return [](double x) { return std::cos(x); }; })
          .Case(
              [](tg::TanhOp) { return [](double x) { return std::tanh(x); }; })
          .Case([](tg::SigmoidOp) { return &sigmoid; })
          .Case([](tg::GeluOp) { return &gelu; })
          .Case([](tg::SiluOp) {
            return [](double x) { return x * sigmoid(x); };
          })
          .Case([](tg::AbsOp) { return [](double x) { return std::fabs(x); }; })
          .Case([](tg::ReluOp) {
            // max(x, 0) that keeps NaN a NaN and maps -0 to +0.
            return [](double x) { return maximum(x, 0.0); };
          })
          .Default([](Operation *) { return [](double x) { return x * x; }; });
  for (double &v : out.data)
    v = f(v);
  return out;
}

FailureOr<Tensor> evalCompare(tg::CompareOp op, Operands in) {
  FailureOr<std::vector<int64_t>> shape = broadcastShape(op, in);
  if (failed(shape))
    return failure();
  Tensor out(op.getType().getElementType(), *shape);
  const Tensor &l = *in[0], &r = *in[1];
  tg::ComparePredicate p = op.getPredicate();
  bool complex = l.isComplex();
  if (complex && p != tg::ComparePredicate::eq && p != tg::ComparePredicate::ne)
    return op.emitError("predicate '")
           << tg::stringifyComparePredicate(p) << "' is not defined on "
           << l.elementType;
  for (int64_t i = 0, n = out.numElements(); i < n; ++i) {
    bool v;
    if (complex) {
      bool eq = complexAt(l, i) == complexAt(r, i);
      v = p == tg::ComparePredicate::eq ? eq : !eq;
    } else {
      // Ordered comparisons are false on NaN; `!=` is true, as in C++.
      double a = at(l, i), b = at(r, i);
      switch (p) {
      case tg::ComparePredicate::eq:
        v = a == b;
        break;
      case tg::ComparePredicate::ne:
        v = a != b;
        break;
      case tg::ComparePredicate::lt:
        v = a < b;
        break;
      case tg::ComparePredicate::le:
        v = a <= b;
        break;
      case tg::ComparePredicate::gt:
        v = a > b;
        break;
      case tg::ComparePredicate::ge:
        v = a >= b;
        break;
      }
    }
    out.data[i] = v ? 1.0 : 0.0;
  }
  return out;
}

FailureOr<Tensor> evalSelect(tg::SelectOp op, Operands in) {
  FailureOr<std::vector<int64_t>> shape = broadcastShape(op, in);
  if (failed(shape))
    return failure();
  Tensor out(op.getType().getElementType(), *shape);
  const Tensor &c = *in[0], &t = *in[1], &f = *in[2];
  int64_t w = out.width();
  for (int64_t i = 0, n = out.numElements(); i < n; ++i) {
    const Tensor &pick = at(c, i) != 0 ? t : f;
    int64_t k = pick.shape.empty() ? 0 : i * w;
    for (int64_t j = 0; j < w; ++j)
      out.data[i * w + j] = pick.data[k + j];
  }
  return out;
}

// Float to integer: truncate toward zero, saturating at the type's range,
// NaN to 0 (what LLVM's fptosi.sat does).
double floatToInt(double v, IntegerType to) {
  if (std::isnan(v))
    return 0;
  v = std::trunc(v);
  if (to.getWidth() == 1)
    return v != 0;
  double hi = std::ldexp(1.0, to.getWidth() - 1);
  return std::min(std::max(v, -hi), hi - 1);
}

FailureOr<Tensor> evalCast(tg::CastOp op, Operands in) {
  const Tensor &x = *in[0];
  Type from = x.elementType, to = op.getType().getElementType();
  Tensor out(to, x.shape);
  // Real to complex gives a zero imaginary part; complex to real keeps the
  // real part (how the Fourier adjoints scale a spectrum by a real number).
  if (isa<ComplexType>(to) && !isa<ComplexType>(from)) {
    for (int64_t i = 0; i < x.numElements(); ++i)
      out.data[2 * i] = x.data[i];
    roundInPlace(out);
    return out;
  }
  if (isa<ComplexType>(from) && !isa<ComplexType>(to)) {
    if (!isa<FloatType>(to))
      return op.emitError("cast from ")
             << from << " to " << to << " is not defined";
    for (int64_t i = 0; i < out.numElements(); ++i)
      out.data[i] = x.data[2 * i];
    roundInPlace(out);
    return out;
  }
  for (size_t i = 0; i < x.data.size(); ++i) {
    double v = x.data[i];
    if (auto integer = dyn_cast<IntegerType>(to);
        integer && isa<FloatType>(from))
      v = floatToInt(v, integer);
    else if (to.isInteger(1))
      v = v != 0;
    out.data[i] = v; // integer -> integer wraps when rounded
  }
  return out;
}

// conj flips the imaginary parts; imag takes them; complex pairs two real
// tensors (a rank-0 part broadcast). All exact.
FailureOr<Tensor> evalConj(const Tensor &x) {
  Tensor out = x;
  for (size_t i = 1; i < out.data.size(); i += 2)
    out.data[i] = -out.data[i];
  return out;
}

FailureOr<Tensor> evalImag(tg::ImagOp op, const Tensor &x) {
  Tensor out(op.getType().getElementType(), x.shape);
  for (int64_t i = 0; i < out.numElements(); ++i)
    out.data[i] = x.data[2 * i + 1];
  return out;
}

FailureOr<Tensor> evalComplex(tg::ComplexOp op, Operands in) {
  auto shape = broadcastShape(op, in);
  if (failed(shape))
    return failure();
  Tensor out(op.getType().getElementType(), *shape);
  for (int64_t i = 0; i < out.numElements(); ++i) {
    out.data[2 * i] = at(*in[0], i);
    out.data[2 * i + 1] = at(*in[1], i);
  }
  return out;
}

} // namespace

FamilyResult evalElementwise(Operation *op, Operands in) {
  return llvm::TypeSwitch<Operation *, FamilyResult>(op)
      .Case<tg::AddOp, tg::SubOp, tg::MulOp, tg::DivOp, tg::PowOp, tg::MaxOp,
            tg::RemOp, tg::MinOp>(
          [&](Operation *op) { return evalBinary(op, in); })
      .Case([&](tg::NegOp op) { return evalNeg(op, in); })
      .Case([&](tg::ConstantOp op) { return evalConstant(op); })
      .Case<tg::ExpOp, tg::LogOp, tg::Log1pOp, tg::SqrtOp, tg::RsqrtOp,
            tg::SinOp, tg::CosOp, tg::TanhOp, tg::SigmoidOp, tg::GeluOp,
            tg::SiluOp, tg::AbsOp, tg::ReluOp, tg::SquareOp>(
          [&](Operation *op) { return evalUnary(op, in); })
      .Case([&](tg::CompareOp op) { return evalCompare(op, in); })
      .Case([&](tg::SelectOp op) { return evalSelect(op, in); })
      .Case([&](tg::CastOp op) { return evalCast(op, in); })
      .Case([&](tg::ConjOp) { return evalConj(*in[0]); })
      .Case([&](tg::ImagOp op) { return evalImag(op, *in[0]); })
      .Case([&](tg::ComplexOp op) { return evalComplex(op, in); })
      .Default([](Operation *) { return std::nullopt; });
}

} // namespace tessera::reference::detail
