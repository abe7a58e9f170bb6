// SelectTest.cpp — §17 select (uniform choice among ready arms, send
// arms, closed arms, else, blocking), timers (time.sleep, time.after) and
// the deadlock panic.
#include "RuntimeTestUtil.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>

extern "C" {
// timer.c: waits for timers firing right now (a fired time.after drops
// its reference to the channel just after the receiver has woken).
bool gj_rt_timers_quiesce(void);
// the test's way to stderr without stdio (the hook runs on the panic path)
static void gj_rt_write_fd_for_test(const char *p, size_t n) {
  ssize_t r = write(2, p, n);
  (void)r;
}
}

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

GjSelectCase recvCase(GjChan *c, void *slot) { return {c, slot, false, false}; }
GjSelectCase sendCase(GjChan *c, void *v) { return {c, v, true, false}; }

// §17: "chosen uniformly at random among those ready": two always-ready
// channels are each chosen 45-55 % of 10^5 times.
TEST(Select, ChoosesUniformlyAmongReadyArms) {
  const int64_t n = 100000;
  GjChan *a = gj_chan_new(&gj_type_int, n, nullptr);
  GjChan *b = gj_chan_new(&gj_type_int, n, nullptr);
  for (int64_t i = 0; i < n; i++) {
    gj_chan_send(a, &i);
    gj_chan_send(b, &i);
  }
  int64_t got[2] = {0, 0}, va = 0, vb = 0;
  for (int64_t i = 0; i < n; i++) {
    GjSelectCase cs[2] = {recvCase(a, &va), recvCase(b, &vb)};
    int64_t k = gj_select(cs, 2, false);
    ASSERT_TRUE(k == 0 || k == 1);
    ASSERT_TRUE(cs[k].ok);
    got[k]++;
  }
  double share = (double)got[0] / (double)n;
  EXPECT_GT(share, 0.45);
  EXPECT_LT(share, 0.55);
  printf("[ speed ] select fairness: arm 0 chosen %.2f %% of %lld\n",
         share * 100, (long long)n);
  gj_dec(a);
  gj_dec(b);
}

// §17: `else` makes select a non-blocking poll.
TEST(Select, ElseWhenNothingIsReady) {
  GjChan *a = gj_chan_new(&gj_type_int, 0, nullptr);
  GjChan *b = gj_chan_new(&gj_type_int, 1, nullptr);
  int64_t v = 0;
  GjSelectCase cs[2] = {recvCase(a, &v), recvCase(b, &v)};
  EXPECT_EQ(gj_select(cs, 2, true), -1);
  EXPECT_EQ(gj_select(nullptr, 0, true), -1);
  int64_t x = 8;
  gj_chan_send(b, &x);
  EXPECT_EQ(gj_select(cs, 2, true), 1);
  EXPECT_EQ(v, 8);
  gj_dec(a);
  gj_dec(b);
}

// §17: a send arm completes when there is room; a send arm on a closed
// channel is ready with Err(Closed) (its value dropped), a receive arm on
// a closed, drained channel ready with None.
TEST(Select, SendArmsAndClosedArms) {
  int64_t live0 = gujitest::liveObjectsQuiet();
  GjChan *full = gj_chan_new(&gj_type_str, 0, nullptr);
  GjChan *room = gj_chan_new(&gj_type_str, 1, nullptr);
  GjStr *s1 = gj_str_from_int(1), *s2 = gj_str_from_int(2);
  GjSelectCase cs[2] = {sendCase(full, &s1), sendCase(room, &s2)};
  ASSERT_EQ(gj_select(cs, 2, false), 1);
  EXPECT_TRUE(cs[1].ok);
  gj_dec(s1); // not chosen: still ours
  GjChan *closed = gj_chan_new(&gj_type_str, 0, nullptr);
  gj_chan_close(closed);
  GjStr *s3 = gj_str_from_int(3);
  GjSelectCase c2[2] = {sendCase(full, &s3), sendCase(closed, &s3)};
  ASSERT_EQ(gj_select(c2, 2, false), 1);
  EXPECT_FALSE(c2[1].ok) << "Err(Closed), and the runtime dropped s3";
  GjStr *got = nullptr;
  GjSelectCase c3[1] = {recvCase(closed, &got)};
  ASSERT_EQ(gj_select(c3, 1, false), 0);
  EXPECT_FALSE(c3[0].ok) << "None";
  gj_chan_close(room);
  ASSERT_TRUE(gj_chan_recv(room, &got)); // drains after close
  EXPECT_EQ(gujitest::str(got), "2");
  gj_dec(got);
  gj_dec(full);
  gj_dec(room);
  gj_dec(closed);
  EXPECT_EQ(gujitest::liveObjectsSettled(live0), live0);
}

