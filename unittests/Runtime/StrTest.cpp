// StrTest.cpp — Str building, text forms and comparison (§13, §4), and the
// reference counts behind them (§16).
#include "RuntimeTestUtil.h"

#include <gtest/gtest.h>

#include <climits>
#include <cstring>
#include <string>

using gujitest::str;

namespace {

// A literal as the compiler lays it out: immortal, bytes in constant data.
GjStr lit(const char *text) {
  return GjStr{{0, GJ_KIND_STR, 0}, (int64_t)strlen(text), text, 0, nullptr};
}

TEST(StrTextForm, Int) {
  struct {
    int64_t v;
    const char *want;
  } cases[] = {{0, "0"},
               {42, "42"},
               {-7, "-7"},
               {INT64_MAX, "9223372036854775807"},
               {INT64_MIN, "-9223372036854775808"}};
  for (auto &c : cases) {
    GjStr *s = gj_str_from_int(c.v);
    EXPECT_EQ(str(s), c.want);
    gj_dec(s);
  }
}

TEST(StrTextForm, Bool) {
  GjStr *t = gj_str_from_bool(true), *f = gj_str_from_bool(false);
  EXPECT_EQ(str(t), "true");
  EXPECT_EQ(str(f), "false");
  gj_dec(t);
  gj_dec(f);
}

TEST(StrTextForm, CharIsUtf8) {
  struct {
    uint32_t c;
    const char *want;
  } cases[] = {{'A', "A"},
               {0xE9, "\xC3\xA9"},
               {0x20AC, "\xE2\x82\xAC"},
               {0x1F600, "\xF0\x9F\x98\x80"},
               {0x10FFFF, "\xF4\x8F\xBF\xBF"},
               {0xD800, "\xEF\xBF\xBD"}}; // not a scalar: U+FFFD
  for (auto &c : cases) {
    GjStr *s = gj_str_from_char(c.c);
    EXPECT_EQ(str(s), c.want);
    gj_dec(s);
  }
}

TEST(StrBuild, AppendAllKinds) {
  GjStr *s = gj_str_with_cap(4);
  GjStr name = lit("n=");
  s = gj_str_append_str(s, &name);
  s = gj_str_append_int(s, -12);
  s = gj_str_append_char(s, ' ');
  s = gj_str_append_float(s, 1e16);
  s = gj_str_append_char(s, ' ');
  s = gj_str_append_bool(s, true);
  s = gj_str_append_unit(s);
  s = gj_str_append_char(s, 0xE9);
  EXPECT_EQ(str(s), "n=-12 1e+16 true()\xC3\xA9");
  EXPECT_LE(s->len, s->cap);
  gj_dec(s);
}

TEST(StrBuild, WithCapIsEmptyFlatUnique) {
  GjStr *s = gj_str_with_cap(32);
  EXPECT_EQ(s->len, 0);
  EXPECT_EQ(s->cap, 32);
  EXPECT_EQ(s->h.rc, 1);
  EXPECT_EQ(s->h.kind, GJ_KIND_STR);
  EXPECT_EQ(s->ptr, (const char *)(s + 1));
  EXPECT_EQ(s->owner, nullptr);
  gj_dec(s);
}

TEST(StrBuild, UniqueAppendsInPlace) {
  GjStr *s = gj_str_with_cap(32);
  GjStr *orig = s;
  GjStr hello = lit("hello");
  s = gj_str_append_str(s, &hello);
  s = gj_str_append_int(s, 123456);
  EXPECT_EQ(s, orig);
  EXPECT_EQ(s->ptr, (const char *)(s + 1));
  EXPECT_EQ(str(s), "hello123456");
  gj_dec(s);
}

TEST(StrBuild, UniqueGrowsGeometrically) {
  GjStr *s = gj_str_with_cap(0);
  std::string want;
  int moves = 0;
  for (int i = 0; i < 10000; i++) {
    GjStr *before = s;
    s = gj_str_append_char(s, 'a' + i % 26);
    want += (char)('a' + i % 26);
    moves += s != before;
    ASSERT_EQ(s->ptr, (const char *)(s + 1));
  }
  EXPECT_EQ(str(s), want);
  EXPECT_LT(moves, 20); // doubling: about log2(10000) reallocations at most
  gj_dec(s);
}

TEST(StrBuild, SharedIsCopiedOriginalUnchanged) {
  int64_t live = gj_rt_live_objects();
  GjStr *s = gj_str_from_bytes("abc", 3);
  gj_inc(s); // a second holder
  ASSERT_EQ(s->h.rc, 2);
  GjStr bang = lit("!");
  GjStr *t = gj_str_append_str(s, &bang);
  EXPECT_NE(t, s);
  EXPECT_EQ(str(t), "abc!");
  EXPECT_EQ(str(s), "abc");
  EXPECT_EQ(s->h.rc, 1); // the append consumed one reference
  gj_dec(t);
  gj_dec(s);
  EXPECT_EQ(gj_rt_live_objects(), live);
}

TEST(StrBuild, AppendToLiteralCopies) {
  int64_t live = gj_rt_live_objects();
  GjStr l = lit("hello");
  GjStr bang = lit("!");
  GjStr *t = gj_str_append_str(&l, &bang);
  EXPECT_NE(t, &l);
  EXPECT_EQ(str(t), "hello!");
  EXPECT_EQ(str(&l), "hello");
  EXPECT_EQ(l.h.rc, 0);
  EXPECT_EQ(gj_rt_live_objects(), live + 1);
  gj_dec(t);
  EXPECT_EQ(gj_rt_live_objects(), live);
}

TEST(StrBuild, AppendSelf) {
  GjStr *s = gj_str_from_bytes("ab", 2);
  s = gj_str_append_str(s, s);
  s = gj_str_append_str(s, s);
  EXPECT_EQ(str(s), "abababab");
  gj_dec(s);
}

TEST(StrBuild, EmptyLiteralWithNullPtr) {
  GjStr empty{{0, GJ_KIND_STR, 0}, 0, nullptr, 0, nullptr};
  GjStr *s = gj_str_concat(&empty, &empty);
  EXPECT_EQ(s->len, 0);
  EXPECT_TRUE(gj_str_eq(s, &empty));
  EXPECT_EQ(gj_str_cmp(&empty, s), 0);
  s = gj_str_append_str(s, &empty);
  EXPECT_EQ(s->len, 0);
  gj_dec(s);
}

TEST(StrOps, Concat) {
  GjStr a = lit("foo"), b = lit("bar");
  GjStr *c = gj_str_concat(&a, &b);
  EXPECT_EQ(str(c), "foobar");
  EXPECT_EQ(gj_str_len(c), 6);
  EXPECT_EQ(c->h.rc, 1);
  EXPECT_EQ(str(&a), "foo"); // borrowed, untouched
  gj_dec(c);
}

TEST(StrOps, FromBytesCopies) {
  char buf[] = "xyz";
  GjStr *s = gj_str_from_bytes(buf, 3);
  buf[0] = 'Q';
  EXPECT_EQ(str(s), "xyz");
  EXPECT_NE(s->ptr, buf);
  gj_dec(s);
}

TEST(StrOps, LenIsBytes) {
  GjStr s = lit("h\xC3\xA9llo");
  EXPECT_EQ(gj_str_len(&s), 6);
}

TEST(StrOps, Eq) {
  GjStr a = lit("abc"), b = lit("abd"), c = lit("ab");
  GjStr *a2 = gj_str_from_bytes("abc", 3);
  EXPECT_TRUE(gj_str_eq(&a, a2));
  EXPECT_TRUE(gj_str_eq(&a, &a));
  EXPECT_FALSE(gj_str_eq(&a, &b));
  EXPECT_FALSE(gj_str_eq(&a, &c));
  gj_dec(a2);
}

// §4: lexicographic by bytes, which for UTF-8 is by scalar value.
TEST(StrOps, Cmp) {
  GjStr a = lit("abc"), b = lit("abd"), ab = lit("ab"), e = lit("");
  GjStr z = lit("z"), eacute = lit("\xC3\xA9");
  EXPECT_LT(gj_str_cmp(&a, &b), 0);
  EXPECT_GT(gj_str_cmp(&b, &a), 0);
  EXPECT_EQ(gj_str_cmp(&a, &a), 0);
  EXPECT_LT(gj_str_cmp(&ab, &a), 0); // a prefix sorts first
  EXPECT_GT(gj_str_cmp(&a, &ab), 0);
  EXPECT_LT(gj_str_cmp(&e, &ab), 0);
  EXPECT_GT(gj_str_cmp(&eacute, &z), 0); // U+00E9 > U+007A
}

TEST(Rc, LiveObjectsReturnToStart) {
  int64_t live = gj_rt_live_objects();
  GjStr *xs[10];
  for (int i = 0; i < 10; i++)
    xs[i] = gj_str_from_int(i);
  EXPECT_EQ(gj_rt_live_objects(), live + 10);
  gj_inc(xs[3]);
  gj_dec(xs[3]);
  EXPECT_EQ(gj_rt_live_objects(), live + 10);
  for (GjStr *s : xs)
    gj_dec(s);
  EXPECT_EQ(gj_rt_live_objects(), live);
}

TEST(Rc, ImmortalUntouched) {
  int64_t live = gj_rt_live_objects();
  GjStr l = lit("constant");
  for (int i = 0; i < 3; i++)
    gj_inc(&l);
  for (int i = 0; i < 5; i++)
    gj_dec(&l);
  EXPECT_EQ(l.h.rc, 0);
  EXPECT_EQ(str(&l), "constant");
  EXPECT_EQ(gj_rt_live_objects(), live);
  // the runtime's own immortal strings (Bool text forms) likewise
  GjStr *t = gj_str_from_bool(true);
  gj_inc(t);
  gj_dec(t);
  gj_dec(t);
  EXPECT_EQ(t->h.rc, 0);
  EXPECT_EQ(str(t), "true");
}

// §16: a shared object counts negatively and atomically; the dec that
// takes -1 to 0 frees it.
TEST(Rc, SharedCountsNegative) {
  int64_t live = gj_rt_live_objects();
  GjStr *s = gj_str_from_bytes("shared", 6);
  s->h.rc = -1; // as the sharing pass (mark_mt) will leave it
  gj_inc(s);
  EXPECT_EQ(s->h.rc, -2);
  gj_dec(s);
  EXPECT_EQ(s->h.rc, -1);
  EXPECT_EQ(gj_rt_live_objects(), live + 1);
  gj_dec(s);
  EXPECT_EQ(gj_rt_live_objects(), live);
}

TEST(Rc, NullIsIgnored) {
  gj_inc(nullptr);
  gj_dec(nullptr);
}

} // namespace
