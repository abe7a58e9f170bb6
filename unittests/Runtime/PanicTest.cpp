// PanicTest.cpp — §12: a panic flushes stdout, prints
// "guji: panic: MESSAGE" and "  at FILE:LINE:COL" to stderr and exits 101;
// §18: Float.to_int truncates and panics on NaN or out of range.
#include "RuntimeTestUtil.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using ::testing::ExitedWithCode;

namespace {
// death-test patterns: stderr contains / starts with the text
std::string has(const std::string &text) { return gujitest::lit_re(text); }
std::string starts(const std::string &text) {
  return "^" + gujitest::lit_re(text);
}
} // namespace

namespace {

const GjLoc kLoc = {"f.guji", 3, 7};

GjStr lit(const char *text) {
  return GjStr{{0, GJ_KIND_STR, 0}, (int64_t)strlen(text), text, 0, nullptr};
}

TEST(PanicDeathTest, Overflow) {
  EXPECT_EXIT(gj_panic_overflow(&kLoc), ExitedWithCode(101),
              starts("guji: panic: integer overflow\n  at f.guji:3:7\n"));
}

TEST(PanicDeathTest, DivZero) {
  EXPECT_EXIT(gj_panic_div_zero(&kLoc), ExitedWithCode(101),
              has("guji: panic: division by zero\n  at f.guji:3:7\n"));
}

TEST(PanicDeathTest, Shift) {
  EXPECT_EXIT(gj_panic_shift(64, &kLoc), ExitedWithCode(101),
              has("guji: panic: shift count out of range: 64 "
                        "(must be 0..63)\n  at f.guji:3:7\n"));
  EXPECT_EXIT(gj_panic_shift(-1, &kLoc), ExitedWithCode(101),
              has("shift count out of range: -1 (must be 0..63)"));
}

TEST(PanicDeathTest, StackOverflow) {
  EXPECT_EXIT(gj_panic_stack_overflow(&kLoc), ExitedWithCode(101),
              has("guji: panic: stack overflow\n  at f.guji:3:7\n"));
}

TEST(PanicDeathTest, Assert) {
  EXPECT_EXIT(gj_assert_fail(&kLoc), ExitedWithCode(101),
              has("guji: panic: assertion failed\n  at f.guji:3:7\n"));
  GjStr msg = lit("x must be positive");
  EXPECT_EXIT(gj_assert_fail_msg(&msg, &kLoc), ExitedWithCode(101),
              has("guji: panic: assertion failed: x must be positive\n"
                        "  at f.guji:3:7\n"));
}

TEST(PanicDeathTest, UserMessage) {
  GjStr msg = lit("bad input: \xC3\xA9");
  EXPECT_EXIT(gj_panic(&msg, &kLoc), ExitedWithCode(101),
              has("guji: panic: bad input: \xC3\xA9\n  at f.guji:3:7\n"));
  EXPECT_EXIT(gj_panic_cstr("from C", &kLoc), ExitedWithCode(101),
              has("guji: panic: from C\n  at f.guji:3:7\n"));
}

TEST(PanicDeathTest, NullLocHasNoAtLine) {
  EXPECT_EXIT(gj_panic_overflow(nullptr), ExitedWithCode(101),
              "^guji: panic: integer overflow\n$");
}

// stdout is flushed before the panic message: with both streams on one
// file, the output written first comes first.
TEST(PanicDeathTest, FlushesStdoutFirst) {
  EXPECT_EXIT(
      {
        dup2(2, 1);
        GjStr s = lit("before");
        gj_write_str(&s, GJ_WRITE_NL);
        gj_write_int(42, 0);
        gj_panic_div_zero(&kLoc);
      },
      ExitedWithCode(101),
      has("before\n42guji: panic: division by zero\n"));
}

TEST(FloatToInt, Truncates) {
  EXPECT_EQ(gj_float_to_int(3.9, &kLoc), 3);
  EXPECT_EQ(gj_float_to_int(-3.9, &kLoc), -3);
  EXPECT_EQ(gj_float_to_int(-0.5, &kLoc), 0);
  EXPECT_EQ(gj_float_to_int(1e18, &kLoc), 1000000000000000000);
  EXPECT_EQ(gj_float_to_int(-9223372036854775808.0, &kLoc), INT64_MIN);
  EXPECT_EQ(gj_float_to_int(9223372036854774784.0, &kLoc),
            9223372036854774784); // the largest double below 2^63
}

TEST(FloatToIntDeathTest, NaN) {
  EXPECT_EXIT(gj_float_to_int(std::nan(""), &kLoc), ExitedWithCode(101),
              has("guji: panic: cannot convert NaN to Int\n"
                        "  at f.guji:3:7\n"));
}

TEST(FloatToIntDeathTest, OutOfRange) {
  EXPECT_EXIT(gj_float_to_int(1e300, &kLoc), ExitedWithCode(101),
              has("guji: panic: Float value 1e+300 is out of Int "
                        "range\n  at f.guji:3:7\n"));
  EXPECT_EXIT(gj_float_to_int(9223372036854775808.0, &kLoc),
              ExitedWithCode(101),
              has("Float value 9.223372036854776e+18 is out of Int range"));
  EXPECT_EXIT(gj_float_to_int(-std::numeric_limits<double>::infinity(), &kLoc),
              ExitedWithCode(101),
              has("Float value -inf is out of Int range"));
}

} // namespace
