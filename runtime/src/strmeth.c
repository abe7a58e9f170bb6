/* strmeth.c — the Str methods of §13: case, trimming, searching, slicing,
 * splitting, parsing.
 *
 * Offsets and lengths are in bytes (§13). Every function borrows its Str
 * arguments and returns a new reference. A Str holds valid UTF-8; the
 * decoder here still copes with a stray byte (it reads as U+FFFD and
 * counts as one scalar, so nothing runs past the end).
 *
 * Results that are parts of the argument:
 *   - gj_str_slice always shares the argument's storage (§13: O(1)): a
 *     slice is a bare GjStr with cap 0 whose `ptr` points into the root
 *     string's bytes and whose `owner` is that root (a slice of a slice
 *     points at the root, never at the intermediate slice), holding one
 *     reference to it; mem.c's free_str drops it.
 *   - the parts made by trim*, split, split_whitespace and lines are
 *     pieces: shared like a slice when longer than PIECE_COPY_MAX bytes,
 *     else copied into a fresh flat string (as small as a slice header,
 *     and it does not keep a large original alive).
 *   - a result equal to the whole argument is the argument itself (+1);
 *     an empty result is the immortal static empty string.
 * Strings are immutable, so sharing is invisible except in memory use.
 *
 * Case mapping (upper, lower) is Python's str.upper / str.lower over all
 * of Unicode 14: the simple mappings as runs in a table, the mappings
 * that expand (ß -> SS, İ -> i̇, ...) in a second table, and the final
 * sigma rule (Σ lowers to ς at the end of a word). The tables were
 * generated from CPython 3.11's str.upper / str.lower (unicodedata
 * 14.0.0); the final-sigma "cased" / "case-ignorable" tests are
 * approximations (a cased letter is one with a case mapping).
 *
 * Whitespace (trim*, split_whitespace) is the Unicode White_Space
 * property, as Rust's char::is_whitespace.
 */
#include "rt_internal.h"

#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared pieces -------------------------------------------------------- */

/* The immortal empty string (rt_internal.h). */
GjStr gj_rt_empty_str = {{0, GJ_KIND_STR, 0}, 0, "", 0, NULL};

/* Largest byte count a Str may hold (as str.c). */
#define STR_MAX_LEN ((int64_t)1 << 48)

static GjStr *share(const GjStr *s) {
  gj_inc((GjStr *)s);
  return (GjStr *)s;
}

/* s[a..b] sharing s's storage; a and b are valid boundaries. */
GjStr *gj_rt_str_slice_shared(const GjStr *s, int64_t a, int64_t b) {
  if (a == b)
    return &gj_rt_empty_str;
  if (a == 0 && b == s->len)
    return share(s);
  GjStr *root = s->owner ? s->owner : (GjStr *)s;
  GjStr *r = gj_rt_alloc(sizeof(GjStr), GJ_KIND_STR);
  r->len = b - a;
  r->ptr = s->ptr + a;
  r->cap = 0;
  r->owner = root;
  gj_inc(root);
  return r;
}

/* s[a..b] as a piece: shared when long, copied when short. */
GjStr *gj_rt_str_piece(const GjStr *s, int64_t a, int64_t b) {
  if (b - a > PIECE_COPY_MAX || (a == 0 && b == s->len))
    return gj_rt_str_slice_shared(s, a, b);
  if (a == b)
    return &gj_rt_empty_str;
  return gj_str_from_bytes(s->ptr + a, b - a);
}

static const unsigned char *bytes(const GjStr *s) {
  return (const unsigned char *)s->ptr;
}

/* The scalar at p[0..n) (n >= 1); its length in *len. A malformed
 * sequence reads as U+FFFD of length 1. */
static uint32_t decode(const unsigned char *p, int64_t n, int *len) {
  uint32_t c = p[0];
  if (c < 0x80) {
    *len = 1;
    return c;
  }
  int k;
  uint32_t min;
  if (c >= 0xC2 && c <= 0xDF) {
    k = 2, c &= 0x1F, min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    k = 3, c &= 0x0F, min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    k = 4, c &= 0x07, min = 0x10000;
  } else {
    *len = 1;
    return 0xFFFD;
  }
  if (n < k) {
    *len = 1;
    return 0xFFFD;
  }
  for (int i = 1; i < k; i++) {
    if ((p[i] & 0xC0) != 0x80) {
      *len = 1;
      return 0xFFFD;
    }
    c = (c << 6) | (p[i] & 0x3F);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c < 0xE000)) {
    *len = 1;
    return 0xFFFD;
  }
  *len = k;
  return c;
}

/* The start of the scalar that ends at p[end) (end >= 1). */
static int64_t prev_start(const unsigned char *p, int64_t end) {
  int64_t i = end - 1;
  int64_t lim = end > 4 ? end - 4 : 0;
  while (i > lim && (p[i] & 0xC0) == 0x80)
    i--;
  int len;
  decode(p + i, end - i, &len);
  return i + len == end ? i : end - 1;
}

static bool is_boundary(const GjStr *s, int64_t i) {
  return i == 0 || i == s->len || (bytes(s)[i] & 0xC0) != 0x80;
}

static int64_t count_scalars(const unsigned char *p, int64_t n) {
  int64_t c = 0;
  for (int64_t i = 0; i < n;) {
    if (p[i] < 0x80) {
      i++;
    } else {
      int len;
      decode(p + i, n - i, &len);
      i += len;
    }
    c++;
  }
  return c;
}

/* A result buffer: bytes collect in `tmp` and go to the string in
 * batches. */
typedef struct {
  GjStr *s;
  int n;
  char tmp[256];
} Out;

static void out_init(Out *o, int64_t cap) {
  o->s = gj_str_with_cap(cap);
  o->n = 0;
}

static void out_flush(Out *o) {
  o->s = gj_rt_str_append_bytes(o->s, o->tmp, o->n);
  o->n = 0;
}

static void out_bytes(Out *o, const void *p, int64_t n) {
  if (n == 0)
    return;
  if (n <= (int64_t)sizeof o->tmp - o->n) {
    memcpy(o->tmp + o->n, p, (size_t)n);
    o->n += (int)n;
    return;
  }
  out_flush(o);
  o->s = gj_rt_str_append_bytes(o->s, p, n);
}

static void out_char(Out *o, uint32_t c) {
  if (o->n > (int)sizeof o->tmp - 4)
    out_flush(o);
  o->n += gj_rt_fmt_char(c, o->tmp + o->n);
}

static GjStr *out_done(Out *o) {
  out_flush(o);
  return o->s;
}

/* An uninitialized flat string of exactly n bytes (n > 0), length set. */
static GjStr *new_exact(int64_t n, char **buf) {
  GjStr *r = gj_str_with_cap(n);
  *buf = (char *)r->ptr;
  r->len = n;
  return r;
}

/* ---- panics ---------------------------------------------------------------- */

static _Noreturn __attribute__((cold)) void panic_nums(const char *a, int64_t x,
                                                      const char *b, int64_t y,
                                                      const char *c, int64_t z,
                                                      const char *d,
                                                      const GjLoc *loc) {
  GjStr *m = gj_str_with_cap(64);
  m = gj_rt_str_append_bytes(m, a, (int64_t)strlen(a));
  m = gj_str_append_int(m, x);
  if (b) {
    m = gj_rt_str_append_bytes(m, b, (int64_t)strlen(b));
    m = gj_str_append_int(m, y);
  }
  if (c) {
    m = gj_rt_str_append_bytes(m, c, (int64_t)strlen(c));
    m = gj_str_append_int(m, z);
  }
  if (d)
    m = gj_rt_str_append_bytes(m, d, (int64_t)strlen(d));
  gj_panic(m, loc);
}

