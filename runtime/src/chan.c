/* chan.c — channels (§17).
 *
 * A channel is a counted object (always shared) with one lock guarding
 *   - a ring of `cap` elements (head, len), unboxed as in lists;
 *   - a FIFO queue of blocked senders, each waiter pointing at the value
 *     it sends, and one of blocked receivers, each pointing at the slot it
 *     receives into;
 *   - the closed flag.
 * Invariants under the lock: receivers wait only while the ring is empty
 * and no sender waits; senders wait only while the ring is full (cap 0:
 * always) and no receiver waits.
 *
 * Every operation is linearized at its critical section. An unbuffered
 * send finding a waiting receiver copies its value straight into the
 * receiver's slot and readies it (on a worker: into the run-next slot, so
 * the receiver runs next on the same worker); a receive finding a waiting
 * sender takes its value (for a buffered channel: the ring's head, and the
 * sender's value goes to the ring's tail, keeping FIFO order). A blocked
 * party parks with the lock held; the scheduler releases it once the task
 * is off its stack (sched.c), and the waker fills in `ok` and the value
 * before readying it.
 *
 * §17 close: later sends and blocked senders get Err(Closed) (their value
 * is dropped); receivers drain the ring first, then get None.
 */
#include "task_internal.h"

#include <string.h>

struct GjChan {
  GjHeader h;
  GjRtTaskLock lock;
  bool closed;
  uint32_t esize;
  const GjType *elem;
  int64_t cap, len, head;
  GjRtWaitQ sendq, recvq;
  _Alignas(16) unsigned char buf[]; /* cap * esize */
};

static size_t chan_bytes(int64_t cap, uint32_t esize) {
  return sizeof(GjChan) + (size_t)cap * esize;
}

static unsigned char *slot(GjChan *c, int64_t i) {
  return c->buf + (size_t)((c->head + i) % c->cap) * c->esize;
}

/* gj_mark_shared_elem, called only for elements that can hold a heap
 * value. */
static inline void share_elem(const GjType *t, const void *v) {
  if (t->share || (t->flags & GJ_TYPE_HEAP))
    gj_mark_shared_elem(t, v);
}

static void drop(const GjType *t, const void *v) {
  if ((t->flags & GJ_TYPE_HEAP) && t->dec)
    t->dec(v);
}

/* §17: channel(n); a negative capacity panics. */
GjChan *gj_chan_new(const GjType *elem, int64_t cap, const GjLoc *loc) {
  if (cap < 0) {
    static const char a[] = "negative channel capacity: ";
    char num[24];
    const char *parts[2] = {a, num};
    size_t lens[2] = {sizeof a - 1, (size_t)gj_rt_fmt_int(cap, num)};
    gj_rt_panic_parts(parts, lens, 2, loc);
  }
  if ((uint64_t)cap > ((uint64_t)1 << 40) / (elem->size ? elem->size : 1))
    gj_rt_fatal("channel capacity too large");
  GjChan *c = gj_obj_alloc(chan_bytes(cap, elem->size), GJ_KIND_CHAN);
  c->h.rc = -1; /* always shared: tasks count it concurrently */
  gj_rt_tlock_init(&c->lock);
  c->closed = false;
  c->esize = elem->size;
  c->elem = elem;
  c->cap = cap;
  c->len = 0;
  c->head = 0;
  c->sendq = (GjRtWaitQ){NULL, NULL};
  c->recvq = (GjRtWaitQ){NULL, NULL};
  return c;
}

void gj_rt_chan_free(GjChan *c) {
  for (int64_t i = 0; i < c->len; i++)
    drop(c->elem, slot(c, i));
  gj_obj_free(c, chan_bytes(c->cap, c->esize));
}

int64_t gj_chan_cap(const GjChan *c) { return c->cap; }

int64_t gj_chan_len(const GjChan *c) {
  GjChan *m = (GjChan *)c;
  gj_rt_tlock(&m->lock);
  int64_t n = m->len;
  gj_rt_tunlock(&m->lock);
  return n;
}

/* The first live waiter of q, dequeued: a waiter of a select that some
 * other channel already completed is stale and dropped (Go's selectDone).
 * Claiming a select's waiter decides that select for this case. */
static GjRtWaiter *pop_live(GjRtWaitQ *q) {
  for (;;) {
    GjRtWaiter *w = gj_rt_waitq_pop(q);
    if (!w || !w->sel)
      return w;
    uint32_t zero = 0;
    if (atomic_compare_exchange_strong(&w->sel->claimed, &zero, 1)) {
      w->sel->chosen = w->sel_case;
      return w;
    }
  }
}

