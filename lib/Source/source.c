/* source.c — the files of a compilation, and byte offsets to line:column.
 *
 * A file's text is copied into the arena (NUL-terminated) when it is added,
 * and a table of line starts is built in the same pass: line 1 starts at 0
 * and every '\n' starts another (so a text ending in '\n' has a last, empty
 * line). Line lookup is a binary search in that table; the column counts
 * the UTF-8 scalars (bytes that are not 10xxxxxx continuations) between the
 * line start and the offset, so it matches what an editor shows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "guji/Source.h"

SrcMgr *src_mgr_new(Arena *a) {
  SrcMgr *sm = ARENA_NEW(a, SrcMgr);
  sm->arena = a;
  return sm;
}

SrcFile *src_add(SrcMgr *sm, const char *path, const char *text, size_t len) {
  SrcFile *f = ARENA_NEW(sm->arena, SrcFile);
  f->id = (uint32_t)sm->files.len;
  f->path = arena_strdup(sm->arena, path);
  f->text = arena_strndup(sm->arena, text, len);
  f->len = len;
  size_t nlines = 1;
  for (const char *p = text, *end = text + len;
       (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
    nlines++;
  f->line_starts = ARENA_ARRAY(sm->arena, uint32_t, nlines);
  f->nlines = nlines;
  size_t k = 1; /* line_starts[0] = 0 from the zeroed allocation */
  for (size_t i = 0; i < len; i++)
    if (text[i] == '\n') f->line_starts[k++] = (uint32_t)(i + 1);
  VEC_PUSH(sm->arena, sm->files, f);
  return f;
}

SrcFile *src_load(SrcMgr *sm, const char *path) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  StrBuf b;
  sb_init(&b);
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) sb_put(&b, chunk, n);
  int failed = ferror(fp);
  int saved = errno;
  fclose(fp);
  if (failed) {
    sb_free(&b);
    errno = saved ? saved : EIO;
    return NULL;
  }
  SrcFile *f = src_add(sm, path, b.data ? b.data : "", b.len);
  sb_free(&b);
  return f;
}

SrcFile *src_file(const SrcMgr *sm, uint32_t id) {
  return id < sm->files.len ? sm->files.data[id] : NULL;
}

/* Index of the line holding `offset` (0-based). */
static size_t line_index(const SrcFile *f, uint32_t offset) {
  size_t lo = 0, hi = f->nlines; /* line_starts[lo] <= offset < [hi] */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (f->line_starts[mid] <= offset)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

void src_line_col(const SrcFile *f, uint32_t offset, int *line, int *col) {
  if (offset > f->len) offset = (uint32_t)f->len;
  size_t li = line_index(f, offset);
  int c = 1;
  for (uint32_t i = f->line_starts[li]; i < offset; i++)
    if (((unsigned char)f->text[i] & 0xC0) != 0x80) c++;
  *line = (int)li + 1;
  *col = c;
}

/* Without its '\n', and without a '\r' before it (CRLF files). */
const char *src_line_text(const SrcFile *f, int line, size_t *len) {
  if (line < 1 || (size_t)line > f->nlines) {
    *len = 0;
    return "";
  }
  uint32_t start = f->line_starts[line - 1];
  uint32_t end = (size_t)line < f->nlines ? f->line_starts[line] - 1
                                          : (uint32_t)f->len;
  if (end > start && f->text[end - 1] == '\r') end--;
  *len = end - start;
  return f->text + start;
}
