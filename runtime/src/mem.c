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
 * Freeing dispatches on `kind`. gj_rt_live_objects counts objects between
 * allocation and free, for tests and a later GUJI_LEAKCHECK.
 */
#include "rt_internal.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

static _Atomic int64_t live_objects;

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

void *gj_rt_alloc(size_t size, GjKind kind) {
  GjHeader *h = malloc(size);
  if (!h)
    gj_rt_fatal("out of memory");
  h->rc = 1;
  h->kind = (uint16_t)kind;
  h->flags = 0;
  atomic_fetch_add_explicit(&live_objects, 1, memory_order_relaxed);
  return h;
}

void *gj_rt_realloc(void *obj, size_t size) {
  void *p = realloc(obj, size);
  if (!p)
    gj_rt_fatal("out of memory");
  return p;
}

/* A Str slice keeps its owner alive (§13); a flat string owns only its
 * own block. */
static void free_str(GjStr *s) {
  GjStr *owner = s->owner;
  free(s);
  if (owner)
    gj_dec(owner);
}

static void free_object(GjHeader *h) {
  atomic_fetch_sub_explicit(&live_objects, 1, memory_order_relaxed);
  switch ((GjKind)h->kind) {
  case GJ_KIND_STR:
    free_str((GjStr *)h);
    return;
  case GJ_KIND__COUNT:
    break;
  }
  gj_rt_fatal("gj_dec: object of unknown kind");
}

/* §16: one more reference. */
void gj_inc(void *obj) {
  if (!obj)
    return;
  GjHeader *h = obj;
  int32_t rc = __atomic_load_n(&h->rc, __ATOMIC_RELAXED);
  if (rc > 0)
    h->rc = rc + 1;
  else if (rc < 0)
    __atomic_fetch_sub(&h->rc, 1, __ATOMIC_RELAXED);
}

/* §16: one reference fewer; the last one frees. */
void gj_dec(void *obj) {
  if (!obj)
    return;
  GjHeader *h = obj;
  int32_t rc = __atomic_load_n(&h->rc, __ATOMIC_RELAXED);
  if (rc > 1) {
    h->rc = rc - 1;
  } else if (rc == 1) {
    free_object(h);
  } else if (rc < 0) {
    /* Release our writes to the object; the freeing thread acquires them
     * all (as in Arc::drop). */
    if (__atomic_fetch_add(&h->rc, 1, __ATOMIC_RELEASE) == -1) {
      __atomic_thread_fence(__ATOMIC_ACQUIRE);
      free_object(h);
    }
  }
}

int64_t gj_rt_live_objects(void) {
  return atomic_load_explicit(&live_objects, memory_order_relaxed);
}
