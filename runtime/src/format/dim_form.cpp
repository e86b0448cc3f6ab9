// Extents computed from symbolic dims (dim_form.hpp): sums of dims with
// integer coefficients, and quotients of one dim. The family holds every
// slice extent with constant bounds and step over a dim (x[1:] is N-1,
// x[-3:2] is -N+5, x[::2] is (N+1)/2), the extents of concat and pad (M+N,
// N+3), and is closed under adding, negating and the divisions that
// reduce, so that a slice of a slice stays in it (the checker's
// DimForms.cpp). Each member has one text, so equal extents compare equal
// as dims.
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

// The decimal digits of |v|, INT64_MIN included.
std::string magnitude(int64_t v) {
  uint64_t m = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  return std::to_string(m);
}

uint64_t gcd(uint64_t a, uint64_t b) {
  while (b != 0) {
    uint64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

// A failure of the arithmetic below: why, for parseDimForm.
struct Refused {
  DimFormRefusal why;
};

using Result = std::optional<DimForm>;

// The normal form of `f`, or nullopt with `why` set: the terms sorted and
// merged, the division reduced by the common divisor of the divisor and
// the coefficients, the rest moved into the offset past the divisor.
Result normalise(DimForm f, DimFormRefusal &why) {
  why = DimFormRefusal::NotAnExtent;
  std::sort(
      f.terms.begin(), f.terms.end(),
      [](const DimTerm &a, const DimTerm &b) { return a.symbol < b.symbol; });
  std::vector<DimTerm> merged;
  for (const DimTerm &t : f.terms) {
    if (!merged.empty() && merged.back().symbol == t.symbol) {
      if (__builtin_add_overflow(merged.back().coefficient, t.coefficient,
                                 &merged.back().coefficient))
        return std::nullopt;
    } else {
      merged.push_back(t);
    }
  }
  merged.erase(
      std::remove_if(merged.begin(), merged.end(),
                     [](const DimTerm &t) { return t.coefficient == 0; }),
      merged.end());
  // INT64_MIN has no magnitude to divide or negate: counted as overflow.
  for (const DimTerm &t : merged)
    if (t.coefficient == INT64_MIN)
      return std::nullopt;
  f.terms = std::move(merged);
  if (f.divisor < 1)
    return std::nullopt;
  if (f.divisor > 1) {
    uint64_t g = static_cast<uint64_t>(f.divisor);
    for (const DimTerm &t : f.terms)
      g = gcd(g, static_cast<uint64_t>(t.coefficient < 0 ? -t.coefficient
                                                         : t.coefficient));
    // floor((g*X + r) / (g*D)) = floor((X + floor(r/g)) / D); with no dims,
    // g is the divisor and the quotient a number.
    int64_t gi = static_cast<int64_t>(g);
    for (DimTerm &t : f.terms)
      t.coefficient /= gi;
    f.rest = floorDiv(f.rest, gi);
    f.divisor /= gi;
  }
  if (f.divisor > 1) {
    if (f.terms.size() != 1 ||
        (f.terms[0].coefficient != 1 && f.terms[0].coefficient != -1)) {
      why = DimFormRefusal::Quotient;
      return std::nullopt;
    }
    // The rest modulo the divisor, without forming whole * divisor, which
    // can leave int64_t for a rest near its least value.
    int64_t whole = floorDiv(f.rest, f.divisor);
    f.rest %= f.divisor;
    if (f.rest < 0)
      f.rest += f.divisor;
    if (__builtin_add_overflow(f.offset, whole, &f.offset))
      return std::nullopt;
    return f;
  }
  if (__builtin_add_overflow(f.offset, f.rest, &f.offset))
    return std::nullopt;
  f.rest = 0;
  return f;
}

Result add(const DimForm &a, const DimForm &b, DimFormRefusal &why) {
  why = DimFormRefusal::NotAnExtent;
  if (!a.isNumber() && !b.isNumber() && (a.isQuotient() || b.isQuotient())) {
    why = DimFormRefusal::Quotient;
    return std::nullopt;
  }
  DimForm r = a.isNumber() ? b : a;
  const DimForm &o = a.isNumber() ? a : b;
  if (__builtin_add_overflow(r.offset, o.offset, &r.offset))
    return std::nullopt;
  if (!a.isNumber() && !b.isNumber())
    r.terms.insert(r.terms.end(), b.terms.begin(), b.terms.end());
  return normalise(r, why);
}

Result scale(const DimForm &f, int64_t c, DimFormRefusal &why) {
  why = DimFormRefusal::NotAnExtent;
  if (c == 0)
    return DimForm::number(0);
  if (c == 1)
    return f;
  DimForm r = f;
  if (f.isQuotient()) {
    if (c != -1) {
      why = DimFormRefusal::Quotient;
      return std::nullopt;
    }
    // -(floor(y / d) + q) = floor((-y + d - 1) / d) - q.
    r.terms[0].coefficient = -r.terms[0].coefficient;
    r.rest = f.divisor - 1 - f.rest;
    if (__builtin_mul_overflow(f.offset, -1, &r.offset))
      return std::nullopt;
    return normalise(r, why);
  }
  for (DimTerm &t : r.terms)
    if (__builtin_mul_overflow(t.coefficient, c, &t.coefficient))
      return std::nullopt;
  if (__builtin_mul_overflow(f.offset, c, &r.offset))
    return std::nullopt;
  return normalise(r, why);
}

Result floorDivide(const DimForm &f, int64_t d, DimFormRefusal &why) {
  why = DimFormRefusal::NotAnExtent;
  if (d < 1)
    return std::nullopt;
  DimForm r = f;
  if (!f.isQuotient()) {
    r.rest = f.offset;
    r.offset = 0;
    r.divisor = d;
    return normalise(r, why);
  }
  // floor((floor(y / e) + q) / d) = floor((y + q*e) / (e*d)).
  int64_t scaled;
  if (__builtin_mul_overflow(f.offset, f.divisor, &scaled) ||
      __builtin_add_overflow(f.rest, scaled, &r.rest) ||
      __builtin_mul_overflow(f.divisor, d, &r.divisor))
    return std::nullopt;
  r.offset = 0;
  return normalise(r, why);
}

// Reads the syntax of parseDimForm, computing as it goes.
class Reader {
public:
  explicit Reader(const std::string &text) : s(text) {}

  // ['-'] term (('+' | '-') term)*; quotients only where `quotients`.
  Result sum(bool quotients, DimFormRefusal &why) {
    DimForm total = DimForm::number(0);
    int64_t sign = eat('-') ? -1 : 1;
    for (;;) {
      Result t = term(quotients, why);
      if (t)
        t = scale(*t, sign, why);
      if (!t)
        return std::nullopt;
      Result next = add(total, *t, why);
      if (!next)
        return std::nullopt;
      total = *next;
      if (eat('+'))
        sign = 1;
      else if (eat('-'))
        sign = -1;
      else
        return total;
    }
  }

  bool atEnd() const { return i == s.size(); }

private:
  // INT | INT '*' IDENT | IDENT, and where quotients are allowed IDENT '/'
  // INT | '(' sum ')' '/' INT.
  Result term(bool quotients, DimFormRefusal &why) {
    why = DimFormRefusal::NotAnExtent;
    if (quotients && eat('(')) {
      Result inner = sum(false, why);
      if (!inner)
        return std::nullopt;
      std::optional<int64_t> d;
      if (!eat(')') || !eat('/') || !(d = integer())) {
        why = DimFormRefusal::NotAnExtent;
        return std::nullopt;
      }
      return floorDivide(*inner, *d, why);
    }
    if (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      std::optional<int64_t> n = integer();
      if (!n)
        return std::nullopt;
      if (!eat('*'))
        return DimForm::number(*n);
      std::optional<std::string> symbol = identifier();
      if (!symbol)
        return std::nullopt;
      return scale(DimForm::dim(*symbol), *n, why);
    }
    std::optional<std::string> symbol = identifier();
    if (!symbol)
      return std::nullopt;
    if (!quotients || !eat('/'))
      return DimForm::dim(*symbol);
    std::optional<int64_t> d = integer();
    if (!d)
      return std::nullopt;
    return floorDivide(DimForm::dim(*symbol), *d, why);
  }

  bool eat(char c) {
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }

  // At most 18 digits: the value fits in int64_t.
  std::optional<int64_t> integer() {
    size_t begin = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
      ++i;
    if (i == begin || i - begin > 18)
      return std::nullopt;
    return std::stoll(s.substr(begin, i - begin));
  }

  std::optional<std::string> identifier() {
    size_t begin = i;
    if (i >= s.size() ||
        !(std::isalpha(static_cast<unsigned char>(s[i])) || s[i] == '_'))
      return std::nullopt;
    while (i < s.size() &&
           (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_'))
      ++i;
    return s.substr(begin, i - begin);
  }

  const std::string &s;
  size_t i = 0;
};

// `2*N`, `-M`, joined with signs: the sum of the terms and `constant`.
std::string sumText(const std::vector<DimTerm> &terms, int64_t constant) {
  std::string text;
  for (const DimTerm &t : terms) {
    if (t.coefficient < 0)
      text += "-";
    else if (!text.empty())
      text += "+";
    if (t.coefficient != 1 && t.coefficient != -1)
      text += magnitude(t.coefficient) + "*";
    text += t.symbol;
  }
  if (constant != 0 || text.empty())
    text += (constant < 0   ? "-"
             : text.empty() ? ""
                            : "+") +
            magnitude(constant);
  return text;
}

} // namespace

DimForm DimForm::number(int64_t n) {
  DimForm f;
  f.offset = n;
  return f;
}

DimForm DimForm::dim(const std::string &symbol) {
  DimForm f;
  f.terms.push_back({symbol, 1});
  return f;
}

bool DimForm::isDim() const {
  return terms.size() == 1 && terms[0].coefficient == 1 && divisor == 1 &&
         rest == 0 && offset == 0;
}

std::vector<std::string> DimForm::symbols() const {
  std::vector<std::string> out;
  for (const DimTerm &t : terms)
    out.push_back(t.symbol);
  return out;
}

std::optional<int64_t> DimForm::at(
    const std::function<std::optional<int64_t>(const std::string &)> &value)
    const {
  int64_t top = rest, result;
  for (const DimTerm &t : terms) {
    std::optional<int64_t> v = value(t.symbol);
    int64_t product;
    if (!v || __builtin_mul_overflow(t.coefficient, *v, &product) ||
        __builtin_add_overflow(top, product, &top))
      return std::nullopt;
  }
  if (divisor < 1 ||
      __builtin_add_overflow(floorDiv(top, divisor), offset, &result))
    return std::nullopt;
  return result;
}

std::optional<int64_t> DimForm::at(int64_t n) const {
  return at([n](const std::string &) { return std::optional<int64_t>(n); });
}

std::optional<DimForm> addDimForms(const DimForm &a, const DimForm &b) {
  DimFormRefusal why;
  return add(a, b, why);
}

std::optional<DimForm> scaleDimForm(const DimForm &f, int64_t c) {
  DimFormRefusal why;
  return scale(f, c, why);
}

std::optional<DimForm> floorDivDimForm(const DimForm &f, int64_t d) {
  DimFormRefusal why;
  return floorDivide(f, d, why);
}

std::optional<DimForm> parseDimForm(const std::string &text,
                                    DimFormRefusal *why) {
  DimFormRefusal reason = DimFormRefusal::NotAnExtent;
  Reader reader(text);
  std::optional<DimForm> f = reader.sum(/*quotients=*/true, reason);
  if (f && (!reader.atEnd() || f->isNumber())) {
    f.reset();
    reason = DimFormRefusal::NotAnExtent;
  }
  if (!f && why)
    *why = reason;
  return f;
}

std::string formatDimForm(const DimForm &form) {
  DimFormRefusal why;
  DimForm f = normalise(form, why).value_or(form);
  int64_t constant;
  if (f.divisor == 1)
    return sumText(f.terms, __builtin_add_overflow(f.offset, f.rest, &constant)
                                ? f.offset
                                : constant);
  bool bare = f.terms.size() == 1 && f.terms[0].coefficient == 1 && f.rest == 0;
  std::string numerator = sumText(f.terms, f.rest);
  std::string text = (bare ? numerator : "(" + numerator + ")") + "/" +
                     std::to_string(f.divisor);
  if (f.offset != 0)
    text += (f.offset < 0 ? "-" : "+") + magnitude(f.offset);
  return text;
}

} // namespace tessera::tbin
