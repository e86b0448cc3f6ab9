// f32 matmul C = A @ B on square n x n matrices: Tessera's compiled kernel
// (the entry `mm` of matmul.tsr) against OpenBLAS's cblas_sgemm, in the same
// process, on the same inputs, with the same number of threads.
//
//   tesserac benchmarks/cpu/matmul.tsr -o matmul.tbin
//   matmul_bench matmul.tbin [--threads N]... [--sizes N,N,...]
//                            [--min-time SECONDS] [--rounds R]
//
// For each size and thread count it first checks Tessera's C against
// OpenBLAS's: the largest |C_tessera - C_openblas| / (|A| @ |B|), element by
// element, must be at most 1e-4. Then it times both. A measurement is one
// warm-up call and then calls until at least --min-time seconds (0.2) have
// passed; --rounds (3) measurements of each library alternate, so that a
// change in the machine's load hits both, and GFLOP/s is 2 n^3 over the
// median time of all their calls. Exit status: 0 done, 1 a check failed or
// an error, 2 bad usage.
#include "bench_main.h"
#include "bench_util.h"
#include "tessera/tessera_rt.hpp"

#include <cblas.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using bench::allocBuffer;
using bench::fillPattern;
using bench::measure;
using bench::median;
using bench::parseList;
using bench::parsePositive;
using bench::UsageError;
using Matrix = bench::Buffer<float>;

Matrix allocMatrix(int64_t n) { return allocBuffer<float>(n * n); }

// The largest error allowed, relative to the magnitude of the terms summed
// (see maxRelativeError).
constexpr double kTolerance = 1e-4;

struct Options {
  std::string model;
  std::vector<int> threads;
  std::vector<int64_t> sizes = {256, 512, 1024, 2048};
  double minTime = 0.2;
  int rounds = 3;
};

void printUsage(std::FILE *to, const char *argv0) {
  std::fprintf(to,
               "usage: %s MODEL.tbin [--threads N]... [--sizes N,N,...]\n"
               "       [--min-time SECONDS] [--rounds R]\n"
               "  MODEL.tbin       benchmarks/cpu/matmul.tsr compiled by "
               "tesserac\n"
               "  --threads N      thread count for both libraries; repeat "
               "or give N,N,...\n"
               "                   (default: 1 and 2)\n"
               "  --sizes N,N,...  square sizes (default: 256,512,1024,2048)\n"
               "  --min-time S     least seconds of timed calls per "
               "measurement (default: 0.2)\n"
               "  --rounds R       measurements of each library, alternated "
               "(default: 3)\n",
               argv0);
}

Options parseOptions(int argc, char **argv) {
  Options opts;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        throw UsageError(arg + " wants a value");
      return argv[++i];
    };
    if (arg == "--threads") {
      for (int64_t n : parseList(arg, value())) {
        if (n > 1024)
          throw UsageError("--threads " + std::to_string(n) + " is too many");
        opts.threads.push_back(static_cast<int>(n));
      }
    } else if (arg == "--sizes") {
      opts.sizes = parseList(arg, value());
      for (int64_t n : opts.sizes)
        if (n > 46340) // n * n must fit an int for cblas_sgemm
          throw UsageError("--sizes " + std::to_string(n) + " is too large");
    } else if (arg == "--min-time") {
      opts.minTime = bench::parseSeconds(arg, value());
    } else if (arg == "--rounds") {
      const int64_t rounds = parsePositive(arg, value());
      opts.rounds = static_cast<int>(std::min<int64_t>(rounds, 1000));
    } else if (!arg.empty() && arg[0] == '-') {
      throw UsageError("unknown option " + arg);
    } else if (opts.model.empty()) {
      opts.model = arg;
    } else {
      throw UsageError("more than one model: " + opts.model + ", " + arg);
    }
  }
  if (opts.model.empty())
    throw UsageError("no MODEL.tbin given");
  if (opts.threads.empty())
    opts.threads = {1, 2};
  return opts;
}

// A 64-byte aligned n x n matrix, C order.
void sgemm(int64_t n, const float *a, const float *b, float *c) {
  const int m = static_cast<int>(n);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, m, m, 1.0f, a, m, b,
              m, 0.0f, c, m);
}

// max |got - want| / sum_k |a_ik b_kj| over all elements. The denominator is
// the scale of a dot product's rounding error, so elements whose terms
// cancel to near zero do not make an exact enough result look wrong. A NaN
// anywhere makes the result NaN.
double maxRelativeError(int64_t count, const float *got, const float *want,
                        const float *scale) {
  double worst = 0.0;
  for (int64_t i = 0; i < count; ++i) {
    const double diff =
        std::fabs(static_cast<double>(got[i]) - static_cast<double>(want[i]));
    const double e = scale[i] > 0.0f ? diff / scale[i]
                     : diff == 0.0   ? 0.0
                                     : std::numeric_limits<double>::infinity();
    if (!(e <= worst))
      worst = e;
  }
  return worst;
}

struct TesseraMatmul {
  TesseraMatmul(const std::string &model, int threads)
      : ctx("cpu", threads), module(ctx, model), fn(module.function("mm")) {}

