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

enum { LOCK_SPINS = 100 };

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
  for (int i = 0; i < LOCK_SPINS; i++) {
    gj_rt_cpu_relax();
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
