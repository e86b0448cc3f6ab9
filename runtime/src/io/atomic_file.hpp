// Writes a file so that readers see either the old contents or the complete
// new ones, never a partial file: write a temporary file in the same
// directory, then rename it over the target.
#pragma once

#include <cstddef>
#include <string>

namespace tessera::rt {

// On failure `error` is "<path>: <reason>" and no temporary file is left.
bool writeFileAtomically(const std::string &path, const void *data,
                         std::size_t size, std::string &error);

} // namespace tessera::rt
