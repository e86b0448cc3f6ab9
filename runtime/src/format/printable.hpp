// Strings read from a file (section, entry and kernel names) end up in error
// messages. A corrupt file can put anything there, newlines and terminal
// escapes included, so messages quote such strings through printable().
#pragma once

#include <cstddef>
#include <string>

namespace tessera::tbin {

// `s` with every byte outside printable ASCII written as \xNN (and '\\' as
// \\), cut after `max` bytes with "..." appended, so that it stays one short
// line.
std::string printable(const std::string &s, std::size_t max = 200);

} // namespace tessera::tbin
