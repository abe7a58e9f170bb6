/* emit.c — gujic's output: object, assembly, LLVM IR, or an executable.
 *
 * An executable is an object file in a temporary directory linked by the
 * system C compiler:
 *     cc -o OUT prog.o <dir of gujic>/../lib/libgujirt.a -lm -lpthread
 * then, for a program with extern blocks (§19), each library foreign.c
 * found and -lffi.
 * $GUJI_CC replaces `cc` (it may carry options: "clang-19 -fuse-ld=lld"),
 * $GUJI_RUNTIME_LIB the runtime archive's path. The code is PIC, so the
 * default PIE link works. The compiler is run with posix_spawnp, never
 * through a shell, so no path needs quoting.
 *
 * With -g the module also gets a `.debug_gdb_scripts` entry naming the
 * gdb pretty-printers, <dir of gujic>/../share/guji/guji-gdb.py (as Go's
 * linker names runtime-gdb.py): gdb loads them with the program once its
 * auto-load safe-path admits that file (docs/tools.md, "Debugging").
 */
#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <llvm-c/Core.h>
#include <llvm-c/TargetMachine.h>

#include "drv_internal.h"

extern char **environ;

static const char *TOOL = "gujic";

/* The directory of the running executable, malloc'd. */
static char *exe_dir(void) {
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0)
    return NULL;
  exe[n] = 0;
  char *slash = strrchr(exe, '/');
  if (!slash)
    return NULL;
  *slash = 0;
  return strdup(exe);
}

/* <dir of the running executable>/../lib/libgujirt.a */
static char *runtime_lib(void) {
  const char *env = getenv("GUJI_RUNTIME_LIB");
  if (env && *env)
    return strdup(env);
  char *dir = exe_dir();
  if (!dir)
    return NULL;
  size_t len = strlen(dir) + 32;
  char *path = malloc(len);
  snprintf(path, len, "%s/../lib/libgujirt.a", dir);
  free(dir);
  return path;
}

/* The entry, in gdb's format: a byte 1 (a Python file), the absolute path,
 * a NUL. Left out when the script is not where gujic expects it. */
static void add_gdb_script(LLVMModuleRef mod) {
  char *dir = exe_dir();
  if (!dir)
    return;
  char rel[PATH_MAX], path[PATH_MAX + 1];
  snprintf(rel, sizeof rel, "%s/../share/guji/guji-gdb.py", dir);
  free(dir);
  path[0] = 1;
  if (!realpath(rel, path + 1))
    return;
  LLVMContextRef ctx = LLVMGetModuleContext(mod);
  LLVMValueRef text =
      LLVMConstStringInContext(ctx, path, (unsigned)strlen(path), false);
  LLVMValueRef g = LLVMAddGlobal(mod, LLVMTypeOf(text), "gj.gdb_script");
  LLVMSetInitializer(g, text);
  LLVMSetGlobalConstant(g, true);
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  LLVMSetSection(g, ".debug_gdb_scripts");
  LLVMSetAlignment(g, 1);
  /* llvm.used keeps it: nothing refers to it */
  LLVMTypeRef ptr = LLVMPointerTypeInContext(ctx, 0);
  LLVMValueRef used = LLVMAddGlobal(mod, LLVMArrayType(ptr, 1), "llvm.used");
  LLVMSetInitializer(used, LLVMConstArray(ptr, &g, 1));
  LLVMSetLinkage(used, LLVMAppendingLinkage);
  LLVMSetSection(used, "llvm.metadata");
}

/* Runs argv[0] with argv; returns its exit status, or -1 if it could not
 * run (errno kept). */
