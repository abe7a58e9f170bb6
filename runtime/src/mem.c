/* mem.c — heap objects and their reference counts (§16).
 *
 * Every object starts with GjHeader. The sign of `rc` says who may touch
 * it (gujirt.h): rc > 0 — one task owns it, counted with plain loads and
 * stores; rc < 0 — shared across tasks, the magnitude is the count and it
 * changes atomically (inc makes it more negative, dec moves it toward 0,
 * and the dec that takes -1 to 0 frees); rc == 0 — immortal (literals,
 * constants, static strings of the runtime): inc and dec do nothing and it
 * is never freed or written. An object only ever moves from owned to
 * shared (Lean 4's mark_mt), so a relaxed load is enough to choose the
 * path: the owning task is the only one that could see a positive count.
 *
 * Freeing dispatches on `kind`; each kind's routine gives the block back
 * to alloc.c with the size it was allocated with (alloc.c also keeps the
 * live counts behind gj_rt_live_objects and GUJI_LEAKCHECK).
 */
#include "task_internal.h"

#include <unistd.h>

_Noreturn void gj_rt_fatal(const char *msg) {
  static const char prefix[] = "guji: fatal: ";
  gj_flush();
  gj_rt_write_fd(2, prefix, sizeof prefix - 1);
  size_t n = 0;
  while (msg[n])
    n++;
  gj_rt_write_fd(2, msg, n);
  gj_rt_write_fd(2, "\n", 1);
  _exit(134);
}

/* A Str slice keeps its owner alive (§13); a flat string owns only its
 * own block. */
static void free_str(GjStr *s) {
  GjStr *owner = s->owner;
  gj_rt_free(s, sizeof(GjStr) + (size_t)s->cap);
  if (owner)
    gj_dec(owner);
}

static void free_object(GjHeader *h) {
  switch ((GjKind)h->kind) {
  case GJ_KIND_STR:
    free_str((GjStr *)h);
    return;
  case GJ_KIND_LIST:
    gj_rt_list_free((GjList *)h);
    return;
  case GJ_KIND_MAP:
    gj_rt_map_free((GjMap *)h);
    return;
  case GJ_KIND_TASK:
    gj_rt_task_free((GjTask *)h);
    return;
  case GJ_KIND_CHAN:
    gj_rt_chan_free((GjChan *)h);
    return;
  case GJ_KIND_REGEX:
    gj_rt_regex_free((GjRegex *)h);
    return;
  case GJ_KIND_MATCH:
    gj_rt_match_free((GjMatch *)h);
    return;
  case GJ_KIND_LINES:
    gj_rt_lines_free((GjLines *)h);
    return;
  case GJ_KIND_MATCH_ITER:
    gj_rt_match_iter_free((GjMatchIter *)h);
    return;
  case GJ_KIND_MAP_NODE: /* released only by map.c, which knows the types */
  case GJ_KIND_LIST_NODE: /* released only by list.c, which knows its depth */
  case GJ_KIND_OBJ: /* dropped only by compiled code, which knows its layout */
  case GJ_KIND_CLOSURE: /* likewise */
  case GJ_KIND__COUNT:
    break;
  }
  gj_rt_fatal("gj_dec: object of unknown kind");
}

/* §16: one more reference. */
void gj_inc(void *obj) {
  if (obj)
    gj_rt_rc_inc(obj);
}

/* §16: one reference fewer; the last one frees. */
void gj_dec(void *obj) {
  if (obj && gj_rt_rc_dec(obj))
    free_object(obj);
}
