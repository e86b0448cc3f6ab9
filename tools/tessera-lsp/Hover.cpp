// Hover: what is under the cursor, and its checked type.
#include "Features.h"

#include "SemaTypes.h"

namespace tessera::lsp {

using mlir::lsp::Hover;

namespace {

Hover make(const Analysis &a, unsigned begin, unsigned end,
           const std::string &code, const std::string &doc = "") {
  Hover h(a.lines.range(begin, end));
  h.contents.value = "```tessera\n" + code + "\n```";
  if (!doc.empty())
    h.contents.value += "\n" + doc;
  return h;
}

// "softmax(x, axis) — doc" -> code and doc.
Hover builtin(const Analysis &a, unsigned begin, unsigned end,
              const std::string &name) {
  std::string sig = sema::builtinSignature(name);
  std::string dash = " \u2014 ";
  size_t at = sig.find(dash);
  if (at == std::string::npos)
    return make(a, begin, end, "(builtin) " + sig);
  return make(a, begin, end, "(builtin) " + sig.substr(0, at),
              sig.substr(at + dash.size()));
}

std::string text(const Analysis &a, unsigned begin, unsigned end) {
  return a.text().substr(begin, end - begin);
}

} // namespace

std::optional<Hover> hover(const Analysis &a,
                           const mlir::lsp::Position &position) {
  if (!a.module)
    return std::nullopt;
  unsigned offset = a.lines.offset(position);
  if (const LexToken *t = a.tokenAt(offset);
      t &&
      (t->kind == LexToken::Kind::Comment || t->kind == LexToken::Kind::String))
    return std::nullopt;
  const Index &index = a.index();
  const ast::Expr *e = index.exprAt(offset);
  auto typeOfExpr = [&](const ast::Expr *x) {
    auto it = a.sema.types.find(x);
    return it == a.sema.types.end() ? ExprType::error() : it->second;
  };

  if (const Occurrence *o = index.occurrenceAt(offset)) {
    const Decl &d = index.decls[o->decl];
    ExprType t = d.type;
    // A use: the type at this use (a lambda's parameter has one per use).
    if (!o->isDeclaration && e && e->range.begin == o->begin &&
        e->range.end == o->end && e->kind == ast::Expr::Kind::Name) {
      ExprType used = typeOfExpr(e);
      if (!used.isError() && !(d.kind == DeclKind::Dim))
        t = used;
    }
    return make(a, o->begin, o->end, describe(d.kind, d.name, t));
  }
  if (const OtherName *n = index.otherAt(offset)) {
    std::string name = text(a, n->begin, n->end);
    switch (n->role) {
    case OtherName::Role::Builtin:
      return builtin(a, n->begin, n->end, name);
    case OtherName::Role::DType:
      return make(a, n->begin, n->end, "(dtype) " + name);
    case OtherName::Role::KeywordArgument:
      return make(a, n->begin, n->end, "(argument) " + name);
    case OtherName::Role::Field:
      return make(a, n->begin, n->end, "(field) " + name);
    case OtherName::Role::Member:
      break; // the member expression's type, below
    }
  }
  if (!e)
    return std::nullopt;
  ExprType t = typeOfExpr(e);
  std::string shown = typeText(t);
  if (shown.empty())
    return std::nullopt;
  return make(a, e->range.begin, e->range.end, shown);
}

} // namespace tessera::lsp
