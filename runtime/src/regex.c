/* regex.c — Regex and Match (§14) on PCRE2 (8-bit code units, UTF mode)
 * with its JIT.
 *
 * A GjRegex holds the compiled pcre2_code (JIT-compiled when the JIT is
 * available, else PCRE2 interprets it), its pattern Str, the flags, the
 * capture count and PCRE2's name table. Matching only reads the code, so
 * one Regex serves any number of threads at once. Everything a match
 * writes — the match data (ovector, and the interpreter's backtracking
 * frames), the match context with the limits, the JIT stack — is
 * per-thread state made on the thread's first match and reused after:
 * a match allocates nothing. Guji tasks change threads only at blocking
 * points; the one place a task can block between two matches is the
 * closure of replace_with, so the state is looked up afresh on every match
 * (state(), never inlined, so its TLS address is not cached across the
 * call) and nothing of one match's ovector is used after the closure ran.
 *
 * A literal (`/pat/flags`) is compiled on first use into an immortal
 * object (rc 0, one malloc with its pattern Str, never freed) published in
 * the literal's slot; regex(s) makes a counted one (rc 1) freed by gj_dec.
 * A GjMatch copies the ovector (int64 pairs, -1 for a group that took no
 * part) inline after its header and keeps its subject and its regex.
 *
 * Iteration (match_all, replace, split, count, replace_with) is Perl's and
 * Python 3.7's: after an empty match at p the search goes on from p with
 * PCRE2_NOTEMPTY_ATSTART, so the next match is the leftmost one that is
 * not empty at p — a non-empty one at p, or any one from the next
 * character on (PCRE2 advances by characters in UTF mode). That is the
 * result of pcre2demo's "anchored non-empty retry at p, else advance one
 * character", in one call that the JIT runs (the JIT cannot run
 * PCRE2_ANCHORED given at match time).
 */
#include "rt_internal.h"

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(GJ_RE_PCRE2_OPTIONS ==
                   (PCRE2_UTF | PCRE2_UCP | PCRE2_NEVER_BACKSLASH_C),
               "gujirt.h's GJ_RE_PCRE2_OPTIONS must match pcre2.h");

/* The limits of one match (§14): past them it panics instead of hanging.
 * The JIT stops at its stack's maximum; the interpreter at the depth and
 * heap limits (KiB of backtracking frames). */
enum {
  MATCH_LIMIT = 10000000,
  DEPTH_LIMIT = 10000000,
  HEAP_LIMIT_KIB = 256 * 1024,
  JIT_STACK_MIN = 32 * 1024,
  JIT_STACK_MAX = 8 * 1024 * 1024,
  MATCH_DATA_PAIRS = 16, /* a thread's first match data: groups 0..15 */
};

struct GjRegex {
  GjHeader h;
  pcre2_code *code;
  GjStr *pattern;  /* one reference (a literal's: immortal, inside it) */
  int64_t flags;   /* GJ_RE_* */
  uint32_t groups; /* capture groups, group 0 not counted */
  uint32_t names;  /* name table entries */
  uint32_t
      name_size; /* bytes per entry: group number (2, big-endian), name, NUL */
  const unsigned char *name_table; /* inside code */
  bool jit;                        /* JIT-compiled: pcre2_jit_match */
  bool run;                        /* a class run: matched by `set` */
  bool nib;                        /* set also as nibble tables (below) */
  bool set[256];                   /* a class run's bytes */
  uint8_t nib_lo[16], nib_hi[16];  /* b in set iff lo[b & 15] & hi[b >> 4] */
};

/* A literal: the regex, its pattern Str and the pattern's bytes. */
typedef struct LitRegex {
  GjRegex re;
  GjStr pat;
  struct LitRegex *next; /* all_literals */
  char bytes[];
} LitRegex;

/* Every published literal, so they stay reachable from a static of the
 * runtime even when their slots are in JIT memory (LeakSanitizer scans
 * globals, not JIT-allocated data). Literals live until the process ends. */
static LitRegex *all_literals;

struct GjMatch {
  GjHeader h;
  GjStr *subject; /* one reference each */
  GjRegex *re;
  GjStr *text;   /* text()'s short result, refilled (see there), or NULL */
  int64_t pairs; /* groups + 1 */
  int64_t ov[];  /* start and end of each group, -1 when unset */
};

static size_t match_size(int64_t pairs) {
  return sizeof(GjMatch) + (size_t)pairs * 2 * sizeof(int64_t);
}

static GjStr *share(const GjStr *s) {
  gj_inc((GjStr *)s);
  return (GjStr *)s;
}

/* s's bytes; never NULL (an empty Str's ptr may be). */
static const char *bytes_of(const GjStr *s) { return s->ptr ? s->ptr : ""; }

static GjStr *append_cstr(GjStr *buf, const char *c) {
  return gj_rt_str_append_bytes(buf, c, (int64_t)strlen(c));
}

/* ---- per-thread match state ------------------------------------------------
 */

typedef struct MatchState {
  pcre2_match_data *md;
  uint32_t pairs; /* md's ovector pairs */
  pcre2_match_context *mc;
  pcre2_jit_stack *js;
  PCRE2_SIZE run_ov[2]; /* a class run's match (exec's result) */
} MatchState;

static GJ_THREAD_LOCAL MatchState *tl_state;
static pthread_key_t state_key;
static pthread_once_t state_key_once = PTHREAD_ONCE_INIT;

/* At thread exit (the pthread key's destructor): LeakSanitizer stays
 * quiet about threads that ended. */
static void state_free(void *p) {
  MatchState *st = p;
  pcre2_match_data_free(st->md);
  pcre2_match_context_free(st->mc);
  pcre2_jit_stack_free(st->js);
  free(st);
  tl_state = NULL;
}

