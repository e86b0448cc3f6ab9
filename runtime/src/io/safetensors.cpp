// The layout of a .safetensors file: the length prefix, the header
// (safetensors_header.cpp), and tensor data that the header's byte ranges
// must tile exactly.
#include "tessera/safetensors.hpp"

#include "io/atomic_file.hpp"
#include "io/json_lite.hpp"
#include "io/read_file.hpp"
#include "io/safetensors_header.hpp"

#include <algorithm>
#include <new>

namespace tessera::safetensors {

namespace {

using rt::json::quoted;

constexpr std::size_t kLengthSize = 8;
// Header padding, so that the data after it starts 8-byte aligned.
constexpr std::size_t kHeaderAlign = 8;

bool fail(std::string &error, const std::string &name,
          const std::string &what) {
  error = name + ": " + what;
  return false;
}

std::string byteRange(uint64_t begin, uint64_t end) {
  return "[" + std::to_string(begin) + ", " + std::to_string(end) + ")";
}

// The reference implementation requires the ranges, in order, to cover the
// data from its first byte to its last with no overlap and no gap: then no
// byte belongs to two tensors and none is silently ignored.
bool checkTiling(std::vector<rt::SafetensorsEntry> &entries, uint64_t dataSize,
                 std::string &error) {
  for (const rt::SafetensorsEntry &e : entries)
    if (e.end > dataSize) {
      error = "tensor " + quoted(e.name) + ": data_offsets [" +
              std::to_string(e.begin) + ", " + std::to_string(e.end) +
              "] run past the end of the data (" + std::to_string(dataSize) +
              " bytes)";
      return false;
    }
  // Names break ties, so the message for a given file is always the same.
  std::sort(entries.begin(), entries.end(),
            [](const rt::SafetensorsEntry &a, const rt::SafetensorsEntry &b) {
              if (a.begin != b.begin)
                return a.begin < b.begin;
              if (a.end != b.end)
                return a.end < b.end;
              return a.name < b.name;
            });
  uint64_t covered = 0;
  const rt::SafetensorsEntry *last = nullptr;
  for (const rt::SafetensorsEntry &e : entries) {
    if (e.begin < covered) {
      error = "tensors " + quoted(last->name) + " and " + quoted(e.name) +
              " overlap (data bytes " + byteRange(last->begin, last->end) +
              " and " + byteRange(e.begin, e.end) + ")";
      return false;
    }
    if (e.begin > covered) {
      error = "no tensor holds data bytes " + byteRange(covered, e.begin) +
              " (a gap before tensor " + quoted(e.name) + ")";
      return false;
    }
    covered = e.end;
    last = &e;
  }
  if (covered != dataSize) {
    error = "no tensor holds data bytes " + byteRange(covered, dataSize) +
            (last ? " (after the last tensor)" : " (there are no tensors)");
    return false;
  }
  return true;
}

bool parseBytes(const uint8_t *bytes, std::size_t size, const std::string &name,
                File &out, std::string &error) {
  if (size < kLengthSize)
    return fail(error, name,
                "truncated (" + std::to_string(size) +
                    " bytes, less than the 8-byte header length)");
  uint64_t headerSize = 0;
  for (std::size_t i = 0; i < kLengthSize; ++i)
    headerSize |= static_cast<uint64_t>(bytes[i]) << (8 * i);
  if (headerSize > kMaxHeaderSize)
    return fail(error, name,
                "header length " + std::to_string(headerSize) +
                    " is over the limit of " + std::to_string(kMaxHeaderSize) +
                    " bytes");
  if (headerSize > size - kLengthSize)
    return fail(error, name,
                "truncated (header length " + std::to_string(headerSize) +
                    " runs past the end of the file, " +
                    std::to_string(size - kLengthSize) +
                    " bytes after the length)");

  rt::SafetensorsHeader header;
  std::string why;
  if (!rt::parseSafetensorsHeader(
          reinterpret_cast<const char *>(bytes + kLengthSize),
          static_cast<std::size_t>(headerSize), header, why))
    return fail(error, name, why);
  const uint8_t *data = bytes + kLengthSize + headerSize;
  uint64_t dataSize = size - kLengthSize - headerSize;
  if (!checkTiling(header.tensors, dataSize, why))
    return fail(error, name, why);

  out = File();
  out.metadata = std::move(header.metadata);
  for (rt::SafetensorsEntry &e : header.tensors) {
    Tensor t;
    t.dtype = e.dtype;
    t.shape = std::move(e.shape);
    t.data.assign(data + e.begin, data + e.end);
    if (t.dtype == DType::Bool)
      for (uint8_t &b : t.data)
        b = b != 0; // kernels may assume 0/1
    out.tensors.emplace(std::move(e.name), std::move(t));
  }
  return true;
}

// Why `tensor` cannot be written, or "" if it can.
std::string checkTensor(const std::string &name, const Tensor &tensor) {
  std::string what = "tensor " + quoted(name) + ": ";
  if (name == "__metadata__")
    return "\"__metadata__\" is reserved and cannot name a tensor";
  if (rt::json::invalidUtf8At(name.data(), name.size()) != name.size())
    return what + "name is not valid UTF-8";
  if (dtypeSize(tensor.dtype) == 0)
    return what + "invalid dtype " +
           std::to_string(static_cast<int>(tensor.dtype));
  std::string shape = rt::formatSafetensorsShape(tensor.shape);
  if (tensor.shape.size() > rt::kSafetensorsMaxRank)
    return what + "shape has more than " +
           std::to_string(rt::kSafetensorsMaxRank) + " dimensions";
  for (int64_t d : tensor.shape)
    if (d < 0)
      return what + "shape " + shape + " has a negative dimension";
  uint64_t need;
  if (!rt::safetensorsByteCount(tensor.shape, tensor.dtype, need))
    return what + "shape " + shape + " of " + dtypeName(tensor.dtype) +
           " is too large";
  if (need != tensor.data.size())
    return what + "data is " + std::to_string(tensor.data.size()) +
           " bytes, shape " + shape + " of " + dtypeName(tensor.dtype) +
           " needs " + std::to_string(need);
  return "";
}

bool encodeBytes(const File &file, std::vector<uint8_t> &bytes,
                 std::string &error) {
  rt::SafetensorsHeader header;
  header.metadata = file.metadata;
  for (const auto &[key, value] : file.metadata) {
    if (rt::json::invalidUtf8At(key.data(), key.size()) != key.size()) {
      error = "metadata key " + quoted(key) + " is not valid UTF-8";
      return false;
    }
    if (rt::json::invalidUtf8At(value.data(), value.size()) != value.size()) {
      error = "metadata value of " + quoted(key) + " is not valid UTF-8";
      return false;
    }
  }
  uint64_t offset = 0;
  for (const auto &[name, tensor] : file.tensors) {
    error = checkTensor(name, tensor);
    if (!error.empty())
      return false;
    rt::SafetensorsEntry e;
    e.name = name;
    e.dtype = tensor.dtype;
    e.shape = tensor.shape;
    e.begin = offset;
    offset += tensor.data.size();
    e.end = offset;
    header.tensors.push_back(std::move(e));
  }
  std::string text = rt::formatSafetensorsHeader(header);
  text.append((kHeaderAlign - text.size() % kHeaderAlign) % kHeaderAlign, ' ');
  if (text.size() > kMaxHeaderSize) {
    error = "header would be " + std::to_string(text.size()) +
            " bytes, over the limit of " + std::to_string(kMaxHeaderSize);
    return false;
  }

  bytes.clear();
  bytes.reserve(kLengthSize + text.size() + offset);
  for (std::size_t i = 0; i < kLengthSize; ++i)
    bytes.push_back(static_cast<uint8_t>(uint64_t{text.size()} >> (8 * i)));
  bytes.insert(bytes.end(), text.begin(), text.end());
  for (const auto &[name, tensor] : file.tensors)
    bytes.insert(bytes.end(), tensor.data.begin(), tensor.data.end());
  return true;
}

} // namespace

int64_t Tensor::numElements() const {
  int64_t n = 1;
  for (int64_t e : shape)
    n *= e;
  return n;
}

bool parse(const uint8_t *bytes, std::size_t size, const std::string &name,
           File &out, std::string &error) {
  try {
    return parseBytes(bytes, size, name, out, error);
  } catch (const std::bad_alloc &) {
    return fail(error, name, "out of memory");
  }
}

bool read(const std::string &path, File &out, std::string &error) {
  try {
    std::vector<uint8_t> bytes;
    std::string why;
    if (!rt::readWholeFile(path, bytes, why))
      return fail(error, path, why);
    return parseBytes(bytes.data(), bytes.size(), path, out, error);
  } catch (const std::bad_alloc &) {
    return fail(error, path, "out of memory");
  }
}

bool encode(const File &file, std::vector<uint8_t> &bytes, std::string &error) {
  try {
    return encodeBytes(file, bytes, error);
  } catch (const std::bad_alloc &) {
    error = "out of memory";
    return false;
  }
}

bool write(const std::string &path, const File &file, std::string &error) {
  try {
    std::vector<uint8_t> bytes;
    std::string why;
    if (!encodeBytes(file, bytes, why))
      return fail(error, path, why);
    return rt::writeFileAtomically(path, bytes.data(), bytes.size(), error);
  } catch (const std::bad_alloc &) {
    return fail(error, path, "out of memory");
  }
}

} // namespace tessera::safetensors
