// One step's device work as a CUDA graph: captured from the stream once,
// then replayed with a single cuGraphLaunch, which spares the host the
// per-kernel launch overhead. The graph API is optional in the driver table;
// without it callers launch kernels one by one.
#pragma once

#include "cuda/cuda_driver.hpp"

#include <string>

namespace tessera::rt::cuda {

class StepGraph {
public:
  explicit StepGraph(const Driver &driver) : d_(driver) {}
  ~StepGraph() { reset(); }
  StepGraph(const StepGraph &) = delete;
  StepGraph &operator=(const StepGraph &) = delete;

  // Whether the driver has every entry point a graph needs.
  static bool available(const Driver &driver);

  // Starts capturing `stream`: what is issued on it until end() is
  // recorded into the graph, not run.
  bool begin(CUstream stream, std::string &error);
  // Ends the capture begun on `stream` and instantiates the graph. On
  // failure nothing is left: no graph, and the stream no longer captures.
  bool end(CUstream stream, std::string &error);
  bool ready() const { return exec_ != nullptr; }
  // Runs the instantiated graph on `stream`.
  bool launch(CUstream stream, std::string &error);
  // Destroys the graph, if any.
  void reset();

private:
  const Driver &d_;
  CUgraph graph_ = nullptr;
  CUgraphExec exec_ = nullptr;
};

} // namespace tessera::rt::cuda
