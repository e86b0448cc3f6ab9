// The device-entry glue (cuda/device_run.hpp) on a fake driver, with
// entries written in C++: what reaches the driver (uploads, launches and
// their parameters, downloads), and that every allocation is freed on
// success and on every failure path.
#include "cuda/cuda_device.hpp"
#include "cuda/cuda_module.hpp"
#include "cuda/device_run.hpp"
#include "fake_cuda.hpp"

#include "tessera/tbin_abi.h"

#include <gtest/gtest.h>

#include <climits>
#include <cstring>

using namespace tessera;
using namespace tessera::rt::cuda;
using tessera::test::fakeCuda;

namespace {

// What the entries below do, set per test (entries are plain functions).
struct EntryPlan {
  bool leakOnFailure = false; // return without freeing the temporary
  int32_t result = 0;         // returned after the launches, if non-zero
  int64_t tiles = INT64_MIN;  // INT64_MIN: one per element
  const char *kernel = "tessera_kernel_add";
} plan;

// out = 2 (a + b), through a temporary, as fixture/cuda_module.c does.
int32_t addTwice(void *device, const tessera_device_ops_t *ops,
                 void *const *buffers, const int64_t *dims) {
  int64_t n = dims[0];
  int64_t tiles = plan.tiles == INT64_MIN ? n : plan.tiles;
  void *sum = ops->alloc(device, n > 0 ? n * 4 : 4);
  if (!sum)
    return 5;
  int64_t sizes[1] = {n};
  void *addArgs[3] = {buffers[0], buffers[1], sum};
  int32_t rc = ops->launch(device, plan.kernel, addArgs, 3, sizes, 1, tiles);
  if (rc == 0) {
    void *twiceArgs[2] = {sum, buffers[2]};
    rc = ops->launch(device, "tessera_kernel_twice", twiceArgs, 2, sizes, 1,
                     tiles);
  }
  if (rc != 0 && plan.leakOnFailure)
    return rc;
  ops->free(device, sum);
  return rc != 0 ? rc : plan.result;
}

// Uploads host values into a temporary, as entries do with scalars.
int32_t uploadScalars(void *device, const tessera_device_ops_t *ops,
                      void *const *buffers, const int64_t *) {
  float value = 4.0f;
  char *tmp = static_cast<char *>(ops->alloc(device, 8));
  if (!tmp)
    return 5;
  int32_t rc = ops->upload(device, tmp, &value, 4);
  value = -1.0f; // the source may be reused at once
  if (rc == 0)
    rc = ops->upload(device, tmp + 4, &value, 4);
  if (rc == 0) // and into the output, whose buffer the runtime made
    rc = ops->upload(device, buffers[2], &value, 4);
  if (rc == 0 && plan.result == 1) // four bytes past the temporary's end
    rc = ops->upload(device, tmp + 4, &value, 8);
  ops->free(device, tmp);
  return rc;
}

// Reads back an element a kernel computed, as solve and fixed_point entries
// read a flag or a change: out = a + b, then out[1] comes to the host.
float downloaded = 0;
int32_t downloadElement(void *device, const tessera_device_ops_t *ops,
                        void *const *buffers, const int64_t *dims) {
  int64_t sizes[1] = {dims[0]};
  void *args[3] = {buffers[0], buffers[1], buffers[2]};
  int32_t rc =
      ops->launch(device, "tessera_kernel_add", args, 3, sizes, 1, dims[0]);
  const float *element = static_cast<const float *>(buffers[2]) + 1;
  downloaded = 0;
  if (rc == 0) // plan.result 1: four bytes past the output's end as well
    rc = ops->download(device, &downloaded, element, plan.result == 1 ? 12 : 4);
  return rc;
}

class DeviceRun : public ::testing::Test {
protected:
  void SetUp() override {
    test::resetFakeCuda();
    plan = EntryPlan{};
    test::addFixtureKernels();
  }
  void TearDown() override {
    module.reset();
    device.reset();
    test::resetFakeCuda();
  }

