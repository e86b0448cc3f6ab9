// Training progress on stderr. On a terminal: a bar redrawn in place (at
// most ten times a second, and at the last step). Otherwise, for logs and
// pipes, one line each time another tenth of the run's steps is done:
//   step 5/10  loss 0.25  1234 steps/s
// Steps are counted in total (a resumed run goes on from its checkpoint);
// the rate is over this run's steps.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace tessera::train {

class Progress {
public:
  // The run does steps firstStep + 1 .. firstStep + steps.
  Progress(std::FILE *out, bool terminal, int64_t firstStep, int64_t steps);

  // After step `step`, `seconds` after the run began.
  void update(int64_t step, const std::string &loss, double seconds);
  // Ends the bar's line; call once, after the last update.
  void finish();

private:
  std::string status(int64_t step, const std::string &loss,
                     double seconds) const;

  std::FILE *out_;
  bool terminal_;
  int64_t first_, steps_;
  double lastDraw_ = -1;
  bool drawn_ = false;
};

} // namespace tessera::train