struct Later {
  GjChan *c;
  int64_t v;
  int ms;
};

void sendLater(void *arg, void *) {
  Later *l = (Later *)arg;
  gj_time_sleep(l->ms);
  gj_chan_send(l->c, &l->v);
}

// A blocked select is completed by the first channel to get a value; its
// waiter on the other channel is gone afterwards (a later try_send there
// finds no receiver).
TEST(Select, BlocksUntilOneArmIsReady) {
  GjChan *a = gj_chan_new(&gj_type_int, 0, nullptr);
  GjChan *b = gj_chan_new(&gj_type_int, 0, nullptr);
  Later l{b, 77, 20};
  GjTask *t = gj_task_spawn(sendLater, &l, nullptr);
  int64_t va = 0, vb = 0;
  GjSelectCase cs[2] = {recvCase(a, &va), recvCase(b, &vb)};
  EXPECT_EQ(gj_select(cs, 2, false), 1);
  EXPECT_EQ(vb, 77);
  int64_t x = 1;
  EXPECT_FALSE(gj_chan_try_send(a, &x)) << "no stale receiver left on a";
  gj_task_join(t, nullptr);
  gj_dec(t);
  gj_dec(a);
  gj_dec(b);
}

struct SelectLoop {
  GjChan *in[2], *done;
  int64_t n;
  std::atomic<int64_t> sum{0};
};

void selectConsumer(void *arg, void *) {
  SelectLoop *s = (SelectLoop *)arg;
  int64_t open = 2;
  while (open > 0) {
    int64_t v0 = 0, v1 = 0;
    GjSelectCase cs[2] = {recvCase(s->in[0], &v0), recvCase(s->in[1], &v1)};
    int64_t k = gj_select(cs, 2, false);
    if (!cs[k].ok) {
      open--;
      s->in[k] = gj_chan_new(&gj_type_int, 0, nullptr); // never ready
      continue;
    }
    s->sum += k ? v1 : v0;
  }
}

void rangeSender(void *arg, void *) {
  SelectLoop *s = (SelectLoop *)arg;
  static std::atomic<int> which{0};
  GjChan *c = s->in[which++ % 2];
  for (int64_t i = 1; i <= s->n; i++)
    gj_chan_send(c, &i);
  gj_chan_close(c);
}

// Selecting tasks against sending tasks on other workers: every value
// arrives once, through blocked and ready selects alike.
TEST(Select, ConcurrentSendersIntoOneSelectingTask) {
  SelectLoop s;
  s.in[0] = gj_chan_new(&gj_type_int, 0, nullptr);
  s.in[1] = gj_chan_new(&gj_type_int, 4, nullptr);
  GjChan *orig[2] = {s.in[0], s.in[1]};
  s.n = gujitest::scaled(100000, 20);
  GjTask *c = gj_task_spawn(selectConsumer, &s, nullptr);
  GjTask *p0 = gj_task_spawn(rangeSender, &s, nullptr);
  GjTask *p1 = gj_task_spawn(rangeSender, &s, nullptr);
  for (GjTask *t : {p0, p1, c}) {
    gj_task_join(t, nullptr);
    gj_dec(t);
  }
  EXPECT_EQ(s.sum.load(), s.n * (s.n + 1));
  gj_dec(orig[0]);
  gj_dec(orig[1]);
  gj_dec(s.in[0]);
  gj_dec(s.in[1]);
}

// ---- timers ---------------------------------------------------------------

struct Slept {
  double ms;
};

void sleeper(void *arg, void *) {
  auto t0 = Clock::now();
  gj_time_sleep(30);
  ((Slept *)arg)->ms = msSince(t0);
}

