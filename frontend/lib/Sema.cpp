#include "tessera/Frontend/Sema.h"

#include <map>
#include <optional>
#include <set>

namespace tessera {

static std::string dimStr(const std::variant<int64_t, std::string> &d) {
  return std::holds_alternative<int64_t>(d) ? std::to_string(std::get<int64_t>(d))
                                            : std::get<std::string>(d);
}

std::string ExprType::str() const {
  if (isLiteral())
    return "number literal";
  std::string s = dtype + "[";
  for (size_t i = 0; i < dims.size(); ++i)
    s += (i ? ", " : "") + dimStr(dims[i]);
  return s + "]";
}

ExprType typeOf(const ast::TensorType &t) {
  ExprType ty;
  ty.dtype = t.dtype;
  for (const ast::Dim &d : t.dims)
    ty.dims.push_back(d.value);
  return ty;
}

bool isKnownDType(const std::string &name) {
  static const std::set<std::string> known = {"f64", "f32", "f16", "bf16",
                                              "i64", "i32", "i8",  "bool"};
  return known.count(name) != 0;
}

namespace {

struct Binding {
  ExprType type;
  SourceRange where;
  bool used = false;
  bool isLet = false;
};

class FunctionChecker {
public:
  FunctionChecker(const ast::FuncDecl &f, DiagnosticEngine &d, SemaResult &r)
      : fn(f), diags(d), result(r) {}

  void run() {
    checkDims();
    for (const ast::Param &p : fn.params) {
      checkType(p.type);
      if (scope.count(p.name)) {
        diags.error(p.nameRange, "duplicate parameter '" + p.name + "'")
            .note(scope[p.name].where, "'" + p.name + "' first declared here");
        continue;
      }
      ExprType t = typeOf(p.type);
      if (!isKnownDType(t.dtype))
        t.dtype = "<error>"; // reported once, at the type
      scope[p.name] = {t, p.nameRange, true, false};
    }
    for (const ast::Param &r : fn.results)
      checkType(r.type);
    checkOutputDimsBound();

    bool returned = false;
    for (const ast::Stmt &s : fn.body) {
      if (returned) {
        diags.warning(s.range, "statement after return is never run");
        break;
      }
      if (s.kind == ast::Stmt::Kind::Let)
        checkLet(s);
      else {
        checkReturn(s);
        returned = true;
      }
    }
    if (!returned)
      diags.error(fn.nameRange, std::string(fn.isEntry ? "entry" : "op") +
                                    " '" + fn.name + "' does not return a value");
    for (const auto &[name, b] : scope)
      if (b.isLet && !b.used)
        diags.warning(b.where, "unused let '" + name + "'");
  }

private:
  void checkDims() {
    for (const auto &[name, where] : fn.dimParams) {
      if (dims.count(name)) {
        diags.error(where, "duplicate dim '" + name + "'")
            .note(dims[name], "'" + name + "' first declared here");
        continue;
      }
      dims[name] = where;
    }
  }

  void checkType(const ast::TensorType &t) {
    if (!isKnownDType(t.dtype))
      diags.error(t.dtypeRange, "unknown dtype '" + t.dtype +
                                    "'; expected one of f64, f32, f16, bf16, "
                                    "i64, i32, i8, bool");
    for (const ast::Dim &d : t.dims) {
      if (d.isSymbolic()) {
        if (!dims.count(d.symbol()))
          diags.error(d.range, "unknown dim '" + d.symbol() +
                                   "'; declare it after the name, as in `" +
                                   fn.name + "[" + d.symbol() + "](...)`");
      } else if (d.extent() <= 0) {
        diags.error(d.range, d.extent() == 0
                                 ? "dimension must be positive"
                                 : "dimension is too large");
      }
    }
  }

  // The runtime binds symbolic dims from the inputs' shapes, so every dim an
  // output uses must appear in some input.
  void checkOutputDimsBound() {
    std::set<std::string> bound;
    for (const ast::Param &p : fn.params)
      for (const ast::Dim &d : p.type.dims)
        if (d.isSymbolic())
          bound.insert(d.symbol());
    for (const ast::Param &r : fn.results)
      for (const ast::Dim &d : r.type.dims)
        if (d.isSymbolic() && dims.count(d.symbol()) && !bound.count(d.symbol()))
          diags.error(d.range, "output dim '" + d.symbol() +
                                   "' is not bound by any input");
  }

  void checkLet(const ast::Stmt &s) {
    std::optional<ExprType> t = check(*s.values[0]);
    auto it = scope.find(s.name);
    if (it != scope.end())
      diags.warning(s.nameRange, "'" + s.name + "' shadows an earlier binding")
          .note(it->second.where, "previous binding of '" + s.name + "' here");
    if (!t)
      t = ExprType{"<error>", {}}; // keep going; uses won't re-report
    scope[s.name] = {*t, s.nameRange, false, true};
  }

