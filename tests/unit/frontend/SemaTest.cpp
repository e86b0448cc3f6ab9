#include "tessera/Frontend/Sema.h"
#include "tessera/Frontend/Parser.h"

#include <gtest/gtest.h>

using namespace tessera;

namespace {

// Parses and checks; returns the rendered diagnostics.
std::string check(const std::string &text, bool *ok = nullptr) {
  SourceFile f("t.tsr", text);
  DiagnosticEngine d;
  auto m = parseModule(f, d);
  EXPECT_TRUE(m) << d.render();
  if (!m)
    return d.render();
  SemaResult r;
  bool good = checkModule(*m, d, r);
  if (ok)
    *ok = good;
  return d.render();
}

} // namespace

TEST(Sema, AcceptsTheSkeleton) {
  bool ok = false;
  EXPECT_EQ(
      check("entry f[N](a: f32[N], b: f32[N]) -> f32[N] { return a * b + a }",
            &ok),
      "");
  EXPECT_TRUE(ok);
}

TEST(Sema, LiteralsTakeTheTensorsType) {
  bool ok = false;
  EXPECT_EQ(
      check("entry f[N](a: f64[N]) -> f64[N] { return 2 * a - 0.5 }", &ok), "");
  EXPECT_TRUE(ok);
}

TEST(Sema, ShapeMismatchNamesBothShapes) {
  bool ok = true;
  std::string d = check(
      "entry f[N, M](a: f32[N], b: f32[M]) -> f32[N] { return a + b }", &ok);
  EXPECT_FALSE(ok);
  EXPECT_NE(d.find("error: shape mismatch in '+': f32[N] and f32[M]"),
            std::string::npos)
      << d;
  EXPECT_NE(d.find("note: left operand is f32[N]"), std::string::npos) << d;
}

TEST(Sema, DtypeMismatch) {
  bool ok = true;
  std::string d =
      check("entry f[N](a: f32[N], b: f64[N]) -> f32[N] { return a * b }", &ok);
  EXPECT_FALSE(ok);
  EXPECT_NE(
      d.find("t.tsr:1:55: error: mismatched dtypes in '*': f32[N] and f64[N]"),
      std::string::npos)
      << d;
}

TEST(Sema, UnknownNamesDimsAndDtypes) {
  bool ok = true;
  std::string d = check("entry f(a: f33[K]) -> f32 { return q }", &ok);
  EXPECT_FALSE(ok);
  EXPECT_NE(d.find("error: unknown dtype 'f33'"), std::string::npos) << d;
  EXPECT_NE(d.find("error: unknown dim 'K'"), std::string::npos) << d;
  EXPECT_NE(d.find("error: unknown name 'q'"), std::string::npos) << d;
}

TEST(Sema, ReturnChecks) {
  bool ok = true;
  std::string d = check("entry f[N](a: f32[N]) -> f64[N] { return a }", &ok);
  EXPECT_FALSE(ok);
  EXPECT_NE(
      d.find("error: return type mismatch: expected f64[N], found f32[N]"),
      std::string::npos)
      << d;
  d = check("entry g[N](a: f32[N]) -> f32[N] { let b = a }", &ok);
  EXPECT_NE(d.find("error: entry 'g' does not return a value"),
            std::string::npos)
      << d;
  EXPECT_NE(d.find("warning: unused let 'b'"), std::string::npos) << d;
}

TEST(Sema, OutputDimsMustBeBoundByInputs) {
  bool ok = true;
  std::string d = check("entry f[N, M](a: f32[N]) -> f32[M] { return a }", &ok);
  EXPECT_FALSE(ok);
  EXPECT_NE(d.find("error: output dim 'M' is not bound by any input"),
            std::string::npos)
      << d;
}

TEST(Sema, DuplicatesAndShadowing) {
  bool ok = true;
  std::string d = check(
      "entry f(a: f32, a: f32) -> f32 { let b = a\n let b = b\n return b }\n"
      "entry f(x: f32) -> f32 { return x }",
      &ok);
  EXPECT_FALSE(ok);
  EXPECT_NE(d.find("error: duplicate parameter 'a'"), std::string::npos) << d;
  EXPECT_NE(d.find("warning: 'b' shadows an earlier binding"),
            std::string::npos)
      << d;
  EXPECT_NE(d.find("error: redefinition of 'f'"), std::string::npos) << d;
}
