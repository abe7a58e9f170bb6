/* test.c — `guji test` (§20): runs compiled test blocks, one task each.
 *
 * gj_rt_test_main takes the files' test tables (CodeGen's
 * gj_program_tests) and, on the thread that called it, runs each file's
 * const initializer as a task and then each test as a task of its own
 * *group* (its number, 1 and up; sched.c hands the group on to every task
 * the test hatches), one after the other, waiting for the test to end
 * before starting the next: so a test may hatch tasks, and the output of
 * each is flushed before its `test NAME ... ok` line.
 *
 * A test ends (end_test) when its body returns (it passed), when any task
 * of its group panics (the panic hook: the message is kept, then panic.c
 * abandons that task, gj_rt_set_panic_ends_task), or when the deadlock
 * check finds every task blocked while the runner waits (the deadlock
 * hook). A failed test's other tasks are not stopped: blocked ones stay
 * blocked for good (leaked on purpose), running ones run on until they
 * block or end; a later panic of theirs is not the current test's and is
 * dropped. The runner waits on a waiter marked as main's, so the deadlock
 * check sees it blocked exactly as it sees main.
 */
#include "task_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MSG_MAX = 4096 };

static const char PANIC_PREFIX[] = "guji: panic: ";
static const char AT[] = "\n  at ";

static struct {
  GjRtLock lock;
  int64_t group;        /* the running test's; 0 between tests */
  const GjTestCase *tc;
  bool ended, failed;
  GjRtWaiter *runner;   /* the runner, waiting for the end */
  char msg[MSG_MAX];    /* a failure: "FILE:LINE:COL: MESSAGE" */
  size_t msg_len;
} T;

static void put(char *buf, size_t *len, const char *p, size_t n) {
  if (n > MSG_MAX - 1 - *len)
    n = MSG_MAX - 1 - *len;
  memcpy(buf + *len, p, n);
  *len += n;
}

/* The failure's text: the panic's location (else the test's) first, as
 * compile errors put it, then its message. */
static void set_msg(const char *text, size_t len) {
  if (len >= sizeof PANIC_PREFIX - 1 &&
      memcmp(text, PANIC_PREFIX, sizeof PANIC_PREFIX - 1) == 0) {
    text += sizeof PANIC_PREFIX - 1;
    len -= sizeof PANIC_PREFIX - 1;
  }
  while (len && text[len - 1] == '\n')
    len--;
  size_t mlen = len;
  const char *at = NULL;
  for (size_t i = 0; i + sizeof AT - 1 <= len; i++)
    if (memcmp(text + i, AT, sizeof AT - 1) == 0)
      at = text + i, mlen = i;
  T.msg_len = 0;
  if (at) {
    const char *loc = at + sizeof AT - 1;
    put(T.msg, &T.msg_len, loc, (size_t)(text + len - loc));
  } else {
    char buf[64];
    const GjLoc *l = T.tc->loc;
    put(T.msg, &T.msg_len, l->file, strlen(l->file));
    int n = snprintf(buf, sizeof buf, ":%d:%d", l->line, l->col);
    put(T.msg, &T.msg_len, buf, (size_t)n);
  }
  put(T.msg, &T.msg_len, ": ", 2);
  put(T.msg, &T.msg_len, text, mlen);
  T.msg[T.msg_len] = 0;
}

/* The first end of test `group` counts; later ones (or another group's)
 * are dropped. */
static void end_test(int64_t group, bool failed, const char *text,
                     size_t len) {
  GjRtWaiter *w = NULL;
  gj_rt_lock(&T.lock);
  if (group && group == T.group && !T.ended) {
    T.ended = true;
    T.failed = failed;
    if (failed)
      set_msg(text, len);
    w = T.runner;
    T.runner = NULL;
  }
  gj_rt_unlock(&T.lock);
  if (w)
    gj_rt_wake(w);
}

/* §20: a panic fails only its own test. Outside every test (a const
 * initializer) it ends the program as usual. */
static void on_panic(const char *text, size_t len) {
  int64_t g = gj_rt_task_group();
  if (g == 0) {
    gj_rt_write_fd(2, text, len);
    _exit(101);
  }
  end_test(g, true, text, len);
}

static bool on_deadlock(void) {
  static const char msg[] = "all tasks are blocked (deadlock)";
  int64_t g = __atomic_load_n(&T.group, __ATOMIC_ACQUIRE);
  if (!g)
    return false;
  end_test(g, true, msg, sizeof msg - 1);
  return true;
}

