#include "cuda/device_run.hpp"

#include "cuda/tensor_maps.hpp"

#include <algorithm>
#include <climits>
#include <cstring>
#include <map>
#include <memory>
#include <new>

namespace tessera::rt::cuda {

namespace {

// More kernel parameters than any kernel has: a count beyond it is a bug in
// the calling entry, not something to pack.
constexpr int32_t kMaxParams = 4096;
// The return codes of ops->launch: tessera_status_t values.
constexpr int32_t kLaunchBadArgument = TESSERA_ERROR_INVALID_ARGUMENT;
constexpr int32_t kLaunchFailed = TESSERA_ERROR_EXECUTION;

CUdeviceptr toDevice(const void *p) {
  return static_cast<CUdeviceptr>(reinterpret_cast<uintptr_t>(p));
}
void *toHost(CUdeviceptr p) {
  return reinterpret_cast<void *>(static_cast<uintptr_t>(p));
}

struct TimedLaunch {
  std::string kernel;
  int64_t numTiles = 0;
  CUevent start = nullptr, end = nullptr;
};

// What the entry's `device` argument points to for one run. Keeps the first
// failure; later ones are usually its consequences.
class Run {
public:
  Run(CudaModule &module, const DeviceCall &call)
      : d(module.device().driver()), dev(module.device()), mod(module),
        stream(dev.stream()), call(call),
        profile(call.profiler && call.profiler->enabled()) {}

  void fail(tessera_status_t st, const std::string &message) {
    if (status == TESSERA_OK) {
      status = st;
      this->message = message;
    }
  }

  // Device memory, stream-ordered when the device allows it.
  bool allocate(std::size_t bytes, CUdeviceptr &out) {
    out = 0;
    const char *api = dev.asyncAlloc() ? "cuMemAllocAsync" : "cuMemAlloc";
    CUresult r = dev.asyncAlloc() ? d.cuMemAllocAsync(&out, bytes, stream)
                                  : d.cuMemAlloc(&out, bytes);
    if (r != kSuccess) {
      out = 0;
      fail(TESSERA_ERROR_OUT_OF_MEMORY,
           std::string(api) + " of " + std::to_string(bytes) +
               " bytes failed: " + errorText(d, r));
      return false;
    }
    try {
      extents[out] = bytes;
    } catch (const std::bad_alloc &) {
      if (dev.asyncAlloc())
        d.cuMemFreeAsync(out, stream);
      else
        d.cuMemFree(out);
      out = 0;
      fail(TESSERA_ERROR_OUT_OF_MEMORY, "out of host memory");
      return false;
    }
    return true;
  }

  // Frees once the work issued before is done: in stream order, or by
  // waiting for the stream when there is no stream-ordered allocator.
  void release(CUdeviceptr p) {
    extents.erase(p);
    CUresult r;
    const char *api = "cuMemFreeAsync";
    if (dev.asyncAlloc()) {
      r = d.cuMemFreeAsync(p, stream);
    } else {
      api = "cuStreamSynchronize";
      r = d.cuStreamSynchronize(stream);
      if (r == kSuccess) {
        api = "cuMemFree";
        r = d.cuMemFree(p);
      }
    }
    if (r != kSuccess)
      fail(TESSERA_ERROR_EXECUTION, callFailed(d, api, r));
  }

  void *entryAlloc(int64_t bytes) {
    if (bytes <= 0) {
      fail(TESSERA_ERROR_INVALID_ARGUMENT,
           "allocation of " + std::to_string(bytes) + " bytes");
      return nullptr;
    }
    if (call.workspace)
      return workspaceAlloc(static_cast<std::size_t>(bytes));
    live.reserve(live.size() + 1); // cannot throw after the allocation
    CUdeviceptr p;
    if (!allocate(static_cast<std::size_t>(bytes), p))
      return nullptr;
    live.push_back(p);
    return toHost(p);
  }

