/* task_internal.h — what the concurrency runtime's files (switch_*.S,
 * stack.c, sched.c, chan.c) share: contexts, fibers, waiters, the lock.
 * Not part of the ABI; C only (the unit tests declare what they call).
 *
 * A *fiber* is a task's execution state: a saved stack pointer and a
 * stack. Its record sits at the top of its own stack, so a parked task
 * costs the one page its record and first frames share. A *task* (GjTask,
 * gujirt.h) is the counted handle the program holds: the function, its
 * result and the joiners; it outlives its fiber.
 *
 * Blocking goes through a Waiter, which lives in the frame of whoever
 * blocks (Go's sudog): channel queues and join lists link waiters, not
 * tasks. A waiter is either a fiber (parked by switching to its worker's
 * scheduler, readied onto a run queue) or an OS thread outside the worker
 * pool — the gtest main thread, or the program's main thread until main
 * runs as a task — which sleeps on a futex in the waiter itself.
 */
#ifndef GUJI_RT_TASK_INTERNAL_H
#define GUJI_RT_TASK_INTERNAL_H

#include "rt_internal.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- sanitizer detection ------------------------------------------------ */

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GJ_RT_ASAN 1
#endif
#if __has_feature(thread_sanitizer)
#define GJ_RT_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(GJ_RT_ASAN)
#define GJ_RT_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__) && !defined(GJ_RT_TSAN)
#define GJ_RT_TSAN 1
#endif
#ifndef GJ_RT_ASAN
#define GJ_RT_ASAN 0
#endif
#ifndef GJ_RT_TSAN
#define GJ_RT_TSAN 0
#endif

/* A full (seq_cst) fence. TSan ignores fences and would report the
 * orderings they give as races, so there it is a seq_cst read-modify-write
 * of one shared word, which TSan sees (and which orders as a fence does). */
#if GJ_RT_TSAN
extern _Atomic uint32_t gj_rt_fence_word;
#define GJ_RT_FENCE_SC()                                                      \
  ((void)atomic_fetch_add_explicit(&gj_rt_fence_word, 0, memory_order_seq_cst))
#else
#define GJ_RT_FENCE_SC() atomic_thread_fence(memory_order_seq_cst)
#endif

/* ---- contexts (switch_*.S, sched.c) ------------------------------------- */

/* Saves the callee-saved registers on the current stack, stores the stack
 * pointer to *save_sp, loads *load_sp and returns into that context. */
GJ_RT_HIDDEN void gj_rt_ctx_switch(void **save_sp, void *const *load_sp);
/* The first code of a context made by gj_rt_ctx_init. */
GJ_RT_HIDDEN void gj_rt_ctx_trampoline(void);

/* A context: the saved sp plus what the sanitizers need to know of it. */
typedef struct GjRtCtx {
  void *sp;
  char *stack_lo;     /* the stack's low end and size (ASan) */
  size_t stack_size;
  void *asan_fake;    /* ASan's fake-stack handle while suspended */
  void *tsan_fiber;   /* TSan's fiber */
} GjRtCtx;

/* Lays out a fresh context on [lo, hi) that will run fn(arg) (fn must not
 * return). */
GJ_RT_HIDDEN void gj_rt_ctx_init(GjRtCtx *c, char *lo, char *hi,
                                 void (*fn)(void *), void *arg);
/* Switches from `from` to `to`, telling the sanitizers; `from_dies` when
 * `from` will never be resumed (its fake stack can go). */
GJ_RT_HIDDEN void gj_rt_ctx_jump(GjRtCtx *from, GjRtCtx *to, bool from_dies);
/* Called first thing on a new context (ASan's half of the first switch). */
GJ_RT_HIDDEN void gj_rt_ctx_started(void);

/* ---- the lock (lock.c) -------------------------------------------------
 * A futex mutex (Drepper, "Futexes Are Tricky", mutex #2): 0 free, 1
 * held, 2 held with sleepers. Built on atomics only, so TSan sees its
 * acquire/release edges, and it may be released by another context on the
 * same thread (a parking task's lock is released by its scheduler). */
