/* foreign.c — the libraries of extern blocks (§19), found and loaded.
 *
 * Both tools resolve each library the program's extern blocks name the
 * same way, and dlopen it to check it (gujic) or to use it (guji run):
 *   "c"                 libc: already in every process; nothing to do
 *   "m"                 libm.so.6 (gujic links -lm anyway)
 *   a name with a '/'   that file (relative to the working directory)
 *   "foo"               libfoo.so in the first GUJI_LIB_PATH directory
 *                       that has it, else where the dynamic loader finds
 *                       it (LD_LIBRARY_PATH, the system's directories)
 * A library that does not load is a compile error naming it, with the
 * loader's reason, before anything is linked or run. guji loads with
 * RTLD_GLOBAL, so the JIT's process-symbol generator (a dlsym over the
 * global scope) then finds the library's functions; gujic links what it
 * found (drv_foreign_link_args) with an rpath to the directory, so the
 * executable finds it where the compiler did.
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drv_internal.h"

static char *dup_printf(const char *a, const char *b, const char *c) {
  size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
  char *s = malloc(n);
  snprintf(s, n, "%s%s%s", a, b, c);
  return s;
}

/* GUJI_LIB_PATH's first directory holding libNAME.so, or NULL. */
static char *search_lib_path(const char *name) {
  const char *env = getenv("GUJI_LIB_PATH");
  if (!env || !*env)
    return NULL;
  char *copy = strdup(env), *save = NULL, *found = NULL;
  for (char *d = strtok_r(copy, ":", &save); d && !found;
       d = strtok_r(NULL, ":", &save)) {
    char *p = dup_printf(d, "/lib", name);
    char *so = dup_printf(p, ".so", "");
    free(p);
    if (access(so, F_OK) == 0)
      found = so;
    else
      free(so);
  }
  free(copy);
  return found;
}

static void resolve(DrvLib *l) {
  const char *n = l->name;
  if (strcmp(n, "m") == 0) {
    l->path = strdup("libm.so.6");
    return;
  }
  l->path = strchr(n, '/') ? strdup(n) : search_lib_path(n);
  if (l->path) {
    /* a file: linked by its path, found at run time by an rpath */
    char abs[PATH_MAX];
    if (realpath(l->path, abs)) {
      free(l->path);
      l->path = strdup(abs);
    }
    l->is_file = true;
    return;
  }
  l->path = dup_printf("lib", n, ".so");
}

/* The C function a foreign wrapper calls (its body's CALL_C). */
static const char *foreign_sym(const GirFunc *f) {
  for (size_t b = 0; b < f->blocks.len; b++)
    for (size_t i = 0; i < f->blocks.data[b]->insts.len; i++) {
      const GirInst *in = &f->blocks.data[b]->insts.data[i];
      if (in->op == GIR_OP_CALL_C)
        return in->imm.ccall.sym;
    }
  return NULL;
}

/* Every extern sub names a function the libraries (or the process: libc)
 * have; one that does not is an error at its declaration, rather than
 * the linker's or the JIT's complaint about an undefined symbol. */
static bool check_symbols(Session *s, const GirModule *m, void **handles,
                          const DrvLibs *libs) {
  bool ok = true;
  for (size_t i = 0; i < m->funcs.len; i++) {
    const GirFunc *f = m->funcs.data[i];
    const char *sym = f->is_foreign ? foreign_sym(f) : NULL;
    if (!sym)
      continue;
    bool found = dlsym(RTLD_DEFAULT, sym) != NULL;
    for (size_t k = 0; k < libs->n && !found; k++)
      found = handles[k] && dlsym(handles[k], sym);
    if (found)
      continue;
    char where[512] = "";
    size_t len = 0;
    for (size_t k = 0; k < libs->n && len < sizeof where - 64; k++)
      len += (size_t)snprintf(where + len, sizeof where - len, "%s%s",
                              len ? ", " : "",
                              libs->libs[k].path ? libs->libs[k].path : "libc");
    diag_error(s->diag, f->span,
               "no C function '%s' in %s: check the name, or the library "
               "its extern block names (§19)",
               sym, where[0] ? where : "libc");
    ok = false;
  }
  if (!ok)
    diag_render(s->diag, stderr, -1);
  return ok;
}

bool drv_foreign_load(const char *tool, Session *s, const GirModule *m,
                      DrvLibs *out, bool keep_open) {
  memset(out, 0, sizeof *out);
  out->n = m->foreign_libs.len;
  out->libs = calloc(out->n ? out->n : 1, sizeof *out->libs);
  void **handles = calloc(out->n ? out->n : 1, sizeof *handles);
  bool ok = true;
  for (size_t i = 0; i < out->n; i++) {
    DrvLib *l = &out->libs[i];
    l->name = m->foreign_libs.data[i];
    if (strcmp(l->name, "c") == 0)
      continue;
    resolve(l);
    void *h = dlopen(l->path, (keep_open ? RTLD_NOW : RTLD_LAZY) |
                                  (keep_open ? RTLD_GLOBAL : RTLD_LOCAL));
    if (!h) {
      const char *why = dlerror();
      drv_error(tool, "cannot load library '%s' (%s)", l->name,
                why ? why : l->path);
      ok = false;
      continue;
    }
    handles[i] = h;
  }
  if (ok)
    ok = check_symbols(s, m, handles, out);
  for (size_t i = 0; i < out->n; i++)
    if (handles[i] && !keep_open)
      dlclose(handles[i]);
  free(handles);
  return ok;
}

bool drv_foreign_load_here(const char *tool, Session *s, const GirModule *m) {
  DrvLibs libs;
  bool ok = drv_foreign_load(tool, s, m, &libs, true);
  drv_foreign_free(&libs);
  return ok;
}

/* The linker arguments: appended to argv at *argc (at most 4 a library,
 * plus 1), the strings owned by libs. */
void drv_foreign_link_args(DrvLibs *libs, char **argv, int *argc, int max) {
  if (!libs || !libs->n)
    return;
  for (size_t i = 0; i < libs->n && *argc + 5 < max; i++) {
    DrvLib *l = &libs->libs[i];
    if (!l->path || strcmp(l->name, "m") == 0)
      continue; /* libc, libm: linked anyway */
    if (l->is_file) {
      argv[(*argc)++] = l->path;
      char *dir = strdup(l->path);
      char *slash = strrchr(dir, '/');
      if (slash)
        *slash = 0;
      l->link_arg = dup_printf("-Wl,-rpath,", dir, "");
      free(dir);
    } else {
      l->link_arg = dup_printf("-l", l->name, "");
    }
    argv[(*argc)++] = l->link_arg;
  }
  argv[(*argc)++] = "-lffi"; /* the runtime's callbacks (runtime/src/ffi.c) */
}

void drv_foreign_free(DrvLibs *libs) {
  for (size_t i = 0; i < libs->n; i++) {
    free(libs->libs[i].path);
    free(libs->libs[i].link_arg);
  }
  free(libs->libs);
  memset(libs, 0, sizeof *libs);
}
