/* CodeGen.h — GIR → LLVM IR through the LLVM-C API.
 *
 * cg_module translates a verified, RC-annotated GIR module into a fresh
 * LLVM module in the given context:
 *   - each GirFunc becomes a function with the `tailcc` calling convention
 *     (so calls marked tail are guaranteed tail calls, §8, whatever their
 *     prototypes), internal linkage, frame pointers kept (perf, gdb);
 *   - every function entry compares the stack pointer with gj_stack_limit
 *     and calls gj_panic_stack_overflow below it (§8);
 *   - blocks map to basic blocks, block parameters to phis;
 *   - checked Int arithmetic uses llvm.*.with.overflow and branches to a
 *     cold block calling the panic entry point with a static GjLoc;
 *   - runtime functions are declared from RtFns.def; by hand only
 *     gj_rt_start, gj_stack_limit, gj_obj_alloc and gj_obj_free;
 *   - Str literals are immortal static GjStr constants (rc 0);
 *   - objects (records, tuples, sums) are pointers to `{ header, fields }`
 *     structs (GIR.h's layout); a constructor without stored fields is an
 *     immortal static header. Per object type T, internal functions made
 *     on first use: inc.T / dec.T (alwaysinline fast paths), drop.T (frees,
 *     decs the fields, the last by musttail), eq.T, cmp.T, text.T;
 *   - GIR switch → LLVM switch, with an `unreachable` default when the
 *     GIR has no else target;
 *   - the entry `int64_t gj_program_main(void)` (C calling convention) runs
 *     the const initializer, then the user's main, and returns the exit
 *     status (0 for `sub main()`); with opts->emit_c_main, also a C `main`
 *     that calls gj_rt_start(argc, argv, gj_program_main);
 *   - with opts->debug, DWARF: a compile unit per source file, a subprogram
 *     per sub named by its guji name, line/column locations on every
 *     instruction, and a variable (parameter or auto) per named value;
 *     object types as typedefs of pointers to structs of their fields (a
 *     union of one struct per constructor for a sum).
 */
#ifndef GUJI_CODEGEN_H
#define GUJI_CODEGEN_H

#include <llvm-c/Core.h>
#include <llvm-c/TargetMachine.h>

#include "guji/GIR.h"

typedef struct CgOptions {
  bool debug;          /* -g: DWARF */
  bool emit_c_main;    /* native executables: define `main` */
  int opt_level;       /* 0..3, recorded for DWARF's "optimized" flag */
  LLVMTargetMachineRef tm;  /* for the data layout and triple; may be NULL */
  /* Where sub entries find the current stack's limit (§8, gujirt.h's
   * gj_task_stack_limit, thread-local: tasks run on many stacks):
   *   emit_c_main            the thread-local variable itself (local-exec:
   *                          the executable links the runtime statically)
   *   limit_tp_offset_known  JIT code in a host that has the runtime
   *                          linked in: thread pointer + limit_tp_offset,
   *                          which the host measured (JIT-linked code
   *                          cannot take TLS relocations)
   *   neither                the global gj_stack_limit (a host that runs
   *                          generated code on one thread, outside tasks) */
  bool limit_tp_offset_known;
  int64_t limit_tp_offset;
} CgOptions;

/* Returns NULL (after reporting to s->diag) on an internal failure. */
LLVMModuleRef cg_module(Session *s, const GirModule *m, LLVMContextRef ctx,
                        const CgOptions *opts);

/* After the optimization pipeline, before emission: the call-site
 * records of the backtrace table (codetable.c) for the calls cg_module
 * tagged. */
void cg_emit_call_sites(LLVMModuleRef mod);

#endif
