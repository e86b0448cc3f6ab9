// The --log file's two formats, and losses printed so they read back.
#include "train/loss_log.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

using namespace tessera;
using namespace tessera::train;
using tessera::test::TempDir;

namespace {

std::string readText(const std::string &path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string logOf(const std::string &path) {
  LossLog log;
  std::string error;
  EXPECT_TRUE(log.open(path, error)) << error;
  EXPECT_TRUE(log.append(1, 0.1f, tbin::DType::F32, error));
  EXPECT_TRUE(log.append(2, 0.5, tbin::DType::F64, error));
  EXPECT_TRUE(log.append(3, NAN, tbin::DType::F32, error));
  EXPECT_TRUE(log.close(error)) << error;
  return readText(path);
}

} // namespace

TEST(LossLog, Csv) {
  TempDir dir;
  EXPECT_EQ(logOf(dir.file("l.csv")),
            "step,loss\n1,0.100000001\n2,0.5\n3,nan\n");
}

TEST(LossLog, JsonLines) {
  TempDir dir;
  EXPECT_EQ(logOf(dir.file("l.jsonl")), "{\"step\": 1, \"loss\": 0.100000001}\n"
                                        "{\"step\": 2, \"loss\": 0.5}\n"
                                        "{\"step\": 3, \"loss\": null}\n");
}

TEST(LossLog, OtherExtensionsAndUnwritablePaths) {
  TempDir dir;
  LossLog log;
  std::string error;
  LogFormat format;
  EXPECT_FALSE(logFormatOf("loss.json", format));
  EXPECT_FALSE(log.open(dir.file("loss.txt"), error));
  EXPECT_NE(error.find("must be a .csv or .jsonl file"), std::string::npos);
  EXPECT_FALSE(log.open(dir.file("missing/loss.csv"), error));
  EXPECT_NE(error.find("No such file or directory"), std::string::npos)
      << error;
}

TEST(LossLog, LossesReadBackExactly) {
  EXPECT_EQ(formatLoss(INFINITY, tbin::DType::F32), "inf");
  EXPECT_EQ(formatLoss(-INFINITY, tbin::DType::F64), "-inf");
  EXPECT_EQ(formatLoss(0.1, tbin::DType::F64), "0.10000000000000001");
  uint32_t state = 12345;
  for (int i = 0; i < 10000; ++i) {
    state = state * 1664525u + 1013904223u;
    float f;
    uint32_t bits = state & 0x7f7fffffu; // finite, positive
    std::memcpy(&f, &bits, 4);
    ASSERT_EQ(std::strtof(formatLoss(f, tbin::DType::F32).c_str(), nullptr), f)
        << formatLoss(f, tbin::DType::F32);
    double d = static_cast<double>(f) * 1.0000001;
    ASSERT_EQ(std::strtod(formatLoss(d, tbin::DType::F64).c_str(), nullptr), d);
  }
}
