#include "printable.hpp"

namespace tessera::tbin {

std::string printable(const std::string &s, std::size_t max) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  std::size_t n = s.size() < max ? s.size() : max;
  for (std::size_t i = 0; i < n; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '\\') {
      out += "\\\\";
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  if (n < s.size())
    out += "...";
  return out;
}

} // namespace tessera::tbin
