// cfold — Koka's cfold.kk (peer of cfold.guji; Koka's cfold.cpp is the
// model, but it never frees): build a perfect tree of additions of depth
// 20 (mk_expr(20, 1), as Koka's C++ and OCaml peers), evaluate it,
// reassociate it into a right-leaning chain, fold its constants and
// evaluate again; prints both values, one a line. Nodes are owned by
// std::unique_ptr; reassoc and cfold take the tree over and update its
// nodes in place where the result keeps them (the reuse Perceus gets in
// Koka). The chain is 2^20 long and the functions on it recurse along it:
// this needs a deep stack (run.sh raises the limit).
#include <cstdint>
#include <cstdio>
#include <memory>

enum class Kind { Var, Val, Add, Mul };

struct Expr;
using P = std::unique_ptr<Expr>;

struct Expr {
  Kind kind;
  int64_t n = 0;  // Var, Val
  P l, r;         // Add, Mul
  Expr(Kind k, int64_t v) : kind(k), n(v) {}
  Expr(Kind k, P a, P b) : kind(k), l(std::move(a)), r(std::move(b)) {}
  ~Expr() {  // free the right spine in a loop, not by recursion
    while (r) r = std::move(r->r);
  }
};

static P leaf(Kind k, int64_t v) { return std::make_unique<Expr>(k, v); }
static P node(Kind k, P a, P b) { return std::make_unique<Expr>(k, std::move(a), std::move(b)); }

static P mk_expr(int64_t n, int64_t v) {
  if (n == 0) return v == 0 ? leaf(Kind::Var, 1) : leaf(Kind::Val, v);
  P l = mk_expr(n - 1, v + 1);
  return node(Kind::Add, std::move(l), mk_expr(n - 1, std::max<int64_t>(v - 1, 0)));
}

static P append(Kind k, P e0, P e3) {  // append_add (k = Add), append_mul (k = Mul)
  if (e0->kind == k) {
    e0->r = append(k, std::move(e0->r), std::move(e3));
    return e0;
  }
  return node(k, std::move(e0), std::move(e3));
}

static P reassoc(P e) {
  if (e->kind == Kind::Add || e->kind == Kind::Mul) {
    P l = reassoc(std::move(e->l));
    P r = reassoc(std::move(e->r));
    return append(e->kind, std::move(l), std::move(r));
  }
  return e;
}

static int64_t op(Kind k, int64_t a, int64_t b) { return k == Kind::Add ? a + b : a * b; }

static P cfold(P e) {
  if (e->kind != Kind::Add && e->kind != Kind::Mul) return e;
  const Kind k = e->kind;
  P f1 = cfold(std::move(e->l));
  P f2 = cfold(std::move(e->r));
  if (f1->kind == Kind::Val) {
    if (f2->kind == Kind::Val) {  // Val(a + b)
      f1->n = op(k, f1->n, f2->n);
      return f1;
    }
    if (f2->kind == k && f2->r->kind == Kind::Val) {  // (Val(a), Add(f, Val(b))): Add(Val(a + b), f)
      f1->n = op(k, f1->n, f2->r->n);
      e->l = std::move(f1);
      e->r = std::move(f2->l);
      return e;
    }
    if (f2->kind == k && f2->l->kind == Kind::Val) {  // (Val(a), Add(Val(b), f)): Add(Val(a + b), f)
      f1->n = op(k, f1->n, f2->l->n);
      e->l = std::move(f1);
      e->r = std::move(f2->r);
      return e;
    }
  }
  e->l = std::move(f1);
  e->r = std::move(f2);
  return e;
}

static int64_t eval(const Expr* e) {
  switch (e->kind) {
  case Kind::Var: return 0;
  case Kind::Val: return e->n;
  case Kind::Add: return eval(e->l.get()) + eval(e->r.get());
  case Kind::Mul: return eval(e->l.get()) * eval(e->r.get());
  }
  return 0;
}

int main() {
  P e = mk_expr(20, 1);
  int64_t v1 = eval(e.get());
  P f = cfold(reassoc(std::move(e)));
  int64_t v2 = eval(f.get());
  std::printf("%lld\n%lld\n", (long long)v1, (long long)v2);
  return 0;
}
