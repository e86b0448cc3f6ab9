// A fake CUDA driver for the runtime's unit tests: a rt::cuda::Driver whose
// entry points act on host memory, so that the CUDA device, module and
// device-entry glue run without a GPU. "Device memory" is malloc'd and
// tracked; kernels are C++ functions registered by name, run on the
// launch's parameters; every call can be made to fail. One global state,
// reset by each test (the driver table is plain function pointers).
#pragma once

#include "cuda/cuda_driver.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace tessera::test {

// CUresult codes the fake uses, as cuda.h numbers them.
constexpr int kCudaInvalidValue = 1;
constexpr int kCudaOutOfMemory = 2;
constexpr int kCudaNoDevice = 100;
constexpr int kCudaInvalidPtx = 218;
constexpr int kCudaNotFound = 500;
constexpr int kCudaIllegalAddress = 700;
constexpr int kCudaLaunchOutOfResources = 701;
constexpr int kCudaCaptureUnsupported = 900;

struct FakeKernel {
  int numParams = 0; // 8-byte parameters it takes
  // Runs the whole launch: its parameters, decoded as 8-byte values.
  std::function<void(const std::vector<uint64_t> &params)> run;
  // Non-zero: the image has `<name>_dynamic_shared` holding it.
  uint32_t dynamicShared = 0;
  int maxDynamicShared = 0; // allowed by cuFuncSetAttribute
  // Non-zero / non-empty: `<name>_block_threads`, `<name>_tensor_maps`
  // (whose maps the kernel then takes after its 8-byte parameters).
  uint32_t blockThreads = 0;
  std::vector<uint32_t> tensorMaps = {};
};

// What the fake cuTensorMapEncodeTiled writes into a map's 128 bytes, so
// that a test can read back what it was asked.
struct FakeTensorMap {
  uint64_t address, extents[2], rowStride;
  uint32_t box[2], elementStrides[2];
  int32_t dataType, rank, interleave, swizzle, l2Promotion, fill;
};

struct FakeLaunch {
  std::string kernel;
  unsigned grid[3], block[3];
  unsigned sharedBytes;
  std::vector<uint64_t> params;
  std::vector<FakeTensorMap> tensorMaps = {}; // as the launch passed them
  bool mapsAligned = true;                    // each at a 64-byte boundary
};

struct FakeCuda {
  // The machine.
  int deviceCount = 1;
  int ccMajor = 8, ccMinor = 0;
  bool memoryPools = true;
  std::string deviceName = "Fake GPU";
  std::map<std::string, FakeKernel> kernels; // what the loaded image holds

  // Failures to inject (0: none).
  int initError = 0;
  int failAllocNumber = -1; // this allocation (0-based) fails: out of memory
  int moduleLoadError = 0;
  std::string moduleLoadLog; // written to the JIT error log on failure
  int launchError = 0;
  int syncError = 0;
  int uploadError = 0;
  int downloadError = 0;
  int beginCaptureError = 0, endCaptureError = 0, instantiateError = 0;
  int graphLaunchError = 0;
  int tensorMapError = 0;

  // What happened.
  std::map<uint64_t, std::size_t> live; // device memory: address -> bytes
  int allocs = 0, asyncAllocs = 0, frees = 0, asyncFrees = 0;
  int badFrees = 0;                  // frees of memory that was not allocated
  int badCopies = 0;                 // copies outside allocated memory
  std::vector<std::string> uploads;  // bytes of each host-to-device copy
  std::vector<uint64_t> allocations; // every address handed out, in order
  std::vector<FakeLaunch> launches;  // run, directly or by a graph
  int downloads = 0;                 // device-to-host copies run
  // CUDA graphs: while the stream captures, launches and copies are
  // recorded, not run; a graph launch runs them again as recorded (copies
  // read their host source when the graph runs, as on a GPU).
  bool capturing = false;
  int captures = 0, graphsInstantiated = 0, graphLaunches = 0;
  int graphsDestroyed = 0, graphExecsDestroyed = 0;
  int functionLookups = 0;
  int tensorMapsEncoded = 0;
  std::string loadedImage;
  int modulesLoaded = 0, modulesUnloaded = 0;
  int contextsRetained = 0, contextsReleased = 0;
  int streamsCreated = 0, streamsDestroyed = 0;
  int eventsCreated = 0, eventsDestroyed = 0;
  double clockMs = 0; // advanced by every event record and launch
};

// The state the fake driver acts on; resetFakeCuda() starts it afresh.
FakeCuda &fakeCuda();
void resetFakeCuda();
const rt::cuda::Driver &fakeDriver();

// Registers the kernels of fixture/cuda_kernels.ptx, in C++:
// tessera_kernel_add (out = a + b) and tessera_kernel_twice (out = x + x).
void addFixtureKernels();

} // namespace tessera::test
