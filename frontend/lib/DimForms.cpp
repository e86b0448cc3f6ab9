// Symbolic extents computed from one dim, such as a slice's over a dim N:
// floor((sign * N + rest) / divisor) + offset. The family holds every
// slice extent with constant bounds and step (x[1:] is N-1, x[-3:2] is
// -N+5, x[::2] is (N+1)/2, x[1::2] is N/2) and is closed under adding a
// number, negating and dividing rounding up, so a slice of a slice stays in
// it. Each member has one text, so equal extents compare equal as dims.
#include "SemaTypes.h"

#include <algorithm>
#include <cctype>

namespace tessera::sema {

namespace {

// floor(a / b) for b > 0, whatever the sign of a.
int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return q * b > a ? q - 1 : q;
}

bool isIdentifier(const std::string &s) {
  if (s.empty() ||
      !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_'))
    return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

// The one form of each member: 0 <= rest < divisor (rest 0 when the
// divisor is 1), the multiples of the divisor moved into the offset.
DimForm normalised(DimForm f) {
  int64_t whole = floorDiv(f.rest, f.divisor);
  f.rest -= whole * f.divisor;
  f.offset += whole;
  return f;
}

} // namespace

std::optional<DimForm> parseDimForm(const std::string &d) {
  auto [base, offset] = splitDimOffset(d);
  DimForm f;
  f.offset = offset;
  size_t slash = base.rfind('/');
  std::string numerator = base;
  if (slash != std::string::npos) {
    std::string digits = base.substr(slash + 1);
    if (digits.empty() || digits.size() > 18 ||
        digits.find_first_not_of("0123456789") != std::string::npos)
      return std::nullopt;
    f.divisor = std::stoll(digits);
    numerator = base.substr(0, slash);
    if (f.divisor < 1)
      return std::nullopt;
    if (numerator.size() > 2 && numerator.front() == '(' &&
        numerator.back() == ')') {
      numerator = numerator.substr(1, numerator.size() - 2);
      auto [symbol, rest] = splitDimOffset(numerator);
      numerator = symbol;
      f.rest = rest;
    }
  }
  if (!numerator.empty() && numerator[0] == '-') {
    f.sign = -1;
    numerator = numerator.substr(1);
  }
  if (!isIdentifier(numerator))
    return std::nullopt;
  f.symbol = numerator;
  return normalised(f);
}

Dim dimFromForm(const DimForm &form) {
  DimForm f = normalised(form);
  std::string numerator = (f.sign < 0 ? "-" : "") + f.symbol;
  std::string text = numerator;
  if (f.divisor > 1) {
    bool bare = f.sign > 0 && f.rest == 0;
    if (f.rest != 0)
      numerator += "+" + std::to_string(f.rest);
    text = (bare ? numerator : "(" + numerator + ")") + "/" +
           std::to_string(f.divisor);
  }
  return dimPlus(text, f.offset);
}

// -(floor(y / d) + q) = floor((-y + d - 1) / d) - q.
Dim dimNegate(const Dim &d) {
  if (auto *n = std::get_if<int64_t>(&d))
    return -*n;
  auto f = parseDimForm(std::get<std::string>(d));
  if (!f)
    return std::string("?");
  return dimFromForm(
      {f->symbol, -f->sign, f->divisor - 1 - f->rest, f->divisor, -f->offset});
}

// ceil((floor(y / d) + q) / t) = floor((y + d * (q + t - 1)) / (d * t)).
// Unknown (`?`) where the numbers overflow.
Dim dimCeilDiv(const Dim &d, int64_t t) {
  if (t == 1)
    return d;
  int64_t top, rest, divisor;
  if (auto *n = std::get_if<int64_t>(&d)) {
    if (t < 1 || __builtin_add_overflow(*n, t - 1, &top))
      return std::string("?");
    return floorDiv(top, t);
  }
  auto f = parseDimForm(std::get<std::string>(d));
  if (!f || t < 1 || __builtin_add_overflow(f->offset, t - 1, &top) ||
      __builtin_mul_overflow(f->divisor, top, &rest) ||
      __builtin_add_overflow(rest, f->rest, &rest) ||
      __builtin_mul_overflow(f->divisor, t, &divisor))
    return std::string("?");
  return dimFromForm({f->symbol, f->sign, rest, divisor, 0});
}

} // namespace tessera::sema
