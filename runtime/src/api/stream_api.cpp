// Streams, events and tile launches. The CPU device runs work synchronously
// in the order it is issued, so a stream is just the device to run on, an
// event is complete as soon as it is recorded, and waiting never blocks. A
// CUDA device is the same to the caller: tessera_invoke returns when its
// results are in host memory.
#include "api/handles.hpp"
#include "core/error.hpp"

using namespace tessera;

extern "C" {

tessera_status_t tessera_stream_create(tessera_context_t ctx,
                                       tessera_stream_t *out) {
  if (!ctx || !out)
    return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                    "tessera_stream_create: NULL argument");
  *out = new (std::nothrow) tessera_stream{ctx->device};
  return *out ? TESSERA_OK
              : rt::fail(TESSERA_ERROR_OUT_OF_MEMORY, "out of memory");
}

tessera_status_t tessera_stream_destroy(tessera_stream_t stream) {
  delete stream;
  return TESSERA_OK;
}

tessera_status_t tessera_stream_synchronize(tessera_stream_t stream) {
  if (!stream)
    return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                    "tessera_stream_synchronize: NULL stream");
  return TESSERA_OK; // all work issued to it has already finished
}

tessera_status_t tessera_event_create(tessera_context_t ctx,
                                      tessera_event_t *out) {
  if (!ctx || !out)
    return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                    "tessera_event_create: NULL argument");
  *out = new (std::nothrow) tessera_event{ctx->device, false};
  return *out ? TESSERA_OK
              : rt::fail(TESSERA_ERROR_OUT_OF_MEMORY, "out of memory");
}

tessera_status_t tessera_event_destroy(tessera_event_t event) {
  delete event;
  return TESSERA_OK;
}

tessera_status_t tessera_event_record(tessera_event_t event,
                                      tessera_stream_t stream) {
  if (!event || !stream)
    return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                    "tessera_event_record: NULL argument");
  if (event->device != stream->device)
    return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                    "tessera_event_record: event and stream belong to "
                    "different contexts");
  event->recorded = true; // everything before it on the stream is done
  return TESSERA_OK;
}

tessera_status_t tessera_event_wait(tessera_event_t event) {
  if (!event)
    return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                    "tessera_event_wait: NULL event");
  return TESSERA_OK; // recorded or not, there is nothing pending to wait for
}

tessera_status_t tessera_launch_tile(tessera_stream_t stream,
                                     tessera_kernel_fn kernel,
                                     void *const *args, const int64_t *sizes,
                                     int64_t num_tiles) {
  return rt::guard([&] {
    if (!stream || !kernel)
      return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                      "tessera_launch_tile: NULL stream or kernel");
    if (num_tiles < 0)
      return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                      "tessera_launch_tile: negative tile count " +
                          std::to_string(num_tiles));
    // Device kernels run only inside their entry (tessera_invoke).
    if (stream->device->cuda)
      return rt::fail(TESSERA_ERROR_UNSUPPORTED,
                      "tessera_launch_tile runs CPU kernels; device '" +
                          stream->device->name +
                          "' runs its kernels through tessera_invoke");
    stream->device->pool.run(kernel, args, sizes, num_tiles);
    return TESSERA_OK;
  });
}

} // extern "C"
