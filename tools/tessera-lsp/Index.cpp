#include "Index.h"

#include "SemaTypes.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace tessera::lsp {

const char *kindName(DeclKind kind) {
  switch (kind) {
  case DeclKind::Import:
    return "import";
  case DeclKind::Const:
    return "const";
  case DeclKind::ModuleLet:
  case DeclKind::Let:
    return "let";
  case DeclKind::Policy:
    return "policy";
  case DeclKind::Mesh:
    return "mesh";
  case DeclKind::Param:
    return "param";
  case DeclKind::Op:
    return "op";
  case DeclKind::Entry:
    return "entry";
  case DeclKind::Train:
    return "train";
  case DeclKind::Adjoint:
    return "adjoint";
  case DeclKind::Dim:
    return "dim";
  case DeclKind::Parameter:
  case DeclKind::AdjointParam:
  case DeclKind::LambdaParam:
    return "parameter";
  case DeclKind::Result:
    return "result";
  }
  return "name";
}

bool isFunctionKind(DeclKind kind) {
  return kind == DeclKind::Op || kind == DeclKind::Entry ||
         kind == DeclKind::Train || kind == DeclKind::Adjoint;
}

std::string typeText(const ExprType &t) {
  using K = ExprType::Kind;
  switch (t.kind) {
  case K::Error:
  case K::Module:
  case K::Policy:
    return "";
  case K::Mesh: {
    std::string s = "{";
    for (const auto &[axis, size] : t.axes)
      s += (s.size() > 1 ? ", " : "") + axis + ": " + std::to_string(size);
    return s + "}";
  }
  default:
    return t.str();
  }
}

std::string signatureText(const ExprType &t) {
  std::string s = t.str();
  if (t.kind != ExprType::Kind::Function || !t.sig)
    return s;
  // "op NAME[...](...) -> ...": what follows the name.
  std::string head = "op " + t.sig->name;
  return s.compare(0, head.size(), head) == 0 ? s.substr(head.size()) : s;
}

std::string describe(DeclKind kind, const std::string &name,
                     const ExprType &type) {
  std::string s = std::string("(") + kindName(kind) + ") " + name;
  if (kind == DeclKind::Dim || kind == DeclKind::Train)
    return s;
  if (isFunctionKind(kind) && type.kind == ExprType::Kind::Function && type.sig)
    return s + signatureText(type);
  std::string t = typeText(type);
  return t.empty() ? s : s + ": " + t;
}

namespace {

using Dims = std::map<std::string, unsigned>; // dim name -> its name's offset

// A use found while walking, resolved once every declaration is known.
struct PendingUse {
  unsigned begin, end, target;
};

class Builder {
public:
  Builder(const ast::Module &m, const SemaResult &s, const SourceFile &f)
      : module(m), sema(s), file(f) {}

  Index run() {
    declareModuleLevel();
    for (const ast::FuncDecl &f : module.funcs)
      function(f);
    for (const ast::TrainDecl &t : module.trains)
      train(t);
    for (const ast::AdjointDecl &a : module.adjoints)
      adjoint(a);
    currentParent = -1;
    for (const ast::ValueDecl &v : module.values) {
      if (v.type)
        type(*v.type, {});
      expr(v.value.get(), {});
    }
    for (const ast::ParamDecl &p : module.params) {
      if (p.type)
        type(*p.type, {});
      expr(p.init.get(), {});
      expr(p.ctor.get(), {});
    }
    for (const ast::MeshDecl &m : module.meshes)
      for (const ast::Arg &a : m.args) {
        keyword(a);
        expr(a.value.get(), {});
      }
    for (const PendingUse &u : uses) {
      auto it = index.byNameBegin.find(u.target);
      if (it != index.byNameBegin.end())
        index.occurrences.push_back({u.begin, u.end, it->second, false});
    }
    index.finish();
    return std::move(index);
  }

private:
  bool mine(const SourceRange &r) const { return r.file == &file; }

  ExprType global(const std::string &name) const {
    auto it = sema.globals.find(name);
    return it == sema.globals.end() ? ExprType::error() : it->second;
  }

