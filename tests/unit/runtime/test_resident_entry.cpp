// Device-resident training steps (cuda/resident_entry.hpp) on the fake
// driver, with a small SGD-with-momentum step written in C++: the same
// results with CUDA graphs, without them and through the per-call path;
// only the loss crosses to the host per step; failed captures fall back;
// everything is freed on every path.
#include "cuda/cuda_device.hpp"
#include "cuda/cuda_module.hpp"
#include "cuda/device_run.hpp"
#include "cuda/resident_entry.hpp"
#include "fake_cuda.hpp"

#include <gtest/gtest.h>

#include <cstring>

using namespace tessera;
using namespace tessera::rt::cuda;
using tessera::test::fakeCuda;

namespace {

constexpr int64_t kN = 5;

struct StepPlan {
  bool changingUploads = false; // the learning rate decays per call
  bool readsLoss = false;       // the step downloads the loss it computed
  int calls = 0;
  float lastLoss = -1; // what the last download read
} plan;

float *floats(uint64_t address) {
  return reinterpret_cast<float *>(static_cast<uintptr_t>(address));
}

// Kernels: g = w - x; m' = 0.9 m + g, w' = w - lr m'; loss = sum (w-x)^2/2.
void addStepKernels() {
  auto &kernels = fakeCuda().kernels;
  kernels["k_grad"] = {5, [](const std::vector<uint64_t> &p) {
                         for (uint64_t t = 0; t < p[4]; ++t)
                           floats(p[2])[t] = floats(p[1])[t] - floats(p[0])[t];
                       }};
  kernels["k_update"] = {8, [](const std::vector<uint64_t> &p) {
                           float lr = floats(p[3])[0];
                           for (uint64_t t = 0; t < p[7]; ++t) {
                             float m = 0.9f * floats(p[2])[t] + floats(p[0])[t];
                             floats(p[5])[t] = m;
                             floats(p[4])[t] = floats(p[1])[t] - lr * m;
                           }
                         }};
  kernels["k_loss"] = {5, [](const std::vector<uint64_t> &p) {
                         float sum = 0;
                         for (uint64_t t = 0; t < p[3]; ++t) {
                           float d = floats(p[1])[t] - floats(p[0])[t];
                           sum += 0.5f * d * d;
                         }
                         floats(p[2])[0] = sum;
                       }};
}

// Inputs x, param:w, state:m; outputs loss, param:w, state:m.
int32_t sgdStep(void *device, const tessera_device_ops_t *ops,
                void *const *buffers, const int64_t *dims) {
  int64_t n = dims[0];
  void *g = ops->alloc(device, n * 4);
  void *lr = ops->alloc(device, 4);
  if (!g || !lr) {
    ops->free(device, g);
    ops->free(device, lr);
    return 5;
  }
  float rate = plan.changingUploads ? 0.1f / float(1 + plan.calls) : 0.1f;
  ++plan.calls;
  int64_t sizes[1] = {n};
  void *gradArgs[3] = {buffers[0], buffers[1], g};
  void *updateArgs[6] = {g, buffers[1], buffers[2], lr, buffers[4], buffers[5]};
  void *lossArgs[3] = {buffers[0], buffers[1], buffers[3]};
  int32_t rc = ops->upload(device, lr, &rate, 4);
  if (rc == 0)
    rc = ops->launch(device, "k_grad", gradArgs, 3, sizes, 1, n);
  if (rc == 0)
    rc = ops->launch(device, "k_loss", lossArgs, 3, sizes, 1, n);
  // As a fixed point's entry reads its change: a wait for the device.
  if (rc == 0 && plan.readsLoss)
    rc = ops->download(device, &plan.lastLoss, buffers[3], 4);
  if (rc == 0)
    rc = ops->launch(device, "k_update", updateArgs, 6, sizes, 1, n);
  ops->free(device, g);
  ops->free(device, lr);
  return rc;
}

struct Values {
  std::vector<float> losses, w, m;
};

class ResidentEntryTest : public ::testing::Test {
protected:
  void SetUp() override {
    test::resetFakeCuda();
    plan = StepPlan{};
    addStepKernels();
    for (int64_t i = 0; i < kN; ++i) {
      x[i] = 0.5f * i;
      w0[i] = 2.0f - i;
      m0[i] = 0.0f;
    }
  }
  void TearDown() override {
    module.reset();
    device.reset();
    test::resetFakeCuda();
  }

