// The benchmarks' main: --help, usage errors (exit 2), and any other error
// (exit 1), reported the same way by each of them.
#pragma once

#include "bench_util.h"
#include "tessera/tessera_rt.hpp"

#include <cstdio>
#include <cstring>

namespace bench {

// printUsage(FILE *, argv0); parseOptions(argc, argv) -> Options, throwing
// UsageError; run(options) -> exit status.
template <typename PrintUsage, typename Parse, typename Run>
int benchMain(int argc, char **argv, PrintUsage printUsage, Parse parseOptions,
              Run run) {
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "-h") == 0 ||
        std::strcmp(argv[i], "--help") == 0) {
      printUsage(stdout, argv[0]);
      return 0;
    }
  decltype(parseOptions(argc, argv)) opts;
  try {
    opts = parseOptions(argc, argv);
  } catch (const UsageError &e) {
    std::fprintf(stderr, "%s: %s\n", argv[0], e.what());
    printUsage(stderr, argv[0]);
    return 2;
  }
  try {
    return run(opts);
  } catch (const tessera::Error &e) {
    std::fprintf(stderr, "%s: %s: %s\n", argv[0],
                 tessera_status_string(e.status()), e.what());
  } catch (const std::exception &e) {
    std::fprintf(stderr, "%s: %s\n", argv[0], e.what());
  }
  return 1;
}

} // namespace bench
