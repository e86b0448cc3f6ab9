// The formatter: one canonical style, decided token by token.
//   - two-space indentation per block; `{` of a block ends its line and its
//     `}` stands on a line of its own;
//   - every declaration and statement starts a line; at most one blank line
//     is kept where the source had blank lines;
//   - single spaces around binary operators, after commas and colons; none
//     inside brackets, before calls, around `.`, after unary `-` and `!`, or
//     around the colons of a slice;
//   - comments stay where they were: at the end of a line, or on their own
//     line at the indentation of what follows.
// Lines are not wrapped. The result is checked to hold the same tokens as
// the input.
#include "tessera/Frontend/Format.h"

#include "tessera/Frontend/Parser.h"

#include "TesseraLexer.h"
#include "antlr4-runtime.h"

#include <set>

namespace tessera {
namespace {

struct Token {
  std::string text;
  size_t type;
  size_t line;
  bool comment;
};

std::vector<Token> lex(const std::string &text) {
  antlr4::ANTLRInputStream input(text);
  TesseraLexer lexer(&input);
  lexer.removeErrorListeners();
  std::vector<Token> tokens;
  for (auto t = lexer.nextToken(); t->getType() != antlr4::Token::EOF;
       t = lexer.nextToken())
    tokens.push_back({t->getText(), t->getType(), t->getLine(),
                      t->getType() == TesseraLexer::LINE_COMMENT ||
                          t->getType() == TesseraLexer::BLOCK_COMMENT});
  return tokens;
}

bool isOperator(const std::string &t) {
  static const std::set<std::string> ops = {
      "+",  "-", "*",  "/",  "%",  "@", "**", "==", "!=", "<",
      "<=", ">", ">=", "&&", "||", "=", "=>", "->", "!"};
  return ops.count(t) != 0;
}

class Formatter {
public:
  explicit Formatter(std::vector<Token> t) : tokens(std::move(t)) {}

  std::string run() {
    for (i = 0; i < tokens.size(); ++i) {
      const Token &t = tokens[i];
      if (t.comment) {
        comment(t);
        continue;
      }
      breakBefore(t);
      bool unary = (t.text == "-" || t.text == "!") && unaryHere();
      if (!atLineStart && needsSpace(t))
        out += ' ';
      emit(t.text);
      lastLine = t.line;
      afterToken(t, unary);
      prev = &t;
    }
    if (!atLineStart)
      out += '\n';
    return out;
  }

private:
  enum class Bracket { Paren, Index, List, Record, Block };

  void emit(const std::string &s) {
    if (atLineStart)
      out += std::string(2 * indent, ' ');
    out += s;
    atLineStart = false;
  }

  void newline() {
    if (!atLineStart)
      out += '\n';
    atLineStart = true;
  }

  // A new line, keeping one blank line if the source had any.
  void lineBreak(size_t nextLine) {
    newline();
    if (lastLine && nextLine > lastLine + 1 && !out.empty() &&
        out.compare(out.size() > 1 ? out.size() - 2 : 0, 2, "\n\n") != 0 &&
        out != "\n")
      out += '\n';
  }

  Bracket top() const { return stack.empty() ? Bracket::Block : stack.back(); }
  bool inBlockOrTop() const {
    return stack.empty() || stack.back() == Bracket::Block;
  }

  const Token *next(size_t k = 1) const {
    size_t j = i;
    while (k > 0 && ++j < tokens.size())
      if (!tokens[j].comment)
        --k;
    return j < tokens.size() ? &tokens[j] : nullptr;
  }

  bool isDeclStart(const Token &t) const {
    if (!stack.empty())
      return false;
    if (t.text == "policy" || t.text == "mesh") {
      // `policy p = ...` declares; `policy numeric(...)` is a clause.
      const Token *n2 = next(2);
      return n2 && n2->text == "=";
    }
    return t.text == "module" || t.text == "import" || t.text == "const" ||
           t.text == "param" || t.text == "op" || t.text == "entry" ||
           t.text == "train" || t.text == "adjoint" || t.text == "let";
  }

