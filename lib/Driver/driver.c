/* driver.c — the compile steps both tools share.
 *
 * A compilation is: load the source (a file, or text read from stdin,
 * shown as "<stdin>"), drv_frontend (lex … GIR passes, in frontend.c),
 * render the diagnostics, cg_module, then LLVM's new pass manager with
 * `default<On>` for the host target machine. gujic then emits and links
 * (emit.c); guji hands the module to the JIT (jit.c).
 *
 * Target: the host's triple, CPU and features (like -march=native: the
 * executables are for this machine), position-independent code (so cc
 * links a PIE without extra flags, and the JIT can place code anywhere),
 * the default code model.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <llvm-c/Error.h>
#include <llvm-c/Target.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "drv_internal.h"
#include "guji/CodeGen.h"
#include "guji/Interp.h"

/* ---- messages and timing ------------------------------------------------ */

void drv_error(const char *tool, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "%s: error: ", tool);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

double drv_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void drv_timer_start(DrvTimer *t) {
  if (t && t->on)
    t->start = drv_now_ms();
}

void drv_timer_stop(DrvTimer *t, DrvPhase p) {
  if (t && t->on)
    t->ms[p] += drv_now_ms() - t->start;
}

void drv_timer_report(const DrvTimer *t, const char *tool, FILE *out) {
  static const char *names[DRV_T__COUNT] = {
      "parse + modules", "type check", "lowering to GIR", "GIR passes",
      "codegen", "LLVM optimization", "emission", "linking",
      "JIT compilation"};
  if (!t || !t->on)
    return;
  double total = 0;
  fprintf(out, "%s: time-passes (wall clock, ms):\n", tool);
  for (int i = 0; i < DRV_T__COUNT; i++) {
    if (t->ms[i] == 0 && (i == DRV_T_LINK || i == DRV_T_JIT || i == DRV_T_EMIT))
      continue;
    fprintf(out, "  %-18s %9.3f\n", names[i], t->ms[i]);
    total += t->ms[i];
  }
  fprintf(out, "  %-18s %9.3f\n", "total", total);
}

/* ---- front end ------------------------------------------------------------ */

GirModule *drv_load_and_check(Session *s, const char *tool,
                              const DrvOptions *o, int *status, DrvTimer *t) {
  SrcFile *f;
  if (o->stdin_text) {
    f = src_add(s->sm, "<stdin>", o->stdin_text, strlen(o->stdin_text));
  } else {
    f = src_load(s->sm, o->input);
    if (!f) {
      drv_error(tool, "cannot read '%s': %s", o->input, strerror(errno));
      *status = DRV_EXIT_COMPILE;
      return NULL;
    }
  }
  GirModule *m = drv_frontend(s, f, t);
  if (s->diag->nerrors || s->diag->nwarnings || !m)
    diag_render(s->diag, stderr, -1);
  if (!m || diag_has_errors(s->diag)) {
    if (!diag_has_errors(s->diag))
      drv_error(tool, "compilation failed");
    *status = DRV_EXIT_COMPILE;
    return NULL;
  }
  /* §3: consts computed at compile time where they can be (Interp.h);
   * `--interp` runs every initializer itself anyway. GUJI_CONST_EVAL=0
   * leaves them all to run time. */
  const char *ce = getenv("GUJI_CONST_EVAL");
  if (!o->interp && !(ce && !strcmp(ce, "0")))
    interp_fold_consts(m, s->sm, DRV_CONST_STEP_LIMIT, NULL);
  return m;
}

/* ---- LLVM ---------------------------------------------------------------- */

void drv_init_llvm(void) {
  static bool done;
  if (done)
    return;
  done = true;
  LLVMInitializeNativeTarget();
  LLVMInitializeNativeAsmPrinter();
  LLVMInitializeNativeAsmParser(); /* inline asm: the JIT reads the thread pointer */
}

LLVMTargetMachineRef drv_host_tm(const char *tool, int opt_level) {
  drv_init_llvm();
  char *triple = LLVMGetDefaultTargetTriple();
  LLVMTargetRef target;
  char *err = NULL;
  if (LLVMGetTargetFromTriple(triple, &target, &err)) {
    drv_error(tool, "no LLVM target for '%s': %s", triple, err ? err : "");
    LLVMDisposeMessage(err);
    LLVMDisposeMessage(triple);
    return NULL;
  }
  static const LLVMCodeGenOptLevel levels[] = {
      LLVMCodeGenLevelNone, LLVMCodeGenLevelLess, LLVMCodeGenLevelDefault,
      LLVMCodeGenLevelAggressive};
  char *cpu = LLVMGetHostCPUName();
  char *features = LLVMGetHostCPUFeatures();
  LLVMTargetMachineRef tm = LLVMCreateTargetMachine(
      target, triple, cpu, features,
      levels[opt_level < 0 ? 0 : opt_level > 3 ? 3 : opt_level],
      LLVMRelocPIC, LLVMCodeModelDefault);
  LLVMDisposeMessage(cpu);
  LLVMDisposeMessage(features);
  LLVMDisposeMessage(triple);
  if (!tm)
    drv_error(tool, "cannot create an LLVM target machine for this host");
  return tm;
}

LLVMModuleRef drv_codegen_and_optimize(Session *s, const char *tool,
                                       const GirModule *m, LLVMContextRef ctx,
                                       LLVMTargetMachineRef tm,
                                       const DrvOptions *o, bool c_main,
                                       DrvTimer *t) {
  CgOptions co = {0};
  co.debug = o->debug;
  co.emit_c_main = c_main;
  co.opt_level = o->opt_level;
  co.tm = tm;
  co.limit_tp_offset_known = o->limit_tp_offset_known;
  co.limit_tp_offset = o->limit_tp_offset;
  drv_timer_start(t);
  LLVMModuleRef mod = cg_module(s, m, ctx, &co);
  drv_timer_stop(t, DRV_T_CODEGEN);
  if (!mod) {
    diag_render(s->diag, stderr, -1);
    return NULL;
  }
  drv_timer_start(t);
  /* At -O2 and above, one more round of GVN and InstCombine after the
   * default pipeline: its only GVN runs before jump threading has split
   * the paths on which an object is built and at once taken apart (an
   * Option a receive returns, matched by its loop), and only on those
   * paths does its count fold to 1 so that the allocation and its free
   * go together (CodeGen's allocator pair, obj.c). */
  char pipeline[96];
  snprintf(pipeline, sizeof pipeline, "default<O%d>%s", o->opt_level,
           o->opt_level >= 2 ? ",function(gvn,instcombine,simplifycfg)" : "");
  LLVMPassBuilderOptionsRef pbo = LLVMCreatePassBuilderOptions();
  if (o->opt_level >= 2) {
    LLVMPassBuilderOptionsSetLoopVectorization(pbo, true);
    LLVMPassBuilderOptionsSetSLPVectorization(pbo, true);
  }
  LLVMErrorRef e = LLVMRunPasses(mod, pipeline, tm, pbo);
  LLVMDisposePassBuilderOptions(pbo);
  if (!e)
    cg_emit_call_sites(mod);
  drv_timer_stop(t, DRV_T_OPT);
  if (e) {
    char *msg = LLVMGetErrorMessage(e);
    drv_error(tool, "internal compiler error: LLVM passes: %s", msg);
    LLVMDisposeErrorMessage(msg);
    LLVMDisposeModule(mod);
    return NULL;
  }
  return mod;
}