  ExprType typeOfExpr(const ast::Expr *e) const {
    auto it = sema.types.find(e);
    return it == sema.types.end() ? ExprType::error() : it->second;
  }

  int declare(DeclKind kind, const std::string &name, SourceRange nameRange,
              SourceRange whole, ExprType t, int parent,
              bool typeWritten = false) {
    if (!mine(nameRange))
      return -1;
    auto id = static_cast<int>(index.decls.size());
    Decl d{kind,      name,         nameRange.begin, nameRange.end, whole.begin,
           whole.end, std::move(t), typeWritten,     parent};
    index.decls.push_back(std::move(d));
    // The first declaration of a name at a place wins (duplicates are errors).
    index.byNameBegin.emplace(nameRange.begin, id);
    index.occurrences.push_back({nameRange.begin, nameRange.end, id, true});
    return id;
  }

  void use(SourceRange at, unsigned targetBegin) {
    if (mine(at))
      uses.push_back({at.begin, at.end, targetBegin});
  }

  void other(SourceRange at, OtherName::Role role) {
    if (mine(at) && at.end > at.begin)
      index.others.push_back({at.begin, at.end, role});
  }

  void declareModuleLevel() {
    for (const ast::ImportDecl &i : module.imports) {
      std::string alias =
          i.alias.empty() ? i.path.substr(i.path.rfind('.') + 1) : i.alias;
      declare(DeclKind::Import, alias, i.pathRange, i.range, global(alias), -1);
    }
    for (const ast::ValueDecl &v : module.values) {
      DeclKind k = v.kind == ast::ValueDecl::Kind::Const ? DeclKind::Const
                   : v.kind == ast::ValueDecl::Kind::Let ? DeclKind::ModuleLet
                                                         : DeclKind::Policy;
      declare(k, v.name, v.nameRange, v.range, global(v.name), -1,
              v.type.has_value());
    }
    for (const ast::ParamDecl &p : module.params)
      declare(DeclKind::Param, p.name, p.nameRange, p.range, global(p.name), -1,
              p.type.has_value());
    for (const ast::MeshDecl &m : module.meshes)
      declare(DeclKind::Mesh, m.name, m.nameRange, m.range, global(m.name), -1);
    for (const ast::FuncDecl &f : module.funcs)
      functionDecl[&f] =
          declare(f.isEntry ? DeclKind::Entry : DeclKind::Op, f.name,
                  f.nameRange, f.range, global(f.name), -1);
    for (const ast::TrainDecl &t : module.trains)
      declare(DeclKind::Train, t.name, t.nameRange, t.range, global(t.name),
              -1);
  }

  Dims dims(const ast::DimParams &dps, int parent) {
    Dims out;
    for (const auto &[name, where] : dps) {
      declare(DeclKind::Dim, name, where, where, ExprType::literal(), parent);
      out.emplace(name, where.begin);
    }
    return out;
  }

  void params(const std::vector<ast::Param> &ps, const Dims &ds, int parent) {
    for (const ast::Param &p : ps) {
      declare(DeclKind::Parameter, p.name, p.nameRange,
              {p.nameRange.file, p.nameRange.begin, p.type.range.end},
              isKnownDType(p.type.dtype) ? typeOf(p.type) : ExprType::error(),
              parent, true);
      type(p.type, ds);
    }
  }

  void function(const ast::FuncDecl &f) {
    int self = functionDecl[&f];
    currentParent = self;
    Dims ds = dims(f.dimParams, self);
    params(f.params, ds, self);
    for (const ast::Param &r : f.results) {
      // Unnamed results (out0, ...) have their type's range as name range.
      if (r.nameRange.begin != r.type.range.begin)
        declare(DeclKind::Result, r.name, r.nameRange,
                {r.nameRange.file, r.nameRange.begin, r.type.range.end},
                typeOf(r.type), self, true);
      type(r.type, ds);
    }
    expr(f.policy.get(), ds);
    body(f.body, ds, self);
  }

  void train(const ast::TrainDecl &t) {
    auto it = index.byNameBegin.find(t.nameRange.begin);
    int self =
        mine(t.nameRange) && it != index.byNameBegin.end() ? it->second : -1;
    currentParent = self;
    Dims ds = dims(t.dimParams, self);
    params(t.params, ds, self);
    expr(t.optimizer.get(), ds);
    expr(t.policy.get(), ds);
    body(t.body, ds, self);
  }

