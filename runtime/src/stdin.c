/* stdin.c — standard input (§18 io.read_line, io.read_all, io.lines) and
 * the process's arguments and environment (§18 os.args, os.env, os.exit).
 *
 * Input comes through one 64 KiB buffer refilled with read(2), so there is
 * no system call per line; a line is copied out of it into a new Str
 * (without its "\n" or "\r\n"). One lock serializes readers, so lines
 * read by several tasks are whole and each is read once.
 *
 * Invalid UTF-8 in input (§13: a Str is UTF-8) is replaced, maximal
 * invalid subsequence by maximal invalid subsequence, with U+FFFD, as
 * Rust's String::from_utf8_lossy and Python's errors="replace" do: never a
 * crash, never bytes that are not UTF-8 inside a Str (docs/language.md).
 *
 * End of input is told apart from an empty line by a sentinel: the
 * functions that may find none return the immortal `gj_rt_none_str`, which
 * gj_str_is_none recognizes (generated code turns the pair into an
 * Option[Str]).
 */
#include "rt_internal.h"
#include "task_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { IN_BUF = 64 * 1024 };

/* the sentinel: an immortal empty string no other code returns */
GjStr gj_rt_none_str = {{0, GJ_KIND_STR, 0}, 0, "", 0, NULL};

bool gj_str_is_none(const GjStr *s) { return s == &gj_rt_none_str; }

static struct {
  GjRtLock lock;
  char *buf;
  size_t start, end; /* the unread bytes are buf[start, end) */
  bool eof;
} in;

/* Refills the buffer (keeping the unread bytes); false at end of input. */
static bool fill(void) {
  if (in.eof)
    return false;
  if (!in.buf) {
    in.buf = malloc(IN_BUF);
    if (!in.buf)
      gj_rt_fatal("out of memory");
  }
  if (in.start > 0) {
    memmove(in.buf, in.buf + in.start, in.end - in.start);
    in.end -= in.start;
    in.start = 0;
  }
  if (in.end == IN_BUF)
    return true; /* full: the caller takes what it has */
  for (;;) {
    ssize_t n = read(0, in.buf + in.end, IN_BUF - in.end);
    if (n > 0) {
      in.end += (size_t)n;
      return true;
    }
    if (n < 0 && errno == EINTR)
      continue;
    in.eof = true; /* end of input, or an error: no more input either way */
    return false;
  }
}

/* ---- UTF-8 ------------------------------------------------------------------ */

/* The length of the valid UTF-8 sequence at p (n bytes left), or 0. */
static size_t utf8_seq(const unsigned char *p, size_t n) {
  unsigned c = p[0];
  if (c < 0x80)
    return 1;
  size_t len;
  unsigned lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;      /* no overlong forms */
    if (c == 0xED) hi = 0x9F;      /* no surrogates */
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;      /* up to U+10FFFF */
  } else {
    return 0;
  }
  if (n < len)
    return 0;
  if (p[1] < lo || p[1] > hi)
    return 0;
  for (size_t i = 2; i < len; i++)
    if (p[i] < 0x80 || p[i] > 0xBF)
      return 0;
  return len;
}

/* A new Str of the n bytes at p, invalid UTF-8 replaced by U+FFFD. */
static GjStr *str_lossy(const char *p, size_t n) {
  const unsigned char *u = (const unsigned char *)p;
  size_t i = 0;
  while (i < n && utf8_seq(u + i, n - i))
    i += utf8_seq(u + i, n - i);
  if (i == n)
    return gj_str_from_bytes(p, (int64_t)n);
  GjStr *s = gj_str_with_cap((int64_t)n + 8);
  s = gj_rt_str_append_bytes(s, p, (int64_t)i);
  while (i < n) {
    size_t k = utf8_seq(u + i, n - i);
    if (k) {
      s = gj_rt_str_append_bytes(s, p + i, (int64_t)k);
      i += k;
      continue;
    }
    s = gj_rt_str_append_bytes(s, "\xEF\xBF\xBD", 3);
    i++; /* then skip the continuation bytes of this broken sequence */
    while (i < n && (u[i] & 0xC0) == 0x80 && !utf8_seq(u + i, n - i))
      i++;
  }
  return s;
}

