/* format.c — interpolation with a format spec (§13): Python's format().
 *
 * The compiler has checked the spec against the value's type (as Python's
 * int, float and str __format__ do) and packed it (GJ_FMT_* in gujirt.h),
 * so nothing here can fail on user input. Each append builds the value's
 * body (digits, or the text) and its sign, then pads to the width:
 * the '0' flag without a written fill means fill '0' and, for numbers
 * without a written align, '=' (padding between sign and digits), which is
 * Python's rule. Widths and text precision count Unicode scalars, as
 * Python counts code points.
 *
 * Float digits come from the C library's correctly rounded "%.*e" and
 * "%.*f", which give the digits Python's dtoa gives. Python's general
 * format ('g', and no type with a precision) is laid out here rather than
 * by "%g", because the no-type form differs (CPython's format_float_short
 * with ADD_DOT_0: at least one digit after the point, and scientific one
 * exponent sooner). No type and no precision is repr: gj_fmt_float.
 */
#include "rt_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Spec {
  uint32_t fill;
  int fill_set, align, sign, zero, width, prec; /* prec -1: none */
  char type;                                    /* 0: none */
} Spec;

static Spec unpack(int64_t p) {
  Spec s;
  s.fill_set = (p & GJ_FMT_FILL_SET) != 0;
  s.fill = s.fill_set ? (uint32_t)(p >> GJ_FMT_FILL_SHIFT & GJ_FMT_FILL_MASK)
                      : ' ';
  s.align = (int)(p >> GJ_FMT_ALIGN_SHIFT & 7);
  s.sign = (int)(p >> GJ_FMT_SIGN_SHIFT & 3);
  s.zero = (p & GJ_FMT_ZERO) != 0;
  s.width = (int)(p >> GJ_FMT_WIDTH_SHIFT & GJ_FMT_NUM_MAX);
  s.prec = p & GJ_FMT_PREC_SET ? (int)(p >> GJ_FMT_PREC_SHIFT & GJ_FMT_NUM_MAX)
                               : -1;
  int t = (int)(p >> GJ_FMT_TYPE_SHIFT & 15);
  s.type = t ? GJ_FMT_TYPES[t - 1] : 0;
  return s;
}

static int64_t scalars(const char *p, int64_t n) {
  int64_t k = 0;
  for (int64_t i = 0; i < n; i++)
    k += ((unsigned char)p[i] & 0xC0) != 0x80;
  return k;
}

static GjStr *fill_n(GjStr *s, const char *fill, int flen, int64_t n) {
  for (int64_t i = 0; i < n; i++)
    s = gj_rt_str_append_bytes(s, fill, flen);
  return s;
}

/* Appends sign and body padded to sp's width. */
static GjStr *pad(GjStr *s, const Spec *sp, int numeric, const char *sign,
                  const char *body, int64_t blen) {
  uint32_t fill = sp->fill;
  int align = sp->align;
  if (sp->zero && !sp->fill_set) {
    fill = '0';
    if (numeric && align == GJ_FMT_ALIGN_NONE)
      align = GJ_FMT_ALIGN_SIGN;
  }
  if (align == GJ_FMT_ALIGN_NONE)
    align = numeric ? GJ_FMT_ALIGN_RIGHT : GJ_FMT_ALIGN_LEFT;
  int64_t slen = (int64_t)strlen(sign);
  int64_t n = sp->width - slen - scalars(body, blen);
  if (n < 0)
    n = 0;
  char f[4];
  int flen = gj_rt_fmt_char(fill, f);
  int64_t left = align == GJ_FMT_ALIGN_RIGHT ? n
                 : align == GJ_FMT_ALIGN_CENTER ? n / 2
                                                : 0;
  int64_t mid = align == GJ_FMT_ALIGN_SIGN ? n : 0;
  int64_t right = n - left - mid;
  s = fill_n(s, f, flen, left);
  s = gj_rt_str_append_bytes(s, sign, slen);
  s = fill_n(s, f, flen, mid);
  s = gj_rt_str_append_bytes(s, body, blen);
  return fill_n(s, f, flen, right);
}

static const char *sign_of(const Spec *sp, int negative) {
  if (negative)
    return "-";
  return sp->sign == GJ_FMT_SIGN_PLUS ? "+"
         : sp->sign == GJ_FMT_SIGN_SPACE ? " "
                                         : "";
}

/* §13: a spec on an Int acts as Python's format() on an int; with a Float
 * type (e E f F g G %) the Int is converted, as Python does. */
GjStr *gj_str_append_fmt_int(GjStr *s, int64_t v, int64_t spec) {
  Spec sp = unpack(spec);
  if (sp.type && strchr("eEfFgG%", sp.type))
    return gj_str_append_fmt_float(s, (double)v, spec);
  unsigned base = sp.type == 'x' || sp.type == 'X' ? 16
                  : sp.type == 'o'                 ? 8
                  : sp.type == 'b'                 ? 2
                                                   : 10;
  const char *dig = sp.type == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  char tmp[64], body[64];
  int n = 0;
  do {
    tmp[n++] = dig[u % base];
    u /= base;
  } while (u);
  for (int i = 0; i < n; i++)
    body[i] = tmp[n - 1 - i];
  return pad(s, &sp, 1, sign_of(&sp, v < 0), body, n);
}

