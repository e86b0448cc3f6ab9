// Extents divided rounding down, such as a strided slice's: x[::2] of
// x: f32[N] takes ceil(N / 2) = floor((N + 1) / 2) elements. A quotient
// that does not reduce to a polynomial is one symbol, "(N+1)/2", written in
// one form so that equal quotients are the same symbol: the multiples of
// the divisor come out of the numerator (floor((2N + 3) / 2) is
// N + 1 + floor(1 / 2) = N + 1), and a quotient of a quotient is one
// quotient (floor((floor((N + 1) / 2) + 1) / 2) is floor((N + 3) / 4)).
#include "tessera/Conversion/SymbolicShape.h"

using namespace mlir;

namespace tessera {

static int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return q * b > a ? q - 1 : q;
}

std::optional<SymbolicDim> SymbolicDim::floorDivBy(int64_t d) const {
  if (d <= 0)
    return std::nullopt;
  if (d == 1)
    return *this;
  // floor((d * W + R) / d) = W + floor(R / d) for a polynomial W, which is
  // a whole number: each coefficient splits into its multiple of d and a
  // remainder in [0, d).
  SymbolicDim whole, rest;
  for (const auto &[syms, c] : termMap) {
    int64_t q = floorDiv(c, d);
    whole.termMap[syms] = q;
    rest.termMap[syms] = c - q * d;
  }
  whole.normalise();
  rest.normalise();
  if (rest.asConstant()) // in [0, d): nothing more
    return whole;
  // floor((floor(P / e) + k) / d) = floor((P + k * e) / (e * d)).
  std::optional<int64_t> k = 0;
  const std::vector<std::string> *single = nullptr;
  for (const auto &[syms, c] : rest.termMap) {
    if (syms.empty())
      k = c;
    else if (!single && c == 1 && syms.size() == 1)
      single = &syms;
    else
      k = std::nullopt;
  }
  if (single && k)
    if (auto inner = quotient(single->front())) {
      int64_t scaled, divisor;
      if (!__builtin_mul_overflow(*k, inner->second, &scaled) &&
          !__builtin_mul_overflow(inner->second, d, &divisor))
        if (auto q = (inner->first + constant(scaled)).floorDivBy(divisor))
          return whole + *q;
    }
  // One symbol: `N/2` for a bare dim, `(N+1)/2` for anything else.
  std::string numerator = rest.str();
  bool bare = single && rest.termMap.size() == 1 &&
              numerator.find_first_of("+-*/()") == std::string::npos;
  return whole + symbol((bare ? numerator : "(" + numerator + ")") + "/" +
                        std::to_string(d));
}

std::optional<std::pair<SymbolicDim, int64_t>>
SymbolicDim::quotient(StringRef name) {
  size_t slash = name.rfind('/');
  int64_t d;
  if (slash == StringRef::npos || name.substr(slash + 1).getAsInteger(10, d) ||
      d <= 0)
    return std::nullopt;
  StringRef numerator = name.substr(0, slash);
  if (numerator.starts_with("(") && numerator.ends_with(")"))
    numerator = numerator.drop_front().drop_back();
  auto p = parse(numerator);
  if (!p)
    return std::nullopt;
  return std::make_pair(*p, d);
}

} // namespace tessera
