/* RC.c — reference-count insertion, Perceus style (Reinking et al. 2021;
 * Lean 4's λRC).
 *
 * Ownership: every heap value (gir_type_is_heap: Str, objects) is owned by
 * its definition (call, runtime, NEW, PROJ and APPEND_TEXT results, block
 * and function parameters), except CONST_STR (immortal: never inc'd or
 * dec'd), GLOBAL_GET and borrowed parameters (GirFunc.param_borrowed):
 * those are never dec'd and are inc'd at each consuming use. Consuming
 * uses are jmp arguments, the returned value, guji call arguments (but for
 * the callee's borrowed parameters), 'S' runtime arguments, GLOBAL_SET,
 * NEW's fields, CLOSURE_NEW's captures, CALL_CLOSURE's arguments after the
 * closure, and APPEND_TEXT's buffer; everything else borrows ('s' runtime
 * arguments, PROJ, TAG, EQ, CMP, APPEND_TEXT's value, CAPTURE's closure,
 * CALL_CLOSURE's closure, LIST_GET, LIST_LEN, LIST_CONCAT, LIST_SLICE,
 * LIST_OP). LIST_NEW consumes its elements, LIST_PUSH and LIST_SET the
 * list and the element (in place when unique: GIR.h). A lifted sub's
 * closure parameter is borrowed (param_borrowed[0]).
 *
 * A PROJ, CAPTURE or LIST_GET result read from a borrowed value is itself
 * borrowed (it lives as long as its source, which outlives the function);
 * otherwise it is a new reference (Perceus' `let y
 * = x.i; inc y`): when it is counted and used, `inc` goes right after the
 * PROJ (before any dec of the object there); an unused one gets neither
 * inc nor dec.
 *
 * 1. Backward liveness of owned heap values over the blocks (block
 *    parameters are definitions; terminator arguments are uses).
 * 2. Each block is rewritten walking backwards with the set of values live
 *    after the current point. At an instruction, an owned value consumed k
 *    times gets k-1 incs before it if this is its last use, k if it is
 *    live after (or also borrowed by the same instruction, so it survives
 *    the call); an owned value that is only borrowed and dead after gets a
 *    dec right after; a result that is never used is dec'd right after its
 *    definition; an unused block parameter at the block's start.
 * 3. Edges: a value live out of a `br` or `switch` block but dead on entry
 *    to a target is dec'd at the start of that target, or in a new block
 *    on the edge when the target has other predecessors.
 *
 * So a dec always sits right after a value's last use, never later: in
 * `%r = call f(..); ret %r` nothing is inserted between the call and the
 * ret when f owns its arguments, and the tail call survives (a dec after a
 * call that borrows makes it a non-tail call, which pass_mark_tail_calls
 * sees). After a NORETURN runtime call (a panic) no decs are emitted: the
 * block ends in `unreachable`.
 */
#include <stdlib.h>

#include "guji/Passes.h"

typedef enum RcKind {
  RC_SCALAR,   /* not counted */
  RC_OWNED,    /* owned by its definition: tracked by liveness */
  RC_BORROWED, /* GLOBAL_GET, borrowed parameter: inc when consumed, never
                  dec */
  RC_IMMORTAL, /* CONST_STR: never inc or dec */
} RcKind;

typedef enum UseMode { USE_NONE, USE_BORROW, USE_CONSUME } UseMode;

typedef VEC(GirInst) InstVec;

typedef struct Rc {
  GirModule *m;
  GirFunc *f;
  uint32_t nb, nv, w;      /* blocks (before splitting), values, set words */
  uint8_t *kind;           /* RcKind per value */
  uint64_t *gen, *kill;    /* nb × w */
  uint64_t *in, *out;      /* nb × w: live on entry / exit */
  uint32_t *npreds;        /* incoming edges (+1 for the entry) */
  InstVec before, after;   /* scratch, per instruction */
} Rc;

