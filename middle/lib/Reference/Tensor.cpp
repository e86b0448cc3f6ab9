// The host tensor of the reference evaluator, rounding to element types, and
// the row-major index arithmetic the op families share.
#include "Internal.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringExtras.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace tessera::reference {

Tensor::Tensor(Type elementType, std::vector<int64_t> shape)
    : elementType(elementType), shape(std::move(shape)) {
  data.assign(numElements() * width(), 0.0);
}

Tensor::Tensor(Type elementType, std::vector<int64_t> shape,
               std::vector<double> data)
    : elementType(elementType), shape(std::move(shape)), data(std::move(data)) {
}

Tensor Tensor::scalar(Type elementType, double value) {
  return Tensor(elementType, {}, {roundTo(elementType, value)});
}

int64_t Tensor::numElements() const { return detail::numElements(shape); }

bool Tensor::isComplex() const {
  return elementType && isa<ComplexType>(elementType);
}

std::string Tensor::shapeStr() const { return detail::shapeStr(shape); }

double roundTo(Type type, double value) {
  if (auto complex = dyn_cast<ComplexType>(type))
    type = complex.getElementType();
  if (type.isF64() || type.isIndex())
    return value;
  if (type.isF32())
    return static_cast<float>(value);
  if (auto fp = dyn_cast<FloatType>(type)) {
    // One rounding from double to the narrow format, then an exact widening.
    bool lost;
    llvm::APFloat a(value);
    a.convert(fp.getFloatSemantics(), llvm::APFloat::rmNearestTiesToEven,
              &lost);
    a.convert(llvm::APFloat::IEEEdouble(), llvm::APFloat::rmNearestTiesToEven,
              &lost);
    return a.convertToDouble();
  }
  if (auto integer = dyn_cast<IntegerType>(type)) {
    unsigned bits = integer.getWidth();
    auto v = static_cast<uint64_t>(detail::toInt(value));
    if (bits == 1)
      return static_cast<double>(v & 1);
    if (bits >= 64)
      return static_cast<double>(static_cast<int64_t>(v));
    // Sign-extend the low `bits` bits.
    uint64_t mask = (uint64_t(1) << bits) - 1, sign = uint64_t(1) << (bits - 1);
    v &= mask;
    return static_cast<double>(static_cast<int64_t>((v ^ sign) - sign));
  }
  return value;
}

void roundInPlace(Tensor &t) {
  if (t.elementType.isF64() || t.elementType.isIndex())
    return;
  for (double &v : t.data)
    v = roundTo(t.elementType, v);
}

namespace detail {

int64_t numElements(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

llvm::SmallVector<int64_t> stridesOf(llvm::ArrayRef<int64_t> shape) {
  llvm::SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

bool nextIndex(llvm::MutableArrayRef<int64_t> index,
               llvm::ArrayRef<int64_t> shape) {
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    if (++index[d] < shape[d])
      return true;
    index[d] = 0;
  }
  return false;
}

std::string shapeStr(llvm::ArrayRef<int64_t> shape) {
  return "[" +
         llvm::join(llvm::map_range(
                        shape, [](int64_t d) { return std::to_string(d); }),
                    ", ") +
         "]";
}

int64_t toInt(double v) {
  // Saturate rather than hit undefined behaviour on out-of-range doubles.
  if (std::isnan(v))
    return 0;
  if (v >= 9223372036854775807.0)
    return std::numeric_limits<int64_t>::max();
  if (v <= -9223372036854775808.0)
    return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

FailureOr<std::vector<int64_t>> shapeWithDynamicDims(Operation *op, Type type,
                                                     Operands dynamic) {
  auto tensor = cast<RankedTensorType>(type);
  std::vector<int64_t> shape;
  size_t next = 0;
  for (int64_t d : tensor.getShape()) {
    if (!ShapedType::isDynamic(d)) {
      shape.push_back(d);
      continue;
    }
    if (next == dynamic.size())
      return op->emitError("result type ")
             << type << " has more dynamic dims than the " << dynamic.size()
             << " dim operands";
    int64_t extent = toInt(dynamic[next++]->data[0]);
    if (extent < 0)
      return op->emitError("dim operand ")
             << next - 1 << " is negative (" << extent << ")";
    shape.push_back(extent);
  }
  if (next != dynamic.size())
    return op->emitError("result type ")
           << type << " has " << next << " dynamic dims but " << dynamic.size()
           << " dim operands";
  return shape;
}

std::optional<Tensor> fromDenseAttr(DenseElementsAttr attr) {
  auto type = cast<ShapedType>(attr.getType());
  Tensor out(type.getElementType(), std::vector<int64_t>(type.getShape()));
  Type element = out.elementType;
  int64_t i = 0;
  if (isa<FloatType>(element)) {
    for (const llvm::APFloat &v : attr.getValues<llvm::APFloat>())
      out.data[i++] = v.convertToDouble();
  } else if (isIntegerLike(element)) {
    // i1 true is 1, not the sign-extended -1.
    for (const llvm::APInt &v : attr.getValues<llvm::APInt>())
      out.data[i++] = v.getBitWidth() == 1
                          ? static_cast<double>(v.getZExtValue())
                          : static_cast<double>(v.getSExtValue());
  } else if (auto complex = dyn_cast<ComplexType>(element);
             complex && isa<FloatType>(complex.getElementType())) {
    for (const std::complex<llvm::APFloat> &v :
         attr.getValues<std::complex<llvm::APFloat>>()) {
      out.data[i++] = v.real().convertToDouble();
      out.data[i++] = v.imag().convertToDouble();
    }
  } else {
    return std::nullopt;
  }
  return out;
}

bool isIntegerLike(Type type) { return isa<IntegerType, IndexType>(type); }

} // namespace detail
} // namespace tessera::reference
