/* diag.c — collecting and rendering diagnostics.
 *
 * Stages report into a DiagEngine (messages formatted into the arena); the
 * driver renders once at the end. Rendering sorts by (file, start offset),
 * stably by report order, with every note kept right after the diagnostic
 * it belongs to: each diagnostic is keyed by its group leader's position,
 * then by whether it is a note, then by report order. Diagnostics without a
 * location come first. Each one is printed clang style:
 *
 *   path:LINE:COL: error: MESSAGE
 *   <the source line>
 *   <caret line: '^' under the span's start, '~' under the rest of it>
 *
 * The caret line copies the tabs of the source line before the caret, so it
 * lines up whatever the terminal's tab width; the '~' run is clipped to the
 * first line of the span. Columns count UTF-8 scalars, like src_line_col.
 *
 * Past max_errors (default 100) nothing more is recorded — neither errors
 * nor the warnings and notes after them — but errors are still counted, and
 * the render says how many were left out.
 */
#include <stdlib.h>
#include <unistd.h>

#include "guji/Diag.h"

enum { DEFAULT_MAX_ERRORS = 100 };

DiagEngine *diag_new(SrcMgr *sm) {
  DiagEngine *d = ARENA_NEW(sm->arena, DiagEngine);
  d->sm = sm;
  return d;
}

static int error_limit(const DiagEngine *d) {
  return d->max_errors > 0 ? d->max_errors : DEFAULT_MAX_ERRORS;
}

static int last_leader(const DiagEngine *d) {
  for (size_t i = d->items.len; i-- > 0;)
    if (d->items.data[i].level != DIAG_NOTE) return (int)i;
  return -1;
}

void diag_vreport(DiagEngine *d, DiagLevel level, const Span *span,
                  const char *fmt, va_list ap) {
  bool over = d->nerrors >= error_limit(d);
  if (level == DIAG_ERROR) d->nerrors++;
  if (level == DIAG_WARNING) d->nwarnings++;
  if (over) return;
  Diag g = {0};
  g.level = level;
  g.has_span = span != NULL;
  if (span) g.span = *span;
  g.msg = arena_vprintf(d->sm->arena, fmt, ap);
  g.seq = (uint32_t)d->items.len;
  g.parent = level == DIAG_NOTE ? last_leader(d) : -1;
  VEC_PUSH(d->sm->arena, d->items, g);
}

void diag_error(DiagEngine *d, Span span, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  diag_vreport(d, DIAG_ERROR, &span, fmt, ap);
  va_end(ap);
}

void diag_warning(DiagEngine *d, Span span, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  diag_vreport(d, DIAG_WARNING, &span, fmt, ap);
  va_end(ap);
}

void diag_note(DiagEngine *d, Span span, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  diag_vreport(d, DIAG_NOTE, &span, fmt, ap);
  va_end(ap);
}

void diag_error_nospan(DiagEngine *d, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  diag_vreport(d, DIAG_ERROR, NULL, fmt, ap);
  va_end(ap);
}

/* ---- sorting ------------------------------------------------------------ */

typedef struct SortKey {
  const Diag *d;
  int located;      /* 0: no usable span (sorts first) */
  uint32_t file, start, leader_seq;
  int is_note;
  uint32_t seq;
} SortKey;

static bool span_usable(const DiagEngine *d, const Diag *g) {
  return g->has_span && src_file(d->sm, g->span.file) != NULL;
}

static int cmp_u32(uint32_t a, uint32_t b) { return (a > b) - (a < b); }

static int cmp_key(const void *pa, const void *pb) {
  const SortKey *a = pa, *b = pb;
  int c;
  if ((c = a->located - b->located)) return c;
  if ((c = cmp_u32(a->file, b->file))) return c;
  if ((c = cmp_u32(a->start, b->start))) return c;
  if ((c = cmp_u32(a->leader_seq, b->leader_seq))) return c;
  if ((c = a->is_note - b->is_note)) return c;
  return cmp_u32(a->seq, b->seq);
}

static SortKey *sorted_keys(const DiagEngine *d) {
  size_t n = d->items.len;
  SortKey *keys = malloc((n ? n : 1) * sizeof *keys);
  if (!keys) GJ_UNREACHABLE("out of memory sorting diagnostics");
  for (size_t i = 0; i < n; i++) {
    const Diag *g = &d->items.data[i];
    const Diag *lead = g->level == DIAG_NOTE && g->parent >= 0
                           ? &d->items.data[g->parent]
                           : g;
    bool loc = span_usable(d, lead);
    keys[i] = (SortKey){g, loc, loc ? lead->span.file : 0,
                        loc ? lead->span.start : 0, lead->seq,
                        lead != g, g->seq};
  }
  qsort(keys, n, sizeof *keys, cmp_key);
  return keys;
}

