/* guji.c — running programs (§20).
 *
 *   guji run [-O0..-O3] [-g] [--perf] [--time-passes] FILE.guji [ARGS…]
 *   guji run --interp FILE.guji [ARGS…]    (the GIR interpreter, lib/Interp)
 *   guji [options] FILE.guji [ARGS…]       (the same)
 *   guji                                   (program text on stdin)
 *   guji test [options] FILE.guji…         (test blocks, §20: test.c)
 *
 * Options come before the file; everything after it belongs to the
 * program (its os.args, and argv[0] is the file's path). `-` as the file,
 * or no file with a stdin that is not a terminal, reads the program from
 * stdin, shown as "<stdin>" in diagnostics.
 *
 * Default optimization: -O1, a measured trade. `guji run hello.guji`
 * must start in under 100 ms, most of which is loading libLLVM; -O1's
 * pipeline costs little more than -O0's on small programs but already
 * inlines, promotes and simplifies, so loops run near -O2 speed.
 *
 * Exit status: the program's own (101 after a panic), 1 for compile
 * errors, 2 for usage errors.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <llvm-c/Core.h>
#include <llvm-c/Orc.h>

#include "drv_internal.h"
#include "guji/Interp.h"

static const char *TOOL = "guji";
enum { GUJI_DEFAULT_OPT = 1 };

static void usage(FILE *out) {
  fputs("usage: guji [run] [-O0|-O1|-O2|-O3] [-g] [--perf] [--time-passes] "
        "FILE.guji [ARGS...]\n"
        "       guji < FILE.guji\n"
        "       guji test [-O0..-O3] [-g] [--filter SUBSTR] FILE.guji...\n"
        "  runs a guji program, compiled in memory; ARGS are its arguments\n"
        "  -O0 .. -O3     optimization level (default -O1)\n"
        "  -g             debug information for gdb on the JIT'd code\n"
        "  --perf         tell perf about the JIT'd code (a jitdump file for\n"
        "                 `perf inject --jit`; the same as GUJI_JIT_PERF=1)\n"
        "  --time-passes  print the time of each compilation phase to stderr\n"
        "  --interp       run the program's GIR in the interpreter, not the JIT\n"
        "  --version      print the version\n"
        "  FILE '-' or no FILE with stdin not a terminal: read the program "
        "from stdin\n",
        out);
}

static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "%s: error: ", TOOL);
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n%s: run 'guji --help' for usage\n", TOOL);
  return DRV_EXIT_USAGE;
}

static char *read_stdin(void) {
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (len + 1 >= cap)
      buf = realloc(buf, cap *= 2);
    ssize_t n = read(0, buf + len, cap - len - 1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      free(buf);
      return NULL;
    }
    if (n == 0)
      break;
    len += (size_t)n;
  }
  buf[len] = 0;
  return buf;
}

/* Returns -1 when parsing succeeded, else the exit status. */
static int parse_args(int argc, char **argv, DrvOptions *o) {
  memset(o, 0, sizeof *o);
  o->opt_level = GUJI_DEFAULT_OPT;
  int i = 1;
  if (i < argc && strcmp(argv[i], "run") == 0)
    i++;

  for (; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] != '-' || strcmp(a, "-") == 0)
      break;
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    }
    if (a[1] == 'O' && a[2] >= '0' && a[2] <= '3' && !a[3])
      o->opt_level = a[2] - '0';
    else if (strcmp(a, "-g") == 0)
      o->debug = true;
    else if (strcmp(a, "--perf") == 0)
      o->perf = true;
    else if (strcmp(a, "--time-passes") == 0)
      o->time_passes = true;
    else if (strcmp(a, "--interp") == 0)
      o->interp = true;
    else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      usage(stdout);
      return 0;
    } else if (strcmp(a, "--version") == 0) {
      unsigned maj, min, patch;
      LLVMGetVersion(&maj, &min, &patch);
      printf("guji 0.1.0 (LLVM %u.%u.%u)\n", maj, min, patch);
      return 0;
    } else
      return usage_error("unknown option '%s'", a);
  }
  bool from_stdin;
  if (i < argc) {
    from_stdin = strcmp(argv[i], "-") == 0;
    o->input = from_stdin ? "<stdin>" : argv[i];
    o->prog_argc = argc - i;
    o->prog_argv = argv + i;
  } else {
    if (isatty(0)) {
      usage(stderr);
      return DRV_EXIT_USAGE;
    }
    from_stdin = true;
    o->input = "<stdin>";
    o->prog_argc = 0;
    o->prog_argv = NULL;
  }
  if (from_stdin) {
    char *text = read_stdin();
    if (!text) {
      drv_error(TOOL, "cannot read the program from stdin: %s", strerror(errno));
      return DRV_EXIT_COMPILE;
    }
    o->stdin_text = text;
  }
  return -1;
}

