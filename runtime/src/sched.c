/* sched.c — the task scheduler (§17): M:N, work stealing.
 *
 * GUJI_THREADS worker threads (default: the number of cores) start on the
 * first spawn. Each worker has
 *   - a run-next slot: a task readied by the running task (a channel
 *     partner, a joiner, a new task) goes there and runs as soon as the
 *     current one blocks, so a ping-pong pair stays on one worker and in
 *     its cache (Go's runnext). The task it displaces goes to the deque.
 *   - a Chase–Lev deque (fixed capacity; Lê, Pop, Cohen, Zappa Nardelli,
 *     "Correct and Efficient Work-Stealing for Weak Memory Models", PPoPP
 *     2013, with their memory orders): the owner pushes and takes at the
 *     bottom, thieves steal at the top. A full deque overflows to the
 *     global queue.
 *   - a scheduler context on the thread's own stack: a task that blocks,
 *     yields or ends switches there, and the loop picks the next task:
 *     run-next, deque, global queue (first every 61st pick, for fairness),
 *     then stealing from the other workers starting at a random one.
 * Threads outside the pool (the program's main thread, a test's) put new
 * and readied tasks on the global queue, a locked FIFO.
 *
 * Idle workers spin a few bounded rounds of stealing, then park on a
 * futex. Wake-ups are sparing (Go's rule): new work wakes a parked worker
 * only when no worker is spinning, the woken one counts as spinning, and
 * a spinner that finds work wakes another only if more work is visible.
 * Readying a task into an empty run-next slot wakes nobody: the running
 * task is expected to block soon (a hand-off), and waking a thread costs
 * more than the hand-off. The lost-wake-up race is closed by order: a
 * pusher publishes its work and then reads the idle count; a parker
 * publishes itself as idle and then looks for work again (both seq_cst).
 *
 * Blocking (gj_rt_park): the task queues a waiter under some lock, marks
 * itself parked and switches to its scheduler, which releases the lock
 * only then — so a waker can never resume a task still on its stack.
 *
 * Thread-local state is read through noinline accessors in every function
 * that may switch: a task can resume on another thread, and a compiler may
 * keep a thread-local's address in a register across a call.
 */
#define _GNU_SOURCE
#include "task_internal.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if GJ_RT_ASAN
void __sanitizer_start_switch_fiber(void **fake_stack_save, const void *bottom,
                                    size_t size);
void __sanitizer_finish_switch_fiber(void *fake_stack_save,
                                     const void **bottom_old, size_t *size_old);
#endif
#if GJ_RT_TSAN
void *__tsan_get_current_fiber(void);
void *__tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void *fiber);
void __tsan_switch_to_fiber(void *fiber, unsigned flags);
#endif

enum { DEQUE_CAP = 1024, SPIN_ROUNDS = 16, GLOBAL_EVERY = 61,
       MAX_THREADS = 1024 };

/* A thief takes a task readied by a channel or join partner only once it
 * has waited a while where its partner put it — S.steal_age ns, between
 * STEAL_AGE_MIN_NS and STEAL_AGE_MAX_NS (Go waits ~3 us before stealing
 * a run-next slot). Such a task normally runs on that worker soon, and
 * moving it may only put two workers onto one channel's cache lines.
 * Which it was, the stolen task says: if it switches out or parks on a
 * channel's lock (gj_rt_note_contention) less than STEAL_WORK_NS after
 * it was taken, it did next to nothing on its new worker and the age
 * doubles; if it ran longer, the steal paid and the age halves. So a job
 * pool spreads over the workers within tens of microseconds, while tasks
 * that only talk to each other stay on one worker (bench/fanin).
 * Spawned tasks are new work and may be taken at once. */
enum { STEAL_AGE_MIN_NS = 50000, STEAL_AGE_MAX_NS = 1000000,
       STEAL_WORK_NS = 20000 };
/* When readied work was queued: AT_NEW for spawned work (no wait), the
 * time it went into a deque, or, in a run-next slot, AT_READIED until the
 * first thief that sees it stamps it with its clock (so a hand-off that
 * finds the slot empty reads no clock; the occupant is usually about to
 * run, and until it does the slot keeps it and the stamp). */
enum { AT_NEW = 0, AT_READIED = 1 };

struct GjTask {
  GjHeader h;
  void (*fn)(void *arg, void *result);
  void *arg;
  const GjType *rtype;
  GjRtLock lock;
  _Atomic uint32_t done;
  GjRtWaiter *joiners; /* under lock */
  bool rt_owned;        /* main's: malloc'd, outside the object counts */
  int64_t group;        /* §20: the test it belongs to (inherited), or 0 */
  _Alignas(16) unsigned char result[];
};

_Thread_local char *gj_task_stack_limit;

int64_t gj_task_stack_limit_tp_offset(void) {
  char *tp;
#if defined(__x86_64__)
  __asm__("movq %%fs:0, %0" : "=r"(tp));
#elif defined(__aarch64__)
  __asm__("mrs %0, tpidr_el0" : "=r"(tp));
#else
#error "the thread pointer of this architecture is not known"
#endif
  return (int64_t)((char *)&gj_task_stack_limit - tp);
}
#if GJ_RT_TSAN
_Atomic uint32_t gj_rt_fence_word;
#endif

