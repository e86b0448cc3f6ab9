// Loops marked ttile.lanes spread over a warp's lanes (LaneLoops.cpp).
#pragma once

#include "tessera/Dialect/TTile/TTile.h"

namespace tessera {

// Rewrites each outermost marked loop of `kernel` (and a marked loop
// directly inside it) so that lane l of the warp runs iterations l, l + 32,
// ... of one of them, and puts a warp barrier after it.
void spreadLoopsOverLanes(ttile::KernelOp kernel);

} // namespace tessera
