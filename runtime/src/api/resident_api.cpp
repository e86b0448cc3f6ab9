#include "api/resident_api.hpp"

#include "api/handles.hpp"
#include "core/signature_check.hpp"

namespace tessera::rt {

bool runsOnCuda(tessera_function_t fn) {
  return fn && fn->module->device && fn->module->device->cuda &&
         fn->module->cudaModule && fn->deviceFn;
}

tessera_status_t openResident(tessera_function_t fn,
                              const std::vector<tessera_tensor_t> &inputs,
                              const std::vector<int> &carriedFrom, bool graphs,
                              std::unique_ptr<cuda::ResidentEntry> &out,
                              std::string &error) {
  if (!runsOnCuda(fn)) {
    error = "resident runs need a function loaded on a CUDA device";
    return TESSERA_ERROR_UNSUPPORTED;
  }
  const tbin::EntryMeta &entry = *fn->meta;
  DimValues dims;
  std::size_t failed;
  if (!bindInputs(entry, inputs.data(), inputs.size(), dims, failed, error))
    return TESSERA_ERROR_INVALID_ARGUMENT;
  cuda::ResidentSpec spec;
  spec.entryName = entry.name;
  spec.entry = fn->deviceFn;
  spec.dims = dims;
  spec.carriedFrom = carriedFrom;
  spec.graphs = graphs;
  spec.profiler = &fn->module->device->profiler;
  spec.kernelNames = &fn->module->cudaKernelNames;
  auto byteSize = [&](tbin::DType dtype, const std::vector<int64_t> &shape,
                      std::size_t &bytes) {
    bytes = tbin::dtypeSize(dtype);
    for (int64_t extent : shape) {
      auto e = static_cast<std::size_t>(extent);
      if (extent < 0 || (e != 0 && bytes > SIZE_MAX / e))
        return false;
      bytes *= e;
    }
    return true;
  };
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    std::size_t bytes;
    if (!byteSize(static_cast<tbin::DType>(inputs[i].dtype),
                  std::vector<int64_t>(inputs[i].shape,
                                       inputs[i].shape + inputs[i].rank),
                  bytes)) {
      error = "input " + std::to_string(i) + " is too large";
      return TESSERA_ERROR_INVALID_ARGUMENT;
    }
    spec.inputBytes.push_back(bytes);
  }
  for (std::size_t j = 0; j < entry.outputs.size(); ++j) {
    std::vector<int64_t> shape;
    std::size_t bytes;
    if (!outputShape(entry, j, dims, shape, error))
      return TESSERA_ERROR_INVALID_ARGUMENT;
    if (!byteSize(entry.outputs[j].dtype, shape, bytes)) {
      error = "output '" + entry.outputs[j].name + "' is too large";
      return TESSERA_ERROR_INVALID_ARGUMENT;
    }
    spec.outputBytes.push_back(bytes);
  }
  return cuda::ResidentEntry::create(*fn->module->cudaModule, std::move(spec),
                                     out, error);
}

} // namespace tessera::rt
