/* io.c — print, write and eprint (§18).
 *
 * stdout goes through one 64 KiB buffer, flushed when full, at exit (an
 * atexit handler and gj_rt_start's return), before a panic message and
 * before anything is written to stderr, so the two streams interleave in
 * program order. On a terminal it is line-buffered: a write that contains
 * a newline flushes. stderr is unbuffered: each gj_write_* with
 * GJ_WRITE_ERR is one write(2) (value and newline together) where it fits.
 *
 * Output uses write(2) directly, retrying on EINTR and partial writes. On
 * another error (EPIPE when SIGPIPE is ignored, a closed descriptor) the
 * data is dropped: a program whose reader went away just stops printing.
 *
 * Tasks print from several worker threads: one lock (task_internal.h's
 * futex lock) guards the buffer, so each value with its newline is
 * written whole. gj_flush, which the panic path and the SIGSEGV handler
 * call, only tries the lock for a while: if its holder never lets go (the
 * handler interrupted it) the flush goes ahead without it.
 */
#include "task_internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OUT_CAP (64 * 1024)

static char out_buf[OUT_CAP];
static size_t out_len;
static pthread_once_t out_once = PTHREAD_ONCE_INIT;
static bool out_line_buffered;
static GjRtLock out_lock;

enum { FLUSH_TRIES = 1 << 20 };

void gj_rt_write_fd(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return;
    }
    buf += n;
    len -= (size_t)n;
  }
}

static void flush_at_exit(void) { gj_flush(); }

static void io_init_once(void) {
  out_line_buffered = isatty(1);
  atexit(flush_at_exit);
}

void gj_rt_io_init(void) { pthread_once(&out_once, io_init_once); }

/* Under out_lock. */
static void flush_locked(void) {
  size_t n = out_len;
  out_len = 0; /* first, so a signal handler flushing again writes nothing */
  gj_rt_write_fd(1, out_buf, n);
}

void gj_flush(void) {
  for (int i = 0; i < FLUSH_TRIES; i++) {
    uint32_t z = 0;
    if (atomic_compare_exchange_weak_explicit(&out_lock.v, &z, 1,
                                              memory_order_acquire,
                                              memory_order_relaxed)) {
      flush_locked();
      gj_rt_unlock(&out_lock);
      return;
    }
  }
  flush_locked(); /* the holder is stuck (we interrupted it): go ahead */
}

/* Appends to the stdout buffer; `nl` adds a newline. */
static void out_put(const char *p, size_t len, bool nl) {
  gj_rt_io_init();
  gj_rt_lock(&out_lock);
  if (len > OUT_CAP - out_len) {
    flush_locked();
    if (len >= OUT_CAP) { /* too big to buffer: straight through */
      gj_rt_write_fd(1, p, len);
      len = 0;
    }
  }
  memcpy(out_buf + out_len, p, len);
  out_len += len;
  if (nl) {
    if (out_len == OUT_CAP)
      flush_locked();
    out_buf[out_len++] = '\n';
  }
  if (out_line_buffered && (nl || memchr(p, '\n', len)))
    flush_locked();
  gj_rt_unlock(&out_lock);
}

/* One value with its optional newline to stdout or stderr. */
static void put(const char *p, size_t len, int64_t flags) {
  bool nl = flags & GJ_WRITE_NL;
  if (!(flags & GJ_WRITE_ERR)) {
    out_put(p, len, nl);
    return;
  }
  gj_flush();
  char small[64];
  if (nl && len < sizeof small) {
    memcpy(small, p, len);
    small[len] = '\n';
    gj_rt_write_fd(2, small, len + 1);
    return;
  }
  gj_rt_write_fd(2, p, len);
  if (nl)
    gj_rt_write_fd(2, "\n", 1);
}

void gj_write_int(int64_t v, int64_t flags) {
  char buf[24];
  put(buf, (size_t)gj_rt_fmt_int(v, buf), flags);
}

void gj_write_float(double v, int64_t flags) {
  char buf[32];
  put(buf, (size_t)gj_fmt_float(v, buf), flags);
}

void gj_write_bool(bool v, int64_t flags) {
  if (v)
    put("true", 4, flags);
  else
    put("false", 5, flags);
}

void gj_write_char(uint32_t v, int64_t flags) {
  char buf[4];
  put(buf, (size_t)gj_rt_fmt_char(v, buf), flags);
}

void gj_write_str(const GjStr *s, int64_t flags) {
  put(s->ptr ? s->ptr : "", (size_t)s->len, flags);
}

void gj_write_unit(int64_t flags) { put("()", 2, flags); }

/* §18 io.write_bytes(bytes): raw bytes to stdout through the same buffer
 * as print. Every element is checked first, so a bad one panics before
 * anything of the list is written. */
void gj_io_write_bytes(const GjList *bytes, const GjLoc *loc) {
  int64_t n = gj_list_len(bytes);
  for (int64_t i = 0; i < n;) {
    int64_t k;
    const int64_t *e = gj_list_chunk(bytes, i, &k);
    for (int64_t j = 0; j < k; j++) {
      if (e[j] >= 0 && e[j] <= 255)
        continue;
      static const char a[] = "io.write_bytes: byte out of range: ";
      static const char b[] = " at index ";
      static const char c[] = " (each must be 0..255)";
      char v[24], ix[24];
      const char *parts[5] = {a, v, b, ix, c};
      size_t lens[5] = {sizeof a - 1, (size_t)gj_rt_fmt_int(e[j], v),
                        sizeof b - 1, (size_t)gj_rt_fmt_int(i + j, ix),
                        sizeof c - 1};
      gj_rt_panic_parts(parts, lens, 5, loc);
    }
    i += k;
  }
  char chunk[4096];
  size_t len = 0;
  for (int64_t i = 0; i < n;) {
    int64_t k;
    const int64_t *e = gj_list_chunk(bytes, i, &k);
    for (int64_t j = 0; j < k; j++) {
      chunk[len++] = (char)e[j];
      if (len == sizeof chunk) {
        out_put(chunk, len, false);
        len = 0;
      }
    }
    i += k;
  }
  if (len)
    out_put(chunk, len, false);
}
