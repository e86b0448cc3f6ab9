// `tesserac --emit=ast`: the AST as indented text with source positions.
#include "tessera/Frontend/AST.h"

#include <sstream>

namespace tessera::ast {

std::string Dim::str() const {
  return isSymbolic() ? symbol() : std::to_string(extent());
}

std::string TensorType::str() const {
  std::string s = dtype + "[";
  for (size_t i = 0; i < dims.size(); ++i)
    s += (i ? ", " : "") + dims[i].str();
  s += "]";
  if (layout)
    s += " @ <layout>";
  return s;
}

namespace {

class Printer {
public:
  std::string run(const Module &m) {
    line(0) << "module " << (m.name.empty() ? "<unnamed>" : m.name) << "\n";
    for (const ImportDecl &i : m.imports)
      line(1) << "import " << i.path
              << (i.alias.empty() ? "" : " as " + i.alias) << pos(i.range)
              << "\n";
    for (const ValueDecl &v : m.values) {
      static const char *kinds[] = {"const", "let", "policy"};
      line(1) << kinds[static_cast<int>(v.kind)] << " " << v.name
              << (v.type ? ": " + v.type->str() : "") << pos(v.nameRange)
              << "\n";
      expr(*v.value, 2);
    }
    for (const ParamDecl &p : m.params) {
      line(1) << "param " << p.name << (p.type ? ": " + p.type->str() : "")
              << pos(p.nameRange) << "\n";
      if (p.init)
        expr(*p.init, 2);
      if (p.ctor)
        expr(*p.ctor, 2);
    }
    for (const MeshDecl &me : m.meshes) {
      line(1) << "mesh " << me.name << pos(me.nameRange) << "\n";
      args(me.args, 2);
    }
    for (const FuncDecl &f : m.funcs) {
      line(1) << (f.isEntry ? "entry " : "op ") << f.name << dims(f.dimParams)
              << pos(f.nameRange) << "\n";
      for (const Param &p : f.params)
        line(2) << "param " << p.name << ": " << p.type.str() << "\n";
      for (const Param &r : f.results)
        line(2) << "result " << r.name << ": " << r.type.str() << "\n";
      if (f.policy) {
        line(2) << "policy\n";
        expr(*f.policy, 3);
      }
      block(f.body);
    }
    for (const TrainDecl &t : m.trains) {
      line(1) << "train " << t.name << dims(t.dimParams) << pos(t.nameRange)
              << "\n";
      for (const Param &p : t.params)
        line(2) << "param " << p.name << ": " << p.type.str() << "\n";
      line(2) << "with\n";
      expr(*t.optimizer, 3);
      block(t.body);
    }
    for (const AdjointDecl &a : m.adjoints) {
      line(1) << "adjoint " << a.name << "(";
      for (size_t i = 0; i < a.params.size(); ++i)
        os << (i ? ", " : "") << a.params[i].first;
      os << ")" << pos(a.nameRange) << "\n";
      block(a.body);
    }
    return os.str();
  }

private:
  std::ostringstream &line(int depth) {
    os << std::string(depth * 2, ' ');
    return os;
  }

  static std::string pos(const SourceRange &r) {
    if (!r.valid())
      return "";
    return " <" + std::to_string(r.file->line(r.begin)) + ":" +
           std::to_string(r.file->column(r.begin)) + ">";
  }

  static std::string dims(const DimParams &d) {
    if (d.empty())
      return "";
    std::string s = "[";
    for (size_t i = 0; i < d.size(); ++i)
      s += (i ? ", " : "") + d[i].first;
    return s + "]";
  }

  void block(const std::vector<Stmt> &body) {
    static const char *kinds[] = {"let", "let", "return", "minimize"};
    for (const Stmt &s : body) {
      line(2) << kinds[static_cast<int>(s.kind)];
      for (size_t i = 0; i < s.names.size(); ++i)
        os << (i ? ", " : " ") << s.names[i].first;
      if (s.type)
        os << ": " << s.type->str();
      os << pos(s.range) << "\n";
      for (const ExprPtr &v : s.values)
        expr(*v, 3);
    }
  }

