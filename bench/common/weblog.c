// weblog — the input of the logparse benchmark: `weblog N` writes N lines
// of web-server-like log, deterministically (a fixed 64-bit LCG from a fixed
// seed):
//   2026-12-01T10:00:03Z GET /api/users/42 200 1532 12ms
// timestamp, method, path (numeric ids as whole path segments), status,
// bytes, latency. About 2% of the lines are malformed in one of several
// ways (missing field, lower-case method, 2-digit status, missing `ms`,
// trailing space, junk), so that /^(\S+) ([A-Z]+) (\S+) (\d{3}) (\d+) (\d+)ms$/
// rejects them. All ASCII.
#include <stdio.h>
#include <stdlib.h>

static unsigned long long state = 1234567ULL;
static unsigned rnd(void) {  // 31 high bits of a 64-bit LCG (Knuth's MMIX)
  state = state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (unsigned)(state >> 33);
}

static const char *methods[] = {"GET", "GET", "GET", "GET", "GET", "GET", "POST", "POST",
                                "PUT", "DELETE", "PATCH", "HEAD"};

static int path(char *b, int cap) {
  unsigned k = rnd() % 100;
  unsigned id = rnd() % 100000, id2 = rnd() % 500;
  if (k < 25) return snprintf(b, cap, "/api/users/%u", id);
  if (k < 40) return snprintf(b, cap, "/api/users/%u/orders/%u", id, id2);
  if (k < 52) return snprintf(b, cap, "/api/items/%u", id % 5000);
  if (k < 60) return snprintf(b, cap, "/api/items/%u/reviews", id % 5000);
  if (k < 68) return snprintf(b, cap, "/static/app.js");
  if (k < 74) return snprintf(b, cap, "/static/style.css");
  if (k < 79) return snprintf(b, cap, "/api/search?q=w%u", id % 300);
  if (k < 84) return snprintf(b, cap, "/login");
  if (k < 89) return snprintf(b, cap, "/health");
  if (k < 93) return snprintf(b, cap, "/api/v2/carts/%u", id);
  if (k < 96) return snprintf(b, cap, "/");
  return snprintf(b, cap, "/blog/post-%u/comments/%u", id % 800, id2);
}

static unsigned status(void) {
  unsigned k = rnd() % 1000;
  if (k < 780) return 200;
  if (k < 820) return 201;
  if (k < 840) return 204;
  if (k < 880) return 304;
  if (k < 900) return 301;
  if (k < 950) return 404;
  if (k < 965) return 400;
  if (k < 975) return 403;
  if (k < 990) return 500;
  return 503;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 1000000;
  long t = 0;  // seconds since 2026-12-01T00:00:00Z
  char p[128];
  for (long i = 0; i < n; i++) {
    t += rnd() % 3;
    int day = 1 + (int)(t / 86400 % 31), hh = t / 3600 % 24, mm = t / 60 % 60, ss = t % 60;
    char ts[32];
    snprintf(ts, sizeof ts, "2026-12-%02dT%02d:%02d:%02dZ", day, hh, mm, ss);
    const char *m = methods[rnd() % (sizeof methods / sizeof methods[0])];
    path(p, sizeof p);
    unsigned st = status();
    unsigned bytes = st == 204 || st == 304 ? 0 : 200 + rnd() % 20000;
    unsigned ms = 1 + rnd() % 40 + (rnd() % 20 == 0 ? rnd() % 2000 : 0);
    unsigned bad = rnd() % 1000;
    if (bad >= 20) { printf("%s %s %s %u %u %ums\n", ts, m, p, st, bytes, ms); continue; }
    switch (bad % 7) {
      case 0: printf("%s %s %s %u %u\n", ts, m, p, st, bytes); break;          // no latency
      case 1: printf("%s get %s %u %u %ums\n", ts, p, st, bytes, ms); break;    // lower case
      case 2: printf("%s %s %s %u %u %ums\n", ts, m, p, st / 10, bytes, ms); break;  // 2-digit status
      case 3: printf("%s %s %s %u %u %u\n", ts, m, p, st, bytes, ms); break;    // no `ms`
      case 4: printf("%s %s %s %u %u %ums \n", ts, m, p, st, bytes, ms); break; // trailing space
      case 5: printf("%s %s  %s %u %u %ums\n", ts, m, p, st, bytes, ms); break; // double space
      default: printf("-- server restarted at %s --\n", ts); break;             // junk
    }
  }
  return 0;
}
