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

  // The kernel named `name`; false with `error` set if the image lacks it.
  bool function(const char *name, CUfunction &out, std::string &error);

  CudaDevice &device() const { return device_; }

private:
  CudaModule(CudaDevice &device, CUmodule module)
      : device_(device), module_(module) {}

  CudaDevice &device_;
  CUmodule module_;
  std::mutex mutex_; // guards functions_
  std::map<std::string, CUfunction, std::less<>> functions_;
};

} // namespace tessera::rt::cuda