/* Under the lock: delivers v if that needs no waiting. The waiter to wake
 * after unlocking, if any, goes to *wake. */
static bool send_now(GjChan *c, const void *v, GjRtWaiter **wake) {
  GjRtWaiter *r = pop_live(&c->recvq);
  if (r) { /* a receiver waits: the ring is empty, hand v over */
    gj_rt_copy_elem(r->elem, v, c->esize);
    r->ok = true;
    *wake = r;
    return true;
  }
  if (c->len < c->cap) {
    gj_rt_copy_elem(slot(c, c->len), v, c->esize);
    c->len++;
    return true;
  }
  return false;
}

/* Under the lock: takes a value if one is ready, refilling the ring from
 * the first waiting sender (whose waiter goes to *wake). */
static bool recv_now(GjChan *c, void *out, GjRtWaiter **wake) {
  if (c->len > 0) {
    gj_rt_copy_elem(out, slot(c, 0), c->esize);
    c->head = (c->head + 1) % c->cap;
    c->len--;
    GjRtWaiter *s = pop_live(&c->sendq);
    if (s) {
      gj_rt_copy_elem(slot(c, c->len), s->elem, c->esize);
      c->len++;
      s->ok = true;
      *wake = s;
    }
    return true;
  }
  GjRtWaiter *s = pop_live(&c->sendq);
  if (s) { /* unbuffered: take the value from the sender */
    gj_rt_copy_elem(out, s->elem, c->esize);
    s->ok = true;
    *wake = s;
    return true;
  }
  return false;
}

/* Blocks the caller on queue q with its value / slot p; the lock is held
 * and released by the park. Returns the waker's verdict. */
static bool wait_on(GjChan *c, GjRtWaitQ *q, void *p) {
  GjRtWaiter w;
  gj_rt_waiter_init(&w);
  w.elem = p;
  gj_rt_waitq_push(q, &w);
  gj_rt_park_with(&w, gj_rt_tunlock_cb, &c->lock);
  return w.ok;
}

/* §17 send: Ok (true) once taken; Err(Closed) (false) on a closed
 * channel, the value dropped. */
bool gj_chan_send(GjChan *c, const void *v) {
  share_elem(c->elem, v);
  GjRtWaiter *wake = NULL;
  gj_rt_tlock(&c->lock);
  if (c->closed) {
    gj_rt_tunlock(&c->lock);
    drop(c->elem, v);
    return false;
  }
  if (send_now(c, v, &wake)) {
    gj_rt_tunlock(&c->lock);
    if (wake)
      gj_rt_wake(wake);
    return true;
  }
  if (wait_on(c, &c->sendq, (void *)v))
    return true;
  drop(c->elem, v); /* closed while we waited */
  return false;
}

/* §17 recv: Some (true) with the value moved to *out; None (false) once
 * closed and drained. */
bool gj_chan_recv(GjChan *c, void *out) {
  GjRtWaiter *wake = NULL;
  gj_rt_tlock(&c->lock);
  if (recv_now(c, out, &wake)) {
    gj_rt_tunlock(&c->lock);
    if (wake)
      gj_rt_wake(wake);
    return true;
  }
  if (c->closed) {
    gj_rt_tunlock(&c->lock);
    return false;
  }
  return wait_on(c, &c->recvq, out);
}

/* Wakes every waiter of q (live ones, already claimed) with ok = false. */
static void wake_all_closed(GjRtWaitQ *q) {
  GjRtWaiter *w;
  while ((w = gj_rt_waitq_pop(q))) {
    w->ok = false;
    gj_rt_wake(w); /* popped first: w may vanish once woken */
  }
}

/* §17 close: closing twice returns Err(Closed) (false). */
bool gj_chan_close(GjChan *c) {
  gj_rt_tlock(&c->lock);
  if (c->closed) {
    gj_rt_tunlock(&c->lock);
    return false;
  }
  c->closed = true;
  /* Receivers wait only on an empty ring, so all of them get None;
   * senders wait only on a full one, and their values are not taken. */
  GjRtWaitQ r = c->recvq, s = c->sendq;
  c->recvq = (GjRtWaitQ){NULL, NULL};
  c->sendq = (GjRtWaitQ){NULL, NULL};
  /* claiming selects must happen before another channel's lock could see
   * them: still under ours is simplest */
  GjRtWaitQ rl = {NULL, NULL}, sl = {NULL, NULL};
  GjRtWaiter *w;
  while ((w = pop_live(&r)))
    gj_rt_waitq_push(&rl, w);
  while ((w = pop_live(&s)))
    gj_rt_waitq_push(&sl, w);
  gj_rt_tunlock(&c->lock);
  wake_all_closed(&rl);
  wake_all_closed(&sl);
  return true;
}

