// From NVVM-flavoured LLVM dialect (--convert-ttile-to-nvvm) to the device
// images of a .tbin's .tessera.cuda section: PTX through LLVM's NVPTX
// backend, and cubins through ptxas when the CUDA toolkit is present.
#pragma once

#include "mlir/IR/BuiltinOps.h"
#include "tessera/tbin_cuda.hpp"

#include <string>
#include <vector>

namespace tessera {

// The GPU architectures a .tbin targets by default: every GPU since
// Ampere runs one of them (sm_80 code also runs on sm_86/sm_89; PTX is
// compiled by the driver for anything newer).
inline std::vector<std::string> defaultCudaArchs() {
  return {"sm_80", "sm_90a"};
}

// "sm_80", "sm_90a", ...: whether LLVM's NVPTX backend knows it.
bool isKnownCudaArch(const std::string &arch);

// PTX for `arch` of a module of GPU kernels.
bool emitPTX(mlir::ModuleOp nvvmModule, const std::string &arch,
             unsigned optLevel, std::string &ptx, std::string &error);

// ptxas from $TESSERA_PTXAS, /usr/local/cuda/bin or PATH; "" if none.
std::string findPtxas();

// Assembles `ptx` for `arch` with `ptxas`.
bool assembleCubin(const std::string &ptxas, const std::string &ptx,
                   const std::string &arch, std::string &cubin,
                   std::string &error);

// PTX (and, when `ptxas` is not empty, a cubin) for each of `archs`.
bool buildCudaImages(mlir::ModuleOp nvvmModule,
                     const std::vector<std::string> &archs, unsigned optLevel,
                     const std::string &ptxas, tbin::CudaImages &images,
                     std::string &error);

} // namespace tessera
