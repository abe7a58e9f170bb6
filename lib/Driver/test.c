/* test.c — `guji test [-O0..-O3] [-g] [--filter SUBSTR] FILE…` (§20).
 *
 * Each FILE is compiled as its own program with Session.tests set: its
 * test blocks are lowered (GirModule.tests) and CodeGen adds the test
 * table (gj_program_tests, gj_program_ntests, gj_program_test_init), and
 * a file needs no main. Every file gets an LLJIT of its own (the tables'
 * names are the same in each); all are compiled before any test runs, so
 * a compile error in any file means status 1 and nothing run. Then the
 * runtime's gj_rt_test_main, found like gj_rt_start among this process's
 * symbols, runs the tests (runtime/src/test.c) and gives the status: 0
 * when all passed, 1 when any failed. The JITs live until it returns.
 */
#include <stdlib.h>
#include <string.h>

#include "drv_internal.h"
#include "gujirt.h"

static const char *TOOL = "guji";
enum { GUJI_TEST_OPT = 1 };

static int usage_error(const char *msg, const char *arg) {
  fprintf(stderr, "%s: error: ", TOOL);
  fprintf(stderr, msg, arg);
  fprintf(stderr, "\nusage: guji test [-O0|-O1|-O2|-O3] [-g] "
          "[--filter SUBSTR] FILE.guji...\n");
  return DRV_EXIT_USAGE;
}

typedef struct TestJit {
  LLVMOrcThreadSafeContextRef tsc;
  LLVMOrcLLJITRef jit;
} TestJit;

/* Compiles one file for testing into a JIT; fills *tf from its table. */
static int load_file(DrvOptions *o, TestJit *tj, GjTestFile *tf) {
  Session *s = session_new();
  s->tests = true;
  int status = 0;
  GirModule *m = drv_load_and_check(s, TOOL, o, &status, NULL);
  if (!m) {
    session_free(s);
    return status;
  }
  /* §19: as guji run, the extern blocks' libraries in this process */
  if (!drv_foreign_load_here(TOOL, s, m)) {
    session_free(s);
    return DRV_EXIT_COMPILE;
  }
  LLVMTargetMachineRef tm = drv_host_tm(TOOL, o->opt_level);
  if (!tm) {
    session_free(s);
    return DRV_EXIT_COMPILE;
  }
  tj->tsc = LLVMOrcCreateNewThreadSafeContext();
  LLVMContextRef ctx = LLVMOrcThreadSafeContextGetContext(tj->tsc);
  LLVMModuleRef mod = drv_codegen_and_optimize(s, TOOL, m, ctx, tm, o, false,
                                               NULL);
  LLVMDisposeTargetMachine(tm);
  session_free(s);
  if (!mod)
    return DRV_EXIT_COMPILE;
  tj->jit = drv_jit_create(mod, tj->tsc, o);
  uint64_t tests, n, init, fini;
  if (!tj->jit || !drv_jit_lookup(tj->jit, "gj_program_tests", &tests) ||
      !drv_jit_lookup(tj->jit, "gj_program_ntests", &n) ||
      !drv_jit_lookup(tj->jit, "gj_program_test_init", &init) ||
      !drv_jit_lookup(tj->jit, "gj_program_test_fini", &fini))
    return DRV_EXIT_COMPILE;
  tf->fini = (void (*)(void))(uintptr_t)fini;
  tf->tests = (const GjTestCase *)(uintptr_t)tests;
  tf->ntests = *(const int64_t *)(uintptr_t)n;
  tf->init = (void (*)(void))(uintptr_t)init;
  return 0;
}

int drv_guji_test(int argc, char **argv) {
  DrvOptions o;
  memset(&o, 0, sizeof o);
  o.opt_level = GUJI_TEST_OPT;
  const char *filter = NULL;
  int nfiles = 0;
  char **files = calloc((size_t)argc + 1, sizeof *files);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] == '-' && a[1] == 'O' && a[2] >= '0' && a[2] <= '3' && !a[3])
      o.opt_level = a[2] - '0';
    else if (strcmp(a, "-g") == 0)
      o.debug = true;
    else if (strcmp(a, "--filter") == 0 && i + 1 < argc)
      filter = argv[++i];
    else if (strncmp(a, "--filter=", 9) == 0)
      filter = a + 9;
    else if (a[0] == '-') {
      free(files);
      return usage_error("unknown option '%s'", a);
    } else
      files[nfiles++] = argv[i];
  }
  if (!nfiles) {
    free(files);
    return usage_error("no test file given%s", "");
  }
  o.limit_tp_offset_known = drv_stack_limit_tp_offset(&o.limit_tp_offset);
  TestJit *jits = calloc((size_t)nfiles, sizeof *jits);
  GjTestFile *tfs = calloc((size_t)nfiles, sizeof *tfs);
  int status = 0;
  for (int i = 0; i < nfiles; i++) {
    o.input = files[i];
    int st = load_file(&o, &jits[i], &tfs[i]);
    if (st)
      status = st;
  }
  uint64_t main_addr = 0;
  if (!status && !drv_jit_lookup(jits[0].jit, "gj_rt_test_main", &main_addr))
    status = DRV_EXIT_COMPILE;
  if (!status) {
    int (*run)(int, char **, const GjTestFile *, int, const char *) =
        (int (*)(int, char **, const GjTestFile *, int, const char *))(
            uintptr_t)main_addr;
    char *args[] = {files[0], NULL};
    status = run(1, args, tfs, nfiles, filter);
  }
  for (int i = 0; i < nfiles; i++) {
    if (jits[i].jit)
      LLVMOrcDisposeLLJIT(jits[i].jit);
    if (jits[i].tsc)
      LLVMOrcDisposeThreadSafeContext(jits[i].tsc);
  }
  free(jits);
  free(tfs);
  free(files);
  return status;
}