/* §13: `byte index 1 is not a char boundary in "héllo"` (the text quoted
 * as nested text, cut after 64 bytes with "..." after the quote). */
static _Noreturn __attribute__((cold)) void
panic_boundary(const GjStr *s, int64_t i, const GjLoc *loc) {
  static const char a[] = "byte index ";
  static const char b[] = " is not a char boundary in ";
  int64_t n = s->len;
  if (n > 64) {
    n = 64;
    while (n > 0 && !is_boundary(s, n))
      n--;
  }
  GjStr view = {{0, GJ_KIND_STR, 0}, n, s->ptr, 0, NULL};
  GjStr *m = gj_str_with_cap(96 + n);
  m = gj_rt_str_append_bytes(m, a, sizeof a - 1);
  m = gj_str_append_int(m, i);
  m = gj_rt_str_append_bytes(m, b, sizeof b - 1);
  m = gj_str_append_quoted(m, &view);
  if (n < s->len)
    m = gj_rt_str_append_bytes(m, "...", 3);
  gj_panic(m, loc);
}

/* ---- case mapping ---------------------------------------------------------- */

/* cp in [lo, hi] with (cp - lo) % stride == 0 maps to cp + delta. */
typedef struct {
  uint32_t lo, hi;
  int32_t stride, delta;
} CaseRun;

/* cp maps to the 1-3 scalars in to (0 ends early). */
typedef struct {
  uint32_t cp;
  uint32_t to[3];
} CaseSpecial;

