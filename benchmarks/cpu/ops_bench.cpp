// Tessera's CPU kernels beside the matmul, each against a peer in the same
// process, on the same inputs, with the same number of threads:
//
//   chain     x * sigmoid(x) + y over N f32 (entry `chain` of ops.tsr)
//             against memcpy moving the same bytes (12 N: two reads, one
//             write), split over the threads
//   softmax   softmax over the rows of an R x C f32 matrix (entry
//             `softmax_rows`) against oneDNN's softmax_forward
//   mlp2      one Adam training step of examples/digits/mlp2.tsr (64 -> 64
//             relu -> 10, cross-entropy; entry `step`) against the same step
//             written by hand in C++ over OpenBLAS's cblas_sgemm, as an eager
//             framework runs it
//
//   ops_bench OPS.tbin MLP2.tbin [--threads N]... [--only NAME,...]
//             [--min-time SECONDS] [--rounds R]
//
// Each case first checks Tessera's result against the peer's (or a float64
// reference) and prints the largest error; then it times both: --rounds (3)
// alternated measurements of each, a warm-up call and calls for at least
// --min-time (0.2) seconds, and reports the median call. Exit status: 0
// done, 1 a check failed or an error, 2 bad usage.
#include "bench_main.h"
#include "bench_util.h"
#include "tessera/tessera_rt.hpp"

#include <cblas.h>
#include <dnnl.hpp>
#include <omp.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <thread>

namespace {

using bench::allocBuffer;
using bench::fillPattern;
using Floats = bench::Buffer<float>;

struct Options {
  std::string ops, mlp2;
  std::vector<int> threads;
  std::vector<std::string> only;
  double minTime = 0.2;
  int rounds = 3;
};

const char *const kCases[] = {"chain", "softmax", "mlp2"};

void printUsage(std::FILE *to, const char *argv0) {
  std::fprintf(
      to,
      "usage: %s OPS.tbin MLP2.tbin [--threads N]... [--only NAME,...]\n"
      "       [--min-time SECONDS] [--rounds R]\n"
      "  OPS.tbin         benchmarks/cpu/ops.tsr compiled by tesserac\n"
      "  MLP2.tbin        examples/digits/mlp2.tsr compiled by tesserac\n"
      "  --threads N      thread count for Tessera and its peer; repeat or\n"
      "                   give N,N,... (default: 1 and 2)\n"
      "  --only NAME,...  run only these of chain, softmax, mlp2\n"
      "  --min-time S     least seconds of timed calls per measurement "
      "(default: 0.2)\n"
      "  --rounds R       measurements of each side, alternated (default: "
      "3)\n",
      argv0);
}

Options parseOptions(int argc, char **argv) {
  Options opts;
  std::vector<std::string> models;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        throw bench::UsageError(arg + " wants a value");
      return argv[++i];
    };
    if (arg == "--threads") {
      for (int64_t n : bench::parseList(arg, value())) {
        if (n > 1024)
          throw bench::UsageError("--threads " + std::to_string(n) +
                                  " is too many");
        opts.threads.push_back(static_cast<int>(n));
      }
    } else if (arg == "--only") {
      for (const std::string &name : bench::splitList(value())) {
        if (std::find(std::begin(kCases), std::end(kCases), name) ==
            std::end(kCases))
          throw bench::UsageError("--only: no case '" + name +
                                  "' (chain, softmax, mlp2)");
        opts.only.push_back(name);
      }
    } else if (arg == "--min-time") {
      opts.minTime = bench::parseSeconds(arg, value());
    } else if (arg == "--rounds") {
      opts.rounds = static_cast<int>(
          std::min<int64_t>(bench::parsePositive(arg, value()), 1000));
    } else if (!arg.empty() && arg[0] == '-') {
      throw bench::UsageError("unknown option " + arg);
    } else {
      models.push_back(arg);
    }
  }
  if (models.size() != 2)
    throw bench::UsageError("want two models, OPS.tbin and MLP2.tbin");
  opts.ops = models[0];
  opts.mlp2 = models[1];
  if (opts.threads.empty())
    opts.threads = {1, 2};
  return opts;
}

bool wanted(const Options &opts, const char *name) {
  return opts.only.empty() ||
         std::find(opts.only.begin(), opts.only.end(), name) != opts.only.end();
}

