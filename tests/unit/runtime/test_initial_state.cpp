// Where parameters and optimizer state start: the --params file, the
// initialisers, zeros; and the one-line errors when the file disagrees
// with the signature.
#include "train/initial_state.hpp"
#include "train/param_init.hpp"

#include "train_test_util.hpp"

#include <gtest/gtest.h>

using namespace tessera;
using namespace tessera::train;
using tessera::test::sig;
using tessera::test::valuesOf;

namespace {

tbin::EntryMeta entry() {
  tbin::EntryMeta e;
  e.name = "fit";
  e.kind = tbin::kEntryKindTrain;
  e.dimSymbols = {"N"};
  e.inputs = {sig("param:w", tbin::DType::F32, {3}),
              sig("param:b", tbin::DType::F32, {}),
              sig("state:w.m", tbin::DType::F32, {3}),
              sig("state:step", tbin::DType::I64, {}),
              sig("x", tbin::DType::F32, {3})};
  e.outputs = {sig("loss", tbin::DType::F32, {})};
  return e;
}

std::vector<tbin::ParamMeta> params() {
  return {{"w", tbin::DType::F32, {3}, "glorot", 5},
          {"b", tbin::DType::F32, {}, "ones", 0},
          {"unused", tbin::DType::F32, {2}, "zeros", 0}};
}

safetensors::Tensor f32(std::vector<float> v, std::vector<int64_t> shape) {
  safetensors::Tensor t;
  t.dtype = safetensors::DType::F32;
  t.shape = std::move(shape);
  t.data.resize(v.size() * 4);
  std::memcpy(t.data.data(), v.data(), t.data.size());
  return t;
}

std::string failure(const safetensors::File &file,
                    const tbin::EntryMeta &e = entry(),
                    const std::vector<tbin::ParamMeta> &ps = params()) {
  InitialState out;
  std::string error;
  EXPECT_FALSE(initialState(e, ps, &file, "p.safetensors", 0, out, error));
  return error;
}

} // namespace

TEST(InitialState, WithoutAFileEverythingIsMade) {
  InitialState out;
  std::string error;
  ASSERT_TRUE(initialState(entry(), params(), nullptr, "", 9, out, error))
      << error;
  EXPECT_FALSE(out.resumed);
  EXPECT_EQ(out.state.step, 0);
  EXPECT_EQ(out.initialised,
            (std::vector<std::string>{"w (glorot, seed 5)", "b (ones)"}));
  EXPECT_EQ(out.zeroed, (std::vector<std::string>{"state:w.m", "state:step"}));
  // Only what the entry takes: "unused" is declared but not an input.
  EXPECT_EQ(out.state.params.size(), 2u);
  HostTensor w;
  ASSERT_TRUE(initialValue(params()[0], 9, w, error));
  EXPECT_EQ(out.state.params.at("w").data, w.data);
  EXPECT_EQ(valuesOf<float>(out.state.params.at("b")), std::vector<float>{1});
  EXPECT_EQ(out.state.states.at("w.m").data, std::vector<uint8_t>(12, 0));
  EXPECT_EQ(out.state.states.at("step").dtype, tbin::DType::I64);
  EXPECT_EQ(out.state.states.at("step").data, std::vector<uint8_t>(8, 0));
}

TEST(InitialState, TheFileComesFirst) {
  safetensors::File file;
  file.tensors["w"] = f32({1, 2, 3}, {3});
  file.tensors["state:w.m"] = f32({4, 5, 6}, {3});
  file.tensors["extra"] = f32({7}, {1});
  file.metadata["step"] = "42";
  InitialState out;
  std::string error;
  ASSERT_TRUE(
      initialState(entry(), params(), &file, "p.safetensors", 0, out, error))
      << error;
  EXPECT_TRUE(out.resumed);
  EXPECT_EQ(out.state.step, 42);
  EXPECT_EQ(valuesOf<float>(out.state.params.at("w")),
            (std::vector<float>{1, 2, 3}));
  EXPECT_EQ(valuesOf<float>(out.state.states.at("w.m")),
            (std::vector<float>{4, 5, 6}));
  EXPECT_EQ(out.initialised, std::vector<std::string>{"b (ones)"});
  EXPECT_EQ(out.zeroed, std::vector<std::string>{"state:step"});
  EXPECT_EQ(out.unused, std::vector<std::string>{"extra"});
}

TEST(InitialState, MismatchesAreOneLineErrors) {
  safetensors::File file;
  file.tensors["w"] = f32({1, 2}, {2});
  EXPECT_EQ(failure(file), "p.safetensors: parameter 'w' is f32[2] in the "
                           "file but entry 'fit' takes f32[3]");
  file.tensors["w"] = f32({1, 2, 3}, {1, 3});
  EXPECT_EQ(failure(file), "p.safetensors: parameter 'w' is f32[1, 3] in the "
                           "file but entry 'fit' takes f32[3]");
  file.tensors["w"].dtype = safetensors::DType::I32;
  file.tensors["w"].shape = {3};
  EXPECT_EQ(failure(file), "p.safetensors: parameter 'w' is i32[3] in the "
                           "file but entry 'fit' takes f32[3]");
  file.tensors["w"] =
      safetensors::Tensor{safetensors::DType::U8, {3}, {1, 2, 3}};
  EXPECT_EQ(failure(file), "p.safetensors: parameter 'w' is u8[3] in the "
                           "file but entry 'fit' takes f32[3]");
  file.tensors.clear();
  file.tensors["state:step"] = f32({1}, {});
  EXPECT_EQ(failure(file), "p.safetensors: state 'step' is f32[] in the file "
                           "but entry 'fit' takes i64[]");
  file.tensors.clear();
  file.metadata["step"] = "-1";
  EXPECT_EQ(failure(file), "p.safetensors: __metadata__ \"step\" is '-1', "
                           "not a number of steps");
}

TEST(InitialState, SignatureAndDeclarationsMustAgree) {
  safetensors::File none;
  tbin::EntryMeta e = entry();
  e.inputs.push_back(sig("param:v", tbin::DType::F32, {3}));
  EXPECT_EQ(failure(none, e), "entry 'fit' takes 'param:v' but the module "
                              "declares no parameter 'v'");
  std::vector<tbin::ParamMeta> ps = params();
  ps[0].shape = {4};
  EXPECT_EQ(failure(none, entry(), ps), "parameter 'w' is declared f32[4] but "
                                        "entry 'fit' takes it as f32[3]");
  e = entry();
  e.inputs[2].dims[0] = tbin::Dim{-1, "N"};
  EXPECT_EQ(failure(none, e), "state 'w.m' is f32[N], so it cannot start at "
                              "zero: give it in --params as 'state:w.m'");
  // From the file, a state of symbolic shape is fine.
  safetensors::File file;
  file.tensors["state:w.m"] = f32({1, 2}, {2});
  InitialState out;
  std::string error;
  EXPECT_TRUE(initialState(e, params(), &file, "p", 0, out, error)) << error;
}