  // Opens the fake device and loads a (fake) image on it.
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

  // Runs addTwice on a, b of n elements into out.
  tessera_status_t run(int64_t n, std::string &error,
                       rt::Profiler *profiler = nullptr,
                       tessera_device_entry_fn entry = addTwice) {
    a.resize(n);
    b.resize(n);
    out.assign(n, -1.0f);
    for (int64_t i = 0; i < n; ++i) {
      a[i] = 0.5f * i;
      b[i] = 3.0f - i;
    }
    dims[0] = n;
    DeviceCall call;
    call.entryName = "f";
    call.entry = entry;
    call.inputs = {{a.data(), a.size() * 4}, {b.data(), b.size() * 4}};
    call.outputs = {{out.data(), out.size() * 4}};
    call.dims = dims;
    call.profiler = profiler;
    call.kernelNames = &names;
    return runDeviceEntry(*module, call, error);
  }

  std::unique_ptr<CudaDevice> device;
  std::unique_ptr<CudaModule> module;
  std::vector<float> a, b, out;
  int64_t dims[1] = {0};
  KernelNames names = {{"tessera_kernel_add", "add_0"},
                       {"tessera_kernel_twice", "twice_0"}};
};

std::string bytesOf(const std::vector<float> &v) {
  return std::string(reinterpret_cast<const char *>(v.data()), v.size() * 4);
}

} // namespace

TEST_F(DeviceRun, RunsTheEntry) {
  open();
  std::string error;
  ASSERT_EQ(run(1000, error), TESSERA_OK) << error;
  const test::FakeCuda &f = fakeCuda();
  // Inputs reach the device byte for byte, in signature order.
  ASSERT_EQ(f.uploads.size(), 2u);
  EXPECT_EQ(f.uploads[0], bytesOf(a));
  EXPECT_EQ(f.uploads[1], bytesOf(b));
  // Buffers a, b, out, then the entry's temporary.
  ASSERT_EQ(f.allocations.size(), 4u);
  ASSERT_EQ(f.launches.size(), 2u);
  const test::FakeLaunch &add = f.launches[0], &twice = f.launches[1];
  EXPECT_EQ(add.kernel, "tessera_kernel_add");
  EXPECT_EQ(twice.kernel, "tessera_kernel_twice");
  for (const test::FakeLaunch *l : {&add, &twice}) {
    EXPECT_EQ(l->grid[0], 4u); // ceil(1000 / 256)
    EXPECT_EQ(l->grid[1], 1u);
    EXPECT_EQ(l->grid[2], 1u);
    EXPECT_EQ(l->block[0], 256u);
    EXPECT_EQ(l->block[1], 1u);
    EXPECT_EQ(l->block[2], 1u);
    EXPECT_EQ(l->sharedBytes, 0u);
  }
  // Pointers, then sizes, then the tile count.
  EXPECT_EQ(add.params,
            (std::vector<uint64_t>{f.allocations[0], f.allocations[1],
                                   f.allocations[3], 1000, 1000}));
  EXPECT_EQ(twice.params, (std::vector<uint64_t>{
                              f.allocations[3], f.allocations[2], 1000, 1000}));
  // The outputs came back.
  for (int64_t i = 0; i < 1000; ++i)
    ASSERT_EQ(out[i], (a[i] + b[i]) + (a[i] + b[i])) << i;
  // Everything is freed, in stream order.
  EXPECT_TRUE(f.live.empty());
  EXPECT_EQ(f.asyncAllocs, 4);
  EXPECT_EQ(f.asyncFrees, 4);
  EXPECT_EQ(f.badFrees + f.badCopies, 0);
  EXPECT_EQ(f.eventsCreated, 0); // no profiling, no events

  // Kernels are looked up once, then cached.
  EXPECT_EQ(f.functionLookups, 2);
  ASSERT_EQ(run(300, error), TESSERA_OK) << error;
  EXPECT_EQ(fakeCuda().functionLookups, 2);
  EXPECT_EQ(fakeCuda().launches.back().grid[0], 2u);
}