/* §17 try_send: false when not taken (full, no receiver, or closed); the
 * value is consumed either way. */
bool gj_chan_try_send(GjChan *c, const void *v) {
  share_elem(c->elem, v);
  GjRtWaiter *wake = NULL;
  gj_rt_tlock(&c->lock);
  bool ok = !c->closed && send_now(c, v, &wake);
  gj_rt_tunlock(&c->lock);
  if (wake)
    gj_rt_wake(wake);
  if (!ok)
    drop(c->elem, v);
  gj_rt_polled();
  return ok;
}

/* §17 try_recv: None (false) when nothing is ready, closed or not. */
bool gj_chan_try_recv(GjChan *c, void *out) {
  GjRtWaiter *wake = NULL;
  gj_rt_tlock(&c->lock);
  bool ok = recv_now(c, out, &wake);
  gj_rt_tunlock(&c->lock);
  if (wake)
    gj_rt_wake(wake);
  gj_rt_polled();
  return ok;
}

/* ---- select (§17) ----------------------------------------------------------
 * Go's selectgo: lock every channel involved in address order (so two
 * selects never deadlock on each other), poll the cases in a random order
 * and complete the first ready one — uniformly random among the ready
 * ones; with none ready, return -1 if there is an `else`, or queue one
 * waiter per case (all for one GjRtSelect) and park. The first operation
 * to claim the select completes its case; on waking, the select locks
 * everything again and unlinks its other waiters. */

enum { SELECT_SMALL = 16 };

static __attribute__((noinline)) uint64_t select_rand(void) {
  static _Thread_local uint64_t x;
  if (!x)
    x = (uint64_t)(uintptr_t)&x ^ 0x9E3779B97F4A7C15ull;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return x;
}

typedef struct LockSet {
  GjChan **chans;
  int64_t n;
} LockSet;

static void lock_all(const LockSet *ls) {
  for (int64_t i = 0; i < ls->n; i++)
    gj_rt_tlock(&ls->chans[i]->lock);
}

static void unlock_all(void *arg) {
  const LockSet *ls = arg;
  for (int64_t i = ls->n; i-- > 0;)
    gj_rt_tunlock(&ls->chans[i]->lock);
}

/* The distinct channels of the cases, sorted by address. */
static void lockset_build(LockSet *ls, const GjSelectCase *cs, int64_t n) {
  ls->n = 0;
  for (int64_t i = 0; i < n; i++) {
    GjChan *c = cs[i].chan;
    int64_t j = ls->n;
    while (j > 0 && (uintptr_t)ls->chans[j - 1] > (uintptr_t)c)
      j--;
    if (j > 0 && ls->chans[j - 1] == c)
      continue;
    memmove(&ls->chans[j + 1], &ls->chans[j],
            sizeof(GjChan *) * (size_t)(ls->n - j));
    ls->chans[j] = c;
    ls->n++;
  }
}

/* Under the locks: completes case k if it is ready. */
static bool try_case(GjSelectCase *k, GjRtWaiter **wake) {
  GjChan *c = k->chan;
  if (k->send) {
    if (c->closed) { /* §17: ready, completes with Err(Closed) */
      k->ok = false;
      return true;
    }
    return (k->ok = send_now(c, k->elem, wake));
  }
  if (recv_now(c, k->elem, wake)) {
    k->ok = true;
    return true;
  }
  if (c->closed) { /* §17: ready with None */
    k->ok = false;
    return true;
  }
  return false;
}

static void waitq_remove(GjRtWaitQ *q, GjRtWaiter *w) {
  GjRtWaiter *prev = NULL;
  for (GjRtWaiter *p = q->head; p; prev = p, p = p->next) {
    if (p != w)
      continue;
    if (prev)
      prev->next = p->next;
    else
      q->head = p->next;
    if (q->tail == p)
      q->tail = prev;
    return;
  }
}

/* Polls the cases in a random order under the locks; -1 when none is
 * ready. */
