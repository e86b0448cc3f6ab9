#include "bound_entry.hpp"

#include "cli_failure.hpp"

#include "train/io_roles.hpp"

#include "tessera/npy.hpp"
#include "tessera/safetensors.hpp"

#include <cstdio>

namespace tessera::cli {

namespace {

std::string join(const std::vector<std::string> &items) {
  std::string s;
  for (const std::string &item : items)
    s += (s.empty() ? "" : ", ") + item;
  return s;
}

void note(const std::string &message) {
  std::fprintf(stderr, "tessera: note: %s\n", message.c_str());
}

// Every data input has a file, and every file a data input.
void checkInputFlags(const tbin::EntryMeta &entry,
                     const std::map<std::string, std::string> &files) {
  std::vector<std::string> dataNames;
  for (const tbin::TensorSig &in : entry.inputs)
    if (train::ioRole(in.name).role == train::Role::Data)
      dataNames.push_back(in.name);
  for (const auto &[name, file] : files) {
    train::Role role = train::Role::Data;
    bool known = false;
    for (const tbin::TensorSig &in : entry.inputs)
      if (in.name == name) {
        known = true;
        role = train::ioRole(name).role;
      }
    if (!known)
      throw Failure("entry '" + entry.name + "' has no input '" + name +
                    "' (inputs: " + join(dataNames) + ")");
    if (role == train::Role::Param)
      throw Failure("input '" + name +
                    "' is a parameter: it comes from "
                    "--params FILE.safetensors or from its initialiser");
    if (role == train::Role::State)
      throw Failure("input '" + name +
                    "' is optimizer state: it comes from "
                    "--params FILE.safetensors or starts at zero");
  }
  for (const tbin::TensorSig &in : entry.inputs)
    if (train::ioRole(in.name).role == train::Role::Data &&
        !files.count(in.name))
      throw Failure("missing input '" + in.name + "' (" +
                    tbin::formatSignature(in) + "); pass --input " + in.name +
                    "=FILE.npy");
}

void printNotes(const train::InitialState &init, const RunOptions &o,
                const tbin::EntryMeta &entry) {
  const std::string seed = "--seed " + std::to_string(o.seed);
  // Only a train entry goes on from a checkpoint's step; any entry may read
  // its parameters.
  bool resumes = init.resumed && entry.kind == tbin::kEntryKindTrain;
  if (resumes)
    note("resuming from " + o.params + " at step " +
         std::to_string(init.state.step));
  if (!init.initialised.empty())
    note("initialised parameters" +
         (o.params.empty() ? std::string() : " missing from " + o.params) +
         " (" + seed + "): " + join(init.initialised));
  // Fresh state is the rule; a checkpoint without it is worth a word.
  if (resumes && !init.zeroed.empty())
    note("state missing from " + o.params +
         " starts at zero: " + join(init.zeroed));
  // A checkpoint's state is of no use to other entries, and no surprise:
  // only other tensors are worth a word.
  std::vector<std::string> unused;
  for (const std::string &key : init.unused)
    if (train::ioRole(key).role != train::Role::State)
      unused.push_back(key);
  if (!unused.empty())
    note(o.params + ": not used by entry '" + entry.name +
         "': " + join(unused));
}

} // namespace

std::map<std::string, std::string>
parseInputFlags(const std::vector<std::string> &flags) {
  std::map<std::string, std::string> byName;
  for (const std::string &flag : flags) {
    std::size_t eq = flag.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == flag.size())
      throw UsageError("--input expects NAME=FILE, got '" + flag + "'");
    std::string name = flag.substr(0, eq);
    if (!byName.emplace(name, flag.substr(eq + 1)).second)
      throw UsageError("input '" + name + "' is given twice");
  }
  return byName;
}

