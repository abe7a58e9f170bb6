// SchedTest.cpp — §17 tasks: the context switch (switch_*.S), task stacks
// (stack.c) and the work-stealing scheduler (sched.c): spawn, join, yield,
// parking, the per-task stack limit. Timings are printed as "[ speed ]".
#include "RuntimeTestUtil.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cfenv>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <pthread.h>
#include <string>
#include <vector>

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TEST_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__) && !defined(TEST_TSAN)
#define TEST_TSAN 1
#endif

// The internal context API (task_internal.h is C only).
struct TestCtx {
  void *sp;
  char *stack_lo;
  size_t stack_size;
  void *asan_fake;
  void *tsan_fiber;
};
extern "C" {
void gj_rt_ctx_init(TestCtx *c, char *lo, char *hi, void (*fn)(void *),
                    void *arg);
void gj_rt_ctx_jump(TestCtx *from, TestCtx *to, bool from_dies);
void gj_rt_ctx_started(void);
int64_t gj_rt_stack_slabs(void);
size_t gj_rt_stack_size(void);
#ifdef TEST_TSAN
void *__tsan_get_current_fiber(void);
void *__tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void *fiber);
#endif
}

namespace {

using Clock = std::chrono::steady_clock;

double nsSince(Clock::time_point t0, int64_t n) {
  return std::chrono::duration<double, std::nano>(Clock::now() - t0).count() /
         (double)n;
}

// ---- the bare context switch ----------------------------------------------

struct Pair {
  TestCtx main, fib;
  int64_t rounds, count;
  bool fp_ok;
};

void pairBody(void *p) {
  gj_rt_ctx_started();
  Pair *pr = (Pair *)p;
  // Its own rounding mode survives the other side's switches (MXCSR/FPCR
  // are part of the context).
  fesetround(FE_TOWARDZERO);
  for (int64_t i = 0; i < pr->rounds; i++) {
    pr->count++;
    gj_rt_ctx_jump(&pr->fib, &pr->main, false);
    if (fegetround() != FE_TOWARDZERO)
      pr->fp_ok = false;
  }
  gj_rt_ctx_jump(&pr->fib, &pr->main, true);
  abort(); // never resumed
}

void threadStack(TestCtx *c) {
  pthread_attr_t attr;
  ASSERT_EQ(pthread_getattr_np(pthread_self(), &attr), 0);
  void *lo;
  size_t size;
  pthread_attr_getstack(&attr, &lo, &size);
  pthread_attr_destroy(&attr);
  c->stack_lo = (char *)lo;
  c->stack_size = size;
}

// The x86-64 / AArch64 switch: round trips keep callee-saved registers
// (the locals live across the switches) and each side's FP control.
TEST(ContextSwitch, RoundTripsKeepRegistersAndFpControl) {
  const size_t kStack = 256 * 1024;
  char *stack = (char *)aligned_alloc(64, kStack);
  Pair pr{};
  pr.rounds = gujitest::scaled(1000000, 100);
  pr.fp_ok = true;
  threadStack(&pr.main);
  pr.fib.stack_lo = stack;
  pr.fib.stack_size = kStack;
#ifdef TEST_TSAN
  pr.main.tsan_fiber = __tsan_get_current_fiber();
  pr.fib.tsan_fiber = __tsan_create_fiber(0);
#endif
  gj_rt_ctx_init(&pr.fib, stack, stack + kStack, pairBody, &pr);
  int64_t a = 11, b = 22, c = 33, d = 44, e = 55, f = 66; // callee-saved
  auto t0 = Clock::now();
  for (int64_t i = 0; i < pr.rounds; i++) {
    gj_rt_ctx_jump(&pr.main, &pr.fib, false);
    a += 1, b += 2, c += 3, d += 4, e += 5, f += 6;
    ASSERT_EQ(pr.count, i + 1);
    ASSERT_EQ(fegetround(), FE_TONEAREST);
  }
  double ns = nsSince(t0, pr.rounds);
  gj_rt_ctx_jump(&pr.main, &pr.fib, false); // let it finish
  int64_t n = pr.rounds;
  EXPECT_EQ(a, 11 + n);
  EXPECT_EQ(b, 22 + 2 * n);
  EXPECT_EQ(c, 33 + 3 * n);
  EXPECT_EQ(d, 44 + 4 * n);
  EXPECT_EQ(e, 55 + 5 * n);
  EXPECT_EQ(f, 66 + 6 * n);
  EXPECT_TRUE(pr.fp_ok);
#ifdef TEST_TSAN
  __tsan_destroy_fiber(pr.fib.tsan_fiber);
#endif
  free(stack);
  printf("[ speed ] context switch round trip %.1f ns\n", ns);
}

// ---- spawn and join -------------------------------------------------------

void doubleIt(void *arg, void *result) {
  *(int64_t *)result = 2 * (int64_t)(intptr_t)arg;
}

// §17 hatch / join: 100,000 tasks, every result collected.
TEST(Sched, HundredThousandTasksJoined) {
  const int64_t n = gujitest::scaled(100000, 10);
  std::vector<GjTask *> ts((size_t)n);
  auto t0 = Clock::now();
  for (int64_t i = 0; i < n; i++)
    ts[(size_t)i] = gj_task_spawn(doubleIt, (void *)(intptr_t)i, &gj_type_int);
  int64_t sum = 0;
  for (int64_t i = 0; i < n; i++) {
    int64_t r = -1;
    gj_task_join(ts[(size_t)i], &r);
    ASSERT_EQ(r, 2 * i);
    sum += r;
    gj_dec(ts[(size_t)i]);
  }
  double ns = nsSince(t0, n);
  EXPECT_EQ(sum, n * (n - 1));
  printf("[ speed ] spawn + join from a thread: %.0f ns a task (%d workers)\n",
         ns, gj_task_workers());
}

// §17: join may be called any number of times; a Str result is shared
// (negative count) and each join returns a new reference.
void makeStr(void *, void *result) {
  *(GjStr **)result = gj_str_from_int(12345);
}

TEST(Sched, JoinTwiceGivesSharedValue) {
  int64_t live0 = gujitest::liveObjectsQuiet();
  GjTask *t = gj_task_spawn(makeStr, nullptr, &gj_type_str);
  GjStr *a = nullptr, *b = nullptr;
  gj_task_join(t, &a);
  gj_task_join(t, &b);
  ASSERT_EQ(a, b);
  EXPECT_EQ(gujitest::str(a), "12345");
  EXPECT_LT(a->h.rc, 0) << "a join result crosses tasks: shared";
  gj_dec(a);
  gj_dec(b);
  gj_dec(t); // the last reference: frees the task and its value
  EXPECT_EQ(gujitest::liveObjectsSettled(live0), live0);
}

// Tasks spawning and joining tasks (parallel fib): spawn from a worker
// goes to its run-next slot and deque, and other workers steal.
int64_t fibSeq(int64_t n) { return n < 2 ? n : fibSeq(n - 1) + fibSeq(n - 2); }

void fibTask(void *arg, void *result) {
  int64_t n = (int64_t)(intptr_t)arg;
  if (n < 12) {
    *(int64_t *)result = fibSeq(n);
    return;
  }
  GjTask *a = gj_task_spawn(fibTask, (void *)(intptr_t)(n - 1), &gj_type_int);
  GjTask *b = gj_task_spawn(fibTask, (void *)(intptr_t)(n - 2), &gj_type_int);
  int64_t x, y;
  gj_task_join(a, &x);
  gj_task_join(b, &y);
  gj_dec(a);
  gj_dec(b);
  *(int64_t *)result = x + y;
}

TEST(Sched, ParallelFibSpawnsAndJoinsInTasks) {
  auto t0 = Clock::now();
  GjTask *t = gj_task_spawn(fibTask,
                            (void *)(intptr_t)(gujitest::kSanitized ? 20 : 27),
                            &gj_type_int);
  int64_t r = 0;
  gj_task_join(t, &r);
  gj_dec(t);
  EXPECT_EQ(r, gujitest::kSanitized ? 6765 : 196418);
  printf("[ speed ] parallel fib(27), cut-off 12: %.1f ms\n",
         nsSince(t0, 1) / 1e6);
}

// ---- yield ------------------------------------------------------------------

struct YieldState {
  std::atomic<int64_t> turns{0};
};

void yielder(void *arg, void *) {
  YieldState *s = (YieldState *)arg;
  for (int i = 0; i < 1000; i++) {
    s->turns.fetch_add(1);
    gj_task_yield();
  }
}

TEST(Sched, YieldLetsOthersRunAndReturns) {
  gj_task_yield(); // outside a task: returns at once
  EXPECT_FALSE(gj_task_in_task());
  YieldState s;
  GjTask *ts[4];
  for (auto &t : ts)
    t = gj_task_spawn(yielder, &s, nullptr);
  for (auto *t : ts) {
    gj_task_join(t, nullptr);
    gj_dec(t);
  }
  EXPECT_EQ(s.turns.load(), 4000);
}

// ---- stacks -------------------------------------------------------------

struct LimitSeen {
  char *limit, *sp;
  bool in_task;
};

void seeLimit(void *arg, void *) {
  LimitSeen *s = (LimitSeen *)arg;
  s->limit = gj_task_stack_limit;
  s->sp = (char *)__builtin_frame_address(0);
  s->in_task = gj_task_in_task();
}

// §8 in tasks: the limit generated code reads is the running task's, a
// margin above the low end of its stack.
TEST(Sched, TaskStackLimitIsTheTasks) {
  LimitSeen s{};
  GjTask *t = gj_task_spawn(seeLimit, &s, nullptr);
  gj_task_join(t, nullptr);
  gj_dec(t);
  EXPECT_TRUE(s.in_task);
  ASSERT_NE(s.limit, nullptr);
  EXPECT_LT(s.limit, s.sp);
  EXPECT_LT((size_t)(s.sp - s.limit), gj_rt_stack_size());
}

struct Gate {
  GjChan *c;
  std::atomic<int> started{0};
};

void waitGate(void *arg, void *) {
  Gate *g = (Gate *)arg;
  g->started.fetch_add(1);
  int64_t v;
  gj_chan_recv(g->c, &v);
}

long rssKiB() {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kb = -1;
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, "VmRSS:", 6) == 0)
      kb = atol(line + 6);
  if (f)
    fclose(f);
  return kb;
}

