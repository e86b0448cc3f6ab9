// A tensor in host memory, owned: what the training loop keeps its
// parameters, optimizer state and data in between steps.
#pragma once

#include "tessera/tbin_meta.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tessera::train {

struct HostTensor {
  tbin::DType dtype = tbin::DType::F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data; // C order, little endian

  int64_t numElements() const;
};

// "f32[4, 3]"; "f32[]" for a scalar.
std::string typeString(tbin::DType dtype, const std::vector<int64_t> &shape);
std::string typeString(const std::string &dtypeName,
                       const std::vector<int64_t> &shape);

// The bytes a tensor of this dtype and shape takes; false if the count does
// not fit in size_t (a corrupt or absurd shape).
bool byteSize(tbin::DType dtype, const std::vector<int64_t> &shape,
              std::size_t &out);

// A zero-filled tensor; false (with `error` naming `what`) if too large.
bool zeros(tbin::DType dtype, const std::vector<int64_t> &shape,
           const std::string &what, HostTensor &out, std::string &error);

} // namespace tessera::train
