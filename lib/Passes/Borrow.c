/* Borrow.c — which parameters a function only borrows (Ullrich and de
 * Moura, "Counting Immutable Beans", §5: Lean 4's borrow inference).
 *
 * A heap parameter starts borrowed and becomes owned when the function
 * (could) consume it:
 *   - it is passed where a value is consumed (RC.c's consuming uses: a
 *     jmp or ret, NEW, an owned parameter of a callee, an 'S' runtime
 *     argument, …);
 *   - the entry block is a jump target (a self tail call made a loop):
 *     the loop passes owned values into those parameters;
 *   - it is taken apart (PROJ) and the function builds an object of the
 *     same memory class: owned, it can be reused in place (Reuse.c);
 * and a callee's parameter becomes owned when a tail call passes it a
 * value the caller owns — borrowed, the caller would have to dec that
 * value after the call, which would then no longer be a tail call (§8).
 * Values derived from borrowed ones (PROJ, CAPTURE, LIST_GET of them,
 * GLOBAL_GET, string literals) are borrowed too: passing them on costs
 * nothing. Iterated to a fixed point over the module (parameters only go
 * from borrowed to owned).
 *
 * Not inferred: closure bodies (CALL_CLOSURE hands its arguments over;
 * their closure parameter is borrowed by construction), `main` and
 * `init`.
 */
#include <stdlib.h>

#include "guji/Passes.h"

typedef struct Bi {
  GirModule *m;
  bool changed;
  uint8_t *weak; /* per value of the current function: borrowed-derived */
} Bi;

static bool inferred(const GirModule *m, const GirFunc *f) {
  return f != m->main && f != m->init && !f->is_closure_body &&
         f->blocks.len > 0;
}

static int param_index(const GirFunc *f, GirValue v) {
  const GirValueInfo *vi = &f->values.data[v];
  if (vi->inst >= 0 || vi->block != f->blocks.data[0]) return -1;
  const GirBlock *e = f->blocks.data[0];
  for (size_t i = 0; i < e->params.len; i++)
    if (e->params.data[i] == v) return (int)i;
  return -1;
}

static void own(Bi *bi, GirFunc *f, GirValue v) {
  if (!inferred(bi->m, f)) return;
  int i = param_index(f, v);
  if (i >= 0 && f->param_borrowed && f->param_borrowed[i]) {
    f->param_borrowed[i] = false;
    bi->changed = true;
  }
}

/* The values of f that are borrowed or derived from borrowed ones. */
static void mark_weak(Bi *bi, const GirFunc *f) {
  memset(bi->weak, 0, f->values.len);
  const GirBlock *e = f->blocks.data[0];
  for (size_t i = 0; f->param_borrowed && i < e->params.len; i++)
    if (f->param_borrowed[i]) bi->weak[e->params.data[i]] = 1;
  bool again = true;
  while (again) {
    again = false;
    for (size_t b = 0; b < f->blocks.len; b++) {
      const GirBlock *blk = f->blocks.data[b];
      for (size_t i = 0; i < blk->insts.len; i++) {
        const GirInst *in = &blk->insts.data[i];
        if (in->result == GIR_NO_VALUE || bi->weak[in->result]) continue;
        bool w = in->op == GIR_OP_GLOBAL_GET || in->op == GIR_OP_CONST_STR ||
                 in->op == GIR_OP_CONST_REGEX ||
                 (gir_inst_reads(in) && bi->weak[in->args[0]]);
        if (w) bi->weak[in->result] = again = 1;
      }
    }
  }
}

