/* range.c — Range values (§4) as the compiler represents them.
 *
 * A Range is an object of five fields (lib/Lower: the Range object type):
 * the span it was written with — start, end, inclusive (`a..b` or
 * `a..=b`) —, a stride (1 unless `step(n)` made it larger) and a
 * reversed flag (`rev()`). Its values are start, start + stride, …
 * while below end (at most end when inclusive), descending when
 * reversed. Equality, order and hashing are the object's fields in that
 * order; these functions give its values, its text form and what
 * `step(n)` makes of a reversed Range. All arithmetic is on uint64_t,
 * so no span (INT64_MIN..=INT64_MAX included) overflows.
 */
#include "gujirt.h"

/* How many values the span holds with this stride (≥ 1). */
static uint64_t count(int64_t start, int64_t end, bool incl, int64_t step) {
  if (incl ? end < start : end <= start) return 0;
  uint64_t d = (uint64_t)end - (uint64_t)start - (incl ? 0 : 1);
  return d / (uint64_t)step + 1;
}

static int64_t nth(int64_t start, int64_t step, uint64_t k) {
  return (int64_t)((uint64_t)start + (uint64_t)step * k);
}

/* §4: $r.to_list(), and what every List method of a Range works on. */
GjList *gj_range_to_list(int64_t start, int64_t end, bool incl, int64_t step,
                         bool rev) {
  uint64_t n = count(start, end, incl, step);
  GjList *l = gj_list_with_cap(&gj_type_int, n > INT64_MAX ? INT64_MAX
                                                           : (int64_t)n);
  for (uint64_t k = 0; k < n; k++) {
    int64_t v = nth(start, step, rev ? n - 1 - k : k);
    l = gj_list_push(l, &v);
  }
  return l;
}

/* step(n) of a Range multiplies its stride (saturating: a stride past
 * the span leaves only the first value, as a huge one does). */
int64_t gj_range_step_stride(int64_t step, int64_t n) {
  int64_t r;
  return __builtin_mul_overflow(step, n, &r) ? INT64_MAX : r;
}

/* step(n) of a reversed Range keeps its first value, the span's last:
 * the result's span starts at the smallest value the new stride reaches
 * from there and ends, inclusive, at that last value. Not reversed (or
 * empty), the span stays. */
int64_t gj_range_step_start(int64_t start, int64_t end, bool incl,
                            int64_t step, bool rev, int64_t n) {
  uint64_t c = count(start, end, incl, step);
  if (!rev || c == 0) return start;
  return nth(start, step, (c - 1) % (uint64_t)n);
}

int64_t gj_range_step_end(int64_t start, int64_t end, bool incl, int64_t step,
                          bool rev) {
  uint64_t c = count(start, end, incl, step);
  if (!rev || c == 0) return end;
  return nth(start, step, c - 1);
}

bool gj_range_step_incl(int64_t start, int64_t end, bool incl, int64_t step,
                        bool rev) {
  return (rev && count(start, end, incl, step) > 0) || incl;
}
