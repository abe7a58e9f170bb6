// map_test.cpp — CodeGen of Map[K, V] and Set[T] (§15), through
// CollectionProg.h's harness (GIR built by hand, JIT'd and run at several
// optimization levels, with a leak check after each run). Output
// that depends on iteration (hash) order is sorted first; text forms are
// sorted by key by the runtime.
extern "C" {
#include "JitOptions.h"
#include "guji/CodeGen.h"
#include "guji/GIR.h"
#include "guji/Passes.h"
#include "guji/Session.h"
}
#include "gujirt.h"

#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Orc.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "CollectionProg.h"

namespace {

const GirType *I = &gir_t_int;
const GirType *S = &gir_t_str;
const GirType *B = &gir_t_bool;

// {"b": 2, "a": 1, "c": 3}: len and the text form (sorted by key).
TEST(CodeGenMap, LiteralLenText) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        const GirType *mt = p.map_of(S, I);
        GirValue m = p.mnew(mt, {p.dyn_str("b"), p.i(2), p.str("a"), p.i(1),
                                 p.dyn_str("c"), p.i(3)});
        p.print(m);
        p.print(p.mnew(mt, {}));
        p.print(p.mnew(p.set_of(I), {}));
        return p.mo(GIR_MAP_LEN, {m});
      },
      3, "{\"a\": 1, \"b\": 2, \"c\": 3}\n{:}\nset([])\n");
}

// insert (a new key and a replaced one), index, contains; the old version
// stays as it was.
TEST(CodeGenMap, InsertIndexContains) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        const GirType *mt = p.map_of(I, S);
        GirValue m = p.mnew(mt, {p.i(1), p.dyn_str("one"), p.i(2), p.dyn_str("two")});
        GirValue m2 = p.mo(GIR_MAP_INSERT, {m, p.i(3), p.dyn_str("three")});
        GirValue m3 = p.mo(GIR_MAP_INSERT, {m2, p.i(1), p.dyn_str("uno")});
        p.print(m);
        p.print(m3);
        p.print(p.mo(GIR_MAP_INDEX, {m3, p.i(1)}));
        p.print(p.mo(GIR_MAP_INDEX, {m, p.i(1)}));
        p.print(p.mo(GIR_MAP_CONTAINS, {m3, p.i(3)}));
        p.print(p.mo(GIR_MAP_CONTAINS, {m, p.i(3)}));
        GirValue n = p.mo(GIR_MAP_LEN, {m3});
        return p.op(GIR_OP_IADD, I, {n, p.op(GIR_OP_IMUL, I, {p.mo(GIR_MAP_LEN, {m}), p.i(10)})});
      },
      23,
      "{1: \"one\", 2: \"two\"}\n{1: \"uno\", 2: \"two\", 3: \"three\"}\n"
      "uno\none\ntrue\nfalse\n");
}

// get_or with counted Str values: present (the map's value, inc'd; the
// default dropped) and absent (the default itself); no leaks either way.
TEST(CodeGenMap, GetOrStr) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        const GirType *mt = p.map_of(S, S);
        GirValue m = p.mnew(mt, {p.dyn_str("k"), p.dyn_str("v")});
        GirValue a = p.mo(GIR_MAP_GET_OR, {m, p.str("k"), p.dyn_str("default")});
        GirValue b = p.mo(GIR_MAP_GET_OR, {m, p.dyn_str("x"), p.dyn_str("default")});
        p.print(a);
        p.print(b);
        p.print(m);
        GirValue mi = p.mnew(p.map_of(I, I), {p.i(1), p.i(10)});
        GirValue x = p.mo(GIR_MAP_GET_OR, {mi, p.i(1), p.i(-1)});
        GirValue y = p.mo(GIR_MAP_GET_OR, {mi, p.i(2), p.i(-1)});
        return p.op(GIR_OP_IADD, I, {x, y});
      },
      9, "v\ndefault\n{\"k\": \"v\"}\n");
}

TEST(CodeGenMap, Remove) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        const GirType *mt = p.map_of(S, I);
        GirValue m = p.mnew(mt, {p.dyn_str("a"), p.i(1), p.dyn_str("b"), p.i(2)});
        GirValue m2 = p.mo(GIR_MAP_REMOVE, {m, p.str("a")});
        GirValue m3 = p.mo(GIR_MAP_REMOVE, {m2, p.dyn_str("zz")});
        p.print(m3);
        GirValue s = p.mnew(p.set_of(S), {p.dyn_str("x"), p.dyn_str("y")});
        GirValue s2 = p.mo(GIR_MAP_REMOVE, {s, p.dyn_str("y")});
        p.print(s2);
        return p.mo(GIR_MAP_LEN, {m3});
      },
      1, "{\"b\": 2}\nset([\"x\"])\n");
}