// Median seconds per call of Tessera and of the peer, measured alternately.
std::pair<double, double> timeBoth(const Options &opts,
                                   const std::function<void()> &tessera,
                                   const std::function<void()> &peer) {
  std::vector<double> t, p;
  for (int r = 0; r < opts.rounds; ++r) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    bench::measure(tessera, opts.minTime, t);
    bench::measure(peer, opts.minTime, p);
  }
  return {bench::median(t), bench::median(p)};
}

double maxAbsDiff(const float *a, const float *b, int64_t count) {
  double worst = 0.0;
  for (int64_t i = 0; i < count; ++i) {
    double d = std::fabs(static_cast<double>(a[i]) - b[i]);
    if (!(d <= worst))
      worst = d;
  }
  return worst;
}

struct Report {
  bool failed = false;
  void line(const char *name, const std::string &shape, int threads,
            const char *unit, double tessera, double peer, double error,
            double tolerance) {
    std::printf("%-8s %-18s %7d %12.2f %12.2f %-7s %6.3f %10.2e\n", name,
                shape.c_str(), threads, tessera, peer, unit, tessera / peer,
                error);
    if (!(error <= tolerance)) {
      std::printf("FAILED: %s %s: error %.3g over %.3g\n", name, shape.c_str(),
                  error, tolerance);
      failed = true;
    }
    std::fflush(stdout);
  }
};

// memcpy of `bytes`, cut into one piece per thread.
void parallelCopy(char *dst, const char *src, std::size_t bytes, int threads) {
  if (threads == 1) {
    std::memcpy(dst, src, bytes);
    return;
  }
  std::vector<std::thread> pool;
  std::size_t piece = (bytes / threads + 63) / 64 * 64;
  for (int t = 0; t < threads; ++t) {
    std::size_t begin = std::min(bytes, t * piece);
    std::size_t end = std::min(bytes, begin + piece);
    pool.emplace_back(
        [=] { std::memcpy(dst + begin, src + begin, end - begin); });
  }
  for (std::thread &t : pool)
    t.join();
}

void benchChain(const Options &opts, Report &report, tessera::Function &fn,
                int threads) {
  const int64_t n = int64_t(1) << 24;
  Floats x = allocBuffer(n), y = allocBuffer(n), out = allocBuffer(n);
  fillPattern(x.get(), n, 1);
  fillPattern(y.get(), n, 2);
  // The same traffic as the chain: 12 n bytes, 6 n read and 6 n written.
  const std::size_t copyBytes = 6 * n;
  auto src = allocBuffer<char>(copyBytes), dst = allocBuffer<char>(copyBytes);
  std::memset(src.get(), 1, copyBytes);
  std::memset(dst.get(), 0, copyBytes);
  const std::vector<int64_t> shape = {n};
  const std::vector<tessera_tensor_t> inputs = {
      tessera::tensorView(x.get(), shape), tessera::tensorView(y.get(), shape)};
  std::vector<tessera_tensor_t> outputs = {
      tessera::tensorView(out.get(), shape)};
  auto tessera = [&] { fn.invoke(inputs, outputs); };
  tessera();
  // The error relative to float64, in units of the result's magnitude + 1.
  double error = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    double xi = x[i], want = xi / (1.0 + std::exp(-xi)) + y[i];
    error = std::max(error, std::fabs(out[i] - want) / (std::fabs(want) + 1));
  }
  auto [t, p] = timeBoth(opts, tessera, [&] {
    parallelCopy(dst.get(), src.get(), copyBytes, threads);
  });
  const double bytes = 12.0 * n * 1e-9;
  report.line("chain", "2^24", threads, "GB/s", bytes / t, bytes / p, error,
              1e-6);
}

// oneDNN's softmax over the last axis of a rows x cols f32 matrix.
struct DnnlSoftmax {
  DnnlSoftmax(int64_t rows, int64_t cols, float *src, float *dst)
      : engine(dnnl::engine::kind::cpu, 0), stream(engine),
        md({rows, cols}, dnnl::memory::data_type::f32,
           dnnl::memory::format_tag::ab),
        srcMem(md, engine, src), dstMem(md, engine, dst),
        softmax(dnnl::softmax_forward::primitive_desc(
            dnnl::softmax_forward::desc(dnnl::prop_kind::forward_inference, md,
                                        1),
            engine)) {}

  void run() {
    softmax.execute(stream, {{DNNL_ARG_SRC, srcMem}, {DNNL_ARG_DST, dstMem}});
    stream.wait();
  }

