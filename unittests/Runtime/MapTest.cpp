// MapTest.cpp — Map[K, V] and Set[T] (§15), the CHAMP tries of map.c:
// random walks of operations against std::map / std::set keeping old
// versions (persistence), with Int, Str and collision-heavy keys (few
// distinct hashes: collision nodes; hashes equal in their low 55 bits:
// deep paths), canonical shapes after removals, text forms (§13), the
// index panic, equality, order and hashing (§4), pairs, keys, values,
// iteration, merge, map_values, filter, set operations, and no leaks.
#include "RuntimeTestUtil.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

using gujitest::lit_re;
using gujitest::str;
using ::testing::ExitedWithCode;

namespace {

const GjLoc kLoc = {"t.guji", 3, 9};

// ---- key traits -------------------------------------------------------------

int64_t load_int(const void *p) {
  int64_t v;
  memcpy(&v, p, 8);
  return v;
}

struct IntKeys {
  using M = int64_t;
  static const GjType *type() { return &gj_type_int; }
  static uint64_t make(M v) { return (uint64_t)v; }
  static M read(const void *p) { return load_int(p); }
  static void drop(uint64_t) {}
  static M gen(std::mt19937_64 &rng) { return (int64_t)(rng() % 5000) - 100; }
};

struct StrKeys {
  using M = std::string;
  static const GjType *type() { return &gj_type_str; }
  static uint64_t make(const M &v) {
    GjStr *s = gj_str_from_bytes(v.data(), (int64_t)v.size());
    uint64_t r;
    memcpy(&r, &s, 8);
    return r;
  }
  static M read(const void *p) {
    GjStr *s;
    memcpy(&s, p, 8);
    return str(s);
  }
  static void drop(uint64_t k) {
    GjStr *s;
    memcpy(&s, &k, 8);
    gj_dec(s);
  }
  static M gen(std::mt19937_64 &rng) {
    return "k" + std::to_string(rng() % 5000);
  }
};

// Five distinct hashes: everything lands in collision nodes.
uint64_t few_hash(const void *a, uint64_t seed) {
  return gj_hash_int(load_int(a) % 5, seed);
}
// Hashes that agree in their low 55 bits: eleven levels of single-child
// nodes above the first split, and 64 collision classes below.
uint64_t deep_hash(const void *a, uint64_t) {
  return (uint64_t)(load_int(a) % 64) << 55;
}
GjType with_hash(uint64_t (*h)(const void *, uint64_t), const char *name) {
  GjType t = gj_type_int;
  t.hash = h;
  t.name = name;
  return t;
}
const GjType kFewType = with_hash(few_hash, "Few");
const GjType kDeepType = with_hash(deep_hash, "Deep");

struct FewKeys : IntKeys {
  static const GjType *type() { return &kFewType; }
  static M gen(std::mt19937_64 &rng) { return (int64_t)(rng() % 400); }
};
struct DeepKeys : IntKeys {
  static const GjType *type() { return &kDeepType; }
  static M gen(std::mt19937_64 &rng) { return (int64_t)(rng() % 3000); }
};

// ---- thunks (what generated code passes as GjCallFn) -------------------------

// closure: points at an int64 added to the argument
void add_thunk(void *closure, void *const *args, void *out) {
  int64_t v = load_int(args[0]) + *(int64_t *)closure;
  memcpy(out, &v, 8);
}

// ---- helpers -------------------------------------------------------------------

template <class K> void expect_map(const GjMap *m,
                                   const std::map<typename K::M, int64_t> &model) {
  ASSERT_EQ(gj_map_len(m), (int64_t)model.size());
  std::map<typename K::M, int64_t> seen;
  GjMapIter it;
  const void *k, *v;
  gj_map_iter_init(&it, m);
  while (gj_map_iter_next(&it, &k, &v)) {
    ASSERT_NE(v, nullptr);
    ASSERT_TRUE(seen.emplace(K::read(k), load_int(v)).second)
        << "entry seen twice";
  }
  ASSERT_TRUE(seen == model);
}

template <class K> void expect_set(const GjMap *s,
                                   const std::set<typename K::M> &model) {
  ASSERT_EQ(gj_map_len(s), (int64_t)model.size());
  std::set<typename K::M> seen;
  GjMapIter it;
  const void *k, *v;
  gj_map_iter_init(&it, s);
  while (gj_map_iter_next(&it, &k, &v)) {
    ASSERT_EQ(v, nullptr);
    ASSERT_TRUE(seen.insert(K::read(k)).second) << "element seen twice";
  }
  ASSERT_TRUE(seen == model);
}

template <class K>
GjMap *build_map(const std::map<typename K::M, int64_t> &model, uint64_t shuffle) {
  std::vector<std::pair<typename K::M, int64_t>> es(model.begin(), model.end());
  std::mt19937_64 rng(shuffle);
  std::shuffle(es.begin(), es.end(), rng);
  GjMap *m = gj_map_new(K::type(), &gj_type_int);
  for (auto &e : es) {
    uint64_t k = K::make(e.first);
    m = gj_map_insert(m, &k, &e.second);
  }
  return m;
}

template <class K> int model_cmp(const std::map<typename K::M, int64_t> &a,
                                 const std::map<typename K::M, int64_t> &b) {
  return a < b ? -1 : b < a ? 1 : 0;
}

// ---- the map walk ------------------------------------------------------------

template <class K> struct MapWalk {
  using Model = std::map<typename K::M, int64_t>;
  struct Version {
    GjMap *map;
    Model model;
  };

  MapWalk(uint64_t seed, int keep_every) : rng_(seed), keep_(keep_every) {}

  void run(int ops) {
    GjMap *m = gj_map_new(K::type(), &gj_type_int);
    Model model;
    int64_t one = 1;
    for (int step = 0; step < ops; step++) {
      int op = (int)(rng_() % 100);
      typename K::M key = K::gen(rng_);
      uint64_t k = K::make(key);
      if (op < 40) {
        int64_t v = (int64_t)(rng_() % 1000);
        m = gj_map_insert(m, &k, &v);
        model[key] = v;
      } else if (op < 62) {
        m = gj_map_remove(m, &k);
        K::drop(k);
        model.erase(key);
      } else if (op < 77) {
        int64_t d = (int64_t)(rng_() % 1000);
        m = gj_map_update(m, &k, &d, &one, add_thunk);
        auto f = model.find(key);
        if (f != model.end())
          f->second += 1;
        else
          model[key] = d + 1;
      } else {
        int64_t out = -1;
        auto f = model.find(key);
        bool has = f != model.end();
        ASSERT_EQ(gj_map_get(m, &k, &out), has);
        ASSERT_EQ(gj_map_contains(m, &k), has);
        if (has) {
          ASSERT_EQ(out, f->second);
        }
        K::drop(k);
      }
      ASSERT_EQ(gj_map_len(m), (int64_t)model.size());
      if (step % keep_ == 0) {
        gj_inc(m);
        versions_.push_back({m, model});
      }
      if (step % 5000 == 0) {
        expect_map<K>(m, model);
        compare(m, model);
      }
      if (::testing::Test::HasFatalFailure())
        return;
    }
    expect_map<K>(m, model);
    gj_dec(m);
    for (auto &v : versions_) {
      expect_map<K>(v.map, v.model);
      if (::testing::Test::HasFatalFailure())
        return;
    }
    for (int i = 0; i < 50; i++) { // order and equality between versions
      auto &a = versions_[rng_() % versions_.size()];
      auto &b = versions_[rng_() % versions_.size()];
      int c = model_cmp<K>(a.model, b.model);
      EXPECT_EQ(gj_map_cmp(a.map, b.map), c);
      EXPECT_EQ(gj_map_eq(a.map, b.map), c == 0);
    }
    for (auto &v : versions_)
      gj_dec(v.map);
  }

  // another shape-independent build of the same entries: equal, same hash,
  // cmp 0 and the same iteration order (canonical shapes)
  void compare(const GjMap *m, const Model &model) {
    GjMap *copy = build_map<K>(model, rng_());
    EXPECT_TRUE(gj_map_eq(m, copy));
    EXPECT_EQ(gj_map_cmp(m, copy), 0);
    EXPECT_EQ(gj_map_hash(m, 7), gj_map_hash(copy, 7));
    GjList *a = gj_map_keys(m), *b = gj_map_keys(copy);
    if (K::type()->hash != few_hash && K::type()->hash != deep_hash) {
      EXPECT_TRUE(gj_list_eq(a, b)) << "same keys, other order: not canonical";
    }
    gj_dec(a);
    gj_dec(b);
    gj_dec(copy);
  }

  std::mt19937_64 rng_;
  int keep_;
  std::vector<Version> versions_;
};

template <class K> void map_walk(uint64_t seed, int ops, int keep_every = 100) {
  int64_t live = gj_rt_live_objects();
  { MapWalk<K>(seed, keep_every).run(ops); }
  EXPECT_EQ(gj_rt_live_objects(), live);
}

TEST(MapModel, IntKeys) { map_walk<IntKeys>(1, 100000); }
TEST(MapModel, StrKeys) { map_walk<StrKeys>(2, 100000); }
TEST(MapModel, FewHashesMakeCollisionNodes) { map_walk<FewKeys>(3, 100000); }
TEST(MapModel, DeepPathsAndCollisions) { map_walk<DeepKeys>(4, 100000); }
// A version every few steps: most updates go through borrowed children
// (map.c's node_own) and chains of copies.
TEST(MapModel, ManyVersionsIntKeys) { map_walk<IntKeys>(8, 20000, 3); }
TEST(MapModel, ManyVersionsStrKeys) { map_walk<StrKeys>(9, 20000, 2); }
TEST(MapModel, ManyVersionsCollisions) { map_walk<FewKeys>(10, 20000, 3); }
TEST(MapModel, ManyVersionsDeepPaths) { map_walk<DeepKeys>(11, 20000, 2); }

// ---- the set walk ------------------------------------------------------------

template <class K> struct SetWalk {
  using Model = std::set<typename K::M>;
  struct Version {
    GjMap *set;
    Model model;
  };

  explicit SetWalk(uint64_t seed) : rng_(seed) {}

  void run(int ops) {
    GjMap *s = gj_set_new(K::type());
    Model model;
    versions_.push_back({gj_set_new(K::type()), {}});
    for (int step = 0; step < ops; step++) {
      int op = (int)(rng_() % 100);
      typename K::M key = K::gen(rng_);
      uint64_t k = K::make(key);
      if (op < 45) {
        s = gj_set_add(s, &k);
        model.insert(key);
      } else if (op < 70) {
        s = gj_map_remove(s, &k);
        K::drop(k);
        model.erase(key);
      } else if (op < 97) {
        ASSERT_EQ(gj_map_contains(s, &k), model.count(key) == 1);
        K::drop(k);
      } else {
        K::drop(k);
        auto &w = versions_[rng_() % versions_.size()];
        Model r;
        GjMap *t;
        int which = (int)(rng_() % 3);
        if (which == 0) {
          t = gj_set_union(s, w.set);
          std::set_union(model.begin(), model.end(), w.model.begin(),
                         w.model.end(), std::inserter(r, r.end()));
        } else if (which == 1) {
          t = gj_set_intersection(s, w.set);
          std::set_intersection(model.begin(), model.end(), w.model.begin(),
                                w.model.end(), std::inserter(r, r.end()));
        } else {
          t = gj_set_difference(s, w.set);
          std::set_difference(model.begin(), model.end(), w.model.begin(),
                              w.model.end(), std::inserter(r, r.end()));
        }
        expect_set<K>(t, r);
        gj_dec(s);
        s = t;
        model = r;
      }
      ASSERT_EQ(gj_map_len(s), (int64_t)model.size());
      if (step % 100 == 0) {
        gj_inc(s);
        versions_.push_back({s, model});
      }
      if (::testing::Test::HasFatalFailure())
        return;
    }
    expect_set<K>(s, model);
    gj_dec(s);
    for (auto &v : versions_) {
      expect_set<K>(v.set, v.model);
      gj_dec(v.set);
    }
  }

  std::mt19937_64 rng_;
  std::vector<Version> versions_;
};

template <class K> void set_walk(uint64_t seed, int ops) {
  int64_t live = gj_rt_live_objects();
  { SetWalk<K>(seed).run(ops); }
  EXPECT_EQ(gj_rt_live_objects(), live);
}

TEST(SetModel, IntElements) { set_walk<IntKeys>(5, 100000); }
TEST(SetModel, StrElements) { set_walk<StrKeys>(6, 100000); }
TEST(SetModel, CollidingElements) { set_walk<FewKeys>(7, 100000); }

// ---- building small maps ----------------------------------------------------

GjStr *mkstr(const char *s) { return gj_str_from_bytes(s, (int64_t)strlen(s)); }

GjMap *str_int(std::initializer_list<std::pair<const char *, int64_t>> es) {
  GjMap *m = gj_map_new(&gj_type_str, &gj_type_int);
  for (auto &e : es) {
    GjStr *k = mkstr(e.first);
    m = gj_map_insert(m, &k, &e.second);
  }
  return m;
}

GjMap *int_int(std::initializer_list<std::pair<int64_t, int64_t>> es) {
  GjMap *m = gj_map_new(&gj_type_int, &gj_type_int);
  for (auto &e : es)
    m = gj_map_insert(m, &e.first, &e.second);
  return m;
}

GjMap *int_set(std::initializer_list<int64_t> xs) {
  GjMap *s = gj_set_new(&gj_type_int);
  for (int64_t x : xs)
    s = gj_set_add(s, &x);
  return s;
}

std::string text(const GjMap *m) {
  GjStr *s = gj_map_append_text(gj_str_with_cap(0), m);
  std::string r = str(s);
  gj_dec(s);
  return r;
}

// ---- text forms (§13) ------------------------------------------------------

TEST(MapText, SortedByKeyNested) {
  GjMap *m = str_int({{"b", 2}, {"a", 1}, {"c\n", 3}});
  EXPECT_EQ(text(m), "{\"a\": 1, \"b\": 2, \"c\\n\": 3}");
  gj_dec(m);
  m = int_int({{10, 1}, {-3, 2}, {7, 3}});
  EXPECT_EQ(text(m), "{-3: 2, 7: 3, 10: 1}");
  gj_dec(m);
  m = gj_map_new(&gj_type_int, &gj_type_int);
  EXPECT_EQ(text(m), "{:}");
  gj_dec(m);
}

TEST(MapText, Sets) {
  GjMap *s = int_set({3, 1, 2, 1});
  EXPECT_EQ(text(s), "set([1, 2, 3])");
  gj_dec(s);
  s = gj_set_new(&gj_type_str);
  EXPECT_EQ(text(s), "set([])");
  GjStr *x = mkstr("x");
  s = gj_set_add(s, &x);
  EXPECT_EQ(text(s), "set([\"x\"])");
  gj_dec(s);
}

TEST(MapText, MapsInsideMapsAndChars) {
  GjMap *inner = int_int({{2, 3}});
  GjMap *m = gj_map_new(&gj_type_char, &gj_type_map);
  uint32_t c = 'z';
  m = gj_map_insert(m, &c, &inner);
  EXPECT_EQ(text(m), "{'z': {2: 3}}");
  GjType const *t = &gj_type_map;
  GjStr *viaType = t->append_text(gj_str_with_cap(0), &m);
  EXPECT_EQ(str(viaType), "{'z': {2: 3}}");
  gj_dec(viaType);
  gj_dec(m);
}

// ---- the index panic -----------------------------------------------------------

TEST(MapDeathTest, IndexMissingKey) {
  GjMap *m = str_int({{"a", 1}});
  GjStr *k = mkstr("x");
  int64_t out;
  EXPECT_EXIT(gj_map_index(m, &k, &out, &kLoc), ExitedWithCode(101),
              "^" + lit_re("guji: panic: key not found: \"x\"\n"
                           "  at t.guji:3:9\n"));
  GjMap *n = int_int({{1, 2}});
  int64_t key = -42;
  EXPECT_EXIT(gj_map_index(n, &key, &out, &kLoc), ExitedWithCode(101),
              lit_re("key not found: -42"));
  GjStr *a = mkstr("a");
  gj_map_index(m, &a, &out, &kLoc);
  EXPECT_EQ(out, 1);
  gj_dec(a);
  gj_dec(k);
  gj_dec(m);
  gj_dec(n);
}

// ---- eq, hash, cmp (§4) ------------------------------------------------------

TEST(MapCompare, InsertionOrderDoesNotMatter) {
  std::vector<int64_t> ks;
  for (int64_t i = 0; i < 3000; i++)
    ks.push_back(i * 7919 % 100003);
  GjMap *a = gj_map_new(&gj_type_int, &gj_type_int);
  for (int64_t k : ks)
    a = gj_map_insert(a, &k, &k);
  std::reverse(ks.begin(), ks.end());
  GjMap *b = gj_map_new(&gj_type_int, &gj_type_int);
  for (int64_t k : ks) {
    int64_t junk = -1;
    b = gj_map_insert(b, &k, &junk);
    b = gj_map_insert(b, &k, &k);
  }
  EXPECT_TRUE(gj_map_eq(a, b));
  EXPECT_EQ(gj_map_hash(a, 1), gj_map_hash(b, 1));
  EXPECT_EQ(gj_map_cmp(a, b), 0);
  int64_t k = ks[5], v = 0;
  b = gj_map_insert(b, &k, &v);
  EXPECT_FALSE(gj_map_eq(a, b));
  EXPECT_NE(gj_map_hash(a, 1), gj_map_hash(b, 1));
  gj_dec(a);
  gj_dec(b);
}

TEST(MapCompare, EntriesInKeyOrderLexicographically) {
  GjMap *a = int_int({{1, 2}});
  GjMap *b = int_int({{1, 3}});
  GjMap *c = int_int({{1, 2}, {3, 4}});
  GjMap *d = int_int({{2, 0}});
  GjMap *e = gj_map_new(&gj_type_int, &gj_type_int);
  EXPECT_LT(gj_map_cmp(a, b), 0);
  EXPECT_GT(gj_map_cmp(b, a), 0);
  EXPECT_LT(gj_map_cmp(a, c), 0); // a prefix is less
  EXPECT_GT(gj_map_cmp(d, c), 0); // key 2 > key 1
  EXPECT_LT(gj_map_cmp(e, a), 0);
  EXPECT_EQ(gj_map_cmp(e, e), 0);
  GjMap *s = int_set({1, 2}), *t = int_set({1, 3}), *u = int_set({2, 1});
  EXPECT_LT(gj_map_cmp(s, t), 0);
  EXPECT_TRUE(gj_map_eq(s, u));
  EXPECT_EQ(gj_map_hash(s, 3), gj_map_hash(u, 3));
  for (GjMap *m : {a, b, c, d, e, s, t, u})
    gj_dec(m);
}

TEST(MapCompare, ThroughTheTypeDescriptor) {
  GjMap *a = str_int({{"x", 1}, {"y", 2}});
  GjMap *b = str_int({{"y", 2}, {"x", 1}});
  const GjType *t = &gj_type_map;
  EXPECT_EQ(t->size, 8u);
  EXPECT_TRUE(t->flags & GJ_TYPE_HEAP);
  EXPECT_STREQ(t->name, "Map");
  EXPECT_TRUE(t->eq(&a, &b));
  EXPECT_EQ(t->cmp(&a, &b), 0);
  EXPECT_EQ(t->hash(&a, 9), t->hash(&b, 9));
  t->inc(&a);
  t->dec(&a);
  gj_dec(a);
  gj_dec(b);
}

// ---- pairs, keys, values, iteration ---------------------------------------------

struct StrIntPair {
  GjHeader h;
  GjStr *k;
  int64_t v;
};
void pair_dec(const void *p) {
  StrIntPair *t;
  memcpy(&t, p, 8);
  if (--t->h.rc == 0) {
    gj_dec(t->k);
    gj_obj_free(t, sizeof *t);
  }
}
void pair_inc(const void *p) {
  StrIntPair *t;
  memcpy(&t, p, 8);
  t->h.rc++;
}

TEST(MapPairs, TupleLayout) {
  int64_t live = gj_rt_live_objects();
  GjType pt = gj_type_list;
  pt.inc = pair_inc;
  pt.dec = pair_dec;
  pt.name = "(Str, Int)";
  GjMap *m = str_int({{"a", 1}, {"b", 2}, {"c", 3}});
  GjList *ps = gj_map_pairs(m, &pt);
  GjList *ks = gj_map_keys(m);
  GjList *vs = gj_map_values(m);
  ASSERT_EQ(gj_list_len(ps), 3);
  static_assert(offsetof(StrIntPair, k) == 8 && offsetof(StrIntPair, v) == 16,
                "record layout");
  for (int64_t i = 0; i < 3; i++) {
    StrIntPair *t;
    GjStr *k;
    int64_t v;
    gj_list_get(ps, i, &t, &kLoc);
    gj_list_get(ks, i, &k, &kLoc);
    gj_list_get(vs, i, &v, &kLoc);
    EXPECT_EQ(t->h.kind, GJ_KIND_OBJ);
    EXPECT_EQ(t->h.flags, 0);
    EXPECT_EQ(t->k, k); // same order, same (shared) key object
    EXPECT_EQ(t->v, v);
    EXPECT_EQ(str(k)[0] - 'a' + 1, v);
  }
  gj_dec(m);
  gj_dec(ks);
  gj_dec(vs);
  gj_dec(ps); // drops the tuples and the keys they held
  EXPECT_EQ(gj_rt_live_objects(), live);
}

TEST(MapPairs, SmallFieldsAreSizeAligned) {
  GjMap *m = gj_map_new(&gj_type_bool, &gj_type_char);
  uint8_t k = 1;
  uint32_t c = 'q';
  m = gj_map_insert(m, &k, &c);
  GjType pt = gj_type_int; // no drop needed to look inside
  GjList *ps = gj_map_pairs(m, &pt);
  char *t;
  gj_list_get(ps, 0, &t, &kLoc);
  EXPECT_EQ((uint8_t)t[8], 1);
  uint32_t got;
  memcpy(&got, t + 12, 4);
  EXPECT_EQ(got, (uint32_t)'q');
  gj_obj_free(t, 16);
  gj_dec(ps);
  gj_dec(m);
}

TEST(MapIter, EveryEntryOnceKeysAndValuesInStep) {
  GjMap *m = gj_map_new(&gj_type_int, &gj_type_int);
  for (int64_t i = 0; i < 20000; i++) {
    int64_t v = i * 3;
    m = gj_map_insert(m, &i, &v);
  }
  GjList *ks = gj_map_keys(m), *vs = gj_map_values(m);
  std::set<int64_t> seen;
  GjMapIter it;
  const void *k, *v;
  int64_t i = 0;
  gj_map_iter_init(&it, m);
  while (gj_map_iter_next(&it, &k, &v)) {
    int64_t kk, vv;
    gj_list_get(ks, i, &kk, &kLoc);
    gj_list_get(vs, i, &vv, &kLoc);
    EXPECT_EQ(load_int(k), kk);
    EXPECT_EQ(load_int(v), vv);
    EXPECT_EQ(vv, 3 * kk);
    EXPECT_TRUE(seen.insert(kk).second);
    i++;
  }
  EXPECT_EQ(i, 20000);
  EXPECT_FALSE(gj_map_iter_next(&it, &k, &v));
  GjMap *e = gj_set_new(&gj_type_int);
  gj_map_iter_init(&it, e);
  EXPECT_FALSE(gj_map_iter_next(&it, &k, &v));
  gj_dec(e);
  gj_dec(ks);
  gj_dec(vs);
  gj_dec(m);
}

// ---- canonical form -------------------------------------------------------------

TEST(MapShape, RemovalsLeaveTheShapeOfAFreshBuild) {
  std::mt19937_64 rng(42);
  std::vector<int64_t> ks;
  for (int64_t i = 0; i < 5000; i++)
    ks.push_back((int64_t)rng());
  GjMap *a = gj_set_new(&gj_type_int);
  for (int64_t k : ks)
    a = gj_set_add(a, &k);
  std::shuffle(ks.begin(), ks.end(), rng);
  for (size_t i = 0; i < 4900; i++)
    a = gj_map_remove(a, &ks[i]);
  GjMap *b = gj_set_new(&gj_type_int);
  for (size_t i = 4900; i < 5000; i++)
    b = gj_set_add(b, &ks[i]);
  GjList *la = gj_set_to_list(a), *lb = gj_set_to_list(b);
  EXPECT_TRUE(gj_list_eq(la, lb)); // same iteration order: same shape
  gj_dec(la);
  gj_dec(lb);
  for (size_t i = 4900; i < 5000; i++)
    a = gj_map_remove(a, &ks[i]);
  EXPECT_EQ(gj_map_len(a), 0);
  EXPECT_EQ(text(a), "set([])");
  gj_dec(a);
  gj_dec(b);
}

// ---- bulk operations --------------------------------------------------------------

TEST(MapBulk, MergeLetsTheRightWin) {
  GjMap *a = str_int({{"a", 1}, {"b", 2}});
  GjMap *b = str_int({{"b", 20}, {"c", 30}});
  GjMap *r = gj_map_merge(a, b);
  EXPECT_EQ(text(r), "{\"a\": 1, \"b\": 20, \"c\": 30}");
  EXPECT_EQ(text(a), "{\"a\": 1, \"b\": 2}");
  EXPECT_EQ(text(b), "{\"b\": 20, \"c\": 30}");
  gj_dec(r);
  gj_dec(a);
  gj_dec(b);
}

void int_to_str_thunk(void *, void *const *args, void *out) {
  GjStr *s = gj_str_from_int(load_int(args[0]));
  memcpy(out, &s, 8);
}

TEST(MapBulk, MapValuesKeepsKeys) {
  int64_t live = gj_rt_live_objects();
  GjMap *m = gj_map_new(&gj_type_int, &gj_type_int);
  for (int64_t i = 0; i < 1000; i++) {
    int64_t v = i + 1;
    m = gj_map_insert(m, &i, &v);
  }
  int64_t ten = 10;
  GjMap *p = gj_map_map_values(m, &gj_type_int, &ten, add_thunk);
  GjMap *s = gj_map_map_values(m, &gj_type_str, nullptr, int_to_str_thunk);
  EXPECT_EQ(gj_map_len(p), 1000);
  EXPECT_EQ(gj_map_value_type(s), &gj_type_str);
  for (int64_t i = 0; i < 1000; i++) {
    int64_t v;
    GjStr *t;
    ASSERT_TRUE(gj_map_get(p, &i, &v));
    EXPECT_EQ(v, i + 11);
    ASSERT_TRUE(gj_map_get(s, &i, &t));
    EXPECT_EQ(str(t), std::to_string(i + 1));
  }
  int64_t k = 5, v = 0;
  p = gj_map_insert(p, &k, &v); // the result is an ordinary map
  GjMap *small = int_int({{2, 1}});
  GjMap *small_s = gj_map_map_values(small, &gj_type_str, nullptr, int_to_str_thunk);
  EXPECT_EQ(text(small_s), "{2: \"1\"}");
  for (GjMap *x : {m, p, s, small, small_s})
    gj_dec(x);
  EXPECT_EQ(gj_rt_live_objects(), live);
}

// keeps entries whose key is even and value (a Str) is not "drop"
void keep_thunk(void *, void *const *args, void *out) {
  int64_t k = load_int(args[0]);
  GjStr *v;
  memcpy(&v, args[1], 8);
  uint8_t keep = k % 2 == 0 && str(v) != "drop";
  gj_dec(v); // the call consumes its arguments
  memcpy(out, &keep, 1);
}

TEST(MapBulk, Filter) {
  int64_t live = gj_rt_live_objects();
  GjMap *m = gj_map_new(&gj_type_int, &gj_type_str);
  for (int64_t i = 0; i < 10; i++) {
    GjStr *v = mkstr(i == 4 ? "drop" : "keep");
    m = gj_map_insert(m, &i, &v);
  }
  GjMap *r = gj_map_filter(m, nullptr, keep_thunk);
  EXPECT_EQ(text(r), "{0: \"keep\", 2: \"keep\", 6: \"keep\", 8: \"keep\"}");
  EXPECT_EQ(gj_map_len(m), 10);
  gj_dec(r);
  gj_dec(m);
  EXPECT_EQ(gj_rt_live_objects(), live);
}

TEST(MapBulk, UpdateCallsOncePerKey) {
  GjMap *m = str_int({});
  int64_t one = 1;
  for (int i = 0; i < 1000; i++) {
    GjStr *k = mkstr(i % 3 == 0 ? "a" : "b");
    int64_t d = 100;
    m = gj_map_update(m, &k, &d, &one, add_thunk);
  }
  EXPECT_EQ(text(m), "{\"a\": 434, \"b\": 766}");
  GjMap *old = m;
  gj_inc(old);
  GjStr *k = mkstr("a");
  int64_t d = 0;
  m = gj_map_update(m, &k, &d, &one, add_thunk);
  EXPECT_EQ(text(old), "{\"a\": 434, \"b\": 766}"); // shared: copied
  EXPECT_EQ(text(m), "{\"a\": 435, \"b\": 766}");
  gj_dec(old);
  gj_dec(m);
}

// ---- sets ---------------------------------------------------------------------

TEST(SetOps, UnionIntersectionDifference) {
  GjMap *a = int_set({1, 2, 3, 4});
  GjMap *b = int_set({3, 4, 5});
  GjMap *u = gj_set_union(a, b), *i = gj_set_intersection(a, b);
  GjMap *d = gj_set_difference(a, b), *d2 = gj_set_difference(b, a);
  EXPECT_EQ(text(u), "set([1, 2, 3, 4, 5])");
  EXPECT_EQ(text(i), "set([3, 4])");
  EXPECT_EQ(text(d), "set([1, 2])");
  EXPECT_EQ(text(d2), "set([5])");
  EXPECT_TRUE(gj_map_is_set(u) && gj_map_is_set(i) && gj_map_is_set(d));
  EXPECT_EQ(text(a), "set([1, 2, 3, 4])");
  for (GjMap *x : {a, b, u, i, d, d2})
    gj_dec(x);
}

TEST(SetOps, FromListAndBack) {
  int64_t live = gj_rt_live_objects();
  GjList *l = gj_list_new(&gj_type_str);
  for (const char *s : {"b", "a", "b", "c", "a"}) {
    GjStr *x = mkstr(s);
    l = gj_list_push(l, &x);
  }
  GjMap *s = gj_set_from_list(l);
  EXPECT_EQ(text(s), "set([\"a\", \"b\", \"c\"])");
  EXPECT_EQ(gj_map_key_type(s), &gj_type_str);
  GjList *back = gj_set_to_list(s);
  EXPECT_EQ(gj_list_len(back), 3);
  GjMap *again = gj_set_from_list(back);
  EXPECT_TRUE(gj_map_eq(s, again));
  for (void *x : {(void *)l, (void *)s, (void *)back, (void *)again})
    gj_dec(x);
  EXPECT_EQ(gj_rt_live_objects(), live);
}

TEST(MapLeaks, EverythingIsFreed) {
  EXPECT_EQ(gj_rt_live_objects_of(GJ_KIND_MAP), 0);
  EXPECT_EQ(gj_rt_live_objects_of(GJ_KIND_MAP_NODE), 0);
}

TEST(MapHash, SeedIsSetWithoutStart) { EXPECT_NE(gj_hash_seed, 0u); }

// Run by SeedFromTheEnvironment in a child process.
TEST(MapHash, PrintSeed) {
  if (getenv("GUJI_TEST_PRINT_SEED"))
    printf("seed=%llx str=%llx\n", (unsigned long long)gj_hash_seed,
           (unsigned long long)gj_hash_bytes("wordfreq", 8, gj_hash_seed));
}

std::string child_seed(const char *env) {
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0)
    return "";
  self[n] = 0;
  std::string cmd = std::string("GUJI_TEST_PRINT_SEED=1 ") + env + " '" +
                    self + "' --gtest_filter=MapHash.PrintSeed";
  FILE *p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[256];
  while (p && fgets(buf, sizeof buf, p))
    if (strncmp(buf, "seed=", 5) == 0)
      out = buf;
  if (p)
    pclose(p);
  return out;
}

