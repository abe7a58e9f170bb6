// OutputTest.cpp — §18: print/write/eprint through gj_write_*: text forms,
// the newline and stderr flags, buffering and the order of the streams.
#include "RuntimeTestUtil.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

using gujitest::capture;
using gujitest::captureStdout;

namespace {

GjStr lit(const char *text) {
  return GjStr{{0, GJ_KIND_STR, 0}, (int64_t)strlen(text), text, 0, nullptr};
}

TEST(Output, TextForms) {
  std::string out = captureStdout([] {
    GjStr s = lit("h\xC3\xA9");
    gj_write_int(-42, GJ_WRITE_NL);
    gj_write_float(0.1 + 0.2, GJ_WRITE_NL);
    gj_write_float(3.0, GJ_WRITE_NL);
    gj_write_bool(true, GJ_WRITE_NL);
    gj_write_bool(false, GJ_WRITE_NL);
    gj_write_char(0x20AC, GJ_WRITE_NL);
    gj_write_str(&s, GJ_WRITE_NL);
    gj_write_unit(GJ_WRITE_NL);
  });
  EXPECT_EQ(out, "-42\n0.30000000000000004\n3.0\ntrue\nfalse\n\xE2\x82\xAC\n"
                 "h\xC3\xA9\n()\n");
}

TEST(Output, WriteWithoutNewline) {
  std::string out = captureStdout([] {
    gj_write_int(1, 0);
    gj_write_char(' ', 0);
    gj_write_float(1e-5, 0);
    gj_write_unit(0);
  });
  EXPECT_EQ(out, "1 1e-05()");
}

TEST(Output, Stderr) {
  std::string err = capture({2}, [] {
    GjStr s = lit("oops");
    gj_write_str(&s, GJ_WRITE_ERR | GJ_WRITE_NL);
    gj_write_int(7, GJ_WRITE_ERR);
  });
  EXPECT_EQ(err, "oops\n7");
}

// stdout is flushed before anything goes to stderr.
TEST(Output, StreamsInterleaveInProgramOrder) {
  std::string both = capture({1, 2}, [] {
    GjStr a = lit("out1"), b = lit("err1"), c = lit("out2");
    gj_write_str(&a, GJ_WRITE_NL);
    gj_write_str(&b, GJ_WRITE_NL | GJ_WRITE_ERR);
    gj_write_str(&c, GJ_WRITE_NL);
    gj_write_int(3, GJ_WRITE_NL | GJ_WRITE_ERR);
  });
  EXPECT_EQ(both, "out1\nerr1\nout2\n3\n");
}

// More than the 64 KiB buffer, in pieces and in one piece, stays in order.
TEST(Output, LargerThanBuffer) {
  std::string big(100000, 'x');
  big[50000] = 'y';
  std::string want;
  std::string out = captureStdout([&] {
    for (int i = 0; i < 20000; i++)
      gj_write_int(i, GJ_WRITE_NL);
    GjStr s{{0, GJ_KIND_STR, 0}, (int64_t)big.size(), big.data(), 0, nullptr};
    gj_write_str(&s, GJ_WRITE_NL);
    gj_write_str(&s, 0);
    gj_write_bool(true, 0);
  });
  for (int i = 0; i < 20000; i++)
    want += std::to_string(i) + "\n";
  want += big + "\n" + big + "true";
  EXPECT_EQ(out.size(), want.size());
  EXPECT_TRUE(out == want);
}

TEST(Output, EmptyStr) {
  std::string out = captureStdout([] {
    GjStr e{{0, GJ_KIND_STR, 0}, 0, nullptr, 0, nullptr};
    gj_write_str(&e, GJ_WRITE_NL);
    gj_write_str(&e, 0);
  });
  EXPECT_EQ(out, "\n");
}

// Buffered output reaches the file at exit even without gj_flush.
TEST(OutputDeathTest, FlushedAtExit) {
  EXPECT_EXIT(
      {
        dup2(2, 1);
        GjStr s = lit("bye!");
        gj_write_str(&s, GJ_WRITE_NL);
        exit(0);
      },
      ::testing::ExitedWithCode(0), "bye!");
}

} // namespace
