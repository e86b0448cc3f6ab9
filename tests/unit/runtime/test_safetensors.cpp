// .safetensors reading and writing: the exact bytes of a small file, round
// trips of every dtype and of metadata, and the one-line message for each
// kind of malformed file.
#include "tessera/safetensors.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

using namespace tessera;
using safetensors::DType;
using tessera::test::TempDir;

namespace {

// A file with this header text (unpadded) followed by `dataBytes` bytes.
std::vector<uint8_t> fileWith(const std::string &header,
                              std::size_t dataBytes = 0) {
  std::vector<uint8_t> b;
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i)
    b.push_back(static_cast<uint8_t>(n >> (8 * i)));
  b.insert(b.end(), header.begin(), header.end());
  for (std::size_t i = 0; i < dataBytes; ++i)
    b.push_back(static_cast<uint8_t>(i + 1));
  return b;
}

// One tensor named "w".
std::string oneTensor(const std::string &dtype, const std::string &shape,
                      const std::string &offsets) {
  return "{\"w\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape +
         ",\"data_offsets\":" + offsets + "}}";
}

std::string parseError(const std::vector<uint8_t> &bytes) {
  safetensors::File f;
  std::string error;
  EXPECT_FALSE(safetensors::parse(bytes.data(), bytes.size(), "x.safetensors",
                                  f, error));
  EXPECT_EQ(error.find('\n'), std::string::npos) << "not one line: " << error;
  return error;
}

safetensors::Tensor tensor(DType dtype, std::vector<int64_t> shape,
                           std::vector<uint8_t> data) {
  safetensors::Tensor t;
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.data = std::move(data);
  return t;
}

} // namespace

TEST(Safetensors, WritesTheExactBytesOfASmallFile) {
  safetensors::File f;
  // Inserted out of name order: the file lists "a" first all the same.
  f.tensors["b"] = tensor(DType::I8, {3}, {1, 2, 3});
  f.tensors["a"] = tensor(DType::F32, {2},
                          {0x00, 0x00, 0x80, 0x3f,   // 1.0f
                           0x00, 0x00, 0x00, 0xc0}); // -2.0f
  f.metadata["step"] = "7";
  f.metadata["note"] = "say \"hi\"\n";

  // Worked out by hand: metadata first with sorted keys, then tensors by
  // name, compact JSON as serde_json writes it. The header is 157 bytes,
  // padded with 3 spaces to 160 = 0xa0, so the data starts at 168.
  const std::string header =
      R"({"__metadata__":{"note":"say \"hi\"\n","step":"7"},)"
      R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
      R"("b":{"dtype":"I8","shape":[3],"data_offsets":[8,11]}})"
      "   ";
  ASSERT_EQ(header.size(), 160u);
  std::vector<uint8_t> expected = {0xa0, 0, 0, 0, 0, 0, 0, 0};
  expected.insert(expected.end(), header.begin(), header.end());
  for (uint8_t byte : {0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0, // a
                       0x01, 0x02, 0x03})                              // b
    expected.push_back(byte);
  ASSERT_EQ(expected.size(), 179u);

  std::vector<uint8_t> bytes;
  std::string error;
  ASSERT_TRUE(safetensors::encode(f, bytes, error)) << error;
  EXPECT_EQ(bytes, expected);

  TempDir dir;
  std::string path = dir.file("small.safetensors");
  ASSERT_TRUE(safetensors::write(path, f, error)) << error;
  EXPECT_EQ(test::readBytes(path), expected);
}

TEST(Safetensors, AnEmptyFileIsAPaddedEmptyObject) {
  std::vector<uint8_t> bytes;
  std::string error;
  ASSERT_TRUE(safetensors::encode({}, bytes, error)) << error;
  std::vector<uint8_t> expected = {8,   0,   0,   0,   0,   0,   0,   0,
                                   '{', '}', ' ', ' ', ' ', ' ', ' ', ' '};
  EXPECT_EQ(bytes, expected);
  safetensors::File f;
  ASSERT_TRUE(safetensors::parse(bytes.data(), bytes.size(), "e", f, error))
      << error;
  EXPECT_TRUE(f.tensors.empty());
  EXPECT_TRUE(f.metadata.empty());
}