// A kernel whose image says how much dynamic shared memory it needs
// (`<name>_dynamic_shared`, above the 48 KiB a kernel gets unasked) is
// allowed that much once and launched with it; the others with none.
TEST_F(DeviceRun, DynamicSharedMemory) {
  fakeCuda().kernels["tessera_kernel_add"].dynamicShared = 73728;
  open();
  std::string error;
  ASSERT_EQ(run(1000, error), TESSERA_OK) << error;
  ASSERT_EQ(run(100, error), TESSERA_OK) << error;
  const test::FakeCuda &f = fakeCuda();
  ASSERT_EQ(f.launches.size(), 4u);
  EXPECT_EQ(f.launches[0].sharedBytes, 73728u);
  EXPECT_EQ(f.launches[1].sharedBytes, 0u);
  EXPECT_EQ(f.launches[2].sharedBytes, 73728u);
  EXPECT_EQ(f.kernels.at("tessera_kernel_add").maxDynamicShared, 73728);
  EXPECT_EQ(f.kernels.at("tessera_kernel_twice").maxDynamicShared, 0);
  EXPECT_EQ(f.badCopies, 0);
  for (int64_t i = 0; i < 100; ++i)
    ASSERT_EQ(out[i], (a[i] + b[i]) + (a[i] + b[i])) << i;
}

// A kernel whose image asks for a larger block and for tensor maps of
// matrices among its parameters (tbin_abi.h) gets both: the grid still
// counts 256 tiles a block; each map is encoded from the launch's own
// parameters and passed, 64-byte aligned, after the tile count; a matrix
// the TMA unit cannot read gets a map of zeros.
TEST_F(DeviceRun, BlockThreadsAndTensorMaps) {
  test::FakeKernel &add = fakeCuda().kernels["tessera_kernel_add"];
  add.blockThreads = 384;
  // a: n rows of n bf16 in boxes of 64 x 32, swizzled by 128 bytes; b: n
  // rows of n f32 in boxes of 8 x 16 (parameter 3 is n).
  add.tensorMaps = {0, 3, 3, 9, 64, 32, 3, 1, 3, 3, 7, 8, 16, 0};
  open();
  std::string error;
  ASSERT_EQ(run(1000, error), TESSERA_OK) << error;
  const test::FakeCuda &f = fakeCuda();
  ASSERT_EQ(f.launches.size(), 2u);
  const test::FakeLaunch &l = f.launches[0];
  EXPECT_EQ(l.block[0], 384u);
  EXPECT_EQ(l.grid[0], 4u);
  EXPECT_EQ(f.launches[1].block[0], 256u);
  EXPECT_TRUE(f.launches[1].tensorMaps.empty());
  ASSERT_EQ(l.tensorMaps.size(), 2u);
  EXPECT_TRUE(l.mapsAligned);
  const test::FakeTensorMap &ma = l.tensorMaps[0], &mb = l.tensorMaps[1];
  EXPECT_EQ(ma.address, l.params[0]);
  EXPECT_EQ(ma.extents[0], 1000u);
  EXPECT_EQ(ma.extents[1], 1000u);
  EXPECT_EQ(ma.rowStride, 2000u);
  EXPECT_EQ(ma.box[0], 32u);
  EXPECT_EQ(ma.box[1], 64u);
  EXPECT_EQ(ma.elementStrides[0], 1u);
  EXPECT_EQ(ma.elementStrides[1], 1u);
  EXPECT_EQ(ma.dataType, 9);
  EXPECT_EQ(ma.rank, 2);
  EXPECT_EQ(ma.interleave, 0);
  EXPECT_EQ(ma.swizzle, 3);
  EXPECT_EQ(ma.l2Promotion, 3); // 256 bytes
  EXPECT_EQ(ma.fill, 0);        // zeros past the edges
  EXPECT_EQ(mb.address, l.params[1]);
  EXPECT_EQ(mb.rowStride, 4000u);
  EXPECT_EQ(mb.box[0], 16u);
  EXPECT_EQ(mb.box[1], 8u);
  EXPECT_EQ(mb.dataType, 7);
  EXPECT_EQ(mb.swizzle, 0);
  EXPECT_EQ(f.tensorMapsEncoded, 2);
  EXPECT_EQ(out[999], (a[999] + b[999]) + (a[999] + b[999]));

  // 100 bf16 are 200 bytes, not whole 16-byte chunks; 100 f32 are.
  ASSERT_EQ(run(100, error), TESSERA_OK) << error;
  const test::FakeLaunch &small = fakeCuda().launches[2];
  ASSERT_EQ(small.tensorMaps.size(), 2u);
  test::FakeTensorMap zeros;
  std::memset(&zeros, 0, sizeof zeros);
  EXPECT_EQ(std::memcmp(&small.tensorMaps[0], &zeros, sizeof zeros), 0);
  EXPECT_EQ(small.tensorMaps[1].extents[0], 100u);
  EXPECT_EQ(fakeCuda().tensorMapsEncoded, 3);
}

