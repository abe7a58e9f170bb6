/* fib with the checks guji's Int `+` makes (§6: overflow panics): the
 * same work as fib.guji, so the ratio to it shows what is left besides
 * the language's overflow checks. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int64_t fib(int64_t n) {
  if (n < 2) return n;
  int64_t r;
  if (__builtin_add_overflow(fib(n - 1), fib(n - 2), &r)) abort();
  return r;
}

int main(void) {
  printf("%lld\n", (long long)fib(35));
  return 0;
}