TEST(Safetensors, RoundTripEveryDType) {
  TempDir dir;
  const DType types[] = {DType::F64,     DType::F32,    DType::F16,
                         DType::BF16,    DType::I64,    DType::I32,
                         DType::I8,      DType::U8,     DType::Bool,
                         DType::F8_E4M3, DType::F8_E5M2};
  const std::vector<std::vector<int64_t>> shapes = {
      {}, {5}, {2, 3}, {0, 4}, {1, 2, 3, 1}};
  // All dtypes and shapes in one file, and each dtype in a file of its own.
  safetensors::File all;
  for (DType t : types) {
    safetensors::File one;
    for (std::size_t s = 0; s < shapes.size(); ++s) {
      safetensors::Tensor x;
      x.dtype = t;
      x.shape = shapes[s];
      x.data.resize(static_cast<std::size_t>(x.numElements()) *
                    safetensors::dtypeSize(t));
      for (std::size_t i = 0; i < x.data.size(); ++i)
        x.data[i] = t == DType::Bool ? i % 2 : static_cast<uint8_t>(i * 3 + s);
      std::string name =
          std::string(safetensors::dtypeName(t)) + "." + std::to_string(s);
      one.tensors[name] = x;
      all.tensors[name] = x;
    }
    std::string path =
        dir.file(std::string(safetensors::dtypeName(t)) + ".safetensors");
    std::string error;
    ASSERT_TRUE(safetensors::write(path, one, error)) << error;
    safetensors::File back;
    ASSERT_TRUE(safetensors::read(path, back, error)) << error;
    ASSERT_EQ(back.tensors.size(), one.tensors.size());
    for (const auto &[name, x] : one.tensors) {
      const safetensors::Tensor &y = back.tensors.at(name);
      EXPECT_EQ(y.dtype, t) << name;
      EXPECT_EQ(y.shape, x.shape) << name;
      EXPECT_EQ(y.data, x.data) << name;
    }
  }
  std::vector<uint8_t> bytes;
  std::string error;
  ASSERT_TRUE(safetensors::encode(all, bytes, error)) << error;
  // The header is padded so that the data starts 8-byte aligned.
  uint64_t headerSize = 0;
  std::memcpy(&headerSize, bytes.data(), 8);
  EXPECT_EQ(headerSize % 8, 0u);
  safetensors::File back;
  ASSERT_TRUE(
      safetensors::parse(bytes.data(), bytes.size(), "all", back, error))
      << error;
  ASSERT_EQ(back.tensors.size(), all.tensors.size());
  for (const auto &[name, x] : all.tensors) {
    const safetensors::Tensor &y = back.tensors.at(name);
    EXPECT_EQ(y.dtype, x.dtype) << name;
    EXPECT_EQ(y.shape, x.shape) << name;
    EXPECT_EQ(y.data, x.data) << name;
  }
}

TEST(Safetensors, MetadataRoundTrip) {
  safetensors::File f;
  f.metadata["step"] = "1200";
  f.metadata["optimizer"] = "adam";
  f.metadata["optimizer.state"] = "m,v";
  f.metadata["empty"] = "";
  f.metadata["escapes \"\\/\b\f\n\r\t\x01\x1f"] = "value\twith\ttabs";
  f.metadata["unicode"] = "\xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80"; // été, U+1F600
  f.tensors["w"] = tensor(DType::F32, {1}, {0, 0, 0x80, 0x3f});
  TempDir dir;
  std::string path = dir.file("meta.safetensors");
  std::string error;
  ASSERT_TRUE(safetensors::write(path, f, error)) << error;
  safetensors::File back;
  ASSERT_TRUE(safetensors::read(path, back, error)) << error;
  EXPECT_EQ(back.metadata, f.metadata);
  EXPECT_EQ(back.tensors.at("w").data, f.tensors.at("w").data);
}