// The byte-string hash (hash.c): equal bytes hash equal wherever they sit;
// every byte, the length and the seed change it (every length class of the
// short path, 0..16, and the long one's rounds of 16 and 48 bytes).
TEST(MapHash, BytesHashEveryByteLengthAndSeed) {
  unsigned char a[160], b[168];
  for (int i = 0; i < 160; i++)
    a[i] = (unsigned char)(i * 37 + 11);
  for (int64_t n = 0; n <= 150; n++) {
    memcpy(b + 3, a, (size_t)n); // another address, another alignment
    uint64_t h = gj_hash_bytes(a, n, gj_hash_seed);
    EXPECT_EQ(h, gj_hash_bytes(b + 3, n, gj_hash_seed)) << n;
    EXPECT_NE(h, gj_hash_bytes(a, n, gj_hash_seed + 1)) << n;
    if (n < 150) {
      b[3 + n] = 0; // one more (zero) byte
      EXPECT_NE(h, gj_hash_bytes(b + 3, n + 1, gj_hash_seed)) << n;
    }
    for (int64_t i = 0; i < n; i++) {
      b[3 + i] ^= 1;
      EXPECT_NE(h, gj_hash_bytes(b + 3, n, gj_hash_seed)) << n << " " << i;
      b[3 + i] ^= 1;
    }
  }
}

