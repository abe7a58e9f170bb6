// LockTest.cpp — the parking lock that guards a channel (lock.c,
// task_internal.h): mutual exclusion between tasks on every worker and
// threads outside the pool, and that a task finding it held parks instead
// of holding on to its worker.
#include "RuntimeTestUtil.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <pthread.h>
#include <sched.h>
#include <vector>

// task_internal.h is C only: its layout and entry points.
struct TestTaskLock {
  std::atomic<uint32_t> v{0}, q{0};
  void *head = nullptr, *tail = nullptr;
};
extern "C" {
void gj_rt_tlock_slow(TestTaskLock *l);
void gj_rt_tunlock_slow(TestTaskLock *l);
}

namespace {

void lock(TestTaskLock *l) {
  uint32_t z = 0;
  if (!l->v.compare_exchange_strong(z, 1, std::memory_order_acquire))
    gj_rt_tlock_slow(l);
}

void unlock(TestTaskLock *l) {
  if (l->v.exchange(0, std::memory_order_release) != 1)
    gj_rt_tunlock_slow(l);
}

struct Counted {
  TestTaskLock lock;
  int64_t count = 0; // guarded by lock; TSan checks that it is
  int64_t rounds = 0;
};

void countUnderLock(void *arg, void *) {
  Counted *c = (Counted *)arg;
  for (int64_t i = 0; i < c->rounds; i++) {
    lock(&c->lock);
    c->count++;
    if (i % 64 == 0)
      gj_task_yield(); // held across a switch: others must park or wait
    unlock(&c->lock);
  }
}

void *countOnThread(void *arg) {
  countUnderLock(arg, nullptr);
  return nullptr;
}

// 16 tasks on all workers and two threads outside the pool take the lock
// in turn; every increment under it survives.
TEST(TaskLock, ExcludesTasksAndThreads) {
  Counted c;
  c.rounds = gujitest::scaled(20000, 10);
  std::vector<GjTask *> ts;
  for (int i = 0; i < 16; i++)
    ts.push_back(gj_task_spawn(countUnderLock, &c, nullptr));
  pthread_t th[2];
  for (auto &t : th)
    ASSERT_EQ(pthread_create(&t, nullptr, countOnThread, &c), 0);
  for (auto &t : th)
    pthread_join(t, nullptr);
  for (GjTask *t : ts) {
    gj_task_join(t, nullptr);
    gj_dec(t);
  }
  EXPECT_EQ(c.count, 18 * c.rounds);
  EXPECT_EQ(c.lock.v.load(), 0u);
  EXPECT_EQ(c.lock.head, nullptr);
}

struct Holder {
  TestTaskLock lock;
  std::atomic<int> arrived{0};
  int waiters = 0;
  int64_t got = 0; // guarded by lock
};

// Holds the lock across yields until every waiter has come for it.
void holdWhileOthersArrive(void *arg, void *) {
  Holder *h = (Holder *)arg;
  lock(&h->lock);
  while (h->arrived.load() < h->waiters)
    gj_task_yield();
  for (int i = 0; i < 100; i++)
    gj_task_yield(); // let them reach the lock
  unlock(&h->lock);
}

void waitForLock(void *arg, void *) {
  Holder *h = (Holder *)arg;
  h->arrived.fetch_add(1);
  lock(&h->lock);
  h->got++;
  unlock(&h->lock);
}

// More waiters than workers while the holder is switched out: a waiter
// that spun or slept on its worker's thread would take every worker and
// the holder could never run again to let go. Parked, they free their
// workers, the holder resumes and each waiter then gets the lock.
TEST(TaskLock, WaitersParkAndFreeTheirWorkers) {
  Holder h;
  h.waiters = gj_task_workers() + 2;
  GjTask *holder = gj_task_spawn(holdWhileOthersArrive, &h, nullptr);
  while (h.lock.v.load() == 0) // the holder has it before anyone waits
    sched_yield();
  std::vector<GjTask *> ws;
  for (int i = 0; i < h.waiters; i++)
    ws.push_back(gj_task_spawn(waitForLock, &h, nullptr));
  gj_task_join(holder, nullptr);
  gj_dec(holder);
  for (GjTask *t : ws) {
    gj_task_join(t, nullptr);
    gj_dec(t);
  }
  EXPECT_EQ(h.got, h.waiters);
  EXPECT_EQ(h.lock.v.load(), 0u);
}

} // namespace
