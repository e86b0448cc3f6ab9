#include "core/error.hpp"

namespace tessera::rt {

namespace {
thread_local std::string tlsMessage;
// Set when the message itself could not be stored (out of memory).
thread_local bool tlsOutOfMemory = false;
} // namespace

tessera_status_t fail(tessera_status_t status, const std::string &message) {
  try {
    tlsMessage = message;
    tlsOutOfMemory = false;
  } catch (...) {
    tlsOutOfMemory = true;
  }
  return status;
}

tessera_status_t fail(tessera_status_t status, const char *message) noexcept {
  try {
    tlsMessage = message;
    tlsOutOfMemory = false;
  } catch (...) {
    tlsOutOfMemory = true;
  }
  return status;
}

const char *lastError() {
  return tlsOutOfMemory ? "out of memory" : tlsMessage.c_str();
}

} // namespace tessera::rt
