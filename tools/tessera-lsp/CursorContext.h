// What surrounds the cursor, read from the tokens of the current text (which
// need not parse while it is being typed): the call whose parentheses hold
// the cursor, the names in scope there, and what a callee's parameters are.
// Types come from the newest analysis that parsed.
#pragma once

#include "Document.h"

#include <optional>
#include <string>
#include <vector>

namespace tessera::lsp {

// What may be typed at the cursor.
struct CompletionSite {
  enum class What {
    Nothing,  // inside a comment or a string
    Member,   // after `base.`
    Type,     // after `x:` in a declaration, or `->`: a dtype
    Dim,      // inside a tensor type's brackets
    Anything, // an expression or a statement
  };
  What what = What::Anything;
  std::string base;          // Member: the name before the '.'
  bool constructors = false; // Type after `param x:`: also mlp(...)
  unsigned prefixBegin = 0;  // where the name being typed starts
};

CompletionSite completionSiteAt(const Analysis &a, unsigned offset);

struct CallContext {
  std::string callee;        // `softmax` in `softmax(` and in `nn.softmax(`
  unsigned openParen;        // its '(' (byte offset)
  unsigned argIndex;         // arguments before the cursor's
  unsigned positionalBefore; // of which positional: they bind the first
  std::string keyword;       // the cursor's argument is `keyword: ...`
  bool atArgumentStart;      // nothing but a partial name before the cursor
  std::vector<std::string> keywordsGiven; // `name:` in this call
};

// The innermost call whose parentheses hold `offset`.
std::optional<CallContext> callAt(const Analysis &a, unsigned offset);

struct ScopeName {
  std::string name;
  DeclKind kind;
  std::string detail; // its type, when known
};

// The names visible at `offset`: the enclosing function's dims, parameters
// and earlier lets, then the module's declarations.
std::vector<ScopeName> namesInScope(const Analysis &a, unsigned offset);

struct CalleeSignature {
  std::string label; // "softmax(x, axis)", "layer[B](x: f32[B, 64]) -> ..."
  std::string documentation;
  std::vector<std::string> params;                        // names
  std::vector<std::pair<unsigned, unsigned>> paramLabels; // in `label`
};

// A builtin's or a user op's signature, by the name it is called with.
std::optional<CalleeSignature> calleeSignature(const Analysis &a,
                                               const std::string &callee);

} // namespace tessera::lsp
