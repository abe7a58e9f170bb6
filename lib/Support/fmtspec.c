/* fmtspec.c — parse and pack interpolation format specs (§13).
 *
 * The grammar is Python's format-spec mini-language, read in Python's
 * order (CPython's parse_internal_render_format_spec), so a spec means
 * here what it means to Python:
 *   [[fill]align][sign][0][width][.precision][type]
 * A fill is one Unicode scalar, recognised only when an align character
 * follows it. The '0' flag is read only when no fill was written (Python's
 * rule; "x<05" is fill 'x' and width 05). Python's extras '#', 'z', the
 * grouping options ',' '_' and the types 'n' 'c' are not in §13's subset and
 * are rejected here with a message saying so. Nothing here depends on the
 * value's type: Sema checks which parts fit an Int, a Float or text.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "guji/FmtSpec.h"

static bool is_align(char c) {
  return c == '<' || c == '>' || c == '^' || c == '=';
}
static bool is_sign(char c) { return c == '+' || c == '-' || c == ' '; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool fail(FmtSpecError *err, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool fail(FmtSpecError *err, size_t at, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  err->offset = at;
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  va_end(ap);
  return false;
}

/* Length of the UTF-8 sequence at p (1 for a stray byte) and its scalar. */
static size_t utf8_scalar(const char *p, size_t len, uint32_t *c) {
  unsigned char b = (unsigned char)p[0];
  size_t n = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
  if (n > len) n = 1;
  if (n == 1) {
    *c = b;
    return 1;
  }
  uint32_t v = b & (0x7F >> n);
  for (size_t i = 1; i < n; i++) v = (v << 6) | ((unsigned char)p[i] & 0x3F);
  *c = v;
  return n;
}

/* Reads a width or precision at *pos; returns false (and reports) when it
 * exceeds GJ_FMT_NUM_MAX. */
static bool read_number(const char *s, size_t len, size_t *pos, int *out,
                        const char *what, FmtSpecError *err) {
  size_t start = *pos;
  long v = 0;
  while (*pos < len && is_digit(s[*pos])) {
    if (v <= GJ_FMT_NUM_MAX) v = v * 10 + (s[*pos] - '0');
    (*pos)++;
  }
  if (v > GJ_FMT_NUM_MAX)
    return fail(err, start, "%s %.*s is too large: at most %d", what,
                (int)(*pos - start), s + start, GJ_FMT_NUM_MAX);
  *out = (int)v;
  return true;
}

static bool check_type(const char *s, size_t pos, FmtSpecError *err) {
  char c = s[pos];
  if (c != 0 && strchr(GJ_FMT_TYPES, c)) return true;
  if (c == 'n' || c == 'c')
    return fail(err, pos, "format type '%c' is not supported: use one of "
                "d x X o b e E f F g G %% s", c);
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
    return fail(err, pos, "unknown format type '%c': use one of "
                "d x X o b e E f F g G %% s", c);
  return fail(err, pos, "unexpected '%c' in format spec: the parts go in "
              "the order [[fill]align][sign][0][width][.precision][type]", c);
}

static void reset(FmtSpec *f) {
  memset(f, 0, sizeof *f);
  f->fill = ' ';
  f->precision = -1;
  f->fill_at = f->align_at = f->sign_at = f->zero_at = -1;
  f->width_at = f->prec_at = f->type_at = -1;
}

/* [[fill]align][sign] */
static size_t parse_align_sign(const char *s, size_t len, FmtSpec *f) {
  size_t pos = 0;
  uint32_t c;
  size_t n = len ? utf8_scalar(s, len, &c) : 0;
  if (len && n < len && is_align(s[n])) {
    f->fill = c;
    f->fill_set = true;
    f->fill_at = 0;
    f->align = s[n];
    f->align_at = (int)n;
    pos = n + 1;
  } else if (len && is_align(s[0])) {
    f->align = s[0];
    f->align_at = 0;
    pos = 1;
  }
  if (pos < len && is_sign(s[pos])) {
    f->sign = s[pos];
    f->sign_at = (int)pos++;
  }
  return pos;
}

