/* binarytrees — the Benchmarks Game's binary-trees (peer of
 * binarytrees.guji), as Koka's binarytrees.kk builds its trees (make-rec,
 * checkr), single-threaded as every peer here: max depth 21, min depth 4,
 * stretch tree of depth 22, a long-lived tree of depth 21, and
 * 2^(21 - d + 4) trees per depth d = 4, 6, …, 21. malloc/free by hand:
 * each tree is freed as soon as it has been checked. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct node {
  struct node *left, *right; /* NULL is a tip */
} node;

static node *make(int64_t depth) {
  node *n = malloc(sizeof *n);
  if (!n) abort();
  if (depth > 0) {
    n->left = make(depth - 1);
    n->right = make(depth - 1);
  } else {
    n->left = n->right = NULL;
  }
  return n;
}

static int64_t check(const node *t) {
  return t ? check(t->left) + check(t->right) + 1 : 0;
}

static void drop(node *t) {
  if (!t) return;
  drop(t->left);
  drop(t->right);
  free(t);
}

static int64_t make_check_drop(int64_t depth) {
  node *t = make(depth);
  int64_t c = check(t);
  drop(t);
  return c;
}

int main(void) {
  int64_t n = 21, min_depth = 4;
  int64_t max_depth = min_depth + 2 > n ? min_depth + 2 : n;

  int64_t stretch_depth = max_depth + 1;
  printf("stretch tree of depth %lld\t check: %lld\n", (long long)stretch_depth,
         (long long)make_check_drop(stretch_depth));

  node *long_lived = make(max_depth);

  for (int64_t depth = min_depth; depth <= max_depth; depth += 2) {
    int64_t count = (int64_t)1 << (max_depth - depth + min_depth);
    int64_t sum = 0;
    for (int64_t i = 0; i < count; i++) sum += make_check_drop(depth);
    printf("%lld\t trees of depth %lld\t check: %lld\n", (long long)count, (long long)depth,
           (long long)sum);
  }

  printf("long lived tree of depth %lld\t check: %lld\n", (long long)max_depth,
         (long long)check(long_lived));
  drop(long_lived);
  return 0;
}
