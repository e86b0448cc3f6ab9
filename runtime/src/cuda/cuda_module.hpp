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
#include <vector>

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

  // A row-major matrix among a kernel's parameters for which the launch
  // encodes a tensor map (tbin_abi.h's fields, in order).
  struct TensorMapSpec {
    uint32_t pointer, rows, cols, dataType, boxRows, boxCols, swizzle;
  };
  // A kernel, the bytes of dynamic shared memory and the threads a block
  // it launches with, and the tensor maps it takes.
  struct Kernel {
    CUfunction fn = nullptr;
    unsigned sharedBytes = 0;
    unsigned blockThreads = 0; // 0: the usual kThreadsPerBlock
    std::vector<TensorMapSpec> tensorMaps;
  };
  // The kernel named `name`; false with `error` set if the image lacks it,
  // or its launch globals (tbin_abi.h) are malformed. A kernel whose image
  // has a global `<name>_dynamic_shared` (a u32) gets that many bytes of
  // dynamic shared memory, the function allowed them first (above 48 KiB a
  // kernel must ask); `<name>_block_threads` and `<name>_tensor_maps` are
  // read into the kernel as they are.
  bool function(const char *name, Kernel &out, std::string &error);

  CudaDevice &device() const { return device_; }

private:
  CudaModule(CudaDevice &device, CUmodule module)
      : device_(device), module_(module) {}

  // The u32 words of the image's global `<kernel><suffix>`: none when it
  // has none; false with `error` set when it cannot be read.
  bool global(const char *kernel, const char *suffix,
              std::vector<uint32_t> &words, std::string &error);

  CudaDevice &device_;
  CUmodule module_;
  std::mutex mutex_; // guards functions_
  std::map<std::string, Kernel, std::less<>> functions_;
};

} // namespace tessera::rt::cuda