static bool bs_has(const uint64_t *s, GirValue v) {
  return (s[v / 64] >> (v % 64)) & 1;
}
static void bs_set(uint64_t *s, GirValue v) {
  s[v / 64] |= (uint64_t)1 << (v % 64);
}
static void bs_clear(uint64_t *s, GirValue v) {
  s[v / 64] &= ~((uint64_t)1 << (v % 64));
}
static uint64_t *row(const Rc *r, uint64_t *base, uint32_t b) {
  return base + (size_t)b * r->w;
}

static bool owned(const Rc *r, GirValue v) {
  return v < r->nv && r->kind[v] == RC_OWNED;
}

/* ---- classification ------------------------------------------------------ */

static void classify(Rc *r) {
  GirFunc *f = r->f;
  for (uint32_t v = 0; v < r->nv; v++)
    r->kind[v] = gir_type_is_heap(f->values.data[v].type) ? RC_OWNED
                                                            : RC_SCALAR;
  for (uint32_t b = 0; b < r->nb; b++) {
    GirBlock *blk = f->blocks.data[b];
    for (size_t i = 0; i < blk->insts.len; i++) {
      const GirInst *in = &blk->insts.data[i];
      if (in->result == GIR_NO_VALUE || r->kind[in->result] == RC_SCALAR)
        continue;
      if (in->op == GIR_OP_CONST_STR || in->op == GIR_OP_CONST_REGEX)
        r->kind[in->result] = RC_IMMORTAL;
      if (in->op == GIR_OP_GLOBAL_GET) r->kind[in->result] = RC_BORROWED;
    }
  }
  const GirBlock *entry = f->blocks.data[0];
  for (size_t i = 0; f->param_borrowed && i < entry->params.len; i++) {
    GirValue p = entry->params.data[i];
    if (f->param_borrowed[i] && p < r->nv && r->kind[p] == RC_OWNED)
      r->kind[p] = RC_BORROWED;
  }
  /* what is read out of a borrowed value lives as long as it does */
  bool again = true;
  while (again) {
    again = false;
    for (uint32_t b = 0; b < r->nb; b++) {
      GirBlock *blk = f->blocks.data[b];
      for (size_t i = 0; i < blk->insts.len; i++) {
        const GirInst *in = &blk->insts.data[i];
        if (gir_inst_reads(in) && owned(r, in->result) &&
            in->args[0] < r->nv && r->kind[in->args[0]] == RC_BORROWED) {
          r->kind[in->result] = RC_BORROWED;
          again = true;
        }
      }
    }
  }
}

static UseMode inst_use_mode(const Rc *r, const GirInst *in, uint32_t i) {
  GirValue a = in->args[i];
  if (a >= r->nv || r->kind[a] == RC_SCALAR) return USE_NONE;
  return gir_inst_consumes(in, i) ? USE_CONSUME : USE_BORROW;
}

static bool is_noreturn(const GirInst *in) {
  if (in->op != GIR_OP_CALL_RT) return false;
  const GirRtInfo *info = gir_rt_info(in->imm.rt);
  return info && (info->flags & GIR_RTF_NORETURN);
}

/* ---- liveness ------------------------------------------------------------ */

static void gen_kill(Rc *r, uint32_t bi) {
  const GirBlock *b = r->f->blocks.data[bi];
  uint64_t *gen = row(r, r->gen, bi), *kill = row(r, r->kill, bi);
  const GirTerm *t = &b->term;
  if (t->kind == GIR_TERM_RET && owned(r, t->value)) bs_set(gen, t->value);
  if (t->kind == GIR_TERM_JMP)
    for (uint32_t i = 0; i < t->nargs; i++)
      if (owned(r, t->args[i])) bs_set(gen, t->args[i]);
  for (size_t i = b->insts.len; i-- > 0;) {
    const GirInst *in = &b->insts.data[i];
    if (owned(r, in->result)) {
      bs_clear(gen, in->result);
      bs_set(kill, in->result);
    }
    for (uint32_t j = 0; j < in->nargs; j++)
      if (owned(r, in->args[j])) bs_set(gen, in->args[j]);
  }
  for (size_t i = 0; i < b->params.len; i++)
    if (owned(r, b->params.data[i])) {
      bs_clear(gen, b->params.data[i]);
      bs_set(kill, b->params.data[i]);
    }
}