static void make_state_key(void) {
  if (pthread_key_create(&state_key, state_free) != 0)
    gj_rt_fatal("regex: pthread_key_create failed");
}

static void *check_alloc(void *p) {
  if (!p)
    gj_rt_fatal("out of memory");
  return p;
}

static __attribute__((noinline, cold)) MatchState *state_new(void) {
  pthread_once(&state_key_once, make_state_key);
  MatchState *st = check_alloc(calloc(1, sizeof *st));
  st->pairs = MATCH_DATA_PAIRS;
  st->md = check_alloc(pcre2_match_data_create(st->pairs, NULL));
  st->mc = check_alloc(pcre2_match_context_create(NULL));
  pcre2_set_match_limit(st->mc, MATCH_LIMIT);
  pcre2_set_depth_limit(st->mc, DEPTH_LIMIT);
  pcre2_set_heap_limit(st->mc, HEAP_LIMIT_KIB);
  st->js =
      check_alloc(pcre2_jit_stack_create(JIT_STACK_MIN, JIT_STACK_MAX, NULL));
  pcre2_jit_stack_assign(st->mc, NULL, st->js);
  tl_state = st;
  pthread_setspecific(state_key, st);
  return st;
}

static __attribute__((noinline, cold)) void state_grow(MatchState *st,
                                                       uint32_t pairs) {
  uint32_t n = st->pairs * 2 > pairs ? st->pairs * 2 : pairs;
  pcre2_match_data_free(st->md);
  st->md = check_alloc(pcre2_match_data_create(n, NULL));
  st->pairs = n;
}

/* The calling thread's state, with room for re's groups. */
static __attribute__((noinline)) MatchState *state(const GjRegex *re) {
  MatchState *st = tl_state;
  if (__builtin_expect(!st, 0))
    st = state_new();
  if (__builtin_expect(st->pairs < re->groups + 1, 0))
    state_grow(st, re->groups + 1);
  return st;
}

/* ---- panics ----------------------------------------------------------------
 */

static _Noreturn __attribute__((cold)) void
panic_match(const GjRegex *re, int rc, const GjLoc *loc) {
  GjStr *m = gj_str_with_cap(96 + re->pattern->len);
  if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
      rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT) {
    /* §12's phrase, then the pattern (§14: the message names it) */
    m = append_cstr(m, "regex match limit exceeded: ");
    m = gj_regex_append_text(m, re);
    m = append_cstr(m, " (catastrophic backtracking)");
  } else {
    char buf[256];
    if (pcre2_get_error_message(rc, (PCRE2_UCHAR *)buf, sizeof buf) < 0)
      strcpy(buf, "unknown PCRE2 error");
    m = append_cstr(m, "regex ");
    m = gj_regex_append_text(m, re);
    m = append_cstr(m, ": ");
    m = append_cstr(m, buf);
  }
  gj_panic(m, loc);
}

/* ---- matching --------------------------------------------------------------
 */

/* The first match of re in s at or after byte `from`: the thread's
 * ovector (valid until the thread's next match), or NULL. */
/* A class run's first match at or after `from`: the leftmost byte in the
 * set, then every byte after it that is. Byte offsets are character
 * offsets here: class_run admits only sets that hold all bytes >= 0x80 or
 * none, so a run starts and ends at character boundaries. */
/* A class run's scans take 16 bytes a step where the CPU has SSSE3 (every
 * x86-64 since 2006; Debian's baseline does not promise it, so the flag
 * is read once at start-up): PSHUFB looks each byte's low and high nibble
 * up in two 16-byte tables whose AND is non-zero exactly for the set's
 * bytes, and the first byte in (or out of) the set is the lowest bit of a
 * mask. A byte loop mispredicts its exit at every word's start and end;
 * this one exits at its first step. Exact for a set whose 16 rows (the
 * bytes sharing a high nibble) take at most 8 distinct non-empty forms:
 * each form gets a bit (nib_tables); any set of ASCII bytes, with or
 * without all of 0x80..0xFF (class_run's sets), has at most 9, and the
 * rare ninth falls back to the byte loop. */
static bool nib_tables(const bool set[256], uint8_t lo[16], uint8_t hi[16]) {
  uint16_t forms[8];
  unsigned nforms = 0;
  memset(lo, 0, 16);
  memset(hi, 0, 16);
  for (unsigned h = 0; h < 16; h++) {
    uint16_t row = 0;
    for (unsigned l = 0; l < 16; l++)
      row |= (uint16_t)(set[h << 4 | l] << l);
    if (!row)
      continue;
    unsigned f = 0;
    while (f < nforms && forms[f] != row)
      f++;
    if (f == nforms) {
      if (nforms == 8)
        return false;
      forms[nforms++] = row;
      for (unsigned l = 0; l < 16; l++)
        if (row >> l & 1)
          lo[l] |= (uint8_t)(1u << f);
    }
    hi[h] = (uint8_t)(1u << f);
  }
  return true;
}

#if defined(__x86_64__) && !defined(__SSSE3__)
#include <immintrin.h>
static bool has_ssse3;
__attribute__((constructor)) static void detect_ssse3(void) {
  __builtin_cpu_init();
  has_ssse3 = __builtin_cpu_supports("ssse3");
}
#define NIB_SIMD 1
#define NIB_TARGET __attribute__((target("ssse3")))
#elif defined(__SSSE3__)
#include <immintrin.h>
#define has_ssse3 true
#define NIB_SIMD 1
#define NIB_TARGET
#endif

