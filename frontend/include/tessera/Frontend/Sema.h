// Semantic analysis: names (across modules), dtypes, symbolic shapes,
// operators as values, autodiff forms, meshes, shards and policies. Fills a
// side table with the type of every expression, which MLIRGen and the
// language server read; reports errors and warnings with source ranges.
#pragma once

#include "tessera/Frontend/AST.h"
#include "tessera/Frontend/Diagnostics.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

namespace tessera {

struct Signature;

// The static type of an expression.
struct ExprType {
  enum class Kind {
    Error,   // already reported; never reported again
    Literal, // a number literal: takes the dtype of what it meets
    Bool,    // true / false
    String,
    Tensor, // dtype + dims (rank 0: a scalar)
    Tuple,
    List,         // of numbers or names: configuration such as [256, 256]
    Record,       // {dp: 4}
    Function,     // an op, a builtin, a lambda, or an operator built from them
    DiffOperator, // partial(axis:, order:): maps functions to functions
    Policy,
    Mesh,
    Shard,
    Optimizer,
    Initializer,
    Module, // an imported module's name
    DType,  // a dtype name used as a value: numeric(dtype: f32)
  };
  using Dim = std::variant<int64_t, std::string>;

  Kind kind = Kind::Error;
  std::string dtype; // Tensor, DType
  std::vector<Dim> dims;
  std::vector<ExprType> elements;       // Tuple, List
  std::vector<std::string> fields;      // Record
  std::shared_ptr<const Signature> sig; // Function (null: a builtin)
  std::string name; // Function: builtin or op name; Module; Mesh
  std::map<std::string, int64_t> axes;     // Mesh: axis -> size
  int64_t axis = 0, order = 1;             // DiffOperator
  const ast::LambdaExpr *lambda = nullptr; // Function: an untyped lambda

  static ExprType error() { return {}; }
  static ExprType literal() { return make(Kind::Literal); }
  static ExprType make(Kind k) {
    ExprType t;
    t.kind = k;
    return t;
  }
  static ExprType tensor(std::string dtype, std::vector<Dim> dims) {
    ExprType t = make(Kind::Tensor);
    t.dtype = std::move(dtype);
    t.dims = std::move(dims);
    return t;
  }

  bool isError() const { return kind == Kind::Error; }
  bool isLiteral() const { return kind == Kind::Literal; }
  bool isTensor() const { return kind == Kind::Tensor; }
  bool isScalarTensor() const { return isTensor() && dims.empty(); }
  std::string str() const;
  bool operator==(const ExprType &o) const;
  bool operator!=(const ExprType &o) const { return !(*this == o); }
};

// A callable's type. Dim parameters are generic: each call binds them by
// unifying the argument shapes with the parameter shapes.
struct Signature {
  std::string name;
  std::vector<std::string> dimParams;
  std::vector<std::pair<std::string, ExprType>> params;
  std::vector<ExprType> results;
  SourceRange where; // the declaration, for notes
  std::vector<SourceRange> paramWhere;
};

ExprType typeOf(const ast::TensorType &t);

// Hashes expression nodes by the 128-byte block of memory they start in.
// The parser allocates nodes in about the order Sema visits them, so the
// tables below fill bucket after bucket, in cache, and an insertion seldom
// meets an older entry that is no longer in cache (as it would with hashes
// spread over the whole heap). A node with its shared_ptr control block
// takes at least 64 bytes, so at most two nodes share a hash.
struct ExprNodeHash {
  size_t operator()(const ast::Expr *e) const {
    return reinterpret_cast<uintptr_t>(e) / 128;
  }
};

struct SemaResult {
  std::unordered_map<const ast::Expr *, ExprType, ExprNodeHash> types;
  // Where each name used in an expression was declared: a parameter, a let,
  // a dim, or a top-level declaration (go to definition, references, hover).
  std::unordered_map<const ast::Expr *, SourceRange, ExprNodeHash> definitions;
  // Top-level names of the checked module and their types.
  std::map<std::string, ExprType> globals;
  // Imported modules, kept alive for their source files and types.
  std::vector<std::shared_ptr<void>> imported;
  // The user modules this one imports: the name they are reached by, their
  // path (a.b), their AST and their checked types.
  struct Import {
    std::string alias;
    std::string path;
    const ast::Module *module = nullptr;
    const SemaResult *types = nullptr;
  };
  std::vector<Import> imports;
};

struct SemaOptions {
  // Where `import a.b` looks for a/b.tsr, after the importing file's folder.
  std::vector<std::string> includeDirs;
};

// The dtypes the language knows (docs/language.md, "Types").
bool isKnownDType(const std::string &name);

// Checks `m`; returns false if any error was reported.
bool checkModule(const ast::Module &m, DiagnosticEngine &diags,
                 SemaResult &result, const SemaOptions &options = {});

} // namespace tessera
