#include "fake_cuda.hpp"

#include "tessera/tbin_abi.h"

#include <cstdlib>
#include <cstring>
#include <memory>

namespace tessera::test {

using namespace rt::cuda;

namespace {

FakeCuda state;

struct FakeEvent {
  double ms = 0;
};

// A captured graph, and its instantiations: the stream's work in order.
struct FakeGraph {
  std::vector<std::function<CUresult()>> work;
};
FakeGraph *captured = nullptr; // while the stream captures

// Runs `op` now, or records it into the graph being captured.
CUresult onStream(std::function<CUresult()> op) {
  if (!state.capturing)
    return op();
  captured->work.push_back(std::move(op));
  return kSuccess;
}

// Distinct non-null handles for the things the fake does not model.
CUcontext fakeContext() { return reinterpret_cast<CUcontext>(0x1000); }
CUstream fakeStream() { return reinterpret_cast<CUstream>(0x2000); }
CUmodule fakeModule() { return reinterpret_cast<CUmodule>(0x3000); }

// Whether [address, address + bytes) lies in one allocation.
bool inModuleGlobal(uint64_t address, std::size_t bytes) {
  auto within = [&](const void *global, std::size_t size) {
    auto at = reinterpret_cast<uintptr_t>(global);
    return address >= at && address + bytes <= at + size;
  };
  for (auto &[name, k] : state.kernels)
    if (within(&k.dynamicShared, sizeof k.dynamicShared) ||
        within(&k.blockThreads, sizeof k.blockThreads) ||
        within(k.tensorMaps.data(), k.tensorMaps.size() * sizeof(uint32_t)))
      return true;
  return false;
}

bool inDeviceMemory(uint64_t address, std::size_t bytes) {
  if (inModuleGlobal(address, bytes))
    return true;
  auto it = state.live.upper_bound(address);
  if (it == state.live.begin())
    return false;
  --it;
  return address + bytes <= it->first + it->second;
}

CUresult allocate(CUdeviceptr *ptr, std::size_t bytes) {
  if (state.allocs + state.asyncAllocs - 1 == state.failAllocNumber)
    return kCudaOutOfMemory;
  void *p = std::malloc(bytes);
  if (!p)
    return kCudaOutOfMemory;
  *ptr = reinterpret_cast<uintptr_t>(p);
  state.live[*ptr] = bytes;
  state.allocations.push_back(*ptr);
  return kSuccess;
}

CUresult release(CUdeviceptr ptr) {
  auto it = state.live.find(ptr);
  if (it == state.live.end()) {
    ++state.badFrees;
    return kCudaInvalidValue;
  }
  std::free(reinterpret_cast<void *>(static_cast<uintptr_t>(ptr)));
  state.live.erase(it);
  return kSuccess;
}

CUresult init(unsigned) { return state.initError; }
CUresult deviceGetCount(int *count) {
  *count = state.deviceCount;
  return kSuccess;
}
CUresult deviceGet(CUdevice *device, int ordinal) {
  *device = ordinal;
  return kSuccess;
}
CUresult deviceGetAttribute(int *value, int attribute, CUdevice) {
  if (attribute == kAttrComputeCapabilityMajor)
    *value = state.ccMajor;
  else if (attribute == kAttrComputeCapabilityMinor)
    *value = state.ccMinor;
  else if (attribute == kAttrMemoryPoolsSupported)
    *value = state.memoryPools ? 1 : 0;
  else
    return kCudaInvalidValue;
  return kSuccess;
}
CUresult deviceGetName(char *name, int length, CUdevice) {
  std::snprintf(name, static_cast<std::size_t>(length), "%s",
                state.deviceName.c_str());
  return kSuccess;
}
CUresult primaryCtxRetain(CUcontext *ctx, CUdevice) {
  ++state.contextsRetained;
  *ctx = fakeContext();
  return kSuccess;
}
CUresult primaryCtxRelease(CUdevice) {
  ++state.contextsReleased;
  return kSuccess;
}
CUresult ctxSetCurrent(CUcontext) { return kSuccess; }

CUresult moduleLoadDataEx(CUmodule *module, const void *image,
                          unsigned numOptions, int *options, void **values) {
  if (state.moduleLoadError) {
    for (unsigned i = 0; i < numOptions; ++i)
      if (options[i] == kJitErrorLogBuffer)
        std::snprintf(static_cast<char *>(values[i]), 64, "%s",
                      state.moduleLoadLog.c_str());
    return state.moduleLoadError;
  }
  state.loadedImage = static_cast<const char *>(image);
  ++state.modulesLoaded;
  *module = fakeModule();
  return kSuccess;
}
CUresult moduleLoadData(CUmodule *module, const void *image) {
  return moduleLoadDataEx(module, image, 0, nullptr, nullptr);
}
CUresult moduleGetFunction(CUfunction *fn, CUmodule, const char *name) {
  ++state.functionLookups;
  auto it = state.kernels.find(name);
  if (it == state.kernels.end())
    return kCudaNotFound;
  *fn = reinterpret_cast<CUfunction>(&it->second);
  return kSuccess;
}
// A kernel's launch globals: `<kernel>_dynamic_shared`,
// `<kernel>_block_threads` and `<kernel>_tensor_maps`, where it has them.
CUresult moduleGetGlobal(CUdeviceptr *ptr, std::size_t *bytes, CUmodule,
                         const char *name) {
  std::string global = name;
  for (const char *suffix :
       {TESSERA_CUDA_DYNAMIC_SHARED_SUFFIX, TESSERA_CUDA_BLOCK_THREADS_SUFFIX,
        TESSERA_CUDA_TENSOR_MAPS_SUFFIX}) {
    std::size_t n = std::strlen(suffix);
    if (global.size() <= n || global.compare(global.size() - n, n, suffix))
      continue;
    auto it = state.kernels.find(global.substr(0, global.size() - n));
    if (it == state.kernels.end())
      return kCudaNotFound;
    FakeKernel &k = it->second;
    const void *at = nullptr;
    std::size_t size = 0;
    if (k.dynamicShared &&
        !std::strcmp(suffix, TESSERA_CUDA_DYNAMIC_SHARED_SUFFIX)) {
      at = &k.dynamicShared;
      size = sizeof k.dynamicShared;
    } else if (k.blockThreads &&
               !std::strcmp(suffix, TESSERA_CUDA_BLOCK_THREADS_SUFFIX)) {
      at = &k.blockThreads;
      size = sizeof k.blockThreads;
    } else if (!k.tensorMaps.empty() &&
               !std::strcmp(suffix, TESSERA_CUDA_TENSOR_MAPS_SUFFIX)) {
      at = k.tensorMaps.data();
      size = k.tensorMaps.size() * sizeof(uint32_t);
    }
    if (!at)
      return kCudaNotFound;
    *ptr = reinterpret_cast<uintptr_t>(at);
    *bytes = size;
    return kSuccess;
  }
  return kCudaNotFound;
}
CUresult tensorMapEncodeTiled(void *map, int dataType, unsigned rank,
                              void *address, const unsigned long long *extents,
                              const unsigned long long *strides,
                              const unsigned *box,
                              const unsigned *elementStrides, int interleave,
                              int swizzle, int l2Promotion, int fill) {
  if (state.tensorMapError)
    return state.tensorMapError;
  if (rank != 2)
    return kCudaInvalidValue;
  ++state.tensorMapsEncoded;
  FakeTensorMap m{reinterpret_cast<uintptr_t>(address),
                  {extents[0], extents[1]},
                  strides[0],
                  {box[0], box[1]},
                  {elementStrides[0], elementStrides[1]},
                  dataType,
                  static_cast<int32_t>(rank),
                  interleave,
                  swizzle,
                  l2Promotion,
                  fill};
  static_assert(sizeof m <= TESSERA_CUDA_TENSOR_MAP_BYTES);
  std::memcpy(map, &m, sizeof m);
  return kSuccess;
}
CUresult funcSetAttribute(CUfunction fn, int attribute, int value) {
  constexpr int kMaxDynamicSharedSizeBytes = 8;
  if (attribute != kMaxDynamicSharedSizeBytes)
    return kCudaInvalidValue;
  reinterpret_cast<FakeKernel *>(fn)->maxDynamicShared = value;
  return kSuccess;
}
CUresult moduleUnload(CUmodule) {
  ++state.modulesUnloaded;
  return kSuccess;
}

CUresult memAlloc(CUdeviceptr *ptr, std::size_t bytes) {
  if (state.capturing) // not a stream operation: it would break the capture
    return kCudaCaptureUnsupported;
  ++state.allocs;
  return allocate(ptr, bytes);
}
CUresult memFree(CUdeviceptr ptr) {
  ++state.frees;
  return release(ptr);
}
CUresult memAllocAsync(CUdeviceptr *ptr, std::size_t bytes, CUstream) {
  if (state.capturing) // memory nodes are beyond the fake
    return kCudaCaptureUnsupported;
  ++state.asyncAllocs;
  return allocate(ptr, bytes);
}
CUresult memFreeAsync(CUdeviceptr ptr, CUstream) {
  if (state.capturing)
    return kCudaCaptureUnsupported;
  ++state.asyncFrees;
  return release(ptr);
}
CUresult memcpyHtoD(CUdeviceptr dst, const void *src, std::size_t bytes,
                    CUstream) {
  if (state.uploadError)
    return state.uploadError;
  if (!inDeviceMemory(dst, bytes)) {
    ++state.badCopies;
    return kCudaInvalidValue;
  }
  return onStream([=] {
    if (!inDeviceMemory(dst, bytes)) {
      ++state.badCopies;
      return kCudaIllegalAddress;
    }
    std::memcpy(reinterpret_cast<void *>(static_cast<uintptr_t>(dst)), src,
                bytes);
    state.uploads.emplace_back(static_cast<const char *>(src), bytes);
    return kSuccess;
  });
}
CUresult memcpyDtoH(void *dst, CUdeviceptr src, std::size_t bytes, CUstream) {
  if (state.downloadError)
    return state.downloadError;
  if (!inDeviceMemory(src, bytes)) {
    ++state.badCopies;
    return kCudaInvalidValue;
  }
  return onStream([=] {
    if (!inDeviceMemory(src, bytes)) {
      ++state.badCopies;
      return kCudaIllegalAddress;
    }
    std::memcpy(dst,
                reinterpret_cast<const void *>(static_cast<uintptr_t>(src)),
                bytes);
    ++state.downloads;
    return kSuccess;
  });
}

CUresult streamCreate(CUstream *stream, unsigned) {
  ++state.streamsCreated;
  *stream = fakeStream();
  return kSuccess;
}
CUresult streamSynchronize(CUstream) {
  return state.capturing ? kCudaCaptureUnsupported : state.syncError;
}
CUresult streamDestroy(CUstream) {
  ++state.streamsDestroyed;
  return kSuccess;
}

CUresult eventCreate(CUevent *event, unsigned) {
  ++state.eventsCreated;
  *event = reinterpret_cast<CUevent>(new FakeEvent);
  return kSuccess;
}
CUresult eventRecord(CUevent event, CUstream) {
  state.clockMs += 0.25;
  reinterpret_cast<FakeEvent *>(event)->ms = state.clockMs;
  return kSuccess;
}
CUresult eventSynchronize(CUevent) { return kSuccess; }
CUresult eventElapsedTime(float *ms, CUevent start, CUevent end) {
  *ms = static_cast<float>(reinterpret_cast<FakeEvent *>(end)->ms -
                           reinterpret_cast<FakeEvent *>(start)->ms);
  return kSuccess;
}
CUresult eventDestroy(CUevent event) {
  ++state.eventsDestroyed;
  delete reinterpret_cast<FakeEvent *>(event);
  return kSuccess;
}

CUresult launchKernel(CUfunction fn, unsigned gx, unsigned gy, unsigned gz,
                      unsigned bx, unsigned by, unsigned bz, unsigned shared,
                      CUstream, void **params, void **extra) {
  if (state.launchError)
    return state.launchError;
  if (extra)
    return kCudaInvalidValue;
  auto *kernel = reinterpret_cast<FakeKernel *>(fn);
  // As the driver: above 48 KiB only what the kernel was allowed.
  if (shared > 48 * 1024 && static_cast<int>(shared) > kernel->maxDynamicShared)
    return kCudaInvalidValue;
  FakeLaunch launch{"", {gx, gy, gz}, {bx, by, bz}, shared, {}};
  for (const auto &[name, k] : state.kernels)
    if (&k == kernel)
      launch.kernel = name;
  // Parameters are read at launch (or capture) time, as the driver does.
  for (int i = 0; i < kernel->numParams; ++i) {
    uint64_t v;
    std::memcpy(&v, params[i], 8);
    launch.params.push_back(v);
  }
  std::size_t maps = kernel->tensorMaps.size() / TESSERA_CUDA_TENSOR_MAP_FIELDS;
  for (std::size_t i = 0; i < maps; ++i) {
    const void *at = params[kernel->numParams + i];
    launch.mapsAligned &= reinterpret_cast<uintptr_t>(at) % 64 == 0;
    FakeTensorMap m;
    std::memcpy(&m, at, sizeof m);
    launch.tensorMaps.push_back(m);
  }
  return onStream([launch, kernel] {
    state.launches.push_back(launch);
    if (kernel->run)
      kernel->run(launch.params);
    state.clockMs += 1.0;
    return kSuccess;
  });
}

CUresult streamBeginCapture(CUstream, int mode) {
  if (state.beginCaptureError)
    return state.beginCaptureError;
  if (state.capturing || mode != kCaptureModeThreadLocal)
    return kCudaInvalidValue;
  state.capturing = true;
  captured = new FakeGraph;
  return kSuccess;
}
CUresult streamEndCapture(CUstream, CUgraph *graph) {
  if (!state.capturing)
    return kCudaInvalidValue;
  state.capturing = false;
  std::unique_ptr<FakeGraph> g(captured);
  captured = nullptr;
  if (state.endCaptureError)
    return state.endCaptureError;
  ++state.captures;
  *graph = reinterpret_cast<CUgraph>(g.release());
  return kSuccess;
}
CUresult graphInstantiate(CUgraphExec *exec, CUgraph graph,
                          unsigned long long) {
  if (state.instantiateError)
    return state.instantiateError;
  ++state.graphsInstantiated;
  *exec = reinterpret_cast<CUgraphExec>(
      new FakeGraph(*reinterpret_cast<FakeGraph *>(graph)));
  return kSuccess;
}
CUresult graphLaunch(CUgraphExec exec, CUstream) {
  if (state.graphLaunchError)
    return state.graphLaunchError;
  if (state.capturing)
    return kCudaCaptureUnsupported;
  ++state.graphLaunches;
  for (const auto &op : reinterpret_cast<FakeGraph *>(exec)->work)
    if (CUresult r = op(); r != kSuccess)
      return r;
  return kSuccess;
}
CUresult graphExecDestroy(CUgraphExec exec) {
  ++state.graphExecsDestroyed;
  delete reinterpret_cast<FakeGraph *>(exec);
  return kSuccess;
}
CUresult graphDestroy(CUgraph graph) {
  ++state.graphsDestroyed;
  delete reinterpret_cast<FakeGraph *>(graph);
  return kSuccess;
}

// The error codes the fake returns, with the driver's names and texts.
struct ErrorInfo {
  CUresult code;
  const char *name;
  const char *text;
};
constexpr ErrorInfo kErrors[] = {
    {kSuccess, "CUDA_SUCCESS", nullptr}, // as the fake has it: no text
    {kCudaInvalidValue, "CUDA_ERROR_INVALID_VALUE", "invalid argument"},
    {kCudaOutOfMemory, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory"},
    {kCudaNoDevice, "CUDA_ERROR_NO_DEVICE",
     "no CUDA-capable device is detected"},
    {kCudaInvalidPtx, "CUDA_ERROR_INVALID_PTX", "a PTX JIT compilation failed"},
    {kCudaNotFound, "CUDA_ERROR_NOT_FOUND", "named symbol not found"},
    {kCudaIllegalAddress, "CUDA_ERROR_ILLEGAL_ADDRESS",
     "an illegal memory access was encountered"},
    {kCudaLaunchOutOfResources, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES",
     "too many resources requested for launch"},
    {kCudaCaptureUnsupported, "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED",
     "operation not permitted when stream is capturing"},
};

const ErrorInfo *findError(CUresult error) {
  for (const ErrorInfo &e : kErrors)
    if (e.code == error)
      return &e;
  return nullptr;
}

CUresult getErrorName(CUresult error, const char **name) {
  const ErrorInfo *e = findError(error);
  *name = e ? e->name : nullptr;
  return e ? kSuccess : kCudaInvalidValue;
}

CUresult getErrorString(CUresult error, const char **text) {
  const ErrorInfo *e = findError(error);
  *text = e ? e->text : nullptr;
  return *text ? kSuccess : kCudaInvalidValue;
}

Driver makeDriver() {
  Driver d;
  d.cuInit = init;
  d.cuDeviceGetCount = deviceGetCount;
  d.cuDeviceGet = deviceGet;
  d.cuDeviceGetAttribute = deviceGetAttribute;
  d.cuDeviceGetName = deviceGetName;
  d.cuDevicePrimaryCtxRetain = primaryCtxRetain;
  d.cuDevicePrimaryCtxRelease = primaryCtxRelease;
  d.cuCtxSetCurrent = ctxSetCurrent;
  d.cuModuleLoadData = moduleLoadData;
  d.cuModuleLoadDataEx = moduleLoadDataEx;
  d.cuModuleGetFunction = moduleGetFunction;
  d.cuModuleUnload = moduleUnload;
  d.cuModuleGetGlobal = moduleGetGlobal;
  d.cuFuncSetAttribute = funcSetAttribute;
  d.cuMemAlloc = memAlloc;
  d.cuMemFree = memFree;
  d.cuMemAllocAsync = memAllocAsync;
  d.cuMemFreeAsync = memFreeAsync;
  d.cuMemcpyHtoDAsync = memcpyHtoD;
  d.cuMemcpyDtoHAsync = memcpyDtoH;
  d.cuStreamCreate = streamCreate;
  d.cuStreamSynchronize = streamSynchronize;
  d.cuStreamDestroy = streamDestroy;
  d.cuEventCreate = eventCreate;
  d.cuEventRecord = eventRecord;
  d.cuEventSynchronize = eventSynchronize;
  d.cuEventElapsedTime = eventElapsedTime;
  d.cuEventDestroy = eventDestroy;
  d.cuLaunchKernel = launchKernel;
  d.cuStreamBeginCapture = streamBeginCapture;
  d.cuStreamEndCapture = streamEndCapture;
  d.cuGraphInstantiateWithFlags = graphInstantiate;
  d.cuGraphLaunch = graphLaunch;
  d.cuGraphExecDestroy = graphExecDestroy;
  d.cuGraphDestroy = graphDestroy;
  d.cuGetErrorName = getErrorName;
  d.cuGetErrorString = getErrorString;
  d.cuTensorMapEncodeTiled = tensorMapEncodeTiled;
  return d;
}

float *floats(uint64_t address) {
  return reinterpret_cast<float *>(static_cast<uintptr_t>(address));
}

} // namespace

FakeCuda &fakeCuda() { return state; }

void resetFakeCuda() {
  delete captured;
  captured = nullptr;
  for (const auto &[address, bytes] : state.live)
    std::free(reinterpret_cast<void *>(static_cast<uintptr_t>(address)));
  state = FakeCuda{};
}

const Driver &fakeDriver() {
  static const Driver driver = makeDriver();
  return driver;
}

void addFixtureKernels() {
  // Parameters: the buffers, the point count, the tile count (tbin_abi.h).
  state.kernels["tessera_kernel_add"] = {5, [](const std::vector<uint64_t> &p) {
                                           for (uint64_t t = 0; t < p[4]; ++t)
                                             floats(p[2])[t] = floats(p[0])[t] +
                                                               floats(p[1])[t];
                                         }};
  state.kernels["tessera_kernel_twice"] = {
      4, [](const std::vector<uint64_t> &p) {
        for (uint64_t t = 0; t < p[3]; ++t)
          floats(p[1])[t] = floats(p[0])[t] + floats(p[0])[t];
      }};
}

} // namespace tessera::test
