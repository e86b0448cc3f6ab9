// The contents of a .tbin's .tessera.meta and .tessera.ops sections, and their
// binary encoding. One codec shared by the compiler (which writes) and the
// runtime (which reads and validates), so the two can never disagree.
//
// Encoding (little endian): 8-byte magic, u16 major, u16 minor, u32 payload
// size, payload. Strings are u32 length + bytes; vectors are u32 count +
// elements. The decoder checks every length against the bytes that remain and
// caps counts, so a corrupt section yields an error message, never a crash.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::tbin {

constexpr uint16_t kFormatMajor = 1;
constexpr uint16_t kFormatMinor = 0;

enum class DType : uint8_t {
  F32 = 1,
  F64 = 2,
  F16 = 3,
  BF16 = 4,
  I64 = 5,
  I32 = 6,
  I8 = 7,
  Bool = 8,
};

const char *dtypeName(DType t);
bool dtypeFromName(const std::string &name, DType &out);
std::size_t dtypeSize(DType t);

// A dimension is either a known extent or a symbol bound at run time.
struct Dim {
  int64_t extent = -1;  // >= 0 when known
  std::string symbol;   // non-empty when symbolic
  bool isSymbolic() const { return !symbol.empty(); }
};

struct TensorSig {
  std::string name;
  DType dtype = DType::F32;
  std::vector<Dim> dims;
};

struct EntryMeta {
  std::string name;   // as written in the source
  std::string symbol; // exported ELF symbol (tessera_entry_fn)
  std::vector<std::string> dimSymbols; // order of the `dims` argument
  std::vector<TensorSig> inputs;
  std::vector<TensorSig> outputs;
  std::string location; // file:line:col of the declaration
};

struct ModuleMeta {
  std::string module;
  std::string target; // e.g. x86_64-unknown-linux-gnu
  std::string policy; // e.g. "dtype=f32 accum=f32 deterministic"
  std::vector<EntryMeta> entries;
};

struct KernelMeta {
  std::string name;   // kernel name in the IR
  std::string symbol; // exported ELF symbol (tessera_kernel_fn)
  std::string entry;  // the entry that launches it
  std::string backend; // "cpu"
  std::string kind;    // launch geometry, e.g. "elementwise"
  std::vector<int64_t> tile; // tile shape in elements
  uint32_t numArgs = 0;
};

struct OpsTable {
  std::vector<KernelMeta> kernels;
};

std::vector<uint8_t> encode(const ModuleMeta &meta);
std::vector<uint8_t> encode(const OpsTable &ops);

// Return false and set `error` on any malformed input.
bool decode(const uint8_t *data, std::size_t size, ModuleMeta &out,
            std::string &error);
bool decode(const uint8_t *data, std::size_t size, OpsTable &out,
            std::string &error);

// "f32[N, 4]"
std::string formatSignature(const TensorSig &sig);

} // namespace tessera::tbin
