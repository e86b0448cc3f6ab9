// The GPU kernels of one architecture compiled to PTX in pieces, on threads
// of their own (PtxPieces.cpp).
#pragma once

#include "llvm/IR/Module.h"

#include <string>
#include <vector>

namespace tessera {

// `module`'s kernels cut into at most `count` runs of consecutive kernels,
// each run a module of its own (as bitcode) with the functions and globals
// its kernels read; globals no kernel reads go with the first run. Fewer
// than two runs when the module has few kernels, or when something the
// kernels read is read by two runs (it would be defined twice).
std::vector<std::string> splitKernels(llvm::Module &module, unsigned count);

// The PTX of the runs joined into one module: the first run's header
// (.version, .target, .address_size), then every run's text after its own
// header, in order, so the kernels come in the module's order. Fails (an
// empty string) when the headers differ.
std::string joinPTX(const std::vector<std::string> &pieces);

} // namespace tessera
