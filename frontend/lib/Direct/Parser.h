// The direct parser: a hand-written recursive-descent parser that builds the
// AST straight from the tokens, for input without errors. It is what makes
// parsing fast: ANTLR's parser (Parser.cpp) builds a parse tree first and
// predicts adaptively at every decision, several times slower.
//
// grammar/Tessera.g4 stays the definition of the language, and the ANTLR
// parser the reference: the direct parser accepts only input that the ANTLR
// parser accepts, and builds the same AST for it (tests/unit/frontend
// compares the two on every .tsr file of the tree, the fuzzer on its
// inputs). On anything else it gives up and parseModule runs the ANTLR
// parser, which reports the errors and recovers from them.
#pragma once

#include "tessera/Frontend/AST.h"

#include <optional>

namespace tessera::direct {

// The AST of `file`, or std::nullopt when the direct parser leaves `file`
// to the ANTLR parser (a lexical or syntax error, a limit exceeded, a lambda
// whose parameters are not names). Reports nothing.
std::optional<ast::Module> parse(const SourceFile &file);

} // namespace tessera::direct