// Stacks come from slabs (one mapping per many stacks, no guard pages),
// committed only where touched: 20,000 parked tasks cost a few KiB each.
TEST(Sched, ParkedTasksShareSlabsAndCostLittle) {
  const int n = (int)gujitest::scaled(20000, 10);
  GjChan *c = gj_chan_new(&gj_type_int, 0, nullptr);
  Gate g;
  g.c = c;
  int64_t slabs0 = gj_rt_stack_slabs();
  long rss0 = rssKiB();
  std::vector<GjTask *> ts(n);
  for (auto &t : ts)
    t = gj_task_spawn(waitGate, &g, nullptr);
  while (g.started.load() < n) // all started (and then parked)
    usleep(1000);
  usleep(10000);
  long per = (rssKiB() - rss0) * 1024 / n;
  int64_t slabs = gj_rt_stack_slabs() - slabs0;
  EXPECT_LE(slabs, n / 256 + 2 * gj_task_workers() + 2);
  gj_chan_close(c);
  for (auto *t : ts) {
    gj_task_join(t, nullptr);
    gj_dec(t);
  }
  gj_dec(c);
  if (!gujitest::kSanitized) { // shadow memory counts in sanitizer builds
    EXPECT_LT(per, 8 * 1024);
  }
  printf("[ speed ] %d parked tasks: %ld bytes of RSS each, %lld new slabs\n",
         n, per, (long long)slabs);
}

