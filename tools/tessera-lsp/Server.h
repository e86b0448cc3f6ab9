// The language server: the protocol's messages mapped onto the document
// store (Documents.h) and the features (Features.h).
#pragma once

#include "Document.h"

#include "mlir/Tools/lsp-server-support/Transport.h"
#include "llvm/Support/LogicalResult.h"

#include <chrono>

namespace tessera::lsp {

struct ServerOptions {
  AnalysisOptions analysis;
  // Check and publish each change before reading the next message (lit
  // tests); otherwise a worker thread checks, rate-limited per document.
  bool synchronous = false;
  std::chrono::milliseconds checkInterval{50};
};

// Serves over `transport` until `exit` or the end of the input; success
// when `shutdown` came first, as the protocol asks.
llvm::LogicalResult runServer(mlir::lsp::JSONTransport &transport,
                              const ServerOptions &options);

} // namespace tessera::lsp
