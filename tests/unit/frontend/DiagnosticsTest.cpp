#include "tessera/Frontend/Diagnostics.h"

#include <gtest/gtest.h>

using namespace tessera;

TEST(SourceFile, LineAndColumnOfOffsets) {
  SourceFile f("t.tsr", "ab\ncde\n\nf");
  EXPECT_EQ(f.line(0), 1u);
  EXPECT_EQ(f.column(1), 2u);
  EXPECT_EQ(f.line(3), 2u);
  EXPECT_EQ(f.column(5), 3u);
  EXPECT_EQ(f.line(7), 3u);
  EXPECT_EQ(f.line(8), 4u);
  EXPECT_EQ(f.lineText(2), "cde");
  EXPECT_EQ(f.lineText(3), "");
  EXPECT_EQ(f.lineText(4), "f");
  EXPECT_EQ(f.lineText(9), "");
}

TEST(Diagnostics, RendersLocationSourceLineAndRange) {
  SourceFile f("m.tsr", "let x = a + b\n");
  DiagnosticEngine d;
  d.error({&f, 8, 13}, "bad sum").note({&f, 4, 5}, "x here");
  EXPECT_EQ(d.render(), "m.tsr:1:9: error: bad sum\n"
                        "let x = a + b\n"
                        "        ^~~~~\n"
                        "m.tsr:1:5: note: x here\n"
                        "let x = a + b\n"
                        "    ^\n");
  EXPECT_EQ(d.errorCount(), 1u);
}

TEST(Diagnostics, WarningsCountAsErrorsUnderWerror) {
  SourceFile f("m.tsr", "x");
  DiagnosticEngine d;
  d.warning({&f, 0, 1}, "w");
  EXPECT_FALSE(d.hasErrors());
  d.setWarningsAsErrors(true);
  d.warning({&f, 0, 1}, "w");
  EXPECT_EQ(d.errorCount(), 1u);
  EXPECT_NE(d.render().find("m.tsr:1:1: error: w"), std::string::npos);
}

TEST(Diagnostics, RangeIsClippedToTheLineAndControlBytesBlanked) {
  SourceFile f("m.tsr", "ab\x01\ncd");
  DiagnosticEngine d;
  d.error({&f, 1, 6}, "e");
  EXPECT_EQ(d.render(), "m.tsr:1:2: error: e\nab \n ^~\n");
}
