// The frontend's diagnostics as the protocol's.
#include "Features.h"

#include "llvm/Support/Error.h"

namespace tessera::lsp {

using mlir::lsp::DiagnosticSeverity;
using mlir::lsp::Location;
using mlir::lsp::URIForFile;

namespace {

DiagnosticSeverity severityOf(Severity s) {
  switch (s) {
  case Severity::Error:
    return DiagnosticSeverity::Error;
  case Severity::Warning:
    return DiagnosticSeverity::Warning;
  case Severity::Note:
    return DiagnosticSeverity::Information;
  }
  return DiagnosticSeverity::Error;
}

// Where a diagnostic or note points: in the document, or in another file
// (an import) with its own URI; nullopt when it has no place.
std::optional<Location> locate(const Analysis &a, const URIForFile &uri,
                               const SourceRange &r) {
  if (!r.valid())
    return std::nullopt;
  if (r.file == a.file.get())
    return Location(uri, a.lines.range(r.begin, r.end));
  llvm::Expected<URIForFile> other = URIForFile::fromFile(r.file->path());
  if (!other) {
    llvm::consumeError(other.takeError());
    return std::nullopt;
  }
  LineTable lines(r.file->text());
  return Location(*other, lines.range(r.begin, r.end));
}

// The import a diagnostic in another file came through: the one whose path
// names that file (a/b.tsr for `import a.b`), else the first.
std::optional<unsigned> importFor(const Analysis &a, const SourceRange &r) {
  if (!a.module || a.module->imports.empty())
    return std::nullopt;
  for (const ast::ImportDecl &i : a.module->imports) {
    std::string rel = i.path;
    std::replace(rel.begin(), rel.end(), '.', '/');
    rel += ".tsr";
    const std::string &p = r.file->path();
    if (p.size() >= rel.size() &&
        p.compare(p.size() - rel.size(), rel.size(), rel) == 0)
      return static_cast<unsigned>(&i - a.module->imports.data());
  }
  return 0;
}

} // namespace

std::vector<mlir::lsp::Diagnostic>
toProtocolDiagnostics(const Analysis &a, const URIForFile &uri) {
  std::vector<mlir::lsp::Diagnostic> out;
  for (const Diagnostic &d : a.diags.diagnostics()) {
    mlir::lsp::Diagnostic p;
    p.severity = severityOf(d.severity);
    p.source = "tessera";
    p.message = d.message;
    std::optional<Location> where = locate(a, uri, d.range);
    if (where && where->uri == uri) {
      p.range = where->range;
    } else if (where) {
      // In an imported file: shown at the import, pointing there.
      if (std::optional<unsigned> i = importFor(a, d.range)) {
        const ast::ImportDecl &imp = a.module->imports[*i];
        p.range = a.lines.range(imp.range.begin, imp.range.end);
      }
      p.message = "in " + d.range.str() + ": " + d.message;
    }
    std::vector<mlir::lsp::DiagnosticRelatedInformation> related;
    if (where && where->uri != uri)
      related.emplace_back(*where, d.message);
    for (const Diagnostic &n : d.notes)
      if (std::optional<Location> at = locate(a, uri, n.range))
        related.emplace_back(*at, n.message);
    if (!related.empty())
      p.relatedInformation = std::move(related);
    out.push_back(std::move(p));
  }
  return out;
}

} // namespace tessera::lsp
