// One GPU as a context uses it: the device's primary CUDA context, its
// compute capability, and the one stream every invoke on it runs in. Made
// from a driver table, so tests open a fake device on a fake driver.
#pragma once

#include "cuda/cuda_driver.hpp"

#include "tessera/tessera_rt.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace tessera::rt::cuda {

class CudaDevice {
public:
  // Opens GPU `ordinal`. Fails with TESSERA_ERROR_UNSUPPORTED when the
  // machine has no usable GPU, TESSERA_ERROR_NOT_FOUND for a missing one:
  //   CUDA device 3 does not exist (2 devices)
  static tessera_status_t open(const Driver &driver, int ordinal,
                               std::unique_ptr<CudaDevice> &out,
                               std::string &error);
  ~CudaDevice();
  CudaDevice(const CudaDevice &) = delete;
  CudaDevice &operator=(const CudaDevice &) = delete;

  const Driver &driver() const { return driver_; }
  CUstream stream() const { return stream_; }
  int ordinal() const { return ordinal_; }
  // Compute capability times ten, as .tessera.cuda images name it: 90.
  uint32_t sm() const { return sm_; }
  // The GPU's name, e.g. "NVIDIA H100 80GB HBM3".
  const std::string &name() const { return name_; }
  // Whether the stream-ordered allocator (cuMemAllocAsync) can be used.
  bool asyncAlloc() const { return asyncAlloc_; }

  // Makes the device's context current on the calling thread; every thread
  // that calls the driver for this device does so first.
  bool makeCurrent(std::string &error) const;

  // Held for the whole of an invoke: the stream is shared, and an invoke
  // waits for its own work only.
  std::mutex &runMutex() { return runMutex_; }

private:
  explicit CudaDevice(const Driver &driver) : driver_(driver) {}

  const Driver &driver_;
  int ordinal_ = 0;
  CUdevice device_ = 0;
  CUcontext context_ = nullptr;
  CUstream stream_ = nullptr;
  uint32_t sm_ = 0;
  std::string name_;
  bool asyncAlloc_ = false;
  std::mutex runMutex_;
};

} // namespace tessera::rt::cuda
