#include "run_command.hpp"

#include "bound_entry.hpp"
#include "cli_failure.hpp"
#include "entry_runner.hpp"
#include "profile_trace.hpp"
#include "run_timing.hpp"
#include "train_command.hpp"
#include "value_format.hpp"

#include "train/io_roles.hpp"
#include "train/loss_log.hpp"

#include "tessera/npy.hpp"
#include "tessera/tessera_rt.hpp"

#include <cstdio>
#include <filesystem>

namespace tessera::cli {

namespace {

std::string chooseEntry(const Module &module, const RunOptions &o) {
  if (!o.entry.empty())
    return o.entry;
  std::vector<std::string> names = module.entryNames();
  if (names.size() == 1)
    return names[0];
  if (names.empty())
    throw Failure(o.model + ": the module has no entry points");
  std::string list;
  for (const std::string &n : names)
    list += (list.empty() ? "" : ", ") + n;
  throw Failure(o.model + " has " + std::to_string(names.size()) +
                " entries (" + list + "); choose one with --entry");
}

// "f32[N=4, 3]": the declared signature with the values its dims took.
std::string boundSignature(const TensorInfo &t,
                           const std::vector<int64_t> &shape) {
  std::string s = tessera_dtype_name(t.dtype);
  s += '[';
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ", ";
    if (!t.dimNames[i].empty())
      s += t.dimNames[i] + "=";
    s += std::to_string(shape[i]);
  }
  return s + ']';
}

// Output names become file names; refuse any that would escape the dir.
void checkOutputName(const std::string &name) {
  if (name.empty() || name == "." || name == ".." ||
      name.find('/') != std::string::npos)
    throw Failure("output name '" + name + "' cannot be used as a file name");
}

// A plain entry: run --repeat times, write each output of the last run as
// DIR/<name>.npy.
int runPlain(const Context &ctx, const Function &fn, const BoundEntry &bound,
             const RunOptions &o) {
  std::vector<TensorInfo> outputInfos = fn.outputs();
  for (const TensorInfo &t : outputInfos)
    checkOutputName(t.name);
  EntryRunner runner(ctx, fn, bound.inputs(), bound.inputSources(),
                     bound.constantInputs());
  std::vector<train::HostTensor> outputs;
  RunTimer timer;
  for (int64_t k = 0; k < o.repeat; ++k)
    timer.time([&] { runner.run(bound.inputs(), outputs); });
  if (o.repeatGiven)
    std::fprintf(stderr, "tessera: note: %s\n",
                 timer.summary(fn.name()).c_str());

  std::error_code ec;
  std::filesystem::create_directories(o.outputDir, ec);
  if (ec)
    throw Failure(o.outputDir + ": " + ec.message());
  for (std::size_t i = 0; i < outputInfos.size(); ++i) {
    const TensorInfo &t = outputInfos[i];
    npy::Array array;
    array.dtype = outputs[i].dtype;
    array.shape = outputs[i].shape;
    array.data = std::move(outputs[i].data);
    // .npy has no bf16 or fp8: written as float32, exactly.
    array = npy::widenFloat8(npy::widenBFloat16(std::move(array)));
    std::string path =
        (std::filesystem::path(o.outputDir) / (t.name + ".npy")).string();
    std::string error;
    if (!npy::write(path, array, error))
      throw Failure(error);
    std::printf("%s: %s = %s\n", t.name.c_str(),
                boundSignature(t, array.shape).c_str(),
                formatValues(array).c_str());
  }
  return 0;
}

} // namespace

int runCommand(const RunOptions &o) {
  // Usage errors first, before anything is loaded.
  std::map<std::string, std::string> files = parseInputFlags(o.inputs);
  train::LogFormat format;
  if (!o.log.empty() && !train::logFormatOf(o.log, format))
    throw UsageError("--log expects a .csv or .jsonl file, got '" + o.log +
                     "'");
  Context ctx(o.device, o.threads);
  Module module(ctx, o.model);
  Function fn = module.function(chooseEntry(module, o));
  bool isTrain = fn.kind() == tbin::kEntryKindTrain;
  if (!isTrain && !o.trainFlags.empty())
    throw Failure(o.trainFlags[0] + " applies to train entries only, and '" +
                  fn.name() + "' is a plain entry");
  if (isTrain && o.repeatGiven)
    throw Failure("--repeat applies to plain entries only, and '" + fn.name() +
                  "' is a train entry (it runs --steps steps)");
  if (isTrain) {
    std::string error;
    if (!train::checkTrainSignature(entryMeta(fn), error))
      throw Failure(o.model + ": " + error);
  }
  BoundEntry bound = bindEntry(o, files, module, fn);
  // From here on every launch counts, and nothing before it did.
  if (!o.profile.empty())
    ctx.setProfiling(true);
  int status = isTrain ? runTrain(ctx, module, fn, bound, o)
                       : runPlain(ctx, fn, bound, o);
  if (!o.profile.empty())
    writeChromeTrace(o.profile, ctx.profileEvents(), o.device);
  return status;
}

} // namespace tessera::cli