  void open(const Driver &driver = test::fakeDriver()) {
    std::string error;
    ASSERT_EQ(CudaDevice::open(driver, 0, device, error), TESSERA_OK) << error;
    tbin::CudaImage image;
    image.kind = TESSERA_CUDA_IMAGE_PTX;
    image.sm = 80;
    image.bytes = std::string("fake ptx") + '\0';
    ASSERT_EQ(CudaModule::load(*device, image, module, error), TESSERA_OK)
        << error;
  }

  ResidentSpec spec(bool graphs) {
    ResidentSpec s;
    s.entryName = "step";
    s.entry = sgdStep;
    s.dims = {kN};
    s.inputBytes = {kN * 4, kN * 4, kN * 4};
    s.outputBytes = {4, kN * 4, kN * 4};
    s.carriedFrom = {-1, 1, 2};
    s.graphs = graphs;
    return s;
  }

  tessera_status_t create(bool graphs, std::unique_ptr<ResidentEntry> &r,
                          std::string &error) {
    tessera_status_t st =
        ResidentEntry::create(*module, spec(graphs), r, error);
    for (std::size_t i = 0; st == TESSERA_OK && i < 3; ++i)
      st = r->write(i, i == 0 ? x : i == 1 ? w0 : m0, error);
    return st;
  }

  // `steps` committed steps on a resident entry.
  Values resident(bool graphs, int steps) {
    Values v;
    std::unique_ptr<ResidentEntry> r;
    std::string error;
    EXPECT_EQ(create(graphs, r, error), TESSERA_OK) << error;
    if (!r)
      return v;
    for (int k = 0; k < steps; ++k) {
      float loss = -1;
      std::vector<HostSpan> outs = {{&loss, 4}, {}, {}};
      EXPECT_EQ(r->step({}, outs, error), TESSERA_OK) << error;
      r->commit();
      v.losses.push_back(loss);
    }
    v.w.resize(kN);
    v.m.resize(kN);
    EXPECT_EQ(r->read(1, v.w.data(), error), TESSERA_OK) << error;
    EXPECT_EQ(r->read(2, v.m.data(), error), TESSERA_OK) << error;
    counters = r->counters();
    return v;
  }

  // The same steps through the per-call path: everything copied each time.
  Values perCall(int steps) {
    Values v;
    v.w.assign(w0, w0 + kN);
    v.m.assign(m0, m0 + kN);
    for (int k = 0; k < steps; ++k) {
      float loss = -1;
      std::vector<float> w(kN), m(kN);
      DeviceCall call;
      call.entryName = "step";
      call.entry = sgdStep;
      int64_t dims[1] = {kN};
      call.dims = dims;
      call.inputs = {{x, kN * 4}, {v.w.data(), kN * 4}, {v.m.data(), kN * 4}};
      call.outputs = {{&loss, 4}, {w.data(), kN * 4}, {m.data(), kN * 4}};
      std::string error;
      EXPECT_EQ(runDeviceEntry(*module, call, error), TESSERA_OK) << error;
      v.losses.push_back(loss);
      v.w = w;
      v.m = m;
    }
    return v;
  }

  void expectSame(const Values &a, const Values &b) {
    ASSERT_EQ(a.losses.size(), b.losses.size());
    EXPECT_EQ(
        0, std::memcmp(a.losses.data(), b.losses.data(), a.losses.size() * 4));
    EXPECT_EQ(0, std::memcmp(a.w.data(), b.w.data(), kN * 4));
    EXPECT_EQ(0, std::memcmp(a.m.data(), b.m.data(), kN * 4));
  }