TEST(Safetensors, ReadsWhatOtherWritersWrite) {
  // Whitespace, \u escapes (a surrogate pair too), unknown keys skipped,
  // tensors not in data order (the reference orders by dtype first), and no
  // padding.
  std::string header = " { \"__metadata__\" : { \"format\" : \"pt\" } ,\n"
                       "  \"\\u00e9\\ud83d\\ude00\" : {\"data_offsets\": [4, "
                       "6], \"shape\": [2], \"dtype\": \"U8\", \"x\": [{}, "
                       "-1.5e3, true, null]},\n"
                       "  \"a/b\" : {\"dtype\": \"F32\", \"shape\": [], "
                       "\"data_offsets\": [0, 4]} }  ";
  std::vector<uint8_t> bytes = fileWith(header, 6);
  safetensors::File f;
  std::string error;
  ASSERT_TRUE(safetensors::parse(bytes.data(), bytes.size(), "x", f, error))
      << error;
  EXPECT_EQ(f.metadata.at("format"), "pt");
  ASSERT_EQ(f.tensors.size(), 2u);
  const safetensors::Tensor &u = f.tensors.at("\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(u.dtype, DType::U8);
  EXPECT_EQ(u.data, (std::vector<uint8_t>{5, 6}));
  const safetensors::Tensor &a = f.tensors.at("a/b");
  EXPECT_EQ(a.shape, std::vector<int64_t>{});
  EXPECT_EQ(a.data, (std::vector<uint8_t>{1, 2, 3, 4}));
}

TEST(Safetensors, ZeroSizedTensorsMayShareAnOffset) {
  std::string header =
      R"({"e":{"dtype":"F32","shape":[0,3],"data_offsets":[4,4]},)"
      R"("f":{"dtype":"I8","shape":[0],"data_offsets":[4,4]},)"
      R"("g":{"dtype":"I32","shape":[1],"data_offsets":[0,4]}})";
  std::vector<uint8_t> bytes = fileWith(header, 4);
  safetensors::File f;
  std::string error;
  ASSERT_TRUE(safetensors::parse(bytes.data(), bytes.size(), "x", f, error))
      << error;
  EXPECT_TRUE(f.tensors.at("e").data.empty());
  EXPECT_EQ(f.tensors.at("e").shape, (std::vector<int64_t>{0, 3}));
}

TEST(Safetensors, BoolBytesAreReadAsZeroOrOne) {
  std::vector<uint8_t> bytes = fileWith(oneTensor("BOOL", "[3]", "[0,3]"), 0);
  bytes.insert(bytes.end(), {0, 2, 255});
  safetensors::File f;
  std::string error;
  ASSERT_TRUE(safetensors::parse(bytes.data(), bytes.size(), "x", f, error))
      << error;
  EXPECT_EQ(f.tensors.at("w").data, (std::vector<uint8_t>{0, 1, 1}));
}

TEST(Safetensors, MapsToRuntimeDTypes) {
  tbin::DType rt;
  ASSERT_TRUE(safetensors::toRuntimeDType(DType::BF16, rt));
  EXPECT_EQ(rt, tbin::DType::BF16);
  ASSERT_TRUE(safetensors::toRuntimeDType(DType::Bool, rt));
  EXPECT_EQ(rt, tbin::DType::Bool);
  EXPECT_FALSE(safetensors::toRuntimeDType(DType::U8, rt));
  // fp8 under the names safetensors (and PyTorch) use.
  ASSERT_TRUE(safetensors::toRuntimeDType(DType::F8_E4M3, rt));
  EXPECT_EQ(rt, tbin::DType::FP8_E4M3);
  ASSERT_TRUE(safetensors::toRuntimeDType(DType::F8_E5M2, rt));
  EXPECT_EQ(rt, tbin::DType::FP8_E5M2);
  EXPECT_STREQ(safetensors::dtypeName(DType::F8_E4M3), "F8_E4M3");
  EXPECT_STREQ(safetensors::dtypeName(DType::F8_E5M2), "F8_E5M2");
  EXPECT_EQ(safetensors::dtypeSize(DType::F8_E5M2), 1u);
  for (uint8_t v = 1; v <= static_cast<uint8_t>(tbin::kLastDType); ++v) {
    auto t = static_cast<tbin::DType>(v);
    DType st;
    ASSERT_TRUE(safetensors::fromRuntimeDType(t, st)) << v;
    ASSERT_TRUE(safetensors::toRuntimeDType(st, rt));
    EXPECT_EQ(rt, t);
    EXPECT_EQ(safetensors::dtypeSize(st), tbin::dtypeSize(t));
  }
  DType st;
  EXPECT_FALSE(safetensors::fromRuntimeDType(static_cast<tbin::DType>(99), st));
}

TEST(Safetensors, RefusesToWriteInconsistentTensors) {
  std::vector<uint8_t> bytes;
  std::string error;
  safetensors::File f;
  f.tensors["w"] = tensor(DType::F32, {2, 2}, std::vector<uint8_t>(12));
  EXPECT_FALSE(safetensors::encode(f, bytes, error));
  EXPECT_EQ(error,
            "tensor \"w\": data is 12 bytes, shape [2, 2] of F32 needs 16");

  f.tensors["w"] = tensor(DType::I8, {2, -1}, {});
  EXPECT_FALSE(safetensors::encode(f, bytes, error));
  EXPECT_EQ(error, "tensor \"w\": shape [2, -1] has a negative dimension");

  f.tensors.clear();
  f.tensors["__metadata__"] = tensor(DType::I8, {0}, {});
  EXPECT_FALSE(safetensors::encode(f, bytes, error));
  EXPECT_EQ(error, "\"__metadata__\" is reserved and cannot name a tensor");

  f.tensors.clear();
  f.metadata["k"] = "\xff";
  TempDir dir;
  std::string path = dir.file("bad.safetensors");
  EXPECT_FALSE(safetensors::write(path, f, error));
  EXPECT_EQ(error, path + ": metadata value of \"k\" is not valid UTF-8");
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(Safetensors, WriteIsAtomicAndLeavesNoTemporaries) {
  TempDir dir;
  std::string path = dir.file("w.safetensors");
  test::writeBytes(path, {'o', 'l', 'd'});
  safetensors::File f;
  f.tensors["w"] = tensor(DType::I32, {1}, {1, 0, 0, 0});
  std::string error;
  ASSERT_TRUE(safetensors::write(path, f, error)) << error;
  std::size_t files = 0;
  for (const auto &entry : std::filesystem::directory_iterator(dir.path())) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 1u);
  safetensors::File back;
  ASSERT_TRUE(safetensors::read(path, back, error)) << error;
  EXPECT_EQ(back.tensors.at("w").data, f.tensors.at("w").data);

  EXPECT_FALSE(
      safetensors::write(dir.file("no/such/dir.safetensors"), f, error));
  EXPECT_EQ(error, dir.file("no/such/dir.safetensors") +
                       ": No such file or directory");
}

TEST(Safetensors, ReadReportsTheSystemError) {
  safetensors::File f;
  std::string error;
  EXPECT_FALSE(safetensors::read("/nonexistent/x.safetensors", f, error));
  EXPECT_EQ(error, "/nonexistent/x.safetensors: No such file or directory");
}

// Malformed files: each message is exact, one line, and starts with the name.

TEST(SafetensorsMalformed, ShorterThanTheLength) {
  EXPECT_EQ(parseError({1, 0, 0, 0, 0}),
            "x.safetensors: truncated (5 bytes, less than the 8-byte header "
            "length)");
}

TEST(SafetensorsMalformed, HeaderLengthPastTheEnd) {
  std::vector<uint8_t> bytes = fileWith("{}        ");
  bytes[0] = 100;
  EXPECT_EQ(parseError(bytes),
            "x.safetensors: truncated (header length 100 runs past the end of "
            "the file, 10 bytes after the length)");
}

TEST(SafetensorsMalformed, AbsurdHeaderLength) {
  std::vector<uint8_t> bytes = fileWith("{}");
  for (int i = 0; i < 8; ++i)
    bytes[i] = 0xff;
  EXPECT_EQ(parseError(bytes),
            "x.safetensors: header length 18446744073709551615 is over the "
            "limit of 100000000 bytes");
}

TEST(SafetensorsMalformed, InvalidJson) {
  EXPECT_EQ(parseError(fileWith(R"({"a" 1})")),
            "x.safetensors: header is not valid JSON: expected ':' after an "
            "object key at offset 5");
  EXPECT_EQ(parseError(fileWith(R"({"__metadata__":{},})")),
            "x.safetensors: header is not valid JSON: expected a string as "
            "object key at offset 19");
  EXPECT_EQ(parseError(fileWith("{} x")),
            "x.safetensors: header is not valid JSON: unexpected text after "
            "the value at offset 3");
  EXPECT_EQ(parseError(fileWith("")),
            "x.safetensors: header is not valid JSON: unexpected end of text "
            "at offset 0");
  EXPECT_EQ(parseError(fileWith(R"({"w":{"dtype":"F32)")),
            "x.safetensors: header is not valid JSON: unterminated string at "
            "offset 18");
}

TEST(SafetensorsMalformed, NotAnObject) {
  EXPECT_EQ(parseError(fileWith("[1, 2]")),
            "x.safetensors: header must be a JSON object, found an array");
  EXPECT_EQ(parseError(fileWith(R"({"w":3})")),
            "x.safetensors: tensor \"w\": must be an object, found a number");
  EXPECT_EQ(parseError(fileWith(R"({"__metadata__":[]})")),
            "x.safetensors: \"__metadata__\": must be an object, found an "
            "array");
}

TEST(SafetensorsMalformed, BadStrings) {
  EXPECT_EQ(parseError(fileWith(R"({"\q":{}})")),
            "x.safetensors: header is not valid JSON: invalid escape in a "
            "string at offset 3");
  EXPECT_EQ(parseError(fileWith(R"({"\ud800x":{}})")),
            "x.safetensors: header is not valid JSON: unpaired surrogate in "
            "\\u escape at offset 8");
  EXPECT_EQ(parseError(fileWith(R"({"\u12G4":{}})")),
            "x.safetensors: header is not valid JSON: expected 4 hex digits "
            "after \\u at offset 6");
  EXPECT_EQ(parseError(fileWith("{\"a\tb\":{}}")),
            "x.safetensors: header is not valid JSON: control character in a "
            "string at offset 3");
  EXPECT_EQ(parseError(fileWith("{\"\xc3\x28\":{}}")),
            "x.safetensors: header is not valid UTF-8 (offset 2)");
}

TEST(SafetensorsMalformed, UnknownDType) {
  EXPECT_EQ(parseError(fileWith(oneTensor("I16", "[1]", "[0,2]"), 2)),
            "x.safetensors: tensor \"w\": unsupported dtype \"I16\" "
            "(supported: F64 F32 F16 BF16 I64 I32 I8 U8 BOOL F8_E4M3 "
            "F8_E5M2)");
  EXPECT_EQ(parseError(fileWith(
                R"({"w":{"dtype":4,"shape":[],"data_offsets":[0,4]}})", 4)),
            "x.safetensors: tensor \"w\": \"dtype\" must be a string, found a "
            "number");
}

TEST(SafetensorsMalformed, SizeDoesNotMatchShape) {
  EXPECT_EQ(parseError(fileWith(oneTensor("F32", "[2,2]", "[0,12]"), 12)),
            "x.safetensors: tensor \"w\": data_offsets [0, 12] hold 12 bytes, "
            "but shape [2, 2] of F32 needs 16");
}

TEST(SafetensorsMalformed, OffsetsOutOfRange) {
  EXPECT_EQ(parseError(fileWith(oneTensor("F32", "[4]", "[0,16]"), 8)),
            "x.safetensors: tensor \"w\": data_offsets [0, 16] run past the "
            "end of the data (8 bytes)");
  EXPECT_EQ(parseError(fileWith(oneTensor("I8", "[0]", "[8,4]"), 8)),
            "x.safetensors: tensor \"w\": data_offsets [8, 4] end before they "
            "begin");
}

TEST(SafetensorsMalformed, BadOffsetsForm) {
  EXPECT_EQ(parseError(fileWith(oneTensor("I8", "[0]", "[0]"))),
            "x.safetensors: tensor \"w\": \"data_offsets\" must be [begin, "
            "end], found 1 element");
  EXPECT_EQ(parseError(fileWith(oneTensor("I8", "[0]", "[0,0,0]"))),
            "x.safetensors: tensor \"w\": \"data_offsets\" must be [begin, "
            "end], found more than 2 elements");
  EXPECT_EQ(parseError(fileWith(oneTensor("I8", "[0]", "{}"))),
            "x.safetensors: tensor \"w\": \"data_offsets\" must be [begin, "
            "end], found an object");
}

TEST(SafetensorsMalformed, Overlap) {
  std::string header =
      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
      R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})";
  EXPECT_EQ(parseError(fileWith(header, 12)),
            "x.safetensors: tensors \"a\" and \"b\" overlap (data bytes [0, 8) "
            "and [4, 12))");
}

