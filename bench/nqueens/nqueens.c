/* nqueens — Koka's nqueens.kk (peer of nqueens.guji): all solutions of
 * the 13-queens problem as linked lists; prints their number, 73712.
 * A solution is a list of queen rows, newest first; each extension
 * Cons(queen, xs) shares its tail xs with the solution it extends, so the
 * solution lists carry a reference count and are freed by hand when the
 * last reference goes. The lists of solutions are owned by one holder and
 * their cells are freed as extend walks them. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct ilist { /* a solution; NULL is the empty one */
  int64_t rc;
  int64_t head;
  struct ilist *tail;
} ilist;

typedef struct slist { /* a list of solutions; NULL is empty */
  ilist *head;
  struct slist *tail;
} slist;

static void *xmalloc(size_t n) {
  void *p = malloc(n);
  if (!p) abort();
  return p;
}

static ilist *icons(int64_t head, ilist *tail) {
  ilist *c = xmalloc(sizeof *c);
  c->rc = 1;
  c->head = head;
  c->tail = tail;
  return c;
}
static ilist *idup(ilist *xs) { if (xs) xs->rc++; return xs; }
static void idrop(ilist *xs) {
  while (xs && --xs->rc == 0) {
    ilist *tail = xs->tail;
    free(xs);
    xs = tail;
  }
}

static slist *scons(ilist *head, slist *tail) {
  slist *c = xmalloc(sizeof *c);
  c->head = head;
  c->tail = tail;
  return c;
}

/* no queen in xs attacks queen (diag is the column distance) */
static bool safe(int64_t queen, int64_t diag, const ilist *xs) {
  for (; xs; xs = xs->tail, diag++) {
    int64_t q = xs->head;
    if (queen == q || queen == q + diag || queen == q - diag) return false;
  }
  return true;
}

/* xs borrowed, xss consumed */
static slist *append_safe(int64_t queen, ilist *xs, slist *xss) {
  for (; queen > 0; queen--)
    if (safe(queen, 1, xs)) xss = scons(icons(queen, idup(xs)), xss);
  return xss;
}

/* acc and xss consumed */
static slist *extend(int64_t queen, slist *acc, slist *xss) {
  while (xss) {
    slist *rest = xss->tail;
    acc = append_safe(queen, xss->head, acc);
    idrop(xss->head);
    free(xss);
    xss = rest;
  }
  return acc;
}

static slist *find_solutions(int64_t n, int64_t queen) {
  if (queen == 0) return scons(NULL, NULL);
  return extend(n, NULL, find_solutions(n, queen - 1));
}

static int64_t length(const slist *xss) {
  int64_t n = 0;
  for (; xss; xss = xss->tail) n++;
  return n;
}

static void sdrop(slist *xss) {
  while (xss) {
    slist *rest = xss->tail;
    idrop(xss->head);
    free(xss);
    xss = rest;
  }
}

static int64_t queens(int64_t n) {
  slist *s = find_solutions(n, n);
  int64_t len = length(s);
  sdrop(s);
  return len;
}

int main(void) {
  printf("%lld\n", (long long)queens(13));
  return 0;
}
