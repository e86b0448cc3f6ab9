// Semantic analysis: names, dtypes and shapes. Fills a side table with the
// type of every expression, which MLIRGen reads; reports errors and warnings
// with source ranges.
#pragma once

#include "tessera/Frontend/AST.h"
#include "tessera/Frontend/Diagnostics.h"

#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

namespace tessera {

// The static type of an expression: a tensor (rank 0 for scalars) or an
// untyped number literal that takes the dtype of what it combines with.
struct ExprType {
  std::string dtype; // empty for a number literal
  std::vector<std::variant<int64_t, std::string>> dims;

  bool isLiteral() const { return dtype.empty(); }
  std::string str() const;
  bool operator==(const ExprType &o) const {
    return dtype == o.dtype && dims == o.dims;
  }
};

ExprType typeOf(const ast::TensorType &t);

struct SemaResult {
  std::unordered_map<const ast::Expr *, ExprType> types;
};

// The dtypes the language knows (docs/language.md, "Types").
bool isKnownDType(const std::string &name);

// Checks `m`; returns false if any error was reported.
bool checkModule(const ast::Module &m, DiagnosticEngine &diags,
                 SemaResult &result);

} // namespace tessera
