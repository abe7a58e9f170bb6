/* Support.h — arenas, interned names and growable arrays for the compiler.
 *
 * Everything the compiler allocates for one compilation lives in one Arena
 * and is freed at once with arena_free (chibicc's "never free", made safe for
 * a process that compiles many programs: `guji run`, the unit tests).
 * Identifiers are interned, so two names are equal exactly when their
 * pointers are. Growable arrays (Vec) are arena-backed: growing one copies
 * into fresh arena memory and abandons the old block, which is fine for the
 * short-lived, mostly append-only arrays of a compiler.
 */
#ifndef GUJI_SUPPORT_H
#define GUJI_SUPPORT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Arena Arena;

Arena *arena_new(void);
void arena_free(Arena *a);
/* Zeroed memory, aligned to 16 bytes. Never returns NULL (aborts on OOM). */
void *arena_alloc(Arena *a, size_t size);
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_strdup(Arena *a, const char *s);
/* printf into the arena. */
char *arena_printf(Arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *arena_vprintf(Arena *a, const char *fmt, va_list ap);
/* Total bytes handed out (for statistics and tests). */
size_t arena_used(const Arena *a);

#define ARENA_NEW(a, T) ((T *)arena_alloc((a), sizeof(T)))
#define ARENA_ARRAY(a, T, n) ((T *)arena_alloc((a), sizeof(T) * (size_t)(n)))

/* Interned identifiers: `const char *` with pointer equality. */
typedef struct Interner Interner;
Interner *intern_new(Arena *a);
const char *intern(Interner *in, const char *s, size_t n);
const char *intern_cstr(Interner *in, const char *s);

/* A growable array of T, backed by an arena.
 *   VEC(int) xs = {0};
 *   VEC_PUSH(arena, xs, 42);
 *   for (size_t i = 0; i < xs.len; i++) use(xs.data[i]);
 */
#define VEC(T) struct { T *data; size_t len, cap; }
#define VEC_PUSH(arena, v, x)                                                  \
  do {                                                                         \
    if ((v).len == (v).cap) {                                                  \
      size_t ncap_ = (v).cap ? (v).cap * 2 : 4;                                \
      void *nd_ = arena_alloc((arena), ncap_ * sizeof(*(v).data));             \
      if ((v).len) memcpy(nd_, (v).data, (v).len * sizeof(*(v).data));        \
      (v).data = nd_;                                                          \
      (v).cap = ncap_;                                                         \
    }                                                                          \
    (v).data[(v).len++] = (x);                                                 \
  } while (0)
#define VEC_LAST(v) ((v).data[(v).len - 1])

/* A growable byte buffer on the C heap (for text built outside any arena:
 * rendering diagnostics, printing IR). */
typedef struct StrBuf {
  char *data;
  size_t len, cap;
} StrBuf;
void sb_init(StrBuf *b);
void sb_free(StrBuf *b);
void sb_putc(StrBuf *b, char c);
void sb_put(StrBuf *b, const char *s, size_t n);
void sb_puts(StrBuf *b, const char *s);
void sb_printf(StrBuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* NUL-terminates and returns data (still owned by b). */
const char *sb_cstr(StrBuf *b);

/* 64-bit FNV-1a, for the compiler's own hash tables. */
uint64_t hash_bytes(const void *p, size_t n);

/* Internal invariant violated: prints file and line and aborts. Never for
 * user input: user errors are diagnostics. */
#ifdef __cplusplus
#define GUJI_NORETURN [[noreturn]] /* the unit tests include this from C++ */
#else
#define GUJI_NORETURN _Noreturn
#endif
GUJI_NORETURN void guji_unreachable(const char *file, int line,
                                    const char *msg);
#define GJ_UNREACHABLE(msg) guji_unreachable(__FILE__, __LINE__, (msg))

#include <string.h> /* for VEC_PUSH's memcpy */

#endif