/* One round of a spin-wait: tells the core (and a hyperthread sibling)
 * that this is one. */
static inline void gj_rt_cpu_relax(void) {
#if defined(__x86_64__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ volatile("yield");
#endif
}

typedef struct GjRtLock {
  _Atomic uint32_t v;
} GjRtLock;

GJ_RT_HIDDEN void gj_rt_lock_slow(GjRtLock *l);
GJ_RT_HIDDEN void gj_rt_unlock_slow(GjRtLock *l);
static inline void gj_rt_lock(GjRtLock *l) {
  uint32_t z = 0;
  if (!atomic_compare_exchange_strong_explicit(&l->v, &z, 1,
                                               memory_order_acquire,
                                               memory_order_relaxed))
    gj_rt_lock_slow(l);
}
static inline void gj_rt_unlock(GjRtLock *l) {
  if (atomic_exchange_explicit(&l->v, 0, memory_order_release) != 1)
    gj_rt_unlock_slow(l);
}
/* futex(2) wait while *addr == val, and wake up to n waiters. */
GJ_RT_HIDDEN void gj_rt_futex_wait(_Atomic uint32_t *addr, uint32_t val);
GJ_RT_HIDDEN void gj_rt_futex_wake(_Atomic uint32_t *addr, int n);

/* ---- fibers and stacks (stack.c) ---------------------------------------- */

enum { FIBER_RUNNABLE, FIBER_RUNNING, FIBER_PARKED, FIBER_YIELDED,
       FIBER_DEAD };

typedef struct GjRtFiber {
  GjRtCtx ctx;
  struct GjRtFiber *next; /* in the global run queue or a stack pool */
  GjTask *task;           /* the handle (one reference held while running) */
  int state;
  char *own_base;         /* a stack of its own (main's), else NULL: */
  size_t own_len;         /* unmapped when the task ends */
  int64_t stolen_at;      /* when a thief took it (0: not since it last
                           * switched out): sched.c's steal age */
} GjRtFiber;

/* A pool of stacks: a free list of fibers whose task ended (stacks still
 * committed as far as they were touched), and the unused rest of the slab
 * being carved. */
typedef struct GjRtStackPool {
  GjRtFiber *free;
  int64_t nfree;
  char *slab_next, *slab_end;
  char *rec_next;         /* the records of the slab's stacks (stack.c) */
} GjRtStackPool;

/* A fiber record on a stack of gj_rt_stack_size() bytes from pool p (NULL:
 * the shared pool, locked). Its ctx.stack_lo/size are set; the rest is
 * the caller's. */
GJ_RT_HIDDEN GjRtFiber *gj_rt_stack_get(GjRtStackPool *p);
/* sched.c: called after a select, try_send or try_recv that did not wait
 * (see there). */
GJ_RT_HIDDEN void gj_rt_polled(void);
/* A fiber record on a stack of its own of `size` bytes (main's, sized like
 * a thread's), committed lazily; gj_rt_stack_put unmaps it. */
GJ_RT_HIDDEN GjRtFiber *gj_rt_stack_own(size_t size);
/* Gives a dead fiber's stack back to p (NULL: the shared pool). */
GJ_RT_HIDDEN void gj_rt_stack_put(GjRtStackPool *p, GjRtFiber *f);
GJ_RT_HIDDEN size_t gj_rt_stack_size(void);
/* Bytes between a task stack's low end and its gj_task_stack_limit. */
GJ_RT_HIDDEN size_t gj_rt_stack_margin(void);
/* Slabs mapped so far (tests: one mapping per many stacks). */
GJ_RT_HIDDEN int64_t gj_rt_stack_slabs(void);

/* ---- waiting (sched.c) -------------------------------------------------- */

struct GjRtSelect;