/* ---- rendering ---------------------------------------------------------- */

typedef struct Style {
  const char *bold, *reset, *level, *caret;
} Style;

static const char *level_name(DiagLevel l) {
  switch (l) {
  case DIAG_ERROR: return "error";
  case DIAG_WARNING: return "warning";
  case DIAG_NOTE: return "note";
  }
  return "error";
}

static Style style_for(DiagLevel l, bool color) {
  if (!color) return (Style){"", "", "", ""};
  const char *lv = l == DIAG_ERROR     ? "\033[1;31m"
                   : l == DIAG_WARNING ? "\033[1;35m"
                                       : "\033[1;36m";
  return (Style){"\033[1m", "\033[0m", lv, "\033[1;32m"};
}

static bool is_lead_byte(char c) { return ((unsigned char)c & 0xC0) != 0x80; }

/* The source line and the caret line under it. */
static void render_snippet(StrBuf *b, const SrcFile *f, Span sp, int line,
                           const Style *st) {
  size_t len;
  const char *text = src_line_text(f, line, &len);
  sb_put(b, text, len);
  sb_putc(b, '\n');
  uint32_t line_start = (uint32_t)(text - f->text);
  uint32_t start = sp.start > f->len ? (uint32_t)f->len : sp.start;
  size_t caret = start - line_start;
  if (caret > len) caret = len;
  for (size_t i = 0; i < caret; i++) {
    if (text[i] == '\t')
      sb_putc(b, '\t');
    else if (is_lead_byte(text[i]))
      sb_putc(b, ' ');
  }
  sb_puts(b, st->caret);
  sb_putc(b, '^');
  size_t end = sp.end > start ? sp.end - line_start : caret;
  if (end > len) end = len;
  /* one '~' per scalar after the first in [caret, end) */
  for (size_t i = caret + 1; i < end; i++)
    if (is_lead_byte(text[i])) sb_putc(b, '~');
  sb_puts(b, st->reset);
  sb_putc(b, '\n');
}

static void render_one(const DiagEngine *d, const Diag *g, StrBuf *b,
                       bool color) {
  Style st = style_for(g->level, color);
  const SrcFile *f = span_usable(d, g) ? src_file(d->sm, g->span.file) : NULL;
  int line = 0, col = 0;
  if (f) {
    src_line_col(f, g->span.start, &line, &col);
    sb_printf(b, "%s%s:%d:%d: %s", st.bold, f->path, line, col, st.reset);
  }
  sb_printf(b, "%s%s:%s %s%s%s\n", st.level, level_name(g->level), st.reset,
            st.bold, g->msg, st.reset);
  if (f) render_snippet(b, f, g->span, line, &st);
}

static void render_all(DiagEngine *d, StrBuf *b, bool color) {
  SortKey *keys = sorted_keys(d);
  int shown = 0;
  for (size_t i = 0; i < d->items.len; i++) {
    render_one(d, keys[i].d, b, color);
    if (keys[i].d->level == DIAG_ERROR) shown++;
  }
  free(keys);
  if (d->nerrors > shown) {
    Style st = style_for(DIAG_ERROR, color);
    sb_printf(b, "%serror:%s %stoo many errors; %d more not shown (the limit is %d)%s\n",
              st.level, st.reset, st.bold, d->nerrors - shown, error_limit(d),
              st.reset);
  }
  if (d->nerrors > 1) sb_printf(b, "%d errors generated.\n", d->nerrors);
}

void diag_render(DiagEngine *d, FILE *out, int color) {
  bool use_color = color > 0 || (color < 0 && isatty(fileno(out)));
  StrBuf b;
  sb_init(&b);
  render_all(d, &b, use_color);
  if (b.len) fwrite(b.data, 1, b.len, out);
  fflush(out);
  sb_free(&b);
}

char *diag_render_to_string(DiagEngine *d) {
  StrBuf b;
  sb_init(&b);
  render_all(d, &b, false);
  sb_cstr(&b);
  return b.data; /* heap memory: the caller frees it */
}
