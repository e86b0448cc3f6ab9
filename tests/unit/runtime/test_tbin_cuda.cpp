// The .tessera.cuda codec: round trips, the exact message for every
// malformed encoding, and which image chooseCudaImage picks for a device.
#include "tessera/tbin_abi.h"
#include "tessera/tbin_cuda.hpp"

#include <gtest/gtest.h>

#include <cstring>

using namespace tessera::tbin;

namespace {

CudaImage image(uint32_t kind, uint32_t sm, bool arch, std::string bytes) {
  CudaImage i;
  i.kind = kind;
  i.sm = sm;
  i.archSpecific = arch;
  i.bytes = std::move(bytes);
  return i;
}

CudaImage ptx(uint32_t sm, bool arch = false) {
  return image(TESSERA_CUDA_IMAGE_PTX, sm, arch,
               std::string(".target sm_") + std::to_string(sm) + '\0');
}

CudaImage cubin(uint32_t sm, bool arch = false) {
  return image(TESSERA_CUDA_IMAGE_CUBIN, sm, arch,
               std::string("\x7f"
                           "ELF cubin ") +
                   std::to_string(sm));
}

CudaImages images(std::vector<CudaImage> list) {
  CudaImages i;
  i.images = std::move(list);
  return i;
}

std::string decodeError(const std::vector<uint8_t> &bytes) {
  CudaImages out;
  std::string error;
  EXPECT_FALSE(decode(bytes.data(), bytes.size(), out, error));
  return error;
}

void putU32(std::vector<uint8_t> &b, std::size_t at, uint32_t v) {
  std::memcpy(b.data() + at, &v, 4);
}

void putU64(std::vector<uint8_t> &b, std::size_t at, uint64_t v) {
  std::memcpy(b.data() + at, &v, 8);
}

// Keeps the header's payload size right after the bytes were changed.
void fixPayload(std::vector<uint8_t> &b) {
  putU32(b, 12, static_cast<uint32_t>(b.size() - 16));
}

// One PTX image of `text` (with its NUL): header 16, count 8, image 24.
std::vector<uint8_t> onePtx(const std::string &text) {
  return encode(images(
      {image(TESSERA_CUDA_IMAGE_PTX, 80, false, text + std::string(1, '\0'))}));
}

constexpr std::size_t kFirstImage = 24; // the first image's header
constexpr std::size_t kFirstBytes = 48; // the first image's bytes

} // namespace

TEST(TbinCuda, RoundTrip) {
  // Every length modulo 8, so that every amount of padding occurs.
  std::vector<CudaImage> list;
  for (uint32_t n = 1; n <= 9; ++n)
    list.push_back(image(TESSERA_CUDA_IMAGE_CUBIN, 50 + n, n % 2 == 0,
                         std::string(n, static_cast<char>('a' + n))));
  list.push_back(ptx(80));
  list.push_back(ptx(90, true));
  CudaImages in = images(list);
  std::vector<uint8_t> bytes = encode(in);
  EXPECT_EQ(bytes.size() % 8, 0u);
  CudaImages out;
  std::string error;
  ASSERT_TRUE(decode(bytes.data(), bytes.size(), out, error)) << error;
  ASSERT_EQ(out.images.size(), in.images.size());
  for (std::size_t i = 0; i < in.images.size(); ++i) {
    EXPECT_EQ(out.images[i].kind, in.images[i].kind);
    EXPECT_EQ(out.images[i].sm, in.images[i].sm);
    EXPECT_EQ(out.images[i].archSpecific, in.images[i].archSpecific);
    EXPECT_EQ(out.images[i].bytes, in.images[i].bytes);
  }
  EXPECT_EQ(encode(out), bytes);

  CudaImages none;
  bytes = encode(none);
  EXPECT_EQ(bytes.size(), 24u);
  ASSERT_TRUE(decode(bytes.data(), bytes.size(), out, error)) << error;
  EXPECT_TRUE(out.images.empty());
}

