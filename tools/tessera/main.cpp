// `tessera`: runs and inspects compiled Tessera models. A thin main: the work
// is in run_command.cpp and info_command.cpp, on top of libtessera_rt.
#include "cli_failure.hpp"
#include "info_command.hpp"
#include "run_command.hpp"

#include "tessera/tessera_rt.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <string>

namespace {

int reportError(const std::string &message, int status) {
  std::fprintf(stderr, "tessera: error: %s\n", message.c_str());
  return status;
}

} // namespace

int main(int argc, char **argv) {
  using namespace tessera::cli;

  CLI::App app{"Runs and inspects compiled Tessera models (.tbin files).",
               "tessera"};
  app.require_subcommand(1);
  app.footer("Exit status: 0 on success, 1 on an error, 2 on a usage error.\n"
             "Run 'tessera <command> --help' for the options of a command.");

  RunOptions run;
  CLI::App *runCmd = app.add_subcommand(
      "run", "Run an entry point of a model on inputs read from .npy files "
             "and write its outputs as .npy files. A train entry instead runs "
             "--steps training steps and writes a checkpoint "
             "(docs/training.md).");
  runCmd->footer(
      "Inputs named param:NAME are the model's parameters: read from "
      "--params (key NAME), else drawn from their initialisers. Inputs named "
      "state:NAME are optimizer state: read from --params (key state:NAME), "
      "else zero. Every other input comes from --input.\n"
      "A train entry feeds its param:/state: outputs back each step, prints "
      "progress on stderr, and stops with exit status 1 at a NaN or infinite "
      "loss, keeping the last good parameters in the checkpoint. The "
      "checkpoint holds every parameter (NAME) and state (state:NAME) and "
      "__metadata__ {step, module, entry}; passed back as --params, the run "
      "resumes from its step.");
  runCmd->add_option("model", run.model, "The compiled model (.tbin file).")
      ->required()
      ->type_name("MODEL.tbin");
  runCmd
      ->add_option("--entry", run.entry,
                   "Entry point to run. Default: the model's only entry "
                   "(required when it has several).")
      ->type_name("NAME");
  runCmd
      ->add_option("--device", run.device,
                   "Device to run on: cpu, or cuda[:N] for NVIDIA GPU N "
                   "(default 0; needs the CUDA driver, and a model compiled "
                   "with tesserac --target=cuda). Inputs and outputs stay "
                   ".npy files on the host. Default: cpu.")
      ->type_name("DEVICE");
  runCmd
      ->add_option("--threads", run.threads,
                   "Number of threads that run tiles on the CPU, this one "
                   "included. Default: 0, one per hardware thread. Results "
                   "never depend on it.")
      ->type_name("N")
      ->check(CLI::Range(0, 1024));
  runCmd
      ->add_option("--profile", run.profile,
                   "Write every kernel launch of the run (every step of a "
                   "train entry, every --repeat) to FILE as a Chrome trace "
                   "(JSON, for chrome://tracing or Perfetto): the kernel's "
                   "name, start and duration in microseconds, its tile "
                   "count. Written when the run succeeds.")
      ->type_name("FILE");
  CLI::Option *repeat =
      runCmd
          ->add_option("--repeat", run.repeat,
                       "Plain entries: run the entry N times and keep the "
                       "outputs of the last run; print the median and the "
                       "minimum wall time of a run on stderr. Default: 1.")
          ->type_name("N")
          ->check(CLI::PositiveNumber);
  runCmd
      ->add_option("--input", run.inputs,
                   "Read input NAME of the entry from the .npy file FILE. "
                   "Repeat for each input not named param:/state:; every "
                   "one must be given.")
      ->type_name("NAME=FILE")
      ->allow_extra_args(false); // one NAME=FILE per --input
  runCmd
      ->add_option("--output-dir", run.outputDir,
                   "Directory to write each output to, as "
                   "DIR/<output-name>.npy (a train entry: its checkpoint); "
                   "created if missing. Default: .")
      ->type_name("DIR");
  runCmd
      ->add_option("--params", run.params,
                   "Read parameters (key NAME) and optimizer state (key "
                   "state:NAME) from this .safetensors file, e.g. a "
                   "checkpoint. Parameters it lacks are initialised.")
      ->type_name("FILE");
  runCmd
      ->add_option("--seed", run.seed,
                   "Mixed with each parameter's own seed when drawing its "
                   "initial value. Default: 0.")
      ->type_name("S");
  CLI::Option *steps =
      runCmd
          ->add_option("--steps", run.steps,
                       "Train entries: the number of steps to run. "
                       "Default: 1.")
          ->type_name("N")
          ->check(CLI::NonNegativeNumber);
  CLI::Option *log =
      runCmd
          ->add_option("--log", run.log,
                       "Train entries: write every step's loss to FILE, as "
                       "CSV (FILE.csv) or JSON Lines (FILE.jsonl).")
          ->type_name("FILE");
  CLI::Option *checkpoint =
      runCmd
          ->add_option("--checkpoint", run.checkpoint,
                       "Train entries: where to write the checkpoint (a "
                       ".safetensors file), atomically. Default: "
                       "DIR/checkpoint.safetensors.")
          ->type_name("FILE");
  CLI::Option *every =
      runCmd
          ->add_option("--checkpoint-every", run.checkpointEvery,
                       "Train entries: also write the checkpoint after "
                       "every step whose number is a multiple of K. "
                       "Default: only at the end.")
          ->type_name("K")
          ->check(CLI::PositiveNumber);
  bool noCudaGraphs = false;
  CLI::Option *noGraphs = runCmd->add_flag(
      "--no-cuda-graphs", noCudaGraphs,
      "Train entries on a CUDA device: launch every step's kernels one by "
      "one. By default the first step runs as is, the next ones capture "
      "their kernel launches into a CUDA graph and later steps replay it, "
      "which saves the launch overhead; parameters and optimizer state stay "
      "on the GPU either way. Steps run without graphs when --profile is "
      "given, or when the driver has no graph API or a capture fails (a "
      "note says why). Results never depend on it.");

  std::string infoModel;
  CLI::App *infoCmd = app.add_subcommand(
      "info", "Print what a model contains: module, format version, target, "
              "numerics policy, .tessera sections, entry points with their "
              "signatures (and, for train entries, kind and optimizer), "
              "parameters with their initialisers, the kernel table, and "
              "the device images (.tessera.cuda: kind, sm, size). Loads "
              "no code, so it describes a model compiled for any device.");
  infoCmd->add_option("model", infoModel, "The compiled model (.tbin file).")
      ->required()
      ->type_name("MODEL.tbin");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp &e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp &e) {
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    return reportError(e.what(), 2);
  }

  for (const CLI::Option *opt : {steps, log, checkpoint, every, noGraphs})
    if (opt->count() > 0)
      run.trainFlags.push_back(opt->get_name());
  run.repeatGiven = repeat->count() > 0;
  run.cudaGraphs = !noCudaGraphs;

  try {
    if (runCmd->parsed())
      return runCommand(run);
    return infoCommand(infoModel);
  } catch (const UsageError &e) {
    return reportError(e.what(), 2);
  } catch (const std::exception &e) {
    // Failure, tessera::Error and anything else: one line, status 1.
    return reportError(e.what(), 1);
  } catch (...) {
    return reportError("unknown error", 1);
  }
}
