// tessera-frontend-bench: lines per second of the frontend (lexer + parser +
// Sema) on one .tsr file, against the 200 000 lines/s target.
//
//   tessera-frontend-bench FILE.tsr [RUNS]      (RUNS >= 2, default 10)
//
// Run 1 is cold: the first in the process, as in every `tesserac` run (on
// valid input the direct parser does all the parsing, so ANTLR's one-time
// setup is not paid). Runs 2..RUNS are warm; their median is reported. Reading
// the file is timed apart and not counted. Exits 1 if the file has errors, so a
// stale input cannot pass for a fast one.
#include "tessera/Frontend/Diagnostics.h"
#include "tessera/Frontend/Parser.h"
#include "tessera/Frontend/Sema.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

constexpr double kTargetLinesPerSec = 200000;

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start)
      .count();
}

struct Run {
  double parseMs = 0, checkMs = 0;
  double totalMs() const { return parseMs + checkMs; }
};

// One full frontend pass, as tesserac does it before MLIR.
bool runOnce(const std::string &path, const std::string &text, Run &run,
             std::string &errors) {
  // SourceFile indexes line starts; that is part of the frontend's work.
  Clock::time_point start = Clock::now();
  tessera::SourceFile file(path, text);
  tessera::DiagnosticEngine diags;
  auto ast = tessera::parseModule(file, diags);
  run.parseMs = msSince(start);
  if (!ast) {
    errors = diags.render();
    return false;
  }
  start = Clock::now();
  tessera::SemaResult result;
  bool ok = tessera::checkModule(*ast, diags, result);
  run.checkMs = msSince(start);
  if (!diags.diagnostics().empty())
    errors = diags.render();
  return ok;
}

void report(const char *label, const Run &r, unsigned lines) {
  double perSec = lines / (r.totalMs() / 1000.0);
  std::printf("%-24s parse %8.2f ms  check %7.2f ms  total %8.2f ms  "
              "%10.0f lines/s  %5.2fx target\n",
              label, r.parseMs, r.checkMs, r.totalMs(), perSec,
              perSec / kTargetLinesPerSec);
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s FILE.tsr [RUNS]\n", argv[0]);
    return 2;
  }
  std::string path = argv[1];
  int runs = argc == 3 ? std::atoi(argv[2]) : 10;
  if (runs < 2) {
    std::fprintf(stderr, "%s: RUNS must be at least 2\n", argv[0]);
    return 2;
  }

  Clock::time_point readStart = Clock::now();
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  if (!in) {
    std::fprintf(stderr, "%s: cannot read '%s'\n", argv[0], path.c_str());
    return 1;
  }
  std::string text = buf.str();
  double readMs = msSince(readStart);
  unsigned lines =
      static_cast<unsigned>(std::count(text.begin(), text.end(), '\n') +
                            (!text.empty() && text.back() != '\n'));

  std::vector<Run> all(runs);
  for (int i = 0; i < runs; ++i) {
    std::string errors;
    if (!runOnce(path, text, all[i], errors)) {
      std::cerr << errors << argv[0] << ": the input has errors\n";
      return 1;
    }
    if (i == 0 && !errors.empty())
      std::cerr << errors; // warnings: shown once, not fatal
  }

  std::vector<Run> warm(all.begin() + 1, all.end());
  std::sort(warm.begin(), warm.end(), [](const Run &a, const Run &b) {
    return a.totalMs() < b.totalMs();
  });
  std::printf("tessera-frontend-bench: %s, %u lines, %zu bytes (read in "
              "%.2f ms, not counted)\n",
              path.c_str(), lines, text.size(), readMs);
  report("cold (run 1)", all[0], lines);
  std::string label = "warm (median of " + std::to_string(warm.size()) + ")";
  report(label.c_str(), warm[warm.size() / 2], lines);
  report("warm (best)", warm.front(), lines);
  std::printf("target: %.0f lines/s\n", kTargetLinesPerSec);
  return 0;
}
