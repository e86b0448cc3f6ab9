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
  return s + "]";
}

namespace {

std::string pos(const SourceRange &r) {
  if (!r.valid())
    return "";
  return " <" + std::to_string(r.file->line(r.begin)) + ":" +
         std::to_string(r.file->column(r.begin)) + ">";
}

void printExpr(const Expr &e, int depth, std::ostringstream &os) {
  std::string pad(depth * 2, ' ');
  switch (e.kind) {
  case Expr::Kind::Number: {
    const auto &n = static_cast<const NumberExpr &>(e);
    os << pad << "number " << n.value << pos(e.range) << "\n";
    return;
  }
  case Expr::Kind::Name:
    os << pad << "name " << static_cast<const NameExpr &>(e).name
       << pos(e.range) << "\n";
    return;
  case Expr::Kind::Unary: {
    const auto &u = static_cast<const UnaryExpr &>(e);
    os << pad << "unary " << u.op << pos(e.range) << "\n";
    printExpr(*u.operand, depth + 1, os);
    return;
  }
  case Expr::Kind::Binary: {
    const auto &b = static_cast<const BinaryExpr &>(e);
    os << pad << "binary " << b.op << pos(e.range) << "\n";
    printExpr(*b.lhs, depth + 1, os);
    printExpr(*b.rhs, depth + 1, os);
    return;
  }
  case Expr::Kind::Call: {
    const auto &c = static_cast<const CallExpr &>(e);
    os << pad << "call " << c.callee << pos(e.range) << "\n";
    for (const ExprPtr &a : c.args)
      printExpr(*a, depth + 1, os);
    return;
  }
  }
}

} // namespace

std::string print(const Module &m) {
  std::ostringstream os;
  os << "module " << (m.name.empty() ? "<unnamed>" : m.name) << "\n";
  for (const FuncDecl &f : m.funcs) {
    os << "  " << (f.isEntry ? "entry " : "op ") << f.name;
    if (!f.dimParams.empty()) {
      os << "[";
      for (size_t i = 0; i < f.dimParams.size(); ++i)
        os << (i ? ", " : "") << f.dimParams[i].first;
      os << "]";
    }
    os << pos(f.nameRange) << "\n";
    for (const Param &p : f.params)
      os << "    param " << p.name << ": " << p.type.str() << "\n";
    for (const Param &r : f.results)
      os << "    result " << r.name << ": " << r.type.str() << "\n";
    for (const Stmt &s : f.body) {
      if (s.kind == Stmt::Kind::Let)
        os << "    let " << s.name << pos(s.range) << "\n";
      else
        os << "    return" << pos(s.range) << "\n";
      for (const ExprPtr &v : s.values)
        printExpr(*v, 3, os);
    }
  }
  return os.str();
}

} // namespace tessera::ast
