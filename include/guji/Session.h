/* Session.h — one compilation: its arena, names, sources and diagnostics.
 *
 * There is no global mutable state in lib/: every stage takes the Session,
 * so `guji run` and the unit tests can compile many programs in a process.
 */
#ifndef GUJI_SESSION_H
#define GUJI_SESSION_H

#include "guji/Diag.h"
#include "guji/Support.h"

typedef struct Session {
  Arena *arena;
  Interner *names;
  SrcMgr *sm;
  DiagEngine *diag;
  /* `guji test` (§20): test blocks are lowered and recorded in the
   * module, and a program needs no main; otherwise they are only checked */
  bool tests;
} Session;

Session *session_new(void);
void session_free(Session *s);

#endif
