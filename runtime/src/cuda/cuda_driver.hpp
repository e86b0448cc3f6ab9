// The CUDA driver API as the runtime uses it: libcuda.so.1 is opened at run
// time with dlopen, so the runtime builds and runs on machines without CUDA
// and includes no CUDA header. The few types are declared here, ABI-equal to
// cuda.h's; the entry points live in a table of function pointers, so that
// tests can put a fake driver in its place.
#pragma once

#include <cstddef>
#include <string>

namespace tessera::rt::cuda {

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = struct CUctx_st *;
using CUmodule = struct CUmod_st *;
using CUfunction = struct CUfunc_st *;
using CUstream = struct CUstream_st *;
using CUevent = struct CUevent_st *;
using CUgraph = struct CUgraph_st *;
using CUgraphExec = struct CUgraphExec_st *;

constexpr CUresult kSuccess = 0;
// CUdevice_attribute values.
constexpr int kAttrComputeCapabilityMajor = 75;
constexpr int kAttrComputeCapabilityMinor = 76;
constexpr int kAttrMemoryPoolsSupported = 115;
// CUjit_option values for cuModuleLoadDataEx.
constexpr int kJitErrorLogBuffer = 5;
constexpr int kJitErrorLogBufferSizeBytes = 6;
// CUstreamCaptureMode: only this thread's unsafe calls break a capture.
constexpr int kCaptureModeThreadLocal = 1;

// Where the driver exports a versioned name (cuMemAlloc_v2), the pointer is
// that one: the unversioned symbols keep old, 32-bit-size signatures.
struct Driver {
  CUresult (*cuInit)(unsigned flags) = nullptr;
  CUresult (*cuDeviceGetCount)(int *count) = nullptr;
  CUresult (*cuDeviceGet)(CUdevice *device, int ordinal) = nullptr;
  CUresult (*cuDeviceGetAttribute)(int *value, int attribute,
                                   CUdevice device) = nullptr;
  CUresult (*cuDeviceGetName)(char *name, int length,
                              CUdevice device) = nullptr;
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *ctx,
                                       CUdevice device) = nullptr;
  CUresult (*cuDevicePrimaryCtxRelease)(CUdevice device) = nullptr;
  CUresult (*cuCtxSetCurrent)(CUcontext ctx) = nullptr;
  CUresult (*cuModuleLoadData)(CUmodule *module, const void *image) = nullptr;
  // Optional (null if absent): loads with a JIT error log.
  CUresult (*cuModuleLoadDataEx)(CUmodule *module, const void *image,
                                 unsigned numOptions, int *options,
                                 void **values) = nullptr;
  CUresult (*cuModuleGetFunction)(CUfunction *fn, CUmodule module,
                                  const char *name) = nullptr;
  CUresult (*cuModuleUnload)(CUmodule module) = nullptr;
  // Optional: a kernel that asks for more than 48 KiB of shared memory
  // (its `<name>_dynamic_shared` global) needs both; without them it fails
  // to launch with the driver's error.
  CUresult (*cuModuleGetGlobal)(CUdeviceptr *ptr, std::size_t *bytes,
                                CUmodule module, const char *name) = nullptr;
  CUresult (*cuFuncSetAttribute)(CUfunction fn, int attribute,
                                 int value) = nullptr;
  CUresult (*cuMemAlloc)(CUdeviceptr *ptr, std::size_t bytes) = nullptr;
  CUresult (*cuMemFree)(CUdeviceptr ptr) = nullptr;
  // Optional (CUDA 11.2 and later): the stream-ordered allocator.
  CUresult (*cuMemAllocAsync)(CUdeviceptr *ptr, std::size_t bytes,
                              CUstream stream) = nullptr;
  CUresult (*cuMemFreeAsync)(CUdeviceptr ptr, CUstream stream) = nullptr;
  CUresult (*cuMemcpyHtoDAsync)(CUdeviceptr dst, const void *src,
                                std::size_t bytes, CUstream stream) = nullptr;
  CUresult (*cuMemcpyDtoHAsync)(void *dst, CUdeviceptr src, std::size_t bytes,
                                CUstream stream) = nullptr;
  CUresult (*cuStreamCreate)(CUstream *stream, unsigned flags) = nullptr;
  CUresult (*cuStreamSynchronize)(CUstream stream) = nullptr;
  CUresult (*cuStreamDestroy)(CUstream stream) = nullptr;
  CUresult (*cuEventCreate)(CUevent *event, unsigned flags) = nullptr;
  CUresult (*cuEventRecord)(CUevent event, CUstream stream) = nullptr;
  CUresult (*cuEventSynchronize)(CUevent event) = nullptr;
  CUresult (*cuEventElapsedTime)(float *ms, CUevent start,
                                 CUevent end) = nullptr;
  CUresult (*cuEventDestroy)(CUevent event) = nullptr;
  CUresult (*cuLaunchKernel)(CUfunction fn, unsigned gridX, unsigned gridY,
                             unsigned gridZ, unsigned blockX, unsigned blockY,
                             unsigned blockZ, unsigned sharedBytes,
                             CUstream stream, void **params,
                             void **extra) = nullptr;
  // Optional (CUDA 11.4 and later): CUDA graphs, made by stream capture.
  // Without them every step launches its kernels one by one.
  CUresult (*cuStreamBeginCapture)(CUstream stream, int mode) = nullptr;
  CUresult (*cuStreamEndCapture)(CUstream stream, CUgraph *graph) = nullptr;
  CUresult (*cuGraphInstantiateWithFlags)(CUgraphExec *exec, CUgraph graph,
                                          unsigned long long flags) = nullptr;
  CUresult (*cuGraphLaunch)(CUgraphExec exec, CUstream stream) = nullptr;
  CUresult (*cuGraphExecDestroy)(CUgraphExec exec) = nullptr;
  CUresult (*cuGraphDestroy)(CUgraph graph) = nullptr;
  // Optional (CUDA 12.0 and later): tensor maps for kernels that ask for
  // them (tbin_abi.h); `map` is 128 bytes, 64-byte aligned; the enums are
  // cuda.h's, as ints.
  CUresult (*cuTensorMapEncodeTiled)(
      void *map, int dataType, unsigned rank, void *address,
      const unsigned long long *extents, const unsigned long long *strides,
      const unsigned *box, const unsigned *elementStrides, int interleave,
      int swizzle, int l2Promotion, int outOfBoundsFill) = nullptr;
  CUresult (*cuGetErrorName)(CUresult error, const char **name) = nullptr;
  CUresult (*cuGetErrorString)(CUresult error, const char **text) = nullptr;
};

// The machine's driver, opened and resolved on first use and kept for the
// life of the process (never dlclosed: kernels may still run). Null, with
// `error` set, when libcuda.so.1 is missing or lacks a needed entry point:
//   no CUDA driver (libcuda.so.1) on this machine
//   the CUDA driver (libcuda.so.1) has no cuMemAlloc_v2; it is too old
const Driver *systemDriver(std::string &error);

// "CUDA_ERROR_OUT_OF_MEMORY (out of memory)", or "CUDA error 2" when the
// driver cannot name it.
std::string errorText(const Driver &driver, CUresult result);

// "cuMemAlloc failed: CUDA_ERROR_OUT_OF_MEMORY (out of memory)"
std::string callFailed(const Driver &driver, const char *call, CUresult result);

} // namespace tessera::rt::cuda
