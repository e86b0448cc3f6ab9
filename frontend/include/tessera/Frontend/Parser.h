// Source text -> AST. Syntax errors go to the diagnostics engine with their
// source ranges; the returned module holds whatever parsed.
#pragma once

#include "tessera/Frontend/AST.h"
#include "tessera/Frontend/Diagnostics.h"

#include <optional>

namespace tessera {

// Parses `file`; returns std::nullopt when there were syntax errors.
std::optional<ast::Module> parseModule(const SourceFile &file,
                                       DiagnosticEngine &diags);

namespace detail {
// The two parsers parseModule runs, for tests that check they agree. Both
// expect `file` to be UTF-8 (parseModule checks that first).
//
// The direct parser: valid input only; std::nullopt, reporting nothing,
// for anything it leaves to the ANTLR parser.
std::optional<ast::Module> parseDirect(const SourceFile &file);
// The ANTLR parser: any input, with errors reported and recovered from.
std::optional<ast::Module> parseWithANTLR(const SourceFile &file,
                                          DiagnosticEngine &diags);
} // namespace detail

} // namespace tessera
