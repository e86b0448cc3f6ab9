// Helpers shared by the training unit tests: host tensors from and to
// plain vectors, and signatures with known dims.
#pragma once

#include "train/host_tensor.hpp"

#include "tessera/tbin_meta.hpp"

#include <cstring>
#include <string>
#include <vector>

namespace tessera::test {

template <typename T> tbin::DType dtypeOf();
template <> inline tbin::DType dtypeOf<float>() { return tbin::DType::F32; }
template <> inline tbin::DType dtypeOf<double>() { return tbin::DType::F64; }
template <> inline tbin::DType dtypeOf<int64_t>() { return tbin::DType::I64; }

template <typename T>
train::HostTensor tensorOf(const std::vector<T> &values,
                           std::vector<int64_t> shape) {
  train::HostTensor t;
  t.dtype = dtypeOf<T>();
  t.shape = std::move(shape);
  t.data.resize(values.size() * sizeof(T));
  std::memcpy(t.data.data(), values.data(), t.data.size());
  return t;
}

template <typename T> train::HostTensor scalarOf(T value) {
  return tensorOf<T>({value}, {});
}

template <typename T> std::vector<T> valuesOf(const train::HostTensor &t) {
  std::vector<T> out(t.data.size() / sizeof(T));
  std::memcpy(out.data(), t.data.data(), t.data.size());
  return out;
}

// A signature whose dims are all known.
inline tbin::TensorSig sig(const std::string &name, tbin::DType dtype,
                           const std::vector<int64_t> &shape) {
  tbin::TensorSig s;
  s.name = name;
  s.dtype = dtype;
  for (int64_t e : shape)
    s.dims.push_back(tbin::Dim{e, ""});
  return s;
}

} // namespace tessera::test
