/* gujic.c — the compiler's command line (§20).
 *
 *   gujic FILE.guji [-o OUT] [-O0|-O1|-O2|-O3] [-g]
 *         [--emit=exe|obj|asm|llvm|ir] [--check] [--time-passes]
 *
 * The output is named after the file's stem in the current directory
 * (prog.guji → ./prog, prog.o, prog.s, prog.ll); --emit=ir prints the GIR
 * to stdout unless -o is given. Every output but `ir` defines a C `main`,
 * so an object links into a program with just `cc prog.o libgujirt.a`.
 * Exit status: 0, 1 for compile errors, 2 for usage errors.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Core.h>

#include "drv_internal.h"

static const char *TOOL = "gujic";

static void usage(FILE *out) {
  fputs("usage: gujic FILE.guji [-o OUT] [-O0|-O1|-O2|-O3] [-g]\n"
        "             [--emit=exe|obj|asm|llvm|ir] [--check] [--time-passes]\n"
        "  -o OUT         write the output to OUT (default: named after FILE)\n"
        "  -O0 .. -O3     optimization level (default -O2)\n"
        "  -g             emit DWARF debug information (gdb, perf)\n"
        "  --emit=KIND    exe (default), obj, asm, llvm (LLVM IR text), ir (GIR)\n"
        "  --check        check the program only; write nothing\n"
        "  --time-passes  print the time of each compilation phase to stderr\n"
        "  --version      print the version\n",
        out);
}

static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "%s: error: ", TOOL);
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n%s: run 'gujic --help' for usage\n", TOOL);
  return DRV_EXIT_USAGE;
}

/* Returns -1 when parsing succeeded, else the exit status. */
static int parse_args(int argc, char **argv, DrvOptions *o) {
  memset(o, 0, sizeof *o);
  o->opt_level = 2;
  o->emit = DRV_EMIT_EXE;
  bool only_files = false;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (only_files || a[0] != '-' || strcmp(a, "-") == 0) {
      if (o->input)
        return usage_error("more than one input file ('%s')", a);
      o->input = a;
    } else if (strcmp(a, "--") == 0) {
      only_files = true;
    } else if (strcmp(a, "-o") == 0) {
      if (++i >= argc)
        return usage_error("%s", "'-o' needs a file name");
      o->output = argv[i];
    } else if (strncmp(a, "-o", 2) == 0) {
      o->output = a + 2;
    } else if (a[1] == 'O' && a[2] >= '0' && a[2] <= '3' && !a[3]) {
      o->opt_level = a[2] - '0';
    } else if (strcmp(a, "-g") == 0) {
      o->debug = true;
    } else if (strncmp(a, "--emit=", 7) == 0) {
      static const char *kinds[] = {"exe", "obj", "asm", "llvm", "ir"};
      int k = 0;
      while (k < 5 && strcmp(a + 7, kinds[k]) != 0)
        k++;
      if (k == 5)
        return usage_error("unknown --emit kind '%s' (exe, obj, asm, llvm, ir)",
                           a + 7);
      o->emit = (DrvEmit)k;
    } else if (strcmp(a, "--check") == 0) {
      o->check_only = true;
    } else if (strcmp(a, "--time-passes") == 0) {
      o->time_passes = true;
    } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      usage(stdout);
      return 0;
    } else if (strcmp(a, "--version") == 0) {
      unsigned maj, min, patch;
      LLVMGetVersion(&maj, &min, &patch);
      printf("gujic 0.1.0 (LLVM %u.%u.%u)\n", maj, min, patch);
      return 0;
    } else {
      return usage_error("unknown option '%s'", a);
    }
  }
  if (!o->input)
    return usage_error("%s", "no input file");
  return -1;
}

/* prog.guji → prog + ext, in the current directory. */
static char *default_output(const char *input, DrvEmit emit) {
  static const char *exts[] = {"", ".o", ".s", ".ll", ".gir"};
  const char *base = strrchr(input, '/');
  base = base ? base + 1 : input;
  size_t n = strlen(base);
  const char *dot = strrchr(base, '.');
  if (dot && dot != base)
    n = (size_t)(dot - base);
  if (n == 0 || (emit == DRV_EMIT_EXE && !dot)) /* never overwrite the input */
    return strdup(emit == DRV_EMIT_EXE ? "a.out" : "out");
  size_t len = n + 8;
  char *out = malloc(len);
  snprintf(out, len, "%.*s%s", (int)n, base, exts[emit]);
  return out;
}

static int print_ir(Session *s, const GirModule *m, const char *output) {
  FILE *out = stdout;
  if (output && !(out = fopen(output, "w"))) {
    drv_error(TOOL, "cannot write '%s': %s", output, strerror(errno));
    return DRV_EXIT_COMPILE;
  }
  gir_print_module(m, s->sm, out);
  if (out != stdout)
    fclose(out);
  else
    fflush(stdout);
  return 0;
}

int drv_gujic_main(int argc, char **argv) {
  DrvOptions o;
  int status = parse_args(argc, argv, &o);
  if (status >= 0)
    return status;
  DrvTimer timer = {.on = o.time_passes};
  Session *s = session_new();
  GirModule *m = drv_load_and_check(s, TOOL, &o, &status, &timer);
  if (!m || o.check_only) {
    if (m)
      drv_timer_report(&timer, TOOL, stderr);
    session_free(s);
    return m ? 0 : status;
  }
  if (o.emit == DRV_EMIT_IR) {
    status = print_ir(s, m, o.output);
    session_free(s);
    return status;
  }
  /* §19: a library that is not there is the compiler's error, not the
   * linker's */
  DrvLibs libs;
  if (!drv_foreign_load(TOOL, s, m, &libs, false)) {
    drv_foreign_free(&libs);
    session_free(s);
    return DRV_EXIT_COMPILE;
  }
  LLVMTargetMachineRef tm = drv_host_tm(TOOL, o.opt_level);
  if (!tm) {
    drv_foreign_free(&libs);
    session_free(s);
    return DRV_EXIT_COMPILE;
  }
  LLVMContextRef ctx = LLVMContextCreate();
  LLVMModuleRef mod =
      drv_codegen_and_optimize(s, TOOL, m, ctx, tm, &o, true, &timer);
  status = DRV_EXIT_COMPILE;
  if (mod) {
    char *out = o.output ? strdup(o.output) : default_output(o.input, o.emit);
    status = drv_emit(s, mod, tm, &o, out, &libs, &timer);
    free(out);
    LLVMDisposeModule(mod);
  }
  drv_timer_report(&timer, TOOL, stderr);
  LLVMContextDispose(ctx);
  LLVMDisposeTargetMachine(tm);
  drv_foreign_free(&libs);
  session_free(s);
  return status;
}
