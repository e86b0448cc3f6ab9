// Adjoint validation: a function's JVP and VJP, as --tgraph-differentiate
// produces them, checked against central finite differences and against
// each other, by running everything in the reference evaluator.
#pragma once

#include "tessera/Reference/Evaluator.h"

#include "mlir/IR/BuiltinOps.h"

#include <functional>
#include <string>

namespace tessera::reference {

// What the check measured, as relative errors (|a - b| / max(|a|, |b|,
// 1e-12)), the largest over the random directions tried.
struct AdjointErrors {
  double jvp = 0;  // J v from the JVP vs central differences
  double vjp = 0;  // <VJP(w), v> vs <w, J v> by central differences
  double dual = 0; // <VJP(w), v> vs <w, JVP(v)>
  double max() const { return std::max(jvp, std::max(vjp, dual)); }
};

struct AdjointCheckOptions {
  unsigned directions = 3; // random (v, w) pairs
  uint64_t seed = 1;
  // Central-difference step, relative to max(1, |x|) elementwise; chosen
  // per element type when 0 (1e-6 for f64, 1e-2 for f32 and complex<f32>).
  double step = 0;
  // Values of the module's parameters (ml_program globals), by name.
  std::map<std::string, Tensor> params;
};

// Checks `fn` (a function of `module`, which the check may extend with
// derivative functions) at `inputs`. Integer and boolean inputs are held
// fixed; the others get random directions. Returns failure after a
// diagnostic when the derivatives cannot be built or evaluated.
mlir::FailureOr<AdjointErrors>
checkAdjoints(mlir::ModuleOp module, mlir::func::FuncOp fn,
              llvm::ArrayRef<Tensor> inputs,
              const AdjointCheckOptions &options = {});

// Random inputs for `fn`: each `?` dim takes `dynamicExtent`; floats are
// uniform in [-1, 1], integers in [0, 3) (valid indices and labels for
// extents >= 3), booleans fair coin flips.
std::vector<Tensor> randomInputs(mlir::func::FuncOp fn, uint64_t seed,
                                 int64_t dynamicExtent = 3);

// Rewrites every f16, bf16 and f32 type and float attribute of `module` to
// f64, so that finite differences measure the derivatives and not the
// rounding. Returns false (changing nothing) when an op needs f32 (the real
// Fourier transforms).
bool promoteFloatsToF64(mlir::ModuleOp module);

// Random values for every `ml_program.global` of `module`, by name.
std::map<std::string, Tensor> randomParams(mlir::ModuleOp module, uint64_t seed,
                                           int64_t dynamicExtent = 3);

} // namespace tessera::reference
