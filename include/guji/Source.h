/* Source.h — source files and spans.
 *
 * A SrcMgr owns every file of a compilation. A Span names a byte range
 * [start, end) in one file by the file's index; line and column are computed
 * on demand from a table of line starts, so spans stay 12 bytes and every
 * AST node and GIR instruction can carry one. Columns are 1-based and count
 * Unicode scalar values, not bytes, so a caret lines up under UTF-8 text.
 */
#ifndef GUJI_SOURCE_H
#define GUJI_SOURCE_H

#include "guji/Support.h"

typedef struct Span {
  uint32_t file;  /* index in SrcMgr.files */
  uint32_t start; /* byte offset */
  uint32_t end;   /* byte offset, exclusive */
} Span;

typedef struct SrcFile {
  uint32_t id;
  const char *path;   /* as given: used to open the file and in messages */
  const char *text;   /* NUL-terminated; len bytes */
  size_t len;
  uint32_t *line_starts; /* byte offset of each line's first byte */
  size_t nlines;
} SrcFile;

typedef struct SrcMgr {
  Arena *arena;
  VEC(SrcFile *) files;
} SrcMgr;

SrcMgr *src_mgr_new(Arena *a);
/* Adds a file whose text is given (copied). */
SrcFile *src_add(SrcMgr *sm, const char *path, const char *text, size_t len);
/* Reads a file from disk; NULL (and errno set) when it cannot be read. */
SrcFile *src_load(SrcMgr *sm, const char *path);
SrcFile *src_file(const SrcMgr *sm, uint32_t id);

/* 1-based line and column (in scalar values) of a byte offset. */
void src_line_col(const SrcFile *f, uint32_t offset, int *line, int *col);
/* The text of 1-based line `line`, without its newline. */
const char *src_line_text(const SrcFile *f, int line, size_t *len);

static inline Span span_make(uint32_t file, uint32_t start, uint32_t end) {
  Span s = {file, start, end};
  return s;
}
/* The smallest span covering both (same file). */
static inline Span span_join(Span a, Span b) {
  Span s = a;
  if (b.start < s.start) s.start = b.start;
  if (b.end > s.end) s.end = b.end;
  return s;
}

#endif