TEST(MapHash, SeedFromTheEnvironment) {
  std::string a = child_seed("GUJI_HASH_SEED=7");
  ASSERT_NE(a, "");
  EXPECT_EQ(a, child_seed("GUJI_HASH_SEED=7"));  // repeatable
  EXPECT_NE(a, child_seed("GUJI_HASH_SEED=8"));
  EXPECT_EQ(a.rfind("seed=7 ", 0), std::string::npos); // mixed
  EXPECT_NE(child_seed(""), child_seed(""));     // random otherwise
}

TEST(MapIter, FixedSizeNoAllocation) {
  EXPECT_EQ(sizeof(GjMapIter), 144u);
  GjMap *m = int_int({{1, 1}, {2, 2}});
  int64_t before = gj_rt_alloc_count();
  GjMapIter it;
  const void *k, *v;
  int n = 0;
  gj_map_iter_init(&it, m);
  while (gj_map_iter_next(&it, &k, &v))
    n++;
  EXPECT_EQ(n, 2);
  EXPECT_EQ(gj_rt_alloc_count(), before);
  gj_dec(m);
}

// A copy borrows its children from the node it was copied from (map.c);
// once the versions that needed the old node are gone, the chain of
// copies must not keep it: a map snapshotted and updated over and over
// holds about as many nodes as a fresh one.
TEST(MapBorrow, SnapshotLoopKeepsNoHistory) {
  GjMap *m = gj_map_new(&gj_type_int, &gj_type_int);
  for (int64_t i = 0; i < 2000; i++)
    m = gj_map_insert(m, &i, &i);
  int64_t fresh = gj_rt_live_objects_of(GJ_KIND_MAP_NODE);
  std::mt19937_64 rng(5);
  std::vector<GjMap *> window;
  for (int64_t step = 0; step < 20000; step++) {
    gj_inc(m);
    window.push_back(m); // a few snapshots alive at a time
    int64_t k = (int64_t)(rng() % 2000), v = step;
    m = gj_map_insert(m, &k, &v);
    if (rng() % 3 == 0) {
      int64_t r = (int64_t)(rng() % 2000);
      m = gj_map_remove(m, &r);
      m = gj_map_insert(m, &r, &r);
    }
    if (window.size() > 3) {
      gj_dec(window.front());
      window.erase(window.begin());
    }
  }
  for (GjMap *w : window)
    gj_dec(w);
  EXPECT_EQ(gj_map_len(m), 2000);
  EXPECT_LE(gj_rt_live_objects_of(GJ_KIND_MAP_NODE), 3 * fresh);
  gj_dec(m);
}