TEST(SafetensorsMalformed, GapBetweenTensors) {
  std::string header =
      R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
      R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})";
  EXPECT_EQ(parseError(fileWith(header, 12)),
            "x.safetensors: no tensor holds data bytes [4, 8) (a gap before "
            "tensor \"b\")");
  EXPECT_EQ(parseError(fileWith(oneTensor("I32", "[1]", "[4,8]"), 8)),
            "x.safetensors: no tensor holds data bytes [0, 4) (a gap before "
            "tensor \"w\")");
}

TEST(SafetensorsMalformed, TrailingData) {
  EXPECT_EQ(parseError(fileWith(oneTensor("I32", "[1]", "[0,4]"), 6)),
            "x.safetensors: no tensor holds data bytes [4, 6) (after the last "
            "tensor)");
  EXPECT_EQ(parseError(fileWith("{}", 3)),
            "x.safetensors: no tensor holds data bytes [0, 3) (there are no "
            "tensors)");
}

TEST(SafetensorsMalformed, DuplicateNames) {
  std::string t = R"({"dtype":"I8","shape":[0],"data_offsets":[0,0]})";
  EXPECT_EQ(parseError(fileWith("{\"w\":" + t + ",\"w\":" + t + "}")),
            "x.safetensors: duplicate tensor \"w\"");
  EXPECT_EQ(
      parseError(fileWith(
          R"({"w":{"dtype":"I8","shape":[0],"shape":[0],"data_offsets":[0,0]}})")),
      "x.safetensors: tensor \"w\": duplicate key \"shape\"");
  EXPECT_EQ(parseError(fileWith(R"({"__metadata__":{},"__metadata__":{}})")),
            "x.safetensors: duplicate \"__metadata__\"");
  EXPECT_EQ(parseError(fileWith(R"({"__metadata__":{"k":"1","k":"2"}})")),
            "x.safetensors: \"__metadata__\": duplicate key \"k\"");
}

