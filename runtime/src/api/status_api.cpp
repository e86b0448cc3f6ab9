// Error reporting and element-type helpers of the C API.
#include "core/error.hpp"
#include "tessera/tbin_meta.hpp"
#include "tessera/tessera_rt.h"

using namespace tessera;

namespace {
bool validDType(int32_t code) { return tbin::isDTypeCode(code); }
} // namespace

extern "C" {

const char *tessera_last_error(void) { return rt::lastError(); }

const char *tessera_status_string(tessera_status_t status) {
  switch (status) {
  case TESSERA_OK:
    return "TESSERA_OK";
  case TESSERA_ERROR_INVALID_ARGUMENT:
    return "TESSERA_ERROR_INVALID_ARGUMENT";
  case TESSERA_ERROR_NOT_FOUND:
    return "TESSERA_ERROR_NOT_FOUND";
  case TESSERA_ERROR_INVALID_MODULE:
    return "TESSERA_ERROR_INVALID_MODULE";
  case TESSERA_ERROR_IO:
    return "TESSERA_ERROR_IO";
  case TESSERA_ERROR_OUT_OF_MEMORY:
    return "TESSERA_ERROR_OUT_OF_MEMORY";
  case TESSERA_ERROR_UNSUPPORTED:
    return "TESSERA_ERROR_UNSUPPORTED";
  case TESSERA_ERROR_EXECUTION:
    return "TESSERA_ERROR_EXECUTION";
  case TESSERA_ERROR_OUT_OF_RANGE:
    return "TESSERA_ERROR_OUT_OF_RANGE";
  }
  return "TESSERA_ERROR_UNKNOWN";
}

const char *tessera_dtype_name(int32_t dtype) {
  return validDType(dtype) ? tbin::dtypeName(static_cast<tbin::DType>(dtype))
                           : nullptr;
}

size_t tessera_dtype_size(int32_t dtype) {
  return validDType(dtype) ? tbin::dtypeSize(static_cast<tbin::DType>(dtype))
                           : 0;
}

} // extern "C"