// ---- output from tasks --------------------------------------------------

void printLines(void *arg, void *) {
  int64_t id = (int64_t)(intptr_t)arg;
  for (int64_t k = 0; k < 1000; k++) {
    GjStr *s = gj_str_with_cap(32);
    s = gj_str_append_int(s, id * 1000000 + k);
    gj_write_str(s, GJ_WRITE_NL);
    gj_dec(s);
  }
}

// §18 print from many tasks at once: every line arrives whole.
TEST(Sched, PrintFromManyTasksKeepsLinesWhole) {
  std::string out = gujitest::captureStdout([] {
    GjTask *ts[8];
    for (int64_t i = 0; i < 8; i++)
      ts[i] = gj_task_spawn(printLines, (void *)(intptr_t)(i + 1), nullptr);
    for (auto *t : ts) {
      gj_task_join(t, nullptr);
      gj_dec(t);
    }
  });
  std::vector<int> seen(8 * 1000, 0);
  size_t pos = 0, lines = 0;
  while (pos < out.size()) {
    size_t nl = out.find('\n', pos);
    ASSERT_NE(nl, std::string::npos);
    long long v = atoll(out.substr(pos, nl - pos).c_str());
    long long id = v / 1000000 - 1, k = v % 1000000;
    ASSERT_TRUE(id >= 0 && id < 8 && k < 1000) << out.substr(pos, nl - pos);
    seen[(size_t)(id * 1000 + k)]++;
    lines++;
    pos = nl + 1;
  }
  EXPECT_EQ(lines, 8000u);
  for (int c : seen)
    ASSERT_EQ(c, 1);
}

