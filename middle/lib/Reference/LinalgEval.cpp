// Linear algebra: matmul (batch broadcasting, transposes, vector operands)
// and solve (Gaussian elimination with partial pivoting), in double, or in
// wrapping int64 / complex double for those element types.
#include "Internal.h"

#include "tessera/Dialect/TGraph/TGraph.h"

#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>
#include <cmath>
#include <complex>

using namespace mlir;
namespace tg = tessera::tgraph;

namespace tessera::reference::detail {
namespace {

// Where the elements of one matmul operand live: a batch of matrices, each
// read as [rows, cols] of the product (after the transpose attribute).
struct MatrixView {
  std::vector<int64_t> batch;           // the operand's batch dims
  int64_t rows = 1, cols = 1;           // as the product reads it
  int64_t rowStride = 0, colStride = 0; // in elements, within one matrix
  int64_t matrixSize = 1;
};

// A rank-1 lhs is one row and a rank-1 rhs one column: vectors read as
// matrices, whose extra dim the result drops.
MatrixView viewOf(const Tensor &t, bool transpose, bool isLhs) {
  MatrixView v;
  const std::vector<int64_t> &s = t.shape;
  if (s.size() == 1) {
    if (isLhs) {
      v.rows = 1;
      v.cols = s[0];
      v.colStride = 1;
    } else {
      v.rows = s[0];
      v.cols = 1;
      v.rowStride = 1;
    }
    v.matrixSize = s[0];
    return v;
  }
  int64_t r = s[s.size() - 2], c = s.back();
  v.batch.assign(s.begin(), s.end() - 2);
  v.matrixSize = r * c;
  if (!transpose) {
    v.rows = r;
    v.cols = c;
    v.rowStride = c;
    v.colStride = 1;
  } else {
    v.rows = c;
    v.cols = r;
    v.rowStride = 1;
    v.colStride = c;
  }
  return v;
}

template <typename T> T load(const Tensor &t, int64_t i);
template <> double load(const Tensor &t, int64_t i) { return t.data[i]; }
template <> int64_t load(const Tensor &t, int64_t i) {
  return toInt(t.data[i]);
}
template <> std::complex<double> load(const Tensor &t, int64_t i) {
  return {t.data[2 * i], t.data[2 * i + 1]};
}

template <typename T> void store(Tensor &t, int64_t i, T v);
template <> void store(Tensor &t, int64_t i, double v) { t.data[i] = v; }
template <> void store(Tensor &t, int64_t i, int64_t v) {
  t.data[i] = static_cast<double>(v);
}
template <> void store(Tensor &t, int64_t i, std::complex<double> v) {
  t.data[2 * i] = v.real();
  t.data[2 * i + 1] = v.imag();
}

template <typename T> T multiplyAdd(T acc, T a, T b) { return acc + a * b; }
template <> int64_t multiplyAdd(int64_t acc, int64_t a, int64_t b) {
  // Wraps like the hardware.
  return static_cast<int64_t>(static_cast<uint64_t>(acc) +
                              static_cast<uint64_t>(a) *
                                  static_cast<uint64_t>(b));
}

// The batch offsets (in matrices) of one result batch index into an operand
// whose batch dims are right-aligned and broadcast.
int64_t batchOffset(ArrayRef<int64_t> index, ArrayRef<int64_t> batch) {
  SmallVector<int64_t> strides = stridesOf(batch);
  int64_t offset = 0, skip = index.size() - batch.size();
  for (size_t d = 0; d < batch.size(); ++d)
    if (batch[d] != 1)
      offset += index[skip + d] * strides[d];
  return offset;
}

template <typename T>
void multiply(const Tensor &l, const MatrixView &lv, const Tensor &r,
              const MatrixView &rv, ArrayRef<int64_t> batch, Tensor &out) {
  int64_t m = lv.rows, k = lv.cols, n = rv.cols;
  SmallVector<int64_t> index(batch.size(), 0);
  int64_t outBase = 0;
  do {
    int64_t lBase = batchOffset(index, lv.batch) * lv.matrixSize;
    int64_t rBase = batchOffset(index, rv.batch) * rv.matrixSize;
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        T acc{};
        for (int64_t p = 0; p < k; ++p)
          acc = multiplyAdd(
              acc, load<T>(l, lBase + i * lv.rowStride + p * lv.colStride),
              load<T>(r, rBase + p * rv.rowStride + j * rv.colStride));
        store(out, outBase + i * n + j, acc);
      }
    outBase += m * n;
  } while (!batch.empty() && nextIndex(index, batch));
}

FailureOr<Tensor> evalMatmul(tg::MatmulOp op, Operands in) {
  const Tensor &l = *in[0], &r = *in[1];
  MatrixView lv = viewOf(l, op.getTransposeLhs(), true);
  MatrixView rv = viewOf(r, op.getTransposeRhs(), false);
  if (lv.cols != rv.rows)
    return op.emitError("contraction dims differ at run time: lhs ")
           << l.shapeStr() << " has " << lv.cols << ", rhs " << r.shapeStr()
           << " has " << rv.rows;
  // numpy broadcasting of the batch dims.
  size_t rank = std::max(lv.batch.size(), rv.batch.size());
  std::vector<int64_t> shape(rank, 1);
  for (size_t d = 0; d < rank; ++d) {
    int64_t a =
        d + lv.batch.size() >= rank ? lv.batch[d + lv.batch.size() - rank] : 1;
    int64_t b =
        d + rv.batch.size() >= rank ? rv.batch[d + rv.batch.size() - rank] : 1;
    if (a != b && a != 1 && b != 1)
      return op.emitError("batch dims of ")
             << l.shapeStr() << " and " << r.shapeStr()
             << " do not broadcast at run time";
    shape[d] = a == 1 ? b : a;
  }
  std::vector<int64_t> batch = shape;
  if (l.shape.size() >= 2)
    shape.push_back(lv.rows);
  if (r.shape.size() >= 2)
    shape.push_back(rv.cols);
  Tensor out(op.getType().getElementType(), shape);
  if (out.numElements() == 0)
    return out;
  if (out.isComplex())
    multiply<std::complex<double>>(l, lv, r, rv, batch, out);
  else if (isIntegerLike(out.elementType))
    multiply<int64_t>(l, lv, r, rv, batch, out);
  else
    multiply<double>(l, lv, r, rv, batch, out);
  return out;
}

FailureOr<Tensor> evalSolve(tg::SolveOp op, Operands in) {
  const Tensor &a = *in[0], &b = *in[1];
  size_t rank = a.shape.size();
  int64_t n = a.shape[rank - 1];
  if (rank < 2 || a.shape[rank - 2] != n)
    return op.emitError("matrix ") << a.shapeStr() << " is not square";
  bool vector = b.shape.size() == rank - 1;
  if ((!vector && b.shape.size() != rank) || b.shape[rank - 2] != n ||
      !std::equal(a.shape.begin(), a.shape.end() - 2, b.shape.begin()))
    return op.emitError("right-hand side ")
           << b.shapeStr() << " does not match the matrix " << a.shapeStr();
  int64_t k = vector ? 1 : b.shape.back();
  int64_t batches = 1;
  for (size_t d = 0; d + 2 < rank; ++d)
    batches *= a.shape[d];
  std::vector<double> x = b.data;
  // Each system on its own: elimination with partial pivoting (the largest
  // |pivot| in the column, the first one on ties), then back substitution.
  for (int64_t at = 0; at < batches; ++at) {
    std::vector<double> m(a.data.begin() + at * n * n,
                          a.data.begin() + (at + 1) * n * n);
    double *y = x.data() + at * n * k;
    for (int64_t c = 0; c < n; ++c) {
      int64_t pivot = c;
      for (int64_t i = c + 1; i < n; ++i)
        if (std::fabs(m[i * n + c]) > std::fabs(m[pivot * n + c]))
          pivot = i;
      if (m[pivot * n + c] == 0)
        return op.emitError("matrix is singular");
      if (pivot != c) {
        for (int64_t j = 0; j < n; ++j)
          std::swap(m[c * n + j], m[pivot * n + j]);
        for (int64_t j = 0; j < k; ++j)
          std::swap(y[c * k + j], y[pivot * k + j]);
      }
      for (int64_t i = c + 1; i < n; ++i) {
        double f = m[i * n + c] / m[c * n + c];
        if (f == 0)
          continue;
        for (int64_t j = c; j < n; ++j)
          m[i * n + j] -= f * m[c * n + j];
        for (int64_t j = 0; j < k; ++j)
          y[i * k + j] -= f * y[c * k + j];
      }
    }
    for (int64_t i = n - 1; i >= 0; --i)
      for (int64_t j = 0; j < k; ++j) {
        double s = y[i * k + j];
        for (int64_t p = i + 1; p < n; ++p)
          s -= m[i * n + p] * y[p * k + j];
        y[i * k + j] = s / m[i * n + i];
      }
  }
  return Tensor(op.getType().getElementType(), b.shape, std::move(x));
}

} // namespace

FamilyResult evalLinalg(Operation *op, Operands in) {
  return llvm::TypeSwitch<Operation *, FamilyResult>(op)
      .Case([&](tg::MatmulOp op) { return evalMatmul(op, in); })
      .Case([&](tg::SolveOp op) { return evalSolve(op, in); })
      .Default([](Operation *) { return std::nullopt; });
}

} // namespace tessera::reference::detail
