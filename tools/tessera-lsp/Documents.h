// The open documents, and when they are checked. didOpen and didChange only
// record the new text; a worker thread checks it and publishes diagnostics,
// at most once per interval per document while edits keep coming (a burst
// of edits costs a few checks, not one each), and always for the latest
// version once they stop. Requests get the analysis of the latest text,
// checking it then if the worker has not yet.
#pragma once

#include "Document.h"

#include "mlir/Tools/lsp-server-support/Protocol.h"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace tessera::lsp {

class DocumentStore {
public:
  using Publisher =
      std::function<void(const mlir::lsp::URIForFile &, int64_t version,
                         std::vector<mlir::lsp::Diagnostic>)>;

  // `synchronous`: check and publish inside open() and change(), in the
  // order the messages came (lit tests); no worker thread.
  DocumentStore(AnalysisOptions options, Publisher publish, bool synchronous,
                std::chrono::milliseconds interval);
  ~DocumentStore();

  void open(const mlir::lsp::URIForFile &uri, std::string text,
            int64_t version);
  // False when the document is not open or a change does not apply.
  bool
  change(const mlir::lsp::URIForFile &uri,
         const std::vector<mlir::lsp::TextDocumentContentChangeEvent> &changes,
         int64_t version);
  // Forgets the document and clears its diagnostics.
  void close(const mlir::lsp::URIForFile &uri);
  // Checks every open document again (a file they may import changed).
  void recheckAll();
  // The analysis of the document's latest text; null when it is not open.
  std::shared_ptr<const Analysis> current(const mlir::lsp::URIForFile &uri);
  // Stops the worker (waits for a check in progress).
  void stop();

  const AnalysisOptions &options() const { return options_; }

private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    mlir::lsp::URIForFile uri;
    std::string text;
    int64_t version = 0;
    // Every open and change gets the next generation, store-wide: a check
    // of an older text (of a document closed and opened again too) is
    // never taken for the current one.
    uint64_t opened = 0, generation = 0;
    bool dirty = false;
    Clock::time_point lastCheck;
    std::shared_ptr<const Analysis> analysis; // of some generation
    uint64_t analysisGeneration = 0, publishedGeneration = 0;
  };

  void work();
  void publish(const mlir::lsp::URIForFile &uri, const Analysis &a);

  AnalysisOptions options_;
  Publisher publish_;
  bool synchronous_;
  std::chrono::milliseconds interval_;

  std::mutex mutex_; // guards docs_ and stopping_
  std::condition_variable wake_;
  std::map<std::string, Entry> docs_; // by file path
  bool stopping_ = false;
  uint64_t generations_ = 0;
  // Held while a document's diagnostics are sent, so that a close's empty
  // list is never followed by an older check's.
  std::mutex publishMutex_;
  std::thread worker_;
};

} // namespace tessera::lsp
