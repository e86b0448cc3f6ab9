// One diagnostics engine for the compiler and the language server: the
// frontend reports into it; tools render it as text, the server as LSP
// diagnostics. Rendering follows clang: `file:line:col: error: message`, the
// source line, and a caret under the range.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace tessera {

// A source file held in memory, with its line starts for offset -> line/col.
class SourceFile {
public:
  SourceFile(std::string path, std::string text);

  const std::string &path() const { return path_; }
  const std::string &text() const { return text_; }

  // 1-based line and column (in bytes) of a byte offset.
  unsigned line(unsigned offset) const;
  unsigned column(unsigned offset) const;
  // The text of a 1-based line, without its line break.
  std::string lineText(unsigned line) const;

private:
  std::string path_;
  std::string text_;
  std::vector<unsigned> lineStarts_;
};

// A half-open byte range [begin, end) in one file.
struct SourceRange {
  const SourceFile *file = nullptr;
  unsigned begin = 0;
  unsigned end = 0;

  bool valid() const { return file != nullptr; }
  // "file:line:col"
  std::string str() const;
};

enum class Severity { Error, Warning, Note };

struct Diagnostic {
  Severity severity = Severity::Error;
  SourceRange range;
  std::string message;
  std::vector<Diagnostic> notes;

  Diagnostic &note(SourceRange where, std::string msg);
};

class DiagnosticEngine {
public:
  Diagnostic &error(SourceRange where, std::string msg);
  Diagnostic &warning(SourceRange where, std::string msg);

  // Treat warnings as errors (-Werror).
  void setWarningsAsErrors(bool on) { warningsAsErrors_ = on; }
  // After this many errors, later ones are counted but not kept, so that a
  // pathological file cannot flood the terminal (0: no limit).
  void setErrorLimit(unsigned limit) { errorLimit_ = limit; }

  unsigned errorCount() const;
  bool hasErrors() const { return errorCount() != 0; }
  const std::vector<Diagnostic> &diagnostics() const { return diags_; }

  // clang-style text for every diagnostic from the `from`-th on, in the
  // order reported.
  std::string render(size_t from = 0) const;

private:
  Diagnostic &add(Diagnostic d);

  std::vector<Diagnostic> diags_;
  bool warningsAsErrors_ = false;
  unsigned errorLimit_ = 50;
  unsigned dropped_ = 0;
  Diagnostic sink_; // where notes on dropped diagnostics go
};

// Renders one diagnostic (and its notes) as text.
std::string renderDiagnostic(const Diagnostic &d);

} // namespace tessera
