// Reads a whole file into memory; used for .tbin validation and .npy input.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::rt {

// On failure `error` is the system's reason without the path, e.g.
// "No such file or directory" or "Is a directory".
bool readWholeFile(const std::string &path, std::vector<uint8_t> &bytes,
                   std::string &error);

} // namespace tessera::rt
