// Checks the tensors a host passes to an entry point against the entry's
// signature and binds its symbolic dims by unification. Kept apart from the
// loader so that it can be tested without a compiled module.
//
// Messages (no file prefix; the CLI adds the .npy path):
//   entry 'f' takes 2 inputs (a: f32[N], b: f32[N]), got 1
//   input 'a' expects f32[N], got f64[4]
//   input 'b' dim 0 is N = 3 here but N = 4 from input 'a'
//   input 'a' has negative extent -1 in dim 0
//   input 'a' has no data
//   output 'out0' dim 0 uses 'M', which no input determines
//   entry 'f' returns 1 output (out0: f32[N]), got 2
//   output 'out0' expects f32[4], got f32[3]
#pragma once

#include "tessera/tbin_meta.hpp"
#include "tessera/tessera_rt.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tessera::rt {

// Dims bound for one call, in the order of entry.dimSymbols; -1 = unbound.
using DimValues = std::vector<int64_t>;

// "a: f32[N], b: f32[N]"
std::string formatSignatureList(const std::vector<tbin::TensorSig> &sigs);

// "f64[4, 3]" for a tensor the host passed (shape may be NULL at rank 0).
std::string formatTensor(const tessera_tensor_t &t);

// Checks the inputs and binds dims. On failure sets `error` and
// `failedInput` (n when no single input is to blame) and returns false.
bool bindInputs(const tbin::EntryMeta &entry, const tessera_tensor_t *inputs,
                std::size_t n, DimValues &dims, std::size_t &failedInput,
                std::string &error);

// The concrete shape of output `index` under `dims`.
bool outputShape(const tbin::EntryMeta &entry, std::size_t index,
                 const DimValues &dims, std::vector<int64_t> &shape,
                 std::string &error);

// Checks count, dtype and shape of every output against `dims`.
bool checkOutputs(const tbin::EntryMeta &entry, const tessera_tensor_t *outputs,
                  std::size_t n, const DimValues &dims, std::string &error);

} // namespace tessera::rt