  // The same allocations, in the same order, as the calls before: the
  // entry's temporaries depend on nothing but the dims.
  void *workspaceAlloc(std::size_t bytes) {
    std::vector<Workspace::Block> &blocks = call.workspace->blocks;
    if (nextBlock < blocks.size()) {
      if (blocks[nextBlock].bytes != bytes) {
        fail(TESSERA_ERROR_EXECUTION,
             "allocation " + std::to_string(nextBlock) + " of " +
                 std::to_string(bytes) + " bytes was " +
                 std::to_string(blocks[nextBlock].bytes) +
                 " bytes in the call before");
        return nullptr;
      }
      return toHost(blocks[nextBlock++].ptr);
    }
    if (capturing) { // no allocation may join a graph: it would leak
      fail(TESSERA_ERROR_EXECUTION, "allocation during graph capture");
      return nullptr;
    }
    blocks.reserve(blocks.size() + 1); // cannot throw after the allocation
    CUdeviceptr p;
    if (!allocate(bytes, p))
      return nullptr;
    blocks.push_back({p, bytes, dev.asyncAlloc()});
    ++nextBlock;
    return toHost(p);
  }

  void entryFree(void *ptr) {
    if (!ptr)
      return;
    if (call.workspace) { // kept for the next call
      for (std::size_t i = 0; i < nextBlock; ++i)
        if (call.workspace->blocks[i].ptr == toDevice(ptr))
          return;
      fail(TESSERA_ERROR_INVALID_ARGUMENT,
           "free of memory the runtime did not allocate");
      return;
    }
    auto it = std::find(live.begin(), live.end(), toDevice(ptr));
    if (it == live.end()) {
      fail(TESSERA_ERROR_INVALID_ARGUMENT,
           "free of memory the runtime did not allocate");
      return;
    }
    live.erase(it);
    release(toDevice(ptr));
  }

  // Whether [p, p + bytes) lies inside one allocation of this run.
  bool allocated(CUdeviceptr p, std::size_t bytes) const {
    auto it = extents.upper_bound(p);
    if (it == extents.begin())
      return false;
    --it;
    return p - it->first <= it->second && bytes <= it->second - (p - it->first);
  }

  int32_t upload(void *dst, const void *src, int64_t bytes) {
    if (bytes == 0)
      return 0;
    if (bytes < 0 || !dst || !src ||
        !allocated(toDevice(dst), static_cast<std::size_t>(bytes))) {
      fail(TESSERA_ERROR_INVALID_ARGUMENT,
           "upload of " + std::to_string(bytes) +
               " bytes outside the memory of this run");
      return kLaunchBadArgument;
    }
    // The entry may reuse `src` at once, whatever memory it is: the copy
    // reads from a runtime-owned copy that lives until the run is over (or
    // in the workspace, as long as a graph may replay the copy).
    auto n = static_cast<std::size_t>(bytes);
    const uint8_t *source = call.workspace
                                ? workspaceSource(toDevice(dst), src, n)
                                : stagedSource(src, n);
    if (CUresult r = d.cuMemcpyHtoDAsync(toDevice(dst), source, n, stream);
        r != kSuccess) {
      fail(TESSERA_ERROR_EXECUTION, callFailed(d, "cuMemcpyHtoDAsync", r));
      return kLaunchFailed;
    }
    return 0;
  }

  // Reads device memory back once the work before it is done: a wait for
  // the stream, so never during a capture, which records work without
  // running it (the entry would decide on bytes not computed yet).
  int32_t download(void *dst, const void *src, int64_t bytes) {
    if (bytes == 0)
      return 0;
    if (bytes < 0 || !dst || !src ||
        !allocated(toDevice(src), static_cast<std::size_t>(bytes))) {
      fail(TESSERA_ERROR_INVALID_ARGUMENT,
           "download of " + std::to_string(bytes) +
               " bytes outside the memory of this run");
      return kLaunchBadArgument;
    }
    if (capturing) {
      fail(TESSERA_ERROR_EXECUTION, "a download during graph capture: the "
                                    "entry reads a tensor in host code");
      return kLaunchFailed;
    }
    const char *api = "cuMemcpyDtoHAsync";
    CUresult r = d.cuMemcpyDtoHAsync(dst, toDevice(src),
                                     static_cast<std::size_t>(bytes), stream);
    if (r == kSuccess) {
      api = "cuStreamSynchronize";
      r = d.cuStreamSynchronize(stream);
    }
    if (r != kSuccess) {
      fail(TESSERA_ERROR_EXECUTION, callFailed(d, api, r));
      return kLaunchFailed;
    }
    return 0;
  }

  const uint8_t *stagedSource(const void *src, std::size_t n) {
    staged.push_back(std::make_unique<uint8_t[]>(n));
    std::memcpy(staged.back().get(), src, n);
    return staged.back().get();
  }