  dnnl::engine engine;
  dnnl::stream stream;
  dnnl::memory::desc md;
  dnnl::memory srcMem, dstMem;
  dnnl::softmax_forward softmax;
};

void benchSoftmax(const Options &opts, Report &report, tessera::Function &fn,
                  int threads, int64_t rows, int64_t cols) {
  const int64_t n = rows * cols;
  Floats x = allocBuffer(n), out = allocBuffer(n), ref = allocBuffer(n);
  fillPattern(x.get(), n, 3);
  for (int64_t i = 0; i < n; ++i)
    x[i] *= 8.0f; // logits in [-8, 8)
  omp_set_num_threads(threads);
  DnnlSoftmax dnnl(rows, cols, x.get(), ref.get());
  const std::vector<int64_t> shape = {rows, cols};
  const std::vector<tessera_tensor_t> inputs = {
      tessera::tensorView(x.get(), shape)};
  std::vector<tessera_tensor_t> outputs = {
      tessera::tensorView(out.get(), shape)};
  auto tessera = [&] { fn.invoke(inputs, outputs); };
  tessera();
  dnnl.run();
  double error = maxAbsDiff(out.get(), ref.get(), n);
  auto [t, p] = timeBoth(opts, tessera, [&] { dnnl.run(); });
  const double bytes = 8.0 * n * 1e-9; // read once, write once
  report.line("softmax", std::to_string(rows) + "x" + std::to_string(cols),
              threads, "GB/s", bytes / t, bytes / p, error, 1e-6);
}

// The mlp2 step written by hand: forward, cross-entropy, backward and Adam
// (lr 0.01, betas 0.9 and 0.999, eps 1e-8) as TrainSteps.cpp defines it,
// with OpenBLAS for the five products. Parameters W1 [64, 64], b1 [64],
// W2 [64, 10], b2 [10]; state m and v of each, and the step count.
struct Mlp2 {
  static constexpr int kIn = 64, kHidden = 64, kOut = 10;
  static constexpr int kSizes[4] = {kIn * kHidden, kHidden, kHidden *kOut,
                                    kOut};

  explicit Mlp2(int64_t batch)
      : batch(batch), hpre(allocBuffer(batch * kHidden)),
        h(allocBuffer(batch * kHidden)), logits(allocBuffer(batch * kOut)),
        dlogits(allocBuffer(batch * kOut)), dh(allocBuffer(batch * kHidden)) {
    for (int i = 0; i < 4; ++i)
      grad[i].assign(kSizes[i], 0.0f);
  }

  // One step: reads params/m/v/step, writes their new values into `next`,
  // returns the loss.
  float step(const float *x, const int64_t *y, std::vector<float> *params,
             std::vector<float> *m, std::vector<float> *v, float &t) {
    const int b = static_cast<int>(batch);
    float *W1 = params[0].data(), *b1 = params[1].data(),
          *W2 = params[2].data(), *b2 = params[3].data();
    // h = relu(x @ W1 + b1)
    for (int i = 0; i < b; ++i)
      std::memcpy(&hpre[i * kHidden], b1, kHidden * sizeof(float));
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, b, kHidden, kIn,
                1.0f, x, kIn, W1, kHidden, 1.0f, hpre.get(), kHidden);
    for (int64_t i = 0; i < batch * kHidden; ++i)
      h[i] = std::max(hpre[i], 0.0f);
    // logits = h @ W2 + b2
    for (int i = 0; i < b; ++i)
      std::memcpy(&logits[i * kOut], b2, kOut * sizeof(float));
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, b, kOut, kHidden,
                1.0f, h.get(), kHidden, W2, kOut, 1.0f, logits.get(), kOut);
    // loss = mean(logsumexp(logits) - logits[y]); dlogits = (p - onehot) / b
    double loss = 0.0;
    for (int i = 0; i < b; ++i) {
      const float *row = &logits[i * kOut];
      float mx = *std::max_element(row, row + kOut);
      float sum = 0.0f;
      for (int j = 0; j < kOut; ++j)
        sum += std::exp(row[j] - mx);
      loss += std::log(sum) + mx - row[y[i]];
      for (int j = 0; j < kOut; ++j)
        dlogits[i * kOut + j] =
            (std::exp(row[j] - mx) / sum - (j == y[i] ? 1.0f : 0.0f)) / b;
    }
    // dW2 = h^T @ dlogits, db2 = column sums, dh = dlogits @ W2^T
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, kHidden, kOut, b, 1.0f,
                h.get(), kHidden, dlogits.get(), kOut, 0.0f, grad[2].data(),
                kOut);
    std::fill(grad[3].begin(), grad[3].end(), 0.0f);
    for (int i = 0; i < b; ++i)
      for (int j = 0; j < kOut; ++j)
        grad[3][j] += dlogits[i * kOut + j];
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, b, kHidden, kOut, 1.0f,
                dlogits.get(), kOut, W2, kOut, 0.0f, dh.get(), kHidden);
    for (int64_t i = 0; i < batch * kHidden; ++i)
      dh[i] = hpre[i] > 0.0f ? dh[i] : 0.0f;
    // dW1 = x^T @ dh, db1 = column sums
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, kIn, kHidden, b, 1.0f,
                x, kIn, dh.get(), kHidden, 0.0f, grad[0].data(), kHidden);
    std::fill(grad[1].begin(), grad[1].end(), 0.0f);
    for (int i = 0; i < b; ++i)
      for (int j = 0; j < kHidden; ++j)
        grad[1][j] += dh[i * kHidden + j];
    // Adam
    t += 1.0f;
    const float c1 = 1.0f - std::pow(0.9f, t), c2 = 1.0f - std::pow(0.999f, t);
    for (int p = 0; p < 4; ++p)
      for (int i = 0; i < kSizes[p]; ++i) {
        float g = grad[p][i];
        m[p][i] = 0.9f * m[p][i] + 0.1f * g;
        v[p][i] = 0.999f * v[p][i] + 0.001f * (g * g);
        float direction = (m[p][i] / c1) / (std::sqrt(v[p][i] / c2) + 1e-8f);
        params[p][i] -= 0.01f * direction;
      }
    return static_cast<float>(loss / b);
  }

  int64_t batch;
  Floats hpre, h, logits, dlogits, dh;
  std::vector<float> grad[4];
};

