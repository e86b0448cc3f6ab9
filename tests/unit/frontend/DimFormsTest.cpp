// The symbolic extents of slices, concats and calls (DimForms.cpp)
// against the extents counted directly: for every value of the dims where
// a slice's range is not negative, the form's value floor((sum of
// coefficient * dim + rest) / divisor) + offset is the number of indices
// lo, lo + step, ... below hi.
#include "SemaTypes.h"

#include <gtest/gtest.h>

#include <functional>
#include <optional>

using namespace tessera;

namespace {

// The value of a dim for dims N = n and M = m, computed here from the
// parsed fields.
int64_t valueAt(const sema::Dim &d, int64_t n, int64_t m = 0) {
  if (auto *c = std::get_if<int64_t>(&d))
    return *c;
  auto f = sema::parseDimForm(std::get<std::string>(d));
  EXPECT_TRUE(f) << std::get<std::string>(d);
  if (!f)
    return -1;
  int64_t top = f->rest;
  for (const tbin::DimTerm &t : f->terms) {
    EXPECT_TRUE(t.symbol == "N" || t.symbol == "M") << t.symbol;
    top += t.coefficient * (t.symbol == "N" ? n : m);
  }
  int64_t q = top / f->divisor;
  if (q * f->divisor > top)
    --q;
  return q + f->offset;
}

std::string text(const std::optional<sema::Dim> &d) {
  return d ? sema::dimStr(*d) : "<none>";
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
        std::optional<sema::Dim> quotient = sema::dimCeilDiv(span, step);
        ASSERT_TRUE(quotient) << sema::dimStr(span) << " / " << step;
        sema::Dim extent = *quotient;
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
  checkSlices(*sema::dimCeilDiv(std::string("N"), 2),
              [](int64_t n) { return counted(0, n, 2); });
  checkSlices(*sema::dimCeilDiv(sema::dimPlus(std::string("N"), -1), 3),
              [](int64_t n) { return counted(1, n, 3); });
  checkSlices(sema::dimPlus(sema::dimNegate(std::string("N")), 5),
              [](int64_t n) { return n >= 3 && n <= 5 ? 5 - n : -1; });
}

TEST(DimForms, QuotientsOfQuotientsAreOne) {
  // x[::2][1::3] and x[::4][::2] of N, counted on the indices themselves.
  sema::Dim half = *sema::dimCeilDiv(std::string("N"), 2);
  sema::Dim a = *sema::dimCeilDiv(sema::dimPlus(half, -1), 3);
  sema::Dim b = *sema::dimCeilDiv(*sema::dimCeilDiv(std::string("N"), 4), 2);
  EXPECT_EQ(sema::dimStr(b), "(N+7)/8");
  EXPECT_EQ(text(sema::dimCeilDiv(half, 2)),
            text(sema::dimCeilDiv(std::string("N"), 4)));
  for (int64_t size = 1; size < 60; ++size) {
    int64_t evens = counted(0, size, 2);
    EXPECT_EQ(valueAt(a, size), counted(1, evens, 3)) << size;
    EXPECT_EQ(valueAt(b, size), counted(0, counted(0, size, 4), 2)) << size;
  }
}

// Slices without a step of a concat's M+N: x[lo:hi] for lo from the start
// and hi from the end, or the other way round, counted for M, N < 12.
TEST(DimForms, SlicesOfSums) {
  sema::Dim base = std::string("M+N");
  for (int64_t lo : {-5, -3, -1, 0, 1, 2, 4})
    for (int64_t hi : {-4, -1, 0, 1, 3, 6}) {
      bool loEnd = lo < 0, hiEnd = hi <= 0;
      if (loEnd == hiEnd)
        continue;
      sema::Dim span = loEnd ? sema::dimPlus(sema::dimNegate(base), hi - lo)
                             : sema::dimPlus(base, hi - lo);
      for (int64_t m = 0; m < 12; ++m)
        for (int64_t n = 0; n < 12; ++n) {
          int64_t size = m + n;
          int64_t from = loEnd ? size + lo : lo, to = hiEnd ? size + hi : hi;
          if (from < 0 || to > size || to < from)
            continue;
          EXPECT_EQ(valueAt(span, n, m), counted(from, to, 1))
              << "[" << lo << ":" << hi << "] of M+N with M = " << m
              << ", N = " << n << ": " << sema::dimStr(span);
        }
    }
  EXPECT_EQ(sema::dimStr(sema::dimPlus(base, -1)), "M+N-1");
  EXPECT_EQ(sema::dimStr(sema::dimPlus(sema::dimNegate(base), 5)), "-M-N+5");
  // A step divides one dim only: x[::2] of M+N is refused; of 2*N and
  // 2*N+1 it is exact (N and N+1).
  EXPECT_EQ(text(sema::dimCeilDiv(base, 2)), "<none>");
  EXPECT_EQ(text(sema::dimCeilDiv(base, 1)), "M+N");
  EXPECT_EQ(text(sema::dimCeilDiv(std::string("2*N"), 2)), "N");
  EXPECT_EQ(text(sema::dimCeilDiv(std::string("2*N+1"), 2)), "N+1");
  EXPECT_EQ(text(sema::dimCeilDiv(std::string("?"), 2)), "?");
}

// concat's extents: sums in one text whatever the order of the parts.
TEST(DimForms, Sums) {
  auto dim = [](const char *s) { return sema::Dim(std::string(s)); };
  EXPECT_EQ(text(sema::dimSum(dim("N"), dim("M"))), "M+N");
  EXPECT_EQ(text(sema::dimSum(int64_t(2), dim("N"))), "N+2");
  EXPECT_EQ(text(sema::dimSum(dim("N"), dim("N"))), "2*N");
  EXPECT_EQ(text(sema::dimSum(dim("N-1"), dim("-N+4"))), "3");
  EXPECT_TRUE(
      std::holds_alternative<int64_t>(*sema::dimSum(dim("N-1"), dim("-N+4"))));
  EXPECT_EQ(text(sema::dimSum(int64_t(2), int64_t(3))), "5");
  EXPECT_EQ(text(sema::dimSum(dim("(N+1)/2"), int64_t(3))), "(N+1)/2+3");
  EXPECT_EQ(text(sema::dimSum(dim("(N+1)/2"), dim("M"))), "<none>");
  EXPECT_EQ(text(sema::dimSum(dim("?"), dim("N"))), "?");
  EXPECT_EQ(*sema::dimSum(*sema::dimSum(dim("N"), dim("M")), dim("P")),
            *sema::dimSum(dim("P"), *sema::dimSum(dim("M"), dim("N"))));
  EXPECT_EQ(sema::dimPlus(*sema::dimSum(dim("N"), dim("M")), -1),
            sema::dimFromForm(*sema::parseDimForm("N+M-1")));
  EXPECT_EQ(sema::dimPlus(dim("?"), 3), dim("?"));
}

// A callee's extent with its dims bound by a call: M+N bound to K gives
// K-1 = M+N-1, and sums of bindings add.
TEST(DimForms, CallsBindSeveralDims) {
  auto apply = [](const char *form, std::map<std::string, sema::Dim> values) {
    return text(sema::dimApply(*sema::parseDimForm(form), values));
  };
  std::string mn = "M+N";
  EXPECT_EQ(apply("K-1", {{"K", mn}}), "M+N-1");
  EXPECT_EQ(apply("-K+5", {{"K", mn}}), "-M-N+5");
  EXPECT_EQ(apply("A+B", {{"A", std::string("N")}, {"B", int64_t(2)}}), "N+2");
  EXPECT_EQ(
      apply("A+B", {{"A", std::string("M-1")}, {"B", std::string("N+1")}}),
      "M+N");
  EXPECT_EQ(apply("2*A-B", {{"A", std::string("N")}, {"B", std::string("N")}}),
            "N");
  EXPECT_EQ(apply("A+B", {{"A", int64_t(4)}, {"B", int64_t(5)}}), "9");
  // floor((N - 1 + 1) / 2) = floor(N / 2).
  EXPECT_EQ(apply("(K+1)/2", {{"K", std::string("N-1")}}), "N/2");
  EXPECT_EQ(apply("(K+1)/2", {{"K", mn}}), "<none>");
  EXPECT_EQ(apply("A+B", {{"A", std::string("(N+1)/2")}, {"B", int64_t(3)}}),
            "(N+1)/2+3");
  EXPECT_EQ(
      apply("A+B", {{"A", std::string("(N+1)/2")}, {"B", std::string("M")}}),
      "<none>");
  EXPECT_EQ(apply("A+B", {{"A", std::string("N")}}), "?");
  EXPECT_EQ(apply("K-1", {{"K", std::string("?")}}), "?");
  // The values agree with the sum computed directly.
  std::optional<sema::Dim> d =
      sema::dimApply(*sema::parseDimForm("2*A-B+3"),
                     {{"A", std::string("M+N")}, {"B", std::string("N-1")}});
  ASSERT_TRUE(d);
  for (int64_t m = 0; m < 5; ++m)
    for (int64_t n = 1; n < 5; ++n)
      EXPECT_EQ(valueAt(*d, n, m), 2 * (m + n) - (n - 1) + 3);
}

TEST(DimForms, TextsParseBack) {
  for (const char *written : {"N", "N-1", "-N+5", "N/2", "(N+1)/2-1",
                              "(-N)/2+4", "(-N+1)/3", "M+N", "2*M-N+3"}) {
    auto f = sema::parseDimForm(written);
    ASSERT_TRUE(f) << written;
    EXPECT_EQ(sema::dimStr(sema::dimFromForm(*f)), written);
  }
  EXPECT_FALSE(sema::parseDimForm("?"));
  EXPECT_FALSE(sema::parseDimForm("N/0"));
  EXPECT_EQ(sema::dimStr(*sema::dimCeilDiv(std::string("?"), 2)), "?");
}
