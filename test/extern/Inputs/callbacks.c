/* A small C library for test/extern: functions that call back. */
#include <stdbool.h>
#include <stdint.h>

/* f applied to x, then to the result, n times */
int64_t apply_n(int64_t (*f)(int64_t), int64_t x, int64_t n) {
  for (int64_t i = 0; i < n; i++)
    x = f(x);
  return x;
}

/* f(0) + f(1) + ... + f(n - 1) */
int64_t sum_map(int64_t (*f)(int64_t), int64_t n) {
  int64_t s = 0;
  for (int64_t i = 0; i < n; i++)
    s += f(i);
  return s;
}

/* the integral of f over [a, b] by the midpoint rule in n steps */
double integrate(double (*f)(double), double a, double b, int64_t n) {
  double h = (b - a) / (double)n, s = 0;
  for (int64_t i = 0; i < n; i++)
    s += f(a + ((double)i + 0.5) * h);
  return s * h;
}

/* how many of 0..n-1 satisfy p */
int64_t count_if(bool (*p)(int64_t), int64_t n) {
  int64_t c = 0;
  for (int64_t i = 0; i < n; i++)
    c += p(i) ? 1 : 0;
  return c;
}

bool both(bool a, bool b) { return a && b; }

uint32_t next_char(uint32_t c) { return c + 1; }

/* calls f with two arguments of different types */
double mix(double (*f)(int64_t, double, bool), int64_t i, double x) {
  return f(i, x, true) + f(i, x, false);
}

/* calls a Unit-returning callback n times */
void repeat(void (*f)(int64_t), int64_t n) {
  for (int64_t i = 0; i < n; i++)
    f(i);
}

const char *greeting(bool formal) {
  return formal ? "Good day, \xc3\xa9t\xc3\xa9" : (const char *)0;
}
