// The fold loops of a reduction kernel, unrolled for the GPU
// (FoldUnrolling.cpp).
#pragma once

#include "tessera/Dialect/TTile/TTile.h"

namespace tessera {

// Unrolls by `factor` every innermost loop of `kernel` that carries a value
// (a fold: acc = acc op f(r)), and with `writeLoops` every other innermost
// loop too (a row written chunk by chunk), with a loop for the iterations
// left over.
void unrollFoldLoops(ttile::KernelOp kernel, uint64_t factor,
                     bool writeLoops = false);

} // namespace tessera
