// The CPU launch callback used while profiling: runs the tiles on the pool
// as launchOnPool does, timing each launch and naming it by the module's
// kernel table. Entries get it in place of launchOnPool only when
// profiling is on, so that runs without it pay nothing.
#pragma once

#include "tessera/tbin_abi.h"

#include <cstdint>

namespace tessera::rt {

// A tessera_launch_fn; `host` is a HostCall with a profiler and a module.
// Launches of zero tiles run nothing and are not recorded.
int32_t launchTimed(void *host, tessera_kernel_fn kernel, void *const *args,
                    const int64_t *sizes, int64_t numTiles);

} // namespace tessera::rt
