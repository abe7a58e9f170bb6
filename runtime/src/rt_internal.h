/* rt_internal.h — what the runtime's C files share with each other and
 * nothing else: allocation, the integer formatter and the raw output
 * primitives. These are not part of the ABI in gujirt.h; generated code
 * must not call them. They carry the `gj_rt_` prefix so they cannot clash
 * with user symbols, and are hidden from a shared-library build.
 */
#ifndef GUJI_RT_INTERNAL_H
#define GUJI_RT_INTERNAL_H

#include "gujirt.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#define GJ_RT_HIDDEN __attribute__((visibility("hidden")))

#ifdef __cplusplus
extern "C" {
#endif

/* Copies one unboxed element of `es` bytes (lists, maps, channels): the
 * common sizes as constant-size moves, not a memcpy call. */
static inline void gj_rt_copy_elem(void *dst, const void *src, uint32_t es) {
  switch (es) {
  case 8:
    memcpy(dst, src, 8);
    break;
  case 4:
    memcpy(dst, src, 4);
    break;
  case 1:
    memcpy(dst, src, 1);
    break;
  case 0:
    break;
  default:
    memcpy(dst, src, es);
  }
}

/* Unaligned little loads (hashing and comparing short byte strings). */
static inline uint64_t gj_rt_load_u64(const void *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}
static inline uint32_t gj_rt_load_u32(const void *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

/* CLOCK_MONOTONIC in nanoseconds (timers, the scheduler's steal age). */
static inline int64_t gj_rt_mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Built with -fsanitize=thread (GUJI_TSAN): TSan does not understand
 * standalone fences, so the few places that use one say it another way. */
#if defined(__SANITIZE_THREAD__)
#define GJ_RT_TSAN_BUILD 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define GJ_RT_TSAN_BUILD 1
#endif
#endif
#ifndef GJ_RT_TSAN_BUILD
#define GJ_RT_TSAN_BUILD 0
#endif

/* alloc.c: a new object of `size` bytes (header included) with rc 1, the
 * given kind and flags 0, counted as live for its kind. Never returns NULL
 * (out of memory is fatal). */
GJ_RT_HIDDEN void *gj_rt_alloc(size_t size, GjKind kind);
/* Frees an object made by gj_rt_alloc; `size` must be the size it was
 * allocated (or last resized) with. Uncounts it under its header's kind. */
GJ_RT_HIDDEN void gj_rt_free(void *obj, size_t size);
/* Resizes an object made by gj_rt_alloc from old_size to new_size bytes;
 * it stays the same live object (the header is copied). */
GJ_RT_HIDDEN void *gj_rt_realloc(void *obj, size_t old_size, size_t new_size);
/* alloc.c: how many pre-faulted 2 MiB chunks the reserve holds now, and
 * how many chunks heaps have taken from it (for tests). */
GJ_RT_HIDDEN unsigned gj_rt_reserve_ready(void);
GJ_RT_HIDDEN int64_t gj_rt_reserve_taken(void);

/* Reference counts (§16) for runtime code that manages its own internal
 * objects (list nodes): the same three states as gj_inc/gj_dec. */
static inline void gj_rt_rc_inc(GjHeader *h) {
  int32_t rc = __atomic_load_n(&h->rc, __ATOMIC_RELAXED);
  if (rc > 0)
    h->rc = rc + 1;
  else if (rc < 0)
    __atomic_fetch_sub(&h->rc, 1, __ATOMIC_RELAXED);
}
/* Drops one reference; true when it was the last one (the caller frees). */
static inline bool gj_rt_rc_dec(GjHeader *h) {
  int32_t rc = __atomic_load_n(&h->rc, __ATOMIC_RELAXED);
  if (rc > 1) {
    h->rc = rc - 1;
    return false;
  }
  if (rc == 1)
    return true;
#if GJ_RT_TSAN_BUILD /* TSan does not model fences: the same, acq_rel */
  if (rc < 0 && __atomic_fetch_add(&h->rc, 1, __ATOMIC_ACQ_REL) == -1)
    return true;
#else
  if (rc < 0 && __atomic_fetch_add(&h->rc, 1, __ATOMIC_RELEASE) == -1) {
    /* as in Arc::drop: the freeing thread acquires every release */
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    return true;
  }
#endif
  return false;
}

/* list.c: frees a list whose count reached zero (gj_dec's dispatch). */
GJ_RT_HIDDEN void gj_rt_list_free(GjList *l);

/* map.c: frees a map whose count reached zero (gj_dec's dispatch). */
GJ_RT_HIDDEN void gj_rt_map_free(GjMap *m);

/* list.c, map.c: gj_mark_shared's walk below the list / map object (whose
 * own header the caller has marked): nodes and elements. */
GJ_RT_HIDDEN void gj_rt_list_mark_shared(GjList *l);
GJ_RT_HIDDEN void gj_rt_map_mark_shared(GjMap *m);

/* The integer hash (str.c's gj_hash_int), inlined where it is hot (map.c's
 * Int keys): one 64x64->128 multiply folding the value with the seed
 * (wyhash's mum). */
static inline uint64_t gj_rt_mum(uint64_t a, uint64_t b) {
  __uint128_t r = (__uint128_t)a * b;
  return (uint64_t)r ^ (uint64_t)(r >> 64);
}
#define GJ_RT_HASH_P0 0xa0761d6478bd642full
#define GJ_RT_HASH_P1 0xe7037ed1a0b428dbull
#define GJ_RT_HASH_P2 0x8ebc6af09c88c6e3ull
static inline uint64_t gj_rt_hash_int(int64_t v, uint64_t seed) {
  return gj_rt_mum((uint64_t)v ^ GJ_RT_HASH_P0, seed ^ GJ_RT_HASH_P1);
}

/* hash.c: byte strings (see there), the short ones inline: the secret
 * words are set with gj_hash_seed. */
extern GJ_RT_HIDDEN uint64_t gj_rt_hash_key[4];
GJ_RT_HIDDEN uint64_t gj_rt_hash_long(const unsigned char *p, size_t n,
                                      uint64_t seed);
static inline uint64_t gj_rt_hash_final(uint64_t a, uint64_t b, size_t n,
                                        uint64_t seed) {
  return gj_rt_mum(0x1d8e4e27c47d124full ^ n,
                   gj_rt_mum(a ^ gj_rt_hash_key[1], b ^ seed));
}
static inline uint64_t gj_rt_hash_bytes(const void *data, int64_t len,
                                        uint64_t seed) {
  const unsigned char *p = (const unsigned char *)data;
  size_t n = (size_t)len;
  uint64_t a, b;
  seed ^= gj_rt_hash_key[0];
  if (n > 16)
    return gj_rt_hash_long(p, n, seed);
  if (n >= 8) {
    a = gj_rt_load_u64(p);
    b = gj_rt_load_u64(p + n - 8);
  } else if (n >= 4) {
    a = gj_rt_load_u32(p);
    b = gj_rt_load_u32(p + n - 4);
  } else if (n > 0) {
    a = (uint64_t)p[0] | (uint64_t)p[n >> 1] << 8 | (uint64_t)p[n - 1] << 16;
    b = 0;
  } else {
    a = b = 0;
  }
  return gj_rt_hash_final(a, b, n, seed);
}

/* hash.c: sets gj_hash_seed (idempotent; gj_rt_start and a constructor
 * call it). */
GJ_RT_HIDDEN void gj_rt_hash_init(void);

/* list.c, for tests: the shape of a list's tree, and a check of every
 * invariant of it (levels, counts and size tables, strict nodes' shape,
 * no empty leaf or subtree, the tail). Returns NULL when they hold, else
 * a description of the first one broken. */
typedef struct GjRtListShape {
  int height;          /* levels of inner nodes above the leaves */
  int max_extra_steps; /* most steps past the radix guess in a relaxed node */
  int64_t inner, relaxed, leaves; /* node counts, the tail excluded */
} GjRtListShape;
GJ_RT_HIDDEN const char *gj_rt_list_check(const GjList *l, GjRtListShape *sh);

/* str.c: appends n raw bytes; consumes s (as gj_str_append_str). */
GJ_RT_HIDDEN GjStr *gj_rt_str_append_bytes(GjStr *s, const char *p, int64_t n);

/* strmeth.c: the pieces of a Str (its header comment has the rules):
 * s[a..b] always sharing s's storage (a slice, owner set; the whole of s
 * is s itself, +1), and s[a..b] as a piece: shared when longer than
 * PIECE_COPY_MAX bytes, else copied. An empty result is the immortal
 * gj_rt_empty_str. a and b are char boundaries with 0 <= a <= b <= len. */
#define PIECE_COPY_MAX 16
extern GJ_RT_HIDDEN GjStr gj_rt_empty_str;
GJ_RT_HIDDEN GjStr *gj_rt_str_slice_shared(const GjStr *s, int64_t a, int64_t b);
GJ_RT_HIDDEN GjStr *gj_rt_str_piece(const GjStr *s, int64_t a, int64_t b);
/* stdin.c: the immortal "absent" Str that gj_str_is_none recognizes. */
extern GJ_RT_HIDDEN GjStr gj_rt_none_str;
/* stdin.c: frees a Lines (gj_dec's dispatch), closing its file. */
GJ_RT_HIDDEN void gj_rt_lines_free(GjLines *l);
/* stdin.c: gives back stdin's buffer (at exit, before the leak check). */
GJ_RT_HIDDEN void gj_rt_stdin_release(void);
/* A new Str of n bytes from outside (C, §19), invalid UTF-8 replaced by
 * U+FFFD as stdin's is (stdin.c). */
GJ_RT_HIDDEN GjStr *gj_rt_str_lossy(const char *p, size_t n);

/* regex.c: gj_dec's free routines and gj_mark_shared's walk below the
 * object (whose own header the caller has marked) for Regex and Match. */
GJ_RT_HIDDEN void gj_rt_regex_free(GjRegex *re);
GJ_RT_HIDDEN void gj_rt_match_free(GjMatch *m);
GJ_RT_HIDDEN void gj_rt_regex_mark_shared(GjRegex *re);
GJ_RT_HIDDEN void gj_rt_match_mark_shared(GjMatch *m);
GJ_RT_HIDDEN void gj_rt_match_iter_free(GjMatchIter *it);
/* regex.c, for tests: true when re runs as JIT code. */
GJ_RT_HIDDEN bool gj_rt_regex_uses_jit(const GjRegex *re);
/* regex.c, for tests: true when re is matched as a class run. */
GJ_RT_HIDDEN bool gj_rt_regex_is_class_run(const GjRegex *re);

/* Prints "guji: fatal: MSG" and exits with status 134 (internal failure,
 * not a user panic). */
_Noreturn GJ_RT_HIDDEN void gj_rt_fatal(const char *msg);

/* fmt.c: decimal text of v into buf (at least 21 bytes); returns length.
 * Uses no more than a few bytes of stack, so the panic path may call it. */
GJ_RT_HIDDEN int gj_rt_fmt_int(int64_t v, char *buf);
/* UTF-8 of scalar c into buf (at least 4 bytes); returns length. A value
 * that is not a scalar (a surrogate, > 0x10FFFF) becomes U+FFFD. */
GJ_RT_HIDDEN int gj_rt_fmt_char(uint32_t c, char *buf);

/* io.c: writes all of buf to fd with write(2), retrying on EINTR and
 * partial writes; gives up silently on any other error (EPIPE). Async-
 * signal-safe. */
GJ_RT_HIDDEN void gj_rt_write_fd(int fd, const char *buf, size_t len);
/* Sets up the stdout buffer (idempotent): line-buffered on a terminal,
 * flushed at exit. */
GJ_RT_HIDDEN void gj_rt_io_init(void);

/* panic.c: the panic path without a location-taking public wrapper:
 * writes "guji: panic: " then each part, then the location, and exits
 * 101. Small stack only. */
_Noreturn GJ_RT_HIDDEN void gj_rt_panic_parts(const char *const *parts,
                                              const size_t *lens, int n,
                                              const GjLoc *loc);

/* sched.c: tasks spawned whose code has not returned yet. */
int64_t gj_rt_live_tasks(void);
/* sched.c: the program's main as a task on a stack of its own. */
GjTask *gj_rt_spawn_main(void (*fn)(void *arg, void *result), void *arg,
                         const GjType *rtype, size_t stack);
/* start.c: an alternate signal stack for the calling thread (the SIGSEGV
 * handler's). */
void gj_rt_thread_altstack(void);
/* timer.c: see there. */
bool gj_rt_timers_quiesce(void);

#ifdef __cplusplus
}
#endif

#endif
