/* Simplify.c — merge a block into its only predecessor.
 *
 * Lowering makes a block wherever control might join: a match arm (its
 * bindings as parameters, §9), the end of an `if`. When such a block has
 * one predecessor that jumps to it, the jump is only a renaming: its
 * parameters are the jump's arguments. Merging them before RC matters for
 * counting, because a jump consumes its arguments (a block parameter is
 * owned): a field read out of a borrowed tree and passed into an arm's
 * block would cost an inc at the jump and a dec in the arm; merged, it
 * stays borrowed and costs nothing. It also puts an arm's constructor in
 * the block that takes the scrutinee apart, where reuse finds it.
 *
 * For each `jmp T(args)` from B where T has no other predecessor (and is
 * not the entry): T's parameters are replaced by the arguments everywhere,
 * T's instructions and terminator move to the end of B, and T goes. A
 * parameter's binding name (for DWARF) passes to its argument when that
 * has none. Repeated until nothing changes, then the blocks are renumbered.
 */
#include <stdlib.h>

#include "guji/Passes.h"

static GirValue resolve(const GirValue *map, GirValue v) {
  while (v != GIR_NO_VALUE && map[v] != GIR_NO_VALUE) v = map[v];
  return v;
}

static void rename_all(GirFunc *f, const GirValue *map) {
  for (size_t b = 0; b < f->blocks.len; b++) {
    GirBlock *blk = f->blocks.data[b];
    for (size_t i = 0; i < blk->insts.len; i++) {
      GirInst *in = &blk->insts.data[i];
      for (uint32_t j = 0; j < in->nargs; j++)
        in->args[j] = resolve(map, in->args[j]);
    }
    GirTerm *t = &blk->term;
    if (t->kind == GIR_TERM_RET || t->kind == GIR_TERM_BR ||
        t->kind == GIR_TERM_SWITCH)
      t->value = resolve(map, t->value);
    for (uint32_t j = 0; t->kind == GIR_TERM_JMP && j < t->nargs; j++)
      t->args[j] = resolve(map, t->args[j]);
  }
}

static void simplify_func(GirModule *m, GirFunc *f) {
  size_t nb = f->blocks.len;
  if (nb < 2) return;
  uint32_t *npreds = calloc(nb, sizeof *npreds);
  bool *gone = calloc(nb, sizeof *gone);
  GirValue *map = malloc(f->values.len * sizeof *map);
  for (size_t v = 0; v < f->values.len; v++) map[v] = GIR_NO_VALUE;
  gir_func_count_preds(f, npreds);
  bool merged = false;
  for (size_t b = 0; b < nb; b++) {
    GirBlock *blk = f->blocks.data[b];
    if (gone[b]) continue;
    /* absorb successors for as long as the chain allows */
    while (blk->term.kind == GIR_TERM_JMP) {
      GirBlock *t = blk->term.target;
      if (t == blk || t->id == 0 || npreds[t->id] != 1) break;
      for (uint32_t j = 0; j < blk->term.nargs; j++) {
        GirValue p = t->params.data[j], a = resolve(map, blk->term.args[j]);
        map[p] = a;
        GirValueInfo *pi = &f->values.data[p], *ai = &f->values.data[a];
        if (pi->dbg_name && !ai->dbg_name) {
          ai->dbg_name = pi->dbg_name;
          ai->dbg_span = pi->dbg_span;
        }
      }
      for (size_t i = 0; i < t->insts.len; i++) {
        VEC_PUSH(m->arena, blk->insts, t->insts.data[i]);
        GirValue r = t->insts.data[i].result;
        if (r != GIR_NO_VALUE) {
          f->values.data[r].block = blk;
          f->values.data[r].inst = (int32_t)(blk->insts.len - 1);
        }
      }
      blk->term = t->term;
      gone[t->id] = true;
      merged = true;
    }
  }
  if (merged) {
    rename_all(f, map);
    size_t k = 0;
    for (size_t b = 0; b < nb; b++)
      if (!gone[b]) {
        f->blocks.data[k] = f->blocks.data[b];
        f->blocks.data[k]->id = (uint32_t)k;
        k++;
      }
    f->blocks.len = k;
  }
  free(npreds);
  free(gone);
  free(map);
}

void pass_simplify(GirModule *m) {
  for (size_t i = 0; i < m->funcs.len; i++) simplify_func(m, m->funcs.data[i]);
}