/* ---- contexts ------------------------------------------------------------ */

void gj_rt_ctx_init(GjRtCtx *c, char *lo, char *hi, void (*fn)(void *),
                    void *arg) {
  (void)lo;
  uintptr_t top = (uintptr_t)hi & ~(uintptr_t)15;
#if defined(__x86_64__)
  /* switch_x86_64.S: control words, r15 r14 r13 r12 rbx rbp, return */
  void **sp = (void **)(top - 64);
  memset(sp, 0, 64);
  ((uint32_t *)sp)[0] = 0x1F80; /* MXCSR: all exceptions masked */
  ((uint16_t *)sp)[2] = 0x037F; /* x87: the default control word */
  sp[3] = (void *)fn;           /* r13 */
  sp[4] = arg;                  /* r12 */
  sp[7] = (void *)gj_rt_ctx_trampoline;
#elif defined(__aarch64__)
  /* switch_aarch64.S: x19..x30, d8..d15, FPCR (176 bytes) */
  void **sp = (void **)(top - 176);
  memset(sp, 0, 176);
  sp[0] = (void *)fn; /* x19 */
  sp[1] = arg;        /* x20 */
  sp[11] = (void *)gj_rt_ctx_trampoline; /* x30 */
#else
#error "guji's task runtime supports x86-64 and AArch64"
#endif
  c->sp = sp;
  c->asan_fake = NULL;
}

void gj_rt_ctx_jump(GjRtCtx *from, GjRtCtx *to, bool from_dies) {
#if GJ_RT_ASAN
  __sanitizer_start_switch_fiber(from_dies ? NULL : &from->asan_fake,
                                 to->stack_lo, to->stack_size);
#else
  (void)from_dies;
#endif
#if GJ_RT_TSAN
  __tsan_switch_to_fiber(to->tsan_fiber, 0);
#endif
  gj_rt_ctx_switch(&from->sp, &to->sp);
#if GJ_RT_ASAN
  __sanitizer_finish_switch_fiber(from->asan_fake, NULL, NULL);
#endif
}

void gj_rt_ctx_started(void) {
#if GJ_RT_ASAN
  __sanitizer_finish_switch_fiber(NULL, NULL, NULL);
#endif
}

/* ---- the Chase–Lev deque (Lê et al. 2013, fig. 1, fixed array) -------- */

typedef struct Deque {
  _Atomic int64_t top, bottom;
  _Atomic(GjRtFiber *) buf[DEQUE_CAP];
  _Atomic int64_t at[DEQUE_CAP]; /* AT_NEW, AT_READIED or a stamp */
} Deque;

/* Owner only. False when full. The release store of bottom (their
 * release fence plus a relaxed store, in one) publishes the fiber. */
static bool deque_push(Deque *q, GjRtFiber *f, int64_t at) {
  int64_t b = atomic_load_explicit(&q->bottom, memory_order_relaxed);
  int64_t t = atomic_load_explicit(&q->top, memory_order_acquire);
  if (b - t >= DEQUE_CAP)
    return false;
  atomic_store_explicit(&q->buf[b & (DEQUE_CAP - 1)], f, memory_order_relaxed);
  atomic_store_explicit(&q->at[b & (DEQUE_CAP - 1)], at, memory_order_relaxed);
  atomic_store_explicit(&q->bottom, b + 1, memory_order_release);
  return true;
}

/* Owner only: the most recently pushed fiber, or NULL. */
static GjRtFiber *deque_take(Deque *q) {
  int64_t b = atomic_load_explicit(&q->bottom, memory_order_relaxed) - 1;
  atomic_store_explicit(&q->bottom, b, memory_order_relaxed);
  GJ_RT_FENCE_SC();
  int64_t t = atomic_load_explicit(&q->top, memory_order_relaxed);
  if (t > b) { /* empty */
    atomic_store_explicit(&q->bottom, b + 1, memory_order_relaxed);
    return NULL;
  }
  GjRtFiber *f =
      atomic_load_explicit(&q->buf[b & (DEQUE_CAP - 1)], memory_order_relaxed);
  if (t == b) { /* the last one: race the thieves for it */
    if (!atomic_compare_exchange_strong_explicit(&q->top, &t, t + 1,
                                                 memory_order_seq_cst,
                                                 memory_order_relaxed))
      f = NULL;
    atomic_store_explicit(&q->bottom, b + 1, memory_order_relaxed);
  }
  return f;
}

/* Whether work queued `at` may be taken at `now` (see AT_READIED); a
 * first sighting stamps *at. *readied: it is not new work. */
static bool aged(_Atomic int64_t *at, int64_t now, int64_t age,
                 bool *readied) {
  int64_t a = atomic_load_explicit(at, memory_order_relaxed);
  *readied = a != AT_NEW;
  if (a == AT_NEW)
    return true;
  if (a == AT_READIED) {
    atomic_compare_exchange_strong_explicit(at, &a, now, memory_order_relaxed,
                                            memory_order_relaxed);
    return false;
  }
  return now - a >= age;
}

/* Any thread: the oldest fiber, or NULL when empty, when a race was lost,
 * or when the oldest has not waited `age` by `now` (then *young is set);
 * *readied says whether it was readied work (not spawned). */
