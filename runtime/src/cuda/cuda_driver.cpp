#include "cuda/cuda_driver.hpp"

#include <cstring>
#include <dlfcn.h>
#include <initializer_list>
#include <mutex>

namespace tessera::rt::cuda {

namespace {

constexpr const char *kLibrary = "libcuda.so.1";

// Resolves the first of `names` the library exports into `fn`. Pointer to
// function from dlsym's void* goes through memcpy, the one conversion every
// compiler accepts without a warning.
template <typename Fn>
bool resolve(void *library, Fn &fn, std::initializer_list<const char *> names,
             std::string &missing) {
  for (const char *name : names) {
    if (void *p = ::dlsym(library, name)) {
      std::memcpy(&fn, &p, sizeof p);
      return true;
    }
  }
  missing = *names.begin();
  return false;
}

bool resolveAll(void *lib, Driver &d, std::string &missing) {
  // Optional entry points: their absence only costs a feature.
  std::string ignored;
  resolve(lib, d.cuModuleLoadDataEx, {"cuModuleLoadDataEx"}, ignored);
  resolve(lib, d.cuMemAllocAsync, {"cuMemAllocAsync"}, ignored);
  resolve(lib, d.cuMemFreeAsync, {"cuMemFreeAsync"}, ignored);
  // The unversioned cuStreamBeginCapture takes no mode: only _v2 will do.
  resolve(lib, d.cuStreamBeginCapture, {"cuStreamBeginCapture_v2"}, ignored);
  resolve(lib, d.cuStreamEndCapture, {"cuStreamEndCapture"}, ignored);
  resolve(lib, d.cuGraphInstantiateWithFlags, {"cuGraphInstantiateWithFlags"},
          ignored);
  resolve(lib, d.cuGraphLaunch, {"cuGraphLaunch"}, ignored);
  resolve(lib, d.cuModuleGetGlobal, {"cuModuleGetGlobal_v2"}, ignored);
  resolve(lib, d.cuFuncSetAttribute, {"cuFuncSetAttribute"}, ignored);
  resolve(lib, d.cuGraphExecDestroy, {"cuGraphExecDestroy"}, ignored);
  resolve(lib, d.cuGraphDestroy, {"cuGraphDestroy"}, ignored);
  resolve(lib, d.cuTensorMapEncodeTiled, {"cuTensorMapEncodeTiled"}, ignored);
  return resolve(lib, d.cuInit, {"cuInit"}, missing) &&
         resolve(lib, d.cuDeviceGetCount, {"cuDeviceGetCount"}, missing) &&
         resolve(lib, d.cuDeviceGet, {"cuDeviceGet"}, missing) &&
         resolve(lib, d.cuDeviceGetAttribute, {"cuDeviceGetAttribute"},
                 missing) &&
         resolve(lib, d.cuDeviceGetName, {"cuDeviceGetName"}, missing) &&
         resolve(lib, d.cuDevicePrimaryCtxRetain, {"cuDevicePrimaryCtxRetain"},
                 missing) &&
         resolve(lib, d.cuDevicePrimaryCtxRelease,
                 {"cuDevicePrimaryCtxRelease_v2", "cuDevicePrimaryCtxRelease"},
                 missing) &&
         resolve(lib, d.cuCtxSetCurrent, {"cuCtxSetCurrent"}, missing) &&
         resolve(lib, d.cuModuleLoadData, {"cuModuleLoadData"}, missing) &&
         resolve(lib, d.cuModuleGetFunction, {"cuModuleGetFunction"},
                 missing) &&
         resolve(lib, d.cuModuleUnload, {"cuModuleUnload"}, missing) &&
         resolve(lib, d.cuMemAlloc, {"cuMemAlloc_v2"}, missing) &&
         resolve(lib, d.cuMemFree, {"cuMemFree_v2"}, missing) &&
         resolve(lib, d.cuMemcpyHtoDAsync, {"cuMemcpyHtoDAsync_v2"}, missing) &&
         resolve(lib, d.cuMemcpyDtoHAsync, {"cuMemcpyDtoHAsync_v2"}, missing) &&
         resolve(lib, d.cuStreamCreate, {"cuStreamCreate"}, missing) &&
         resolve(lib, d.cuStreamSynchronize, {"cuStreamSynchronize"},
                 missing) &&
         resolve(lib, d.cuStreamDestroy,
                 {"cuStreamDestroy_v2", "cuStreamDestroy"}, missing) &&
         resolve(lib, d.cuEventCreate, {"cuEventCreate"}, missing) &&
         resolve(lib, d.cuEventRecord, {"cuEventRecord"}, missing) &&
         resolve(lib, d.cuEventSynchronize, {"cuEventSynchronize"}, missing) &&
         resolve(lib, d.cuEventElapsedTime, {"cuEventElapsedTime"}, missing) &&
         resolve(lib, d.cuEventDestroy, {"cuEventDestroy_v2", "cuEventDestroy"},
                 missing) &&
         resolve(lib, d.cuLaunchKernel, {"cuLaunchKernel"}, missing) &&
         resolve(lib, d.cuGetErrorName, {"cuGetErrorName"}, missing) &&
         resolve(lib, d.cuGetErrorString, {"cuGetErrorString"}, missing);
}

} // namespace

const Driver *systemDriver(std::string &error) {
  static std::once_flag once;
  static Driver driver;
  static const Driver *loaded = nullptr;
  static std::string loadError;
  std::call_once(once, [] {
    void *lib = ::dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      loadError =
          std::string("no CUDA driver (") + kLibrary + ") on this machine";
      return;
    }
    std::string missing;
    if (!resolveAll(lib, driver, missing)) {
      loadError = std::string("the CUDA driver (") + kLibrary + ") has no " +
                  missing + "; it is too old";
      ::dlclose(lib);
      return;
    }
    loaded = &driver;
  });
  if (!loaded)
    error = loadError;
  return loaded;
}

std::string errorText(const Driver &driver, CUresult result) {
  const char *name = nullptr, *text = nullptr;
  if (!driver.cuGetErrorName ||
      driver.cuGetErrorName(result, &name) != kSuccess || !name)
    return "CUDA error " + std::to_string(result);
  std::string s = name;
  if (driver.cuGetErrorString &&
      driver.cuGetErrorString(result, &text) == kSuccess && text)
    s += std::string(" (") + text + ")";
  return s;
}

std::string callFailed(const Driver &driver, const char *call,
                       CUresult result) {
  return std::string(call) + " failed: " + errorText(driver, result);
}

} // namespace tessera::rt::cuda
