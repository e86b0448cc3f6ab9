// Tensor maps for a launch: a kernel that copies by the Tensor Memory
// Accelerator names, in its image, the matrices among its parameters that
// it reads so (tbin_abi.h); a map holds the buffer's address, so it is
// encoded at every launch, from the launch's own parameters.
#pragma once

#include "cuda/cuda_module.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::rt::cuda {

struct alignas(64) TensorMap {
  uint8_t bytes[TESSERA_CUDA_TENSOR_MAP_BYTES];
};

// The maps of `specs` for parameters `params` (the kernel's pointers, then
// its sizes; `pointers` of them pointers). A map whose matrix the TMA unit
// cannot read (unaligned, rows not whole 16-byte chunks, extents outside
// 1 to 2^31 - 1) is zeros: the kernel tests the same and does not use it.
// False with `error` set when a spec is malformed or the driver fails.
bool encodeTensorMaps(const Driver &driver,
                      const std::vector<CudaModule::TensorMapSpec> &specs,
                      const std::vector<uint64_t> &params, std::size_t pointers,
                      std::vector<TensorMap> &out, std::string &error);

} // namespace tessera::rt::cuda
