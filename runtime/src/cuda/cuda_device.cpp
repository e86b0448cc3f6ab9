#include "cuda/cuda_device.hpp"

namespace tessera::rt::cuda {

tessera_status_t CudaDevice::open(const Driver &d, int ordinal,
                                  std::unique_ptr<CudaDevice> &out,
                                  std::string &error) {
  const std::string which = "CUDA device " + std::to_string(ordinal);
  auto failed = [&](const char *call, CUresult r) {
    error = "cannot use " + which + ": " + callFailed(d, call, r);
    return TESSERA_ERROR_UNSUPPORTED;
  };
  if (CUresult r = d.cuInit(0); r != kSuccess)
    return failed("cuInit", r);
  int count = 0;
  if (CUresult r = d.cuDeviceGetCount(&count); r != kSuccess)
    return failed("cuDeviceGetCount", r);
  if (count == 0) {
    error = "no CUDA device on this machine";
    return TESSERA_ERROR_UNSUPPORTED;
  }
  if (ordinal < 0 || ordinal >= count) {
    error = which + " does not exist (" + std::to_string(count) +
            (count == 1 ? " device)" : " devices)");
    return TESSERA_ERROR_NOT_FOUND;
  }

  // The constructor is private, hence no make_unique.
  std::unique_ptr<CudaDevice> dev(new CudaDevice(d));
  dev->ordinal_ = ordinal;
  if (CUresult r = d.cuDeviceGet(&dev->device_, ordinal); r != kSuccess)
    return failed("cuDeviceGet", r);
  int major = 0, minor = 0, pools = 0;
  if (CUresult r = d.cuDeviceGetAttribute(&major, kAttrComputeCapabilityMajor,
                                          dev->device_);
      r != kSuccess)
    return failed("cuDeviceGetAttribute", r);
  if (CUresult r = d.cuDeviceGetAttribute(&minor, kAttrComputeCapabilityMinor,
                                          dev->device_);
      r != kSuccess)
    return failed("cuDeviceGetAttribute", r);
  dev->sm_ = static_cast<uint32_t>(major * 10 + minor);
  // Memory pools are optional per device (and per driver); without them
  // cuMemAllocAsync fails, so fall back to cuMemAlloc.
  dev->asyncAlloc_ = d.cuMemAllocAsync && d.cuMemFreeAsync &&
                     d.cuDeviceGetAttribute(&pools, kAttrMemoryPoolsSupported,
                                            dev->device_) == kSuccess &&
                     pools != 0;
  char name[256] = {};
  if (d.cuDeviceGetName(name, sizeof name - 1, dev->device_) == kSuccess)
    dev->name_ = name;

  if (CUresult r = d.cuDevicePrimaryCtxRetain(&dev->context_, dev->device_);
      r != kSuccess) {
    dev->context_ = nullptr; // nothing to release
    return failed("cuDevicePrimaryCtxRetain", r);
  }
  if (CUresult r = d.cuCtxSetCurrent(dev->context_); r != kSuccess)
    return failed("cuCtxSetCurrent", r);
  // A non-blocking stream (flag 1): no implicit waits on the legacy
  // default stream, which another library in the process might use.
  if (CUresult r = d.cuStreamCreate(&dev->stream_, 1); r != kSuccess) {
    dev->stream_ = nullptr;
    return failed("cuStreamCreate", r);
  }
  out = std::move(dev);
  return TESSERA_OK;
}

CudaDevice::~CudaDevice() {
  // Errors here have nowhere to go; the driver frees what is left at exit.
  if (context_ && driver_.cuCtxSetCurrent(context_) == kSuccess && stream_) {
    driver_.cuStreamSynchronize(stream_);
    driver_.cuStreamDestroy(stream_);
  }
  if (context_)
    driver_.cuDevicePrimaryCtxRelease(device_);
}

bool CudaDevice::makeCurrent(std::string &error) const {
  if (CUresult r = driver_.cuCtxSetCurrent(context_); r != kSuccess) {
    error = callFailed(driver_, "cuCtxSetCurrent", r);
    return false;
  }
  return true;
}

} // namespace tessera::rt::cuda