TEST_F(DeviceRun, MalformedTensorMaps) {
  test::FakeKernel &add = fakeCuda().kernels["tessera_kernel_add"];
  add.tensorMaps = {3, 3, 3, 9, 64, 32, 3}; // a size where a pointer goes
  open();
  std::string error;
  EXPECT_EQ(run(1000, error), TESSERA_ERROR_EXECUTION);
  EXPECT_EQ(error, "entry 'f' failed with status 7: kernel "
                   "'tessera_kernel_add': tensor map 0 is malformed (pointer "
                   "3, rows 3, columns 3, data type 9 of 4 parameters, 3 "
                   "pointers)");
  EXPECT_TRUE(fakeCuda().launches.empty());
  EXPECT_TRUE(fakeCuda().live.empty());

  fakeCuda().kernels["tessera_kernel_add"].tensorMaps = {0, 3, 3, 9, 64, 32};
  module.reset();
  device.reset();
  open();
  EXPECT_EQ(run(1000, error), TESSERA_ERROR_EXECUTION);
  EXPECT_EQ(error, "entry 'f' failed with status 7: kernel "
                   "'tessera_kernel_add': tessera_kernel_add_tensor_maps has "
                   "6 words, not a multiple of 7");
}

TEST_F(DeviceRun, TensorMapsTheDriverCannotEncode) {
  fakeCuda().kernels["tessera_kernel_add"].tensorMaps = {0, 3, 3, 9, 64, 32, 3};
  Driver old = test::fakeDriver();
  old.cuTensorMapEncodeTiled = nullptr; // before CUDA 12
  open(old);
  std::string error;
  EXPECT_EQ(run(1000, error), TESSERA_ERROR_EXECUTION);
  EXPECT_EQ(error, "entry 'f' failed with status 7: kernel "
                   "'tessera_kernel_add': the CUDA driver has no "
                   "cuTensorMapEncodeTiled (CUDA 12 or later), which the "
                   "kernel's tensor map 0 needs");
  module.reset();
  device.reset();

  open();
  fakeCuda().tensorMapError = test::kCudaInvalidValue;
  EXPECT_EQ(run(1000, error), TESSERA_ERROR_EXECUTION);
  EXPECT_EQ(error, "entry 'f' failed with status 7: kernel "
                   "'tessera_kernel_add': tensor map 0: cuTensorMapEncodeTiled "
                   "failed: CUDA_ERROR_INVALID_VALUE (invalid argument)");
  EXPECT_TRUE(fakeCuda().launches.empty());
  EXPECT_TRUE(fakeCuda().live.empty());
}