/* Generated (see the file comment): Python's str.upper / str.lower. */
static const CaseRun upper_runs[194] = {
  {0x61, 0x7A, 1, -32}, {0xB5, 0xB5, 1, 743}, {0xE0, 0xF6, 1, -32},
  {0xF8, 0xFE, 1, -32}, {0xFF, 0xFF, 1, 121}, {0x101, 0x12F, 2, -1},
  {0x131, 0x131, 1, -232}, {0x133, 0x137, 2, -1}, {0x13A, 0x148, 2, -1},
  {0x14B, 0x177, 2, -1}, {0x17A, 0x17E, 2, -1}, {0x17F, 0x17F, 1, -300},
  {0x180, 0x180, 1, 195}, {0x183, 0x185, 2, -1}, {0x188, 0x188, 1, -1},
  {0x18C, 0x18C, 1, -1}, {0x192, 0x192, 1, -1}, {0x195, 0x195, 1, 97},
  {0x199, 0x199, 1, -1}, {0x19A, 0x19A, 1, 163}, {0x19E, 0x19E, 1, 130},
  {0x1A1, 0x1A5, 2, -1}, {0x1A8, 0x1A8, 1, -1}, {0x1AD, 0x1AD, 1, -1},
  {0x1B0, 0x1B0, 1, -1}, {0x1B4, 0x1B6, 2, -1}, {0x1B9, 0x1B9, 1, -1},
  {0x1BD, 0x1BD, 1, -1}, {0x1BF, 0x1BF, 1, 56}, {0x1C5, 0x1C5, 1, -1},
  {0x1C6, 0x1C6, 1, -2}, {0x1C8, 0x1C8, 1, -1}, {0x1C9, 0x1C9, 1, -2},
  {0x1CB, 0x1CB, 1, -1}, {0x1CC, 0x1CC, 1, -2}, {0x1CE, 0x1DC, 2, -1},
  {0x1DD, 0x1DD, 1, -79}, {0x1DF, 0x1EF, 2, -1}, {0x1F2, 0x1F2, 1, -1},
  {0x1F3, 0x1F3, 1, -2}, {0x1F5, 0x1F5, 1, -1}, {0x1F9, 0x21F, 2, -1},
  {0x223, 0x233, 2, -1}, {0x23C, 0x23C, 1, -1}, {0x23F, 0x240, 1, 10815},
  {0x242, 0x242, 1, -1}, {0x247, 0x24F, 2, -1}, {0x250, 0x250, 1, 10783},
  {0x251, 0x251, 1, 10780}, {0x252, 0x252, 1, 10782}, {0x253, 0x253, 1, -210},
  {0x254, 0x254, 1, -206}, {0x256, 0x257, 1, -205}, {0x259, 0x259, 1, -202},
  {0x25B, 0x25B, 1, -203}, {0x25C, 0x25C, 1, 42319}, {0x260, 0x260, 1, -205},
  {0x261, 0x261, 1, 42315}, {0x263, 0x263, 1, -207}, {0x265, 0x265, 1, 42280},
  {0x266, 0x266, 1, 42308}, {0x268, 0x268, 1, -209}, {0x269, 0x269, 1, -211},
  {0x26A, 0x26A, 1, 42308}, {0x26B, 0x26B, 1, 10743},
  {0x26C, 0x26C, 1, 42305}, {0x26F, 0x26F, 1, -211}, {0x271, 0x271, 1, 10749},
  {0x272, 0x272, 1, -213}, {0x275, 0x275, 1, -214}, {0x27D, 0x27D, 1, 10727},
  {0x280, 0x280, 1, -218}, {0x282, 0x282, 1, 42307}, {0x283, 0x283, 1, -218},
  {0x287, 0x287, 1, 42282}, {0x288, 0x288, 1, -218}, {0x289, 0x289, 1, -69},
  {0x28A, 0x28B, 1, -217}, {0x28C, 0x28C, 1, -71}, {0x292, 0x292, 1, -219},
  {0x29D, 0x29D, 1, 42261}, {0x29E, 0x29E, 1, 42258}, {0x345, 0x345, 1, 84},
  {0x371, 0x373, 2, -1}, {0x377, 0x377, 1, -1}, {0x37B, 0x37D, 1, 130},
  {0x3AC, 0x3AC, 1, -38}, {0x3AD, 0x3AF, 1, -37}, {0x3B1, 0x3C1, 1, -32},
  {0x3C2, 0x3C2, 1, -31}, {0x3C3, 0x3CB, 1, -32}, {0x3CC, 0x3CC, 1, -64},
  {0x3CD, 0x3CE, 1, -63}, {0x3D0, 0x3D0, 1, -62}, {0x3D1, 0x3D1, 1, -57},
  {0x3D5, 0x3D5, 1, -47}, {0x3D6, 0x3D6, 1, -54}, {0x3D7, 0x3D7, 1, -8},
  {0x3D9, 0x3EF, 2, -1}, {0x3F0, 0x3F0, 1, -86}, {0x3F1, 0x3F1, 1, -80},
  {0x3F2, 0x3F2, 1, 7}, {0x3F3, 0x3F3, 1, -116}, {0x3F5, 0x3F5, 1, -96},
  {0x3F8, 0x3F8, 1, -1}, {0x3FB, 0x3FB, 1, -1}, {0x430, 0x44F, 1, -32},
  {0x450, 0x45F, 1, -80}, {0x461, 0x481, 2, -1}, {0x48B, 0x4BF, 2, -1},
  {0x4C2, 0x4CE, 2, -1}, {0x4CF, 0x4CF, 1, -15}, {0x4D1, 0x52F, 2, -1},
  {0x561, 0x586, 1, -48}, {0x10D0, 0x10FA, 1, 3008},
  {0x10FD, 0x10FF, 1, 3008}, {0x13F8, 0x13FD, 1, -8},
  {0x1C80, 0x1C80, 1, -6254}, {0x1C81, 0x1C81, 1, -6253},
  {0x1C82, 0x1C82, 1, -6244}, {0x1C83, 0x1C84, 1, -6242},
  {0x1C85, 0x1C85, 1, -6243}, {0x1C86, 0x1C86, 1, -6236},
  {0x1C87, 0x1C87, 1, -6181}, {0x1C88, 0x1C88, 1, 35266},
  {0x1D79, 0x1D79, 1, 35332}, {0x1D7D, 0x1D7D, 1, 3814},
  {0x1D8E, 0x1D8E, 1, 35384}, {0x1E01, 0x1E95, 2, -1},
  {0x1E9B, 0x1E9B, 1, -59}, {0x1EA1, 0x1EFF, 2, -1}, {0x1F00, 0x1F07, 1, 8},
  {0x1F10, 0x1F15, 1, 8}, {0x1F20, 0x1F27, 1, 8}, {0x1F30, 0x1F37, 1, 8},
  {0x1F40, 0x1F45, 1, 8}, {0x1F51, 0x1F57, 2, 8}, {0x1F60, 0x1F67, 1, 8},
  {0x1F70, 0x1F71, 1, 74}, {0x1F72, 0x1F75, 1, 86}, {0x1F76, 0x1F77, 1, 100},
  {0x1F78, 0x1F79, 1, 128}, {0x1F7A, 0x1F7B, 1, 112},
  {0x1F7C, 0x1F7D, 1, 126}, {0x1FB0, 0x1FB1, 1, 8},
  {0x1FBE, 0x1FBE, 1, -7205}, {0x1FD0, 0x1FD1, 1, 8}, {0x1FE0, 0x1FE1, 1, 8},
  {0x1FE5, 0x1FE5, 1, 7}, {0x214E, 0x214E, 1, -28}, {0x2170, 0x217F, 1, -16},
  {0x2184, 0x2184, 1, -1}, {0x24D0, 0x24E9, 1, -26}, {0x2C30, 0x2C5F, 1, -48},
  {0x2C61, 0x2C61, 1, -1}, {0x2C65, 0x2C65, 1, -10795},
  {0x2C66, 0x2C66, 1, -10792}, {0x2C68, 0x2C6C, 2, -1},
  {0x2C73, 0x2C73, 1, -1}, {0x2C76, 0x2C76, 1, -1}, {0x2C81, 0x2CE3, 2, -1},
  {0x2CEC, 0x2CEE, 2, -1}, {0x2CF3, 0x2CF3, 1, -1},
  {0x2D00, 0x2D25, 1, -7264}, {0x2D27, 0x2D27, 1, -7264},
  {0x2D2D, 0x2D2D, 1, -7264}, {0xA641, 0xA66D, 2, -1},
  {0xA681, 0xA69B, 2, -1}, {0xA723, 0xA72F, 2, -1}, {0xA733, 0xA76F, 2, -1},
  {0xA77A, 0xA77C, 2, -1}, {0xA77F, 0xA787, 2, -1}, {0xA78C, 0xA78C, 1, -1},
  {0xA791, 0xA793, 2, -1}, {0xA794, 0xA794, 1, 48}, {0xA797, 0xA7A9, 2, -1},
  {0xA7B5, 0xA7C3, 2, -1}, {0xA7C8, 0xA7CA, 2, -1}, {0xA7D1, 0xA7D1, 1, -1},
  {0xA7D7, 0xA7D9, 2, -1}, {0xA7F6, 0xA7F6, 1, -1}, {0xAB53, 0xAB53, 1, -928},
  {0xAB70, 0xABBF, 1, -38864}, {0xFF41, 0xFF5A, 1, -32},
  {0x10428, 0x1044F, 1, -40}, {0x104D8, 0x104FB, 1, -40},
  {0x10597, 0x105A1, 1, -39}, {0x105A3, 0x105B1, 1, -39},
  {0x105B3, 0x105B9, 1, -39}, {0x105BB, 0x105BC, 1, -39},
  {0x10CC0, 0x10CF2, 1, -64}, {0x118C0, 0x118DF, 1, -32},
  {0x16E60, 0x16E7F, 1, -32}, {0x1E922, 0x1E943, 1, -34},
};
static const CaseRun lower_runs[181] = {
  {0x41, 0x5A, 1, 32}, {0xC0, 0xD6, 1, 32}, {0xD8, 0xDE, 1, 32},
  {0x100, 0x12E, 2, 1}, {0x132, 0x136, 2, 1}, {0x139, 0x147, 2, 1},
  {0x14A, 0x176, 2, 1}, {0x178, 0x178, 1, -121}, {0x179, 0x17D, 2, 1},
  {0x181, 0x181, 1, 210}, {0x182, 0x184, 2, 1}, {0x186, 0x186, 1, 206},
  {0x187, 0x187, 1, 1}, {0x189, 0x18A, 1, 205}, {0x18B, 0x18B, 1, 1},
  {0x18E, 0x18E, 1, 79}, {0x18F, 0x18F, 1, 202}, {0x190, 0x190, 1, 203},
  {0x191, 0x191, 1, 1}, {0x193, 0x193, 1, 205}, {0x194, 0x194, 1, 207},
  {0x196, 0x196, 1, 211}, {0x197, 0x197, 1, 209}, {0x198, 0x198, 1, 1},
  {0x19C, 0x19C, 1, 211}, {0x19D, 0x19D, 1, 213}, {0x19F, 0x19F, 1, 214},
  {0x1A0, 0x1A4, 2, 1}, {0x1A6, 0x1A6, 1, 218}, {0x1A7, 0x1A7, 1, 1},
  {0x1A9, 0x1A9, 1, 218}, {0x1AC, 0x1AC, 1, 1}, {0x1AE, 0x1AE, 1, 218},
  {0x1AF, 0x1AF, 1, 1}, {0x1B1, 0x1B2, 1, 217}, {0x1B3, 0x1B5, 2, 1},
  {0x1B7, 0x1B7, 1, 219}, {0x1B8, 0x1B8, 1, 1}, {0x1BC, 0x1BC, 1, 1},
  {0x1C4, 0x1C4, 1, 2}, {0x1C5, 0x1C5, 1, 1}, {0x1C7, 0x1C7, 1, 2},
  {0x1C8, 0x1C8, 1, 1}, {0x1CA, 0x1CA, 1, 2}, {0x1CB, 0x1DB, 2, 1},
  {0x1DE, 0x1EE, 2, 1}, {0x1F1, 0x1F1, 1, 2}, {0x1F2, 0x1F4, 2, 1},
  {0x1F6, 0x1F6, 1, -97}, {0x1F7, 0x1F7, 1, -56}, {0x1F8, 0x21E, 2, 1},
  {0x220, 0x220, 1, -130}, {0x222, 0x232, 2, 1}, {0x23A, 0x23A, 1, 10795},
  {0x23B, 0x23B, 1, 1}, {0x23D, 0x23D, 1, -163}, {0x23E, 0x23E, 1, 10792},
  {0x241, 0x241, 1, 1}, {0x243, 0x243, 1, -195}, {0x244, 0x244, 1, 69},
  {0x245, 0x245, 1, 71}, {0x246, 0x24E, 2, 1}, {0x370, 0x372, 2, 1},
  {0x376, 0x376, 1, 1}, {0x37F, 0x37F, 1, 116}, {0x386, 0x386, 1, 38},
  {0x388, 0x38A, 1, 37}, {0x38C, 0x38C, 1, 64}, {0x38E, 0x38F, 1, 63},
  {0x391, 0x3A1, 1, 32}, {0x3A3, 0x3AB, 1, 32}, {0x3CF, 0x3CF, 1, 8},
  {0x3D8, 0x3EE, 2, 1}, {0x3F4, 0x3F4, 1, -60}, {0x3F7, 0x3F7, 1, 1},
  {0x3F9, 0x3F9, 1, -7}, {0x3FA, 0x3FA, 1, 1}, {0x3FD, 0x3FF, 1, -130},
  {0x400, 0x40F, 1, 80}, {0x410, 0x42F, 1, 32}, {0x460, 0x480, 2, 1},
  {0x48A, 0x4BE, 2, 1}, {0x4C0, 0x4C0, 1, 15}, {0x4C1, 0x4CD, 2, 1},
  {0x4D0, 0x52E, 2, 1}, {0x531, 0x556, 1, 48}, {0x10A0, 0x10C5, 1, 7264},
  {0x10C7, 0x10C7, 1, 7264}, {0x10CD, 0x10CD, 1, 7264},
  {0x13A0, 0x13EF, 1, 38864}, {0x13F0, 0x13F5, 1, 8},
  {0x1C90, 0x1CBA, 1, -3008}, {0x1CBD, 0x1CBF, 1, -3008},
  {0x1E00, 0x1E94, 2, 1}, {0x1E9E, 0x1E9E, 1, -7615}, {0x1EA0, 0x1EFE, 2, 1},
  {0x1F08, 0x1F0F, 1, -8}, {0x1F18, 0x1F1D, 1, -8}, {0x1F28, 0x1F2F, 1, -8},
  {0x1F38, 0x1F3F, 1, -8}, {0x1F48, 0x1F4D, 1, -8}, {0x1F59, 0x1F5F, 2, -8},
  {0x1F68, 0x1F6F, 1, -8}, {0x1F88, 0x1F8F, 1, -8}, {0x1F98, 0x1F9F, 1, -8},
  {0x1FA8, 0x1FAF, 1, -8}, {0x1FB8, 0x1FB9, 1, -8}, {0x1FBA, 0x1FBB, 1, -74},
  {0x1FBC, 0x1FBC, 1, -9}, {0x1FC8, 0x1FCB, 1, -86}, {0x1FCC, 0x1FCC, 1, -9},
  {0x1FD8, 0x1FD9, 1, -8}, {0x1FDA, 0x1FDB, 1, -100}, {0x1FE8, 0x1FE9, 1, -8},
  {0x1FEA, 0x1FEB, 1, -112}, {0x1FEC, 0x1FEC, 1, -7},
  {0x1FF8, 0x1FF9, 1, -128}, {0x1FFA, 0x1FFB, 1, -126},
  {0x1FFC, 0x1FFC, 1, -9}, {0x2126, 0x2126, 1, -7517},
  {0x212A, 0x212A, 1, -8383}, {0x212B, 0x212B, 1, -8262},
  {0x2132, 0x2132, 1, 28}, {0x2160, 0x216F, 1, 16}, {0x2183, 0x2183, 1, 1},
  {0x24B6, 0x24CF, 1, 26}, {0x2C00, 0x2C2F, 1, 48}, {0x2C60, 0x2C60, 1, 1},
  {0x2C62, 0x2C62, 1, -10743}, {0x2C63, 0x2C63, 1, -3814},
  {0x2C64, 0x2C64, 1, -10727}, {0x2C67, 0x2C6B, 2, 1},
  {0x2C6D, 0x2C6D, 1, -10780}, {0x2C6E, 0x2C6E, 1, -10749},
  {0x2C6F, 0x2C6F, 1, -10783}, {0x2C70, 0x2C70, 1, -10782},
  {0x2C72, 0x2C72, 1, 1}, {0x2C75, 0x2C75, 1, 1}, {0x2C7E, 0x2C7F, 1, -10815},
  {0x2C80, 0x2CE2, 2, 1}, {0x2CEB, 0x2CED, 2, 1}, {0x2CF2, 0x2CF2, 1, 1},
  {0xA640, 0xA66C, 2, 1}, {0xA680, 0xA69A, 2, 1}, {0xA722, 0xA72E, 2, 1},
  {0xA732, 0xA76E, 2, 1}, {0xA779, 0xA77B, 2, 1}, {0xA77D, 0xA77D, 1, -35332},
  {0xA77E, 0xA786, 2, 1}, {0xA78B, 0xA78B, 1, 1}, {0xA78D, 0xA78D, 1, -42280},
  {0xA790, 0xA792, 2, 1}, {0xA796, 0xA7A8, 2, 1}, {0xA7AA, 0xA7AA, 1, -42308},
  {0xA7AB, 0xA7AB, 1, -42319}, {0xA7AC, 0xA7AC, 1, -42315},
  {0xA7AD, 0xA7AD, 1, -42305}, {0xA7AE, 0xA7AE, 1, -42308},
  {0xA7B0, 0xA7B0, 1, -42258}, {0xA7B1, 0xA7B1, 1, -42282},
  {0xA7B2, 0xA7B2, 1, -42261}, {0xA7B3, 0xA7B3, 1, 928},
  {0xA7B4, 0xA7C2, 2, 1}, {0xA7C4, 0xA7C4, 1, -48},
  {0xA7C5, 0xA7C5, 1, -42307}, {0xA7C6, 0xA7C6, 1, -35384},
  {0xA7C7, 0xA7C9, 2, 1}, {0xA7D0, 0xA7D0, 1, 1}, {0xA7D6, 0xA7D8, 2, 1},
  {0xA7F5, 0xA7F5, 1, 1}, {0xFF21, 0xFF3A, 1, 32}, {0x10400, 0x10427, 1, 40},
  {0x104B0, 0x104D3, 1, 40}, {0x10570, 0x1057A, 1, 39},
  {0x1057C, 0x1058A, 1, 39}, {0x1058C, 0x10592, 1, 39},
  {0x10594, 0x10595, 1, 39}, {0x10C80, 0x10CB2, 1, 64},
  {0x118A0, 0x118BF, 1, 32}, {0x16E40, 0x16E5F, 1, 32},
  {0x1E900, 0x1E921, 1, 34},
};
static const CaseSpecial upper_special[102] = {
  {0xDF, {0x53, 0x53, 0x0}}, {0x149, {0x2BC, 0x4E, 0x0}},
  {0x1F0, {0x4A, 0x30C, 0x0}}, {0x390, {0x399, 0x308, 0x301}},
  {0x3B0, {0x3A5, 0x308, 0x301}}, {0x587, {0x535, 0x552, 0x0}},
  {0x1E96, {0x48, 0x331, 0x0}}, {0x1E97, {0x54, 0x308, 0x0}},
  {0x1E98, {0x57, 0x30A, 0x0}}, {0x1E99, {0x59, 0x30A, 0x0}},
  {0x1E9A, {0x41, 0x2BE, 0x0}}, {0x1F50, {0x3A5, 0x313, 0x0}},
  {0x1F52, {0x3A5, 0x313, 0x300}}, {0x1F54, {0x3A5, 0x313, 0x301}},
  {0x1F56, {0x3A5, 0x313, 0x342}}, {0x1F80, {0x1F08, 0x399, 0x0}},
  {0x1F81, {0x1F09, 0x399, 0x0}}, {0x1F82, {0x1F0A, 0x399, 0x0}},
  {0x1F83, {0x1F0B, 0x399, 0x0}}, {0x1F84, {0x1F0C, 0x399, 0x0}},
  {0x1F85, {0x1F0D, 0x399, 0x0}}, {0x1F86, {0x1F0E, 0x399, 0x0}},
  {0x1F87, {0x1F0F, 0x399, 0x0}}, {0x1F88, {0x1F08, 0x399, 0x0}},
  {0x1F89, {0x1F09, 0x399, 0x0}}, {0x1F8A, {0x1F0A, 0x399, 0x0}},
  {0x1F8B, {0x1F0B, 0x399, 0x0}}, {0x1F8C, {0x1F0C, 0x399, 0x0}},
  {0x1F8D, {0x1F0D, 0x399, 0x0}}, {0x1F8E, {0x1F0E, 0x399, 0x0}},
  {0x1F8F, {0x1F0F, 0x399, 0x0}}, {0x1F90, {0x1F28, 0x399, 0x0}},
  {0x1F91, {0x1F29, 0x399, 0x0}}, {0x1F92, {0x1F2A, 0x399, 0x0}},
  {0x1F93, {0x1F2B, 0x399, 0x0}}, {0x1F94, {0x1F2C, 0x399, 0x0}},
  {0x1F95, {0x1F2D, 0x399, 0x0}}, {0x1F96, {0x1F2E, 0x399, 0x0}},
  {0x1F97, {0x1F2F, 0x399, 0x0}}, {0x1F98, {0x1F28, 0x399, 0x0}},
  {0x1F99, {0x1F29, 0x399, 0x0}}, {0x1F9A, {0x1F2A, 0x399, 0x0}},
  {0x1F9B, {0x1F2B, 0x399, 0x0}}, {0x1F9C, {0x1F2C, 0x399, 0x0}},
  {0x1F9D, {0x1F2D, 0x399, 0x0}}, {0x1F9E, {0x1F2E, 0x399, 0x0}},
  {0x1F9F, {0x1F2F, 0x399, 0x0}}, {0x1FA0, {0x1F68, 0x399, 0x0}},
  {0x1FA1, {0x1F69, 0x399, 0x0}}, {0x1FA2, {0x1F6A, 0x399, 0x0}},
  {0x1FA3, {0x1F6B, 0x399, 0x0}}, {0x1FA4, {0x1F6C, 0x399, 0x0}},
  {0x1FA5, {0x1F6D, 0x399, 0x0}}, {0x1FA6, {0x1F6E, 0x399, 0x0}},
  {0x1FA7, {0x1F6F, 0x399, 0x0}}, {0x1FA8, {0x1F68, 0x399, 0x0}},
  {0x1FA9, {0x1F69, 0x399, 0x0}}, {0x1FAA, {0x1F6A, 0x399, 0x0}},
  {0x1FAB, {0x1F6B, 0x399, 0x0}}, {0x1FAC, {0x1F6C, 0x399, 0x0}},
  {0x1FAD, {0x1F6D, 0x399, 0x0}}, {0x1FAE, {0x1F6E, 0x399, 0x0}},
  {0x1FAF, {0x1F6F, 0x399, 0x0}}, {0x1FB2, {0x1FBA, 0x399, 0x0}},
  {0x1FB3, {0x391, 0x399, 0x0}}, {0x1FB4, {0x386, 0x399, 0x0}},
  {0x1FB6, {0x391, 0x342, 0x0}}, {0x1FB7, {0x391, 0x342, 0x399}},
  {0x1FBC, {0x391, 0x399, 0x0}}, {0x1FC2, {0x1FCA, 0x399, 0x0}},
  {0x1FC3, {0x397, 0x399, 0x0}}, {0x1FC4, {0x389, 0x399, 0x0}},
  {0x1FC6, {0x397, 0x342, 0x0}}, {0x1FC7, {0x397, 0x342, 0x399}},
  {0x1FCC, {0x397, 0x399, 0x0}}, {0x1FD2, {0x399, 0x308, 0x300}},
  {0x1FD3, {0x399, 0x308, 0x301}}, {0x1FD6, {0x399, 0x342, 0x0}},
  {0x1FD7, {0x399, 0x308, 0x342}}, {0x1FE2, {0x3A5, 0x308, 0x300}},
  {0x1FE3, {0x3A5, 0x308, 0x301}}, {0x1FE4, {0x3A1, 0x313, 0x0}},
  {0x1FE6, {0x3A5, 0x342, 0x0}}, {0x1FE7, {0x3A5, 0x308, 0x342}},
  {0x1FF2, {0x1FFA, 0x399, 0x0}}, {0x1FF3, {0x3A9, 0x399, 0x0}},
  {0x1FF4, {0x38F, 0x399, 0x0}}, {0x1FF6, {0x3A9, 0x342, 0x0}},
  {0x1FF7, {0x3A9, 0x342, 0x399}}, {0x1FFC, {0x3A9, 0x399, 0x0}},
  {0xFB00, {0x46, 0x46, 0x0}}, {0xFB01, {0x46, 0x49, 0x0}},
  {0xFB02, {0x46, 0x4C, 0x0}}, {0xFB03, {0x46, 0x46, 0x49}},
  {0xFB04, {0x46, 0x46, 0x4C}}, {0xFB05, {0x53, 0x54, 0x0}},
  {0xFB06, {0x53, 0x54, 0x0}}, {0xFB13, {0x544, 0x546, 0x0}},
  {0xFB14, {0x544, 0x535, 0x0}}, {0xFB15, {0x544, 0x53B, 0x0}},
  {0xFB16, {0x54E, 0x546, 0x0}}, {0xFB17, {0x544, 0x53D, 0x0}},
};
static const CaseSpecial lower_special[1] = {
  {0x130, {0x69, 0x307, 0x0}},
};

