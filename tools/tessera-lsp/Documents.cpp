#include "Documents.h"

#include "Features.h"

#include "mlir/Tools/lsp-server-support/Logging.h"

namespace tessera::lsp {

using mlir::lsp::Logger;
using mlir::lsp::URIForFile;

DocumentStore::DocumentStore(AnalysisOptions options, Publisher publish,
                             bool synchronous,
                             std::chrono::milliseconds interval)
    : options_(std::move(options)), publish_(std::move(publish)),
      synchronous_(synchronous), interval_(interval) {
  if (!synchronous_)
    worker_ = std::thread([this] { work(); });
}

DocumentStore::~DocumentStore() { stop(); }

void DocumentStore::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable())
    worker_.join();
}

void DocumentStore::publish(const URIForFile &uri, const Analysis &a) {
  publish_(uri, a.version, toProtocolDiagnostics(a, uri));
}

void DocumentStore::open(const URIForFile &uri, std::string text,
                         int64_t version) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Entry &e = docs_[uri.file().str()];
    e = Entry();
    e.uri = uri;
    e.text = std::move(text);
    e.version = version;
    e.opened = e.generation = ++generations_;
    e.dirty = true;
  }
  if (!synchronous_) {
    wake_.notify_all();
    return;
  }
  if (std::shared_ptr<const Analysis> a = current(uri)) {
    std::lock_guard<std::mutex> lock(publishMutex_);
    publish(uri, *a);
  }
}

bool DocumentStore::change(
    const URIForFile &uri,
    const std::vector<mlir::lsp::TextDocumentContentChangeEvent> &changes,
    int64_t version) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = docs_.find(uri.file().str());
    if (it == docs_.end())
      return false;
    Entry &e = it->second;
    std::string text = e.text;
    for (const auto &c : changes)
      if (!applyChange(text, c))
        return false;
    e.text = std::move(text);
    e.version = version;
    e.generation = ++generations_;
    e.dirty = true;
  }
  if (!synchronous_) {
    wake_.notify_all();
    return true;
  }
  if (std::shared_ptr<const Analysis> a = current(uri)) {
    std::lock_guard<std::mutex> lock(publishMutex_);
    publish(uri, *a);
  }
  return true;
}

void DocumentStore::close(const URIForFile &uri) {
  int64_t version;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = docs_.find(uri.file().str());
    if (it == docs_.end())
      return;
    version = it->second.version;
    docs_.erase(it);
  }
  std::lock_guard<std::mutex> lock(publishMutex_);
  publish_(uri, version, {});
}

void DocumentStore::recheckAll() {
  std::vector<URIForFile> uris;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto &[path, e] : docs_) {
      e.generation = ++generations_;
      e.dirty = true;
      uris.push_back(e.uri);
    }
  }
  if (!synchronous_) {
    wake_.notify_all();
    return;
  }
  for (const URIForFile &uri : uris)
    if (std::shared_ptr<const Analysis> a = current(uri)) {
      std::lock_guard<std::mutex> lock(publishMutex_);
      publish(uri, *a);
    }
}

std::shared_ptr<const Analysis> DocumentStore::current(const URIForFile &uri) {
  std::string path = uri.file().str(), text;
  int64_t version;
  uint64_t generation;
  std::shared_ptr<const Analysis> previous;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = docs_.find(path);
    if (it == docs_.end())
      return nullptr;
    Entry &e = it->second;
    if (e.analysis && e.analysisGeneration == e.generation)
      return e.analysis;
    text = e.text;
    version = e.version;
    generation = e.generation;
    previous = e.analysis;
  }
  std::shared_ptr<const Analysis> a =
      analyze(path, std::move(text), version, options_, std::move(previous));
  std::shared_ptr<const Analysis> retired;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = docs_.find(path);
    if (it != docs_.end() && generation >= it->second.opened &&
        generation > it->second.analysisGeneration) {
      retired = std::move(it->second.analysis);
      it->second.analysis = a;
      it->second.analysisGeneration = generation;
    }
  }
  return a;
}

void DocumentStore::work() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    // A document with unchecked edits whose last check is an interval ago.
    Clock::time_point now = Clock::now(), wakeAt = Clock::time_point::max();
    Entry *next = nullptr;
    for (auto &[path, e] : docs_) {
      if (!e.dirty)
        continue;
      Clock::time_point due = e.lastCheck + interval_;
      if (due <= now) {
        next = &e;
        break;
      }
      wakeAt = std::min(wakeAt, due);
    }
    if (!next) {
      if (wakeAt == Clock::time_point::max())
        wake_.wait(lock);
      else
        wake_.wait_until(lock, wakeAt);
      continue;
    }
    next->dirty = false;
    next->lastCheck = now;
    URIForFile uri = next->uri;
    std::string path = uri.file().str();
    uint64_t generation = next->generation;
    std::shared_ptr<const Analysis> a;
    if (next->analysis && next->analysisGeneration == generation)
      a = next->analysis; // a request checked it already
    std::string text = a ? std::string() : next->text;
    int64_t version = next->version;
    std::shared_ptr<const Analysis> previous = next->analysis;
    lock.unlock();

    if (!a)
      a = analyze(path, std::move(text), version, options_, previous);
    // The analysis this one replaces is freed after publishing: freeing a
    // large AST takes a while.
    std::shared_ptr<const Analysis> retired = std::move(previous);
    {
      std::lock_guard<std::mutex> publishing(publishMutex_);
      lock.lock();
      auto it = docs_.find(path);
      bool fresh = it != docs_.end() && generation >= it->second.opened &&
                   generation > it->second.publishedGeneration;
      if (fresh) {
        Entry &e = it->second;
        if (generation > e.analysisGeneration) {
          std::swap(e.analysis, retired);
          e.analysis = a;
          e.analysisGeneration = generation;
        }
        e.publishedGeneration = generation;
      }
      lock.unlock();
      if (fresh) {
        Logger::info("publishing diagnostics of {0} version {1}", path,
                     version);
        publish(uri, *a);
      }
    }
    retired.reset();
    a.reset();
    lock.lock();
  }
}

} // namespace tessera::lsp
