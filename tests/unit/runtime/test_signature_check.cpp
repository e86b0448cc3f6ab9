// Checking invoke arguments against an entry signature, and binding its
// symbolic dims by unification, without any compiled module.
#include "core/signature_check.hpp"

#include <gtest/gtest.h>

using namespace tessera;

namespace {

tbin::EntryMeta attention() {
  tbin::EntryMeta e;
  e.name = "attn";
  e.symbol = "tessera_entry_attn";
  e.dimSymbols = {"B", "S", "D"};
  e.inputs = {{"q", tbin::DType::F32, {{-1, "B"}, {-1, "S"}, {-1, "D"}}},
              {"k", tbin::DType::F32, {{-1, "B"}, {-1, "S"}, {-1, "D"}}},
              {"scale", tbin::DType::F64, {}},
              {"w", tbin::DType::F32, {{-1, "D"}, {8, ""}}}};
  e.outputs = {{"o", tbin::DType::F32, {{-1, "B"}, {-1, "S"}, {8, ""}}}};
  return e;
}

struct Call {
  std::vector<std::vector<int64_t>> shapes;
  std::vector<tessera_tensor_t> tensors;
  char dummy = 0;
  // dtypes/shapes of q, k, scale, w
  Call(std::vector<int32_t> dtypes, std::vector<std::vector<int64_t>> s)
      : shapes(std::move(s)) {
    for (std::size_t i = 0; i < shapes.size(); ++i)
      tensors.push_back({&dummy, dtypes[i],
                         static_cast<int32_t>(shapes[i].size()),
                         shapes[i].data()});
  }
};

Call goodCall() {
  return Call({1, 1, 2, 1}, {{2, 5, 4}, {2, 5, 4}, {}, {4, 8}});
}

std::string bindError(const Call &c, std::size_t expectFailed) {
  rt::DimValues dims;
  std::size_t failed = 1234;
  std::string error;
  EXPECT_FALSE(rt::bindInputs(attention(), c.tensors.data(), c.tensors.size(),
                              dims, failed, error));
  EXPECT_EQ(failed, expectFailed) << error;
  return error;
}

} // namespace

TEST(SignatureCheck, BindsDims) {
  Call c = goodCall();
  rt::DimValues dims;
  std::size_t failed;
  std::string error;
  ASSERT_TRUE(rt::bindInputs(attention(), c.tensors.data(), c.tensors.size(),
                             dims, failed, error))
      << error;
  EXPECT_EQ(dims, (rt::DimValues{2, 5, 4}));
  std::vector<int64_t> shape;
  ASSERT_TRUE(rt::outputShape(attention(), 0, dims, shape, error)) << error;
  EXPECT_EQ(shape, (std::vector<int64_t>{2, 5, 8}));
}

TEST(SignatureCheck, ConflictingSymbolNamesBothInputs) {
  Call c = goodCall();
  c.shapes[1][1] = 6;
  EXPECT_EQ(bindError(c, 1),
            "input 'k' dim 1 is S = 6 here but S = 5 from input 'q'");
  c = goodCall();
  c.shapes[3][0] = 3; // D bound by q's axis 2
  EXPECT_EQ(bindError(c, 3),
            "input 'w' dim 0 is D = 3 here but D = 4 from input 'q'");
}

TEST(SignatureCheck, DTypeRankAndConcreteDims) {
  Call c = goodCall();
  c.tensors[0].dtype = TESSERA_DTYPE_F64;
  EXPECT_EQ(bindError(c, 0),
            "input 'q' expects f32[B, S, D], got f64[2, 5, 4]");
  c = goodCall();
  c.tensors[1].rank = 2;
  EXPECT_EQ(bindError(c, 1), "input 'k' expects f32[B, S, D], got f32[2, 5]");
  c = goodCall();
  c.shapes[3][1] = 7;
  EXPECT_EQ(bindError(c, 3), "input 'w' expects f32[D, 8], got f32[4, 7]");
  c = goodCall();
  c.tensors[2].dtype = 99;
  EXPECT_EQ(bindError(c, 2), "input 'scale' expects f64[], got dtype#99[]");
}

