// The token stream of .tsr source with byte offsets, comments included: what
// the language server colours (semantic tokens) and reads the cursor's
// context from (completion, signature help) even when the file does not
// parse. The same lexer as the parser's (grammar/Tessera.g4).
#pragma once

#include <string>
#include <vector>

namespace tessera {

struct LexToken {
  enum class Kind {
    Keyword,     // module import ... true false
    Name,        // [A-Za-z_][A-Za-z_0-9]*
    Number,      // 42, 0.5, 1e-3
    String,      // "...", also an unterminated one
    Comment,     // // and /* */, also an unterminated one
    Operator,    // + - * / % @ ** ! == != < <= > >= && || => -> =
    Punctuation, // ( ) [ ] { } , : .
    Invalid,     // a character the language does not have
  };
  Kind kind;
  unsigned begin; // byte offsets, [begin, end)
  unsigned end;
};

// Every token of `text`, in order. Never fails: what the language does not
// know becomes Invalid tokens.
std::vector<LexToken> lexSource(const std::string &text);

} // namespace tessera