static uint32_t map_runs(const CaseRun *t, size_t n, uint32_t cp) {
  size_t lo = 0, hi = n;
  while (lo < hi) { /* first run with t[i].lo > cp */
    size_t mid = (lo + hi) / 2;
    if (t[mid].lo <= cp)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == 0)
    return cp;
  const CaseRun *r = &t[lo - 1];
  if (cp <= r->hi && (cp - r->lo) % (uint32_t)r->stride == 0)
    return (uint32_t)((int32_t)cp + r->delta);
  return cp;
}

static const CaseSpecial *find_special(const CaseSpecial *t, size_t n,
                                       uint32_t cp) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (t[mid].cp < cp)
      lo = mid + 1;
    else if (t[mid].cp > cp)
      hi = mid;
    else
      return &t[mid];
  }
  return NULL;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static uint32_t simple_upper(uint32_t c) {
  return map_runs(upper_runs, COUNT(upper_runs), c);
}
static uint32_t simple_lower(uint32_t c) {
  return map_runs(lower_runs, COUNT(lower_runs), c);
}

/* Final sigma (approximation of Unicode's Final_Sigma context). */
static bool is_cased(uint32_t c) {
  return simple_upper(c) != c || simple_lower(c) != c ||
         find_special(upper_special, COUNT(upper_special), c) ||
         find_special(lower_special, COUNT(lower_special), c);
}

