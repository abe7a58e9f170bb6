/* collatz with the checks guji's Int arithmetic makes (§6: overflow
 * panics on 3n+1 and on the step count): the same work as collatz.guji. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int64_t steps(int64_t n) {
  int64_t count = 0;
  while (n != 1) {
    if (n % 2 == 0) {
      n = n / 2;
    } else {
      int64_t t;
      if (__builtin_mul_overflow(n, 3, &t) || __builtin_add_overflow(t, 1, &n))
        abort();
    }
    if (__builtin_add_overflow(count, 1, &count)) abort();
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
