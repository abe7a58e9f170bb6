/* exhaust.c — exhaustiveness and reachability of match arms (§9).
 *
 * Maranget's usefulness algorithm ("Warnings for pattern matching", JFP
 * 2007) over rows of patterns. A column whose type has a finite set of
 * constructors (a sum, a record or tuple — one constructor —, Bool) is
 * split by constructor ("specialization"); any other column (Int, Char,
 * Str, Float, …) is covered only by a wildcard or binding, since literals
 * and ranges never cover their whole type (§9). A List column is split as
 * the two constructors [] and "head, then a tail list", so `[]` and
 * `[$h, ..$t]` together cover every list. Remaining:
 * and ranges never cover their whole type (§9). `missing` returns a
 * witness — the text of a value no row matches, such as `Blue` or
 * `Some((_, false))` — which the error message shows.
 */
#include <string.h>

#include "exhaust.h"

typedef struct Mat {
  Pattern ***rows;   /* rows[i][j]: NULL is a wildcard */
  size_t nrows, ncols;
} Mat;

typedef struct Cx {
  TypeCtx *tc;
  Arena *a;
} Cx;

/* A list pattern with nothing fixed: [..] or [..$rest]. */
static bool list_any(const Pattern *p) {
  return p->kind == PAT_LIST && p->elems.len == 1 &&
         p->elems.data[0]->kind == PAT_REST;
}

static bool is_wild(const Pattern *p) {
  return !p || p->kind == PAT_WILD || p->kind == PAT_BIND || list_any(p);
}

/* The constructor count of a finite type, or 0 for an infinite one. */
static size_t nctors(Cx *cx, Type *t) {
  t = type_resolve(cx->tc, t);
  if (t->kind == TY_ADT) return t->decl->ctors.len;
  if (t->kind == TY_TUPLE) return 1;
  if (t->kind == TY_BOOL) return 2;
  if (t->kind == TY_LIST) return 2; /* [] and head + tail */
  return 0;
}

static size_t ctor_arity(Cx *cx, Type *t, size_t c) {
  t = type_resolve(cx->tc, t);
  if (t->kind == TY_ADT) return t->decl->ctors.data[c]->fields.len;
  if (t->kind == TY_TUPLE) return t->nargs;
  if (t->kind == TY_LIST) return c == 0 ? 0 : 2;
  return 0;
}

static Type *ctor_field_type(Cx *cx, Type *t, size_t c, size_t i) {
  t = type_resolve(cx->tc, t);
  if (t->kind == TY_ADT)
    return type_ctor_field(cx->tc, t, t->decl->ctors.data[c], (uint32_t)i);
  if (t->kind == TY_LIST) return i == 0 ? t->args[0] : t;
  return t->args[i];
}

/* [.., $a, _]: a rest first, then only wildcards — "at least n
 * elements", which splits as a head and a shorter such pattern. */
static bool rest_then_wild(const Pattern *p) {
  if (p->kind != PAT_LIST || p->elems.len < 2 ||
      p->elems.data[0]->kind != PAT_REST)
    return false;
  for (size_t i = 1; i < p->elems.len; i++)
    if (!is_wild(p->elems.data[i])) return false;
  return true;
}

/* Which constructor a (non-wildcard) pattern of a finite type names; -1
 * when it names none (a literal of an infinite type). */
static long head_ctor(const Pattern *p) {
  switch (p->kind) {
  case PAT_CTOR: return p->ctor ? (long)p->ctor->index : -1;
  case PAT_RECORD: case PAT_TUPLE: return 0;
  case PAT_LIT:
    if (p->lit && p->lit->kind == EX_BOOL) return p->lit->b.value ? 0 : 1;
    return -1;
  case PAT_LIST:
    if (p->elems.len == 0) return 0;                 /* [] */
    if (p->elems.data[0]->kind != PAT_REST) return 1; /* [p, …] */
    if (rest_then_wild(p)) return 1;                  /* [.., _, _] */
    return -1; /* [.., 0]: fixed from the end; not split (conservative) */
  default: return -1;
  }
}

/* The sub-patterns of p for constructor c (arity n) into out. */
static void sub_patterns(Cx *cx, const Pattern *p, size_t n, Pattern **out) {
  for (size_t i = 0; i < n; i++) out[i] = NULL;
  if (is_wild(p)) return;
  if (p->kind == PAT_LIST) {
    if (n != 2 || p->elems.len == 0) return;
    if (rest_then_wild(p)) { /* [.., _, _] is _ then [.., _] */
      Pattern *tail = ARENA_NEW(cx->a, Pattern);
      *tail = *p;
      tail->elems.data = ARENA_ARRAY(cx->a, Pattern *, p->elems.len - 1);
      tail->elems.data[0] = p->elems.data[0];
      for (size_t i = 2; i < p->elems.len; i++)
        tail->elems.data[i - 1] = p->elems.data[i];
      tail->elems.len = tail->elems.cap = p->elems.len - 1;
      out[1] = tail;
      return;
    }
    out[0] = p->elems.data[0];
    /* the tail: the rest of the pattern, as a list pattern */
    Pattern *tail = ARENA_NEW(cx->a, Pattern);
    *tail = *p;
    tail->elems.data = p->elems.data + 1;
    tail->elems.len = p->elems.len - 1;
    tail->elems.cap = tail->elems.len;
    out[1] = tail;
    return;
  }
  if (p->kind == PAT_RECORD) {
    for (size_t i = 0; i < p->fields.len; i++) {
      int64_t fx = p->field_index ? p->field_index[i] : -1;
      if (fx >= 0 && (size_t)fx < n) out[fx] = p->fields.data[i].pat;
    }
    return;
  }
  for (size_t i = 0; i < n && i < p->elems.len; i++) out[i] = p->elems.data[i];
}