TEST(TbinCuda, Layout) {
  std::vector<uint8_t> b = encode(images({cubin(90, true)}));
  // "\x7f" "ELF cubin 90" is 13 bytes, padded to 16.
  ASSERT_EQ(b.size(), 16u + 8u + 24u + 16u);
  EXPECT_EQ(std::memcmp(b.data(), TESSERA_CUDA_MAGIC, 8), 0);
  uint16_t major, minor;
  uint32_t payload, count, kind, sm, arch;
  uint64_t size;
  std::memcpy(&major, b.data() + 8, 2);
  std::memcpy(&minor, b.data() + 10, 2);
  std::memcpy(&payload, b.data() + 12, 4);
  std::memcpy(&count, b.data() + 16, 4);
  std::memcpy(&kind, b.data() + 24, 4);
  std::memcpy(&sm, b.data() + 28, 4);
  std::memcpy(&arch, b.data() + 32, 4);
  std::memcpy(&size, b.data() + 40, 8);
  EXPECT_EQ(major, 2);
  EXPECT_EQ(minor, 0);
  EXPECT_EQ(payload, b.size() - 16);
  EXPECT_EQ(count, 1u);
  EXPECT_EQ(kind, uint32_t(TESSERA_CUDA_IMAGE_CUBIN));
  EXPECT_EQ(sm, 90u);
  EXPECT_EQ(arch, 1u);
  EXPECT_EQ(size, 13u);
  EXPECT_EQ(b[48], 0x7f);
  EXPECT_EQ(b[61], 0); // padding
}

TEST(TbinCuda, MalformedHeader) {
  std::vector<uint8_t> good = onePtx("x");
  EXPECT_EQ(decodeError({'T', 'S', 'R'}), "truncated magic at byte 0");
  std::vector<uint8_t> b = good;
  b[0] = 'X';
  EXPECT_EQ(decodeError(b), "bad magic in .tessera.cuda at byte 8");
  b.assign(good.begin(), good.begin() + 9);
  EXPECT_EQ(decodeError(b), "truncated version at byte 8");
  b.assign(good.begin(), good.begin() + 14);
  EXPECT_EQ(decodeError(b), "truncated payload size at byte 12");
  b = good;
  b[8] = 3;
  b[10] = 1;
  EXPECT_EQ(decodeError(b), ".tessera.cuda format version 3.1 is not "
                            "supported (this runtime reads 2.x); it needs a "
                            "newer runtime at byte 16");
  // 1.x kernels' launches lacked what 2.0 adds (tbin_abi.h); an older
  // runtime refuses 2.0, so this one refuses 1.x (rebuilt, it works).
  b = good;
  b[8] = 1;
  b[10] = 0;
  EXPECT_EQ(decodeError(b), ".tessera.cuda format version 1.0 is not "
                            "supported (this runtime reads 2.x); recompile "
                            "the module with a current tesserac at byte "
                            "16");
  b = good;
  putU32(b, 12, 7);
  EXPECT_EQ(decodeError(b), ".tessera.cuda payload size 7 does not match "
                            "section size at byte 16");
  b.assign(good.begin(), good.begin() + 20);
  fixPayload(b);
  EXPECT_EQ(decodeError(b), "truncated reserved field at byte 20");
  b = good;
  putU32(b, 16, 2);
  EXPECT_EQ(decodeError(b), "implausible image count 2 at byte 24");
  b = good;
  putU32(b, 16, 100000);
  EXPECT_EQ(decodeError(b), "implausible image count 100000 at byte 24");
  b = good;
  putU32(b, 20, 1);
  EXPECT_EQ(decodeError(b), "nonzero reserved field at byte 24");
}

