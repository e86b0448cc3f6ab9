#include "Server.h"

#include "Documents.h"
#include "Features.h"
#include "Protocol.h"

#include "mlir/Tools/lsp-server-support/Logging.h"

namespace tessera::lsp {

using namespace mlir::lsp;

namespace {

class Server {
public:
  Server(MessageHandler &handler, const ServerOptions &options)
      : options(options) {
    handler.method("initialize", this, &Server::onInitialize);
    handler.notification("initialized", this, &Server::onInitialized);
    handler.method("shutdown", this, &Server::onShutdown);
    handler.notification("textDocument/didOpen", this, &Server::onDidOpen);
    handler.notification("textDocument/didChange", this, &Server::onDidChange);
    handler.notification("textDocument/didClose", this, &Server::onDidClose);
    handler.notification("workspace/didChangeWatchedFiles", this,
                         &Server::onFilesChanged);
    handler.method("textDocument/hover", this, &Server::onHover);
    handler.method("textDocument/definition", this, &Server::onDefinition);
    handler.method("textDocument/references", this, &Server::onReferences);
    handler.method("textDocument/documentSymbol", this,
                   &Server::onDocumentSymbol);
    handler.method("textDocument/completion", this, &Server::onCompletion);
    handler.method("textDocument/signatureHelp", this,
                   &Server::onSignatureHelp);
    handler.method("textDocument/semanticTokens/full", this,
                   &Server::onSemanticTokens);
    handler.method("textDocument/inlayHint", this, &Server::onInlayHint);
    handler.method("textDocument/formatting", this, &Server::onFormatting);

    publishDiagnostics = handler.outgoingNotification<PublishDiagnosticsParams>(
        "textDocument/publishDiagnostics");
    docs = std::make_unique<DocumentStore>(
        options.analysis,
        [this](const URIForFile &uri, int64_t version,
               std::vector<mlir::lsp::Diagnostic> diagnostics) {
          PublishDiagnosticsParams p(uri, version);
          p.diagnostics = std::move(diagnostics);
          publishDiagnostics(p);
        },
        options.synchronous, options.checkInterval);
  }

  void stop() { docs->stop(); }
  bool shutdownRequested = false;

private:
  //===------------------------------------------------------------------===//
  // Lifetime

  void onInitialize(const InitializeParams &,
                    Callback<llvm::json::Value> reply) {
    llvm::json::Object capabilities{
        {"positionEncoding", "utf-16"},
        {"textDocumentSync",
         llvm::json::Object{
             {"openClose", true},
             {"change", static_cast<int>(TextDocumentSyncKind::Full)},
             {"save", false},
         }},
        {"hoverProvider", true},
        {"definitionProvider", true},
        {"referencesProvider", true},
        {"documentSymbolProvider", true},
        {"completionProvider", llvm::json::Object{{"triggerCharacters", {"."}},
                                                  {"resolveProvider", false}}},
        {"signatureHelpProvider",
         llvm::json::Object{{"triggerCharacters", {"(", ","}},
                            {"retriggerCharacters", {","}}}},
        {"semanticTokensProvider",
         llvm::json::Object{{"legend", semanticTokensLegend()},
                            {"full", true},
                            {"range", false}}},
        {"inlayHintProvider", true},
        {"documentFormattingProvider", true},
    };
    reply(llvm::json::Object{
        {"serverInfo",
         llvm::json::Object{{"name", "tessera-lsp"}, {"version", "0.1.0"}}},
        {"capabilities", std::move(capabilities)},
    });
  }

  void onInitialized(const InitializedParams &) {}

  void onShutdown(const NoParams &, Callback<std::nullptr_t> reply) {
    shutdownRequested = true;
    reply(nullptr);
  }

  //===------------------------------------------------------------------===//
  // Documents

  void onDidOpen(const DidOpenTextDocumentParams &p) {
    docs->open(p.textDocument.uri, p.textDocument.text, p.textDocument.version);
  }

