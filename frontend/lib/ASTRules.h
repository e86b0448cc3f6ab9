// AST-building rules beyond the grammar, shared by the two parsers
// (Parser.cpp over ANTLR's parse tree, Direct/Parser.cpp over tokens) so
// that they build the same AST.
#pragma once

#include "tessera/Frontend/AST.h"
#include "tessera/dim_form.hpp"

#include <cstdlib>
#include <optional>

namespace tessera::ast {

// A dim's extent as written; out-of-range extents become -1, which Sema
// reports with their place.
inline int64_t parseExtent(const std::string &digits) {
  if (digits.size() > 18)
    return -1;
  return std::strtoll(digits.c_str(), nullptr, 10);
}

// An extent computed from dims as written (`(N + 5) / 2`, `N + M`, spaces
// gone): the one text of its extent (`(N+1)/2+2`, `M+N`), the text a
// slice's or a concat's type has; left as written where it is none (a
// number too large, a division by 0, `(M+N)/2`), for Sema to report.
inline std::string dimFormText(const std::string &written) {
  std::optional<tbin::DimForm> form = tbin::parseDimForm(written);
  return form ? tbin::formatDimForm(*form) : written;
}

inline ExprPtr makeNumber(SourceRange r, std::string text, bool isInteger) {
  double value = std::strtod(text.c_str(), nullptr);
  return std::make_shared<NumberExpr>(r, value, isInteger, std::move(text));
}

// `x => ...`, `(x, y) => ...`: the left side was parsed as an expression
// and must be a name or a tuple of names. Returns the range of the last
// part that is not a name, if any.
inline std::optional<SourceRange> setLambdaParams(LambdaExpr &lambda,
                                                  const ExprPtr &params) {
  std::optional<SourceRange> bad;
  auto add = [&](const ExprPtr &p) {
    if (p->kind != Expr::Kind::Name) {
      bad = p->range;
      return;
    }
    lambda.params.push_back(
        {static_cast<const NameExpr &>(*p).name, p->range, {}});
  };
  if (params->kind == Expr::Kind::Tuple)
    for (const ExprPtr &p : static_cast<const TupleExpr &>(*params).elements)
      add(p);
  else
    add(params);
  return bad;
}

} // namespace tessera::ast
