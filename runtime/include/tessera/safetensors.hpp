// Reading and writing .safetensors files, the tensor archive format of
// Hugging Face's safetensors library, which Tessera uses for parameters: an
// 8-byte little-endian header length N, N bytes of JSON
//   {"__metadata__": {"step": "100"},
//    "w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}, ...}
// then the tensors' bytes, back to back.
//
// Reading validates the whole layout (every tensor's size, no overlap, no
// gap, nothing left over) and reports the first problem in one line. Writing
// is atomic and deterministic: tensors in name order, metadata keys sorted,
// the header padded with spaces to a multiple of 8 bytes as the reference
// implementation pads it, so tensor data starts 8-byte aligned.
#pragma once

#include "tessera/rt_export.h"
#include "tessera/tbin_meta.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tessera::safetensors {

// The dtypes Tessera reads and writes; the header spells them as dtypeName
// does (F8_E4M3 and F8_E5M2 for fp8_e4m3 and fp8_e5m2, C64 for c64). The other
// safetensors dtypes (I16, U16, F8_E8M0, ...) are refused.
enum class DType : uint8_t {
  F64,
  F32,
  F16,
  BF16,
  I64,
  I32,
  I8,
  U8,
  Bool,
  F8_E4M3,
  F8_E5M2,
  C64 // complex64: two F32, real first
};

TESSERA_RT_API const char *dtypeName(DType dtype); // "F32", "BOOL", ...
TESSERA_RT_API bool dtypeFromName(const std::string &name, DType &out);
TESSERA_RT_API std::size_t dtypeSize(DType dtype);

// The runtime's element type (tbin::DType) and back. .tbin modules have no
// u8 type, so toRuntimeDType returns false for U8; fromRuntimeDType fails only
// for a value outside tbin::DType.
TESSERA_RT_API bool toRuntimeDType(DType dtype, tbin::DType &out);
TESSERA_RT_API bool fromRuntimeDType(tbin::DType dtype, DType &out);

struct TESSERA_RT_API Tensor {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data; // C order, little endian; BOOL bytes are 0 or 1

  int64_t numElements() const;
};

struct TESSERA_RT_API File {
  // Keyed by name, which is also the order tensors are written in.
  std::map<std::string, Tensor> tensors;
  // The header's "__metadata__" object: strings only, as in the format.
  std::map<std::string, std::string> metadata;
};

// The header's length is capped, as the reference implementation caps it.
constexpr uint64_t kMaxHeaderSize = 100'000'000;

// Every message starts with `name` (the path) and is one line:
// "w.safetensors: tensor \"w\": unsupported dtype \"I16\" (...)".
TESSERA_RT_API bool parse(const uint8_t *bytes, std::size_t size,
                          const std::string &name, File &out,
                          std::string &error);
TESSERA_RT_API bool read(const std::string &path, File &out,
                         std::string &error);

// The bytes of a file holding `file`; fails if a tensor's data does not
// match its shape or a name is not valid UTF-8.
TESSERA_RT_API bool encode(const File &file, std::vector<uint8_t> &bytes,
                           std::string &error);
// Writes a temporary file next to `path`, then renames it into place.
TESSERA_RT_API bool write(const std::string &path, const File &file,
                          std::string &error);

} // namespace tessera::safetensors
