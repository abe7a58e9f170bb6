/* stdin.c — input (§18 io.read_line, read_all, lines, read_bytes, and the
 * files: read_file, file_lines, write_file) and the process's arguments
 * and environment (§18 os.args, os.env, os.exit).
 *
 * A Reader streams one file descriptor through a large buffer refilled
 * with read(2), so there is no system call per line. The buffer is itself
 * a Str (a flat root, born shared so any task may count it), and a line
 * is a piece of it by strmeth.c's rule: longer than PIECE_COPY_MAX bytes,
 * a slice that keeps the buffer alive; shorter, a copy. A refill moves
 * the unread bytes to the front when the reader holds the only reference,
 * and into a new buffer otherwise (a line still alive keeps the old one).
 * A line longer than the buffer doubles it, so every line is contiguous
 * and its "\r\n" and UTF-8 sequences are never cut.
 *
 * Stdin is one Reader for the whole process; `io.lines()` is a Lines
 * handle on it, `io.file_lines(path)` a Lines handle owning a Reader of
 * its own (GJ_KIND_LINES), its file closed at end of input or when the
 * handle's count reaches zero. A handle that could not open its file
 * keeps the error text instead. Each Reader has a lock, so lines read by
 * several tasks are whole and each is read once.
 *
 * Invalid UTF-8 in input (§13: a Str is UTF-8) is replaced, maximal
 * invalid subsequence by maximal invalid subsequence, with U+FFFD, as
 * Rust's String::from_utf8_lossy and Python's errors="replace" do: never a
 * crash, never bytes that are not UTF-8 inside a Str (docs/language.md).
 * Stdin and files follow the same policy; read_bytes gives raw bytes.
 *
 * End of input is told apart from an empty line by a sentinel: the
 * functions that may find none return the immortal `gj_rt_none_str`, which
 * gj_str_is_none recognizes (generated code turns the pair into an
 * Option[Str], or a Result where the sentinel means "no error").
 */
#include "rt_internal.h"
#include "task_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { IN_BUF = 64 * 1024 };

/* the sentinel: an immortal empty string no other code returns */
GjStr gj_rt_none_str = {{0, GJ_KIND_STR, 0}, 0, "", 0, NULL};

bool gj_str_is_none(const GjStr *s) { return s == &gj_rt_none_str; }

typedef struct Reader {
  GjRtLock lock;
  int fd;            /* -1 once closed (files) */
  GjStr *buf;        /* the buffer: a flat Str, shared; NULL before use */
  size_t start, end; /* the unread bytes are buf[start, end) */
  bool eof;
  int err;           /* errno of a failed read (read_file reports it) */
} Reader;

/* §18 Lines: stdin's lines (r == &in) or a file's (r == &own). */
struct GjLines {
  GjHeader h;
  Reader *r;
  Reader own;
  GjStr *error; /* could not open: the message (r is NULL) */
  GjStr *path;  /* a file's, for read errors */
};

static Reader in = {.fd = 0};

static char *buf_bytes(GjStr *b) { return (char *)(b + 1); }

static GjStr *buf_new(size_t cap) {
  GjStr *b = gj_rt_alloc(sizeof(GjStr) + cap, GJ_KIND_STR);
  b->len = 0;
  b->ptr = buf_bytes(b);
  b->cap = (int64_t)cap;
  b->owner = NULL;
  b->h.rc = -1; /* shared: lines of it may be counted on any task */
  return b;
}

/* A file's descriptor (never stdin's). */
static void reader_close(Reader *r) {
  if (r->fd >= 0) {
    close(r->fd);
    r->fd = -1;
  }
}

/* Drops the buffer once everything in it is read (lines may keep it). */
static void reader_release(Reader *r) {
  if (r->buf) {
    gj_dec(r->buf);
    r->buf = NULL;
  }
  r->start = r->end = 0;
}

/* Makes room after the unread bytes (moving them to the front, into a new
 * buffer when lines still hold this one, or into one twice as big when
 * they fill it), then reads once. False at end of input (or after an
 * error, kept in r->err): no more input either way. */
