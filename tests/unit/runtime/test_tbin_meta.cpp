// The .tessera.meta/.tessera.ops codec: round trips, and rejection (with a
// message, never a crash) of every malformed encoding we can think of.
#include "tessera/tbin_abi.h"
#include "tessera/tbin_meta.hpp"

#include <gtest/gtest.h>

#include <cstring>

using namespace tessera::tbin;

namespace {

ModuleMeta sampleMeta() {
  ModuleMeta m;
  m.module = "mlp";
  m.target = "x86_64-unknown-linux-gnu";
  m.policy = "dtype=f32 accum=f32 deterministic";
  EntryMeta e;
  e.name = "forward";
  e.symbol = "tessera_entry_forward";
  e.location = "mlp.tsr:3:1";
  e.dimSymbols = {"B", "D"};
  e.inputs = {{"x", DType::F32, {{-1, "B"}, {-1, "D"}}},
              {"w", DType::F16, {{-1, "D"}, {16, ""}}},
              {"mask", DType::Bool, {}}};
  e.outputs = {{"y", DType::F64, {{-1, "B"}, {16, ""}}}};
  m.entries.push_back(e);
  EntryMeta g;
  g.name = "count";
  g.symbol = "tessera_entry_count";
  g.outputs = {{"n", DType::I64, {{1, ""}}}};
  m.entries.push_back(g);
  return m;
}

// A train entry and the parameter table (since format 1.1).
ModuleMeta sampleTrainMeta() {
  ModuleMeta m = sampleMeta();
  EntryMeta t;
  t.name = "step";
  t.symbol = "tessera_entry_step";
  t.location = "mlp.tsr:9:1";
  t.kind = kEntryKindTrain;
  t.optimizer = "adam lr=0.001";
  t.dimSymbols = {"B"};
  t.inputs = {{"param:W1", DType::F32, {{4, ""}, {3, ""}}},
              {"state:W1.m", DType::F32, {{4, ""}, {3, ""}}},
              {"state:step", DType::I64, {}},
              {"x", DType::F32, {{-1, "B"}, {4, ""}}}};
  t.outputs = {{"loss", DType::F32, {}},
               {"param:W1", DType::F32, {{4, ""}, {3, ""}}},
               {"state:W1.m", DType::F32, {{4, ""}, {3, ""}}},
               {"state:step", DType::I64, {}}};
  m.entries.push_back(t);
  m.params.push_back({"W1", DType::F32, {4, 3}, "glorot", 1});
  m.params.push_back({"b1", DType::BF16, {3}, "zeros", 0});
  m.params.push_back({"s", DType::F64, {}, "normal", -7});
  return m;
}

OpsTable sampleOps() {
  OpsTable t;
  t.kernels.push_back({"matmul_0",
                       "tessera_kernel_matmul_0",
                       "forward",
                       "cpu",
                       "tiled2d",
                       {64, 64},
                       3});
  t.kernels.push_back({"relu_1",
                       "tessera_kernel_relu_1",
                       "forward",
                       "cuda",
                       "elementwise",
                       {},
                       2});
  return t;
}

} // namespace

// Found by ADL from std::vector's operator==, so in the types' namespace.
namespace tessera::tbin {
bool operator==(const Dim &a, const Dim &b) {
  return a.extent == b.extent && a.symbol == b.symbol;
}
bool operator==(const TensorSig &a, const TensorSig &b) {
  return a.name == b.name && a.dtype == b.dtype && a.dims == b.dims;
}
bool operator==(const EntryMeta &a, const EntryMeta &b) {
  return a.name == b.name && a.symbol == b.symbol &&
         a.dimSymbols == b.dimSymbols && a.inputs == b.inputs &&
         a.outputs == b.outputs && a.location == b.location &&
         a.kind == b.kind && a.optimizer == b.optimizer;
}
bool operator==(const ParamMeta &a, const ParamMeta &b) {
  return a.name == b.name && a.dtype == b.dtype && a.shape == b.shape &&
         a.init == b.init && a.seed == b.seed;
}
bool operator==(const KernelMeta &a, const KernelMeta &b) {
  return a.name == b.name && a.symbol == b.symbol && a.entry == b.entry &&
         a.backend == b.backend && a.kind == b.kind && a.tile == b.tile &&
         a.numArgs == b.numArgs;
}
} // namespace tessera::tbin

