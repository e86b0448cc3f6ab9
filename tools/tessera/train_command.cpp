#include "train_command.hpp"

#include "cli_failure.hpp"
#include "entry_runner.hpp"
#include "resident_step.hpp"

#include "train/loss_log.hpp"
#include "train/progress.hpp"
#include "train/train_loop.hpp"

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <unistd.h>

namespace tessera::cli {

int runTrain(const Context &ctx, const Module &module, const Function &fn,
             BoundEntry &bound, const RunOptions &o) {
  std::error_code ec;
  std::filesystem::create_directories(o.outputDir, ec);
  if (ec)
    throw Failure(o.outputDir + ": " + ec.message());
  train::TrainOptions options;
  options.steps = o.steps;
  options.checkpointEvery = o.checkpointEvery;
  options.checkpointPath =
      !o.checkpoint.empty()
          ? o.checkpoint
          : (std::filesystem::path(o.outputDir) / "checkpoint.safetensors")
                .string();
  options.module = module.name();

  std::string error;
  train::LossLog log;
  if (!o.log.empty()) {
    if (!log.open(o.log, error))
      throw Failure(error);
    options.log = &log;
  }

  const int64_t first = bound.init.state.step;
  train::Progress progress(stderr, ::isatty(::fileno(stderr)) == 1, first,
                           o.steps);
  const auto start = std::chrono::steady_clock::now();
  options.onStep = [&](int64_t step, double, const std::string &loss) {
    std::chrono::duration<double> elapsed =
        std::chrono::steady_clock::now() - start;
    progress.update(step, loss, elapsed.count());
  };
  train::TrainResult result;
  bool ok;
  if (rt::runsOnCuda(fn.get())) {
    // On a GPU the state stays in device memory between steps.
    ResidentStep steps(fn, bound, o.cudaGraphs);
    ok = train::runTraining(bound.meta, bound.init.state, steps, options,
                            result, error);
    if (o.cudaGraphs && !steps.counters().graphsOffWhy.empty())
      std::fprintf(stderr, "tessera: note: steps ran without CUDA graphs: %s\n",
                   steps.counters().graphsOffWhy.c_str());
  } else {
    EntryRunner runner(ctx, fn, bound.inputs(), bound.inputSources(),
                       bound.constantInputs());
    ok = train::runTraining(
        bound.meta, bound.data, bound.init.state,
        [&](const std::vector<const train::HostTensor *> &inputs,
            std::vector<train::HostTensor> &outputs) {
          runner.run(inputs, outputs);
        },
        options, result, error);
  }
  progress.finish();
  std::string logError;
  bool logOk = log.close(logError);
  if (!ok)
    throw Failure(error);
  if (!logOk)
    throw Failure(logError);

  const tbin::DType lossType = bound.meta.outputs[0].dtype;
  std::printf("%s: %" PRId64 " steps", fn.name().c_str(), result.stepsRun);
  if (result.stepsRun > 0)
    std::printf(" (%" PRId64 "-%" PRId64 "), loss %s -> %s", first + 1,
                bound.init.state.step,
                train::formatLoss(result.firstLoss, lossType).c_str(),
                result.lastLossText.c_str());
  std::printf("\ncheckpoint: %s (step %" PRId64 ")\n",
              options.checkpointPath.c_str(), bound.init.state.step);
  return 0;
}

} // namespace tessera::cli
