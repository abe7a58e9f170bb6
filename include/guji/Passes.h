/* Passes.h — transformations of GIR (GIR → GIR).
 *
 * pass_rc inserts reference counting (Perceus style, precise): from a
 * liveness analysis over the blocks, each heap value is dec'd right after
 * its last use, inc'd before a consuming use when it is still live after,
 * and dec'd at the start of a successor block where it is dead on entry.
 * Consuming uses: block arguments of jmp, ret, arguments of guji calls
 * (parameters are owned by the callee, but for its param_borrowed ones),
 * 'S' arguments of runtime calls, GLOBAL_SET, NEW's fields, APPEND_TEXT's
 * buffer. Borrowing uses: 's' arguments of runtime calls, the callee's
 * borrowed parameters, PROJ, TAG, EQ, CMP, APPEND_TEXT's value. A PROJ
 * result is a new reference (inc'd right after the PROJ). Values of
 * GLOBAL_GET, borrowed parameters and CONST_STR are not owned: they are
 * inc'd when consumed and never dec'd (inc/dec of an immortal object is a
 * no-op at run time, and CodeGen may drop them for CONST_STR statically).
 * Values dying on a br or switch edge are dec'd at the target's start.
 *
 * pass_simplify merges each block into its predecessor when that jumps to
 * it and nothing else does (a match arm with one leaf): see Simplify.c.
 *
 * pass_infer_borrowed sets GirFunc.param_borrowed: a heap parameter the
 * function never consumes is borrowed, so callers keep their reference
 * and neither side counts (Lean 4's borrow inference; see Borrow.c).
 *
 * pass_reuse turns the dec of an object taken apart into a DROP
 * specialized to its constructor, or a RESET whose memory a later NEW of
 * the same size reuses (REUSE): see Reuse.c.
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
void pass_simplify(GirModule *m);
void pass_infer_borrowed(GirModule *m);
void pass_rc(GirModule *m);
void pass_reuse(GirModule *m);
bool pass_run_pipeline(GirModule *m, bool verify, FILE *errs);

#endif