  // The k-th upload reuses the k-th source, noting any difference from the
  // call before.
  const uint8_t *workspaceSource(CUdeviceptr dst, const void *src,
                                 std::size_t n) {
    std::vector<Workspace::Upload> &uploads = call.workspace->uploads;
    if (nextUpload == uploads.size() || uploads[nextUpload].bytes != n) {
      call.workspace->uploadsChanged = true;
      Workspace::Upload fresh{dst, n, std::make_unique<uint8_t[]>(n)};
      if (nextUpload == uploads.size())
        uploads.push_back(std::move(fresh));
      else
        uploads[nextUpload] = std::move(fresh);
    }
    Workspace::Upload &u = uploads[nextUpload++];
    if (u.dst != dst || std::memcmp(u.source.get(), src, n) != 0)
      call.workspace->uploadsChanged = true;
    u.dst = dst;
    std::memcpy(u.source.get(), src, n);
    return u.source.get();
  }

  // Starts a call over, after a capture that did not work out: the entry
  // runs again from its first allocation and upload.
  void restart() {
    status = TESSERA_OK;
    message.clear();
    nextBlock = 0;
    nextUpload = 0;
    call.workspace->uploadsChanged = false;
  }

  int32_t launch(const char *kernel, void *const *args, int32_t numArgs,
                 const int64_t *sizes, int32_t numSizes, int64_t numTiles) {
    const std::string who =
        std::string("kernel '") + (kernel ? kernel : "") + "'";
    if (!kernel || numArgs < 0 || numSizes < 0 || numArgs > kMaxParams ||
        numSizes > kMaxParams || (numArgs > 0 && !args) ||
        (numSizes > 0 && !sizes) || numTiles < 0) {
      fail(TESSERA_ERROR_INVALID_ARGUMENT,
           who + ": bad launch (" + std::to_string(numArgs) + " args, " +
               std::to_string(numSizes) + " sizes, " +
               std::to_string(numTiles) + " tiles)");
      return kLaunchBadArgument;
    }
    if (numTiles == 0)
      return 0; // nothing to run; a zero-sized grid is a launch error
    int64_t blocks = numTiles / kThreadsPerBlock +
                     (numTiles % kThreadsPerBlock != 0 ? 1 : 0);
    if (blocks > INT_MAX) {
      fail(TESSERA_ERROR_INVALID_ARGUMENT,
           who + ": " + std::to_string(numTiles) +
               " tiles are more than one launch can run");
      return kLaunchBadArgument;
    }
    CudaModule::Kernel fn;
    std::string why;
    if (!mod.function(kernel, fn, why)) {
      fail(TESSERA_ERROR_EXECUTION, who + ": " + why);
      return kLaunchFailed;
    }

    // Every parameter is 8 bytes: the pointers, the sizes, the tile count.
    std::vector<uint64_t> slots;
    slots.reserve(static_cast<std::size_t>(numArgs + numSizes + 1));
    for (int32_t i = 0; i < numArgs; ++i)
      slots.push_back(toDevice(args[i]));
    for (int32_t i = 0; i < numSizes; ++i)
      slots.push_back(static_cast<uint64_t>(sizes[i]));
    std::vector<TensorMap> maps;
    if (!fn.tensorMaps.empty() &&
        !encodeTensorMaps(d, fn.tensorMaps, slots,
                          static_cast<std::size_t>(numArgs), maps, why)) {
      fail(TESSERA_ERROR_EXECUTION, who + ": " + why);
      return kLaunchFailed;
    }
    slots.push_back(static_cast<uint64_t>(numTiles));
    std::vector<void *> params;
    for (uint64_t &slot : slots)
      params.push_back(&slot);
    for (TensorMap &map : maps)
      params.push_back(map.bytes);

    TimedLaunch timed;
    if (profile) {
      timings.reserve(timings.size() + 1); // cannot throw once events exist
      timed.kernel = kernel;
      if (call.kernelNames)
        if (auto it = call.kernelNames->find(timed.kernel);
            it != call.kernelNames->end())
          timed.kernel = it->second;
      timed.numTiles = numTiles;
      if (!event(timed.start) || !event(timed.end)) {
        destroy(timed);
        return kLaunchFailed;
      }
      // Moving never throws into reserved space; `timed` keeps the handles.
      timings.push_back(std::move(timed)); // owns the events from here on
      if (!recordEvent(timed.start))
        return kLaunchFailed;
    }
    // A kernel may run more threads a block than the 256 tiles each
    // block counts for (its image says so).
    unsigned threads = fn.blockThreads ? fn.blockThreads : kThreadsPerBlock;
    CUresult r =
        d.cuLaunchKernel(fn.fn, static_cast<unsigned>(blocks), 1, 1, threads, 1,
                         1, fn.sharedBytes, stream, params.data(), nullptr);
    if (r != kSuccess) {
      fail(TESSERA_ERROR_EXECUTION,
           who + ": " + callFailed(d, "cuLaunchKernel", r));
      return kLaunchFailed;
    }
    if (profile && !recordEvent(timed.end))
      return kLaunchFailed;
    return 0;
  }