static void run_test(void *arg, void *result) {
  (void)result;
  const GjTestCase *tc = arg;
  int64_t g = gj_rt_task_group();
  tc->fn();
  end_test(g, false, NULL, 0);
}

static void run_init(void *arg, void *result) {
  (void)result;
  ((void (*)(void))arg)();
}

/* Runs one test to its end; true when it passed. */
static bool run_one(const GjTestCase *tc, int64_t group) {
  gj_rt_lock(&T.lock);
  T.tc = tc;
  T.ended = T.failed = false;
  T.msg_len = 0;
  __atomic_store_n(&T.group, group, __ATOMIC_RELEASE);
  gj_rt_unlock(&T.lock);
  GjTask *t = gj_rt_spawn_test(run_test, (void *)tc, gj_rt_main_stack_size(),
                               group);
  GjRtWaiter w;
  gj_rt_waiter_init(&w);
  gj_rt_lock(&T.lock);
  if (!T.ended) {
    T.runner = &w;
    gj_rt_park(&w, &T.lock);
    gj_rt_lock(&T.lock);
  }
  bool ok = !T.failed;
  __atomic_store_n(&T.group, 0, __ATOMIC_RELEASE);
  gj_rt_unlock(&T.lock);
  gj_dec(t); /* a test still running keeps its own reference */
  return ok;
}

typedef struct Failure {
  const char *name;
  char *msg;
} Failure;

static void out(const char *s) {
  gj_flush();
  gj_rt_write_fd(1, s, strlen(s));
}

int gj_rt_test_main(int argc, char **argv, const GjTestFile *files,
                    int nfiles, const char *filter) {
  gj_rt_setup(argc, argv);
  gj_rt_set_panic_hook(on_panic);
  gj_rt_set_panic_ends_task(true);
  gj_rt_set_deadlock_hook(on_deadlock);
  int64_t total = 0, passed = 0, filtered = 0, group = 0;
  for (int f = 0; f < nfiles; f++)
    total += files[f].ntests;
  Failure *fails = calloc((size_t)total + 1, sizeof *fails);
  int64_t nfail = 0;
  for (int f = 0; f < nfiles; f++) {
    const GjTestFile *tf = &files[f];
    if (tf->init) {
      GjTask *t = gj_rt_spawn_main(run_init, (void *)tf->init, NULL,
                                   gj_rt_main_stack_size());
      gj_task_join(t, NULL);
      gj_dec(t);
    }
    for (int64_t i = 0; i < tf->ntests; i++) {
      const GjTestCase *tc = &tf->tests[i];
      if (filter && !strstr(tc->name, filter)) {
        filtered++;
        continue;
      }
      bool ok = run_one(tc, ++group);
      size_t n = strlen(tc->name) + 32;
      char *line = malloc(n);
      snprintf(line, n, "test %s ... %s\n", tc->name, ok ? "ok" : "FAILED");
      out(line);
      free(line);
      if (ok) {
        passed++;
      } else {
        fails[nfail].name = tc->name;
        fails[nfail++].msg = strdup(T.msg);
      }
    }
    if (tf->fini && gj_rt_live_tasks() == 0)
      tf->fini(); /* tasks left by a failed test may still read a const */
  }
  if (nfail) {
    out("\nfailures:\n");
    for (int64_t i = 0; i < nfail; i++) {
      size_t n = strlen(fails[i].name) + strlen(fails[i].msg) + 16;
      char *line = malloc(n);
      snprintf(line, n, "  %s: %s\n", fails[i].name, fails[i].msg);
      out(line);
      free(line);
      free(fails[i].msg);
    }
  }
  free(fails);
  char sum[128];
  int k = snprintf(sum, sizeof sum, "\n%lld passed, %lld failed",
                   (long long)passed, (long long)nfail);
  if (filter)
    snprintf(sum + k, sizeof sum - (size_t)k, ", %lld filtered out",
             (long long)filtered);
  out(sum);
  out("\n");
  int status = nfail ? 1 : 0;
  gj_rt_set_deadlock_hook(NULL);
  gj_rt_set_panic_ends_task(false);
  gj_rt_set_panic_hook(NULL);
  /* tasks of failed (or finished) tests may still run JIT code the host
   * frees once this returns: as gj_rt_start, end the process here */
  if (gj_rt_live_tasks() > 0)
    _exit(status);
  return status;
}
