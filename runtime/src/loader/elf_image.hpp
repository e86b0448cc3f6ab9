// Validates the bytes of a .tbin as an ELF64 little-endian shared object for
// this host, bounds-checking every header and table it reads, and lists its
// sections. Run before dlopen, so that a corrupt or foreign file is rejected
// with a message instead of reaching the dynamic loader.
#pragma once

#include "tessera/tessera_rt.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tessera::rt {

struct ElfSection {
  std::string name;
  uint32_t type = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
  bool hasContents = false; // false for SHT_NOBITS
};

struct ElfImage {
  uint16_t machine = 0;
  std::vector<ElfSection> sections;
};

// "x86-64", "aarch64", ... or "ELF machine <n>".
std::string elfMachineName(uint16_t machine);

// The ELF machine this runtime runs on.
uint16_t hostElfMachine();

// Returns TESSERA_OK, or TESSERA_ERROR_INVALID_MODULE /
// TESSERA_ERROR_UNSUPPORTED with `error` set (no file prefix), e.g.
// "not an ELF file", "built for aarch64, this runtime runs x86-64",
// "truncated (section header table runs past end of file)".
tessera_status_t parseElf(const uint8_t *data, std::size_t size, ElfImage &out,
                          std::string &error);

} // namespace tessera::rt