namespace {

template <typename T>
bool decodeBytes(const std::vector<uint8_t> &bytes, T &out,
                 std::string &error) {
  return decode(bytes.data(), bytes.size(), out, error);
}

} // namespace

TEST(TbinMeta, MetaRoundTrip) {
  ModuleMeta in = sampleMeta(), out;
  std::string error;
  ASSERT_TRUE(decodeBytes(encode(in), out, error)) << error;
  EXPECT_EQ(out.module, in.module);
  EXPECT_EQ(out.target, in.target);
  EXPECT_EQ(out.policy, in.policy);
  EXPECT_TRUE(out.entries == in.entries);
}

TEST(TbinMeta, TrainMetaRoundTrip) {
  ModuleMeta in = sampleTrainMeta(), out;
  std::string error;
  ASSERT_TRUE(decodeBytes(encode(in), out, error)) << error;
  EXPECT_TRUE(out.entries == in.entries);
  EXPECT_TRUE(out.params == in.params);
  EXPECT_EQ(out.entries[0].kind, "entry");
  EXPECT_EQ(out.entries[2].kind, "train");
  EXPECT_EQ(out.entries[2].optimizer, "adam lr=0.001");
}

// Modules of format 1 hold entries of ABI version 1 (temporaries from
// malloc, no ops table), those of format 2 device entries of ABI version 2
// (an ops table without download), which this runtime must not call: they
// are refused with what to do. The exact 1.0 bytes of a small module, as a
// 1.0 writer laid them out, so that this test does not depend on the
// encoder.
TEST(TbinMeta, OlderFormatsAreRefused) {
  auto str = [](std::vector<uint8_t> &b, const std::string &s) {
    uint32_t n = static_cast<uint32_t>(s.size());
    b.insert(b.end(), reinterpret_cast<uint8_t *>(&n),
             reinterpret_cast<uint8_t *>(&n) + 4);
    b.insert(b.end(), s.begin(), s.end());
  };
  auto u32 = [](std::vector<uint8_t> &b, uint32_t v) {
    b.insert(b.end(), reinterpret_cast<uint8_t *>(&v),
             reinterpret_cast<uint8_t *>(&v) + 4);
  };
  std::vector<uint8_t> p;
  str(p, "m");
  str(p, "t");
  str(p, "p");
  u32(p, 1); // one entry
  str(p, "e");
  str(p, "tessera_entry_e");
  str(p, "m.tsr:1:1");
  u32(p, 0); // no dims
  u32(p, 0); // no inputs
  u32(p, 1); // one output: "y", f32, rank 0
  str(p, "y");
  p.push_back(1);
  u32(p, 0);
  const char *magic = TESSERA_META_MAGIC;
  std::vector<uint8_t> b(magic, magic + 8);
  b.insert(b.end(), {1, 0, 0, 0});
  u32(b, static_cast<uint32_t>(p.size()));
  b.insert(b.end(), p.begin(), p.end());
  ModuleMeta out;
  std::string error;
  EXPECT_FALSE(decodeBytes(b, out, error));
  EXPECT_EQ(error, ".tessera.meta format version 1.0 is not supported (this "
                   "runtime reads 3.x); recompile the module with a current "
                   "tesserac at byte 16");
  // 1.1, the last of format 1: the same.
  b = encode(sampleMeta());
  uint16_t v11[2] = {1, 1};
  std::memcpy(b.data() + 8, v11, 4);
  EXPECT_FALSE(decodeBytes(b, out, error));
  EXPECT_EQ(error, ".tessera.meta format version 1.1 is not supported (this "
                   "runtime reads 3.x); recompile the module with a current "
                   "tesserac at byte 16");
  // 2.0, whose device entries had no download: the same.
  b = encode(sampleMeta());
  uint16_t v20[2] = {2, 0};
  std::memcpy(b.data() + 8, v20, 4);
  EXPECT_FALSE(decodeBytes(b, out, error));
  EXPECT_EQ(error, ".tessera.meta format version 2.0 is not supported (this "
                   "runtime reads 3.x); recompile the module with a current "
                   "tesserac at byte 16");
}

