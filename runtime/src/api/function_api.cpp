// Entry points: their signatures, binding their dims, and invoking them.
#include "api/handles.hpp"
#include "core/error.hpp"
#include "core/host_call.hpp"
#include "core/signature_check.hpp"
#include "cuda/device_run.hpp"

#include <cstdint>

using namespace tessera;

namespace {

tessera_status_t tensorInfo(const std::vector<tbin::TensorSig> &sigs,
                            const std::vector<rt::TensorInfoStorage> &store,
                            size_t index, tessera_tensor_info_t *out,
                            const char *what) {
  if (!out)
    return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT, what);
  if (index >= sigs.size())
    return rt::fail(TESSERA_ERROR_NOT_FOUND, what);
  out->name = sigs[index].name.c_str();
  out->dtype = static_cast<int32_t>(sigs[index].dtype);
  out->rank = static_cast<int32_t>(sigs[index].dims.size());
  out->dims = store[index].dims.data();
  out->dim_names = store[index].dimNames.data();
  return TESSERA_OK;
}

// Host spans of tensors whose shapes the signature checks accepted.
bool hostSpans(const tessera_tensor_t *tensors, size_t n,
               std::vector<rt::cuda::HostSpan> &out, std::string &error) {
  for (size_t i = 0; i < n; ++i) {
    const tessera_tensor_t &t = tensors[i];
    std::size_t bytes = tbin::dtypeSize(static_cast<tbin::DType>(t.dtype));
    for (int32_t d = 0; d < t.rank; ++d) {
      auto extent = static_cast<std::size_t>(t.shape[d]);
      if (extent != 0 && bytes > SIZE_MAX / extent) {
        error = "tensor of shape " + rt::formatTensor(t) + " is too large";
        return false;
      }
      bytes *= extent;
    }
    out.push_back({t.data, bytes});
  }
  return true;
}

// What a failed run-time check of an entry means, with the extents it saw:
// "entry 'f': an index, slice or reshape does not fit the run-time dims
// N = 3".
std::string outOfRange(tessera_function_t fn, const int64_t *dims) {
  std::string msg = "entry '" + fn->meta->name +
                    "': an index, slice or reshape does not fit the run-time "
                    "dims";
  for (size_t i = 0; i < fn->meta->dimSymbols.size(); ++i)
    msg += (i ? ", " : " ") + fn->meta->dimSymbols[i] + " = " +
           std::to_string(dims[i]);
  return msg;
}

// The CPU: the entry launches its kernels on the context's pool (timed
// while profiling) and takes its temporaries from the context's cache.
tessera_status_t runOnCpu(tessera_function_t fn, rt::Device &device,
                          void *const *buffers, const int64_t *dims) {
  rt::HostCall call{&device.pool, &device.hostMemory};
  if (device.profiler.enabled()) {
    call.profiler = &device.profiler;
    call.module = fn->module->loaded.get();
  }
  int32_t rc = fn->fn(&call, call.ops(), buffers, dims);
  if (rc == TESSERA_ERROR_OUT_OF_RANGE)
    return rt::fail(TESSERA_ERROR_OUT_OF_RANGE, outOfRange(fn, dims));
  if (rc == TESSERA_ENTRY_SINGULAR_MATRIX)
    return rt::fail(TESSERA_ERROR_EXECUTION,
                    "entry '" + fn->meta->name +
                        "' failed: solve: the matrix is singular (Gaussian "
                        "elimination met a zero pivot)");
  if (rc != 0)
    return rt::fail(TESSERA_ERROR_EXECUTION, "entry '" + fn->meta->name +
                                                 "' failed with status " +
                                                 std::to_string(rc));
  return TESSERA_OK;
}

// A GPU: host tensors in and out, the device entry in between.
tessera_status_t runOnCuda(tessera_function_t fn, rt::Device &device,
                           const tessera_tensor_t *inputs, size_t n_in,
                           const tessera_tensor_t *outputs, size_t n_out,
                           const int64_t *dims) {
  rt::cuda::DeviceCall call;
  call.entryName = fn->meta->name;
  call.entry = fn->deviceFn;
  call.dims = dims;
  call.profiler = &device.profiler;
  call.kernelNames = &fn->module->cudaKernelNames;
  std::string error;
  if (!hostSpans(inputs, n_in, call.inputs, error) ||
      !hostSpans(outputs, n_out, call.outputs, error))
    return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT, error);
  tessera_status_t st =
      rt::cuda::runDeviceEntry(*fn->module->cudaModule, call, error);
  if (st == TESSERA_ERROR_OUT_OF_RANGE)
    return rt::fail(st, outOfRange(fn, dims));
  return st == TESSERA_OK ? st : rt::fail(st, error);
}

bool checkFunction(tessera_function_t fn, const char *what) noexcept {
  if (fn)
    return true;
  rt::fail(TESSERA_ERROR_INVALID_ARGUMENT, what);
  return false;
}

} // namespace