/* The offset of the runtime's gj_task_stack_limit from the thread pointer
 * (gujirt.h), asked of the runtime linked into this process: by name, as
 * the driver library does not link the runtime itself. */
bool drv_stack_limit_tp_offset(int64_t *off) {
  int64_t (*fn)(void) =
      (int64_t (*)(void))dlsym(RTLD_DEFAULT, "gj_task_stack_limit_tp_offset");
  if (!fn)
    return false;
  *off = fn();
  return true;
}

int drv_guji_main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "test") == 0)
    return drv_guji_test(argc - 1, argv + 1);
  DrvOptions o;
  int status = parse_args(argc, argv, &o);
  if (status >= 0)
    return status;
  /* argv[0] of the program: its path ("<stdin>" when read from stdin) */
  char *stdin_argv[] = {"<stdin>", NULL};
  if (!o.prog_argv) {
    o.prog_argc = 1;
    o.prog_argv = stdin_argv;
  } else if (o.stdin_text) {
    o.prog_argv[0] = "<stdin>";
  }
  DrvTimer timer = {.on = o.time_passes};
  o.limit_tp_offset_known = drv_stack_limit_tp_offset(&o.limit_tp_offset);
  Session *s = session_new();
  GirModule *m = drv_load_and_check(s, TOOL, &o, &status, &timer);
  if (!m) {
    session_free(s);
    free((char *)o.stdin_text);
    return status;
  }
  /* §19: load the extern blocks' libraries into this process, where the
   * JIT finds their symbols */
  if (!drv_foreign_load_here(TOOL, s, m)) {
    session_free(s);
    free((char *)o.stdin_text);
    return DRV_EXIT_COMPILE;
  }
  if (o.interp) {
    /* the interpreter reads the GIR and the spans' files while it runs */
    status = interp_run_program(m, s->sm, o.prog_argc, o.prog_argv, stderr);
    session_free(s);
    free((char *)o.stdin_text);
    return status;
  }
  LLVMTargetMachineRef tm = drv_host_tm(TOOL, o.opt_level);
  if (!tm) {
    session_free(s);
    return DRV_EXIT_COMPILE;
  }
  LLVMOrcThreadSafeContextRef tsc = LLVMOrcCreateNewThreadSafeContext();
  LLVMContextRef ctx = LLVMOrcThreadSafeContextGetContext(tsc);
  LLVMModuleRef mod =
      drv_codegen_and_optimize(s, TOOL, m, ctx, tm, &o, false, &timer);
  LLVMDisposeTargetMachine(tm);
  /* the GIR is done with; free it before the program runs */
  session_free(s);
  free((char *)o.stdin_text);
  o.stdin_text = NULL;
  if (!mod) {
    LLVMOrcDisposeThreadSafeContext(tsc);
    return DRV_EXIT_COMPILE;
  }
  status = drv_jit_run(mod, tsc, &o, &timer);
  LLVMOrcDisposeThreadSafeContext(tsc);
  drv_timer_report(&timer, TOOL, stderr); /* after the program's output */
  return status;
}
