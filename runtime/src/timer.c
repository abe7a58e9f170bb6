/* timer.c — time.sleep and time.after (§17, §18).
 *
 * One global binary min-heap of timers by deadline (CLOCK_MONOTONIC, ns),
 * under one lock, served by a timer thread started on first use: it
 * sleeps on a futex until the earliest deadline (or until a new earliest
 * timer bumps the futex word), then fires what is due outside the lock. A
 * sleep's timer wakes its waiter (a task parks, costing no CPU and no
 * thread; a thread outside the pool sleeps on its waiter's futex); an
 * `after` timer puts Unit into its capacity-1 channel with try_send, which
 * never blocks. Timers are counted pending from insertion until what they
 * fire has been readied, so the deadlock check (sched.c) never misses a
 * waker that is only waiting for time.
 */
#include "task_internal.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>

typedef struct Timer {
  int64_t deadline;
  GjRtWaiter *w; /* a sleep, or */
  GjChan *chan;  /* time.after's channel (one reference) */
} Timer;

static struct {
  GjRtLock lock;
  Timer *heap;
  int64_t len, cap;
  _Atomic uint32_t seq; /* bumped when the earliest deadline changes */
  _Atomic int64_t pending;
  pthread_once_t once;
} T = {.once = PTHREAD_ONCE_INIT};

int64_t gj_rt_timers_pending(void) { return atomic_load(&T.pending); }

/* At exit: true when no timer is left but the ones firing right now,
 * which it waits for (a fired time.after drops its channel just after
 * the receiver has woken); false when some are still due later. */
bool gj_rt_timers_quiesce(void) {
  if (atomic_load(&T.pending) == 0)
    return true;
  gj_rt_lock(&T.lock);
  int64_t waiting = T.len;
  gj_rt_unlock(&T.lock);
  if (waiting > 0)
    return false;
  while (atomic_load(&T.pending) > 0)
    sched_yield();
  return true;
}

static void heap_swap(int64_t i, int64_t j) {
  Timer t = T.heap[i];
  T.heap[i] = T.heap[j];
  T.heap[j] = t;
}

static void heap_push(Timer t) {
  if (T.len == T.cap) {
    T.cap = T.cap ? T.cap * 2 : 64;
    T.heap = realloc(T.heap, sizeof(Timer) * (size_t)T.cap);
    if (!T.heap)
      gj_rt_fatal("out of memory");
  }
  int64_t i = T.len++;
  T.heap[i] = t;
  while (i > 0 && T.heap[(i - 1) / 2].deadline > T.heap[i].deadline) {
    heap_swap(i, (i - 1) / 2);
    i = (i - 1) / 2;
  }
}

static Timer heap_pop(void) {
  Timer top = T.heap[0];
  T.heap[0] = T.heap[--T.len];
  for (int64_t i = 0;;) {
    int64_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < T.len && T.heap[l].deadline < T.heap[m].deadline)
      m = l;
    if (r < T.len && T.heap[r].deadline < T.heap[m].deadline)
      m = r;
    if (m == i)
      break;
    heap_swap(i, m);
    i = m;
  }
  return top;
}

static void fire(Timer t) {
  if (t.w) {
    gj_rt_wake(t.w);
  } else {
    static const char unit = 0; /* a Unit value: size 0 */
    gj_chan_try_send(t.chan, &unit);
    gj_dec(t.chan);
  }
  if (atomic_fetch_sub(&T.pending, 1) == 1)
    gj_rt_check_deadlock();
}

static void *timer_main(void *arg) {
  (void)arg;
  for (;;) {
    uint32_t seq = atomic_load(&T.seq);
    gj_rt_lock(&T.lock);
    int64_t now = gj_rt_mono_ns();
    if (T.len > 0 && T.heap[0].deadline <= now) {
      Timer t = heap_pop();
      gj_rt_unlock(&T.lock);
      fire(t);
      continue;
    }
    int64_t wait = T.len > 0 ? T.heap[0].deadline - now : 1000000000;
    gj_rt_unlock(&T.lock);
    gj_rt_futex_wait_ns(&T.seq, seq, wait);
  }
  return NULL;
}

static void timer_init(void) {
  pthread_t th;
  if (pthread_create(&th, NULL, timer_main, NULL) != 0)
    gj_rt_fatal("cannot start the timer thread");
  pthread_setname_np(th, "guji-timer");
  pthread_detach(th);
}

/* Inserts under the lock (held by the caller) and tells the timer thread
 * when the new timer is the earliest. */
static void add_locked(Timer t) {
  atomic_fetch_add(&T.pending, 1);
  heap_push(t);
  if (T.heap[0].deadline == t.deadline) {
    atomic_fetch_add(&T.seq, 1);
    gj_rt_futex_wake(&T.seq, 1);
  }
}

static int64_t deadline_after(int64_t ms) {
  if (ms < 0)
    ms = 0;
  if (ms > INT64_MAX / 2000000)
    ms = INT64_MAX / 2000000;
  return gj_rt_mono_ns() + ms * 1000000;
}

/* §17 time.sleep(ms): suspends only the calling task. */
void gj_time_sleep(int64_t ms) {
  pthread_once(&T.once, timer_init);
  GjRtWaiter w;
  gj_rt_waiter_init(&w);
  gj_rt_lock(&T.lock);
  add_locked((Timer){deadline_after(ms), &w, NULL});
  gj_rt_park(&w, &T.lock);
}

/* §17 time.after(ms): a Chan[Unit] that delivers one value after ms. */
GjChan *gj_time_after(int64_t ms) {
  pthread_once(&T.once, timer_init);
  GjChan *c = gj_chan_new(&gj_type_unit, 1, NULL);
  gj_inc(c); /* the timer's reference */
  gj_rt_lock(&T.lock);
  add_locked((Timer){deadline_after(ms), NULL, c});
  gj_rt_unlock(&T.lock);
  return c;
}

/* §18 time.now_ms / now_ns: the wall clock (docs/language.md: a timestamp
 * a user can print, as Perl's time and Python's time.time_ns are). */
int64_t gj_time_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t gj_time_now_ms(void) { return gj_time_now_ns() / 1000000; }
