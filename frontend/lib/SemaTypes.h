// Helpers shared by the checker (Sema.cpp) and the builtin operator rules
// (Builtins.cpp): shapes, broadcasting and call arguments.
#pragma once

#include "tessera/Frontend/Sema.h"
#include "tessera/dim_form.hpp"

#include <optional>

namespace tessera::sema {

using Dim = ExprType::Dim;

std::string dimStr(const Dim &d);
bool isFloatDType(const std::string &dtype);
bool isIntDType(const std::string &dtype);
// Bits of precision, for policy checks (accum at least as wide as dtype).
int dtypeRank(const std::string &dtype);

// Extents computed from dims: sums `N-1`, `M+N`, `2*N`, and quotients of
// one dim `(N+1)/2` (the .tbin format's text of them, tessera/dim_form.hpp,
// which describes the family and its normal form; DimForms.cpp). `?`, an
// extent not known here, stays `?`.
using tbin::DimForm;
using tbin::DimFormRefusal;
using tbin::parseDimForm;
// A dim as a form (a number is a form without dims); nullopt for `?`.
std::optional<DimForm> formOfDim(const Dim &d);
// A form as a dim: a number where it has no dims.
Dim dimFromForm(const DimForm &f);
// `d + c` and `-d`: in the family for every form; `?` where a number
// overflows (x[1:][1:] and x[2:] are both `N-2`).
Dim dimPlus(const Dim &d, int64_t c);
Dim dimNegate(const Dim &d);
// `d / step` rounded up (step >= 1), and `a + b`: nullopt where the
// result is not in the family (a quotient of several dims, a quotient
// added to a dim) or a number overflows.
std::optional<Dim> dimCeilDiv(const Dim &d, int64_t step);
std::optional<Dim> dimSum(const Dim &a, const Dim &b);
// Why a quotient is refused, the end of each message that says so.
inline constexpr const char *kQuotientRule =
    "only one dim, plus or minus a number, can be divided, and a quotient "
    "adds to numbers only, as in (N+1)/2-1";
// `f` with its dims taken as `values` (numbers or forms): a result's `N-1`
// of a call that binds N to M-1 is M-2, and `A+B` with A = N, B = 2 is
// N+2. `?` where a dim has no value or `?`; nullopt where the result is
// not in the family.
std::optional<Dim> dimApply(const DimForm &f,
                            const std::map<std::string, Dim> &values);

// numpy-style broadcasting of two shapes, aligned at the trailing dim; a
// dim of 1 stretches. Returns nullopt and sets `why` on a mismatch.
std::optional<std::vector<Dim>> broadcast(const std::vector<Dim> &a,
                                          const std::vector<Dim> &b,
                                          std::string &why);

// Levenshtein distance, for "did you mean" hints.
size_t editDistance(const std::string &a, const std::string &b);
// The candidate closest to `name` within a small edit distance, or "".
std::string closestName(const std::string &name,
                        const std::vector<std::string> &candidates);
// "x, axis", or "no arguments".
std::string argumentList(const std::vector<std::string> &params);
// The message for a keyword argument that `callee` does not take:
// "unknown argument 'axes' for 'softmax'; did you mean 'axis'? ('softmax'
// takes x, axis)", or "...; it takes x" when no parameter is close.
std::string unknownArgument(const std::string &callee, const std::string &key,
                            const std::vector<std::string> &params);

// The arguments of one call, typed, by position and by keyword.
struct CallArgs {
  struct Item {
    const ast::Arg *arg;
    ExprType type;
  };
  std::vector<Item> positional;
  std::map<std::string, Item> keyword;
  SourceRange call, callee;

  const Item *get(size_t index, const std::string &name) const {
    auto it = keyword.find(name);
    if (it != keyword.end())
      return &it->second;
    return index < positional.size() ? &positional[index] : nullptr;
  }
};

// What builtin rules need from the checker.
class BuiltinHost {
public:
  virtual ~BuiltinHost() = default;
  virtual Diagnostic &error(SourceRange where, std::string msg) = 0;
  // Calls a function value (a signature or another builtin) with arguments.
  virtual ExprType callFunction(const ExprType &fn, CallArgs &args) = 0;
};

bool isBuiltin(const std::string &name);
// The signature text shown in hover and completion: "softmax(x, axis: -1)".
std::string builtinSignature(const std::string &name);
std::vector<std::string> builtinNames();
// The parameters of a builtin, in positional order.
const std::vector<std::string> &builtinParams(const std::string &name);
ExprType checkBuiltin(const std::string &name, CallArgs &args,
                      BuiltinHost &host);
// `a @ b`.
ExprType checkMatmulOperator(const ExprType &a, const ExprType &b,
                             CallArgs &args, BuiltinHost &host);
// Keyword arguments whose values are names, not expressions: `wrt: x`
// names a parameter, `rows: dp` a mesh axis.
bool takesNameArgument(const std::string &builtin, const std::string &keyword);

} // namespace tessera::sema