// A version handed to another thread (gj_mark_shared) takes the nodes it
// borrows from with it; this thread keeps copying and dropping the rest.
TEST(MapBorrow, SharedVersionWhileTheOwnerGoesOn) {
  int64_t live = gj_rt_live_objects();
  GjMap *m = gj_map_new(&gj_type_int, &gj_type_int);
  std::vector<GjMap *> vs;
  for (int64_t i = 0; i < 20000; i++) {
    m = gj_map_insert(m, &i, &i);
    if (i % 7 == 0) {
      gj_inc(m);
      vs.push_back(m);
    }
  }
  GjMap *sh = vs[vs.size() / 2];
  int64_t shlen = gj_map_len(sh);
  gj_inc(sh);
  gj_mark_shared(sh);
  std::thread t([sh, shlen] {
    for (int64_t i = 0; i < shlen; i += 97) {
      int64_t out = -1;
      EXPECT_TRUE(gj_map_get(sh, &i, &out));
      EXPECT_EQ(out, i);
    }
    gj_dec(sh);
  });
  for (int64_t i = 0; i < 20000; i += 3) {
    int64_t v = -i;
    m = gj_map_insert(m, &i, &v);
    if (i % 11 == 0)
      m = gj_map_remove(m, &i);
  }
  for (GjMap *v : vs)
    gj_dec(v);
  t.join();
  gj_dec(m);
  EXPECT_EQ(gj_rt_live_objects(), live);
}

