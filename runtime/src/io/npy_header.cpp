#include "io/npy_header.hpp"

#include <limits>

namespace tessera::rt {

namespace {

class Parser {
public:
  Parser(const char *t, std::size_t n, std::string &err)
      : text(t), size(n), error(err) {}

  bool fail(const std::string &what) {
    error = what + " at offset " + std::to_string(pos);
    return false;
  }
  void skipSpace() {
    while (pos < size && (text[pos] == ' ' || text[pos] == '\t' ||
                          text[pos] == '\n' || text[pos] == '\r'))
      ++pos;
  }
  bool peek(char c) {
    skipSpace();
    return pos < size && text[pos] == c;
  }
  bool expect(char c, const std::string &context) {
    if (!peek(c))
      return fail(std::string("expected '") + c + "' " + context);
    ++pos;
    return true;
  }
  bool string(std::string &out) {
    skipSpace();
    if (pos >= size || (text[pos] != '\'' && text[pos] != '"'))
      return fail("expected a string");
    char quote = text[pos++];
    std::size_t start = pos;
    // Header keys and dtype strings never contain escapes; refusing them
    // keeps the parser small.
    while (pos < size && text[pos] != quote && text[pos] != '\n') {
      if (text[pos] == '\\')
        return fail("unsupported escape in string");
      ++pos;
    }
    if (pos >= size || text[pos] == '\n')
      return fail("unterminated string");
    out.assign(text + start, pos - start);
    ++pos;
    return true;
  }
  bool boolean(bool &out) {
    skipSpace();
    if (size - pos >= 4 && std::string(text + pos, 4) == "True") {
      out = true;
      pos += 4;
      return true;
    }
    if (size - pos >= 5 && std::string(text + pos, 5) == "False") {
      out = false;
      pos += 5;
      return true;
    }
    return fail("expected True or False");
  }
  bool integer(int64_t &out) {
    skipSpace();
    if (pos >= size || text[pos] < '0' || text[pos] > '9')
      return fail("expected a non-negative integer");
    out = 0;
    while (pos < size && text[pos] >= '0' && text[pos] <= '9') {
      int digit = text[pos] - '0';
      if (out > (std::numeric_limits<int64_t>::max() - digit) / 10)
        return fail("dimension too large");
      out = out * 10 + digit;
      ++pos;
    }
    if (pos < size && text[pos] == 'L') // Python 2 long literal
      ++pos;
    return true;
  }
  bool tuple(std::vector<int64_t> &out) {
    out.clear();
    if (!expect('(', "to start the shape"))
      return false;
    while (!peek(')')) {
      int64_t v;
      if (!integer(v))
        return false;
      if (out.size() == kNpyMaxRank)
        return fail("shape has more than " + std::to_string(kNpyMaxRank) +
                    " dimensions");
      out.push_back(v);
      if (peek(','))
        ++pos;
      else if (!peek(')'))
        return fail("expected ',' or ')' in the shape");
    }
    ++pos;
    return true;
  }
  bool atEnd() {
    skipSpace();
    // numpy pads with spaces and a newline; some writers pad with NULs.
    while (pos < size && text[pos] == '\0')
      ++pos;
    return pos == size;
  }

  const char *text;
  std::size_t size;
  std::size_t pos = 0;
  std::string &error;
};

} // namespace

bool parseNpyHeader(const char *text, std::size_t size, NpyHeader &out,
                    std::string &error) {
  Parser p(text, size, error);
  bool haveDescr = false, haveOrder = false, haveShape = false;
  if (!p.expect('{', "at the start of the header"))
    return false;
  while (!p.peek('}')) {
    std::string key;
    if (!p.string(key) || !p.expect(':', "after key '" + key + "'"))
      return false;
    if (key == "descr") {
      if (p.peek('['))
        return p.fail("structured dtypes are not supported");
      if (!p.string(out.descr))
        return false;
      haveDescr = true;
    } else if (key == "fortran_order") {
      if (!p.boolean(out.fortranOrder))
        return false;
      haveOrder = true;
    } else if (key == "shape") {
      if (!p.tuple(out.shape))
        return false;
      haveShape = true;
    } else {
      return p.fail("unexpected key '" + key + "'");
    }
    if (p.peek(','))
      ++p.pos;
    else if (!p.peek('}'))
      return p.fail("expected ',' or '}'");
  }
  ++p.pos;
  if (!p.atEnd())
    return p.fail("unexpected text after the header dict");
  if (!haveDescr || !haveOrder || !haveShape) {
    error = std::string("header lacks key '") +
            (!haveDescr   ? "descr"
             : !haveOrder ? "fortran_order"
                          : "shape") +
            "'";
    return false;
  }
  return true;
}

std::string formatNpyShape(const std::vector<int64_t> &shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.size() == 1)
    s += ',';
  return s + ')';
}

} // namespace tessera::rt
