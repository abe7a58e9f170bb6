// FloatFormatTest.cpp — §13: a Float's text form is exactly Python's repr.
// Expected strings below were produced by CPython's repr().
#include "RuntimeTestUtil.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>

namespace {

std::string fmt(double v) {
  char buf[32];
  int n = gj_fmt_float(v, buf);
  EXPECT_LT(n, 32);
  EXPECT_EQ((size_t)n, strlen(buf));
  return std::string(buf, (size_t)n);
}

TEST(FloatFormat, Specials) {
  EXPECT_EQ(fmt(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(fmt(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(fmt(std::nan("")), "nan");
  EXPECT_EQ(fmt(-std::nan("")), "nan");
  EXPECT_EQ(fmt(0.0), "0.0");
  EXPECT_EQ(fmt(-0.0), "-0.0");
}

TEST(FloatFormat, PythonReprCases) {
  volatile double third = 1.0, ten = 10.0; // keep the compiler from folding
  struct Case {
    double v;
    const char *want;
  } cases[] = {
      {0.1 + 0.2, "0.30000000000000004"},
      {third / 3.0, "0.3333333333333333"},
      {100 * 1.1, "110.00000000000001"},
      {123456.789, "123456.789"},
      {2.5e10 / 1e7, "2500.0"},
      {1e100, "1e+100"},
      {1e-3, "0.001"},
      {0.000123, "0.000123"},
      {5e-324, "5e-324"},
      {1.7976931348623157e+308, "1.7976931348623157e+308"},
      {1e22, "1e+22"},
      {123456789012345680.0, "1.2345678901234568e+17"},
      {3.0, "3.0"},
      {-3.0, "-3.0"},
      {0.1, "0.1"},
      {ten / 4, "2.5"},
      {1.5, "1.5"},
      {-2.75, "-2.75"},
      {1e15, "1000000000000000.0"},
      {1e16, "1e+16"},
      {999999999999999.9, "999999999999999.9"},
      {1234567890123456.7, "1234567890123456.8"},
      {0.0001, "0.0001"},
      {0.00001, "1e-05"},
      {1.5e-7, "1.5e-07"},
      {1e21, "1e+21"},
      {2.5e100, "2.5e+100"},
      {1e23, "1e+23"},
      {9007199254740993.0, "9007199254740992.0"},
      {3.141592653589793, "3.141592653589793"},
      {2.718281828459045, "2.718281828459045"},
      {0.5, "0.5"},
      {1e-7, "1e-07"},
      {1e-310, "1e-310"},  // subnormal
      {2.2250738585072014e-308, "2.2250738585072014e-308"},
      {4.9406564584124654e-323 * 2, "1e-322"},
      // Powers of two, where the shortest string lies above v on the wider
      // side of the rounding interval (David Gay's choice, as CPython):
      {std::ldexp(1.0, -1017), "7.120236347223045e-307"},
      {std::ldexp(1.0, -1007), "7.291122019556398e-304"},
      {std::ldexp(1.0, 976), "6.386688990511104e+293"},
      {std::ldexp(1.0, 1023), "8.98846567431158e+307"},
      {std::ldexp(1.0, 60), "1.152921504606847e+18"},
      {-std::ldexp(1.0, 863), "-6.150157786156811e+259"},
  };
  for (const Case &c : cases)
    EXPECT_EQ(fmt(c.v), c.want) << "for %a " << std::hexfloat << c.v;
}

// Number of significant digits in a repr string.
int sigDigits(const std::string &s) {
  std::string d;
  for (char c : s) {
    if (c == 'e')
      break;
    if (c >= '0' && c <= '9')
      d += c;
  }
  size_t a = d.find_first_not_of('0');
  size_t b = d.find_last_not_of('0');
  return a == std::string::npos ? 1 : (int)(b - a + 1);
}

bool readsBack(const char *text, double v) {
  double back = strtod(text, nullptr);
  return memcmp(&back, &v, sizeof v) == 0;
}

// Every finite double reads back bit for bit, and no correctly rounded
// shorter string would.
TEST(FloatFormat, RandomRoundTrip) {
  std::mt19937_64 rng(20240611);
  for (int i = 0; i < 100000; i++) {
    uint64_t bits = rng();
    if (i % 4 == 1) // also plenty of "ordinary" magnitudes
      bits = (bits & 0x800FFFFFFFFFFFFFull) | ((uint64_t)(1023 + (int)(rng() % 80) - 40) << 52);
    double v;
    memcpy(&v, &bits, sizeof v);
    if (!std::isfinite(v))
      continue;
    std::string s = fmt(v);
    ASSERT_TRUE(readsBack(s.c_str(), v)) << s;
    int n = sigDigits(s);
    for (int p = n - 2; p >= 0 && p >= n - 3; p--) {
      char buf[40];
      snprintf(buf, sizeof buf, "%.*e", p, v);
      ASSERT_FALSE(readsBack(buf, v)) << s << " but " << buf << " reads back";
    }
  }
}

// Must-show of issue 6: 10^6 random finite doubles (random bit patterns,
// and every fourth one of ordinary magnitude). Each text reads back bit for
// bit through strtod, and has exactly as many significant digits as the
// shortest "%.{p}g" (p = 1..17) that reads back.
TEST(FloatFormat, MillionShortestAgainstPrintfSearch) {
  std::mt19937_64 rng(20261202);
  int checked = 0;
  for (int i = 0; i < 1000000; i++) {
    uint64_t bits = rng();
    if (i % 4 == 1)
      bits = (bits & 0x800FFFFFFFFFFFFFull) | ((uint64_t)(1023 + (int)(rng() % 80) - 40) << 52);
    double v;
    memcpy(&v, &bits, sizeof v);
    if (!std::isfinite(v))
      continue;
    std::string s = fmt(v);
    ASSERT_TRUE(readsBack(s.c_str(), v)) << s;
    int shortest = 17;
    for (int p = 1; p <= 17; p++) {
      char buf[40];
      snprintf(buf, sizeof buf, "%.*g", p, v);
      if (readsBack(buf, v)) {
        shortest = p;
        break;
      }
    }
    ASSERT_EQ(sigDigits(s), shortest) << s << " for %a " << std::hexfloat << v;
    checked++;
  }
  EXPECT_GT(checked, 990000);
}

TEST(FloatFormat, Str) {
  GjStr *s = gj_str_from_float(2.5e-5);
  EXPECT_EQ(gujitest::str(s), "2.5e-05");
  gj_dec(s);
}

} // namespace
