// Contexts: one device and its thread pool.
#include "api/handles.hpp"
#include "core/error.hpp"

#include <cctype>
#include <thread>

using namespace tessera;

namespace {

constexpr int kMaxThreads = 1024;

// "cuda", "cuda:1", "hip", "hip:0": devices this build knows but lacks.
bool isKnownGpuDevice(const std::string &d) {
  for (const char *kind : {"cuda", "hip"}) {
    std::string k = kind;
    if (d == k)
      return true;
    if (d.size() > k.size() + 1 && d.compare(0, k.size() + 1, k + ":") == 0) {
      bool digits = true;
      for (std::size_t i = k.size() + 1; i < d.size(); ++i)
        digits = digits && std::isdigit(static_cast<unsigned char>(d[i]));
      if (digits)
        return true;
    }
  }
  return false;
}

} // namespace

extern "C" {

tessera_status_t tessera_context_create(const char *device, int num_threads,
                                        tessera_context_t *out) {
  return rt::guard([&] {
    if (!out)
      return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                      "tessera_context_create: out is NULL");
    *out = nullptr;
    std::string name = device ? device : "cpu";
    if (isKnownGpuDevice(name))
      return rt::fail(TESSERA_ERROR_UNSUPPORTED,
                      "device '" + name + "' is not available in this build");
    if (name != "cpu")
      return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                      "unknown device '" + name +
                          "' (expected cpu, cuda[:N] or hip[:N])");
    if (num_threads < 0 || num_threads > kMaxThreads)
      return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                      "number of threads must be between 0 and " +
                          std::to_string(kMaxThreads) + ", got " +
                          std::to_string(num_threads));
    unsigned threads = num_threads > 0
                           ? static_cast<unsigned>(num_threads)
                           : std::max(1u, std::thread::hardware_concurrency());
    std::shared_ptr<rt::Device> dev;
    try {
      dev = std::make_shared<rt::Device>(threads);
    } catch (const std::system_error &e) {
      return rt::fail(TESSERA_ERROR_EXECUTION,
                      std::string("cannot start worker threads: ") + e.what());
    }
    *out = new tessera_context{std::move(dev)};
    return TESSERA_OK;
  });
}

tessera_status_t tessera_context_destroy(tessera_context_t ctx) {
  delete ctx;
  return TESSERA_OK;
}

tessera_status_t tessera_context_num_threads(tessera_context_t ctx, int *out) {
  if (!ctx || !out)
    return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                    "tessera_context_num_threads: NULL argument");
  *out = static_cast<int>(ctx->device->pool.numThreads());
  return TESSERA_OK;
}

} // extern "C"
