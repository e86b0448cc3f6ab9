// A small JSON reader and string quoter, enough for the header of a
// .safetensors file.
//
// Why by hand: libtessera_rt builds with nothing but a C++ compiler (no LLVM,
// no third-party library), so it cannot use a JSON library. The reader is a
// pull parser: the caller asks for the value it expects next, so nothing but
// what the caller keeps is ever allocated, and a hostile header cannot make it
// build a large tree. It reads objects, arrays, strings (every escape,
// \uXXXX with surrogate pairs) and non-negative integers, and skips any other
// value (fractions, true, false, null). Nesting is capped at kMaxDepth.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace tessera::rt::json {

constexpr int kMaxDepth = 64;

enum class Kind { Object, Array, String, Number, Literal, Invalid };

// "an object", "an array", "a string", "a number", "a literal", "no value".
const char *kindName(Kind kind);

class Reader {
public:
  Reader(const char *text, std::size_t size) : text_(text), size_(size) {}

  // The kind of the next value, after skipping whitespace. Never fails.
  Kind peek();

  // Containers: begin, then call next* until it sets `done`. Commas and the
  // closing bracket are consumed there.
  bool beginObject();
  bool nextMember(bool &done, std::string &key);
  bool beginArray();
  bool nextElement(bool &done);

  bool readString(std::string &out);
  // Refuses negative numbers, fractions, exponents and values over 2^64 - 1.
  bool readUnsigned(uint64_t &out);
  // Any one value, nested ones included.
  bool skipValue();
  // Succeeds when only whitespace is left.
  bool finish();

  // Every failure sets this, ending in " at offset N", N counted from the
  // start of the text: "expected ':' after an object key at offset 9".
  const std::string &error() const { return error_; }

private:
  bool fail(const std::string &what);
  bool nextItem(char close, bool &done);
  void skipSpace();
  bool enter();
  bool readHex4(uint32_t &out);
  bool skipNumber();
  bool skipLiteral();

  const char *text_;
  std::size_t size_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  // True right after '{' or '[': the next member or element takes no comma.
  bool atFirst_ = false;
  std::string error_;
};

// `s` as a JSON string literal, escaped as serde_json (the reference
// safetensors writer) escapes it: '"', '\\' and control characters only.
void appendQuoted(std::string &out, const std::string &s);
std::string quoted(const std::string &s);

// Offset of the first byte of `text` that is not valid UTF-8 (overlong forms
// and surrogates included), or `size` if there is none.
std::size_t invalidUtf8At(const char *text, std::size_t size);

} // namespace tessera::rt::json
