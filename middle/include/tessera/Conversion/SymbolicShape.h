// The symbolic shape of a Graph IR value: one attribute per dim, an integer
// for a known extent or a string for one known only at run time. The string
// is a sum of products of the entry's dim symbols with an integer
// coefficient ("N", "4*N", "B*T", "N+2"), written in one canonical form so
// that equal extents compare equal. Fusion groups are keyed by it, and the
// Tile IR lowering turns it back into index arithmetic on the entry's dims.
#pragma once

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Value.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tessera {

// An extent as a polynomial in the dim symbols: each term is a product of
// symbols (sorted, repeats allowed) with its coefficient. A symbol is a dim
// of the entry, or a quotient rounded down, `N/2` or `(N+1)/2` (a strided
// slice's extent), whose numerator is again such a polynomial.
class SymbolicDim {
public:
  SymbolicDim() = default;
  static SymbolicDim constant(int64_t c);
  static SymbolicDim symbol(llvm::StringRef name);
  // Parses an attribute of a `tgraph.shape` array; nullopt if malformed.
  static std::optional<SymbolicDim> fromAttr(mlir::Attribute attr);
  // Parses the text `str` writes; nullopt if malformed.
  static std::optional<SymbolicDim> parse(llvm::StringRef text);
  // The numerator and divisor of a quotient symbol; nullopt for a dim.
  static std::optional<std::pair<SymbolicDim, int64_t>>
  quotient(llvm::StringRef symbol);

  SymbolicDim operator+(const SymbolicDim &o) const;
  SymbolicDim operator*(const SymbolicDim &o) const;
  // Exact division by a positive integer; nullopt when not exact.
  std::optional<SymbolicDim> divideBy(int64_t d) const;
  // Division by a positive integer rounding down (SymbolicQuotient.cpp);
  // nullopt when `d` is not positive.
  std::optional<SymbolicDim> floorDivBy(int64_t d) const;

  std::optional<int64_t> asConstant() const;
  mlir::Attribute toAttr(mlir::MLIRContext *ctx) const;
  // "B*T+2", "-N+5", "(N+1)/2-1": highest-degree terms first.
  std::string str() const;
  // Terms in canonical order: (symbols, coefficient); the constant term
  // has no symbols.
  const std::map<std::vector<std::string>, int64_t> &terms() const {
    return termMap;
  }

private:
  void normalise();
  std::map<std::vector<std::string>, int64_t> termMap;
};

// Follows the value back to the entry's `tgraph.shape` attributes through
// every operator whose result shape follows from its operands'. Rank-0
// values give []. Returns a null attribute when the shape cannot be
// recovered.
mlir::ArrayAttr symbolicShape(mlir::Value value);

// An `index` value that gives a run-time extent or offset: a dim of a value
// whose shape is known, a constant, or sums, differences and products of
// those, and their quotients by positive constants; nullopt otherwise.
std::optional<SymbolicDim> indexExtent(mlir::Value v);

// The same, as dims; nullopt when it cannot be recovered.
std::optional<llvm::SmallVector<SymbolicDim>> symbolicDims(mlir::Value value);

} // namespace tessera
