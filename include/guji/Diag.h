/* Diag.h — diagnostics, collected during a compilation and rendered once.
 *
 * Every stage reports through a DiagEngine; nothing prints directly. At the
 * end the driver sorts the diagnostics by position (stably, so notes stay
 * with their error) and renders them clang style:
 *
 *   file.guji:5:17: error: MESSAGE
 *       $r = double("four")
 *                   ^~~~~~
 *
 * with color when the stream is a terminal. A note attached to an error
 * (diag_note) is rendered right after it, at its own location.
 */
#ifndef GUJI_DIAG_H
#define GUJI_DIAG_H

#include <stdio.h>

#include "guji/Source.h"

typedef enum DiagLevel { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } DiagLevel;

typedef struct Diag {
  DiagLevel level;
  Span span;
  bool has_span;
  char *msg;
  uint32_t seq;   /* order of report, for stable sorting */
  int parent;     /* for notes: index of the diagnostic it belongs to, else -1 */
} Diag;

typedef struct DiagEngine {
  SrcMgr *sm;
  VEC(Diag) items;
  int nerrors;
  int nwarnings;
  int max_errors;  /* stop recording errors past this (0: 100) */
} DiagEngine;

DiagEngine *diag_new(SrcMgr *sm);
void diag_error(DiagEngine *d, Span span, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_warning(DiagEngine *d, Span span, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A note attached to the most recent error or warning. */
void diag_note(DiagEngine *d, Span span, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* An error with no source location (unreadable file, bad option). */
void diag_error_nospan(DiagEngine *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void diag_vreport(DiagEngine *d, DiagLevel level, const Span *span,
                  const char *fmt, va_list ap);

static inline bool diag_has_errors(const DiagEngine *d) { return d->nerrors > 0; }

/* Sorts and prints every diagnostic to `out`; color: -1 auto (isatty), 0, 1.
 * Ends with "N errors generated." when there is more than one error. */
void diag_render(DiagEngine *d, FILE *out, int color);
/* Renders into a string (for tests); caller frees. */
char *diag_render_to_string(DiagEngine *d);

#endif