TEST_F(DeviceRun, WithoutMemoryPoolsUsesPlainAllocations) {
  fakeCuda().memoryPools = false;
  open();
  std::string error;
  ASSERT_EQ(run(10, error), TESSERA_OK) << error;
  EXPECT_EQ(fakeCuda().allocs, 4);
  EXPECT_EQ(fakeCuda().frees, 4);
  EXPECT_EQ(fakeCuda().asyncAllocs, 0);
  EXPECT_TRUE(fakeCuda().live.empty());
  EXPECT_EQ(out[3], 2 * (a[3] + b[3]));
}

TEST_F(DeviceRun, EntryAllocationFails) {
  open();
  fakeCuda().failAllocNumber = 3; // the entry's temporary
  std::string error;
  EXPECT_EQ(run(1000, error), TESSERA_ERROR_OUT_OF_MEMORY);
  EXPECT_EQ(error, "entry 'f' failed with status 5: cuMemAllocAsync of 4000 "
                   "bytes failed: CUDA_ERROR_OUT_OF_MEMORY (out of memory)");
  EXPECT_TRUE(fakeCuda().launches.empty());
  EXPECT_TRUE(fakeCuda().live.empty());
}

TEST_F(DeviceRun, BufferAllocationFails) {
  fakeCuda().memoryPools = false;
  open();
  fakeCuda().failAllocNumber = 1; // input b
  std::string error;
  EXPECT_EQ(run(1000, error), TESSERA_ERROR_OUT_OF_MEMORY);
  EXPECT_EQ(error, "entry 'f': cuMemAlloc of 4000 bytes failed: "
                   "CUDA_ERROR_OUT_OF_MEMORY (out of memory)");
  EXPECT_TRUE(fakeCuda().uploads.empty()); // the entry never ran
  EXPECT_TRUE(fakeCuda().live.empty());
  EXPECT_EQ(fakeCuda().frees, 1);
}

TEST_F(DeviceRun, LaunchFails) {
  open();
  fakeCuda().launchError = test::kCudaLaunchOutOfResources;
  std::string error;
  EXPECT_EQ(run(1000, error), TESSERA_ERROR_EXECUTION);
  EXPECT_EQ(error, "entry 'f' failed with status 7: kernel "
                   "'tessera_kernel_add': cuLaunchKernel failed: "
                   "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES (too many resources "
                   "requested for launch)");
  EXPECT_TRUE(fakeCuda().live.empty());
  EXPECT_EQ(out[0], -1.0f); // nothing came back
}

TEST_F(DeviceRun, EntryLeaksOnFailure) {
  open();
  plan.leakOnFailure = true;
  fakeCuda().launchError = test::kCudaIllegalAddress;
  std::string error;
  EXPECT_EQ(run(100, error), TESSERA_ERROR_EXECUTION);
  EXPECT_NE(error.find("CUDA_ERROR_ILLEGAL_ADDRESS"), std::string::npos)
      << error;
  // The runtime frees what the entry left.
  EXPECT_TRUE(fakeCuda().live.empty());
  EXPECT_EQ(fakeCuda().badFrees, 0);
}

TEST_F(DeviceRun, UnknownKernel) {
  open();
  plan.kernel = "tessera_kernel_nope";
  std::string error;
  EXPECT_EQ(run(100, error), TESSERA_ERROR_EXECUTION);
  EXPECT_EQ(error, "entry 'f' failed with status 7: kernel "
                   "'tessera_kernel_nope': cuModuleGetFunction failed: "
                   "CUDA_ERROR_NOT_FOUND (named symbol not found)");
  EXPECT_TRUE(fakeCuda().live.empty());
}

TEST_F(DeviceRun, EntryReturnsAnError) {
  open();
  plan.result = 3;
  std::string error;
  EXPECT_EQ(run(100, error), TESSERA_ERROR_EXECUTION);
  EXPECT_EQ(error, "entry 'f' failed with status 3");
  EXPECT_TRUE(fakeCuda().live.empty());
  plan.result = 5; // out of memory, whatever the entry ran out of
  EXPECT_EQ(run(100, error), TESSERA_ERROR_OUT_OF_MEMORY);
  EXPECT_EQ(error, "entry 'f' failed with status 5");
}

