// What the opaque handles of tessera_rt.h point to. Everything made from a
// context holds the device by shared_ptr, so destroying the context handle
// never leaves a module, buffer or stream pointing at a dead thread pool or
// a released GPU.
#pragma once

#include "core/host_memory.hpp"
#include "core/profiler.hpp"
#include "core/thread_pool.hpp"
#include "cuda/cuda_device.hpp"
#include "cuda/cuda_module.hpp"
#include "cuda/device_run.hpp"
#include "loader/module_loader.hpp"
#include "tessera/tessera_rt.h"

#include <memory>
#include <new>
#include <string>
#include <vector>

namespace tessera::rt {

struct Device {
  Device(std::string name, unsigned numThreads)
      : name(std::move(name)), pool(numThreads) {}
  std::string name; // "cpu", "cuda:0"
  // Runs CPU kernels; one thread (no workers) on a GPU device.
  ThreadPool pool;
  // CPU entries' temporaries, kept from one call to the next.
  HostMemory hostMemory;
  Profiler profiler;
  // Set on a CUDA device, whose entries run through device_run.hpp.
  std::unique_ptr<cuda::CudaDevice> cuda;
};

// A context on CUDA device `ordinal` of `driver`: tessera_context_create
// passes the machine's driver, unit tests a fake one.
tessera_status_t createCudaContext(const cuda::Driver &driver, int ordinal,
                                   tessera_context_t *out);

// Stable arrays behind a tessera_tensor_info_t.
struct TensorInfoStorage {
  std::vector<int64_t> dims;
  std::vector<const char *> dimNames;
};

} // namespace tessera::rt

struct tessera_context {
  std::shared_ptr<tessera::rt::Device> device;
};

struct tessera_buffer {
  std::shared_ptr<tessera::rt::Device> device;
  void *data = nullptr;
  size_t size = 0;
};

struct tessera_stream {
  std::shared_ptr<tessera::rt::Device> device;
};

struct tessera_event {
  std::shared_ptr<tessera::rt::Device> device;
  bool recorded = false;
};

struct tessera_function {
  tessera_module *module = nullptr;
  const tessera::tbin::EntryMeta *meta = nullptr;
  tessera_entry_fn fn = nullptr;              // on the CPU
  tessera_device_entry_fn deviceFn = nullptr; // on a CUDA device
  std::vector<tessera::rt::TensorInfoStorage> inputs, outputs;
};

struct tessera_module {
  // Null for a module from tessera_module_inspect, which runs nothing.
  std::shared_ptr<tessera::rt::Device> device;
  // The device code, on a CUDA device; unloaded before the device goes.
  std::unique_ptr<tessera::rt::cuda::CudaModule> cudaModule;
  tessera::rt::cuda::KernelNames cudaKernelNames; // for profiles
  std::unique_ptr<tessera::rt::LoadedModule> loaded;
  // Built once after loading; they point into `loaded`, which never moves.
  std::vector<tessera_function> functions;
};
