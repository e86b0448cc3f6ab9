// Discrete Fourier transforms along the last dim, by the defining sums in
// double (O(n^2) per row: a reference, not a fast transform). Twiddles are
// taken at (j * k) mod n so that large products lose no accuracy.
#include "Internal.h"

#include "tessera/Dialect/TGraph/TGraph.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <complex>

using namespace mlir;
namespace tg = tessera::tgraph;

namespace tessera::reference::detail {
namespace {

using Complex = std::complex<double>;

// e^{sign * 2 pi i * m / n}.
Complex twiddle(int64_t m, int64_t n, int sign) {
  double angle =
      sign * 2.0 * M_PI * static_cast<double>(m % n) / static_cast<double>(n);
  return {std::cos(angle), std::sin(angle)};
}

// y[k] = scale * sum_j x[j] e^{sign 2 pi i jk/n}, for each row.
FailureOr<Tensor> evalComplexFFT(Operation *op, const Tensor &x, bool inverse) {
  Tensor out = x;
  int64_t n = x.shape.back();
  if (n == 0)
    return out;
  int64_t rows = x.numElements() / n;
  double scale = inverse ? 1.0 / static_cast<double>(n) : 1.0;
  int sign = inverse ? 1 : -1;
  for (int64_t r = 0; r < rows; ++r) {
    const double *in = x.data.data() + 2 * r * n;
    for (int64_t k = 0; k < n; ++k) {
      Complex s = 0;
      for (int64_t j = 0; j < n; ++j)
        s += Complex(in[2 * j], in[2 * j + 1]) * twiddle(j * k, n, sign);
      out.data[2 * (r * n + k)] = s.real() * scale;
      out.data[2 * (r * n + k) + 1] = s.imag() * scale;
    }
  }
  return out;
}

FailureOr<Tensor> evalRFFT(tg::RFFTOp op, const Tensor &x) {
  int64_t n = x.shape.back(), m = n / 2 + 1;
  std::vector<int64_t> shape = x.shape;
  shape.back() = m;
  Tensor out(op.getType().getElementType(), shape);
  int64_t rows = n ? x.numElements() / n : out.numElements() / m;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t k = 0; k < m; ++k) {
      Complex s = 0;
      for (int64_t j = 0; j < n; ++j)
        s += x.data[r * n + j] * twiddle(j * k, n, -1);
      out.data[2 * (r * m + k)] = s.real();
      out.data[2 * (r * m + k) + 1] = s.imag();
    }
  return out;
}

// x[t] = 1/n sum_{k<n} X[k] e^{2 pi i kt/n}, the X[k] for k > n/2 being the
// conjugates of X[n-k]; the imaginary parts of X[0] and (n even) X[n/2] do
// not contribute, as in numpy.fft.irfft.
FailureOr<Tensor> evalIRFFT(tg::IRFFTOp op, const Tensor &x) {
  int64_t n = op.getN(), m = x.shape.back();
  if (m != n / 2 + 1)
    return op.emitError("operand's last dim ")
           << m << " does not match n / 2 + 1 = " << n / 2 + 1;
  std::vector<int64_t> shape = x.shape;
  shape.back() = n;
  Tensor out(op.getType().getElementType(), shape);
  int64_t rows = out.numElements() / n;
  for (int64_t r = 0; r < rows; ++r) {
    const double *in = x.data.data() + 2 * r * m;
    for (int64_t t = 0; t < n; ++t) {
      double s = in[0];
      for (int64_t k = 1; k < m; ++k) {
        Complex w = twiddle(k * t, n, 1);
        double term = in[2 * k] * w.real() - in[2 * k + 1] * w.imag();
        bool nyquist = n % 2 == 0 && k == n / 2;
        s += nyquist ? in[2 * k] * w.real() : 2 * term;
      }
      out.data[r * n + t] = s / static_cast<double>(n);
    }
  }
  return out;
}

} // namespace

FamilyResult evalFourier(Operation *op, Operands in) {
  return llvm::TypeSwitch<Operation *, FamilyResult>(op)
      .Case([&](tg::FFTOp op) { return evalComplexFFT(op, *in[0], false); })
      .Case([&](tg::IFFTOp op) { return evalComplexFFT(op, *in[0], true); })
      .Case([&](tg::RFFTOp op) { return evalRFFT(op, *in[0]); })
      .Case([&](tg::IRFFTOp op) { return evalIRFFT(op, *in[0]); })
      .Default([](Operation *) { return std::nullopt; });
}

} // namespace tessera::reference::detail