// update(k, d, f) with a closure capturing a Str: f(v) = v ++ $suffix, on
// a present key and an absent one (f(d)).
TEST(CodeGenMap, UpdateWithClosure) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        const GirType *ft = p.fn_type({S}, S);
        GirFunc *app = p.lifted("app", ft, {S}, [&](GirValue clo, std::vector<GirValue> ps) {
          GirValue suf = gir_capture(&p.g, clo, 0, S, p.at(20));
          GirValue args[] = {ps[0], suf};
          return gir_call_rt(&p.g, GIR_RT_STR_CONCAT, args, 2, p.at(20));
        });
        const GirType *mt = p.map_of(S, S);
        GirValue f = p.closure(app, ft, {p.dyn_str("!")});
        GirValue m = p.mnew(mt, {p.dyn_str("a"), p.dyn_str("x")});
        GirValue m2 = p.mo(GIR_MAP_UPDATE, {m, p.dyn_str("a"), p.dyn_str("d"), f});
        GirValue m3 = p.mo(GIR_MAP_UPDATE, {m2, p.dyn_str("b"), p.dyn_str("d"), f});
        p.print(m3);
        // Int values, a closure without captures: v * 2
        const GirType *fi = p.fn_type({I}, I);
        GirFunc *dbl = p.lifted("dbl", fi, {}, [&](GirValue, std::vector<GirValue> ps) {
          return p.op(GIR_OP_IMUL, I, {ps[0], p.i(2)});
        });
        GirValue mi = p.mnew(p.map_of(I, I), {p.i(1), p.i(21)});
        GirValue d = p.closure(dbl, fi, {});
        mi = p.mo(GIR_MAP_UPDATE, {mi, p.i(1), p.i(0), d});
        mi = p.mo(GIR_MAP_UPDATE, {mi, p.i(2), p.i(5), d});
        p.print(mi);
        return p.mo(GIR_MAP_INDEX, {mi, p.i(1)});
      },
      42, "{\"a\": \"x!\", \"b\": \"d!\"}\n{1: 42, 2: 10}\n");
}

// map_values (Int -> Str, a new value type) and filter (sub(K, V): Bool,
// the result one byte), on a map and on a set (sub(K): Bool).
TEST(CodeGenMap, MapValuesAndFilter) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        const GirType *mt = p.map_of(S, I);
        const GirType *fs = p.fn_type({I}, S);
        GirFunc *show = p.lifted("show", fs, {S}, [&](GirValue clo, std::vector<GirValue> ps) {
          GirValue pre = gir_capture(&p.g, clo, 0, S, p.at(20));
          GirValue n = gir_call_rt(&p.g, GIR_RT_STR_FROM_INT, &ps[0], 1, p.at(20));
          GirValue args[] = {pre, n};
          return gir_call_rt(&p.g, GIR_RT_STR_CONCAT, args, 2, p.at(20));
        });
        const GirType *fk = p.fn_type({S, I}, B);
        GirFunc *big = p.lifted("big", fk, {}, [&](GirValue, std::vector<GirValue> ps) {
          GirValue n = gir_call_rt(&p.g, GIR_RT_STR_LEN, &ps[0], 1, p.at(20));
          GirValue s = p.op(GIR_OP_IADD, I, {n, ps[1]});
          return p.op(GIR_OP_IGT, B, {s, p.i(3)});
        });
        const GirType *fe = p.fn_type({I}, B);
        GirFunc *even = p.lifted("even", fe, {}, [&](GirValue, std::vector<GirValue> ps) {
          GirValue r = p.op(GIR_OP_IREM, I, {ps[0], p.i(2)});
          return p.op(GIR_OP_IEQ, B, {r, p.i(0)});
        });
        GirValue m = p.mnew(mt, {p.dyn_str("a"), p.i(1), p.dyn_str("bb"), p.i(2),
                                 p.dyn_str("ccc"), p.i(3)});
        GirValue shown = p.mop(GIR_MAP_MAP_VALUES, mt, p.map_of(S, S),
                               {m, p.closure(show, fs, {p.dyn_str("#")})});
        p.print(shown);
        p.print(p.mo(GIR_MAP_FILTER, {m, p.closure(big, fk, {})}));
        GirValue s = p.mnew(p.set_of(I), {p.i(1), p.i(2), p.i(3), p.i(4)});
        p.print(p.mo(GIR_MAP_FILTER, {s, p.closure(even, fe, {})}));
        return p.mo(GIR_MAP_LEN, {shown});
      },
      3, "{\"a\": \"#1\", \"bb\": \"#2\", \"ccc\": \"#3\"}\n{\"bb\": 2, \"ccc\": 3}\nset([2, 4])\n");
}

