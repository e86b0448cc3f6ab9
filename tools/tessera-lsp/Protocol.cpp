#include "Protocol.h"

namespace tessera::lsp {

bool fromJSON(const llvm::json::Value &value, DocumentParams &result,
              llvm::json::Path path) {
  llvm::json::ObjectMapper o(value, path);
  return o && o.map("textDocument", result.textDocument);
}

bool fromJSON(const llvm::json::Value &, FilesChangedParams &,
              llvm::json::Path) {
  return true;
}

} // namespace tessera::lsp
