/* session.c — one compilation's state, created and freed as a unit.
 *
 * The Session and everything it points to live in its own arena, so
 * session_free is a single arena_free: `guji run` and the unit tests make
 * and drop many sessions in one process without leaks.
 */
#include "guji/Session.h"

Session *session_new(void) {
  Arena *a = arena_new();
  Session *s = ARENA_NEW(a, Session);
  s->arena = a;
  s->names = intern_new(a);
  s->sm = src_mgr_new(a);
  s->diag = diag_new(s->sm);
  return s;
}

void session_free(Session *s) {
  if (s) arena_free(s->arena);
}