static void liveness(Rc *r) {
  for (uint32_t b = 0; b < r->nb; b++) gen_kill(r, b);
  bool changed = true;
  while (changed) {
    changed = false;
    for (uint32_t b = r->nb; b-- > 0;) {
      GirTerm *t = &r->f->blocks.data[b]->term;
      uint32_t ns = gir_term_nsuccs(t);
      uint64_t *out = row(r, r->out, b), *in = row(r, r->in, b);
      const uint64_t *gen = row(r, r->gen, b), *kill = row(r, r->kill, b);
      for (uint32_t k = 0; k < r->w; k++) {
        uint64_t o = 0;
        for (uint32_t j = 0; j < ns; j++) {
          GirBlock *s = *gir_term_succ(t, j);
          if (s) o |= row(r, r->in, s->id)[k];
        }
        out[k] = o;
        uint64_t ni = gen[k] | (o & ~kill[k]);
        if (ni != in[k]) {
          in[k] = ni;
          changed = true;
        }
      }
    }
  }
}

/* ---- rewriting ------------------------------------------------------------ */

static GirInst rc_op(GirModule *m, GirOp op, GirValue v, Span sp) {
  GirInst in = {0};
  in.op = op;
  in.result = GIR_NO_VALUE;
  in.type = &gir_t_unit;
  in.span = sp;
  in.args = ARENA_ARRAY(m->arena, GirValue, 1);
  in.args[0] = v;
  in.nargs = 1;
  return in;
}

/* The uses of one instruction or terminator, with `live` = live after it:
 * fills r->before (incs) and r->after (decs) and makes the used values
 * live. */
static void handle_uses(Rc *r, const GirValue *args, const uint8_t *modes,
                        uint32_t n, uint64_t *live, bool noreturn, Span sp) {
  Arena *a = r->m->arena;
  for (uint32_t j = 0; j < n; j++) {
    GirValue v = args[j];
    if (modes[j] == USE_NONE) continue;
    bool first = true;
    for (uint32_t k = 0; k < j && first; k++)
      if (args[k] == v && modes[k] != USE_NONE) first = false;
    if (!first) continue;
    uint32_t nc = 0, nbr = 0;
    for (uint32_t k = j; k < n; k++)
      if (args[k] == v) {
        nc += modes[k] == USE_CONSUME;
        nbr += modes[k] == USE_BORROW;
      }
    uint32_t incs = 0;
    bool dec = false;
    if (r->kind[v] == RC_OWNED) {
      bool live_after = bs_has(live, v);
      if (nc && nbr) { /* keep our reference across the call */
        incs = nc;
        dec = !live_after;
      } else if (nc) {
        incs = live_after ? nc : nc - 1;
      } else {
        dec = !live_after;
      }
      bs_set(live, v);
    } else if (r->kind[v] == RC_BORROWED) {
      incs = nc;
    }
    for (uint32_t k = 0; k < incs; k++)
      VEC_PUSH(a, r->before, rc_op(r->m, GIR_OP_INC, v, sp));
    if (dec && !noreturn) VEC_PUSH(a, r->after, rc_op(r->m, GIR_OP_DEC, v, sp));
  }
}

/* Appends, to the reversed list `rev`: the decs after, the instruction
 * (if any), the incs before. */
static void emit_reversed(Rc *r, InstVec *rev, const GirInst *in) {
  Arena *a = r->m->arena;
  for (size_t k = r->after.len; k-- > 0;) VEC_PUSH(a, *rev, r->after.data[k]);
  if (in) VEC_PUSH(a, *rev, *in);
  for (size_t k = r->before.len; k-- > 0;)
    VEC_PUSH(a, *rev, r->before.data[k]);
  r->before.len = r->after.len = 0;
}