// keys, values and pairs (in one order: pairs sorted, keys and values
// checked against them), merge (b's values win).
TEST(CodeGenMap, KeysValuesPairsMerge) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        const GirType *mt = p.map_of(S, I);
        GirType *pt = p.tuple(S, I);
        GirValue m = p.mnew(mt, {p.dyn_str("x"), p.i(3), p.dyn_str("y"), p.i(1),
                                 p.dyn_str("z"), p.i(2)});
        GirValue ks = p.mo(GIR_MAP_KEYS, {m});
        GirValue vs = p.mo(GIR_MAP_VALUES, {m});
        GirValue ps = p.mop(GIR_MAP_PAIRS, mt, p.list_of(pt), {m});
        p.print(p.sorted(ks));
        p.print(p.sorted(vs));
        p.print(p.sorted(ps));
        // keys[i] and values[i] are pairs[i]'s
        GirValue k1 = p.get(ks, p.i(1)), v1 = p.get(vs, p.i(1)), p1 = p.get(ps, p.i(1));
        GirValue same_k = gir_eq(&p.g, k1, gir_proj(&p.g, p1, pt, 0, 0, p.at(9)), p.at(9));
        GirValue same_v = gir_eq(&p.g, v1, gir_proj(&p.g, p1, pt, 0, 1, p.at(9)), p.at(9));
        p.print(same_k);
        p.print(same_v);
        GirValue o = p.mnew(mt, {p.str("y"), p.i(10), p.dyn_str("w"), p.i(0)});
        p.print(p.mo(GIR_MAP_MERGE, {m, o}));
        return p.op(GIR_OP_LIST_LEN, I, {ps});
      },
      3,
      "[\"x\", \"y\", \"z\"]\n[1, 2, 3]\n[(\"x\", 3), (\"y\", 1), (\"z\", 2)]\n"
      "true\ntrue\n{\"w\": 0, \"x\": 3, \"y\": 10, \"z\": 2}\n");
}

TEST(CodeGenMap, SetOps) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        const GirType *st = p.set_of(S);
        GirValue a = p.mnew(st, {p.dyn_str("a"), p.dyn_str("b"), p.dyn_str("c")});
        GirValue b = p.mo(GIR_SET_FROM_LIST,
                          {p.list(S, {p.dyn_str("b"), p.dyn_str("c"), p.dyn_str("d"),
                                      p.dyn_str("d")})});
        p.print(b);
        p.print(p.mo(GIR_SET_UNION, {a, b}));
        p.print(p.mo(GIR_SET_INTERSECTION, {a, b}));
        p.print(p.mo(GIR_SET_DIFFERENCE, {a, b}));
        GirValue a2 = p.mo(GIR_SET_ADD, {a, p.dyn_str("z")});
        GirValue a3 = p.mo(GIR_SET_ADD, {a2, p.dyn_str("a")});
        p.print(a3);
        p.print(p.sorted(p.mo(GIR_SET_TO_LIST, {a3})));
        p.print(p.mo(GIR_MAP_CONTAINS, {a3, p.str("z")}));
        p.print(p.mo(GIR_MAP_CONTAINS, {b, p.str("z")}));
        // Set[Bool]: one byte a key
        GirValue bs = p.mnew(p.set_of(B), {p.b(true), p.b(true), p.b(false)});
        p.print(bs);
        p.print(p.mo(GIR_MAP_CONTAINS, {bs, p.b(false)}));
        return p.mo(GIR_MAP_LEN, {a3});
      },
      4,
      "set([\"b\", \"c\", \"d\"])\nset([\"a\", \"b\", \"c\", \"d\"])\nset([\"b\", \"c\"])\n"
      "set([\"a\"])\nset([\"a\", \"b\", \"c\", \"z\"])\n[\"a\", \"b\", \"c\", \"z\"]\n"
      "true\nfalse\nset([false, true])\ntrue\n");
}

