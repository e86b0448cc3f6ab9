// Temporary buffers for CPU entries (tessera_host_ops_t.alloc/free). Blocks
// a call frees are kept for the next call instead of going back to the C
// library: a training step frees and reallocates the same sizes every step,
// and large blocks from malloc are fresh mappings that the kernels would
// fault in, page by page, at every step (half the time of a small MLP step).
//
// Sizes are rounded up to classes (64 bytes up to 4 KiB, then eight classes
// per power of two, at most 12.5% more) and a freed block serves the next
// request of its class. What is cached is bounded by the larger of 64 MiB
// and the most ever in use at once, so memory never exceeds twice the peak
// demand; beyond it the oldest cached blocks are released first. When the
// C library is out of memory, the cache is emptied and the allocation
// retried once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace tessera::rt {

class HostMemory {
public:
  HostMemory() = default;
  ~HostMemory();
  HostMemory(const HostMemory &) = delete;
  HostMemory &operator=(const HostMemory &) = delete;

  // At least `bytes` (> 0) bytes, 64-byte aligned, or nullptr when there is
  // no memory. Safe from several threads.
  void *allocate(int64_t bytes);
  // Takes back a block from allocate(); nullptr is ignored. Returns false
  // (and does nothing) for a pointer it did not hand out.
  bool release(void *p);
  // Gives every cached block back to the C library.
  void trim();

  // What allocate() reserves for a request of `bytes`: its size class.
  static std::size_t sizeClass(std::size_t bytes);

  struct Stats {
    std::size_t liveBytes = 0, cachedBytes = 0, peakLiveBytes = 0;
    std::size_t systemAllocations = 0; // blocks taken from the C library
  };
  Stats stats() const;

  static constexpr std::size_t kAlignment = 64;
  static constexpr std::size_t kMinCacheLimit = std::size_t(64) << 20;

private:
  void *takeCached(std::size_t size);
  void releaseOldestUntil(std::size_t cachedLimit);
  void freeAllCached();

  mutable std::mutex mutex;
  struct Block {
    void *p;
    std::size_t size;
  };
  std::unordered_map<void *, std::size_t> live; // block -> its class size
  std::list<Block> cacheOrder;                  // cached blocks, oldest first
  // Cached blocks by class, most recently cached last.
  std::unordered_map<std::size_t, std::vector<std::list<Block>::iterator>>
      cached;
  Stats counts;
};

} // namespace tessera::rt