static GjRtFiber *deque_steal(Deque *q, int64_t now, int64_t age,
                              bool *young, bool *readied) {
  int64_t t = atomic_load_explicit(&q->top, memory_order_acquire);
  GJ_RT_FENCE_SC();
  int64_t b = atomic_load_explicit(&q->bottom, memory_order_acquire);
  if (t >= b)
    return NULL;
  if (!aged(&q->at[t & (DEQUE_CAP - 1)], now, age, readied)) {
    *young = true;
    return NULL;
  }
  GjRtFiber *f =
      atomic_load_explicit(&q->buf[t & (DEQUE_CAP - 1)], memory_order_relaxed);
  if (!atomic_compare_exchange_strong_explicit(&q->top, &t, t + 1,
                                               memory_order_seq_cst,
                                               memory_order_relaxed))
    return NULL;
  return f;
}

static bool deque_nonempty(Deque *q) {
  return atomic_load_explicit(&q->bottom, memory_order_acquire) >
         atomic_load_explicit(&q->top, memory_order_acquire);
}

/* ---- workers ------------------------------------------------------------- */

typedef struct Worker {
  Deque dq;
  _Atomic(GjRtFiber *) runnext;
  _Atomic int64_t runnext_at; /* AT_NEW, AT_READIED or a stamp */
  _Atomic uint32_t parked;  /* futex word: 1 while parked */
  GjRtCtx sched;            /* the scheduler loop's context */
  GjRtFiber *cur;           /* the task running now, NULL in the loop */
  /* What the context switched away from left to do once it is off its
   * stack, run by whichever context runs next (after_switch). */
  void (*after_fn)(void *); /* a park's release action */
  void *after_arg;
  GjRtFiber *prev;          /* the fiber switched away from, and */
  int prev_state;           /* its state then (it may run elsewhere after) */
  GjRtStackPool pool;
  struct Worker *idle_next; /* under S.idle_lock */
  uint64_t rng;
  unsigned tick;
  unsigned polls;           /* select / try_* completed without waiting */
  bool spinning;
  int id;
} __attribute__((aligned(64))) Worker;

static struct {
  Worker *workers;
  int n;
  pthread_once_t once;
  /* the global queue */
  GjRtLock glock;
  GjRtFiber *ghead, *gtail;
  _Atomic int64_t glen;
  /* idle workers */
  GjRtLock idle_lock;
  Worker *idle;
  _Atomic int nidle, nspinning;
  _Atomic int ntimed; /* idle workers in a timed park (park_worker) */
  /* tasks spawned whose code has not returned yet (gj_rt_live_tasks) */
  _Atomic int64_t live_tasks;
  /* §17 deadlock: tasks runnable or running, and whether main is blocked */
  _Atomic int64_t nactive;
  _Atomic int main_blocked;
  /* the last blocking operation main's task entered: where a deadlock
   * panics (§12) */
  const GjLoc *_Atomic main_loc;
  /* how long readied work waits before a thief may take it */
  _Atomic int64_t steal_age;
  size_t stack_margin; /* gj_rt_stack_margin(), read once */
} S = {.once = PTHREAD_ONCE_INIT, .steal_age = STEAL_AGE_MIN_NS};

int64_t gj_rt_live_tasks(void) {
  return atomic_load_explicit(&S.live_tasks, memory_order_acquire);
}

static _Thread_local Worker *tl_worker;
static _Thread_local bool tl_is_main;

void gj_rt_set_main_thread(void) { tl_is_main = true; }

static bool (*deadlock_hook)(void);

void gj_rt_set_deadlock_hook(bool (*hook)(void)) { deadlock_hook = hook; }

/* §17: "If every task is blocked on channels or joins and no timer is
 * pending, the program panics" — unless the deadlock hook (guji test,
 * §20) takes it as the failure of the running test and returns true. Sound because the counts move in order:
 * a task readies its partner (nactive + 1) before it parks (- 1), a waker
 * clears main_blocked before main runs, and a timer stays pending until
 * what it readied is counted. Only main's blocking counts: another thread
 * outside the pool might still wake someone. */
void gj_rt_check_deadlock(void) {
  if (atomic_load(&S.main_blocked) && atomic_load(&S.nactive) == 0 &&
      gj_rt_timers_pending() == 0 && !(deadlock_hook && deadlock_hook()))
    gj_panic_cstr("all tasks are blocked (deadlock)", atomic_load(&S.main_loc));
}

static __attribute__((noinline)) struct Worker *cur_worker(void);

/* The *_at entry points say where the task is about to block; main's
 * (the task on a stack of its own: main, or a guji test's, whose
 * deadlocks the test hook reports) is kept for the deadlock panic when it
 * parks. Only a thread-local store here: most operations do not block. */
static _Thread_local const GjLoc *tl_block_loc;

void gj_rt_set_block_loc(const GjLoc *loc) { tl_block_loc = loc; }

static void active_dec(void) {
  if (atomic_fetch_sub(&S.nactive, 1) == 1)
    gj_rt_check_deadlock();
}

static __attribute__((noinline)) Worker *cur_worker(void) { return tl_worker; }

