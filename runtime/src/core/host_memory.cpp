#include "core/host_memory.hpp"

#include <algorithm>
#include <cstdlib>

namespace tessera::rt {

HostMemory::~HostMemory() {
  // Blocks still live belong to an entry that is running, which cannot
  // outlive the context that owns this; free them all the same.
  for (auto &[p, size] : live)
    std::free(p);
  freeAllCached();
}

std::size_t HostMemory::sizeClass(std::size_t bytes) {
  bytes = std::max<std::size_t>(bytes, 1);
  if (bytes <= 4096)
    return (bytes + kAlignment - 1) / kAlignment * kAlignment;
  // Eight classes between consecutive powers of two.
  unsigned log2 = 63 - static_cast<unsigned>(__builtin_clzll(bytes));
  std::size_t step = std::size_t(1) << (log2 - 3);
  if (bytes > SIZE_MAX - step)
    return 0; // no such block
  return (bytes + step - 1) / step * step;
}

void *HostMemory::takeCached(std::size_t size) {
  auto it = cached.find(size);
  if (it == cached.end() || it->second.empty())
    return nullptr;
  auto block = it->second.back();
  it->second.pop_back();
  void *p = block->p;
  cacheOrder.erase(block);
  counts.cachedBytes -= size;
  return p;
}

void *HostMemory::allocate(int64_t bytes) {
  if (bytes <= 0)
    return nullptr;
  std::size_t size = sizeClass(static_cast<std::size_t>(bytes));
  if (size == 0)
    return nullptr;
  std::lock_guard<std::mutex> lock(mutex);
  void *p = takeCached(size);
  if (!p) {
    p = std::aligned_alloc(kAlignment, size);
    if (!p && counts.cachedBytes > 0) {
      freeAllCached();
      p = std::aligned_alloc(kAlignment, size);
    }
    if (!p)
      return nullptr;
    ++counts.systemAllocations;
  }
  try {
    live.emplace(p, size);
  } catch (...) {
    std::free(p);
    return nullptr;
  }
  counts.liveBytes += size;
  counts.peakLiveBytes = std::max(counts.peakLiveBytes, counts.liveBytes);
  return p;
}

bool HostMemory::release(void *p) {
  if (!p)
    return true;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = live.find(p);
  if (it == live.end())
    return false;
  std::size_t size = it->second;
  live.erase(it);
  counts.liveBytes -= size;
  // The block counted in the peak, so it fits under the bound by itself.
  std::size_t limit = std::max(kMinCacheLimit, counts.peakLiveBytes);
  releaseOldestUntil(limit - size);
  try {
    auto &list = cached[size];
    list.reserve(list.size() + 1);
    list.push_back(cacheOrder.insert(cacheOrder.end(), Block{p, size}));
  } catch (...) {
    // No memory to remember it by: give it back instead.
    std::free(p);
    return true;
  }
  counts.cachedBytes += size;
  return true;
}

void HostMemory::releaseOldestUntil(std::size_t cachedLimit) {
  while (counts.cachedBytes > cachedLimit && !cacheOrder.empty()) {
    auto oldest = cacheOrder.begin();
    auto &list = cached[oldest->size];
    list.erase(std::find(list.begin(), list.end(), oldest));
    counts.cachedBytes -= oldest->size;
    std::free(oldest->p);
    cacheOrder.erase(oldest);
  }
}

void HostMemory::freeAllCached() {
  for (const Block &block : cacheOrder)
    std::free(block.p);
  cached.clear();
  cacheOrder.clear();
  counts.cachedBytes = 0;
}

void HostMemory::trim() {
  std::lock_guard<std::mutex> lock(mutex);
  freeAllCached();
}

HostMemory::Stats HostMemory::stats() const {
  std::lock_guard<std::mutex> lock(mutex);
  return counts;
}

} // namespace tessera::rt