// Tessera's step with its inputs and outputs bound: params, m/v, step, x, y
// in, and loss, params, m/v, step out (the names of `tessera info`).
struct TesseraStep {
  tessera::Function &fn;
  int64_t batch;
  const float *x;
  const int64_t *y;

  TesseraStep(tessera::Function &fn, int64_t batch, const float *x,
              const int64_t *y, const std::vector<float> *params)
      : fn(fn), batch(batch), x(x), y(y) {
    for (int p = 0; p < 4; ++p) {
      in[p] = params[p];
      inM[p].assign(params[p].size(), 0.0f);
      inV[p].assign(params[p].size(), 0.0f);
      out[p].resize(params[p].size());
      outM[p].resize(params[p].size());
      outV[p].resize(params[p].size());
    }
  }

  // The views point at these shapes, so they live as long as the step.
  const std::vector<int64_t> shapes[4] = {{64, 64}, {64}, {64, 10}, {10}};
  const std::vector<int64_t> scalar = {}, xShape = {batch, 64},
                             yShape = {batch};

  void run() {
    std::vector<tessera_tensor_t> inputs, outputs;
    for (int p = 0; p < 4; ++p)
      inputs.push_back(tessera::tensorView(in[p].data(), shapes[p]));
    for (int p = 0; p < 4; ++p) {
      inputs.push_back(tessera::tensorView(inM[p].data(), shapes[p]));
      inputs.push_back(tessera::tensorView(inV[p].data(), shapes[p]));
    }
    inputs.push_back(tessera::tensorView(&inStep, scalar));
    inputs.push_back(tessera::tensorView(x, xShape));
    inputs.push_back(tessera::tensorView(y, yShape));
    outputs.push_back(tessera::tensorView(&loss, scalar));
    for (int p = 0; p < 4; ++p)
      outputs.push_back(tessera::tensorView(out[p].data(), shapes[p]));
    for (int p = 0; p < 4; ++p) {
      outputs.push_back(tessera::tensorView(outM[p].data(), shapes[p]));
      outputs.push_back(tessera::tensorView(outV[p].data(), shapes[p]));
    }
    outputs.push_back(tessera::tensorView(&outStep, scalar));
    fn.invoke(inputs, outputs);
  }

  std::vector<float> in[4], inM[4], inV[4], out[4], outM[4], outV[4];
  float inStep = 0.0f, outStep = 0.0f, loss = 0.0f;
};