static uint64_t next_rand(Worker *w) { /* xorshift64 */
  uint64_t x = w->rng;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return w->rng = x;
}

static void global_push(GjRtFiber *f) {
  f->next = NULL;
  gj_rt_lock(&S.glock);
  if (S.gtail)
    S.gtail->next = f;
  else
    S.ghead = f;
  S.gtail = f;
  atomic_fetch_add_explicit(&S.glen, 1, memory_order_relaxed);
  gj_rt_unlock(&S.glock);
}

static GjRtFiber *global_pop(void) {
  if (atomic_load_explicit(&S.glen, memory_order_relaxed) == 0)
    return NULL;
  gj_rt_lock(&S.glock);
  GjRtFiber *f = S.ghead;
  if (f) {
    S.ghead = f->next;
    if (!S.ghead)
      S.gtail = NULL;
    atomic_fetch_sub_explicit(&S.glen, 1, memory_order_relaxed);
  }
  gj_rt_unlock(&S.glock);
  return f;
}

static void push_local(Worker *w, GjRtFiber *f, int64_t at) {
  if (!deque_push(&w->dq, f, at))
    global_push(f);
}

/* Takes w off the idle list if it is still there. */
static bool idle_remove(Worker *w) {
  bool found = false;
  gj_rt_lock(&S.idle_lock);
  for (Worker **p = &S.idle; *p; p = &(*p)->idle_next)
    if (*p == w) {
      *p = w->idle_next;
      atomic_fetch_sub(&S.nidle, 1);
      found = true;
      break;
    }
  gj_rt_unlock(&S.idle_lock);
  return found;
}

/* Wakes one parked worker as a spinner, unless one is spinning already. */
static void wake_spinner(void) {
  if (atomic_load(&S.nidle) == 0)
    return;
  int zero = 0;
  if (!atomic_compare_exchange_strong(&S.nspinning, &zero, 1))
    return;
  gj_rt_lock(&S.idle_lock);
  Worker *v = S.idle;
  if (v) {
    S.idle = v->idle_next;
    atomic_fetch_sub(&S.nidle, 1);
  }
  gj_rt_unlock(&S.idle_lock);
  if (!v) {
    atomic_fetch_sub(&S.nspinning, 1);
    return;
  }
  atomic_store(&v->parked, 0);
  gj_rt_futex_wake(&v->parked, 1);
}

/* After publishing work: wake a worker if none is looking. */
static void notify_work(void) {
  GJ_RT_FENCE_SC();
  wake_spinner();
}

/* After displacing readied work into the deque: no thief may take it
 * before the steal age, so a worker already in a timed park (it will
 * look again by then) is not woken for it — else ping-ponging senders
 * readied one after another (bench/spawn's receive loop) would wake a
 * worker per message for nothing. Nothing is lost: a timed parker always
 * looks again when its time is up. */
static void notify_readied(void) {
  GJ_RT_FENCE_SC();
  if (atomic_load(&S.ntimed) == 0)
    wake_spinner();
}

/* Work a thief could take (run-next slots excepted). */
static bool work_visible(void) {
  if (atomic_load(&S.glen) > 0)
    return true;
  for (int i = 0; i < S.n; i++)
    if (deque_nonempty(&S.workers[i].dq))
      return true;
  return false;
}

static GjRtFiber *local_work(Worker *w) {
  GjRtFiber *f;
  if (++w->tick % GLOBAL_EVERY == 0 && (f = global_pop()))
    return f;
  if (atomic_load_explicit(&w->runnext, memory_order_relaxed) &&
      (f = atomic_exchange_explicit(&w->runnext, NULL, memory_order_acquire)))
    return f;
  if ((f = deque_take(&w->dq)))
    return f;
  return global_pop();
}

/* One round over the other workers from a random one; run-next slots too
 * when `runnext` (late rounds only: a slot is usually about to run). Work
 * readied less than `age` before `now` is left where it is (the steal
 * age), and *young says that some was. */
static GjRtFiber *steal_round(Worker *w, bool runnext, int64_t now,
                              int64_t age, bool *young) {
  int n = S.n;
  int start = (int)(next_rand(w) % (uint64_t)n);
  for (int i = 0; i < n; i++) {
    Worker *v = &S.workers[(start + i) % n];
    if (v == w)
      continue;
    bool readied = false;
    GjRtFiber *f = deque_steal(&v->dq, now, age, young, &readied);
    if (!f && runnext &&
        atomic_load_explicit(&v->runnext, memory_order_relaxed)) {
      if (!aged(&v->runnext_at, now, age, &readied))
        *young = true;
      else
        f = atomic_exchange_explicit(&v->runnext, NULL, memory_order_acquire);
    }
    if (f) {
      if (readied) /* new work is taken at once: no verdict on it */
        f->stolen_at = now;
      return f;
    }
  }
  return global_pop();
}

static void stop_spinning(Worker *w) {
  w->spinning = false;
  if (atomic_fetch_sub(&S.nspinning, 1) == 1 && work_visible())
    wake_spinner(); /* the last spinner found work: there may be more */
}

/* Parks w until woken; returns early (not parked) when work shows up
 * between publishing itself idle and sleeping. With `young` (the last
 * rounds saw work too young to steal) it sleeps at most the steal age and
 * looks again: that work may never be announced again. */
