// The header of a .npy file is a Python dict literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
// This parses exactly that subset of Python, bounds-checked, without
// evaluating anything.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tessera::rt {

struct NpyHeader {
  std::string descr;
  bool fortranOrder = false;
  std::vector<int64_t> shape;
};

// numpy itself refuses more dimensions than this.
constexpr std::size_t kNpyMaxRank = 64;

// On failure `error` says what is wrong and where, e.g.
// "expected ':' after key 'descr' at offset 8".
bool parseNpyHeader(const char *text, std::size_t size, NpyHeader &out,
                    std::string &error);

// Python's spelling of a shape tuple: "()", "(4,)", "(2, 3)".
std::string formatNpyShape(const std::vector<int64_t> &shape);

} // namespace tessera::rt
