// The upstream ops the frontend (and the Graph IR transformations) emit
// inside functions besides tgraph's: arith on scalars and tensors (index
// arithmetic, casts of dims to numbers), tensor.dim / from_elements /
// extract / splat / cast, and mesh.shard, which only annotates its operand.
// A scalar is a rank-0 Tensor whose element type is the scalar's type.
#include "Internal.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;

namespace tessera::reference::detail {
namespace {

unsigned bitWidth(Type type) {
  if (auto i = dyn_cast<IntegerType>(type))
    return i.getWidth();
  return 64; // index
}

// The value of an integer element read as unsigned (of its width).
double asUnsigned(double v, Type type) {
  return v >= 0 ? v : v + std::ldexp(1.0, bitWidth(type));
}

// Applies `f` to the elements of the operands (one shape: arith is
// elementwise without broadcasting) into a result of `op`'s type.
template <typename F> FailureOr<Tensor> map(Operation *op, Operands in, F f) {
  for (const Tensor *t : in.drop_front())
    if (t->shape != in[0]->shape)
      return op->emitError("operand shapes ")
             << in[0]->shapeStr() << " and " << t->shapeStr() << " differ";
  Tensor out(getElementTypeOrSelf(op->getResult(0).getType()), in[0]->shape);
  for (int64_t i = 0, n = out.numElements(); i < n; ++i) {
    double a = in[0]->data[i];
    double b = in.size() > 1 ? in[1]->data[i] : 0;
    double c = in.size() > 2 ? in[2]->data[i] : 0;
    FailureOr<double> v = f(a, b, c);
    if (failed(v))
      return failure();
    out.data[i] = *v;
  }
  return out;
}

FailureOr<Tensor> evalConstant(arith::ConstantOp op) {
  Type type = op.getType();
  Attribute value = op.getValue();
  if (auto f = dyn_cast<FloatAttr>(value))
    return Tensor(type, {}, {f.getValueAsDouble()});
  if (auto i = dyn_cast<IntegerAttr>(value))
    return Tensor(type, {},
                  {i.getValue().getBitWidth() == 1
                       ? static_cast<double>(i.getValue().getZExtValue())
                       : static_cast<double>(i.getValue().getSExtValue())});
  if (auto dense = dyn_cast<DenseElementsAttr>(value))
    if (std::optional<Tensor> t = fromDenseAttr(dense))
      return std::move(*t);
  return op.emitError("cannot evaluate the constant ") << value;
}

bool compareInt(arith::CmpIPredicate p, double a, double b, Type type) {
  using P = arith::CmpIPredicate;
  switch (p) {
  case P::eq:
    return a == b;
  case P::ne:
    return a != b;
  case P::slt:
    return a < b;
  case P::sle:
    return a <= b;
  case P::sgt:
    return a > b;
  case P::sge:
    return a >= b;
  default:
    break;
  }
  double ua = asUnsigned(a, type), ub = asUnsigned(b, type);
  switch (p) {
  case P::ult:
    return ua < ub;
  case P::ule:
    return ua <= ub;
  case P::ugt:
    return ua > ub;
  default:
    return ua >= ub;
  }
}

bool compareFloat(arith::CmpFPredicate p, double a, double b) {
  using P = arith::CmpFPredicate;
  bool unordered = std::isnan(a) || std::isnan(b);
  switch (p) {
  case P::AlwaysFalse:
    return false;
  case P::OEQ:
    return a == b;
  case P::OGT:
    return a > b;
  case P::OGE:
    return a >= b;
  case P::OLT:
    return a < b;
  case P::OLE:
    return a <= b;
  case P::ONE:
    return !unordered && a != b;
  case P::ORD:
    return !unordered;
  case P::UEQ:
    return unordered || a == b;
  case P::UGT:
    return unordered || a > b;
  case P::UGE:
    return unordered || a >= b;
  case P::ULT:
    return unordered || a < b;
  case P::ULE:
    return unordered || a <= b;
  case P::UNE:
    return a != b;
  case P::UNO:
    return unordered;
  case P::AlwaysTrue:
    return true;
  }
  return false;
}

int64_t wrap(uint64_t v) { return static_cast<int64_t>(v); }

FamilyResult evalArith(Operation *op, Operands in) {
  using R = FailureOr<double>;
  auto integerBinary = [&](auto f) -> FailureOr<Tensor> {
    return map(op, in, [&](double a, double b, double) -> R {
      return f(toInt(a), toInt(b));
    });
  };
  Type from = in.empty() ? Type() : in[0]->elementType;
  Type to = getElementTypeOrSelf(op->getResult(0).getType());
  return llvm::TypeSwitch<Operation *, FamilyResult>(op)
      .Case([&](arith::ConstantOp op) { return evalConstant(op); })
      // Integer conversions: the value is kept, or wrapped by the rounding
      // of the result; the unsigned forms first read the operand unsigned.
      .Case<arith::IndexCastOp, arith::ExtSIOp, arith::TruncIOp,
            arith::SIToFPOp, arith::ExtFOp, arith::TruncFOp>([&](Operation *) {
        return map(op, in, [](double a, double, double) -> R { return a; });
      })
      .Case<arith::IndexCastUIOp, arith::ExtUIOp, arith::UIToFPOp>(
          [&](Operation *) {
            return map(op, in, [&](double a, double, double) -> R {
              return asUnsigned(a, from);
            });
          })
      .Case<arith::FPToSIOp, arith::FPToUIOp>([&](Operation *) {
        return map(op, in, [&](double a, double, double) -> R {
          if (std::isnan(a) || std::isinf(a))
            return op->emitError("cannot convert ") << a << " to " << to;
          return std::trunc(a);
        });
      })
      .Case([&](arith::AddIOp) {
        return integerBinary([](int64_t a, int64_t b) -> R {
          return static_cast<double>(wrap(uint64_t(a) + uint64_t(b)));
        });
      })
      .Case([&](arith::SubIOp) {
        return integerBinary([](int64_t a, int64_t b) -> R {
          return static_cast<double>(wrap(uint64_t(a) - uint64_t(b)));
        });
      })
      .Case([&](arith::MulIOp) {
        return integerBinary([](int64_t a, int64_t b) -> R {
          return static_cast<double>(wrap(uint64_t(a) * uint64_t(b)));
        });
      })
      .Case<arith::DivSIOp, arith::RemSIOp, arith::FloorDivSIOp,
            arith::CeilDivSIOp>([&](Operation *) {
        return integerBinary([&](int64_t a, int64_t b) -> R {
          if (b == 0)
            return op->emitError("integer division by zero");
          if (b == -1) // the one overflow wraps
            return isa<arith::RemSIOp>(op)
                       ? 0.0
                       : static_cast<double>(wrap(0 - uint64_t(a)));
          int64_t q = a / b, r = a % b;
          if (isa<arith::RemSIOp>(op))
            return static_cast<double>(r);
          if (isa<arith::FloorDivSIOp>(op) && r != 0 && ((r < 0) != (b < 0)))
            --q;
          if (isa<arith::CeilDivSIOp>(op) && r != 0 && ((r < 0) == (b < 0)))
            ++q;
          return static_cast<double>(q);
        });
      })
      .Case([&](arith::MaxSIOp) {
        return integerBinary([](int64_t a, int64_t b) -> R {
          return static_cast<double>(std::max(a, b));
        });
      })
      .Case([&](arith::MinSIOp) {
        return integerBinary([](int64_t a, int64_t b) -> R {
          return static_cast<double>(std::min(a, b));
        });
      })
      .Case([&](arith::AddFOp) {
        return map(op, in,
                   [](double a, double b, double) -> R { return a + b; });
      })
      .Case([&](arith::SubFOp) {
        return map(op, in,
                   [](double a, double b, double) -> R { return a - b; });
      })
      .Case([&](arith::MulFOp) {
        return map(op, in,
                   [](double a, double b, double) -> R { return a * b; });
      })
      .Case([&](arith::DivFOp) {
        return map(op, in,
                   [](double a, double b, double) -> R { return a / b; });
      })
      .Case([&](arith::RemFOp) {
        return map(op, in, [](double a, double b, double) -> R {
          return std::fmod(a, b);
        });
      })
      .Case([&](arith::NegFOp) {
        return map(op, in, [](double a, double, double) -> R { return -a; });
      })
      .Case([&](arith::MaximumFOp) {
        return map(op, in, [](double a, double b, double) -> R {
          return maximum(a, b);
        });
      })
      .Case([&](arith::MinimumFOp) {
        return map(op, in, [](double a, double b, double) -> R {
          return minimum(a, b);
        });
      })
      .Case([&](arith::CmpIOp cmp) {
        return map(op, in, [&](double a, double b, double) -> R {
          return compareInt(cmp.getPredicate(), a, b, from) ? 1.0 : 0.0;
        });
      })
      .Case([&](arith::CmpFOp cmp) {
        return map(op, in, [&](double a, double b, double) -> R {
          return compareFloat(cmp.getPredicate(), a, b) ? 1.0 : 0.0;
        });
      })
      .Case([&](arith::SelectOp) -> FailureOr<Tensor> {
        // A scalar condition picks a whole operand.
        if (in[0]->shape.empty() && !in[1]->shape.empty())
          return *(in[0]->data[0] != 0 ? in[1] : in[2]);
        return map(op, in, [](double c, double a, double b) -> R {
          return c != 0 ? a : b;
        });
      })
      .Default([](Operation *) { return std::nullopt; });
}

FamilyResult evalTensor(Operation *op, Operands in) {
  return llvm::TypeSwitch<Operation *, FamilyResult>(op)
      .Case([&](tensor::DimOp op) -> FailureOr<Tensor> {
        int64_t d = toInt(in[1]->data[0]);
        int64_t rank = static_cast<int64_t>(in[0]->shape.size());
        if (d < 0 || d >= rank)
          return op.emitError("dim ")
                 << d << " is out of range for rank " << rank;
        return Tensor(op.getType(), {}, {static_cast<double>(in[0]->shape[d])});
      })
      .Case([&](tensor::FromElementsOp op) -> FailureOr<Tensor> {
        RankedTensorType type = op.getType();
        Tensor out(type.getElementType(),
                   std::vector<int64_t>(type.getShape()));
        int64_t w = out.width();
        for (auto [i, t] : llvm::enumerate(in))
          for (int64_t j = 0; j < w; ++j)
            out.data[i * w + j] = t->data[j];
        return out;
      })
      .Case([&](tensor::ExtractOp op) -> FailureOr<Tensor> {
        const Tensor &t = *in[0];
        SmallVector<int64_t> strides = stridesOf(t.shape);
        int64_t at = 0;
        for (auto [d, index] : llvm::enumerate(in.drop_front())) {
          int64_t i = toInt(index->data[0]);
          if (i < 0 || i >= t.shape[d])
            return op.emitError("index ") << i << " is out of range for dim "
                                          << d << " of " << t.shapeStr();
          at += i * strides[d];
        }
        Tensor out(t.elementType, {});
        for (int64_t j = 0; j < t.width(); ++j)
          out.data[j] = t.data[at * t.width() + j];
        return out;
      })
      .Case([&](tensor::SplatOp op) -> FailureOr<Tensor> {
        FailureOr<std::vector<int64_t>> shape =
            shapeWithDynamicDims(op, op.getType(), in.drop_front());
        if (failed(shape))
          return failure();
        Tensor out(in[0]->elementType, *shape);
        int64_t w = out.width();
        for (int64_t i = 0, n = out.numElements(); i < n; ++i)
          for (int64_t j = 0; j < w; ++j)
            out.data[i * w + j] = in[0]->data[j];
        return out;
      })
      .Case([&](tensor::CastOp op) -> FailureOr<Tensor> {
        return *in[0]; // the evaluator checks the static dims of the result
      })
      .Default([](Operation *) { return std::nullopt; });
}

} // namespace

FamilyResult evalStandard(Operation *op, Operands in) {
  if (op->getName().getDialectNamespace() == "arith")
    return evalArith(op, in);
  if (op->getName().getDialectNamespace() == "tensor")
    return evalTensor(op, in);
  // An annotation for sharding propagation: the value is its operand's.
  if (op->getName().getStringRef() == "mesh.shard")
    return FailureOr<Tensor>(*in[0]);
  return std::nullopt;
}

} // namespace tessera::reference::detail
