// The text of extents computed from dims (tessera/dim_form.hpp): read,
// written back as the one text of each extent, and evaluated with floor
// division, against values and texts worked out by hand.
#include "tessera/dim_form.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace tessera::tbin;

namespace {

std::string normal(const char *text) {
  std::optional<DimForm> f = parseDimForm(text);
  return f ? formatDimForm(*f) : "<refused>";
}

std::optional<int64_t> at(const char *text,
                          const std::map<std::string, int64_t> &values) {
  return parseDimForm(text)->at(
      [&](const std::string &s) -> std::optional<int64_t> {
        auto it = values.find(s);
        if (it == values.end())
          return std::nullopt;
        return it->second;
      });
}

} // namespace

TEST(DimForm, ReadsAndWritesEachForm) {
  for (const char *text :
       {"N",     "N-1",      "N+2",      "-N+5",      "N/2",     "(N+1)/2",
        "N/2-1", "(-N+1)/2", "(-N)/2+3", "(N+3)/4+7", "-N",      "M+N",
        "M+N-1", "-M-N+5",   "2*N",      "-2*N+1",    "2*M-N+3", "A+B+C",
        "-M+N",  "M-N",      "3*A-2*B",  "A_1+a"}) {
    std::optional<DimForm> f = parseDimForm(text);
    ASSERT_TRUE(f) << text;
    EXPECT_EQ(formatDimForm(*f), text);
  }
  std::optional<DimForm> f = parseDimForm("(N+1)/2-1");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->terms, (std::vector<DimTerm>{{"N", 1}}));
  EXPECT_EQ(f->rest, 1);
  EXPECT_EQ(f->divisor, 2);
  EXPECT_EQ(f->offset, -1);
  f = parseDimForm("N+M-1");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->terms, (std::vector<DimTerm>{{"M", 1}, {"N", 1}}));
  EXPECT_EQ(f->rest, 0);
  EXPECT_EQ(f->divisor, 1);
  EXPECT_EQ(f->offset, -1);
  EXPECT_EQ(f->symbols(), (std::vector<std::string>{"M", "N"}));
  EXPECT_FALSE(f->isDim());
  EXPECT_TRUE(parseDimForm("N")->isDim());
}

// One text for one extent: dims sorted and merged, coefficients as signs
// or `k*`, the number last; quotients with 0 <= rest < divisor, reduced.
TEST(DimForm, NormalForm) {
  EXPECT_EQ(normal("N+M"), "M+N");
  EXPECT_EQ(normal("1+N"), "N+1");
  EXPECT_EQ(normal("5-N"), "-N+5");
  EXPECT_EQ(normal("-N-M+5"), "-M-N+5");
  EXPECT_EQ(normal("B+A+C-1+2"), "A+B+C+1");
  EXPECT_EQ(normal("N+N"), "2*N");
  EXPECT_EQ(normal("3*N-N"), "2*N");
  EXPECT_EQ(normal("1*N"), "N");
  EXPECT_EQ(normal("N+M-M"), "N");
  EXPECT_EQ(normal("N-3*M+2*M"), "-M+N");
  EXPECT_EQ(normal("N/1"), "N");
  EXPECT_EQ(normal("N/2+3-3"), "N/2");
  // (N+5)/2 = N/2 + 2 for every N.
  EXPECT_EQ(normal("(N+5)/2"), "(N+1)/2+2");
  EXPECT_EQ(normal("(-N+6)/2"), "(-N)/2+3");
  // -floor(N / 2) = floor((-N + 1) / 2).
  EXPECT_EQ(normal("-N/2"), "(-N+1)/2");
  // floor((2N + 1) / 2) = N; floor(2N / 4) = floor(N / 2);
  // floor((2N + 3) / 4) = floor((N + 1) / 2).
  EXPECT_EQ(normal("(2*N+1)/2"), "N");
  EXPECT_EQ(normal("(2*N)/4"), "N/2");
  EXPECT_EQ(normal("(2*N+3)/4"), "(N+1)/2");
  EXPECT_EQ(normal("(N+N-N)/3"), "N/3");
  EXPECT_EQ(normal("(4*M-2*N+6)/2"), "2*M-N+3");
  DimForm raw;
  raw.terms = {{"N", 1}};
  raw.rest = 5;
  raw.divisor = 2;
  EXPECT_EQ(formatDimForm(raw), "(N+1)/2+2");
  raw.rest = -1;
  EXPECT_EQ(formatDimForm(raw), "(N+1)/2-1");
  // A rest near the least int64_t: floor((N - 2^63 + 1) / 3) =
  // floor((N + 2) / 3) - 3074457345618258603, whose whole part times 3
  // would not fit.
  raw.rest = INT64_MIN + 1;
  raw.divisor = 3;
  EXPECT_EQ(formatDimForm(raw), "(N+2)/3-3074457345618258603");
  raw = DimForm();
  raw.terms = {{"N", 1}, {"M", -2}, {"N", 2}};
  raw.offset = -4;
  EXPECT_EQ(formatDimForm(raw), "-2*M+3*N-4");
}