  // Nothing left: memory, graphs.
  void expectAllFreed() {
    EXPECT_TRUE(fakeCuda().live.empty());
    EXPECT_EQ(fakeCuda().badFrees, 0);
    EXPECT_EQ(fakeCuda().graphsDestroyed, fakeCuda().captures);
    EXPECT_EQ(fakeCuda().graphExecsDestroyed, fakeCuda().graphsInstantiated);
    EXPECT_FALSE(fakeCuda().capturing);
  }

  std::unique_ptr<CudaDevice> device;
  std::unique_ptr<CudaModule> module;
  float x[kN], w0[kN], m0[kN];
  ResidentCounters counters;
};

TEST_F(ResidentEntryTest, GraphsPlainAndPerCallAgreeBitForBit) {
  open();
  Values expected = perCall(6);
  Values plain = resident(false, 6);
  EXPECT_EQ(counters.captures, 0);
  EXPECT_EQ(counters.replays, 0);
  Values graphs = resident(true, 6);
  // Warm-up, a capture per half, then replays.
  EXPECT_EQ(counters.captures, 2);
  EXPECT_EQ(counters.replays, 3);
  EXPECT_TRUE(counters.graphsOffWhy.empty()) << counters.graphsOffWhy;
  EXPECT_EQ(fakeCuda().graphLaunches, 5);
  expectSame(expected, plain);
  expectSame(expected, graphs);
  EXPECT_GT(expected.losses[0], expected.losses[5]); // it does train
  expectAllFreed();
}

TEST_F(ResidentEntryTest, OnlyTheLossCrossesPerStep) {
  open();
  std::unique_ptr<ResidentEntry> r;
  std::string error;
  ASSERT_EQ(create(true, r, error), TESSERA_OK) << error;
  for (int k = 0; k < 5; ++k) {
    std::size_t uploads = fakeCuda().uploads.size();
    int downloads = fakeCuda().downloads;
    int allocs = fakeCuda().allocs + fakeCuda().asyncAllocs;
    float loss;
    ASSERT_EQ(r->step({}, {{&loss, 4}, {}, {}}, error), TESSERA_OK) << error;
    r->commit();
    // The loss down; up, only the entry's own scalar (the learning rate).
    EXPECT_EQ(fakeCuda().downloads - downloads, 1) << "step " << k;
    EXPECT_EQ(fakeCuda().uploads.size() - uploads, 1u) << "step " << k;
    if (k > 0) { // the temporaries are the warm-up's
      EXPECT_EQ(fakeCuda().allocs + fakeCuda().asyncAllocs, allocs);
    }
  }
  r.reset();
  expectAllFreed();
}

TEST_F(ResidentEntryTest, UncommittedStepLeavesTheInputs) {
  open();
  std::unique_ptr<ResidentEntry> r;
  std::string error;
  ASSERT_EQ(create(true, r, error), TESSERA_OK) << error;
  float first = 0, again = 0;
  ASSERT_EQ(r->step({}, {{&first, 4}, {}, {}}, error), TESSERA_OK);
  std::vector<float> w(kN);
  ASSERT_EQ(r->read(1, w.data(), error), TESSERA_OK);
  EXPECT_EQ(0, std::memcmp(w.data(), w0, sizeof w0));
  ASSERT_EQ(r->step({}, {{&again, 4}, {}, {}}, error), TESSERA_OK);
  EXPECT_EQ(first, again);
}

TEST_F(ResidentEntryTest, DriverWithoutGraphsRunsPlain) {
  Driver driver = test::fakeDriver();
  driver.cuGraphLaunch = nullptr;
  open(driver);
  Values expected = perCall(4);
  Values v = resident(true, 4);
  expectSame(expected, v);
  EXPECT_EQ(counters.captures, 0);
  EXPECT_EQ(counters.graphsOffWhy, "the CUDA driver has no graph API");
  module.reset();
  device.reset();
  expectAllFreed();
}

TEST_F(ResidentEntryTest, FailedCaptureFallsBackCleanly) {
  for (int which = 0; which < 4; ++which) {
    SCOPED_TRACE(which);
    SetUp();
    open();
    Values expected = perCall(5);
    int &error = which == 0   ? fakeCuda().beginCaptureError
                 : which == 1 ? fakeCuda().endCaptureError
                 : which == 2 ? fakeCuda().instantiateError
                              : fakeCuda().graphLaunchError;
    error = test::kCudaInvalidValue;
    Values v = resident(true, 5);
    expectSame(expected, v);
    EXPECT_EQ(counters.captures, 0);
    EXPECT_EQ(counters.replays, 0);
    const char *call = which == 0   ? "cuStreamBeginCapture"
                       : which == 1 ? "cuStreamEndCapture"
                       : which == 2 ? "cuGraphInstantiateWithFlags"
                                    : "cuGraphLaunch";
    EXPECT_NE(counters.graphsOffWhy.find(call), std::string::npos)
        << counters.graphsOffWhy;
    expectAllFreed();
    TearDown();
  }
}

TEST_F(ResidentEntryTest, ChangingUploadsAreNeverReplayed) {
  open();
  plan.changingUploads = true;
  resident(true, 5);
  // Every step ran the entry, with the rate of that call.
  EXPECT_EQ(counters.replays, 0);
  EXPECT_EQ(fakeCuda().graphLaunches, 0);
  EXPECT_EQ(fakeCuda().launches.size(), 3u * 5u);
  EXPECT_NE(counters.graphsOffWhy.find("differ"), std::string::npos)
      << counters.graphsOffWhy;
  expectAllFreed();
}

// A step that reads a value back cannot be a graph: its capture fails at
// the download, the step runs without one, and later steps do not try
// again.
TEST_F(ResidentEntryTest, DownloadingStepsRunWithoutGraphs) {
  open();
  plan.readsLoss = true;
  Values expected = perCall(5);
  Values v = resident(true, 5);
  expectSame(expected, v);
  EXPECT_EQ(plan.lastLoss, v.losses.back());
  EXPECT_EQ(counters.captures, 0);
  EXPECT_EQ(counters.replays, 0);
  EXPECT_EQ(fakeCuda().captures, 1); // one capture tried, then none
  EXPECT_EQ(fakeCuda().graphLaunches, 0);
  EXPECT_EQ(fakeCuda().launches.size(), 2 * 3u * 5u); // both paths' steps
  EXPECT_NE(counters.graphsOffWhy.find("a download during graph capture: "
                                       "the entry reads a tensor in host "
                                       "code"),
            std::string::npos)
      << counters.graphsOffWhy;
  expectAllFreed();
}

TEST_F(ResidentEntryTest, EveryFailureFreesEverything) {
  // Each allocation of create() and of the warm-up step, failing in turn.
  for (int n = 0; n < 6; ++n) {
    SCOPED_TRACE(n);
    SetUp();
    open();
    fakeCuda().failAllocNumber = n;
    std::unique_ptr<ResidentEntry> r;
    std::string error;
    tessera_status_t st = create(true, r, error);
    float loss;
    if (st == TESSERA_OK)
      st = r->step({}, {{&loss, 4}, {}, {}}, error);
    EXPECT_EQ(st, TESSERA_ERROR_OUT_OF_MEMORY) << error;
    r.reset();
    expectAllFreed();
    TearDown();
  }
  // A kernel failing in a replayed graph.
  SetUp();
  open();
  std::unique_ptr<ResidentEntry> r;
  std::string error;
  ASSERT_EQ(create(true, r, error), TESSERA_OK) << error;
  float loss;
  for (int k = 0; k < 3; ++k)
    ASSERT_EQ(r->step({}, {{&loss, 4}, {}, {}}, error), TESSERA_OK) << error;
  fakeCuda().graphLaunchError = test::kCudaIllegalAddress;
  EXPECT_EQ(r->step({}, {{&loss, 4}, {}, {}}, error), TESSERA_ERROR_EXECUTION);
  EXPECT_NE(error.find("cuGraphLaunch"), std::string::npos) << error;
  r.reset();
  expectAllFreed();
}

} // namespace