#ifdef NIB_SIMD
/* The set's bytes among the 16 at p: a bit each. */
NIB_TARGET static inline unsigned nib_mask(__m128i lo, __m128i hi,
                                           const unsigned char *p) {
  __m128i low4 = _mm_set1_epi8(0x0f);
  __m128i v = _mm_loadu_si128((const __m128i *)p);
  __m128i a = _mm_shuffle_epi8(lo, _mm_and_si128(v, low4));
  __m128i b = _mm_shuffle_epi8(hi, _mm_and_si128(_mm_srli_epi16(v, 4), low4));
  __m128i out = _mm_cmpeq_epi8(_mm_and_si128(a, b), _mm_setzero_si128());
  return ~(unsigned)_mm_movemask_epi8(out) & 0xffffu;
}

/* run_at's scans in 16-byte steps, as far as whole steps reach: *i and
 * *j are left where the byte loops go on (at the run's first byte and
 * one past its last when the steps found them). A run shorter than 16
 * bytes takes one step for both ends. */
NIB_TARGET static void nib_run(const GjRegex *re, const unsigned char *p,
                               int64_t n, int64_t *pi, int64_t *pj) {
  __m128i lo = _mm_loadu_si128((const __m128i *)re->nib_lo);
  __m128i hi = _mm_loadu_si128((const __m128i *)re->nib_hi);
  int64_t i = *pi;
  for (; i + 16 <= n; i += 16) {
    unsigned m = nib_mask(lo, hi, p + i);
    if (!m)
      continue;
    int64_t k = __builtin_ctz(m);
    unsigned out = ~m & (0xffffu << k) & 0xffffu;
    *pi = i + k;
    if (out) {
      *pj = i + __builtin_ctz(out);
      return;
    }
    for (i += 16; i + 16 <= n; i += 16) {
      out = ~nib_mask(lo, hi, p + i) & 0xffffu;
      if (out) {
        *pj = i + __builtin_ctz(out);
        return;
      }
    }
    *pj = i;
    return;
  }
  *pi = i;
  *pj = i + 1;
}
#endif

static inline bool run_at(const GjRegex *re, const GjStr *s, int64_t from,
                          int64_t *start, int64_t *end) {
  const unsigned char *p = (const unsigned char *)bytes_of(s);
  const bool *set = re->set;
  int64_t n = s->len, i = from, j;
#ifdef NIB_SIMD
  if (re->nib && has_ssse3) {
    nib_run(re, p, n, &i, &j);
    if (i < n && set[p[i]])
      goto extend;
  }
#endif
  while (i < n && !set[p[i]])
    i++;
  if (i == n)
    return false;
  j = i + 1;
#ifdef NIB_SIMD
extend:
#endif
  while (j < n && set[p[j]])
    j++;
  *start = i;
  *end = j;
  return true;
}

static const PCRE2_SIZE *exec_run(const GjRegex *re, const GjStr *s,
                                  int64_t from) {
  int64_t i, j;
  if (!run_at(re, s, from, &i, &j))
    return NULL;
  MatchState *st = state(re);
  st->run_ov[0] = (PCRE2_SIZE)i;
  st->run_ov[1] = (PCRE2_SIZE)j;
  return st->run_ov;
}

static const PCRE2_SIZE *exec(const GjRegex *re, const GjStr *s, int64_t from,
                              uint32_t opts, const GjLoc *loc) {
  if (re->run) /* never empty: PCRE2_NOTEMPTY_ATSTART changes nothing */
    return exec_run(re, s, from);
  MatchState *st = state(re);
  /* the JIT's own entry skips pcre2_match's checks (no UTF check either:
   * a Str is valid UTF-8) */
  int rc = re->jit ? pcre2_jit_match(re->code, (PCRE2_SPTR)bytes_of(s),
                                     (PCRE2_SIZE)s->len, (PCRE2_SIZE)from,
                                     opts, st->md, st->mc)
                   : pcre2_match(re->code, (PCRE2_SPTR)bytes_of(s),
                                 (PCRE2_SIZE)s->len, (PCRE2_SIZE)from,
                                 opts | PCRE2_NO_UTF_CHECK, st->md, st->mc);
  if (rc > 0)
    return pcre2_get_ovector_pointer(st->md);
  if (rc == PCRE2_ERROR_NOMATCH)
    return NULL;
  if (rc == 0) /* state() gave the match data room for every group */
    gj_rt_fatal("regex: match data too small");
  panic_match(re, rc, loc);
}

/* Successive non-overlapping matches (the file comment has the rule for
 * empty ones). */
typedef struct Iter {
  const GjRegex *re;
  const GjStr *s;
  const GjLoc *loc;
  int64_t pos;
  bool after_empty; /* the last match was empty at pos */
  bool done;
} Iter;

static Iter iter_start(const GjRegex *re, const GjStr *s, const GjLoc *loc) {
  return (Iter){re, s, loc, 0, false, false};
}

/* The next match's ovector (as exec's), or NULL at the end. */
static const PCRE2_SIZE *iter_next(Iter *it) {
  if (it->done)
    return NULL;
  const PCRE2_SIZE *ov =
      exec(it->re, it->s, it->pos, it->after_empty ? PCRE2_NOTEMPTY_ATSTART : 0,
           it->loc);
  if (!ov) {
    it->done = true;
    return NULL;
  }
  it->after_empty = ov[1] <= ov[0];
  it->pos = (int64_t)(ov[1] > ov[0] ? ov[1] : ov[0]);
  return ov;
}

static bool group_set(const PCRE2_SIZE *ov, uint32_t g) {
  return ov[2 * g] != PCRE2_UNSET;
}

/* ---- compiling --------------------------------------------------------------
 */

static uint32_t compile_options(int64_t flags) {
  uint32_t o = GJ_RE_PCRE2_OPTIONS;
  if (flags & GJ_RE_CASELESS)
    o |= PCRE2_CASELESS;
  if (flags & GJ_RE_MULTILINE)
    o |= PCRE2_MULTILINE;
  if (flags & GJ_RE_DOTALL)
    o |= PCRE2_DOTALL;
  if (flags & GJ_RE_EXTENDED)
    o |= PCRE2_EXTENDED;
  return o;
}