TEST_F(DeviceRun, KernelFaultSurfacesAtTheWait) {
  open();
  fakeCuda().syncError = test::kCudaIllegalAddress;
  std::string error;
  EXPECT_EQ(run(100, error), TESSERA_ERROR_EXECUTION);
  EXPECT_EQ(error, "entry 'f': cuStreamSynchronize failed: "
                   "CUDA_ERROR_ILLEGAL_ADDRESS (an illegal memory access was "
                   "encountered)");
  EXPECT_TRUE(fakeCuda().live.empty());
}

TEST_F(DeviceRun, CopiesFail) {
  open();
  fakeCuda().uploadError = test::kCudaInvalidValue;
  std::string error;
  EXPECT_EQ(run(100, error), TESSERA_ERROR_EXECUTION);
  EXPECT_EQ(error, "entry 'f': cuMemcpyHtoDAsync failed: "
                   "CUDA_ERROR_INVALID_VALUE (invalid argument)");
  EXPECT_TRUE(fakeCuda().launches.empty());
  EXPECT_TRUE(fakeCuda().live.empty());
  fakeCuda().uploadError = 0;
  fakeCuda().downloadError = test::kCudaIllegalAddress;
  EXPECT_EQ(run(100, error), TESSERA_ERROR_EXECUTION);
  EXPECT_EQ(error, "entry 'f': cuMemcpyDtoHAsync failed: "
                   "CUDA_ERROR_ILLEGAL_ADDRESS (an illegal memory access was "
                   "encountered)");
  EXPECT_TRUE(fakeCuda().live.empty());
}

TEST_F(DeviceRun, Uploads) {
  open();
  std::string error;
  ASSERT_EQ(run(3, error, nullptr, uploadScalars), TESSERA_OK) << error;
  const std::vector<std::string> &up = fakeCuda().uploads;
  ASSERT_EQ(up.size(), 5u); // a, b, then the entry's three
  float values[3];
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(up[2 + i].size(), 4u);
    std::memcpy(&values[i], up[2 + i].data(), 4);
  }
  EXPECT_EQ(values[0], 4.0f);
  EXPECT_EQ(values[1], -1.0f);
  EXPECT_EQ(out[0], -1.0f); // downloaded from the device
  EXPECT_TRUE(fakeCuda().live.empty());

  plan.result = 1;
  EXPECT_EQ(run(3, error, nullptr, uploadScalars),
            TESSERA_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(error, "entry 'f' failed with status 1: upload of 8 bytes "
                   "outside the memory of this run");
  EXPECT_TRUE(fakeCuda().live.empty());
}

