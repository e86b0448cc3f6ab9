// The tsched dialect (Schedule IR).
#pragma once

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "tessera/Dialect/TSched/TSchedOpsDialect.h.inc"

#define GET_OP_CLASSES
#include "tessera/Dialect/TSched/TSchedOps.h.inc"
