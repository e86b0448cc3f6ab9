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

} // namespace tessera
