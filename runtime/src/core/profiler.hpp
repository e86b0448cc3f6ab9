// A context's record of kernel launches while profiling is on: the kernel's
// name, when it started and how long it ran, in microseconds on one clock
// that starts when profiling is switched on. Devices time launches their
// own way (the CPU around each launch, CUDA with events) and add them here.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace tessera::rt {

struct ProfileRecord {
  const std::string *name; // interned: stable until profiling restarts
  double startUs = 0;
  double durationUs = 0;
  int64_t numTiles = 0;
};

class Profiler {
public:
  // On: forgets what was recorded and restarts the clock. Off: keeps it.
  void setEnabled(bool on);
  bool enabled() const { return enabled_.load(std::memory_order_relaxed); }

  // Microseconds since profiling was switched on.
  double nowUs() const;

  void record(const std::string &name, double startUs, double durationUs,
              int64_t numTiles);

  std::size_t size() const;
  // False if `index` is out of range.
  bool get(std::size_t index, ProfileRecord &out) const;

private:
  std::atomic<bool> enabled_{false};
  mutable std::mutex mutex_; // guards everything below
  std::chrono::steady_clock::time_point origin_ =
      std::chrono::steady_clock::now();
  std::set<std::string> names_;
  std::vector<ProfileRecord> records_;
};

} // namespace tessera::rt
