#include "run_timing.hpp"

#include <algorithm>
#include <cstdio>

namespace tessera::cli {

double median(std::vector<double> values) {
  if (values.empty())
    return 0;
  std::sort(values.begin(), values.end());
  std::size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

std::string RunTimer::summary(const std::string &entry) const {
  double best = seconds_.empty()
                    ? 0
                    : *std::min_element(seconds_.begin(), seconds_.end());
  char buf[128];
  // Microseconds: one unit for small kernels and whole models alike.
  std::snprintf(buf, sizeof buf, ": median %.1f us, min %.1f us per run",
                1e6 * median(seconds_), 1e6 * best);
  return std::to_string(seconds_.size()) +
         (seconds_.size() == 1 ? " run" : " runs") + " of '" + entry + "'" +
         buf;
}

} // namespace tessera::cli
