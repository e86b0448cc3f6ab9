#include "profile_trace.hpp"

#include "cli_failure.hpp"

#include "io/atomic_file.hpp"
#include "io/json_lite.hpp"

#include <cstdio>

namespace tessera::cli {

namespace {

// Microseconds to the nanosecond: enough for any launch, and short.
std::string micros(double us) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", us < 0 ? 0.0 : us);
  return buf;
}

} // namespace

std::string chromeTrace(const std::vector<ProfileEvent> &events,
                        const std::string &device) {
  // One process (the run) with one thread (the device's one queue of
  // launches), named so that viewers show the device.
  std::string out = "{\"traceEvents\":[\n";
  out += "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"tid\":1,"
         "\"args\":{\"name\":";
  rt::json::appendQuoted(out, "tessera " + device);
  out += "}}";
  for (const ProfileEvent &e : events) {
    out += ",\n{\"name\":";
    rt::json::appendQuoted(out, e.name);
    out += ",\"cat\":\"kernel\",\"ph\":\"X\",\"ts\":" + micros(e.startUs) +
           ",\"dur\":" + micros(e.durationUs) +
           ",\"pid\":1,\"tid\":1,\"args\":{\"tiles\":" +
           std::to_string(e.numTiles) + "}}";
  }
  out += "\n],\"displayTimeUnit\":\"ms\"}\n";
  return out;
}

void writeChromeTrace(const std::string &path,
                      const std::vector<ProfileEvent> &events,
                      const std::string &device) {
  std::string text = chromeTrace(events, device);
  std::string error;
  if (!rt::writeFileAtomically(path, text.data(), text.size(), error))
    throw Failure(error);
}

} // namespace tessera::cli