std::vector<const train::HostTensor *> BoundEntry::inputs() const {
  std::vector<const train::HostTensor *> out;
  for (const tbin::TensorSig &in : meta.inputs) {
    train::IoRole role = train::ioRole(in.name);
    if (role.role == train::Role::Param)
      out.push_back(&init.state.params.at(role.name));
    else if (role.role == train::Role::State)
      out.push_back(&init.state.states.at(role.name));
    else
      out.push_back(&data.at(in.name));
  }
  return out;
}

std::vector<std::string> BoundEntry::inputSources() const {
  std::vector<std::string> out;
  for (const tbin::TensorSig &in : meta.inputs)
    out.push_back(sources.count(in.name) ? sources.at(in.name) : "");
  return out;
}

std::vector<bool> BoundEntry::constantInputs() const {
  std::vector<bool> out;
  for (const tbin::TensorSig &in : meta.inputs)
    out.push_back(train::ioRole(in.name).role == train::Role::Data);
  return out;
}

tbin::EntryMeta entryMeta(const Function &fn) {
  tbin::EntryMeta e;
  e.name = fn.name();
  e.symbol = fn.symbol();
  e.kind = fn.kind();
  e.optimizer = fn.optimizer();
  e.dimSymbols = fn.dimNames();
  auto convert = [](const std::vector<TensorInfo> &infos) {
    std::vector<tbin::TensorSig> sigs;
    for (const TensorInfo &t : infos) {
      tbin::TensorSig s;
      s.name = t.name;
      s.dtype = static_cast<tbin::DType>(t.dtype);
      for (std::size_t i = 0; i < t.dims.size(); ++i)
        s.dims.push_back(tbin::Dim{t.dims[i], t.dimNames[i]});
      sigs.push_back(std::move(s));
    }
    return sigs;
  };
  e.inputs = convert(fn.inputs());
  e.outputs = convert(fn.outputs());
  return e;
}

std::vector<tbin::ParamMeta> paramMetas(const Module &module) {
  std::vector<tbin::ParamMeta> out;
  for (const ParamInfo &p : module.params())
    out.push_back(
        {p.name, static_cast<tbin::DType>(p.dtype), p.shape, p.init, p.seed});
  return out;
}

BoundEntry bindEntry(const RunOptions &o,
                     const std::map<std::string, std::string> &files,
                     const Module &module, const Function &fn) {
  BoundEntry bound;
  bound.meta = entryMeta(fn);
  checkInputFlags(bound.meta, files);
  for (const auto &[name, file] : files) {
    npy::Array array;
    std::string error;
    if (!npy::read(file, array, error))
      throw Failure(error);
    // .npy has no bf16 or fp8: such an input reads a float32 file,
    // rounded.
    for (const tbin::TensorSig &in : bound.meta.inputs) {
      if (in.name != name)
        continue;
      if (in.dtype == tbin::DType::BF16)
        array = npy::roundToBFloat16(std::move(array));
      array = npy::roundToFloat8(std::move(array), in.dtype);
    }
    train::HostTensor &t = bound.data[name];
    t.dtype = array.dtype;
    t.shape = std::move(array.shape);
    t.data = std::move(array.data);
    bound.sources[name] = file;
  }

  safetensors::File paramsFile;
  if (!o.params.empty()) {
    std::string error;
    if (!safetensors::read(o.params, paramsFile, error))
      throw Failure(error);
  }
  std::string error;
  if (!train::initialState(bound.meta, paramMetas(module),
                           o.params.empty() ? nullptr : &paramsFile, o.params,
                           o.seed, bound.init, error))
    throw Failure(error);
  for (const tbin::TensorSig &in : bound.meta.inputs) {
    train::IoRole role = train::ioRole(in.name);
    std::string key = role.role == train::Role::Param ? role.name : in.name;
    if (role.role != train::Role::Data && paramsFile.tensors.count(key))
      bound.sources[in.name] = o.params;
  }
  printNotes(bound.init, o, bound.meta);
  return bound;
}

} // namespace tessera::cli