  void adjoint(const ast::AdjointDecl &a) {
    int self = declare(DeclKind::Adjoint, a.name, a.nameRange, a.range,
                       global(a.name), -1);
    // Its name is the op's: a use of it (definition, references).
    if (self >= 0)
      index.occurrences.pop_back();
    currentParent = self;
    for (const ast::FuncDecl &f : module.funcs)
      if (f.name == a.name) {
        use(a.nameRange, f.nameRange.begin);
        break;
      }
    ExprType op = global(a.name);
    const Signature *sig =
        op.kind == ExprType::Kind::Function && op.sig ? op.sig.get() : nullptr;
    for (size_t i = 0; i < a.params.size(); ++i) {
      ExprType t = ExprType::error();
      if (sig && i < sig->params.size())
        t = sig->params[i].second;
      else if (sig && i == sig->params.size() && sig->results.size() == 1)
        t = sig->results[0];
      declare(DeclKind::AdjointParam, a.params[i].first, a.params[i].second,
              a.params[i].second, t, self, true);
    }
    body(a.body, {}, self);
  }

  void body(const std::vector<ast::Stmt> &stmts, const Dims &ds, int parent) {
    for (const ast::Stmt &s : stmts) {
      for (const ast::ExprPtr &v : s.values)
        expr(v.get(), ds);
      if (s.type)
        type(*s.type, ds);
      if (s.kind == ast::Stmt::Kind::Let) {
        ExprType t = s.type ? typeOf(*s.type) : typeOfExpr(s.values[0].get());
        declare(DeclKind::Let, s.names[0].first, s.names[0].second, s.range, t,
                parent, s.type.has_value());
      } else if (s.kind == ast::Stmt::Kind::TupleLet) {
        ExprType t = typeOfExpr(s.values[0].get());
        bool tuple = t.kind == ExprType::Kind::Tuple &&
                     t.elements.size() == s.names.size();
        for (size_t i = 0; i < s.names.size(); ++i)
          declare(DeclKind::Let, s.names[i].first, s.names[i].second, s.range,
                  tuple ? t.elements[i] : ExprType::error(), parent);
      }
    }
  }

  void type(const ast::TensorType &t, const Dims &ds) {
    other(t.dtypeRange, OtherName::Role::DType);
    for (const ast::Dim &d : t.dims)
      if (d.isSymbolic()) {
        auto it = ds.find(d.symbol());
        if (it != ds.end())
          use(d.range, it->second);
      }
    expr(t.layout.get(), ds);
  }

  void keyword(const ast::Arg &a) {
    if (!a.name.empty())
      other(a.nameRange, OtherName::Role::KeywordArgument);
  }

