/* Driver.h — the compile session from source text to a running program.
 *
 * drv_frontend runs the front end of one program (lex, parse, Sema,
 * lowering to GIR, the GIR passes) and returns the module, or NULL when
 * there were compile errors (reported to s->diag, not yet rendered).
 *
 * The rest of the driver (driver.c, jit.c, emit.c) takes that module
 * through CodeGen, LLVM's new pass manager (`default<On>`), then either
 * emits an object/assembly/LLVM IR and links an executable with the system
 * C compiler and libgujirt.a (gujic), or adds the module to an ORC LLJIT
 * whose process symbol generator finds the runtime linked into `guji`
 * itself, and runs it (guji run).
 */
#ifndef GUJI_DRIVER_H
#define GUJI_DRIVER_H

#include "guji/GIR.h"
#include "guji/Session.h"

typedef enum DrvEmit {
  DRV_EMIT_EXE, DRV_EMIT_OBJ, DRV_EMIT_ASM, DRV_EMIT_LLVM, DRV_EMIT_IR
} DrvEmit;

typedef struct DrvOptions {
  const char *input;        /* path; "-" or NULL with stdin_text: stdin */
  const char *stdin_text;   /* program text read from stdin, if any */
  const char *output;       /* -o; NULL: derived from input */
  int opt_level;            /* -O0..-O3; default 2 */
  bool debug;               /* -g */
  DrvEmit emit;             /* --emit= */
  bool check_only;          /* --check */
  bool time_passes;         /* --time-passes */
  bool perf;                /* guji run --perf (or GUJI_JIT_PERF=1) */
  bool interp;              /* guji run --interp: the GIR interpreter */
  bool limit_tp_offset_known; /* guji run: see CgOptions */
  int64_t limit_tp_offset;
  int prog_argc;            /* guji run: the program's arguments */
  char **prog_argv;
} DrvOptions;

/* Front end: SrcFile already added to s->sm. With a timer (NULL for
 * none) the phases' times go to it (--time-passes). */
typedef struct DrvTimer DrvTimer;
GirModule *drv_frontend(Session *s, SrcFile *main_file, DrvTimer *t);

/* The command-line tools' whole behaviour; return the process exit status. */
int drv_gujic_main(int argc, char **argv);
int drv_guji_main(int argc, char **argv);

#endif