static void park_worker(Worker *w, bool young) {
  gj_rt_lock(&S.idle_lock);
  atomic_store(&w->parked, 1);
  w->idle_next = S.idle;
  S.idle = w;
  atomic_fetch_add(&S.nidle, 1);
  gj_rt_unlock(&S.idle_lock);
  if (!young && work_visible() && idle_remove(w)) {
    atomic_store(&w->parked, 0);
    return;
  }
  if (young)
    atomic_fetch_add(&S.ntimed, 1);
  while (atomic_load(&w->parked)) {
    if (!young) {
      gj_rt_futex_wait(&w->parked, 1);
      continue;
    }
    gj_rt_futex_wait_ns(&w->parked, 1,
                        atomic_load_explicit(&S.steal_age, memory_order_relaxed));
    if (atomic_load(&w->parked) && idle_remove(w)) {
      atomic_store(&w->parked, 0);
      atomic_fetch_sub(&S.ntimed, 1);
      return; /* timed out, not counted as spinning */
    }
  }
  if (young)
    atomic_fetch_sub(&S.ntimed, 1);
  w->spinning = true; /* wake_spinner counted us */
}

static GjRtFiber *find_work(Worker *w) {
  for (;;) {
    GjRtFiber *f = local_work(w);
    if (f) {
      if (w->spinning)
        stop_spinning(w);
      return f;
    }
    if (!w->spinning) {
      w->spinning = true;
      atomic_fetch_add(&S.nspinning, 1);
    }
    bool young = false;
    for (int r = 0; r < SPIN_ROUNDS; r++) {
      int64_t age = atomic_load_explicit(&S.steal_age, memory_order_relaxed);
      if ((f = steal_round(w, r >= SPIN_ROUNDS - 2, gj_rt_mono_ns(), age,
                           &young))) {
        stop_spinning(w);
        return f;
      }
      for (int k = 0; k < 64; k++)
        gj_rt_cpu_relax();
    }
    w->spinning = false;
    atomic_fetch_sub(&S.nspinning, 1);
    park_worker(w, young);
  }
}

static void fiber_release(Worker *w, GjRtFiber *f) {
#if GJ_RT_TSAN
  __tsan_destroy_fiber(f->ctx.tsan_fiber);
  f->ctx.tsan_fiber = NULL;
#endif
  gj_rt_stack_put(&w->pool, f);
}

static void fiber_entry(void *p);

/* f becomes w's running task (the switch to it follows). A task that has
 * not run yet gets its initial frame here: the first touch of its stack,
 * and so its page fault, happen on the worker that runs it. */
static void prepare_run(Worker *w, GjRtFiber *f) {
  if (__builtin_expect(!f->ctx.sp, 0))
    gj_rt_ctx_init(&f->ctx, f->ctx.stack_lo,
                   f->ctx.stack_lo + f->ctx.stack_size, fiber_entry, f);
  w->cur = f;
  f->state = FIBER_RUNNING;
#if GJ_RT_TSAN
  /* TSan counts fibers as threads (at most 8128 at once): make one only
   * for a task that runs, so queued tasks cost none. */
  if (!f->ctx.tsan_fiber)
    f->ctx.tsan_fiber = __tsan_create_fiber(0);
#endif
  gj_task_stack_limit = f->ctx.stack_lo + S.stack_margin;
}

/* First thing after every switch, in the context switched to: finish
 * what the previous one could not do on its own stack — release a
 * parking task's lock, free a dead task's stack, queue a yielded task. */
static void after_switch(Worker *w) {
  GjRtFiber *prev = w->prev;
  int state = w->prev_state;
  w->prev = NULL;
  if (w->after_fn) {
    void (*fn)(void *) = w->after_fn;
    w->after_fn = NULL;
    fn(w->after_arg); /* from here on prev may be resumed elsewhere */
  }
  if (!prev)
    return;
  if (state == FIBER_DEAD) {
    fiber_release(w, prev);
    active_dec();
  } else if (state == FIBER_YIELDED) {
    prev->state = FIBER_RUNNABLE;
    global_push(prev);
  } else if (state == FIBER_PARKED) {
    active_dec();
  }
}

/* The first switch-out (or contended lock) of a task a thief took. */
static void steal_verdict(GjRtFiber *f) {
  int64_t ran = gj_rt_mono_ns() - f->stolen_at;
  f->stolen_at = 0;
  int64_t age = atomic_load_explicit(&S.steal_age, memory_order_relaxed);
  int64_t next = ran < STEAL_WORK_NS ? age * 2 : age / 2;
  if (next < STEAL_AGE_MIN_NS)
    next = STEAL_AGE_MIN_NS;
  if (next > STEAL_AGE_MAX_NS)
    next = STEAL_AGE_MAX_NS;
  if (next != age)
    atomic_store_explicit(&S.steal_age, next, memory_order_relaxed);
}

void gj_rt_note_contention(void) {
  Worker *w = cur_worker();
  GjRtFiber *f = w ? w->cur : NULL;
  if (f && f->stolen_at)
    steal_verdict(f);
}

