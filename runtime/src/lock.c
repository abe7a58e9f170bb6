/* lock.c — the runtime's lock and futex wrappers (task_internal.h).
 *
 * GjRtLock is Drepper's futex mutex #2 ("Futexes Are Tricky", 2011): the
 * word is 0 (free), 1 (held) or 2 (held, maybe with sleepers). Taking a
 * free lock is one CAS and releasing an uncontended one one exchange;
 * only contention enters the kernel. A short spin first, because the
 * critical sections it guards (a channel's queues, a join list) are a few
 * dozen instructions and a sleeping holder is rare.
 *
 * Unlike a pthread mutex it has no owner, so a parking task may take it
 * and its scheduler context (same thread, other stack) release it.
 */
#include "task_internal.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { LOCK_SPINS = 20, LOCK_MAX_DELAY = 64 };

void gj_rt_futex_wait(_Atomic uint32_t *addr, uint32_t val) {
  syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

void gj_rt_futex_wait_ns(_Atomic uint32_t *addr, uint32_t val, int64_t ns) {
  struct timespec ts = {(time_t)(ns / 1000000000), (long)(ns % 1000000000)};
  syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAIT_PRIVATE, val, &ts, NULL, 0);
}

void gj_rt_futex_wake(_Atomic uint32_t *addr, int n) {
  syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
}

void gj_rt_lock_slow(GjRtLock *l) {
  unsigned delay = 1;
  for (int i = 0; i < LOCK_SPINS; i++) {
    for (unsigned k = 0; k < delay; k++)
      gj_rt_cpu_relax();
    if (delay < LOCK_MAX_DELAY)
      delay *= 2;
    uint32_t z = 0;
    if (atomic_load_explicit(&l->v, memory_order_relaxed) == 0 &&
        atomic_compare_exchange_weak_explicit(&l->v, &z, 1,
                                              memory_order_acquire,
                                              memory_order_relaxed))
      return;
  }
  /* Mark it contended; whoever releases a 2 wakes one sleeper. */
  while (atomic_exchange_explicit(&l->v, 2, memory_order_acquire) != 0)
    gj_rt_futex_wait(&l->v, 2);
}

void gj_rt_unlock_slow(GjRtLock *l) { gj_rt_futex_wake(&l->v, 1); }

/* ---- the parking lock (task_internal.h) ---------------------------------- */

enum { TLOCK_SPINS = 6 };

static void q_lock(GjRtTaskLock *l) {
  while (atomic_exchange_explicit(&l->q, 1, memory_order_acquire))
    while (atomic_load_explicit(&l->q, memory_order_relaxed))
      gj_rt_cpu_relax();
}

static void q_unlock(void *arg) {
  GjRtTaskLock *l = arg;
  atomic_store_explicit(&l->q, 0, memory_order_release);
}

/* Takes a free lock (whatever the waiters bit says). */
static bool try_take(GjRtTaskLock *l) {
  uint32_t v = atomic_load_explicit(&l->v, memory_order_relaxed);
  while (!(v & TLOCK_HELD))
    if (atomic_compare_exchange_weak_explicit(&l->v, &v, v | TLOCK_HELD,
                                              memory_order_acquire,
                                              memory_order_relaxed))
      return true;
  return false;
}

void gj_rt_tlock_slow(GjRtTaskLock *l) {
  for (;;) {
    /* A critical section is a few dozen instructions: a holder that is
     * running lets go within a few rounds of backing off. */
    unsigned delay = 1;
    for (int i = 0; i < TLOCK_SPINS; i++, delay *= 2) {
      for (unsigned k = 0; k < delay; k++)
        gj_rt_cpu_relax();
      if (try_take(l))
        return;
    }
    q_lock(l);
    /* Queue only while the lock is held with the waiters bit set: a
     * holder that releases after this sees the bit and wakes us. */
    uint32_t v = atomic_load_explicit(&l->v, memory_order_relaxed);
    for (;;) {
      if (!(v & TLOCK_HELD)) {
        if (atomic_compare_exchange_weak_explicit(&l->v, &v, v | TLOCK_HELD,
                                                  memory_order_acquire,
                                                  memory_order_relaxed)) {
          q_unlock(l);
          return;
        }
      } else if ((v & TLOCK_WAITERS) ||
                 atomic_compare_exchange_weak_explicit(
                     &l->v, &v, v | TLOCK_WAITERS, memory_order_relaxed,
                     memory_order_relaxed)) {
        break;
      }
    }
    GjRtWaiter w;
    gj_rt_waiter_init(&w);
    gj_rt_note_contention();
    gj_rt_waitq_push(&l->waiters, &w);
    gj_rt_park_with(&w, q_unlock, l); /* woken: try again */
  }
}

/* The release found the waiters bit (the exchange cleared it): wake the
 * first waiter, and keep the bit for the ones after it. */
void gj_rt_tunlock_slow(GjRtTaskLock *l) {
  q_lock(l);
  GjRtWaiter *w = gj_rt_waitq_pop(&l->waiters);
  if (l->waiters.head)
    atomic_fetch_or_explicit(&l->v, TLOCK_WAITERS, memory_order_relaxed);
  q_unlock(l);
  if (w)
    gj_rt_wake(w);
}

void gj_rt_tunlock_cb(void *l) { gj_rt_tunlock(l); }

