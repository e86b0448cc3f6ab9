// The --log file: every step's loss, one line each, flushed with every
// checkpoint (so the log covers at least the steps a checkpoint holds). The
// format follows the extension:
//   .csv    "step,loss" then "1,0.693147182"
//   .jsonl  {"step": 1, "loss": 0.693147182}
// Losses are printed with the digits that read back to the same value in
// their dtype (%.9g for f32, %.17g for f64, %.5g for f16 and bf16, %.3g
// for fp8). A non-finite loss, the last line of a stopped run, is "nan" /
// "inf" / "-inf" in CSV and null in JSON Lines (JSON has no such numbers).
#pragma once

#include "tessera/tbin_meta.hpp"

#include <cstdint>
#include <cstdio>
#include <string>

namespace tessera::train {

enum class LogFormat { Csv, Jsonl };

// False unless `path` ends in ".csv" or ".jsonl".
bool logFormatOf(const std::string &path, LogFormat &out);

// The loss as the log and the progress lines print it.
std::string formatLoss(double loss, tbin::DType dtype);

class LossLog {
public:
  LossLog() = default;
  LossLog(const LossLog &) = delete;
  LossLog &operator=(const LossLog &) = delete;
  ~LossLog();

  // Creates or truncates `path`; writes the CSV header.
  bool open(const std::string &path, std::string &error);
  bool append(int64_t step, double loss, tbin::DType dtype, std::string &error);
  bool flush(std::string &error);
  // Flushes and closes; the first write error of the file, if any.
  bool close(std::string &error);

private:
  bool check(std::string &error);

  std::FILE *file_ = nullptr;
  std::string path_;
  LogFormat format_ = LogFormat::Csv;
};

} // namespace tessera::train
