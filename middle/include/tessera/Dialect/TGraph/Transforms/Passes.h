// Graph IR transformations (tgraph -> tgraph).
#pragma once

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "tessera/Dialect/TGraph/TGraph.h"

namespace tessera::tgraph {

#define GEN_PASS_DECL
#include "tessera/Dialect/TGraph/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tessera/Dialect/TGraph/Transforms/Passes.h.inc"

} // namespace tessera::tgraph
