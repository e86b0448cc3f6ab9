// The cuda device through the C API: contexts (on this machine's driver, if
// any, and on the fake one), loading the cuda fixture (fixture/cuda_module.c)
// and running it end to end on the fake driver, which runs the fixture's
// kernels in C++; which modules each device refuses; and, where a GPU is
// present, the same fixture on the real one.
#include "api/handles.hpp"
#include "cuda/cuda_driver.hpp"
#include "fake_cuda.hpp"

#include "tessera/tessera_rt.hpp"

#include <gtest/gtest.h>

#include <dlfcn.h>
#include <set>

using namespace tessera;
using tessera::test::fakeCuda;

namespace {

bool machineHasCudaDriver() {
  void *lib = ::dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (lib)
    ::dlclose(lib);
  return lib != nullptr;
}

// A GPU this process can use, or null (and why).
bool machineHasGpu(std::string &why) {
  tessera_context_t ctx = nullptr;
  if (tessera_context_create("cuda", 0, &ctx) != TESSERA_OK) {
    why = tessera_last_error();
    return false;
  }
  tessera_context_destroy(ctx);
  return true;
}

class FakeCudaContext : public ::testing::Test {
protected:
  void SetUp() override {
    test::resetFakeCuda();
    test::addFixtureKernels();
  }
  void TearDown() override {
    tessera_module_unload(module);
    tessera_context_destroy(ctx);
    test::resetFakeCuda();
  }

  tessera_status_t create(int ordinal = 0) {
    return rt::createCudaContext(test::fakeDriver(), ordinal, &ctx);
  }

  // Runs the fixture's skeleton on n elements: out = 2 (a + b).
  tessera_status_t invoke(int64_t n) {
    a.resize(n);
    b.resize(n);
    out.assign(n, -1.0f);
    for (int64_t i = 0; i < n; ++i) {
      a[i] = 1.0f + i;
      b[i] = 0.25f * i;
    }
    shape = {n};
    tessera_tensor_t inputs[2] = {tensorView(a.data(), shape),
                                  tensorView(b.data(), shape)};
    tessera_tensor_t outputs[1] = {tensorView(out.data(), shape)};
    tessera_function_t fn = nullptr;
    EXPECT_EQ(tessera_function_lookup(module, "skeleton", &fn), TESSERA_OK);
    return tessera_invoke(fn, nullptr, inputs, 2, outputs, 1);
  }

  tessera_context_t ctx = nullptr;
  tessera_module_t module = nullptr;
  std::vector<float> a, b, out;
  std::vector<int64_t> shape;
};

} // namespace

TEST(CudaContext, WithoutADriver) {
  if (machineHasCudaDriver())
    GTEST_SKIP() << "this machine has libcuda.so.1";
  tessera_context_t ctx = nullptr;
  for (const char *name : {"cuda", "cuda:0", "cuda:3"}) {
    EXPECT_EQ(tessera_context_create(name, 0, &ctx), TESSERA_ERROR_UNSUPPORTED);
    EXPECT_STREQ(tessera_last_error(),
                 "no CUDA driver (libcuda.so.1) on this machine");
    EXPECT_EQ(ctx, nullptr);
  }
  try {
    Context c("cuda:1");
    FAIL();
  } catch (const Error &e) {
    EXPECT_EQ(e.status(), TESSERA_ERROR_UNSUPPORTED);
    EXPECT_STREQ(e.what(), "no CUDA driver (libcuda.so.1) on this machine");
  }
}

