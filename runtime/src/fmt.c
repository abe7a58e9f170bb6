/* fmt.c — the text forms of scalars (§13): Int in decimal, Char as its
 * UTF-8, and Float exactly as Python's repr writes it.
 *
 * Float: repr gives the shortest digit string that reads back to the same
 * double (and of those the closest). We get the digits from the C library,
 * which rounds correctly: "%.*e" at P+1 significant digits gives the
 * nearest P+1-digit decimal, and strtod tells whether it reads back. For a
 * normal double three tries suffice (15, 16, 17 digits; see
 * shortest_digits), after a cheap exact test for short decimals. At a power of two the rounding interval
 * above v is twice as wide as the one below, so a 16-digit string just
 * above v may read back while the nearest one (below) does not; there we
 * also try the digit string one unit above (what David Gay's dtoa, behind
 * Python's repr, picks; 2^-1017 is one such value).
 *
 * Layout (CPython's float_repr_style "short"): with E the decimal exponent
 * of the first digit, positional when -4 <= E <= 15 ("0.0001", "3.0",
 * "1000000000000000.0"), else scientific: d[.ddd]e±XX ("1e-05", "1e+16").
 *
 * The integer formatter uses no library call and a 21-byte buffer, so the
 * panic path (possibly at the very end of the stack) can use it.
 */
#include "rt_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gj_rt_fmt_int(int64_t v, char *buf) {
  char tmp[20];
  /* negate in unsigned arithmetic: INT64_MIN has no positive twin */
  uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  int n = 0;
  do {
    tmp[n++] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  int len = 0;
  if (v < 0)
    buf[len++] = '-';
  while (n)
    buf[len++] = tmp[--n];
  return len;
}

int gj_rt_fmt_char(uint32_t c, char *buf) {
  if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
    c = 0xFFFD;
  if (c < 0x80) {
    buf[0] = (char)c;
    return 1;
  }
  if (c < 0x800) {
    buf[0] = (char)(0xC0 | (c >> 6));
    buf[1] = (char)(0x80 | (c & 0x3F));
    return 2;
  }
  if (c < 0x10000) {
    buf[0] = (char)(0xE0 | (c >> 12));
    buf[1] = (char)(0x80 | ((c >> 6) & 0x3F));
    buf[2] = (char)(0x80 | (c & 0x3F));
    return 3;
  }
  buf[0] = (char)(0xF0 | (c >> 18));
  buf[1] = (char)(0x80 | ((c >> 12) & 0x3F));
  buf[2] = (char)(0x80 | ((c >> 6) & 0x3F));
  buf[3] = (char)(0x80 | (c & 0x3F));
  return 4;
}

/* Decimal digits of a positive finite double: value = 0.d1d2... * 10^(exp+1),
 * i.e. `exp` is the exponent of the first digit. */
typedef struct Digits {
  char d[18]; /* up to 17 significant digits, NUL-terminated */
  int n;
  int exp;
} Digits;

/* The nearest (prec+1)-digit decimal to v, split into digits and exponent;
 * returns the double it reads back as. */
static double digits_at(double v, int prec, Digits *out) {
  char buf[40]; /* "d.dddddddddddddddde-308" */
  snprintf(buf, sizeof buf, "%.*e", prec, v);
  double back = strtod(buf, NULL);
  int n = 0;
  const char *p = buf;
  for (; *p != 'e'; p++)
    if (*p != '.')
      out->d[n++] = *p;
  out->d[n] = 0;
  out->n = n;
  out->exp = atoi(p + 1);
  return back;
}

/* The digit string one unit (in its last place) above `in`, or 0 when it
 * does not read back as v. */
static int digits_up(double v, const Digits *in, Digits *out) {
  *out = *in;
  int i = out->n - 1;
  while (i >= 0 && out->d[i] == '9')
    out->d[i--] = '0';
  if (i < 0) { /* 99..9 -> 100..0: one more exponent, same length */
    out->d[0] = '1';
    out->exp++;
  } else {
    out->d[i]++;
  }
  char buf[40];
  snprintf(buf, sizeof buf, "%c.%se%d", out->d[0], out->d + 1, out->exp);
  return strtod(buf, NULL) == v;
}

/* Fast path for the Floats people usually print (2.5, 0.1, 1234.5678):
 * v == m / 10^k for an integer m < 10^15. Both operands are exact, so the
 * division rounds correctly: the decimal m*10^-k reads back as v. */
