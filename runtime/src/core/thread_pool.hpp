// A fixed set of worker threads that runs the tiles of one kernel launch at a
// time. A launch splits [0, num_tiles) into contiguous chunks, one per
// thread at most; the calling thread runs chunks too, and the launch returns
// when every tile is done. Tiles are independent by construction, so how
// they are split never changes a result.
#pragma once

#include "tessera/tbin_abi.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace tessera::rt {

class ThreadPool {
public:
  // `numThreads` counts the calling thread, so 1 means no workers. Throws
  // std::system_error if a thread cannot be started.
  explicit ThreadPool(unsigned numThreads);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  unsigned numThreads() const {
    return static_cast<unsigned>(workers.size()) + 1;
  }

  // Runs kernel(args, sizes, begin, end) over chunks covering
  // [0, numTiles) exactly once. Launches from several host threads are
  // serialized; a launch from inside a kernel runs inline.
  void run(tessera_kernel_fn kernel, void *const *args, const int64_t *sizes,
           int64_t numTiles);

  // Tiles [first, second) of chunk `index` when `numTiles` tiles are split
  // into `numChunks` contiguous chunks whose sizes differ by at most one.
  static std::pair<int64_t, int64_t>
  chunkRange(int64_t numTiles, int64_t numChunks, int64_t index);

private:
  struct Job {
    tessera_kernel_fn kernel;
    void *const *args;
    const int64_t *sizes;
    int64_t numTiles;
    int64_t numChunks;
    std::atomic<int64_t> nextChunk{0};
  };

  void workerLoop();
  static void runChunks(Job &job);
  void stopWorkers();

  std::vector<std::thread> workers;
  std::mutex launchMutex; // one launch at a time
  std::mutex mutex;       // guards the fields below
  std::condition_variable wake;
  std::condition_variable idle;
  Job *job = nullptr;
  uint64_t generation = 0;
  unsigned busy = 0;
  bool stopping = false;
};

} // namespace tessera::rt
