// FileTest.cpp — files and Lines handles (§18 io.read_file, write_file,
// file_lines; runtime/src/stdin.c): round trips, the error texts, empty
// files, a last line without "\n", CRLF (the "\r" is dropped, as for
// stdin), a line longer than the reader's buffer, invalid UTF-8 (U+FFFD),
// and every object given back.
#include "RuntimeTestUtil.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <sys/stat.h>
#include <vector>

using gujitest::str;

namespace {

// A literal viewing text, which must outlive it.
GjStr lit(const std::string &text) {
  return GjStr{{0, GJ_KIND_STR, 0}, (int64_t)text.size(), text.c_str(), 0,
               nullptr};
}

class FileTest : public ::testing::Test {
protected:
  std::string dir;
  int64_t live0 = 0;
  void SetUp() override {
    char tmpl[] = "/tmp/gj-filetest.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir = tmpl;
    live0 = gj_rt_live_objects();
  }
  void TearDown() override {
    EXPECT_EQ(gj_rt_live_objects(), live0) << "objects leaked";
    std::string cmd = "rm -rf '" + dir + "'";
    (void)system(cmd.c_str());
  }
  std::string path(const char *name) { return dir + "/" + name; }

  // write_file; "" when it worked, else the error text
  std::string write(const std::string &p, const std::string &text) {
    GjStr ps = lit(p), ts = lit(text);
    GjStr *e = gj_io_write_file(&ps, &ts);
    if (gj_str_is_none(e))
      return "";
    std::string r = str(e);
    gj_dec(e);
    return r;
  }
  // read_file: the text, or "ERR:" and the error
  std::string read(const std::string &p) {
    GjStr ps = lit(p);
    GjLines *l = gj_io_open(&ps);
    GjStr *s = gj_lines_read_all(l);
    std::string r;
    if (gj_str_is_none(s)) {
      GjStr *e = gj_lines_error(l);
      r = "ERR:" + str(e);
      gj_dec(e);
    } else {
      r = str(s);
      gj_dec(s);
    }
    gj_dec(l);
    return r;
  }
  // file_lines then every line (empty and an error string when it failed)
  std::vector<std::string> lines(const std::string &p, std::string *err) {
    GjStr ps = lit(p);
    GjLines *l = gj_io_open(&ps);
    GjStr *e = gj_lines_error(l);
    std::vector<std::string> out;
    if (!gj_str_is_none(e)) {
      *err = str(e);
      gj_dec(e);
    }
    for (GjStr *s; !gj_str_is_none(s = gj_lines_next(l));) {
      out.push_back(str(s));
      gj_dec(s);
    }
    gj_dec(l);
    return out;
  }
};

TEST_F(FileTest, WriteThenReadRoundTrip) {
  EXPECT_EQ(write(path("a"), "hello\nworld\n"), "");
  EXPECT_EQ(read(path("a")), "hello\nworld\n");
  EXPECT_EQ(write(path("a"), "x"), ""); // truncates
  EXPECT_EQ(read(path("a")), "x");
}

TEST_F(FileTest, MissingFileAndDirectoryAreErrors) {
  std::string p = path("missing.txt");
  EXPECT_EQ(read(p), "ERR:cannot open '" + p + "': No such file or directory");
  std::string err;
  EXPECT_TRUE(lines(p, &err).empty());
  EXPECT_EQ(err, "cannot open '" + p + "': No such file or directory");
  EXPECT_EQ(read(dir), "ERR:cannot read '" + dir + "': Is a directory");
  EXPECT_EQ(write(dir, "x"), "cannot write '" + dir + "': Is a directory");
}

TEST_F(FileTest, EmptyFileHasNoLines) {
  ASSERT_EQ(write(path("e"), ""), "");
  EXPECT_EQ(read(path("e")), "");
  std::string err;
  EXPECT_TRUE(lines(path("e"), &err).empty());
  EXPECT_EQ(err, "");
}

TEST_F(FileTest, LastLineWithoutNewlineAndCrlf) {
  ASSERT_EQ(write(path("l"), "a\r\nb\n\nc\rd\nlast"), "");
  std::string err;
  std::vector<std::string> want = {"a", "b", "", "c\rd", "last"};
  EXPECT_EQ(lines(path("l"), &err), want);
  ASSERT_EQ(write(path("m"), "only\n"), "");
  EXPECT_EQ(lines(path("m"), &err), std::vector<std::string>{"only"});
}

TEST_F(FileTest, LineLongerThanTheBuffer) {
  // 64 KiB buffer: a 300,000-byte line with a multi-byte character on
  // either side of every 64 KiB boundary, between two short lines
  std::string big;
  while (big.size() < 300000)
    big += "é"; // 2 bytes
  ASSERT_EQ(write(path("big"), "s\n" + big + "\r\nt"), "");
  std::string err;
  std::vector<std::string> got = lines(path("big"), &err);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], "s");
  EXPECT_EQ(got[1], big);
  EXPECT_EQ(got[2], "t");
}

TEST_F(FileTest, ManyLinesAcrossRefillsStayIntact) {
  std::string text;
  for (int i = 0; i < 50000; i++)
    text += "line " + std::to_string(i) + " of a file that needs refills\n";
  ASSERT_EQ(write(path("many"), text), "");
  std::string p = path("many");
  GjStr ps = lit(p);
  GjLines *l = gj_io_open(&ps);
  GjList *all = gj_lines_to_list(l);
  gj_dec(l);
  ASSERT_EQ(gj_list_len(all), 50000);
  for (int64_t i = 0; i < 50000; i += 4999) {
    GjStr *s;
    gj_list_get(all, i, &s, nullptr);
    EXPECT_EQ(str(s), "line " + std::to_string(i) + " of a file that needs refills");
  }
  gj_dec(all);
}

TEST_F(FileTest, InvalidUtf8IsReplaced) {
  ASSERT_EQ(write(path("u"), "ok\xff\n\xe2\x82 cut\n"), "");
  std::string err;
  std::vector<std::string> want = {"ok\xEF\xBF\xBD", "\xEF\xBF\xBD cut"};
  EXPECT_EQ(lines(path("u"), &err), want);
  EXPECT_EQ(read(path("u")), "ok\xEF\xBF\xBD\n\xEF\xBF\xBD cut\n");
}

TEST_F(FileTest, ReadOnceThenNothing) {
  ASSERT_EQ(write(path("r"), "1\n2\n"), "");
  std::string p = path("r");
  GjStr ps = lit(p);
  GjLines *l = gj_io_open(&ps);
  GjStr *s = gj_lines_next(l);
  EXPECT_EQ(str(s), "1");
  gj_dec(s);
  GjList *rest = gj_lines_to_list(l);
  EXPECT_EQ(gj_list_len(rest), 1);
  gj_dec(rest);
  EXPECT_TRUE(gj_str_is_none(gj_lines_next(l)));
  gj_dec(l);
}

} // namespace
