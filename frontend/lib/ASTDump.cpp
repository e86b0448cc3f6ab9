// ast::dump: every field of the AST, ranges as byte offsets, so that two
// ASTs are the same exactly when their dumps are (tests compare the direct
// and the ANTLR parser through it). Not for people: see ASTPrinter.cpp.
#include "tessera/Frontend/AST.h"

#include <sstream>

namespace tessera::ast {
namespace {

class Dumper {
public:
  std::string run(const Module &m) {
    os.precision(17);
    os << "module " << m.name << r(m.nameRange) << "\n";
    for (const ImportDecl &i : m.imports)
      os << "import " << i.path << " as '" << i.alias << "'" << r(i.range)
         << r(i.pathRange) << "\n";
    for (const FuncDecl &f : m.funcs) {
      os << (f.isEntry ? "entry " : "op ") << f.name << r(f.nameRange)
         << r(f.range) << (f.hasResultType ? " typed" : "") << "\n";
      names("dims", f.dimParams);
      params("param", f.params);
      params("result", f.results);
      expr("policy", f.policy);
      block(f.body);
    }
    for (const TrainDecl &t : m.trains) {
      os << "train " << t.name << r(t.nameRange) << r(t.range) << "\n";
      names("dims", t.dimParams);
      params("param", t.params);
      expr("optimizer", t.optimizer);
      expr("policy", t.policy);
      block(t.body);
    }
    for (const AdjointDecl &a : m.adjoints) {
      os << "adjoint " << a.name << r(a.nameRange) << r(a.range) << "\n";
      names("params", a.params);
      block(a.body);
    }
    for (const ValueDecl &v : m.values) {
      os << "value " << static_cast<int>(v.kind) << " " << v.name
         << r(v.nameRange) << r(v.range) << "\n";
      if (v.type)
        type(*v.type);
      expr("value", v.value);
    }
    for (const ParamDecl &p : m.params) {
      os << "paramdecl " << p.name << r(p.nameRange) << r(p.range) << "\n";
      if (p.type)
        type(*p.type);
      expr("init", p.init);
      expr("ctor", p.ctor);
    }
    for (const MeshDecl &me : m.meshes) {
      os << "mesh " << me.name << r(me.nameRange) << r(me.range) << "\n";
      args(me.args);
    }
    return os.str();
  }

private:
  static std::string r(const SourceRange &range) {
    if (!range.valid())
      return " <>";
    return " <" + std::to_string(range.begin) + "," +
           std::to_string(range.end) + ">";
  }

  void names(const char *what,
             const std::vector<std::pair<std::string, SourceRange>> &list) {
    os << what << ":";
    for (const auto &[name, range] : list)
      os << " " << name << r(range);
    os << "\n";
  }

  void params(const char *what, const std::vector<Param> &list) {
    for (const Param &p : list) {
      os << what << " " << p.name << r(p.nameRange) << "\n";
      type(p.type);
    }
  }

  void type(const TensorType &t) {
    os << "type " << t.dtype << r(t.dtypeRange) << r(t.range) << " [";
    for (const Dim &d : t.dims)
      os << (d.isSymbolic() ? "sym " : "int ") << d.str() << r(d.range) << ";";
    os << "]\n";
    expr("layout", t.layout);
  }

  void block(const std::vector<Stmt> &body) {
    for (const Stmt &s : body) {
      os << "stmt " << static_cast<int>(s.kind) << r(s.range) << "\n";
      names("names", s.names);
      if (s.type)
        type(*s.type);
      for (const ExprPtr &v : s.values)
        expr("value", v);
    }
  }

  void args(const std::vector<Arg> &list) {
    for (const Arg &a : list) {
      os << "arg '" << a.name << "'" << r(a.nameRange) << "\n";
      expr("value", a.value);
    }
  }

  void expr(const char *what, const ExprPtr &e) {
    os << what << ":";
    if (!e) {
      os << " none\n";
      return;
    }
    os << " kind " << static_cast<int>(e->kind) << r(e->range);
    switch (e->kind) {
    case Expr::Kind::Number: {
      const auto &n = static_cast<const NumberExpr &>(*e);
      os << " " << n.text << " = " << n.value << (n.isInteger ? " int" : "")
         << "\n";
      return;
    }
    case Expr::Kind::String:
      os << " \"" << static_cast<const StringExpr &>(*e).value << "\"\n";
      return;
    case Expr::Kind::Bool:
      os << " " << static_cast<const BoolExpr &>(*e).value << "\n";
      return;
    case Expr::Kind::Name:
      os << " " << static_cast<const NameExpr &>(*e).name << "\n";
      return;
    case Expr::Kind::Unary: {
      const auto &u = static_cast<const UnaryExpr &>(*e);
      os << " " << u.op << "\n";
      return expr("operand", u.operand);
    }
    case Expr::Kind::Binary: {
      const auto &b = static_cast<const BinaryExpr &>(*e);
      os << " " << b.op << r(b.opRange) << "\n";
      expr("lhs", b.lhs);
      return expr("rhs", b.rhs);
    }
    case Expr::Kind::Call: {
      const auto &c = static_cast<const CallExpr &>(*e);
      os << "\n";
      expr("callee", c.callee);
      return args(c.args);
    }
    case Expr::Kind::Index: {
      const auto &ix = static_cast<const IndexExpr &>(*e);
      os << "\n";
      expr("base", ix.base);
      for (const Slice &s : ix.slices) {
        os << "slice" << (s.isRange ? " range" : "") << r(s.range) << "\n";
        expr("index", s.index);
        expr("lo", s.lo);
        expr("hi", s.hi);
        expr("step", s.step);
      }
      return;
    }
    case Expr::Kind::Member: {
      const auto &m = static_cast<const MemberExpr &>(*e);
      os << " ." << m.member << r(m.memberRange) << "\n";
      return expr("base", m.base);
    }
    case Expr::Kind::Tuple:
    case Expr::Kind::List: {
      const auto &elements = e->kind == Expr::Kind::Tuple
                                 ? static_cast<const TupleExpr &>(*e).elements
                                 : static_cast<const ListExpr &>(*e).elements;
      os << "\n";
      for (const ExprPtr &x : elements)
        expr("element", x);
      return;
    }
    case Expr::Kind::Record:
      os << "\n";
      return args(static_cast<const RecordExpr &>(*e).fields);
    case Expr::Kind::Lambda: {
      const auto &l = static_cast<const LambdaExpr &>(*e);
      os << "\n";
      for (const LambdaParam &p : l.params) {
        os << "lambda param " << p.name << r(p.range) << "\n";
        if (p.type)
          type(*p.type);
      }
      return expr("body", l.body);
    }
    }
  }

  std::ostringstream os;
};

} // namespace

std::string dump(const Module &m) { return Dumper().run(m); }

} // namespace tessera::ast