  bool event(CUevent &out) {
    out = nullptr;
    if (CUresult r = d.cuEventCreate(&out, 0); r != kSuccess) {
      out = nullptr;
      fail(TESSERA_ERROR_EXECUTION, callFailed(d, "cuEventCreate", r));
      return false;
    }
    return true;
  }

  bool recordEvent(CUevent e) {
    if (CUresult r = d.cuEventRecord(e, stream); r != kSuccess) {
      fail(TESSERA_ERROR_EXECUTION, callFailed(d, "cuEventRecord", r));
      return false;
    }
    return true;
  }

  void destroy(TimedLaunch &t) {
    if (t.start)
      d.cuEventDestroy(t.start);
    if (t.end)
      d.cuEventDestroy(t.end);
    t.start = t.end = nullptr;
  }

  // After the stream is done: each launch's time on the profiler's clock,
  // placed by the GPU's own clock relative to `origin`.
  void readTimings() {
    Profiler &profiler = *call.profiler;
    for (const TimedLaunch &t : timings) {
      float sinceOrigin = 0, duration = 0;
      CUresult r = d.cuEventElapsedTime(&sinceOrigin, origin, t.start);
      if (r == kSuccess)
        r = d.cuEventElapsedTime(&duration, t.start, t.end);
      if (r != kSuccess) {
        fail(TESSERA_ERROR_EXECUTION, callFailed(d, "cuEventElapsedTime", r));
        return;
      }
      profiler.record(t.kernel, originUs + 1000.0 * sinceOrigin,
                      1000.0 * duration, t.numTiles);
    }
  }

  ~Run() {
    for (TimedLaunch &t : timings)
      destroy(t);
    if (origin)
      d.cuEventDestroy(origin);
  }