/* The running fiber f leaves its worker in `state`. A parking or dying
 * task hands the worker straight to the task in its run-next slot (the
 * partner it just readied, typically), with one switch instead of two
 * through the scheduler loop; except every GLOBAL_EVERY-th time, when
 * the loop gets to look at the global queue. Returns when f is resumed
 * (never for a dead one). */
static void switch_out(GjRtFiber *f, int state) {
  Worker *w = cur_worker();
  if (__builtin_expect(f->stolen_at != 0, 0))
    steal_verdict(f);
  f->state = state;
  w->prev = f;
  w->prev_state = state;
  GjRtFiber *next = NULL;
  /* the pick that would land on a multiple of GLOBAL_EVERY is the loop's
   * (local_work counts it and serves the global queue first) */
  if (state != FIBER_YIELDED && (w->tick + 1) % GLOBAL_EVERY != 0 &&
      atomic_load_explicit(&w->runnext, memory_order_relaxed) &&
      (next = atomic_exchange_explicit(&w->runnext, NULL,
                                       memory_order_acquire)))
    w->tick++;
  if (next) {
    prepare_run(w, next);
    gj_rt_ctx_jump(&f->ctx, &next->ctx, state == FIBER_DEAD);
  } else {
    w->cur = NULL;
    gj_task_stack_limit = NULL;
    gj_rt_ctx_jump(&f->ctx, &w->sched, state == FIBER_DEAD);
  }
  after_switch(cur_worker()); /* resumed, maybe on another worker */
}

/* The loop: runs f until the worker comes back to the loop. */
static void run_fiber(Worker *w, GjRtFiber *f) {
  prepare_run(w, f);
  gj_rt_ctx_jump(&w->sched, &f->ctx, false);
  after_switch(w);
}

static void *worker_main(void *arg) {
  Worker *w = arg;
  tl_worker = w;
  gj_rt_thread_altstack(); /* a task's stack overflow is reported (start.c) */
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    void *lo;
    size_t size;
    if (pthread_attr_getstack(&attr, &lo, &size) == 0) {
      w->sched.stack_lo = lo;
      w->sched.stack_size = size;
    }
    pthread_attr_destroy(&attr);
  }
#if GJ_RT_TSAN
  w->sched.tsan_fiber = __tsan_get_current_fiber();
#endif
  for (;;)
    run_fiber(w, find_work(w));
  return NULL;
}

/* GUJI_THREADS, or the number of cores. */
static int thread_count(void) {
  const char *env = getenv("GUJI_THREADS");
  if (env && *env) {
    char *end;
    long v = strtol(env, &end, 10);
    if (*end || v < 1 || v > MAX_THREADS)
      gj_rt_fatal("GUJI_THREADS must be a number from 1 to 1024");
    return (int)v;
  }
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (int)n;
}

static void sched_init(void) {
  S.stack_margin = gj_rt_stack_margin();
  int n = thread_count();
  Worker *ws = aligned_alloc(64, sizeof(Worker) * (size_t)n);
  if (!ws)
    gj_rt_fatal("out of memory");
  memset(ws, 0, sizeof(Worker) * (size_t)n);
  S.workers = ws;
  S.n = n;
  for (int i = 0; i < n; i++) {
    ws[i].id = i;
    ws[i].rng = 0x9E3779B97F4A7C15ull * (uint64_t)(i + 1);
  }
  for (int i = 0; i < n; i++) {
    pthread_t th;
    if (pthread_create(&th, NULL, worker_main, &ws[i]) != 0)
      gj_rt_fatal("cannot start a worker thread");
    char name[16] = "guji-w";
    int k = 6, v = i;
    char digits[8];
    int nd = 0;
    do
      digits[nd++] = (char)('0' + v % 10);
    while ((v /= 10) && nd < 7);
    while (nd && k < 15)
      name[k++] = digits[--nd];
    name[k] = 0;
    pthread_setname_np(th, name);
    pthread_detach(th);
  }
}

static void sched_start(void) { pthread_once(&S.once, sched_init); }

int gj_task_workers(void) {
  sched_start();
  return S.n;
}

/* ---- readying and parking ------------------------------------------------ */

/* f becomes runnable: into the caller's run-next slot on a worker (the
 * displaced task, now surplus, to the deque), else the global queue. */
static void ready(GjRtFiber *f) {
  f->state = FIBER_RUNNABLE;
  atomic_fetch_add(&S.nactive, 1);
  Worker *w = cur_worker();
  if (w) {
    int64_t old_at =
        atomic_load_explicit(&w->runnext_at, memory_order_relaxed);
    atomic_store_explicit(&w->runnext_at, AT_READIED, memory_order_relaxed);
    GjRtFiber *old =
        atomic_exchange_explicit(&w->runnext, f, memory_order_acq_rel);
    if (old) {
      /* into the deque with a real stamp: deque entries churn, so a
       * thief's first sighting would say nothing of how long they wait */
      push_local(w, old, old_at == AT_READIED ? gj_rt_mono_ns() : old_at);
      notify_readied();
    }
  } else {
    global_push(f);
    notify_work();
  }
}

static __attribute__((noinline)) bool main_thread(void) { return tl_is_main; }

