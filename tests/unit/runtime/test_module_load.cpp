// Loading real .tbin files (the test fixtures) through the C API and the C++
// wrapper, running them, and the messages for corrupt or foreign modules.
#include "loader/elf_image.hpp"
#include "tessera/tbin_meta.hpp"
#include "tessera/tessera_rt.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <elf.h>

using namespace tessera;

namespace {

// Loads `path` and returns the error message (expecting failure).
std::string
loadError(const std::string &path,
          tessera_status_t expected = TESSERA_ERROR_INVALID_MODULE) {
  tessera_context_t ctx;
  EXPECT_EQ(tessera_context_create("cpu", 1, &ctx), TESSERA_OK);
  tessera_module_t m = nullptr;
  EXPECT_EQ(tessera_module_load(ctx, path.c_str(), &m), expected);
  EXPECT_EQ(m, nullptr);
  std::string error = tessera_last_error();
  tessera_context_destroy(ctx);
  return error;
}

// The fixture's bytes, and where its .tessera.meta/.tessera.ops live.
struct FixtureBytes {
  std::vector<uint8_t> bytes;
  rt::ElfSection meta, ops;
  FixtureBytes() {
    bytes = test::readBytes(TESSERA_TEST_FIXTURE);
    rt::ElfImage image;
    std::string error;
    EXPECT_EQ(rt::parseElf(bytes.data(), bytes.size(), image, error),
              TESSERA_OK)
        << error;
    for (const rt::ElfSection &s : image.sections) {
      if (s.name == TESSERA_META_SECTION)
        meta = s;
      if (s.name == TESSERA_OPS_SECTION)
        ops = s;
    }
    EXPECT_GT(meta.size, 0u);
    EXPECT_GT(ops.size, 0u);
  }
};

std::vector<int64_t> shape1(int64_t n) { return {n}; }

} // namespace

TEST(ModuleLoad, IntrospectsTheFixture) {
  Context ctx("cpu", 2);
  Module m(ctx, TESSERA_TEST_FIXTURE);
  EXPECT_EQ(m.name(), "fixture");
  EXPECT_EQ(m.target(), "x86_64-unknown-linux-gnu");
  EXPECT_EQ(m.policy(), "dtype=f32 accum=f32 deterministic");
  EXPECT_EQ(m.formatVersion(), std::make_pair(uint32_t(3), uint32_t(0)));
  ASSERT_EQ(m.entryNames(), std::vector<std::string>{"skeleton"});
  std::vector<SectionInfo> sections = m.sections();
  ASSERT_EQ(sections.size(), 2u);
  EXPECT_GT(sections[0].size, 16u);

  Function f = m.function("skeleton");
  EXPECT_EQ(f.symbol(), "tessera_entry_skeleton");
  EXPECT_EQ(f.dimNames(), std::vector<std::string>{"N"});
  std::vector<TensorInfo> in = f.inputs(), out = f.outputs();
  ASSERT_EQ(in.size(), 2u);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(in[1].name, "b");
  EXPECT_EQ(in[1].signature(), "f32[N]");
  EXPECT_EQ(out[0].name, "out0");

  std::vector<KernelInfo> k = m.kernels();
  ASSERT_EQ(k.size(), 1u);
  EXPECT_EQ(k[0].name, "add_0");
  EXPECT_EQ(k[0].backend, "cpu");
  EXPECT_EQ(k[0].tile, std::vector<int64_t>{4});
  EXPECT_EQ(k[0].numArgs, 3u);
}

TEST(ModuleLoad, UnknownEntry) {
  Context ctx("cpu", 1);
  Module m(ctx, TESSERA_TEST_FIXTURE_MULTI);
  try {
    m.function("nope");
    FAIL() << "lookup succeeded";
  } catch (const Error &e) {
    EXPECT_EQ(e.status(), TESSERA_ERROR_NOT_FOUND);
    EXPECT_EQ(std::string(e.what()), std::string("no entry 'nope' in ") +
                                         TESSERA_TEST_FIXTURE_MULTI +
                                         " (entries: skeleton, scale)");
  }
}

