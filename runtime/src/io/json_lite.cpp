#include "io/json_lite.hpp"

namespace tessera::rt::json {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

void appendUtf8(std::string &out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

} // namespace

const char *kindName(Kind kind) {
  switch (kind) {
  case Kind::Object:
    return "an object";
  case Kind::Array:
    return "an array";
  case Kind::String:
    return "a string";
  case Kind::Number:
    return "a number";
  case Kind::Literal:
    return "a literal";
  case Kind::Invalid:
    break;
  }
  return "no value";
}

bool Reader::fail(const std::string &what) {
  error_ = what + " at offset " + std::to_string(pos_);
  return false;
}

void Reader::skipSpace() {
  while (pos_ < size_ && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                          text_[pos_] == '\n' || text_[pos_] == '\r'))
    ++pos_;
}

Kind Reader::peek() {
  skipSpace();
  if (pos_ >= size_)
    return Kind::Invalid;
  char c = text_[pos_];
  if (c == '{')
    return Kind::Object;
  if (c == '[')
    return Kind::Array;
  if (c == '"')
    return Kind::String;
  if (c == '-' || isDigit(c))
    return Kind::Number;
  if (c == 't' || c == 'f' || c == 'n')
    return Kind::Literal;
  return Kind::Invalid;
}

bool Reader::enter() {
  if (depth_ == kMaxDepth)
    return fail("nesting deeper than " + std::to_string(kMaxDepth) + " levels");
  ++depth_;
  ++pos_;
  atFirst_ = true;
  return true;
}

bool Reader::beginObject() {
  if (peek() != Kind::Object)
    return fail("expected '{'");
  return enter();
}

bool Reader::beginArray() {
  if (peek() != Kind::Array)
    return fail("expected '['");
  return enter();
}

// Shared by objects and arrays: the container ends at `close` (done), or
// the next item follows, after a ',' unless it is the first.
bool Reader::nextItem(char close, bool &done) {
  skipSpace();
  done = pos_ < size_ && text_[pos_] == close;
  if (done) {
    ++pos_;
    --depth_;
    // The container just closed is a value of the enclosing one.
    atFirst_ = false;
    return true;
  }
  if (!atFirst_) {
    if (pos_ >= size_ || text_[pos_] != ',')
      return fail(std::string("expected ',' or '") + close + "' in " +
                  (close == '}' ? "an object" : "an array"));
    ++pos_;
    skipSpace();
  }
  atFirst_ = false;
  return true;
}

bool Reader::nextMember(bool &done, std::string &key) {
  if (!nextItem('}', done))
    return false;
  if (done)
    return true;
  if (pos_ >= size_ || text_[pos_] != '"')
    return fail("expected a string as object key");
  if (!readString(key))
    return false;
  skipSpace();
  if (pos_ >= size_ || text_[pos_] != ':')
    return fail("expected ':' after an object key");
  ++pos_;
  return true;
}

bool Reader::nextElement(bool &done) { return nextItem(']', done); }

bool Reader::readHex4(uint32_t &out) {
  out = 0;
  for (int i = 0; i < 4; ++i, ++pos_) {
    if (pos_ >= size_)
      return fail("unterminated string");
    char c = text_[pos_];
    uint32_t digit;
    if (c >= '0' && c <= '9')
      digit = static_cast<uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f')
      digit = static_cast<uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      digit = static_cast<uint32_t>(c - 'A' + 10);
    else
      return fail("expected 4 hex digits after \\u");
    out = out << 4 | digit;
  }
  return true;
}

bool Reader::readString(std::string &out) {
  if (peek() != Kind::String)
    return fail("expected a string");
  ++pos_;
  out.clear();
  for (;;) {
    if (pos_ >= size_)
      return fail("unterminated string");
    auto c = static_cast<unsigned char>(text_[pos_]);
    if (c == '"') {
      ++pos_;
      return true;
    }
    if (c < 0x20)
      return fail("control character in a string");
    if (c != '\\') {
      out += static_cast<char>(c);
      ++pos_;
      continue;
    }
    if (++pos_ >= size_)
      return fail("unterminated string");
    char e = text_[pos_++];
    switch (e) {
    case '"':
    case '\\':
    case '/':
      out += e;
      break;
    case 'b':
      out += '\b';
      break;
    case 'f':
      out += '\f';
      break;
    case 'n':
      out += '\n';
      break;
    case 'r':
      out += '\r';
      break;
    case 't':
      out += '\t';
      break;
    case 'u': {
      uint32_t cp;
      if (!readHex4(cp))
        return false;
      if (cp >= 0xdc00 && cp <= 0xdfff)
        return fail("unpaired surrogate in \\u escape");
      if (cp >= 0xd800 && cp <= 0xdbff) {
        // A high surrogate must be followed by an escaped low one.
        uint32_t low;
        if (size_ - pos_ < 2 || text_[pos_] != '\\' || text_[pos_ + 1] != 'u')
          return fail("unpaired surrogate in \\u escape");
        pos_ += 2;
        if (!readHex4(low))
          return false;
        if (low < 0xdc00 || low > 0xdfff)
          return fail("unpaired surrogate in \\u escape");
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
      }
      appendUtf8(out, cp);
      break;
    }
    default:
      --pos_;
      return fail("invalid escape in a string");
    }
  }
}

