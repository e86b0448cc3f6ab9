// The CPU launch callback used while profiling: runs the tiles on the pool
// as launchOnPool does, timing each launch and naming it by the module's
// kernel table. Entries get it in place of launchOnPool only when
// profiling is on, so that runs without it pay nothing.
#pragma once

#include "core/profiler.hpp"
#include "core/thread_pool.hpp"
#include "loader/module_loader.hpp"

namespace tessera::rt {

// What the entry's `launcher` points to while profiling.
struct TimedLauncher {
  ThreadPool *pool = nullptr;
  Profiler *profiler = nullptr;
  const LoadedModule *module = nullptr;
};

// A tessera_launch_fn; `launcher` is a TimedLauncher. Launches of zero
// tiles run nothing and are not recorded.
int32_t launchTimed(void *launcher, tessera_kernel_fn kernel, void *const *args,
                    const int64_t *sizes, int64_t numTiles);

} // namespace tessera::rt
