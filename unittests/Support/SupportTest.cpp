// SupportTest.cpp — arenas, the interner, Vec, StrBuf and src_line_col.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>

#ifndef _Noreturn
#define _Noreturn [[noreturn]] // the headers are C17
#endif
extern "C" {
#include "guji/Session.h"
int vec_helper_ints(Arena *a, int n, int **data, size_t *cap);
int vec_helper_pairs(Arena *a, int n);
}

namespace {

TEST(Arena, AllocIsZeroedAndAligned) {
  Arena *a = arena_new();
  for (size_t n : {1, 3, 16, 17, 1000, 100000, 0}) {
    unsigned char *p = (unsigned char *)arena_alloc(a, n);
    EXPECT_EQ((uintptr_t)p % 16, 0u) << n;
    for (size_t i = 0; i < n; i++) ASSERT_EQ(p[i], 0) << n;
    memset(p, 0xAB, n);
  }
  EXPECT_GE(arena_used(a), 1u + 3 + 16 + 17 + 1000 + 100000);
  arena_free(a);
}

TEST(Arena, ManyAllocationsStayDistinct) {
  Arena *a = arena_new();
  int *prev = nullptr;
  for (int i = 0; i < 100000; i++) {
    int *p = ARENA_NEW(a, int);
    *p = i;
    EXPECT_NE(p, prev);
    prev = p;
  }
  arena_free(a);
}

TEST(Arena, Strings) {
  Arena *a = arena_new();
  EXPECT_STREQ(arena_strdup(a, "hello"), "hello");
  char *s = arena_strndup(a, "hello", 3);
  EXPECT_STREQ(s, "hel");
  EXPECT_STREQ(arena_printf(a, "%s=%d", "x", 42), "x=42");
  std::string big(5000, 'z');
  EXPECT_EQ(std::string(arena_printf(a, "%s!", big.c_str())), big + "!");
  arena_free(a);
}

TEST(Interner, EqualNamesArePointerEqual) {
  Arena *a = arena_new();
  Interner *in = intern_new(a);
  const char *x = intern(in, "foobar", 3);
  EXPECT_STREQ(x, "foo");
  EXPECT_EQ(x, intern_cstr(in, "foo"));
  EXPECT_NE(x, intern_cstr(in, "fo"));
  EXPECT_EQ(intern(in, "", 0), intern_cstr(in, ""));
  // survives growth of the table
  const char *names[5000];
  for (int i = 0; i < 5000; i++)
    names[i] = intern_cstr(in, ("n" + std::to_string(i)).c_str());
  for (int i = 0; i < 5000; i++)
    EXPECT_EQ(names[i], intern_cstr(in, ("n" + std::to_string(i)).c_str()));
  EXPECT_EQ(x, intern_cstr(in, "foo"));
  arena_free(a);
}

// VEC_PUSH assigns void * to T *, which only C allows: VecHelper.c runs it.
TEST(Vec, PushGrowsAndKeepsOrder) {
  Arena *a = arena_new();
  int *data = nullptr;
  size_t cap = 0;
  ASSERT_EQ(vec_helper_ints(a, 1000, &data, &cap), 1000);
  EXPECT_GE(cap, 1000u);
  for (int i = 0; i < 1000; i++) ASSERT_EQ(data[i], i * 3);
  EXPECT_EQ(vec_helper_ints(a, 0, &data, &cap), 0);
  EXPECT_EQ(vec_helper_pairs(a, 77), 76);
  arena_free(a);
}

TEST(StrBuf, PutAndPrintf) {
  StrBuf b;
  sb_init(&b);
  EXPECT_STREQ(sb_cstr(&b), "");
  sb_putc(&b, 'a');
  sb_puts(&b, "bc");
  sb_put(&b, "dexx", 2);
  sb_printf(&b, "[%d:%s]", 7, "q");
  EXPECT_STREQ(sb_cstr(&b), "abcde[7:q]");
  EXPECT_EQ(b.len, 10u);
  std::string big(10000, 'y');
  sb_puts(&b, big.c_str());
  EXPECT_EQ(b.len, 10010u);
  sb_free(&b);
  EXPECT_EQ(b.data, nullptr);
  EXPECT_EQ(b.len, 0u);
}

TEST(Hash, Fnv1a) {
  EXPECT_EQ(hash_bytes("", 0), 0xcbf29ce484222325ull);
  EXPECT_EQ(hash_bytes("a", 1), 0xaf63dc4c8601ec8cull);
  EXPECT_NE(hash_bytes("ab", 2), hash_bytes("ba", 2));
}

struct SourceTest : ::testing::Test {
  Arena *a = arena_new();
  SrcMgr *sm = src_mgr_new(a);
  ~SourceTest() override { arena_free(a); }
};

TEST_F(SourceTest, LineStarts) {
  SrcFile *f = src_add(sm, "a.guji", "ab\ncd\n\nx", 8);
  EXPECT_EQ(f->id, 0u);
  EXPECT_EQ(f->nlines, 4u);
  EXPECT_EQ(f->text[8], '\0');
  size_t n;
  const char *t = src_line_text(f, 2, &n);
  EXPECT_EQ(std::string(t, n), "cd");
  t = src_line_text(f, 3, &n);
  EXPECT_EQ(n, 0u);
  t = src_line_text(f, 4, &n);
  EXPECT_EQ(std::string(t, n), "x");
  src_line_text(f, 9, &n);
  EXPECT_EQ(n, 0u);
  SrcFile *g = src_add(sm, "b.guji", "z\r\n", 3);
  EXPECT_EQ(g->id, 1u);
  EXPECT_EQ(src_file(sm, 1), g);
  EXPECT_EQ(src_file(sm, 2), nullptr);
  t = src_line_text(g, 1, &n);
  EXPECT_EQ(std::string(t, n), "z") << "CR of a CRLF is not shown";
}

TEST_F(SourceTest, LineColCountsScalars) {
  // "é" is 2 bytes, "😀" 4: columns count scalars
  const char *text = "ab\n\xC3\xA9x\xF0\x9F\x98\x80y\n";
  SrcFile *f = src_add(sm, "u.guji", text, strlen(text));
  int line, col;
  src_line_col(f, 0, &line, &col);
  EXPECT_EQ(line, 1);
  EXPECT_EQ(col, 1);
  src_line_col(f, 2, &line, &col);  // the '\n' itself
  EXPECT_EQ(line, 1);
  EXPECT_EQ(col, 3);
  src_line_col(f, 5, &line, &col);  // 'x'
  EXPECT_EQ(line, 2);
  EXPECT_EQ(col, 2);
  src_line_col(f, 10, &line, &col);  // 'y'
  EXPECT_EQ(line, 2);
  EXPECT_EQ(col, 4);
  src_line_col(f, (uint32_t)strlen(text), &line, &col);  // end of file
  EXPECT_EQ(line, 3);
  EXPECT_EQ(col, 1);
  src_line_col(f, 1000, &line, &col);  // clamped
  EXPECT_EQ(line, 3);
}

TEST_F(SourceTest, LoadMissingFileFails) {
  errno = 0;
  EXPECT_EQ(src_load(sm, "/nonexistent/dir/x.guji"), nullptr);
  EXPECT_EQ(errno, ENOENT);
}

TEST(Session, NewAndFree) {
  Session *s = session_new();
  ASSERT_NE(s->arena, nullptr);
  ASSERT_NE(s->names, nullptr);
  ASSERT_NE(s->sm, nullptr);
  ASSERT_NE(s->diag, nullptr);
  EXPECT_EQ(s->diag->sm, s->sm);
  EXPECT_FALSE(diag_has_errors(s->diag));
  session_free(s);
}

}  // namespace