extern "C" {

const char *tessera_function_name(tessera_function_t fn) {
  return checkFunction(fn, "tessera_function_name: NULL function")
             ? fn->meta->name.c_str()
             : nullptr;
}

const char *tessera_function_symbol(tessera_function_t fn) {
  return checkFunction(fn, "tessera_function_symbol: NULL function")
             ? fn->meta->symbol.c_str()
             : nullptr;
}

const char *tessera_function_kind(tessera_function_t fn) {
  return checkFunction(fn, "tessera_function_kind: NULL function")
             ? fn->meta->kind.c_str()
             : nullptr;
}

const char *tessera_function_optimizer(tessera_function_t fn) {
  return checkFunction(fn, "tessera_function_optimizer: NULL function")
             ? fn->meta->optimizer.c_str()
             : nullptr;
}

size_t tessera_function_num_inputs(tessera_function_t fn) {
  return checkFunction(fn, "tessera_function_num_inputs: NULL function")
             ? fn->meta->inputs.size()
             : 0;
}

size_t tessera_function_num_outputs(tessera_function_t fn) {
  return checkFunction(fn, "tessera_function_num_outputs: NULL function")
             ? fn->meta->outputs.size()
             : 0;
}

tessera_status_t tessera_function_input(tessera_function_t fn, size_t index,
                                        tessera_tensor_info_t *out) {
  if (!checkFunction(fn, "tessera_function_input: NULL function"))
    return TESSERA_ERROR_INVALID_ARGUMENT;
  return tensorInfo(fn->meta->inputs, fn->inputs, index, out,
                    "tessera_function_input: bad index or NULL out");
}

tessera_status_t tessera_function_output(tessera_function_t fn, size_t index,
                                         tessera_tensor_info_t *out) {
  if (!checkFunction(fn, "tessera_function_output: NULL function"))
    return TESSERA_ERROR_INVALID_ARGUMENT;
  return tensorInfo(fn->meta->outputs, fn->outputs, index, out,
                    "tessera_function_output: bad index or NULL out");
}

size_t tessera_function_num_dims(tessera_function_t fn) {
  return checkFunction(fn, "tessera_function_num_dims: NULL function")
             ? fn->meta->dimSymbols.size()
             : 0;
}

const char *tessera_function_dim_name(tessera_function_t fn, size_t index) {
  if (!checkFunction(fn, "tessera_function_dim_name: NULL function"))
    return nullptr;
  if (index >= fn->meta->dimSymbols.size()) {
    rt::fail(TESSERA_ERROR_NOT_FOUND,
             "tessera_function_dim_name: index out of range");
    return nullptr;
  }
  return fn->meta->dimSymbols[index].c_str();
}

tessera_status_t tessera_function_bind_dims(tessera_function_t fn,
                                            const tessera_tensor_t *inputs,
                                            size_t n_in, int64_t *dim_values,
                                            size_t *failed_input) {
  return rt::guard([&] {
    if (failed_input)
      *failed_input = n_in;
    if (!fn)
      return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                      "tessera_function_bind_dims: NULL function");
    rt::DimValues dims;
    size_t failed;
    std::string error;
    if (!rt::bindInputs(*fn->meta, inputs, n_in, dims, failed, error)) {
      if (failed_input)
        *failed_input = failed;
      return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT, error);
    }
    if (dim_values)
      std::copy(dims.begin(), dims.end(), dim_values);
    return TESSERA_OK;
  });
}

tessera_status_t tessera_function_output_shape(tessera_function_t fn,
                                               const tessera_tensor_t *inputs,
                                               size_t n_in, size_t output_index,
                                               int64_t *shape,
                                               size_t shape_capacity) {
  return rt::guard([&] {
    if (!fn)
      return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                      "tessera_function_output_shape: NULL function");
    rt::DimValues dims;
    size_t failed;
    std::string error;
    std::vector<int64_t> result;
    if (!rt::bindInputs(*fn->meta, inputs, n_in, dims, failed, error) ||
        !rt::outputShape(*fn->meta, output_index, dims, result, error))
      return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT, error);
    if (result.size() > shape_capacity || (!result.empty() && !shape))
      return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                      "tessera_function_output_shape: output has rank " +
                          std::to_string(result.size()) +
                          ", shape array holds " +
                          std::to_string(shape_capacity));
    std::copy(result.begin(), result.end(), shape);
    return TESSERA_OK;
  });
}

tessera_status_t tessera_invoke(tessera_function_t fn, tessera_stream_t stream,
                                const tessera_tensor_t *inputs, size_t n_in,
                                tessera_tensor_t *outputs, size_t n_out) {
  return rt::guard([&] {
    if (!fn)
      return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                      "tessera_invoke: NULL function");
    const tbin::EntryMeta &entry = *fn->meta;
    if (!fn->module->device)
      return rt::fail(TESSERA_ERROR_UNSUPPORTED,
                      fn->module->loaded->path +
                          " was opened with tessera_module_inspect, which "
                          "loads no code; load it with tessera_module_load "
                          "to run it");
    rt::Device &device = *fn->module->device;
    if (stream && stream->device != fn->module->device)
      return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                      "tessera_invoke: the stream belongs to a different "
                      "context than the module");
    rt::DimValues dims;
    size_t failed;
    std::string error;
    if (!rt::bindInputs(entry, inputs, n_in, dims, failed, error) ||
        !rt::checkOutputs(entry, outputs, n_out, dims, error))
      return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT, error);
    for (size_t k = 0; k < dims.size(); ++k)
      if (dims[k] < 0)
        return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                        "dim '" + entry.dimSymbols[k] + "' of entry '" +
                            entry.name + "' is not determined by any input");

    // Never hand the entry a null array, even when it takes nothing.
    int64_t noDim = 0;
    const int64_t *dimValues = dims.empty() ? &noDim : dims.data();
    if (device.cuda)
      return runOnCuda(fn, device, inputs, n_in, outputs, n_out, dimValues);

    std::vector<void *> buffers;
    buffers.reserve(n_in + n_out);
    for (size_t i = 0; i < n_in; ++i)
      buffers.push_back(inputs[i].data);
    for (size_t i = 0; i < n_out; ++i)
      buffers.push_back(outputs[i].data);
    void *noBuffer = nullptr;
    return runOnCpu(fn, device, buffers.empty() ? &noBuffer : buffers.data(),
                    dimValues);
  });
}

} // extern "C"
