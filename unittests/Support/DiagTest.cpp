// DiagTest.cpp — clang-style rendering of diagnostics: the location line,
// the source line, the caret and '~' underline, ordering, notes, counts.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>

#ifndef _Noreturn
#define _Noreturn [[noreturn]] // the headers are C17
#endif
extern "C" {
#include "guji/Session.h"
}

namespace {

struct DiagTest : ::testing::Test {
  Session *s = session_new();
  ~DiagTest() override { session_free(s); }

  SrcFile *add(const char *path, const char *text) {
    return src_add(s->sm, path, text, strlen(text));
  }
  // The span of the first occurrence of `what` in f.
  Span find(const SrcFile *f, const char *what) {
    const char *p = strstr(f->text, what);
    EXPECT_NE(p, nullptr) << what;
    uint32_t start = (uint32_t)(p - f->text);
    return span_make(f->id, start, start + (uint32_t)strlen(what));
  }
  std::string render() {
    char *r = diag_render_to_string(s->diag);
    std::string out(r);
    free(r);
    return out;
  }
};

TEST_F(DiagTest, CaretAndTildes) {
  SrcFile *f = add("file.guji", "sub main() {\n    $r = double(\"four\")\n}\n");
  diag_error(s->diag, find(f, "\"four\""), "expected %s, found %s", "Int", "Str");
  EXPECT_EQ(render(),
            "file.guji:2:17: error: expected Int, found Str\n"
            "    $r = double(\"four\")\n"
            "                ^~~~~~\n");
  EXPECT_EQ(s->diag->nerrors, 1);
  EXPECT_TRUE(diag_has_errors(s->diag));
}

TEST_F(DiagTest, EmptySpanIsACaretOnly) {
  SrcFile *f = add("a.guji", "$x = \n");
  diag_error(s->diag, span_make(f->id, 5, 5), "expected an expression");
  EXPECT_EQ(render(), "a.guji:1:6: error: expected an expression\n$x = \n     ^\n");
}

TEST_F(DiagTest, TabsAreMirroredAndUtf8CountsScalars) {
  SrcFile *f = add("t.guji", "\t\"é\" + $zz\n");
  diag_warning(s->diag, find(f, "$zz"), "unused");
  EXPECT_EQ(render(),
            "t.guji:1:8: warning: unused\n"
            "\t\"é\" + $zz\n"
            "\t      ^~~\n");
  EXPECT_EQ(s->diag->nwarnings, 1);
  EXPECT_FALSE(diag_has_errors(s->diag));
}

TEST_F(DiagTest, MultiLineSpanIsClippedToItsFirstLine) {
  SrcFile *f = add("m.guji", "$a = f(1,\n  2)\n");
  diag_error(s->diag, span_make(f->id, 5, 14), "bad call");
  EXPECT_EQ(render(), "m.guji:1:6: error: bad call\n$a = f(1,\n     ^~~~\n");
}

TEST_F(DiagTest, SortedByPositionWithNotesAfterTheirParent) {
  SrcFile *f = add("s.guji", "$a = 1\n$b = 2\n$c = 3\n");
  diag_error(s->diag, find(f, "$c"), "third");
  diag_note(s->diag, find(f, "$a"), "first declared here");
  diag_error(s->diag, find(f, "$b"), "second");
  diag_error_nospan(s->diag, "cannot read 'x.guji'");
  EXPECT_EQ(render(),
            "error: cannot read 'x.guji'\n"
            "s.guji:2:1: error: second\n"
            "$b = 2\n"
            "^~\n"
            "s.guji:3:1: error: third\n"
            "$c = 3\n"
            "^~\n"
            "s.guji:1:1: note: first declared here\n"
            "$a = 1\n"
            "^~\n"
            "3 errors generated.\n");
  EXPECT_EQ(s->diag->items.data[1].parent, 0);
}

TEST_F(DiagTest, SamePositionKeepsReportOrderAndFilesSortById) {
  SrcFile *f = add("one.guji", "x\n");
  SrcFile *g = add("two.guji", "y\n");
  diag_error(s->diag, span_make(g->id, 0, 1), "in two");
  diag_error(s->diag, span_make(f->id, 0, 1), "in one, first");
  diag_error(s->diag, span_make(f->id, 0, 1), "in one, second");
  EXPECT_EQ(render(),
            "one.guji:1:1: error: in one, first\nx\n^\n"
            "one.guji:1:1: error: in one, second\nx\n^\n"
            "two.guji:1:1: error: in two\ny\n^\n"
            "3 errors generated.\n");
}

TEST_F(DiagTest, ErrorLimit) {
  SrcFile *f = add("l.guji", "x\n");
  s->diag->max_errors = 2;
  for (int i = 0; i < 4; i++) diag_error(s->diag, span_make(f->id, 0, 1), "e%d", i);
  diag_note(s->diag, span_make(f->id, 0, 1), "dropped with its error");
  EXPECT_EQ(s->diag->nerrors, 4);
  EXPECT_EQ(s->diag->items.len, 2u);
  EXPECT_EQ(render(),
            "l.guji:1:1: error: e0\nx\n^\n"
            "l.guji:1:1: error: e1\nx\n^\n"
            "error: too many errors; 2 more not shown (the limit is 2)\n"
            "4 errors generated.\n");
}

TEST_F(DiagTest, ColorWhenAsked) {
  SrcFile *f = add("c.guji", "ab\n");
  diag_error(s->diag, span_make(f->id, 0, 2), "bad");
  char *buf = nullptr;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  diag_render(s->diag, out, 1);
  fclose(out);
  std::string colored(buf, len);
  free(buf);
  EXPECT_EQ(colored,
            "\033[1mc.guji:1:1: \033[0m\033[1;31merror:\033[0m \033[1mbad\033[0m\n"
            "ab\n"
            "\033[1;32m^~\033[0m\n");
  buf = nullptr;
  out = open_memstream(&buf, &len);
  diag_render(s->diag, out, -1);  // not a terminal: no color
  fclose(out);
  EXPECT_EQ(std::string(buf, len), "c.guji:1:1: error: bad\nab\n^~\n");
  free(buf);
}

TEST_F(DiagTest, TabIndentedLine) {
  SrcFile *f = add("main.guji", "sub main() {\n\t$s = \"abc\n}\n");
  diag_error(s->diag, find(f, "\"abc"), "unterminated string literal");
  EXPECT_EQ(render(),
            "main.guji:2:7: error: unterminated string literal\n"
            "\t$s = \"abc\n"
            "\t     ^~~~\n");
}

}  // namespace
