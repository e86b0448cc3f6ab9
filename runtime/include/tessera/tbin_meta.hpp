// The contents of a .tbin's .tessera.meta and .tessera.ops sections, and their
// binary encoding. One codec shared by the compiler (which writes) and the
// runtime (which reads and validates), so the two can never disagree.
//
// Encoding (little endian): 8-byte magic, u16 major, u16 minor, u32 payload
// size, payload. Strings are u32 length + bytes; vectors are u32 count +
// elements. The decoder checks every length against the bytes that remain and
// caps counts, so a corrupt section yields an error message, never a crash.
//
// Versions: a minor version only appends to the payload; a newer minor's
// additions are skipped, so this runtime still reads what it knows of them.
// The major version changes with TESSERA_TBIN_ABI_VERSION (tbin_abi.h): 3.0
// is 1.1's payload (entries, then each entry's kind and optimizer, then the
// parameter table) for entries of ABI version 3, whose device entries can
// read device memory back (tessera_device_ops.download); 2.0 held entries
// of ABI version 2. Modules of another major are refused whole.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::tbin {

constexpr uint16_t kFormatMajor = 3;
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
  FP8_E4M3 = 9,  // OCP E4M3FN: bias 7, no infinity, S.1111.111 is NaN
  FP8_E5M2 = 10, // OCP E5M2: bias 15, infinities and NaNs as IEEE's
  // Complex numbers of two f32 parts, real first (NumPy's complex64).
  C64 = 11,
};
// The largest code: codes 1 to kLastDType are the DType values.
constexpr DType kLastDType = DType::C64;

// Why a section of major version `major` cannot be read by a runtime that
// reads `supported`.x, with what to do about it (recompile an older module,
// update the runtime for a newer one).
std::string unsupportedVersion(const std::string &section, uint16_t major,
                               uint16_t minor, uint16_t supported);

const char *dtypeName(DType t);
bool dtypeFromName(const std::string &name, DType &out);
std::size_t dtypeSize(DType t);
// Whether `code` is the code of a dtype this runtime knows.
bool isDTypeCode(int64_t code);

// A dimension is either a known extent or a symbol bound at run time.
struct Dim {
  int64_t extent = -1; // >= 0 when known
  std::string symbol;  // non-empty when symbolic
  bool isSymbolic() const { return !symbol.empty(); }
};

struct TensorSig {
  std::string name;
  DType dtype = DType::F32;
  std::vector<Dim> dims;
};

// What an entry computes. A train entry is one step of training: inputs and
// outputs named "param:NAME" / "state:NAME" are parameters and optimizer
// state, and its first output is the loss (docs/training.md).
constexpr const char *kEntryKindPlain = "entry";
constexpr const char *kEntryKindTrain = "train";

struct EntryMeta {
  std::string name;                    // as written in the source
  std::string symbol;                  // exported ELF symbol (tessera_entry_fn)
  std::vector<std::string> dimSymbols; // order of the `dims` argument
  std::vector<TensorSig> inputs;
  std::vector<TensorSig> outputs;
  std::string location;               // file:line:col of the declaration
  std::string kind = kEntryKindPlain; // kEntryKindPlain or kEntryKindTrain
  std::string optimizer; // e.g. "adam lr=0.001"; informational, train only
};

// A trainable tensor of the module. Its first value comes from `init`, one of
// "zeros", "ones", "glorot", "normal", "uniform", drawn (for the random ones)
// with `seed`; an entry takes it as the input "param:<name>".
struct ParamMeta {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape; // static: every extent known
  std::string init;
  int64_t seed = 0;
};

// True for the initialisers ParamMeta::init may name.
bool isKnownInit(const std::string &init);

struct ModuleMeta {
  std::string module;
  std::string target; // e.g. x86_64-unknown-linux-gnu
  std::string policy; // e.g. "dtype=f32 accum=f32 deterministic"
  std::vector<EntryMeta> entries;
  std::vector<ParamMeta> params; // format 1.1 and later
};

struct KernelMeta {
  std::string name;          // kernel name in the IR
  std::string symbol;        // exported ELF symbol (tessera_kernel_fn)
  std::string entry;         // the entry that launches it
  std::string backend;       // "cpu"
  std::string kind;          // launch geometry, e.g. "elementwise"
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
