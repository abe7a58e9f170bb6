/* start.c — program start-up (§3), arguments and the stack limit (§8).
 *
 * gj_rt_start is what a generated `main` (and `guji run`) calls: it keeps
 * the arguments, sets up stdout, finds the end of the calling thread's
 * stack, runs the entry and flushes; with GUJI_LEAKCHECK=1 it then checks
 * that no object is left live (alloc.c).
 *
 * Stack overflow: each guji sub compares its stack pointer with
 * gj_stack_limit, which sits STACK_MARGIN above the stack's low end so
 * the panic path and runtime C code called near the limit still have room.
 * The low end comes from pthread_getattr_np (for the main thread glibc
 * derives it from RLIMIT_STACK); when the limit is unlimited we assume
 * 8 MiB below the current stack pointer. As a second line of defence, a
 * SIGSEGV handler on its own signal stack turns a fault near the stack's
 * end (say, C code that overflowed) into the `stack overflow` panic and
 * anything else into "guji: fatal: segmentation fault" and death by
 * SIGSEGV. The handler uses only async-signal-safe calls.
 */
#define _GNU_SOURCE
#include "task_internal.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <ucontext.h>
#include <unistd.h>

#define STACK_MARGIN ((size_t)256 * 1024)
/* The main thread's stack under `ulimit -s unlimited`: the kernel then
 * lets it grow until it meets a mapping (the legacy mmap layout keeps
 * mappings far below), so guji assumes 1 GiB (Go's maximum goroutine
 * stack) rather than the default 8 MiB, which would make `unlimited` less
 * than a large finite limit. */
#define UNLIMITED_STACK ((size_t)1024 * 1024 * 1024)
/* How far below the low end a fault still counts as running off the stack
 * (a guard page, a large frame skipping over it). */
#define FAULT_SLACK ((size_t)1024 * 1024)

char *gj_stack_limit;

static int saved_argc;
static char **saved_argv;

static char *stack_low;
static char alt_stack[64 * 1024];

int gj_rt_argc(void) { return saved_argc; }
char **gj_rt_argv(void) { return saved_argv; }

static void save_args(int argc, char **argv) {
  static char *none[1] = {NULL};
  if (argc > 0 && argv) {
    saved_argc = argc - 1;
    saved_argv = argv + 1;
  } else {
    saved_argc = 0;
    saved_argv = none;
  }
}

/* The low end of the calling thread's stack. */
static char *find_stack_low(void) {
  char *sp = __builtin_frame_address(0); /* near enough to the sp */
  struct rlimit rl;
  pthread_attr_t attr;
  if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur == RLIM_INFINITY &&
      getpid() == gettid())
    return sp - UNLIMITED_STACK;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    void *addr;
    size_t size;
    int rc = pthread_attr_getstack(&attr, &addr, &size);
    pthread_attr_destroy(&attr);
    if (rc == 0 && (char *)addr < sp)
      return addr;
  }
  return sp - ((size_t)8 * 1024 * 1024); /* unknown: the usual default */
}

/* Both limits: the global one today's generated code reads, and the
 * thread-local one (gj_task_stack_limit) that code running in tasks will
 * read; outside a task they are the same. */
static void set_stack_limit(void) {
  stack_low = find_stack_low();
  gj_stack_limit = stack_low + STACK_MARGIN;
  gj_task_stack_limit = gj_stack_limit;
}

/* The interrupted code's frame pointer, where its backtrace starts. */
static void *fault_fp(void *ctx) {
  ucontext_t *uc = ctx;
#if defined(__x86_64__)
  return (void *)uc->uc_mcontext.gregs[REG_RBP];
#elif defined(__aarch64__)
  return (void *)uc->uc_mcontext.regs[29];
#else
  (void)uc;
  return NULL;
#endif
}