// Same inputs, any number of threads: the same bits.
TEST(ModuleLoad, InvokeGivesTheSameResultForEveryThreadCount) {
  const int64_t n = 1001; // not a multiple of the tile
  std::vector<float> a(n), b(n);
  for (int64_t i = 0; i < n; ++i) {
    a[i] = 0.5f * static_cast<float>(i);
    b[i] = 1.0f / static_cast<float>(i + 1);
  }
  std::vector<int64_t> shape = shape1(n);
  for (int threads : {1, 2, 3, 8}) {
    Context ctx("cpu", threads);
    Module m(ctx, TESSERA_TEST_FIXTURE);
    Function f = m.function("skeleton");
    std::vector<float> out(n, -1.0f);
    std::vector<tessera_tensor_t> ins = {
        {a.data(), TESSERA_DTYPE_F32, 1, shape.data()},
        {b.data(), TESSERA_DTYPE_F32, 1, shape.data()}};
    EXPECT_EQ(f.outputShape(ins, 0), shape);
    std::vector<tessera_tensor_t> outs = {
        {out.data(), TESSERA_DTYPE_F32, 1, shape.data()}};
    Stream s(ctx);
    f.invoke(ins, outs, &s);
    s.synchronize();
    for (int64_t i = 0; i < n; ++i)
      ASSERT_EQ(out[i], a[i] + b[i])
          << "element " << i << ", " << threads << " threads";
  }
}

TEST(ModuleLoad, InvokeMultiDimEntryAndEmptyTensors) {
  Context ctx("cpu", 3);
  Module m(ctx, TESSERA_TEST_FIXTURE_MULTI);
  Function f = m.function("scale");
  for (int64_t rows : {0, 1, 5}) {
    std::vector<int64_t> shape = {rows, 3};
    std::vector<float> x(rows * 3), y(rows * 3);
    for (std::size_t i = 0; i < x.size(); ++i)
      x[i] = static_cast<float>(i);
    std::vector<tessera_tensor_t> ins = {
        {x.data(), TESSERA_DTYPE_F32, 2, shape.data()}};
    std::vector<tessera_tensor_t> outs = {
        {y.data(), TESSERA_DTYPE_F32, 2, shape.data()}};
    f.invoke(ins, outs);
    for (std::size_t i = 0; i < x.size(); ++i)
      EXPECT_EQ(y[i], 2 * x[i]);
  }
}

