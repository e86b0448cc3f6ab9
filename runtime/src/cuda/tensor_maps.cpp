#include "cuda/tensor_maps.hpp"

namespace tessera::rt::cuda {

namespace {

// The element types tbin_abi.h names, by size.
int elementBytes(uint32_t dataType) {
  switch (dataType) {
  case TESSERA_CUDA_TENSOR_MAP_FLOAT16:
  case TESSERA_CUDA_TENSOR_MAP_BFLOAT16:
    return 2;
  case TESSERA_CUDA_TENSOR_MAP_FLOAT32:
    return 4;
  default:
    return 0;
  }
}

constexpr int kInterleaveNone = 0;
constexpr int kL2Promotion256 = 3;
constexpr int kOutOfBoundsZeros = 0;
constexpr uint64_t kLargestExtent = (uint64_t(1) << 31) - 1;

} // namespace

bool encodeTensorMaps(const Driver &d,
                      const std::vector<CudaModule::TensorMapSpec> &specs,
                      const std::vector<uint64_t> &params, std::size_t pointers,
                      std::vector<TensorMap> &out, std::string &error) {
  out.assign(specs.size(), TensorMap{});
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const CudaModule::TensorMapSpec &s = specs[i];
    std::string which = "tensor map " + std::to_string(i);
    int bytes = elementBytes(s.dataType);
    if (s.pointer >= pointers || s.rows < pointers || s.cols < pointers ||
        s.rows >= params.size() || s.cols >= params.size() || !bytes) {
      error = which + " is malformed (pointer " + std::to_string(s.pointer) +
              ", rows " + std::to_string(s.rows) + ", columns " +
              std::to_string(s.cols) + ", data type " +
              std::to_string(s.dataType) + " of " +
              std::to_string(params.size()) + " parameters, " +
              std::to_string(pointers) + " pointers)";
      return false;
    }
    uint64_t address = params[s.pointer], rows = params[s.rows],
             cols = params[s.cols];
    if (address % 16 != 0 || rows < 1 || rows > kLargestExtent || cols < 1 ||
        cols > kLargestExtent || cols * bytes % 16 != 0)
      continue; // the kernel copies this one itself
    if (!d.cuTensorMapEncodeTiled) {
      error = "the CUDA driver has no cuTensorMapEncodeTiled (CUDA 12 or "
              "later), which the kernel's " +
              which + " needs";
      return false;
    }
    const unsigned long long extents[] = {cols, rows};
    const unsigned long long strides[] = {cols * bytes};
    const unsigned box[] = {s.boxCols, s.boxRows};
    const unsigned elementStrides[] = {1, 1};
    void *base = reinterpret_cast<void *>(static_cast<uintptr_t>(address));
    if (CUresult r = d.cuTensorMapEncodeTiled(
            out[i].bytes, static_cast<int>(s.dataType), 2, base, extents,
            strides, box, elementStrides, kInterleaveNone,
            static_cast<int>(s.swizzle), kL2Promotion256, kOutOfBoundsZeros);
        r != kSuccess) {
      error = which + ": " + callFailed(d, "cuTensorMapEncodeTiled", r);
      return false;
    }
  }
  return true;
}

} // namespace tessera::rt::cuda
