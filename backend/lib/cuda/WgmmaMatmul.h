// A bf16 matmul on sm_90a's warpgroup tensor cores (WgmmaMatmul.cpp).
#pragma once

#include "mlir/IR/Builders.h"

#include "tessera/Dialect/TTile/TTile.h"

#include <string>

namespace llvm {
class Module;
} // namespace llvm

namespace tessera {

// A kernel named `<symbol>` + kSm90aSuffix takes the place of `<symbol>`
// in sm_90a's PTX and is dropped from every other architecture's
// (keepArchitectureVariants): the host launches `<symbol>` either way.
constexpr const char *kSm90aSuffix = "__sm90a";

// Builds the sm_90a form of the largest tensor-core variant `symbol` of a
// matmul kernel that runsOnTensorCores: the same 128 x 256 tiles, the same
// parameters and threads, the sums by wgmma.
void buildWgmmaVariant(ttile::KernelOp kernel, const std::string &symbol,
                       mlir::OpBuilder &mb);

// In `module`, translated for `arch`: for sm_90a, each global whose name
// holds kSm90aSuffix (a kernel, its shared memory and its dynamic shared
// memory size) replaces the global named without it; for other
// architectures, those globals are dropped.
void keepArchitectureVariants(llvm::Module &module, const std::string &arch);

} // namespace tessera