/* The code for pat, JIT-compiled when the JIT is there; NULL with *msg
 * (a new Str: "missing closing parenthesis at offset 4") when PCRE2
 * refuses it. */
static pcre2_code *compile(const char *pat, int64_t len, int64_t flags,
                           GjStr **msg) {
  int err;
  PCRE2_SIZE off;
  pcre2_code *code =
      pcre2_compile((PCRE2_SPTR)(pat ? pat : ""), (PCRE2_SIZE)len,
                    compile_options(flags), &err, &off, NULL);
  if (!code) {
    char buf[256];
    if (pcre2_get_error_message(err, (PCRE2_UCHAR *)buf, sizeof buf) < 0)
      strcpy(buf, "invalid pattern");
    /* the compiler's words (Sema's check_regex) for the two options guji
     * fixes, rather than PCRE2's, which are about its C API */
    if (err == PCRE2_ERROR_DUPLICATE_SUBPATTERN_NAME)
      strcpy(buf, "two named groups have the same name (rename one, or "
                  "start the pattern with (?J))");
    else if (err == PCRE2_ERROR_BACKSLASH_C_CALLER_DISABLED)
      strcpy(buf, "\\C (one code unit) is not allowed (patterns are UTF: "
                  "use . for one character)");
    GjStr *m = append_cstr(gj_str_with_cap(64), buf);
    m = append_cstr(m, " at offset ");
    *msg = gj_str_append_int(m, (int64_t)off);
    return NULL;
  }
  (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE); /* else: interpreted */
  return code;
}

/* A class run is a pattern `[…]+` (or `[^…]+`) of ASCII characters,
 * ranges and escaped punctuation, without the i flag (caseless matching
 * under UCP maps k to U+212A and s to U+017F). Its set then either holds
 * no byte >= 0x80 (positive) or all of them (negated), so scanning bytes
 * finds exactly PCRE2's matches, without a call into PCRE2. Anything
 * else (\d, \w and \s are Unicode classes under UCP, POSIX classes,
 * non-ASCII members, other quantifiers) is left to PCRE2. */
static bool class_run(const char *p, int64_t n, int64_t flags,
                      bool set[256]) {
  if (flags & (GJ_RE_CASELESS | GJ_RE_EXTENDED) || n < 4 || p[0] != '[' ||
      p[n - 1] != '+' || p[n - 2] != ']')
    return false;
  int64_t i = 1, end = n - 2;
  bool neg = p[i] == '^';
  if (neg)
    i++;
  if (i == end)
    return false; /* `[]+` or `[^]+`: the `]` is a member, the class open */
  memset(set, 0, 256 * sizeof set[0]);
  bool first = true;
  while (i < end) {
    unsigned char c = (unsigned char)p[i], lo;
    if (c == '\\') {
      if (i + 1 >= end)
        return false;
      unsigned char e = (unsigned char)p[i + 1];
      if (e == 't')
        lo = '\t';
      else if (e == 'n')
        lo = '\n';
      else if (e == 'r')
        lo = '\r';
      else if (e < 0x80 && e > ' ' && !(e >= '0' && e <= '9') &&
               !(e >= 'A' && e <= 'Z') && !(e >= 'a' && e <= 'z'))
        lo = e;
      else
        return false;
      i += 2;
    } else if (c >= 0x80 || c == '[' || (c == ']' && !first)) {
      return false;
    } else {
      lo = c;
      i++;
    }
    first = false;
    unsigned char hi = lo;
    if (i + 1 < end && p[i] == '-') { /* a range (a `-` last is literal) */
      unsigned char d = (unsigned char)p[i + 1];
      if (d == '\\' || d >= 0x80 || d == '[' || d == ']' || d < lo)
        return false;
      hi = d;
      i += 2;
    }
    for (unsigned b = lo; b <= hi; b++)
      set[b] = true;
  }
  if (neg)
    for (int b = 0; b < 256; b++)
      set[b] = !set[b];
  return true;
}

static void init_regex(GjRegex *re, pcre2_code *code, GjStr *pattern,
                       int64_t flags) {
  re->run = class_run(bytes_of(pattern), pattern->len, flags, re->set);
  re->nib = re->run && nib_tables(re->set, re->nib_lo, re->nib_hi);
  re->code = code;
  re->pattern = pattern;
  re->flags = flags;
  pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &re->groups);
  pcre2_pattern_info(code, PCRE2_INFO_NAMECOUNT, &re->names);
  pcre2_pattern_info(code, PCRE2_INFO_NAMEENTRYSIZE, &re->name_size);
  PCRE2_SPTR table = NULL;
  pcre2_pattern_info(code, PCRE2_INFO_NAMETABLE, &table);
  re->name_table = table;
  size_t jit_size = 0;
  re->jit = pcre2_pattern_info(code, PCRE2_INFO_JITSIZE, &jit_size) == 0 &&
            jit_size > 0;
}

static __attribute__((noinline, cold)) GjRegex *
literal_compile(GjRegex **slot, const char *pat, int64_t len, int64_t flags,
                const GjLoc *loc) {
  GjStr *msg;
  pcre2_code *code = compile(pat, len, flags, &msg);
  if (!code) {
    GjStr view = {{0, GJ_KIND_STR, 0}, len, pat, 0, NULL};
    GjStr *m = append_cstr(gj_str_with_cap(64 + len), "invalid regex /");
    m = gj_str_append_str(m, &view);
    m = append_cstr(m, "/: ");
    m = gj_str_append_str(m, msg);
    gj_panic(m, loc);
  }
  LitRegex *lit = check_alloc(malloc(sizeof *lit + (size_t)len));
  if (len)
    memcpy(lit->bytes, pat, (size_t)len);
  lit->pat = (GjStr){{0, GJ_KIND_STR, 0}, len, lit->bytes, 0, NULL};
  lit->re.h = (GjHeader){0, GJ_KIND_REGEX, 0};
  init_regex(&lit->re, code, &lit->pat, flags);
  GjRegex *won = NULL;
  if (__atomic_compare_exchange_n(slot, &won, &lit->re, false, __ATOMIC_ACQ_REL,
                                  __ATOMIC_ACQUIRE)) {
    lit->next = __atomic_load_n(&all_literals, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(&all_literals, &lit->next, lit, true,
                                        __ATOMIC_RELEASE, __ATOMIC_RELAXED)) {
    }
    return &lit->re;
  }
  pcre2_code_free(code); /* another thread published first */
  free(lit);
  return won;
}

