// Sizing the side tables before checking: SemaResult::types gets an entry
// per expression and `definitions` one per name used. Grown one rehash at a
// time, each rehash visits every entry again; for a large module that cost
// as much as the checking itself. Twice as many buckets as entries keep
// most buckets holding one entry, so that an insertion rarely has to look
// at an older entry, which is no longer in cache.
#include "Checker.h"

namespace tessera::sema {
namespace {

struct Counter {
  size_t exprs = 0, names = 0;

  void expr(const ast::ExprPtr &e) {
    if (!e)
      return;
    ++exprs;
    switch (e->kind) {
    case ast::Expr::Kind::Number:
    case ast::Expr::Kind::String:
    case ast::Expr::Kind::Bool:
      return;
    case ast::Expr::Kind::Name:
      ++names;
      return;
    case ast::Expr::Kind::Unary:
      return expr(static_cast<const ast::UnaryExpr &>(*e).operand);
    case ast::Expr::Kind::Binary: {
      const auto &b = static_cast<const ast::BinaryExpr &>(*e);
      expr(b.lhs);
      return expr(b.rhs);
    }
    case ast::Expr::Kind::Call: {
      const auto &c = static_cast<const ast::CallExpr &>(*e);
      expr(c.callee);
      return args(c.args);
    }
    case ast::Expr::Kind::Index: {
      const auto &ix = static_cast<const ast::IndexExpr &>(*e);
      expr(ix.base);
      for (const ast::Slice &s : ix.slices)
        for (const ast::ExprPtr &part : {s.index, s.lo, s.hi, s.step})
          expr(part);
      return;
    }
    case ast::Expr::Kind::Member:
      return expr(static_cast<const ast::MemberExpr &>(*e).base);
    case ast::Expr::Kind::Tuple:
      for (const ast::ExprPtr &x :
           static_cast<const ast::TupleExpr &>(*e).elements)
        expr(x);
      return;
    case ast::Expr::Kind::List:
      for (const ast::ExprPtr &x :
           static_cast<const ast::ListExpr &>(*e).elements)
        expr(x);
      return;
    case ast::Expr::Kind::Record:
      return args(static_cast<const ast::RecordExpr &>(*e).fields);
    case ast::Expr::Kind::Lambda:
      return expr(static_cast<const ast::LambdaExpr &>(*e).body);
    }
  }

  void args(const std::vector<ast::Arg> &list) {
    for (const ast::Arg &a : list)
      expr(a.value);
  }

  void type(const ast::TensorType &t) { expr(t.layout); }

  void params(const std::vector<ast::Param> &list) {
    for (const ast::Param &p : list)
      type(p.type);
  }

  void body(const std::vector<ast::Stmt> &stmts) {
    for (const ast::Stmt &s : stmts) {
      if (s.type)
        type(*s.type);
      for (const ast::ExprPtr &v : s.values)
        expr(v);
    }
  }

  void module(const ast::Module &m) {
    for (const ast::FuncDecl &f : m.funcs) {
      params(f.params);
      params(f.results);
      expr(f.policy);
      body(f.body);
    }
    for (const ast::TrainDecl &t : m.trains) {
      params(t.params);
      expr(t.optimizer);
      expr(t.policy);
      body(t.body);
    }
    for (const ast::AdjointDecl &a : m.adjoints)
      body(a.body);
    for (const ast::ValueDecl &v : m.values) {
      if (v.type)
        type(*v.type);
      expr(v.value);
    }
    for (const ast::ParamDecl &p : m.params) {
      if (p.type)
        type(*p.type);
      expr(p.init);
      expr(p.ctor);
    }
    for (const ast::MeshDecl &me : m.meshes)
      args(me.args);
  }
};

} // namespace

void Checker::reserveTables() {
  Counter count;
  count.module(module);
  result.types.max_load_factor(0.5);
  result.definitions.max_load_factor(0.5);
  result.types.reserve(result.types.size() + count.exprs);
  result.definitions.reserve(result.definitions.size() + count.names);
}

} // namespace tessera::sema
