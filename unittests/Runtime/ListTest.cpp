// ListTest.cpp — List[T], the persistent vector (§15): a random walk of
// operations against std::vector keeping old versions (persistence, and
// the tree's invariants after every step), the in-place fast paths,
// sorting, text forms (§13), equality, order and hashing (§4), and no
// leaks (live counts back to where they started). RrbTest.cpp has the
// relaxed trees' own tests.
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

using gujitest::lit_re;
using gujitest::str;

namespace {

const GjLoc kLoc = {"t.guji", 3, 9};

// ---- element traits for the model test ------------------------------------

struct IntElems {
  using M = int64_t;
  static const GjType *type() { return &gj_type_int; }
  static void make(const M &v, void *out) { memcpy(out, &v, 8); }
  static M read(const void *p) {
    int64_t v;
    memcpy(&v, p, 8);
    return v;
  }
  static void drop(void *) {}
  static M gen(std::mt19937_64 &rng) { return (int64_t)(rng() % 100000) - 500; }
};

struct StrElems {
  using M = std::string;
  static const GjType *type() { return &gj_type_str; }
  static void make(const M &v, void *out) {
    GjStr *s = gj_str_from_bytes(v.data(), (int64_t)v.size());
    memcpy(out, &s, 8);
  }
  static M read(const void *p) {
    GjStr *s;
    memcpy(&s, p, 8);
    return str(s);
  }
  static void drop(void *p) {
    GjStr *s;
    memcpy(&s, p, 8);
    gj_dec(s);
  }
  static M gen(std::mt19937_64 &rng) {
    return "s" + std::to_string(rng() % 100000);
  }
};

template <class E> struct Version {
  GjList *list;
  std::vector<typename E::M> model;
};

template <class E> void expect_matches(const GjList *l,
                                       const std::vector<typename E::M> &m) {
  GjRtListShape sh;
  const char *err = gj_rt_list_check(l, &sh);
  ASSERT_EQ(err, nullptr) << err;
  ASSERT_EQ(gj_list_len(l), (int64_t)m.size());
  for (int64_t i = 0; i < (int64_t)m.size();) {
    int64_t n;
    const unsigned char *p = (const unsigned char *)gj_list_chunk(l, i, &n);
    ASSERT_NE(p, nullptr);
    ASSERT_GE(n, 1);
    ASSERT_LE(i + n, (int64_t)m.size());
    for (int64_t j = 0; j < n; j++)
      ASSERT_EQ(E::read(p + j * 8), m[(size_t)(i + j)]) << "at " << i + j;
    i += n;
  }
  int64_t n;
  EXPECT_EQ(gj_list_chunk(l, (int64_t)m.size(), &n), nullptr);
  unsigned char out[8];
  EXPECT_FALSE(gj_list_try_get(l, (int64_t)m.size(), out));
  EXPECT_FALSE(gj_list_try_get(l, -1, out));
}

// Random operations on random versions. Half the time the version is
// consumed (so unique lists are updated in place), otherwise it is kept
// and must not change (so shared lists are path-copied).
template <class E> void random_walk(uint64_t seed, int ops) {
  int64_t live = gj_rt_live_objects();
  std::mt19937_64 rng(seed);
  std::vector<Version<E>> pool;
  pool.push_back({gj_list_new(E::type()), {}});
  for (int step = 0; step < ops; step++) {
    size_t vi = rng() % pool.size();
    bool consume = rng() % 2 && pool.size() > 1;
    Version<E> v = pool[vi];
    if (consume)
      pool.erase(pool.begin() + (long)vi);
    else
      gj_inc(v.list); // the operation consumes one reference
    GjList *l = v.list;
    std::vector<typename E::M> m = v.model;
    int op = (int)(rng() % 100);
    size_t len = m.size();
    if (len > 3000 && op < 50)
      op = 60 + (int)(rng() % 10); // keep sizes bounded: pop or slice
    if (op < 45) {            // push, several at a time
      int k = 1 + (int)(rng() % 80);
      for (int j = 0; j < k; j++) {
        typename E::M x = E::gen(rng);
        unsigned char e[8];
        E::make(x, e);
        l = gj_list_push(l, e);
        m.push_back(x);
      }
    } else if (op < 55 && len) { // set
      size_t i = rng() % len;
      typename E::M x = E::gen(rng);
      unsigned char e[8];
      E::make(x, e);
      l = gj_list_set(l, (int64_t)i, e, &kLoc);
      m[i] = x;
    } else if (op < 65 && len) { // pop, several
      int k = 1 + (int)(rng() % 40);
      for (int j = 0; j < k && !m.empty(); j++) {
        unsigned char out[8];
        l = gj_list_pop(l, out);
        EXPECT_EQ(E::read(out), m.back());
        E::drop(out);
        m.pop_back();
      }
    } else if (op < 75) { // slice
      size_t a = len ? rng() % (len + 1) : 0;
      size_t b = a + (len - a ? rng() % (len - a + 1) : 0);
      GjList *r = gj_list_slice(l, (int64_t)a, (int64_t)b, &kLoc);
      gj_dec(l);
      l = r;
      m = std::vector<typename E::M>(m.begin() + (long)a, m.begin() + (long)b);
    } else if (op < 85) { // concat with another version
      Version<E> &w = pool[rng() % pool.size()];
      if (m.size() + w.model.size() < 8000) {
        GjList *r = gj_list_concat(l, w.list);
        gj_dec(l);
        l = r;
        m.insert(m.end(), w.model.begin(), w.model.end());
      }
    } else if (op < 90) { // take / drop
      int64_t n = (int64_t)(rng() % (len + 10)) - 5;
      bool take = rng() % 2;
      GjList *r = take ? gj_list_take(l, n) : gj_list_drop(l, n);
      long c = n < 0 ? 0 : (long)std::min((size_t)n, len);
      gj_dec(l);
      l = r;
      m = take ? std::vector<typename E::M>(m.begin(), m.begin() + c)
               : std::vector<typename E::M>(m.begin() + c, m.end());
    } else if (op < 95) { // get
      if (len) {
        size_t i = rng() % len;
        unsigned char out[8];
        gj_list_get(l, (int64_t)i, out, &kLoc);
        EXPECT_EQ(E::read(out), m[i]);
      }
    } else if (op < 97) { // reversed
      GjList *r = gj_list_reversed(l);
      gj_dec(l);
      l = r;
      std::reverse(m.begin(), m.end());
    } else { // sorted
      GjList *r = gj_list_sorted(l);
      gj_dec(l);
      l = r;
      std::stable_sort(m.begin(), m.end());
    }
    expect_matches<E>(l, m);
    pool.push_back({l, m});
    if (pool.size() > 40) { // drop a random version
      size_t d = rng() % pool.size();
      gj_dec(pool[d].list);
      pool.erase(pool.begin() + (long)d);
    }
    if (step % 997 == 0) // old versions never change
      for (auto &w : pool)
        expect_matches<E>(w.list, w.model);
    if (::testing::Test::HasFatalFailure())
      return;
  }
  for (auto &w : pool) {
    expect_matches<E>(w.list, w.model);
    gj_dec(w.list);
  }
  EXPECT_EQ(gj_rt_live_objects(), live);
}

TEST(ListModel, RandomOpsOnIntVersions) { random_walk<IntElems>(1, 100000); }

TEST(ListModel, RandomOpsOnStrVersions) { random_walk<StrElems>(2, 100000); }

// ---- deep tries -------------------------------------------------------------

TEST(List, DeepTrieGrowsAndShrinksThroughEveryLevel) {
  int64_t live = gj_rt_live_objects();
  const int64_t N = 32 * 32 * 32 + 32 * 32 + 100; // shift 15
  GjList *l = gj_list_new(&gj_type_int);
  std::vector<GjList *> snaps;
  for (int64_t i = 0; i < N; i++) {
    if (i == 32 || i == 33 || i == 1056 || i == 1057 || i == 32800) {
      gj_inc(l);
      snaps.push_back(l);
    }
    l = gj_list_push(l, &i);
  }
  for (int64_t i = 0; i < N; i += 7) {
    int64_t v;
    gj_list_get(l, i, &v, &kLoc);
    ASSERT_EQ(v, i);
  }
  for (int64_t i = N - 1; i >= 0; i--) {
    int64_t v;
    l = gj_list_pop(l, &v);
    ASSERT_EQ(v, i);
    ASSERT_EQ(gj_list_len(l), i);
    if (i % 1000 == 0 && i) {
      gj_list_get(l, i - 1, &v, &kLoc);
      ASSERT_EQ(v, i - 1);
    }
  }
  for (GjList *s : snaps) {
    for (int64_t i = 0; i < gj_list_len(s); i++) {
      int64_t v;
      gj_list_get(s, i, &v, &kLoc);
      ASSERT_EQ(v, i);
    }
    gj_dec(s);
  }
  gj_dec(l);
  EXPECT_EQ(gj_rt_live_objects(), live);
}

TEST(List, SharedPopKeepsBothVersions) {
  int64_t live = gj_rt_live_objects();
  GjList *l = gj_list_new(&gj_type_str);
  for (int i = 0; i < 100; i++) {
    GjStr *s = gj_str_from_int(i);
    l = gj_list_push(l, &s);
  }
  GjList *keep = l;
  gj_inc(keep);
  for (int i = 99; i >= 0; i--) {
    GjStr *s;
    l = gj_list_pop(l, &s);
    EXPECT_EQ(str(s), std::to_string(i));
    gj_dec(s);
  }
  EXPECT_EQ(gj_list_len(keep), 100);
  GjStr *s;
  gj_list_get(keep, 99, &s, &kLoc);
  EXPECT_EQ(str(s), "99");
  gj_dec(l);
  gj_dec(keep);
  EXPECT_EQ(gj_rt_live_objects(), live);
}

// ---- in-place fast paths -----------------------------------------------------

TEST(ListInPlace, PushWithRoomInTheTailAllocatesNothing) {
  GjList *l = gj_list_with_cap(&gj_type_int, 32);
  for (int64_t i = 0; i < 32; i++) {
    int64_t before = gj_rt_alloc_count();
    GjList *r = gj_list_push(l, &i);
    EXPECT_EQ(r, l);
    EXPECT_EQ(gj_rt_alloc_count(), before) << i;
    l = r;
  }
  gj_dec(l);
}

TEST(ListInPlace, MillionPushesAllocateAboutOneLeafPer32) {
  int64_t before = gj_rt_alloc_count();
  GjList *l = gj_list_new(&gj_type_int);
  const int64_t N = 1000000;
  for (int64_t i = 0; i < N; i++)
    l = gj_list_push(l, &i);
  int64_t allocs = gj_rt_alloc_count() - before;
  // one leaf per 32, one inner node per 1024 (and per 32768), a few for
  // the small tail
  EXPECT_LE(allocs, N / 32 + N / 1024 + N / 32768 + 16);
  int64_t sum = 0;
  for (int64_t i = 0; i < N;) {
    int64_t n;
    const int64_t *p = (const int64_t *)gj_list_chunk(l, i, &n);
    for (int64_t j = 0; j < n; j++)
      sum += p[j];
    i += n;
  }
  EXPECT_EQ(sum, N * (N - 1) / 2);
  gj_dec(l);
}

TEST(ListInPlace, UniqueSetAllocatesNothing) {
  GjList *l = gj_list_new(&gj_type_int);
  for (int64_t i = 0; i < 5000; i++)
    l = gj_list_push(l, &i);
  int64_t before = gj_rt_alloc_count();
  for (int64_t i = 0; i < 5000; i += 3) {
    int64_t v = -i;
    l = gj_list_set(l, i, &v, &kLoc);
  }
  EXPECT_EQ(gj_rt_alloc_count(), before);
  int64_t v;
  gj_list_get(l, 3, &v, &kLoc);
  EXPECT_EQ(v, -3);
  gj_dec(l);
}

TEST(ListInPlace, SharedListIsCopiedAndTheOriginalKept) {
  int64_t live = gj_rt_live_objects();
  GjList *a = gj_list_new(&gj_type_int);
  for (int64_t i = 0; i < 3; i++)
    a = gj_list_push(a, &i);
  gj_inc(a); // a second holder
  int64_t before = gj_rt_alloc_count();
  int64_t x = 99;
  GjList *b = gj_list_push(a, &x);
  EXPECT_NE(b, a);
  EXPECT_EQ(gj_rt_alloc_count(), before + 2); // list object and tail
  EXPECT_EQ(gj_list_len(a), 3);
  EXPECT_EQ(gj_list_len(b), 4);
  int64_t y = 7;
  gj_inc(b);
  GjList *c = gj_list_set(b, 0, &y, &kLoc);
  int64_t v;
  gj_list_get(b, 0, &v, &kLoc);
  EXPECT_EQ(v, 0);
  gj_list_get(c, 0, &v, &kLoc);
  EXPECT_EQ(v, 7);
  gj_dec(a);
  gj_dec(b);
  gj_dec(c);
  EXPECT_EQ(gj_rt_live_objects(), live);
}

// ---- panics -------------------------------------------------------------------

GjList *ints(std::initializer_list<int64_t> xs) {
  GjList *l = gj_list_with_cap(&gj_type_int, (int64_t)xs.size());
  for (int64_t x : xs)
    l = gj_list_push(l, &x);
  return l;
}

TEST(ListDeathTest, IndexOutOfRange) {
  GjList *l = ints({1, 2, 3});
  int64_t v;
  EXPECT_EXIT(gj_list_get(l, 3, &v, &kLoc), testing::ExitedWithCode(101),
              lit_re("guji: panic: index out of range: 3 (length 3)\n"
                     "  at t.guji:3:9"));
  EXPECT_EXIT(gj_list_get(l, -1, &v, &kLoc), testing::ExitedWithCode(101),
              lit_re("index out of range: -1 (length 3)"));
  EXPECT_EXIT(gj_list_set(l, 5, &v, &kLoc), testing::ExitedWithCode(101),
              lit_re("index out of range: 5 (length 3)"));
  EXPECT_EXIT(gj_list_slice(l, 2, 4, &kLoc), testing::ExitedWithCode(101),
              lit_re("slice out of range: 2..4 (length 3)"));
  EXPECT_EXIT(gj_list_slice(l, 2, 1, &kLoc), testing::ExitedWithCode(101),
              lit_re("slice out of range: 2..1 (length 3)"));
  gj_dec(l);
}

// ---- sorting ------------------------------------------------------------------

// 16-byte elements compared by key only: the pointer-sorting path.
struct Pair {
  int64_t key, seq;
};
int64_t pair_cmp(const void *a, const void *b) {
  int64_t x = ((const Pair *)a)->key, y = ((const Pair *)b)->key;
  return (x > y) - (x < y);
}
bool pair_eq(const void *a, const void *b) { return pair_cmp(a, b) == 0; }
uint64_t pair_hash(const void *a, uint64_t seed) {
  return gj_hash_int(((const Pair *)a)->key, seed);
}
GjStr *pair_text(GjStr *buf, const void *a) {
  return gj_str_append_int(buf, ((const Pair *)a)->key);
}
const GjType kPairType = {16,        0,         nullptr,   nullptr, pair_eq,
                          pair_hash, pair_cmp,  pair_text, "Pair"};

// 8-byte elements compared by their high half: the word-sorting path.
int64_t hi_cmp(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a >> 32, y = *(const int64_t *)b >> 32;
  return (x > y) - (x < y);
}
const GjType kHiType = {8,         0,      nullptr,   nullptr, pair_eq,
                        pair_hash, hi_cmp, pair_text, "Hi"};

TEST(ListSort, StableForWideElements) {
  std::mt19937_64 rng(5);
  GjList *l = gj_list_new(&kPairType);
  std::vector<Pair> m;
  for (int64_t i = 0; i < 5000; i++) {
    Pair p{(int64_t)(rng() % 50), i};
    l = gj_list_push(l, &p);
    m.push_back(p);
  }
  GjList *s = gj_list_sorted(l);
  std::stable_sort(m.begin(), m.end(),
                   [](const Pair &a, const Pair &b) { return a.key < b.key; });
  for (int64_t i = 0; i < 5000; i++) {
    Pair p;
    gj_list_get(s, i, &p, &kLoc);
    ASSERT_EQ(p.key, m[(size_t)i].key);
    ASSERT_EQ(p.seq, m[(size_t)i].seq) << "not stable at " << i;
  }
  Pair first;
  gj_list_get(l, 0, &first, &kLoc);
  EXPECT_EQ(first.seq, 0); // the original is unchanged
  gj_dec(l);
  gj_dec(s);
}

TEST(ListSort, StableForWordElements) {
  std::mt19937_64 rng(6);
  GjList *l = gj_list_new(&kHiType);
  std::vector<int64_t> m;
  for (int64_t i = 0; i < 3000; i++) {
    int64_t v = (int64_t)(rng() % 20) << 32 | i;
    l = gj_list_push(l, &v);
    m.push_back(v);
  }
  GjList *s = gj_list_sorted(l);
  std::stable_sort(m.begin(), m.end(),
                   [](int64_t a, int64_t b) { return (a >> 32) < (b >> 32); });
  for (int64_t i = 0; i < 3000; i++) {
    int64_t v;
    gj_list_get(s, i, &v, &kLoc);
    ASSERT_EQ(v, m[(size_t)i]) << i;
  }
  gj_dec(l);
  gj_dec(s);
}

TEST(ListSort, FloatsByTotalOrder) {
  GjList *l = gj_list_new(&gj_type_float);
  for (double d : {2.5, (double)NAN, -0.0, 0.0, -(double)INFINITY, 1.0, -1.0,
                   (double)INFINITY, 0.0})
    l = gj_list_push(l, &d);
  GjList *s = gj_list_sorted(l);
  GjStr *t = gj_list_append_text(gj_str_with_cap(0), s);
  EXPECT_EQ(str(t), "[-inf, -1.0, -0.0, 0.0, 0.0, 1.0, 2.5, inf, nan]");
  gj_dec(t);
  gj_dec(l);
  gj_dec(s);
}

TEST(ListSort, StrsAndInts) {
  GjList *l = gj_list_new(&gj_type_str);
  for (const char *c : {"pear", "apple", "fig", "", "apples"}) {
    GjStr *s = gj_str_from_bytes(c, (int64_t)strlen(c));
    l = gj_list_push(l, &s);
  }
  GjList *s = gj_list_sorted(l);
  GjStr *t = gj_list_append_text(gj_str_with_cap(0), s);
  EXPECT_EQ(str(t), "[\"\", \"apple\", \"apples\", \"fig\", \"pear\"]");
  gj_dec(t);
  gj_dec(l);
  gj_dec(s);
  GjList *i = ints({5, 3, 8, 1, -4, 3});
  GjList *si = gj_list_sorted(i);
  t = gj_list_append_text(gj_str_with_cap(0), si);
  EXPECT_EQ(str(t), "[-4, 1, 3, 3, 5, 8]");
  gj_dec(t);
  gj_dec(i);
  gj_dec(si);
}

// ---- text forms (§13) ---------------------------------------------------------

std::string text(const GjList *l) {
  GjStr *t = gj_list_append_text(gj_str_with_cap(0), l);
  std::string s = str(t);
  gj_dec(t);
  return s;
}

GjList *strs(std::initializer_list<std::string> xs) {
  GjList *l = gj_list_new(&gj_type_str);
  for (const std::string &x : xs) {
    GjStr *s = gj_str_from_bytes(x.data(), (int64_t)x.size());
    l = gj_list_push(l, &s);
  }
  return l;
}

TEST(ListText, Scalars) {
  GjList *l = ints({1, 2, 3});
  EXPECT_EQ(text(l), "[1, 2, 3]");
  gj_dec(l);
  l = gj_list_new(&gj_type_int);
  EXPECT_EQ(text(l), "[]");
  gj_dec(l);
  l = gj_list_new(&gj_type_bool);
  for (bool b : {true, false}) {
    uint8_t v = b;
    l = gj_list_push(l, &v);
  }
  EXPECT_EQ(text(l), "[true, false]");
  gj_dec(l);
  l = gj_list_new(&gj_type_unit);
  l = gj_list_push(l, nullptr);
  l = gj_list_push(l, nullptr);
  EXPECT_EQ(text(l), "[(), ()]");
  gj_dec(l);
  l = gj_list_new(&gj_type_float);
  for (double d : {1.5, 2.0, 1e16})
    l = gj_list_push(l, &d);
  EXPECT_EQ(text(l), "[1.5, 2.0, 1e+16]");
  gj_dec(l);
}

TEST(ListText, StrsAreQuotedAndEscaped) {
  GjList *l = strs({"a\"b", "c\nd"});
  EXPECT_EQ(text(l), "[\"a\\\"b\", \"c\\nd\"]"); // conformance list_basic
  gj_dec(l);
  l = strs({"tab\there", "back\\slash", "it's", std::string("nul\0x", 5),
            "cr\r", "esc\x1b", "del\x7f", "c1\xc2\x85", "\xc3\xa9t\xc3\xa9"});
  EXPECT_EQ(text(l), "[\"tab\\there\", \"back\\\\slash\", \"it's\", "
                     "\"nul\\0x\", \"cr\\r\", \"esc\\u{1b}\", "
                     "\"del\\u{7f}\", \"c1\\u{85}\", \"\xc3\xa9t\xc3\xa9\"]");
  gj_dec(l);
}

TEST(ListText, CharsAreQuoted) {
  GjList *l = gj_list_new(&gj_type_char);
  for (uint32_t c : {(uint32_t)'x', (uint32_t)'\'', (uint32_t)'"',
                     (uint32_t)'\n', 0xE9u, 0x1u})
    l = gj_list_push(l, &c);
  EXPECT_EQ(text(l), "['x', '\\'', '\"', '\\n', '\xc3\xa9', '\\u{1}']");
  gj_dec(l);
}

TEST(ListText, NestedLists) {
  GjList *outer = gj_list_new(&gj_type_list);
  GjList *a = ints({1});
  GjList *b = ints({2, 3});
  outer = gj_list_push(outer, &a);
  outer = gj_list_push(outer, &b);
  EXPECT_EQ(text(outer), "[[1], [2, 3]]");
  GjList *so = gj_list_new(&gj_type_list);
  GjList *c = strs({"x"});
  so = gj_list_push(so, &c);
  EXPECT_EQ(text(so), "[[\"x\"]]");
  gj_dec(outer);
  gj_dec(so);
}

// ---- equality, order, hashing (§4) ---------------------------------------------

TEST(ListCompare, EqualityIgnoresHowTheListWasBuilt) {
  GjList *a = gj_list_new(&gj_type_int);
  for (int64_t i = 0; i < 1000; i++)
    a = gj_list_push(a, &i);
  GjList *front = gj_list_take(a, 400);
  GjList *back = gj_list_drop(a, 400);
  GjList *b = gj_list_concat(front, back);
  EXPECT_TRUE(gj_list_eq(a, b));
  EXPECT_EQ(gj_list_cmp(a, b), 0);
  EXPECT_EQ(gj_list_hash(a, 17), gj_list_hash(b, 17));
  EXPECT_NE(gj_list_hash(a, 17), gj_list_hash(front, 17));
  int64_t v = -1;
  GjList *c = gj_list_set(b, 999, &v, &kLoc);
  b = nullptr;
  EXPECT_FALSE(gj_list_eq(a, c));
  EXPECT_GT(gj_list_cmp(a, c), 0);
  EXPECT_LT(gj_list_cmp(c, a), 0);
  gj_dec(a);
  gj_dec(c);
  gj_dec(front);
  gj_dec(back);
}

TEST(ListCompare, Lexicographic) {
  GjList *e = ints({}), *a = ints({1, 2}), *b = ints({1, 2, 3}),
         *c = ints({1, 3});
  EXPECT_LT(gj_list_cmp(e, a), 0);
  EXPECT_LT(gj_list_cmp(a, b), 0);
  EXPECT_LT(gj_list_cmp(b, c), 0);
  EXPECT_GT(gj_list_cmp(c, a), 0);
  EXPECT_FALSE(gj_list_eq(a, b));
  EXPECT_TRUE(gj_list_eq(e, e));
  for (GjList *l : {e, a, b, c})
    gj_dec(l);
  GjList *s1 = strs({"a", "b"}), *s2 = strs({"a", "b"}), *s3 = strs({"a", "c"});
  EXPECT_TRUE(gj_list_eq(s1, s2));
  EXPECT_EQ(gj_list_hash(s1, 1), gj_list_hash(s2, 1));
  EXPECT_LT(gj_list_cmp(s1, s3), 0);
  EXPECT_EQ(gj_type_list.cmp(&s1, &s3), -1);
  EXPECT_TRUE(gj_type_list.eq(&s1, &s2));
  for (GjList *l : {s1, s2, s3})
    gj_dec(l);
}

TEST(ListCompare, FloatsUseIeeeEquality) {
  GjList *a = gj_list_new(&gj_type_float), *b = gj_list_new(&gj_type_float);
  double z = 0.0, nz = -0.0, nan = NAN;
  a = gj_list_push(a, &z);
  b = gj_list_push(b, &nz);
  EXPECT_TRUE(gj_list_eq(a, b)); // 0.0 == -0.0
  EXPECT_EQ(gj_list_hash(a, 3), gj_list_hash(b, 3));
  a = gj_list_push(a, &nan);
  b = gj_list_push(b, &nan);
  EXPECT_FALSE(gj_list_eq(a, b)); // nan != nan
  EXPECT_FALSE(gj_list_eq(a, a));
  gj_dec(a);
  gj_dec(b);
}

TEST(ListQuery, ContainsIndexOfJoin) {
  GjList *l = ints({4, 8, 15, 16, 23, 42});
  int64_t x = 16, y = 5;
  EXPECT_TRUE(gj_list_contains(l, &x));
  EXPECT_EQ(gj_list_index_of(l, &x), 3);
  EXPECT_FALSE(gj_list_contains(l, &y));
  EXPECT_EQ(gj_list_index_of(l, &y), -1);
  gj_dec(l);
  GjList *s = strs({"a", "bb", "c"});
  GjStr *sep = gj_str_from_bytes(", ", 2);
  GjStr *j = gj_list_join(s, sep);
  EXPECT_EQ(str(j), "a, bb, c");
  GjStr *bb = gj_str_from_bytes("bb", 2);
  EXPECT_EQ(gj_list_index_of(s, &bb), 1);
  GjList *e = gj_list_new(&gj_type_str);
  GjStr *je = gj_list_join(e, sep);
  EXPECT_EQ(str(je), "");
  for (GjStr *t : {sep, j, bb, je})
    gj_dec(t);
  gj_dec(s);
  gj_dec(e);
}

TEST(ListQuery, ReversedTakeDrop) {
  GjList *l = ints({1, 2, 3, 4, 5});
  GjList *r = gj_list_reversed(l);
  EXPECT_EQ(text(r), "[5, 4, 3, 2, 1]");
  GjList *t = gj_list_take(l, 2), *t0 = gj_list_take(l, -3),
         *t9 = gj_list_take(l, 9);
  GjList *d = gj_list_drop(l, 2), *d0 = gj_list_drop(l, -1),
         *d9 = gj_list_drop(l, 9);
  EXPECT_EQ(text(t), "[1, 2]");
  EXPECT_EQ(text(t0), "[]");
  EXPECT_EQ(text(t9), "[1, 2, 3, 4, 5]");
  EXPECT_EQ(text(d), "[3, 4, 5]");
  EXPECT_EQ(text(d0), "[1, 2, 3, 4, 5]");
  EXPECT_EQ(text(d9), "[]");
  for (GjList *x : {l, r, t, t0, t9, d, d0, d9})
    gj_dec(x);
}

TEST(ListQuery, SmallElementsAreUnboxed) {
  GjList *l = gj_list_new(&gj_type_char);
  for (uint32_t c = 'a'; c < 'a' + 40; c++)
    l = gj_list_push(l, &c);
  int64_t n;
  const uint32_t *p = (const uint32_t *)gj_list_chunk(l, 0, &n);
  EXPECT_EQ(n, 32);
  EXPECT_EQ(p[0], (uint32_t)'a');
  EXPECT_EQ(p[31], (uint32_t)'a' + 31);
  p = (const uint32_t *)gj_list_chunk(l, 35, &n);
  EXPECT_EQ(n, 5);
  EXPECT_EQ(p[0], (uint32_t)'a' + 35);
  gj_dec(l);
}

TEST(ListLeaks, EverythingIsFreed) {
  EXPECT_EQ(gj_rt_live_objects_of(GJ_KIND_LIST), 0);
  EXPECT_EQ(gj_rt_live_objects_of(GJ_KIND_LIST_NODE), 0);
}

// ---- speed (reported, loosely bounded) ---------------------------------------------

TEST(ListSpeed, PushAndGet) {
  const int64_t N = 4000000;
  auto t0 = std::chrono::steady_clock::now();
  GjList *l = gj_list_new(&gj_type_int);
  for (int64_t i = 0; i < N; i++)
    l = gj_list_push(l, &i);
  auto t1 = std::chrono::steady_clock::now();
  int64_t sum = 0;
  for (int64_t i = 0; i < N; i++) {
    int64_t v;
    gj_list_get(l, i, &v, &kLoc);
    sum += v;
  }
  auto t2 = std::chrono::steady_clock::now();
  EXPECT_EQ(sum, N * (N - 1) / 2);
  double push_ns = std::chrono::duration<double, std::nano>(t1 - t0).count() / N;
  double get_ns = std::chrono::duration<double, std::nano>(t2 - t1).count() / N;
  printf("[ speed ] push %.2f ns/op, get %.2f ns/op\n", push_ns, get_ns);
  // A bound for plain builds only: under TSan on a busy 2-core machine a
  // push took 232 ns (CI must not fail because the machine was slow).
  if (!gujitest::kSanitized) {
    EXPECT_LT(push_ns, 200);
  }
  gj_dec(l);
}

} // namespace