static bool is_case_ignorable(uint32_t c) {
  switch (c) {
  case '\'': case '.': case ':': case '^': case '`':
  case 0xA8: case 0xAD: case 0xAF: case 0xB4: case 0xB7: case 0xB8:
  case 0x2018: case 0x2019: case 0x2024: case 0x2027:
    return true;
  default:
    return (c >= 0x300 && c <= 0x36F) || (c >= 0x2B0 && c <= 0x2FF) ||
           (c >= 0x200B && c <= 0x200F);
  }
}

/* Is the Σ at p[i..i+2) at the end of a word? */
static bool final_sigma(const unsigned char *p, int64_t n, int64_t i) {
  bool before = false;
  for (int64_t j = i; j > 0;) {
    j = prev_start(p, j);
    int len;
    uint32_t c = decode(p + j, n - j, &len);
    if (is_case_ignorable(c))
      continue;
    before = is_cased(c);
    break;
  }
  if (!before)
    return false;
  for (int64_t j = i + 2; j < n;) {
    int len;
    uint32_t c = decode(p + j, n - j, &len);
    j += len;
    if (is_case_ignorable(c))
      continue;
    return !is_cased(c);
  }
  return true;
}

/* Eight ASCII bytes at a time (SWAR): a byte's high bit in the result
 * is set when the byte is a letter of the case being mapped away (the
 * additions cannot carry across bytes below 0x80). */