// Versions updated from anywhere in their history and dropped in any
// order: copies of copies borrow from nodes that other copies collapse or
// own, some versions are shared (gj_mark_shared: copied with counts, never
// borrowed from), and every version keeps its contents through find,
// iteration, map_values and the text form. Nothing is left at the end.
template <class K> void branching_walk(uint64_t seed, int ops) {
  using Model = std::map<typename K::M, int64_t>;
  int64_t live = gj_rt_live_objects();
  std::mt19937_64 rng(seed);
  std::vector<std::pair<GjMap *, Model>> pool;
  pool.push_back({gj_map_new(K::type(), &gj_type_int), Model()});
  auto check = [&](GjMap *m, const Model &model) {
    expect_map<K>(m, model);
    for (auto &e : model) {
      uint64_t k = K::make(e.first);
      int64_t out = -1;
      ASSERT_TRUE(gj_map_get(m, &k, &out));
      ASSERT_EQ(out, e.second);
      K::drop(k);
    }
    int64_t one = 1;
    GjMap *p = gj_map_map_values(m, &gj_type_int, &one, add_thunk);
    Model plus = model;
    for (auto &e : plus)
      e.second += 1;
    expect_map<K>(p, plus);
    gj_dec(p);
    GjMap *fresh = build_map<K>(model, rng());
    EXPECT_EQ(text(m), text(fresh));
    EXPECT_TRUE(gj_map_eq(m, fresh));
    EXPECT_EQ(gj_map_hash(m, 3), gj_map_hash(fresh, 3));
    gj_dec(fresh);
  };
  for (int step = 0; step < ops; step++) {
    size_t i = rng() % pool.size();
    GjMap *m = pool[i].first;
    Model model = pool[i].second;
    if (rng() % 2) { // the old version stays
      gj_inc(m);
    } else {         // the update consumes it (in place where unique)
      pool[i] = std::move(pool.back());
      pool.pop_back();
    }
    for (int j = 0, n = 1 + (int)(rng() % 4); j < n; j++) {
      typename K::M key = K::gen(rng);
      uint64_t k = K::make(key);
      if (rng() % 3) {
        int64_t v = step;
        m = gj_map_insert(m, &k, &v);
        model[key] = v;
      } else {
        m = gj_map_remove(m, &k);
        K::drop(k);
        model.erase(key);
      }
    }
    ASSERT_EQ(gj_map_len(m), (int64_t)model.size());
    if (step % 500 == 0)
      gj_mark_shared(m);
    pool.push_back({m, std::move(model)});
    while (pool.size() > 10) {
      size_t j = rng() % pool.size();
      if (step % 16 == 0)
        check(pool[j].first, pool[j].second);
      ASSERT_FALSE(::testing::Test::HasFatalFailure());
      gj_dec(pool[j].first);
      pool[j] = std::move(pool.back());
      pool.pop_back();
    }
  }
  for (auto &p : pool) {
    check(p.first, p.second);
    gj_dec(p.first);
  }
  EXPECT_EQ(gj_rt_live_objects(), live);
}

TEST(MapBorrow, BranchingHistoryIntKeys) { branching_walk<IntKeys>(21, 20000); }
TEST(MapBorrow, BranchingHistoryStrKeys) { branching_walk<StrKeys>(22, 10000); }
TEST(MapBorrow, BranchingHistoryCollisions) {
  branching_walk<FewKeys>(23, 20000);
}
TEST(MapBorrow, BranchingHistoryDeepPaths) {
  branching_walk<DeepKeys>(24, 20000);
}

// A unique map is updated in place: replacing values allocates nothing.
TEST(MapInPlace, UniqueUpdatesAllocateNothing) {
  GjMap *m = gj_map_new(&gj_type_int, &gj_type_int);
  for (int64_t i = 0; i < 5000; i++)
    m = gj_map_insert(m, &i, &i);
  int64_t before = gj_rt_alloc_count(), one = 1, d = 0;
  for (int64_t i = 0; i < 5000; i++)
    m = gj_map_update(m, &i, &d, &one, add_thunk);
  for (int64_t i = 0; i < 5000; i++)
    m = gj_map_insert(m, &i, &d);
  EXPECT_EQ(gj_rt_alloc_count(), before);
  gj_dec(m);
}

} // namespace
