#include "core/timed_launch.hpp"

namespace tessera::rt {

int32_t launchTimed(void *launcher, tessera_kernel_fn kernel, void *const *args,
                    const int64_t *sizes, int64_t numTiles) {
  if (!launcher)
    return launchOnPool(nullptr, kernel, args, sizes, numTiles);
  const TimedLauncher &t = *static_cast<const TimedLauncher *>(launcher);
  double start = t.profiler->nowUs();
  int32_t rc = launchOnPool(t.pool, kernel, args, sizes, numTiles);
  double end = t.profiler->nowUs();
  if (rc != 0 || numTiles == 0)
    return rc;
  // A kernel outside the table cannot come from generated code; still name
  // it rather than fail the run for the sake of a trace.
  const std::string *name = t.module->kernelName(kernel);
  try {
    t.profiler->record(name ? *name : std::string("(unknown kernel)"), start,
                       end - start, numTiles);
  } catch (...) {
    // Out of memory for the record: the launch itself succeeded.
  }
  return rc;
}

} // namespace tessera::rt
