// The text of extents computed from one dim (tessera/dim_form.hpp): read,
// written back as the same text, and evaluated with floor division,
// against values computed by hand.
#include "tessera/dim_form.hpp"

#include <gtest/gtest.h>

using namespace tessera::tbin;

TEST(DimForm, ReadsAndWritesEachForm) {
  for (const char *text : {"N", "N-1", "N+2", "-N+5", "N/2", "(N+1)/2", "N/2-1",
                           "(-N+1)/2", "(-N)/2+3", "(N+3)/4+7", "-N"}) {
    std::optional<DimForm> f = parseDimForm(text);
    ASSERT_TRUE(f) << text;
    EXPECT_EQ(formatDimForm(*f), text);
  }
  std::optional<DimForm> f = parseDimForm("(N+1)/2-1");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->symbol, "N");
  EXPECT_EQ(f->sign, 1);
  EXPECT_EQ(f->rest, 1);
  EXPECT_EQ(f->divisor, 2);
  EXPECT_EQ(f->offset, -1);
}

TEST(DimForm, NormalisesTheRest) {
  // (N+5)/2 = N/2 + 2 for every N: one text for one extent.
  EXPECT_EQ(formatDimForm({"N", 1, 5, 2, 0}), "(N+1)/2+2");
  EXPECT_EQ(formatDimForm({"N", 1, -1, 2, 0}), "(N+1)/2-1");
  EXPECT_EQ(formatDimForm(*parseDimForm("(-N+6)/2")), "(-N)/2+3");
}

TEST(DimForm, RefusesOtherTexts) {
  for (const char *text : {"", "?", "3", "-3", "N*2", "N/0", "N/", "(N+1", "2N",
                           "N/-2", "N+", "N+99999999999999999999"})
    EXPECT_FALSE(parseDimForm(text)) << text;
}

TEST(DimForm, EvaluatesWithFloorDivision) {
  auto at = [](const char *text, int64_t n) {
    return parseDimForm(text)->at(n);
  };
  EXPECT_EQ(at("N-1", 9), 8);
  EXPECT_EQ(at("(N+1)/2", 9), 5); // ceil(9 / 2)
  EXPECT_EQ(at("N/2", 9), 4);
  EXPECT_EQ(at("N/2-1", 1), -1);
  EXPECT_EQ(at("-N+5", 9), -4);
  EXPECT_EQ(at("(-N+6)/2", 9), -2); // floor(-3 / 2)
  EXPECT_EQ(at("N+1", INT64_MAX), std::nullopt);
  EXPECT_EQ(at("-N", INT64_MIN), std::nullopt);
}
