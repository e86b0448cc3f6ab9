// The .tsr abstract syntax tree. Built from the ANTLR parse tree at once
// (Parser.cpp); nothing past the parser sees ANTLR types. Every node keeps
// the exact source range it came from.
#pragma once

#include "tessera/Frontend/Diagnostics.h"

#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace tessera::ast {

// `v` as an int64 when it is a whole number of magnitude at most 2^53, where
// every integer is an exact double; nothing otherwise. Every conversion of
// a literal (or a folded constant) to an integer goes through here, so an
// enormous literal is refused instead of overflowing the conversion.
inline std::optional<int64_t> exactInteger(double v) {
  if (!(std::fabs(v) <= 0x1p53) || v != std::trunc(v))
    return std::nullopt;
  return static_cast<int64_t>(v);
}

struct Expr;
using ExprPtr = std::shared_ptr<Expr>;

// A dimension as written: a number or a symbol such as `N`.
struct Dim {
  std::variant<int64_t, std::string> value;
  SourceRange range;

  bool isSymbolic() const { return std::holds_alternative<std::string>(value); }
  const std::string &symbol() const { return std::get<std::string>(value); }
  int64_t extent() const { return std::get<int64_t>(value); }
  std::string str() const;
};

// `f32[N, 4]`, optionally `@ shard(...)`; a scalar has no dims.
struct TensorType {
  std::string dtype;
  SourceRange dtypeRange;
  std::vector<Dim> dims;
  ExprPtr layout; // null when none
  SourceRange range;

  std::string str() const;
};

// A call argument: positional, or keyword (`axis: -1`).
struct Arg {
  std::string name; // empty when positional
  SourceRange nameRange;
  ExprPtr value;
};

struct Expr {
  enum class Kind {
    Number,
    String,
    Bool,
    Name,
    Unary,
    Binary,
    Call,
    Index,
    Member,
    Tuple,
    List,
    Record,
    Lambda,
  };
  explicit Expr(Kind k, SourceRange r) : kind(k), range(r) {}
  virtual ~Expr() = default;

  const Kind kind;
  SourceRange range;
};

struct NumberExpr : Expr {
  NumberExpr(SourceRange r, double v, bool isInt, std::string t)
      : Expr(Kind::Number, r), value(v), isInteger(isInt), text(std::move(t)) {}
  double value;
  bool isInteger;
  std::string text; // as written

  std::optional<int64_t> integer() const { return exactInteger(value); }
};

struct StringExpr : Expr {
  StringExpr(SourceRange r, std::string v)
      : Expr(Kind::String, r), value(std::move(v)) {}
  std::string value;
};

struct BoolExpr : Expr {
  BoolExpr(SourceRange r, bool v) : Expr(Kind::Bool, r), value(v) {}
  bool value;
};

struct NameExpr : Expr {
  NameExpr(SourceRange r, std::string n)
      : Expr(Kind::Name, r), name(std::move(n)) {}
  std::string name;
};

struct UnaryExpr : Expr {
  UnaryExpr(SourceRange r, std::string o, ExprPtr e)
      : Expr(Kind::Unary, r), op(std::move(o)), operand(std::move(e)) {}
  std::string op; // "-" or "!"
  ExprPtr operand;
};

struct BinaryExpr : Expr {
  BinaryExpr(SourceRange r, std::string o, ExprPtr l, ExprPtr rhs,
             SourceRange opR)
      : Expr(Kind::Binary, r), op(std::move(o)), lhs(std::move(l)),
        rhs(std::move(rhs)), opRange(opR) {}
  std::string op; // + - * / % @ ** == != < <= > >= && ||
  ExprPtr lhs, rhs;
  SourceRange opRange;
};

struct CallExpr : Expr {
  CallExpr(SourceRange r, ExprPtr c)
      : Expr(Kind::Call, r), callee(std::move(c)) {}
  ExprPtr callee;
  std::vector<Arg> args;
};

// One subscript: an index, or a range lo:hi:step with optional parts.
struct Slice {
  bool isRange = false;
  ExprPtr index, lo, hi, step;
  SourceRange range;
};

struct IndexExpr : Expr {
  IndexExpr(SourceRange r, ExprPtr b)
      : Expr(Kind::Index, r), base(std::move(b)) {}
  ExprPtr base;
  std::vector<Slice> slices;
};

