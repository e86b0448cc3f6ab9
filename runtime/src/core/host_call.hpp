// What a CPU entry gets from the runtime for one call: the `host` pointer
// and the tessera_host_ops_t table it passes back (tbin_abi.h). Launches
// run on the context's thread pool, timed and named when profiling is on;
// temporaries come from the context's HostMemory.
#pragma once

#include "core/host_memory.hpp"
#include "core/profiler.hpp"
#include "core/thread_pool.hpp"
#include "loader/module_loader.hpp"

namespace tessera::rt {

struct HostCall {
  ThreadPool *pool = nullptr;
  HostMemory *memory = nullptr;
  // Both set only while profiling.
  Profiler *profiler = nullptr;
  const LoadedModule *module = nullptr;

  // The table for this call: with timed launches when profiling.
  const tessera_host_ops_t *ops() const;
};

// tessera_host_ops_t.launch without timing: runs the tiles on the pool.
// Returns 0, or -1 (with the last error set) for a null host or kernel or a
// negative tile count.
int32_t launchOnPool(void *host, tessera_kernel_fn kernel, void *const *args,
                     const int64_t *sizes, int64_t numTiles);

} // namespace tessera::rt
