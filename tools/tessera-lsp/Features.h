// What the server answers, computed from one Analysis. Positions in and out
// are the protocol's (UTF-16 code units); each feature has its own file.
#pragma once

#include "Document.h"

#include "mlir/Tools/lsp-server-support/Protocol.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <vector>

namespace tessera::lsp {

// Diagnostics.cpp: errors and warnings, notes as related information.
// Diagnostics located in an imported file are shown at the import.
std::vector<mlir::lsp::Diagnostic>
toProtocolDiagnostics(const Analysis &analysis,
                      const mlir::lsp::URIForFile &uri);

// Hover.cpp: the checked type of the expression under the cursor; for a
// name, also what it is; for a builtin, its signature.
std::optional<mlir::lsp::Hover> hover(const Analysis &analysis,
                                      const mlir::lsp::Position &position);

// Navigation.cpp: go to definition, find references, document symbols.
std::vector<mlir::lsp::Location> definition(const Analysis &analysis,
                                            const mlir::lsp::URIForFile &uri,
                                            const mlir::lsp::Position &position,
                                            const AnalysisOptions &options);
std::vector<mlir::lsp::Location> references(const Analysis &analysis,
                                            const mlir::lsp::URIForFile &uri,
                                            const mlir::lsp::Position &position,
                                            bool includeDeclaration);
std::vector<mlir::lsp::DocumentSymbol>
documentSymbols(const Analysis &analysis);

// Completion.cpp: keywords, builtins, dtypes, names in scope, and the
// keyword arguments of the op being called.
mlir::lsp::CompletionList completion(const Analysis &analysis,
                                     const mlir::lsp::Position &position);

// SignatureHelp.cpp: the signature of the builtin or op being called and the
// argument the cursor is in; nullopt outside a call.
std::optional<mlir::lsp::SignatureHelp>
signatureHelp(const Analysis &analysis, const mlir::lsp::Position &position);

// SemanticTokens.cpp: the legend announced in `initialize`, and the encoded
// tokens of the whole document (textDocument/semanticTokens/full).
llvm::json::Object semanticTokensLegend();
std::vector<uint32_t> semanticTokens(const Analysis &analysis);

// InlayHints.cpp: `: f32[B, 128]` after the name of each `let` without a
// written type, within `range`.
std::vector<mlir::lsp::InlayHint> inlayHints(const Analysis &analysis,
                                             const mlir::lsp::Range &range);

// Formatting.cpp: the whole document in tessera-format's layout as one edit;
// no edit when it does not parse or is already formatted.
std::vector<mlir::lsp::TextEdit> formatting(const Analysis &analysis);

} // namespace tessera::lsp
