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