TEST(DimForm, RefusesOtherTexts) {
  std::string huge = "N";
  for (int i = 0; i < 10; ++i) // 10 * (10^18 - 1) does not fit in int64_t
    huge += "+999999999999999999";
  for (std::string text : {std::string(""),
                           std::string("?"),
                           std::string("3"),
                           std::string("-3"),
                           std::string("N*2"),
                           std::string("N/0"),
                           std::string("N/"),
                           std::string("(N+1"),
                           std::string("2N"),
                           std::string("N/-2"),
                           std::string("N+"),
                           std::string("N+99999999999999999999"),
                           std::string("3+4"),
                           std::string("N-N"),
                           std::string("B*T"),
                           std::string("N M"),
                           std::string("((N+1)/2)/2"),
                           std::string("N/2/2"),
                           std::string("2*3"),
                           std::string("2*N*M"),
                           std::string("(N)/0"),
                           std::string("0*N"),
                           std::string("N+-1"),
                           huge}) {
    DimFormRefusal why = DimFormRefusal::Quotient;
    EXPECT_FALSE(parseDimForm(text, &why)) << text;
    EXPECT_EQ(why, DimFormRefusal::NotAnExtent) << text;
  }
  // Divisions outside the family: several dims, a multiple of a dim, a
  // quotient added to a dim.
  for (const char *text : {"(M+N)/2", "(N+M-1)/3", "(3*N)/2", "N/2+M", "M+N/2",
                           "N/2+N/2", "(N+1)/2-M"}) {
    DimFormRefusal why = DimFormRefusal::NotAnExtent;
    EXPECT_FALSE(parseDimForm(text, &why)) << text;
    EXPECT_EQ(why, DimFormRefusal::Quotient) << text;
  }
}

TEST(DimForm, EvaluatesWithFloorDivision) {
  EXPECT_EQ(at("N-1", {{"N", 9}}), 8);
  EXPECT_EQ(at("(N+1)/2", {{"N", 9}}), 5); // ceil(9 / 2)
  EXPECT_EQ(at("N/2", {{"N", 9}}), 4);
  EXPECT_EQ(at("N/2-1", {{"N", 1}}), -1);
  EXPECT_EQ(at("-N+5", {{"N", 9}}), -4);
  EXPECT_EQ(at("(-N+6)/2", {{"N", 9}}), -2); // floor(-3 / 2)
  EXPECT_EQ(parseDimForm("N-1")->at(9), 8);
  EXPECT_EQ(at("M+N-1", {{"M", 3}, {"N", 5}}), 7);
  EXPECT_EQ(at("-M-N+5", {{"M", 3}, {"N", 5}}), -3);
  EXPECT_EQ(at("2*M-N+3", {{"M", 4}, {"N", 2}}), 9);
  EXPECT_EQ(at("A+B+C", {{"A", 1}, {"B", 20}, {"C", 300}}), 321);
  // A dim without a value, and overflow: nullopt.
  EXPECT_EQ(at("M+N", {{"N", 5}}), std::nullopt);
  EXPECT_EQ(at("N+1", {{"N", INT64_MAX}}), std::nullopt);
  EXPECT_EQ(at("-N", {{"N", INT64_MIN}}), std::nullopt);
  EXPECT_EQ(at("M+N", {{"M", INT64_MAX}, {"N", 1}}), std::nullopt);
  EXPECT_EQ(at("2*N", {{"N", int64_t(1) << 62}}), std::nullopt);
  EXPECT_EQ(at("M-N", {{"M", INT64_MIN}, {"N", 1}}), std::nullopt);
}

TEST(DimForm, Arithmetic) {
  auto text = [](std::optional<DimForm> f) {
    return f ? formatDimForm(*f) : "<none>";
  };
  DimForm half = *parseDimForm("(N+1)/2");
  EXPECT_EQ(text(addDimForms(*parseDimForm("M+1"), *parseDimForm("N-1"))),
            "M+N");
  EXPECT_EQ(text(addDimForms(*parseDimForm("N/2"), DimForm::number(3))),
            "N/2+3");
  EXPECT_EQ(text(addDimForms(*parseDimForm("N"), *parseDimForm("-N+2"))), "2");
  EXPECT_TRUE(
      addDimForms(*parseDimForm("N"), *parseDimForm("-N+2"))->isNumber());
  EXPECT_EQ(text(addDimForms(half, *parseDimForm("M"))), "<none>");
  EXPECT_EQ(text(scaleDimForm(*parseDimForm("M-N+2"), -2)), "-2*M+2*N-4");
  // -floor((N + 1) / 2) = floor(-N / 2).
  EXPECT_EQ(text(scaleDimForm(half, -1)), "(-N)/2");
  EXPECT_EQ(text(scaleDimForm(half, 2)), "<none>");
  EXPECT_EQ(text(scaleDimForm(half, 0)), "0");
  EXPECT_EQ(text(floorDivDimForm(*parseDimForm("2*M+4*N+3"), 2)), "M+2*N+1");
  EXPECT_EQ(text(floorDivDimForm(*parseDimForm("M+N"), 2)), "<none>");
  // floor(floor((N + 1) / 2) / 2) = floor((N + 1) / 4).
  EXPECT_EQ(text(floorDivDimForm(half, 2)), "(N+1)/4");
  EXPECT_EQ(text(floorDivDimForm(half, 0)), "<none>");
  EXPECT_EQ(text(addDimForms(DimForm::number(INT64_MAX), *parseDimForm("N+1"))),
            "<none>");
  EXPECT_EQ(text(scaleDimForm(*parseDimForm("2*N"), INT64_MAX)), "<none>");
}
