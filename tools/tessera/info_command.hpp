// `tessera info`: print what a .tbin contains: module, format version,
// target, policy, .tessera* sections, entry signatures and kernel table.
#pragma once

#include <string>

namespace tessera::cli {

// Returns the exit status; throws on failure.
int infoCommand(const std::string &model);

} // namespace tessera::cli