static bool reader_fill(Reader *r) {
  if (r->eof)
    return false;
  size_t unread = r->end - r->start;
  size_t cap = r->buf ? (size_t)r->buf->cap : IN_BUF;
  if (unread == cap)
    cap *= 2;
  bool alone = r->buf &&
               __atomic_load_n(&r->buf->h.rc, __ATOMIC_ACQUIRE) == -1;
  if (!r->buf || !alone || cap != (size_t)r->buf->cap) {
    GjStr *b = buf_new(cap);
    if (unread)
      memcpy(buf_bytes(b), buf_bytes(r->buf) + r->start, unread);
    if (r->buf)
      gj_dec(r->buf);
    r->buf = b;
  } else if (r->start > 0 && unread) {
    memmove(buf_bytes(r->buf), buf_bytes(r->buf) + r->start, unread);
  }
  r->start = 0;
  r->end = unread;
  for (;;) {
    ssize_t n = read(r->fd, buf_bytes(r->buf) + r->end, cap - r->end);
    if (n > 0) {
      r->end += (size_t)n;
      r->buf->len = (int64_t)r->end;
      return true;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      r->err = errno;
    r->eof = true;
    if (r != &in)
      reader_close(r); /* a file is closed at its end */
    if (r->start == r->end)
      reader_release(r);
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

/* How many bytes at p form valid UTF-8 from the start. */
static size_t utf8_valid_prefix(const char *p, size_t n) {
  const unsigned char *u = (const unsigned char *)p;
  size_t i = 0;
  while (i < n) {
    if (u[i] < 0x80) {
      /* ASCII eight bytes at a time */
      uint64_t w;
      while (i + 8 <= n && (memcpy(&w, u + i, 8), !(w & 0x8080808080808080u)))
        i += 8;
      if (i < n && u[i] < 0x80)
        i++;
      continue;
    }
    size_t k = utf8_seq(u + i, n - i);
    if (!k)
      break;
    i += k;
  }
  return i;
}

/* A new Str of the n bytes at p (i of them known valid), invalid UTF-8
 * replaced by U+FFFD. */
static GjStr *str_lossy_from(const char *p, size_t n, size_t i) {
  const unsigned char *u = (const unsigned char *)p;
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

static GjStr *str_lossy(const char *p, size_t n) {
  size_t i = utf8_valid_prefix(p, n);
  if (i == n)
    return gj_str_from_bytes(p, (int64_t)n);
  return str_lossy_from(p, n, i);
}

/* buf[a, a + n) as a Str: a slice of the buffer when long and valid, a
 * copy when short (strmeth.c's pieces), a repaired copy when not UTF-8. */
GjStr *gj_rt_str_lossy(const char *p, size_t n) { return str_lossy(p, n); }

static GjStr *buf_piece(GjStr *buf, size_t a, size_t n) {
  const char *p = buf_bytes(buf) + a;
  size_t ok = utf8_valid_prefix(p, n);
  if (ok < n)
    return str_lossy_from(p, n, ok);
  if (n == 0)
    return &gj_rt_empty_str;
  if (n <= PIECE_COPY_MAX)
    return gj_str_from_bytes(p, (int64_t)n);
  GjStr *s = gj_rt_alloc(sizeof(GjStr), GJ_KIND_STR);
  s->len = (int64_t)n;
  s->ptr = p;
  s->cap = 0;
  s->owner = buf;
  gj_inc(buf);
  return s;
}

/* ---- readers ----------------------------------------------------------------- */

/* The next line without its "\n" or "\r\n", or the sentinel at end of
 * input. A last line without "\n" is a line; text that ends with "\n" has
 * no empty last line. Under r->lock. */
static GjStr *reader_line(Reader *r) {
  size_t scanned = 0; /* bytes after start known to hold no newline */
  for (;;) {
    size_t avail = r->end - r->start;
    char *p = r->buf ? buf_bytes(r->buf) + r->start : NULL;
    char *nl = avail > scanned ? memchr(p + scanned, '\n', avail - scanned)
                               : NULL;
    if (nl || (r->eof && avail)) {
      size_t len = nl ? (size_t)(nl - p) : avail;
      size_t keep = len;
      if (nl && keep && p[keep - 1] == '\r')
        keep--;
      GjStr *line = buf_piece(r->buf, r->start, keep);
      r->start += nl ? len + 1 : len;
      if (r->eof && r->start == r->end)
        reader_release(r);
      return line;
    }
    scanned = avail;
    if (!reader_fill(r) && r->end == r->start)
      return &gj_rt_none_str;
  }
}

/* The rest of the input as raw bytes (malloc'd, *len of them). */
static char *reader_rest(Reader *r, size_t *len) {
  size_t cap = IN_BUF, n = 0;
  char *all = malloc(cap);
  if (!all)
    gj_rt_fatal("out of memory");
  for (;;) {
    size_t avail = r->end - r->start;
    if (n + avail > cap) {
      while (n + avail > cap)
        cap *= 2;
      all = realloc(all, cap);
      if (!all)
        gj_rt_fatal("out of memory");
    }
    if (avail)
      memcpy(all + n, buf_bytes(r->buf) + r->start, avail);
    n += avail;
    r->start = r->end;
    if (!reader_fill(r))
      break;
  }
  reader_release(r);
  *len = n;
  return all;
}

/* ---- io: stdin --------------------------------------------------------------- */

/* §18 io.read_line(): the next line, or the sentinel at end of input. */
GjStr *gj_io_read_line(void) {
  gj_rt_lock(&in.lock);
  GjStr *s = reader_line(&in);
  gj_rt_unlock(&in.lock);
  return s;
}

/* §18 io.read_all(): the rest of the input ("" at its end). */
GjStr *gj_io_read_all(void) {
  gj_rt_lock(&in.lock);
  size_t n;
  char *all = reader_rest(&in, &n);
  gj_rt_unlock(&in.lock);
  GjStr *s = str_lossy(all, n);
  free(all);
  return s;
}

/* §18 io.read_bytes(): the rest of the input, byte by byte. */
GjList *gj_io_read_bytes(void) {
  gj_rt_lock(&in.lock);
  size_t n;
  char *all = reader_rest(&in, &n);
  gj_rt_unlock(&in.lock);
  GjList *l = gj_list_with_cap(&gj_type_int, (int64_t)n);
  for (size_t i = 0; i < n; i++) {
    int64_t b = (unsigned char)all[i];
    l = gj_list_push(l, &b);
  }
  free(all);
  return l;
}

/* At exit (gj_rt_start, before the leak check): stdin's buffer is the
 * runtime's, not the program's. */
void gj_rt_stdin_release(void) {
  gj_rt_lock(&in.lock);
  reader_release(&in);
  gj_rt_unlock(&in.lock);
}

/* ---- io: Lines and files ------------------------------------------------------- */

static GjLines *lines_new(void) {
  GjLines *l = gj_rt_alloc(sizeof(GjLines), GJ_KIND_LINES);
  memset((char *)l + sizeof l->h, 0, sizeof *l - sizeof l->h);
  return l;
}

/* §18 io.lines(): a handle on stdin's lines. */
GjLines *gj_io_lines(void) {
  GjLines *l = lines_new();
  l->r = &in;
  return l;
}

/* "cannot VERB 'PATH': strerror(err)" */
static GjStr *io_error(const char *verb, const GjStr *path, int err) {
  GjStr *s = gj_str_with_cap(path->len + 64);
  s = gj_rt_str_append_bytes(s, "cannot ", 7);
  s = gj_rt_str_append_bytes(s, verb, (int64_t)strlen(verb));
  s = gj_rt_str_append_bytes(s, " '", 2);
  s = gj_rt_str_append_bytes(s, path->ptr, path->len);
  s = gj_rt_str_append_bytes(s, "': ", 3);
  const char *m = strerror(err);
  return gj_rt_str_append_bytes(s, m, (int64_t)strlen(m));
}

/* path as a C string (malloc'd), or NULL when it contains a NUL byte */
static char *c_path(const GjStr *path) {
  if (memchr(path->ptr, 0, (size_t)path->len))
    return NULL;
  char *p = malloc((size_t)path->len + 1);
  if (!p)
    gj_rt_fatal("out of memory");
  memcpy(p, path->ptr, (size_t)path->len);
  p[path->len] = 0;
  return p;
}

/* §18 io.file_lines(path), io.read_file(path): a handle on the file's
 * lines, or one that holds why it could not be opened (a directory is
 * refused here, not at the first read). */
GjLines *gj_io_open(const GjStr *path) {
  GjLines *l = lines_new();
  char *p = c_path(path);
  int fd = p ? open(p, O_RDONLY | O_CLOEXEC) : -1;
  int err = p ? errno : EINVAL;
  free(p);
  if (fd < 0) {
    l->error = io_error("open", path, err);
    return l;
  }
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    close(fd);
    l->error = io_error("read", path, EISDIR);
    return l;
  }
  l->own.fd = fd;
  l->r = &l->own;
  l->path = (GjStr *)path;
  gj_inc(l->path);
  return l;
}

/* The open error of a handle from gj_io_open (+1), or the sentinel. */
GjStr *gj_lines_error(const GjLines *l) {
  if (!l->error)
    return &gj_rt_none_str;
  gj_inc(l->error);
  return l->error;
}

/* §7, §18: the next line of a Lines, or the sentinel at its end (a
 * handle that failed to open has none). */
GjStr *gj_lines_next(GjLines *l) {
  if (!l->r)
    return &gj_rt_none_str;
  gj_rt_lock(&l->r->lock);
  GjStr *s = reader_line(l->r);
  gj_rt_unlock(&l->r->lock);
  return s;
}

/* §18 Lines.to_list(): every line left. */
GjList *gj_lines_to_list(GjLines *l) {
  GjList *out = gj_list_new(&gj_type_str);
  for (;;) {
    GjStr *s = gj_lines_next(l);
    if (s == &gj_rt_none_str)
      return out;
    out = gj_list_push(out, &s);
  }
}

/* §18 io.read_file: what is left of the file as one Str, or the sentinel
 * when it could not be opened or read (gj_lines_error then says why). */
GjStr *gj_lines_read_all(GjLines *l) {
  if (!l->r)
    return &gj_rt_none_str;
  gj_rt_lock(&l->r->lock);
  size_t n;
  char *all = reader_rest(l->r, &n);
  int err = l->r->err;
  gj_rt_unlock(&l->r->lock);
  if (err) {
    free(all);
    if (!l->error)
      l->error = io_error("read", l->path, err);
    return &gj_rt_none_str;
  }
  GjStr *s = str_lossy(all, n);
  free(all);
  return s;
}

/* gj_dec's dispatch: the file is closed (if still open) with the last
 * reference. */
void gj_rt_lines_free(GjLines *l) {
  if (l->r == &l->own) {
    reader_close(&l->own);
    reader_release(&l->own);
  }
  if (l->error)
    gj_dec(l->error);
  if (l->path)
    gj_dec(l->path);
  gj_rt_free(l, sizeof *l);
}

/* §18 io.write_file(path, text): creates or truncates the file and writes
 * text; the sentinel when it worked, else the error's text. */
GjStr *gj_io_write_file(const GjStr *path, const GjStr *text) {
  char *p = c_path(path);
  int fd = p ? open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666) : -1;
  int err = p ? errno : EINVAL;
  free(p);
  if (fd < 0)
    return io_error("write", path, err);
  const char *b = text->ptr;
  size_t left = (size_t)text->len;
  while (left > 0) {
    ssize_t n = write(fd, b, left);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      err = errno;
      close(fd);
      return io_error("write", path, err);
    }
    b += n;
    left -= (size_t)n;
  }
  if (close(fd) != 0 && errno != EINTR)
    return io_error("write", path, errno);
  return &gj_rt_none_str;
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
