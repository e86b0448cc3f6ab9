// memset, memcpy and memmove defined in a host module (MemoryFunctions.cpp).
#pragma once

namespace llvm {
class Module;
} // namespace llvm

namespace tessera {

// Defines the three, hidden, unless the module already does.
void addMemoryFunctions(llvm::Module &m);

} // namespace tessera