/* §14: a literal is compiled once per run, not once per evaluation. */
GjRegex *gj_regex_literal(GjRegex **slot, const char *pat, int64_t len,
                          int64_t flags, const GjLoc *loc) {
  GjRegex *re = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
  if (__builtin_expect(re != NULL, 1))
    return re;
  return literal_compile(slot, pat, len, flags, loc);
}

/* §14 regex(s): Result[Regex, Str]. */
GjRegex *gj_regex_new(const GjStr *pat, GjStr **err) {
  pcre2_code *code = compile(pat->ptr, pat->len, 0, err);
  if (!code)
    return NULL;
  GjRegex *re = gj_rt_alloc(sizeof *re, GJ_KIND_REGEX);
  init_regex(re, code, share(pat), 0);
  return re;
}

GjRegex *gj_regex_compile(const GjStr *pat) {
  GjStr *err = NULL;
  GjRegex *re = gj_regex_new(pat, &err);
  gj_dec(err);
  return re;
}

GjStr *gj_regex_error(const GjStr *pat) {
  GjStr *err = NULL;
  GjRegex *re = gj_regex_new(pat, &err);
  if (re) { /* cannot happen: only called after gj_regex_compile failed */
    gj_dec(re);
    return gj_str_with_cap(0);
  }
  return err;
}

bool gj_regex_is_none(const GjRegex *re) { return re == NULL; }
bool gj_match_is_none(const GjMatch *m) { return m == NULL; }

void gj_rt_regex_free(GjRegex *re) {
  GjStr *pattern = re->pattern;
  pcre2_code_free(re->code);
  gj_rt_free(re, sizeof *re);
  gj_dec(pattern);
}

bool gj_rt_regex_is_class_run(const GjRegex *re) { return re->run; }

bool gj_rt_regex_uses_jit(const GjRegex *re) {
  size_t size = 0;
  return pcre2_pattern_info(re->code, PCRE2_INFO_JITSIZE, &size) == 0 &&
         size > 0;
}

void gj_rt_regex_mark_shared(GjRegex *re) { gj_mark_shared(re->pattern); }

GjStr *gj_regex_pattern(const GjRegex *re) { return share(re->pattern); }

GjStr *gj_regex_append_text(GjStr *buf, const GjRegex *re) {
  static const char letters[] = "imsx"; /* GJ_RE_* bit order */
  buf = gj_rt_str_append_bytes(buf, "/", 1);
  buf = gj_str_append_str(buf, re->pattern);
  buf = gj_rt_str_append_bytes(buf, "/", 1);
  for (int i = 0; i < 4; i++)
    if (re->flags & (1 << i))
      buf = gj_rt_str_append_bytes(buf, &letters[i], 1);
  return buf;
}

/* ---- named groups
 * ------------------------------------------------------------ */

static uint32_t entry_group(const GjRegex *re, uint32_t i) {
  const unsigned char *e = re->name_table + (size_t)i * re->name_size;
  return (uint32_t)e[0] << 8 | e[1];
}

/* The name table entries called `name`: the first in *first, and how many
 * (more than one only with (?J); the table is sorted, so they adjoin). */
static uint32_t name_entries(const GjRegex *re, const char *name, int64_t len,
                             uint32_t *first) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < re->names; i++) {
    const char *e =
        (const char *)re->name_table + (size_t)i * re->name_size + 2;
    if (strlen(e) == (size_t)len && memcmp(e, name, (size_t)len) == 0) {
      if (n++ == 0)
        *first = i;
    } else if (n) {
      break;
    }
  }
  return n;
}

/* ---- Match
 * -------------------------------------------------------------------- */

static GjMatch *make_match(const GjStr *s, const GjRegex *re,
                           const PCRE2_SIZE *ov) {
  int64_t pairs = (int64_t)re->groups + 1;
  GjMatch *m = gj_rt_alloc(match_size(pairs), GJ_KIND_MATCH);
  m->subject = share(s);
  gj_inc((GjRegex *)re);
  m->re = (GjRegex *)re;
  m->text = NULL;
  m->pairs = pairs;
  for (int64_t i = 0; i < 2 * pairs; i++)
    m->ov[i] = ov[i] == PCRE2_UNSET ? -1 : (int64_t)ov[i];
  return m;
}

void gj_rt_match_free(GjMatch *m) {
  GjStr *subject = m->subject, *text = m->text;
  GjRegex *re = m->re;
  gj_rt_free(m, match_size(m->pairs));
  gj_dec(subject);
  gj_dec(re);
  gj_dec(text);
}

void gj_rt_match_mark_shared(GjMatch *m) {
  gj_mark_shared(m->subject);
  gj_mark_shared(m->re);
  if (m->text)
    gj_mark_shared(m->text);
}

/* n <= 16 bytes without a call: two overlapping words (memcpy's dispatch
 * on the size costs a mispredicted branch or two for a word). */