typedef struct GjRtWaiter {
  struct GjRtWaiter *next;
  GjRtFiber *fiber;       /* NULL: an OS thread sleeping on `woken` */
  _Atomic uint32_t woken; /* thread waiters: set by gj_rt_wake */
  bool is_main;           /* the program's main thread (deadlock check) */
  bool ok;                /* channels: completed (false: closed) */
  int32_t sel_case;       /* select: this waiter's case */
  struct GjRtSelect *sel; /* select: the select it belongs to, or NULL */
  void *elem;             /* channels: the value sent / the slot to fill */
} GjRtWaiter;

/* A blocked select (chan.c): one waiter per case on its channel's queue,
 * all pointing here. The first channel operation to claim it (CAS of
 * `claimed` 0 -> 1) completes that case; the other waiters are stale
 * from then on and skipped by whoever pops them. `park` is the waiter
 * the selecting task actually sleeps on. */
typedef struct GjRtSelect {
  _Atomic uint32_t claimed;
  int32_t chosen;
  GjRtWaiter park;
} GjRtSelect;

/* A waiter for the calling context (fiber or thread), not yet queued. */
GJ_RT_HIDDEN void gj_rt_waiter_init(GjRtWaiter *w);
/* Blocks the caller on w, which it has queued under `held`; releases
 * `held` once the caller can no longer miss a wake-up (for a fiber: after
 * it has switched away). Returns after gj_rt_wake(w). */
GJ_RT_HIDDEN void gj_rt_park(GjRtWaiter *w, GjRtLock *held);
/* The same with any release action (a select holds several locks). */
GJ_RT_HIDDEN void gj_rt_park_with(GjRtWaiter *w, void (*release)(void *),
                                  void *arg);
/* timer.c: timers pending (sleeps, time.after); sched.c's deadlock check
 * counts them as possible wakers. */
GJ_RT_HIDDEN int64_t gj_rt_timers_pending(void);
/* sched.c: checks for §17's deadlock after a timer fired with nothing
 * left pending. */
GJ_RT_HIDDEN void gj_rt_check_deadlock(void);
/* Records the location of the blocking operation this thread enters. */
GJ_RT_HIDDEN void gj_rt_set_block_loc(const GjLoc *loc);
/* start.c marks the thread that runs main (the deadlock check needs to
 * know when main is blocked). */
GJ_RT_HIDDEN void gj_rt_set_main_thread(void);
/* futex wait with a timeout in nanoseconds. */
GJ_RT_HIDDEN void gj_rt_futex_wait_ns(_Atomic uint32_t *addr, uint32_t val,
                                      int64_t ns);
/* Makes w's owner runnable again (call after filling w->ok / elem). */
GJ_RT_HIDDEN void gj_rt_wake(GjRtWaiter *w);

/* FIFO queue of waiters (a channel's senders or receivers). */
typedef struct GjRtWaitQ {
  GjRtWaiter *head, *tail;
} GjRtWaitQ;

static inline void gj_rt_waitq_push(GjRtWaitQ *q, GjRtWaiter *w) {
  w->next = NULL;
  if (q->tail)
    q->tail->next = w;
  else
    q->head = w;
  q->tail = w;
}

static inline GjRtWaiter *gj_rt_waitq_pop(GjRtWaitQ *q) {
  GjRtWaiter *w = q->head;
  if (w) {
    q->head = w->next;
    if (!q->head)
      q->tail = NULL;
  }
  return w;
}

/* ---- the parking lock (lock.c) ------------------------------------------- *
 *
 * A channel's lock. Like GjRtLock, one CAS to take a free one and one
 * exchange to release it; but a task that finds it held, after a short
 * spin, parks on the lock's queue instead of spinning on (or sleeping in)
 * it, and the holder's release readies it — onto the releasing worker's
 * run-next slot. So tasks that keep meeting on one channel from two
 * workers end up on the same worker, where their operations no longer
 * fight over the channel's cache lines (4 producers and 4 consumers on one
 * channel: ~30 M msg/s on one worker against ~3 M with both contending).
 * A thread outside the pool waits on a futex in its waiter. Waking does
 * not hand the lock over: the woken task takes it again, so the releaser
 * may take it back at once (no switch per operation).
 *
 * v holds TLOCK_HELD and TLOCK_WAITERS; the queue of waiters is guarded by
 * the spin word q, which a parking task keeps until it is off its stack
 * (its scheduler releases it, as gj_rt_park releases a channel's lock). */