TEST(SignatureCheck, MalformedTensors) {
  Call c = goodCall();
  c.shapes[0][2] = -4;
  EXPECT_EQ(bindError(c, 0), "input 'q' has negative extent -4 in dim 2");
  c = goodCall();
  c.tensors[1].data = nullptr;
  EXPECT_EQ(bindError(c, 1), "input 'k' has no data");
  c = goodCall();
  c.tensors[0].shape = nullptr;
  EXPECT_EQ(bindError(c, 0), "input 'q' has rank 3 but no shape");
  c = goodCall();
  c.shapes[0] = {INT64_MAX, 2, 4};
  c.shapes[1] = {INT64_MAX, 2, 4};
  EXPECT_EQ(bindError(c, 0), "input 'q' has more elements than fit in 64 "
                             "bits");
  // Empty tensors need no data.
  c = goodCall();
  c.shapes[0][0] = c.shapes[1][0] = 0;
  c.tensors[0].data = c.tensors[1].data = nullptr;
  rt::DimValues dims;
  std::size_t failed;
  std::string error;
  EXPECT_TRUE(
      rt::bindInputs(attention(), c.tensors.data(), 4, dims, failed, error))
      << error;
}

TEST(SignatureCheck, InputCount) {
  Call c = goodCall();
  rt::DimValues dims;
  std::size_t failed = 0;
  std::string error;
  EXPECT_FALSE(
      rt::bindInputs(attention(), c.tensors.data(), 3, dims, failed, error));
  EXPECT_EQ(failed, 3u);
  EXPECT_EQ(error, "entry 'attn' takes 4 inputs (q: f32[B, S, D], k: f32[B, "
                   "S, D], scale: f64[], w: f32[D, 8]), got 3");
}

TEST(SignatureCheck, Outputs) {
  Call c = goodCall();
  rt::DimValues dims;
  std::size_t failed;
  std::string error;
  ASSERT_TRUE(
      rt::bindInputs(attention(), c.tensors.data(), 4, dims, failed, error));
  std::vector<int64_t> good = {2, 5, 8}, bad = {2, 5, 4};
  char out = 0;
  tessera_tensor_t o{&out, TESSERA_DTYPE_F32, 3, good.data()};
  EXPECT_TRUE(rt::checkOutputs(attention(), &o, 1, dims, error)) << error;
  o.shape = bad.data();
  EXPECT_FALSE(rt::checkOutputs(attention(), &o, 1, dims, error));
  EXPECT_EQ(error, "output 'o' expects f32[2, 5, 8], got f32[2, 5, 4]");
  EXPECT_FALSE(rt::checkOutputs(attention(), &o, 2, dims, error));
  EXPECT_EQ(error, "entry 'attn' returns 1 output (o: f32[B, S, 8]), got 2");
}

TEST(SignatureCheck, OutputDimNoInputDetermines) {
  tbin::EntryMeta e;
  e.name = "gen";
  e.dimSymbols = {"N", "M"};
  e.inputs = {{"x", tbin::DType::I32, {{-1, "N"}}}};
  e.outputs = {{"y", tbin::DType::I32, {{-1, "N"}, {-1, "M"}}}};
  rt::DimValues dims = {3, -1};
  std::vector<int64_t> shape;
  std::string error;
  EXPECT_FALSE(rt::outputShape(e, 0, dims, shape, error));
  EXPECT_EQ(error, "output 'y' dim 1 uses 'M', which no input determines");
}

// An output whose extent is computed from a dim (`N-1`, `(N+1)/2`) is
// sized from the bound dim; one that would be negative is refused, naming
// the output, the dim and its value.
TEST(SignatureCheck, OutputExtentsComputedFromDims) {
  tbin::EntryMeta e;
  e.name = "ends";
  e.dimSymbols = {"N"};
  e.outputs = {{"tail", tbin::DType::F32, {{-1, "N-1"}, {-1, "(N+1)/2"}}},
               {"back", tbin::DType::F32, {{-1, "-N+5"}}}};
  std::vector<int64_t> shape;
  std::string error;
  ASSERT_TRUE(rt::outputShape(e, 0, {9}, shape, error)) << error;
  EXPECT_EQ(shape, (std::vector<int64_t>{8, 5}));
  ASSERT_TRUE(rt::outputShape(e, 1, {5}, shape, error)) << error;
  EXPECT_EQ(shape, (std::vector<int64_t>{0}));
  EXPECT_FALSE(rt::outputShape(e, 0, {0}, shape, error));
  EXPECT_EQ(error, "output 'tail' dim 0 is N-1, which is -1 for N = 0: the "
                   "entry's slices do not fit its inputs");
  EXPECT_FALSE(rt::outputShape(e, 1, {6}, shape, error));
  EXPECT_EQ(error, "output 'back' dim 0 is -N+5, which is -1 for N = 6: the "
                   "entry's slices do not fit its inputs");
  EXPECT_FALSE(rt::outputShape(e, 0, {-1}, shape, error));
  EXPECT_EQ(error, "output 'tail' dim 0 uses 'N', which no input determines");
}