static void on_segv(int sig, siginfo_t *info, void *ctx) {
  char *addr = info->si_addr;
  if (gj_stack_limit && addr >= stack_low - FAULT_SLACK &&
      addr < gj_stack_limit)
    gj_rt_panic_overflow_from(fault_fp(ctx));
  /* the same near the end of the stack the faulting thread runs on: a
   * task's (main's own mapping has nothing below it) */
  char *lim = gj_task_stack_limit;
  if (lim && addr < lim && addr >= lim - gj_rt_stack_margin() - FAULT_SLACK)
    gj_rt_panic_overflow_from(fault_fp(ctx));
  static const char msg[] = "guji: fatal: segmentation fault\n";
  gj_flush();
  gj_rt_write_fd(2, msg, sizeof msg - 1);
  /* Die of the signal itself (status 139 in a shell): it is blocked while
   * we run and is delivered when we return. */
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigaction(sig, &dfl, NULL);
  raise(sig);
}

/* The handler runs on an alternate stack: the faulting one may be full.
 * Each thread needs its own (worker threads call this too). */
void gj_rt_thread_altstack(void) {
  static _Thread_local char *mine;
  if (mine)
    return;
  mine = malloc(sizeof alt_stack);
  if (!mine)
    return;
  stack_t ss;
  memset(&ss, 0, sizeof ss);
  ss.ss_sp = mine;
  ss.ss_size = sizeof alt_stack;
  sigaltstack(&ss, NULL);
}

static void install_segv_handler(void) {
  stack_t ss;
  memset(&ss, 0, sizeof ss);
  ss.ss_sp = alt_stack;
  ss.ss_size = sizeof alt_stack;
  if (sigaltstack(&ss, NULL) != 0)
    return;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
}

/* Main's stack: as large as the thread's limit (ulimit -s; 1 GiB when
 * unlimited), at least 8 MiB: mapped lazily, so only what main touches
 * costs memory. */
size_t gj_rt_main_stack_size(void) {
  struct rlimit rl;
  size_t size = (size_t)8 << 20;
  if (getrlimit(RLIMIT_STACK, &rl) == 0) {
    if (rl.rlim_cur == RLIM_INFINITY)
      size = (size_t)1 << 30;
    else if (rl.rlim_cur > size)
      size = (size_t)rl.rlim_cur;
  }
  return size;
}

static int64_t (*main_entry)(void);

static void run_main(void *arg, void *result) {
  (void)arg;
  int64_t status = main_entry();
  memcpy(result, &status, sizeof status);
}

/* §3: run the program; its result is the exit status. main runs as a task
 * (§17: so a hand-off between main and a task stays on one worker, with
 * no OS thread to wake); this thread waits for it, which is what the
 * deadlock check sees as main blocked. */
void gj_rt_setup(int argc, char **argv) {
  save_args(argc, argv);
  gj_rt_hash_init();
  gj_rt_io_init();
  set_stack_limit();
  install_segv_handler();
  gj_rt_set_main_thread();
}

int gj_rt_start(int argc, char **argv, int64_t (*entry)(void)) {
  gj_rt_setup(argc, argv);
  main_entry = entry;
  GjTask *t = gj_rt_spawn_main(run_main, NULL, &gj_type_int,
                               gj_rt_main_stack_size());
  int64_t result = 0;
  gj_task_join(t, &result);
  gj_dec(t); /* the last of the two references frees it */
  int status = (int)result;
  gj_flush();
  /* §17: the program ends when main returns. Tasks still running (or
   * blocked for good) and timers not yet due end with it, as Go's
   * goroutines do: a task's code may be JIT code that the host frees
   * once this returns, so the process exits here, with no leak check
   * (their objects are legitimately live). */
  if (gj_rt_live_tasks() > 0 || !gj_rt_timers_quiesce())
    _exit(status);
  gj_rt_stdin_release();
  const char *stats = getenv("GUJI_ALLOCSTATS");
  if (stats && stats[0] && strcmp(stats, "0") != 0)
    gj_rt_allocstats_report();
  const char *check = getenv("GUJI_LEAKCHECK");
  if (check && check[0] && strcmp(check, "0") != 0)
    status = gj_rt_leakcheck_report(status);
  return status;
}