TEST(CudaContext, DeviceNames) {
  tessera_context_t ctx = nullptr;
  for (const char *name : {"cuda:", "cuda:x", "cuda:-1", "cuda:1234567",
                           "cuda0", "CUDA", "cuda:0:1"}) {
    EXPECT_EQ(tessera_context_create(name, 0, &ctx),
              TESSERA_ERROR_INVALID_ARGUMENT)
        << name;
    EXPECT_EQ(tessera_last_error(), "unknown device '" + std::string(name) +
                                        "' (expected cpu, cuda[:N] or "
                                        "hip[:N])");
  }
  EXPECT_EQ(tessera_context_create("hip", 0, &ctx), TESSERA_ERROR_UNSUPPORTED);
  EXPECT_STREQ(tessera_last_error(),
               "device 'hip' is not available in this build");
  EXPECT_EQ(tessera_context_create("cuda", -1, &ctx),
            TESSERA_ERROR_INVALID_ARGUMENT);
}

TEST_F(FakeCudaContext, OpensTheDevice) {
  ASSERT_EQ(create(), TESSERA_OK) << tessera_last_error();
  EXPECT_EQ(ctx->device->name, "cuda:0");
  EXPECT_EQ(ctx->device->cuda->sm(), 80u);
  EXPECT_EQ(ctx->device->cuda->name(), "Fake GPU");
  int threads = 0;
  EXPECT_EQ(tessera_context_num_threads(ctx, &threads), TESSERA_OK);
  EXPECT_EQ(threads, 1);
  EXPECT_EQ(fakeCuda().contextsRetained, 1);
  EXPECT_EQ(fakeCuda().streamsCreated, 1);
  tessera_context_destroy(ctx);
  ctx = nullptr;
  EXPECT_EQ(fakeCuda().contextsReleased, 1);
  EXPECT_EQ(fakeCuda().streamsDestroyed, 1);
}

TEST_F(FakeCudaContext, MissingDevices) {
  fakeCuda().deviceCount = 2;
  EXPECT_EQ(create(3), TESSERA_ERROR_NOT_FOUND);
  EXPECT_STREQ(tessera_last_error(),
               "CUDA device 3 does not exist (2 devices)");
  fakeCuda().deviceCount = 1;
  EXPECT_EQ(create(1), TESSERA_ERROR_NOT_FOUND);
  EXPECT_STREQ(tessera_last_error(), "CUDA device 1 does not exist (1 device)");
  fakeCuda().deviceCount = 0;
  EXPECT_EQ(create(0), TESSERA_ERROR_UNSUPPORTED);
  EXPECT_STREQ(tessera_last_error(), "no CUDA device on this machine");
  fakeCuda().initError = test::kCudaNoDevice;
  EXPECT_EQ(create(0), TESSERA_ERROR_UNSUPPORTED);
  EXPECT_STREQ(tessera_last_error(),
               "cannot use CUDA device 0: cuInit failed: CUDA_ERROR_NO_DEVICE "
               "(no CUDA-capable device is detected)");
  EXPECT_EQ(ctx, nullptr);
  EXPECT_EQ(fakeCuda().contextsRetained, 0);
}

