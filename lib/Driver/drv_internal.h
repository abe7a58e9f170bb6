/* drv_internal.h — what the driver's files share (private to lib/Driver).
 *
 * driver.c: the steps common to both tools (load the source, run the front
 * end, render diagnostics, make a target machine, run CodeGen and LLVM's
 * pass pipeline) and the --time-passes timer. emit.c: object / assembly /
 * LLVM IR output and linking (gujic). jit.c: running in ORC LLJIT (guji).
 * gujic.c and guji.c: the command lines. gujic.c never reaches jit.c, so
 * gujic does not need the runtime linked into it.
 */
#ifndef GUJI_DRV_INTERNAL_H
#define GUJI_DRV_INTERNAL_H

#include <stdio.h>

#include <llvm-c/Core.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Orc.h>
#include <llvm-c/TargetMachine.h>

#include "guji/AST.h"
#include "guji/Driver.h"
#include "guji/GIR.h"

/* Exit statuses (§20): compile errors 1; usage errors 2, as most Unix
 * tools (the spec fixes only 1 and 101). */
enum { DRV_EXIT_COMPILE = 1, DRV_EXIT_USAGE = 2 };
/* §3: GIR instructions a const initializer may take at compile time
 * before it is left to run time (Interp.h, interp_fold_consts). */
#define DRV_CONST_STEP_LIMIT 1000000

/* --time-passes: wall time per phase. */
typedef enum DrvPhase {
  DRV_T_PARSE, DRV_T_SEMA, DRV_T_LOWER, DRV_T_PASSES, DRV_T_CODEGEN,
  DRV_T_OPT, DRV_T_EMIT, DRV_T_LINK, DRV_T_JIT, DRV_T__COUNT
} DrvPhase;

typedef struct DrvTimer {
  bool on;
  double ms[DRV_T__COUNT];
  double start;
} DrvTimer;

double drv_now_ms(void);
void drv_timer_start(DrvTimer *t);
void drv_timer_stop(DrvTimer *t, DrvPhase p);
void drv_timer_report(const DrvTimer *t, const char *tool, FILE *out);

/* "gujic: error: MESSAGE" to stderr. */
void drv_error(const char *tool, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Loads the input (file or stdin text) and runs the front end; renders
 * diagnostics (errors, and warnings when it succeeded). NULL on failure,
 * with *status set to the exit status. */
GirModule *drv_load_and_check(Session *s, const char *tool,
                              const DrvOptions *o, int *status,
                              DrvTimer *t);

/* modules.c: loads and parses the modules the main module's `use` items
 * reach (§3) and points each ITEM_USE at its Module; errors (not found,
 * unreadable, syntax) go to s->diag. */
void drv_load_modules(Session *s, Module *main_mod);

/* Native target setup, once per process. */
void drv_init_llvm(void);
/* A target machine for the host (CPU and features of this machine, PIC,
 * the default code model) at opt level 0..3; NULL after an error. */
LLVMTargetMachineRef drv_host_tm(const char *tool, int opt_level);

/* CodeGen then `default<On>`; NULL (after rendering the error) on failure. */
LLVMModuleRef drv_codegen_and_optimize(Session *s, const char *tool,
                                       const GirModule *m, LLVMContextRef ctx,
                                       LLVMTargetMachineRef tm,
                                       const DrvOptions *o, bool c_main,
                                       DrvTimer *t);

/* foreign.c: the libraries of the program's extern blocks (§19). */
typedef struct DrvLib {
  const char *name;   /* as written: "c", "m", "foo", "./x/libfoo.so" */
  char *path;         /* what dlopen got; NULL for libc */
  bool is_file;       /* path is a file (a '/' name, or GUJI_LIB_PATH's) */
  char *link_arg;     /* owned linker argument */
} DrvLib;
typedef struct DrvLibs {
  DrvLib *libs;
  size_t n;
} DrvLibs;
/* Finds and dlopens each library (keep_open: RTLD_GLOBAL, for the JIT;
 * else closed again, a check) and checks that each extern sub's function
 * is there; false after reporting what fails. */
bool drv_foreign_load(const char *tool, Session *s, const GirModule *m,
                      DrvLibs *out, bool keep_open);
/* guji run and guji test: the libraries loaded into this process, where
 * the JIT (or the interpreter) finds their functions; false after
 * reporting what fails. */
bool drv_foreign_load_here(const char *tool, Session *s, const GirModule *m);
void drv_foreign_link_args(DrvLibs *libs, char **argv, int *argc, int max);
void drv_foreign_free(DrvLibs *libs);

/* emit.c: write the module as o->emit asks (obj, asm, llvm, exe); an
 * executable links libs (may be NULL). */
int drv_emit(Session *s, LLVMModuleRef mod, LLVMTargetMachineRef tm,
             const DrvOptions *o, const char *output, DrvLibs *libs,
             DrvTimer *t);

/* jit.c: an LLJIT holding the module (ownership passes in), which finds
 * the runtime among this process's symbols; NULL after an error. */
LLVMOrcLLJITRef drv_jit_create(LLVMModuleRef mod,
                               LLVMOrcThreadSafeContextRef tsc,
                               const DrvOptions *o);
/* The address of `name` in the JIT (compiling it); false after an error. */
bool drv_jit_lookup(LLVMOrcLLJITRef jit, const char *name, uint64_t *addr);

/* guji.c: the offset of the runtime's gj_task_stack_limit from the
 * thread pointer, asked of the runtime linked into this process. */
bool drv_stack_limit_tp_offset(int64_t *off);

/* test.c: `guji test` (§20); argv[0] is "test". */
int drv_guji_test(int argc, char **argv);

/* jit.c: run the module (ownership passes in, with its context). */
int drv_jit_run(LLVMModuleRef mod, LLVMOrcThreadSafeContextRef tsc,
                const DrvOptions *o, DrvTimer *t);

#endif
