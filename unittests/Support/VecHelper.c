/* VecHelper.c — VEC_PUSH exercised from C: the macro assigns the arena's
 * `void *` to the element pointer, which C allows and C++ does not, so the
 * GoogleTest side (SupportTest.cpp) calls these. */
#include "guji/Support.h"

typedef struct Pair {
  int a;
  double b;
} Pair;

int vec_helper_ints(Arena *a, int n, int **data, size_t *cap);
int vec_helper_pairs(Arena *a, int n);

/* Pushes 0, 3, 6, … (n of them); returns the length. */
int vec_helper_ints(Arena *a, int n, int **data, size_t *cap) {
  VEC(int) xs = {0};
  for (int i = 0; i < n; i++) VEC_PUSH(a, xs, i * 3);
  *data = xs.data;
  *cap = xs.cap;
  return (int)xs.len;
}

/* Pushes n structs and checks them; returns the last one's `a` or -1. */
int vec_helper_pairs(Arena *a, int n) {
  VEC(Pair) ps = {0};
  for (int i = 0; i < n; i++) VEC_PUSH(a, ps, ((Pair){i, i * 0.5}));
  for (int i = 0; i < n; i++)
    if (ps.data[i].a != i || ps.data[i].b != i * 0.5) return -1;
  return ps.len ? VEC_LAST(ps).a : -1;
}
