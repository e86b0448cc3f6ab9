// Completion: what may be typed at the cursor, from the cursor's context
// (CursorContext.h) and the newest analysis that parsed.
#include "CursorContext.h"
#include "Features.h"

#include "SemaTypes.h"

#include <algorithm>
#include <set>

namespace tessera::lsp {

using mlir::lsp::CompletionItem;
using mlir::lsp::CompletionItemKind;
using mlir::lsp::CompletionList;

namespace {

const char *const kKeywords[] = {
    "module", "import", "as",       "const", "param", "policy",
    "mesh",   "op",     "entry",    "train", "with",  "adjoint",
    "let",    "return", "minimize", "true",  "false"};

const char *const kDTypes[] = {"f64",      "f32",      "f16", "bf16",
                               "fp8_e4m3", "fp8_e5m2", "i64", "i32",
                               "i8",       "bool",     "c64"};

CompletionItemKind itemKind(DeclKind k) {
  switch (k) {
  case DeclKind::Op:
  case DeclKind::Entry:
  case DeclKind::Train:
  case DeclKind::Adjoint:
    return CompletionItemKind::Function;
  case DeclKind::Const:
    return CompletionItemKind::Constant;
  case DeclKind::Param:
    return CompletionItemKind::Field;
  case DeclKind::Import:
    return CompletionItemKind::Module;
  case DeclKind::Dim:
    return CompletionItemKind::TypeParameter;
  case DeclKind::Policy:
  case DeclKind::Mesh:
    return CompletionItemKind::Value;
  default:
    return CompletionItemKind::Variable;
  }
}

CompletionItem item(const std::string &label, CompletionItemKind kind,
                    const std::string &detail, char group) {
  CompletionItem c(label, kind, std::string(1, group) + label);
  c.detail = detail;
  return c;
}

void addBuiltins(std::vector<CompletionItem> &items) {
  std::vector<std::string> names = sema::builtinNames();
  std::sort(names.begin(), names.end());
  for (const std::string &n : names)
    items.push_back(
        item(n, CompletionItemKind::Function, sema::builtinSignature(n), '3'));
}

void addDTypes(std::vector<CompletionItem> &items) {
  for (const char *d : kDTypes)
    items.push_back(item(d, CompletionItemKind::Class, "dtype", '4'));
}

} // namespace

CompletionList completion(const Analysis &a,
                          const mlir::lsp::Position &position) {
  using What = CompletionSite::What;
  CompletionList list;
  std::vector<CompletionItem> &items = list.items;
  unsigned offset = a.lines.offset(position);
  CompletionSite site = completionSiteAt(a, offset);

  switch (site.what) {
  case What::Nothing:
    return list;
  case What::Member: {
    // `nn.` and `std.`: the standard library's operators; a tensor's `.T`.
    bool stdlib = site.base == "nn" || site.base == "std";
    if (const Analysis *p = a.parsed()) {
      auto g = p->sema.globals.find(site.base);
      if (g != p->sema.globals.end() &&
          g->second.kind == ExprType::Kind::Module)
        stdlib = g->second.name == "nn" || g->second.name == "std";
    }
    if (stdlib)
      addBuiltins(items);
    else
      items.push_back(item("T", CompletionItemKind::Property,
                           "transpose of the last two dims", '0'));
    return list;
  }
  case What::Type:
    addDTypes(items);
    if (site.constructors)
      addBuiltins(items);
    return list;
  case What::Dim:
    for (const ScopeName &n : namesInScope(a, offset))
      if (n.kind == DeclKind::Dim)
        items.push_back(
            item(n.name, CompletionItemKind::TypeParameter, n.detail, '0'));
    return list;
  case What::Anything:
    break;
  }

  // Inside a call, at an argument's start: the callee's parameter names.
  if (std::optional<CallContext> call = callAt(a, offset);
      call && call->atArgumentStart) {
    if (std::optional<CalleeSignature> sig = calleeSignature(a, call->callee)) {
      std::set<std::string> given(call->keywordsGiven.begin(),
                                  call->keywordsGiven.end());
      for (size_t i = 0; i < sig->params.size(); ++i) {
        const std::string &p = sig->params[i];
        if (given.count(p) || i < call->positionalBefore)
          continue;
        CompletionItem c = item(p + ":", CompletionItemKind::Field,
                                "argument of " + call->callee, '0');
        c.filterText = p;
        c.insertText = p + ": ";
        items.push_back(std::move(c));
      }
    }
  }
  for (const ScopeName &n : namesInScope(a, offset)) {
    bool local = n.kind == DeclKind::Let || n.kind == DeclKind::Parameter ||
                 n.kind == DeclKind::Dim || n.kind == DeclKind::AdjointParam;
    items.push_back(item(n.name, itemKind(n.kind),
                         n.detail.empty() ? kindName(n.kind) : n.detail,
                         local ? '1' : '2'));
  }
  addBuiltins(items);
  addDTypes(items);
  for (const char *k : kKeywords)
    items.push_back(item(k, CompletionItemKind::Keyword, "", '5'));
  return list;
}

} // namespace tessera::lsp
