// .npy reading and writing: round trips for every dtype, versions 1-3, and
// clear rejection of malformed headers, truncated data and fortran order.
#include "io/npy_header.hpp"
#include "tessera/npy.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

using namespace tessera;
using tessera::test::TempDir;

namespace {

// The bytes of a .npy file with this header text, padded as numpy does.
std::vector<uint8_t> npyFile(const std::string &dict, std::size_t dataBytes,
                             int major = 1) {
  std::string header = dict;
  std::size_t lenSize = major == 1 ? 2 : 4;
  std::size_t preamble = 8 + lenSize;
  header.append((64 - (preamble + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::vector<uint8_t> b = {
      0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<uint8_t>(major), 0};
  uint32_t len = static_cast<uint32_t>(header.size());
  for (std::size_t i = 0; i < lenSize; ++i)
    b.push_back(static_cast<uint8_t>(len >> (8 * i)));
  b.insert(b.end(), header.begin(), header.end());
  for (std::size_t i = 0; i < dataBytes; ++i)
    b.push_back(static_cast<uint8_t>(i * 7 + 1));
  return b;
}

std::string parseError(const std::vector<uint8_t> &bytes) {
  npy::Array a;
  std::string error;
  EXPECT_FALSE(npy::parse(bytes.data(), bytes.size(), "x.npy", a, error));
  return error;
}

} // namespace

TEST(Npy, RoundTripEveryDType) {
  TempDir dir;
  const tbin::DType types[] = {
      tbin::DType::F32, tbin::DType::F64, tbin::DType::F16,  tbin::DType::I32,
      tbin::DType::I64, tbin::DType::I8,  tbin::DType::Bool, tbin::DType::C64};
  for (tbin::DType t : types) {
    for (const std::vector<int64_t> &shape :
         {std::vector<int64_t>{}, {5}, {2, 3}, {0, 4}, {1, 2, 3, 1}}) {
      npy::Array a;
      a.dtype = t;
      a.shape = shape;
      a.data.resize(static_cast<std::size_t>(a.numElements()) *
                    tbin::dtypeSize(t));
      for (std::size_t i = 0; i < a.data.size(); ++i)
        a.data[i] = t == tbin::DType::Bool ? i % 2 : static_cast<uint8_t>(i);
      std::string path = dir.file(std::string(tbin::dtypeName(t)) + ".npy");
      std::string error;
      ASSERT_TRUE(npy::write(path, a, error)) << error;
      std::vector<uint8_t> bytes = test::readBytes(path);
      // Data starts on a 64-byte boundary, as numpy writes it.
      EXPECT_EQ((bytes.size() - a.data.size()) % 64, 0u);
      npy::Array b;
      ASSERT_TRUE(npy::read(path, b, error)) << error;
      EXPECT_EQ(b.dtype, t);
      EXPECT_EQ(b.shape, a.shape);
      EXPECT_EQ(b.data, a.data);
    }
  }
}

TEST(Npy, WriteIsAtomicAndLeavesNoTemporaries) {
  TempDir dir;
  npy::Array a;
  a.shape = {2};
  a.data.assign(8, 0);
  std::string error;
  ASSERT_TRUE(npy::write(dir.file("out.npy"), a, error)) << error;
  a.shape = {3};
  a.data.assign(12, 1);
  ASSERT_TRUE(npy::write(dir.file("out.npy"), a, error)) << error;
  int files = 0;
  for (const auto &entry : std::filesystem::directory_iterator(dir.path())) {
    ++files;
    EXPECT_EQ(entry.path().filename(), "out.npy");
  }
  EXPECT_EQ(files, 1);
  npy::Array b;
  ASSERT_TRUE(npy::read(dir.file("out.npy"), b, error)) << error;
  EXPECT_EQ(b.shape, std::vector<int64_t>{3});
}

TEST(Npy, WriteErrors) {
  // .npy has no bf16 (`tessera run` widens it to float32 first:
  // test_npy_bfloat16.cpp).
  TempDir dir;
  npy::Array a;
  a.dtype = tbin::DType::BF16;
  a.shape = {1};
  a.data.assign(2, 0);
  std::string error;
  EXPECT_FALSE(npy::write(dir.file("b.npy"), a, error));
  EXPECT_EQ(error, dir.file("b.npy") + ": cannot store bf16 in a .npy file");
  a.dtype = tbin::DType::F32;
  EXPECT_FALSE(npy::write(dir.file("c.npy"), a, error));
  EXPECT_NE(error.find("does not match shape (1,)"), std::string::npos);
  a.data.assign(4, 0);
  EXPECT_FALSE(npy::write(dir.file("missing/d.npy"), a, error));
  EXPECT_EQ(error, dir.file("missing/d.npy") + ": No such file or directory");
}

TEST(Npy, ReadsVersions2And3) {
  for (int major : {2, 3}) {
    auto bytes = npyFile(
        "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", 16, major);
    npy::Array a;
    std::string error;
    ASSERT_TRUE(npy::parse(bytes.data(), bytes.size(), "x.npy", a, error))
        << error;
    EXPECT_EQ(a.dtype, tbin::DType::I64);
    EXPECT_EQ(a.shape, std::vector<int64_t>{2});
  }
}

TEST(Npy, HeaderSyntaxVariants) {
  // Any key order, double quotes, no trailing comma, Python 2 longs.
  auto bytes = npyFile(
      "{\"shape\": (2, 3L), \"fortran_order\": False, \"descr\": \"|b1\"}", 6);
  npy::Array a;
  std::string error;
  ASSERT_TRUE(npy::parse(bytes.data(), bytes.size(), "x.npy", a, error))
      << error;
  EXPECT_EQ(a.dtype, tbin::DType::Bool);
  EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 3}));
  for (uint8_t v : a.data)
    EXPECT_LE(v, 1); // booleans normalized to 0/1
}