TEST(ModuleLoad, InvokeChecksArguments) {
  Context ctx("cpu", 2);
  Module m(ctx, TESSERA_TEST_FIXTURE);
  Function f = m.function("skeleton");
  std::vector<float> a(4), b(3), out(4);
  std::vector<int64_t> s4 = {4}, s3 = {3};
  std::vector<tessera_tensor_t> ins = {
      {a.data(), TESSERA_DTYPE_F32, 1, s4.data()},
      {b.data(), TESSERA_DTYPE_F32, 1, s3.data()}};
  std::vector<tessera_tensor_t> outs = {
      {out.data(), TESSERA_DTYPE_F32, 1, s4.data()}};
  std::size_t failed = 99;
  try {
    f.bindDims(ins, &failed);
    FAIL();
  } catch (const Error &e) {
    EXPECT_EQ(e.status(), TESSERA_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(std::string(e.what()),
              "input 'b' dim 0 is N = 3 here but N = 4 from input 'a'");
    EXPECT_EQ(failed, 1u);
  }
  EXPECT_THROW(f.invoke(ins, outs), Error);

  ins[1].shape = s4.data();
  outs[0].shape = s3.data();
  try {
    f.invoke(ins, outs);
    FAIL();
  } catch (const Error &e) {
    EXPECT_EQ(std::string(e.what()), "output 'out0' expects f32[4], got "
                                     "f32[3]");
  }
}

TEST(ModuleLoad, MissingFileAndDirectory) {
  test::TempDir dir;
  std::string missing = dir.file("model.tbin");
  EXPECT_EQ(loadError(missing, TESSERA_ERROR_IO),
            missing + ": No such file or directory");
  EXPECT_EQ(loadError(dir.path(), TESSERA_ERROR_IO),
            dir.path() + ": Is a directory");
}

TEST(ModuleLoad, NotAModule) {
  test::TempDir dir;
  std::string path = dir.file("model.tbin");
  test::writeBytes(path, {'h', 'e', 'l', 'l', 'o'});
  EXPECT_EQ(loadError(path), path + ": not an ELF file");
  // A perfectly good shared object, but without Tessera metadata.
  EXPECT_EQ(loadError(TESSERA_TEST_SHARED_OBJECT),
            std::string(TESSERA_TEST_SHARED_OBJECT) +
                ": not a Tessera module (no .tessera.meta section)");
}

TEST(ModuleLoad, EveryTruncatedFixtureIsRejected) {
  FixtureBytes fx;
  test::TempDir dir;
  std::string path = dir.file("model.tbin");
  tessera_context_t ctx;
  ASSERT_EQ(tessera_context_create("cpu", 1, &ctx), TESSERA_OK);
  // Through the full loader (file I/O and all) at a stride; the ELF test
  // covers every prefix of the in-memory check.
  for (std::size_t n = 0; n < fx.bytes.size(); n += 97) {
    test::writeBytes(
        path, std::vector<uint8_t>(fx.bytes.begin(), fx.bytes.begin() + n));
    tessera_module_t m = nullptr;
    ASSERT_NE(tessera_module_load(ctx, path.c_str(), &m), TESSERA_OK)
        << "prefix " << n;
    std::string error = tessera_last_error();
    EXPECT_EQ(error.rfind(path + ": ", 0), 0u) << error;
  }
  tessera_context_destroy(ctx);
}

TEST(ModuleLoad, CorruptMetadata) {
  FixtureBytes fx;
  test::TempDir dir;
  std::string path = dir.file("model.tbin");

  // Cut the module name short: the string's length claims more bytes.
  std::vector<uint8_t> b = fx.bytes;
  uint32_t huge = 1000;
  std::memcpy(b.data() + fx.meta.offset + 16, &huge, 4);
  test::writeBytes(path, b);
  EXPECT_EQ(loadError(path),
            path + ": corrupt .tessera.meta: truncated module name at byte 20");

  b = fx.bytes;
  b[fx.meta.offset] = 'X';
  test::writeBytes(path, b);
  EXPECT_EQ(loadError(path), path + ": corrupt .tessera.meta: bad magic in "
                                    ".tessera.meta at byte 8");

  b = fx.bytes;
  b[fx.meta.offset + 8] = 7; // major version 7
  test::writeBytes(path, b);
  EXPECT_EQ(loadError(path, TESSERA_ERROR_UNSUPPORTED),
            path + ": .tessera.meta format version 7." +
                std::to_string(tbin::kFormatMinor) +
                " is not supported (this runtime reads 3.x); it needs a newer "
                "runtime");

  b = fx.bytes;
  b[fx.ops.offset + 20] ^= 0xff; // inside the first kernel's name length
  test::writeBytes(path, b);
  EXPECT_EQ(loadError(path).rfind(path + ": corrupt .tessera.ops: ", 0), 0u);
}

TEST(ModuleLoad, MissingSections) {
  FixtureBytes fx;
  test::TempDir dir;
  std::string path = dir.file("model.tbin");
  // Renaming a section in the string table hides it from the loader.
  rt::ElfImage image;
  std::string error;
  ASSERT_EQ(rt::parseElf(fx.bytes.data(), fx.bytes.size(), image, error),
            TESSERA_OK);
  Elf64_Ehdr eh;
  std::memcpy(&eh, fx.bytes.data(), sizeof eh);
  Elf64_Shdr strtab;
  std::memcpy(&strtab,
              fx.bytes.data() + eh.e_shoff + eh.e_shstrndx * sizeof strtab,
              sizeof strtab);
  const char *names =
      reinterpret_cast<const char *>(fx.bytes.data() + strtab.sh_offset);
  const char *ops = static_cast<const char *>(
      memmem(names, strtab.sh_size, ".tessera.ops", 13));
  ASSERT_NE(ops, nullptr);
  std::vector<uint8_t> b = fx.bytes;
  b[strtab.sh_offset + (ops - names) + 9] = 'O'; // ".tessera.Ops"
  test::writeBytes(path, b);
  EXPECT_EQ(loadError(path),
            path + ": not a Tessera module (no .tessera.ops section)");
}

TEST(ModuleLoad, ForeignMachine) {
  FixtureBytes fx;
  test::TempDir dir;
  std::string path = dir.file("model.tbin");
  std::vector<uint8_t> b = fx.bytes;
  uint16_t machine = EM_AARCH64;
  std::memcpy(b.data() + offsetof(Elf64_Ehdr, e_machine), &machine, 2);
  test::writeBytes(path, b);
  EXPECT_EQ(loadError(path, TESSERA_ERROR_UNSUPPORTED),
            path + ": built for aarch64, this runtime runs x86-64");
}

TEST(ModuleLoad, MissingSymbol) {
  FixtureBytes fx;
  test::TempDir dir;
  std::string path = dir.file("model.tbin");
  // Re-encode the metadata with a symbol the object does not export, same
  // length so that it fits the section exactly.
  tbin::ModuleMeta meta;
  std::string error;
  ASSERT_TRUE(
      tbin::decode(fx.bytes.data() + fx.meta.offset, fx.meta.size, meta, error))
      << error;
  meta.entries[0].symbol = "tessera_entry_skeletoX";
  std::vector<uint8_t> enc = tbin::encode(meta);
  ASSERT_EQ(enc.size(), fx.meta.size);
  std::vector<uint8_t> b = fx.bytes;
  std::memcpy(b.data() + fx.meta.offset, enc.data(), enc.size());
  test::writeBytes(path, b);
  EXPECT_EQ(loadError(path), path + ": entry 'skeleton': symbol "
                                    "'tessera_entry_skeletoX' not found");
}

TEST(ModuleLoad, RelativePathDoesNotSearchLibraryPath) {
  // "fixture.tbin" must mean ./fixture.tbin, never a library-path lookup.
  test::TempDir dir;
  std::string cwd = std::filesystem::current_path().string();
  std::filesystem::copy_file(TESSERA_TEST_FIXTURE, dir.file("fixture.tbin"));
  std::filesystem::current_path(dir.path());
  tessera_context_t ctx;
  ASSERT_EQ(tessera_context_create(nullptr, 1, &ctx), TESSERA_OK);
  tessera_module_t m = nullptr;
  EXPECT_EQ(tessera_module_load(ctx, "fixture.tbin", &m), TESSERA_OK)
      << tessera_last_error();
  tessera_module_unload(m);
  tessera_context_destroy(ctx);
  std::filesystem::current_path(cwd);
}

TEST(ModuleLoad, ModuleOutlivesItsContextHandle) {
  tessera_context_t ctx;
  ASSERT_EQ(tessera_context_create("cpu", 4, &ctx), TESSERA_OK);
  tessera_module_t m = nullptr;
  ASSERT_EQ(tessera_module_load(ctx, TESSERA_TEST_FIXTURE, &m), TESSERA_OK);
  tessera_context_destroy(ctx);
  tessera_function_t f = nullptr;
  ASSERT_EQ(tessera_function_lookup(m, "skeleton", &f), TESSERA_OK);
  float a[5] = {1, 2, 3, 4, 5}, b[5] = {1, 1, 1, 1, 1}, out[5] = {};
  int64_t shape[1] = {5};
  tessera_tensor_t ins[2] = {{a, TESSERA_DTYPE_F32, 1, shape},
                             {b, TESSERA_DTYPE_F32, 1, shape}};
  tessera_tensor_t outs[1] = {{out, TESSERA_DTYPE_F32, 1, shape}};
  ASSERT_EQ(tessera_invoke(f, nullptr, ins, 2, outs, 1), TESSERA_OK)
      << tessera_last_error();
  EXPECT_EQ(out[4], 6.0f);
  tessera_module_unload(m);
}
