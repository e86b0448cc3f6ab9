// The text of an extent computed from one symbolic dim, as .tsr types and
// .tessera.meta signatures write it: floor((sign * N + rest) / divisor) +
// offset, written `N`, `N-1`, `-N+5`, `N/2`, `(N+1)/2-1`, `(-N+1)/2`. A
// slice's extent over a dim known only at run time is one (x[1:] of x:
// f32[N] is f32[N-1]); an entry may return it, and the runtime sizes the
// output from the dim. Depends on nothing but the standard library: the
// compiler and the runtime both read it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace tessera::tbin {

struct DimForm {
  std::string symbol;
  int64_t sign = 1;
  int64_t rest = 0;
  int64_t divisor = 1;
  int64_t offset = 0;

  // The extent for `n`, the symbol's value; nullopt where the arithmetic
  // overflows.
  std::optional<int64_t> at(int64_t n) const;
};

// Splits `N-2` into `N` and -2 (`N` into `N` and 0): the constant term
// after the last `+` or `-` that is followed by digits alone.
std::pair<std::string, int64_t> splitDimOffset(const std::string &text);

// The form a text writes, in its one normal form (0 <= rest < divisor);
// nullopt for any other text (`?`, a number, a plain symbol is `N`).
std::optional<DimForm> parseDimForm(const std::string &text);

// The one text of a form (normalised first).
std::string formatDimForm(const DimForm &form);

} // namespace tessera::tbin
