/* Interp.h — the GIR interpreter (`guji run --interp`, issue 7).
 *
 * Executes the monomorphic, reference-counted GIR that CodeGen receives
 * (after pass_run_pipeline), in this process, against the runtime linked
 * into `guji` (found by name, as the JIT finds it: lib/ has no link-time
 * reference to libgujirt). Values, objects, closures and collections have
 * exactly CodeGen's representation, so the runtime cannot tell the two
 * apart. lib/Interp/interp.c opens with the design.
 */
#ifndef GUJI_INTERP_H
#define GUJI_INTERP_H

#include <stdio.h>

#include "guji/GIR.h"
#include "guji/Source.h"

/* Runs m's program as gj_program_main would (const initializer, main,
 * release of the consts) under gj_rt_start, with the program's argc/argv.
 * Returns the exit status. A module using something the interpreter
 * cannot run yet is refused before anything runs: the message
 * `guji run --interp: WHAT is not supported by the interpreter yet (issue
 * 7)` goes to errs and the result is 1. sm names the files of the spans
 * (panic locations); it and m must live until the call returns. */
int interp_run_program(const GirModule *m, const SrcMgr *sm, int argc,
                       char **argv, FILE *errs);

#endif
