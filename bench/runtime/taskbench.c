/* taskbench.c — the concurrency runtime's benchmarks of issue 5, written
 * against the runtime ABI directly (gujirt.h) until the compiler has
 * `hatch` and channels; taskbench.go is the Go peer. Each benchmark runs
 * inside one task (as main will), prints its figure and a checksum.
 *
 *   cc -O2 -Iruntime/include bench/runtime/taskbench.c build/lib/libgujirt.a \
 *      -lpcre2-8 -lm -lpthread -o /tmp/taskbench && /tmp/taskbench [NAME]
 *
 * NAME: spawn (10^6 tasks each sending one value that main sums; time and
 * peak RSS), pingpong (10^6 round trips, unbuffered), fourbyfour (4
 * producers, 4 consumers, capacity 128, 10^7 messages), ring (503 tasks,
 * 10^7 hops), fib (parallel fib(32), hatch/join down to fib(20)); all when
 * no NAME is given. GUJI_THREADS sets the workers.
 */
#include "gujirt.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void join_drop(GjTask *t) {
  gj_task_join(t, NULL);
  gj_dec(t);
}

/* ---- spawn: 10^6 tasks each send one value; main sums ------------------ */

static GjChan *spawn_chan;

static void send_one(void *arg, void *res) {
  (void)res;
  int64_t v = (int64_t)(intptr_t)arg;
  gj_chan_send(spawn_chan, &v);
}

static void bench_spawn(void *arg, void *res) {
  (void)arg, (void)res;
  const int64_t n = 1000000;
  spawn_chan = gj_chan_new(&gj_type_int, 0, NULL);
  double t0 = now_s();
  for (int64_t i = 0; i < n; i++)
    gj_dec(gj_task_spawn(send_one, (void *)(intptr_t)i, NULL));
  int64_t sum = 0, v;
  for (int64_t i = 0; i < n; i++) {
    gj_chan_recv(spawn_chan, &v);
    sum += v;
  }
  double t = now_s() - t0;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("spawn: %lld tasks in %.3f s (%.2f us a task), peak RSS %ld MiB "
         "(%.2f KiB a task), sum %lld\n",
         (long long)n, t, t * 1e6 / (double)n, ru.ru_maxrss / 1024,
         (double)ru.ru_maxrss / (double)n, (long long)sum);
}

/* ---- ping-pong ------------------------------------------------------------ */

static GjChan *ping, *pong;

static void ponger(void *arg, void *res) {
  (void)arg, (void)res;
  int64_t v;
  while (gj_chan_recv(ping, &v)) {
    v++;
    gj_chan_send(pong, &v);
  }
}

static void bench_pingpong(void *arg, void *res) {
  (void)arg, (void)res;
  const int64_t n = 1000000;
  ping = gj_chan_new(&gj_type_int, 0, NULL);
  pong = gj_chan_new(&gj_type_int, 0, NULL);
  GjTask *t = gj_task_spawn(ponger, NULL, NULL);
  double t0 = now_s();
  int64_t v = 0;
  for (int64_t i = 0; i < n; i++) {
    gj_chan_send(ping, &v);
    gj_chan_recv(pong, &v);
  }
  double dt = now_s() - t0;
  gj_chan_close(ping);
  join_drop(t);
  printf("pingpong: %.0f ns a round trip, value %lld\n", dt * 1e9 / (double)n,
         (long long)v);
}

/* ---- 4 x 4 over capacity 128 ---------------------------------------------- */

static GjChan *q44;
enum { PER_PRODUCER = 2500000 };

static void producer(void *arg, void *res) {
  (void)arg, (void)res;
  for (int64_t i = 1; i <= PER_PRODUCER; i++)
    gj_chan_send(q44, &i);
}

static void consumer(void *arg, void *res) {
  (void)arg;
  int64_t v, sum = 0;
  while (gj_chan_recv(q44, &v))
    sum += v;
  *(int64_t *)res = sum;
}