TEST(TbinMeta, EveryTruncatedTrainMetaIsRejected) {
  std::vector<uint8_t> full = encode(sampleTrainMeta());
  for (std::size_t n = 0; n < full.size(); ++n) {
    ModuleMeta out;
    std::string error;
    EXPECT_FALSE(decode(full.data(), n, out, error)) << "prefix " << n;
    EXPECT_FALSE(error.empty()) << "prefix " << n;
    if (n >= 16) {
      std::vector<uint8_t> cut(full.begin(), full.begin() + n);
      uint32_t payload = static_cast<uint32_t>(n - 16);
      std::memcpy(cut.data() + 12, &payload, 4);
      EXPECT_FALSE(decodeBytes(cut, out, error)) << "patched prefix " << n;
      EXPECT_NE(error.find(" at byte "), std::string::npos) << error;
    }
  }
}

TEST(TbinMeta, BadTrainMetaIsRejected) {
  struct Case {
    void (*mutate)(ModuleMeta &);
    const char *message;
  };
  const Case cases[] = {
      {[](ModuleMeta &m) { m.entries[2].kind = "eval"; },
       "entry 'step' has unknown kind 'eval'"},
      {[](ModuleMeta &m) { m.params[0].init = "he"; },
       "parameter 'W1' has unknown initialiser 'he'"},
      {[](ModuleMeta &m) { m.params[1].shape = {-3}; },
       "negative extent in parameter 'b1'"},
      {[](ModuleMeta &m) { m.params[1].dtype = static_cast<DType>(0); },
       "unknown dtype code 0"},
      {[](ModuleMeta &m) { m.params[2].name = "W1"; },
       "parameter 'W1' is declared twice"},
      {[](ModuleMeta &m) { m.params[2].name = ""; },
       "parameter with an empty name"},
  };
  for (const Case &c : cases) {
    ModuleMeta m = sampleTrainMeta(), out;
    c.mutate(m);
    std::string error;
    EXPECT_FALSE(decodeBytes(encode(m), out, error)) << c.message;
    EXPECT_NE(error.find(c.message), std::string::npos) << error;
  }
}

// A newer minor may append what this runtime does not know; a known minor
// may not.
TEST(TbinMeta, NewerMinorMayAppend) {
  std::vector<uint8_t> b = encode(sampleTrainMeta());
  b.insert(b.end(), {1, 2, 3});
  uint32_t payload = static_cast<uint32_t>(b.size() - 16);
  std::memcpy(b.data() + 12, &payload, 4);
  ModuleMeta out;
  std::string error;
  EXPECT_FALSE(decodeBytes(b, out, error));
  EXPECT_NE(error.find("trailing bytes"), std::string::npos) << error;
  uint16_t minor = kFormatMinor + 1;
  std::memcpy(b.data() + 10, &minor, 2);
  ASSERT_TRUE(decodeBytes(b, out, error)) << error;
  EXPECT_EQ(out.params.size(), 3u);
}

TEST(TbinMeta, KnownInits) {
  for (const char *init : {"zeros", "ones", "glorot", "normal", "uniform"})
    EXPECT_TRUE(isKnownInit(init)) << init;
  EXPECT_FALSE(isKnownInit("Glorot"));
  EXPECT_FALSE(isKnownInit(""));
}

TEST(TbinMeta, OpsRoundTrip) {
  OpsTable in = sampleOps(), out;
  std::string error;
  ASSERT_TRUE(decodeBytes(encode(in), out, error)) << error;
  EXPECT_TRUE(out.kernels == in.kernels);
}

TEST(TbinMeta, EmptyTablesRoundTrip) {
  ModuleMeta m;
  OpsTable t;
  std::string error;
  ASSERT_TRUE(decodeBytes(encode(m), m, error)) << error;
  ASSERT_TRUE(decodeBytes(encode(t), t, error)) << error;
  EXPECT_TRUE(m.entries.empty());
  EXPECT_TRUE(t.kernels.empty());
}

TEST(TbinMeta, HeaderLayout) {
  std::vector<uint8_t> b = encode(sampleMeta());
  ASSERT_GE(b.size(), 16u);
  EXPECT_EQ(0, std::memcmp(b.data(), TESSERA_META_MAGIC, 8));
  EXPECT_EQ(b[8] | b[9] << 8, kFormatMajor);
  EXPECT_EQ(b[10] | b[11] << 8, kFormatMinor);
  uint32_t payload;
  std::memcpy(&payload, b.data() + 12, 4);
  EXPECT_EQ(payload, b.size() - 16);
}