static bool any_ctor_head(const Mat *m) {
  for (size_t i = 0; i < m->nrows; i++)
    if (!is_wild(m->rows[i][0]) && head_ctor(m->rows[i][0]) >= 0) return true;
  return false;
}

static Mat mat_new(Cx *cx, size_t ncols) {
  Mat m = {0};
  m.ncols = ncols;
  (void)cx;
  return m;
}

static void mat_add(Cx *cx, Mat *m, Pattern **row) {
  /* expand an or-pattern at the head into one row per alternative */
  if (m->ncols && row[0] && row[0]->kind == PAT_OR) {
    for (size_t i = 0; i < row[0]->elems.len; i++) {
      Pattern **r = ARENA_ARRAY(cx->a, Pattern *, m->ncols);
      memcpy(r, row, m->ncols * sizeof *r);
      r[0] = row[0]->elems.data[i];
      mat_add(cx, m, r);
    }
    return;
  }
  Pattern ***nr = ARENA_ARRAY(cx->a, Pattern **, m->nrows + 1);
  if (m->nrows) memcpy(nr, m->rows, m->nrows * sizeof *nr);
  nr[m->nrows++] = row;
  m->rows = nr;
}

/* Rows whose head is constructor c (or a wildcard), the head replaced by
 * its n sub-patterns. */
static Mat specialize(Cx *cx, const Mat *m, size_t c, size_t n) {
  Mat r = mat_new(cx, m->ncols - 1 + n);
  for (size_t i = 0; i < m->nrows; i++) {
    Pattern **row = m->rows[i];
    Pattern *h = row[0];
    if (!is_wild(h) && head_ctor(h) != (long)c) continue;
    Pattern **nr = ARENA_ARRAY(cx->a, Pattern *, r.ncols + 1);
    sub_patterns(cx, h, n, nr);
    memcpy(nr + n, row + 1, (m->ncols - 1) * sizeof *nr);
    mat_add(cx, &r, nr);
  }
  return r;
}

/* Rows whose head is a wildcard, without it. */
static Mat default_rows(Cx *cx, const Mat *m) {
  Mat r = mat_new(cx, m->ncols - 1);
  for (size_t i = 0; i < m->nrows; i++) {
    if (!is_wild(m->rows[i][0])) continue;
    Pattern **nr = ARENA_ARRAY(cx->a, Pattern *, r.ncols + 1);
    memcpy(nr, m->rows[i] + 1, r.ncols * sizeof *nr);
    mat_add(cx, &r, nr);
  }
  return r;
}

static const char *ctor_text(Cx *cx, Type *t, size_t c, const char **sub,
                             size_t n) {
  t = type_resolve(cx->tc, t);
  StrBuf b;
  sb_init(&b);
  if (t->kind == TY_BOOL) {
    sb_puts(&b, c == 0 ? "true" : "false");
  } else if (t->kind == TY_LIST) {
    if (c == 0) {
      sb_puts(&b, "[]");
    } else {
      /* head, then the tail's own text without its brackets */
      const char *tl = sub[1];
      if (strcmp(tl, "[]") == 0) sb_printf(&b, "[%s]", sub[0]);
      else if (tl[0] == '[') sb_printf(&b, "[%s, %s", sub[0], tl + 1);
      else sb_printf(&b, "[%s, ..]", sub[0]);
    }
  } else if (t->kind == TY_TUPLE) {
    sb_putc(&b, '(');
    for (size_t i = 0; i < n; i++) sb_printf(&b, "%s%s", i ? ", " : "", sub[i]);
    sb_putc(&b, ')');
  } else {
    CtorDecl *k = t->decl->ctors.data[c];
    if (type_decl_is_foreign(cx->tc, t->decl))
      sb_printf(&b, "%s.", t->decl->module);
    sb_puts(&b, k->name);
    if (t->decl->is_record) {
      sb_puts(&b, " { ");
      for (size_t i = 0; i < n; i++)
        sb_printf(&b, "%s%s: %s", i ? ", " : "", k->field_names.data[i], sub[i]);
      sb_puts(&b, " }");
    } else if (n) {
      sb_putc(&b, '(');
      for (size_t i = 0; i < n; i++) sb_printf(&b, "%s%s", i ? ", " : "", sub[i]);
      sb_putc(&b, ')');
    }
  }
  const char *s = arena_strndup(cx->a, b.data ? b.data : "", b.len);
  sb_free(&b);
  return s;
}