TEST(TbinCuda, MalformedImage) {
  std::vector<uint8_t> good = onePtx("abc"); // 4 bytes, padded to 8
  ASSERT_EQ(good.size(), kFirstBytes + 8);
  std::vector<uint8_t> b = good;
  putU32(b, kFirstImage, 7);
  EXPECT_EQ(decodeError(b), "image 0 has unknown kind 7 at byte 48");
  b = good;
  putU32(b, kFirstImage + 4, 0);
  EXPECT_EQ(decodeError(b), "image 0 has implausible sm 0 at byte 48");
  b = good;
  putU32(b, kFirstImage + 4, 1000);
  EXPECT_EQ(decodeError(b), "image 0 has implausible sm 1000 at byte 48");
  b = good;
  putU32(b, kFirstImage + 8, 2);
  EXPECT_EQ(decodeError(b),
            "image 0 has arch_specific 2 (expected 0 or 1) at byte 48");
  b = good;
  putU32(b, kFirstImage + 12, 9);
  EXPECT_EQ(decodeError(b), "image 0 has a nonzero reserved field at byte 48");
  b = good;
  putU64(b, kFirstImage + 16, 0);
  EXPECT_EQ(decodeError(b), "image 0 is empty at byte 48");
  b = good;
  putU64(b, kFirstImage + 16, 1000);
  EXPECT_EQ(decodeError(b), "truncated image 0 (1000 bytes) at byte 48");
  b = good;
  putU64(b, kFirstImage + 16, ~uint64_t(0));
  EXPECT_EQ(decodeError(b),
            "truncated image 0 (18446744073709551615 bytes) at byte 48");
  b = good;
  b[kFirstBytes + 3] = 'd'; // the NUL
  EXPECT_EQ(decodeError(b),
            "PTX image 0 does not end with a NUL byte at byte 52");
  b = good;
  b[kFirstBytes + 6] = 1;
  EXPECT_EQ(decodeError(b), "nonzero padding after image 0 at byte 52");
  b.assign(good.begin(), good.begin() + kFirstBytes + 5);
  fixPayload(b);
  EXPECT_EQ(decodeError(b), "truncated padding after image 0 at byte 52");
  b = good;
  b.insert(b.end(), 8, 0);
  fixPayload(b);
  EXPECT_EQ(decodeError(b), "trailing bytes in .tessera.cuda at byte 56");
  // What a newer minor version appends is skipped.
  b[10] = 1;
  CudaImages out;
  std::string error;
  EXPECT_TRUE(decode(b.data(), b.size(), out, error)) << error;
  EXPECT_EQ(out.images.size(), 1u);
}

TEST(TbinCuda, DuplicateImages) {
  std::vector<uint8_t> b = encode(images({ptx(80), cubin(80), ptx(80)}));
  EXPECT_EQ(decodeError(b), "image 2 (ptx sm_80) repeats image 0 at byte " +
                                std::to_string(b.size()));
  b = encode(images({cubin(90, true), cubin(90, true)}));
  EXPECT_EQ(decodeError(b), "image 1 (cubin sm_90a) repeats image 0 at byte " +
                                std::to_string(b.size()));
  // The same sm portable and arch-specific are two images.
  b = encode(images({cubin(90), cubin(90, true)}));
  CudaImages out;
  std::string error;
  EXPECT_TRUE(decode(b.data(), b.size(), out, error)) << error;
}

TEST(TbinCuda, EveryTruncationIsRejected) {
  std::vector<uint8_t> good = encode(images({ptx(80), cubin(90, true)}));
  for (std::size_t n = 0; n < good.size(); ++n) {
    std::vector<uint8_t> b(good.begin(), good.begin() + n);
    if (n >= 16)
      fixPayload(b);
    std::string error = decodeError(b);
    EXPECT_FALSE(error.empty()) << "cut at " << n;
    EXPECT_EQ(error.find('\n'), std::string::npos);
  }
}

TEST(TbinCuda, ChooseImage) {
  // An exact cubin beats any PTX.
  CudaImages i = images({ptx(80), cubin(90), ptx(90)});
  EXPECT_EQ(chooseCudaImage(i, 90), 1);
  // Without an exact cubin: the PTX of the highest sm not above the device.
  EXPECT_EQ(chooseCudaImage(i, 86), 0);
  EXPECT_EQ(chooseCudaImage(i, 100), 2);
  EXPECT_EQ(chooseCudaImage(i, 75), -1);
  // A cubin runs on exactly its sm.
  EXPECT_EQ(chooseCudaImage(images({cubin(80)}), 86), -1);
  EXPECT_EQ(chooseCudaImage(images({cubin(80)}), 80), 0);
  // Arch-specific images of either kind only on an exact match, and there
  // first.
  i = images({cubin(90), cubin(90, true)});
  EXPECT_EQ(chooseCudaImage(i, 90), 1);
  EXPECT_EQ(chooseCudaImage(images({cubin(90, true)}), 100), -1);
  EXPECT_EQ(chooseCudaImage(images({ptx(90, true)}), 100), -1);
  EXPECT_EQ(chooseCudaImage(images({ptx(90, true)}), 90), 0);
  i = images({ptx(90), ptx(90, true), ptx(80)});
  EXPECT_EQ(chooseCudaImage(i, 90), 1);
  EXPECT_EQ(chooseCudaImage(i, 100), 0);
  // A PTX above the device never runs; a lower one does.
  EXPECT_EQ(chooseCudaImage(images({ptx(90), ptx(70)}), 80), 1);
  // Nothing at all.
  EXPECT_EQ(chooseCudaImage(images({}), 90), -1);
}
