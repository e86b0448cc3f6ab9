// The direct parser's lexer: the tokens of grammar/Tessera.g4 for input that
// has no lexical error, straight from the bytes, without ANTLR.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::direct {

enum class Tok : uint8_t {
  End, // end of input
  Ident,
  Int,
  Float,
  String,
  // Keywords.
  Module,
  Import,
  As,
  Entry,
  Op,
  Train,
  With,
  Adjoint,
  Const,
  Param,
  Policy,
  Mesh,
  Let,
  Return,
  Minimize,
  True,
  False,
  // Punctuation and operators.
  Dot,
  LParen,
  RParen,
  Arrow, // ->
  Comma,
  Colon,
  Assign, // =
  LBracket,
  RBracket,
  At,
  LBrace,
  RBrace,
  StarStar,
  Minus,
  Bang,
  Star,
  Slash,
  Percent,
  Plus,
  EqEq,
  NotEq,
  Less,
  LessEq,
  Greater,
  GreaterEq,
  AndAnd,
  OrOr,
  FatArrow, // =>
};

struct Token {
  Tok kind;
  unsigned begin; // byte offsets, [begin, end)
  unsigned end;
};

// The tokens of `text` that the parser sees (comments and white space
// dropped), ending with one Tok::End. Returns false, with `tokens`
// unspecified, when the text has anything the ANTLR lexer would report
// (an unknown character, an unterminated string or comment) or exceeds the
// limits on nesting and operators per statement (docs/language.md,
// "Limits"), counted exactly as Parser.cpp's checkLimits counts them: such
// input is left to the ANTLR parser, which reports it.
bool lex(const std::string &text, std::vector<Token> &tokens);

} // namespace tessera::direct
