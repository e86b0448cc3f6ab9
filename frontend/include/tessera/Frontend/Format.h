// The canonical layout of .tsr source (tessera-format, and the language
// server's formatting request). Works on the token stream, comments
// included, so nothing but whitespace ever changes.
#pragma once

#include "tessera/Frontend/Diagnostics.h"

#include <optional>
#include <string>

namespace tessera {

// The formatted text of `file`; nullopt (with the syntax errors reported)
// when it does not parse.
std::optional<std::string> formatSource(const SourceFile &file,
                                        DiagnosticEngine &diags);

} // namespace tessera