  void expr(const ast::Expr *e, const Dims &ds) {
    if (!e)
      return;
    if (mine(e->range))
      index.exprs.push_back(e);
    using K = ast::Expr::Kind;
    switch (e->kind) {
    case K::Number:
    case K::String:
    case K::Bool:
      return;
    case K::Name: {
      const auto &n = static_cast<const ast::NameExpr &>(*e);
      auto def = sema.definitions.find(e);
      if (def != sema.definitions.end() && mine(def->second))
        use(e->range, def->second.begin);
      else if (def == sema.definitions.end() && sema::isBuiltin(n.name))
        other(e->range, OtherName::Role::Builtin);
      else if (def == sema.definitions.end() && isKnownDType(n.name))
        other(e->range, OtherName::Role::DType);
      return;
    }
    case K::Unary:
      return expr(static_cast<const ast::UnaryExpr &>(*e).operand.get(), ds);
    case K::Binary: {
      const auto &b = static_cast<const ast::BinaryExpr &>(*e);
      expr(b.lhs.get(), ds);
      return expr(b.rhs.get(), ds);
    }
    case K::Call: {
      const auto &c = static_cast<const ast::CallExpr &>(*e);
      expr(c.callee.get(), ds);
      for (const ast::Arg &a : c.args) {
        keyword(a);
        expr(a.value.get(), ds);
      }
      return;
    }
    case K::Index: {
      const auto &ix = static_cast<const ast::IndexExpr &>(*e);
      expr(ix.base.get(), ds);
      for (const ast::Slice &s : ix.slices)
        for (const ast::ExprPtr &p : {s.index, s.lo, s.hi, s.step})
          expr(p.get(), ds);
      return;
    }
    case K::Member: {
      const auto &m = static_cast<const ast::MemberExpr &>(*e);
      expr(m.base.get(), ds);
      ExprType t = typeOfExpr(e);
      bool builtin = t.kind == ExprType::Kind::Function && !t.sig &&
                     sema::isBuiltin(m.member);
      other(m.memberRange,
            builtin ? OtherName::Role::Builtin : OtherName::Role::Member);
      return;
    }
    case K::Tuple:
      for (const ast::ExprPtr &x :
           static_cast<const ast::TupleExpr &>(*e).elements)
        expr(x.get(), ds);
      return;
    case K::List:
      for (const ast::ExprPtr &x :
           static_cast<const ast::ListExpr &>(*e).elements)
        expr(x.get(), ds);
      return;
    case K::Record:
      for (const ast::Arg &f :
           static_cast<const ast::RecordExpr &>(*e).fields) {
        other(f.nameRange, OtherName::Role::Field);
        expr(f.value.get(), ds);
      }
      return;
    case K::Lambda: {
      const auto &l = static_cast<const ast::LambdaExpr &>(*e);
      for (const ast::LambdaParam &p : l.params) {
        declare(DeclKind::LambdaParam, p.name, p.range, p.range,
                p.type ? typeOf(*p.type) : ExprType::error(), currentParent,
                p.type.has_value());
        if (p.type)
          type(*p.type, ds);
      }
      return expr(l.body.get(), ds);
    }
    }
  }

  const ast::Module &module;
  const SemaResult &sema;
  const SourceFile &file;
  Index index;
  std::vector<PendingUse> uses;
  std::map<const ast::FuncDecl *, int> functionDecl;
  int currentParent = -1;
};

} // namespace

void Index::finish() {
  std::sort(occurrences.begin(), occurrences.end(),
            [](const Occurrence &a, const Occurrence &b) {
              return std::tie(a.begin, b.isDeclaration, a.decl) <
                     std::tie(b.begin, a.isDeclaration, b.decl);
            });
  std::sort(
      others.begin(), others.end(),
      [](const OtherName &a, const OtherName &b) { return a.begin < b.begin; });
}

const Occurrence *Index::occurrenceAt(unsigned offset) const {
  // The first occurrence that ends at or after `offset`.
  auto it = std::lower_bound(
      occurrences.begin(), occurrences.end(), offset,
      [](const Occurrence &o, unsigned off) { return o.end < off; });
  const Occurrence *touching = nullptr;
  for (; it != occurrences.end() && it->begin <= offset; ++it) {
    if (offset < it->end)
      return &*it;
    touching = &*it;
  }
  return touching;
}

const OtherName *Index::otherAt(unsigned offset) const {
  auto it = std::lower_bound(
      others.begin(), others.end(), offset,
      [](const OtherName &o, unsigned off) { return o.end < off; });
  const OtherName *touching = nullptr;
  for (; it != others.end() && it->begin <= offset; ++it) {
    if (offset < it->end)
      return &*it;
    touching = &*it;
  }
  return touching;
}

const ast::Expr *Index::exprAt(unsigned offset) const {
  const ast::Expr *best = nullptr, *touching = nullptr;
  for (const ast::Expr *e : exprs) {
    const SourceRange &r = e->range;
    if (r.begin <= offset && offset < r.end) {
      if (!best || r.end - r.begin < best->range.end - best->range.begin)
        best = e;
    } else if (r.end == offset && r.begin < r.end) {
      if (!touching ||
          r.end - r.begin < touching->range.end - touching->range.begin)
        touching = e;
    }
  }
  return best ? best : touching;
}

Index buildIndex(const ast::Module &module, const SemaResult &sema,
                 const SourceFile &file) {
  return Builder(module, sema, file).run();
}

} // namespace tessera::lsp
