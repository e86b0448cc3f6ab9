#include "train/loss_log.hpp"

#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstring>

namespace tessera::train {

namespace {

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Significant digits that make a value of the dtype read back exactly.
int roundTripDigits(tbin::DType dtype) {
  switch (dtype) {
  case tbin::DType::F64:
    return 17;
  case tbin::DType::F16:
  case tbin::DType::BF16:
    return 5;
  case tbin::DType::FP8_E4M3:
  case tbin::DType::FP8_E5M2:
    return 3;
  default:
    return 9;
  }
}

} // namespace

bool logFormatOf(const std::string &path, LogFormat &out) {
  if (endsWith(path, ".csv"))
    out = LogFormat::Csv;
  else if (endsWith(path, ".jsonl"))
    out = LogFormat::Jsonl;
  else
    return false;
  return true;
}

std::string formatLoss(double loss, tbin::DType dtype) {
  if (std::isnan(loss))
    return "nan";
  if (std::isinf(loss))
    return loss > 0 ? "inf" : "-inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*g", roundTripDigits(dtype), loss);
  return buf;
}

LossLog::~LossLog() {
  std::string ignored;
  close(ignored);
}

bool LossLog::open(const std::string &path, std::string &error) {
  if (!logFormatOf(path, format_)) {
    error = path + ": the log must be a .csv or .jsonl file";
    return false;
  }
  path_ = path;
  file_ = std::fopen(path.c_str(), "w");
  if (!file_) {
    error = path + ": " + std::strerror(errno);
    return false;
  }
  if (format_ == LogFormat::Csv)
    std::fputs("step,loss\n", file_);
  return check(error);
}

bool LossLog::append(int64_t step, double loss, tbin::DType dtype,
                     std::string &error) {
  if (!file_)
    return true;
  std::string text = formatLoss(loss, dtype);
  if (format_ == LogFormat::Csv)
    std::fprintf(file_, "%" PRId64 ",%s\n", step, text.c_str());
  else
    std::fprintf(file_, "{\"step\": %" PRId64 ", \"loss\": %s}\n", step,
                 std::isfinite(loss) ? text.c_str() : "null");
  return check(error);
}

bool LossLog::flush(std::string &error) {
  if (!file_)
    return true;
  std::fflush(file_);
  return check(error);
}

bool LossLog::check(std::string &error) {
  if (!std::ferror(file_))
    return true;
  error = path_ + ": cannot write the log";
  return false;
}

bool LossLog::close(std::string &error) {
  if (!file_)
    return true;
  bool ok = check(error);
  if (std::fclose(file_) != 0 && ok) {
    error = path_ + ": " + std::strerror(errno);
    ok = false;
  }
  file_ = nullptr;
  return ok;
}

} // namespace tessera::train
