// The symbolic extents of slices (DimForms.cpp) against the extents counted
// directly: for every N where a slice's range is not negative, the form's
// value floor((sign * N + rest) / divisor) + offset is the number of
// indices lo, lo + step, ... below hi.
#include "SemaTypes.h"

#include <gtest/gtest.h>

#include <functional>
#include <optional>

using namespace tessera;

namespace {

int64_t valueAt(const sema::Dim &d, int64_t n) {
  if (auto *c = std::get_if<int64_t>(&d))
    return *c;
  auto f = sema::parseDimForm(std::get<std::string>(d));
  EXPECT_TRUE(f) << std::get<std::string>(d);
  if (!f)
    return -1;
  int64_t top = f->sign * n + f->rest;
  int64_t q = top / f->divisor;
  if (q * f->divisor > top)
    --q;
  return q + f->offset;
}

// Indices from lo up to hi, step apart.
int64_t counted(int64_t lo, int64_t hi, int64_t step) {
  int64_t k = 0;
  for (int64_t i = lo; i < hi; i += step)
    ++k;
  return k;
}

// Every slice x[lo:hi:step] of a dim `base` whose extent is baseCount(N),
// with lo from the start and hi from the end (or left out, the end), or
// the other way round.
void checkSlices(const sema::Dim &base,
                 const std::function<int64_t(int64_t)> &baseCount) {
  for (int64_t lo : {-5, -3, -1, 0, 1, 2, 4})
    for (std::optional<int64_t> hi :
         {std::optional<int64_t>(), std::optional<int64_t>(-4),
          std::optional<int64_t>(-1), std::optional<int64_t>(0),
          std::optional<int64_t>(1), std::optional<int64_t>(3),
          std::optional<int64_t>(6)})
      for (int64_t step : {1, 2, 3, 5}) {
        bool loEnd = lo < 0, hiEnd = !hi || *hi < 0;
        int64_t hiAt = hi.value_or(0);
        if (loEnd == hiEnd)
          continue;
        sema::Dim span = loEnd ? sema::dimPlus(sema::dimNegate(base), hiAt - lo)
                               : sema::dimPlus(base, hiAt - lo);
        sema::Dim extent = sema::dimCeilDiv(span, step);
        for (int64_t n = 0; n < 60; ++n) {
          int64_t size = baseCount(n);
          if (size < 0)
            continue; // no such base
          int64_t from = loEnd ? size + lo : lo,
                  to = hiEnd ? size + hiAt : hiAt;
          if (from < 0 || to > size || to < from)
            continue; // the entry's checks refuse it
          EXPECT_EQ(valueAt(extent, n), counted(from, to, step))
              << "[" << lo << ":" << (hi ? std::to_string(*hi) : "") << ":"
              << step << "] of " << sema::dimStr(base) << " with N = " << n
              << ": " << sema::dimStr(extent);
        }
      }
}

} // namespace

TEST(DimForms, SlicesOfOneDim) {
  checkSlices(std::string("N"), [](int64_t n) { return n; });
}

// Slices of x[::2], x[1::3] and x[-3:2]: the forms of quotients and of
// negated dims sliced again.
TEST(DimForms, SlicesOfSlices) {
  checkSlices(sema::dimCeilDiv(std::string("N"), 2),
              [](int64_t n) { return counted(0, n, 2); });
  checkSlices(sema::dimCeilDiv(sema::dimPlus(std::string("N"), -1), 3),
              [](int64_t n) { return counted(1, n, 3); });
  checkSlices(sema::dimPlus(sema::dimNegate(std::string("N")), 5),
              [](int64_t n) { return n >= 3 && n <= 5 ? 5 - n : -1; });
}

TEST(DimForms, QuotientsOfQuotientsAreOne) {
  // x[::2][1::3] and x[::4][::2] of N, counted on the indices themselves.
  sema::Dim half = sema::dimCeilDiv(std::string("N"), 2);
  sema::Dim a = sema::dimCeilDiv(sema::dimPlus(half, -1), 3);
  sema::Dim b = sema::dimCeilDiv(sema::dimCeilDiv(std::string("N"), 4), 2);
  EXPECT_EQ(sema::dimStr(b), "(N+7)/8");
  EXPECT_EQ(sema::dimStr(sema::dimCeilDiv(half, 2)),
            sema::dimStr(sema::dimCeilDiv(std::string("N"), 4)));
  for (int64_t size = 1; size < 60; ++size) {
    int64_t evens = counted(0, size, 2);
    EXPECT_EQ(valueAt(a, size), counted(1, evens, 3)) << size;
    EXPECT_EQ(valueAt(b, size), counted(0, counted(0, size, 4), 2)) << size;
  }
}

TEST(DimForms, TextsParseBack) {
  for (const char *text :
       {"N", "N-1", "-N+5", "N/2", "(N+1)/2-1", "(-N)/2+4", "(-N+1)/3"}) {
    auto f = sema::parseDimForm(text);
    ASSERT_TRUE(f) << text;
    EXPECT_EQ(sema::dimStr(sema::dimFromForm(*f)), text);
  }
  EXPECT_FALSE(sema::parseDimForm("?"));
  EXPECT_FALSE(sema::parseDimForm("N/0"));
  EXPECT_EQ(sema::dimStr(sema::dimCeilDiv(std::string("?"), 2)), "?");
}
