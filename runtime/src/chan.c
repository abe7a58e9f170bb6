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
  GjRtLock lock;
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
  atomic_store_explicit(&c->lock.v, 0, memory_order_relaxed);
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
  gj_rt_lock(&m->lock);
  int64_t n = m->len;
  gj_rt_unlock(&m->lock);
  return n;
}

/* Under the lock: delivers v if that needs no waiting. The waiter to wake
 * after unlocking, if any, goes to *wake. */
static bool send_now(GjChan *c, const void *v, GjRtWaiter **wake) {
  GjRtWaiter *r = gj_rt_waitq_pop(&c->recvq);
  if (r) { /* a receiver waits: the ring is empty, hand v over */
    memcpy(r->elem, v, c->esize);
    r->ok = true;
    *wake = r;
    return true;
  }
  if (c->len < c->cap) {
    memcpy(slot(c, c->len), v, c->esize);
    c->len++;
    return true;
  }
  return false;
}

/* Under the lock: takes a value if one is ready, refilling the ring from
 * the first waiting sender (whose waiter goes to *wake). */
static bool recv_now(GjChan *c, void *out, GjRtWaiter **wake) {
  if (c->len > 0) {
    memcpy(out, slot(c, 0), c->esize);
    c->head = (c->head + 1) % c->cap;
    c->len--;
    GjRtWaiter *s = gj_rt_waitq_pop(&c->sendq);
    if (s) {
      memcpy(slot(c, c->len), s->elem, c->esize);
      c->len++;
      s->ok = true;
      *wake = s;
    }
    return true;
  }
  GjRtWaiter *s = gj_rt_waitq_pop(&c->sendq);
  if (s) { /* unbuffered: take the value from the sender */
    memcpy(out, s->elem, c->esize);
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
  gj_rt_park(&w, &c->lock);
  return w.ok;
}

/* §17 send: Ok (true) once taken; Err(Closed) (false) on a closed
 * channel, the value dropped. */
bool gj_chan_send(GjChan *c, const void *v) {
  gj_mark_shared_elem(c->elem, v);
  GjRtWaiter *wake = NULL;
  gj_rt_lock(&c->lock);
  if (c->closed) {
    gj_rt_unlock(&c->lock);
    drop(c->elem, v);
    return false;
  }
  if (send_now(c, v, &wake)) {
    gj_rt_unlock(&c->lock);
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
  gj_rt_lock(&c->lock);
  if (recv_now(c, out, &wake)) {
    gj_rt_unlock(&c->lock);
    if (wake)
      gj_rt_wake(wake);
    return true;
  }
  if (c->closed) {
    gj_rt_unlock(&c->lock);
    return false;
  }
  return wait_on(c, &c->recvq, out);
}

/* Wakes every waiter of q with ok = false. */
static void wake_all_closed(GjRtWaiter *w) {
  while (w) {
    GjRtWaiter *next = w->next; /* w may vanish once woken */
    w->ok = false;
    gj_rt_wake(w);
    w = next;
  }
}

/* §17 close: closing twice returns Err(Closed) (false). */
bool gj_chan_close(GjChan *c) {
  gj_rt_lock(&c->lock);
  if (c->closed) {
    gj_rt_unlock(&c->lock);
    return false;
  }
  c->closed = true;
  /* Receivers wait only on an empty ring, so all of them get None;
   * senders wait only on a full one, and their values are not taken. */
  GjRtWaiter *r = c->recvq.head, *s = c->sendq.head;
  c->recvq = (GjRtWaitQ){NULL, NULL};
  c->sendq = (GjRtWaitQ){NULL, NULL};
  gj_rt_unlock(&c->lock);
  wake_all_closed(r);
  wake_all_closed(s);
  return true;
}

/* §17 try_send: false when not taken (full, no receiver, or closed); the
 * value is consumed either way. */
bool gj_chan_try_send(GjChan *c, const void *v) {
  gj_mark_shared_elem(c->elem, v);
  GjRtWaiter *wake = NULL;
  gj_rt_lock(&c->lock);
  bool ok = !c->closed && send_now(c, v, &wake);
  gj_rt_unlock(&c->lock);
  if (wake)
    gj_rt_wake(wake);
  if (!ok)
    drop(c->elem, v);
  return ok;
}

/* §17 try_recv: None (false) when nothing is ready, closed or not. */
bool gj_chan_try_recv(GjChan *c, void *out) {
  GjRtWaiter *wake = NULL;
  gj_rt_lock(&c->lock);
  bool ok = recv_now(c, out, &wake);
  gj_rt_unlock(&c->lock);
  if (wake)
    gj_rt_wake(wake);
  return ok;
}