static void rewrite_block(Rc *r, GirBlock *b, uint64_t *live) {
  Arena *a = r->m->arena;
  memcpy(live, row(r, r->out, b->id), r->w * sizeof *live);
  InstVec rev = {0};
  uint8_t modes_small[16];

  const GirTerm *t = &b->term;
  if (t->kind == GIR_TERM_RET && t->value != GIR_NO_VALUE) {
    uint8_t mode = t->value < r->nv && r->kind[t->value] != RC_SCALAR
                       ? USE_CONSUME : USE_NONE;
    handle_uses(r, &t->value, &mode, 1, live, false, t->span);
  } else if (t->kind == GIR_TERM_JMP && t->nargs) {
    uint8_t *modes = t->nargs <= 16 ? modes_small : malloc(t->nargs);
    for (uint32_t i = 0; i < t->nargs; i++)
      modes[i] = t->args[i] < r->nv && r->kind[t->args[i]] != RC_SCALAR
                     ? USE_CONSUME : USE_NONE;
    handle_uses(r, t->args, modes, t->nargs, live, false, t->span);
    if (modes != modes_small) free(modes);
  }
  emit_reversed(r, &rev, NULL);

  for (size_t i = b->insts.len; i-- > 0;) {
    const GirInst *in = &b->insts.data[i];
    bool noreturn = is_noreturn(in);
    if (owned(r, in->result)) {
      bool used = bs_has(live, in->result);
      if (gir_inst_reads(in)) {
        /* a new reference, first after the PROJ (CAPTURE) */
        if (used)
          VEC_PUSH(a, r->after, rc_op(r->m, GIR_OP_INC, in->result, in->span));
      } else if (!used && !noreturn) {
        VEC_PUSH(a, r->after, rc_op(r->m, GIR_OP_DEC, in->result, in->span));
      }
      bs_clear(live, in->result);
    }
    uint8_t *modes = in->nargs <= 16 ? modes_small : malloc(in->nargs);
    for (uint32_t j = 0; j < in->nargs; j++)
      modes[j] = (uint8_t)inst_use_mode(r, in, j);
    handle_uses(r, in->args, modes, in->nargs, live, noreturn, in->span);
    if (modes != modes_small) free(modes);
    emit_reversed(r, &rev, in);
  }

  InstVec out = {0};
  Span start = b->insts.len ? b->insts.data[0].span : t->span;
  for (size_t i = 0; i < b->params.len; i++) {
    GirValue p = b->params.data[i];
    if (owned(r, p) && !bs_has(live, p))
      VEC_PUSH(a, out, rc_op(r->m, GIR_OP_DEC, p, start));
  }
  for (size_t k = rev.len; k-- > 0;) VEC_PUSH(a, out, rev.data[k]);
  b->insts.data = out.data;
  b->insts.len = out.len;
  b->insts.cap = out.cap;
  gir_block_fix_indices(r->f, b);
}

/* Puts `decs` at the start of b. */
static void prepend(Rc *r, GirBlock *b, const InstVec *decs) {
  InstVec out = {0};
  for (size_t i = 0; i < decs->len; i++)
    VEC_PUSH(r->m->arena, out, decs->data[i]);
  for (size_t i = 0; i < b->insts.len; i++)
    VEC_PUSH(r->m->arena, out, b->insts.data[i]);
  b->insts.data = out.data;
  b->insts.len = out.len;
  b->insts.cap = out.cap;
  gir_block_fix_indices(r->f, b);
}

/* The edge b → *target of a br or switch: dec what dies on it. Returns
 * the new block when the edge was split. */
/* A block that is only `unreachable` (the end of an exhaustive match):
 * control never gets there, so nothing is dec'd on the way. */