/* A vector of values (one text per column) that no row matches, or NULL. */
static const char **witness(Cx *cx, const Mat *m, Type **types) {
  size_t n = m->ncols;
  if (n == 0) {
    if (m->nrows) return NULL;
    return ARENA_ARRAY(cx->a, const char *, 1);
  }
  size_t k = nctors(cx, types[0]);
  if (k == 0 || !any_ctor_head(m)) {
    /* no constructor to split on: a wildcard row covers the column (and
     * splitting a recursive type on nothing would never end) */
    Mat d = default_rows(cx, m);
    const char **w = witness(cx, &d, types + 1);
    if (!w) return NULL;
    const char **r = ARENA_ARRAY(cx->a, const char *, n);
    r[0] = "_";
    memcpy(r + 1, w, (n - 1) * sizeof *r);
    return r;
  }
  for (size_t c = 0; c < k; c++) {
    size_t ar = ctor_arity(cx, types[0], c);
    Type **nt = ARENA_ARRAY(cx->a, Type *, ar + n);
    for (size_t i = 0; i < ar; i++) nt[i] = ctor_field_type(cx, types[0], c, i);
    memcpy(nt + ar, types + 1, (n - 1) * sizeof *nt);
    Mat sp = specialize(cx, m, c, ar);
    const char **w = witness(cx, &sp, nt);
    if (!w) continue;
    const char **r = ARENA_ARRAY(cx->a, const char *, n);
    r[0] = ctor_text(cx, types[0], c, w, ar);
    memcpy(r + 1, w + ar, (n - 1) * sizeof *r);
    return r;
  }
  return NULL;
}

static bool useful(Cx *cx, const Mat *m, Pattern **q, Type **types) {
  size_t n = m->ncols;
  if (n == 0) return m->nrows == 0;
  Pattern *h = q[0];
  if (h && h->kind == PAT_OR) {
    for (size_t i = 0; i < h->elems.len; i++) {
      Pattern **nq = ARENA_ARRAY(cx->a, Pattern *, n);
      memcpy(nq, q, n * sizeof *nq);
      nq[0] = h->elems.data[i];
      if (useful(cx, m, nq, types)) return true;
    }
    return false;
  }
  size_t k = nctors(cx, types[0]);
  if (k == 0 || (!is_wild(h) && head_ctor(h) < 0) ||
      (is_wild(h) && !any_ctor_head(m))) {
    /* infinite type: only wildcard rows cover anything for sure (an arm
     * repeating an earlier literal is not reported; literals never cover
     * their whole type, §9) */
    Mat d = default_rows(cx, m);
    return useful(cx, &d, q + 1, types + 1);
  }
  if (!is_wild(h)) {
    size_t c = (size_t)head_ctor(h);
    size_t ar = ctor_arity(cx, types[0], c);
    Type **nt = ARENA_ARRAY(cx->a, Type *, ar + n);
    for (size_t i = 0; i < ar; i++) nt[i] = ctor_field_type(cx, types[0], c, i);
    memcpy(nt + ar, types + 1, (n - 1) * sizeof *nt);
    Mat sp = specialize(cx, m, c, ar);
    Pattern **nq = ARENA_ARRAY(cx->a, Pattern *, ar + n);
    sub_patterns(cx, h, ar, nq);
    memcpy(nq + ar, q + 1, (n - 1) * sizeof *nq);
    return useful(cx, &sp, nq, nt);
  }
  for (size_t c = 0; c < k; c++) {
    size_t ar = ctor_arity(cx, types[0], c);
    Type **nt = ARENA_ARRAY(cx->a, Type *, ar + n);
    for (size_t i = 0; i < ar; i++) nt[i] = ctor_field_type(cx, types[0], c, i);
    memcpy(nt + ar, types + 1, (n - 1) * sizeof *nt);
    Mat sp = specialize(cx, m, c, ar);
    Pattern **nq = ARENA_ARRAY(cx->a, Pattern *, ar + n);
    for (size_t i = 0; i < ar; i++) nq[i] = NULL;
    memcpy(nq + ar, q + 1, (n - 1) * sizeof *nq);
    if (useful(cx, &sp, nq, nt)) return true;
  }
  return false;
}

const char *sema_missing_case(TypeCtx *tc, Arena *a, Pattern **pats, size_t n,
                              Type *t) {
  Cx cx = {tc, a};
  Mat m = mat_new(&cx, 1);
  for (size_t i = 0; i < n; i++) {
    Pattern **row = ARENA_ARRAY(a, Pattern *, 1);
    row[0] = pats[i];
    mat_add(&cx, &m, row);
  }
  const char **w = witness(&cx, &m, &t);
  return w ? w[0] : NULL;
}

bool sema_pattern_useful(TypeCtx *tc, Arena *a, Pattern **rows, size_t n,
                         Pattern *q, Type *t) {
  Cx cx = {tc, a};
  Mat m = mat_new(&cx, 1);
  for (size_t i = 0; i < n; i++) {
    Pattern **row = ARENA_ARRAY(a, Pattern *, 1);
    row[0] = rows[i];
    mat_add(&cx, &m, row);
  }
  return useful(&cx, &m, &q, &t);
}
