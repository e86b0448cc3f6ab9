// Buffers: device memory handles. On the CPU device, aligned host memory.
#include "api/handles.hpp"
#include "core/error.hpp"

#include <cstring>
#include <new>

using namespace tessera;

namespace {
// A cache line, and enough for any vector load a kernel may use.
constexpr std::size_t kAlignment = 64;
} // namespace

extern "C" {

tessera_status_t tessera_buffer_alloc(tessera_context_t ctx, size_t bytes,
                                      tessera_buffer_t *out) {
  return rt::guard([&] {
    if (!ctx || !out)
      return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                      "tessera_buffer_alloc: NULL argument");
    *out = nullptr;
    // At least one byte, so that even an empty buffer has a unique address.
    void *p = ::operator new(bytes ? bytes : 1, std::align_val_t(kAlignment),
                             std::nothrow);
    if (!p)
      return rt::fail(TESSERA_ERROR_OUT_OF_MEMORY,
                      "cannot allocate a buffer of " + std::to_string(bytes) +
                          " bytes");
    // Zeroed: memory a kernel forgets to write must not differ run to run.
    std::memset(p, 0, bytes);
    *out = new (std::nothrow) tessera_buffer{ctx->device, p, bytes};
    if (!*out) {
      ::operator delete(p, std::align_val_t(kAlignment));
      return rt::fail(TESSERA_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    return TESSERA_OK;
  });
}

tessera_status_t tessera_buffer_free(tessera_buffer_t buffer) {
  if (buffer) {
    ::operator delete(buffer->data, std::align_val_t(kAlignment));
    delete buffer;
  }
  return TESSERA_OK;
}

void *tessera_buffer_data(tessera_buffer_t buffer) {
  if (!buffer) {
    rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
             "tessera_buffer_data: NULL buffer");
    return nullptr;
  }
  return buffer->data;
}

size_t tessera_buffer_size(tessera_buffer_t buffer) {
  if (!buffer) {
    rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
             "tessera_buffer_size: NULL buffer");
    return 0;
  }
  return buffer->size;
}

tessera_status_t tessera_buffer_copy(tessera_buffer_t dst, tessera_buffer_t src,
                                     size_t bytes) {
  return rt::guard([&] {
    if (!dst || !src)
      return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                      "tessera_buffer_copy: NULL buffer");
    if (bytes > dst->size || bytes > src->size)
      return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                      "tessera_buffer_copy: " + std::to_string(bytes) +
                          " bytes do not fit (source has " +
                          std::to_string(src->size) + ", destination " +
                          std::to_string(dst->size) + ")");
    std::memmove(dst->data, src->data, bytes); // src may be dst
    return TESSERA_OK;
  });
}

} // extern "C"