static int run_command(char **argv) {
  pid_t pid;
  int rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
  if (rc != 0) {
    errno = rc;
    return -1;
  }
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR)
      return -1;
  if (WIFEXITED(st))
    return WEXITSTATUS(st);
  return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static int link_exe(const char *obj, const char *out, DrvLibs *libs,
                    DrvTimer *t) {
  char *rt = runtime_lib();
  struct stat st;
  if (!rt || stat(rt, &st) != 0) {
    drv_error(TOOL, "cannot find the guji runtime library '%s' (set "
                    "GUJI_RUNTIME_LIB to its path)",
              rt ? rt : "libgujirt.a");
    free(rt);
    return DRV_EXIT_COMPILE;
  }
  const char *cc_env = getenv("GUJI_CC");
  char *cc = strdup(cc_env && *cc_env ? cc_env : "cc");
  char *argv[64 + 4 * 16];
  int argc = 0;
  for (char *tok = strtok(cc, " \t"); tok && argc < 48; tok = strtok(NULL, " \t"))
    argv[argc++] = tok;
  argv[argc++] = "-o";
  argv[argc++] = (char *)out;
  argv[argc++] = (char *)obj;
  argv[argc++] = rt;
  argv[argc++] = "-lpcre2-8"; /* regex.c (§14) */
  argv[argc++] = "-lm";
  argv[argc++] = "-lpthread";
  drv_foreign_link_args(libs, argv, &argc, 64 + 4 * 16 - 1);
  argv[argc] = NULL;
  drv_timer_start(t);
  int rc = run_command(argv);
  drv_timer_stop(t, DRV_T_LINK);
  int status = 0;
  if (rc < 0) {
    drv_error(TOOL, "cannot run the linker '%s': %s", argv[0], strerror(errno));
    status = DRV_EXIT_COMPILE;
  } else if (rc != 0) {
    drv_error(TOOL, "linking failed ('%s' exited with status %d)", argv[0], rc);
    status = DRV_EXIT_COMPILE;
  }
  free(cc);
  free(rt);
  return status;
}

static int emit_file(LLVMModuleRef mod, LLVMTargetMachineRef tm,
                     const char *path, LLVMCodeGenFileType kind) {
  char *err = NULL;
  if (LLVMTargetMachineEmitToFile(tm, mod, (char *)path, kind, &err)) {
    drv_error(TOOL, "cannot write '%s': %s", path, err ? err : "");
    LLVMDisposeMessage(err);
    return DRV_EXIT_COMPILE;
  }
  return 0;
}

/* The output's directory must exist: say so plainly rather than in the
 * words of LLVM or the linker. */
static bool check_output_dir(const char *out) {
  char *dir = strdup(out);
  char *slash = strrchr(dir, '/');
  bool ok = true;
  if (slash) {
    if (slash == dir)
      slash[1] = 0;
    else
      *slash = 0;
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
      drv_error(TOOL, "cannot write '%s': directory '%s' does not exist", out,
                dir);
      ok = false;
    }
  }
  free(dir);
  return ok;
}

int drv_emit(Session *s, LLVMModuleRef mod, LLVMTargetMachineRef tm,
             const DrvOptions *o, const char *out, DrvLibs *libs,
             DrvTimer *t) {
  (void)s;
  if (!check_output_dir(out))
    return DRV_EXIT_COMPILE;
  int status = 0;
  drv_timer_start(t);
  if (o->debug)
    add_gdb_script(mod);
  switch (o->emit) {
  case DRV_EMIT_OBJ:
    status = emit_file(mod, tm, out, LLVMObjectFile);
    break;
  case DRV_EMIT_ASM:
    status = emit_file(mod, tm, out, LLVMAssemblyFile);
    break;
  case DRV_EMIT_LLVM: {
    char *err = NULL;
    if (LLVMPrintModuleToFile(mod, out, &err)) {
      drv_error(TOOL, "cannot write '%s': %s", out, err ? err : "");
      status = DRV_EXIT_COMPILE;
    }
    LLVMDisposeMessage(err);
    break;
  }
  case DRV_EMIT_EXE: {
    const char *tmpdir = getenv("TMPDIR");
    char obj[PATH_MAX];
    snprintf(obj, sizeof obj, "%s/gujic-XXXXXX.o",
             tmpdir && *tmpdir ? tmpdir : "/tmp");
    int fd = mkstemps(obj, 2);
    if (fd < 0) {
      drv_error(TOOL, "cannot create a temporary file '%s': %s", obj,
                strerror(errno));
      status = DRV_EXIT_COMPILE;
      break;
    }
    close(fd);
    status = emit_file(mod, tm, obj, LLVMObjectFile);
    drv_timer_stop(t, DRV_T_EMIT);
    if (status == 0)
      status = link_exe(obj, out, libs, t);
    unlink(obj);
    return status;
  }
  case DRV_EMIT_IR:
    break; /* printed by gujic.c before CodeGen */
  }
  drv_timer_stop(t, DRV_T_EMIT);
  return status;
}