/* ---- io ----------------------------------------------------------------------- */

/* §18 io.read_line(): the next line without its newline, or the sentinel
 * at end of input. A last line without "\n" is a line; text that ends
 * with "\n" has no empty last line. */
GjStr *gj_io_read_line(void) {
  gj_rt_lock(&in.lock);
  GjStr *acc = NULL; /* a line longer than the buffer, so far */
  GjStr *line = NULL;
  for (;;) {
    char *p = in.buf ? in.buf + in.start : NULL;
    size_t avail = in.end - in.start;
    char *nl = avail ? memchr(p, '\n', avail) : NULL;
    if (nl) {
      size_t len = (size_t)(nl - p);
      in.start += len + 1;
      size_t keep = len;
      if (keep && p[keep - 1] == '\r')
        keep--;
      line = str_lossy(p, keep);
      break;
    }
    if (avail == IN_BUF || (in.eof && avail)) {
      /* no newline in a full buffer (or a last unterminated line) */
      GjStr *part = str_lossy(p, avail);
      in.start += avail;
      if (acc) {
        GjStr *both = gj_str_concat(acc, part);
        gj_dec(acc);
        gj_dec(part);
        acc = both;
      } else {
        acc = part;
      }
      if (in.eof)
        break;
      continue;
    }
    if (!fill()) {
      if (in.end > in.start)
        continue; /* the last unterminated line */
      break;
    }
  }
  gj_rt_unlock(&in.lock);
  if (line && acc) {
    GjStr *both = gj_str_concat(acc, line);
    gj_dec(acc);
    gj_dec(line);
    return both;
  }
  if (line)
    return line;
  return acc ? acc : &gj_rt_none_str;
}

/* §18 io.read_all(): the rest of the input ("" at its end). */
GjStr *gj_io_read_all(void) {
  gj_rt_lock(&in.lock);
  size_t cap = IN_BUF, len = 0;
  char *all = malloc(cap);
  if (!all)
    gj_rt_fatal("out of memory");
  for (;;) {
    size_t avail = in.end - in.start;
    if (len + avail > cap) {
      while (len + avail > cap)
        cap *= 2;
      all = realloc(all, cap);
      if (!all)
        gj_rt_fatal("out of memory");
    }
    if (avail)
      memcpy(all + len, in.buf + in.start, avail);
    len += avail;
    in.start = in.end;
    if (!fill())
      break;
  }
  gj_rt_unlock(&in.lock);
  GjStr *s = str_lossy(all, len);
  free(all);
  return s;
}

/* §18 io.lines().to_list(): every line left. */
GjList *gj_io_lines_list(void) {
  GjList *l = gj_list_new(&gj_type_str);
  for (;;) {
    GjStr *s = gj_io_read_line();
    if (s == &gj_rt_none_str)
      return l;
    l = gj_list_push(l, &s);
  }
}

/* ---- os ------------------------------------------------------------------------ */

/* §18 os.args(): the arguments without the program name (gj_rt_argv has
 * none). */
GjList *gj_os_args(void) {
  GjList *l = gj_list_new(&gj_type_str);
  int argc = gj_rt_argc();
  char **argv = gj_rt_argv();
  for (int i = 0; i < argc; i++) {
    GjStr *s = str_lossy(argv[i], strlen(argv[i]));
    l = gj_list_push(l, &s);
  }
  return l;
}

/* §18 os.env(name): the variable's value, or the sentinel when unset. */
GjStr *gj_os_env(const GjStr *name) {
  char small[256];
  char *n = name->len < (int64_t)sizeof small ? small : malloc((size_t)name->len + 1);
  if (!n)
    gj_rt_fatal("out of memory");
  memcpy(n, name->ptr, (size_t)name->len);
  n[name->len] = 0;
  const char *v = memchr(name->ptr, 0, (size_t)name->len) ? NULL : getenv(n);
  if (n != small)
    free(n);
  return v ? str_lossy(v, strlen(v)) : &gj_rt_none_str;
}

/* §18 os.exit(code): ends the program at once, output flushed. */
void gj_os_exit(int64_t code) {
  gj_flush();
  _exit((int)(code & 0xFF));
}