TEST(SafetensorsMalformed, MissingKey) {
  EXPECT_EQ(parseError(fileWith(R"({"w":{"shape":[0],"data_offsets":[0,0]}})")),
            "x.safetensors: tensor \"w\": missing \"dtype\"");
  EXPECT_EQ(parseError(fileWith(R"({"w":{"dtype":"I8","shape":[0]}})")),
            "x.safetensors: tensor \"w\": missing \"data_offsets\"");
}

TEST(SafetensorsMalformed, NegativeDimension) {
  // '-' is at offset 29 of {"w":{"dtype":"F32","shape":[-1],...
  EXPECT_EQ(parseError(fileWith(oneTensor("F32", "[-1]", "[0,0]"))),
            "x.safetensors: tensor \"w\": \"shape\": expected a non-negative "
            "integer, found a negative number at offset 29");
  EXPECT_EQ(
      parseError(fileWith(oneTensor("F32", "[2.5]", "[0,10]"), 10)),
      "x.safetensors: tensor \"w\": \"shape\": expected an integer, found "
      "a fraction or exponent at offset 29");
  EXPECT_EQ(parseError(fileWith(oneTensor("F32", "[\"2\"]", "[0,8]"), 8)),
            "x.safetensors: tensor \"w\": \"shape\": expected a non-negative "
            "integer, found a string");
}

