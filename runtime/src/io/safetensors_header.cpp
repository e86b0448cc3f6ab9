#include "io/safetensors_header.hpp"

#include "io/json_lite.hpp"

#include <limits>
#include <set>

namespace tessera::rt {

namespace {

using json::Kind;
using json::quoted;

constexpr char kMetadataKey[] = "__metadata__";

std::string supportedDTypes() {
  std::string list;
  for (auto d : {safetensors::DType::F64, safetensors::DType::F32,
                 safetensors::DType::F16, safetensors::DType::BF16,
                 safetensors::DType::I64, safetensors::DType::I32,
                 safetensors::DType::I8, safetensors::DType::U8,
                 safetensors::DType::Bool, safetensors::DType::F8_E4M3,
                 safetensors::DType::F8_E5M2})
    list += std::string(list.empty() ? "" : " ") + safetensors::dtypeName(d);
  return list;
}

std::string formatOffsets(uint64_t begin, uint64_t end) {
  return "[" + std::to_string(begin) + ", " + std::to_string(end) + "]";
}

// Reads one header; every failure names where it is ("tensor \"w\": ...").
class HeaderParser {
public:
  HeaderParser(const char *text, std::size_t size, std::string &error)
      : reader(text, size), error(error) {}

  bool parse(SafetensorsHeader &out) {
    if (!openObject("header must be a JSON object"))
      return false;
    bool haveMetadata = false;
    std::set<std::string> names;
    for (;;) {
      bool done;
      std::string key;
      if (!reader.nextMember(done, key))
        return syntaxError();
      if (done)
        break;
      if (key == kMetadataKey) {
        if (haveMetadata)
          return fail(std::string("duplicate \"") + kMetadataKey + "\"");
        haveMetadata = true;
        if (!metadata(out.metadata))
          return false;
        continue;
      }
      if (!names.insert(key).second)
        return fail("duplicate tensor " + quoted(key));
      SafetensorsEntry entry;
      entry.name = key;
      if (!tensor(entry))
        return false;
      out.tensors.push_back(std::move(entry));
    }
    if (!reader.finish())
      return syntaxError();
    return true;
  }

private:
  bool fail(const std::string &what) {
    error = what;
    return false;
  }
  bool syntaxError() {
    return fail("header is not valid JSON: " + reader.error());
  }
  // Fails unless the next value is a `want`. Only a well-formed value can be
  // of the wrong kind; anything else is a syntax error.
  bool expectKind(Kind want, const std::string &message) {
    Kind got = reader.peek();
    if (got == want)
      return true;
    if (!reader.skipValue())
      return syntaxError();
    return fail(message + ", found " + json::kindName(got));
  }
  bool openObject(const std::string &message) {
    if (!expectKind(Kind::Object, message))
      return false;
    return reader.beginObject() || syntaxError();
  }
  bool openArray(const std::string &message) {
    if (!expectKind(Kind::Array, message))
      return false;
    return reader.beginArray() || syntaxError();
  }

  bool metadata(std::map<std::string, std::string> &out) {
    std::string context = std::string("\"") + kMetadataKey + "\": ";
    if (!openObject(context + "must be an object"))
      return false;
    for (;;) {
      bool done;
      std::string key, value;
      if (!reader.nextMember(done, key))
        return syntaxError();
      if (done)
        return true;
      if (out.count(key))
        return fail(context + "duplicate key " + quoted(key));
      if (!expectKind(Kind::String, context + "value of " + quoted(key) +
                                        " must be a string"))
        return false;
      if (!reader.readString(value))
        return syntaxError();
      out.emplace(std::move(key), std::move(value));
    }
  }

  bool tensor(SafetensorsEntry &entry) {
    std::string context = "tensor " + quoted(entry.name) + ": ";
    if (!openObject(context + "must be an object"))
      return false;
    bool haveDType = false, haveShape = false, haveOffsets = false;
    for (;;) {
      bool done;
      std::string key;
      if (!reader.nextMember(done, key))
        return syntaxError();
      if (done)
        break;
      bool *seen = key == "dtype"          ? &haveDType
                   : key == "shape"        ? &haveShape
                   : key == "data_offsets" ? &haveOffsets
                                           : nullptr;
      if (!seen) {
        // Unknown keys are skipped, as the reference implementation does.
        if (!reader.skipValue())
          return syntaxError();
        continue;
      }
      if (*seen)
        return fail(context + "duplicate key " + quoted(key));
      *seen = true;
      bool ok = key == "dtype"   ? dtype(context, entry)
                : key == "shape" ? shape(context, entry)
                                 : offsets(context, entry);
      if (!ok)
        return false;
    }
    const char *missing = !haveDType     ? "dtype"
                          : !haveShape   ? "shape"
                          : !haveOffsets ? "data_offsets"
                                         : nullptr;
    if (missing)
      return fail(context + "missing \"" + missing + "\"");
    return checkSize(context, entry);
  }

  bool dtype(const std::string &context, SafetensorsEntry &entry) {
    std::string name;
    if (!expectKind(Kind::String, context + "\"dtype\" must be a string"))
      return false;
    if (!reader.readString(name))
      return syntaxError();
    if (!safetensors::dtypeFromName(name, entry.dtype))
      return fail(context + "unsupported dtype " + quoted(name) +
                  " (supported: " + supportedDTypes() + ")");
    return true;
  }