  void onDidChange(const DidChangeTextDocumentParams &p) {
    if (!docs->change(p.textDocument.uri, p.contentChanges,
                      p.textDocument.version))
      Logger::error("cannot apply the change to {0} (version {1})",
                    p.textDocument.uri.file(), p.textDocument.version);
  }

  void onDidClose(const DidCloseTextDocumentParams &p) {
    docs->close(p.textDocument.uri);
  }

  // A .tsr file changed on disk: documents importing it may now check
  // differently.
  void onFilesChanged(const FilesChangedParams &) { docs->recheckAll(); }

  //===------------------------------------------------------------------===//
  // Features

  void onHover(const TextDocumentPositionParams &p,
               Callback<std::optional<Hover>> reply) {
    auto a = docs->current(p.textDocument.uri);
    reply(a ? hover(*a, p.position) : std::nullopt);
  }

  void onDefinition(const TextDocumentPositionParams &p,
                    Callback<std::vector<Location>> reply) {
    auto a = docs->current(p.textDocument.uri);
    reply(a ? definition(*a, p.textDocument.uri, p.position, options.analysis)
            : std::vector<Location>());
  }

  void onReferences(const ReferenceParams &p,
                    Callback<std::vector<Location>> reply) {
    auto a = docs->current(p.textDocument.uri);
    reply(a ? references(*a, p.textDocument.uri, p.position,
                         p.context.includeDeclaration)
            : std::vector<Location>());
  }

  void onDocumentSymbol(const DocumentSymbolParams &p,
                        Callback<std::vector<DocumentSymbol>> reply) {
    auto a = docs->current(p.textDocument.uri);
    reply(a ? documentSymbols(*a) : std::vector<DocumentSymbol>());
  }

  void onCompletion(const CompletionParams &p, Callback<CompletionList> reply) {
    auto a = docs->current(p.textDocument.uri);
    reply(a ? completion(*a, p.position) : CompletionList());
  }

  void onSignatureHelp(const TextDocumentPositionParams &p,
                       Callback<llvm::json::Value> reply) {
    auto a = docs->current(p.textDocument.uri);
    std::optional<SignatureHelp> help;
    if (a)
      help = signatureHelp(*a, p.position);
    reply(help ? llvm::json::Value(*help) : llvm::json::Value(nullptr));
  }

  void onSemanticTokens(const DocumentParams &p,
                        Callback<llvm::json::Value> reply) {
    auto a = docs->current(p.textDocument.uri);
    llvm::json::Array data;
    if (a)
      for (uint32_t x : semanticTokens(*a))
        data.push_back(static_cast<int64_t>(x));
    reply(llvm::json::Object{{"data", std::move(data)}});
  }

  void onInlayHint(const InlayHintsParams &p,
                   Callback<std::vector<InlayHint>> reply) {
    auto a = docs->current(p.textDocument.uri);
    reply(a ? inlayHints(*a, p.range) : std::vector<InlayHint>());
  }

  void onFormatting(const DocumentParams &p,
                    Callback<std::vector<TextEdit>> reply) {
    auto a = docs->current(p.textDocument.uri);
    reply(a ? formatting(*a) : std::vector<TextEdit>());
  }

  const ServerOptions &options;
  OutgoingNotification<PublishDiagnosticsParams> publishDiagnostics;
  std::unique_ptr<DocumentStore> docs;
};

} // namespace

llvm::LogicalResult runServer(JSONTransport &transport,
                              const ServerOptions &options) {
  MessageHandler handler(transport);
  Server server(handler, options);
  llvm::Error error = transport.run(handler);
  server.stop();
  if (error) {
    Logger::error("transport error: {0}", error);
    llvm::consumeError(std::move(error));
    return llvm::failure();
  }
  return llvm::success(server.shutdownRequested);
}

} // namespace tessera::lsp
