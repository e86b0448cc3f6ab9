#include "core/timed_launch.hpp"

#include "core/host_call.hpp"

namespace tessera::rt {

int32_t launchTimed(void *host, tessera_kernel_fn kernel, void *const *args,
                    const int64_t *sizes, int64_t numTiles) {
  auto *call = static_cast<const HostCall *>(host);
  if (!call || !call->profiler)
    return launchOnPool(host, kernel, args, sizes, numTiles);
  double start = call->profiler->nowUs();
  int32_t rc = launchOnPool(host, kernel, args, sizes, numTiles);
  double end = call->profiler->nowUs();
  if (rc != 0 || numTiles == 0)
    return rc;
  // A kernel outside the table cannot come from generated code; still name
  // it rather than fail the run for the sake of a trace.
  const std::string *name = call->module->kernelName(kernel);
  try {
    call->profiler->record(name ? *name : std::string("(unknown kernel)"),
                           start, end - start, numTiles);
  } catch (...) {
    // Out of memory for the record: the launch itself succeeded.
  }
  return rc;
}

} // namespace tessera::rt
