// The contents of a .tbin's .tessera.cuda section (the device code of a
// module compiled with --target=cuda) and its binary encoding; the layout is
// described in tbin_abi.h. Shared by the compiler (which writes) and the
// runtime (which validates and picks an image for the device at hand).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tessera::tbin {

// The section's own version, apart from .tessera.meta's: device images
// change on their own schedule.
// 2.0: kernels may ask for their block's size and for tensor maps
// (tbin_abi.h), which a 1.x runtime would not give them.
constexpr uint16_t kCudaFormatMajor = 2;
constexpr uint16_t kCudaFormatMinor = 0;

struct CudaImage {
  uint32_t kind = 0; // TESSERA_CUDA_IMAGE_PTX or TESSERA_CUDA_IMAGE_CUBIN
  uint32_t sm = 0;   // compute capability times ten: 80, 90
  bool archSpecific = false; // sm_90a-style: runs on exactly `sm` only
  std::string bytes;         // PTX text (with its NUL) or a cubin
};

struct CudaImages {
  std::vector<CudaImage> images;
};

std::vector<uint8_t> encode(const CudaImages &images);
// Return false and set `error` on any malformed input.
bool decode(const uint8_t *data, std::size_t size, CudaImages &out,
            std::string &error);

// Index of the image to load on a device of compute capability `sm` (times
// ten): a cubin built for exactly `sm` (an arch-specific one first), else the
// PTX of the highest sm not above `sm`; -1 if none fits.
int chooseCudaImage(const CudaImages &images, uint32_t sm);

} // namespace tessera::tbin