static bool never_reached(const GirBlock *b) {
  if (b->term.kind != GIR_TERM_UNREACHABLE) return false;
  for (size_t i = 0; i < b->insts.len; i++)
    if (b->insts.data[i].op != GIR_OP_DEC) return false;
  return true;
}

static GirBlock *fix_edge(Rc *r, GirBlock *b, GirBlock **target) {
  if (never_reached(*target)) return NULL;
  const uint64_t *out = row(r, r->out, b->id);
  const uint64_t *in = row(r, r->in, (*target)->id);
  InstVec decs = {0};
  for (uint32_t k = 0; k < r->w; k++) {
    uint64_t dead = out[k] & ~in[k];
    while (dead) {
      GirValue v = (GirValue)(k * 64 + (uint32_t)__builtin_ctzll(dead));
      dead &= dead - 1;
      VEC_PUSH(r->m->arena, decs, rc_op(r->m, GIR_OP_DEC, v, b->term.span));
    }
  }
  if (decs.len == 0) return NULL;
  if (r->npreds[(*target)->id] == 1) {
    prepend(r, *target, &decs);
    return NULL;
  }
  /* a critical edge: split it */
  GirBlock *e = gir_block_new(r->m, r->f, "edge");
  prepend(r, e, &decs);
  e->term.kind = GIR_TERM_JMP;
  e->term.span = b->term.span;
  e->term.value = GIR_NO_VALUE;
  e->term.target = *target;
  *target = e;
  return e;
}

/* All edges out of a br or switch. Several cases of one switch to the same
 * target share its edge block (the same values die on each). */
static void fix_edges(Rc *r, GirBlock *b) {
  GirTerm *t = &b->term;
  uint32_t n = gir_term_nsuccs(t);
  GirBlock **orig = calloc(n + 1, sizeof *orig);
  GirBlock **repl = calloc(n + 1, sizeof *repl);
  for (uint32_t k = 0; k < n; k++) {
    GirBlock **slot = gir_term_succ(t, k);
    orig[k] = *slot;
    if (*slot == NULL) continue;
    uint32_t j = 0;
    while (j < k && orig[j] != *slot) j++;
    if (j < k) { /* seen: reuse its edge block, if any */
      if (repl[j]) *slot = repl[j];
      repl[k] = repl[j];
      continue;
    }
    repl[k] = fix_edge(r, b, slot);
  }
  free(orig);
  free(repl);
}

static void rc_func(GirModule *m, GirFunc *f) {
  if (f->blocks.len == 0) return;
  Rc r = {0};
  r.m = m;
  r.f = f;
  r.nb = (uint32_t)f->blocks.len;
  r.nv = (uint32_t)f->values.len;
  r.w = (r.nv + 63) / 64 + 1;
  size_t sz = (size_t)r.nb * r.w;
  r.kind = calloc(r.nv + 1, 1);
  r.gen = calloc(sz, sizeof(uint64_t));
  r.kill = calloc(sz, sizeof(uint64_t));
  r.in = calloc(sz, sizeof(uint64_t));
  r.out = calloc(sz, sizeof(uint64_t));
  r.npreds = calloc(r.nb, sizeof(uint32_t));
  uint64_t *live = calloc(r.w, sizeof(uint64_t));

  classify(&r);
  liveness(&r);
  gir_func_count_preds(f, r.npreds);
  for (uint32_t b = 0; b < r.nb; b++) rewrite_block(&r, f->blocks.data[b], live);
  for (uint32_t b = 0; b < r.nb; b++) {
    GirBlock *blk = f->blocks.data[b];
    if (blk->term.kind == GIR_TERM_BR || blk->term.kind == GIR_TERM_SWITCH)
      fix_edges(&r, blk);
  }

  free(r.kind);
  free(r.gen);
  free(r.kill);
  free(r.in);
  free(r.out);
  free(r.npreds);
  free(live);
}

void pass_rc(GirModule *m) {
  for (size_t i = 0; i < m->funcs.len; i++) rc_func(m, m->funcs.data[i]);
}
