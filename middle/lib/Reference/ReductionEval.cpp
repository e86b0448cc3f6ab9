// Reductions over axes, and the ops built on reductions along one axis:
// softmax, log-softmax, layer and RMS normalisation, and the losses. All in
// double, summing in row-major order of the operand; integer sums and
// products in wrapping int64.
#include "Internal.h"

#include "tessera/Dialect/TGraph/TGraph.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <limits>

using namespace mlir;
namespace tg = tessera::tgraph;

namespace tessera::reference::detail {
namespace {

enum class Reduce { Sum, Mean, Max, Min, Prod };

FailureOr<Tensor> evalReduce(Operation *op, Reduce kind, ArrayRef<int64_t> axes,
                             bool keepdims, const Tensor &x) {
  Type element = x.elementType;
  bool integer = isIntegerLike(element);
  SmallVector<bool> reduced(x.shape.size(), false);
  for (int64_t a : axes)
    reduced[a] = true;
  std::vector<int64_t> shape, kept; // kept: the output shape with 1s
  int64_t count = 1;
  for (size_t d = 0; d < x.shape.size(); ++d) {
    if (reduced[d]) {
      count *= x.shape[d];
      if (keepdims)
        shape.push_back(1);
      kept.push_back(1);
    } else {
      shape.push_back(x.shape[d]);
      kept.push_back(x.shape[d]);
    }
  }
  // The identity of each reduction; for integers the extremes of the type.
  double init = 0;
  if (kind == Reduce::Prod)
    init = 1;
  else if (kind == Reduce::Max || kind == Reduce::Min) {
    bool max = kind == Reduce::Max;
    if (auto i = dyn_cast<IntegerType>(element)) {
      double hi = i.getWidth() == 1 ? 1 : std::ldexp(1.0, i.getWidth() - 1) - 1;
      double lo = i.getWidth() == 1 ? 0 : -std::ldexp(1.0, i.getWidth() - 1);
      init = max ? lo : hi;
    } else {
      init = max ? -std::numeric_limits<double>::infinity()
                 : std::numeric_limits<double>::infinity();
    }
  }
  Tensor out(element, shape);
  std::fill(out.data.begin(), out.data.end(), init);
  if (x.numElements() > 0) {
    SmallVector<int64_t> keptStrides = stridesOf(kept);
    SmallVector<int64_t> index(x.shape.size(), 0);
    int64_t i = 0;
    do {
      int64_t to = 0;
      for (size_t d = 0; d < index.size(); ++d)
        if (!reduced[d])
          to += index[d] * keptStrides[d];
      double &acc = out.data[to], v = x.data[i++];
      switch (kind) {
      case Reduce::Sum:
      case Reduce::Mean:
        acc = integer ? static_cast<double>(static_cast<int64_t>(
                            static_cast<uint64_t>(toInt(acc)) +
                            static_cast<uint64_t>(toInt(v))))
                      : acc + v;
        break;
      case Reduce::Prod:
        acc = integer ? static_cast<double>(static_cast<int64_t>(
                            static_cast<uint64_t>(toInt(acc)) *
                            static_cast<uint64_t>(toInt(v))))
                      : acc * v;
        break;
      case Reduce::Max:
        acc = maximum(acc, v);
        break;
      case Reduce::Min:
        acc = minimum(acc, v);
        break;
      }
    } while (nextIndex(index, x.shape));
  }
  if (kind == Reduce::Mean)
    for (double &v : out.data)
      v /= static_cast<double>(count);
  return out;
}

template <typename ReduceOp>
FailureOr<Tensor> evalReduceOp(ReduceOp op, Reduce kind, Operands in) {
  return evalReduce(op, kind, op.getAxes(), op.getKeepdims(), *in[0]);
}

// The elements along `axis` of a tensor of `shape`: `outer` lines, each of
// `dim` elements `inner` apart.
struct Lines {
  int64_t outer, dim, inner;
  Lines(ArrayRef<int64_t> shape, int64_t axis)
      : outer(numElements(shape.take_front(axis))), dim(shape[axis]),
        inner(numElements(shape.drop_front(axis + 1))) {}
  int64_t count() const { return outer * inner; }
  // Element `k` of line `line`.
  int64_t at(int64_t line, int64_t k) const {
    return ((line / inner) * dim + k) * inner + line % inner;
  }
};

FailureOr<Tensor> evalSoftmax(Operation *op, int64_t axis, bool log,
                              const Tensor &x) {
  Tensor out = x;
  Lines lines(x.shape, axis);
  for (int64_t l = 0; l < lines.count(); ++l) {
    // The log-sum-exp form: subtract the maximum first.
    double m = -std::numeric_limits<double>::infinity();
    for (int64_t k = 0; k < lines.dim; ++k)
      m = maximum(m, x.data[lines.at(l, k)]);
    double s = 0;
    for (int64_t k = 0; k < lines.dim; ++k)
      s += std::exp(x.data[lines.at(l, k)] - m);
    for (int64_t k = 0; k < lines.dim; ++k) {
      int64_t i = lines.at(l, k);
      out.data[i] =
          log ? x.data[i] - m - std::log(s) : std::exp(x.data[i] - m) / s;
    }
  }
  return out;
}

template <typename NormOp>
FailureOr<Tensor> evalNorm(NormOp op, bool layer, Operands in) {
  const Tensor &x = *in[0];
  const Tensor *scale = op.getScale() ? in[1] : nullptr;
  const Tensor *bias = op.getBias() ? in[scale ? 2 : 1] : nullptr;
  int64_t axis = op.getAxis();
  double eps = op.getEpsilon().convertToDouble();
  for (const Tensor *t : {scale, bias})
    if (t && t->shape != std::vector<int64_t>{x.shape[axis]})
      return op.emitError("scale and bias must have shape [")
             << x.shape[axis] << "] (the size of axis " << axis << "), got "
             << t->shapeStr();
  Tensor out = x;
  Lines lines(x.shape, axis);
  double n = static_cast<double>(lines.dim);
  for (int64_t l = 0; l < lines.count(); ++l) {
    double mean = 0;
    if (layer) {
      for (int64_t k = 0; k < lines.dim; ++k)
        mean += x.data[lines.at(l, k)];
      mean /= n;
    }
    // The population variance (layer) or the mean square (RMS).
    double var = 0;
    for (int64_t k = 0; k < lines.dim; ++k) {
      double c = x.data[lines.at(l, k)] - mean;
      var += c * c;
    }
    var /= n;
    double inv = 1.0 / std::sqrt(var + eps);
    for (int64_t k = 0; k < lines.dim; ++k) {
      int64_t i = lines.at(l, k);
      double y = (x.data[i] - mean) * inv;
      if (scale)
        y *= scale->data[k];
      if (bias)
        y += bias->data[k];
      out.data[i] = y;
    }
  }
  return out;
}

FailureOr<Tensor> evalCrossEntropy(tg::CrossEntropyOp op, Operands in) {
  const Tensor &logits = *in[0], &labels = *in[1];
  std::vector<int64_t> rows(logits.shape.begin(), logits.shape.end() - 1);
  if (labels.shape != rows)
    return op.emitError("labels shape ")
           << labels.shapeStr() << " does not match the logits' leading dims "
           << shapeStr(rows);
  int64_t classes = logits.shape.back(), positions = labels.numElements();
  double total = 0;
  for (int64_t p = 0; p < positions; ++p) {
    int64_t label = toInt(labels.data[p]);
    if (label < 0 || label >= classes)
      return op.emitError("label ") << label << " at position " << p
                                    << " is outside [0, " << classes << ")";
    const double *row = logits.data.data() + p * classes;
    double m = -std::numeric_limits<double>::infinity();
    for (int64_t c = 0; c < classes; ++c)
      m = maximum(m, row[c]);
    double s = 0;
    for (int64_t c = 0; c < classes; ++c)
      s += std::exp(row[c] - m);
    total += m + std::log(s) - row[label];
  }
  return Tensor(op.getType().getElementType(), {},
                {total / static_cast<double>(positions)});
}

FailureOr<Tensor> evalMSE(tg::MSEOp op, Operands in) {
  const Tensor &l = *in[0], &r = *in[1];
  if (l.shape != r.shape)
    return op.emitError("operand shapes ")
           << l.shapeStr() << " and " << r.shapeStr() << " differ";
  double total = 0;
  for (size_t i = 0; i < l.data.size(); ++i)
    total += (l.data[i] - r.data[i]) * (l.data[i] - r.data[i]);
  return Tensor(op.getType().getElementType(), {},
                {total / static_cast<double>(l.numElements())});
}

} // namespace

FamilyResult evalReduction(Operation *op, Operands in) {
  return llvm::TypeSwitch<Operation *, FamilyResult>(op)
      .Case(
          [&](tg::ReduceSumOp op) { return evalReduceOp(op, Reduce::Sum, in); })
      .Case([&](tg::ReduceMeanOp op) {
        return evalReduceOp(op, Reduce::Mean, in);
      })
      .Case(
          [&](tg::ReduceMaxOp op) { return evalReduceOp(op, Reduce::Max, in); })
      .Case(
          [&](tg::ReduceMinOp op) { return evalReduceOp(op, Reduce::Min, in); })
      .Case([&](tg::ReduceProdOp op) {
        return evalReduceOp(op, Reduce::Prod, in);
      })
      .Case([&](tg::SoftmaxOp op) {
        return evalSoftmax(op, op.getAxis(), false, *in[0]);
      })
      .Case([&](tg::LogSoftmaxOp op) {
        return evalSoftmax(op, op.getAxis(), true, *in[0]);
      })
      .Case([&](tg::LayerNormOp op) { return evalNorm(op, true, in); })
      .Case([&](tg::RMSNormOp op) { return evalNorm(op, false, in); })
      .Case([&](tg::CrossEntropyOp op) { return evalCrossEntropy(op, in); })
      .Case([&](tg::MSEOp op) { return evalMSE(op, in); })
      .Default([](Operation *) { return std::nullopt; });
}

} // namespace tessera::reference::detail