TEST_F(DeviceRun, Downloads) {
  open();
  std::string error;
  ASSERT_EQ(run(3, error, nullptr, downloadElement), TESSERA_OK) << error;
  EXPECT_EQ(downloaded, a[1] + b[1]); // after the launch that computed it
  EXPECT_EQ(fakeCuda().downloads, 2); // the entry's, then the output
  EXPECT_TRUE(fakeCuda().live.empty());

  plan.result = 1;
  EXPECT_EQ(run(3, error, nullptr, downloadElement),
            TESSERA_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(error, "entry 'f' failed with status 1: download of 12 bytes "
                   "outside the memory of this run");
  EXPECT_TRUE(fakeCuda().live.empty());

  plan.result = 0;
  fakeCuda().syncError = test::kCudaIllegalAddress;
  EXPECT_EQ(run(3, error, nullptr, downloadElement), TESSERA_ERROR_EXECUTION);
  EXPECT_EQ(error, "entry 'f' failed with status 7: cuStreamSynchronize "
                   "failed: CUDA_ERROR_ILLEGAL_ADDRESS (an illegal memory "
                   "access was encountered)");
  EXPECT_TRUE(fakeCuda().live.empty());
}

// A solve's zero pivot, reported by name as on the CPU.
TEST_F(DeviceRun, SingularMatrix) {
  open();
  plan.result = TESSERA_ENTRY_SINGULAR_MATRIX;
  std::string error;
  EXPECT_EQ(run(100, error), TESSERA_ERROR_EXECUTION);
  EXPECT_EQ(error, "entry 'f' failed: solve: the matrix is singular "
                   "(Gaussian elimination met a zero pivot)");
  EXPECT_TRUE(fakeCuda().live.empty());
}

TEST_F(DeviceRun, ZeroTilesLaunchNothing) {
  open();
  plan.tiles = 0;
  std::string error;
  EXPECT_EQ(run(100, error), TESSERA_OK) << error;
  EXPECT_TRUE(fakeCuda().launches.empty());
  EXPECT_EQ(fakeCuda().functionLookups, 0);
  EXPECT_TRUE(fakeCuda().live.empty());
  // Empty tensors: buffers of a byte each, nothing copied.
  std::size_t uploads = fakeCuda().uploads.size();
  EXPECT_EQ(run(0, error), TESSERA_OK) << error;
  EXPECT_EQ(fakeCuda().uploads.size(), uploads);
  EXPECT_TRUE(fakeCuda().live.empty());
}

TEST_F(DeviceRun, BadLaunches) {
  open();
  plan.tiles = -6;
  std::string error;
  EXPECT_EQ(run(100, error), TESSERA_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(error, "entry 'f' failed with status 1: kernel "
                   "'tessera_kernel_add': bad launch (3 args, 1 sizes, -6 "
                   "tiles)");
  plan.tiles = int64_t(256) * 0x80000000LL; // 2^31 blocks
  EXPECT_EQ(run(100, error), TESSERA_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(error, "entry 'f' failed with status 1: kernel "
                   "'tessera_kernel_add': 549755813888 tiles are more than "
                   "one launch can run");
  EXPECT_TRUE(fakeCuda().launches.empty());
  EXPECT_TRUE(fakeCuda().live.empty());
}

TEST_F(DeviceRun, ProfilesEveryLaunch) {
  open();
  rt::Profiler profiler;
  std::string error;
  // Off: nothing recorded, no events.
  ASSERT_EQ(run(1000, error, &profiler), TESSERA_OK) << error;
  EXPECT_EQ(profiler.size(), 0u);
  EXPECT_EQ(fakeCuda().eventsCreated, 0);

  profiler.setEnabled(true);
  ASSERT_EQ(run(1000, error, &profiler), TESSERA_OK) << error;
  ASSERT_EQ(run(600, error, &profiler), TESSERA_OK) << error;
  ASSERT_EQ(profiler.size(), 4u);
  const char *expected[] = {"add_0", "twice_0", "add_0", "twice_0"};
  double lastEnd = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    // Within a run, launches follow each other on the device's clock.
    if (i == 2)
      lastEnd = 0;
    rt::ProfileRecord r;
    ASSERT_TRUE(profiler.get(i, r));
    EXPECT_EQ(*r.name, expected[i]);
    EXPECT_EQ(r.numTiles, i < 2 ? 1000 : 600);
    // The fake's kernels take 1 ms between their events, 0.25 ms apart.
    EXPECT_NEAR(r.durationUs, 1250.0, 1e-3);
    EXPECT_GE(r.startUs, lastEnd);
    lastEnd = r.startUs + r.durationUs;
  }
  // Every event made is destroyed.
  EXPECT_GT(fakeCuda().eventsCreated, 0);
  EXPECT_EQ(fakeCuda().eventsCreated, fakeCuda().eventsDestroyed);
  EXPECT_TRUE(fakeCuda().live.empty());

  // A failed run records nothing and leaks no event.
  fakeCuda().launchError = test::kCudaInvalidValue;
  EXPECT_EQ(run(10, error, &profiler), TESSERA_ERROR_EXECUTION);
  EXPECT_EQ(profiler.size(), 4u);
  EXPECT_EQ(fakeCuda().eventsCreated, fakeCuda().eventsDestroyed);
}
