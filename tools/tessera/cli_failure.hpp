// The two ways a `tessera` command fails: an error in what it was asked to
// do (exit status 1) and a malformed command line (exit status 2). main()
// prints either as one line, "tessera: error: <message>".
#pragma once

#include <stdexcept>
#include <string>

namespace tessera::cli {

struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

} // namespace tessera::cli