  const Driver &d;
  CudaDevice &dev;
  CudaModule &mod;
  CUstream stream;
  const DeviceCall &call;
  bool profile;
  std::vector<CUdeviceptr> live; // the entry's allocations not yet freed
  std::map<CUdeviceptr, std::size_t> extents;     // every allocation not freed
  std::vector<std::unique_ptr<uint8_t[]>> staged; // sources of uploads
  tessera_status_t status = TESSERA_OK;
  std::string message;
  CUevent origin = nullptr; // recorded before the entry, when profiling
  double originUs = 0;      // the profiler's clock at `origin`
  std::vector<TimedLaunch> timings;
  // With a workspace: the next block and upload this call uses.
  std::size_t nextBlock = 0, nextUpload = 0;
  bool capturing = false;
};

// The ops table the entry calls; C callbacks, so nothing may throw out.
void *opsAlloc(void *device, int64_t bytes) {
  Run &run = *static_cast<Run *>(device);
  try {
    return run.entryAlloc(bytes);
  } catch (const std::bad_alloc &) {
    run.fail(TESSERA_ERROR_OUT_OF_MEMORY, "out of host memory");
    return nullptr;
  }
}

void opsFree(void *device, void *ptr) {
  static_cast<Run *>(device)->entryFree(ptr);
}

int32_t opsLaunch(void *device, const char *kernel, void *const *args,
                  int32_t numArgs, const int64_t *sizes, int32_t numSizes,
                  int64_t numTiles) {
  Run &run = *static_cast<Run *>(device);
  try {
    return run.launch(kernel, args, numArgs, sizes, numSizes, numTiles);
  } catch (const std::bad_alloc &) {
    run.fail(TESSERA_ERROR_OUT_OF_MEMORY, "out of host memory");
    return TESSERA_ERROR_OUT_OF_MEMORY;
  }
}

int32_t opsUpload(void *device, void *dst, const void *src, int64_t bytes) {
  Run &run = *static_cast<Run *>(device);
  try {
    return run.upload(dst, src, bytes);
  } catch (const std::bad_alloc &) {
    run.fail(TESSERA_ERROR_OUT_OF_MEMORY, "out of host memory");
    return TESSERA_ERROR_OUT_OF_MEMORY;
  }
}

int32_t opsDownload(void *device, void *dst, const void *src, int64_t bytes) {
  Run &run = *static_cast<Run *>(device);
  try {
    return run.download(dst, src, bytes);
  } catch (const std::bad_alloc &) {
    run.fail(TESSERA_ERROR_OUT_OF_MEMORY, "out of host memory");
    return TESSERA_ERROR_OUT_OF_MEMORY;
  }
}

const tessera_device_ops_t kOps = {opsAlloc, opsFree, opsLaunch, opsUpload,
                                   opsDownload};

int32_t callEntry(Run &run, void *const *buffers) {
  if (run.call.workspace)
    run.call.workspace->uploadsChanged = false; // set by this call's uploads
  int32_t rc = run.call.entry(&run, &kOps, buffers, run.call.dims);
  if (Workspace *w = run.call.workspace;
      w && run.nextUpload < w->uploads.size()) {
    w->uploadsChanged = true; // fewer uploads than before
    w->uploads.resize(run.nextUpload);
  }
  return rc;
}

// Records the entry's work into call.capture and runs it as a graph. False
// when the capture did not work out: nothing ran, the graph is gone, and
// the call must start over without one.
bool captureAndLaunch(Run &run, void *const *buffers, int32_t &rc) {
  const DeviceCall &call = run.call;
  std::string why;
  bool ok = call.capture->begin(run.stream, why);
  if (ok) {
    run.capturing = true;
    rc = callEntry(run, buffers);
    run.capturing = false;
    // Ended whatever the entry did, so that the stream captures no more.
    std::string endWhy;
    bool ended = call.capture->end(run.stream, endWhy);
    if (rc != 0 || run.status != TESSERA_OK)
      why = "the entry failed during capture (status " + std::to_string(rc) +
            (run.message.empty() ? "" : ": " + run.message) + ")";
    else if (!ended)
      why = endWhy;
    else if (call.workspace->uploadsChanged)
      why = "the entry uploaded values that differ from the step before";
    ok = ended && rc == 0 && run.status == TESSERA_OK &&
         !call.workspace->uploadsChanged;
  }
  if (ok && !call.capture->launch(run.stream, why)) {
    // Not launched means not run: the step can still run without it.
    ok = false;
  }
  if (!ok) {
    call.capture->reset();
    if (call.captureError)
      *call.captureError = why;
    run.restart();
    rc = 0;
  }
  return ok;
}

// The entry itself, a replay of its graph, or a capture of it.
int32_t runEntry(Run &run, void *const *buffers) {
  const DeviceCall &call = run.call;
  if (call.workspace && call.replay) {
    std::string why;
    if (!call.replay->launch(run.stream, why)) {
      run.fail(TESSERA_ERROR_EXECUTION, why);
      return kLaunchFailed;
    }
    return 0;
  }
  int32_t rc = 0;
  if (call.workspace && call.capture && captureAndLaunch(run, buffers, rc))
    return rc;
  return callEntry(run, buffers);
}

// Buffers for the inputs then the outputs, uploaded; the entry runs; the
// outputs come back. Returns with everything freed and the stream idle.
// A resident call brings its own buffers and copies only the spans with
// data.
void runOnDevice(Run &run, int32_t &rc) {
  const Driver &d = run.d;
  const std::vector<HostSpan> &inputs = run.call.inputs;
  const std::vector<HostSpan> &outputs = run.call.outputs;
  std::vector<CUdeviceptr> buffers;
  buffers.reserve(inputs.size() + outputs.size());
  std::vector<void *> pointers;
  pointers.reserve(inputs.size() + outputs.size());
  auto allocateAll = [&](const std::vector<HostSpan> &spans) {
    for (const HostSpan &s : spans) {
      CUdeviceptr p;
      // At least a byte: every tensor gets its own valid address.
      if (!run.allocate(std::max<std::size_t>(s.bytes, 1), p))
        return false;
      buffers.push_back(p);
      pointers.push_back(toHost(p));
    }
    return true;
  };
  const std::vector<CUdeviceptr> *given = run.call.buffers;
  bool ok = true;
  if (given) {
    for (CUdeviceptr p : *given)
      pointers.push_back(toHost(p));
    // Uploads may write into them, as into the buffers made here.
    for (std::size_t i = 0; i < given->size(); ++i) {
      const HostSpan &s =
          i < inputs.size() ? inputs[i] : outputs[i - inputs.size()];
      run.extents[(*given)[i]] = std::max<std::size_t>(s.bytes, 1);
    }
    if (run.call.workspace)
      for (const Workspace::Block &b : run.call.workspace->blocks)
        run.extents[b.ptr] = b.bytes;
  } else {
    ok = allocateAll(inputs) && allocateAll(outputs);
  }
  auto deviceBuffer = [&](std::size_t i) {
    return given ? (*given)[i] : buffers[i];
  };
  for (std::size_t i = 0; ok && i < inputs.size(); ++i)
    if (inputs[i].bytes > 0 && inputs[i].data)
      if (CUresult r = d.cuMemcpyHtoDAsync(deviceBuffer(i), inputs[i].data,
                                           inputs[i].bytes, run.stream);
          r != kSuccess) {
        run.fail(TESSERA_ERROR_EXECUTION,
                 callFailed(d, "cuMemcpyHtoDAsync", r));
        ok = false;
      }
  if (ok && run.profile) {
    // The uploads done, the GPU's clock and the profiler's start together.
    CUresult r = d.cuStreamSynchronize(run.stream);
    if (r != kSuccess)
      run.fail(TESSERA_ERROR_EXECUTION,
               callFailed(d, "cuStreamSynchronize", r));
    ok = r == kSuccess && run.event(run.origin);
    run.originUs = run.call.profiler->nowUs();
    ok = ok && run.recordEvent(run.origin);
  }

  if (ok) {
    void *noBuffer = nullptr;
    rc = runEntry(run, pointers.empty() ? &noBuffer : pointers.data());
  }
  // The entry frees its temporaries; whatever it left is freed here.
  for (CUdeviceptr p : run.live)
    run.release(p);
  run.live.clear();
  ok = ok && rc == 0 && run.status == TESSERA_OK;
  for (std::size_t i = 0; ok && i < outputs.size(); ++i)
    if (outputs[i].bytes > 0 && outputs[i].data)
      if (CUresult r = d.cuMemcpyDtoHAsync(outputs[i].data,
                                           deviceBuffer(inputs.size() + i),
                                           outputs[i].bytes, run.stream);
          r != kSuccess) {
        run.fail(TESSERA_ERROR_EXECUTION,
                 callFailed(d, "cuMemcpyDtoHAsync", r));
        ok = false;
      }
  for (CUdeviceptr p : buffers)
    run.release(p);
  // Kernel faults surface here, if nowhere before.
  if (CUresult r = d.cuStreamSynchronize(run.stream); r != kSuccess)
    run.fail(TESSERA_ERROR_EXECUTION, callFailed(d, "cuStreamSynchronize", r));
  if (run.profile && run.status == TESSERA_OK && rc == 0)
    run.readTimings();
}

} // namespace

tessera_status_t runDeviceEntry(CudaModule &module, const DeviceCall &call,
                                std::string &error) {
  CudaDevice &device = module.device();
  std::lock_guard<std::mutex> lock(device.runMutex());
  const std::string who = "entry '" + call.entryName + "'";
  std::string why;
  if (!device.makeCurrent(why)) {
    error = who + ": " + why;
    return TESSERA_ERROR_EXECUTION;
  }
  if (!call.entry || !call.dims) {
    error = who + ": no device code to run";
    return TESSERA_ERROR_INVALID_ARGUMENT;
  }
  Run run(module, call);
  int32_t rc = 0;
  runOnDevice(run, rc);
  if (rc == TESSERA_ENTRY_SINGULAR_MATRIX && run.status == TESSERA_OK) {
    error = who + " failed: solve: the matrix is singular (Gaussian "
                  "elimination met a zero pivot)";
    return TESSERA_ERROR_EXECUTION;
  }
  if (rc != 0) {
    error = who + " failed with status " + std::to_string(rc) +
            (run.message.empty() ? "" : ": " + run.message);
    // The ABI's status codes with a meaning of their own.
    if (rc == TESSERA_ERROR_OUT_OF_MEMORY || rc == TESSERA_ERROR_OUT_OF_RANGE)
      return static_cast<tessera_status_t>(rc);
    return run.status != TESSERA_OK ? run.status : TESSERA_ERROR_EXECUTION;
  }
  if (run.status != TESSERA_OK) {
    error = who + ": " + run.message;
    return run.status;
  }
  return TESSERA_OK;
}

} // namespace tessera::rt::cuda
