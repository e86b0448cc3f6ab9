// The direct parser (frontend/lib/Direct/) against the ANTLR parser, the
// reference, on every .tsr file of the tree and on inputs chosen for the
// corners of the grammar: what the direct parser accepts, ANTLR accepts
// with the same AST, and it leaves no valid input to ANTLR.
#include "tessera/Frontend/Files.h"
#include "tessera/Frontend/Parser.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace tessera;

namespace {

// How the two parsers differ on `text`; "" when they agree.
std::string disagreement(const std::string &text) {
  if (firstInvalidUtf8(text) >= 0)
    return ""; // parseModule reports it before either parser runs
  SourceFile file("t.tsr", text);
  std::optional<ast::Module> direct = detail::parseDirect(file);
  DiagnosticEngine diags;
  std::optional<ast::Module> reference = detail::parseWithANTLR(file, diags);
  if (direct && !reference)
    return "accepted by the direct parser only; ANTLR says:\n" + diags.render();
  // A byte-order mark is left to ANTLR, whose input stream skips it.
  bool bom = text.compare(0, 3, "\xEF\xBB\xBF") == 0;
  if (!direct && reference && !bom)
    return "valid, but left to ANTLR";
  if (direct && ast::dump(*direct) != ast::dump(*reference))
    return "different ASTs; direct:\n" + ast::dump(*direct) + "ANTLR:\n" +
           ast::dump(*reference);
  return "";
}

std::string program(const std::string &body) {
  return "entry f[N](a: f32[N], b: f32[N]) -> f32[N] {\n" + body + "\n}\n";
}

} // namespace

