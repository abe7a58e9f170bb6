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

/* ---- §3 consts at compile time (lib/Interp/consteval.c) ------------------ */

typedef struct Interp Interp;

/* A prepared interpreter for m (NULL when m uses something it cannot run;
 * the reason goes to errs, which may be NULL), and its end. */
Interp *interp_open(const GirModule *m, const SrcMgr *sm, FILE *errs);
void interp_close(Interp *in);

typedef enum InterpConstResult {
  INTERP_CONST_OK,             /* *value is the const's value */
  INTERP_CONST_PANICKED,       /* the initializer panics */
  INTERP_CONST_TOO_MANY_STEPS, /* it ran past the step limit */
  INTERP_CONST_UNEMBEDDABLE,   /* its value holds a Map, a closure, … */
  INTERP_CONST_FAILED,         /* anything else (fork, pipe, …) */
} InterpConstResult;

/* Runs g's initializer (g->init) for at most step_limit GIR instructions,
 * in a child process, so a panic prints nothing and ends nothing here.
 * The consts it reads must have their values (GirGlobal.value) already.
 * On INTERP_CONST_OK, *value (allocated in a) is the result. The caller
 * has checked that the initializer does no I/O (interp_fold_consts). */
InterpConstResult interp_eval_const(Interp *in, GirGlobal *g,
                                    uint64_t step_limit, Arena *a,
                                    const GirConst **value);

typedef struct InterpConstStats {
  unsigned embedded, impure, panicked, too_many_steps, unembeddable, failed;
} InterpConstStats;

/* For every const of m, in dependency order, whose initializer reaches
 * no I/O, task, time, OS or foreign call and reads only consts embedded
 * before it: evaluates it (interp_eval_const) and, when that succeeds,
 * sets GirGlobal.value and takes its computation out of m->init. Every
 * other const stays computed at run time, before main. */
void interp_fold_consts(GirModule *m, const SrcMgr *sm, uint64_t step_limit,
                        InterpConstStats *stats);

#endif