// Every proper prefix of a valid encoding is rejected with a message.
TEST(TbinMeta, EveryTruncatedMetaIsRejected) {
  std::vector<uint8_t> full = encode(sampleMeta());
  for (std::size_t n = 0; n < full.size(); ++n) {
    ModuleMeta out;
    std::string error;
    EXPECT_FALSE(decode(full.data(), n, out, error)) << "prefix " << n;
    EXPECT_FALSE(error.empty()) << "prefix " << n;
  }
}

// Also with the payload size patched to match the prefix, so that the
// decoder has to notice the truncation inside the payload itself.
TEST(TbinMeta, EveryTruncatedPayloadIsRejected) {
  std::vector<uint8_t> full = encode(sampleMeta());
  for (std::size_t n = 16; n < full.size(); ++n) {
    std::vector<uint8_t> cut(full.begin(), full.begin() + n);
    uint32_t payload = static_cast<uint32_t>(n - 16);
    std::memcpy(cut.data() + 12, &payload, 4);
    ModuleMeta out;
    std::string error;
    EXPECT_FALSE(decodeBytes(cut, out, error)) << "prefix " << n;
    EXPECT_NE(error.find(" at byte "), std::string::npos) << error;
  }
}

TEST(TbinMeta, EveryTruncatedOpsIsRejected) {
  std::vector<uint8_t> full = encode(sampleOps());
  for (std::size_t n = 0; n < full.size(); ++n) {
    OpsTable out;
    std::string error;
    EXPECT_FALSE(decode(full.data(), n, out, error)) << "prefix " << n;
    EXPECT_FALSE(error.empty());
    if (n >= 16) {
      std::vector<uint8_t> cut(full.begin(), full.begin() + n);
      uint32_t payload = static_cast<uint32_t>(n - 16);
      std::memcpy(cut.data() + 12, &payload, 4);
      EXPECT_FALSE(decodeBytes(cut, out, error)) << "patched prefix " << n;
    }
  }
}

TEST(TbinMeta, TruncatedNameMessage) {
  std::vector<uint8_t> full = encode(sampleMeta());
  // Header (16) + module name length (4) + 1 byte of "mlp".
  std::vector<uint8_t> cut(full.begin(), full.begin() + 21);
  uint32_t payload = 5;
  std::memcpy(cut.data() + 12, &payload, 4);
  ModuleMeta out;
  std::string error;
  ASSERT_FALSE(decodeBytes(cut, out, error));
  EXPECT_EQ(error, "truncated module name at byte 20");
}

TEST(TbinMeta, BadMagic) {
  std::vector<uint8_t> b = encode(sampleMeta());
  b[0] = 'X';
  ModuleMeta out;
  std::string error;
  EXPECT_FALSE(decodeBytes(b, out, error));
  EXPECT_NE(error.find("bad magic"), std::string::npos) << error;

  // An ops section is not a meta section, and vice versa.
  std::vector<uint8_t> ops = encode(sampleOps());
  EXPECT_FALSE(decodeBytes(ops, out, error));
  EXPECT_NE(error.find("bad magic"), std::string::npos) << error;
  OpsTable t;
  EXPECT_FALSE(decodeBytes(encode(sampleMeta()), t, error));
  EXPECT_NE(error.find("bad magic"), std::string::npos) << error;
}

TEST(TbinMeta, WrongMajorVersion) {
  for (uint16_t major : {uint16_t(0), uint16_t(kFormatMajor + 1)}) {
    std::vector<uint8_t> b = encode(sampleMeta());
    std::memcpy(b.data() + 8, &major, 2);
    ModuleMeta out;
    std::string error;
    EXPECT_FALSE(decodeBytes(b, out, error));
    std::string version =
        std::to_string(major) + "." + std::to_string(kFormatMinor);
    EXPECT_EQ(error,
              ".tessera.meta format version " + version +
                  " is not supported (this runtime reads " +
                  std::to_string(kFormatMajor) + ".x); " +
                  (major == 0 ? "recompile the module with a current tesserac"
                              : "it needs a newer runtime") +
                  " at byte 16");
  }
}

TEST(TbinMeta, NewerMinorVersionIsAccepted) {
  std::vector<uint8_t> b = encode(sampleMeta());
  uint16_t minor = kFormatMinor + 1;
  std::memcpy(b.data() + 10, &minor, 2);
  ModuleMeta out;
  std::string error;
  EXPECT_TRUE(decodeBytes(b, out, error)) << error;
}

