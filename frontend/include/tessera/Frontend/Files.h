// Reading source files and writing outputs, shared by the tools: clear
// messages ("cannot read 'x': Is a directory"), and writes through a
// temporary file and a rename, so a failure never leaves a half-written file.
#pragma once

#include <string>

namespace tessera {

// Reads `path` whole; on failure sets `error` to "cannot read 'PATH': WHY".
bool readFile(const std::string &path, std::string &text, std::string &error);

// Replaces `path` with `data` atomically; on failure sets `error` to
// "cannot write 'PATH': WHY" and leaves `path` as it was.
bool writeFileAtomically(const std::string &path, const std::string &data,
                         std::string &error);

// The byte offset of the first sequence of `s` that is not UTF-8 (bad or
// truncated sequences, overlong forms, surrogates, code points above
// U+10FFFF), or -1 when all of it is.
long firstInvalidUtf8(const std::string &s);

} // namespace tessera
