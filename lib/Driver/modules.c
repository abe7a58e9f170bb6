/* modules.c — finding and loading the modules a program uses (§3).
 *
 * From the main file on, every `use NAME` that does not name a standard
 * module (§18) is looked up as NAME.guji in the directory of the file that
 * uses it, then in each directory of GUJI_PATH (colon-separated; empty
 * entries are skipped); the first file found is the module. Each file is
 * loaded and parsed once, however many modules use it: files are told
 * apart by their real path, so a cycle of uses (allowed, §3) ends where it
 * started and a module may even use the main file. Every ITEM_USE then
 * points at its Module, which is all Sema needs to see the whole program.
 *
 * Two different files with one module name in one program are an error:
 * `util.x` would be ambiguous to a reader, and link names (util.x) would
 * clash.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "drv_internal.h"
#include "guji/Parse.h"
#include "guji/Sema.h"

typedef struct Loaded {
  Module *mod;
  const char *real;   /* realpath of its file; NULL for stdin */
} Loaded;

typedef struct Loader {
  Session *s;
  VEC(Loaded) mods;
  VEC(const char *) path_dirs;   /* GUJI_PATH's directories */
} Loader;

static const char *real_path(Arena *a, const char *path) {
  char *r = realpath(path, NULL);
  if (!r) return NULL;
  const char *copy = arena_strdup(a, r);
  free(r);
  return copy;
}

static bool is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* "dir/" of "dir/file.guji"; "" for a file in the current directory. */
static const char *dir_prefix(Arena *a, const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? arena_strndup(a, path, (size_t)(slash - path + 1)) : "";
}

static const char *join(Arena *a, const char *dir, const char *name) {
  size_t n = strlen(dir);
  bool sep = n && dir[n - 1] != '/';
  return arena_printf(a, "%s%s%s.guji", dir, sep ? "/" : "", name);
}

static void read_guji_path(Loader *ld) {
  const char *p = getenv("GUJI_PATH");
  while (p && *p) {
    const char *colon = strchr(p, ':');
    size_t n = colon ? (size_t)(colon - p) : strlen(p);
    if (n)
      VEC_PUSH(ld->s->arena, ld->path_dirs, arena_strndup(ld->s->arena, p, n));
    p = colon ? colon + 1 : NULL;
  }
}

/* "module util not found: looked for util.guji in DIR, then in GUJI_PATH:
 * D1, D2" — every place searched, in order. */
static void report_not_found(Loader *ld, Item *it, const char *prefix) {
  StrBuf b;
  sb_init(&b);
  const char *m = it->use.module;
  size_t n = strlen(prefix);
  const char *dir = n == 0   ? "."
                    : n == 1 ? "/"
                             : arena_strndup(ld->s->arena, prefix, n - 1);
  sb_printf(&b, "module %s not found: looked for %s.guji in %s", m, m, dir);
  if (!ld->path_dirs.len) {
    sb_puts(&b, " (GUJI_PATH is not set)");
  } else {
    sb_puts(&b, ", then in GUJI_PATH:");
    for (size_t i = 0; i < ld->path_dirs.len; i++)
      sb_printf(&b, "%s %s", i ? "," : "", ld->path_dirs.data[i]);
  }
  diag_error(ld->s->diag, it->use.module_span, "%s", sb_cstr(&b));
  sb_free(&b);
  it->use.reported = true;
}

/* The module `use` item `it` of a file under `prefix` names, loaded and
 * parsed the first time; NULL (reported) when there is none. */
static Module *load_use(Loader *ld, Item *it, const char *prefix) {
  Arena *a = ld->s->arena;
  const char *m = it->use.module;
  const char *path = join(a, prefix, m);
  for (size_t i = 0; !is_file(path) && i < ld->path_dirs.len; i++)
    path = join(a, ld->path_dirs.data[i], m);
  if (!is_file(path)) {
    report_not_found(ld, it, prefix);
    return NULL;
  }
  const char *real = real_path(a, path);
  for (size_t i = 0; i < ld->mods.len; i++) {
    Loaded *l = &ld->mods.data[i];
    if (real && l->real && strcmp(real, l->real) == 0) return l->mod;
  }
  for (size_t i = 0; i < ld->mods.len; i++) {
    Module *o = ld->mods.data[i].mod;
    if (o->name != m) continue;
    diag_error(ld->s->diag, it->use.module_span, "module %s would be %s, but "
               "this program already has a module %s, from %s; module names "
               "must be unique in a program (§3)", m, path, m, o->file->path);
    it->use.reported = true;
    return NULL;
  }
  SrcFile *f = src_load(ld->s->sm, path);
  if (!f) {
    diag_error(ld->s->diag, it->use.module_span, "cannot read module %s "
               "(%s): %s", m, path, strerror(errno));
    it->use.reported = true;
    return NULL;
  }
  Loaded l = {parse_module(ld->s, f), real};
  VEC_PUSH(a, ld->mods, l);
  return l.mod;
}

void drv_load_modules(Session *s, Module *main_mod) {
  Loader ld = {.s = s};
  read_guji_path(&ld);
  Loaded first = {main_mod, real_path(s->arena, main_mod->file->path)};
  VEC_PUSH(s->arena, ld.mods, first);
  /* ld.mods grows as modules are found: a worklist */
  for (size_t i = 0; i < ld.mods.len; i++) {
    Module *m = ld.mods.data[i].mod;
    const char *prefix = dir_prefix(s->arena, m->file->path);
    for (size_t j = 0; j < m->items.len; j++) {
      Item *it = m->items.data[j];
      if (it->kind != ITEM_USE || !it->use.module ||
          sema_is_std_module(it->use.module))
        continue;
      it->use.target = load_use(&ld, it, prefix);
    }
  }
}
