// The runtime's error channel: a thread-local "last error" message next to
// the status code every C API function returns, and a guard that keeps C++
// exceptions from ever crossing the C ABI.
#pragma once

#include "tessera/tessera_rt.h"

#include <exception>
#include <new>
#include <string>

namespace tessera::rt {

// Records `message` as the calling thread's last error; returns `status`.
tessera_status_t fail(tessera_status_t status, const std::string &message);
// Same, for a literal: never throws, so usable outside guard().
tessera_status_t fail(tessera_status_t status, const char *message) noexcept;

// The calling thread's last error message ("" if none).
const char *lastError();

// Runs `body` (returning tessera_status_t) and turns anything it throws into
// a status code, since an exception escaping into C code is undefined.
template <typename Body> tessera_status_t guard(Body &&body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc &) {
    return fail(TESSERA_ERROR_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception &e) {
    return fail(TESSERA_ERROR_EXECUTION,
                std::string("internal error: ") + e.what());
  } catch (...) {
    return fail(TESSERA_ERROR_EXECUTION, "internal error: unknown exception");
  }
}

} // namespace tessera::rt
