/* strbuf.c — a growable byte buffer on the C heap, plus small utilities
 * (hashing, the internal-error exit) that every stage links against.
 *
 * StrBuf is for text built outside any arena (rendered diagnostics, printed
 * IR, scratch space a stage reuses): it doubles its capacity as it grows and
 * keeps one spare byte, so sb_cstr can always NUL-terminate in place.
 */
#include <stdio.h>
#include <stdlib.h>

#include "guji/Support.h"

void sb_init(StrBuf *b) {
  b->data = NULL;
  b->len = b->cap = 0;
}

void sb_free(StrBuf *b) {
  free(b->data);
  sb_init(b);
}

/* Room for `extra` more bytes and a terminating NUL. */
static void reserve(StrBuf *b, size_t extra) {
  if (b->len + extra + 1 <= b->cap) return;
  size_t ncap = b->cap ? b->cap : 64;
  while (ncap < b->len + extra + 1) ncap *= 2;
  char *nd = realloc(b->data, ncap);
  if (!nd) {
    fprintf(stderr, "guji: out of memory (string buffer of %zu bytes)\n", ncap);
    abort();
  }
  b->data = nd;
  b->cap = ncap;
}

void sb_putc(StrBuf *b, char c) {
  reserve(b, 1);
  b->data[b->len++] = c;
}

void sb_put(StrBuf *b, const char *s, size_t n) {
  if (n == 0) return;
  reserve(b, n);
  memcpy(b->data + b->len, s, n);
  b->len += n;
}

void sb_puts(StrBuf *b, const char *s) { sb_put(b, s, strlen(s)); }

void sb_printf(StrBuf *b, const char *fmt, ...) {
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n > 0) {
    reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
  }
  va_end(ap);
}

const char *sb_cstr(StrBuf *b) {
  reserve(b, 0);
  b->data[b->len] = '\0';
  return b->data;
}

uint64_t hash_bytes(const void *p, size_t n) {
  const unsigned char *s = p;
  uint64_t h = 0xcbf29ce484222325ull; /* the FNV offset basis */
  for (size_t i = 0; i < n; i++) {
    h ^= s[i];
    h *= 0x100000001b3ull; /* the FNV prime */
  }
  return h;
}

_Noreturn void guji_unreachable(const char *file, int line, const char *msg) {
  fprintf(stderr, "guji: internal error at %s:%d: %s\n", file, line, msg);
  fflush(stderr);
  abort();
}