TEST_F(FakeCudaContext, RunsTheCudaFixture) {
  ASSERT_EQ(create(), TESSERA_OK) << tessera_last_error();
  ASSERT_EQ(tessera_module_load(ctx, TESSERA_TEST_FIXTURE_CUDA, &module),
            TESSERA_OK)
      << tessera_last_error();
  // The one image, the fixture's PTX, went to the driver.
  EXPECT_EQ(fakeCuda().loadedImage.rfind("// The GPU kernels", 0), 0u);
  EXPECT_NE(fakeCuda().loadedImage.find(".entry tessera_kernel_add"),
            std::string::npos);
  ASSERT_EQ(invoke(1000), TESSERA_OK) << tessera_last_error();
  for (int64_t i = 0; i < 1000; ++i)
    ASSERT_EQ(out[i], (a[i] + b[i]) + (a[i] + b[i])) << i;
  ASSERT_EQ(fakeCuda().launches.size(), 2u);
  EXPECT_EQ(fakeCuda().launches[0].kernel, "tessera_kernel_add");
  EXPECT_EQ(fakeCuda().launches[1].kernel, "tessera_kernel_twice");
  EXPECT_TRUE(fakeCuda().live.empty());

  // The same signature checks as on the CPU, before anything runs.
  std::vector<double> wrong(4);
  std::vector<int64_t> four = {4};
  tessera_tensor_t inputs[2] = {tensorView(wrong.data(), four),
                                tensorView(wrong.data(), four)};
  tessera_tensor_t outputs[1] = {tensorView(out.data(), four)};
  tessera_function_t fn = nullptr;
  ASSERT_EQ(tessera_function_lookup(module, "skeleton", &fn), TESSERA_OK);
  EXPECT_EQ(tessera_invoke(fn, nullptr, inputs, 2, outputs, 1),
            TESSERA_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(tessera_last_error(), "input 'a' expects f32[N], got f64[4]");
  EXPECT_EQ(fakeCuda().launches.size(), 2u);

  // A failure on the device names the CUDA error.
  fakeCuda().launchError = test::kCudaLaunchOutOfResources;
  EXPECT_EQ(invoke(10), TESSERA_ERROR_EXECUTION);
  EXPECT_NE(std::string(tessera_last_error())
                .find("cuLaunchKernel failed: "
                      "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES"),
            std::string::npos)
      << tessera_last_error();
  fakeCuda().launchError = 0;
  fakeCuda().failAllocNumber = fakeCuda().asyncAllocs + 3;
  EXPECT_EQ(invoke(10), TESSERA_ERROR_OUT_OF_MEMORY);
  EXPECT_STREQ(tessera_last_error(),
               "entry 'skeleton' failed with status 5: cuMemAllocAsync of 40 "
               "bytes failed: CUDA_ERROR_OUT_OF_MEMORY (out of memory)");
  EXPECT_TRUE(fakeCuda().live.empty());

  // CPU kernels cannot be launched on a GPU context.
  tessera_stream_t stream = nullptr;
  ASSERT_EQ(tessera_stream_create(ctx, &stream), TESSERA_OK);
  int64_t sizes[1] = {1};
  EXPECT_EQ(tessera_launch_tile(
                stream, [](void *const *, const int64_t *, int64_t, int64_t) {},
                nullptr, sizes, 1),
            TESSERA_ERROR_UNSUPPORTED);
  EXPECT_STREQ(tessera_last_error(),
               "tessera_launch_tile runs CPU kernels; device 'cuda:0' runs "
               "its kernels through tessera_invoke");
  tessera_stream_destroy(stream);
}

TEST_F(FakeCudaContext, ProfilesTheDevice) {
  ASSERT_EQ(create(), TESSERA_OK) << tessera_last_error();
  ASSERT_EQ(tessera_module_load(ctx, TESSERA_TEST_FIXTURE_CUDA, &module),
            TESSERA_OK)
      << tessera_last_error();
  ASSERT_EQ(tessera_context_set_profiling(ctx, 1), TESSERA_OK);
  ASSERT_EQ(invoke(300), TESSERA_OK) << tessera_last_error();
  ASSERT_EQ(tessera_context_num_profile_events(ctx), 2u);
  tessera_profile_event_t e;
  ASSERT_EQ(tessera_context_profile_event(ctx, 0, &e), TESSERA_OK);
  // Named as in .tessera.ops, not by the symbol the entry launched.
  EXPECT_STREQ(e.name, "add_0");
  EXPECT_EQ(e.num_tiles, 300);
  EXPECT_GT(e.duration_us, 0);
  ASSERT_EQ(tessera_context_profile_event(ctx, 1, &e), TESSERA_OK);
  EXPECT_STREQ(e.name, "twice_0");
  EXPECT_EQ(tessera_context_profile_event(ctx, 2, &e), TESSERA_ERROR_NOT_FOUND);
  EXPECT_EQ(fakeCuda().eventsCreated, fakeCuda().eventsDestroyed);
}

TEST_F(FakeCudaContext, ModulesWithoutCudaCode) {
  ASSERT_EQ(create(), TESSERA_OK) << tessera_last_error();
  EXPECT_EQ(tessera_module_load(ctx, TESSERA_TEST_FIXTURE, &module),
            TESSERA_ERROR_UNSUPPORTED);
  EXPECT_EQ(tessera_last_error(),
            std::string(TESSERA_TEST_FIXTURE) +
                " has no CUDA code; compile it with tesserac --target=cuda");
  EXPECT_EQ(module, nullptr);
  EXPECT_EQ(fakeCuda().modulesLoaded, 0);
}

TEST_F(FakeCudaContext, NoImageForTheDevice) {
  fakeCuda().ccMajor = 3; // sm_30, older than the fixture's sm_52 PTX
  ASSERT_EQ(create(), TESSERA_OK) << tessera_last_error();
  EXPECT_EQ(tessera_module_load(ctx, TESSERA_TEST_FIXTURE_CUDA, &module),
            TESSERA_ERROR_UNSUPPORTED);
  EXPECT_EQ(tessera_last_error(),
            std::string(TESSERA_TEST_FIXTURE_CUDA) +
                " has no CUDA code for CUDA device 0 (sm_30, Fake GPU); it "
                "holds: ptx sm_52");
}

TEST_F(FakeCudaContext, DriverRejectsTheImage) {
  fakeCuda().moduleLoadError = test::kCudaInvalidPtx;
  fakeCuda().moduleLoadLog = "ptxas fatal   : Unresolved extern function\n";
  ASSERT_EQ(create(), TESSERA_OK) << tessera_last_error();
  EXPECT_EQ(tessera_module_load(ctx, TESSERA_TEST_FIXTURE_CUDA, &module),
            TESSERA_ERROR_INVALID_MODULE);
  EXPECT_EQ(tessera_last_error(),
            std::string(TESSERA_TEST_FIXTURE_CUDA) +
                ": cannot load the PTX for sm_52 on CUDA device 0: "
                "cuModuleLoadData failed: CUDA_ERROR_INVALID_PTX (a PTX JIT "
                "compilation failed): ptxas fatal   : Unresolved extern "
                "function");
}

TEST_F(FakeCudaContext, ModuleOutlivesItsContextHandle) {
  ASSERT_EQ(create(), TESSERA_OK) << tessera_last_error();
  ASSERT_EQ(tessera_module_load(ctx, TESSERA_TEST_FIXTURE_CUDA, &module),
            TESSERA_OK)
      << tessera_last_error();
  tessera_context_destroy(ctx);
  ctx = nullptr;
  EXPECT_EQ(fakeCuda().contextsReleased, 0);
  ASSERT_EQ(invoke(5), TESSERA_OK) << tessera_last_error();
  EXPECT_EQ(out[4], 2 * (a[4] + b[4]));
  tessera_module_unload(module);
  module = nullptr;
  // The image goes first, then the device.
  EXPECT_EQ(fakeCuda().modulesUnloaded, 1);
  EXPECT_EQ(fakeCuda().contextsReleased, 1);
}

TEST(CudaModule, TheCpuRefusesACudaOnlyModule) {
  tessera_context_t ctx = nullptr;
  ASSERT_EQ(tessera_context_create("cpu", 1, &ctx), TESSERA_OK);
  tessera_module_t m = nullptr;
  EXPECT_EQ(tessera_module_load(ctx, TESSERA_TEST_FIXTURE_CUDA, &m),
            TESSERA_ERROR_UNSUPPORTED);
  EXPECT_EQ(tessera_last_error(),
            std::string(TESSERA_TEST_FIXTURE_CUDA) +
                " has no CPU code; compile it with tesserac --target=cpu");
  EXPECT_EQ(m, nullptr);
  tessera_context_destroy(ctx);
}

TEST(CudaModule, InspectDescribesWithoutLoading) {
  Module m = Module::inspect(TESSERA_TEST_FIXTURE_CUDA);
  EXPECT_EQ(m.name(), "fixture_cuda");
  EXPECT_EQ(m.entryNames(), std::vector<std::string>{"skeleton"});
  std::vector<DeviceImageInfo> images = m.deviceImages();
  ASSERT_EQ(images.size(), 1u);
  EXPECT_EQ(images[0].device, "cuda");
  EXPECT_EQ(images[0].kind, "ptx");
  EXPECT_EQ(images[0].sm, 52u);
  EXPECT_FALSE(images[0].archSpecific);
  EXPECT_GT(images[0].size, 100u);
  std::vector<KernelInfo> kernels = m.kernels();
  ASSERT_EQ(kernels.size(), 2u);
  EXPECT_EQ(kernels[1].backend, "cuda");
  // In whatever order the linker placed them.
  std::set<std::string> sections;
  for (const SectionInfo &s : m.sections())
    sections.insert(s.name);
  EXPECT_EQ(sections, (std::set<std::string>{".tessera.cuda", ".tessera.meta",
                                             ".tessera.ops"}));

  // Describing is all it does.
  std::vector<float> x(4), y(4);
  std::vector<int64_t> shape = {4};
  std::vector<tessera_tensor_t> in = {tensorView(x.data(), shape),
                                      tensorView(x.data(), shape)};
  std::vector<tessera_tensor_t> out = {tensorView(y.data(), shape)};
  try {
    m.function("skeleton").invoke(in, out);
    FAIL();
  } catch (const Error &e) {
    EXPECT_EQ(e.status(), TESSERA_ERROR_UNSUPPORTED);
    EXPECT_EQ(std::string(e.what()),
              std::string(TESSERA_TEST_FIXTURE_CUDA) +
                  " was opened with tessera_module_inspect, which loads no "
                  "code; load it with tessera_module_load to run it");
  }
  // A CPU module has no device images.
  EXPECT_TRUE(Module::inspect(TESSERA_TEST_FIXTURE).deviceImages().empty());
  tessera_module_t bad = nullptr;
  EXPECT_EQ(tessera_module_inspect("/nonexistent.tbin", &bad),
            TESSERA_ERROR_IO);
  EXPECT_EQ(bad, nullptr);
}

// The fixture on this machine's GPU, where there is one: the hand-written
// PTX through the real driver.
TEST(CudaGpu, RunsTheCudaFixture) {
  std::string why;
  if (!machineHasGpu(why))
    GTEST_SKIP() << why;
  Context ctx("cuda");
  Module m(ctx, TESSERA_TEST_FIXTURE_CUDA);
  Function fn = m.function("skeleton");
  for (int64_t n : {int64_t(1), int64_t(255), int64_t(257), int64_t(100000)}) {
    std::vector<float> a(n), b(n), out(n, -1.0f);
    for (int64_t i = 0; i < n; ++i) {
      a[i] = 0.5f * i;
      b[i] = 1.0f / (1 + i);
    }
    std::vector<int64_t> shape = {n};
    std::vector<tessera_tensor_t> in = {tensorView(a.data(), shape),
                                        tensorView(b.data(), shape)};
    std::vector<tessera_tensor_t> outs = {tensorView(out.data(), shape)};
    ctx.setProfiling(true);
    fn.invoke(in, outs);
    for (int64_t i = 0; i < n; ++i)
      ASSERT_EQ(out[i], (a[i] + b[i]) + (a[i] + b[i])) << n << " " << i;
    std::vector<ProfileEvent> events = ctx.profileEvents();
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].name, "add_0");
    EXPECT_EQ(events[1].name, "twice_0");
    EXPECT_EQ(events[1].numTiles, n);
    EXPECT_GE(events[1].startUs, events[0].startUs + events[0].durationUs);
  }
  // A GPU that is not there.
  tessera_context_t none = nullptr;
  EXPECT_EQ(tessera_context_create("cuda:999", 0, &none),
            TESSERA_ERROR_NOT_FOUND);
  EXPECT_NE(std::string(tessera_last_error())
                .find("CUDA device 999 does not "
                      "exist"),
            std::string::npos);
}