static inline void copy_short(char *d, const char *p, int64_t n) {
  if (n >= 8) {
    uint64_t x, y;
    memcpy(&x, p, 8);
    memcpy(&y, p + n - 8, 8);
    memcpy(d, &x, 8);
    memcpy(d + n - 8, &y, 8);
  } else if (n >= 4) {
    uint32_t x, y;
    memcpy(&x, p, 4);
    memcpy(&y, p + n - 4, 4);
    memcpy(d, &x, 4);
    memcpy(d + n - 4, &y, 4);
  } else {
    d[0] = p[0];
    d[n >> 1] = p[n >> 1];
    d[n - 1] = p[n - 1];
  }
}

/* §14 text(): a piece (strmeth.c's rule). A short one is a flat copy; the
 * Match keeps it and, while it is the copy's only holder (rc 1: the text
 * was dropped, e.g. after a Map lookup that found the key), writes the next
 * text into it instead of allocating: a loop over match_all that uses each
 * word as a Map key allocates only for the keys it inserts (which keep the
 * copy, so the next text gets a new one). A shared Match (rc < 0) is never
 * written. */
GjStr *gj_match_text(const GjMatch *cm) {
  GjMatch *m = (GjMatch *)cm; /* the cache is not part of the value */
  int64_t a = m->ov[0], b = m->ov[1], n = b - a;
  if (n == 0 || n > PIECE_COPY_MAX || m->h.rc <= 0 ||
      (a == 0 && b == m->subject->len))
    return gj_rt_str_piece(m->subject, a, b);
  GjStr *t = m->text;
  if (__builtin_expect(!t || t->h.rc != 1, 0)) {
    gj_dec(t);
    t = m->text = gj_str_with_cap(PIECE_COPY_MAX);
  }
  copy_short((char *)t->ptr, bytes_of(m->subject) + a, n);
  t->len = n;
  t->h.rc = 2; /* the Match's and the result's */
  return t;
}

int64_t gj_match_start(const GjMatch *m) { return m->ov[0]; }
int64_t gj_match_end(const GjMatch *m) { return m->ov[1]; }

/* §14 group(i): Option[Str]. */
GjStr *gj_match_group(const GjMatch *m, int64_t i) {
  if (i < 0 || i >= m->pairs || m->ov[2 * i] < 0)
    return &gj_rt_none_str;
  return gj_rt_str_piece(m->subject, m->ov[2 * i], m->ov[2 * i + 1]);
}

/* §14 named(name): Option[Str]; of duplicate names, the first that took
 * part (PCRE2's rule). */
GjStr *gj_match_named(const GjMatch *m, const GjStr *name) {
  uint32_t first = 0;
  uint32_t n = name_entries(m->re, name->ptr, name->len, &first);
  for (uint32_t i = first; i < first + n; i++) {
    uint32_t g = entry_group(m->re, i);
    if (m->ov[2 * g] >= 0)
      return gj_match_group(m, g);
  }
  return &gj_rt_none_str;
}

GjStr *gj_match_capture(const GjMatch *m, const GjStr *name) {
  GjStr *s = gj_match_named(m, name);
  return s == &gj_rt_none_str ? &gj_rt_empty_str : s;
}

GjStr *gj_match_append_text(GjStr *buf, const GjMatch *m) {
  const GjStr *s = m->subject;
  GjStr view = {{0, GJ_KIND_STR, 0},
                m->ov[1] - m->ov[0],
                bytes_of(s) + m->ov[0],
                0,
                NULL};
  buf = append_cstr(buf, "Match { text: ");
  buf = gj_str_append_quoted(buf, &view);
  buf = append_cstr(buf, ", start: ");
  buf = gj_str_append_int(buf, m->ov[0]);
  buf = append_cstr(buf, ", end: ");
  buf = gj_str_append_int(buf, m->ov[1]);
  return append_cstr(buf, " }");
}

/* ---- =~, match, match_all
 * ------------------------------------------------------ */

bool gj_regex_test(const GjStr *s, const GjRegex *re, const GjLoc *loc) {
  return exec(re, s, 0, 0, loc) != NULL;
}

/* §14: `if $s =~ /(?<key>…)/` binds the named groups ("" when unset). */
bool gj_regex_captures(const GjStr *s, const GjRegex *re, const int32_t *groups,
                       int64_t n, GjStr **out, const GjLoc *loc) {
  const PCRE2_SIZE *ov = exec(re, s, 0, 0, loc);
  if (!ov)
    return false;
  for (int64_t i = 0; i < n; i++) {
    int32_t g = groups[i];
    if (g < 0 || (uint32_t)g > re->groups || !group_set(ov, (uint32_t)g))
      out[i] = &gj_rt_empty_str;
    else
      out[i] = gj_rt_str_piece(s, (int64_t)ov[2 * g], (int64_t)ov[2 * g + 1]);
  }
  return true;
}

GjMatch *gj_regex_match(const GjStr *s, const GjRegex *re, const GjLoc *loc) {
  const PCRE2_SIZE *ov = exec(re, s, 0, 0, loc);
  return ov ? make_match(s, re, ov) : NULL;
}

GjList *gj_regex_match_all(const GjStr *s, const GjRegex *re,
                           const GjLoc *loc) {
  GjList *l = gj_list_new(&gj_type_match);
  Iter it = iter_start(re, s, loc);
  for (const PCRE2_SIZE *ov; (ov = iter_next(&it));) {
    GjMatch *m = make_match(s, re, ov);
    l = gj_list_push(l, &m);
  }
  return l;
}

/* A class run cannot panic, so its matches are found as the loop asks for
 * them, and the Match the loop has let go of (rc 1: only the iterator
 * holds it) takes the next one in place: no allocation per match. Any
 * other regex may reach the match limit part way; its matches are all
 * found first, in match_all's List, so the panic comes before the loop's
 * first iteration, as the program says. */
