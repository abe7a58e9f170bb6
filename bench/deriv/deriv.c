/* deriv — Koka's deriv.kk (peer of deriv.guji): symbolic differentiation;
 * from f = x^x take the derivative ten times, simplifying as it goes, and
 * print each step's number of leaves, then "done". The expressions share
 * subterms (d(f*g) mentions f and g again), so memory is managed by hand
 * with a reference count per node: every function below consumes the
 * references it is given and returns a new one, except d and count, which
 * only look at their expression (deriv.kk's `^e`, borrowed). Each step's
 * input is dropped once its derivative is built. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { VAL, VAR, ADD, MUL, POW, LN };

typedef struct expr {
  int64_t rc;
  enum kind kind;
  union {
    int64_t value;     /* VAL */
    const char *name;  /* VAR */
    struct {           /* ADD MUL POW (l, r); LN (l) */
      struct expr *l, *r;
    };
  };
} expr;

static expr *alloc(enum kind k) {
  expr *e = malloc(sizeof *e);
  if (!e) abort();
  e->rc = 1;
  e->kind = k;
  return e;
}
static expr *val(int64_t n) { expr *e = alloc(VAL); e->value = n; return e; }
static expr *var(const char *s) { expr *e = alloc(VAR); e->name = s; return e; }
static expr *bin(enum kind k, expr *l, expr *r) { expr *e = alloc(k); e->l = l; e->r = r; return e; }
static expr *un(enum kind k, expr *l) { expr *e = alloc(k); e->l = l; e->r = NULL; return e; }

static expr *dup(expr *e) { e->rc++; return e; }
static void drop(expr *e) {
  while (e && --e->rc == 0) {
    expr *next = NULL;
    if (e->kind >= ADD) {
      next = e->l;
      if (e->kind != LN) drop(e->r);
    }
    free(e);
    e = next;
  }
}

static int is_val(const expr *e, int64_t n) { return e->kind == VAL && e->value == n; }

/* a ^ b by repeated squaring (as Koka's deriv.cpp) */
static int64_t pown(int64_t a, int64_t b) {
  if (b == 0) return 1;
  if (b == 1) return a;
  int64_t y = pown(a, b / 2);
  return y * y * (b % 2 == 0 ? 1 : a);
}

static expr *add(expr *n0, expr *m0) {
  if (n0->kind == VAL && m0->kind == VAL) {
    expr *r = val(n0->value + m0->value);
    drop(n0); drop(m0);
    return r;
  }
  if (is_val(n0, 0)) { drop(n0); return m0; }
  if (is_val(m0, 0)) { drop(m0); return n0; }
  if (m0->kind == VAL) return add(m0, n0);
  if (n0->kind == VAL && m0->kind == ADD && m0->l->kind == VAL) {
    expr *r = val(n0->value + m0->l->value), *f = dup(m0->r);
    drop(n0); drop(m0);
    return add(r, f);
  }
  if (m0->kind == ADD && m0->l->kind == VAL) {
    expr *n = dup(m0->l), *g = dup(m0->r);
    drop(m0);
    return add(n, add(n0, g));
  }
  if (n0->kind == ADD) {
    expr *f = dup(n0->l), *g = dup(n0->r);
    drop(n0);
    return add(f, add(g, m0));
  }
  return bin(ADD, n0, m0);
}

static expr *mul(expr *n0, expr *m0) {
  if (n0->kind == VAL && m0->kind == VAL) {
    expr *r = val(n0->value * m0->value);
    drop(n0); drop(m0);
    return r;
  }
  if (is_val(n0, 0)) { drop(n0); drop(m0); return val(0); }
  if (is_val(m0, 0)) { drop(n0); drop(m0); return val(0); }
  if (is_val(n0, 1)) { drop(n0); return m0; }
  if (is_val(m0, 1)) { drop(m0); return n0; }
  if (m0->kind == VAL) return mul(m0, n0);
  if (n0->kind == VAL && m0->kind == MUL && m0->l->kind == VAL) {
    expr *r = val(n0->value * m0->l->value), *f = dup(m0->r);
    drop(n0); drop(m0);
    return mul(r, f);
  }
  if (m0->kind == MUL && m0->l->kind == VAL) {
    expr *n = dup(m0->l), *g = dup(m0->r);
    drop(m0);
    return mul(n, mul(n0, g));
  }
  if (n0->kind == MUL) {
    expr *f = dup(n0->l), *g = dup(n0->r);
    drop(n0);
    return mul(f, mul(g, m0));
  }
  return bin(MUL, n0, m0);
}

static expr *powr(expr *m0, expr *n0) {
  if (m0->kind == VAL && n0->kind == VAL) {
    expr *r = val(pown(m0->value, n0->value));
    drop(m0); drop(n0);
    return r;
  }
  if (is_val(n0, 0)) { drop(m0); drop(n0); return val(1); }
  if (is_val(n0, 1)) { drop(n0); return m0; }
  if (is_val(m0, 0)) { drop(m0); drop(n0); return val(0); }
  return bin(POW, m0, n0);
}

static expr *ln(expr *n) {
  if (is_val(n, 1)) { drop(n); return val(0); }
  return un(LN, n);
}

/* the derivative of e (borrowed) with respect to x */
static expr *d(const char *x, expr *e) {
  switch (e->kind) {
  case VAL: return val(0);
  case VAR: return val(strcmp(x, e->name) == 0 ? 1 : 0);
  case ADD: {
    expr *df = d(x, e->l);
    return add(df, d(x, e->r));
  }
  case MUL: {
    expr *f = e->l, *g = e->r;
    expr *a = mul(dup(f), d(x, g));
    return add(a, mul(dup(g), d(x, f)));
  }
  case POW: {
    expr *f = e->l, *g = e->r;
    expr *p = powr(dup(f), dup(g));
    expr *a = mul(dup(g), d(x, f));
    a = mul(a, powr(dup(f), val(-1)));
    expr *b = mul(ln(dup(f)), d(x, g));
    return mul(p, add(a, b));
  }
  case LN: {
    expr *f = e->l;
    expr *df = d(x, f);
    return mul(df, powr(dup(f), val(-1)));
  }
  }
  abort();
}

static int64_t count(const expr *e) {
  switch (e->kind) {
  case VAL: case VAR: return 1;
  case ADD: case MUL: case POW: return count(e->l) + count(e->r);
  case LN: return count(e->l);
  }
  abort();
}

static expr *deriv(int64_t i, expr *f) {
  expr *e = d("x", f);
  printf("%lld count: %lld\n", (long long)(i + 1), (long long)count(e));
  return e;
}

/* apply f n times, dropping each intermediate expression */
static expr *nest(expr *(*f)(int64_t, expr *), int64_t n, expr *e) {
  for (int64_t s = n; n > 0; n--) {
    expr *y = f(s - n, e);
    drop(e);
    e = y;
  }
  return e;
}

int main(void) {
  expr *x = var("x");
  expr *f = powr(dup(x), x);
  drop(nest(deriv, 10, f));
  printf("done\n");
  return 0;
}
