/* str.c — Str values (§13): building, text forms, comparison.
 *
 * A flat string is one block from the object allocator (alloc.c) of
 * sizeof(GjStr) + cap bytes, which is how free_str finds its size: the GjStr header, then `cap` bytes,
 * with ptr == (char *)(s + 1) and owner == NULL. A literal is an immortal
 * (rc 0) GjStr laid out by the compiler with ptr into constant data and
 * cap 0; it is never written or freed. A slice (later) has owner != NULL.
 *
 * Interpolation builds a string with gj_str_with_cap and a chain of
 * gj_str_append_*: each consumes its string and returns the result. When
 * the string is uniquely owned (rc 1) and flat it grows in place, doubling
 * its room, so a chain of appends is linear; otherwise the bytes are copied
 * into a new flat string and the old reference is dropped, leaving any
 * other holder's value unchanged (values are immutable, §1).
 *
 * An empty string's ptr may be NULL (memcpy/memcmp are guarded for it).
 *
 * Bool text forms are immortal statics: returning one is a valid
 * +1 reference, since inc and dec leave rc 0 alone.
 */
#include "rt_internal.h"

#include <string.h>

#define STATIC_STR(text)                                                      \
  {{0, GJ_KIND_STR, 0}, sizeof(text) - 1, text, 0, NULL}

static GjStr str_true = STATIC_STR("true");
static GjStr str_false = STATIC_STR("false");

/* Largest byte count a Str may hold: keeps size arithmetic in range. */
#define STR_MAX_LEN ((int64_t)1 << 48)

static char *bytes_of(GjStr *s) { return (char *)(s + 1); }

static int is_flat(const GjStr *s) {
  return s->owner == NULL && s->ptr == (const char *)(s + 1);
}

static GjStr *new_flat(int64_t cap) {
  if (cap < 0 || cap > STR_MAX_LEN)
    gj_rt_fatal("string too large");
  GjStr *s = gj_rt_alloc(sizeof(GjStr) + (size_t)cap, GJ_KIND_STR);
  s->len = 0;
  s->ptr = bytes_of(s);
  s->cap = cap;
  s->owner = NULL;
  return s;
}

/* Consumes s; returns a uniquely owned flat string with s's bytes and room
 * for `extra` more. */
static GjStr *reserve(GjStr *s, int64_t extra) {
  if (extra > STR_MAX_LEN - s->len)
    gj_rt_fatal("string too large");
  int64_t need = s->len + extra;
  int64_t cap = s->cap * 2 > need ? s->cap * 2 : need;
  if (cap < 16)
    cap = 16;
  if (s->h.rc == 1 && is_flat(s)) {
    if (s->cap >= need)
      return s;
    s = gj_rt_realloc(s, sizeof(GjStr) + (size_t)s->cap,
                      sizeof(GjStr) + (size_t)cap);
    s->ptr = bytes_of(s);
    s->cap = cap;
    return s;
  }
  /* A copy: room to double only if it has been appended to before. */
  GjStr *t = new_flat(s->len > 0 && s->len * 2 > need ? s->len * 2 : need);
  if (s->len)
    memcpy(bytes_of(t), s->ptr, (size_t)s->len);
  t->len = s->len;
  gj_dec(s);
  return t;
}

static GjStr *append_bytes(GjStr *s, const char *p, int64_t n) {
  if (n == 0)
    return s;
  s = reserve(s, n);
  memcpy(bytes_of(s) + s->len, p, (size_t)n);
  s->len += n;
  return s;
}

GjStr *gj_rt_str_append_bytes(GjStr *s, const char *p, int64_t n) {
  return append_bytes(s, p, n);
}

GjStr *gj_str_with_cap(int64_t cap) { return new_flat(cap < 0 ? 0 : cap); }

GjStr *gj_str_from_bytes(const char *p, int64_t len) {
  GjStr *s = new_flat(len);
  if (len)
    memcpy(bytes_of(s), p, (size_t)len);
  s->len = len;
  return s;
}

GjStr *gj_str_append_str(GjStr *s, const GjStr *t) {
  int64_t n = t->len;
  if (n == 0)
    return s;
  if (t == s) { /* s ++ s: reserve may move s, and t with it */
    s = reserve(s, n);
    memcpy(bytes_of(s) + s->len, s->ptr, (size_t)n);
    s->len += n;
    return s;
  }
  return append_bytes(s, t->ptr, n);
}

GjStr *gj_str_append_int(GjStr *s, int64_t v) {
  char buf[24];
  return append_bytes(s, buf, gj_rt_fmt_int(v, buf));
}

/* §4: a Range's text form is the expression that makes it: `1..4`,
 * `1..=4`, `(0..10).step(3)`, `(1..4).rev()`, `(0..=9).step(3).rev()`. */
GjStr *gj_str_append_range(GjStr *s, int64_t start, int64_t end, bool incl,
                           int64_t step, bool rev) {
  bool wrap = step != 1 || rev;
  if (wrap) s = append_bytes(s, "(", 1);
  s = gj_str_append_int(s, start);
  s = append_bytes(s, incl ? "..=" : "..", incl ? 3 : 2);
  s = gj_str_append_int(s, end);
  if (wrap) s = append_bytes(s, ")", 1);
  if (step != 1) {
    s = append_bytes(s, ".step(", 6);
    s = gj_str_append_int(s, step);
    s = append_bytes(s, ")", 1);
  }
  if (rev) s = append_bytes(s, ".rev()", 6);
  return s;
}

GjStr *gj_str_append_float(GjStr *s, double v) {
  char buf[32];
  return append_bytes(s, buf, gj_fmt_float(v, buf));
}

