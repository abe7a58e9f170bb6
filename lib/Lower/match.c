/* match.c — §9 `match` compiled to a decision tree.
 *
 * Maranget, "Compiling pattern matching to good decision trees" (ML
 * Workshop 2008). A clause matrix has one column per occurrence — a value
 * reached from the scrutinee by projections, already a GIR value — and one
 * row per arm; an alternative `p | q` becomes a row per branch, both for
 * the same arm. Wildcards and bindings need no test: a row records its
 * bindings (binding → occurrence) and leaves NULL in the column. Then:
 *
 *   - no row left: `unreachable` (Sema's exhaustiveness check says no value
 *     gets here);
 *   - the first row is all NULL: a leaf. Its arm is taken, if its guard
 *     holds; where the guard fails, the rest of the matrix is compiled —
 *     minus the arm's other rows, since a guard is tried once, after the
 *     first alternative that matches, as arms in order always did;
 *   - otherwise the first column the first row tests is chosen (the
 *     "needed by the first row" heuristic), its discriminant is tested once
 *     — a sum's tag (switch; br for two constructors), a Bool, an Int or
 *     Char (switch over the literals, or a comparison tree over the bounds
 *     when ranges are present), a Str (one equality per literal), a list's
 *     length (br or switch over length classes) — and each outcome
 *     compiles its specialised matrix: the column replaced by the fields
 *     or elements the surviving rows look at, projected once, right after
 *     the test; or the default matrix, for what no pattern names.
 *
 * A column disappears once its discriminant is tested (a Str column loses
 * the literal just compared), so on any path each discriminant of each
 * occurrence is tested at most once. `match (a, b)` starts with a column
 * per element: the tuple is built only when an arm binds it whole.
 *
 * Each arm's body is lowered once, in a block whose parameters are the
 * arm's bindings (the non-Unit ones); the leaves jump there. Those jumps
 * are emitted after the whole tree, when it is known which `mut` bindings
 * a guard changed on the way: only those become parameters as well (a
 * guard's assignments, like an `if` condition's, do not outlive its
 * failure: every leaf starts from the muts the match began with).
 */
#include <stdlib.h>
#include <string.h>

#include "lower_internal.h"

#define NO_COL UINT32_MAX

/* A rest binding `..$t`: a slice of a list, computed only at a leaf whose
 * arm binds it (a slice is a copy). */
typedef struct Slice {
  GirValue list;
  GirValue len;         /* GIR_NO_VALUE when the class fixes the length */
  const GirType *lt;
  int64_t from;
  int64_t to;           /* the end; with len: the end is len - to */
  Span span;
} Slice;

/* The bindings a row has made, innermost first; rows derived from one
 * another share their tails. */
typedef struct Env {
  Binding *b;
  GirValue v;           /* the occurrence (unless slice) */
  const Slice *slice;
  struct Env *next;
} Env;

typedef struct Row {
  Pattern **pats;       /* per column; NULL matches anything */
  uint32_t arm;
  Env *env;
} Row;

typedef struct Mat {
  uint32_t ncols;
  GirValue *occ;        /* per column: the value tested … */
  const GirType **ty;   /* … and its type (no value when Unit) */
  VEC(Row) rows;
} Mat;

/* A leaf's jump to its arm, emitted once the arm's block is known. */
typedef struct Edge {
  GirBlock *from;       /* not yet terminated */
  GirValue *vals;       /* the arm's non-Unit bindings */
  GirValue *muts;       /* the values of muts[0..before.n) */
} Edge;

typedef struct ArmInfo {
  PatternVec binds;     /* PAT_BIND / named PAT_REST, of the first branch */
  uint32_t nvals;       /* the non-Unit ones */
  VEC(Edge) edges;
} ArmInfo;

/* A slice already computed on the current path. */
typedef struct Memo {
  GirValue list, len;
  int64_t from, to;
  GirValue val;
} Memo;

typedef struct Mc {
  Lower *L;
  Arena *a;
  Expr *e;
  ArmInfo *info;
  Snapshot before;      /* the muts when the match began */
  VEC(Memo) memo;       /* a stack: cut back at each branch of the tree */
} Mc;

static void compile(Mc *mc, Mat *m);

/* ---- rows ------------------------------------------------------------------ */

/* [..] and [..$rest] match every list. */
static bool list_any(const Pattern *p) {
  return p->kind == PAT_LIST && p->elems.len == 1 &&
         p->elems.data[0]->kind == PAT_REST;
}

static Env *env_push(Mc *mc, Env *next, Binding *b, GirValue v,
                     const Slice *sl) {
  Env *e = ARENA_NEW(mc->a, Env);
  *e = (Env){b, v, sl, next};
  return e;
}

/* Adds row r to m, first taking off what needs no test: wildcards and
 * bindings become NULL (a binding goes to the row's env), a Unit column
 * has one value, and an alternative becomes a row per branch, in order. */
static void add_row(Mc *mc, Mat *m, Row r) {
  for (uint32_t j = 0; j < m->ncols; j++) {
    Pattern *p = r.pats[j];
    if (!p) continue;
    switch (p->kind) {
    case PAT_OR:
      for (size_t k = 0; k < p->elems.len; k++) {
        Row alt = r;
        alt.pats = ARENA_ARRAY(mc->a, Pattern *, m->ncols);
        memcpy(alt.pats, r.pats, m->ncols * sizeof *alt.pats);
        alt.pats[j] = p->elems.data[k];
        add_row(mc, m, alt);
      }
      return;
    case PAT_BIND:
      r.env = env_push(mc, r.env, p->binding, m->occ[j], NULL);
      break;
    case PAT_WILD:
      break;
    default:
      if (list_any(p)) {
        Binding *b = p->elems.data[0]->binding;
        if (b) r.env = env_push(mc, r.env, b, m->occ[j], NULL);
        break;
      }
      if (m->ty[j]->kind == GIR_T_UNIT) break; /* `()` */
      continue; /* a test */
    }
    r.pats[j] = NULL;
  }
  VEC_PUSH(mc->a, m->rows, r);
}

