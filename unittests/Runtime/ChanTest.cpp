// ChanTest.cpp — §17 channels: unbuffered hand-off, the buffered ring,
// close and drain, try_send / try_recv, values crossing tasks shared
// (§16), ping-pong timing, and a many-worker stress moving millions of
// messages with none lost or duplicated.
#include "RuntimeTestUtil.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// The stress test wants 8 workers on any machine; set before the first
// spawn of the binary (a static initializer runs before every test).
// GUJI_THREADS from the environment wins.
[[maybe_unused]] const int kWorkersSet = setenv("GUJI_THREADS", "8", 0);

double msSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

GjTask *spawn(void (*fn)(void *, void *), void *arg) {
  return gj_task_spawn(fn, arg, nullptr);
}

void joinDrop(GjTask *t) {
  gj_task_join(t, nullptr);
  gj_dec(t);
}

struct Range {
  GjChan *c;
  int64_t from, n;
  bool close_after;
};

void sendRange(void *arg, void *) {
  Range *r = (Range *)arg;
  for (int64_t i = 0; i < r->n; i++) {
    int64_t v = r->from + i;
    ASSERT_TRUE(gj_chan_send(r->c, &v));
  }
  if (r->close_after)
    gj_chan_close(r->c);
}

// §17: an unbuffered send completes when a receiver takes the value; the
// values arrive in order; recv after close and drain is None.
TEST(Chan, UnbufferedHandsOverInOrder) {
  GjChan *c = gj_chan_new(&gj_type_int, 0, nullptr);
  EXPECT_EQ(gj_chan_cap(c), 0);
  Range r{c, 1, 1000, true};
  GjTask *t = spawn(sendRange, &r);
  int64_t v, want = 1;
  while (gj_chan_recv(c, &v))
    ASSERT_EQ(v, want++);
  EXPECT_EQ(want, 1001);
  EXPECT_FALSE(gj_chan_recv(c, &v));
  joinDrop(t);
  gj_dec(c);
}

// §17: a buffered channel takes cap values without a receiver, FIFO.
TEST(Chan, BufferedRingIsFifoAndBounded) {
  GjChan *c = gj_chan_new(&gj_type_int, 3, nullptr);
  for (int64_t i = 10; i < 13; i++)
    EXPECT_TRUE(gj_chan_try_send(c, &i));
  int64_t x = 99;
  EXPECT_FALSE(gj_chan_try_send(c, &x)) << "full";
  EXPECT_EQ(gj_chan_len(c), 3);
  int64_t v;
  ASSERT_TRUE(gj_chan_try_recv(c, &v));
  EXPECT_EQ(v, 10);
  int64_t y = 13;
  EXPECT_TRUE(gj_chan_send(c, &y)); // room again: no blocking
  for (int64_t want = 11; want <= 13; want++) {
    ASSERT_TRUE(gj_chan_recv(c, &v));
    EXPECT_EQ(v, want);
  }
  EXPECT_FALSE(gj_chan_try_recv(c, &v)) << "empty";
  gj_dec(c);
}

// §17: values buffered before close are still delivered; then None.
// Sending on a closed channel is Err(Closed); closing twice too.
TEST(Chan, CloseDrainsThenNone) {
  GjChan *c = gj_chan_new(&gj_type_int, 4, nullptr);
  for (int64_t i = 1; i <= 2; i++)
    gj_chan_send(c, &i);
  EXPECT_TRUE(gj_chan_close(c));
  EXPECT_FALSE(gj_chan_close(c)) << "closing twice: Err(Closed)";
  int64_t z = 3;
  EXPECT_FALSE(gj_chan_send(c, &z)) << "send after close: Err(Closed)";
  EXPECT_FALSE(gj_chan_try_send(c, &z));
  int64_t v;
  ASSERT_TRUE(gj_chan_recv(c, &v));
  EXPECT_EQ(v, 1);
  ASSERT_TRUE(gj_chan_try_recv(c, &v));
  EXPECT_EQ(v, 2);
  EXPECT_FALSE(gj_chan_recv(c, &v));
  EXPECT_FALSE(gj_chan_try_recv(c, &v));
  gj_dec(c);
}

struct Blocked {
  GjChan *c;
  std::atomic<int> started{0};
  std::atomic<int> got_none{0}, got_err{0};
};

void blockedRecv(void *arg, void *) {
  Blocked *b = (Blocked *)arg;
  b->started++;
  int64_t v;
  if (!gj_chan_recv(b->c, &v))
    b->got_none++;
}

void blockedSend(void *arg, void *) {
  Blocked *b = (Blocked *)arg;
  b->started++;
  GjStr *s = gj_str_from_int(7); // dropped by the runtime when not taken
  if (!gj_chan_send(b->c, &s))
    b->got_err++;
}