#define ONES8 0x0101010101010101ull
static inline uint64_t case_letters8(uint64_t w, bool upper) {
  unsigned char lo = upper ? 'a' : 'A', hi = upper ? 'z' : 'Z';
  uint64_t ge_lo = w + ONES8 * (0x80u - lo);
  uint64_t gt_hi = w + ONES8 * (0x80u - hi - 1);
  return ge_lo & ~gt_hi & ONES8 * 0x80;
}

static GjStr *map_case(const GjStr *s, bool upper) {
  const unsigned char *p = bytes(s);
  int64_t n = s->len;
  /* unchanged ASCII prefix: nothing to do when it is everything */
  int64_t i = 0;
  for (uint64_t w; i + 8 <= n; i += 8) {
    memcpy(&w, p + i, 8);
    if ((w & ONES8 * 0x80) || case_letters8(w, upper))
      break;
  }
  for (; i < n && p[i] < 0x80; i++)
    if (upper ? (p[i] >= 'a' && p[i] <= 'z') : (p[i] >= 'A' && p[i] <= 'Z'))
      break;
  if (i == n)
    return n ? share(s) : &gj_rt_empty_str;
  /* All ASCII from here (the common case): the result has s's length and
   * each byte maps on its own. */
  uint64_t any_high = 0;
  int64_t j = i;
  for (uint64_t w; j + 8 <= n; j += 8) {
    memcpy(&w, p + j, 8);
    any_high |= w;
  }
  for (; j < n; j++)
    any_high |= p[j];
  if (!(any_high & ONES8 * 0x80)) {
    char *out;
    GjStr *r = new_exact(n, &out);
    memcpy(out, p, (size_t)i);
    for (uint64_t w; i + 8 <= n; i += 8) {
      memcpy(&w, p + i, 8);
      w ^= case_letters8(w, upper) >> 2; /* 0x80 >> 2 is the case bit */
      memcpy(out + i, &w, 8);
    }
    for (; i < n; i++) {
      unsigned char c = p[i];
      bool letter = upper ? (c >= 'a' && c <= 'z') : (c >= 'A' && c <= 'Z');
      out[i] = (char)(letter ? c ^ 0x20 : c);
    }
    return r;
  }
  Out o;
  out_init(&o, n);
  out_bytes(&o, p, i);
  while (i < n) {
    uint32_t c = p[i];
    if (c < 0x80) {
      if (upper ? (c >= 'a' && c <= 'z') : (c >= 'A' && c <= 'Z'))
        c ^= 0x20;
      if (o.n == (int)sizeof o.tmp)
        out_flush(&o);
      o.tmp[o.n++] = (char)c;
      i++;
      continue;
    }
    int len;
    c = decode(p + i, n - i, &len);
    const CaseSpecial *sp =
        upper ? find_special(upper_special, COUNT(upper_special), c)
              : find_special(lower_special, COUNT(lower_special), c);
    if (sp) {
      for (int k = 0; k < 3 && sp->to[k]; k++)
        out_char(&o, sp->to[k]);
    } else if (!upper && c == 0x3A3 && final_sigma(p, n, i)) {
      out_char(&o, 0x3C2);
    } else {
      out_char(&o, upper ? simple_upper(c) : simple_lower(c));
    }
    i += len;
  }
  return out_done(&o);
}

GjStr *gj_str_upper(const GjStr *s) { return map_case(s, true); }
GjStr *gj_str_lower(const GjStr *s) { return map_case(s, false); }

/* ---- whitespace and trimming ---------------------------------------------- */

static bool is_space(uint32_t c) {
  if (c < 0x80)
    return c == ' ' || (c >= 0x09 && c <= 0x0D);
  switch (c) {
  case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
  case 0x202F: case 0x205F: case 0x3000:
    return true;
  default:
    return c >= 0x2000 && c <= 0x200A;
  }
}

static int64_t skip_space(const GjStr *s, int64_t i) {
  const unsigned char *p = bytes(s);
  while (i < s->len) {
    int len;
    if (!is_space(decode(p + i, s->len - i, &len)))
      break;
    i += len;
  }
  return i;
}

static int64_t skip_space_back(const GjStr *s, int64_t end) {
  const unsigned char *p = bytes(s);
  while (end > 0) {
    int64_t j = prev_start(p, end);
    int len;
    if (!is_space(decode(p + j, end - j, &len)))
      break;
    end = j;
  }
  return end;
}

GjStr *gj_str_trim(const GjStr *s) {
  int64_t a = skip_space(s, 0);
  int64_t b = a == s->len ? a : skip_space_back(s, s->len);
  return gj_rt_str_piece(s, a, b);
}

GjStr *gj_str_trim_start(const GjStr *s) {
  return gj_rt_str_piece(s, skip_space(s, 0), s->len);
}

GjStr *gj_str_trim_end(const GjStr *s) {
  return gj_rt_str_piece(s, 0, skip_space_back(s, s->len));
}

/* ---- building ------------------------------------------------------------- */

GjStr *gj_str_repeat(const GjStr *s, int64_t n, const GjLoc *loc) {
  if (n < 0)
    panic_nums("repeat count must not be negative: ", n, NULL, 0, NULL, 0,
               NULL, loc);
  if (n == 0 || s->len == 0)
    return &gj_rt_empty_str;
  if (n == 1)
    return share(s);
  if (n > STR_MAX_LEN / s->len)
    gj_rt_fatal("string too large");
  char *buf;
  int64_t total = s->len * n;
  GjStr *r = new_exact(total, &buf);
  memcpy(buf, s->ptr, (size_t)s->len);
  for (int64_t done = s->len; done < total;) {
    int64_t k = done < total - done ? done : total - done;
    memcpy(buf + done, buf, (size_t)k);
    done += k;
  }
  return r;
}

GjStr *gj_str_reverse(const GjStr *s) {
  int64_t n = s->len;
  if (n == 0)
    return &gj_rt_empty_str;
  const unsigned char *p = bytes(s);
  char *buf;
  GjStr *r = new_exact(n, &buf);
  for (int64_t i = 0; i < n;) {
    uint64_t w;
    if (i + 8 <= n && (memcpy(&w, p + i, 8), !(w & 0x8080808080808080u))) {
      w = __builtin_bswap64(w); /* eight ASCII bytes at once */
      memcpy(buf + (n - i - 8), &w, 8);
      i += 8;
      continue;
    }
    int len = 1;
    if (p[i] >= 0x80)
      decode(p + i, n - i, &len);
    memcpy(buf + (n - i - len), p + i, (size_t)len);
    i += len;
  }
  return r;
}

