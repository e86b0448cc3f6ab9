// What the opaque handles of tessera_rt.h point to. Everything made from a
// context holds the device by shared_ptr, so destroying the context handle
// never leaves a module, buffer or stream pointing at a dead thread pool.
#pragma once

#include "core/thread_pool.hpp"
#include "loader/module_loader.hpp"
#include "tessera/tessera_rt.h"

#include <memory>
#include <new>
#include <string>
#include <vector>

namespace tessera::rt {

struct Device {
  explicit Device(unsigned numThreads) : pool(numThreads) {}
  std::string name = "cpu";
  ThreadPool pool;
};

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
  tessera_entry_fn fn = nullptr;
  std::vector<tessera::rt::TensorInfoStorage> inputs, outputs;
};

struct tessera_module {
  std::shared_ptr<tessera::rt::Device> device;
  std::unique_ptr<tessera::rt::LoadedModule> loaded;
  // Built once after loading; they point into `loaded`, which never moves.
  std::vector<tessera_function> functions;
};
