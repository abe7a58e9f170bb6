/* lower_internal.h — what lower.c shares with match.c; private to lib/Lower.
 *
 * The lowering's state (Lower), the Join and Snapshot machinery that threads
 * `mut` bindings through control-flow merges (lower.c's opening comment
 * explains it), and the entry points one file calls in the other:
 * lower_match (match.c: §9 match as a decision tree) and the expression,
 * tail and condition lowerings it uses for guards and arm bodies (lower.c).
 */
#ifndef GUJI_LOWER_INTERNAL_H
#define GUJI_LOWER_INTERNAL_H

#include "guji/Lower.h"

typedef struct Join {
  GirBlock *block;          /* NULL until the first jump */
  const GirType *result;    /* NULL: no result value */
  size_t nmuts;             /* muts[0..nmuts) are threaded */
  const char *label;
} Join;

typedef struct Loop Loop;

typedef struct Lower {
  Session *s;
  Program *prog;
  GirModule *m;
  GirBuilder g;
  GirValue *vals;           /* by Binding id */
  VEC(Binding *) muts;      /* visible mut bindings, innermost last */
  Loop *loop;
  Type *fn_ret;
  TypeCtx *tc;
  Type **subst;             /* §11: the type arguments of the instance of a */
  uint32_t nsubst;          /* generic sub being lowered (else none) */
  VEC(struct Instance *) instances; /* of generic subs, lowered from a worklist */
  VEC(Symbol *) wrapped;    /* subs used as values … */
  VEC(GirFunc *) wrappers;  /* … and the closure bodies that call them */
  uint32_t nlambdas;
  VEC(Type *) obj_keys;     /* Sema object types … */
  VEC(GirType *) obj_vals;  /* … and their GIR types */
  bool in_test;             /* lowering a test block's own body (§20) */
} Lower;

/* ---- lower.c ------------------------------------------------------------- */

/* The GIR type of a Sema type (see gty_in in lower.c). */
const GirType *lower_gty(Lower *L, const Type *t);
#define gty(t) lower_gty(L, (t))

GirValue lower_expr(Lower *L, Expr *e);
/* Lowers e as the value the sub returns (ends in `ret`). */
void lower_tail(Lower *L, Expr *e);
/* §9: an if/while/guard condition; on failure control goes to `fail`,
 * lowering continues in the success path with its `is` bindings bound. */
void lower_cond(Lower *L, Expr *c, GirBlock *fail);

/* ---- match.c ------------------------------------------------------------- */

/* §9: a match expression; in tail mode every arm returns (nothing is
 * left to continue after it) and the result is GIR_NO_VALUE. */
GirValue lower_match(Lower *L, Expr *e, bool tail);

/* ---- helpers -------------------------------------------------------------- */

static inline bool dead(Lower *L) { return gir_is_terminated(&L->g); }

static inline void bind_value(Lower *L, Binding *b, GirValue v) {
  L->vals[b->id] = v;
  if (v != GIR_NO_VALUE && L->g.f) gir_value_set_dbg(L->g.f, v, b->name, b->span);
}

/* ---- joins -------------------------------------------------------------- */

static inline void join_init(Lower *L, Join *j, const GirType *result,
                             const char *label) {
  j->block = NULL;
  j->result = (result && result->kind != GIR_T_UNIT) ? result : NULL;
  j->nmuts = L->muts.len;
  j->label = label;
}

/* A join for a merge inside one construct of the lowering's own (a
 * min/max step, an Option built from a test): no user code runs in its
 * branches, so no mut can change there and none is threaded. */
static inline void join_init_plain(Lower *L, Join *j, const GirType *result,
                                   const char *label) {
  join_init(L, j, result, label);
  j->nmuts = 0;
}

static inline GirBlock *join_block(Lower *L, Join *j) {
  if (j->block) return j->block;
  j->block = gir_block_new(L->m, L->g.f, j->label);
  if (j->result) gir_block_add_param(L->m, L->g.f, j->block, j->result);
  for (size_t i = 0; i < j->nmuts; i++) {
    Binding *b = L->muts.data[i];
    if (gty(b->ty)->kind == GIR_T_UNIT) continue;
    GirValue p = gir_block_add_param(L->m, L->g.f, j->block, gty(b->ty));
    gir_value_set_dbg(L->g.f, p, b->name, b->span);
  }
  return j->block;
}

static inline void join_jump(Lower *L, Join *j, GirValue result, Span sp) {
  if (dead(L)) return;
  GirBlock *b = join_block(L, j);
  GirValue args[64];
  GirValue *a = j->nmuts + 1 <= 64 ? args
                : ARENA_ARRAY(L->s->arena, GirValue, j->nmuts + 1);
  uint32_t n = 0;
  if (j->result) a[n++] = result;
  for (size_t i = 0; i < j->nmuts; i++) {
    Binding *b2 = L->muts.data[i];
    GirValue v = L->vals[b2->id];
    if (gty(b2->ty)->kind == GIR_T_UNIT) continue;
    a[n++] = v;
  }
  gir_jmp(&L->g, b, a, n, sp);
}

/* Continues in the join; returns its result parameter. */
static inline GirValue join_enter(Lower *L, Join *j) {
  if (!j->block) {
    L->g.b = NULL; /* nothing reaches here */
    return GIR_NO_VALUE;
  }
  gir_set_block(&L->g, j->block);
  size_t k = 0;
  GirValue result = GIR_NO_VALUE;
  if (j->result) result = j->block->params.data[k++];
  for (size_t i = 0; i < j->nmuts; i++) {
    Binding *b = L->muts.data[i];
    if (gty(b->ty)->kind == GIR_T_UNIT) continue;
    L->vals[b->id] = j->block->params.data[k++];
  }
  return result;
}

/* The current values of the visible muts, to start each branch of a
 * construct from the same state (a branch's assignments must not leak into
 * its sibling). */
typedef struct Snapshot {
  GirValue *vals;
  size_t n;
} Snapshot;

static inline Snapshot snapshot(Lower *L) {
  Snapshot sn = {ARENA_ARRAY(L->s->arena, GirValue, L->muts.len + 1),
                 L->muts.len};
  for (size_t i = 0; i < sn.n; i++) sn.vals[i] = L->vals[L->muts.data[i]->id];
  return sn;
}

static inline void restore(Lower *L, Snapshot sn) {
  for (size_t i = 0; i < sn.n; i++) L->vals[L->muts.data[i]->id] = sn.vals[i];
}

#endif