TEST(SafetensorsMalformed, AbsurdDimensions) {
  // The product overflows 64 bits, whatever the order of the dimensions.
  EXPECT_EQ(parseError(
                fileWith(oneTensor("F32", "[4294967296,4294967296]", "[0,0]"))),
            "x.safetensors: tensor \"w\": shape [4294967296, 4294967296] of "
            "F32 is too large");
  EXPECT_EQ(
      parseError(fileWith(oneTensor("I8", "[9223372036854775808]", "[0,0]"))),
      "x.safetensors: tensor \"w\": dimension 9223372036854775808 is too "
      "large");
  EXPECT_EQ(
      parseError(fileWith(oneTensor("I8", "[18446744073709551616]", "[0,0]"))),
      "x.safetensors: tensor \"w\": \"shape\": integer larger than 2^64 "
      "- 1 at offset 28");
  std::string rank65 = "[1";
  for (int i = 1; i < 65; ++i)
    rank65 += ",1";
  EXPECT_EQ(parseError(fileWith(oneTensor("I8", rank65 + "]", "[0,1]"), 1)),
            "x.safetensors: tensor \"w\": \"shape\" has more than 64 "
            "dimensions");
}

TEST(SafetensorsMalformed, MetadataValueNotAString) {
  EXPECT_EQ(parseError(fileWith(R"({"__metadata__":{"step":7}})")),
            "x.safetensors: \"__metadata__\": value of \"step\" must be a "
            "string, found a number");
}

TEST(SafetensorsMalformed, NestingTooDeep) {
  // Unknown keys are skipped, but never deeper than 64 levels: the header
  // object and the tensor's take 2, so the 63rd '[' is one too many.
  std::string deep(100, '[');
  std::string header = R"({"w":{"x":)" + deep;
  EXPECT_EQ(parseError(fileWith(header)),
            "x.safetensors: header is not valid JSON: nesting deeper than 64 "
            "levels at offset 72");
}
