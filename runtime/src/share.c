/* share.c — marking values shared when they cross tasks (§16).
 *
 * An object's count is positive while one task owns it (plain increments)
 * and negative once it is shared (atomic). A value that crosses a task
 * boundary — sent on a channel, captured by `hatch`, returned by `join` —
 * is marked shared first, with everything it reaches, so both tasks may
 * count it at once (Lean 4's mark_mt). Marking stops at an object already
 * shared (or immortal, rc 0): a shared object only ever points at shared
 * (or immortal) objects, so what lies below is shared too. Marking runs
 * while the value still belongs to the marking task alone, so plain
 * stores suffice; once shared, an object never becomes owned again.
 *
 * Heap elements are one pointer (8 bytes) to an object: Str, List, Map,
 * a record, sum, tuple or closure. The runtime does not know the layout of
 * the last four (the compiler does), so their fields are the compiler's to
 * mark before it calls gj_mark_shared on the object itself.
 */
#include "rt_internal.h"

static void mark_str(GjStr *s) {
  while (s && s->h.rc > 0) { /* a slice keeps its owner: mark the chain */
    s->h.rc = -s->h.rc;
    s = s->owner;
  }
}

void gj_mark_shared(void *obj) {
  GjHeader *h = obj;
  if (!h || h->rc <= 0)
    return;
  switch ((GjKind)h->kind) {
  case GJ_KIND_STR:
    mark_str((GjStr *)h);
    return;
  case GJ_KIND_LIST:
    h->rc = -h->rc;
    gj_rt_list_mark_shared((GjList *)h);
    return;
  case GJ_KIND_MAP:
    h->rc = -h->rc;
    gj_rt_map_mark_shared((GjMap *)h);
    return;
  case GJ_KIND_REGEX: /* its pattern Str */
    h->rc = -h->rc;
    gj_rt_regex_mark_shared((GjRegex *)h);
    return;
  case GJ_KIND_MATCH: /* its subject Str and its Regex */
    h->rc = -h->rc;
    gj_rt_match_mark_shared((GjMatch *)h);
    return;
  default: /* records, closures: fields marked by the compiler; tasks and
              channels are born shared */
    h->rc = -h->rc;
    return;
  }
}

void gj_mark_shared_elem(const GjType *t, const void *elem) {
  if (t->share) {
    t->share(elem);
    return;
  }
  if (!(t->flags & GJ_TYPE_HEAP) || t->size != sizeof(void *))
    return;
  gj_mark_shared(*(void *const *)elem);
}
