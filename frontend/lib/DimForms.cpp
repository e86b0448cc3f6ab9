// Arithmetic on symbolic extents computed from one dim, such as a slice's
// over a dim N: floor((sign * N + rest) / divisor) + offset (their text is
// the .tbin format's, tessera/dim_form.hpp). Negating and dividing rounding
// up stay in the family, so a slice of a slice has an extent of it.
#include "SemaTypes.h"

namespace tessera::sema {

namespace {

// floor(a / b) for b > 0, whatever the sign of a.
int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return q * b > a ? q - 1 : q;
}

} // namespace

Dim dimFromForm(const DimForm &form) { return tbin::formatDimForm(form); }

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

// f(value): negated for a negative sign, then floor((v + rest) / divisor)
// as ceil((v + rest - divisor + 1) / divisor), then the offset: each step
// stays in the family.
Dim dimApply(const DimForm &f, const Dim &value) {
  if (value == Dim(std::string("?")))
    return value;
  Dim v = f.sign < 0 ? dimNegate(value) : value;
  if (f.divisor > 1)
    v = dimCeilDiv(dimPlus(v, f.rest - f.divisor + 1), f.divisor);
  return dimPlus(v, f.offset);
}

} // namespace tessera::sema
