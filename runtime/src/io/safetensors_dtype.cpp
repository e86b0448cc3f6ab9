// The safetensors dtypes Tessera supports: their header spelling, size, and
// the runtime element type each one is.
#include "tessera/safetensors.hpp"

namespace tessera::safetensors {

namespace {

struct DTypeEntry {
  DType dtype;
  const char *name;
  std::size_t size;
};

constexpr DTypeEntry kDTypes[] = {
    {DType::F64, "F64", 8},         {DType::F32, "F32", 4},
    {DType::F16, "F16", 2},         {DType::BF16, "BF16", 2},
    {DType::I64, "I64", 8},         {DType::I32, "I32", 4},
    {DType::I8, "I8", 1},           {DType::U8, "U8", 1},
    {DType::Bool, "BOOL", 1},       {DType::F8_E4M3, "F8_E4M3", 1},
    {DType::F8_E5M2, "F8_E5M2", 1}, {DType::C64, "C64", 8},
};

const DTypeEntry *entryOf(DType dtype) {
  for (const DTypeEntry &e : kDTypes)
    if (e.dtype == dtype)
      return &e;
  return nullptr;
}

} // namespace

const char *dtypeName(DType dtype) {
  const DTypeEntry *e = entryOf(dtype);
  return e ? e->name : "?";
}

bool dtypeFromName(const std::string &name, DType &out) {
  for (const DTypeEntry &e : kDTypes)
    if (name == e.name) {
      out = e.dtype;
      return true;
    }
  return false;
}

std::size_t dtypeSize(DType dtype) {
  const DTypeEntry *e = entryOf(dtype);
  return e ? e->size : 0;
}

bool toRuntimeDType(DType dtype, tbin::DType &out) {
  switch (dtype) {
  case DType::F64:
    out = tbin::DType::F64;
    return true;
  case DType::F32:
    out = tbin::DType::F32;
    return true;
  case DType::F16:
    out = tbin::DType::F16;
    return true;
  case DType::BF16:
    out = tbin::DType::BF16;
    return true;
  case DType::I64:
    out = tbin::DType::I64;
    return true;
  case DType::I32:
    out = tbin::DType::I32;
    return true;
  case DType::I8:
    out = tbin::DType::I8;
    return true;
  case DType::Bool:
    out = tbin::DType::Bool;
    return true;
  case DType::F8_E4M3:
    out = tbin::DType::FP8_E4M3;
    return true;
  case DType::F8_E5M2:
    out = tbin::DType::FP8_E5M2;
    return true;
  case DType::C64:
    out = tbin::DType::C64;
    return true;
  case DType::U8:
    break;
  }
  return false;
}

bool fromRuntimeDType(tbin::DType dtype, DType &out) {
  for (const DTypeEntry &e : kDTypes) {
    tbin::DType runtime;
    if (toRuntimeDType(e.dtype, runtime) && runtime == dtype) {
      out = e.dtype;
      return true;
    }
  }
  return false;
}

} // namespace tessera::safetensors
