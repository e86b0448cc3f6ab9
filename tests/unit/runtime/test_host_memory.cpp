// The cache behind CPU entries' temporaries: aligned blocks of at least the
// size asked for, freed blocks reused by later requests of their class, the
// cache bounded, foreign pointers refused.
#include "core/host_memory.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

using tessera::rt::HostMemory;

TEST(HostMemory, SizeClasses) {
  EXPECT_EQ(HostMemory::sizeClass(1), 64u);
  EXPECT_EQ(HostMemory::sizeClass(64), 64u);
  EXPECT_EQ(HostMemory::sizeClass(65), 128u);
  EXPECT_EQ(HostMemory::sizeClass(4096), 4096u);
  // Above 4 KiB: eight classes per power of two (steps of 512 up to 8 KiB).
  EXPECT_EQ(HostMemory::sizeClass(4097), 4608u);
  EXPECT_EQ(HostMemory::sizeClass(8192), 8192u);
  EXPECT_EQ(HostMemory::sizeClass(8193), 9216u);
  EXPECT_EQ(HostMemory::sizeClass(std::size_t(1) << 30), std::size_t(1) << 30);
  EXPECT_EQ(HostMemory::sizeClass((std::size_t(1) << 30) + 1),
            (std::size_t(1) << 30) + (std::size_t(1) << 27));
  // Never more than 12.5% over, never less than asked.
  for (std::size_t n = 4097; n < (std::size_t(1) << 24); n = n * 5 / 4 + 3) {
    std::size_t c = HostMemory::sizeClass(n);
    EXPECT_GE(c, n);
    EXPECT_LE(c - n, n / 8) << n;
  }
  // A size no block can have.
  EXPECT_EQ(HostMemory::sizeClass(SIZE_MAX - 5), 0u);
}

TEST(HostMemory, AlignedAndWritable) {
  HostMemory m;
  for (int64_t bytes : {1, 63, 64, 4097, 1 << 20}) {
    void *p = m.allocate(bytes);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % HostMemory::kAlignment, 0u);
    std::memset(p, 0xab, static_cast<std::size_t>(bytes));
    EXPECT_TRUE(m.release(p));
  }
  EXPECT_EQ(m.allocate(0), nullptr);
  EXPECT_EQ(m.allocate(-4), nullptr);
  EXPECT_EQ(m.allocate(INT64_MAX), nullptr);
}

// A training loop's pattern: the same sizes every step come from the cache
// after the first.
TEST(HostMemory, StepsReuseTheirBlocks) {
  HostMemory m;
  const std::vector<int64_t> sizes = {1 << 20, 3000, 1 << 20, 12345678};
  for (int step = 0; step < 5; ++step) {
    std::vector<void *> blocks;
    for (int64_t s : sizes)
      blocks.push_back(m.allocate(s));
    for (void *p : blocks)
      ASSERT_NE(p, nullptr);
    for (void *p : blocks)
      EXPECT_TRUE(m.release(p));
    EXPECT_EQ(m.stats().systemAllocations, sizes.size()) << "step " << step;
  }
  HostMemory::Stats s = m.stats();
  EXPECT_EQ(s.liveBytes, 0u);
  std::size_t total = 0;
  for (int64_t b : sizes)
    total += HostMemory::sizeClass(static_cast<std::size_t>(b));
  EXPECT_EQ(s.cachedBytes, total);
  EXPECT_EQ(s.peakLiveBytes, total);
  m.trim();
  EXPECT_EQ(m.stats().cachedBytes, 0u);
}

TEST(HostMemory, ReleaseRefusesForeignPointers) {
  HostMemory m;
  int local = 0;
  EXPECT_FALSE(m.release(&local));
  EXPECT_TRUE(m.release(nullptr));
  void *p = m.allocate(100);
  EXPECT_TRUE(m.release(p));
  EXPECT_FALSE(m.release(p)); // twice: it is cached, not live
}

// What is cached stays under max(64 MiB, peak in use): the oldest blocks
// go first.
TEST(HostMemory, CacheIsBounded) {
  HostMemory m;
  const std::size_t mib = std::size_t(1) << 20;
  // 40 consecutive classes from 1 MiB to 30 MiB (356 MiB in all), one at a
  // time: the most in use at once is 30 MiB, so 64 MiB of them are kept.
  std::vector<std::size_t> classes = {mib};
  while (classes.size() < 40)
    classes.push_back(HostMemory::sizeClass(classes.back() + 1));
  EXPECT_EQ(classes.back(), 30 * mib);
  for (std::size_t c : classes) {
    void *p = m.allocate(static_cast<int64_t>(c));
    ASSERT_NE(p, nullptr);
    EXPECT_TRUE(m.release(p));
    EXPECT_LE(m.stats().cachedBytes, HostMemory::kMinCacheLimit);
  }
  EXPECT_GT(m.stats().cachedBytes, HostMemory::kMinCacheLimit - 30 * mib);
  // The oldest went: the first class is allocated anew, the last reused.
  std::size_t before = m.stats().systemAllocations;
  EXPECT_EQ(before, classes.size());
  void *last = m.allocate(static_cast<int64_t>(classes.back()));
  EXPECT_EQ(m.stats().systemAllocations, before);
  void *first = m.allocate(static_cast<int64_t>(classes.front()));
  EXPECT_EQ(m.stats().systemAllocations, before + 1);
  m.release(first);
  m.release(last);
  // A block over 64 MiB raises the bound to itself: cached, alone.
  void *big = m.allocate(static_cast<int64_t>(HostMemory::kMinCacheLimit) + 1);
  ASSERT_NE(big, nullptr);
  m.release(big);
  EXPECT_EQ(m.stats().cachedBytes,
            HostMemory::sizeClass(HostMemory::kMinCacheLimit + 1));
}

TEST(HostMemory, SeveralThreads) {
  HostMemory m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&m, t] {
      for (int i = 0; i < 2000; ++i) {
        auto *p = static_cast<unsigned char *>(m.allocate(100 + (i % 7) * 999));
        ASSERT_NE(p, nullptr);
        p[0] = static_cast<unsigned char>(t);
        ASSERT_TRUE(m.release(p));
      }
    });
  for (std::thread &t : threads)
    t.join();
  EXPECT_EQ(m.stats().liveBytes, 0u);
  EXPECT_LE(m.stats().systemAllocations, 4u * 7u);
}