static bool reusable(const GirFunc *f, GirValue p) {
  const GirType *t = gir_value_type(f, p);
  if (t->kind != GIR_T_OBJ) return false;
  for (size_t b = 0; b < f->blocks.len; b++) {
    const GirBlock *blk = f->blocks.data[b];
    for (size_t i = 0; i < blk->insts.len; i++) {
      const GirInst *in = &blk->insts.data[i];
      if (in->op != GIR_OP_PROJ || in->args[0] != p) continue;
      uint32_t cls = gir_ctor_reuse_class(&t->ctors[in->imm.ctor.index]);
      for (size_t b2 = 0; b2 < f->blocks.len; b2++) {
        const GirBlock *k = f->blocks.data[b2];
        for (size_t j = 0; j < k->insts.len; j++) {
          const GirInst *nw = &k->insts.data[j];
          if (nw->op == GIR_OP_NEW && nw->nargs &&
              gir_ctor_reuse_class(
                  &nw->imm.ctor.type->ctors[nw->imm.ctor.index]) == cls)
            return true;
        }
      }
    }
  }
  return false;
}

static void scan_func(Bi *bi, GirFunc *f) {
  mark_weak(bi, f);
  for (size_t b = 0; b < f->blocks.len; b++) {
    GirBlock *blk = f->blocks.data[b];
    for (size_t i = 0; i < blk->insts.len; i++) {
      const GirInst *in = &blk->insts.data[i];
      for (uint32_t j = 0; j < in->nargs; j++)
        if (gir_inst_consumes(in, j)) own(bi, f, in->args[j]);
      /* §8: keep `call g(..); ret` a tail call */
      GirFunc *g = in->op == GIR_OP_CALL ? in->imm.call.callee : NULL;
      if (g && inferred(bi->m, g) && g->param_borrowed &&
          i + 1 == blk->insts.len &&
          blk->term.kind == GIR_TERM_RET && blk->term.value == in->result)
        for (uint32_t j = 0; j < in->nargs && j < g->param_types.len; j++)
          if (g->param_borrowed[j] && !bi->weak[in->args[j]]) {
            g->param_borrowed[j] = false;
            bi->changed = true;
          }
    }
    const GirTerm *t = &blk->term;
    if (t->kind == GIR_TERM_RET && t->value != GIR_NO_VALUE)
      own(bi, f, t->value);
    if (t->kind == GIR_TERM_JMP)
      for (uint32_t j = 0; j < t->nargs; j++) own(bi, f, t->args[j]);
  }
}

/* Before the fixed point: every heap parameter borrowed, but where the
 * entry block is a loop header, or the parameter is reusable. */
static void init_func(GirModule *m, GirFunc *f) {
  GirBlock *e = f->blocks.data[0];
  bool loop = false;
  for (size_t b = 0; b < f->blocks.len && !loop; b++) {
    const GirTerm *t = &f->blocks.data[b]->term;
    loop = (t->kind == GIR_TERM_JMP && t->target == e) ||
           (t->kind == GIR_TERM_BR &&
            (t->target == e || t->else_target == e));
    for (uint32_t k = 0; t->kind == GIR_TERM_SWITCH && k <= t->ncases; k++)
      loop |= (k < t->ncases ? t->cases[k].target : t->else_target) == e;
  }
  f->param_borrowed = ARENA_ARRAY(m->arena, bool, e->params.len + 1);
  for (size_t i = 0; i < e->params.len; i++) {
    GirValue p = e->params.data[i];
    f->param_borrowed[i] = !loop && gir_type_is_heap(gir_value_type(f, p)) &&
                           !reusable(f, p);
  }
}

void pass_infer_borrowed(GirModule *m) {
  size_t maxv = 1;
  for (size_t i = 0; i < m->funcs.len; i++) {
    GirFunc *f = m->funcs.data[i];
    if (f->values.len > maxv) maxv = f->values.len;
    if (inferred(m, f)) init_func(m, f);
  }
  Bi bi = {m, true, calloc(maxv, 1)};
  while (bi.changed) {
    bi.changed = false;
    for (size_t i = 0; i < m->funcs.len; i++) {
      GirFunc *f = m->funcs.data[i];
      if (f->blocks.len) scan_func(&bi, f);
    }
  }
  free(bi.weak);
}