/* Python's general format of positive finite x at precision p: scientific
 * when the exponent X is < -4 or >= p (>= p-1 with dot0), trailing zeros
 * dropped; dot0 (no type) keeps ".0" on an integral fixed-point result. */
static int general(double x, int p, int dot0, char *out) {
  if (p == 0)
    p = 1;
  char *e = out + p + 16; /* scratch after room for the result */
  snprintf(e, (size_t)p + 16, "%.*e", p - 1, x);
  char *dg = e + p + 16 + 8;
  int nd = 0;
  const char *q = e;
  for (; *q != 'e'; q++)
    if (*q != '.')
      dg[nd++] = *q;
  int X = atoi(q + 1);
  while (nd > 1 && dg[nd - 1] == '0')
    nd--;
  int decpt = X + 1, len = 0;
  if (decpt <= -4 || decpt > (dot0 ? p - 1 : p)) {
    out[len++] = dg[0];
    if (nd > 1) {
      out[len++] = '.';
      memcpy(out + len, dg + 1, (size_t)nd - 1);
      len += nd - 1;
    }
    return len + sprintf(out + len, "e%c%02d", X < 0 ? '-' : '+', abs(X));
  }
  if (decpt <= 0) {
    out[len++] = '0';
    out[len++] = '.';
    for (int i = 0; i < -decpt; i++)
      out[len++] = '0';
    memcpy(out + len, dg, (size_t)nd);
    return len + nd;
  }
  for (int i = 0; i < decpt; i++)
    out[len++] = i < nd ? dg[i] : '0';
  if (nd > decpt) {
    out[len++] = '.';
    memcpy(out + len, dg + decpt, (size_t)(nd - decpt));
    len += nd - decpt;
  } else if (dot0) {
    out[len++] = '.';
    out[len++] = '0';
  }
  return len;
}

/* The body of positive (or nan) x for the spec, into out; its length. */
static int float_body(double x, const Spec *sp, char *out, size_t cap) {
  char t = sp->type;
  int pct = t == '%';
  if (pct)
    x *= 100;
  int len;
  if (isnan(x) || isinf(x)) {
    len = sprintf(out, isnan(x) ? "nan" : "inf");
  } else if (t == 0 && sp->prec < 0) {
    len = gj_fmt_float(x, out);
  } else if (t == 0 || t == 'g' || t == 'G') {
    len = general(x, sp->prec < 0 ? 6 : sp->prec, t == 0, out);
  } else {
    int p = sp->prec < 0 ? 6 : sp->prec;
    len = snprintf(out, cap, t == 'e' || t == 'E' ? "%.*e" : "%.*f", p, x);
  }
  if (pct)
    out[len++] = '%';
  if (t == 'E' || t == 'F' || t == 'G')
    for (int i = 0; i < len; i++)
      out[i] = (char)toupper((unsigned char)out[i]);
  return len;
}

/* §13: a spec on a Float acts as Python's format() on a float. */
GjStr *gj_str_append_fmt_float(GjStr *s, double v, int64_t spec) {
  Spec sp = unpack(spec);
  int negative = signbit(v) && !isnan(v); /* Python drops a nan's sign */
  double x = fabs(v);
  /* "%.*f" of 1e308 has 309 integer digits; general() needs scratch */
  size_t cap = 3 * (size_t)(sp.prec < 0 ? 6 : sp.prec) + 400;
  char small[512];
  char *buf = cap <= sizeof small ? small : malloc(cap);
  if (!buf)
    gj_rt_fatal("out of memory");
  int len = float_body(x, &sp, buf, cap);
  s = pad(s, &sp, 1, sign_of(&sp, negative), buf, len);
  if (buf != small)
    free(buf);
  return s;
}

/* §13: a spec on any other value acts as Python's format() on the str of
 * its text form; a precision keeps that many scalars. */
GjStr *gj_str_append_fmt_text(GjStr *s, const GjStr *text, int64_t spec) {
  Spec sp = unpack(spec);
  int64_t n = text->len;
  if (sp.prec >= 0) {
    int64_t k = 0, i = 0;
    for (; i < n; i++) {
      if (((unsigned char)text->ptr[i] & 0xC0) != 0x80 && k++ == sp.prec)
        break;
    }
    n = i;
  }
  if (text == s) { /* "${$s:5}" appended to itself cannot happen, but be safe */
    GjStr *copy = gj_str_from_bytes(text->ptr, n);
    s = pad(s, &sp, 0, "", copy->ptr, n);
    gj_dec(copy);
    return s;
  }
  return pad(s, &sp, 0, "", text->ptr, n);
}
