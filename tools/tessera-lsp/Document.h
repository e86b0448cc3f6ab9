// One version of one open document, analysed: its text, the positions of
// its lines in the protocol's units (UTF-16 code units), its tokens, and what
// the frontend made of it (the same parseModule + checkModule as tesserac).
// An Analysis never changes once built, so request handlers and the
// diagnostics worker can share it.
#pragma once

#include "Index.h"

#include "tessera/Frontend/AST.h"
#include "tessera/Frontend/Diagnostics.h"
#include "tessera/Frontend/Lexer.h"
#include "tessera/Frontend/Sema.h"

#include "mlir/Tools/lsp-server-support/Protocol.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace tessera::lsp {

// Byte offsets in a text <-> protocol positions, whose `character` counts
// UTF-16 code units from the start of the line. Lines end at '\n'. Out of
// range positions are clamped to the end of their line or of the text.
class LineTable {
public:
  // `text` must outlive the table.
  explicit LineTable(const std::string &text);

  mlir::lsp::Position position(unsigned offset) const;
  unsigned offset(const mlir::lsp::Position &position) const;
  mlir::lsp::Range range(unsigned begin, unsigned end) const;
  // UTF-16 code units in [begin, end).
  unsigned utf16Length(unsigned begin, unsigned end) const;

private:
  const std::string &text_;
  std::vector<unsigned> starts_;
  std::vector<bool> ascii_; // per line: every byte < 0x80
};

struct AnalysisOptions {
  // Where `import a.b` looks after the document's own folder (-I).
  std::vector<std::string> includeDirs;
};

struct Analysis {
  Analysis(std::string path, std::string text, int64_t version);
  Analysis(const Analysis &) = delete;
  Analysis &operator=(const Analysis &) = delete;

  const std::string &text() const { return file->text(); }
  const std::string &path() const { return file->path(); }
  // The newest analysis of this document whose text parsed: this one, or
  // an earlier one (completion and signature help read names and types from
  // it while the text is being edited); null when none did.
  const Analysis *parsed() const {
    return module ? this : previousParsed.get();
  }
  // The index of the last token that starts before `offset`, or -1.
  int tokenBefore(unsigned offset) const;
  // The token containing `offset`, or null.
  const LexToken *tokenAt(unsigned offset) const;

  // The tokens and the index are made on first use, by requests, so that
  // they cost nothing on the way from an edit to its diagnostics.
  const std::vector<LexToken> &tokens() const;
  const Index &index() const; // empty when the text does not parse

  std::unique_ptr<SourceFile> file;
  int64_t version;
  LineTable lines;
  DiagnosticEngine diags;
  std::optional<ast::Module> module; // null when the text does not parse
  SemaResult sema;
  std::shared_ptr<const Analysis> previousParsed;

private:
  mutable std::once_flag lexed_, indexed_;
  mutable std::vector<LexToken> tokens_;
  mutable Index index_;
};

// Parses and checks `text`; `previous` is the document's last analysis.
std::shared_ptr<const Analysis>
analyze(const std::string &path, std::string text, int64_t version,
        const AnalysisOptions &options,
        std::shared_ptr<const Analysis> previous);

// The frontend (its ANTLR parser) runs one text at a time: whatever parses
// or formats outside analyze() holds this.
std::unique_lock<std::mutex> lockFrontend();

// Runs `work` on a thread of its own with a large stack, and waits for it:
// the frontend and the index recurse as deep as the language's limits allow
// (docs/language.md, "Limits"), whatever thread needs them.
void withDeepStack(llvm::function_ref<void()> work);

// Applies one didChange content change (a whole text, or a range in
// protocol units) to `text`; false when the range is not in the text.
bool applyChange(std::string &text,
                 const mlir::lsp::TextDocumentContentChangeEvent &change);

} // namespace tessera::lsp
