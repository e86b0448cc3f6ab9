// Contexts: one device. "cpu" is a thread pool; "cuda[:N]" one GPU, driven
// through the driver API (cuda/), which is loaded when first asked for.
#include "api/handles.hpp"
#include "core/error.hpp"
#include "cuda/cuda_driver.hpp"

#include <cctype>
#include <system_error>
#include <thread>

using namespace tessera;

namespace {

constexpr int kMaxThreads = 1024;

// "cuda" -> 0, "cuda:3" -> 3; -1 when `d` is not `kind` or `kind:N`.
int deviceOrdinal(const std::string &d, const std::string &kind) {
  if (d == kind)
    return 0;
  // Up to six digits: no overflow, and more GPUs than any machine has.
  if (d.size() <= kind.size() + 1 || d.size() > kind.size() + 7 ||
      d.compare(0, kind.size() + 1, kind + ":") != 0)
    return -1;
  int n = 0;
  for (std::size_t i = kind.size() + 1; i < d.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(d[i])))
      return -1;
    n = n * 10 + (d[i] - '0');
  }
  return n;
}

tessera_status_t adopt(std::shared_ptr<rt::Device> dev,
                       tessera_context_t *out) {
  *out = new tessera_context{std::move(dev)};
  return TESSERA_OK;
}

} // namespace

namespace tessera::rt {

tessera_status_t createCudaContext(const cuda::Driver &driver, int ordinal,
                                   tessera_context_t *out) {
  *out = nullptr;
  std::unique_ptr<cuda::CudaDevice> gpu;
  std::string error;
  if (tessera_status_t st = cuda::CudaDevice::open(driver, ordinal, gpu, error);
      st != TESSERA_OK)
    return fail(st, error);
  auto dev = std::make_shared<Device>("cuda:" + std::to_string(ordinal), 1);
  dev->cuda = std::move(gpu);
  return adopt(std::move(dev), out);
}

} // namespace tessera::rt

extern "C" {

tessera_status_t tessera_context_create(const char *device, int num_threads,
                                        tessera_context_t *out) {
  return rt::guard([&] {
    if (!out)
      return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                      "tessera_context_create: out is NULL");
    *out = nullptr;
    std::string name = device ? device : "cpu";
    int cudaOrdinal = deviceOrdinal(name, "cuda");
    if (deviceOrdinal(name, "hip") >= 0)
      return rt::fail(TESSERA_ERROR_UNSUPPORTED,
                      "device '" + name + "' is not available in this build");
    if (name != "cpu" && cudaOrdinal < 0)
      return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                      "unknown device '" + name +
                          "' (expected cpu, cuda[:N] or hip[:N])");
    if (num_threads < 0 || num_threads > kMaxThreads)
      return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                      "number of threads must be between 0 and " +
                          std::to_string(kMaxThreads) + ", got " +
                          std::to_string(num_threads));
    if (cudaOrdinal >= 0) {
      std::string error;
      const rt::cuda::Driver *driver = rt::cuda::systemDriver(error);
      if (!driver)
        return rt::fail(TESSERA_ERROR_UNSUPPORTED, error);
      return rt::createCudaContext(*driver, cudaOrdinal, out);
    }
    unsigned threads = num_threads > 0
                           ? static_cast<unsigned>(num_threads)
                           : std::max(1u, std::thread::hardware_concurrency());
    std::shared_ptr<rt::Device> dev;
    try {
      dev = std::make_shared<rt::Device>("cpu", threads);
    } catch (const std::system_error &e) {
      return rt::fail(TESSERA_ERROR_EXECUTION,
                      std::string("cannot start worker threads: ") + e.what());
    }
    return adopt(std::move(dev), out);
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
