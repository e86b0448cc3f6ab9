// ast::integerPairs (AST.h): pad's widths as written.
#include "tessera/Frontend/AST.h"

namespace tessera::ast {

std::optional<std::vector<std::pair<int64_t, int64_t>>>
integerPairs(const Expr &e) {
  if (e.kind != Expr::Kind::Tuple)
    return std::nullopt;
  std::vector<std::pair<int64_t, int64_t>> pairs;
  for (const ExprPtr &pair : static_cast<const TupleExpr &>(e).elements) {
    if (pair->kind != Expr::Kind::Tuple)
      return std::nullopt;
    const auto &parts = static_cast<const TupleExpr &>(*pair).elements;
    std::vector<int64_t> values;
    for (const ExprPtr &part : parts) {
      auto *n = part->kind == Expr::Kind::Number
                    ? static_cast<const NumberExpr *>(part.get())
                    : nullptr;
      std::optional<int64_t> v =
          n && n->isInteger ? n->integer() : std::nullopt;
      if (!v)
        return std::nullopt;
      values.push_back(*v);
    }
    if (values.size() != 2)
      return std::nullopt;
    pairs.push_back({values[0], values[1]});
  }
  return pairs;
}

} // namespace tessera::ast