TEST(TbinMeta, TrailingBytes) {
  for (bool patchSize : {false, true}) {
    std::vector<uint8_t> b = encode(sampleMeta());
    b.push_back(0);
    if (patchSize) {
      uint32_t payload = static_cast<uint32_t>(b.size() - 16);
      std::memcpy(b.data() + 12, &payload, 4);
    }
    ModuleMeta out;
    std::string error;
    EXPECT_FALSE(decodeBytes(b, out, error));
    EXPECT_NE(error.find(patchSize ? "trailing bytes" : "payload size"),
              std::string::npos)
        << error;
  }
  std::vector<uint8_t> b = encode(sampleOps());
  b.push_back(0);
  uint32_t payload = static_cast<uint32_t>(b.size() - 16);
  std::memcpy(b.data() + 12, &payload, 4);
  OpsTable out;
  std::string error;
  EXPECT_FALSE(decodeBytes(b, out, error));
  EXPECT_NE(error.find("trailing bytes"), std::string::npos) << error;
}

TEST(TbinMeta, UnknownDTypeAndUnboundDim) {
  ModuleMeta m = sampleMeta();
  m.entries[0].inputs[0].dtype = static_cast<DType>(42);
  ModuleMeta out;
  std::string error;
  EXPECT_FALSE(decodeBytes(encode(m), out, error));
  EXPECT_NE(error.find("unknown dtype code 42"), std::string::npos) << error;

  m = sampleMeta();
  m.entries[0].outputs[0].dims[0].symbol = "Q";
  EXPECT_FALSE(decodeBytes(encode(m), out, error));
  EXPECT_NE(error.find("unbound dim 'Q'"), std::string::npos) << error;
}

// A dim may be an extent computed from a bound dim (`B-1`), not from an
// unbound one.
TEST(TbinMeta, OutputExtentsComputedFromDims) {
  ModuleMeta m = sampleMeta();
  m.entries[0].outputs[0].dims[0].symbol = "(B+1)/2-1";
  ModuleMeta out;
  std::string error;
  ASSERT_TRUE(decodeBytes(encode(m), out, error)) << error;
  EXPECT_EQ(out.entries[0].outputs[0].dims[0].symbol, "(B+1)/2-1");

  m.entries[0].outputs[0].dims[0].symbol = "Q-1";
  EXPECT_FALSE(decodeBytes(encode(m), out, error));
  EXPECT_NE(error.find("unbound dim 'Q-1'"), std::string::npos) << error;

  m = sampleMeta();
  m.entries[0].inputs[1].dims[0].symbol = "B-1";
  ASSERT_TRUE(decodeBytes(encode(m), out, error)) << error;
  m.entries[0].inputs[1].dims[0].symbol = "Q/2";
  EXPECT_FALSE(decodeBytes(encode(m), out, error));
  EXPECT_NE(error.find("unbound dim 'Q/2'"), std::string::npos) << error;
}

TEST(TbinMeta, HugeCountsAreRejectedWithoutAllocating) {
  std::vector<uint8_t> b = encode(ModuleMeta{});
  // Payload: three empty strings, then the entry count.
  uint32_t huge = 0xffffffffu;
  std::memcpy(b.data() + 16 + 12, &huge, 4);
  ModuleMeta out;
  std::string error;
  EXPECT_FALSE(decodeBytes(b, out, error));
  EXPECT_NE(error.find("implausible entry count"), std::string::npos) << error;
}

TEST(TbinMeta, DTypeNames) {
  for (uint8_t v = 1; v <= static_cast<uint8_t>(kLastDType); ++v) {
    DType t = static_cast<DType>(v), back;
    ASSERT_TRUE(dtypeFromName(dtypeName(t), back));
    EXPECT_EQ(back, t);
    EXPECT_GT(dtypeSize(t), 0u);
  }
  EXPECT_STREQ(dtypeName(DType::FP8_E4M3), "fp8_e4m3");
  EXPECT_STREQ(dtypeName(DType::FP8_E5M2), "fp8_e5m2");
  EXPECT_EQ(dtypeSize(DType::FP8_E4M3), 1u);
  DType dummy;
  EXPECT_FALSE(dtypeFromName("f128", dummy));
  TensorSig s{"x", DType::F32, {{-1, "N"}, {4, ""}}};
  EXPECT_EQ(formatSignature(s), "f32[N, 4]");
}