struct MemberExpr : Expr {
  MemberExpr(SourceRange r, ExprPtr b, std::string m, SourceRange mr)
      : Expr(Kind::Member, r), base(std::move(b)), member(std::move(m)),
        memberRange(mr) {}
  ExprPtr base;
  std::string member;
  SourceRange memberRange;
};

struct TupleExpr : Expr {
  explicit TupleExpr(SourceRange r) : Expr(Kind::Tuple, r) {}
  std::vector<ExprPtr> elements;
};

// `((1, 2), (0, 3))`: a tuple of pairs of whole numbers (pad's widths),
// or nullopt for anything else, a pair with a negative or non-integer
// number included.
std::optional<std::vector<std::pair<int64_t, int64_t>>>
integerPairs(const Expr &e);

struct ListExpr : Expr {
  explicit ListExpr(SourceRange r) : Expr(Kind::List, r) {}
  std::vector<ExprPtr> elements;
};

struct RecordExpr : Expr {
  explicit RecordExpr(SourceRange r) : Expr(Kind::Record, r) {}
  std::vector<Arg> fields; // every field named
};

struct LambdaParam {
  std::string name;
  SourceRange range;
  std::optional<TensorType> type;
};

struct LambdaExpr : Expr {
  explicit LambdaExpr(SourceRange r) : Expr(Kind::Lambda, r) {}
  std::vector<LambdaParam> params;
  ExprPtr body;
};

struct Stmt {
  enum class Kind { Let, TupleLet, Return, Minimize };
  Kind kind;
  SourceRange range;
  std::vector<std::pair<std::string, SourceRange>>
      names;                      // Let: 1; TupleLet: 2+
  std::optional<TensorType> type; // Let: declared type
  std::vector<ExprPtr> values;    // Let, TupleLet, Minimize: 1; Return: 0+
};

struct Param {
  std::string name;
  SourceRange nameRange;
  TensorType type;
};

using DimParams = std::vector<std::pair<std::string, SourceRange>>;

struct FuncDecl {
  bool isEntry = false; // `entry` vs `op`
  std::string name;
  SourceRange nameRange;
  SourceRange range;
  DimParams dimParams;
  std::vector<Param> params;
  bool hasResultType = false;
  std::vector<Param> results; // unnamed results get out0, out1, ...
  ExprPtr policy;             // null when none
  std::vector<Stmt> body;
};

struct TrainDecl {
  std::string name;
  SourceRange nameRange;
  SourceRange range;
  DimParams dimParams;
  std::vector<Param> params;
  ExprPtr optimizer;
  ExprPtr policy;
  std::vector<Stmt> body;
};

struct AdjointDecl {
  std::string name; // the op it is the adjoint of
  SourceRange nameRange;
  SourceRange range;
  std::vector<std::pair<std::string, SourceRange>> params;
  std::vector<Stmt> body;
};

// `const`, `let` (module level), `policy`: a name bound to a value.
struct ValueDecl {
  enum class Kind { Const, Let, Policy };
  Kind kind;
  std::string name;
  SourceRange nameRange;
  SourceRange range;
  std::optional<TensorType> type;
  ExprPtr value;
};

struct ParamDecl {
  std::string name;
  SourceRange nameRange;
  SourceRange range;
  std::optional<TensorType> type; // a tensor parameter
  ExprPtr init;                   // its initialiser, or null
  ExprPtr ctor;                   // an operator parameter: mlp(...)
};

struct MeshDecl {
  std::string name;
  SourceRange nameRange;
  SourceRange range;
  std::vector<Arg> args;
};

struct ImportDecl {
  std::string path; // a.b.c
  std::string alias;
  SourceRange range;
  SourceRange pathRange;
};

struct Module {
  std::string name;
  SourceRange nameRange;
  std::vector<ImportDecl> imports;
  std::vector<FuncDecl> funcs;
  std::vector<TrainDecl> trains;
  std::vector<AdjointDecl> adjoints;
  std::vector<ValueDecl> values;
  std::vector<ParamDecl> params;
  std::vector<MeshDecl> meshes;
};

// The AST as indented text, for `tesserac --emit=ast` and tests.
std::string print(const Module &m);

// Every field of the AST, source ranges as byte offsets: two ASTs are the
// same exactly when their dumps are (tests compare parsers through it).
std::string dump(const Module &m);

} // namespace tessera::ast