  bool shape(const std::string &context, SafetensorsEntry &entry) {
    if (!openArray(context + "\"shape\" must be an array"))
      return false;
    for (;;) {
      bool done;
      if (!reader.nextElement(done))
        return syntaxError();
      if (done)
        return true;
      uint64_t dim;
      if (!unsignedValue(context + "\"shape\": ", dim))
        return false;
      if (dim > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        return fail(context + "dimension " + std::to_string(dim) +
                    " is too large");
      if (entry.shape.size() == kSafetensorsMaxRank)
        return fail(context + "\"shape\" has more than " +
                    std::to_string(kSafetensorsMaxRank) + " dimensions");
      entry.shape.push_back(static_cast<int64_t>(dim));
    }
  }

  bool offsets(const std::string &context, SafetensorsEntry &entry) {
    std::string form = context + "\"data_offsets\" must be [begin, end]";
    if (!openArray(form))
      return false;
    uint64_t values[2];
    std::size_t count = 0;
    for (;;) {
      bool done;
      if (!reader.nextElement(done))
        return syntaxError();
      if (done)
        break;
      if (count == 2)
        return fail(form + ", found more than 2 elements");
      if (!unsignedValue(context + "\"data_offsets\": ", values[count]))
        return false;
      ++count;
    }
    if (count != 2)
      return fail(form + ", found " + std::to_string(count) +
                  (count == 1 ? " element" : " elements"));
    entry.begin = values[0];
    entry.end = values[1];
    return true;
  }

  // A non-negative integer; any other well-formed value is an error in
  // `context`.
  bool unsignedValue(const std::string &context, uint64_t &out) {
    if (!expectKind(Kind::Number, context + "expected a non-negative integer"))
      return false;
    if (!reader.readUnsigned(out))
      return fail(context + reader.error());
    return true;
  }

  bool checkSize(const std::string &context, const SafetensorsEntry &entry) {
    if (entry.end < entry.begin)
      return fail(context + "data_offsets " +
                  formatOffsets(entry.begin, entry.end) +
                  " end before they begin");
    uint64_t need;
    std::string what = "shape " + formatSafetensorsShape(entry.shape) + " of " +
                       safetensors::dtypeName(entry.dtype);
    if (!safetensorsByteCount(entry.shape, entry.dtype, need))
      return fail(context + what + " is too large");
    uint64_t have = entry.end - entry.begin;
    if (have != need)
      return fail(context + "data_offsets " +
                  formatOffsets(entry.begin, entry.end) + " hold " +
                  std::to_string(have) + " bytes, but " + what + " needs " +
                  std::to_string(need));
    return true;
  }

  json::Reader reader;
  std::string &error;
};

void appendUnsignedList(std::string &out, const uint64_t *values,
                        std::size_t count) {
  out += '[';
  for (std::size_t i = 0; i < count; ++i) {
    if (i)
      out += ',';
    out += std::to_string(values[i]);
  }
  out += ']';
}

} // namespace

bool parseSafetensorsHeader(const char *text, std::size_t size,
                            SafetensorsHeader &out, std::string &error) {
  out = SafetensorsHeader();
  std::size_t bad = json::invalidUtf8At(text, size);
  if (bad != size) {
    error = "header is not valid UTF-8 (offset " + std::to_string(bad) + ")";
    return false;
  }
  return HeaderParser(text, size, error).parse(out);
}

std::string formatSafetensorsHeader(const SafetensorsHeader &header) {
  std::string out = "{";
  if (!header.metadata.empty()) {
    json::appendQuoted(out, kMetadataKey);
    out += ":{";
    bool first = true;
    for (const auto &[key, value] : header.metadata) {
      if (!first)
        out += ',';
      first = false;
      json::appendQuoted(out, key);
      out += ':';
      json::appendQuoted(out, value);
    }
    out += '}';
  }
  for (const SafetensorsEntry &e : header.tensors) {
    if (out.size() > 1)
      out += ',';
    json::appendQuoted(out, e.name);
    out += ":{\"dtype\":";
    json::appendQuoted(out, safetensors::dtypeName(e.dtype));
    out += ",\"shape\":";
    std::vector<uint64_t> dims(e.shape.begin(), e.shape.end());
    appendUnsignedList(out, dims.data(), dims.size());
    out += ",\"data_offsets\":";
    uint64_t offsets[2] = {e.begin, e.end};
    appendUnsignedList(out, offsets, 2);
    out += '}';
  }
  return out + "}";
}

bool safetensorsByteCount(const std::vector<int64_t> &shape,
                          safetensors::DType dtype, uint64_t &out) {
  // An empty tensor is empty whatever its other dimensions; check for zero
  // first so that the answer does not depend on the order of the dimensions.
  for (int64_t d : shape)
    if (d == 0) {
      out = 0;
      return true;
    }
  uint64_t n = safetensors::dtypeSize(dtype);
  for (int64_t d : shape) {
    auto ud = static_cast<uint64_t>(d);
    if (n > std::numeric_limits<uint64_t>::max() / ud)
      return false;
    n *= ud;
  }
  out = n;
  return true;
}

std::string formatSafetensorsShape(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

} // namespace tessera::rt
