// tessera::tensorView and DTypeOf: host memory described for the C API.
#include "tessera/tessera_rt.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace {

// Each C++ type maps to the dtype whose name and size match it.
template <typename T> void expectDType(const std::string &name) {
  EXPECT_EQ(tessera_dtype_name(tessera::DTypeOf<T>::value), name);
  EXPECT_EQ(tessera_dtype_size(tessera::DTypeOf<T>::value), sizeof(T));
}

} // namespace

TEST(TensorView, DTypeOf) {
  expectDType<float>("f32");
  expectDType<double>("f64");
  expectDType<int64_t>("i64");
  expectDType<int32_t>("i32");
  expectDType<int8_t>("i8");
  expectDType<bool>("bool");
}

TEST(TensorView, DescribesHostMemoryInPlace) {
  std::vector<double> values(6);
  const std::vector<int64_t> shape = {2, 3};
  tessera_tensor_t t = tessera::tensorView(values.data(), shape);
  EXPECT_EQ(t.data, values.data());
  EXPECT_EQ(t.dtype, TESSERA_DTYPE_F64);
  EXPECT_EQ(t.rank, 2);
  EXPECT_EQ(t.shape, shape.data());

  const std::vector<int32_t> constant = {1, 2, 3};
  const std::vector<int64_t> scalarShape;
  tessera_tensor_t c = tessera::tensorView(constant.data(), scalarShape);
  EXPECT_EQ(c.data, constant.data());
  EXPECT_EQ(c.dtype, TESSERA_DTYPE_I32);
  EXPECT_EQ(c.rank, 0);
}
