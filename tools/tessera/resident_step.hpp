// Training steps on a GPU with the state kept on the device
// (rt::cuda::ResidentEntry): the inputs are uploaded once, each step
// downloads only the loss, and the parameters and optimizer state come back
// only when the training loop reads them for a checkpoint. After a warm-up
// step, steps replay a CUDA graph unless graphs are off.
#pragma once

#include "bound_entry.hpp"

#include "api/resident_api.hpp"
#include "train/step_runner.hpp"

#include "tessera/tessera_rt.hpp"

#include <memory>
#include <string>
#include <vector>

namespace tessera::cli {

class ResidentStep : public train::StepRunner {
public:
  // Uploads every input of `bound`. Throws Failure.
  ResidentStep(const Function &fn, const BoundEntry &bound, bool graphs);

  void run(train::HostTensor &loss) override;
  void commit() override { entry_->commit(); }
  void read(train::TrainState &state) override;

  const rt::cuda::ResidentCounters &counters() const {
    return entry_->counters();
  }

private:
  std::unique_ptr<rt::cuda::ResidentEntry> entry_;
  tbin::EntryMeta meta_;
};

} // namespace tessera::cli
