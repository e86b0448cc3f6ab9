// The direct lexer: grammar/Tessera.g4's lexer rules by hand. Like ANTLR's,
// it takes the longest match, and a keyword over a name of the same text.
#include "Lexer.h"

#include <algorithm>
#include <cstring>

namespace tessera::direct {
namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool isIdentChar(char c) { return isIdentStart(c) || isDigit(c); }

Tok keywordOr(const char *s, size_t n) {
  static const struct {
    const char *text;
    Tok kind;
  } keywords[] = {
      {"module", Tok::Module},
      {"import", Tok::Import},
      {"as", Tok::As},
      {"entry", Tok::Entry},
      {"op", Tok::Op},
      {"train", Tok::Train},
      {"with", Tok::With},
      {"adjoint", Tok::Adjoint},
      {"const", Tok::Const},
      {"param", Tok::Param},
      {"policy", Tok::Policy},
      {"mesh", Tok::Mesh},
      {"let", Tok::Let},
      {"return", Tok::Return},
      {"minimize", Tok::Minimize},
      {"true", Tok::True},
      {"false", Tok::False},
  };
  if (n > 8)
    return Tok::Ident;
  for (const auto &k : keywords)
    if (std::strlen(k.text) == n && std::memcmp(k.text, s, n) == 0)
      return k.kind;
  return Tok::Ident;
}

// The end of EXPONENT : [eE] [+-]? [0-9]+ at `i`, or `i` when there is none.
size_t exponentEnd(const std::string &t, size_t i) {
  if (i >= t.size() || (t[i] != 'e' && t[i] != 'E'))
    return i;
  size_t j = i + 1;
  if (j < t.size() && (t[j] == '+' || t[j] == '-'))
    ++j;
  if (j >= t.size() || !isDigit(t[j]))
    return i;
  while (j < t.size() && isDigit(t[j]))
    ++j;
  return j;
}

// Operators and punctuation: the length of the one at `i` and its kind, or
// 0 if there is none. Two characters before one: the longest match wins.
size_t punctuation(const std::string &t, size_t i, Tok &kind) {
  static const struct {
    const char *text;
    Tok kind;
  } table[] = {
      {"->", Tok::Arrow},     {"**", Tok::StarStar}, {"==", Tok::EqEq},
      {"=>", Tok::FatArrow},  {"!=", Tok::NotEq},    {"<=", Tok::LessEq},
      {">=", Tok::GreaterEq}, {"&&", Tok::AndAnd},   {"||", Tok::OrOr},
      {".", Tok::Dot},        {"(", Tok::LParen},    {")", Tok::RParen},
      {",", Tok::Comma},      {":", Tok::Colon},     {"=", Tok::Assign},
      {"[", Tok::LBracket},   {"]", Tok::RBracket},  {"@", Tok::At},
      {"{", Tok::LBrace},     {"}", Tok::RBrace},    {"-", Tok::Minus},
      {"!", Tok::Bang},       {"*", Tok::Star},      {"/", Tok::Slash},
      {"%", Tok::Percent},    {"+", Tok::Plus},      {"<", Tok::Less},
      {">", Tok::Greater},
  };
  char second = i + 1 < t.size() ? t[i + 1] : '\0';
  for (const auto &p : table) {
    if (p.text[0] != t[i] || (p.text[1] && p.text[1] != second))
      continue;
    kind = p.kind;
    return p.text[1] ? 2 : 1;
  }
  return 0;
}

size_t digitsEnd(const std::string &t, size_t i) {
  while (i < t.size() && isDigit(t[i]))
    ++i;
  return i;
}

// Parser.cpp's checkLimits, token by token: brackets nest at most
// kMaxDepth deep, and a statement has at most kMaxOperators operators.
class Limits {
public:
  bool exceededBy(Tok t) {
    switch (t) {
    case Tok::LParen:
    case Tok::LBracket:
      return ++depth > kMaxDepth;
    case Tok::LBrace:
      operators = 0;
      return ++depth > kMaxDepth;
    case Tok::RBrace:
      operators = 0;
      [[fallthrough]];
    case Tok::RParen:
    case Tok::RBracket:
      depth = std::max(0, depth - 1);
      return false;
    case Tok::Let:
    case Tok::Return:
    case Tok::Minimize:
      operators = 0;
      return false;
    case Tok::Plus:
    case Tok::Minus:
    case Tok::Star:
    case Tok::Slash:
    case Tok::Percent:
    case Tok::At:
    case Tok::StarStar:
    case Tok::Bang:
    case Tok::EqEq:
    case Tok::NotEq:
    case Tok::Less:
    case Tok::LessEq:
    case Tok::Greater:
    case Tok::GreaterEq:
    case Tok::AndAnd:
    case Tok::OrOr:
    case Tok::FatArrow: // a lambda nests: x => y => ... recurses as deep
      return ++operators > kMaxOperators;
    default:
      return false;
    }
  }

private:
  static constexpr int kMaxDepth = 256;
  static constexpr int kMaxOperators = 4096;
  int depth = 0, operators = 0;
};

} // namespace

bool lex(const std::string &text, std::vector<Token> &tokens) {
  tokens.clear();
  tokens.reserve(text.size() / 3);
  Limits limits;
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
      continue;
    }
    char next = i + 1 < n ? text[i + 1] : '\0';
    if (c == '/' && next == '/') { // LINE_COMMENT
      i += 2;
      while (i < n && text[i] != '\r' && text[i] != '\n')
        ++i;
      continue;
    }
    if (c == '/' && next == '*') { // BLOCK_COMMENT
      size_t close = text.find("*/", i + 2);
      if (close == std::string::npos)
        return false; // UNTERMINATED_COMMENT
      i = close + 2;
      continue;
    }
    size_t end = i + 1;
    Tok kind;
    if (isIdentStart(c)) {
      while (end < n && isIdentChar(text[end]))
        ++end;
      kind = keywordOr(text.data() + i, end - i);
    } else if (isDigit(c)) {
      end = digitsEnd(text, i);
      if (end < n && text[end] == '.') {
        end = exponentEnd(text, digitsEnd(text, end + 1));
        kind = Tok::Float;
      } else {
        size_t e = exponentEnd(text, end);
        kind = e == end ? Tok::Int : Tok::Float;
        end = e;
      }
    } else if (c == '.' && isDigit(next)) {
      end = exponentEnd(text, digitsEnd(text, i + 1));
      kind = Tok::Float;
    } else if (c == '"') {
      while (true) {
        if (end >= n || text[end] == '\r' || text[end] == '\n')
          return false; // UNTERMINATED_STRING
        if (text[end] == '"')
          break;
        if (text[end] == '\\') {
          if (end + 1 >= n || text[end + 1] == '\r' || text[end + 1] == '\n')
            return false;
          ++end;
        }
        ++end;
      }
      ++end;
      kind = Tok::String;
    } else {
      end = i + punctuation(text, i, kind);
      if (end == i)
        return false; // UNKNOWN, including any byte outside ASCII
    }
    if (limits.exceededBy(kind))
      return false;
    tokens.push_back(
        {kind, static_cast<unsigned>(i), static_cast<unsigned>(end)});
    i = end;
  }
  tokens.push_back(
      {Tok::End, static_cast<unsigned>(n), static_cast<unsigned>(n)});
  return true;
}

} // namespace tessera::direct
