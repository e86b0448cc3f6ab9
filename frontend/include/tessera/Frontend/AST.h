// The .tsr abstract syntax tree. Built from the ANTLR parse tree at once
// (Parser.cpp); nothing past the parser sees ANTLR types. Every node keeps
// the exact source range it came from.
#pragma once

#include "tessera/Frontend/Diagnostics.h"

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace tessera::ast {

// A dimension as written: a number or a symbol such as `N`.
struct Dim {
  std::variant<int64_t, std::string> value;
  SourceRange range;

  bool isSymbolic() const { return std::holds_alternative<std::string>(value); }
  const std::string &symbol() const { return std::get<std::string>(value); }
  int64_t extent() const { return std::get<int64_t>(value); }
  std::string str() const;
};

// `f32[N, 4]`; a scalar has no dims.
struct TensorType {
  std::string dtype;
  SourceRange dtypeRange;
  std::vector<Dim> dims;
  SourceRange range;

  std::string str() const;
};

struct Expr {
  enum class Kind { Number, Name, Unary, Binary, Call };
  explicit Expr(Kind k, SourceRange r) : kind(k), range(r) {}
  virtual ~Expr() = default;

  const Kind kind;
  SourceRange range;
};
using ExprPtr = std::unique_ptr<Expr>;

struct NumberExpr : Expr {
  NumberExpr(SourceRange r, double v, bool isInt)
      : Expr(Kind::Number, r), value(v), isInteger(isInt) {}
  double value;
  bool isInteger;
};

struct NameExpr : Expr {
  NameExpr(SourceRange r, std::string n) : Expr(Kind::Name, r), name(std::move(n)) {}
  std::string name;
};

struct UnaryExpr : Expr {
  UnaryExpr(SourceRange r, char o, ExprPtr e)
      : Expr(Kind::Unary, r), op(o), operand(std::move(e)) {}
  char op; // '-'
  ExprPtr operand;
};

struct BinaryExpr : Expr {
  BinaryExpr(SourceRange r, char o, ExprPtr l, ExprPtr rhs, SourceRange opR)
      : Expr(Kind::Binary, r), op(o), lhs(std::move(l)), rhs(std::move(rhs)),
        opRange(opR) {}
  char op; // + - * /
  ExprPtr lhs, rhs;
  SourceRange opRange;
};

struct CallExpr : Expr {
  CallExpr(SourceRange r, std::string c, SourceRange cr)
      : Expr(Kind::Call, r), callee(std::move(c)), calleeRange(cr) {}
  std::string callee;
  SourceRange calleeRange;
  std::vector<ExprPtr> args;
};

struct Stmt {
  enum class Kind { Let, Return };
  Kind kind;
  SourceRange range;
  std::string name;         // Let: the bound name
  SourceRange nameRange;    // Let
  std::vector<ExprPtr> values; // Let: one; Return: one or more
};

struct Param {
  std::string name;
  SourceRange nameRange;
  TensorType type;
};

struct FuncDecl {
  bool isEntry = false; // `entry` vs `op`
  std::string name;
  SourceRange nameRange;
  SourceRange range;
  std::vector<std::pair<std::string, SourceRange>> dimParams;
  std::vector<Param> params;
  std::vector<Param> results; // unnamed results get out0, out1, ...
  std::vector<Stmt> body;
};

struct Module {
  std::string name;
  SourceRange nameRange;
  std::vector<FuncDecl> funcs;
};

// The AST as indented text, for `tesserac --emit=ast` and tests.
std::string print(const Module &m);

} // namespace tessera::ast
