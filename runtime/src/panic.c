/* panic.c — panics (§12) and Float.to_int (§18).
 *
 * A panic flushes stdout, writes
 *     guji: panic: MESSAGE
 *       at FILE:LINE:COL
 * to stderr (no "at" line when the location is NULL) and exits with status
 * 101 by _exit: nothing else runs, and buffered stdout has already gone.
 *
 * The stack-overflow panic runs at the end of the stack, with only the
 * margin gj_stack_limit leaves, and the SIGSEGV handler calls the same
 * path; so the path uses no stdio, no malloc and a few hundred bytes of
 * stack: the message goes out as one writev(2) of its parts.
 *
 * Then, when the panicking task's frame chain holds guji code, the
 * backtrace (backtrace.c) follows as the last lines (not in the hook's
 * text: `guji test` reports a failure in its own format): the subs and lines
 * of its frames, innermost first. A stack overflow the SIGSEGV handler
 * finds starts the walk at the faulting code's frame pointer
 * (gj_rt_panic_overflow_from), since the handler runs on its own stack.
 *
 * Policy (§12, §17): a panic in any task ends the program. One hook,
 * gj_rt_set_panic_hook, sees it: it gets the whole text, copied into a
 * static buffer, after stdout is flushed and instead of the write to
 * stderr; when it returns, the program ends as before. Only the first
 * panic proceeds: a task on another worker that panics meanwhile waits
 * for the end, so two messages never interleave.
 *
 * §20, `guji test`: with gj_rt_set_panic_ends_task(true), a panic in a
 * task (not on a thread outside the pool) ends only that task once the
 * hook returns: gj_rt_task_abandon switches away from it for good. The
 * panics then take turns (a spin on the same flag) instead of the first
 * one winning, and SIGSEGV/SIGBUS are unblocked first, since a stack
 * overflow found by the signal handler leaves the handler by that switch.
 */
#include "task_internal.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <math.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

enum { MAX_PARTS = 6 };

static size_t cstr_len(const char *s) {
  size_t n = 0;
  while (s[n])
    n++;
  return n;
}

/* writev all of iov, retrying on EINTR and partial writes. */
static void writev_all(int fd, struct iovec *iov, int n) {
  while (n > 0) {
    ssize_t w = writev(fd, iov, n);
    if (w < 0) {
      if (errno == EINTR)
        continue;
      return;
    }
    while (n > 0 && (size_t)w >= iov->iov_len) {
      w -= (ssize_t)iov->iov_len;
      iov++;
      n--;
    }
    if (n > 0) {
      iov->iov_base = (char *)iov->iov_base + w;
      iov->iov_len -= (size_t)w;
    }
  }
}

static void set_iov(struct iovec *v, const char *p, size_t n) {
  v->iov_base = (void *)p;
  v->iov_len = n;
}

static _Atomic(GjPanicHook) panic_hook;
/* where the backtrace starts when not at gj_rt_panic_parts' own frame */
static _Thread_local void *trace_fp;
static _Atomic int panicking;
static _Atomic bool ends_task;

void gj_rt_set_panic_ends_task(bool on) { atomic_store(&ends_task, on); }
static char hook_text[4096];

GjPanicHook gj_rt_set_panic_hook(GjPanicHook hook) {
  return atomic_exchange(&panic_hook, hook);
}

/* The hook's copy of the message (truncated to the buffer). */
static size_t gather(const struct iovec *iov, int n) {
  size_t len = 0;
  for (int i = 0; i < n; i++)
    for (size_t j = 0; j < iov[i].iov_len && len < sizeof hook_text; j++)
      hook_text[len++] = ((const char *)iov[i].iov_base)[j];
  return len;
}

/* A second panic (another task, meanwhile) waits for the first to end
 * the process. */
static void one_panic_at_a_time(bool take_turns) {
  if (take_turns) {
    while (atomic_exchange(&panicking, 1))
      sched_yield();
    return;
  }
  if (atomic_exchange(&panicking, 1))
    for (;;)
      pause();
}

/* §20: the end of a panicking task (after the hook). */
static _Noreturn void end_task(void) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGSEGV);
  sigaddset(&set, SIGBUS);
  pthread_sigmask(SIG_UNBLOCK, &set, NULL);
  atomic_store(&panicking, 0);
  gj_rt_task_abandon();
}