// An input whose extent is computed from a dim another input binds is
// checked against it, whatever the order of the inputs.
TEST(SignatureCheck, InputExtentsComputedFromDims) {
  tbin::EntryMeta e;
  e.name = "flux";
  e.dimSymbols = {"N"};
  e.inputs = {{"du", tbin::DType::F32, {{-1, "N-1"}}},
              {"u", tbin::DType::F32, {{-1, "N"}}}};
  char dummy = 0;
  std::vector<int64_t> du{6}, u{7}, wrong{7};
  auto call = [&](std::vector<int64_t> &first) {
    return std::vector<tessera_tensor_t>{{&dummy, 1, 1, first.data()},
                                         {&dummy, 1, 1, u.data()}};
  };
  rt::DimValues dims;
  std::size_t failed;
  std::string error;
  auto good = call(du);
  ASSERT_TRUE(rt::bindInputs(e, good.data(), 2, dims, failed, error)) << error;
  EXPECT_EQ(dims, (rt::DimValues{7}));
  auto bad = call(wrong);
  EXPECT_FALSE(rt::bindInputs(e, bad.data(), 2, dims, failed, error));
  EXPECT_EQ(failed, 0u);
  EXPECT_EQ(error, "input 'du' dim 0 is 7 here but N-1 = 6 for N = 7");
}

// Extents that add several dims (`M+N-1`, a slice of a concat's): sized
// from every bound dim, refused where negative naming each dim's value,
// and where one of the dims is not bound.
TEST(SignatureCheck, OutputExtentsComputedFromSeveralDims) {
  tbin::EntryMeta e;
  e.name = "cat";
  e.dimSymbols = {"N", "M", "K"};
  e.outputs = {{"out0", tbin::DType::F32, {{-1, "M+N-1"}, {-1, "2*K-M"}}}};
  std::vector<int64_t> shape;
  std::string error;
  ASSERT_TRUE(rt::outputShape(e, 0, {4, 2, 3}, shape, error)) << error;
  EXPECT_EQ(shape, (std::vector<int64_t>{5, 4}));
  EXPECT_FALSE(rt::outputShape(e, 0, {0, 0, 3}, shape, error));
  EXPECT_EQ(error, "output 'out0' dim 0 is M+N-1, which is -1 for M = 0, "
                   "N = 0: the entry's slices do not fit its inputs");
  EXPECT_FALSE(rt::outputShape(e, 0, {4, 7, 3}, shape, error));
  EXPECT_EQ(error, "output 'out0' dim 1 is 2*K-M, which is -1 for K = 3, "
                   "M = 7: the entry's slices do not fit its inputs");
  EXPECT_FALSE(rt::outputShape(e, 0, {4, -1, 3}, shape, error));
  EXPECT_EQ(error, "output 'out0' dim 0 uses 'M', which no input determines");
  EXPECT_FALSE(rt::outputShape(e, 0, {INT64_MAX, 1, 3}, shape, error));
  EXPECT_EQ(error, "output 'out0' dim 0 is M+N-1, which is out of range for "
                   "M = 1, N = 9223372036854775807: the entry's slices do not "
                   "fit its inputs");
}

TEST(SignatureCheck, InputExtentsComputedFromSeveralDims) {
  tbin::EntryMeta e;
  e.name = "added";
  e.dimSymbols = {"N", "M"};
  e.inputs = {{"z", tbin::DType::F32, {{-1, "M+N"}}},
              {"x", tbin::DType::F32, {{-1, "N"}}},
              {"y", tbin::DType::F32, {{-1, "M"}}}};
  char dummy = 0;
  std::vector<int64_t> x{4}, y{2}, z{6}, wrong{5};
  auto call = [&](std::vector<int64_t> &first) {
    return std::vector<tessera_tensor_t>{{&dummy, 1, 1, first.data()},
                                         {&dummy, 1, 1, x.data()},
                                         {&dummy, 1, 1, y.data()}};
  };
  rt::DimValues dims;
  std::size_t failed;
  std::string error;
  auto good = call(z);
  ASSERT_TRUE(rt::bindInputs(e, good.data(), 3, dims, failed, error)) << error;
  EXPECT_EQ(dims, (rt::DimValues{4, 2}));
  auto bad = call(wrong);
  EXPECT_FALSE(rt::bindInputs(e, bad.data(), 3, dims, failed, error));
  EXPECT_EQ(failed, 0u);
  EXPECT_EQ(error, "input 'z' dim 0 is 5 here but M+N = 6 for M = 2, N = 4");
}
