#include "train/progress.hpp"

#include <cinttypes>

namespace tessera::train {

namespace {
constexpr int kBarWidth = 24;
constexpr double kRedrawSeconds = 0.1;
} // namespace

Progress::Progress(std::FILE *out, bool terminal, int64_t firstStep,
                   int64_t steps)
    : out_(out), terminal_(terminal), first_(firstStep), steps_(steps) {}

std::string Progress::status(int64_t step, const std::string &loss,
                             double seconds) const {
  char buf[160];
  int n =
      std::snprintf(buf, sizeof buf, "step %" PRId64 "/%" PRId64 "  loss %s",
                    step, first_ + steps_, loss.c_str());
  // No rate before the clock has moved: it would be a division by zero.
  // Whole numbers from 100 on; three significant digits below.
  if (seconds > 0 && n > 0 && static_cast<std::size_t>(n) < sizeof buf) {
    double rate = static_cast<double>(step - first_) / seconds;
    std::snprintf(buf + n, sizeof buf - n,
                  rate >= 100 ? "  %.0f steps/s" : "  %.3g steps/s", rate);
  }
  return buf;
}

void Progress::update(int64_t step, const std::string &loss, double seconds) {
  int64_t done = step - first_;
  if (steps_ <= 0 || done <= 0)
    return;
  if (!terminal_) {
    // The first step of each new tenth: floor(10 done / steps) went up.
    if (done * 10 / steps_ == (done - 1) * 10 / steps_)
      return;
    std::fprintf(out_, "%s\n", status(step, loss, seconds).c_str());
    std::fflush(out_);
    return;
  }
  if (done != steps_ && drawn_ && seconds - lastDraw_ < kRedrawSeconds)
    return;
  int filled = static_cast<int>(done * kBarWidth / steps_);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kBarWidth, '.');
  // \r back to the line's start; \033[K clears what a longer line left.
  std::fprintf(out_, "\r[%s] %s\033[K", bar.c_str(),
               status(step, loss, seconds).c_str());
  std::fflush(out_);
  lastDraw_ = seconds;
  drawn_ = true;
}

void Progress::finish() {
  if (terminal_ && drawn_)
    std::fputc('\n', out_);
  drawn_ = false;
}

} // namespace tessera::train
