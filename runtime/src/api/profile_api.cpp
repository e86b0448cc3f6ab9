// Profiling: a context records every kernel launch while it is switched on
// (core/profiler.hpp); the host reads the records back one by one.
#include "api/handles.hpp"
#include "core/error.hpp"

using namespace tessera;

extern "C" {

tessera_status_t tessera_context_set_profiling(tessera_context_t ctx,
                                               int enabled) {
  return rt::guard([&] {
    if (!ctx)
      return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                      "tessera_context_set_profiling: NULL context");
    ctx->device->profiler.setEnabled(enabled != 0);
    return TESSERA_OK;
  });
}

size_t tessera_context_num_profile_events(tessera_context_t ctx) {
  if (!ctx) {
    rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
             "tessera_context_num_profile_events: NULL context");
    return 0;
  }
  return ctx->device->profiler.size();
}

tessera_status_t tessera_context_profile_event(tessera_context_t ctx,
                                               size_t index,
                                               tessera_profile_event_t *out) {
  if (!ctx || !out)
    return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                    "tessera_context_profile_event: NULL argument");
  rt::ProfileRecord r;
  if (!ctx->device->profiler.get(index, r))
    return rt::fail(TESSERA_ERROR_NOT_FOUND,
                    "tessera_context_profile_event: index out of range");
  *out = {r.name->c_str(), r.startUs, r.durationUs, r.numTiles};
  return TESSERA_OK;
}

} // extern "C"