struct GjMatchIter {
  GjHeader h;
  GjStr *subject; /* one reference each */
  GjRegex *re;
  GjList *all;    /* not a class run: the matches, taken from `next` on */
  int64_t next;
  Iter it;        /* a class run */
  GjMatch *last;  /* a class run: the last Match given (a reference), or NULL */
};

GjMatchIter *gj_regex_iter(const GjStr *s, const GjRegex *re,
                           const GjLoc *loc) {
  GjMatchIter *it = gj_rt_alloc(sizeof *it, GJ_KIND_MATCH_ITER);
  it->subject = share(s);
  gj_inc((GjRegex *)re);
  it->re = (GjRegex *)re;
  it->all = re->run ? NULL : gj_regex_match_all(s, re, loc);
  it->next = 0;
  it->it = iter_start(re, s, loc);
  it->last = NULL;
  return it;
}

GjMatch *gj_match_iter_next(GjMatchIter *it) {
  GjMatch *m;
  if (it->all) {
    if (it->next == gj_list_len(it->all))
      return NULL;
    gj_list_get(it->all, it->next++, &m, it->it.loc);
    gj_inc(m);
    return m;
  }
  int64_t a, b; /* a class run's matches are never empty: no iter_next */
  if (!run_at(it->re, it->subject, it->it.pos, &a, &b))
    return NULL;
  it->it.pos = b;
  m = it->last;
  if (!m || m->h.rc != 1) {
    if (m)
      gj_dec(m);
    PCRE2_SIZE ov[2] = {(PCRE2_SIZE)a, (PCRE2_SIZE)b};
    m = it->last = make_match(it->subject, it->re, ov);
  }
  m->ov[0] = a;
  m->ov[1] = b;
  m->h.rc = 2; /* the iterator's and the loop's */
  return m;
}

void gj_rt_match_iter_free(GjMatchIter *it) {
  GjStr *subject = it->subject;
  GjRegex *re = it->re;
  GjList *all = it->all;
  GjMatch *last = it->last;
  gj_rt_free(it, sizeof *it);
  if (all)
    gj_dec(all);
  if (last)
    gj_dec(last);
  gj_dec(subject);
  gj_dec(re);
}

int64_t gj_regex_count(const GjStr *s, const GjRegex *re, const GjLoc *loc) {
  int64_t n = 0;
  Iter it = iter_start(re, s, loc);
  while (iter_next(&it))
    n++;
  return n;
}

/* Python's re.split (no groups in the result): the pieces between the
 * matches, an empty match splitting too ("abc" on x* gives
 * ["", "a", "b", "c", ""]). */
GjList *gj_regex_split(const GjStr *s, const GjRegex *re, const GjLoc *loc) {
  GjList *l = gj_list_new(&gj_type_str);
  int64_t last = 0;
  Iter it = iter_start(re, s, loc);
  for (const PCRE2_SIZE *ov; (ov = iter_next(&it));) {
    GjStr *p = gj_rt_str_piece(s, last, (int64_t)ov[0]);
    l = gj_list_push(l, &p);
    last = (int64_t)ov[1];
  }
  GjStr *p = gj_rt_str_piece(s, last, s->len);
  return gj_list_push(l, &p);
}

/* ---- replace
 * ------------------------------------------------------------------ */

/* One token of a replacement template (§14). */
typedef enum { TOK_TEXT, TOK_GROUP, TOK_NAME } TokKind;
typedef struct Tok {
  TokKind kind;
  int64_t end;   /* where the next token starts */
  const char *p; /* TOK_TEXT: the bytes; TOK_NAME: the name */
  int64_t n;     /* their length */
  int64_t group; /* TOK_GROUP */
} Tok;

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* The decimal number in t[0..n) (n >= 1 digits), saturating far above
 * any group count (PCRE2 allows 65535 groups). */
static int64_t parse_num(const char *t, int64_t n) {
  int64_t v = 0;
  for (int64_t i = 0; i < n; i++)
    v = v < 1000000000 ? v * 10 + (t[i] - '0') : v;
  return v;
}

/* The token at t[i] (i < n): a run of text up to the next '$', or what a
 * '$' starts: $$ (text "$"), $N, ${N}, ${name}; any other '$' is text. */
static Tok tmpl_tok(const char *t, int64_t n, int64_t i) {
  if (t[i] != '$') {
    const char *d = memchr(t + i, '$', (size_t)(n - i));
    int64_t e = d ? d - t : n;
    return (Tok){TOK_TEXT, e, t + i, e - i, 0};
  }
  if (i + 1 < n && t[i + 1] == '$')
    return (Tok){TOK_TEXT, i + 2, t + i, 1, 0};
  if (i + 1 < n && is_digit(t[i + 1])) {
    int64_t e = i + 1;
    while (e < n && is_digit(t[e]))
      e++;
    return (Tok){TOK_GROUP, e, NULL, 0, parse_num(t + i + 1, e - i - 1)};
  }
  if (i + 1 < n && t[i + 1] == '{') {
    int64_t a = i + 2, e = a;
    if (e < n && is_digit(t[e])) {
      while (e < n && is_digit(t[e]))
        e++;
      if (e < n && t[e] == '}')
        return (Tok){TOK_GROUP, e + 1, NULL, 0, parse_num(t + a, e - a)};
    } else if (e < n && is_name_start(t[e])) {
      while (e < n && (is_name_start(t[e]) || is_digit(t[e])))
        e++;
      if (e < n && t[e] == '}')
        return (Tok){TOK_NAME, e + 1, t + a, e - a, 0};
    }
  }
  return (Tok){TOK_TEXT, i + 1, t + i, 1, 0};
}