_Noreturn void gj_rt_panic_parts(const char *const *parts, const size_t *lens,
                                 int n, const GjLoc *loc) {
  bool only_task = atomic_load(&ends_task) && gj_task_in_task();
  one_panic_at_a_time(atomic_load(&ends_task));
  static const char prefix[] = "guji: panic: ";
  struct iovec iov[MAX_PARTS + 9];
  char line[24], col[24];
  int k = 0;
  gj_flush();
  set_iov(&iov[k++], prefix, sizeof prefix - 1);
  for (int i = 0; i < n && i < MAX_PARTS; i++)
    set_iov(&iov[k++], parts[i], lens[i]);
  if (loc) {
    const char *file = loc->file ? loc->file : "?";
    set_iov(&iov[k++], "\n  at ", 6);
    set_iov(&iov[k++], file, cstr_len(file));
    set_iov(&iov[k++], ":", 1);
    set_iov(&iov[k++], line, (size_t)gj_rt_fmt_int(loc->line, line));
    set_iov(&iov[k++], ":", 1);
    set_iov(&iov[k++], col, (size_t)gj_rt_fmt_int(loc->col, col));
  }
  set_iov(&iov[k++], "\n", 1);
  GjPanicHook hook = atomic_load(&panic_hook);
  if (hook) {
    hook(hook_text, gather(iov, k)); /* `guji test` reports without it */
  } else {
    const char *bt;
    void *fp = trace_fp ? trace_fp : __builtin_frame_address(0);
    size_t btlen = gj_rt_backtrace(fp, &bt);
    if (btlen)
      set_iov(&iov[k++], bt, btlen);
    writev_all(2, iov, k);
  }
  if (only_task)
    end_task();
  _exit(101);
}

static _Noreturn void panic2(const char *a, size_t alen, const char *b,
                             size_t blen, const GjLoc *loc) {
  const char *parts[2] = {a, b};
  size_t lens[2] = {alen, blen};
  gj_rt_panic_parts(parts, lens, 2, loc);
}

_Noreturn void gj_panic_cstr(const char *msg, const GjLoc *loc) {
  panic2(msg, cstr_len(msg), "", 0, loc);
}

/* §12: panic(msg) */
_Noreturn void gj_panic(const GjStr *msg, const GjLoc *loc) {
  panic2(msg->ptr ? msg->ptr : "", (size_t)msg->len, "", 0, loc);
}

_Noreturn void gj_panic_overflow(const GjLoc *loc) {
  gj_panic_cstr("integer overflow", loc);
}

_Noreturn void gj_panic_div_zero(const GjLoc *loc) {
  gj_panic_cstr("division by zero", loc);
}

_Noreturn void gj_panic_shift(int64_t count, const GjLoc *loc) {
  static const char a[] = "shift count out of range: ";
  static const char c[] = " (must be 0..63)";
  char num[24];
  const char *parts[3] = {a, num, c};
  size_t lens[3] = {sizeof a - 1, (size_t)gj_rt_fmt_int(count, num),
                    sizeof c - 1};
  gj_rt_panic_parts(parts, lens, 3, loc);
}

/* §8: deep recursion ends with `stack overflow`, never a bare SIGSEGV. */
_Noreturn void gj_panic_stack_overflow(const GjLoc *loc) {
  gj_panic_cstr("stack overflow", loc);
}

_Noreturn void gj_rt_panic_overflow_from(void *fp) {
  trace_fp = fp;
  gj_panic_cstr("stack overflow", NULL);
}

_Noreturn void gj_assert_fail(const GjLoc *loc) {
  gj_panic_cstr("assertion failed", loc);
}

_Noreturn void gj_assert_fail_msg(const GjStr *msg, const GjLoc *loc) {
  static const char a[] = "assertion failed: ";
  panic2(a, sizeof a - 1, msg->ptr ? msg->ptr : "", (size_t)msg->len, loc);
}

/* §18: Float.to_int truncates toward zero; NaN and values outside Int's
 * range panic. 2^63 is exact in a double, and every double in
 * [-2^63, 2^63) truncates to an Int. */
int64_t gj_float_to_int(double v, const GjLoc *loc) {
  if (isnan(v))
    gj_panic_cstr("cannot convert NaN to Int", loc);
  if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0)) {
    static const char a[] = "Float value ";
    static const char c[] = " is out of Int range";
    char num[32];
    const char *parts[3] = {a, num, c};
    size_t lens[3] = {sizeof a - 1, (size_t)gj_fmt_float(v, num),
                      sizeof c - 1};
    gj_rt_panic_parts(parts, lens, 3, loc);
  }
  return (int64_t)v;
}
