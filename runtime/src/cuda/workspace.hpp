// What a resident entry (resident_entry.hpp) keeps from one call to the
// next so that every call hands the entry the same memory: its temporary
// allocations, in the order it made them, and the host bytes its uploads
// read. A captured graph holds those addresses, so they must not change
// while it lives.
#pragma once

#include "cuda/cuda_driver.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace tessera::rt::cuda {

struct Workspace {
  struct Block {
    CUdeviceptr ptr = 0;
    std::size_t bytes = 0;
    bool async = false; // from cuMemAllocAsync: freed with cuMemFreeAsync
  };
  struct Upload {
    CUdeviceptr dst = 0;
    std::size_t bytes = 0;
    std::unique_ptr<uint8_t[]> source; // never reallocated while reused
  };
  std::vector<Block> blocks;   // the entry's allocations, in call order
  std::vector<Upload> uploads; // its uploads, in call order
  // Whether the last call's uploads differed from the call's before (a
  // graph captured from it would replay stale values).
  bool uploadsChanged = false;
};

} // namespace tessera::rt::cuda
