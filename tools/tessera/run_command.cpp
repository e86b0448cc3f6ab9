#include "run_command.hpp"

#include "cli_failure.hpp"
#include "value_format.hpp"

#include "tessera/npy.hpp"
#include "tessera/tessera_rt.hpp"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>

namespace tessera::cli {

namespace {

struct BoundInput {
  std::string file;
  npy::Array array;
};

std::string joinNames(const std::vector<TensorInfo> &infos) {
  std::string s;
  for (const TensorInfo &t : infos)
    s += (s.empty() ? "" : ", ") + t.name;
  return s;
}

// NAME=FILE pairs, in the order given; malformed ones are usage errors.
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

tessera_tensor_t tensorOn(const Buffer &buffer, int32_t dtype,
                          const std::vector<int64_t> &shape) {
  return {buffer.data(), dtype, static_cast<int32_t>(shape.size()),
          shape.data()};
}

} // namespace

int runCommand(const RunOptions &o) {
  std::map<std::string, std::string> files = parseInputFlags(o.inputs);

  Context ctx(o.device, o.threads);
  Module module(ctx, o.model);
  Function fn = module.function(chooseEntry(module, o));
  std::vector<TensorInfo> inputInfos = fn.inputs();
  std::vector<TensorInfo> outputInfos = fn.outputs();

  for (const auto &[name, file] : files) {
    bool known = false;
    for (const TensorInfo &t : inputInfos)
      known = known || t.name == name;
    if (!known)
      throw Failure("entry '" + fn.name() + "' has no input '" + name +
                    "' (inputs: " + joinNames(inputInfos) + ")");
  }
  for (const TensorInfo &t : inputInfos)
    if (!files.count(t.name))
      throw Failure("missing input '" + t.name + "' (" + t.signature() +
                    "); pass --input " + t.name + "=FILE.npy");
  std::vector<BoundInput> inputs;
  for (const TensorInfo &t : inputInfos) {
    BoundInput in{files.at(t.name), {}};
    std::string error;
    if (!npy::read(in.file, in.array, error))
      throw Failure(error);
    inputs.push_back(std::move(in));
  }

  // Copy the inputs into runtime buffers, which are aligned for kernels.
  std::vector<Buffer> inBuffers;
  std::vector<tessera_tensor_t> inTensors;
  for (const BoundInput &in : inputs) {
    inBuffers.emplace_back(ctx, in.array.data.size());
    std::memcpy(inBuffers.back().data(), in.array.data.data(),
                in.array.data.size());
    inTensors.push_back(tensorOn(inBuffers.back(),
                                 static_cast<int32_t>(in.array.dtype),
                                 in.array.shape));
  }
  std::size_t failed = inputs.size();
  try {
    fn.bindDims(inTensors, &failed);
  } catch (const Error &e) {
    if (failed < inputs.size())
      throw Failure(inputs[failed].file + ": " + e.what());
    throw;
  }

  std::vector<std::vector<int64_t>> outShapes;
  std::vector<Buffer> outBuffers;
  std::vector<tessera_tensor_t> outTensors;
  for (std::size_t i = 0; i < outputInfos.size(); ++i) {
    checkOutputName(outputInfos[i].name);
    outShapes.push_back(fn.outputShape(inTensors, i));
  }
  for (std::size_t i = 0; i < outputInfos.size(); ++i) {
    std::size_t bytes = tessera_dtype_size(outputInfos[i].dtype);
    for (int64_t e : outShapes[i]) {
      auto extent = static_cast<std::size_t>(e);
      if (extent != 0 && bytes > SIZE_MAX / extent)
        throw Failure("output '" + outputInfos[i].name + "' is too large");
      bytes *= extent;
    }
    outBuffers.emplace_back(ctx, bytes);
    outTensors.push_back(
        tensorOn(outBuffers.back(), outputInfos[i].dtype, outShapes[i]));
  }

  Stream stream(ctx);
  fn.invoke(inTensors, outTensors, &stream);
  stream.synchronize();

  std::error_code ec;
  std::filesystem::create_directories(o.outputDir, ec);
  if (ec)
    throw Failure(o.outputDir + ": " + ec.message());
  for (std::size_t i = 0; i < outputInfos.size(); ++i) {
    const TensorInfo &t = outputInfos[i];
    npy::Array array;
    array.dtype = static_cast<tbin::DType>(t.dtype);
    array.shape = outShapes[i];
    auto *p = static_cast<const uint8_t *>(outBuffers[i].data());
    array.data.assign(p, p + outBuffers[i].size());
    std::string path =
        (std::filesystem::path(o.outputDir) / (t.name + ".npy")).string();
    std::string error;
    if (!npy::write(path, array, error))
      throw Failure(error);
    std::printf("%s: %s = %s\n", t.name.c_str(),
                boundSignature(t, outShapes[i]).c_str(),
                formatValues(array).c_str());
  }
  return 0;
}

} // namespace tessera::cli