static int64_t poll_cases(GjSelectCase *cs, int64_t n, int64_t *order,
                          GjRtWaiter **wake) {
  for (int64_t i = 0; i < n; i++) { /* Fisher–Yates */
    int64_t j = (int64_t)(select_rand() % (uint64_t)(i + 1));
    order[i] = order[j];
    order[j] = i;
  }
  for (int64_t i = 0; i < n; i++)
    if (try_case(&cs[order[i]], wake))
      return order[i];
  return -1;
}

/* Queues a waiter per case, parks, and on waking unlinks the others. */
static int64_t block_on_cases(GjSelectCase *cs, int64_t n, LockSet *ls,
                              GjRtWaiter *ws) {
  GjRtSelect sel;
  atomic_store_explicit(&sel.claimed, 0, memory_order_relaxed);
  sel.chosen = -1;
  gj_rt_waiter_init(&sel.park);
  for (int64_t i = 0; i < n; i++) {
    gj_rt_waiter_init(&ws[i]);
    ws[i].sel = &sel;
    ws[i].sel_case = (int32_t)i;
    ws[i].elem = cs[i].elem;
    gj_rt_waitq_push(cs[i].send ? &cs[i].chan->sendq : &cs[i].chan->recvq,
                     &ws[i]);
  }
  gj_rt_park_with(&sel.park, unlock_all, ls);
  int64_t k = sel.chosen;
  lock_all(ls);
  for (int64_t i = 0; i < n; i++)
    if (i != k)
      waitq_remove(cs[i].send ? &cs[i].chan->sendq : &cs[i].chan->recvq,
                   &ws[i]);
  unlock_all(ls);
  cs[k].ok = ws[k].ok;
  return k;
}

static void never_wakes(void *arg) { (void)arg; }

bool gj_chan_send_at(GjChan *c, const void *v, const GjLoc *loc) {
  gj_rt_set_block_loc(loc);
  return gj_chan_send(c, v);
}

bool gj_chan_recv_at(GjChan *c, void *out, const GjLoc *loc) {
  gj_rt_set_block_loc(loc);
  return gj_chan_recv(c, out);
}

int64_t gj_select_at(GjSelectCase *cs, int64_t n, bool has_else,
                     const GjLoc *loc) {
  gj_rt_set_block_loc(loc);
  return gj_select(cs, n, has_else);
}

/* §17 select. */
int64_t gj_select(GjSelectCase *cs, int64_t n, bool has_else) {
  if (n == 0) {
    if (has_else)
      return -1;
    GjRtWaiter w; /* select {} blocks forever (the deadlock check sees it) */
    gj_rt_waiter_init(&w);
    gj_rt_park_with(&w, never_wakes, NULL);
    gj_rt_fatal("a select without cases was woken");
  }
  for (int64_t i = 0; i < n; i++)
    if (cs[i].send)
      gj_mark_shared_elem(cs[i].chan->elem, cs[i].elem);
  GjChan *chans_small[SELECT_SMALL];
  int64_t order_small[SELECT_SMALL];
  GjRtWaiter ws_small[SELECT_SMALL];
  bool big = n > SELECT_SMALL;
  GjChan **chans = big ? gj_alloc(sizeof(GjChan *) * (size_t)n) : chans_small;
  int64_t *order = big ? gj_alloc(sizeof(int64_t) * (size_t)n) : order_small;
  GjRtWaiter *ws = big ? gj_alloc(sizeof(GjRtWaiter) * (size_t)n) : ws_small;
  LockSet ls = {chans, 0};
  lockset_build(&ls, cs, n);
  lock_all(&ls);
  GjRtWaiter *wake = NULL;
  int64_t k = poll_cases(cs, n, order, &wake);
  bool polled = k >= 0 || has_else;
  if (polled) {
    unlock_all(&ls);
    if (wake)
      gj_rt_wake(wake);
  } else {
    k = block_on_cases(cs, n, &ls, ws);
  }
  if (k >= 0 && cs[k].send && !cs[k].ok)
    drop(cs[k].chan->elem, cs[k].elem); /* Err(Closed): not taken */
  if (big) {
    gj_free(chans, sizeof(GjChan *) * (size_t)n);
    gj_free(order, sizeof(int64_t) * (size_t)n);
    gj_free(ws, sizeof(GjRtWaiter) * (size_t)n);
  }
  if (polled)
    gj_rt_polled();
  return k;
}
