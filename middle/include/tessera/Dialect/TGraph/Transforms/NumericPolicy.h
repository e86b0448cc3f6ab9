// The numerics policy of the function around an op, as the rewrites of
// Graph IR need it.
#pragma once

#include "mlir/IR/Operation.h"
#include "llvm/ADT/StringRef.h"

namespace tessera::tgraph {

// The function attribute that holds the source text of the function's
// policy, e.g. "numeric(dtype: bf16, accum: f32, strict: true)".
constexpr const char *kPolicyAttr = "tgraph.policy";

// Whether `policy` (the text of a `tgraph.policy` attribute) is strict.
// Only `strict: false` or no `strict` field in a `numeric(...)` call is
// non-strict; anything this cannot read (a policy given by name, a field
// whose value is not a literal) counts as strict, so that no rewrite that
// changes floating-point results is applied on a guess.
bool isStrictPolicy(llvm::StringRef policy);

// Whether the nearest enclosing op with a `tgraph.policy` attribute (the
// function) has a strict policy. Without one the language's default
// applies, which is not strict.
bool isStrict(mlir::Operation *op);

} // namespace tessera::tgraph
