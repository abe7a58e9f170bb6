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

#define GJ_RT_HIDDEN __attribute__((visibility("hidden")))

/* mem.c: a new object of `size` bytes (header included) with rc 1 and the
 * given kind, counted as live. Never returns NULL (out of memory is fatal). */
GJ_RT_HIDDEN void *gj_rt_alloc(size_t size, GjKind kind);
/* Resizes an object made by gj_rt_alloc; it stays the same live object. */
GJ_RT_HIDDEN void *gj_rt_realloc(void *obj, size_t size);
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

#endif
