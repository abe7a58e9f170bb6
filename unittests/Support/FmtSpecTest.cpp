// FmtSpecTest.cpp — the format-spec parser and its packing (§13,
// lib/Support/fmtspec.c): every part, and each error with its offset.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#ifndef _Noreturn
#define _Noreturn [[noreturn]] // the headers are C17
#endif
extern "C" {
#include "guji/FmtSpec.h"
}

namespace {

FmtSpec parse_ok(const char *s) {
  FmtSpec f;
  FmtSpecError e;
  EXPECT_TRUE(fmtspec_parse(s, strlen(s), &f, &e)) << s << ": " << e.msg;
  return f;
}

TEST(FmtSpecParse, AllParts) {
  FmtSpec f = parse_ok("*^+012.3f");
  EXPECT_TRUE(f.fill_set);
  EXPECT_EQ(f.fill, (uint32_t)'*');
  EXPECT_EQ(f.align, '^');
  EXPECT_EQ(f.sign, '+');
  EXPECT_FALSE(f.zero); // a written fill: "012" is the width
  EXPECT_EQ(f.width, 12);
  EXPECT_EQ(f.precision, 3);
  EXPECT_EQ(f.type, 'f');
  EXPECT_EQ(f.align_at, 1);
  EXPECT_EQ(f.sign_at, 2);
  EXPECT_EQ(f.width_at, 3);
  EXPECT_EQ(f.prec_at, 6);
  EXPECT_EQ(f.type_at, 8);
}

TEST(FmtSpecParse, Simple) {
  FmtSpec f = parse_ok("");
  EXPECT_EQ(f.align, 0);
  EXPECT_EQ(f.precision, -1);
  EXPECT_EQ(f.type, 0);
  f = parse_ok(">8");
  EXPECT_FALSE(f.fill_set);
  EXPECT_EQ(f.align, '>');
  EXPECT_EQ(f.width, 8);
  f = parse_ok("05");
  EXPECT_TRUE(f.zero);
  EXPECT_EQ(f.width, 5);
  EXPECT_EQ(f.zero_at, 0);
  f = parse_ok("=");
  EXPECT_EQ(f.align, '=');
  f = parse_ok(" ");
  EXPECT_EQ(f.sign, ' ');
  f = parse_ok("%");
  EXPECT_EQ(f.type, '%');
  f = parse_ok("<"); // '<' alone is an align, not a fill
  EXPECT_FALSE(f.fill_set);
  EXPECT_EQ(f.align, '<');
  f = parse_ok("<<");
  EXPECT_TRUE(f.fill_set);
  EXPECT_EQ(f.fill, (uint32_t)'<');
  f = parse_ok("0>5"); // '0' as a fill
  EXPECT_TRUE(f.fill_set);
  EXPECT_FALSE(f.zero);
  f = parse_ok(".0");
  EXPECT_EQ(f.precision, 0);
  f = parse_ok("16383.16383");
  EXPECT_EQ(f.width, 16383);
  EXPECT_EQ(f.precision, 16383);
}

TEST(FmtSpecParse, MultiByteFill) {
  FmtSpec f = parse_ok("\xe6\x97\xa5^9"); // U+65E5
  EXPECT_TRUE(f.fill_set);
  EXPECT_EQ(f.fill, 0x65E5u);
  EXPECT_EQ(f.align_at, 3);
  f = parse_ok("\xf0\x9f\x98\x80<3"); // U+1F600, 21 bits
  EXPECT_EQ(f.fill, 0x1F600u);
  EXPECT_EQ(f.width, 3);
}

TEST(FmtSpecPack, RoundTrips) {
  for (const char *s : {"", "*^+012.3f", "\xf0\x9f\x98\x80<3", "05", " =9x",
                        "-<16383.16383%", ".0", "s", "G", "0>5"}) {
    FmtSpec f = parse_ok(s), g;
    fmtspec_unpack(fmtspec_pack(&f), &g);
    EXPECT_EQ(g.fill_set, f.fill_set) << s;
    if (f.fill_set) {
      EXPECT_EQ(g.fill, f.fill) << s;
    }
    EXPECT_EQ(g.align, f.align) << s;
    EXPECT_EQ(g.sign, f.sign) << s;
    EXPECT_EQ(g.zero, f.zero) << s;
    EXPECT_EQ(g.width, f.width) << s;
    EXPECT_EQ(g.precision, f.precision) << s;
    EXPECT_EQ(g.type, f.type) << s;
    EXPECT_GE(fmtspec_pack(&f), 0) << s; // bit 63 stays clear
  }
}

struct Bad {
  const char *spec;
  size_t offset;
  const char *msg_has;
};

TEST(FmtSpecParse, Errors) {
  const Bad cases[] = {
      {",", 0, "grouping with ','"},
      {">8_", 2, "grouping with '_'"},
      {"10,.2f", 2, "grouping"},
      {"#x", 0, "'#' (alternate form)"},
      {"+#x", 1, "'#'"},
      {"z.2f", 0, "'z'"},
      {".", 0, "'.' must be followed by a precision"},
      {"8.f", 1, "'.' must be followed by a precision"},
      {"16384", 0, "width 16384 is too large: at most 16383"},
      {".99999", 1, "precision 99999 is too large"},
      {"q", 0, "unknown format type 'q'"},
      {">8q", 2, "unknown format type 'q'"},
      {"n", 0, "'n' is not supported"},
      {"c", 0, "'c' is not supported"},
      {"5+", 1, "unexpected '+'"},
      {"d8", 1, "unexpected '8' after the format type 'd'"},
      {".2fx", 3, "unexpected 'x' after the format type 'f'"},
      {"5.2<", 3, "unexpected '<'"},
      {"++", 1, "unexpected '+'"},
  };
  for (const Bad &b : cases) {
    FmtSpec f;
    FmtSpecError e;
    ASSERT_FALSE(fmtspec_parse(b.spec, strlen(b.spec), &f, &e)) << b.spec;
    EXPECT_EQ(e.offset, b.offset) << b.spec << ": " << e.msg;
    EXPECT_NE(std::string(e.msg).find(b.msg_has), std::string::npos)
        << b.spec << ": " << e.msg;
  }
}

} // namespace
