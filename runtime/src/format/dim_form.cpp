// Extents computed from one symbolic dim (dim_form.hpp). The family holds
// every slice extent with constant bounds and step (x[1:] is N-1, x[-3:2]
// is -N+5, x[::2] is (N+1)/2, x[1::2] is N/2) and is closed under adding a
// number, negating and dividing rounding up, so a slice of a slice stays in
// it (the checker's DimForms.cpp). Each member has one text, so equal
// extents compare equal as dims.
#include "tessera/dim_form.hpp"

#include <algorithm>
#include <cctype>

namespace tessera::tbin {

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

// At most 18 digits: the value fits in int64_t.
std::optional<int64_t> number(const std::string &digits) {
  if (digits.empty() || digits.size() > 18 ||
      digits.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoll(digits);
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

std::optional<int64_t> DimForm::at(int64_t n) const {
  int64_t top, value;
  if (__builtin_mul_overflow(sign, n, &top) ||
      __builtin_add_overflow(top, rest, &top) || divisor < 1 ||
      __builtin_add_overflow(floorDiv(top, divisor), offset, &value))
    return std::nullopt;
  return value;
}

std::pair<std::string, int64_t> splitDimOffset(const std::string &text) {
  size_t at = text.find_last_of("+-");
  if (at == std::string::npos || at == 0)
    return {text, 0};
  std::optional<int64_t> k = number(text.substr(at + 1));
  if (!k)
    return {text, 0};
  return {text.substr(0, at), text[at] == '-' ? -*k : *k};
}

std::optional<DimForm> parseDimForm(const std::string &text) {
  auto [base, offset] = splitDimOffset(text);
  DimForm f;
  f.offset = offset;
  size_t slash = base.rfind('/');
  std::string numerator = base;
  if (slash != std::string::npos) {
    std::optional<int64_t> divisor = number(base.substr(slash + 1));
    if (!divisor || *divisor < 1)
      return std::nullopt;
    f.divisor = *divisor;
    numerator = base.substr(0, slash);
    if (numerator.size() > 2 && numerator.front() == '(' &&
        numerator.back() == ')') {
      auto [symbol, rest] =
          splitDimOffset(numerator.substr(1, numerator.size() - 2));
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

std::string formatDimForm(const DimForm &form) {
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
  if (f.offset != 0)
    text += (f.offset < 0 ? "-" : "+") +
            std::to_string(f.offset < 0 ? -f.offset : f.offset);
  return text;
}

} // namespace tessera::tbin
