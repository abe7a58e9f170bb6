/* arena.c — bump allocation for one compilation.
 *
 * An Arena is a list of chunks obtained with calloc. Memory is handed out by
 * bumping a pointer in the newest chunk and is never freed on its own: the
 * whole list goes at once in arena_free. Because a chunk is never reused,
 * calloc's zeroed pages make every allocation zeroed for free. A request
 * bigger than a quarter of a chunk gets a chunk of its own (linked behind
 * the current one), so a large array does not waste the rest of a chunk.
 */
#include <stdio.h>
#include <stdlib.h>

#include "guji/Support.h"

enum { ARENA_CHUNK = 64 * 1024, ARENA_ALIGN = 16 };

typedef struct Chunk {
  struct Chunk *next;
  size_t size, used;
  _Alignas(16) unsigned char data[];
} Chunk;

struct Arena {
  Chunk *head; /* the chunk we bump in; big allocations go behind it */
  size_t used;
};

static _Noreturn void out_of_memory(size_t n) {
  fprintf(stderr, "guji: out of memory (allocating %zu bytes)\n", n);
  abort();
}

static Chunk *chunk_new(size_t size) {
  Chunk *c = calloc(1, sizeof(Chunk) + size);
  if (!c) out_of_memory(size);
  c->size = size;
  return c;
}

Arena *arena_new(void) {
  Arena *a = calloc(1, sizeof(Arena));
  if (!a) out_of_memory(sizeof(Arena));
  a->head = chunk_new(ARENA_CHUNK);
  return a;
}

void arena_free(Arena *a) {
  if (!a) return;
  for (Chunk *c = a->head, *next; c; c = next) {
    next = c->next;
    free(c);
  }
  free(a);
}

void *arena_alloc(Arena *a, size_t size) {
  size_t n = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
  if (n == 0) n = ARENA_ALIGN; /* distinct pointers even for size 0 */
  if (n < size) out_of_memory(size);
  a->used += n;
  if (n > ARENA_CHUNK / 4) {
    Chunk *big = chunk_new(n);
    big->used = n;
    big->next = a->head->next;
    a->head->next = big;
    return big->data;
  }
  if (a->head->size - a->head->used < n) {
    Chunk *c = chunk_new(ARENA_CHUNK);
    c->next = a->head;
    a->head = c;
  }
  void *p = a->head->data + a->head->used;
  a->head->used += n;
  return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n) {
  char *p = arena_alloc(a, n + 1);
  if (n) memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *arena_strdup(Arena *a, const char *s) {
  return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(Arena *a, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) n = 0;
  char *p = arena_alloc(a, (size_t)n + 1);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  return p;
}

char *arena_printf(Arena *a, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *p = arena_vprintf(a, fmt, ap);
  va_end(ap);
  return p;
}

size_t arena_used(const Arena *a) { return a->used; }