  void checkReturn(const ast::Stmt &s) {
    if (s.values.size() != fn.results.size()) {
      diags.error(s.range, "'" + fn.name + "' returns " +
                               std::to_string(fn.results.size()) + " value" +
                               (fn.results.size() == 1 ? "" : "s") +
                               ", but this return gives " +
                               std::to_string(s.values.size()));
      for (const ast::ExprPtr &v : s.values)
        check(*v);
      return;
    }
    for (size_t i = 0; i < s.values.size(); ++i) {
      std::optional<ExprType> t = check(*s.values[i]);
      if (!t || t->dtype == "<error>")
        continue;
      ExprType want = typeOf(fn.results[i].type);
      if (t->isLiteral()) {
        if (!want.dims.empty())
          diags.error(s.values[i]->range, "cannot return a number as " +
                                              want.str());
        result.types[s.values[i].get()] = want;
        continue;
      }
      if (!(*t == want))
        diags.error(s.values[i]->range, "return type mismatch: expected " +
                                            want.str() + ", found " + t->str())
            .note(fn.results[i].type.range, "return type declared here");
    }
  }

  std::optional<ExprType> check(const ast::Expr &e) {
    std::optional<ExprType> t = infer(e);
    if (t)
      result.types[&e] = *t;
    return t;
  }

  std::optional<ExprType> infer(const ast::Expr &e) {
    switch (e.kind) {
    case ast::Expr::Kind::Number:
      return ExprType{};
    case ast::Expr::Kind::Name: {
      const auto &n = static_cast<const ast::NameExpr &>(e);
      auto it = scope.find(n.name);
      if (it == scope.end()) {
        diags.error(e.range, "unknown name '" + n.name + "'");
        return std::nullopt;
      }
      it->second.used = true;
      if (it->second.type.dtype == "<error>")
        return std::nullopt;
      return it->second.type;
    }
    case ast::Expr::Kind::Unary:
      return check(*static_cast<const ast::UnaryExpr &>(e).operand);
    case ast::Expr::Kind::Binary:
      return inferBinary(static_cast<const ast::BinaryExpr &>(e));
    case ast::Expr::Kind::Call: {
      const auto &c = static_cast<const ast::CallExpr &>(e);
      for (const ast::ExprPtr &a : c.args)
        check(*a);
      diags.error(c.calleeRange, "unknown function '" + c.callee + "'");
      return std::nullopt;
    }
    }
    return std::nullopt;
  }

  // Elementwise arithmetic: operands of one dtype and one shape; a number
  // literal takes the other side's type (docs/language.md, "Arithmetic").
  std::optional<ExprType> inferBinary(const ast::BinaryExpr &b) {
    std::optional<ExprType> l = check(*b.lhs);
    std::optional<ExprType> r = check(*b.rhs);
    if (!l || !r)
      return std::nullopt;
    if (l->isLiteral())
      return r;
    if (r->isLiteral())
      return l;
    if (l->dtype != r->dtype) {
      diags.error(b.opRange, std::string("mismatched dtypes in '") + b.op +
                                 "': " + l->str() + " and " + r->str())
          .note(b.lhs->range, "left operand is " + l->str())
          .note(b.rhs->range, "right operand is " + r->str());
      return std::nullopt;
    }
    if (l->dims != r->dims) {
      diags.error(b.opRange, std::string("shape mismatch in '") + b.op +
                                 "': " + l->str() + " and " + r->str())
          .note(b.lhs->range, "left operand is " + l->str())
          .note(b.rhs->range, "right operand is " + r->str());
      return std::nullopt;
    }
    return l;
  }

  const ast::FuncDecl &fn;
  DiagnosticEngine &diags;
  SemaResult &result;
  std::map<std::string, SourceRange> dims;
  std::map<std::string, Binding> scope;
};

} // namespace

bool checkModule(const ast::Module &m, DiagnosticEngine &diags,
                 SemaResult &result) {
  unsigned before = diags.errorCount();
  std::map<std::string, const ast::FuncDecl *> seen;
  for (const ast::FuncDecl &f : m.funcs) {
    auto [it, inserted] = seen.emplace(f.name, &f);
    if (!inserted)
      diags.error(f.nameRange, "redefinition of '" + f.name + "'")
          .note(it->second->nameRange, "'" + f.name + "' first defined here");
    FunctionChecker(f, diags, result).run();
  }
  return diags.errorCount() == before;
}

} // namespace tessera