/* The byte offset of the first t in s at or after `from`, or -1. */
static int64_t search(const GjStr *s, int64_t from, const GjStr *t) {
  if (t->len > s->len - from)
    return -1;
  if (t->len == 0)
    return from;
  const char *hit = memmem(s->ptr + from, (size_t)(s->len - from), t->ptr,
                           (size_t)t->len);
  return hit ? hit - s->ptr : -1;
}

/* Python's str.replace: every non-overlapping `from`, left to right; an
 * empty `from` matches before every scalar and at the end. */
GjStr *gj_str_replace_str(const GjStr *s, const GjStr *from,
                          const GjStr *to) {
  const unsigned char *p = bytes(s);
  int64_t n = s->len;
  Out o;
  if (from->len == 0) {
    out_init(&o, n + (n + 1) * to->len);
    for (int64_t i = 0; i < n;) {
      int len = 1;
      if (p[i] >= 0x80)
        decode(p + i, n - i, &len);
      out_bytes(&o, to->ptr, to->len);
      out_bytes(&o, p + i, len);
      i += len;
    }
    out_bytes(&o, to->ptr, to->len);
    GjStr *r = out_done(&o);
    if (r->len == 0) {
      gj_dec(r);
      return &gj_rt_empty_str;
    }
    return r;
  }
  int64_t at = search(s, 0, from);
  if (at < 0)
    return n ? share(s) : &gj_rt_empty_str;
  out_init(&o, n);
  int64_t i = 0;
  while (at >= 0) {
    out_bytes(&o, p + i, at - i);
    out_bytes(&o, to->ptr, to->len);
    i = at + from->len;
    at = search(s, i, from);
  }
  out_bytes(&o, p + i, n - i);
  GjStr *r = out_done(&o);
  if (r->len == 0) {
    gj_dec(r);
    return &gj_rt_empty_str;
  }
  return r;
}

static GjStr *pad(const GjStr *s, int64_t width, uint32_t ch, bool left) {
  int64_t have = count_scalars(bytes(s), s->len);
  if (have >= width)
    return s->len ? share(s) : &gj_rt_empty_str;
  char c[4];
  int k = gj_rt_fmt_char(ch, c);
  int64_t m = width - have;
  if (m > (STR_MAX_LEN - s->len) / k)
    gj_rt_fatal("string too large");
  char *buf;
  GjStr *r = new_exact(s->len + m * k, &buf);
  char *fill = left ? buf : buf + s->len;
  for (int64_t i = 0; i < m; i++)
    memcpy(fill + i * k, c, (size_t)k);
  if (s->len)
    memcpy(left ? buf + m * k : buf, s->ptr, (size_t)s->len);
  return r;
}

GjStr *gj_str_pad_left(const GjStr *s, int64_t width, uint32_t ch) {
  return pad(s, width, ch, true);
}

GjStr *gj_str_pad_right(const GjStr *s, int64_t width, uint32_t ch) {
  return pad(s, width, ch, false);
}

GjStr *gj_str_slice(const GjStr *s, int64_t a, int64_t b, const GjLoc *loc) {
  if (a < 0 || a > b || b > s->len)
    panic_nums("slice out of range: ", a, "..", b, " (length ", s->len, ")",
               loc);
  if (!is_boundary(s, a))
    panic_boundary(s, a, loc);
  if (!is_boundary(s, b))
    panic_boundary(s, b, loc);
  return gj_rt_str_slice_shared(s, a, b);
}

GjStr *gj_str_from_char_list(const GjList *chars) {
  if (gj_list_elem_type(chars)->size != sizeof(uint32_t))
    gj_rt_fatal("gj_str_from_char_list: not a List[Char]");
  int64_t total = gj_list_len(chars);
  if (total == 0)
    return &gj_rt_empty_str;
  Out o;
  out_init(&o, total);
  for (int64_t i = 0; i < total;) {
    int64_t k;
    const uint32_t *p = gj_list_chunk(chars, i, &k);
    for (int64_t j = 0; j < k; j++)
      out_char(&o, p[j]);
    i += k;
  }
  return out_done(&o);
}

/* ---- queries --------------------------------------------------------------- */

int64_t gj_str_char_count(const GjStr *s) {
  return count_scalars(bytes(s), s->len);
}

bool gj_str_contains(const GjStr *s, const GjStr *t) {
  return search(s, 0, t) >= 0;
}

bool gj_str_starts_with(const GjStr *s, const GjStr *t) {
  return t->len <= s->len &&
         (t->len == 0 || memcmp(s->ptr, t->ptr, (size_t)t->len) == 0);
}

bool gj_str_ends_with(const GjStr *s, const GjStr *t) {
  return t->len <= s->len &&
         (t->len == 0 ||
          memcmp(s->ptr + (s->len - t->len), t->ptr, (size_t)t->len) == 0);
}

int64_t gj_str_find(const GjStr *s, const GjStr *t) {
  return search(s, 0, t);
}

int64_t gj_str_count(const GjStr *s, const GjStr *t) {
  if (t->len == 0)
    return gj_str_char_count(s) + 1;
  int64_t c = 0;
  for (int64_t at = search(s, 0, t); at >= 0; at = search(s, at + t->len, t))
    c++;
  return c;
}

int64_t gj_str_byte_at(const GjStr *s, int64_t i, const GjLoc *loc) {
  if (i < 0 || i >= s->len)
    panic_nums("index out of range: ", i, " (length ", s->len, NULL, 0, ")",
               loc);
  return bytes(s)[i];
}

/* ---- parsing ---------------------------------------------------------------- */

/* Rust's i64 FromStr: an optional sign, then one or more ASCII digits;
 * nothing else, and the value must fit. */
static bool parse_i64(const GjStr *s, int64_t *out) {
  const unsigned char *p = bytes(s);
  int64_t n = s->len, i = 0;
  bool neg = false;
  if (n > 0 && (p[0] == '+' || p[0] == '-')) {
    neg = p[0] == '-';
    i = 1;
  }
  if (i == n)
    return false;
  uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
  for (; i < n; i++) {
    unsigned d = p[i] - '0';
    if (d > 9 || v > (lim - d) / 10)
      return false;
    v = v * 10 + d;
  }
  *out = neg ? (int64_t)(0 - v) : (int64_t)v;
  return true;
}

bool gj_str_is_int(const GjStr *s) {
  int64_t v;
  return parse_i64(s, &v);
}

int64_t gj_str_parse_int(const GjStr *s) {
  int64_t v = 0;
  return parse_i64(s, &v) ? v : 0;
}

