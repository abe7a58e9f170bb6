/* Passes.h — transformations of GIR (GIR → GIR).
 *
 * pass_rc inserts reference counting (Perceus style, precise): from a
 * liveness analysis over the blocks, each heap value is dec'd right after
 * its last use, inc'd before a consuming use when it is still live after,
 * and dec'd at the start of a successor block where it is dead on entry.
 * Consuming uses: block arguments of jmp, ret, arguments of guji calls
 * (parameters are owned by the callee), 'S' arguments of runtime calls,
 * GLOBAL_SET. Borrowing uses: 's' arguments of runtime calls. Values of
 * GLOBAL_GET and CONST_STR are borrowed from immortal storage and are
 * inc'd when consumed (inc/dec of an immortal object is a no-op at run
 * time, and CodeGen may drop them for CONST_STR statically).
 *
 * pass_mark_tail_calls sets imm.call.tail on every guji call whose result
 * is returned directly (the guaranteed tail calls of §8).
 *
 * pass_run_pipeline runs them in order, with the verifier after each pass
 * when `verify` is set; returns false when the verifier failed.
 */
#ifndef GUJI_PASSES_H
#define GUJI_PASSES_H

#include "guji/GIR.h"

void pass_mark_tail_calls(GirModule *m);
void pass_rc(GirModule *m);
bool pass_run_pipeline(GirModule *m, bool verify, FILE *errs);

#endif
