// `tessera run --profile FILE`: the kernel launches the context recorded,
// written as a Chrome trace (chrome://tracing, Perfetto): a JSON object
// whose "traceEvents" holds one complete event ("ph": "X") per launch, with
// the kernel's name, "ts" and "dur" in microseconds, and the tile count in
// "args".
#pragma once

#include "tessera/tessera_rt.hpp"

#include <string>
#include <vector>

namespace tessera::cli {

// The trace's text; `device` names its one process ("cpu", "cuda:0").
std::string chromeTrace(const std::vector<ProfileEvent> &events,
                        const std::string &device);

// Writes chromeTrace() to `path` atomically; throws Failure.
void writeChromeTrace(const std::string &path,
                      const std::vector<ProfileEvent> &events,
                      const std::string &device);

} // namespace tessera::cli