// §17: time.sleep suspends only the calling task: 100 sleeping tasks
// take about one sleep, not a hundred.
TEST(Timer, SleepSuspendsOnlyTheTask) {
  Slept s[100];
  GjTask *ts[100];
  auto t0 = Clock::now();
  for (int i = 0; i < 100; i++)
    ts[i] = gj_task_spawn(sleeper, &s[i], nullptr);
  for (auto *t : ts) {
    gj_task_join(t, nullptr);
    gj_dec(t);
  }
  double total = msSince(t0);
  for (auto &x : s)
    EXPECT_GE(x.ms, 29.0);
  EXPECT_LT(total, 1000.0);
  auto t1 = Clock::now();
  gj_time_sleep(5); // outside a task: the thread sleeps
  EXPECT_GE(msSince(t1), 4.9);
}

// §17: time.after(ms).recv() as a timeout arm.
TEST(Timer, AfterIsATimeoutArm) {
  GjChan *never = gj_chan_new(&gj_type_int, 0, nullptr);
  GjChan *after = gj_time_after(20);
  auto t0 = Clock::now();
  int64_t v = 0;
  char unit = 0;
  GjSelectCase cs[2] = {recvCase(never, &v), recvCase(after, &unit)};
  EXPECT_EQ(gj_select(cs, 2, false), 1);
  EXPECT_TRUE(cs[1].ok);
  EXPECT_GE(msSince(t0), 19.0);
  gj_dec(after);
  gj_dec(never);
  // The timer thread may still hold the channel: the tests that follow
  // count live objects, so wait until it has let go.
  EXPECT_TRUE(gj_rt_timers_quiesce());
}

// ---- deadlock ---------------------------------------------------------

GjChan *g_chan;

int64_t mainRecvsForever() {
  g_chan = gj_chan_new(&gj_type_int, 0, nullptr);
  int64_t v;
  gj_chan_recv(g_chan, &v);
  return 0;
}

void recvForever(void *, void *) {
  int64_t v;
  gj_chan_recv(g_chan, &v);
}

int64_t mainJoinsABlockedTask() {
  g_chan = gj_chan_new(&gj_type_int, 0, nullptr);
  GjTask *t = gj_task_spawn(recvForever, nullptr, nullptr);
  gj_task_join(t, nullptr);
  return 0;
}

int64_t mainSleepsThenFinds() {
  g_chan = gj_chan_new(&gj_type_int, 0, nullptr);
  GjChan *after = gj_time_after(10); // pending timer: not a deadlock yet
  char unit;
  gj_chan_recv(after, &unit);
  return 3;
}

// §17: every task blocked, no timer pending: `all tasks are blocked
// (deadlock)`, status 101.
TEST(DeadlockDeathTest, MainBlockedAloneAndWithBlockedTasks) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(gj_rt_start(0, nullptr, mainRecvsForever),
              ::testing::ExitedWithCode(101),
              "guji: panic: all tasks are blocked \\(deadlock\\)");
  EXPECT_EXIT(gj_rt_start(0, nullptr, mainJoinsABlockedTask),
              ::testing::ExitedWithCode(101),
              "guji: panic: all tasks are blocked \\(deadlock\\)");
  EXPECT_EXIT(_exit(gj_rt_start(0, nullptr, mainSleepsThenFinds)),
              ::testing::ExitedWithCode(3), "");
}

// ---- a panic in a task (§12, §17) ------------------------------------------

void panics(void *, void *) {
  GjLoc loc{"task.guji", 4, 2};
  gj_panic_cstr("boom", &loc);
}

int64_t mainJoinsAPanickingTask() {
  GjTask *t = gj_task_spawn(panics, nullptr, nullptr);
  gj_task_join(t, nullptr);
  return 0;
}

void hook(const char *text, size_t len) {
  static const char pre[] = "hooked: ";
  gj_rt_write_fd_for_test(pre, sizeof pre - 1);
  gj_rt_write_fd_for_test(text, len);
}

// A panic in any task ends the program with its message and location;
// the panic hook sees the same text first.
TEST(PanicInTaskDeathTest, EndsTheProgramThroughTheHook) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(gj_rt_start(0, nullptr, mainJoinsAPanickingTask),
              ::testing::ExitedWithCode(101),
              "guji: panic: boom\n  at task.guji:4:2");
  EXPECT_EXIT((gj_rt_set_panic_hook(hook),
               gj_rt_start(0, nullptr, mainJoinsAPanickingTask)),
              ::testing::ExitedWithCode(101),
              "hooked: guji: panic: boom\n  at task.guji:4:2");
}

} // namespace
