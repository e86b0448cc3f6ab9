#include "cuda/resident_entry.hpp"

#include <algorithm>

namespace tessera::rt::cuda {

namespace {

// The spec's shapes of things, checked once so that steps need not.
bool checkSpec(const ResidentSpec &spec, std::string &error) {
  if (!spec.entry) {
    error = "no device code to run";
    return false;
  }
  if (spec.carriedFrom.size() != spec.inputBytes.size()) {
    error = "carriedFrom has " + std::to_string(spec.carriedFrom.size()) +
            " entries for " + std::to_string(spec.inputBytes.size()) +
            " inputs";
    return false;
  }
  std::vector<bool> taken(spec.outputBytes.size(), false);
  for (std::size_t i = 0; i < spec.carriedFrom.size(); ++i) {
    int from = spec.carriedFrom[i];
    if (from < 0)
      continue;
    auto j = static_cast<std::size_t>(from);
    if (j >= taken.size() || taken[j] ||
        spec.outputBytes[j] != spec.inputBytes[i]) {
      error = "input " + std::to_string(i) + " cannot be carried from output " +
              std::to_string(from);
      return false;
    }
    taken[j] = true;
  }
  return true;
}

} // namespace

ResidentEntry::ResidentEntry(CudaModule &module, ResidentSpec spec)
    : module_(module), device_(module.device()), spec_(std::move(spec)) {}

tessera_status_t ResidentEntry::create(CudaModule &module, ResidentSpec spec,
                                       std::unique_ptr<ResidentEntry> &out,
                                       std::string &error) {
  const std::string who = "entry '" + spec.entryName + "'";
  if (!checkSpec(spec, error)) {
    error = who + ": " + error;
    return TESSERA_ERROR_INVALID_ARGUMENT;
  }
  // The constructor is private, hence no make_unique. From here on the
  // destructor frees whatever was allocated, on every path.
  std::unique_ptr<ResidentEntry> r(new ResidentEntry(module, std::move(spec)));
  CudaDevice &dev = r->device_;
  const Driver &d = dev.driver();
  std::lock_guard<std::mutex> lock(dev.runMutex());
  std::string why;
  if (!dev.makeCurrent(why)) {
    error = who + ": " + why;
    return TESSERA_ERROR_EXECUTION;
  }
  auto allocate = [&](std::size_t bytes, CUdeviceptr &p) {
    r->owned_.reserve(r->owned_.size() + 1);
    // At least a byte: every tensor gets its own valid address.
    bytes = std::max<std::size_t>(bytes, 1);
    if (CUresult res = d.cuMemAlloc(&p, bytes); res != kSuccess) {
      error = who + ": cuMemAlloc of " + std::to_string(bytes) +
              " bytes failed: " + errorText(d, res);
      return false;
    }
    r->owned_.push_back(p);
    return true;
  };
  const ResidentSpec &s = r->spec_;
  r->inputs_.assign(s.inputBytes.size(), {0, 0});
  r->outputs_.assign(s.outputBytes.size(), {0, 0});
  for (std::size_t j = 0; j < s.outputBytes.size(); ++j) {
    CUdeviceptr p;
    if (!allocate(s.outputBytes[j], p))
      return TESSERA_ERROR_OUT_OF_MEMORY;
    r->outputs_[j] = {p, p};
  }
  for (std::size_t i = 0; i < s.inputBytes.size(); ++i) {
    CUdeviceptr p;
    if (!allocate(s.inputBytes[i], p))
      return TESSERA_ERROR_OUT_OF_MEMORY;
    if (s.carriedFrom[i] < 0) {
      r->inputs_[i] = {p, p};
      continue;
    }
    // Half 0 reads p and writes the output's buffer; half 1 the reverse.
    std::array<CUdeviceptr, 2> &out = r->outputs_[s.carriedFrom[i]];
    r->inputs_[i] = {p, out[0]};
    out = {out[0], p};
  }
  r->graphsOn_ = s.graphs && StepGraph::available(d);
  if (s.graphs && !r->graphsOn_)
    r->counters_.graphsOffWhy = "the CUDA driver has no graph API";
  for (std::unique_ptr<StepGraph> &g : r->graphs_)
    g = std::make_unique<StepGraph>(d);
  out = std::move(r);
  return TESSERA_OK;
}

ResidentEntry::~ResidentEntry() {
  std::lock_guard<std::mutex> lock(device_.runMutex());
  const Driver &d = device_.driver();
  // Errors here have nowhere to go; the driver frees what is left at exit.
  std::string ignored;
  if (!device_.makeCurrent(ignored))
    return;
  d.cuStreamSynchronize(device_.stream());
  for (std::unique_ptr<StepGraph> &g : graphs_)
    if (g)
      g->reset();
  for (const Workspace::Block &b : workspace_.blocks)
    if (b.async)
      d.cuMemFreeAsync(b.ptr, device_.stream());
    else
      d.cuMemFree(b.ptr);
  d.cuStreamSynchronize(device_.stream());
  for (CUdeviceptr p : owned_)
    d.cuMemFree(p);
}

CUdeviceptr ResidentEntry::inputBuffer(std::size_t i) const {
  return inputs_[i][half_];
}

std::vector<CUdeviceptr> ResidentEntry::callBuffers() const {
  std::vector<CUdeviceptr> buffers;
  for (const std::array<CUdeviceptr, 2> &in : inputs_)
    buffers.push_back(in[half_]);
  for (const std::array<CUdeviceptr, 2> &out : outputs_)
    buffers.push_back(out[half_]);
  return buffers;
}

void ResidentEntry::graphsOff(const std::string &why) {
  graphsOn_ = false;
  for (std::unique_ptr<StepGraph> &g : graphs_)
    g->reset();
  if (counters_.graphsOffWhy.empty())
    counters_.graphsOffWhy = why;
}

tessera_status_t ResidentEntry::transfer(std::size_t index, const char *api,
                                         const CopyFn &copy,
                                         std::string &error) {
  const std::string who = "entry '" + spec_.entryName + "'";
  if (index >= inputs_.size()) {
    error = who + " has no input " + std::to_string(index);
    return TESSERA_ERROR_INVALID_ARGUMENT;
  }
  std::lock_guard<std::mutex> lock(device_.runMutex());
  const Driver &d = device_.driver();
  if (!device_.makeCurrent(error)) {
    error = who + ": " + error;
    return TESSERA_ERROR_EXECUTION;
  }
  CUresult r = kSuccess;
  if (spec_.inputBytes[index] > 0)
    r = copy(d, inputBuffer(index), spec_.inputBytes[index]);
  if (r == kSuccess) {
    api = "cuStreamSynchronize"; // the host side may go once this returns
    r = d.cuStreamSynchronize(device_.stream());
  }
  if (r != kSuccess) {
    error = who + ": " + callFailed(d, api, r);
    return TESSERA_ERROR_EXECUTION;
  }
  return TESSERA_OK;
}

tessera_status_t ResidentEntry::write(std::size_t index, const void *data,
                                      std::string &error) {
  return transfer(
      index, "cuMemcpyHtoDAsync",
      [&](const Driver &d, CUdeviceptr to, std::size_t bytes) {
        return d.cuMemcpyHtoDAsync(to, data, bytes, device_.stream());
      },
      error);
}

tessera_status_t ResidentEntry::read(std::size_t index, void *data,
                                     std::string &error) {
  return transfer(
      index, "cuMemcpyDtoHAsync",
      [&](const Driver &d, CUdeviceptr from, std::size_t bytes) {
        return d.cuMemcpyDtoHAsync(data, from, bytes, device_.stream());
      },
      error);
}

tessera_status_t ResidentEntry::step(const std::vector<HostSpan> &inputs,
                                     const std::vector<HostSpan> &outputs,
                                     std::string &error) {
  const std::string who = "entry '" + spec_.entryName + "'";
  if ((!inputs.empty() && inputs.size() != inputs_.size()) ||
      (!outputs.empty() && outputs.size() != outputs_.size())) {
    error = who + ": step with " + std::to_string(inputs.size()) +
            " inputs and " + std::to_string(outputs.size()) + " outputs";
    return TESSERA_ERROR_INVALID_ARGUMENT;
  }
  DeviceCall call;
  call.entryName = spec_.entryName;
  call.entry = spec_.entry;
  int64_t noDim = 0;
  call.dims = spec_.dims.empty() ? &noDim : spec_.dims.data();
  call.profiler = spec_.profiler;
  call.kernelNames = spec_.kernelNames;
  // Spans without data: the sizes only, nothing is copied.
  for (std::size_t i = 0; i < inputs_.size(); ++i)
    call.inputs.push_back(
        {inputs.empty() ? nullptr : inputs[i].data, spec_.inputBytes[i]});
  for (std::size_t j = 0; j < outputs_.size(); ++j)
    call.outputs.push_back(
        {outputs.empty() ? nullptr : outputs[j].data, spec_.outputBytes[j]});
  std::vector<CUdeviceptr> buffers = callBuffers();
  call.buffers = &buffers;
  call.workspace = &workspace_;

  // Graphs wait for the warm-up call, which fixes the temporaries.
  StepGraph &graph = *graphs_[half_];
  bool profiling = spec_.profiler && spec_.profiler->enabled();
  std::string captureWhy;
  if (graphsOn_ && !profiling && counters_.calls > 0) {
    if (graph.ready())
      call.replay = &graph;
    else
      call.capture = &graph;
    call.captureError = &captureWhy;
  }
  tessera_status_t st = runDeviceEntry(module_, call, error);
  if (call.capture) {
    if (graph.ready())
      ++counters_.captures;
    else
      graphsOff("graph capture failed: " + captureWhy);
  } else if (!call.replay && counters_.calls > 0 && workspace_.uploadsChanged) {
    // A graph of the other half would replay the old values.
    graphsOff("the entry uploaded values that differ from the step before");
  }
  if (st != TESSERA_OK)
    return st;
  if (call.replay)
    ++counters_.replays;
  ++counters_.calls;
  return TESSERA_OK;
}

} // namespace tessera::rt::cuda