/* A matrix with the columns of m but j (NO_COL: all of them), after
 * `nnew` new ones; rows come with mat_add. */
static Mat mat_derive(Mc *mc, const Mat *m, uint32_t j, uint32_t nnew,
                      const GirValue *occ, const GirType **ty) {
  Mat d = {0};
  d.ncols = nnew + m->ncols - (j == NO_COL ? 0 : 1);
  d.occ = ARENA_ARRAY(mc->a, GirValue, d.ncols + 1);
  d.ty = ARENA_ARRAY(mc->a, const GirType *, d.ncols + 1);
  uint32_t k = 0;
  for (uint32_t i = 0; i < nnew; i++, k++) {
    d.occ[k] = occ[i];
    d.ty[k] = ty[i];
  }
  for (uint32_t c = 0; c < m->ncols; c++) {
    if (c == j) continue;
    d.occ[k] = m->occ[c];
    d.ty[k++] = m->ty[c];
  }
  return d;
}

/* Adds row r of m to d (made by mat_derive(m, j, nnew)): its patterns for
 * the new columns are sub[0..nnew) (NULL: all wildcards). */
static void mat_add(Mc *mc, Mat *d, const Mat *m, uint32_t j, Row r,
                    Pattern **sub, uint32_t nnew) {
  Pattern **pats = ARENA_ARRAY(mc->a, Pattern *, d->ncols + 1);
  uint32_t k = 0;
  for (uint32_t i = 0; i < nnew; i++) pats[k++] = sub ? sub[i] : NULL;
  for (uint32_t c = 0; c < m->ncols; c++)
    if (c != j) pats[k++] = r.pats[c];
  r.pats = pats;
  add_row(mc, d, r);
}

/* The rows i of m with keep[i], without column j (or with every column:
 * NO_COL). */
static Mat select_rows(Mc *mc, const Mat *m, const bool *keep, uint32_t j) {
  Mat d = mat_derive(mc, m, j, 0, NULL, NULL);
  for (size_t i = 0; i < m->rows.len; i++)
    if (keep[i]) mat_add(mc, &d, m, j, m->rows.data[i], NULL, 0);
  return d;
}

/* Continues in b, one outcome of the test just emitted: what the path
 * before the test computed is all that is known there. */
static void enter(Mc *mc, GirBlock *b, size_t memo_len) {
  gir_set_block(&mc->L->g, b);
  mc->memo.len = memo_len;
}

static GirBlock *new_block(Mc *mc, const char *label) {
  return gir_block_new(mc->L->m, mc->L->g.f, label);
}

static bool *new_keep(Mc *mc, const Mat *m) {
  return ARENA_ARRAY(mc->a, bool, m->rows.len + 1);
}

/* The default matrix: the rows that match anything in column j. */
static void compile_default(Mc *mc, Mat *m, uint32_t j) {
  bool *keep = new_keep(mc, m);
  for (size_t i = 0; i < m->rows.len; i++) keep[i] = !m->rows.data[i].pats[j];
  Mat d = select_rows(mc, m, keep, j);
  compile(mc, &d);
}

/* Do the rows `ka` and the rows `kb` of m leave the same matrix once
 * column j is gone? The branches of `1 | 2 | 3` do: their outcomes share
 * one block. */
static bool same_rest(const Mat *m, uint32_t j, const bool *ka,
                      const bool *kb) {
  size_t a = 0, b = 0, n = m->rows.len;
  for (;; a++, b++) {
    while (a < n && !ka[a]) a++;
    while (b < n && !kb[b]) b++;
    if (a == n || b == n) return a == n && b == n;
    const Row *x = &m->rows.data[a], *y = &m->rows.data[b];
    if (x->arm != y->arm || x->env != y->env) return false;
    for (uint32_t c = 0; c < m->ncols; c++)
      if (c != j && x->pats[c] != y->pats[c]) return false;
  }
}

/* ---- constructors ---------------------------------------------------------- */

static uint32_t ctor_of(const Pattern *p) {
  return p->kind == PAT_CTOR ? p->ctor->index : 0; /* records, tuples: 0 */
}

/* p's sub-pattern for each field of its constructor (NULL: not named). */
static Pattern **ctor_subs(Mc *mc, const Pattern *p, uint32_t nf) {
  Pattern **s = ARENA_ARRAY(mc->a, Pattern *, nf + 1);
  if (p->kind == PAT_RECORD) {
    for (size_t i = 0; i < p->fields.len; i++)
      s[p->field_index[i]] = p->fields.data[i].pat;
    return s;
  }
  for (uint32_t i = 0; i < nf && i < p->elems.len; i++) s[i] = p->elems.data[i];
  return s;
}

/* Column j has constructor c: its fields replace it. Only the fields some
 * row looks at (not `_`) are projected, once, here. */
static void spec_ctor(Mc *mc, Mat *m, uint32_t j, uint32_t c) {
  Lower *L = mc->L;
  const GirType *t = m->ty[j];
  const GirCtor *k = &t->ctors[c];
  uint32_t nf = k->nfields;
  size_t nr = m->rows.len;
  Pattern ***subs = ARENA_ARRAY(mc->a, Pattern **, nr + 1);
  bool *used = ARENA_ARRAY(mc->a, bool, nf + 1);
  for (size_t i = 0; i < nr; i++) {
    Pattern *p = m->rows.data[i].pats[j];
    if (!p || ctor_of(p) != c) continue;
    subs[i] = ctor_subs(mc, p, nf);
    for (uint32_t f = 0; f < nf; f++)
      if (subs[i][f] && subs[i][f]->kind != PAT_WILD) used[f] = true;
  }
  GirValue *occ = ARENA_ARRAY(mc->a, GirValue, nf + 1);
  const GirType **ty = ARENA_ARRAY(mc->a, const GirType *, nf + 1);
  uint32_t n = 0;
  Span sp = m->rows.data[0].pats[j] ? m->rows.data[0].pats[j]->span
                                    : mc->e->span;
  for (uint32_t f = 0; f < nf; f++) {
    if (!used[f]) continue;
    ty[n] = k->fields[f];
    occ[n] = ty[n]->kind == GIR_T_UNIT
                 ? GIR_NO_VALUE
                 : gir_proj(&L->g, m->occ[j], t, c, f, sp);
    n++;
  }
  Mat d = mat_derive(mc, m, j, n, occ, ty);
  Pattern **row_sub = ARENA_ARRAY(mc->a, Pattern *, n + 1);
  for (size_t i = 0; i < nr; i++) {
    Row r = m->rows.data[i];
    if (r.pats[j] && !subs[i]) continue; /* another constructor */
    uint32_t x = 0;
    for (uint32_t f = 0; f < nf; f++)
      if (used[f]) row_sub[x++] = subs[i] ? subs[i][f] : NULL;
    mat_add(mc, &d, m, j, r, row_sub, n);
  }
  compile(mc, &d);
}