static void bench_fourbyfour(void *arg, void *res) {
  (void)arg, (void)res;
  q44 = gj_chan_new(&gj_type_int, 128, NULL);
  GjTask *p[4], *c[4];
  double t0 = now_s();
  for (int i = 0; i < 4; i++)
    c[i] = gj_task_spawn(consumer, NULL, &gj_type_int);
  for (int i = 0; i < 4; i++)
    p[i] = gj_task_spawn(producer, NULL, NULL);
  for (int i = 0; i < 4; i++)
    join_drop(p[i]);
  gj_chan_close(q44);
  int64_t sum = 0;
  for (int i = 0; i < 4; i++) {
    int64_t s;
    gj_task_join(c[i], &s);
    gj_dec(c[i]);
    sum += s;
  }
  double dt = now_s() - t0;
  printf("fourbyfour: %.1f M msg/s, sum %lld\n", 4.0 * PER_PRODUCER / dt / 1e6,
         (long long)sum);
}

/* ---- thread ring ------------------------------------------------------------ */

enum { RING = 503 };
static GjChan *ring[RING];

static void ring_node(void *arg, void *res) {
  (void)res;
  int i = (int)(intptr_t)arg;
  int64_t token;
  while (gj_chan_recv(ring[i], &token)) {
    if (token == 0) { /* done: close the ring behind us */
      for (int k = 0; k < RING; k++)
        gj_chan_close(ring[k]);
      return;
    }
    token--;
    gj_chan_send(ring[(i + 1) % RING], &token);
  }
}

static void bench_ring(void *arg, void *res) {
  (void)arg, (void)res;
  const int64_t hops = 10000000;
  for (int i = 0; i < RING; i++)
    ring[i] = gj_chan_new(&gj_type_int, 0, NULL);
  GjTask *t[RING];
  for (int i = 0; i < RING; i++)
    t[i] = gj_task_spawn(ring_node, (void *)(intptr_t)i, NULL);
  double t0 = now_s();
  int64_t token = hops;
  gj_chan_send(ring[0], &token);
  for (int i = 0; i < RING; i++)
    join_drop(t[i]);
  double dt = now_s() - t0;
  printf("ring: %.0f ns a hop\n", dt * 1e9 / (double)hops);
}

/* ---- parallel fib ------------------------------------------------------------ */

static int64_t fib_seq(int64_t n) { return n < 2 ? n : fib_seq(n - 1) + fib_seq(n - 2); }

static void fib_task(void *arg, void *res) {
  int64_t n = (int64_t)(intptr_t)arg;
  if (n <= 20) {
    *(int64_t *)res = fib_seq(n);
    return;
  }
  GjTask *a = gj_task_spawn(fib_task, (void *)(intptr_t)(n - 1), &gj_type_int);
  int64_t x, y;
  fib_task((void *)(intptr_t)(n - 2), &y);
  gj_task_join(a, &x);
  gj_dec(a);
  *(int64_t *)res = x + y;
}

static void bench_fib(void *arg, void *res) {
  (void)arg, (void)res;
  double t0 = now_s();
  int64_t r;
  fib_task((void *)(intptr_t)32, &r);
  printf("fib: parallel fib(32) = %lld in %.3f s on %d workers\n", (long long)r,
         now_s() - t0, gj_task_workers());
}

int main(int argc, char **argv) {
  static const struct {
    const char *name;
    void (*fn)(void *, void *);
  } all[] = {{"spawn", bench_spawn},       {"pingpong", bench_pingpong},
             {"fourbyfour", bench_fourbyfour}, {"ring", bench_ring},
             {"fib", bench_fib}};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    if (argc < 2 || strcmp(argv[1], all[i].name) == 0) {
      join_drop(gj_task_spawn(all[i].fn, NULL, NULL));
      fflush(stdout);
    }
  return 0;
}