enum { TLOCK_HELD = 1, TLOCK_WAITERS = 2 };

typedef struct GjRtTaskLock {
  _Atomic uint32_t v;
  _Atomic uint32_t q;
  GjRtWaitQ waiters;
} GjRtTaskLock;

GJ_RT_HIDDEN void gj_rt_tlock_slow(GjRtTaskLock *l);
GJ_RT_HIDDEN void gj_rt_tunlock_slow(GjRtTaskLock *l);
static inline void gj_rt_tlock_init(GjRtTaskLock *l) {
  atomic_store_explicit(&l->v, 0, memory_order_relaxed);
  atomic_store_explicit(&l->q, 0, memory_order_relaxed);
  l->waiters = (GjRtWaitQ){NULL, NULL};
}
static inline void gj_rt_tlock(GjRtTaskLock *l) {
  uint32_t z = 0;
  if (!atomic_compare_exchange_strong_explicit(&l->v, &z, TLOCK_HELD,
                                               memory_order_acquire,
                                               memory_order_relaxed))
    gj_rt_tlock_slow(l);
}
static inline void gj_rt_tunlock(GjRtTaskLock *l) {
  if (atomic_exchange_explicit(&l->v, 0, memory_order_release) != TLOCK_HELD)
    gj_rt_tunlock_slow(l);
}
/* sched.c: the running task is about to park on a parking lock (it met
 * another worker's task in a channel's critical section). */
GJ_RT_HIDDEN void gj_rt_note_contention(void);
/* gj_rt_park_with's release action for a held parking lock. */
GJ_RT_HIDDEN void gj_rt_tunlock_cb(void *l);

/* ---- guji test (§20; sched.c, test.c) ----------------------------------- */

/* A task of test `group` (> 0) on a stack of its own, like main's; the
 * tasks it hatches inherit the group. */
GJ_RT_HIDDEN GjTask *gj_rt_spawn_test(void (*fn)(void *arg, void *result),
                                      void *arg, size_t stack, int64_t group);
/* The running task's group; 0 outside a task or outside tests. */
GJ_RT_HIDDEN int64_t gj_rt_task_group(void);
/* Ends the running task at once, never to be resumed nor joined. */
_Noreturn GJ_RT_HIDDEN void gj_rt_task_abandon(void);
/* Called instead of the deadlock panic; true: handled, no panic. */
GJ_RT_HIDDEN void gj_rt_set_deadlock_hook(bool (*hook)(void));
/* The current task's stack, [*lo, *hi); false outside tasks. */
GJ_RT_HIDDEN bool gj_rt_task_stack(char **lo, char **hi);
/* backtrace.c: the "backtrace:" lines for the frame chain from fp on the
 * current task's stack, in a static buffer (*text); 0 when no frame is
 * guji code. */
GJ_RT_HIDDEN size_t gj_rt_backtrace(void *fp, const char **text);
/* panic.c: the stack-overflow panic, its backtrace from frame pointer fp
 * (the SIGSEGV handler's: the faulting code's). */
GJ_RT_HIDDEN _Noreturn void gj_rt_panic_overflow_from(void *fp);

/* start.c: gj_rt_start's set-up (arguments, hash seed, stdout, stack
 * limit, SIGSEGV handler, this thread as main's) and main's stack size. */
GJ_RT_HIDDEN void gj_rt_setup(int argc, char **argv);
GJ_RT_HIDDEN size_t gj_rt_main_stack_size(void);

/* chan.c / sched.c: free routines for gj_dec. */
GJ_RT_HIDDEN void gj_rt_task_free(GjTask *t);
GJ_RT_HIDDEN void gj_rt_chan_free(GjChan *c);

#endif
