// Protocol messages that MLIR's LSP support library does not define.
#pragma once

#include "mlir/Tools/lsp-server-support/Protocol.h"

namespace tessera::lsp {

// textDocument/semanticTokens/full and textDocument/formatting carry the
// document (formatting's options are not used: there is one layout).
struct DocumentParams {
  mlir::lsp::TextDocumentIdentifier textDocument;
};

bool fromJSON(const llvm::json::Value &value, DocumentParams &result,
              llvm::json::Path path);

// workspace/didChangeWatchedFiles: which files changed is not needed, every
// open document is checked again.
struct FilesChangedParams {};

bool fromJSON(const llvm::json::Value &value, FilesChangedParams &result,
              llvm::json::Path path);

} // namespace tessera::lsp