static _Noreturn __attribute__((cold)) void panic_group_ref(const GjRegex *re,
                                                            const GjStr *tmpl,
                                                            const Tok *tok,
                                                            const GjLoc *loc) {
  GjStr *m = append_cstr(gj_str_with_cap(96 + tmpl->len), "replacement ");
  m = gj_str_append_quoted(m, tmpl);
  m = append_cstr(m, " refers to group ");
  if (tok->kind == TOK_GROUP) {
    m = gj_str_append_int(m, tok->group);
    m = append_cstr(m, ", but ");
    m = gj_regex_append_text(m, re);
    m = append_cstr(m, " has ");
    m = gj_str_append_int(m, re->groups);
    m = append_cstr(m, re->groups == 1 ? " group" : " groups");
  } else {
    GjStr name = {{0, GJ_KIND_STR, 0}, tok->n, tok->p, 0, NULL};
    m = gj_str_append_quoted(m, &name);
    m = append_cstr(m, ", but ");
    m = gj_regex_append_text(m, re);
    m = append_cstr(m, " has no group named ");
    m = gj_str_append_quoted(m, &name);
  }
  gj_panic(m, loc);
}

/* Every group tmpl names exists in re, checked before any match so that a
 * bad template panics whatever the subject. */
static void tmpl_check(const GjRegex *re, const GjStr *tmpl, const GjLoc *loc) {
  for (int64_t i = 0; i < tmpl->len;) {
    Tok tok = tmpl_tok(tmpl->ptr, tmpl->len, i);
    uint32_t first;
    if ((tok.kind == TOK_GROUP && tok.group > re->groups) ||
        (tok.kind == TOK_NAME && !name_entries(re, tok.p, tok.n, &first)))
      panic_group_ref(re, tmpl, &tok, loc);
    i = tok.end;
  }
}

/* Appends tmpl expanded for the match ov of s. */
static GjStr *tmpl_expand(GjStr *out, const GjStr *s, const GjRegex *re,
                          const GjStr *tmpl, const PCRE2_SIZE *ov) {
  for (int64_t i = 0; i < tmpl->len;) {
    Tok tok = tmpl_tok(tmpl->ptr, tmpl->len, i);
    i = tok.end;
    if (tok.kind == TOK_TEXT) {
      out = gj_rt_str_append_bytes(out, tok.p, tok.n);
      continue;
    }
    int64_t g = tok.group;
    if (tok.kind == TOK_NAME) { /* the first of duplicates that took part */
      uint32_t first = 0, n = name_entries(re, tok.p, tok.n, &first);
      g = entry_group(re, first);
      for (uint32_t k = first; k < first + n; k++)
        if (group_set(ov, entry_group(re, k))) {
          g = entry_group(re, k);
          break;
        }
    }
    if (group_set(ov, (uint32_t)g))
      out = gj_rt_str_append_bytes(out, bytes_of(s) + ov[2 * g],
                                   (int64_t)(ov[2 * g + 1] - ov[2 * g]));
  }
  return out;
}

/* §14 replace / replace_first: one buffer, the unmatched runs copied. */
GjStr *gj_regex_replace(const GjStr *s, const GjRegex *re, const GjStr *tmpl,
                        bool all, const GjLoc *loc) {
  tmpl_check(re, tmpl, loc);
  Iter it = iter_start(re, s, loc);
  const PCRE2_SIZE *ov = iter_next(&it);
  if (!ov)
    return share(s);
  GjStr *out = gj_str_with_cap(s->len + tmpl->len);
  int64_t last = 0;
  bool plain = !tmpl->len || !memchr(bytes_of(tmpl), '$', (size_t)tmpl->len);
  do {
    out =
        gj_rt_str_append_bytes(out, bytes_of(s) + last, (int64_t)ov[0] - last);
    out = plain ? gj_rt_str_append_bytes(out, bytes_of(tmpl), tmpl->len)
                : tmpl_expand(out, s, re, tmpl, ov);
    last = (int64_t)ov[1];
  } while (all && (ov = iter_next(&it)));
  return gj_rt_str_append_bytes(out, bytes_of(s) + last, s->len - last);
}

/* §14 replace_with(re, f). The closure may match regexes itself (which
 * reuses this thread's ovector) or block and resume on another thread:
 * the match's offsets are taken before the call. */
GjStr *gj_regex_replace_with(const GjStr *s, const GjRegex *re, void *closure,
                             GjCallFn call, const GjLoc *loc) {
  Iter it = iter_start(re, s, loc);
  const PCRE2_SIZE *ov = iter_next(&it);
  if (!ov)
    return share(s);
  GjStr *out = gj_str_with_cap(s->len);
  int64_t last = 0;
  do {
    int64_t a = (int64_t)ov[0], b = (int64_t)ov[1];
    out = gj_rt_str_append_bytes(out, bytes_of(s) + last, a - last);
    GjMatch *m = make_match(s, re, ov);
    void *args[1] = {&m};
    GjStr *r = NULL;
    call(closure, args, &r);
    out = gj_str_append_str(out, r);
    gj_dec(r);
    last = b;
  } while ((ov = iter_next(&it)));
  return gj_rt_str_append_bytes(out, bytes_of(s) + last, s->len - last);
}

/* ---- type descriptors
 * ------------------------------------------------------------ */

static void ptr_inc(const void *a) { gj_inc(*(void *const *)a); }
static void ptr_dec(const void *a) { gj_dec(*(void *const *)a); }
static GjStr *regex_text(GjStr *buf, const void *a) {
  return gj_regex_append_text(buf, *(GjRegex *const *)a);
}
static GjStr *match_text(GjStr *buf, const void *a) {
  return gj_match_append_text(buf, *(GjMatch *const *)a);
}

const GjType gj_type_regex = {8,    GJ_TYPE_HEAP, ptr_inc,    ptr_dec, NULL,
                              NULL, NULL,         regex_text, "Regex", NULL};
const GjType gj_type_match = {8,    GJ_TYPE_HEAP, ptr_inc,    ptr_dec, NULL,
                              NULL, NULL,         match_text, "Match", NULL};
