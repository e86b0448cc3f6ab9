// Go to definition, find references, document symbols.
#include "Features.h"

#include "llvm/Support/Error.h"

#include <algorithm>
#include <fstream>

namespace tessera::lsp {

using mlir::lsp::DocumentSymbol;
using mlir::lsp::Location;
using mlir::lsp::SymbolKind;
using mlir::lsp::URIForFile;

namespace {

// The file `import a.b` loads, found as the checker finds it; "" if none.
std::string importedFile(const Analysis &a, const std::string &path,
                         const AnalysisOptions &options) {
  if (path == "nn" || path == "std")
    return "";
  std::string rel = path;
  std::replace(rel.begin(), rel.end(), '.', '/');
  rel += ".tsr";
  std::vector<std::string> dirs;
  size_t slash = a.path().rfind('/');
  dirs.push_back(slash == std::string::npos ? "." : a.path().substr(0, slash));
  dirs.insert(dirs.end(), options.includeDirs.begin(),
              options.includeDirs.end());
  for (const std::string &d : dirs)
    if (std::ifstream(d + "/" + rel).good())
      return d + "/" + rel;
  return "";
}

SymbolKind symbolKind(DeclKind k) {
  switch (k) {
  case DeclKind::Import:
    return SymbolKind::Module;
  case DeclKind::Const:
    return SymbolKind::Constant;
  case DeclKind::Policy:
    return SymbolKind::Object;
  case DeclKind::Mesh:
    return SymbolKind::Struct;
  case DeclKind::Param:
    return SymbolKind::Field;
  case DeclKind::Op:
  case DeclKind::Entry:
    return SymbolKind::Function;
  case DeclKind::Train:
    return SymbolKind::Method;
  case DeclKind::Adjoint:
    return SymbolKind::Operator;
  case DeclKind::Dim:
    return SymbolKind::TypeParameter;
  case DeclKind::ModuleLet:
  case DeclKind::Parameter:
  case DeclKind::Result:
  case DeclKind::Let:
  case DeclKind::AdjointParam:
  case DeclKind::LambdaParam:
    return SymbolKind::Variable;
  }
  return SymbolKind::Variable;
}

std::string detailOf(const Decl &d) {
  switch (d.kind) {
  case DeclKind::Op:
  case DeclKind::Entry:
    return (d.kind == DeclKind::Entry ? "entry " : "") + signatureText(d.type);
  case DeclKind::Train:
    return "train";
  case DeclKind::Adjoint:
    return "adjoint";
  case DeclKind::Dim:
    return "dim";
  case DeclKind::Import:
    return "import";
  case DeclKind::Policy:
    return "policy";
  default:
    return typeText(d.type);
  }
}

} // namespace

std::vector<Location> definition(const Analysis &a, const URIForFile &uri,
                                 const mlir::lsp::Position &position,
                                 const AnalysisOptions &options) {
  if (!a.module)
    return {};
  unsigned offset = a.lines.offset(position);
  const Occurrence *o = a.index().occurrenceAt(offset);
  if (!o)
    return {};
  const Decl &d = a.index().decls[o->decl];
  if (d.kind == DeclKind::Import) {
    // `import a.b` leads to a/b.tsr.
    for (const ast::ImportDecl &i : a.module->imports)
      if (i.pathRange.begin == d.begin) {
        std::string file = importedFile(a, i.path, options);
        if (file.empty())
          break;
        llvm::Expected<URIForFile> target = URIForFile::fromFile(file);
        if (!target) {
          llvm::consumeError(target.takeError());
          break;
        }
        return {Location(*target, mlir::lsp::Range(mlir::lsp::Position()))};
      }
  }
  return {Location(uri, a.lines.range(d.begin, d.end))};
}

std::vector<Location> references(const Analysis &a, const URIForFile &uri,
                                 const mlir::lsp::Position &position,
                                 bool includeDeclaration) {
  if (!a.module)
    return {};
  const Occurrence *at = a.index().occurrenceAt(a.lines.offset(position));
  if (!at)
    return {};
  std::vector<Location> out;
  for (const Occurrence &o : a.index().occurrences)
    if (o.decl == at->decl && (includeDeclaration || !o.isDeclaration))
      out.emplace_back(uri, a.lines.range(o.begin, o.end));
  return out;
}

std::vector<DocumentSymbol> documentSymbols(const Analysis &a) {
  if (!a.module)
    return {};
  const std::vector<Decl> &decls = a.index().decls;
  auto symbolOf = [&](const Decl &d) {
    DocumentSymbol s(d.name, symbolKind(d.kind),
                     a.lines.range(std::min(d.declBegin, d.begin),
                                   std::max(d.declEnd, d.end)),
                     a.lines.range(d.begin, d.end));
    s.detail = detailOf(d);
    return s;
  };
  std::vector<std::pair<unsigned, size_t>> top;
  for (size_t i = 0; i < decls.size(); ++i)
    if (decls[i].parent < 0)
      top.emplace_back(decls[i].declBegin, i);
  std::sort(top.begin(), top.end());
  std::vector<DocumentSymbol> out;
  for (const auto &[begin, i] : top) {
    DocumentSymbol s = symbolOf(decls[i]);
    std::vector<std::pair<unsigned, size_t>> kids;
    for (size_t k = 0; k < decls.size(); ++k)
      if (decls[k].parent == static_cast<int>(i) &&
          decls[k].kind != DeclKind::LambdaParam)
        kids.emplace_back(decls[k].begin, k);
    std::sort(kids.begin(), kids.end());
    for (const auto &[kb, k] : kids)
      s.children.push_back(symbolOf(decls[k]));
    out.push_back(std::move(s));
  }
  return out;
}

} // namespace tessera::lsp