static int small_decimal(double v, Digits *out) {
  static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,
                                 1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
                                 1e18, 1e19, 1e20, 1e21, 1e22};
  if (v >= 1e15 || v < 1e-7)
    return 0;
  for (int k = 0; k <= 22; k++) {
    double t = v * pow10[k];
    if (t >= 1e15)
      return 0;
    double m = nearbyint(t);
    if (m >= 1 && m / pow10[k] == v) {
      int n = gj_rt_fmt_int((int64_t)m, out->d);
      out->d[n] = 0;
      out->n = n;
      out->exp = n - 1 - k;
      return 1;
    }
  }
  return 0;
}

/* A subnormal has fewer significant bits, so the argument below fails;
 * but its neighbours are evenly spaced, so the rounding interval is
 * symmetric and a longer correctly rounded string is never farther from v
 * than a shorter one: "reads back" is monotone in the length, and a binary
 * search finds the shortest. */
static void subnormal_digits(double v, Digits *out) {
  int lo = 0, hi = 16;
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (digits_at(v, mid, out) == v)
      hi = mid;
    else
      lo = mid + 1;
  }
  digits_at(v, lo, out);
}

/* The shortest digits of positive finite v that read back, as repr.
 * If any string of at most 15 digits reads back, v lies within 2^-53 of
 * it (relative), far closer than half the spacing of 15-digit decimals
 * (> 5e-16 relative): so it is the nearest 15-digit decimal, and "%.14e"
 * with trailing zeros dropped finds it. Otherwise 16 digits are tried,
 * then 17 always read back. */
static void shortest_digits(double v, Digits *out) {
  if (v < 0x1p-1022) {
    subnormal_digits(v, out);
    return;
  }
  if (small_decimal(v, out))
    return;
  if (digits_at(v, 14, out) == v)
    return;
  double back = digits_at(v, 15, out);
  if (back == v)
    return;
  uint64_t bits;
  memcpy(&bits, &v, sizeof bits);
  int pow2 = (bits & 0xFFFFFFFFFFFFFull) == 0 && (bits >> 52) > 1;
  Digits up;
  if (pow2 && back < v && digits_up(v, out, &up)) {
    *out = up;
    return;
  }
  digits_at(v, 16, out);
}

/* Drops trailing zeros ("%.*e" pads; repr never shows them). */
static void trim_zeros(Digits *dg) {
  while (dg->n > 1 && dg->d[dg->n - 1] == '0')
    dg->d[--dg->n] = 0;
}

static int layout_positional(const Digits *dg, char *buf, int len) {
  if (dg->exp < 0) {
    buf[len++] = '0';
    buf[len++] = '.';
    for (int i = 0; i < -dg->exp - 1; i++)
      buf[len++] = '0';
    memcpy(buf + len, dg->d, (size_t)dg->n);
    return len + dg->n;
  }
  int int_digits = dg->exp + 1;
  for (int i = 0; i < int_digits; i++)
    buf[len++] = i < dg->n ? dg->d[i] : '0';
  buf[len++] = '.';
  if (dg->n > int_digits) {
    memcpy(buf + len, dg->d + int_digits, (size_t)(dg->n - int_digits));
    len += dg->n - int_digits;
  } else {
    buf[len++] = '0';
  }
  return len;
}

static int layout_scientific(const Digits *dg, char *buf, int len) {
  buf[len++] = dg->d[0];
  if (dg->n > 1) {
    buf[len++] = '.';
    memcpy(buf + len, dg->d + 1, (size_t)(dg->n - 1));
    len += dg->n - 1;
  }
  buf[len++] = 'e';
  int e = dg->exp;
  buf[len++] = e < 0 ? '-' : '+';
  if (e < 0)
    e = -e;
  if (e < 10)
    buf[len++] = '0';
  return len + gj_rt_fmt_int(e, buf + len);
}

/* §13: a Float's text form is Python's repr. */
int gj_fmt_float(double v, char *buf) {
  int len = 0;
  if (isnan(v)) {
    memcpy(buf, "nan", 4);
    return 3;
  }
  if (signbit(v)) {
    buf[len++] = '-';
    v = -v;
  }
  if (isinf(v)) {
    memcpy(buf + len, "inf", 4);
    return len + 3;
  }
  if (v == 0) {
    memcpy(buf + len, "0.0", 4);
    return len + 3;
  }
  Digits dg;
  shortest_digits(v, &dg);
  trim_zeros(&dg);
  if (dg.exp >= -4 && dg.exp <= 15)
    len = layout_positional(&dg, buf, len);
  else
    len = layout_scientific(&dg, buf, len);
  buf[len] = 0;
  return len;
}