void gj_rt_waiter_init(GjRtWaiter *w) {
  Worker *wk = cur_worker();
  w->next = NULL;
  w->fiber = wk ? wk->cur : NULL;
  atomic_store_explicit(&w->woken, 0, memory_order_relaxed);
  w->is_main = !w->fiber && main_thread();
  w->ok = false;
  w->sel_case = 0;
  w->sel = NULL;
  w->elem = NULL;
}

static void unlock_cb(void *l) { gj_rt_unlock(l); }

void gj_rt_park_with(GjRtWaiter *w, void (*release)(void *), void *arg) {
  if (w->fiber) {
    if (w->fiber->own_base)
      atomic_store_explicit(&S.main_loc, tl_block_loc, memory_order_release);
    Worker *wk = cur_worker();
    wk->after_fn = release;
    wk->after_arg = arg;
    switch_out(w->fiber, FIBER_PARKED);
    return;
  }
  /* main counts as blocked from before the lock is released: a waker
   * that comes in at once clears it again (set after the release, a
   * wake in between would be undone and a deadlock reported wrongly) */
  if (w->is_main)
    atomic_store(&S.main_blocked, 1);
  release(arg);
  if (w->is_main)
    gj_rt_check_deadlock();
  while (!atomic_load_explicit(&w->woken, memory_order_acquire))
    gj_rt_futex_wait(&w->woken, 0);
}

void gj_rt_park(GjRtWaiter *w, GjRtLock *held) {
  gj_rt_park_with(w, unlock_cb, held);
}

void gj_rt_wake(GjRtWaiter *w) {
  if (w->sel) /* a select's case: wake the select itself */
    w = &w->sel->park;
  if (w->fiber) {
    ready(w->fiber);
    return;
  }
  if (w->is_main)
    atomic_store(&S.main_blocked, 0);
  /* w may be gone the moment woken is set; waking a stale futex address
   * is harmless (every futex wait here loops on its condition). */
  atomic_store_explicit(&w->woken, 1, memory_order_release);
  gj_rt_futex_wake(&w->woken, 1);
}

/* ---- tasks ----------------------------------------------------------- */

static size_t task_size(const GjType *rtype) {
  return sizeof(GjTask) + (rtype ? rtype->size : 0);
}

void gj_rt_task_free(GjTask *t) {
  if (t->rtype && (t->rtype->flags & GJ_TYPE_HEAP) && t->rtype->dec)
    t->rtype->dec(t->result);
  if (t->rt_owned)
    free(t);
  else
    gj_obj_free(t, task_size(t->rtype));
}

/* The task's value is in: marks it done, drops the running task's
 * reference, then wakes the joiners (each holds a reference of its own).
 * In that order, a joiner that wakes sees the task's memory accounted
 * for: a program whose main joined every task ends with nothing of them
 * live (GUJI_LEAKCHECK) and no task code still running. */
static void task_finish(GjTask *t) {
  if (t->rtype)
    gj_mark_shared_elem(t->rtype, t->result);
  gj_rt_lock(&t->lock);
  atomic_store_explicit(&t->done, 1, memory_order_release);
  GjRtWaiter *w = t->joiners;
  t->joiners = NULL;
  gj_rt_unlock(&t->lock);
  gj_dec(t); /* the running task's reference */
  atomic_fetch_sub_explicit(&S.live_tasks, 1, memory_order_release);
  while (w) {
    GjRtWaiter *next = w->next; /* w may vanish once woken */
    w->ok = true;
    gj_rt_wake(w);
    w = next;
  }
}

static void fiber_entry(void *p) {
  gj_rt_ctx_started();
  after_switch(cur_worker());
  GjRtFiber *f = p;
  GjTask *t = f->task;
  t->fn(t->arg, t->result);
  f->task = NULL;
  task_finish(t); /* drops the running task's reference */
  switch_out(f, FIBER_DEAD);
  __builtin_trap();
}

static GjTask *spawn_on(void (*fn)(void *arg, void *result), void *arg,
                        const GjType *rtype, GjRtFiber *own, int64_t group);

static __attribute__((noinline)) int64_t cur_group(void) {
  Worker *w = cur_worker();
  return w && w->cur && w->cur->task ? w->cur->task->group : 0;
}

/* §17 hatch; §20: the new task belongs to its hatcher's test */
GjTask *gj_task_spawn(void (*fn)(void *arg, void *result), void *arg,
                      const GjType *rtype) {
  return spawn_on(fn, arg, rtype, NULL, cur_group());
}

/* The program's main as a task, on a stack of its own of `stack` bytes
 * (sized like the thread's: deep recursion in main keeps working). */
GjTask *gj_rt_spawn_main(void (*fn)(void *arg, void *result), void *arg,
                         const GjType *rtype, size_t stack) {
  return spawn_on(fn, arg, rtype, gj_rt_stack_own(stack), 0);
}

GjTask *gj_rt_spawn_test(void (*fn)(void *arg, void *result), void *arg,
                         size_t stack, int64_t group) {
  return spawn_on(fn, arg, NULL, gj_rt_stack_own(stack), group);
}

int64_t gj_rt_task_group(void) { return cur_group(); }

