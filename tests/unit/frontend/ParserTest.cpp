#include "tessera/Frontend/Parser.h"

#include <gtest/gtest.h>

using namespace tessera;

namespace {

std::optional<ast::Module> parse(const std::string &text, std::string &diags) {
  static std::vector<std::unique_ptr<SourceFile>> files;
  files.push_back(std::make_unique<SourceFile>("t.tsr", text));
  DiagnosticEngine d;
  auto m = parseModule(*files.back(), d);
  diags = d.render();
  return m;
}

} // namespace

TEST(Parser, BuildsTheSkeleton) {
  std::string diags;
  auto m = parse("module demo\n"
                 "entry f[N](a: f32[N], b: f32[N]) -> f32[N] {\n"
                 "  let c = a * b\n"
                 "  return c + a\n"
                 "}\n",
                 diags);
  ASSERT_TRUE(m) << diags;
  EXPECT_EQ(m->name, "demo");
  ASSERT_EQ(m->funcs.size(), 1u);
  const ast::FuncDecl &f = m->funcs[0];
  EXPECT_TRUE(f.isEntry);
  EXPECT_EQ(f.name, "f");
  ASSERT_EQ(f.dimParams.size(), 1u);
  EXPECT_EQ(f.params.size(), 2u);
  EXPECT_EQ(f.params[1].type.str(), "f32[N]");
  EXPECT_EQ(f.results[0].name, "out0");
  ASSERT_EQ(f.body.size(), 2u);
  EXPECT_EQ(f.body[0].kind, ast::Stmt::Kind::Let);
  EXPECT_EQ(f.body[0].names[0].first, "c");
  EXPECT_EQ(f.params[0].nameRange.str(), "t.tsr:2:12");
}

TEST(Parser, PrecedenceAndParentheses) {
  std::string diags;
  auto m =
      parse("entry f(a: f32) -> f32 { return (a + 1) * -a - 2 / a }", diags);
  ASSERT_TRUE(m) << diags;
  EXPECT_EQ(ast::print(*m), "module <unnamed>\n"
                            "  entry f <1:7>\n"
                            "    param a: f32[]\n"
                            "    result out0: f32[]\n"
                            "    return <1:26>\n"
                            "      binary - <1:33>\n"
                            "        binary * <1:33>\n"
                            "          binary + <1:33>\n"
                            "            name a <1:34>\n"
                            "            number 1 <1:38>\n"
                            "          unary - <1:43>\n"
                            "            name a <1:44>\n"
                            "        binary / <1:48>\n"
                            "          number 2 <1:48>\n"
                            "          name a <1:52>\n");
}

TEST(Parser, NamedResultsAndConcreteDims) {
  std::string diags;
  auto m = parse("entry g(x: f64[2, 3]) -> (y: f64[2, 3], z: f64[2, 3]) "
                 "{ return x, x }",
                 diags);
  ASSERT_TRUE(m) << diags;
  EXPECT_EQ(m->funcs[0].results[1].name, "z");
  EXPECT_EQ(m->funcs[0].params[0].type.dims[1].extent(), 3);
}

TEST(Parser, ReportsSyntaxErrorsWithLocations) {
  std::string diags;
  EXPECT_FALSE(parse("entry f(a: f32) -> f32 {\n  return a +\n}\n", diags));
  EXPECT_EQ(diags, "t.tsr:3:1: error: unexpected '}'\n}\n^\n");
}

TEST(Parser, RejectsInvalidUtf8) {
  std::string diags;
  EXPECT_FALSE(parse("module m\n\xff", diags));
  EXPECT_NE(diags.find("t.tsr:2:1: error: source is not valid UTF-8"),
            std::string::npos);
}

TEST(Parser, EmptyInputIsAnEmptyModule) {
  std::string diags;
  auto m = parse("", diags);
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->funcs.empty());
}

TEST(Parser, SurvivesGarbage) {
  std::string diags;
  for (const char *bad : {"}}}}", "entry", "entry f(", "module", "@#$%",
                          "entry f() -> f32 { return ((((((1 }", "/* open"}) {
    EXPECT_FALSE(parse(bad, diags)) << bad;
    EXPECT_NE(diags.find("error:"), std::string::npos) << bad;
  }
}
