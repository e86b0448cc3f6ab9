// The ttile dialect (Tile IR).
#pragma once

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "tessera/Dialect/TTile/TTileOpsDialect.h.inc"

#define GET_OP_CLASSES
#include "tessera/Dialect/TTile/TTileOps.h.inc"

namespace tessera::ttile {

// Statuses an entry returns through ttile.check; the runtime's copies are in
// runtime/include/tessera/tbin_abi.h (the backend checks that they agree).
// A slice, index or reshape that does not fit the run-time dims
// (TESSERA_ERROR_OUT_OF_RANGE).
constexpr int32_t kStatusOutOfRange = 8;
// A zero pivot in the elimination of a `solve`.
constexpr int32_t kStatusSingularMatrix = 64;

// On a math.fma in a kernel body: a fused multiply-add the program's policy
// allows (a matmul step under a non-strict policy), rounded once on every
// target: an FMA instruction, or an exact software FMA on a CPU without one.
// A math.fma without it (from the polynomial approximations of the math
// functions) is a multiply and an add, rounded twice.
inline constexpr llvm::StringLiteral kFusedMultiplyAddAttr = "ttile.fused";

// On an scf.for in a kernel body: its iterations are independent (none
// reads what another writes), and what it writes is read only after the
// loop. A target may spread them over the threads that run the point
// together (the CUDA backend: a warp, a lane every 32nd iteration, then a
// warp barrier; in a marked loop directly inside another, the outer loop
// when it has 32 iterations or more, else the inner one); the CPU runs
// them in order. Either way each iteration computes the same bits. The
// kernel holding such loops carries the attribute too, so that a host
// launching it knows after its body has been lowered.
inline constexpr llvm::StringLiteral kLanesAttr = "ttile.lanes";

} // namespace tessera::ttile
