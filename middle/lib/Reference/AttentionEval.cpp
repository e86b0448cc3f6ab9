// Fused attention and its cotangents, in double, from their definitions:
// each query's scores scale * q·k, their softmax p (the maximum subtracted
// first), and the products with p. The kernels' block order does not
// appear here: the reference is the mathematical value.
#include "Internal.h"

#include "tessera/Dialect/TGraph/TGraph.h"

#include <cmath>

using namespace mlir;
namespace tg = tessera::tgraph;

namespace tessera::reference::detail {
namespace {

// The shape of one attention: `batches` independent problems of s queries,
// t keys, a key width d and a value width e.
struct Dims {
  int64_t batches, s, t, d, e;
};

FailureOr<Dims> dimsOf(Operation *op, const Tensor &q, const Tensor &k,
                       const Tensor &v) {
  size_t r = q.shape.size();
  Dims dims{numElements(llvm::ArrayRef(q.shape).drop_back(2)), q.shape[r - 2],
            k.shape[r - 2], q.shape[r - 1], v.shape[r - 1]};
  bool agree = k.shape.size() == r && v.shape.size() == r &&
               k.shape[r - 1] == dims.d && v.shape[r - 2] == dims.t;
  for (size_t i = 0; agree && i + 2 < r; ++i)
    agree = k.shape[i] == q.shape[i] && v.shape[i] == q.shape[i];
  if (!agree)
    return op->emitError("attention of query ")
           << q.shapeStr() << ", key " << k.shapeStr() << " and value "
           << v.shapeStr() << ": the shapes do not agree";
  return dims;
}

// Row i's probabilities over the keys of batch b; `lse` (when given) gets
// the log-sum-exp of the row's scaled scores.
std::vector<double> probabilities(const Dims &n, const Tensor &q,
                                  const Tensor &k, double scale, int64_t b,
                                  int64_t i, double *lse = nullptr) {
  std::vector<double> p(n.t);
  double m = -std::numeric_limits<double>::infinity();
  for (int64_t j = 0; j < n.t; ++j) {
    double z = 0;
    for (int64_t c = 0; c < n.d; ++c)
      z += q.data[(b * n.s + i) * n.d + c] * k.data[(b * n.t + j) * n.d + c];
    p[j] = scale * z;
    m = maximum(m, p[j]);
  }
  double sum = 0;
  for (double &x : p)
    sum += x = std::exp(x - m);
  for (double &x : p)
    x /= sum;
  if (lse)
    *lse = m + std::log(sum);
  return p;
}

} // namespace

FailureOr<std::vector<Tensor>> evalAttention(tg::AttentionOp op, Operands in) {
  const Tensor &q = *in[0], &k = *in[1], &v = *in[2];
  FailureOr<Dims> n = dimsOf(op, q, k, v);
  if (failed(n))
    return failure();
  std::vector<int64_t> shape = q.shape;
  shape.back() = n->e;
  Tensor out(op.getResult().getType().getElementType(), shape);
  Tensor lse(Float32Type::get(op.getContext()),
             std::vector<int64_t>(q.shape.begin(), q.shape.end() - 1));
  for (int64_t b = 0; b < n->batches; ++b)
    for (int64_t i = 0; i < n->s; ++i) {
      std::vector<double> p = probabilities(*n, q, k, in[3]->data[0], b, i,
                                            &lse.data[b * n->s + i]);
      for (int64_t j = 0; j < n->t; ++j)
        for (int64_t c = 0; c < n->e; ++c)
          out.data[(b * n->s + i) * n->e + c] +=
              p[j] * v.data[(b * n->t + j) * n->e + c];
    }
  std::vector<Tensor> results;
  results.push_back(std::move(out));
  if (op.getLse())
    results.push_back(std::move(lse));
  return results;
}

FailureOr<std::vector<Tensor>> evalAttentionGrad(tg::AttentionGradOp op,
                                                 Operands in) {
  const Tensor &q = *in[0], &k = *in[1], &v = *in[2], &o = *in[4], &g = *in[5];
  FailureOr<Dims> n = dimsOf(op, q, k, v);
  if (failed(n))
    return failure();
  double scale = in[3]->data[0];
  Tensor dq(q.elementType, q.shape), dk(k.elementType, k.shape),
      dv(v.elementType, v.shape);
  for (int64_t b = 0; b < n->batches; ++b)
    for (int64_t i = 0; i < n->s; ++i) {
      std::vector<double> p = probabilities(*n, q, k, scale, b, i);
      int64_t row = b * n->s + i;
      double delta = 0;
      for (int64_t c = 0; c < n->e; ++c)
        delta += g.data[row * n->e + c] * o.data[row * n->e + c];
      for (int64_t j = 0; j < n->t; ++j) {
        int64_t key = b * n->t + j;
        double dp = 0;
        for (int64_t c = 0; c < n->e; ++c) {
          dv.data[key * n->e + c] += p[j] * g.data[row * n->e + c];
          dp += g.data[row * n->e + c] * v.data[key * n->e + c];
        }
        double ds = scale * p[j] * (dp - delta);
        for (int64_t c = 0; c < n->d; ++c) {
          dq.data[row * n->d + c] += ds * k.data[key * n->d + c];
          dk.data[key * n->d + c] += ds * q.data[row * n->d + c];
        }
      }
    }
  std::vector<Tensor> grads;
  for (Tensor *t : {&dq, &dk, &dv})
    grads.push_back(std::move(*t));
  return grads;
}

} // namespace tessera::reference::detail
