#include "cuda/step_graph.hpp"

namespace tessera::rt::cuda {

bool StepGraph::available(const Driver &d) {
  return d.cuStreamBeginCapture && d.cuStreamEndCapture &&
         d.cuGraphInstantiateWithFlags && d.cuGraphLaunch &&
         d.cuGraphExecDestroy && d.cuGraphDestroy;
}

bool StepGraph::begin(CUstream stream, std::string &error) {
  reset();
  if (CUresult r = d_.cuStreamBeginCapture(stream, kCaptureModeThreadLocal);
      r != kSuccess) {
    error = callFailed(d_, "cuStreamBeginCapture", r);
    return false;
  }
  return true;
}

bool StepGraph::end(CUstream stream, std::string &error) {
  // Ended whatever happened during the capture: a stream left capturing
  // would turn every later launch into a capture error.
  CUgraph graph = nullptr;
  if (CUresult r = d_.cuStreamEndCapture(stream, &graph); r != kSuccess) {
    if (graph)
      d_.cuGraphDestroy(graph);
    error = callFailed(d_, "cuStreamEndCapture", r);
    return false;
  }
  graph_ = graph;
  if (CUresult r = d_.cuGraphInstantiateWithFlags(&exec_, graph_, 0);
      r != kSuccess) {
    exec_ = nullptr;
    reset();
    error = callFailed(d_, "cuGraphInstantiateWithFlags", r);
    return false;
  }
  return true;
}

bool StepGraph::launch(CUstream stream, std::string &error) {
  if (CUresult r = d_.cuGraphLaunch(exec_, stream); r != kSuccess) {
    error = callFailed(d_, "cuGraphLaunch", r);
    return false;
  }
  return true;
}

void StepGraph::reset() {
  // Errors have nowhere to go; a failed destroy leaks no host memory.
  if (exec_)
    d_.cuGraphExecDestroy(exec_);
  if (graph_)
    d_.cuGraphDestroy(graph_);
  exec_ = nullptr;
  graph_ = nullptr;
}

} // namespace tessera::rt::cuda
