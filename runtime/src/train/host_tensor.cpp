#include "train/host_tensor.hpp"

#include <cstdint>

namespace tessera::train {

int64_t HostTensor::numElements() const {
  int64_t n = 1;
  for (int64_t e : shape)
    n *= e;
  return n;
}

std::string typeString(tbin::DType dtype, const std::vector<int64_t> &shape) {
  return typeString(std::string(tbin::dtypeName(dtype)), shape);
}

std::string typeString(const std::string &dtypeName,
                       const std::vector<int64_t> &shape) {
  std::string s = dtypeName + '[';
  for (std::size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + ']';
}

bool byteSize(tbin::DType dtype, const std::vector<int64_t> &shape,
              std::size_t &out) {
  std::size_t bytes = tbin::dtypeSize(dtype);
  for (int64_t e : shape) {
    if (e < 0)
      return false;
    auto extent = static_cast<uint64_t>(e);
    if (extent != 0 && bytes > SIZE_MAX / extent)
      return false;
    bytes *= static_cast<std::size_t>(extent);
  }
  out = bytes;
  return true;
}

bool zeros(tbin::DType dtype, const std::vector<int64_t> &shape,
           const std::string &what, HostTensor &out, std::string &error) {
  std::size_t bytes;
  if (!byteSize(dtype, shape, bytes)) {
    error = what + " " + typeString(dtype, shape) + " is too large";
    return false;
  }
  out.dtype = dtype;
  out.shape = shape;
  out.data.assign(bytes, 0);
  return true;
}

} // namespace tessera::train
