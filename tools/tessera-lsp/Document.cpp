#include "Document.h"

#include "tessera/Frontend/Parser.h"

#include "mlir/Tools/lsp-server-support/Logging.h"
#include "llvm/Support/thread.h"

#include <algorithm>
#include <chrono>

namespace tessera::lsp {

using mlir::lsp::Position;

//===----------------------------------------------------------------------===//
// LineTable
//===----------------------------------------------------------------------===//

namespace {

bool isContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// UTF-16 code units of the code point starting with byte `c`.
unsigned unitsOf(unsigned char c) { return c >= 0xF0 ? 2 : 1; }

} // namespace

LineTable::LineTable(const std::string &text) : text_(text) {
  starts_.push_back(0);
  bool ascii = true;
  for (unsigned i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80)
      ascii = false;
    if (c == '\n') {
      ascii_.push_back(ascii);
      starts_.push_back(i + 1);
      ascii = true;
    }
  }
  ascii_.push_back(ascii);
}

unsigned LineTable::utf16Length(unsigned begin, unsigned end) const {
  end = std::min<unsigned>(end, text_.size());
  unsigned units = 0;
  for (unsigned i = begin; i < end; ++i) {
    auto c = static_cast<unsigned char>(text_[i]);
    if (!isContinuation(c))
      units += unitsOf(c);
  }
  return units;
}

Position LineTable::position(unsigned offset) const {
  offset = std::min<unsigned>(offset, text_.size());
  auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  auto line = static_cast<unsigned>(it - starts_.begin()) - 1;
  unsigned start = starts_[line];
  unsigned character =
      ascii_[line] ? offset - start : utf16Length(start, offset);
  return Position(static_cast<int>(line), static_cast<int>(character));
}

unsigned LineTable::offset(const Position &p) const {
  if (p.line < 0)
    return 0;
  if (static_cast<size_t>(p.line) >= starts_.size())
    return static_cast<unsigned>(text_.size());
  unsigned start = starts_[p.line];
  unsigned end = static_cast<size_t>(p.line) + 1 < starts_.size()
                     ? starts_[p.line + 1] - 1 // the '\n'
                     : static_cast<unsigned>(text_.size());
  if (p.character <= 0)
    return start;
  auto want = static_cast<unsigned>(p.character);
  if (ascii_[p.line])
    return std::min(start + want, end);
  unsigned units = 0, i = start;
  while (i < end && units < want) {
    units += unitsOf(static_cast<unsigned char>(text_[i]));
    ++i;
    while (i < end && isContinuation(static_cast<unsigned char>(text_[i])))
      ++i;
  }
  return i;
}

mlir::lsp::Range LineTable::range(unsigned begin, unsigned end) const {
  return mlir::lsp::Range(position(begin), position(std::max(begin, end)));
}

//===----------------------------------------------------------------------===//
// Analysis
//===----------------------------------------------------------------------===//

Analysis::Analysis(std::string path, std::string text, int64_t version)
    : file(std::make_unique<SourceFile>(std::move(path), std::move(text))),
      version(version), lines(file->text()) {}

int Analysis::tokenBefore(unsigned offset) const {
  const std::vector<LexToken> &toks = tokens();
  auto it = std::lower_bound(
      toks.begin(), toks.end(), offset,
      [](const LexToken &t, unsigned off) { return t.begin < off; });
  return static_cast<int>(it - toks.begin()) - 1;
}

const LexToken *Analysis::tokenAt(unsigned offset) const {
  int i = tokenBefore(offset + 1);
  if (i < 0 || offset >= tokens()[i].end)
    return nullptr;
  return &tokens()[i];
}

std::unique_lock<std::mutex> lockFrontend() {
  static std::mutex frontend;
  return std::unique_lock<std::mutex>(frontend);
}

const std::vector<LexToken> &Analysis::tokens() const {
  std::call_once(lexed_, [this] {
    auto lock = lockFrontend();
    tokens_ = lexSource(text());
  });
  return tokens_;
}

const Index &Analysis::index() const {
  std::call_once(indexed_, [this] {
    if (module)
      withDeepStack([this] { index_ = buildIndex(*module, sema, *file); });
  });
  return index_;
}

void withDeepStack(llvm::function_ref<void()> work) {
  constexpr unsigned kStackBytes = 256u << 20;
  llvm::thread t(std::optional<unsigned>(kStackBytes), [work] { work(); });
  t.join();
}

std::shared_ptr<const Analysis>
analyze(const std::string &path, std::string text, int64_t version,
        const AnalysisOptions &options,
        std::shared_ptr<const Analysis> previous) {
  using Clock = std::chrono::steady_clock;
  auto ms = [](Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
  };
  Clock::time_point t0 = Clock::now();
  auto a = std::make_shared<Analysis>(path, std::move(text), version);
  Clock::time_point t1, t2;
  {
    auto lock = lockFrontend();
    withDeepStack([&] {
      t1 = Clock::now();
      a->module = parseModule(*a->file, a->diags);
      t2 = Clock::now();
      if (a->module) {
        SemaOptions sema;
        sema.includeDirs = options.includeDirs;
        checkModule(*a->module, a->diags, a->sema, sema);
      }
    });
  }
  if (!a->module && previous)
    a->previousParsed = previous->module ? previous : previous->previousParsed;
  Clock::time_point t3 = Clock::now();
  mlir::lsp::Logger::debug(
      "analysed {0} version {1} in {2:F1} ms: parse {3:F1}, check {4:F1}", path,
      version, ms(t0, t3), ms(t1, t2), ms(t2, t3));
  return a;
}

bool applyChange(std::string &text,
                 const mlir::lsp::TextDocumentContentChangeEvent &change) {
  if (!change.range) {
    text = change.text;
    return true;
  }
  LineTable lines(text);
  unsigned begin = lines.offset(change.range->start);
  unsigned end = lines.offset(change.range->end);
  if (end < begin)
    return false;
  text.replace(begin, end - begin, change.text);
  return true;
}

} // namespace tessera::lsp