// §17: close wakes blocked receivers with None and blocked senders with
// Err(Closed) (their values dropped, nothing leaks).
TEST(Chan, CloseWakesBlockedReceiversAndSenders) {
  int64_t live0 = gujitest::liveObjectsQuiet();
  Blocked rb, sb;
  rb.c = gj_chan_new(&gj_type_int, 0, nullptr);
  sb.c = gj_chan_new(&gj_type_str, 0, nullptr);
  std::vector<GjTask *> ts;
  for (int i = 0; i < 10; i++) {
    ts.push_back(spawn(blockedRecv, &rb));
    ts.push_back(spawn(blockedSend, &sb));
  }
  while (rb.started < 10 || sb.started < 10)
    usleep(1000);
  usleep(10000); // and parked
  gj_chan_close(rb.c);
  gj_chan_close(sb.c);
  for (auto *t : ts)
    joinDrop(t);
  EXPECT_EQ(rb.got_none.load(), 10);
  EXPECT_EQ(sb.got_err.load(), 10);
  gj_dec(rb.c);
  gj_dec(sb.c);
  EXPECT_EQ(gujitest::liveObjectsSettled(live0), live0)
      << "Str " << gj_rt_live_objects_of(GJ_KIND_STR) << " Task "
      << gj_rt_live_objects_of(GJ_KIND_TASK) << " Chan "
      << gj_rt_live_objects_of(GJ_KIND_CHAN);
}

struct OneRecv {
  GjChan *c;
  std::atomic<bool> started{false};
  int64_t got = 0;
};

void oneRecv(void *arg, void *) {
  OneRecv *o = (OneRecv *)arg;
  o->started = true;
  gj_chan_recv(o->c, &o->got);
}

// §17: try_send on an unbuffered channel succeeds only when a receiver
// is waiting; try_recv only when a sender is.
TEST(Chan, TrySendNeedsAWaitingReceiver) {
  GjChan *c = gj_chan_new(&gj_type_int, 0, nullptr);
  int64_t v = 5;
  EXPECT_FALSE(gj_chan_try_send(c, &v));
  EXPECT_FALSE(gj_chan_try_recv(c, &v));
  OneRecv o;
  o.c = c;
  GjTask *t = spawn(oneRecv, &o);
  while (!o.started)
    usleep(100);
  bool sent = false;
  for (int i = 0; i < 2000 && !sent; i++) { // until it has parked
    int64_t w = 42;
    sent = gj_chan_try_send(c, &w);
    if (!sent)
      usleep(100);
  }
  EXPECT_TRUE(sent);
  joinDrop(t);
  EXPECT_EQ(o.got, 42);
  gj_dec(c);
}

// §16: a value sent crosses tasks and is marked shared, with what it
// reaches (a list's nodes and its Str elements).
TEST(Chan, SentValuesAreShared) {
  int64_t live0 = gujitest::liveObjectsQuiet();
  GjChan *c = gj_chan_new(&gj_type_list, 1, nullptr);
  GjList *l = gj_list_new(&gj_type_str);
  for (int i = 0; i < 100; i++) {
    GjStr *s = gj_str_from_int(i);
    l = gj_list_push(l, &s);
  }
  GjList *keep = l;
  gj_inc(keep);
  ASSERT_TRUE(gj_chan_send(c, &l));
  GjList *got = nullptr;
  ASSERT_TRUE(gj_chan_recv(c, &got));
  EXPECT_EQ(got, keep);
  EXPECT_LT(((GjHeader *)got)->rc, 0);
  GjStr *s0 = nullptr;
  gj_list_get(got, 0, &s0, nullptr);
  EXPECT_LT(s0->h.rc, 0) << "elements reached are shared too";
  gj_list_get(got, 99, &s0, nullptr);
  EXPECT_LT(s0->h.rc, 0);
  gj_dec(got);
  gj_dec(keep);
  gj_dec(c);
  EXPECT_EQ(gujitest::liveObjectsSettled(live0), live0);
}

// §17: a negative capacity panics.
TEST(ChanDeathTest, NegativeCapacityPanics) {
  GjLoc loc{"prog.guji", 3, 9};
  EXPECT_EXIT(gj_chan_new(&gj_type_int, -1, &loc),
              ::testing::ExitedWithCode(101),
              gujitest::lit_re("guji: panic: negative channel capacity: -1\n"
                               "  at prog.guji:3:9"));
}

// ---- ping-pong ------------------------------------------------------------

struct PingPong {
  GjChan *ping, *pong;
  int64_t rounds;
  double ns;
};