/* A sum's tag, tested once: a br when there are two outcomes, else one
 * switch (a constructor no row names goes to the default matrix). A
 * record, tuple or single-constructor sum needs no test. */
static void split_ctor(Mc *mc, Mat *m, uint32_t j) {
  Lower *L = mc->L;
  const GirType *t = m->ty[j];
  if (t->nctors == 1) {
    spec_ctor(mc, m, j, 0);
    return;
  }
  Span sp = m->rows.data[0].pats[j]->span;
  uint32_t *cs = ARENA_ARRAY(mc->a, uint32_t, t->nctors);
  bool *seen = ARENA_ARRAY(mc->a, bool, t->nctors);
  uint32_t n = 0;
  for (size_t i = 0; i < m->rows.len; i++) {
    Pattern *p = m->rows.data[i].pats[j];
    if (p && !seen[ctor_of(p)]) {
      seen[ctor_of(p)] = true;
      cs[n++] = ctor_of(p);
    }
  }
  bool complete = n == t->nctors;
  GirValue tag = gir_tag(&L->g, m->occ[j], sp);
  size_t memo = mc->memo.len;
  if (n + !complete == 2) {
    GirBlock *yes = new_block(mc, "case"), *no = new_block(mc, "case");
    GirValue want = gir_const_int(&L->g, cs[0], sp);
    gir_br(&L->g, gir_op2(&L->g, GIR_OP_IEQ, &gir_t_bool, tag, want, sp), yes,
           no, sp);
    enter(mc, yes, memo);
    spec_ctor(mc, m, j, cs[0]);
    enter(mc, no, memo);
    if (complete) spec_ctor(mc, m, j, cs[1]);
    else compile_default(mc, m, j);
    return;
  }
  GirCase *cases = ARENA_ARRAY(mc->a, GirCase, n);
  for (uint32_t i = 0; i < n; i++)
    cases[i] = (GirCase){cs[i], new_block(mc, "case")};
  GirBlock *other = complete ? NULL : new_block(mc, "default");
  gir_switch(&L->g, tag, cases, n, other, sp);
  for (uint32_t i = 0; i < n; i++) {
    enter(mc, cases[i].target, memo);
    spec_ctor(mc, m, j, cs[i]);
  }
  if (other) {
    enter(mc, other, memo);
    compile_default(mc, m, j);
  }
}

/* ---- literals: Bool, Int, Char, Str ------------------------------------------ */

static int64_t lit_int(const Expr *lit) {
  switch (lit->kind) {
  case EX_INT: return lit->i.value;
  case EX_CHAR: return lit->ch.value;
  case EX_BOOL: return lit->b.value;
  default: GJ_UNREACHABLE("literal pattern of a scalar type");
  }
}

/* The values [lo, hi] a literal or range pattern matches; false when
 * none (an empty range such as 5..5). */
static bool pat_interval(const Pattern *p, int64_t *lo, int64_t *hi) {
  *lo = lit_int(p->lit);
  if (p->kind == PAT_LIT) {
    *hi = *lo;
    return true;
  }
  *hi = lit_int(p->lit_hi);
  if (!p->inclusive) {
    if (*hi == INT64_MIN) return false;
    *hi -= 1;
  }
  return *lo <= *hi;
}

static bool pat_covers(const Pattern *p, int64_t x) {
  int64_t lo, hi;
  return pat_interval(p, &lo, &hi) && lo <= x && x <= hi;
}

/* The rows that match x in column j. */
static bool *keep_value(Mc *mc, const Mat *m, uint32_t j, int64_t x) {
  bool *keep = new_keep(mc, m);
  for (size_t i = 0; i < m->rows.len; i++) {
    Pattern *p = m->rows.data[i].pats[j];
    keep[i] = !p || pat_covers(p, x);
  }
  return keep;
}

static void compile_rows(Mc *mc, Mat *m, uint32_t j, const bool *keep) {
  Mat d = select_rows(mc, m, keep, j);
  compile(mc, &d);
}

static void split_bool(Mc *mc, Mat *m, uint32_t j) {
  Span sp = m->rows.data[0].pats[j]->span;
  GirBlock *yes = new_block(mc, "true"), *no = new_block(mc, "false");
  gir_br(&mc->L->g, m->occ[j], yes, no, sp);
  size_t memo = mc->memo.len;
  enter(mc, yes, memo);
  compile_rows(mc, m, j, keep_value(mc, m, j, 1));
  enter(mc, no, memo);
  compile_rows(mc, m, j, keep_value(mc, m, j, 0));
}

