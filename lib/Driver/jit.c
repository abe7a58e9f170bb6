/* jit.c — `guji run`: the optimized module runs in this process.
 *
 * ORC LLJIT with a process symbol generator: the generated code's gj_
 * references (and gj_rt_start, which we call ourselves) resolve to the
 * runtime linked into the `guji` executable, which exports it (-rdynamic,
 * whole archive). Looking gj_rt_start up through the JIT rather than
 * calling it directly keeps lib/Driver free of link-time references to the
 * runtime, so gujic, which links lib/Driver too, needs no runtime.
 *
 * The JIT's code generator gets a target machine like gujic's (host CPU,
 * PIC, the requested opt level). LLJIT links with JITLink by default;
 * with -g (or --perf, or GUJI_JIT_PERF=1) we install the RTDyld object
 * layer instead, because only it takes the JIT event listeners: the GDB
 * registration listener (gdb sees JIT'd functions and their DWARF) and
 * perf's, which writes a jitdump file (under $JITDUMPDIR, else
 * ~/.debug/jit) that `perf inject --jit` turns into symbols.
 */
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Error.h>
#include <llvm-c/ExecutionEngine.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Orc.h>
#include <llvm-c/OrcEE.h>

#include "drv_internal.h"

static const char *TOOL = "guji";

static int jit_error(const char *what, LLVMErrorRef e) {
  char *msg = LLVMGetErrorMessage(e);
  drv_error(TOOL, "internal error: JIT: %s: %s", what, msg);
  LLVMDisposeErrorMessage(msg);
  return DRV_EXIT_COMPILE;
}

typedef struct ListenerOpts {
  bool gdb, perf;
} ListenerOpts;

static LLVMOrcObjectLayerRef make_rtdyld_layer(void *ctx,
                                               LLVMOrcExecutionSessionRef es,
                                               const char *triple) {
  (void)triple;
  const ListenerOpts *lo = ctx;
  LLVMOrcObjectLayerRef layer =
      LLVMOrcCreateRTDyldObjectLinkingLayerWithSectionMemoryManager(es);
  if (lo->gdb)
    LLVMOrcRTDyldObjectLinkingLayerRegisterJITEventListener(
        layer, LLVMCreateGDBRegistrationListener());
  if (lo->perf) {
    LLVMJITEventListenerRef perf = LLVMCreatePerfJITEventListener();
    if (perf) /* NULL when LLVM was built without perf support */
      LLVMOrcRTDyldObjectLinkingLayerRegisterJITEventListener(layer, perf);
  }
  return layer;
}

LLVMOrcLLJITRef drv_jit_create(LLVMModuleRef mod,
                               LLVMOrcThreadSafeContextRef tsc,
                               const DrvOptions *o) {
  LLVMTargetMachineRef tm = drv_host_tm(TOOL, o->opt_level);
  if (!tm) {
    LLVMDisposeModule(mod);
    return NULL;
  }
  LLVMOrcLLJITBuilderRef builder = LLVMOrcCreateLLJITBuilder();
  LLVMOrcLLJITBuilderSetJITTargetMachineBuilder(
      builder, LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine(tm));
  const char *perf_env = getenv("GUJI_JIT_PERF");
  static ListenerOpts lo;
  lo.gdb = o->debug;
  lo.perf = o->perf || (perf_env && strcmp(perf_env, "1") == 0);
  if (lo.gdb || lo.perf)
    LLVMOrcLLJITBuilderSetObjectLinkingLayerCreator(builder, make_rtdyld_layer,
                                                    &lo);
  LLVMOrcLLJITRef jit;
  LLVMErrorRef e = LLVMOrcCreateLLJIT(&jit, builder);
  if (e) {
    LLVMDisposeModule(mod);
    jit_error("cannot create the JIT", e);
    return NULL;
  }
  LLVMOrcJITDylibRef jd = LLVMOrcLLJITGetMainJITDylib(jit);
  LLVMOrcDefinitionGeneratorRef gen;
  e = LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(
      &gen, LLVMOrcLLJITGetGlobalPrefix(jit), NULL, NULL);
  if (e) {
    LLVMDisposeModule(mod);
    jit_error("cannot search this process for symbols", e);
    LLVMOrcDisposeLLJIT(jit);
    return NULL;
  }
  LLVMOrcJITDylibAddGenerator(jd, gen);
  e = LLVMOrcLLJITAddLLVMIRModule(jit, jd,
                                  LLVMOrcCreateNewThreadSafeModule(mod, tsc));
  if (e) {
    jit_error("cannot add the module", e);
    LLVMOrcDisposeLLJIT(jit);
    return NULL;
  }
  return jit;
}

bool drv_jit_lookup(LLVMOrcLLJITRef jit, const char *name, uint64_t *addr) {
  LLVMOrcExecutorAddress a = 0;
  LLVMErrorRef e = LLVMOrcLLJITLookup(jit, &a, name);
  if (e) {
    jit_error(name, e);
    return false;
  }
  *addr = a;
  return true;
}

int drv_jit_run(LLVMModuleRef mod, LLVMOrcThreadSafeContextRef tsc,
                const DrvOptions *o, DrvTimer *t) {
  drv_timer_start(t);
  LLVMOrcLLJITRef jit = drv_jit_create(mod, tsc, o);
  if (!jit)
    return DRV_EXIT_COMPILE;
  LLVMOrcExecutorAddress entry = 0, start = 0;
  LLVMErrorRef e;
  if ((e = LLVMOrcLLJITLookup(jit, &entry, "gj_program_main")))
    return jit_error("cannot compile the program", e);
  if ((e = LLVMOrcLLJITLookup(jit, &start, "gj_rt_start")))
    return jit_error("the runtime is not linked into guji", e);
  drv_timer_stop(t, DRV_T_JIT);

  int (*rt_start)(int, char **, int64_t (*)(void)) =
      (int (*)(int, char **, int64_t (*)(void)))(uintptr_t)start;
  int status = rt_start(o->prog_argc, o->prog_argv,
                        (int64_t(*)(void))(uintptr_t)entry);
  LLVMOrcDisposeLLJIT(jit);
  return status;
}
