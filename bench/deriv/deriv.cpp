// deriv — Koka's deriv.kk (peer of deriv.guji; Koka's own deriv.cpp is the
// model, but it never frees): symbolic differentiation; from f = x^x take
// the derivative ten times, simplifying as it goes, and print each step's
// number of leaves, then "done". The expressions are immutable and share
// subterms (d(f*g) mentions f and g again), so they are held by
// std::shared_ptr<const Expr> (unique_ptr cannot share): a node is freed
// when its last reference goes, and each step's input when its derivative
// is built.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

enum class Kind { Val, Var, Add, Mul, Pow, Ln };

struct Expr;
using P = std::shared_ptr<const Expr>;

struct Expr {
  Kind kind;
  int64_t value = 0;  // Val
  std::string name;   // Var
  P l, r;             // Add Mul Pow (l, r); Ln (l)
  Expr(Kind k, int64_t v) : kind(k), value(v) {}
  Expr(Kind k, std::string s) : kind(k), name(std::move(s)) {}
  Expr(Kind k, P a, P b) : kind(k), l(std::move(a)), r(std::move(b)) {}
};

static P val(int64_t n) { return std::make_shared<const Expr>(Kind::Val, n); }
static P var(std::string s) { return std::make_shared<const Expr>(Kind::Var, std::move(s)); }
static P bin(Kind k, P a, P b) { return std::make_shared<const Expr>(k, std::move(a), std::move(b)); }
static bool is_val(const P& e, int64_t n) { return e->kind == Kind::Val && e->value == n; }

// a ^ b by repeated squaring (as Koka's deriv.cpp)
static int64_t pown(int64_t a, int64_t b) {
  if (b == 0) return 1;
  if (b == 1) return a;
  int64_t y = pown(a, b / 2);
  return y * y * (b % 2 == 0 ? 1 : a);
}

static P add(const P& n0, const P& m0) {
  if (n0->kind == Kind::Val && m0->kind == Kind::Val) return val(n0->value + m0->value);
  if (is_val(n0, 0)) return m0;
  if (is_val(m0, 0)) return n0;
  if (m0->kind == Kind::Val) return add(m0, n0);
  if (n0->kind == Kind::Val && m0->kind == Kind::Add && m0->l->kind == Kind::Val)
    return add(val(n0->value + m0->l->value), m0->r);
  if (m0->kind == Kind::Add && m0->l->kind == Kind::Val) return add(m0->l, add(n0, m0->r));
  if (n0->kind == Kind::Add) return add(n0->l, add(n0->r, m0));
  return bin(Kind::Add, n0, m0);
}

static P mul(const P& n0, const P& m0) {
  if (n0->kind == Kind::Val && m0->kind == Kind::Val) return val(n0->value * m0->value);
  if (is_val(n0, 0)) return val(0);
  if (is_val(m0, 0)) return val(0);
  if (is_val(n0, 1)) return m0;
  if (is_val(m0, 1)) return n0;
  if (m0->kind == Kind::Val) return mul(m0, n0);
  if (n0->kind == Kind::Val && m0->kind == Kind::Mul && m0->l->kind == Kind::Val)
    return mul(val(n0->value * m0->l->value), m0->r);
  if (m0->kind == Kind::Mul && m0->l->kind == Kind::Val) return mul(m0->l, mul(n0, m0->r));
  if (n0->kind == Kind::Mul) return mul(n0->l, mul(n0->r, m0));
  return bin(Kind::Mul, n0, m0);
}

static P powr(const P& m0, const P& n0) {
  if (m0->kind == Kind::Val && n0->kind == Kind::Val) return val(pown(m0->value, n0->value));
  if (is_val(n0, 0)) return val(1);
  if (is_val(n0, 1)) return m0;
  if (is_val(m0, 0)) return val(0);
  return bin(Kind::Pow, m0, n0);
}

static P ln(const P& n) {
  if (is_val(n, 1)) return val(0);
  return bin(Kind::Ln, n, nullptr);
}

static P d(const std::string& x, const P& e) {
  switch (e->kind) {
  case Kind::Val: return val(0);
  case Kind::Var: return val(x == e->name ? 1 : 0);
  case Kind::Add: {
    P df = d(x, e->l);
    return add(df, d(x, e->r));
  }
  case Kind::Mul: {
    const P &f = e->l, &g = e->r;
    P a = mul(f, d(x, g));
    return add(a, mul(g, d(x, f)));
  }
  case Kind::Pow: {
    const P &f = e->l, &g = e->r;
    P p = powr(f, g);
    P a = mul(mul(g, d(x, f)), powr(f, val(-1)));
    P b = mul(ln(f), d(x, g));
    return mul(p, add(a, b));
  }
  case Kind::Ln: {
    const P& f = e->l;
    P df = d(x, f);
    return mul(df, powr(f, val(-1)));
  }
  }
  return nullptr;
}

static int64_t count(const Expr* e) {
  switch (e->kind) {
  case Kind::Val: case Kind::Var: return 1;
  case Kind::Add: case Kind::Mul: case Kind::Pow: return count(e->l.get()) + count(e->r.get());
  case Kind::Ln: return count(e->l.get());
  }
  return 0;
}

static P deriv(int64_t i, const P& f) {
  P e = d("x", f);
  std::printf("%lld count: %lld\n", (long long)(i + 1), (long long)count(e.get()));
  return e;
}

static P nest(P (*f)(int64_t, const P&), int64_t n, P e) {
  for (int64_t s = n; n > 0; n--) e = f(s - n, e);
  return e;
}

int main() {
  P x = var("x");
  P f = powr(x, x);
  nest(deriv, 10, f);
  std::printf("done\n");
  return 0;
}
