// Names read from a corrupt file reach error messages only through
// printable(), which keeps them on one short line.
#include "format/printable.hpp"

#include <gtest/gtest.h>

using tessera::tbin::printable;

TEST(Printable, KeepsPrintableAsciiAsItIs) {
  EXPECT_EQ(printable(".tessera.meta"), ".tessera.meta");
  EXPECT_EQ(printable("a b~!"), "a b~!");
}

TEST(Printable, EscapesEverythingElse) {
  EXPECT_EQ(printable(std::string("a\nb\0c\x1b[31m\x7f\xc3\xa9\\", 14)),
            "a\\x0ab\\x00c\\x1b[31m\\x7f\\xc3\\xa9\\\\");
}

TEST(Printable, CutsLongStrings) {
  EXPECT_EQ(printable(std::string(300, 'x')), std::string(200, 'x') + "...");
  EXPECT_EQ(printable("abcdef", 3), "abc...");
  EXPECT_EQ(printable("abc", 3), "abc");
}
