// Little-endian writing and bounds-checked reading of the .tessera.* section
// payloads, shared by their codecs. The reader checks every length against
// the bytes that remain and caps counts, so a corrupt section yields an error
// message ("<what> at byte N"), never a crash or an absurd allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace tessera::tbin::io {

// Caps on counts keep a corrupt length from asking for absurd allocations.
constexpr uint32_t kMaxCount = 1u << 16;
constexpr uint32_t kMaxString = 1u << 20;

class Writer {
public:
  void u8(uint8_t v) { bytes.push_back(v); }
  void u16(uint16_t v) { raw(&v, 2); }
  void u32(uint32_t v) { raw(&v, 4); }
  void u64(uint64_t v) { raw(&v, 8); }
  void i64(int64_t v) { raw(&v, 8); }
  void str(const std::string &s) {
    u32(static_cast<uint32_t>(s.size()));
    raw(s.data(), s.size());
  }
  void raw(const void *p, std::size_t n) {
    // The format is little endian; so are all hosts Tessera targets.
    auto *c = static_cast<const uint8_t *>(p);
    bytes.insert(bytes.end(), c, c + n);
  }
  std::vector<uint8_t> bytes;
};

class Reader {
public:
  Reader(const uint8_t *d, std::size_t n, std::string &err)
      : data(d), size(n), error(err) {}

  bool fail(const std::string &what) {
    if (error.empty())
      error = what + " at byte " + std::to_string(pos);
    return false;
  }
  bool raw(void *out, std::size_t n, const char *what) {
    if (n > size - pos)
      return fail(std::string("truncated ") + what);
    std::memcpy(out, data + pos, n);
    pos += n;
    return true;
  }
  bool u8(uint8_t &v, const char *what) { return raw(&v, 1, what); }
  bool u16(uint16_t &v, const char *what) { return raw(&v, 2, what); }
  bool u32(uint32_t &v, const char *what) { return raw(&v, 4, what); }
  bool u64(uint64_t &v, const char *what) { return raw(&v, 8, what); }
  bool i64(int64_t &v, const char *what) { return raw(&v, 8, what); }
  bool count(uint32_t &v, const char *what) {
    if (!u32(v, what))
      return false;
    if (v > kMaxCount || v > size - pos)
      return fail(std::string("implausible ") + what);
    return true;
  }
  bool str(std::string &s, const char *what) {
    // Initialised only for g++'s -Wmaybe-uninitialized: u32 sets it.
    uint32_t n = 0;
    if (!u32(n, what))
      return false;
    if (n > kMaxString || n > size - pos)
      return fail(std::string("truncated ") + what);
    s.assign(reinterpret_cast<const char *>(data + pos), n);
    pos += n;
    return true;
  }
  std::size_t remaining() const { return size - pos; }
  bool atEnd() const { return pos == size; }

  const uint8_t *data;
  std::size_t size;
  std::size_t pos = 0;
  std::string &error;
};

} // namespace tessera::tbin::io