void ponger(void *arg, void *) {
  PingPong *p = (PingPong *)arg;
  int64_t v;
  while (gj_chan_recv(p->ping, &v)) {
    v++;
    gj_chan_send(p->pong, &v);
  }
}

void pinger(void *arg, void *) {
  PingPong *p = (PingPong *)arg;
  GjTask *t = spawn(ponger, p);
  auto t0 = Clock::now();
  int64_t v = 0;
  for (int64_t i = 0; i < p->rounds; i++) {
    gj_chan_send(p->ping, &v);
    gj_chan_recv(p->pong, &v);
  }
  p->ns = msSince(t0) * 1e6 / (double)p->rounds;
  EXPECT_EQ(v, p->rounds);
  gj_chan_close(p->ping);
  joinDrop(t);
}

// Two tasks over unbuffered channels: each hand-off readies the partner
// into the run-next slot, so the pair stays on one worker.
TEST(Chan, PingPongRoundTrips) {
  PingPong p{gj_chan_new(&gj_type_int, 0, nullptr),
             gj_chan_new(&gj_type_int, 0, nullptr),
             gujitest::scaled(1000000, 100), 0};
  joinDrop(spawn(pinger, &p));
  gj_dec(p.ping);
  gj_dec(p.pong);
  printf("[ speed ] ping-pong over unbuffered channels: %.0f ns a round "
         "trip\n",
         p.ns);
}

// ---- stress ---------------------------------------------------------------

constexpr int kChans = 64;

struct Stress {
  GjChan *chans[kChans];
  int64_t per_producer;
  std::vector<std::atomic<uint64_t>> *seen;
  std::atomic<int64_t> received{0}, dups{0};
};

struct Producer {
  Stress *s;
  int id;
};

void produce(void *arg, void *) {
  Producer *p = (Producer *)arg;
  Stress *s = p->s;
  for (int64_t k = 0; k < s->per_producer; k++) {
    int64_t v = p->id * s->per_producer + k;
    gj_chan_send(s->chans[(p->id + k) % kChans], &v);
  }
}

struct Consumer {
  Stress *s;
  int chan;
};

void consume(void *arg, void *) {
  Consumer *c = (Consumer *)arg;
  Stress *s = c->s;
  int64_t v, n = 0;
  while (gj_chan_recv(s->chans[c->chan], &v)) {
    uint64_t bit = 1ull << (v & 63);
    if ((*s->seen)[(size_t)(v >> 6)].fetch_or(bit) & bit)
      s->dups++;
    n++;
  }
  s->received += n;
}

// 8 workers, 64 channels (half unbuffered, half capacity 16), 64
// producers each spreading its values over all channels, one consumer per
// channel: every value arrives exactly once.
TEST(Chan, StressManyWorkersNothingLostOrDuplicated) {
  const int64_t total = std::getenv("GUJI_STRESS_MESSAGES")
                            ? atoll(std::getenv("GUJI_STRESS_MESSAGES"))
                            : gujitest::scaled(10000000, 100);
  const int producers = 64;
  Stress s;
  s.per_producer = total / producers;
  const int64_t n = s.per_producer * producers;
  std::vector<std::atomic<uint64_t>> seen((size_t)(n / 64 + 1));
  s.seen = &seen;
  for (int i = 0; i < kChans; i++)
    s.chans[i] = gj_chan_new(&gj_type_int, i % 2 ? 16 : 0, nullptr);
  auto t0 = Clock::now();
  std::vector<Consumer> cs(kChans);
  std::vector<GjTask *> consumers;
  for (int i = 0; i < kChans; i++) {
    cs[(size_t)i] = {&s, i};
    consumers.push_back(spawn(consume, &cs[(size_t)i]));
  }
  std::vector<Producer> ps(producers);
  std::vector<GjTask *> prods;
  for (int i = 0; i < producers; i++) {
    ps[(size_t)i] = {&s, i};
    prods.push_back(spawn(produce, &ps[(size_t)i]));
  }
  for (auto *t : prods)
    joinDrop(t);
  for (auto *c : s.chans)
    gj_chan_close(c);
  for (auto *t : consumers)
    joinDrop(t);
  double ms = msSince(t0);
  EXPECT_EQ(s.received.load(), n);
  EXPECT_EQ(s.dups.load(), 0);
  int64_t missing = 0;
  for (int64_t v = 0; v < n; v++)
    if (!(seen[(size_t)(v >> 6)].load() & (1ull << (v & 63))))
      missing++;
  EXPECT_EQ(missing, 0);
  for (auto *c : s.chans)
    gj_dec(c);
  printf("[ speed ] stress: %lld messages, %d workers, %d channels: %.0f ms "
         "(%.1f M msg/s)\n",
         (long long)n, gj_task_workers(), kChans, ms, (double)n / ms / 1e3);
}

} // namespace
