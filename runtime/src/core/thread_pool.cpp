#include "core/thread_pool.hpp"

#include <algorithm>
#include <string>

namespace tessera::rt {

namespace {
// The pool whose tiles this thread is running (as a worker, or as the caller
// of a launch), to detect nested launches, which would otherwise wait
// forever for the launch they are part of.
thread_local const ThreadPool *tlsRunningTilesOf = nullptr;

// Sets tlsRunningTilesOf for a scope.
class RunningTilesOf {
public:
  explicit RunningTilesOf(const ThreadPool *pool) : saved(tlsRunningTilesOf) {
    tlsRunningTilesOf = pool;
  }
  ~RunningTilesOf() { tlsRunningTilesOf = saved; }

private:
  const ThreadPool *saved;
};
} // namespace

ThreadPool::ThreadPool(unsigned numThreads) {
  unsigned numWorkers = numThreads > 1 ? numThreads - 1 : 0;
  workers.reserve(numWorkers);
  try {
    for (unsigned i = 0; i < numWorkers; ++i)
      workers.emplace_back([this] { workerLoop(); });
  } catch (...) {
    // The destructor does not run for a half-built object, and destroying a
    // joinable std::thread terminates the process.
    stopWorkers();
    throw;
  }
}

ThreadPool::~ThreadPool() { stopWorkers(); }

void ThreadPool::stopWorkers() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
  }
  wake.notify_all();
  for (std::thread &t : workers)
    t.join();
  workers.clear();
}

std::pair<int64_t, int64_t>
ThreadPool::chunkRange(int64_t numTiles, int64_t numChunks, int64_t index) {
  // Written without numTiles * index so that it cannot overflow.
  int64_t base = numTiles / numChunks;
  int64_t extra = numTiles % numChunks;
  int64_t begin = index * base + std::min(index, extra);
  return {begin, begin + base + (index < extra ? 1 : 0)};
}

void ThreadPool::runChunks(Job &j) {
  for (;;) {
    int64_t c = j.nextChunk.fetch_add(1, std::memory_order_relaxed);
    if (c >= j.numChunks)
      return;
    auto [begin, end] = chunkRange(j.numTiles, j.numChunks, c);
    j.kernel(j.args, j.sizes, begin, end);
  }
}

void ThreadPool::workerLoop() {
  RunningTilesOf running(this);
  uint64_t seen = 0;
  std::unique_lock<std::mutex> lock(mutex);
  for (;;) {
    wake.wait(lock, [&] { return stopping || generation != seen; });
    if (stopping)
      return;
    seen = generation;
    Job *current = job;
    if (!current)
      continue; // woke after that launch had already finished
    ++busy;
    lock.unlock();
    runChunks(*current);
    lock.lock();
    if (--busy == 0)
      idle.notify_all();
  }
}

void ThreadPool::run(tessera_kernel_fn kernel, void *const *args,
                     const int64_t *sizes, int64_t numTiles) {
  if (numTiles <= 0)
    return;
  if (workers.empty() || numTiles == 1 || tlsRunningTilesOf == this) {
    kernel(args, sizes, 0, numTiles);
    return;
  }
  std::lock_guard<std::mutex> serial(launchMutex);
  Job j;
  j.kernel = kernel;
  j.args = args;
  j.sizes = sizes;
  j.numTiles = numTiles;
  j.numChunks = std::min<int64_t>(numTiles, numThreads());
  {
    std::lock_guard<std::mutex> lock(mutex);
    job = &j;
    ++generation;
  }
  wake.notify_all();
  {
    RunningTilesOf running(this);
    runChunks(j);
  }
  // Every chunk is now claimed; wait for the workers still running theirs.
  // Clearing `job` first stops late wakers from touching `j` once it is gone.
  std::unique_lock<std::mutex> lock(mutex);
  job = nullptr;
  idle.wait(lock, [&] { return busy == 0; });
}

} // namespace tessera::rt
