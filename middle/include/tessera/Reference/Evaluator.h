// The reference evaluator: runs Graph IR (tgraph) directly on the host, one
// op at a time, in double precision. It is the oracle that autodiff tests
// (finite differences) and rewrite tests (numeric equivalence) compare
// against; it never goes through the scheduler or a backend. The numeric
// model and the random number generator are described in
// docs/ir/reference-evaluator.md.
#pragma once

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Types.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tessera::reference {

// A dense host tensor in row-major order. Every element is held as a double:
// floating-point values rounded to `elementType` (f32, f16, bf16 round after
// every op), integers and i1 as exact whole numbers (within +-2^53), index
// values as whole numbers. Complex elements take two doubles, real then
// imaginary.
struct Tensor {
  mlir::Type elementType;
  std::vector<int64_t> shape;
  std::vector<double> data;

  Tensor() = default;
  // Zero-filled.
  Tensor(mlir::Type elementType, std::vector<int64_t> shape);
  Tensor(mlir::Type elementType, std::vector<int64_t> shape,
         std::vector<double> data);

  // A rank-0 tensor holding `value` (rounded to `elementType`).
  static Tensor scalar(mlir::Type elementType, double value);

  int64_t numElements() const;
  bool isComplex() const;
  // Doubles per element: 2 for complex, else 1.
  int64_t width() const { return isComplex() ? 2 : 1; }
  // "[2, 3]", "[]" for rank 0.
  std::string shapeStr() const;
};

// `value` as an element of `type` would hold it: rounded to nearest even for
// f32, f16 and bf16 (and the parts of complex<f32>); for integers wrapped to
// the width (two's complement, i1 as 0 or 1); unchanged for f64 and index.
double roundTo(mlir::Type type, double value);

// Rounds every element of `t` to its element type (see roundTo).
void roundInPlace(Tensor &t);

struct Options {
  // The values of `ml_program` globals (the model's parameters), by symbol
  // name without the '@'. A global not given here takes its initial value
  // when that is a dense elements attribute; anything else is an error.
  std::map<std::string, Tensor> params;
  // Nesting limit for func.call, so that a recursive module fails cleanly.
  unsigned maxCallDepth = 256;
};

// Evaluates `fn` (a func.func with one block, in a module) on `args`, one
// per input, of the input's element type, its rank and its static dims
// (inputs with the same symbol in `tgraph.shape` must agree on its extent).
// Returns the function's results, or failure after an error diagnostic at
// the location of what could not be evaluated (the op, or `fn` for a bad
// argument).
mlir::FailureOr<std::vector<Tensor>> evaluate(mlir::func::FuncOp fn,
                                              llvm::ArrayRef<Tensor> args,
                                              const Options &options = {});

} // namespace tessera::reference
