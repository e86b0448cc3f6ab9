// lexSource: the ANTLR lexer's tokens, classified, with byte offsets.
#include "tessera/Frontend/Lexer.h"

#include "tessera/Frontend/Files.h"

#include "TesseraLexer.h"
#include "antlr4-runtime.h"

#include <cctype>

namespace tessera {
namespace {

// The length of the valid UTF-8 prefix of `s` (ANTLR's input stream refuses
// invalid UTF-8; the parser reports it, the lexer here just stops there).
size_t validUtf8Prefix(const std::string &s) {
  long bad = firstInvalidUtf8(s);
  return bad < 0 ? s.size() : static_cast<size_t>(bad);
}

LexToken::Kind classify(const antlr4::Token &t, const std::string &text) {
  switch (t.getType()) {
  case TesseraLexer::IDENT:
    return LexToken::Kind::Name;
  case TesseraLexer::INT:
  case TesseraLexer::FLOAT:
    return LexToken::Kind::Number;
  case TesseraLexer::STRING:
  case TesseraLexer::UNTERMINATED_STRING:
    return LexToken::Kind::String;
  case TesseraLexer::LINE_COMMENT:
  case TesseraLexer::BLOCK_COMMENT:
  case TesseraLexer::UNTERMINATED_COMMENT:
    return LexToken::Kind::Comment;
  case TesseraLexer::UNKNOWN:
    return LexToken::Kind::Invalid;
  default:
    break;
  }
  if (!text.empty() && std::isalpha(static_cast<unsigned char>(text[0])))
    return LexToken::Kind::Keyword;
  static const char *punctuation[] = {"(", ")", "[", "]", "{",
                                      "}", ",", ":", "."};
  for (const char *p : punctuation)
    if (text == p)
      return LexToken::Kind::Punctuation;
  return LexToken::Kind::Operator;
}

} // namespace

std::vector<LexToken> lexSource(const std::string &text) {
  size_t valid = validUtf8Prefix(text);
  std::string prefix = text.substr(0, valid);
  // ANTLR indexes code points; map them to byte offsets.
  std::vector<unsigned> starts;
  for (unsigned i = 0; i < prefix.size(); ++i)
    if ((static_cast<unsigned char>(prefix[i]) & 0xC0) != 0x80)
      starts.push_back(i);
  starts.push_back(static_cast<unsigned>(prefix.size()));
  auto byteOffset = [&](size_t cp) {
    return cp < starts.size() ? starts[cp] : starts.back();
  };

  std::vector<LexToken> tokens;
  try {
    antlr4::ANTLRInputStream input(prefix);
    TesseraLexer lexer(&input);
    lexer.removeErrorListeners();
    for (auto t = lexer.nextToken(); t->getType() != antlr4::Token::EOF;
         t = lexer.nextToken()) {
      unsigned begin = byteOffset(t->getStartIndex());
      unsigned end = byteOffset(t->getStopIndex() + 1);
      tokens.push_back({classify(*t, t->getText()), begin, end});
    }
  } catch (const std::exception &) {
    // Keep what was lexed; the rest is reported by the parser.
  }
  unsigned lexed = tokens.empty() ? 0 : tokens.back().end;
  if (valid < text.size())
    tokens.push_back({LexToken::Kind::Invalid, std::max<unsigned>(lexed, valid),
                      static_cast<unsigned>(text.size())});
  return tokens;
}

} // namespace tessera
