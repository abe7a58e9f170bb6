// StrMethodsTest.cpp — the Str methods of §13 (runtime/src/strmeth.c):
// case, trimming, building, slicing (shared storage), searching, parsing
// and the List-valued splits, with their panics (§12) and reference counts
// (§16). Every test checks that the live-object count returns to where it
// started.
#include "RuntimeTestUtil.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

using gujitest::lit_re;
using gujitest::str;

namespace {

const GjLoc kLoc = {"t.guji", 4, 2};

// A literal as the compiler lays it out: immortal, bytes in constant data.
GjStr lit(const char *text) {
  return GjStr{{0, GJ_KIND_STR, 0}, (int64_t)strlen(text), text, 0, nullptr};
}

// A heap (flat, rc 1) copy of text.
GjStr *heap(const std::string &text) {
  return gj_str_from_bytes(text.data(), (int64_t)text.size());
}

// Runs f on a heap copy of `in`, returns the result's text; drops both.
template <class F> std::string on(const std::string &in, F f) {
  GjStr *s = heap(in);
  GjStr *r = f(s);
  std::string out = str(r);
  gj_dec(r);
  gj_dec(s);
  return out;
}

std::vector<std::string> strs(GjList *l) {
  EXPECT_EQ(gj_list_elem_type(l), &gj_type_str);
  std::vector<std::string> out;
  for (int64_t i = 0; i < gj_list_len(l); i++) {
    GjStr *s;
    gj_list_get(l, i, &s, &kLoc);
    out.push_back(str(s));
  }
  return out;
}

// The List[Str] f makes of a heap copy of `in`; drops everything.
template <class F> std::vector<std::string> split_on(const std::string &in, F f) {
  GjStr *s = heap(in);
  GjList *l = f(s);
  std::vector<std::string> out = strs(l);
  gj_dec(l);
  gj_dec(s);
  return out;
}

using V = std::vector<std::string>;

class StrMethods : public testing::Test {
protected:
  void SetUp() override { live_ = gj_rt_live_objects(); }
  void TearDown() override { EXPECT_EQ(gj_rt_live_objects(), live_); }
  int64_t live_ = 0;
};

// ---- case -------------------------------------------------------------------

TEST_F(StrMethods, UpperLowerAscii) {
  EXPECT_EQ(on("Hello, World 42!", gj_str_upper), "HELLO, WORLD 42!");
  EXPECT_EQ(on("Hello, World 42!", gj_str_lower), "hello, world 42!");
  EXPECT_EQ(on("", gj_str_upper), "");
  EXPECT_EQ(on("", gj_str_lower), "");
}

// The ASCII path maps eight bytes at a time: every length, every offset
// of the letters in a word, and the byte values just outside each range.
TEST_F(StrMethods, UpperLowerAsciiEveryLength) {
  const std::string edge = "@AZ[`az{ 09~\x7f";
  for (size_t n = 0; n < 41; n++) {
    for (size_t off = 0; off < edge.size(); off++) {
      std::string in;
      for (size_t i = 0; i < n; i++)
        in += edge[(i + off) % edge.size()];
      std::string up = in, low = in;
      for (auto &c : up)
        c = (char)toupper((unsigned char)c);
      for (auto &c : low)
        c = (char)tolower((unsigned char)c);
      EXPECT_EQ(on(in, gj_str_upper), up) << n << " " << off;
      EXPECT_EQ(on(in, gj_str_lower), low) << n << " " << off;
      // a non-ASCII tail after a long ASCII run takes the general path
      EXPECT_EQ(on(in + "é", gj_str_upper), up + "É");
      EXPECT_EQ(on(in + "É", gj_str_lower), low + "é");
    }
  }
}

TEST_F(StrMethods, UpperLowerUnicode) {
  // Latin-1, Latin Extended-A/B, Greek, Cyrillic, Armenian, fullwidth
  EXPECT_EQ(on("àéîõü ÿ ıœ ǆ", gj_str_upper), "ÀÉÎÕÜ Ÿ IŒ Ǆ");
  EXPECT_EQ(on("ÀÉÎÕÜ Ÿ Œ Ǆ", gj_str_lower), "àéîõü ÿ œ ǆ");
  EXPECT_EQ(on("αβγ ωμέγα", gj_str_upper), "ΑΒΓ ΩΜΈΓΑ");
  EXPECT_EQ(on("привет мир", gj_str_upper), "ПРИВЕТ МИР");
  EXPECT_EQ(on("ПРИВЕТ МИР Ё", gj_str_lower), "привет мир ё");
  EXPECT_EQ(on("ｈｅｌｌｏ", gj_str_upper), "ＨＥＬＬＯ");
  EXPECT_EQ(on("𐐨", gj_str_upper), "𐐀"); // Deseret: 4-byte scalars
  EXPECT_EQ(on("ɐ", gj_str_upper), "Ɐ");   // 2 bytes -> 3 bytes
  EXPECT_EQ(on("Ⱥ", gj_str_lower), "ⱥ");
  EXPECT_EQ(on("µ", gj_str_upper), "Μ"); // micro sign -> Greek capital mu
  EXPECT_EQ(on("日本語 ok", gj_str_upper), "日本語 OK");
}

TEST_F(StrMethods, UpperLowerExpanding) {
  // Python's full mappings
  EXPECT_EQ(on("straße", gj_str_upper), "STRASSE");
  EXPECT_EQ(on("ﬁne", gj_str_upper), "FINE");
  EXPECT_EQ(on("ŉ", gj_str_upper), "ʼN");
  EXPECT_EQ(on("\u0390", gj_str_upper), "\u0399\u0308\u0301");
  EXPECT_EQ(on("İ", gj_str_lower), "i̇");
}

TEST_F(StrMethods, LowerFinalSigma) {
  EXPECT_EQ(on("ΟΔΟΣ", gj_str_lower), "οδος");
  EXPECT_EQ(on("ΟΔΟΣ ΣΟΦΟΣ.", gj_str_lower), "οδος σοφος.");
  EXPECT_EQ(on("Σ", gj_str_lower), "σ");
  EXPECT_EQ(on("ΣΑ", gj_str_lower), "σα");
}

TEST_F(StrMethods, UnchangedCaseSharesArgument) {
  GjStr *s = heap("already lower 123");
  GjStr *r = gj_str_lower(s);
  EXPECT_EQ(r, s);
  EXPECT_EQ(s->h.rc, 2);
  gj_dec(r);
  gj_dec(s);
}

// ---- trimming ---------------------------------------------------------------

TEST_F(StrMethods, Trim) {
  EXPECT_EQ(on("  \t a b \n", gj_str_trim), "a b");
  EXPECT_EQ(on("  \t a b \n", gj_str_trim_start), "a b \n");
  EXPECT_EQ(on("  \t a b \n", gj_str_trim_end), "  \t a b");
  EXPECT_EQ(on("   ", gj_str_trim), "");
  EXPECT_EQ(on("   ", gj_str_trim_start), "");
  EXPECT_EQ(on("   ", gj_str_trim_end), "");
  EXPECT_EQ(on("", gj_str_trim), "");
  EXPECT_EQ(on("x", gj_str_trim), "x");
  // Unicode White_Space: NBSP, ideographic space, em space, NEL, LS
  EXPECT_EQ(on("\u00A0\u3000é\u2003\u0085\u2028", gj_str_trim), "é");
  EXPECT_EQ(on("\u3000日本\u3000", gj_str_trim_end), "\u3000日本");
  // not whitespace: zero-width space, U+001C
  EXPECT_EQ(on("\u200Bx\x1C", gj_str_trim), "\u200Bx\x1C");
}

TEST_F(StrMethods, TrimLongSharesStorage) {
  std::string body(40, 'x');
  GjStr *s = heap("  " + body + "  ");
  GjStr *r = gj_str_trim(s);
  EXPECT_EQ(str(r), body);
  EXPECT_EQ(r->ptr, s->ptr + 2);
  EXPECT_EQ(r->owner, s);
  gj_dec(s); // the slice keeps the original alive
  EXPECT_EQ(str(r), body);
  gj_dec(r);
}

TEST_F(StrMethods, TrimShortCopiesAndNothingTrimmedShares) {
  GjStr *s = heap("  abc  ");
  GjStr *r = gj_str_trim(s);
  EXPECT_EQ(str(r), "abc");
  EXPECT_EQ(r->owner, nullptr); // a short piece is copied
  gj_dec(r);
  GjStr *t = gj_str_trim(r = heap("abc"));
  EXPECT_EQ(t, r);
  gj_dec(t);
  gj_dec(r);
  gj_dec(s);
}

// ---- building ---------------------------------------------------------------

TEST_F(StrMethods, Repeat) {
  auto rep = [](int64_t n) {
    return [n](GjStr *s) { return gj_str_repeat(s, n, &kLoc); };
  };
  EXPECT_EQ(on("ab", rep(3)), "ababab");
  EXPECT_EQ(on("ab", rep(0)), "");
  EXPECT_EQ(on("ab", rep(1)), "ab");
  EXPECT_EQ(on("", rep(5)), "");
  EXPECT_EQ(on("é", rep(4)), "éééé");
  EXPECT_EQ(on("xyz", rep(1000)).size(), 3000u);
  std::string big = on("abc", rep(777));
  for (size_t i = 0; i < big.size(); i += 3)
    ASSERT_EQ(big.substr(i, 3), "abc");
}

TEST(StrMethodsDeathTest, RepeatNegative) {
  GjStr s = lit("ab");
  EXPECT_EXIT(gj_str_repeat(&s, -2, &kLoc), testing::ExitedWithCode(101),
              lit_re("guji: panic: repeat count must not be negative: -2\n"
                     "  at t.guji:4:2"));
}

TEST_F(StrMethods, Reverse) {
  EXPECT_EQ(on("abc", gj_str_reverse), "cba");
  EXPECT_EQ(on("", gj_str_reverse), "");
  EXPECT_EQ(on("héllo", gj_str_reverse), "olléh");
  EXPECT_EQ(on("a€😀b", gj_str_reverse), "b😀€a");
}

TEST_F(StrMethods, Replace) {
  auto rep = [](const char *from, const char *to) {
    return [from, to](GjStr *s) {
      GjStr f = lit(from), t = lit(to);
      return gj_str_replace_str(s, &f, &t);
    };
  };
  EXPECT_EQ(on("a-b-c", rep("-", "+")), "a+b+c");
  EXPECT_EQ(on("aaaa", rep("aa", "b")), "bb");
  EXPECT_EQ(on("aaa", rep("aa", "b")), "ba"); // non-overlapping, from the left
  EXPECT_EQ(on("abc", rep("x", "y")), "abc");
  EXPECT_EQ(on("abc", rep("abc", "")), "");
  EXPECT_EQ(on("héllo wörld", rep("ö", "oe")), "héllo woerld");
  EXPECT_EQ(on("ab", rep("b", "ééé")), "aééé");
  // empty `from`: Python inserts before every scalar and at the end
  EXPECT_EQ(on("abc", rep("", "-")), "-a-b-c-");
  EXPECT_EQ(on("é日", rep("", ".")), ".é.日.");
  EXPECT_EQ(on("", rep("", "x")), "x");
  EXPECT_EQ(on("", rep("", "")), "");
  EXPECT_EQ(on("", rep("a", "b")), "");
}

TEST_F(StrMethods, Pad) {
  auto left = [](int64_t n, uint32_t c) {
    return [n, c](GjStr *s) { return gj_str_pad_left(s, n, c); };
  };
  auto right = [](int64_t n, uint32_t c) {
    return [n, c](GjStr *s) { return gj_str_pad_right(s, n, c); };
  };
  EXPECT_EQ(on("42", left(5, '0')), "00042");
  EXPECT_EQ(on("42", right(5, '.')), "42...");
  EXPECT_EQ(on("hello", left(3, '*')), "hello");
  EXPECT_EQ(on("hello", right(-1, '*')), "hello");
  EXPECT_EQ(on("", left(2, 'x')), "xx");
  // widths are in scalars; the fill may be multi-byte
  EXPECT_EQ(on("é", left(3, ' ')), "  é");
  EXPECT_EQ(on("日本", right(4, 0x2605)), "日本★★");
  EXPECT_EQ(on("a", left(3, 0x1F600)), "😀😀a");
}

TEST_F(StrMethods, FromCharList) {
  GjList *l = gj_list_new(&gj_type_char);
  GjStr *e = gj_str_from_char_list(l);
  EXPECT_EQ(str(e), "");
  gj_dec(e);
  std::u32string want = U"héllo, 世界 😀";
  for (char32_t c : want) {
    uint32_t v = c;
    l = gj_list_push(l, &v);
  }
  GjStr *s = gj_str_from_char_list(l);
  EXPECT_EQ(str(s), "héllo, 世界 😀");
  gj_dec(s);
  // more than one leaf
  GjList *big = gj_list_new(&gj_type_char);
  std::string expect;
  for (int i = 0; i < 100; i++) {
    uint32_t v = i % 2 ? 'a' + i % 26 : 0xE9;
    expect += i % 2 ? std::string(1, (char)('a' + i % 26)) : "é";
    big = gj_list_push(big, &v);
  }
  s = gj_str_from_char_list(big);
  EXPECT_EQ(str(s), expect);
  gj_dec(s);
  gj_dec(big);
  gj_dec(l);
}

// ---- slicing ----------------------------------------------------------------

TEST_F(StrMethods, SliceSharesStorage) {
  GjStr *s = heap("hello, wörld");
  GjStr *r = gj_str_slice(s, 7, 13, &kLoc);
  EXPECT_EQ(str(r), "wörld");
  EXPECT_EQ(r->ptr, s->ptr + 7); // no copy
  EXPECT_EQ(r->owner, s);
  EXPECT_EQ(r->cap, 0);
  EXPECT_EQ(r->h.rc, 1);
  EXPECT_EQ(s->h.rc, 2);
  // a slice of the slice points at the root
  GjStr *rr = gj_str_slice(r, 1, 3, &kLoc);
  EXPECT_EQ(str(rr), "ö");
  EXPECT_EQ(rr->ptr, s->ptr + 8);
  EXPECT_EQ(rr->owner, s);
  EXPECT_EQ(s->h.rc, 3);
  gj_dec(r);
  EXPECT_EQ(s->h.rc, 2);
  gj_dec(rr);
  EXPECT_EQ(s->h.rc, 1);
  gj_dec(s);
}

TEST_F(StrMethods, SliceOutlivesOriginal) {
  GjStr *s = heap("0123456789abcdef");
  int64_t with_s = gj_rt_live_objects();
  GjStr *r = gj_str_slice(s, 2, 5, &kLoc);
  EXPECT_EQ(gj_rt_live_objects(), with_s + 1);
  gj_dec(s); // still alive through the slice
  EXPECT_EQ(gj_rt_live_objects(), with_s + 1);
  EXPECT_EQ(str(r), "234");
  gj_dec(r); // frees the slice and then the original
  EXPECT_EQ(gj_rt_live_objects(), with_s - 1);
}

TEST_F(StrMethods, SliceEdgeCases) {
  GjStr *s = heap("héllo");
  GjStr *all = gj_str_slice(s, 0, 6, &kLoc);
  EXPECT_EQ(all, s); // the whole string: itself
  GjStr *none = gj_str_slice(s, 3, 3, &kLoc);
  EXPECT_EQ(str(none), "");
  GjStr *tail = gj_str_slice(s, 6, 6, &kLoc);
  EXPECT_EQ(str(tail), "");
  GjStr *e = gj_str_slice(s, 1, 3, &kLoc);
  EXPECT_EQ(str(e), "é");
  // appending to a slice copies it; the original is unchanged
  GjStr bang = lit("!");
  gj_inc(e);
  GjStr *e2 = gj_str_append_str(e, &bang);
  EXPECT_EQ(str(e2), "é!");
  EXPECT_EQ(str(e), "é");
  EXPECT_EQ(str(s), "héllo");
  for (GjStr *x : {all, none, tail, e, e2, s})
    gj_dec(x);
}

TEST_F(StrMethods, SliceOfLiteral) {
  GjStr l = lit("constant text");
  GjStr *r = gj_str_slice(&l, 9, 13, &kLoc);
  EXPECT_EQ(str(r), "text");
  EXPECT_EQ(r->ptr, l.ptr + 9);
  EXPECT_EQ(l.h.rc, 0); // still immortal
  gj_dec(r);
}

TEST(StrMethodsDeathTest, SliceOutOfRange) {
  GjStr s = lit("héllo"); // 6 bytes
  EXPECT_EXIT(gj_str_slice(&s, 2, 7, &kLoc), testing::ExitedWithCode(101),
              lit_re("guji: panic: slice out of range: 2..7 (length 6)\n"
                     "  at t.guji:4:2"));
  EXPECT_EXIT(gj_str_slice(&s, 3, 1, &kLoc), testing::ExitedWithCode(101),
              lit_re("slice out of range: 3..1 (length 6)"));
  EXPECT_EXIT(gj_str_slice(&s, -1, 2, &kLoc), testing::ExitedWithCode(101),
              lit_re("slice out of range: -1..2 (length 6)"));
}

TEST(StrMethodsDeathTest, SliceOffCharBoundary) {
  GjStr s = lit("héllo");
  EXPECT_EXIT(gj_str_slice(&s, 2, 4, &kLoc), testing::ExitedWithCode(101),
              lit_re("guji: panic: byte index 2 is not a char boundary in "
                     "\"héllo\"\n  at t.guji:4:2"));
  EXPECT_EXIT(gj_str_slice(&s, 0, 2, &kLoc), testing::ExitedWithCode(101),
              lit_re("byte index 2 is not a char boundary"));
  GjStr q = lit("\"€\"\n");
  EXPECT_EXIT(gj_str_slice(&q, 2, 5, &kLoc), testing::ExitedWithCode(101),
              lit_re("byte index 2 is not a char boundary in \"\\\"€\\\"\\n\""));
  std::string longtext = std::string(70, 'a') + "é";
  GjStr lg = lit(longtext.c_str());
  EXPECT_EXIT(gj_str_slice(&lg, 71, 72, &kLoc), testing::ExitedWithCode(101),
              lit_re("byte index 71 is not a char boundary in \"" +
                     std::string(64, 'a') + "\"..."));
}

// ---- queries ----------------------------------------------------------------

TEST_F(StrMethods, CharCount) {
  GjStr a = lit(""), b = lit("abc"), c = lit("héllo"), d = lit("日本😀");
  EXPECT_EQ(gj_str_char_count(&a), 0);
  EXPECT_EQ(gj_str_char_count(&b), 3);
  EXPECT_EQ(gj_str_char_count(&c), 5);
  EXPECT_EQ(gj_str_char_count(&d), 3);
}

TEST_F(StrMethods, ContainsStartsEnds) {
  GjStr s = lit("héllo wörld"), e = lit(""), w = lit("wör"), h = lit("hé"),
        d = lit("rld"), x = lit("xyz"), big = lit("héllo wörld!");
  EXPECT_TRUE(gj_str_contains(&s, &w));
  EXPECT_TRUE(gj_str_contains(&s, &e));
  EXPECT_TRUE(gj_str_contains(&e, &e));
  EXPECT_FALSE(gj_str_contains(&s, &x));
  EXPECT_FALSE(gj_str_contains(&s, &big));
  EXPECT_FALSE(gj_str_contains(&e, &x));
  EXPECT_TRUE(gj_str_starts_with(&s, &h));
  EXPECT_TRUE(gj_str_starts_with(&s, &e));
  EXPECT_TRUE(gj_str_starts_with(&s, &s));
  EXPECT_FALSE(gj_str_starts_with(&s, &w));
  EXPECT_FALSE(gj_str_starts_with(&s, &big));
  EXPECT_TRUE(gj_str_ends_with(&s, &d));
  EXPECT_TRUE(gj_str_ends_with(&s, &e));
  EXPECT_FALSE(gj_str_ends_with(&s, &h));
  EXPECT_FALSE(gj_str_ends_with(&s, &big));
}

TEST_F(StrMethods, Find) {
  GjStr s = lit("héllo wörld"), e = lit(""), w = lit("wö"), o = lit("o"),
        x = lit("xyz");
  EXPECT_EQ(gj_str_find(&s, &w), 7); // bytes: é is two
  EXPECT_EQ(gj_str_find(&s, &o), 5);
  EXPECT_EQ(gj_str_find(&s, &e), 0);
  EXPECT_EQ(gj_str_find(&s, &x), -1);
  EXPECT_EQ(gj_str_find(&e, &o), -1);
}

TEST_F(StrMethods, Count) {
  GjStr s = lit("aaaa"), aa = lit("aa"), a = lit("a"), e = lit(""),
        u = lit("é日é"), ee = lit("é"), x = lit("x");
  EXPECT_EQ(gj_str_count(&s, &aa), 2); // non-overlapping
  EXPECT_EQ(gj_str_count(&s, &a), 4);
  EXPECT_EQ(gj_str_count(&s, &x), 0);
  EXPECT_EQ(gj_str_count(&u, &ee), 2);
  EXPECT_EQ(gj_str_count(&s, &e), 5); // Python: char_count + 1
  EXPECT_EQ(gj_str_count(&u, &e), 4);
  EXPECT_EQ(gj_str_count(&e, &e), 1);
}

TEST_F(StrMethods, ByteAt) {
  GjStr s = lit("aé");
  EXPECT_EQ(gj_str_byte_at(&s, 0, &kLoc), 'a');
  EXPECT_EQ(gj_str_byte_at(&s, 1, &kLoc), 0xC3);
  EXPECT_EQ(gj_str_byte_at(&s, 2, &kLoc), 0xA9);
}

TEST(StrMethodsDeathTest, ByteAtOutOfRange) {
  GjStr s = lit("aé");
  EXPECT_EXIT(gj_str_byte_at(&s, 3, &kLoc), testing::ExitedWithCode(101),
              lit_re("guji: panic: index out of range: 3 (length 3)\n"
                     "  at t.guji:4:2"));
  EXPECT_EXIT(gj_str_byte_at(&s, -1, &kLoc), testing::ExitedWithCode(101),
              lit_re("index out of range: -1 (length 3)"));
}

// ---- parsing ----------------------------------------------------------------

TEST_F(StrMethods, ParseInt) {
  struct {
    const char *in;
    bool ok;
    int64_t v;
  } cases[] = {{"0", true, 0},
               {"42", true, 42},
               {"+42", true, 42},
               {"-42", true, -42},
               {"-0", true, 0},
               {"007", true, 7},
               {"9223372036854775807", true, INT64_MAX},
               {"-9223372036854775808", true, INT64_MIN},
               {"9223372036854775808", false, 0},
               {"-9223372036854775809", false, 0},
               {"99999999999999999999999", false, 0},
               {"", false, 0},
               {"+", false, 0},
               {"-", false, 0},
               {" 1", false, 0},
               {"1 ", false, 0},
               {"1_000", false, 0},
               {"0x10", false, 0},
               {"1.0", false, 0},
               {"--1", false, 0},
               {"١", false, 0}}; // Arabic-Indic digit: not ASCII
  for (auto &c : cases) {
    GjStr s = lit(c.in);
    EXPECT_EQ(gj_str_is_int(&s), c.ok) << c.in;
    EXPECT_EQ(gj_str_parse_int(&s), c.v) << c.in;
  }
}

TEST_F(StrMethods, ParseFloat) {
  struct {
    const char *in;
    double v;
  } ok[] = {{"0", 0.0},           {"3.14", 3.14},     {"-2.5", -2.5},
            {"+1", 1.0},          {"1.", 1.0},        {".5", 0.5},
            {"1e3", 1000.0},      {"1E-2", 0.01},     {"2.5e+10", 2.5e10},
            {"0.1", 0.1},         {"1e400", INFINITY}, {"1e-400", 0.0},
            {"inf", INFINITY},    {"-inf", -INFINITY}, {"+Infinity", INFINITY},
            {"INF", INFINITY},    {"007.5", 7.5},
            {"2.2250738585072014e-308", 2.2250738585072014e-308},
            {"9007199254740993", 9007199254740992.0}}; // ties to even
  for (auto &c : ok) {
    GjStr s = lit(c.in);
    EXPECT_TRUE(gj_str_is_float(&s)) << c.in;
    EXPECT_EQ(gj_str_parse_float(&s), c.v) << c.in;
  }
  const char *nans[] = {"nan", "NaN", "-nan", "+NAN"};
  for (const char *in : nans) {
    GjStr s = lit(in);
    EXPECT_TRUE(gj_str_is_float(&s)) << in;
    EXPECT_TRUE(std::isnan(gj_str_parse_float(&s))) << in;
  }
  const char *bad[] = {"",      ".",    "+",    "-",    "e5",  "1e",
                       "1e+",   " 1",   "1 ",   "1_0",  "0x1p3", "1.2.3",
                       "infin", "nan1", "inff", "1,5",  "١"};
  for (const char *in : bad) {
    GjStr s = lit(in);
    EXPECT_FALSE(gj_str_is_float(&s)) << in;
    EXPECT_EQ(gj_str_parse_float(&s), 0.0) << in;
  }
  std::string longnum = "0." + std::string(300, '0') + "1";
  GjStr l = lit(longnum.c_str());
  EXPECT_TRUE(gj_str_is_float(&l));
  EXPECT_EQ(gj_str_parse_float(&l), 1e-301);
}

// ---- lists ------------------------------------------------------------------

TEST_F(StrMethods, Split) {
  auto sp = [](const char *sep) {
    return [sep](GjStr *s) {
      GjStr t = lit(sep);
      return gj_str_split(s, &t, &kLoc);
    };
  };
  EXPECT_EQ(split_on("a,b,c", sp(",")), (V{"a", "b", "c"}));
  EXPECT_EQ(split_on("a,,b,", sp(",")), (V{"a", "", "b", ""}));
  EXPECT_EQ(split_on("", sp(",")), (V{""}));
  EXPECT_EQ(split_on("abc", sp(",")), (V{"abc"}));
  EXPECT_EQ(split_on("a--b---c", sp("--")), (V{"a", "b", "-c"}));
  EXPECT_EQ(split_on("é→日→😀", sp("→")), (V{"é", "日", "😀"}));
}

TEST_F(StrMethods, SplitPiecesShareWhenLong) {
  std::string a(30, 'a'), b = "bb";
  GjStr *s = heap(a + "," + b);
  GjStr comma = lit(",");
  GjList *l = gj_str_split(s, &comma, &kLoc);
  GjStr *p0, *p1;
  gj_list_get(l, 0, &p0, &kLoc);
  gj_list_get(l, 1, &p1, &kLoc);
  EXPECT_EQ(p0->ptr, s->ptr);
  EXPECT_EQ(p0->owner, s);
  EXPECT_EQ(p1->owner, nullptr);
  gj_dec(s); // the list keeps it
  EXPECT_EQ(str(p0), a);
  gj_dec(l);
}

TEST(StrMethodsDeathTest, SplitEmptySeparator) {
  GjStr s = lit("abc"), e = lit("");
  EXPECT_EXIT(gj_str_split(&s, &e, &kLoc), testing::ExitedWithCode(101),
              lit_re("guji: panic: empty separator\n  at t.guji:4:2"));
}

TEST_F(StrMethods, SplitWhitespace) {
  EXPECT_EQ(split_on("  a b\t\tc\n", gj_str_split_whitespace),
            (V{"a", "b", "c"}));
  EXPECT_EQ(split_on("", gj_str_split_whitespace), V{});
  EXPECT_EQ(split_on(" \n\t ", gj_str_split_whitespace), V{});
  EXPECT_EQ(split_on("one", gj_str_split_whitespace), (V{"one"}));
  EXPECT_EQ(split_on("日本\u3000語\u00A0é x", gj_str_split_whitespace),
            (V{"日本", "語", "é", "x"}));
}

TEST_F(StrMethods, Lines) {
  EXPECT_EQ(split_on("a\nb\nc", gj_str_lines), (V{"a", "b", "c"}));
  EXPECT_EQ(split_on("a\nb\n", gj_str_lines), (V{"a", "b"}));
  EXPECT_EQ(split_on("a\r\nb\r\n", gj_str_lines), (V{"a", "b"}));
  EXPECT_EQ(split_on("a\n\nb", gj_str_lines), (V{"a", "", "b"}));
  EXPECT_EQ(split_on("\n", gj_str_lines), (V{""}));
  EXPECT_EQ(split_on("\n\n", gj_str_lines), (V{"", ""}));
  EXPECT_EQ(split_on("", gj_str_lines), V{});
  EXPECT_EQ(split_on("a\rb\r", gj_str_lines), (V{"a\rb\r"})); // bare \r stays
  EXPECT_EQ(split_on("\r\n", gj_str_lines), (V{""}));
  EXPECT_EQ(split_on("é\n日", gj_str_lines), (V{"é", "日"}));
}

TEST_F(StrMethods, Chars) {
  GjStr *s = heap("aé日😀");
  GjList *l = gj_str_chars(s);
  EXPECT_EQ(gj_list_elem_type(l), &gj_type_char);
  ASSERT_EQ(gj_list_len(l), 4);
  uint32_t want[] = {'a', 0xE9, 0x65E5, 0x1F600};
  for (int i = 0; i < 4; i++) {
    uint32_t c;
    gj_list_get(l, i, &c, &kLoc);
    EXPECT_EQ(c, want[i]);
  }
  // round trip
  GjStr *back = gj_str_from_char_list(l);
  EXPECT_TRUE(gj_str_eq(back, s));
  gj_dec(back);
  gj_dec(l);
  GjStr e = lit("");
  l = gj_str_chars(&e);
  EXPECT_EQ(gj_list_len(l), 0);
  gj_dec(l);
  gj_dec(s);
}

TEST_F(StrMethods, Bytes) {
  GjStr s = lit("aé");
  GjList *l = gj_str_bytes(&s);
  EXPECT_EQ(gj_list_elem_type(l), &gj_type_int);
  ASSERT_EQ(gj_list_len(l), 3);
  int64_t want[] = {'a', 0xC3, 0xA9};
  for (int i = 0; i < 3; i++) {
    int64_t b;
    gj_list_get(l, i, &b, &kLoc);
    EXPECT_EQ(b, want[i]);
  }
  gj_dec(l);
  // more than one leaf
  std::string text(100, 'z');
  GjStr big = lit(text.c_str());
  l = gj_str_bytes(&big);
  EXPECT_EQ(gj_list_len(l), 100);
  int64_t b;
  gj_list_get(l, 99, &b, &kLoc);
  EXPECT_EQ(b, 'z');
  gj_dec(l);
}

TEST_F(StrMethods, LongLinesShareAndFreeEverything) {
  std::string line(50, 'q');
  std::string text;
  for (int i = 0; i < 40; i++)
    text += line + (i % 2 ? "\r\n" : "\n");
  GjStr *s = heap(text);
  GjList *l = gj_str_lines(s);
  EXPECT_EQ(gj_list_len(l), 40);
  EXPECT_EQ(s->h.rc, 41);
  gj_dec(s);
  for (const std::string &x : strs(l))
    EXPECT_EQ(x, line);
  gj_dec(l);
}

// An empty string's ptr may be NULL (str.c); every method copes.
TEST_F(StrMethods, EmptyWithNullPtr) {
  GjStr z = {{0, GJ_KIND_STR, 0}, 0, nullptr, 0, nullptr};
  GjStr a = lit("a");
  GjStr *(*unary[])(const GjStr *) = {gj_str_upper, gj_str_lower,
                                      gj_str_trim, gj_str_trim_start,
                                      gj_str_trim_end, gj_str_reverse};
  for (auto f : unary) {
    GjStr *r = f(&z);
    EXPECT_EQ(r->len, 0);
    gj_dec(r);
  }
  GjStr *r = gj_str_repeat(&z, 3, &kLoc);
  EXPECT_EQ(r->len, 0);
  gj_dec(r);
  r = gj_str_replace_str(&z, &z, &a);
  EXPECT_EQ(str(r), "a");
  gj_dec(r);
  r = gj_str_replace_str(&a, &a, &z);
  EXPECT_EQ(str(r), "");
  gj_dec(r);
  r = gj_str_pad_left(&z, 2, 'x');
  EXPECT_EQ(str(r), "xx");
  gj_dec(r);
  r = gj_str_slice(&z, 0, 0, &kLoc);
  EXPECT_EQ(r->len, 0);
  gj_dec(r);
  EXPECT_TRUE(gj_str_contains(&z, &z));
  EXPECT_TRUE(gj_str_contains(&a, &z));
  EXPECT_FALSE(gj_str_contains(&z, &a));
  EXPECT_TRUE(gj_str_starts_with(&z, &z));
  EXPECT_TRUE(gj_str_ends_with(&a, &z));
  EXPECT_EQ(gj_str_find(&z, &z), 0);
  EXPECT_EQ(gj_str_find(&z, &a), -1);
  EXPECT_EQ(gj_str_count(&z, &z), 1);
  EXPECT_EQ(gj_str_char_count(&z), 0);
  EXPECT_FALSE(gj_str_is_int(&z));
  EXPECT_FALSE(gj_str_is_float(&z));
  GjList *l = gj_str_split(&z, &a, &kLoc);
  EXPECT_EQ(strs(l), (V{""}));
  gj_dec(l);
  GjList *(*lists[])(const GjStr *) = {gj_str_split_whitespace, gj_str_lines,
                                       gj_str_chars, gj_str_bytes};
  for (auto f : lists) {
    l = f(&z);
    EXPECT_EQ(gj_list_len(l), 0);
    gj_dec(l);
  }
}

} // namespace
