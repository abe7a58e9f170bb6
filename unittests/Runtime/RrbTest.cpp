// RrbTest.cpp — List[T] as a relaxed radix balanced tree (§15: index,
// set, push and pop O(log32 n); `++` and slices O(log n)): random walks of
// 10^5 operations on List[Int] and List[Str] against a model, keeping old
// versions (persistence: they never change); deep concatenations of many
// small slices with the tree's invariants checked (gj_rt_list_check:
// size tables, strict nodes, height O(log n)); the slice recursion of
// `[_, ..$rest]` in O(log n) a step; slices releasing what they do not
// cover; live-object counts back to where they started.
#include "RuntimeTestUtil.h"

extern "C" {
#include "../../runtime/src/rt_internal.h"
}

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using gujitest::str;

namespace {

const GjLoc kLoc = {"t.guji", 7, 3};

// The tree's invariants hold and its height is within `slack` levels of
// the least height that can hold len elements in 32-way nodes.
void expect_shape(const GjList *l, int slack = 2) {
  GjRtListShape sh;
  const char *err = gj_rt_list_check(l, &sh);
  ASSERT_EQ(err, nullptr) << err;
  int64_t len = gj_list_len(l);
  int least = 0; // a tree of height h holds 32^(h+1), the tail 32 more
  for (double tree = 32; tree + 32 < (double)len; tree *= 32)
    least++;
  EXPECT_LE(sh.height, least + slack) << "len " << len;
}

GjRtListShape shape(const GjList *l) {
  GjRtListShape sh;
  const char *err = gj_rt_list_check(l, &sh);
  EXPECT_EQ(err, nullptr) << err;
  return sh;
}

// ---- the model --------------------------------------------------------------
//
// A version's model is the vector of its elements' 8 bytes: Ints, or the
// GjStr pointers the list holds (not owned by the model: the list's
// references keep them alive while the version lives). So a check is a
// memcmp of each chunk, and a Str list is right only if it holds the very
// strings it was given. Their texts are checked where the list is read
// (get, pop) and by eq/cmp/hash.

struct IntElems {
  static const GjType *type() { return &gj_type_int; }
  static uint64_t make(std::mt19937_64 &rng) {
    return (uint64_t)((int64_t)(rng() % 200000) - 1000);
  }
  static void drop(uint64_t) {}
  static void inc(uint64_t) {}
  static std::string text(uint64_t v) { return std::to_string((int64_t)v); }
};

struct StrElems {
  static const GjType *type() { return &gj_type_str; }
  static uint64_t make(std::mt19937_64 &rng) {
    std::string s = "s" + std::to_string(rng() % 5000);
    GjStr *g = gj_str_from_bytes(s.data(), (int64_t)s.size());
    uint64_t v;
    memcpy(&v, &g, 8);
    return v;
  }
  static GjStr *ptr(uint64_t v) {
    GjStr *g;
    memcpy(&g, &v, 8);
    return g;
  }
  static void drop(uint64_t v) { gj_dec(ptr(v)); }
  static void inc(uint64_t v) { gj_inc(ptr(v)); }
  static std::string text(uint64_t v) { return str(ptr(v)); }
};

using Model = std::vector<uint64_t>;

template <class E> struct Version {
  GjList *list;
  Model model;
};

void expect_same(const GjList *l, const Model &m) {
  ASSERT_EQ(gj_list_len(l), (int64_t)m.size());
  for (int64_t i = 0; i < (int64_t)m.size();) {
    int64_t n;
    const void *p = gj_list_chunk(l, i, &n);
    ASSERT_NE(p, nullptr) << i;
    ASSERT_GE(n, 1);
    ASSERT_LE(i + n, (int64_t)m.size());
    ASSERT_EQ(memcmp(p, m.data() + i, (size_t)n * 8), 0)
        << "chunk at " << i << " of " << n;
    i += n;
  }
  int64_t n;
  EXPECT_EQ(gj_list_chunk(l, (int64_t)m.size(), &n), nullptr);
  EXPECT_EQ(n, 0);
}

template <class E> int model_cmp(const Model &a, const Model &b) {
  for (size_t i = 0; i < a.size() && i < b.size(); i++) {
    std::string x = E::text(a[i]), y = E::text(b[i]);
    if (E::type() == &gj_type_int) {
      if ((int64_t)a[i] != (int64_t)b[i])
        return (int64_t)a[i] < (int64_t)b[i] ? -1 : 1;
    } else if (x != y) {
      return x < y ? -1 : 1;
    }
  }
  return (a.size() > b.size()) - (a.size() < b.size());
}

// A new list holding the model's elements (incremented), built by pushes.
template <class E> GjList *rebuild(const Model &m) {
  GjList *l = gj_list_new(E::type());
  for (uint64_t v : m) {
    E::inc(v);
    l = gj_list_push(l, &v);
  }
  return l;
}

template <class E> class Walk {
public:
  explicit Walk(uint64_t seed, size_t max_len)
      : rng_(seed), max_len_(max_len) {
    pool_.push_back({gj_list_new(E::type()), {}});
  }

  void run(int ops) {
    for (int step = 0; step < ops; step++) {
      one_step();
      if (::testing::Test::HasFatalFailure())
        return;
      if (step % 2000 == 0) // old versions never change
        for (auto &w : pool_)
          expect_same(w.list, w.model);
    }
  }

  ~Walk() {
    for (auto &w : pool_) {
      expect_same(w.list, w.model);
      gj_dec(w.list);
    }
  }

private:
  size_t pick(size_t n) { return n ? (size_t)(rng_() % n) : 0; }

  void one_step() {
    size_t vi = pick(pool_.size());
    // Half the time the version is consumed, so unique lists are updated
    // in place; otherwise it is kept and must not change.
    bool consume = rng_() % 2 && pool_.size() > 1;
    Version<E> v = pool_[vi];
    if (consume)
      pool_.erase(pool_.begin() + (long)vi);
    else
      gj_inc(v.list); // every operation below consumes one reference
    GjList *l = v.list;
    Model m = v.model;
    int op = (int)pick(100);
    if (m.size() > max_len_ && op < 30)
      op = 40 + (int)pick(30); // keep sizes bounded: pop or slice
    if (op < 20)
      l = push(l, m);
    else if (op < 28)
      l = set(l, m);
    else if (op < 30)
      get(l, m);
    else if (op < 40)
      l = pop(l, m);
    else if (op < 52)
      l = slice(l, m);
    else if (op < 58)
      l = take_drop(l, m);
    else if (op < 60)
      l = drop_front(l, m);
    else if (op < 78)
      l = concat(l, m);
    else if (op < 86)
      l = insert(l, m);
    else if (op < 92)
      l = remove(l, m);
    else
      compare(l, m);
    if (::testing::Test::HasFatalFailure())
      return;
    expect_same(l, m);
    expect_shape(l);
    pool_.push_back({l, m});
    if (pool_.size() > 40) { // drop a random version
      size_t d = pick(pool_.size());
      gj_dec(pool_[d].list);
      pool_.erase(pool_.begin() + (long)d);
    }
  }

  GjList *push(GjList *l, Model &m) {
    int k = 1 + (int)pick(rng_() % 4 ? 40 : 300);
    for (int j = 0; j < k; j++) {
      uint64_t x = E::make(rng_);
      l = gj_list_push(l, &x);
      m.push_back(x);
    }
    return l;
  }

  GjList *set(GjList *l, Model &m) {
    for (int k = 1 + (int)pick(8); k > 0 && !m.empty(); k--) {
      size_t i = pick(m.size());
      uint64_t x = E::make(rng_);
      l = gj_list_set(l, (int64_t)i, &x, &kLoc);
      m[i] = x;
    }
    return l;
  }

  void get(const GjList *l, const Model &m) {
    for (int k = 0; k < 20 && !m.empty(); k++) {
      size_t i = pick(m.size());
      uint64_t out;
      gj_list_get(l, (int64_t)i, &out, &kLoc);
      ASSERT_EQ(out, m[i]);
      ASSERT_EQ(E::text(out), E::text(m[i]));
      ASSERT_TRUE(gj_list_try_get(l, (int64_t)i, &out));
    }
    uint64_t out;
    EXPECT_FALSE(gj_list_try_get(l, (int64_t)m.size(), &out));
    EXPECT_FALSE(gj_list_try_get(l, -1, &out));
  }

  GjList *pop(GjList *l, Model &m) {
    int k = 1 + (int)pick(rng_() % 4 ? 40 : 400);
    for (int j = 0; j < k && !m.empty(); j++) {
      uint64_t out;
      l = gj_list_pop(l, &out);
      EXPECT_EQ(out, m.back());
      EXPECT_EQ(E::text(out), E::text(m.back()));
      E::drop(out);
      m.pop_back();
    }
    return l;
  }

  GjList *replace(GjList *l, GjList *r) {
    gj_dec(l);
    return r;
  }

  GjList *slice(GjList *l, Model &m) {
    size_t a = pick(m.size() + 1);
    size_t b = a + pick(m.size() - a + 1);
    if (rng_() % 3 == 0) // a narrow slice
      b = std::min(m.size(), a + pick(70));
    l = replace(l, gj_list_slice(l, (int64_t)a, (int64_t)b, &kLoc));
    m = Model(m.begin() + (long)a, m.begin() + (long)b);
    return l;
  }

  GjList *take_drop(GjList *l, Model &m) {
    int64_t n = (int64_t)pick(m.size() + 10) - 5;
    long c = n < 0 ? 0 : (long)std::min((size_t)n, m.size());
    if (rng_() % 2) {
      l = replace(l, gj_list_take(l, n));
      m.resize((size_t)c);
    } else {
      l = replace(l, gj_list_drop(l, n));
      m.erase(m.begin(), m.begin() + c);
    }
    return l;
  }

  // [_, ..$rest], a few steps
  GjList *drop_front(GjList *l, Model &m) {
    for (int k = (int)pick(100); k > 0 && !m.empty(); k--) {
      l = replace(l, gj_list_slice(l, 1, gj_list_len(l), &kLoc));
      m.erase(m.begin());
    }
    return l;
  }

  GjList *concat(GjList *l, Model &m) {
    const Version<E> &w = pool_[pick(pool_.size())];
    if (m.size() + w.model.size() > 2 * max_len_)
      return l;
    bool left = rng_() % 3 == 0; // w ++ l
    l = replace(l, left ? gj_list_concat(w.list, l)
                        : gj_list_concat(l, w.list));
    m.insert(left ? m.begin() : m.end(), w.model.begin(), w.model.end());
    return l;
  }

  // insert(i, x): what the compiler lowers it to, slice + push + concat
  GjList *insert(GjList *l, Model &m) {
    size_t i = pick(m.size() + 1);
    uint64_t x = E::make(rng_);
    GjList *a = gj_list_push(gj_list_slice(l, 0, (int64_t)i, &kLoc), &x);
    GjList *b = gj_list_slice(l, (int64_t)i, (int64_t)m.size(), &kLoc);
    GjList *r = gj_list_concat(a, b);
    gj_dec(a);
    gj_dec(b);
    m.insert(m.begin() + (long)i, x);
    return replace(l, r);
  }

  GjList *remove(GjList *l, Model &m) {
    if (m.empty())
      return l;
    size_t i = pick(m.size());
    GjList *a = gj_list_take(l, (int64_t)i);
    GjList *b = gj_list_drop(l, (int64_t)i + 1);
    GjList *r = gj_list_concat(a, b);
    gj_dec(a);
    gj_dec(b);
    m.erase(m.begin() + (long)i);
    return replace(l, r);
  }

  // §4: equality, order and hash agree with the model, for another
  // version and for a copy built by pushes (same elements, other shape).
  void compare(const GjList *l, const Model &m) {
    const Version<E> &w = pool_[pick(pool_.size())];
    int c = model_cmp<E>(m, w.model);
    EXPECT_EQ(gj_list_cmp(l, w.list), c);
    EXPECT_EQ(gj_list_eq(l, w.list), c == 0);
    if (c == 0) {
      EXPECT_EQ(gj_list_hash(l, 99), gj_list_hash(w.list, 99));
    }
    GjList *copy = rebuild<E>(m);
    EXPECT_TRUE(gj_list_eq(l, copy));
    EXPECT_EQ(gj_list_cmp(l, copy), 0);
    EXPECT_EQ(gj_list_hash(l, 5), gj_list_hash(copy, 5));
    if (!m.empty()) { // one element changed
      size_t i = pick(m.size());
      uint64_t x = E::make(rng_);
      Model m2 = m;
      m2[i] = x;
      copy = gj_list_set(copy, (int64_t)i, &x, &kLoc);
      int c2 = model_cmp<E>(m, m2);
      EXPECT_EQ(gj_list_cmp(l, copy), c2);
      EXPECT_EQ(gj_list_eq(l, copy), c2 == 0);
    }
    gj_dec(copy);
  }

  std::mt19937_64 rng_;
  size_t max_len_;
  std::vector<Version<E>> pool_;
};

TEST(RrbModel, RandomOpsOnIntVersions) {
  int64_t live = gj_rt_live_objects();
  { Walk<IntElems>(11, 20000).run(100000); }
  EXPECT_EQ(gj_rt_live_objects(), live);
}

TEST(RrbModel, RandomOpsOnStrVersions) {
  int64_t live = gj_rt_live_objects();
  { Walk<StrElems>(12, 10000).run(100000); }
  EXPECT_EQ(gj_rt_live_objects(), live);
}

// ---- deep concatenations ----------------------------------------------------

GjList *range(int64_t a, int64_t b) {
  GjList *l = gj_list_new(&gj_type_int);
  for (int64_t i = a; i < b; i++)
    l = gj_list_push(l, &i);
  return l;
}

GjList *concat_consume(GjList *a, GjList *b) {
  GjList *r = gj_list_concat(a, b);
  gj_dec(a);
  gj_dec(b);
  return r;
}

void expect_ints(const GjList *l, const std::vector<int64_t> &m) {
  Model bits(m.begin(), m.end());
  expect_same(l, bits);
}

TEST(RrbConcat, ManySmallSlicesStayShallow) {
  int64_t live = gj_rt_live_objects();
  std::mt19937_64 rng(3);
  const int64_t N = 200000;
  GjList *src = range(0, N);
  GjList *acc = gj_list_new(&gj_type_int);
  std::vector<int64_t> m;
  for (int k = 0; m.size() < 600000; k++) {
    int64_t a = (int64_t)(rng() % N);
    int64_t b = std::min(N, a + 1 + (int64_t)(rng() % (k % 7 ? 40 : 300)));
    acc = concat_consume(acc, gj_list_slice(src, a, b, &kLoc));
    for (int64_t i = a; i < b; i++)
      m.push_back(i);
    if (k % 500 == 0) {
      expect_shape(acc, 1);
      if (HasFatalFailure())
        break;
    }
  }
  expect_ints(acc, m);
  expect_shape(acc, 1);
  GjRtListShape sh = shape(acc);
  printf("[ shape ] %zu elements from small slices: height %d, %lld leaves "
         "(%.1f elements each), %lld of %lld inner nodes relaxed, at most %d "
         "extra steps\n",
         m.size(), sh.height, (long long)sh.leaves,
         (double)m.size() / (double)sh.leaves, (long long)sh.relaxed,
         (long long)sh.inner, sh.max_extra_steps);
  // Leaves stay dense: the plan merges short ones.
  EXPECT_GT((double)m.size() / (double)sh.leaves, 20.0);
  EXPECT_LE(sh.max_extra_steps, 8);
  // Indexing agrees with the model everywhere.
  for (int64_t i = 0; i < (int64_t)m.size(); i += 13) {
    int64_t v;
    gj_list_get(acc, i, &v, &kLoc);
    ASSERT_EQ(v, m[(size_t)i]) << i;
  }
  gj_dec(acc);
  gj_dec(src);
  EXPECT_EQ(gj_rt_live_objects(), live);
}

TEST(RrbConcat, PrependingOneAtATime) {
  int64_t live = gj_rt_live_objects();
  const int64_t N = 50000;
  GjList *acc = gj_list_new(&gj_type_int);
  for (int64_t i = N - 1; i >= 0; i--) {
    GjList *one = gj_list_push(gj_list_new(&gj_type_int), &i);
    acc = concat_consume(one, acc);
    if (i % 5000 == 0)
      expect_shape(acc, 1);
  }
  std::vector<int64_t> m;
  for (int64_t i = 0; i < N; i++)
    m.push_back(i);
  expect_ints(acc, m);
  gj_dec(acc);
  EXPECT_EQ(gj_rt_live_objects(), live);
}

TEST(RrbConcat, BalancedAndSkewedReductions) {
  int64_t live = gj_rt_live_objects();
  std::mt19937_64 rng(4);
  // 3000 pieces of 1..100 elements, joined pairwise (a balanced reduction),
  // left to right and right to left.
  std::vector<std::pair<int64_t, int64_t>> pieces;
  int64_t n = 0;
  for (int k = 0; k < 3000; k++) {
    int64_t len = 1 + (int64_t)(rng() % 100);
    pieces.push_back({n, n + len});
    n += len;
  }
  std::vector<int64_t> m;
  for (int64_t i = 0; i < n; i++)
    m.push_back(i);
  for (int order = 0; order < 3; order++) {
    std::vector<GjList *> ls;
    for (auto &p : pieces)
      ls.push_back(range(p.first, p.second));
    GjList *r;
    if (order == 0) { // pairwise
      while (ls.size() > 1) {
        std::vector<GjList *> next;
        for (size_t i = 0; i + 1 < ls.size(); i += 2)
          next.push_back(concat_consume(ls[i], ls[i + 1]));
        if (ls.size() % 2)
          next.push_back(ls.back());
        ls = next;
      }
      r = ls[0];
    } else if (order == 1) { // ((a ++ b) ++ c) ++ ...
      r = ls[0];
      for (size_t i = 1; i < ls.size(); i++)
        r = concat_consume(r, ls[i]);
    } else { // a ++ (b ++ (c ++ ...))
      r = ls.back();
      for (size_t i = ls.size() - 1; i-- > 0;)
        r = concat_consume(ls[i], r);
    }
    expect_ints(r, m);
    expect_shape(r, 1);
    GjRtListShape sh = shape(r);
    EXPECT_GT((double)n / (double)sh.leaves, 20.0) << order;
    gj_dec(r);
  }
  EXPECT_EQ(gj_rt_live_objects(), live);
}

// Concatenating a list with itself shares all but the seam, so doubling
// reaches 2^33 elements in a few KiB: size tables past 2^32 (the 64-bit
// ones at level 6) and indexes past 2^31.
TEST(RrbConcat, DoublingPastFourBillion) {
  int64_t live = gj_rt_live_objects();
  GjList *l = range(0, 1000);
  int64_t live_before = gj_rt_live_objects();
  while (gj_list_len(l) < ((int64_t)1 << 33)) {
    GjList *d = gj_list_concat(l, l);
    gj_dec(l);
    l = d;
  }
  EXPECT_LT(gj_rt_live_objects() - live_before, 20000);
  int64_t len = gj_list_len(l);
  EXPECT_EQ(len, (int64_t)1000 << 24);
  std::mt19937_64 rng(9);
  for (int k = 0; k < 20000; k++) {
    int64_t i = (int64_t)(rng() % (uint64_t)len), v;
    gj_list_get(l, i, &v, &kLoc);
    ASSERT_EQ(v, i % 1000) << i;
    int64_t c;
    const int64_t *p = (const int64_t *)gj_list_chunk(l, i, &c);
    ASSERT_EQ(p[0], i % 1000);
    ASSERT_EQ(p[c - 1], (i + c - 1) % 1000);
  }
  // slices, sets and pops deep inside
  int64_t a = len / 3 + 17, b = len - len / 5 + 3;
  GjList *s = gj_list_slice(l, a, b, &kLoc);
  EXPECT_EQ(gj_list_len(s), b - a);
  for (int k = 0; k < 2000; k++) {
    int64_t i = (int64_t)(rng() % (uint64_t)(b - a)), v;
    gj_list_get(s, i, &v, &kLoc);
    ASSERT_EQ(v, (a + i) % 1000) << i;
  }
  int64_t x = -1, v;
  gj_inc(s);
  GjList *s2 = gj_list_set(s, (int64_t)1 << 32, &x, &kLoc);
  gj_list_get(s2, (int64_t)1 << 32, &v, &kLoc);
  EXPECT_EQ(v, -1);
  gj_list_get(s, (int64_t)1 << 32, &v, &kLoc);
  EXPECT_EQ(v, (a + ((int64_t)1 << 32)) % 1000);
  for (int k = 0; k < 100; k++)
    s2 = gj_list_pop(s2, &v);
  EXPECT_EQ(v, (b - 100) % 1000);
  gj_dec(s2);
  gj_dec(s);
  gj_dec(l);
  EXPECT_EQ(gj_rt_live_objects(), live);
}

// ---- slices -----------------------------------------------------------------

// §9: `match $xs { [_, ..$rest] => f($rest) }` slices 1..len at each step.
TEST(RrbSlice, DropFrontRecursionIsLogarithmic) {
  int64_t live = gj_rt_live_objects();
  const int64_t N = 100000;
  GjList *l = range(0, N);
  auto t0 = std::chrono::steady_clock::now();
  int64_t sum = 0;
  while (gj_list_len(l) > 0) {
    int64_t v;
    gj_list_get(l, 0, &v, &kLoc);
    sum += v;
    GjList *r = gj_list_slice(l, 1, gj_list_len(l), &kLoc);
    gj_dec(l);
    l = r;
  }
  auto t1 = std::chrono::steady_clock::now();
  EXPECT_EQ(sum, N * (N - 1) / 2);
  double ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
  printf("[ speed ] slice(1, len) recursion over %lld: %.1f ms (%.0f ns a "
         "step)\n",
         (long long)N, ms, ms * 1e6 / N);
  EXPECT_LT(ms, 5000); // was 15-30 s (quadratic); loose for sanitizer builds
  gj_dec(l);
  EXPECT_EQ(gj_rt_live_objects(), live);
}

TEST(RrbSlice, DropFrontKeepsTheShapeSound) {
  const int64_t N = 40000;
  GjList *l = range(0, N);
  for (int64_t k = 0; k < N; k++) {
    GjList *r = gj_list_slice(l, 1, gj_list_len(l), &kLoc);
    gj_dec(l);
    l = r;
    if (k % 997 == 0) {
      expect_shape(l, 1);
      int64_t v;
      if (gj_list_len(l)) {
        gj_list_get(l, 0, &v, &kLoc);
        ASSERT_EQ(v, k + 1);
        gj_list_get(l, gj_list_len(l) - 1, &v, &kLoc);
        ASSERT_EQ(v, N - 1);
      }
    }
  }
  EXPECT_EQ(gj_list_len(l), 0);
  gj_dec(l);
}

// A slice holds only what it covers: once the original goes, the strings
// and leaves outside the slice are freed.
TEST(RrbSlice, ReleasesWhatItDoesNotCover) {
  int64_t live_strs = gj_rt_live_objects_of(GJ_KIND_STR);
  int64_t live_nodes = gj_rt_live_objects_of(GJ_KIND_LIST_NODE);
  GjList *l = gj_list_new(&gj_type_str);
  for (int i = 0; i < 100000; i++) {
    GjStr *s = gj_str_from_int(i);
    l = gj_list_push(l, &s);
  }
  GjList *s = gj_list_slice(l, 40001, 40101, &kLoc); // 100 in the middle
  GjList *front = gj_list_take(l, 50);
  GjList *back = gj_list_drop(l, 99990);
  gj_dec(l);
  EXPECT_EQ(gj_rt_live_objects_of(GJ_KIND_STR) - live_strs, 100 + 50 + 10);
  // 100 elements: at most 2 partial leaves and 3 full ones plus a path;
  // 50: a leaf and a tail; 10: a tail.
  EXPECT_LE(gj_rt_live_objects_of(GJ_KIND_LIST_NODE) - live_nodes, 16);
  GjStr *x;
  gj_list_get(s, 0, &x, &kLoc);
  EXPECT_EQ(str(x), "40001");
  gj_list_get(s, 99, &x, &kLoc);
  EXPECT_EQ(str(x), "40100");
  gj_list_get(back, 9, &x, &kLoc);
  EXPECT_EQ(str(x), "99999");
  gj_dec(s);
  gj_dec(front);
  gj_dec(back);
  EXPECT_EQ(gj_rt_live_objects_of(GJ_KIND_STR), live_strs);
  EXPECT_EQ(gj_rt_live_objects_of(GJ_KIND_LIST_NODE), live_nodes);
}

// A slice that keeps the whole tree and starts within its first leaf
// shares the tree and skips into that leaf (O(1), the drop-front
// recursion's usual step): it retains at most that leaf's dropped
// elements, which go when a later slice passes the leaf.
TEST(RrbSlice, SkippingRetainsAtMostTheFirstLeaf) {
  int64_t live_strs = gj_rt_live_objects_of(GJ_KIND_STR);
  GjList *l = gj_list_new(&gj_type_str);
  for (int i = 0; i < 100; i++) { // leaves 0..31, 32..63, 64..95, tail
    GjStr *s = gj_str_from_int(i);
    l = gj_list_push(l, &s);
  }
  int64_t allocs = gj_rt_alloc_count();
  GjList *d = gj_list_drop(l, 5);
  EXPECT_EQ(gj_rt_alloc_count(), allocs + 1); // the list object only
  gj_dec(l);
  EXPECT_EQ(gj_rt_live_objects_of(GJ_KIND_STR) - live_strs, 100);
  GjList *d2 = gj_list_drop(d, 30); // past the first leaf: 35..99
  gj_dec(d);
  EXPECT_EQ(gj_rt_live_objects_of(GJ_KIND_STR) - live_strs, 65);
  expect_shape(d2);
  GjStr *x;
  gj_list_get(d2, 0, &x, &kLoc);
  EXPECT_EQ(str(x), "35");
  // popping down to the first leaf copies its live part into the tail
  GjList *p = gj_list_drop(d2, 1); // skips into its first leaf (35..63)
  for (int i = 0; i < 64; i++) {
    p = gj_list_pop(p, &x);
    gj_dec(x);
  }
  EXPECT_EQ(gj_list_len(p), 0);
  gj_dec(p);
  gj_dec(d2);
  EXPECT_EQ(gj_rt_live_objects_of(GJ_KIND_STR), live_strs);
}

TEST(RrbSlice, SlicesOfSlicesOfConcatenations) {
  int64_t live = gj_rt_live_objects();
  std::mt19937_64 rng(8);
  std::vector<int64_t> m;
  GjList *l = gj_list_new(&gj_type_int);
  for (int k = 0; k < 200; k++) {
    int64_t a = (int64_t)m.size(), len = 1 + (int64_t)(rng() % 500);
    l = concat_consume(l, range(a, a + len));
    for (int64_t i = a; i < a + len; i++)
      m.push_back(i);
  }
  for (int round = 0; round < 300 && m.size() > 1; round++) {
    size_t a = rng() % m.size(), b = a + rng() % (m.size() - a + 1);
    if (b - a < 2)
      continue;
    GjList *s = gj_list_slice(l, (int64_t)a, (int64_t)b, &kLoc);
    gj_dec(l);
    l = s;
    m = std::vector<int64_t>(m.begin() + (long)a, m.begin() + (long)b);
    expect_ints(l, m);
    expect_shape(l, 1);
    if (HasFatalFailure())
      break;
    if (round % 3 == 0) { // grow again from its own pieces
      GjList *t = gj_list_take(l, (int64_t)m.size() / 2);
      l = concat_consume(l, t);
      m.insert(m.end(), m.begin(), m.begin() + (long)m.size() / 2);
    }
  }
  gj_dec(l);
  EXPECT_EQ(gj_rt_live_objects(), live);
}

// ---- strict trees keep the radix paths --------------------------------------

TEST(RrbStrict, PushPopSetTakeKeepTreesStrict) {
  GjList *l = range(0, 100000);
  EXPECT_EQ(shape(l).relaxed, 0);
  int64_t v = 5;
  l = gj_list_set(l, 777, &v, &kLoc);
  for (int i = 0; i < 3000; i++)
    l = gj_list_pop(l, &v);
  GjList *t = gj_list_take(l, 50000);
  GjList *t2 = gj_list_take(l, 1025);
  GjList *d = gj_list_drop(l, 32 * 1024); // whole subtrees off the front
  for (GjList *x : {l, t, t2, d}) {
    GjRtListShape sh = shape(x);
    EXPECT_EQ(sh.relaxed, 0) << gj_list_len(x);
  }
  // a relaxed tree gets strict again where the concatenation lines up
  GjList *c = gj_list_concat(t2, d);
  EXPECT_EQ(gj_list_len(c), 1025 + gj_list_len(d));
  expect_shape(c);
  for (GjList *x : {l, t, t2, d, c})
    gj_dec(x);
}

TEST(RrbStrict, LeafAlignedConcatenationIsStrict) {
  GjList *a = range(0, 32 * 32 * 3), *b = range(32 * 32 * 3, 5000);
  GjList *c = gj_list_concat(a, b);
  GjRtListShape sh = shape(c);
  EXPECT_EQ(sh.relaxed, 0);
  std::vector<int64_t> m;
  for (int64_t i = 0; i < 5000; i++)
    m.push_back(i);
  expect_ints(c, m);
  for (GjList *x : {a, b, c})
    gj_dec(x);
}

// ---- in-place paths on relaxed trees ---------------------------------------------

TEST(RrbInPlace, UniqueRelaxedListIsUpdatedInPlace) {
  GjList *a = range(0, 1000), *b = range(1000, 3000);
  GjList *l = concat_consume(gj_list_drop(a, 7), b); // relaxed, unique
  gj_dec(a);
  EXPECT_GT(shape(l).relaxed, 0);
  // once set has made the path unique, sets and pushes allocate nothing
  int64_t v = -1;
  for (int64_t i = 0; i < gj_list_len(l); i++)
    l = gj_list_set(l, i, &v, &kLoc);
  int64_t before = gj_rt_alloc_count();
  for (int64_t i = 0; i < gj_list_len(l); i += 3) {
    v = -i;
    GjList *r = gj_list_set(l, i, &v, &kLoc);
    EXPECT_EQ(r, l);
    l = r;
  }
  EXPECT_EQ(gj_rt_alloc_count(), before);
  int64_t g;
  gj_list_get(l, 300, &g, &kLoc);
  EXPECT_EQ(g, -300);
  // pushes keep filling the relaxed tree's right edge
  for (int64_t i = 0; i < 10000; i++)
    l = gj_list_push(l, &i);
  expect_shape(l);
  for (int64_t i = 0; i < 10000; i++) {
    l = gj_list_pop(l, &g);
    ASSERT_EQ(g, 9999 - i);
  }
  expect_shape(l);
  EXPECT_EQ(gj_list_len(l), 2993);
  gj_dec(l);
}

// ---- other element sizes ----------------------------------------------------

TEST(RrbElems, CharsAndUnitsThroughConcatAndSlice) {
  int64_t live = gj_rt_live_objects();
  GjList *a = gj_list_new(&gj_type_char), *u = gj_list_new(&gj_type_unit);
  std::string m;
  for (int i = 0; i < 3000; i++) {
    uint32_t c = 'a' + (uint32_t)(i % 26);
    a = gj_list_push(a, &c);
    m += (char)c;
    u = gj_list_push(u, nullptr);
  }
  GjList *b = gj_list_concat(a, a);
  GjList *s = gj_list_slice(b, 1234, 5432, &kLoc);
  std::string ms = (m + m).substr(1234, 5432 - 1234);
  ASSERT_EQ(gj_list_len(s), (int64_t)ms.size());
  for (int64_t i = 0; i < (int64_t)ms.size(); i++) {
    uint32_t c;
    gj_list_get(s, i, &c, &kLoc);
    ASSERT_EQ(c, (uint32_t)ms[(size_t)i]) << i;
  }
  expect_shape(s);
  GjList *ud = gj_list_drop(u, 5);
  GjList *uu = gj_list_concat(ud, u);
  EXPECT_EQ(gj_list_len(uu), 5995);
  expect_shape(uu);
  GjList *us = gj_list_slice(uu, 17, 4000, &kLoc);
  EXPECT_EQ(gj_list_len(us), 3983);
  expect_shape(us);
  gj_dec(us);
  gj_dec(uu);
  for (GjList *x : {a, b, s, u, ud})
    gj_dec(x);
  EXPECT_EQ(gj_rt_live_objects(), live);
}

} // namespace
