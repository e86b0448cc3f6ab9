#include "tessera/tbin_meta.hpp"
#include "tessera/dim_form.hpp"

#include "tessera/tbin_abi.h"

#include "byte_io.hpp"
#include "printable.hpp"

#include <algorithm>
#include <cstring>

namespace tessera::tbin {

const char *dtypeName(DType t) {
  switch (t) {
  case DType::F32:
    return "f32";
  case DType::F64:
    return "f64";
  case DType::F16:
    return "f16";
  case DType::BF16:
    return "bf16";
  case DType::I64:
    return "i64";
  case DType::I32:
    return "i32";
  case DType::I8:
    return "i8";
  case DType::Bool:
    return "bool";
  case DType::FP8_E4M3:
    return "fp8_e4m3";
  case DType::FP8_E5M2:
    return "fp8_e5m2";
  case DType::C64:
    return "c64";
  }
  return "?";
}

std::string unsupportedVersion(const std::string &section, uint16_t major,
                               uint16_t minor, uint16_t supported) {
  return section + " format version " + std::to_string(major) + "." +
         std::to_string(minor) + " is not supported (this runtime reads " +
         std::to_string(supported) + ".x); " +
         (major < supported ? "recompile the module with a current tesserac"
                            : "it needs a newer runtime");
}

bool dtypeFromName(const std::string &name, DType &out) {
  for (uint8_t v = 1; v <= static_cast<uint8_t>(kLastDType); ++v) {
    auto t = static_cast<DType>(v);
    if (isDTypeCode(v) && name == dtypeName(t)) {
      out = t;
      return true;
    }
  }
  return false;
}

bool isKnownInit(const std::string &init) {
  for (const char *known : {"zeros", "ones", "glorot", "normal", "uniform"})
    if (init == known)
      return true;
  return false;
}

std::size_t dtypeSize(DType t) {
  switch (t) {
  case DType::F64:
  case DType::I64:
    return 8;
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::F16:
  case DType::BF16:
    return 2;
  case DType::I8:
  case DType::Bool:
  case DType::FP8_E4M3:
  case DType::FP8_E5M2:
    return 1;
  case DType::C64:
    return 8;
  }
  return 0;
}

bool isDTypeCode(int64_t code) {
  return code >= 1 && code <= 255 && dtypeSize(static_cast<DType>(code)) != 0;
}

std::string formatSignature(const TensorSig &sig) {
  std::string s = dtypeName(sig.dtype);
  s += '[';
  for (std::size_t i = 0; i < sig.dims.size(); ++i) {
    if (i)
      s += ", ";
    s += sig.dims[i].isSymbolic() ? sig.dims[i].symbol
                                  : std::to_string(sig.dims[i].extent);
  }
  s += ']';
  return s;
}

namespace {

using io::Reader;
using io::Writer;

void writeHeader(Writer &w, const char magic[8], std::size_t payload) {
  w.raw(magic, 8);
  w.u16(kFormatMajor);
  w.u16(kFormatMinor);
  w.u32(static_cast<uint32_t>(payload));
}

std::vector<uint8_t> withHeader(const char magic[8], const Writer &payload) {
  Writer w;
  writeHeader(w, magic, payload.bytes.size());
  w.raw(payload.bytes.data(), payload.bytes.size());
  return std::move(w.bytes);
}

// Checks magic, version and size; leaves `r` positioned at the payload.
bool readHeader(Reader &r, const char magic[8], const char *section,
                uint16_t &minor) {
  char m[8];
  if (!r.raw(m, 8, "magic"))
    return false;
  if (std::memcmp(m, magic, 8) != 0)
    return r.fail(std::string("bad magic in ") + section);
  uint16_t major = 0;
  uint32_t payload = 0;
  if (!r.u16(major, "version") || !r.u16(minor, "version") ||
      !r.u32(payload, "payload size"))
    return false;
  if (major != kFormatMajor)
    return r.fail(unsupportedVersion(section, major, minor, kFormatMajor));
  if (payload != r.size - r.pos)
    return r.fail(std::string(section) + " payload size " +
                  std::to_string(payload) + " does not match section size");
  return true;
}

void writeTensor(Writer &w, const TensorSig &t) {
  w.str(t.name);
  w.u8(static_cast<uint8_t>(t.dtype));
  w.u32(static_cast<uint32_t>(t.dims.size()));
  for (const Dim &d : t.dims) {
    w.i64(d.extent);
    w.str(d.symbol);
  }
}

bool readTensor(Reader &r, TensorSig &t) {
  uint8_t dt = 0;
  uint32_t rank = 0;
  if (!r.str(t.name, "tensor name") || !r.u8(dt, "dtype"))
    return false;
  if (!isDTypeCode(dt))
    return r.fail("unknown dtype code " + std::to_string(dt));
  t.dtype = static_cast<DType>(dt);
  if (!r.count(rank, "tensor rank"))
    return false;
  t.dims.resize(rank);
  for (Dim &d : t.dims) {
    if (!r.i64(d.extent, "dim") || !r.str(d.symbol, "dim symbol"))
      return false;
    if (!d.isSymbolic() && d.extent < 0)
      return r.fail("negative dimension");
  }
  return true;
}

void writeParam(Writer &w, const ParamMeta &p) {
  w.str(p.name);
  w.u8(static_cast<uint8_t>(p.dtype));
  w.u32(static_cast<uint32_t>(p.shape.size()));
  for (int64_t e : p.shape)
    w.i64(e);
  w.str(p.init);
  w.i64(p.seed);
}

bool readParam(Reader &r, ParamMeta &p) {
  uint8_t dt = 0;
  uint32_t rank = 0;
  if (!r.str(p.name, "parameter name") || !r.u8(dt, "parameter dtype"))
    return false;
  if (!isDTypeCode(dt))
    return r.fail("unknown dtype code " + std::to_string(dt));
  p.dtype = static_cast<DType>(dt);
  if (!r.count(rank, "parameter rank"))
    return false;
  p.shape.resize(rank);
  for (int64_t &e : p.shape) {
    if (!r.i64(e, "parameter extent"))
      return false;
    if (e < 0)
      return r.fail("negative extent in parameter '" + printable(p.name) + "'");
  }
  if (!r.str(p.init, "parameter initialiser") ||
      !r.i64(p.seed, "parameter seed"))
    return false;
  if (p.name.empty())
    return r.fail("parameter with an empty name");
  if (!isKnownInit(p.init))
    return r.fail("parameter '" + printable(p.name) +
                  "' has unknown initialiser '" + printable(p.init) + "'");
  return true;
}

// The 1.1 additions: every entry's kind and optimizer, then the parameters.
bool readTrainingMeta(Reader &r, ModuleMeta &out) {
  for (EntryMeta &e : out.entries) {
    if (!r.str(e.kind, "entry kind") || !r.str(e.optimizer, "optimizer"))
      return false;
    if (e.kind != kEntryKindPlain && e.kind != kEntryKindTrain)
      return r.fail("entry '" + printable(e.name) + "' has unknown kind '" +
                    printable(e.kind) + "'");
  }
  uint32_t n = 0;
  if (!r.count(n, "parameter count"))
    return false;
  out.params.resize(n);
  for (std::size_t i = 0; i < out.params.size(); ++i) {
    if (!readParam(r, out.params[i]))
      return false;
    for (std::size_t j = 0; j < i; ++j)
      if (out.params[j].name == out.params[i].name)
        return r.fail("parameter '" + printable(out.params[i].name) +
                      "' is declared twice");
  }
  return true;
}

bool readTensors(Reader &r, std::vector<TensorSig> &ts, const char *what) {
  uint32_t n = 0;
  if (!r.count(n, what))
    return false;
  ts.resize(n);
  for (TensorSig &t : ts)
    if (!readTensor(r, t))
      return false;
  return true;
}

} // namespace

std::vector<uint8_t> encode(const ModuleMeta &meta) {
  Writer w;
  w.str(meta.module);
  w.str(meta.target);
  w.str(meta.policy);
  w.u32(static_cast<uint32_t>(meta.entries.size()));
  for (const EntryMeta &e : meta.entries) {
    w.str(e.name);
    w.str(e.symbol);
    w.str(e.location);
    w.u32(static_cast<uint32_t>(e.dimSymbols.size()));
    for (const std::string &s : e.dimSymbols)
      w.str(s);
    w.u32(static_cast<uint32_t>(e.inputs.size()));
    for (const TensorSig &t : e.inputs)
      writeTensor(w, t);
    w.u32(static_cast<uint32_t>(e.outputs.size()));
    for (const TensorSig &t : e.outputs)
      writeTensor(w, t);
  }
  // 1.1: appended, so that the 1.0 part keeps its layout.
  for (const EntryMeta &e : meta.entries) {
    w.str(e.kind);
    w.str(e.optimizer);
  }
  w.u32(static_cast<uint32_t>(meta.params.size()));
  for (const ParamMeta &p : meta.params)
    writeParam(w, p);
  return withHeader(TESSERA_META_MAGIC, w);
}

std::vector<uint8_t> encode(const OpsTable &ops) {
  Writer w;
  w.u32(static_cast<uint32_t>(ops.kernels.size()));
  for (const KernelMeta &k : ops.kernels) {
    w.str(k.name);
    w.str(k.symbol);
    w.str(k.entry);
    w.str(k.backend);
    w.str(k.kind);
    w.u32(static_cast<uint32_t>(k.tile.size()));
    for (int64_t t : k.tile)
      w.i64(t);
    w.u32(k.numArgs);
  }
  return withHeader(TESSERA_OPS_MAGIC, w);
}

bool decode(const uint8_t *data, std::size_t size, ModuleMeta &out,
            std::string &error) {
  error.clear();
  out = ModuleMeta{};
  Reader r(data, size, error);
  uint16_t minor = 0;
  if (!readHeader(r, TESSERA_META_MAGIC, TESSERA_META_SECTION, minor))
    return false;
  uint32_t n = 0;
  if (!r.str(out.module, "module name") || !r.str(out.target, "target") ||
      !r.str(out.policy, "policy") || !r.count(n, "entry count"))
    return false;
  out.entries.resize(n);
  for (EntryMeta &e : out.entries) {
    uint32_t ndims = 0;
    if (!r.str(e.name, "entry name") || !r.str(e.symbol, "entry symbol") ||
        !r.str(e.location, "entry location") ||
        !r.count(ndims, "dim symbol count"))
      return false;
    e.dimSymbols.resize(ndims);
    for (std::string &s : e.dimSymbols)
      if (!r.str(s, "dim symbol"))
        return false;
    if (!readTensors(r, e.inputs, "input count") ||
        !readTensors(r, e.outputs, "output count"))
      return false;
    // Every symbolic dim of a signature must be one the entry binds, or an
    // extent computed from those (`N-1`, `M+N`).
    auto bound = [&](const std::string &symbol) {
      return std::find(e.dimSymbols.begin(), e.dimSymbols.end(), symbol) !=
             e.dimSymbols.end();
    };
    for (const auto *list : {&e.inputs, &e.outputs})
      for (const TensorSig &t : *list)
        for (const Dim &d : t.dims) {
          if (!d.isSymbolic() || bound(d.symbol))
            continue;
          std::optional<DimForm> form = parseDimForm(d.symbol);
          std::vector<std::string> symbols =
              form ? form->symbols() : std::vector<std::string>{};
          if (!form || !std::all_of(symbols.begin(), symbols.end(), bound))
            return r.fail("entry '" + printable(e.name) +
                          "' uses unbound dim '" + printable(d.symbol) + "'");
        }
  }
  if (!readTrainingMeta(r, out))
    return false;
  // What a newer minor appends is not ours to read; within the versions we
  // know, anything left over means the section is corrupt.
  if (!r.atEnd() && minor <= kFormatMinor)
    return r.fail("trailing bytes in " TESSERA_META_SECTION);
  return true;
}

bool decode(const uint8_t *data, std::size_t size, OpsTable &out,
            std::string &error) {
  error.clear();
  Reader r(data, size, error);
  uint16_t minor = 0;
  if (!readHeader(r, TESSERA_OPS_MAGIC, TESSERA_OPS_SECTION, minor))
    return false;
  uint32_t n = 0;
  if (!r.count(n, "kernel count"))
    return false;
  out.kernels.resize(n);
  for (KernelMeta &k : out.kernels) {
    uint32_t rank = 0;
    if (!r.str(k.name, "kernel name") || !r.str(k.symbol, "kernel symbol") ||
        !r.str(k.entry, "kernel entry") || !r.str(k.backend, "backend") ||
        !r.str(k.kind, "kernel kind") || !r.count(rank, "tile rank"))
      return false;
    k.tile.resize(rank);
    for (int64_t &t : k.tile)
      if (!r.i64(t, "tile extent"))
        return false;
    if (!r.u32(k.numArgs, "argument count"))
      return false;
  }
  if (!r.atEnd())
    return r.fail("trailing bytes in " TESSERA_OPS_SECTION);
  return true;
}

} // namespace tessera::tbin
