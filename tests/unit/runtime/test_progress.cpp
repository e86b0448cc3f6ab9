// Progress on stderr: a line per tenth of the run when it is not a terminal,
// a bar redrawn in place when it is.
#include "train/progress.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace tessera::train;

namespace {

// Everything `Progress` prints for steps first+1 .. first+steps, one second
// apart.
std::string printed(bool terminal, int64_t first, int64_t steps,
                    double secondsPerStep = 1) {
  char *buf = nullptr;
  std::size_t size = 0;
  std::FILE *out = open_memstream(&buf, &size);
  {
    Progress p(out, terminal, first, steps);
    for (int64_t s = first + 1; s <= first + steps; ++s)
      p.update(s, "0.5", static_cast<double>(s - first) * secondsPerStep);
    p.finish();
  }
  std::fclose(out);
  std::string text(buf, size);
  std::free(buf);
  return text;
}

} // namespace

TEST(Progress, ALinePerTenth) {
  std::string text = printed(false, 0, 25);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 10);
  EXPECT_EQ(text.rfind("step 3/25  loss 0.5  1 steps/s\n", 0), 0u) << text;
  EXPECT_NE(text.find("step 25/25  loss 0.5  1 steps/s\n"), std::string::npos);
  EXPECT_EQ(text.find('\r'), std::string::npos);
}

TEST(Progress, EveryStepOfAShortRun) {
  EXPECT_EQ(printed(false, 0, 3, 0.5), "step 1/3  loss 0.5  2 steps/s\n"
                                       "step 2/3  loss 0.5  2 steps/s\n"
                                       "step 3/3  loss 0.5  2 steps/s\n");
}

TEST(Progress, AResumedRunCountsOn) {
  std::string text = printed(false, 5, 5);
  EXPECT_EQ(text.rfind("step 6/10  loss 0.5  1 steps/s\n", 0), 0u) << text;
  EXPECT_EQ(printed(false, 0, 0), "");
}

TEST(Progress, ABarOnATerminal) {
  std::string text = printed(true, 0, 4);
  EXPECT_EQ(text.find('\r'), 0u);
  EXPECT_NE(text.find("[######..................] step 1/4"), std::string::npos)
      << text;
  EXPECT_NE(text.find("[########################] step 4/4  loss 0.5  1 "
                      "steps/s\033[K\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
  // Redrawn at most ten times a second, and always at the end.
  std::string fast = printed(true, 0, 1000, 1e-5);
  EXPECT_EQ(std::count(fast.begin(), fast.end(), '\r'), 2) << fast;
}