bool Reader::readUnsigned(uint64_t &out) {
  Kind kind = peek();
  if (kind != Kind::Number)
    return fail("expected a non-negative integer");
  if (text_[pos_] == '-')
    return fail("expected a non-negative integer, found a negative number");
  if (text_[pos_] == '0' && pos_ + 1 < size_ && isDigit(text_[pos_ + 1]))
    return fail("leading zero in a number");
  std::size_t start = pos_;
  out = 0;
  while (pos_ < size_ && isDigit(text_[pos_])) {
    auto digit = static_cast<uint64_t>(text_[pos_] - '0');
    if (out > (UINT64_MAX - digit) / 10) {
      pos_ = start;
      return fail("integer larger than 2^64 - 1");
    }
    out = out * 10 + digit;
    ++pos_;
  }
  if (pos_ < size_ &&
      (text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E')) {
    pos_ = start;
    return fail("expected an integer, found a fraction or exponent");
  }
  return true;
}

bool Reader::skipNumber() {
  if (text_[pos_] == '-')
    ++pos_;
  if (pos_ >= size_ || !isDigit(text_[pos_]))
    return fail("expected a digit");
  if (text_[pos_] == '0') {
    ++pos_;
  } else {
    while (pos_ < size_ && isDigit(text_[pos_]))
      ++pos_;
  }
  if (pos_ < size_ && text_[pos_] == '.') {
    ++pos_;
    if (pos_ >= size_ || !isDigit(text_[pos_]))
      return fail("expected a digit after '.'");
    while (pos_ < size_ && isDigit(text_[pos_]))
      ++pos_;
  }
  if (pos_ < size_ && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
    ++pos_;
    if (pos_ < size_ && (text_[pos_] == '+' || text_[pos_] == '-'))
      ++pos_;
    if (pos_ >= size_ || !isDigit(text_[pos_]))
      return fail("expected a digit in the exponent");
    while (pos_ < size_ && isDigit(text_[pos_]))
      ++pos_;
  }
  return true;
}

bool Reader::skipLiteral() {
  for (const char *word : {"true", "false", "null"}) {
    std::size_t n = std::char_traits<char>::length(word);
    if (size_ - pos_ >= n && text_[pos_] == word[0] &&
        std::char_traits<char>::compare(text_ + pos_, word, n) == 0) {
      pos_ += n;
      return true;
    }
  }
  return fail("invalid literal");
}

bool Reader::skipValue() {
  bool done;
  std::string ignored;
  switch (peek()) {
  case Kind::Object:
    if (!beginObject())
      return false;
    for (;;) {
      if (!nextMember(done, ignored))
        return false;
      if (done)
        return true;
      if (!skipValue())
        return false;
    }
  case Kind::Array:
    if (!beginArray())
      return false;
    for (;;) {
      if (!nextElement(done))
        return false;
      if (done)
        return true;
      if (!skipValue())
        return false;
    }
  case Kind::String:
    return readString(ignored);
  case Kind::Number:
    return skipNumber();
  case Kind::Literal:
    return skipLiteral();
  case Kind::Invalid:
    break;
  }
  return fail(pos_ >= size_ ? "unexpected end of text" : "expected a value");
}

bool Reader::finish() {
  skipSpace();
  if (pos_ != size_)
    return fail("unexpected text after the value");
  return true;
}

void appendQuoted(std::string &out, const std::string &s) {
  static const char kHex[] = "0123456789abcdef";
  out += '"';
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (c < 0x20) {
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
      } else {
        out += ch;
      }
    }
  }
  out += '"';
}

std::string quoted(const std::string &s) {
  std::string out;
  appendQuoted(out, s);
  return out;
}

std::size_t invalidUtf8At(const char *text, std::size_t size) {
  auto *s = reinterpret_cast<const unsigned char *>(text);
  std::size_t i = 0;
  while (i < size) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    uint32_t cp, min;
    if ((c & 0xe0) == 0xc0) {
      len = 2, cp = c & 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3, cp = c & 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4, cp = c & 0x07, min = 0x10000;
    } else {
      return i;
    }
    if (size - i < len)
      return i;
    for (std::size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xc0) != 0x80)
        return i;
      cp = cp << 6 | (s[i + k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return i;
    i += len;
  }
  return size;
}

} // namespace tessera::rt::json