static bool ieq(const unsigned char *p, int64_t n, const char *word) {
  int64_t k = (int64_t)strlen(word);
  if (n != k)
    return false;
  for (int64_t i = 0; i < k; i++)
    if ((p[i] | 0x20) != (unsigned char)word[i])
      return false;
  return true;
}

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static void make_c_locale(void) {
  c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

/* Rust's f64 FromStr: [+-]? (inf | infinity | nan | Number), the words
 * in any case; Number = (Digits | Digits '.' Digits? | '.' Digits)
 * ([eE] [+-]? Digits)?. Correctly rounded (strtod in the C locale). */
static bool parse_f64(const GjStr *s, double *out) {
  const unsigned char *p = bytes(s);
  int64_t n = s->len, i = 0;
  bool neg = false;
  if (n > 0 && (p[0] == '+' || p[0] == '-')) {
    neg = p[0] == '-';
    i = 1;
  }
  if (ieq(p + i, n - i, "inf") || ieq(p + i, n - i, "infinity")) {
    *out = neg ? -INFINITY : INFINITY;
    return true;
  }
  if (ieq(p + i, n - i, "nan")) {
    *out = neg ? -NAN : NAN;
    return true;
  }
  int64_t j = i, digits = 0;
  while (j < n && p[j] >= '0' && p[j] <= '9')
    j++, digits++;
  if (j < n && p[j] == '.') {
    j++;
    while (j < n && p[j] >= '0' && p[j] <= '9')
      j++, digits++;
  }
  if (digits == 0)
    return false;
  if (j < n && (p[j] == 'e' || p[j] == 'E')) {
    j++;
    if (j < n && (p[j] == '+' || p[j] == '-'))
      j++;
    int64_t e = j;
    while (j < n && p[j] >= '0' && p[j] <= '9')
      j++;
    if (j == e)
      return false;
  }
  if (j != n)
    return false;
  char small[128];
  char *buf = n < (int64_t)sizeof small ? small : malloc((size_t)n + 1);
  if (!buf)
    gj_rt_fatal("out of memory");
  memcpy(buf, p, (size_t)n);
  buf[n] = 0;
  pthread_once(&c_locale_once, make_c_locale);
  double v = c_locale ? strtod_l(buf, NULL, c_locale) : strtod(buf, NULL);
  if (buf != small)
    free(buf);
  *out = v;
  return true;
}

bool gj_str_is_float(const GjStr *s) {
  double v;
  return parse_f64(s, &v);
}

double gj_str_parse_float(const GjStr *s) {
  double v = 0.0;
  return parse_f64(s, &v) ? v : 0.0;
}

/* ---- lists -------------------------------------------------------------------- */

static GjList *push_str(GjList *l, GjStr *s) { return gj_list_push(l, &s); }

/* Python's str.split(sep): "a,,b" -> ["a", "", "b"], "" -> [""]. */
GjList *gj_str_split(const GjStr *s, const GjStr *sep, const GjLoc *loc) {
  if (sep->len == 0)
    gj_panic_cstr("empty separator", loc);
  GjList *l = gj_list_new(&gj_type_str);
  int64_t i = 0;
  for (int64_t at = search(s, 0, sep); at >= 0; at = search(s, i, sep)) {
    l = push_str(l, gj_rt_str_piece(s, i, at));
    i = at + sep->len;
  }
  return push_str(l, gj_rt_str_piece(s, i, s->len));
}

/* Python's str.split(): runs of whitespace separate, none at the ends. */
GjList *gj_str_split_whitespace(const GjStr *s) {
  GjList *l = gj_list_new(&gj_type_str);
  const unsigned char *p = bytes(s);
  int64_t i = skip_space(s, 0);
  while (i < s->len) {
    int64_t start = i;
    while (i < s->len) {
      int len;
      if (is_space(decode(p + i, s->len - i, &len)))
        break;
      i += len;
    }
    l = push_str(l, gj_rt_str_piece(s, start, i));
    i = skip_space(s, i);
  }
  return l;
}

/* Rust's str::lines: split at "\n" (a "\r" before it goes too); no empty
 * last line after a final newline; "" -> []. */
GjList *gj_str_lines(const GjStr *s) {
  GjList *l = gj_list_new(&gj_type_str);
  const unsigned char *p = bytes(s);
  int64_t i = 0, n = s->len;
  while (i < n) {
    const unsigned char *nl = memchr(p + i, '\n', (size_t)(n - i));
    int64_t end = nl ? nl - p : n;
    int64_t stop = end;
    if (nl && stop > i && p[stop - 1] == '\r')
      stop--;
    l = push_str(l, gj_rt_str_piece(s, i, stop));
    i = end + 1;
  }
  return l;
}

GjList *gj_str_chars(const GjStr *s) {
  const unsigned char *p = bytes(s);
  int64_t n = s->len;
  GjList *l = gj_list_with_cap(&gj_type_char, n);
  for (int64_t i = 0; i < n;) {
    int len;
    uint32_t c = decode(p + i, n - i, &len);
    l = gj_list_push(l, &c);
    i += len;
  }
  return l;
}

GjList *gj_str_bytes(const GjStr *s) {
  const unsigned char *p = bytes(s);
  GjList *l = gj_list_with_cap(&gj_type_int, s->len);
  for (int64_t i = 0; i < s->len; i++) {
    int64_t b = p[i];
    l = gj_list_push(l, &b);
  }
  return l;
}

/* ---- the text module (§18) ------------------------------------------------ */

/* text.translate(s, from, to): each scalar of s that is the i-th scalar of
 * `from` becomes the i-th scalar of `to` (Perl's tr///, Python's
 * str.translate); of a scalar given twice in `from`, the first counts.
 * When both are ASCII a 256-entry table maps bytes (UTF-8 continuation
 * and lead bytes are >= 0x80, so they pass unchanged), in place when s
 * is uniquely owned and flat. Consumes s. */
static GjStr *translate(const GjStr *s, const GjStr *from, const GjStr *to,
                        const GjLoc *loc, bool in_place);

GjStr *gj_text_translate(GjStr *s, const GjStr *from, const GjStr *to,
                         const GjLoc *loc) {
  bool in_place = s->h.rc == 1 && s->owner == NULL &&
                  s->ptr == (const char *)(s + 1);
  GjStr *r = translate(s, from, to, loc, in_place);
  if (r != s)
    gj_dec(s);
  return r;
}

static GjStr *translate(const GjStr *s, const GjStr *from, const GjStr *to,
                        const GjLoc *loc, bool in_place) {
  int64_t nf = gj_str_char_count(from), nt = gj_str_char_count(to);
  if (nf != nt)
    panic_nums("text.translate: 'from' has ", nf, " characters but 'to' has ",
               nt, NULL, 0, " (they pair up one to one)", loc);
  bool ascii = true;
  for (int64_t i = 0; i < from->len; i++)
    ascii &= bytes(from)[i] < 0x80;
  for (int64_t i = 0; i < to->len; i++)
    ascii &= bytes(to)[i] < 0x80;
  if (s->len == 0)
    return &gj_rt_empty_str;
  const unsigned char *p = bytes(s);
  if (ascii) {
    unsigned char map[256];
    for (int i = 0; i < 256; i++)
      map[i] = (unsigned char)i;
    for (int64_t i = from->len; i-- > 0;) /* the first of duplicates wins */
      map[bytes(from)[i]] = bytes(to)[i];
    char *buf;
    GjStr *r = in_place ? (GjStr *)s : new_exact(s->len, &buf);
    if (in_place)
      buf = (char *)(s + 1);
    for (int64_t i = 0; i < s->len; i++)
      buf[i] = (char)map[p[i]];
    return r;
  }
  Out o;
  out_init(&o, s->len);
  for (int64_t i = 0; i < s->len;) {
    int len;
    uint32_t c = decode(p + i, s->len - i, &len);
    const unsigned char *f = bytes(from), *t = bytes(to);
    int64_t fi = 0, ti = 0;
    while (fi < from->len) {
      int fl, tl;
      uint32_t fc = decode(f + fi, from->len - fi, &fl);
      uint32_t tc = decode(t + ti, to->len - ti, &tl);
      if (fc == c) {
        c = tc;
        break;
      }
      fi += fl;
      ti += tl;
    }
    out_char(&o, c);
    i += len;
  }
  return out_done(&o);
}
