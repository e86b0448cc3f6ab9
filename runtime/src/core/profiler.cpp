#include "core/profiler.hpp"

namespace tessera::rt {

void Profiler::setEnabled(bool on) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (on) {
    records_.clear();
    names_.clear();
    origin_ = std::chrono::steady_clock::now();
  }
  enabled_.store(on, std::memory_order_relaxed);
}

double Profiler::nowUs() const {
  std::chrono::steady_clock::time_point origin;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    origin = origin_;
  }
  return std::chrono::duration<double, std::micro>(
             std::chrono::steady_clock::now() - origin)
      .count();
}

void Profiler::record(const std::string &name, double startUs,
                      double durationUs, int64_t numTiles) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string *interned = &*names_.insert(name).first;
  records_.push_back({interned, startUs, durationUs, numTiles});
}

std::size_t Profiler::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return records_.size();
}

bool Profiler::get(std::size_t index, ProfileRecord &out) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (index >= records_.size())
    return false;
  out = records_[index];
  return true;
}

} // namespace tessera::rt
