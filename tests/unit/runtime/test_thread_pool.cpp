// The thread pool runs every tile of a launch exactly once, for any number
// of threads and tiles, and splits work into contiguous chunks.
#include "core/thread_pool.hpp"
#include "tessera/tessera_rt.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

using tessera::rt::ThreadPool;

namespace {

// args[0]: std::atomic<int>[num_tiles], one counter per tile.
void countTiles(void *const *args, const int64_t *, int64_t begin,
                int64_t end) {
  auto *counts = static_cast<std::atomic<int> *>(args[0]);
  for (int64_t t = begin; t < end; ++t)
    counts[t].fetch_add(1, std::memory_order_relaxed);
}

void expectEachTileOnce(ThreadPool &pool, int64_t tiles) {
  std::vector<std::atomic<int>> counts(static_cast<std::size_t>(tiles));
  for (auto &c : counts)
    c = 0;
  void *args[1] = {counts.data()};
  pool.run(countTiles, args, nullptr, tiles);
  for (int64_t t = 0; t < tiles; ++t)
    ASSERT_EQ(counts[t].load(), 1) << "tile " << t << " of " << tiles << ", "
                                   << pool.numThreads() << " threads";
}

} // namespace

TEST(ThreadPool, EveryTileRunsExactlyOnce) {
  for (unsigned threads : {1u, 2u, 3u, 4u, 8u, 16u}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.numThreads(), threads);
    for (int64_t tiles : {0, 1, 2, 3, 7, 15, 16, 17, 64, 1000, 4099})
      expectEachTileOnce(pool, tiles);
  }
}

TEST(ThreadPool, ManyLaunchesInARow) {
  ThreadPool pool(4);
  for (int i = 0; i < 2000; ++i)
    expectEachTileOnce(pool, 1 + i % 9);
}

TEST(ThreadPool, LaunchesFromSeveralHostThreads) {
  ThreadPool pool(3);
  std::vector<std::thread> hosts;
  for (int h = 0; h < 4; ++h)
    hosts.emplace_back([&pool, h] {
      for (int i = 0; i < 200; ++i)
        expectEachTileOnce(pool, 5 + (i + h) % 50);
    });
  for (std::thread &t : hosts)
    t.join();
}

TEST(ThreadPool, ChunksAreContiguousAndBalanced) {
  for (int64_t tiles : {1, 2, 5, 16, 17, 1001}) {
    for (int64_t chunks = 1; chunks <= std::min<int64_t>(tiles, 9); ++chunks) {
      int64_t next = 0, smallest = tiles, largest = 0;
      for (int64_t c = 0; c < chunks; ++c) {
        auto [begin, end] = ThreadPool::chunkRange(tiles, chunks, c);
        EXPECT_EQ(begin, next);
        EXPECT_GT(end, begin);
        smallest = std::min(smallest, end - begin);
        largest = std::max(largest, end - begin);
        next = end;
      }
      EXPECT_EQ(next, tiles);
      EXPECT_LE(largest - smallest, 1);
    }
  }
  // No overflow near the top of the range.
  int64_t big = INT64_MAX - 3;
  auto [begin, end] = ThreadPool::chunkRange(big, 7, 6);
  EXPECT_EQ(end, big);
  EXPECT_LT(begin, end);
}

namespace {
struct Nested {
  ThreadPool *pool;
  std::atomic<int> *counts;
};
// Each outer tile launches an inner kernel on the same pool.
void outerTile(void *const *args, const int64_t *, int64_t begin, int64_t end) {
  auto *n = static_cast<Nested *>(args[0]);
  for (int64_t t = begin; t < end; ++t) {
    void *inner[1] = {n->counts + t * 4};
    n->pool->run(countTiles, inner, nullptr, 4);
  }
}
} // namespace

TEST(ThreadPool, NestedLaunchRunsInline) {
  ThreadPool pool(4);
  std::vector<std::atomic<int>> counts(40);
  for (auto &c : counts)
    c = 0;
  Nested n{&pool, counts.data()};
  void *args[1] = {&n};
  pool.run(outerTile, args, nullptr, 10);
  for (auto &c : counts)
    EXPECT_EQ(c.load(), 1);
}

TEST(ThreadPool, CApiLaunchTile) {
  tessera_context_t ctx;
  ASSERT_EQ(tessera_context_create("cpu", 3, &ctx), TESSERA_OK);
  int threads = 0;
  ASSERT_EQ(tessera_context_num_threads(ctx, &threads), TESSERA_OK);
  EXPECT_EQ(threads, 3);
  tessera_stream_t stream;
  ASSERT_EQ(tessera_stream_create(ctx, &stream), TESSERA_OK);
  std::vector<std::atomic<int>> counts(50);
  for (auto &c : counts)
    c = 0;
  void *args[1] = {counts.data()};
  EXPECT_EQ(tessera_launch_tile(stream, countTiles, args, nullptr, 50),
            TESSERA_OK);
  for (auto &c : counts)
    EXPECT_EQ(c.load(), 1);
  EXPECT_EQ(tessera_launch_tile(stream, countTiles, args, nullptr, -1),
            TESSERA_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(tessera_last_error(),
               "tessera_launch_tile: negative tile count -1");
  EXPECT_EQ(tessera_launch_tile(stream, nullptr, args, nullptr, 1),
            TESSERA_ERROR_INVALID_ARGUMENT);
  tessera_stream_destroy(stream);
  tessera_context_destroy(ctx);
}