  void args(const std::vector<Arg> &list, int depth) {
    for (const Arg &a : list) {
      if (!a.name.empty()) {
        line(depth) << a.name << ":\n";
        expr(*a.value, depth + 1);
      } else {
        expr(*a.value, depth);
      }
    }
  }

  void expr(const Expr &e, int depth) {
    switch (e.kind) {
    case Expr::Kind::Number:
      line(depth) << "number " << static_cast<const NumberExpr &>(e).text;
      break;
    case Expr::Kind::String:
      line(depth) << "string \"" << static_cast<const StringExpr &>(e).value
                  << "\"";
      break;
    case Expr::Kind::Bool:
      line(depth) << (static_cast<const BoolExpr &>(e).value ? "true"
                                                             : "false");
      break;
    case Expr::Kind::Name:
      line(depth) << "name " << static_cast<const NameExpr &>(e).name;
      break;
    case Expr::Kind::Unary: {
      const auto &u = static_cast<const UnaryExpr &>(e);
      line(depth) << "unary " << u.op << pos(e.range) << "\n";
      return expr(*u.operand, depth + 1);
    }
    case Expr::Kind::Binary: {
      const auto &b = static_cast<const BinaryExpr &>(e);
      line(depth) << "binary " << b.op << pos(e.range) << "\n";
      expr(*b.lhs, depth + 1);
      return expr(*b.rhs, depth + 1);
    }
    case Expr::Kind::Call: {
      const auto &c = static_cast<const CallExpr &>(e);
      line(depth) << "call" << pos(e.range) << "\n";
      expr(*c.callee, depth + 1);
      return args(c.args, depth + 1);
    }
    case Expr::Kind::Index: {
      const auto &i = static_cast<const IndexExpr &>(e);
      line(depth) << "index" << pos(e.range) << "\n";
      expr(*i.base, depth + 1);
      for (const Slice &s : i.slices) {
        if (!s.isRange) {
          expr(*s.index, depth + 1);
          continue;
        }
        line(depth + 1) << "range" << pos(s.range) << "\n";
        for (const ExprPtr &part : {s.lo, s.hi, s.step})
          if (part)
            expr(*part, depth + 2);
          else
            line(depth + 2) << "_\n";
      }
      return;
    }
    case Expr::Kind::Member: {
      const auto &m = static_cast<const MemberExpr &>(e);
      line(depth) << "member ." << m.member << pos(e.range) << "\n";
      return expr(*m.base, depth + 1);
    }
    case Expr::Kind::Tuple:
    case Expr::Kind::List: {
      bool tuple = e.kind == Expr::Kind::Tuple;
      const auto &elems = tuple ? static_cast<const TupleExpr &>(e).elements
                                : static_cast<const ListExpr &>(e).elements;
      line(depth) << (tuple ? "tuple" : "list") << pos(e.range) << "\n";
      for (const ExprPtr &x : elems)
        expr(*x, depth + 1);
      return;
    }
    case Expr::Kind::Record:
      line(depth) << "record" << pos(e.range) << "\n";
      return args(static_cast<const RecordExpr &>(e).fields, depth + 1);
    case Expr::Kind::Lambda: {
      const auto &l = static_cast<const LambdaExpr &>(e);
      line(depth) << "lambda";
      for (const LambdaParam &p : l.params)
        os << " " << p.name << (p.type ? ": " + p.type->str() : "");
      os << pos(e.range) << "\n";
      return expr(*l.body, depth + 1);
    }
    }
    os << pos(e.range) << "\n";
  }

  std::ostringstream os;
};

} // namespace

std::string print(const Module &m) { return Printer().run(m); }

} // namespace tessera::ast