TEST(Npy, BadMagic) {
  EXPECT_EQ(parseError({}), "x.npy: not a .npy file (bad magic)");
  EXPECT_EQ(parseError({'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0}),
            "x.npy: not a .npy file (bad magic)");
}

TEST(Npy, UnsupportedVersion) {
  auto bytes = npyFile("{}", 0);
  bytes[6] = 4;
  EXPECT_EQ(parseError(bytes), "x.npy: unsupported .npy format version 4.0");
}

TEST(Npy, EveryTruncationIsRejected) {
  auto full =
      npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", 16);
  for (std::size_t n = 0; n < full.size(); ++n) {
    std::vector<uint8_t> cut(full.begin(), full.begin() + n);
    EXPECT_FALSE(parseError(cut).empty()) << "prefix " << n;
  }
  std::vector<uint8_t> cut(full.begin(), full.end() - 4);
  EXPECT_EQ(parseError(cut), "x.npy: data is 12 bytes, shape (4,) of f32 "
                             "needs 16");
  std::vector<uint8_t> header(full.begin(), full.begin() + 30);
  EXPECT_EQ(parseError(header),
            "x.npy: truncated (header of 118 bytes runs past end of file)");
}

TEST(Npy, ExtraDataIsRejected) {
  auto bytes =
      npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", 20);
  EXPECT_EQ(parseError(bytes),
            "x.npy: data is 20 bytes, shape (4,) of f32 needs 16");
}

TEST(Npy, FortranOrderIsRejected) {
  auto bytes =
      npyFile("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", 16);
  EXPECT_EQ(parseError(bytes),
            "x.npy: fortran_order arrays are not supported; save a C-ordered "
            "array (numpy.ascontiguousarray)");
}

TEST(Npy, UnsupportedDTypes) {
  for (const char *descr : {">f4", "<u4", "<c16", "<U3", "|O", "<f16"}) {
    auto bytes = npyFile(std::string("{'descr': '") + descr +
                             "', 'fortran_order': False, 'shape': (1,), }",
                         4);
    EXPECT_EQ(parseError(bytes),
              std::string("x.npy: unsupported dtype '") + descr +
                  "' (supported: <f4 <f8 <f2 <i4 <i8 |i1 |b1 <c8)");
  }
}

TEST(Npy, BadHeaders) {
  struct Case {
    const char *dict;
    const char *message;
  } cases[] = {
      {"", "expected '{' at the start of the header at offset 54"},
      {"{'descr': '<f4', 'fortran_order': False}", "header lacks key 'shape'"},
      {"{'descr': '<f4', 'shape': (1,)}", "header lacks key 'fortran_order'"},
      {"{'descr' '<f4'}", "expected ':' after key 'descr' at offset 9"},
      {"{'descr': '<f4", "unterminated string at offset 53"},
      {"{'descr': [('a', '<f4')]}", "structured dtypes are not supported at "
                                    "offset 10"},
      {"{'descr': '<f4', 'fortran_order': false, 'shape': ()}",
       "expected True or False at offset 34"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}",
       "expected a non-negative integer at offset 51"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1 2)}",
       "expected ',' or ')' in the shape at offset 53"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': "
       "(99999999999999999999,)}",
       "dimension too large at offset 69"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}",
       "unexpected key 'x' at offset 60"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} junk",
       "unexpected text after the header dict at offset 56"},
  };
  for (const Case &c : cases) {
    auto bytes = npyFile(c.dict, 0);
    EXPECT_EQ(parseError(bytes),
              std::string("x.npy: bad .npy header: ") + c.message)
        << c.dict;
  }
}

TEST(Npy, HugeShapeIsRejected) {
  auto bytes = npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': "
                       "(4294967296, 4294967296), }",
                       0);
  EXPECT_EQ(parseError(bytes),
            "x.npy: shape (4294967296, 4294967296) is too large");
}

TEST(Npy, MissingFile) {
  npy::Array a;
  std::string error;
  EXPECT_FALSE(npy::read("/nonexistent/dir/x.npy", a, error));
  EXPECT_EQ(error, "/nonexistent/dir/x.npy: No such file or directory");
}

TEST(Npy, ShapeFormatting) {
  EXPECT_EQ(rt::formatNpyShape({}), "()");
  EXPECT_EQ(rt::formatNpyShape({4}), "(4,)");
  EXPECT_EQ(rt::formatNpyShape({2, 3}), "(2, 3)");
}