void benchMlp2(const Options &opts, Report &report, tessera::Function &fn,
               int threads, int64_t batch) {
  openblas_set_num_threads(threads);
  Floats x = allocBuffer(batch * 64);
  fillPattern(x.get(), batch * 64, 5);
  for (int64_t i = 0; i < batch * 64; ++i)
    x[i] = 8.0f * (x[i] + 1.0f); // digits' pixel range, 0..16
  auto y = allocBuffer<int64_t>(batch);
  for (int64_t i = 0; i < batch; ++i)
    y[i] = (i * 7) % 10;
  std::vector<float> params[4];
  for (int p = 0; p < 4; ++p) {
    params[p].resize(Mlp2::kSizes[p]);
    fillPattern(params[p].data(), Mlp2::kSizes[p], 10 + p);
    for (float &w : params[p])
      w *= 0.2f;
  }
  TesseraStep tessera(fn, batch, x.get(), y.get(), params);
  Mlp2 peer(batch);
  // Check: one step from the same state, loss and every new parameter.
  tessera.run();
  std::vector<float> pp[4], pm[4], pv[4];
  for (int p = 0; p < 4; ++p) {
    pp[p] = params[p];
    pm[p].assign(params[p].size(), 0.0f);
    pv[p].assign(params[p].size(), 0.0f);
  }
  float t = 0.0f;
  float loss = peer.step(x.get(), y.get(), pp, pm, pv, t);
  double error = std::fabs(tessera.loss - loss) / std::fabs(loss);
  for (int p = 0; p < 4; ++p)
    error = std::max(error, maxAbsDiff(tessera.out[p].data(), pp[p].data(),
                                       Mlp2::kSizes[p]));
  // Timing repeats the step from the same state on both sides.
  auto peerStep = [&] {
    for (int p = 0; p < 4; ++p) {
      pp[p] = params[p];
      std::fill(pm[p].begin(), pm[p].end(), 0.0f);
      std::fill(pv[p].begin(), pv[p].end(), 0.0f);
    }
    float step = 0.0f;
    peer.step(x.get(), y.get(), pp, pm, pv, step);
  };
  auto [ts, ps] = timeBoth(
      opts, [&] { tessera.run(); }, peerStep);
  // Steps per second; the error is the loss's relative error or a new
  // parameter's absolute one, whichever is larger.
  report.line("mlp2", "B=" + std::to_string(batch), threads, "step/s", 1.0 / ts,
              1.0 / ps, error, 1e-5);
}

int run(const Options &opts) {
  std::printf("# Tessera's CPU kernels against peers: %s, %s\n",
              opts.ops.c_str(), opts.mlp2.c_str());
  std::printf("# OpenBLAS: %s; oneDNN %d.%d; %u hardware threads\n",
              openblas_get_config(), dnnl::version()->major,
              dnnl::version()->minor, std::thread::hardware_concurrency());
  std::printf("# the median call of %d alternating measurements of >= %g s "
              "each; ratio = Tessera / peer (higher is better for Tessera)\n",
              opts.rounds, opts.minTime);
  std::printf("# peers: chain - memcpy of the same bytes; softmax - oneDNN "
              "softmax_forward; mlp2 - the step by hand over OpenBLAS\n");
  std::printf("%-8s %-18s %7s %12s %12s %-7s %6s %10s\n", "case", "shape",
              "threads", "Tessera", "peer", "unit", "ratio", "max err");
  Report report;
  for (int threads : opts.threads) {
    tessera::Context ctx("cpu", threads);
    if (ctx.numThreads() != threads)
      throw std::runtime_error("the Tessera context runs " +
                               std::to_string(ctx.numThreads()) +
                               " threads, not " + std::to_string(threads));
    tessera::Module ops(ctx, opts.ops), mlp2(ctx, opts.mlp2);
    tessera::Function chain = ops.function("chain");
    tessera::Function softmax = ops.function("softmax_rows");
    tessera::Function step = mlp2.function("step");
    if (wanted(opts, "chain"))
      benchChain(opts, report, chain, threads);
    if (wanted(opts, "softmax")) {
      benchSoftmax(opts, report, softmax, threads, 4096, 1024);
      benchSoftmax(opts, report, softmax, threads, 32768, 128);
    }
    if (wanted(opts, "mlp2")) {
      benchMlp2(opts, report, step, threads, 1437);
      benchMlp2(opts, report, step, threads, 16384);
    }
  }
  return report.failed ? 1 : 0;
}

} // namespace

int main(int argc, char **argv) {
  return bench::benchMain(argc, argv, printUsage, parseOptions, run);
}
