#include "cuda/cuda_module.hpp"

#include "tessera/tbin_abi.h"

#include <vector>

namespace tessera::rt::cuda {

namespace {

// The driver's JIT log, on one line: messages stay one line.
std::string oneLine(const char *log) {
  std::string s;
  for (const char *p = log; *p; ++p)
    s += (*p == '\n' || *p == '\r') ? ' ' : *p;
  while (!s.empty() && s.back() == ' ')
    s.pop_back();
  return s;
}

} // namespace

bool CudaModule::global(const char *kernel, const char *suffix,
                        std::vector<uint32_t> &words, std::string &error) {
  words.clear();
  const Driver &d = device_.driver();
  CUdeviceptr at = 0;
  std::size_t bytes = 0;
  std::string name = std::string(kernel) + suffix;
  // Without cuModuleGetGlobal no kernel can say anything: none has globals.
  if (!d.cuModuleGetGlobal ||
      d.cuModuleGetGlobal(&at, &bytes, module_, name.c_str()) != kSuccess ||
      bytes == 0)
    return true;
  if (bytes % sizeof(uint32_t) != 0) {
    error = name + " has " + std::to_string(bytes) + " bytes, not whole words";
    return false;
  }
  words.resize(bytes / sizeof(uint32_t));
  if (CUresult r = d.cuMemcpyDtoHAsync(words.data(), at, bytes, nullptr);
      r != kSuccess) {
    error = callFailed(d, "cuMemcpyDtoHAsync", r);
    return false;
  }
  if (CUresult r = d.cuStreamSynchronize(nullptr); r != kSuccess) {
    error = callFailed(d, "cuStreamSynchronize", r);
    return false;
  }
  return true;
}

tessera_status_t CudaModule::load(CudaDevice &device,
                                  const tbin::CudaImage &image,
                                  std::unique_ptr<CudaModule> &out,
                                  std::string &error) {
  const Driver &d = device.driver();
  if (!device.makeCurrent(error))
    return TESSERA_ERROR_EXECUTION;
  CUmodule module = nullptr;
  CUresult r;
  std::vector<char> log(4096, '\0');
  if (d.cuModuleLoadDataEx) {
    int options[] = {kJitErrorLogBuffer, kJitErrorLogBufferSizeBytes};
    // JIT option values travel as pointer-sized integers.
    void *values[] = {log.data(), reinterpret_cast<void *>(log.size() - 1)};
    r = d.cuModuleLoadDataEx(&module, image.bytes.data(), 2, options, values);
  } else {
    r = d.cuModuleLoadData(&module, image.bytes.data());
  }
  if (r != kSuccess) {
    const char *kind = image.kind == TESSERA_CUDA_IMAGE_PTX ? "PTX" : "cubin";
    error = std::string("cannot load the ") + kind + " for sm_" +
            std::to_string(image.sm) + " on CUDA device " +
            std::to_string(device.ordinal()) + ": " +
            callFailed(d, "cuModuleLoadData", r);
    if (log[0])
      error += ": " + oneLine(log.data());
    return TESSERA_ERROR_INVALID_MODULE;
  }
  out.reset(new CudaModule(device, module));
  return TESSERA_OK;
}

CudaModule::~CudaModule() {
  std::string ignored;
  if (device_.makeCurrent(ignored))
    device_.driver().cuModuleUnload(module_);
}

bool CudaModule::function(const char *name, Kernel &out, std::string &error) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = functions_.find(name); it != functions_.end()) {
    out = it->second;
    return true;
  }
  const Driver &d = device_.driver();
  Kernel k;
  if (CUresult r = d.cuModuleGetFunction(&k.fn, module_, name); r != kSuccess) {
    error = callFailed(d, "cuModuleGetFunction", r);
    return false;
  }
  // Dynamic shared memory: a global of the kernel's says how much.
  std::vector<uint32_t> words;
  if (!global(name, TESSERA_CUDA_DYNAMIC_SHARED_SUFFIX, words, error))
    return false;
  // Without cuFuncSetAttribute the launch fails with the driver's error.
  if (words.size() == 1 && d.cuFuncSetAttribute) {
    constexpr int kMaxDynamicSharedSizeBytes = 8;
    if (CUresult r = d.cuFuncSetAttribute(k.fn, kMaxDynamicSharedSizeBytes,
                                          static_cast<int>(words[0]));
        r != kSuccess) {
      error = callFailed(d, "cuFuncSetAttribute", r);
      return false;
    }
    k.sharedBytes = words[0];
  }
  if (!global(name, TESSERA_CUDA_BLOCK_THREADS_SUFFIX, words, error))
    return false;
  if (words.size() == 1)
    k.blockThreads = words[0];
  if (!global(name, TESSERA_CUDA_TENSOR_MAPS_SUFFIX, words, error))
    return false;
  if (words.size() % TESSERA_CUDA_TENSOR_MAP_FIELDS != 0) {
    error = std::string(name) + TESSERA_CUDA_TENSOR_MAPS_SUFFIX + " has " +
            std::to_string(words.size()) + " words, not a multiple of " +
            std::to_string(TESSERA_CUDA_TENSOR_MAP_FIELDS);
    return false;
  }
  for (std::size_t i = 0; i < words.size();
       i += TESSERA_CUDA_TENSOR_MAP_FIELDS) {
    const uint32_t *w = &words[i];
    k.tensorMaps.push_back({w[0], w[1], w[2], w[3], w[4], w[5], w[6]});
  }
  functions_.emplace(name, k);
  out = k;
  return true;
}

} // namespace tessera::rt::cuda
