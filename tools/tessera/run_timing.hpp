// `tessera run --repeat N`: the wall time of each run of an entry, and the
// line that sums them up for benchmarks, which want the steady state (the
// median) and the best case (the minimum) rather than a first, cold run.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace tessera::cli {

class RunTimer {
public:
  // Runs `run()` and keeps its wall time.
  template <typename Run> void time(Run &&run) {
    auto start = std::chrono::steady_clock::now();
    std::forward<Run>(run)();
    seconds_.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count());
  }

  // "3 runs of 'f': median 1234.5 us, min 1100.0 us per run"
  std::string summary(const std::string &entry) const;

  const std::vector<double> &seconds() const { return seconds_; }

private:
  std::vector<double> seconds_;
};

// The middle value (the mean of the two middle ones for an even count).
double median(std::vector<double> values);

} // namespace tessera::cli
