// The text of an extent computed from symbolic dims, as .tsr types and
// .tessera.meta signatures write it. A form is one of
//   - a sum: dims with integer coefficients plus a number,
//     c1*S1 + ... + ck*Sk + offset, written `N`, `N-1`, `-N+5`, `M+N`,
//     `M+N-1`, `2*N`, `-M-N+5`, `2*M-N+3`;
//   - a quotient of one dim rounded down, plus a number,
//     floor((sign * N + rest) / divisor) + offset with sign +1 or -1,
//     written `N/2`, `(N+1)/2-1`, `(-N+1)/2`, `(-N)/2+3`.
// A slice's extent over a dim known only at run time is one (x[1:] of x:
// f32[N] is f32[N-1]), and so is a concat's or a pad's (M+N, N+3); an
// entry may return one, and the runtime sizes the output from the dims.
//
// Normal form, so that equal extents have one text: the dims sorted by
// name (byte order), each once, none with coefficient 0; a coefficient 1
// or -1 is written as a sign (`N`, `-N`), another as `2*N`, `-3*N`; the
// number comes last, and 0 is left out. A quotient has 0 <= rest <
// divisor (the multiples of the divisor move into the offset: (N+5)/2 is
// (N+1)/2+2) and a divisor of 2 or more (N/1 is N); its numerator is
// bare when it is the dim alone (`N/2`), parenthesised otherwise.
//
// Division: a sum divided by a positive number d, rounding down, is in the
// family where it reduces to one of the two kinds: with g the greatest
// common divisor of d and the coefficients, floor((g*X + r) / (g*D)) =
// floor((X + floor(r/g)) / D), a sum where D is 1 ((2*N+1)/2 is N) and a
// quotient where X is one dim with coefficient 1 or -1 ((2*N)/4 is N/2). A
// quotient of several dims ((M+N)/2), of a multiple of a dim ((3*N)/2) or
// a quotient added to another dim (N/2+M) is not: the parser refuses it
// (DimFormRefusal::Quotient) and the compiler says so where an extent
// would be one. A quotient of a quotient is one quotient: floor((floor(y /
// e) + q) / d) = floor((y + q*e) / (e*d)).
//
// Numbers in a text have at most 18 digits, and arithmetic that leaves
// int64_t gives nullopt. Depends on nothing but the standard library: the
// compiler and the runtime both read it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tessera::tbin {

struct DimTerm {
  std::string symbol;
  int64_t coefficient = 1;

  bool operator==(const DimTerm &o) const {
    return symbol == o.symbol && coefficient == o.coefficient;
  }
};

// floor((sum of coefficient * symbol + rest) / divisor) + offset, in the
// normal form above (rest is 0 where divisor is 1). No terms: a number,
// which the arithmetic below uses and no text is.
struct DimForm {
  std::vector<DimTerm> terms;
  int64_t rest = 0;
  int64_t divisor = 1;
  int64_t offset = 0;

  static DimForm number(int64_t n);
  static DimForm dim(const std::string &symbol);

  bool isNumber() const { return terms.empty(); }
  // A dim alone: `N`.
  bool isDim() const;
  bool isQuotient() const { return divisor > 1; }
  // The dims, sorted.
  std::vector<std::string> symbols() const;

  // The extent for the dims' values (`value` gives nullopt for a dim it
  // does not know); nullopt where a value is missing or the arithmetic
  // overflows.
  std::optional<int64_t>
  at(const std::function<std::optional<int64_t>(const std::string &)> &value)
      const;
  // The same for a form of one dim whose value is `n`.
  std::optional<int64_t> at(int64_t n) const;

  bool operator==(const DimForm &o) const {
    return terms == o.terms && rest == o.rest && divisor == o.divisor &&
           offset == o.offset;
  }
};

// The arithmetic the family is closed under; nullopt where the result is
// not in it (a quotient added to a dim, scaled by other than -1, 0 or 1,
// or a division that does not reduce, as above) or a number overflows.
std::optional<DimForm> addDimForms(const DimForm &a, const DimForm &b);
std::optional<DimForm> scaleDimForm(const DimForm &f, int64_t c);
// floor(f / d) for d >= 1.
std::optional<DimForm> floorDivDimForm(const DimForm &f, int64_t d);

// Why a text is not a form.
enum class DimFormRefusal {
  // Not the syntax below, a number alone, a divisor below 1, a number of
  // more than 18 digits, or arithmetic that overflows.
  NotAnExtent,
  // A division that is outside the family: `(M+N)/2`, `N/2+M`, `(3*N)/2`.
  Quotient,
};

// The form a text writes, in its normal form; nullopt for any other text
// (`?`, a number, `B*T`), with the reason in `why` if given. The syntax
// (grammar/Tessera.g4's dimForm, spaces removed): a sum of terms joined
// by `+` and `-`, the first of which may have a `-`; a term is a number, a
// dim, `INT*DIM`, `DIM/INT`, or `(SUM)/INT` where SUM is such a sum of
// numbers, dims and `INT*DIM`. A dim alone (`N`) is a form.
std::optional<DimForm> parseDimForm(const std::string &text,
                                    DimFormRefusal *why = nullptr);

// The one text of a form (a number's digits for a number).
std::string formatDimForm(const DimForm &form);

} // namespace tessera::tbin
