// The runtime's small JSON reader: containers, escapes, integers, skipping,
// and the quoting the safetensors writer relies on.
#include "io/json_lite.hpp"

#include <gtest/gtest.h>

#include <cstring>

using namespace tessera::rt;

namespace {

// The text must outlive the reader: string literals, or named strings.
json::Reader reader(const char *text) {
  return json::Reader(text, std::strlen(text));
}
json::Reader reader(const std::string &text) {
  return json::Reader(text.data(), text.size());
}

} // namespace

TEST(JsonLite, ReadsNestedContainers) {
  json::Reader r = reader(R"( {"a": [1, 22, 333], "b": {}, "c": []} )");
  bool done;
  std::string key;
  ASSERT_TRUE(r.beginObject());
  ASSERT_TRUE(r.nextMember(done, key));
  ASSERT_FALSE(done);
  EXPECT_EQ(key, "a");
  ASSERT_TRUE(r.beginArray());
  std::vector<uint64_t> values;
  for (;;) {
    ASSERT_TRUE(r.nextElement(done)) << r.error();
    if (done)
      break;
    uint64_t v;
    ASSERT_TRUE(r.readUnsigned(v)) << r.error();
    values.push_back(v);
  }
  EXPECT_EQ(values, (std::vector<uint64_t>{1, 22, 333}));
  ASSERT_TRUE(r.nextMember(done, key));
  EXPECT_EQ(key, "b");
  EXPECT_EQ(r.peek(), json::Kind::Object);
  ASSERT_TRUE(r.skipValue());
  ASSERT_TRUE(r.nextMember(done, key));
  EXPECT_EQ(key, "c");
  ASSERT_TRUE(r.skipValue());
  ASSERT_TRUE(r.nextMember(done, key));
  EXPECT_TRUE(done);
  EXPECT_TRUE(r.finish()) << r.error();
}

TEST(JsonLite, DecodesEveryEscape) {
  json::Reader r =
      reader(R"("\"\\\/\b\f\n\r\t\u0041\u00e9\u20ac\ud83d\ude00")");
  std::string s;
  ASSERT_TRUE(r.readString(s)) << r.error();
  EXPECT_EQ(s, "\"\\/\b\f\n\r\tA\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
}

TEST(JsonLite, SkipsAnyValue) {
  json::Reader r = reader(
      R"([-0, 1.5, 2e10, -3.25E-2, true, false, null, "s", {"k": [[]]}])");
  EXPECT_TRUE(r.skipValue()) << r.error();
  EXPECT_TRUE(r.finish()) << r.error();
  for (const char *bad : {"-", "1.", "1e", "tru", "[1,]x", "{\"a\":}", "01"}) {
    json::Reader b = reader(bad);
    EXPECT_FALSE(b.skipValue() && b.finish()) << bad;
    EXPECT_NE(b.error().find(" at offset "), std::string::npos) << bad;
  }
}

TEST(JsonLite, IntegerLimits) {
  uint64_t v;
  json::Reader max = reader("18446744073709551615");
  ASSERT_TRUE(max.readUnsigned(v));
  EXPECT_EQ(v, UINT64_MAX);
  json::Reader over = reader("18446744073709551616");
  EXPECT_FALSE(over.readUnsigned(v));
  EXPECT_EQ(over.error(), "integer larger than 2^64 - 1 at offset 0");
  json::Reader zero = reader("007");
  EXPECT_FALSE(zero.readUnsigned(v));
  EXPECT_EQ(zero.error(), "leading zero in a number at offset 0");
}

TEST(JsonLite, NestingIsBounded) {
  std::string ok(json::kMaxDepth, '[');
  ok += std::string(json::kMaxDepth, ']');
  json::Reader fine = reader(ok);
  EXPECT_TRUE(fine.skipValue()) << fine.error();
  std::string deep(100000, '[');
  json::Reader r = reader(deep);
  EXPECT_FALSE(r.skipValue());
  EXPECT_EQ(r.error(), "nesting deeper than 64 levels at offset 64");
}

TEST(JsonLite, QuotesAsSerdeJsonDoes) {
  EXPECT_EQ(json::quoted("plain/\xc3\xa9\x7f"), "\"plain/\xc3\xa9\x7f\"");
  EXPECT_EQ(json::quoted("\"\\\b\f\n\r\t\x01\x1f"),
            R"("\"\\\b\f\n\r\t\u0001\u001f")");
}

TEST(JsonLite, FindsInvalidUtf8) {
  auto at = [](const std::string &s) {
    return json::invalidUtf8At(s.data(), s.size());
  };
  EXPECT_EQ(at("ascii \xc3\xa9 \xf0\x9f\x98\x80"), 13u); // valid: the size
  EXPECT_EQ(at("a\x80"), 1u);            // stray continuation byte
  EXPECT_EQ(at("ab\xc0\xaf"), 2u);       // overlong '/'
  EXPECT_EQ(at("\xed\xa0\x80"), 0u);     // encoded surrogate
  EXPECT_EQ(at("\xf4\x90\x80\x80"), 0u); // above U+10FFFF
  EXPECT_EQ(at("x\xe2\x82"), 1u);        // truncated sequence
}
