/* collatz — the longest Collatz chain for a start below 3,000,000 (peer of
 * collatz.guji): prints the start, then its number of steps to reach 1. */
#include <stdint.h>
#include <stdio.h>

static int64_t steps(int64_t n) {
  int64_t count = 0;
  while (n != 1) {
    n = n % 2 == 0 ? n / 2 : 3 * n + 1;
    count += 1;
  }
  return count;
}

int main(void) {
  int64_t best = 1, best_len = 0;
  for (int64_t i = 1; i < 3000000; i++) {
    int64_t len = steps(i);
    if (len > best_len) {
      best = i;
      best_len = len;
    }
  }
  printf("%lld\n%lld\n", (long long)best, (long long)best_len);
  return 0;
}
