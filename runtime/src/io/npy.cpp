#include "tessera/npy.hpp"

#include "io/atomic_file.hpp"
#include "io/npy_header.hpp"
#include "io/read_file.hpp"

#include <cstring>
#include <limits>
#include <new>

namespace tessera::npy {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicSize = 6;
// numpy caps headers it reads at 10 kB by default; allow far more, but not
// an absurd allocation from a corrupt length.
constexpr uint32_t kMaxHeader = 1u << 20;

struct DescrEntry {
  const char *descr;
  tbin::DType dtype;
};
constexpr DescrEntry kDescrs[] = {
    {"<f4", tbin::DType::F32},  {"<f8", tbin::DType::F64},
    {"<f2", tbin::DType::F16},  {"<i4", tbin::DType::I32},
    {"<i8", tbin::DType::I64},  {"|i1", tbin::DType::I8},
    {"|b1", tbin::DType::Bool}, {"<c8", tbin::DType::C64},
};

bool fail(std::string &error, const std::string &name,
          const std::string &what) {
  error = name + ": " + what;
  return false;
}

bool dtypeOfDescr(const std::string &descr, tbin::DType &out) {
  for (const DescrEntry &e : kDescrs)
    if (descr == e.descr) {
      out = e.dtype;
      return true;
    }
  return false;
}

// Bytes `shape` of `dtype` occupies, or false on overflow.
bool byteCount(const std::vector<int64_t> &shape, tbin::DType dtype,
               uint64_t &out) {
  uint64_t n = tbin::dtypeSize(dtype);
  for (int64_t e : shape) {
    auto ue = static_cast<uint64_t>(e);
    if (ue != 0 && n > std::numeric_limits<uint64_t>::max() / ue)
      return false;
    n *= ue;
  }
  out = n;
  return true;
}

} // namespace

int64_t Array::numElements() const {
  int64_t n = 1;
  for (int64_t e : shape)
    n *= e;
  return n;
}

const char *descrOf(tbin::DType dtype) {
  for (const DescrEntry &e : kDescrs)
    if (e.dtype == dtype)
      return e.descr;
  return nullptr;
}

bool parse(const uint8_t *bytes, std::size_t size, const std::string &name,
           Array &out, std::string &error) {
  if (size < kMagicSize || std::memcmp(bytes, kMagic, kMagicSize) != 0)
    return fail(error, name, "not a .npy file (bad magic)");
  if (size < kMagicSize + 2)
    return fail(error, name, "truncated (no format version)");
  uint8_t major = bytes[6], minor = bytes[7];
  if (major < 1 || major > 3)
    return fail(error, name,
                "unsupported .npy format version " + std::to_string(major) +
                    "." + std::to_string(minor));
  // Version 1.0 has a u16 header length, 2.0 and 3.0 a u32.
  std::size_t lenSize = major == 1 ? 2 : 4;
  std::size_t lenAt = kMagicSize + 2;
  if (size - lenAt < lenSize)
    return fail(error, name, "truncated (no header length)");
  uint32_t headerLen = bytes[lenAt] | (bytes[lenAt + 1] << 8);
  if (lenSize == 4)
    headerLen |= static_cast<uint32_t>(bytes[lenAt + 2]) << 16 |
                 static_cast<uint32_t>(bytes[lenAt + 3]) << 24;
  std::size_t headerAt = lenAt + lenSize;
  if (headerLen > kMaxHeader)
    return fail(error, name,
                "header length " + std::to_string(headerLen) +
                    " is implausible");
  if (headerLen > size - headerAt)
    return fail(error, name,
                "truncated (header of " + std::to_string(headerLen) +
                    " bytes runs past end of file)");

  rt::NpyHeader header;
  std::string why;
  if (!rt::parseNpyHeader(reinterpret_cast<const char *>(bytes + headerAt),
                          headerLen, header, why))
    return fail(error, name, "bad .npy header: " + why);
  if (header.fortranOrder)
    return fail(error, name,
                "fortran_order arrays are not supported; save a C-ordered "
                "array (numpy.ascontiguousarray)");
  tbin::DType dtype;
  if (!dtypeOfDescr(header.descr, dtype)) {
    std::string list;
    for (const DescrEntry &e : kDescrs)
      list += std::string(list.empty() ? "" : " ") + e.descr;
    return fail(error, name,
                "unsupported dtype '" + header.descr + "' (supported: " + list +
                    ")");
  }
  std::size_t dataAt = headerAt + headerLen;
  uint64_t need;
  if (!byteCount(header.shape, dtype, need))
    return fail(error, name,
                "shape " + rt::formatNpyShape(header.shape) + " is too large");
  uint64_t have = size - dataAt;
  if (have != need)
    return fail(error, name,
                "data is " + std::to_string(have) + " bytes, shape " +
                    rt::formatNpyShape(header.shape) + " of " +
                    tbin::dtypeName(dtype) + " needs " + std::to_string(need));

  out.dtype = dtype;
  out.shape = std::move(header.shape);
  out.data.assign(bytes + dataAt, bytes + size);
  if (dtype == tbin::DType::Bool)
    for (uint8_t &b : out.data)
      b = b != 0; // kernels may assume 0/1
  return true;
}

bool read(const std::string &path, Array &out, std::string &error) {
  try {
    std::vector<uint8_t> bytes;
    std::string why;
    if (!rt::readWholeFile(path, bytes, why))
      return fail(error, path, why);
    return parse(bytes.data(), bytes.size(), path, out, error);
  } catch (const std::bad_alloc &) {
    return fail(error, path, "out of memory");
  }
}

bool encode(const Array &array, std::vector<uint8_t> &bytes,
            std::string &error) {
  const char *descr = descrOf(array.dtype);
  if (!descr) {
    error = std::string("cannot store ") + tbin::dtypeName(array.dtype) +
            " in a .npy file";
    return false;
  }
  uint64_t need;
  if (!byteCount(array.shape, array.dtype, need) || need != array.data.size()) {
    error = "array data is " + std::to_string(array.data.size()) +
            " bytes, which does not match shape " +
            rt::formatNpyShape(array.shape);
    return false;
  }
  std::string header =
      std::string("{'descr': '") + descr +
      "', 'fortran_order': False, 'shape': " + rt::formatNpyShape(array.shape) +
      ", }";
  // Pad with spaces and a final newline so that the data starts on a
  // 64-byte boundary, as numpy does.
  std::size_t preamble = kMagicSize + 2 + 2;
  std::size_t total = preamble + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  if (header.size() > 0xffff) {
    error = "header too large for a version 1.0 .npy file";
    return false;
  }
  bytes.clear();
  bytes.reserve(preamble + header.size() + array.data.size());
  bytes.insert(bytes.end(), kMagic, kMagic + kMagicSize);
  bytes.push_back(1);
  bytes.push_back(0);
  bytes.push_back(static_cast<uint8_t>(header.size() & 0xff));
  bytes.push_back(static_cast<uint8_t>(header.size() >> 8));
  bytes.insert(bytes.end(), header.begin(), header.end());
  bytes.insert(bytes.end(), array.data.begin(), array.data.end());
  return true;
}

bool write(const std::string &path, const Array &array, std::string &error) {
  try {
    std::vector<uint8_t> bytes;
    std::string why;
    if (!encode(array, bytes, why))
      return fail(error, path, why);
    return rt::writeFileAtomically(path, bytes.data(), bytes.size(), error);
  } catch (const std::bad_alloc &) {
    return fail(error, path, "out of memory");
  }
}

} // namespace tessera::npy
