// The JSON header of a .safetensors file, read into one entry per tensor plus
// the metadata, and written back in the reference implementation's compact
// form. Each entry is checked on its own here (dtype, shape, and that its
// byte range holds exactly that many bytes); how the ranges tile the data
// that follows is checked in safetensors.cpp, which knows the data's size.
#pragma once

#include "tessera/safetensors.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tessera::rt {

// numpy's limit too; refusing more keeps a header from asking for a huge
// shape vector.
constexpr std::size_t kSafetensorsMaxRank = 64;

struct SafetensorsEntry {
  std::string name;
  safetensors::DType dtype = safetensors::DType::F32;
  std::vector<int64_t> shape;
  uint64_t begin = 0; // data_offsets, counted from the start of the data
  uint64_t end = 0;
};

struct SafetensorsHeader {
  std::vector<SafetensorsEntry> tensors; // in header order
  std::map<std::string, std::string> metadata;
};

// On failure `error` is one line without a file name, e.g.
// "tensor \"w\": missing \"dtype\"" or
// "header is not valid JSON: expected ':' after an object key at offset 9".
bool parseSafetensorsHeader(const char *text, std::size_t size,
                            SafetensorsHeader &out, std::string &error);

// Compact JSON, unpadded: "__metadata__" first (if any), then the tensors in
// the order given, each as {"dtype":..,"shape":[..],"data_offsets":[..]}.
std::string formatSafetensorsHeader(const SafetensorsHeader &header);

// The bytes `shape` of `dtype` occupies; false on overflow. Negative
// dimensions are the caller's to refuse.
bool safetensorsByteCount(const std::vector<int64_t> &shape,
                          safetensors::DType dtype, uint64_t &out);

// "[2, 3]", for messages.
std::string formatSafetensorsShape(const std::vector<int64_t> &shape);

} // namespace tessera::rt