GjStr *gj_str_append_bool(GjStr *s, bool v) {
  return v ? append_bytes(s, "true", 4) : append_bytes(s, "false", 5);
}

GjStr *gj_str_append_char(GjStr *s, uint32_t v) {
  char buf[4];
  return append_bytes(s, buf, gj_rt_fmt_char(v, buf));
}

GjStr *gj_str_append_unit(GjStr *s) { return append_bytes(s, "()", 2); }

GjStr *gj_str_concat(const GjStr *a, const GjStr *b) {
  if (b->len > STR_MAX_LEN - a->len)
    gj_rt_fatal("string too large");
  GjStr *s = new_flat(a->len + b->len);
  if (a->len)
    memcpy(bytes_of(s), a->ptr, (size_t)a->len);
  if (b->len)
    memcpy(bytes_of(s) + a->len, b->ptr, (size_t)b->len);
  s->len = a->len + b->len;
  return s;
}

/* §13 text forms */

GjStr *gj_str_from_int(int64_t v) {
  char buf[24];
  return gj_str_from_bytes(buf, gj_rt_fmt_int(v, buf));
}

GjStr *gj_str_from_float(double v) {
  char buf[32];
  return gj_str_from_bytes(buf, gj_fmt_float(v, buf));
}

GjStr *gj_str_from_bool(bool v) { return v ? &str_true : &str_false; }

GjStr *gj_str_from_char(uint32_t v) {
  char buf[4];
  return gj_str_from_bytes(buf, gj_rt_fmt_char(v, buf));
}

/* §13: len() is the length in bytes. */
int64_t gj_str_len(const GjStr *s) { return s->len; }

bool gj_str_eq(const GjStr *a, const GjStr *b) {
  return a == b ||
         (a->len == b->len &&
          (a->len == 0 || memcmp(a->ptr, b->ptr, (size_t)a->len) == 0));
}

/* §4: Str orders lexicographically; byte order of UTF-8 is scalar order. */
int64_t gj_str_cmp(const GjStr *a, const GjStr *b) {
  int64_t n = a->len < b->len ? a->len : b->len;
  int c = n ? memcmp(a->ptr, b->ptr, (size_t)n) : 0;
  if (c)
    return c < 0 ? -1 : 1;
  return a->len < b->len ? -1 : a->len > b->len;
}

/* §13: nested in another value, a Str or Char is quoted, with the escapes
 * \\ \" \' \n \t \r \0 and \u{…} (lower-case hex) for any other control
 * character (C0, DEL and C1). A Str escapes its double quote, a Char its
 * single quote; the other quote stays as it is. */
static int escape_of(uint32_t c, uint32_t quote, char *buf) {
  const char *e = NULL;
  switch (c) {
  case '\\': e = "\\\\"; break;
  case '\n': e = "\\n"; break;
  case '\t': e = "\\t"; break;
  case '\r': e = "\\r"; break;
  case 0: e = "\\0"; break;
  default:
    if (c == quote) {
      buf[0] = '\\';
      buf[1] = (char)c;
      return 2;
    }
    if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
      static const char hex[] = "0123456789abcdef";
      int n = 0;
      buf[n++] = '\\';
      buf[n++] = 'u';
      buf[n++] = '{';
      if (c >= 0x10)
        buf[n++] = hex[c >> 4];
      buf[n++] = hex[c & 15];
      buf[n++] = '}';
      return n;
    }
    return 0;
  }
  buf[0] = e[0];
  buf[1] = e[1];
  return 2;
}

static GjStr *append_quoted(GjStr *buf, const GjStr *s) {
  buf = reserve(buf, s->len + 2);
  buf = append_bytes(buf, "\"", 1);
  const unsigned char *p = (const unsigned char *)s->ptr;
  int64_t run = 0, n = s->len;
  for (int64_t i = 0; i < n; i++) {
    uint32_t c = p[i];
    if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7F && c != 0xC2)
      continue;
    if (c == 0xC2) { /* C1 controls are U+0080..U+009F: C2 80..C2 9F */
      if (i + 1 >= n || p[i + 1] < 0x80 || p[i + 1] > 0x9F)
        continue;
      c = p[i + 1];
    }
    char esc[8];
    int k = escape_of(c, '"', esc);
    buf = append_bytes(buf, (const char *)p + run, i - run);
    buf = append_bytes(buf, esc, k);
    i += c >= 0x80; /* skip the second byte of a C1 control */
    run = i + 1;
  }
  buf = append_bytes(buf, (const char *)p + run, n - run);
  return append_bytes(buf, "\"", 1);
}

GjStr *gj_str_append_quoted(GjStr *buf, const GjStr *s) {
  if (buf != s)
    return append_quoted(buf, s);
  /* Appending s to itself: a second reference keeps s's bytes in place
   * while buf is copied. */
  gj_inc(buf);
  buf = append_quoted(buf, s);
  gj_dec((GjStr *)s);
  return buf;
}

GjStr *gj_str_append_char_quoted(GjStr *buf, uint32_t c) {
  char out[16];
  int n = 0;
  out[n++] = '\'';
  int k = escape_of(c, '\'', out + n);
  n += k ? k : gj_rt_fmt_char(c, out + n);
  out[n++] = '\'';
  return append_bytes(buf, out, n);
}

/* §15: gj_hash_int and gj_hash_bytes live in hash.c. */
uint64_t gj_str_hash(const GjStr *s, uint64_t seed) {
  return gj_hash_bytes(s->ptr, s->len, seed);
}
