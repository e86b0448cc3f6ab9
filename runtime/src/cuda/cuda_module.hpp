// A module's device code loaded on one GPU (cuModuleLoadData of the image
// chooseCudaImage picked), and its kernels looked up by name, each once.
#pragma once

#include "cuda/cuda_device.hpp"

#include "tessera/tbin_cuda.hpp"
#include "tessera/tessera_rt.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace tessera::rt::cuda {

class CudaModule {
public:
  // Loads `image` on `device`, which must outlive the module. A PTX image
  // the driver cannot compile fails with the driver's log in `error`.
  static tessera_status_t load(CudaDevice &device, const tbin::CudaImage &image,
                               std::unique_ptr<CudaModule> &out,
                               std::string &error);
  ~CudaModule();
  CudaModule(const CudaModule &) = delete;
  CudaModule &operator=(const CudaModule &) = delete;

  // A kernel, and the bytes of dynamic shared memory it launches with.
  struct Kernel {
    CUfunction fn = nullptr;
    unsigned sharedBytes = 0;
  };
  // The kernel named `name`; false with `error` set if the image lacks it.
  // A kernel whose image has a global `<name>_dynamic_shared` (a u32) gets
  // that many bytes of dynamic shared memory, the function allowed them
  // first (above 48 KiB a kernel must ask).
  bool function(const char *name, Kernel &out, std::string &error);

  CudaDevice &device() const { return device_; }

private:
  CudaModule(CudaDevice &device, CUmodule module)
      : device_(device), module_(module) {}

  CudaDevice &device_;
  CUmodule module_;
  std::mutex mutex_; // guards functions_
  std::map<std::string, Kernel, std::less<>> functions_;
};

} // namespace tessera::rt::cuda