  void run(int64_t n, const float *a, const float *b, float *c) const {
    const std::vector<int64_t> shape = {n, n};
    const std::vector<tessera_tensor_t> inputs = {
        tessera::tensorView(a, shape), tessera::tensorView(b, shape)};
    std::vector<tessera_tensor_t> outputs = {tessera::tensorView(c, shape)};
    fn.invoke(inputs, outputs);
  }

  tessera::Context ctx;
  tessera::Module module;
  tessera::Function fn;
};

// One line of the table.
struct Row {
  int64_t n = 0;
  int threads = 0;
  double tesseraGflops = 0.0;
  double openblasGflops = 0.0;
  double error = 0.0;
};

Row benchmark(const Options &opts, const TesseraMatmul &tessera, int threads,
              int64_t n, const float *a, const float *b, const float *scale) {
  openblas_set_num_threads(threads);
  if (openblas_get_num_threads() != threads)
    throw std::runtime_error("OpenBLAS runs " +
                             std::to_string(openblas_get_num_threads()) +
                             " threads, not " + std::to_string(threads));

  Matrix cTessera = allocMatrix(n), cOpenblas = allocMatrix(n);
  tessera.run(n, a, b, cTessera.get());
  sgemm(n, a, b, cOpenblas.get());

  Row row;
  row.n = n;
  row.threads = threads;
  row.error = maxRelativeError(n * n, cTessera.get(), cOpenblas.get(), scale);

  std::vector<double> tesseraTimes, openblasTimes;
  for (int r = 0; r < opts.rounds; ++r) {
    // After a call OpenBLAS's idle workers spin for about 2^28 cycles
    // (~0.1 s) before they sleep; wait that out, so that they do not take
    // cores from Tessera's threads.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    measure([&] { tessera.run(n, a, b, cTessera.get()); }, opts.minTime,
            tesseraTimes);
    measure([&] { sgemm(n, a, b, cOpenblas.get()); }, opts.minTime,
            openblasTimes);
  }
  const double flops = 2.0 * static_cast<double>(n) * static_cast<double>(n) *
                       static_cast<double>(n);
  row.tesseraGflops = flops / median(tesseraTimes) * 1e-9;
  row.openblasGflops = flops / median(openblasTimes) * 1e-9;
  return row;
}

int run(const Options &opts) {
  std::vector<std::unique_ptr<TesseraMatmul>> tessera;
  for (int threads : opts.threads) {
    tessera.push_back(std::make_unique<TesseraMatmul>(opts.model, threads));
    if (tessera.back()->ctx.numThreads() != threads)
      throw std::runtime_error(
          "the Tessera context runs " +
          std::to_string(tessera.back()->ctx.numThreads()) + " threads, not " +
          std::to_string(threads));
  }

  std::printf("# f32 matmul C = A @ B (n x n): Tessera %s (entry mm) against "
              "OpenBLAS cblas_sgemm\n",
              opts.model.c_str());
  std::printf("# OpenBLAS: %s (core %s); %u hardware threads\n",
              openblas_get_config(), openblas_get_corename(),
              std::thread::hardware_concurrency());
  std::printf("# GFLOP/s = 2 n^3 / median time of the calls of %d "
              "alternating measurements of >= %g s each\n",
              opts.rounds, opts.minTime);
  std::printf("%6s %8s %16s %17s %7s %12s\n", "size", "threads",
              "Tessera GFLOP/s", "OpenBLAS GFLOP/s", "ratio", "max rel err");
  std::fflush(stdout);

  bool failed = false;
  for (int64_t n : opts.sizes) {
    const int64_t count = n * n;
    Matrix a = allocMatrix(n), b = allocMatrix(n), scale = allocMatrix(n);
    fillPattern(a.get(), count, 1);
    fillPattern(b.get(), count, 2);
    {
      // scale = |A| @ |B|, the magnitudes the check measures errors against.
      Matrix absA = allocMatrix(n), absB = allocMatrix(n);
      for (int64_t i = 0; i < count; ++i) {
        absA[i] = std::fabs(a[i]);
        absB[i] = std::fabs(b[i]);
      }
      sgemm(n, absA.get(), absB.get(), scale.get());
    }
    for (std::size_t t = 0; t < opts.threads.size(); ++t) {
      const Row row = benchmark(opts, *tessera[t], opts.threads[t], n, a.get(),
                                b.get(), scale.get());
      const bool ok = row.error <= kTolerance;
      std::printf("%6lld %8d %16.2f %17.2f %7.3f %12.2e%s\n",
                  static_cast<long long>(row.n), row.threads, row.tesseraGflops,
                  row.openblasGflops, row.tesseraGflops / row.openblasGflops,
                  row.error, ok ? "" : "  FAILED");
      std::fflush(stdout);
      failed = failed || !ok;
    }
  }
  if (failed) {
    std::printf("FAILED: Tessera's result differs from OpenBLAS's by more "
                "than %g\n",
                kTolerance);
    return 1;
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  return bench::benchMain(argc, argv, printUsage, parseOptions, run);
}