/* §20: the running task ends here without finishing: its code never
 * returns, so its joiners are never woken (they would get no value) and
 * its handle and whatever its frames held stay allocated. Its stack goes
 * back (a pool's to the pool, main-like ones unmapped) as for any dead
 * task: a running task is in no wait queue, so nothing points into it. */
_Noreturn void gj_rt_task_abandon(void) {
  Worker *w = cur_worker();
  GjRtFiber *f = w->cur;
  f->task = NULL;
  switch_out(f, FIBER_DEAD);
  __builtin_trap();
}

static GjTask *spawn_on(void (*fn)(void *arg, void *result), void *arg,
                        const GjType *rtype, GjRtFiber *own, int64_t group) {
  sched_start();
  GjTask *t;
  if (own) {
    /* main's handle is the runtime's, not the program's: outside the
     * object counts (GUJI_ALLOCSTATS, GUJI_LEAKCHECK), freed with free */
    t = calloc(1, task_size(rtype));
    if (!t)
      gj_rt_fatal("out of memory");
    t->h.kind = GJ_KIND_TASK;
    t->rt_owned = true;
  } else {
    t = gj_obj_alloc(task_size(rtype), GJ_KIND_TASK);
    t->rt_owned = false;
  }
  t->h.rc = -2; /* shared: the caller's reference and the task's own */
  atomic_fetch_add_explicit(&S.live_tasks, 1, memory_order_relaxed);
  t->fn = fn;
  t->arg = arg;
  t->group = group;
  t->rtype = rtype && rtype->size ? rtype : NULL;
  atomic_store_explicit(&t->lock.v, 0, memory_order_relaxed);
  atomic_store_explicit(&t->done, 0, memory_order_relaxed);
  t->joiners = NULL;
  if (t->rtype)
    memset(t->result, 0, t->rtype->size);
  Worker *w = cur_worker();
  GjRtFiber *f = own ? own : gj_rt_stack_get(w ? &w->pool : NULL);
  f->task = t;
  f->next = NULL;
  f->state = FIBER_RUNNABLE;
  f->stolen_at = 0;
  atomic_fetch_add(&S.nactive, 1);
  f->ctx.sp = NULL; /* its first frame is made where it first runs */
  f->ctx.tsan_fiber = NULL; /* made when it first runs (TSan) */
  if (w && w->cur) {
    atomic_store_explicit(&w->runnext_at, AT_NEW, memory_order_relaxed);
    GjRtFiber *old =
        atomic_exchange_explicit(&w->runnext, f, memory_order_acq_rel);
    if (old)
      push_local(w, old, AT_NEW);
  } else {
    global_push(f);
  }
  notify_work(); /* new work: worth a parallel worker */
  return t;
}

/* gj_task_join, gj_chan_send, gj_chan_recv and gj_select as generated
 * code calls them: with the operation's location, which a deadlock
 * reports when main is the one blocked there (§12, §17). */
void gj_task_join_at(GjTask *t, void *out, const GjLoc *loc) {
  gj_rt_set_block_loc(loc);
  gj_task_join(t, out);
}

/* §17 join: any number of times; the value is a new reference. */
void gj_task_join(GjTask *t, void *out) {
  if (!atomic_load_explicit(&t->done, memory_order_acquire)) {
    GjRtWaiter w;
    gj_rt_waiter_init(&w);
    gj_rt_lock(&t->lock);
    if (!atomic_load_explicit(&t->done, memory_order_relaxed)) {
      w.next = t->joiners;
      t->joiners = &w;
      gj_rt_park(&w, &t->lock);
    } else {
      gj_rt_unlock(&t->lock);
    }
  }
  if (!out || !t->rtype)
    return;
  memcpy(out, t->result, t->rtype->size);
  if ((t->rtype->flags & GJ_TYPE_HEAP) && t->rtype->inc)
    t->rtype->inc(out);
}

/* A task that polls (a select that finds an arm ready or takes `else`,
 * try_send, try_recv) never parks, so the tasks queued behind it — the one
 * it readied last in its run-next slot, ones it hatched in its deque, any
 * in the global queue — would wait as long as it polls: every 32nd poll
 * that has one waiting yields (a polling loop waiting for their progress,
 * or a select whose closed channel is always ready while another arm's
 * sender has yet to start, would otherwise spin forever on a machine
 * whose other workers sleep, or with GUJI_THREADS=1). */
void gj_rt_polled(void) {
  Worker *w = cur_worker();
  if (!w || !w->cur || (++w->polls & 31) != 0)
    return;
  if (atomic_load_explicit(&w->runnext, memory_order_relaxed) ||
      deque_nonempty(&w->dq) ||
      atomic_load_explicit(&S.glen, memory_order_relaxed) > 0)
    gj_task_yield();
}

void gj_task_yield(void) {
  Worker *w = cur_worker();
  if (!w || !w->cur)
    return;
  switch_out(w->cur, FIBER_YIELDED);
}

bool gj_rt_task_stack(char **lo, char **hi) {
  Worker *w = cur_worker();
  if (!w || !w->cur)
    return false;
  *lo = w->cur->ctx.stack_lo;
  *hi = w->cur->ctx.stack_lo + w->cur->ctx.stack_size;
  return true;
}

bool gj_task_in_task(void) {
  Worker *w = cur_worker();
  return w && w->cur;
}
