/* cfold — Koka's cfold.kk (peer of cfold.guji): build a perfect tree of
 * additions of depth 20 (mk_expr(20, 1), as the C++ and OCaml peers in
 * Koka's repository), evaluate it, reassociate it into a right-leaning
 * chain, fold its constants and evaluate again; prints both values, one a
 * line. C idiom: reassoc and cfold consume the tree they are given and
 * update its nodes in place where the result keeps them (the reuse Perceus
 * gets in Koka); nodes they drop are freed at once. The chain is 2^20 long
 * and the functions on it recurse along it: this needs a deep stack
 * (run.sh raises the limit). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum kind { VAR, VAL, ADD, MUL };

typedef struct expr {
  enum kind kind;
  int64_t n;            /* VAR, VAL */
  struct expr *l, *r;   /* ADD, MUL */
} expr;

static expr *mk(enum kind k, int64_t n, expr *l, expr *r) {
  expr *e = malloc(sizeof *e);
  if (!e) abort();
  *e = (expr){k, n, l, r};
  return e;
}

static void drop(expr *e) {
  while (e) {
    expr *r = e->r;
    drop(e->l);
    free(e);
    e = r;
  }
}

static expr *mk_expr(int64_t n, int64_t v) {
  if (n == 0) return v == 0 ? mk(VAR, 1, NULL, NULL) : mk(VAL, v, NULL, NULL);
  expr *l = mk_expr(n - 1, v + 1);
  return mk(ADD, 0, l, mk_expr(n - 1, v - 1 > 0 ? v - 1 : 0));
}

static expr *append_add(expr *e0, expr *e3) {
  if (e0->kind == ADD) {
    e0->r = append_add(e0->r, e3);
    return e0;
  }
  return mk(ADD, 0, e0, e3);
}

static expr *append_mul(expr *e0, expr *e3) {
  if (e0->kind == MUL) {
    e0->r = append_mul(e0->r, e3);
    return e0;
  }
  return mk(MUL, 0, e0, e3);
}

static expr *reassoc(expr *e) {
  if (e->kind == ADD || e->kind == MUL) {
    enum kind k = e->kind;
    expr *l = reassoc(e->l);
    expr *r = reassoc(e->r);
    free(e);
    return k == ADD ? append_add(l, r) : append_mul(l, r);
  }
  return e;
}

static expr *cfold(expr *e) {
  if (e->kind != ADD && e->kind != MUL) return e;
  enum kind k = e->kind;
  expr *f1 = cfold(e->l);
  expr *f2 = cfold(e->r);
  if (f1->kind == VAL) {
    int64_t a = f1->n;
    if (f2->kind == VAL) { /* Val(a + b) */
      f1->n = k == ADD ? a + f2->n : a * f2->n;
      free(f2);
      free(e);
      return f1;
    }
    if (f2->kind == k && f2->r->kind == VAL) { /* (Val(a), Add(f, Val(b))): Add(Val(a + b), f) */
      f1->n = k == ADD ? a + f2->r->n : a * f2->r->n;
      e->l = f1;
      e->r = f2->l;
      free(f2->r);
      free(f2);
      return e;
    }
    if (f2->kind == k && f2->l->kind == VAL) { /* (Val(a), Add(Val(b), f)): Add(Val(a + b), f) */
      f1->n = k == ADD ? a + f2->l->n : a * f2->l->n;
      e->l = f1;
      e->r = f2->r;
      free(f2->l);
      free(f2);
      return e;
    }
  }
  e->l = f1;
  e->r = f2;
  return e;
}

static int64_t eval(const expr *e) {
  switch (e->kind) {
  case VAR: return 0;
  case VAL: return e->n;
  case ADD: return eval(e->l) + eval(e->r);
  case MUL: return eval(e->l) * eval(e->r);
  }
  abort();
}

int main(void) {
  expr *e = mk_expr(20, 1);
  int64_t v1 = eval(e);
  expr *f = cfold(reassoc(e));
  int64_t v2 = eval(f);
  drop(f);
  printf("%lld\n%lld\n", (long long)v1, (long long)v2);
  return 0;
}