// eq, cmp and text of a Map[Str, List[Int]]; a Set nested in a List; a
// record with a Map field (its descriptor hashes the map through
// gj_type_map: equal records are one element of a Set).
TEST(CodeGenMap, EqCmpTextNested) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        const GirType *li = p.list_of(I);
        const GirType *mt = p.map_of(S, li);
        auto M = [&](int64_t last) {
          return p.mnew(mt, {p.dyn_str("a"), p.list(I, {p.i(1), p.i(2)}), p.str("b"),
                             p.list(I, {p.i(last)})});
        };
        GirValue m1 = M(3), m2 = M(3), m3 = M(4);
        p.print(m1);
        p.print(gir_eq(&p.g, m1, m2, p.at(9)));
        p.print(gir_eq(&p.g, m1, m3, p.at(9)));
        p.print_int(gir_cmp(&p.g, m1, m3, p.at(9)));
        p.print_int(gir_cmp(&p.g, m3, m1, p.at(9)));
        p.print_int(gir_cmp(&p.g, m1, m2, p.at(9)));
        const GirType *si = p.set_of(I);
        GirValue ls = p.list(si, {p.mnew(si, {p.i(2), p.i(1)}), p.mnew(si, {})});
        GirValue ls2 = p.list(si, {p.mnew(si, {p.i(1), p.i(2)}), p.mnew(si, {})});
        p.print(ls);
        p.print(gir_eq(&p.g, ls, ls2, p.at(9)));
        p.print(p.lop(GIR_LIST_CONTAINS, {ls, p.mnew(si, {p.i(1), p.i(2)})}));
        GirValue got = p.get(ls, p.i(0));
        p.print(p.mo(GIR_MAP_CONTAINS, {got, p.i(2)}));
        GirType *bag = p.obj("Bag", false, {{"Bag", {{"m", p.map_of(S, I)}}}});
        auto G = [&](int64_t v) {
          return p.mk(bag, 0, {p.mnew(p.map_of(S, I), {p.dyn_str("k"), p.i(v)})});
        };
        GirValue b1 = G(1), b2 = G(1), b3 = G(2);
        p.print(b1);
        p.print(gir_eq(&p.g, b1, b2, p.at(9)));
        p.print_int(gir_cmp(&p.g, b1, b3, p.at(9)));
        GirValue bags = p.mnew(p.set_of(bag), {b1, b2, b3});
        p.print(bags);
        return p.mo(GIR_MAP_LEN, {bags});
      },
      2,
      "{\"a\": [1, 2], \"b\": [3]}\ntrue\nfalse\n-1\n1\n0\n"
      "[set([1, 2]), set([])]\ntrue\ntrue\ntrue\n"
      "Bag { m: {\"k\": 1} }\ntrue\n-1\n"
      "set([Bag { m: {\"k\": 1} }, Bag { m: {\"k\": 2} }])\n");
}

// Bool values are one byte in the map's storage (insert, index, get_or,
// and a thunk storing a Bool result for map_values); Char keys four; a
// Map[Int, Unit] takes keys only (Unit operands are absent).
TEST(CodeGenMap, ScalarsAndUnit) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        const GirType *C = &gir_t_char;
        const GirType *mt = p.map_of(C, B);
        GirValue m = p.mnew(mt, {p.c('x'), p.b(true), p.c(0x263a), p.b(false)});
        m = p.mo(GIR_MAP_INSERT, {m, p.c('y'), p.b(true)});
        p.print(m);
        p.print(p.mo(GIR_MAP_INDEX, {m, p.c(0x263a)}));
        p.print(p.mo(GIR_MAP_GET_OR, {m, p.c('x'), p.b(false)}));
        p.print(p.mo(GIR_MAP_GET_OR, {m, p.c('q'), p.b(true)}));
        const GirType *fn = p.fn_type({B}, B);
        GirFunc *neg = p.lifted("neg", fn, {}, [&](GirValue, std::vector<GirValue> ps) {
          return gir_op1(&p.g, GIR_OP_BNOT, B, ps[0], p.at(20));
        });
        p.print(p.mop(GIR_MAP_MAP_VALUES, mt, mt, {m, p.closure(neg, fn, {})}));
        const GirType *ut = p.map_of(I, &gir_t_unit);
        GirValue u = p.mnew(ut, {p.i(2), p.i(1)});
        u = p.mo(GIR_MAP_INSERT, {u, p.i(3)});
        p.mo(GIR_MAP_INDEX, {u, p.i(3)});
        p.print(u);
        p.print(p.sorted(p.mo(GIR_MAP_KEYS, {u})));
        return p.mo(GIR_MAP_LEN, {u});
      },
      3,
      "{'x': true, 'y': true, '\u263a': false}\nfalse\ntrue\ntrue\n"
      "{'x': false, 'y': false, '\u263a': true}\n{1: (), 2: (), 3: ()}\n[1, 2, 3]\n");
}

