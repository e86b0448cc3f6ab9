#include "core/host_call.hpp"

#include "core/error.hpp"
#include "core/timed_launch.hpp"

#include <string>

namespace tessera::rt {

namespace {

void *allocTemporary(void *host, int64_t bytes) {
  if (!host)
    return nullptr;
  return static_cast<HostCall *>(host)->memory->allocate(bytes);
}

void freeTemporary(void *host, void *p) {
  if (host)
    static_cast<HostCall *>(host)->memory->release(p);
}

const tessera_host_ops_t kPlainOps = {allocTemporary, freeTemporary,
                                      launchOnPool};
const tessera_host_ops_t kTimedOps = {allocTemporary, freeTemporary,
                                      launchTimed};

} // namespace

const tessera_host_ops_t *HostCall::ops() const {
  return profiler ? &kTimedOps : &kPlainOps;
}

int32_t launchOnPool(void *host, tessera_kernel_fn kernel, void *const *args,
                     const int64_t *sizes, int64_t numTiles) {
  if (!host || !kernel || numTiles < 0) {
    fail(TESSERA_ERROR_INVALID_ARGUMENT,
         !host ? std::string("launch without a host")
         : !kernel
             ? std::string("launch of a null kernel")
             : "launch with a negative tile count " + std::to_string(numTiles));
    return -1;
  }
  static_cast<HostCall *>(host)->pool->run(kernel, args, sizes, numTiles);
  return 0;
}

} // namespace tessera::rt
