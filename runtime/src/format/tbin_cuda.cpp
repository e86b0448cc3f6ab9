// The .tessera.cuda codec (layout in tbin_abi.h) and the choice of the image
// a device of a given compute capability loads.
#include "tessera/tbin_cuda.hpp"

#include "tessera/tbin_abi.h"
#include "tessera/tbin_meta.hpp"

#include "byte_io.hpp"

#include <cstring>
#include <string>

namespace tessera::tbin {

namespace {

// A fat binary holds a handful of images; anything near this is corrupt.
constexpr uint32_t kMaxImages = 256;
// Per image: kind, sm, arch_specific, reserved (u32 each) and size (u64).
constexpr std::size_t kImageHeaderBytes = 24;
// sm is compute capability times ten; 1.0 to 99.9 covers every GPU to come
// for a long while, and rejects garbage.
constexpr uint32_t kMinSm = 10, kMaxSm = 999;

std::size_t padTo8(std::size_t n) { return (8 - n % 8) % 8; }

const char *kindName(uint32_t kind) {
  return kind == TESSERA_CUDA_IMAGE_PTX ? "ptx" : "cubin";
}

std::string describe(const CudaImage &image) {
  return std::string(kindName(image.kind)) + " sm_" + std::to_string(image.sm) +
         (image.archSpecific ? "a" : "");
}

bool readImage(io::Reader &r, uint32_t index, CudaImage &image) {
  const std::string which = "image " + std::to_string(index);
  uint32_t arch = 0, reserved = 0;
  uint64_t size = 0;
  if (!r.u32(image.kind, "image kind") || !r.u32(image.sm, "image sm") ||
      !r.u32(arch, "image arch_specific") ||
      !r.u32(reserved, "image reserved field") || !r.u64(size, "image size"))
    return false;
  if (image.kind != TESSERA_CUDA_IMAGE_PTX &&
      image.kind != TESSERA_CUDA_IMAGE_CUBIN)
    return r.fail(which + " has unknown kind " + std::to_string(image.kind));
  if (image.sm < kMinSm || image.sm > kMaxSm)
    return r.fail(which + " has implausible sm " + std::to_string(image.sm));
  if (arch > 1)
    return r.fail(which + " has arch_specific " + std::to_string(arch) +
                  " (expected 0 or 1)");
  image.archSpecific = arch == 1;
  if (reserved != 0)
    return r.fail(which + " has a nonzero reserved field");
  if (size == 0)
    return r.fail(which + " is empty");
  if (size > r.remaining())
    return r.fail("truncated " + which + " (" + std::to_string(size) +
                  " bytes)");
  image.bytes.assign(reinterpret_cast<const char *>(r.data + r.pos),
                     static_cast<std::size_t>(size));
  r.pos += static_cast<std::size_t>(size);
  // The driver reads PTX as a C string: without its NUL it would read on.
  if (image.kind == TESSERA_CUDA_IMAGE_PTX && image.bytes.back() != '\0')
    return r.fail("PTX " + which + " does not end with a NUL byte");
  std::size_t pad = padTo8(image.bytes.size());
  if (pad > r.remaining())
    return r.fail("truncated padding after " + which);
  for (std::size_t i = 0; i < pad; ++i)
    if (r.data[r.pos + i] != 0)
      return r.fail("nonzero padding after " + which);
  r.pos += pad;
  return true;
}

} // namespace

std::vector<uint8_t> encode(const CudaImages &images) {
  io::Writer w;
  w.u32(static_cast<uint32_t>(images.images.size()));
  w.u32(0);
  for (const CudaImage &image : images.images) {
    w.u32(image.kind);
    w.u32(image.sm);
    w.u32(image.archSpecific ? 1 : 0);
    w.u32(0);
    w.u64(image.bytes.size());
    w.raw(image.bytes.data(), image.bytes.size());
    for (std::size_t i = padTo8(image.bytes.size()); i > 0; --i)
      w.u8(0);
  }
  io::Writer out;
  out.raw(TESSERA_CUDA_MAGIC, 8);
  out.u16(kCudaFormatMajor);
  out.u16(kCudaFormatMinor);
  out.u32(static_cast<uint32_t>(w.bytes.size()));
  out.raw(w.bytes.data(), w.bytes.size());
  return std::move(out.bytes);
}

bool decode(const uint8_t *data, std::size_t size, CudaImages &out,
            std::string &error) {
  error.clear();
  out = CudaImages{};
  io::Reader r(data, size, error);
  char magic[8];
  uint16_t major = 0, minor = 0;
  uint32_t payload = 0, count = 0, reserved = 0;
  if (!r.raw(magic, 8, "magic"))
    return false;
  if (std::memcmp(magic, TESSERA_CUDA_MAGIC, 8) != 0)
    return r.fail("bad magic in " TESSERA_CUDA_SECTION);
  if (!r.u16(major, "version") || !r.u16(minor, "version") ||
      !r.u32(payload, "payload size"))
    return false;
  if (major != kCudaFormatMajor)
    return r.fail(unsupportedVersion(TESSERA_CUDA_SECTION, major, minor,
                                     kCudaFormatMajor));
  if (payload != r.remaining())
    return r.fail(TESSERA_CUDA_SECTION " payload size " +
                  std::to_string(payload) + " does not match section size");
  if (!r.u32(count, "image count") || !r.u32(reserved, "reserved field"))
    return false;
  if (count > kMaxImages || count > r.remaining() / kImageHeaderBytes)
    return r.fail("implausible image count " + std::to_string(count));
  if (reserved != 0)
    return r.fail("nonzero reserved field");
  out.images.resize(count);
  for (uint32_t i = 0; i < count; ++i) {
    if (!readImage(r, i, out.images[i]))
      return false;
    for (uint32_t j = 0; j < i; ++j) {
      const CudaImage &a = out.images[j], &b = out.images[i];
      if (a.kind == b.kind && a.sm == b.sm && a.archSpecific == b.archSpecific)
        return r.fail("image " + std::to_string(i) + " (" + describe(b) +
                      ") repeats image " + std::to_string(j));
    }
  }
  // A newer minor may append; within the one we know, leftovers are corrupt.
  if (!r.atEnd() && minor <= kCudaFormatMinor)
    return r.fail("trailing bytes in " TESSERA_CUDA_SECTION);
  return true;
}

int chooseCudaImage(const CudaImages &images, uint32_t sm) {
  // Rank every image that can run: an exact cubin beats any PTX, an
  // arch-specific image beats a portable one of the same sm, and a PTX of a
  // higher sm (closer to the device) beats a lower one.
  int best = -1;
  uint64_t bestRank = 0;
  for (std::size_t i = 0; i < images.images.size(); ++i) {
    const CudaImage &image = images.images[i];
    bool cubin = image.kind == TESSERA_CUDA_IMAGE_CUBIN;
    // A cubin runs on the capability it was built for; arch-specific code
    // of either kind only there; portable PTX on anything at least as new.
    bool runs = (cubin || image.archSpecific) ? image.sm == sm : image.sm <= sm;
    if (!runs)
      continue;
    uint64_t rank = (cubin ? 1u << 20 : 0) + image.sm * 2u +
                    (image.archSpecific ? 1 : 0) + 1;
    if (rank > bestRank) {
      bestRank = rank;
      best = static_cast<int>(i);
    }
  }
  return best;
}

} // namespace tessera::tbin
