// Reading the `strict` field of a function's numerics policy.
#include "tessera/Dialect/TGraph/Transforms/NumericPolicy.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace tessera::tgraph {

bool isStrictPolicy(llvm::StringRef policy) {
  llvm::StringRef text = policy.trim();
  // Only a literal `numeric(...)` call can be read here: for a policy given
  // by name the attribute holds just the name.
  if (!text.consume_front("numeric"))
    return true;
  text = text.ltrim();
  if (!text.consume_front("(") || !text.consume_back(")"))
    return true;
  llvm::SmallVector<llvm::StringRef> fields;
  text.split(fields, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  // Arguments go by name or by position: (dtype, accum, deterministic,
  // strict).
  constexpr size_t kStrictPosition = 3;
  for (auto [i, field] : llvm::enumerate(fields)) {
    auto [key, value] = field.split(':');
    if (value.empty() && !field.contains(':')) {
      if (i != kStrictPosition)
        continue;
      value = key;
    } else if (key.trim() != "strict") {
      continue;
    }
    // `false` is the only spelling that is certainly not strict.
    return value.trim() != "false";
  }
  return false;
}

bool isStrict(Operation *op) {
  for (Operation *p = op; p; p = p->getParentOp())
    if (auto policy = p->getAttrOfType<StringAttr>(kPolicyAttr))
      return isStrictPolicy(policy.getValue());
  return false;
}

} // namespace tessera::tgraph