TEST(DirectParser, AgreesWithANTLROnTheTree) {
  namespace fs = std::filesystem;
  size_t files = 0;
  for (const char *dir : {"examples", "tests", "benchmarks", "editors"})
    for (const auto &entry :
         fs::recursive_directory_iterator(fs::path(TESSERA_SOURCE_DIR) / dir))
      if (entry.is_regular_file() && entry.path().extension() == ".tsr") {
        std::ifstream in(entry.path(), std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        EXPECT_EQ(disagreement(text.str()), "") << entry.path();
        ++files;
      }
  EXPECT_GT(files, 100u);
}

TEST(DirectParser, AgreesOnExpressions) {
  for (const char *e : {"-a ** b",
                        "a ** -b * a",
                        "a ** b ** a",
                        "!a && b || a",
                        "a < b == a",
                        "a @ b * a",
                        "-a.T",
                        "f(a)(b)[0].c",
                        "a - -b",
                        "a--b",
                        "a*-b+a",
                        "a => a",
                        "(a) => a",
                        "(a, b) => a + b",
                        "() => 1",
                        "a => b => a",
                        "(a + 1) => a",
                        "a + b => a",
                        "(a, 1) => a",
                        "a[:]",
                        "a[::]",
                        "a[1:]",
                        "a[:2]",
                        "a[1:2:3]",
                        "a[::2]",
                        "a[1, :, 2:]",
                        "a[b]",
                        "a[b:]",
                        "a[(b)]",
                        "()",
                        "(a,)",
                        "(a, b,)",
                        "(a)",
                        "((a))",
                        "{}",
                        "{x: 1, y: a}",
                        "[]",
                        "[1, a]",
                        "f(x: 1, a)",
                        "f()",
                        "a.b.c",
                        "1.",
                        ".5",
                        "1e5",
                        "1E+2",
                        "1.e-3",
                        "007",
                        "1.5.2",
                        "1e",
                        "1e+",
                        "\"s\"",
                        "\"a\\\"b\"",
                        "\"\xC3\xA9\"",
                        "\"\"",
                        "true != false",
                        "a /* c */ + b",
                        "a // c\n + b",
                        "a /*/ */ + b",
                        "a /* c",
                        "\"abc",
                        "a & b",
                        "a | b",
                        "a # b",
                        "a \f b",
                        "entryx + as_ + lets",
                        "as + b",
                        "f(,)",
                        "a[]",
                        "a.1",
                        "a..b",
                        "a = b",
                        "(a b)"})
    EXPECT_EQ(
        disagreement(program("  let r = " + std::string(e) + "\n  return r")),
        "")
        << e;
}

TEST(DirectParser, AgreesOnDeclarations) {
  for (const char *d : {
           "module a.b.c\nimport x.y as z\nimport w",
           "module a\nmodule b",
           "import x\nmodule a",
           "param w: f32[4] @ shard(M)",
           "param w: f32[4] * 2",
           "param w: f32 @ a * b = 3",
           "param u: mlp(in: 2, hidden: [64, 64])",
           "param w: f32[N, 2+1]",
           "param w: f32[4]\nparam v: f32",
           "param w: f32 = zeros()",
           "param w: f32[4] @ x => y",
           "param w: f32[] = 1\nentry g() -> f32 { return 1 }",
           "param w: (a, b)",
           "param w: f32[4] =",
           "const c: f32 = 1\nlet l = c\npolicy p = numeric(accum: f32)",
           "policy p: f32 = 1",
           "mesh M = mesh(axes: {dp: 4})\nmesh E = mesh()",
           "train t[N](x: f32[N]) with adamw(lr: 1e-3) policy p "
           "{ minimize x }",
           "adjoint f(x, g) { return g }",
           "op g(x: f32[4, N] @ shard(M, rows: dp)) -> (y: f32, f32) "
           "policy p { let (u, v) = (x, x) return u, v }",
           "op g() -> f32 @ s { let y: f32[N] @ s = 1 return }",
           "op g() { let (u) = x }",
           "entry g() -> () { return }",
           "op op() { }",
           "entry g(a: f32,) { }",
       })
    EXPECT_EQ(disagreement(std::string(d) + "\n"), "") << d;
}

// Extents computed from dims (grammar/Tessera.g4's dimForm): sums,
// multiples and quotients, and what is close to them but not one.
TEST(DirectParser, AgreesOnDims) {
  for (const char *d : {"N",
                        "4",
                        "N-1",
                        "-N",
                        "-N+5",
                        "N+M",
                        "N + M - 1",
                        "-N-M+5",
                        "2*N",
                        "2 * N + M",
                        "N-2*M+3",
                        "5-N",
                        "3+4",
                        "-5",
                        "N/2",
                        "N/2-1",
                        "(N+1)/2",
                        "( -N + 1 ) / 2 + 3",
                        "(N+M)/2",
                        "(2*N+1)/2",
                        "N/2+M",
                        "-N/2",
                        "(N)/2",
                        "((N+1)/2)/2",
                        "N*2",
                        "2*N*M",
                        "N+",
                        "+N",
                        "N/",
                        "(N+1",
                        "N+1)",
                        "N/2/2",
                        "2**N",
                        "(N+1)/N",
                        "N M",
                        "6/2",
                        "(5)/2",
                        "2*(N+1)",
                        "N+-1",
                        "--N",
                        "N+99999999999999999999",
                        "N, M+1",
                        "M+N @ s"})
    EXPECT_EQ(disagreement("op g[N, M](x: f32[N], y: f32[M]) -> f32[" +
                           std::string(d) + "] {\n  return x\n}\n"),
              "")
        << d;
}

TEST(DirectParser, AgreesAtTheLimits) {
  auto nested = [](int depth) {
    return program("  return " + std::string(depth, '(') + "a" +
                   std::string(depth, ')'));
  };
  EXPECT_EQ(disagreement(nested(250)), "");
  EXPECT_EQ(disagreement(nested(300)), "");
  std::string sum = "a";
  for (int i = 0; i < 4100; ++i)
    sum += " + a";
  EXPECT_EQ(disagreement(program("  return " + sum)), "");
  EXPECT_EQ(disagreement(program("  return " + std::string(4000, '-') + "a")),
            "");
  auto lambdas = [](int n) {
    std::string chain;
    for (int i = 0; i < n; ++i)
      chain += "x => ";
    return program("  let g = " + chain + "x\n  return a");
  };
  EXPECT_EQ(disagreement(lambdas(4000)), "");
  // A lambda's => counts as an operator: a longer chain is refused by both
  // parsers (it used to exhaust ANTLR's stack near 30 000).
  SourceFile deep("t.tsr", lambdas(5000));
  EXPECT_FALSE(detail::parseDirect(deep));
  DiagnosticEngine diags;
  EXPECT_FALSE(parseModule(deep, diags));
  EXPECT_NE(diags.render().find(
                "error: statement is too long (more than 4096 operators)"),
            std::string::npos)
      << diags.render();
}