  void breakBefore(const Token &t) {
    if (!prev)
      return;
    if (t.text == "}" && top() == Bracket::Block && !stack.empty()) {
      stack.pop_back();
      --indent;
      closedBlock = true;
      newline();
      return;
    }
    bool statement =
        (t.text == "let" || t.text == "return" || t.text == "minimize") &&
        !stack.empty() && stack.back() == Bracket::Block;
    if (statement || isDeclStart(t))
      lineBreak(t.line);
  }

  bool unaryHere() const {
    if (!prev)
      return true;
    const std::string &p = prev->text;
    return isOperator(p) || p == "(" || p == "[" || p == "," || p == ":" ||
           p == "{" || p == "return" || p == "minimize" || p == "with";
  }

  bool sliceColon() const {
    return !stack.empty() && stack.back() == Bracket::Index;
  }

  bool needsSpace(const Token &t) {
    const std::string &p = prev->text;
    if (noSpaceNext) {
      noSpaceNext = false;
      return false;
    }
    if (t.text == "," || t.text == ")" || t.text == "]" || t.text == "." ||
        p == "(" || p == "[" || p == ".")
      return false;
    if (t.text == ":")
      return sliceColon() && p == ","; // `x[1:3, :]`
    if (p == ":")
      return !sliceColon();
    if (t.text == "}" && top() == Bracket::Record)
      return false;
    if (p == "{")
      return false;
    bool callable = prev->type == TesseraLexer::IDENT || p == ")" || p == "]" ||
                    p == "mesh";
    if ((t.text == "(" || t.text == "[") && callable)
      return false;
    return true;
  }

  void afterToken(const Token &t, bool unary) {
    noSpaceNext = unary;
    const std::string p = prev ? prev->text : "";
    if (t.text == "(") {
      stack.push_back(Bracket::Paren);
    } else if (t.text == "[") {
      bool index =
          prev && (prev->type == TesseraLexer::IDENT || p == ")" || p == "]");
      stack.push_back(index ? Bracket::Index : Bracket::List);
    } else if (t.text == "{") {
      bool record = p == ":" || p == "(" || p == "," || p == "=" || p == "[";
      if (record) {
        stack.push_back(Bracket::Record);
      } else {
        stack.push_back(Bracket::Block);
        ++indent;
        newline();
      }
    } else if (t.text == "}" && closedBlock) {
      closedBlock = false;
      newline();
    } else if ((t.text == ")" || t.text == "]" || t.text == "}") &&
               !stack.empty()) {
      stack.pop_back();
    }
  }

  void comment(const Token &t) {
    bool trailing = prev && t.line == lastLine && !atLineStart;
    if (trailing) {
      out += "  " + t.text;
    } else {
      lineBreak(t.line);
      emit(t.text);
    }
    lastLine = t.line + std::count(t.text.begin(), t.text.end(), '\n');
    if (t.type == TesseraLexer::LINE_COMMENT || !trailing)
      newline();
  }

  std::vector<Token> tokens;
  size_t i = 0;
  std::string out;
  std::vector<Bracket> stack;
  unsigned indent = 0;
  bool atLineStart = true;
  bool noSpaceNext = false, closedBlock = false;
  size_t lastLine = 0;
  const Token *prev = nullptr;
};

} // namespace

std::optional<std::string> formatSource(const SourceFile &file,
                                        DiagnosticEngine &diags) {
  if (!parseModule(file, diags))
    return std::nullopt;
  std::vector<Token> before = lex(file.text());
  std::string formatted = Formatter(before).run();
  // Whitespace is all the formatter may change.
  std::vector<Token> after = lex(formatted);
  bool same = before.size() == after.size();
  for (size_t k = 0; same && k < before.size(); ++k)
    same = before[k].text == after[k].text;
  if (!same) {
    diags.error({}, "internal error: formatting would change the program; "
                    "the file is left as it is");
    return std::nullopt;
  }
  return formatted;
}

} // namespace tessera
