/* TailCall.c — marking the guaranteed tail calls of §8.
 *
 * "A call in tail position to a known sub does not grow the stack": after
 * lowering and RC, such a call is the last instruction of a block whose
 * `ret` returns exactly its result (or nothing, when both are Unit). The
 * RC pass never puts code between the two, so marking runs after it and
 * CodeGen turns the mark into LLVM's `musttail`. The mark is recomputed
 * from scratch, so the pass is idempotent.
 */
#include "guji/Passes.h"

static bool is_tail(const GirBlock *b, size_t i) {
  const GirInst *in = &b->insts.data[i];
  return i + 1 == b->insts.len && b->term.kind == GIR_TERM_RET &&
         b->term.value == in->result;
}

void pass_mark_tail_calls(GirModule *m) {
  for (size_t fi = 0; fi < m->funcs.len; fi++) {
    GirFunc *f = m->funcs.data[fi];
    for (size_t bi = 0; bi < f->blocks.len; bi++) {
      GirBlock *b = f->blocks.data[bi];
      for (size_t i = 0; i < b->insts.len; i++) {
        GirInst *in = &b->insts.data[i];
        if (in->op == GIR_OP_CALL) in->imm.call.tail = is_tail(b, i);
      }
    }
  }
}