// One thunk per sub type and argument types, however many calls use it.
TEST(CodeGenMap, ThunksAreShared) {
  Prog p;
  const GirType *fe = p.fn_type({I}, B);
  GirFunc *even = p.lifted("even", fe, {}, [&](GirValue, std::vector<GirValue> ps) {
    GirValue r = p.op(GIR_OP_IREM, I, {ps[0], p.i(2)});
    return p.op(GIR_OP_IEQ, B, {r, p.i(0)});
  });
  GirValue s = p.mnew(p.set_of(I), {p.i(1), p.i(2)});
  GirValue a = p.mo(GIR_MAP_FILTER, {s, p.closure(even, fe, {})});
  GirValue b = p.mo(GIR_MAP_FILTER, {a, p.closure(even, fe, {})});
  GirValue mi = p.mnew(p.map_of(I, I), {p.i(1), p.i(2)});
  GirValue c = p.mop(GIR_MAP_MAP_VALUES, p.ty(mi), p.map_of(I, B),
                     {mi, p.closure(even, fe, {})});
  GirValue n = p.op(GIR_OP_IADD, I, {p.mo(GIR_MAP_LEN, {b}), p.mo(GIR_MAP_LEN, {c})});
  p.ret(n);
  LLVMContextRef ctx = LLVMContextCreate();
  LLVMModuleRef mod = p.codegen(ctx, false);
  ASSERT_NE(mod, nullptr);
  char *text = LLVMPrintModuleToString(mod);
  std::string ir = text;
  LLVMDisposeMessage(text);
  LLVMDisposeModule(mod);
  LLVMContextDispose(ctx);
  size_t count = 0;
  for (size_t at = ir.find("define internal void @gj.thunk."); at != std::string::npos;
       at = ir.find("define internal void @gj.thunk.", at + 1))
    count++;
  // filter on Set[Int]: (Int, Unit); map_values on Map[Int, Int]: (Int)
  EXPECT_EQ(count, 2u) << ir;
}

// Map types in DWARF (a typedef of a pointer to GjMap); still verifies.
TEST(CodeGenMap, DebugInfo) {
  REQUIRE_RUNTIME();
  Prog p;
  GirValue m = p.mnew(p.map_of(I, I), {p.i(1), p.i(7)});
  gir_value_set_dbg(p.f, m, "m", p.at(3));
  GirValue s = p.mnew(p.set_of(I), {p.i(1), p.i(2)});
  gir_value_set_dbg(p.f, s, "s", p.at(3));
  // a thunk in a module with debug info (it has none of its own)
  const GirType *fe = p.fn_type({I}, B);
  GirFunc *one = p.lifted("one", fe, {}, [&](GirValue, std::vector<GirValue> ps) {
    return p.op(GIR_OP_IEQ, B, {ps[0], p.i(1)});
  });
  GirValue t = p.mo(GIR_MAP_FILTER, {s, p.closure(one, fe, {})});
  GirValue r = p.op(GIR_OP_IADD, I, {p.mo(GIR_MAP_INDEX, {m, p.i(1)}), p.mo(GIR_MAP_LEN, {t})});
  p.ret(r);
  EXPECT_EQ(p.run(0, true), 8);
  Prog q;
  GirValue m2 = q.mnew(q.map_of(I, I), {q.i(1), q.i(7)});
  gir_value_set_dbg(q.f, m2, "m", q.at(3));
  q.ret(q.mo(GIR_MAP_INDEX, {m2, q.i(1)}));
  EXPECT_EQ(q.run(2, true), 7);
}

void run_missing_key() {
  Prog p;
  GirValue m = p.mnew(p.map_of(S, I), {p.str("a"), p.i(1)});
  p.ret(p.mo(GIR_MAP_INDEX, {m, p.str("zz")}, 40));
  p.run(0);
}

TEST(CodeGenMapDeathTest, MissingKeyPanics) {
  REQUIRE_RUNTIME();
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(run_missing_key(), testing::ExitedWithCode(101),
              "guji: panic: key not found: \"zz\"(.|\n)*test.guji:40:9");
}

} // namespace
