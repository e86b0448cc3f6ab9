// What the CPU benchmarks share: aligned f32 buffers, a fixed pseudo-random
// fill, timing (alternating measurements, medians) and option parsing.
#pragma once

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

namespace bench {

class UsageError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct FreeDeleter {
  void operator()(void *p) const { std::free(p); }
};
template <typename T> using Buffer = std::unique_ptr<T[], FreeDeleter>;

// `count` elements, 64-byte aligned (a cache line, an AVX-512 vector).
template <typename T = float> Buffer<T> allocBuffer(int64_t count) {
  const std::size_t bytes = static_cast<std::size_t>(count) * sizeof(T);
  void *p = std::aligned_alloc(64, (bytes + 63) / 64 * 64);
  if (!p)
    throw std::bad_alloc();
  return Buffer<T>(static_cast<T *>(p));
}

// A fixed pattern in [-1, 1): the same inputs on every run and machine.
inline void fillPattern(float *data, int64_t count, uint64_t seed) {
  uint64_t state = seed;
  for (int64_t i = 0; i < count; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    data[i] = static_cast<float>(state >> 40) / 8388608.0f - 1.0f;
  }
}

using Clock = std::chrono::steady_clock;

inline double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// One warm-up call, then calls until `minTime` seconds have passed; each
// call's time goes to `samples`.
template <typename Call>
void measure(const Call &call, double minTime, std::vector<double> &samples) {
  call();
  const Clock::time_point start = Clock::now();
  do {
    const Clock::time_point t0 = Clock::now();
    call();
    samples.push_back(secondsSince(t0));
  } while (secondsSince(start) < minTime);
}

inline double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid]
                           : 0.5 * (values[mid - 1] + values[mid]);
}

inline int64_t parsePositive(const std::string &option,
                             const std::string &text) {
  char *end = nullptr;
  errno = 0;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || value <= 0)
    throw UsageError(option + " wants a positive integer, not '" + text + "'");
  return value;
}

// "a,b,c" -> {"a", "b", "c"}.
inline std::vector<std::string> splitList(const std::string &text) {
  std::vector<std::string> items;
  std::size_t begin = 0;
  for (;;) {
    const std::size_t comma = text.find(',', begin);
    items.push_back(text.substr(begin, comma - begin));
    if (comma == std::string::npos)
      return items;
    begin = comma + 1;
  }
}

inline std::vector<int64_t> parseList(const std::string &option,
                                      const std::string &text) {
  std::vector<int64_t> values;
  for (const std::string &item : splitList(text))
    values.push_back(parsePositive(option, item));
  return values;
}

inline double parseSeconds(const std::string &option, const std::string &text) {
  char *end = nullptr;
  const double seconds = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(seconds >= 0.0) ||
      !std::isfinite(seconds))
    throw UsageError(option + " wants seconds, not '" + text + "'");
  return seconds;
}

} // namespace bench
