#include "tessera/Frontend/Diagnostics.h"

#include <algorithm>

namespace tessera {

SourceFile::SourceFile(std::string path, std::string text)
    : path_(std::move(path)), text_(std::move(text)) {
  lineStarts_.push_back(0);
  for (unsigned i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n')
      lineStarts_.push_back(i + 1);
}

unsigned SourceFile::line(unsigned offset) const {
  auto it = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), offset);
  return static_cast<unsigned>(it - lineStarts_.begin());
}

unsigned SourceFile::column(unsigned offset) const {
  return offset - lineStarts_[line(offset) - 1] + 1;
}

std::string SourceFile::lineText(unsigned line) const {
  if (line == 0 || line > lineStarts_.size())
    return {};
  unsigned begin = lineStarts_[line - 1];
  unsigned end = line < lineStarts_.size()
                     ? lineStarts_[line] - 1
                     : static_cast<unsigned>(text_.size());
  std::string s = text_.substr(begin, end - begin);
  if (!s.empty() && s.back() == '\r')
    s.pop_back();
  return s;
}

std::string SourceRange::str() const {
  if (!file)
    return "<unknown>";
  return file->path() + ":" + std::to_string(file->line(begin)) + ":" +
         std::to_string(file->column(begin));
}

Diagnostic &Diagnostic::note(SourceRange where, std::string msg) {
  notes.push_back(Diagnostic{Severity::Note, where, std::move(msg), {}});
  return *this;
}

Diagnostic &DiagnosticEngine::add(Diagnostic d) {
  unsigned kept = static_cast<unsigned>(
      std::count_if(diags_.begin(), diags_.end(), [](const Diagnostic &x) {
        return x.severity == Severity::Error;
      }));
  if (errorLimit_ && kept >= errorLimit_) {
    if (d.severity == Severity::Error)
      ++dropped_;
    sink_ = Diagnostic{};
    return sink_;
  }
  diags_.push_back(std::move(d));
  return diags_.back();
}

Diagnostic &DiagnosticEngine::error(SourceRange where, std::string msg) {
  return add(Diagnostic{Severity::Error, where, std::move(msg), {}});
}

Diagnostic &DiagnosticEngine::warning(SourceRange where, std::string msg) {
  Severity s = warningsAsErrors_ ? Severity::Error : Severity::Warning;
  return add(Diagnostic{s, where, std::move(msg), {}});
}

unsigned DiagnosticEngine::errorCount() const {
  return dropped_ + static_cast<unsigned>(std::count_if(
                        diags_.begin(), diags_.end(), [](const Diagnostic &d) {
                          return d.severity == Severity::Error;
                        }));
}

static const char *severityName(Severity s) {
  switch (s) {
  case Severity::Error:
    return "error";
  case Severity::Warning:
    return "warning";
  case Severity::Note:
    return "note";
  }
  return "error";
}

// The source line with a caret under the first byte of the range and tildes
// under the rest of it (clipped to the line).
static std::string renderSnippet(const SourceRange &r) {
  const SourceFile &f = *r.file;
  unsigned line = f.line(r.begin);
  std::string text = f.lineText(line);
  unsigned col = f.column(r.begin);
  // A very long line is shown as a window around the caret.
  constexpr unsigned kWidth = 160;
  if (text.size() > kWidth) {
    unsigned start = col > kWidth / 2 ? col - kWidth / 2 : 1;
    text = text.substr(start - 1, kWidth);
    col -= start - 1;
  }
  std::string marker;
  for (unsigned i = 1; i < col && i <= text.size(); ++i)
    marker += text[i - 1] == '\t' ? '\t' : ' ';
  marker += '^';
  unsigned lineEnd = col + static_cast<unsigned>(text.size() - (col - 1));
  unsigned last =
      r.end > r.begin ? std::min(col + (r.end - r.begin), lineEnd) : col + 1;
  for (unsigned c = col + 1; c < last; ++c)
    marker += '~';
  // Keep stray control bytes from garbling a terminal.
  for (char &c : text)
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t')
      c = ' ';
  return text + "\n" + marker + "\n";
}

static void renderOne(const Diagnostic &d, std::string &out) {
  if (d.range.valid())
    out += d.range.str() + ": ";
  out += severityName(d.severity);
  out += ": " + d.message + "\n";
  if (d.range.valid())
    out += renderSnippet(d.range);
}

std::string renderDiagnostic(const Diagnostic &d) {
  std::string out;
  renderOne(d, out);
  for (const Diagnostic &n : d.notes)
    renderOne(n, out);
  return out;
}

std::string DiagnosticEngine::render(size_t from) const {
  std::string out;
  for (size_t i = from; i < diags_.size(); ++i)
    out += renderDiagnostic(diags_[i]);
  if (dropped_ && from <= diags_.size())
    out += "error: " + std::to_string(dropped_) + " more error" +
           (dropped_ == 1 ? "" : "s") + " not shown (limit " +
           std::to_string(errorLimit_) + ")\n";
  return out;
}

} // namespace tessera