static GirValue scalar_const(Mc *mc, bool is_char, int64_t x, Span sp) {
  return is_char ? gir_const_char(&mc->L->g, (uint32_t)x, sp)
                 : gir_const_int(&mc->L->g, x, sp);
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* Segments lo..hi of the line (segment s starts at pts[s - 1]; segment 0
 * at INT64_MIN), each going to seg[s]: a balanced tree of `v < bound`
 * tests, emitted in `here` (or a new block); returns where to go. */
static GirBlock *range_tree(Mc *mc, GirValue v, bool is_char,
                            const int64_t *pts, GirBlock **seg, uint32_t lo,
                            uint32_t hi, GirBlock *here, Span sp) {
  bool same = true;
  for (uint32_t s = lo + 1; s <= hi; s++) same &= seg[s] == seg[lo];
  if (same && !here) return seg[lo];
  GirBuilder *g = &mc->L->g;
  GirBlock *b = here ? here : new_block(mc, "range");
  if (same) {
    gir_set_block(g, b);
    gir_jmp(g, seg[lo], NULL, 0, sp);
    return b;
  }
  uint32_t mid = lo + (hi - lo + 1) / 2; /* the right half starts there */
  GirBlock *left = range_tree(mc, v, is_char, pts, seg, lo, mid - 1, NULL, sp);
  GirBlock *right = range_tree(mc, v, is_char, pts, seg, mid, hi, NULL, sp);
  gir_set_block(g, b);
  GirValue bound = scalar_const(mc, is_char, pts[mid - 1], sp);
  gir_br(g, gir_op2(g, GIR_OP_ILT, &gir_t_bool, v, bound, sp), left, right, sp);
  return b;
}

/* With ranges: the bounds of all patterns cut the line into segments on
 * which every pattern either always or never matches; a comparison tree
 * finds the segment, and segments where the same rows match share their
 * matrix. */
static void split_ranges(Mc *mc, Mat *m, uint32_t j) {
  Lower *L = mc->L;
  size_t nr = m->rows.len;
  Span sp = m->rows.data[0].pats[j]->span;
  int64_t *pts = ARENA_ARRAY(mc->a, int64_t, 2 * nr + 1);
  uint32_t np = 0;
  for (size_t i = 0; i < nr; i++) {
    Pattern *p = m->rows.data[i].pats[j];
    int64_t lo, hi;
    if (!p || !pat_interval(p, &lo, &hi)) continue;
    if (lo != INT64_MIN) pts[np++] = lo;
    if (hi != INT64_MAX) pts[np++] = hi + 1;
  }
  qsort(pts, np, sizeof *pts, cmp_i64);
  uint32_t u = 0;
  for (uint32_t i = 0; i < np; i++)
    if (u == 0 || pts[u - 1] != pts[i]) pts[u++] = pts[i];
  np = u;
  /* per segment, which rows match; a block per distinct row set */
  uint32_t nseg = np + 1;
  bool **keep = ARENA_ARRAY(mc->a, bool *, nseg);
  GirBlock **seg = ARENA_ARRAY(mc->a, GirBlock *, nseg);
  for (uint32_t s = 0; s < nseg; s++) {
    int64_t x = s == 0 ? INT64_MIN : pts[s - 1];
    keep[s] = keep_value(mc, m, j, x);
    for (uint32_t t = 0; t < s && !seg[s]; t++)
      if (same_rest(m, j, keep[t], keep[s])) seg[s] = seg[t];
    if (!seg[s]) seg[s] = new_block(mc, "segment");
  }
  bool is_char = m->ty[j]->kind == GIR_T_CHAR;
  range_tree(mc, m->occ[j], is_char, pts, seg, 0, np, L->g.b, sp);
  size_t memo = mc->memo.len;
  for (uint32_t s = 0; s < nseg; s++) {
    bool first = true;
    for (uint32_t t = 0; t < s; t++) first &= seg[t] != seg[s];
    if (!first) continue;
    enter(mc, seg[s], memo);
    compile_rows(mc, m, j, keep[s]);
  }
}

/* Int and Char: with ranges, split_ranges; with literals only, one
 * switch (a br for one literal) whose default is the default matrix. */
static void split_int(Mc *mc, Mat *m, uint32_t j) {
  Lower *L = mc->L;
  GirBuilder *g = &L->g;
  size_t nr = m->rows.len;
  for (size_t i = 0; i < nr; i++)
    if (m->rows.data[i].pats[j] && m->rows.data[i].pats[j]->kind == PAT_RANGE) {
      split_ranges(mc, m, j);
      return;
    }
  Span sp = m->rows.data[0].pats[j]->span;
  int64_t *xs = ARENA_ARRAY(mc->a, int64_t, nr);
  uint32_t n = 0;
  for (size_t i = 0; i < nr; i++) {
    Pattern *p = m->rows.data[i].pats[j];
    if (!p) continue;
    int64_t x = lit_int(p->lit);
    bool seen = false;
    for (uint32_t k = 0; k < n; k++) seen |= xs[k] == x;
    if (!seen) xs[n++] = x;
  }
  bool is_char = m->ty[j]->kind == GIR_T_CHAR;
  GirValue v = m->occ[j];
  size_t memo = mc->memo.len;
  GirBlock *other = new_block(mc, "default");
  bool **keep = ARENA_ARRAY(mc->a, bool *, n);
  GirCase *cases = ARENA_ARRAY(mc->a, GirCase, n);
  for (uint32_t k = 0; k < n; k++) {
    keep[k] = keep_value(mc, m, j, xs[k]);
    cases[k] = (GirCase){xs[k], NULL};
    for (uint32_t t = 0; t < k && !cases[k].target; t++)
      if (same_rest(m, j, keep[t], keep[k])) cases[k].target = cases[t].target;
    if (!cases[k].target) cases[k].target = new_block(mc, "case");
  }
  if (n == 1) {
    GirValue c = scalar_const(mc, is_char, xs[0], sp);
    gir_br(g, gir_op2(g, GIR_OP_IEQ, &gir_t_bool, v, c, sp), cases[0].target,
           other, sp);
  } else {
    GirValue sv = is_char ? gir_op1(g, GIR_OP_C2I, &gir_t_int, v, sp) : v;
    gir_switch(g, sv, cases, n, other, sp);
  }
  for (uint32_t k = 0; k < n; k++) {
    bool first = true;
    for (uint32_t t = 0; t < k; t++) first &= cases[t].target != cases[k].target;
    if (!first) continue;
    enter(mc, cases[k].target, memo);
    compile_rows(mc, m, j, keep[k]);
  }
  enter(mc, other, memo);
  compile_default(mc, m, j);
}

/* The text of a Str literal (§9: without interpolation). */
static void str_text(Mc *mc, const Expr *lit, const char **data, size_t *len) {
  size_t n = 0;
  for (size_t i = 0; i < lit->str.segs.len; i++) n += lit->str.segs.data[i].len;
  char *buf = ARENA_ARRAY(mc->a, char, n + 1);
  size_t k = 0;
  for (size_t i = 0; i < lit->str.segs.len; i++) {
    memcpy(buf + k, lit->str.segs.data[i].text, lit->str.segs.data[i].len);
    k += lit->str.segs.data[i].len;
  }
  *data = buf;
  *len = n;
}

static bool str_is(Mc *mc, const Pattern *p, const char *s, size_t n) {
  const char *t;
  size_t tn;
  str_text(mc, p->lit, &t, &tn);
  return tn == n && memcmp(t, s, n) == 0;
}

/* Str: one equality with the first row's literal; where it holds the
 * column is done, where it fails that literal is gone from it. */
static void split_str(Mc *mc, Mat *m, uint32_t j) {
  Lower *L = mc->L;
  Pattern *p0 = m->rows.data[0].pats[j];
  Span sp = p0->span;
  const char *s;
  size_t n;
  str_text(mc, p0->lit, &s, &n);
  GirValue args[2] = {m->occ[j], gir_const_str(&L->g, s, n, sp)};
  GirValue eq = gir_call_rt(&L->g, GIR_RT_STR_EQ, args, 2, sp);
  GirBlock *yes = new_block(mc, "case"), *no = new_block(mc, "default");
  gir_br(&L->g, eq, yes, no, sp);
  size_t memo = mc->memo.len;
  for (int hit = 1; hit >= 0; hit--) {
    enter(mc, hit ? yes : no, memo);
    bool *keep = new_keep(mc, m);
    for (size_t i = 0; i < m->rows.len; i++) {
      Pattern *p = m->rows.data[i].pats[j];
      keep[i] = !p || str_is(mc, p, s, n) == hit;
    }
    Mat d = select_rows(mc, m, keep, hit ? j : NO_COL);
    compile(mc, &d);
  }
}

/* ---- lists ------------------------------------------------------------------- */

/* A list pattern's shape: `front` elements, then (with rest) `..` and
 * `back` more; without rest exactly front elements. */
typedef struct Shape {
  bool rest;
  uint32_t front, back;
} Shape;

static Shape shape_of(const Pattern *p) {
  Shape sh = {false, (uint32_t)p->elems.len, 0};
  for (size_t i = 0; i < p->elems.len; i++)
    if (p->elems.data[i]->kind == PAT_REST)
      sh = (Shape){true, (uint32_t)i, (uint32_t)(p->elems.len - 1 - i)};
  return sh;
}

/* Does p match lists of length n (more: of every length above the
 * largest a pattern names)? */
static bool shape_fits(const Pattern *p, int64_t n, bool more) {
  if (!p) return true;
  Shape sh = shape_of(p);
  if (!sh.rest) return !more && n == sh.front;
  return more || n >= sh.front + sh.back;
}

/* An element's place: i >= 0 counts from the front, i < 0 is len + i. */
static int64_t elem_key(Shape sh, uint32_t e, int64_t fixed_len) {
  if (!sh.rest || e < sh.front) return e;
  int64_t from_end = (int64_t)sh.back - (e - sh.front - 1);
  return fixed_len >= 0 ? fixed_len - from_end : -from_end;
}

static int cmp_key(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  if ((x < 0) != (y < 0)) return x < 0 ? 1 : -1; /* front before back */
  return (x > y) - (x < y);
}

/* The element places the rows `keep` look at in column j, in order. */
static uint32_t elem_keys(Mc *mc, const Mat *m, uint32_t j, const bool *keep,
                          int64_t fixed_len, int64_t **out) {
  VEC(int64_t) keys = {0};
  for (size_t i = 0; i < m->rows.len; i++) {
    Pattern *p = m->rows.data[i].pats[j];
    if (!keep[i] || !p) continue;
    Shape sh = shape_of(p);
    for (uint32_t e = 0; e < p->elems.len; e++) {
      Pattern *sub = p->elems.data[e];
      if (sub->kind == PAT_REST || sub->kind == PAT_WILD) continue;
      int64_t k = elem_key(sh, e, fixed_len);
      bool seen = false;
      for (size_t x = 0; x < keys.len; x++) seen |= keys.data[x] == k;
      if (!seen) VEC_PUSH(mc->a, keys, k);
    }
  }
  if (keys.len) qsort(keys.data, keys.len, sizeof *keys.data, cmp_key);
  *out = keys.data;
  return (uint32_t)keys.len;
}

/* Row r's patterns for the element places keys[0..n) (into sub); its rest
 * binding, if any, goes to its env. */
static Row list_row(Mc *mc, Row r, const Pattern *p, GirValue list,
                    GirValue len, const GirType *lt, int64_t fixed_len,
                    const int64_t *keys, uint32_t n, Pattern **sub) {
  memset(sub, 0, (n + 1) * sizeof *sub);
  if (!p) return r;
  Shape sh = shape_of(p);
  for (uint32_t e = 0; e < p->elems.len; e++) {
    Pattern *el = p->elems.data[e];
    if (el->kind == PAT_REST) {
      if (!el->binding) continue;
      Slice *sl = ARENA_NEW(mc->a, Slice);
      *sl = (Slice){list, fixed_len >= 0 ? GIR_NO_VALUE : len, lt, sh.front,
                    fixed_len >= 0 ? fixed_len - sh.back : sh.back, el->span};
      r.env = env_push(mc, r.env, el->binding, GIR_NO_VALUE, sl);
      continue;
    }
    int64_t k = elem_key(sh, e, fixed_len);
    for (uint32_t x = 0; x < n; x++)
      if (keys[x] == k) sub[x] = el;
  }
  return r;
}

/* One length class: the rows `keep` that fit it; fixed_len >= 0 when it
 * holds one length only. The elements its rows look at replace the
 * column, each read once, here. */
static void spec_list(Mc *mc, Mat *m, uint32_t j, GirValue len,
                      const bool *keep, int64_t fixed_len) {
  GirBuilder *g = &mc->L->g;
  GirValue v = m->occ[j];
  const GirType *lt = m->ty[j];
  int64_t *keys;
  uint32_t n = elem_keys(mc, m, j, keep, fixed_len, &keys);
  GirValue *occ = ARENA_ARRAY(mc->a, GirValue, n + 1);
  const GirType **ty = ARENA_ARRAY(mc->a, const GirType *, n + 1);
  Span sp = m->rows.data[0].pats[j] ? m->rows.data[0].pats[j]->span
                                    : mc->e->span;
  for (uint32_t x = 0; x < n; x++) {
    int64_t k = keys[x];
    GirValue idx = gir_const_int(g, k < 0 ? -k : k, sp);
    if (k < 0) idx = gir_op2(g, GIR_OP_ISUB, &gir_t_int, len, idx, sp);
    ty[x] = lt->elem;
    occ[x] = lt->elem->kind == GIR_T_UNIT
                 ? GIR_NO_VALUE
                 : gir_op2(g, GIR_OP_LIST_GET, lt->elem, v, idx, sp);
  }
  Mat d = mat_derive(mc, m, j, n, occ, ty);
  Pattern **sub = ARENA_ARRAY(mc->a, Pattern *, n + 1);
  for (size_t i = 0; i < m->rows.len; i++) {
    if (!keep[i]) continue;
    Row r = m->rows.data[i];
    r = list_row(mc, r, r.pats[j], v, len, lt, fixed_len, keys, n, sub);
    mat_add(mc, &d, m, j, r, sub, n);
  }
  compile(mc, &d);
}

/* The lengths 0 .. nl - 2 (the longest a pattern of the column names)
 * and nl - 1, standing for every longer one, grouped into classes (see
 * same_class). */
typedef struct LenClasses {
  uint32_t nl, n;
  uint32_t *cls;        /* per length: its class */
  uint32_t *first;      /* per class: its first length */
  uint32_t *size;       /* per class: how many lengths */
  bool **keep;          /* per length: the rows that fit it */
  uint32_t longer;      /* the class of nl - 1 */
} LenClasses;

/* Do the rows `keep` look at no element and bind no rest? */
static bool no_elems(const Mat *m, uint32_t j, const bool *keep) {
  for (size_t i = 0; i < m->rows.len; i++) {
    Pattern *p = m->rows.data[i].pats[j];
    for (size_t e = 0; keep[i] && p && e < p->elems.len; e++) {
      Pattern *el = p->elems.data[e];
      if (el->kind != PAT_WILD && (el->kind != PAT_REST || el->binding))
        return false;
    }
  }
  return true;
}

/* Lengths share a class when the same rows fit them, or when the rows
 * that do only count elements (`[] | [_]`) and leave the same matrix. */
static bool same_class(const Mat *m, uint32_t j, const bool *a,
                       const bool *b) {
  if (memcmp(a, b, m->rows.len * sizeof(bool)) == 0) return true;
  return no_elems(m, j, a) && no_elems(m, j, b) && same_rest(m, j, a, b);
}

static LenClasses len_classes(Mc *mc, const Mat *m, uint32_t j) {
  size_t nr = m->rows.len;
  int64_t maxlen = 0;
  for (size_t i = 0; i < nr; i++) {
    Pattern *p = m->rows.data[i].pats[j];
    if (!p) continue;
    Shape sh = shape_of(p);
    if (sh.front + sh.back > maxlen) maxlen = sh.front + sh.back;
  }
  LenClasses lc = {.nl = (uint32_t)maxlen + 2};
  lc.cls = ARENA_ARRAY(mc->a, uint32_t, lc.nl);
  lc.first = ARENA_ARRAY(mc->a, uint32_t, lc.nl);
  lc.size = ARENA_ARRAY(mc->a, uint32_t, lc.nl);
  lc.keep = ARENA_ARRAY(mc->a, bool *, lc.nl);
  for (uint32_t k = 0; k < lc.nl; k++) {
    lc.keep[k] = new_keep(mc, m);
    for (size_t i = 0; i < nr; i++)
      lc.keep[k][i] = shape_fits(m->rows.data[i].pats[j], k, k == lc.nl - 1);
    uint32_t c = 0;
    while (c < lc.n && !same_class(m, j, lc.keep[lc.first[c]], lc.keep[k]))
      c++;
    if (c == lc.n) lc.first[lc.n++] = k;
    lc.cls[k] = c;
    lc.size[c]++;
  }
  lc.longer = lc.cls[lc.nl - 1];
  return lc;
}

/* Branches on len to the blocks of its classes: with two classes a br
 * when the other one is one length or all lengths up to some, else a
 * switch whose default is the longer lengths' class. */
static void branch_on_len(Mc *mc, const LenClasses *lc, GirValue len,
                          GirBlock **blk, Span sp) {
  GirBuilder *g = &mc->L->g;
  if (lc->n == 2) {
    uint32_t other = 1 - lc->longer, upto = 0;
    while (lc->cls[upto + 1] == other) upto++;
    GirValue cond = GIR_NO_VALUE;
    if (lc->size[other] == 1)
      cond = gir_op2(g, GIR_OP_IEQ, &gir_t_bool, len,
                     gir_const_int(g, lc->first[other], sp), sp);
    else if (lc->first[other] == 0 && upto + 1 == lc->size[other])
      cond = gir_op2(g, GIR_OP_ILE, &gir_t_bool, len,
                     gir_const_int(g, upto, sp), sp);
    if (cond != GIR_NO_VALUE) {
      gir_br(g, cond, blk[other], blk[lc->longer], sp);
      return;
    }
  }
  GirCase *cases = ARENA_ARRAY(mc->a, GirCase, lc->nl);
  uint32_t n = 0;
  for (uint32_t k = 0; k + 1 < lc->nl; k++)
    if (lc->cls[k] != lc->longer) cases[n++] = (GirCase){k, blk[lc->cls[k]]};
  gir_switch(g, len, cases, n, blk[lc->longer], sp);
}

/* A list's length, read and tested once: each class of lengths (see
 * LenClasses) compiles the rows that fit it. */
static void split_list(Mc *mc, Mat *m, uint32_t j) {
  GirBuilder *g = &mc->L->g;
  Span sp = m->rows.data[0].pats[j]->span;
  LenClasses lc = len_classes(mc, m, j);
  GirValue len = gir_op1(g, GIR_OP_LIST_LEN, &gir_t_int, m->occ[j], sp);
  GirBlock **blk = ARENA_ARRAY(mc->a, GirBlock *, lc.n);
  for (uint32_t c = 0; c < lc.n; c++)
    blk[c] = lc.n == 1 ? g->b
                       : new_block(mc, c == lc.longer ? "len.more" : "len");
  if (lc.n > 1) branch_on_len(mc, &lc, len, blk, sp);
  size_t memo = mc->memo.len;
  for (uint32_t c = 0; c < lc.n; c++) {
    if (lc.n > 1) enter(mc, blk[c], memo);
    bool fixed = c != lc.longer && lc.size[c] == 1;
    spec_list(mc, m, j, len, lc.keep[lc.first[c]],
              fixed ? (int64_t)lc.first[c] : -1);
  }
}

/* ---- leaves ---------------------------------------------------------------- */

static GirValue slice_value(Mc *mc, const Slice *sl) {
  for (size_t i = mc->memo.len; i-- > 0;) {
    Memo *me = &mc->memo.data[i];
    if (me->list == sl->list && me->len == sl->len && me->from == sl->from &&
        me->to == sl->to)
      return me->val;
  }
  GirBuilder *g = &mc->L->g;
  GirValue to = sl->len;
  if (sl->len == GIR_NO_VALUE) to = gir_const_int(g, sl->to, sl->span);
  else if (sl->to)
    to = gir_op2(g, GIR_OP_ISUB, &gir_t_int, sl->len,
                 gir_const_int(g, sl->to, sl->span), sl->span);
  GirValue args[3] = {sl->list, gir_const_int(g, sl->from, sl->span), to};
  GirValue v = gir_op(g, GIR_OP_LIST_SLICE, sl->lt, args, 3, sl->span);
  Memo me = {sl->list, sl->len, sl->from, sl->to, v};
  VEC_PUSH(mc->a, mc->memo, me);
  return v;
}

static GirValue env_value(Mc *mc, const Env *env, const Binding *b) {
  for (; env; env = env->next)
    if (env->b == b) return env->slice ? slice_value(mc, env->slice) : env->v;
  GJ_UNREACHABLE("a binding its pattern never made");
}

/* The first row matches: bind its arm's names, try the guard, and record
 * the jump to the arm. Where the guard fails, the later arms' rows go on
 * (§9: not the arm's other alternatives; its guard ran once). */
static void leaf(Mc *mc, Mat *m) {
  Lower *L = mc->L;
  Row r0 = m->rows.data[0];
  ArmInfo *ai = &mc->info[r0.arm];
  MatchArm *arm = &mc->e->match.arms.data[r0.arm];
  Edge ed = {.vals = ARENA_ARRAY(mc->a, GirValue, ai->nvals + 1)};
  uint32_t k = 0;
  for (size_t i = 0; i < ai->binds.len; i++) {
    Binding *b = ai->binds.data[i]->binding;
    GirValue v = env_value(mc, r0.env, b);
    L->vals[b->id] = v;
    if (gty(b->ty)->kind != GIR_T_UNIT) ed.vals[k++] = v;
  }
  GirBlock *fail = NULL;
  size_t nmuts = L->muts.len;
  if (arm->guard) {
    fail = new_block(mc, "guard.fail");
    lower_cond(L, arm->guard, fail);
  }
  if (!dead(L)) {
    ed.from = L->g.b;
    ed.muts = ARENA_ARRAY(mc->a, GirValue, mc->before.n + 1);
    for (size_t i = 0; i < mc->before.n; i++)
      ed.muts[i] = L->vals[L->muts.data[i]->id];
    VEC_PUSH(mc->a, ai->edges, ed);
  }
  L->muts.len = nmuts;
  restore(L, mc->before);
  if (!fail) return;
  gir_set_block(&L->g, fail);
  bool *keep = new_keep(mc, m);
  for (size_t i = 1; i < m->rows.len; i++)
    keep[i] = m->rows.data[i].arm > r0.arm;
  Mat d = select_rows(mc, m, keep, NO_COL);
  compile(mc, &d);
}

static void compile(Mc *mc, Mat *m) {
  if (m->rows.len == 0) {
    /* exhaustive (Sema checked): no value gets here */
    gir_unreachable(&mc->L->g, mc->e->span);
    return;
  }
  Row *r0 = &m->rows.data[0];
  uint32_t j = 0;
  while (j < m->ncols && !r0->pats[j]) j++;
  if (j == m->ncols) {
    leaf(mc, m);
    return;
  }
  switch (m->ty[j]->kind) {
  case GIR_T_OBJ: split_ctor(mc, m, j); return;
  case GIR_T_BOOL: split_bool(mc, m, j); return;
  case GIR_T_INT: case GIR_T_CHAR: split_int(mc, m, j); return;
  case GIR_T_STR: split_str(mc, m, j); return;
  case GIR_T_LIST: split_list(mc, m, j); return;
  default: GJ_UNREACHABLE("a pattern on a type without patterns");
  }
}

/* ---- arms ---------------------------------------------------------------------- */

/* The block of arm a: its bindings, then each mut some guard on the way
 * changed (threaded[i]); every leaf of the arm jumps to it. */
static GirBlock *arm_block(Mc *mc, uint32_t a, bool *threaded) {
  Lower *L = mc->L;
  ArmInfo *ai = &mc->info[a];
  GirBlock *b = new_block(mc, "arm");
  for (size_t i = 0; i < ai->binds.len; i++) {
    Binding *x = ai->binds.data[i]->binding;
    if (gty(x->ty)->kind != GIR_T_UNIT)
      gir_block_add_param(L->m, L->g.f, b, gty(x->ty));
  }
  size_t nm = mc->before.n;
  uint32_t nthreaded = 0;
  for (size_t i = 0; i < nm; i++) {
    Binding *mb = L->muts.data[i];
    threaded[i] = false;
    if (gty(mb->ty)->kind == GIR_T_UNIT) continue;
    for (size_t e = 0; e < ai->edges.len; e++)
      threaded[i] |= ai->edges.data[e].muts[i] != mc->before.vals[i];
    if (!threaded[i]) continue;
    GirValue p = gir_block_add_param(L->m, L->g.f, b, gty(mb->ty));
    gir_value_set_dbg(L->g.f, p, mb->name, mb->span);
    nthreaded++;
  }
  GirValue *args = ARENA_ARRAY(mc->a, GirValue, ai->nvals + nthreaded + 1);
  Span sp = mc->e->match.arms.data[a].pat->span;
  for (size_t e = 0; e < ai->edges.len; e++) {
    Edge *ed = &ai->edges.data[e];
    uint32_t n = 0;
    for (uint32_t i = 0; i < ai->nvals; i++) args[n++] = ed->vals[i];
    for (size_t i = 0; i < nm; i++)
      if (threaded[i]) args[n++] = ed->muts[i];
    gir_set_block(&L->g, ed->from);
    gir_jmp(&L->g, b, args, n, sp);
  }
  return b;
}

static bool binds_whole(const Pattern *p) {
  if (p->kind == PAT_BIND) return true;
  for (size_t i = 0; p->kind == PAT_OR && i < p->elems.len; i++)
    if (binds_whole(p->elems.data[i])) return true;
  return false;
}

/* The rows of pattern p over the columns of a tuple's elements. */
static void add_tuple_row(Mc *mc, Mat *m, Pattern *p, uint32_t arm) {
  if (p->kind == PAT_OR) {
    for (size_t i = 0; i < p->elems.len; i++)
      add_tuple_row(mc, m, p->elems.data[i], arm);
    return;
  }
  Row r = {ARENA_ARRAY(mc->a, Pattern *, m->ncols + 1), arm, NULL};
  if (p->kind == PAT_TUPLE)
    for (uint32_t i = 0; i < m->ncols; i++) r.pats[i] = p->elems.data[i];
  add_row(mc, m, r);
}

/* The first matrix: one column, the scrutinee — or, for `match (a, b)`
 * where no arm binds the tuple whole, a column per element, so the tuple
 * is never built. False when the scrutinee diverged. */
static bool first_matrix(Mc *mc, Mat *m) {
  Lower *L = mc->L;
  Expr *scrut = mc->e->match.scrut;
  size_t narms = mc->e->match.arms.len;
  bool split = scrut->kind == EX_TUPLE;
  for (size_t i = 0; split && i < narms; i++)
    split = !binds_whole(mc->e->match.arms.data[i].pat);
  const GirType *t = gty(scrut->ty);
  m->ncols = split ? t->ctors[0].nfields : 1;
  m->occ = ARENA_ARRAY(mc->a, GirValue, m->ncols + 1);
  m->ty = ARENA_ARRAY(mc->a, const GirType *, m->ncols + 1);
  for (uint32_t c = 0; c < m->ncols; c++) {
    m->occ[c] = lower_expr(L, split ? scrut->tuple.elems.data[c] : scrut);
    m->ty[c] = split ? t->ctors[0].fields[c] : t;
    if (dead(L)) return false;
  }
  for (size_t i = 0; i < narms; i++) {
    Pattern *p = mc->e->match.arms.data[i].pat;
    if (split) {
      add_tuple_row(mc, m, p, (uint32_t)i);
      continue;
    }
    Row r = {ARENA_ARRAY(mc->a, Pattern *, 1), (uint32_t)i, NULL};
    r.pats[0] = p;
    add_row(mc, m, r);
  }
  return true;
}

/* §9: arms are tried in order (see the top of the file). */
GirValue lower_match(Lower *L, Expr *e, bool tail) {
  size_t narms = e->match.arms.len;
  Mc mc = {.L = L, .a = L->s->arena, .e = e};
  Mat m = {0};
  if (!first_matrix(&mc, &m)) return GIR_NO_VALUE;
  bool has_value = !tail && gty(e->ty)->kind != GIR_T_UNIT;
  Join j;
  join_init(L, &j, has_value ? gty(e->ty) : NULL, "match.end");
  mc.before = snapshot(L);
  mc.info = ARENA_ARRAY(mc.a, ArmInfo, narms + 1);
  for (size_t i = 0; i < narms; i++) {
    ArmInfo *ai = &mc.info[i];
    sema_pattern_bindings(e->match.arms.data[i].pat, &ai->binds, mc.a);
    for (size_t k = 0; k < ai->binds.len; k++)
      if (gty(ai->binds.data[k]->binding->ty)->kind != GIR_T_UNIT) ai->nvals++;
  }
  compile(&mc, &m);
  /* each reachable arm's body, once */
  bool *threaded = ARENA_ARRAY(mc.a, bool, mc.before.n + 1);
  for (size_t i = 0; i < narms; i++) {
    ArmInfo *ai = &mc.info[i];
    if (!ai->edges.len) continue; /* unreachable (Sema warned) */
    MatchArm *arm = &e->match.arms.data[i];
    GirBlock *b = arm_block(&mc, (uint32_t)i, threaded);
    gir_set_block(&L->g, b);
    restore(L, mc.before);
    uint32_t k = 0;
    for (size_t x = 0; x < ai->binds.len; x++) {
      Binding *bd = ai->binds.data[x]->binding;
      if (gty(bd->ty)->kind == GIR_T_UNIT) L->vals[bd->id] = GIR_NO_VALUE;
      else bind_value(L, bd, b->params.data[k++]);
    }
    for (size_t x = 0; x < mc.before.n; x++)
      if (threaded[x]) L->vals[L->muts.data[x]->id] = b->params.data[k++];
    size_t nmuts = L->muts.len;
    if (tail) {
      lower_tail(L, arm->body);
    } else {
      GirValue bv = lower_expr(L, arm->body);
      join_jump(L, &j, bv, arm->body->span);
    }
    L->muts.len = nmuts;
  }
  restore(L, mc.before);
  if (tail) {
    L->g.b = NULL;
    return GIR_NO_VALUE;
  }
  return join_enter(L, &j);
}