// ---- the steal age ---------------------------------------------------------

// A job pool: tasks readied by a channel are taken by other workers once
// the work they do pays for the move (sched.c's steal age), so the jobs
// run on more than one worker's thread.
struct Pool {
  GjChan *jobs;
  std::atomic<uint64_t> threads[8];
  std::atomic<int> nthreads{0};
  std::atomic<int64_t> done{0};
};

void noteThread(Pool *p) {
  uint64_t me = (uint64_t)pthread_self();
  int n = p->nthreads.load();
  for (int i = 0; i < n; i++)
    if (p->threads[i].load() == me)
      return;
  int k = p->nthreads.fetch_add(1);
  if (k < 8)
    p->threads[k].store(me);
}

void poolWorker(void *arg, void *) {
  Pool *p = (Pool *)arg;
  int64_t job;
  while (gj_chan_recv(p->jobs, &job)) {
    auto t0 = Clock::now(); // ~50 us of work a job
    while (Clock::now() - t0 < std::chrono::microseconds(50))
      ;
    noteThread(p);
    p->done.fetch_add(1);
  }
}

void poolFeeder(void *arg, void *) {
  Pool *p = (Pool *)arg;
  for (int64_t j = 0; j < 400; j++)
    gj_chan_send(p->jobs, &j);
  gj_chan_close(p->jobs);
}

TEST(StealAge, JobPoolSpreadsOverWorkers) {
  if (gj_task_workers() < 2)
    GTEST_SKIP() << "one worker";
  Pool p;
  for (auto &t : p.threads)
    t.store(0);
  p.jobs = gj_chan_new(&gj_type_int, 16, nullptr);
  GjTask *ws[4];
  for (auto &w : ws)
    w = gj_task_spawn(poolWorker, &p, nullptr);
  GjTask *f = gj_task_spawn(poolFeeder, &p, nullptr);
  gj_task_join(f, nullptr);
  gj_dec(f);
  for (auto *w : ws) {
    gj_task_join(w, nullptr);
    gj_dec(w);
  }
  gj_dec(p.jobs);
  EXPECT_EQ(p.done.load(), 400);
  EXPECT_GE(p.nthreads.load(), 2);
}

} // namespace