/* §13: the spec after `:` in an interpolation. */
bool fmtspec_parse(const char *s, size_t len, FmtSpec *f, FmtSpecError *err) {
  reset(f);
  size_t pos = parse_align_sign(s, len, f);
  if (pos < len && s[pos] == 'z')
    return fail(err, pos, "'z' (negative zero as zero) is not supported in "
                "format specs");
  if (pos < len && s[pos] == '#')
    return fail(err, pos, "'#' (alternate form) is not supported in format "
                "specs; write the prefix yourself, e.g. 0x${$n:x}");
  if (!f->fill_set && pos < len && s[pos] == '0') {
    f->zero = true;
    f->zero_at = (int)pos++;
  }
  if (pos < len && is_digit(s[pos])) {
    f->width_at = (int)pos;
    if (!read_number(s, len, &pos, &f->width, "width", err)) return false;
  }
  if (pos < len && (s[pos] == ',' || s[pos] == '_'))
    return fail(err, pos, "digit grouping with '%c' is not supported in "
                "format specs; remove it", s[pos]);
  if (pos < len && s[pos] == '.') {
    f->prec_at = (int)pos++;
    if (pos >= len || !is_digit(s[pos]))
      return fail(err, (size_t)f->prec_at, "'.' must be followed by a "
                  "precision, e.g. '.2'");
    if (!read_number(s, len, &pos, &f->precision, "precision", err))
      return false;
  }
  if (pos + 1 < len) {
    /* two or more characters left: the type, if any, ends the spec */
    if (!check_type(s, pos, err)) return false;
    return fail(err, pos + 1, "unexpected '%c' after the format type '%c': "
                "the type ends the spec", s[pos + 1], s[pos]);
  }
  if (pos < len) {
    if (!check_type(s, pos, err)) return false;
    f->type = s[pos];
    f->type_at = (int)pos;
  }
  return true;
}

static int64_t align_code(char a) {
  switch (a) {
  case '<': return GJ_FMT_ALIGN_LEFT;
  case '>': return GJ_FMT_ALIGN_RIGHT;
  case '^': return GJ_FMT_ALIGN_CENTER;
  case '=': return GJ_FMT_ALIGN_SIGN;
  default: return GJ_FMT_ALIGN_NONE;
  }
}

static int64_t sign_code(char c) {
  switch (c) {
  case '+': return GJ_FMT_SIGN_PLUS;
  case '-': return GJ_FMT_SIGN_MINUS;
  case ' ': return GJ_FMT_SIGN_SPACE;
  default: return GJ_FMT_SIGN_NONE;
  }
}

int64_t fmtspec_pack(const FmtSpec *f) {
  int64_t p = 0;
  if (f->fill_set)
    p |= ((int64_t)f->fill & GJ_FMT_FILL_MASK) << GJ_FMT_FILL_SHIFT |
         GJ_FMT_FILL_SET;
  p |= align_code(f->align) << GJ_FMT_ALIGN_SHIFT;
  p |= sign_code(f->sign) << GJ_FMT_SIGN_SHIFT;
  if (f->zero) p |= GJ_FMT_ZERO;
  p |= (int64_t)f->width << GJ_FMT_WIDTH_SHIFT;
  if (f->precision >= 0)
    p |= GJ_FMT_PREC_SET | (int64_t)f->precision << GJ_FMT_PREC_SHIFT;
  if (f->type)
    p |= (int64_t)(strchr(GJ_FMT_TYPES, f->type) - GJ_FMT_TYPES + 1)
         << GJ_FMT_TYPE_SHIFT;
  return p;
}

void fmtspec_unpack(int64_t p, FmtSpec *f) {
  reset(f);
  f->fill_set = (p & GJ_FMT_FILL_SET) != 0;
  if (f->fill_set) f->fill = (uint32_t)(p >> GJ_FMT_FILL_SHIFT & GJ_FMT_FILL_MASK);
  f->align = "\0<>^="[p >> GJ_FMT_ALIGN_SHIFT & 7];
  f->sign = "\0+- "[p >> GJ_FMT_SIGN_SHIFT & 3];
  f->zero = (p & GJ_FMT_ZERO) != 0;
  f->width = (int)(p >> GJ_FMT_WIDTH_SHIFT & GJ_FMT_NUM_MAX);
  if (p & GJ_FMT_PREC_SET)
    f->precision = (int)(p >> GJ_FMT_PREC_SHIFT & GJ_FMT_NUM_MAX);
  int t = (int)(p >> GJ_FMT_TYPE_SHIFT & 15);
  f->type = t ? GJ_FMT_TYPES[t - 1] : 0;
}
