// list_test.cpp — CodeGen of List[T] (§15), through CollectionProg.h's
// harness: GIR built by hand, JIT'd and run at several optimization
// levels, with a leak check after each run (lists of objects included).
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

// [1, 2, 3].push(4): xs[3], len, set, then the old and new versions.
TEST(CodeGenList, LiteralPushGetLenSet) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        GirValue xs = p.list(I, {p.i(1), p.i(2), p.i(3)});
        GirValue ys = p.op(GIR_OP_LIST_PUSH, p.ty(xs), {xs, p.i(4)});
        GirValue a = p.get(ys, p.i(3));
        GirValue n = p.op(GIR_OP_LIST_LEN, I, {ys});
        GirValue zs = p.op(GIR_OP_LIST_SET, p.ty(ys), {ys, p.i(0), p.i(10)});
        GirValue z0 = p.get(zs, p.i(0));
        p.print(zs);
        GirValue e = p.list(I, {});
        p.print(e);
        GirValue r = p.op(GIR_OP_IMUL, I, {a, p.i(1000)});
        GirValue r2 = p.op(GIR_OP_IMUL, I, {n, p.i(100)});
        r = p.op(GIR_OP_IADD, I, {r, r2});
        return p.op(GIR_OP_IADD, I, {r, z0});
      },
      4410, "[10, 2, 3, 4]\n[]\n");
}

// A persistent update: the shared original is unchanged.
TEST(CodeGenList, SharedVersionsStayApart) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        GirValue xs = p.list(I, {p.i(1), p.i(2)});
        GirValue ys = p.op(GIR_OP_LIST_PUSH, p.ty(xs), {xs, p.i(3)});
        GirValue zs = p.op(GIR_OP_LIST_SET, p.ty(xs), {xs, p.i(0), p.i(9)});
        p.print(xs);
        p.print(ys);
        p.print(zs);
        return p.op(GIR_OP_LIST_LEN, I, {ys});
      },
      3, "[1, 2]\n[1, 2, 3]\n[9, 2]\n");
}

TEST(CodeGenList, ConcatSliceAndOps) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        GirValue xs = p.list(I, {p.i(3), p.i(1), p.i(2)});
        GirValue ys = p.list(I, {p.i(5), p.i(4)});
        GirValue cat = p.op(GIR_OP_LIST_CONCAT, p.ty(xs), {xs, ys});
        p.print(cat);
        p.print(p.op(GIR_OP_LIST_SLICE, p.ty(xs), {cat, p.i(1), p.i(4)}));
        p.print(p.op(GIR_OP_LIST_SLICE, p.ty(xs), {cat, p.i(5), p.i(5)}));
        p.print(p.lop(GIR_LIST_SORTED, {cat}));
        p.print(p.lop(GIR_LIST_REVERSED, {cat}));
        p.print(p.lop(GIR_LIST_TAKE, {cat, p.i(2)}));
        p.print(p.lop(GIR_LIST_DROP, {cat, p.i(2)}));
        p.print(p.lop(GIR_LIST_TAKE, {cat, p.i(99)}));
        p.print(p.lop(GIR_LIST_DROP, {cat, p.i(99)}));
        p.print(p.lop(GIR_LIST_CONTAINS, {cat, p.i(4)}));
        p.print(p.lop(GIR_LIST_CONTAINS, {cat, p.i(7)}));
        p.print_int(p.lop(GIR_LIST_INDEX_OF, {cat, p.i(2)}));
        p.print_int(p.lop(GIR_LIST_INDEX_OF, {cat, p.i(7)}));
        return p.op(GIR_OP_LIST_LEN, I, {cat});
      },
      5,
      "[3, 1, 2, 5, 4]\n[1, 2, 5]\n[]\n[1, 2, 3, 4, 5]\n[4, 5, 2, 1, 3]\n"
      "[3, 1]\n[2, 5, 4]\n[3, 1, 2, 5, 4]\n[]\ntrue\nfalse\n2\n-1\n");
}

// List[Str] of counted strings: sorted, join, contains, text (nested).
TEST(CodeGenList, Strings) {
  REQUIRE_RUNTIME();
  const GirType *S = &gir_t_str;
  expect_main(
      [S](Prog &p) {
        GirValue xs = p.list(S, {p.dyn_str("pear"), p.str("apple"), p.dyn_str("fig")});
        GirValue ys = p.op(GIR_OP_LIST_PUSH, p.ty(xs), {xs, p.dyn_str("a\"b")});
        p.print(ys);
        GirValue srt = p.lop(GIR_LIST_SORTED, {ys});
        p.print(srt);
        p.print(p.lop(GIR_LIST_JOIN, {srt, p.str(", ")}));
        p.print(p.get(ys, p.i(2)));
        p.print(p.get(ys, p.i(2)), true);
        p.print(p.lop(GIR_LIST_CONTAINS, {ys, p.dyn_str("fig")}));
        GirValue e = p.list(S, {});
        p.print(p.lop(GIR_LIST_JOIN, {e, p.str("-")}));
        GirValue zs = p.op(GIR_OP_LIST_SET, p.ty(ys), {ys, p.i(0), p.dyn_str("kiwi")});
        p.print(zs);
        return p.lop(GIR_LIST_INDEX_OF, {zs, p.str("fig")});
      },
      2,
      "[\"pear\", \"apple\", \"fig\", \"a\\\"b\"]\n"
      "[\"a\\\"b\", \"apple\", \"fig\", \"pear\"]\n"
      "a\"b, apple, fig, pear\n"
      "fig\n\"fig\"\ntrue\n\n"
      "[\"kiwi\", \"apple\", \"fig\", \"a\\\"b\"]\n");
}

// Bool elements are one byte in the runtime's storage; Char four; Float
// sorts by totalOrder; Unit-free nested lists.
TEST(CodeGenList, ScalarsAndNested) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        const GirType *B = &gir_t_bool;
        GirValue bs = p.list(B, {p.b(true), p.b(false), p.b(true)});
        bs = p.op(GIR_OP_LIST_SET, p.ty(bs), {bs, p.i(0), p.b(false)});
        p.print(bs);
        p.print(p.lop(GIR_LIST_SORTED, {bs}));
        GirValue b2 = p.get(bs, p.i(2));
        GirValue cs = p.list(&gir_t_char, {p.c('x'), p.c(0x263a)});
        p.print(cs);
        p.print(p.get(cs, p.i(1)));
        GirValue fs = p.list(&gir_t_float, {p.fl(2.5), p.fl(-1.0), p.fl(0.0)});
        p.print(p.lop(GIR_LIST_SORTED, {fs}));
        GirValue inner1 = p.list(I, {p.i(1)});
        GirValue inner2 = p.list(I, {});
        GirValue nest = p.list(p.list_of(I), {inner1, inner2});
        p.print(nest);
        GirValue got = p.get(nest, p.i(0));
        p.print(got);
        GirValue again = p.list(p.list_of(I), {p.list(I, {p.i(1)}), p.list(I, {})});
        p.print(gir_eq(&p.g, nest, again, p.at(9)));
        p.print_int(gir_cmp(&p.g, nest, again, p.at(9)));
        return p.bool_int(b2);
      },
      1,
      "[false, false, true]\n[false, false, true]\n['x', '\u263a']\n\u263a\n"
      "[-1.0, 0.0, 2.5]\n[[1], []]\n[1]\ntrue\n0\n");
}

TEST(CodeGenList, EqCmpText) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        GirValue a = p.list(I, {p.i(1), p.i(2)});
        GirValue b = p.list(I, {p.i(1), p.i(2)});
        GirValue c = p.list(I, {p.i(1), p.i(3)});
        GirValue d = p.list(I, {p.i(1)});
        p.print(gir_eq(&p.g, a, b, p.at(9)));
        p.print(gir_eq(&p.g, a, c, p.at(9)));
        p.print_int(gir_cmp(&p.g, a, c, p.at(9)));
        p.print_int(gir_cmp(&p.g, c, a, p.at(9)));
        p.print_int(gir_cmp(&p.g, d, a, p.at(9)));
        p.print_int(gir_cmp(&p.g, a, b, p.at(9)));
        GirValue s1 = p.list(&gir_t_str, {p.dyn_str("a"), p.str("b")});
        GirValue s2 = p.list(&gir_t_str, {p.str("a"), p.dyn_str("c")});
        p.print(gir_eq(&p.g, s1, s2, p.at(9)));
        p.print_int(gir_cmp(&p.g, s1, s2, p.at(9)));
        p.print(s1, true);
        return p.i(0);
      },
      0, "true\nfalse\n-1\n1\n-1\n0\nfalse\n-1\n[\"a\", \"b\"]\n");
}

// List[Point] and a record holding a list: eq, cmp, text, get and drop
// through the generated descriptor; no leaks.
TEST(CodeGenList, ObjectsInListsAndListsInObjects) {
  REQUIRE_RUNTIME();
  expect_main(
      [](Prog &p) {
        GirType *pt = p.point();
        GirType *bag = p.obj("Bag", false,
                             {{"Bag", {{"name", &gir_t_str}, {"items", p.list_of(pt)}}}});
        GirType *opt = p.obj("Option[Str]", true,
                             {{"None", {}}, {"Some", {{nullptr, &gir_t_str}}}});
        auto P = [&](double x, double y) { return p.mk(pt, 0, {p.fl(x), p.fl(y)}); };
        GirValue ps = p.list(pt, {P(1, 2), P(0.5, 3)});
        GirValue qs = p.list(pt, {P(1, 2), P(0.5, 3)});
        GirValue rs = p.list(pt, {P(1, 2), P(0.5, 4)});
        p.print(ps);
        p.print(gir_eq(&p.g, ps, qs, p.at(9)));
        p.print(gir_eq(&p.g, ps, rs, p.at(9)));
        p.print_int(gir_cmp(&p.g, ps, rs, p.at(9)));
        p.print(p.lop(GIR_LIST_SORTED, {ps}));
        p.print(p.lop(GIR_LIST_CONTAINS, {ps, P(0.5, 3)}));
        p.print_int(p.lop(GIR_LIST_INDEX_OF, {rs, P(0.5, 4)}));
        GirValue one = p.get(ps, p.i(1));
        p.print(gir_proj(&p.g, one, pt, 0, 1, p.at(9)));
        GirValue b1 = p.mk(bag, 0, {p.dyn_str("b"), ps});
        GirValue b2 = p.mk(bag, 0, {p.str("b"), qs});
        GirValue b3 = p.mk(bag, 0, {p.str("b"), rs});
        p.print(b1);
        p.print(gir_eq(&p.g, b1, b2, p.at(9)));
        p.print(gir_eq(&p.g, b1, b3, p.at(9)));
        p.print_int(gir_cmp(&p.g, b3, b1, p.at(9)));
        GirValue bags = p.list(bag, {b1, b3});
        p.print(bags);
        GirValue os = p.list(opt, {p.mk(opt, 0, {}), p.mk(opt, 1, {p.dyn_str("x")})});
        os = p.op(GIR_OP_LIST_PUSH, p.ty(os), {os, p.mk(opt, 0, {})});
        p.print(os);
        p.print(p.lop(GIR_LIST_SORTED, {os}));
        return p.op(GIR_OP_LIST_LEN, I, {bags});
      },
      2,
      "[Point { x: 1.0, y: 2.0 }, Point { x: 0.5, y: 3.0 }]\n"
      "true\nfalse\n-1\n"
      "[Point { x: 0.5, y: 3.0 }, Point { x: 1.0, y: 2.0 }]\n"
      "true\n1\n3.0\n"
      "Bag { name: \"b\", items: [Point { x: 1.0, y: 2.0 }, Point { x: 0.5, y: 3.0 }] }\n"
      "true\nfalse\n1\n"
      "[Bag { name: \"b\", items: [Point { x: 1.0, y: 2.0 }, Point { x: 0.5, y: 3.0 }] }, "
      "Bag { name: \"b\", items: [Point { x: 1.0, y: 2.0 }, Point { x: 0.5, y: 4.0 }] }]\n"
      "[None, Some(\"x\"), None]\n[None, None, Some(\"x\")]\n");
}

// A loop of pushes on a uniquely owned list (in place), 1000 Points, then
// the sum of their x through get.
TEST(CodeGenList, LoopPushAndSum) {
  REQUIRE_RUNTIME();
  for (int opt : {-1, 2}) {
    Prog p;
    GirType *pt = p.point();
    GirFunc *f = p.f;
    const GirType *lt = p.list_of(pt);
    GirBlock *head = gir_block_new(p.m, f, "head"), *body = gir_block_new(p.m, f, "body"),
             *sum_head = gir_block_new(p.m, f, "sum"), *sum_body = gir_block_new(p.m, f, "sb"),
             *done = gir_block_new(p.m, f, "done");
    GirValue i = gir_block_add_param(p.m, f, head, I);
    GirValue acc = gir_block_add_param(p.m, f, head, lt);
    GirValue j = gir_block_add_param(p.m, f, sum_head, I);
    GirValue s = gir_block_add_param(p.m, f, sum_head, I);
    GirValue init[] = {p.i(0), p.list(pt, {})};
    gir_jmp(&p.g, head, init, 2, p.at(10));
    gir_set_block(&p.g, head);
    gir_br(&p.g, p.op(GIR_OP_ILT, &gir_t_bool, {i, p.i(1000)}), body, sum_head, p.at(10));
    gir_set_block(&p.g, body);
    GirValue x = gir_op1(&p.g, GIR_OP_I2F, &gir_t_float, i, p.at(10));
    GirValue acc2 = p.op(GIR_OP_LIST_PUSH, lt, {acc, p.mk(pt, 0, {x, x})});
    GirValue next[] = {p.op(GIR_OP_IADD, I, {i, p.i(1)}), acc2};
    gir_jmp(&p.g, head, next, 2, p.at(10));
    // sum_head is entered from head with (j, s) — head's br has no args,
    // so go through a block that starts the sum
    GirBlock *start = gir_block_new(p.m, f, "start");
    head->term.else_target = start;
    gir_set_block(&p.g, start);
    GirValue z[] = {p.i(0), p.i(0)};
    gir_jmp(&p.g, sum_head, z, 2, p.at(11));
    gir_set_block(&p.g, sum_head);
    GirValue n = p.op(GIR_OP_LIST_LEN, I, {acc});
    gir_br(&p.g, p.op(GIR_OP_ILT, &gir_t_bool, {j, n}), sum_body, done, p.at(11));
    gir_set_block(&p.g, sum_body);
    GirValue e = p.get(acc, j);
    GirValue ex = gir_proj(&p.g, e, pt, 0, 0, p.at(11));
    GirValue exi = gir_call_rt(&p.g, GIR_RT_FLOAT_TO_INT, &ex, 1, p.at(11));
    GirValue next2[] = {p.op(GIR_OP_IADD, I, {j, p.i(1)}), p.op(GIR_OP_IADD, I, {s, exi})};
    gir_jmp(&p.g, sum_head, next2, 2, p.at(11));
    gir_set_block(&p.g, done);
    GirValue r = p.op(GIR_OP_IREM, I, {s, p.i(256)});
    p.ret(r);
    int64_t before = gj_rt_live_objects();
    EXPECT_EQ(p.run(opt), (999 * 1000 / 2) % 256) << p.ir;
    EXPECT_EQ(gj_rt_live_objects(), before) << p.ir;
  }
}

// The generated descriptor, called the way the runtime calls it: element
// pointers; equal values hash equal; text nested; counts through inc/dec.
TEST(CodeGenList, GeneratedDescriptor) {
  REQUIRE_RUNTIME();
  struct PointObj {
    GjHeader h;
    double x, y;
  };
  Prog p;
  GirType *pt = p.point();
  GirValue xs = p.list(pt, {p.mk(pt, 0, {p.fl(1), p.fl(2)})});
  p.ret(p.op(GIR_OP_LIST_LEN, I, {xs}));
  bool called = false;
  p.after = [&](LLVMOrcLLJITRef jit) {
    LLVMOrcExecutorAddress addr = 0;
    LLVMErrorRef e = LLVMOrcLLJITLookup(jit, &addr, "test.desc.Point");
    ASSERT_EQ(e, nullptr) << take_error(e);
    const GjType *d = ((const GjType *(*)(void))(uintptr_t)addr)();
    called = true;
    EXPECT_EQ(d->size, 8u);
    EXPECT_EQ(d->flags, (uint32_t)GJ_TYPE_HEAP);
    EXPECT_STREQ(d->name, "Point");
    ASSERT_TRUE(d->inc && d->dec && d->eq && d->hash && d->cmp && d->append_text);
    PointObj a = {{1, GJ_KIND_OBJ, 0}, 1.0, 2.0}, b = {{1, GJ_KIND_OBJ, 0}, 1.0, 2.0},
             c = {{1, GJ_KIND_OBJ, 0}, 1.0, 2.5}, z = {{1, GJ_KIND_OBJ, 0}, -0.0, 2.0},
             z2 = {{1, GJ_KIND_OBJ, 0}, 0.0, 2.0};
    PointObj *pa = &a, *pb = &b, *pc = &c, *pz = &z, *pz2 = &z2;
    EXPECT_TRUE(d->eq(&pa, &pb));
    EXPECT_FALSE(d->eq(&pa, &pc));
    EXPECT_EQ(d->cmp(&pa, &pc), -1);
    EXPECT_EQ(d->cmp(&pc, &pa), 1);
    EXPECT_EQ(d->hash(&pa, 7), d->hash(&pb, 7));
    EXPECT_NE(d->hash(&pa, 7), d->hash(&pc, 7));
    EXPECT_EQ(d->hash(&pz, 7), d->hash(&pz2, 7)); // -0.0 == 0.0
    d->inc(&pa);
    EXPECT_EQ(a.h.rc, 2);
    d->dec(&pa);
    EXPECT_EQ(a.h.rc, 1);
    GjStr *s = d->append_text(gj_str_with_cap(0), &pa);
    EXPECT_EQ(std::string(s->ptr, (size_t)s->len), "Point { x: 1.0, y: 2.0 }");
    gj_dec(s);
    // through the runtime: a list of these (rc 0: immortal) objects
    a.h.rc = b.h.rc = 0;
    GjList *l1 = gj_list_push(gj_list_new(d), &pa);
    GjList *l2 = gj_list_push(gj_list_new(d), &pb);
    EXPECT_TRUE(gj_list_eq(l1, l2));
    EXPECT_EQ(gj_list_hash(l1, 3), gj_list_hash(l2, 3));
    gj_dec(l1);
    gj_dec(l2);
  };
  int64_t before = gj_rt_live_objects();
  EXPECT_EQ(p.run(0), 1);
  EXPECT_TRUE(called);
  EXPECT_EQ(gj_rt_live_objects(), before);
}

// A sum type's hash covers its tag; fieldless constructors are immortal.
TEST(CodeGenList, SumDescriptorHash) {
  REQUIRE_RUNTIME();
  Prog p;
  GirType *opt = p.obj("Option[Int]", true, {{"None", {}}, {"Some", {{nullptr, I}}}});
  GirType *color = p.obj("Color", true, {{"Red", {}}, {"Green", {}}});
  GirValue xs = p.list(opt, {p.mk(opt, 1, {p.i(3)}), p.mk(opt, 0, {})});
  GirValue cs = p.list(color, {p.mk(color, 1, {})});
  p.print(xs);
  p.print(cs);
  p.ret(p.op(GIR_OP_LIST_LEN, I, {xs}));
  p.after = [&](LLVMOrcLLJITRef jit) {
    LLVMOrcExecutorAddress addr = 0;
    ASSERT_EQ(LLVMOrcLLJITLookup(jit, &addr, "test.desc.Color"), nullptr);
    const GjType *d = ((const GjType *(*)(void))(uintptr_t)addr)();
    EXPECT_EQ(d->flags, 0u); // immortal values only
    EXPECT_EQ(d->inc, nullptr);
    ASSERT_EQ(LLVMOrcLLJITLookup(jit, &addr, "test.desc.Option[Int]"), nullptr);
    const GjType *o = ((const GjType *(*)(void))(uintptr_t)addr)();
    struct SomeObj {
      GjHeader h;
      int64_t v;
    } s3 = {{0, GJ_KIND_OBJ, 1}, 3}, s3b = {{0, GJ_KIND_OBJ, 1}, 3};
    GjHeader none = {0, GJ_KIND_OBJ, 0};
    void *p3 = &s3, *p3b = &s3b, *pn = &none;
    EXPECT_EQ(o->hash(&p3, 1), o->hash(&p3b, 1));
    EXPECT_NE(o->hash(&p3, 1), o->hash(&pn, 1));
    EXPECT_TRUE(o->eq(&p3, &p3b));
    EXPECT_EQ(o->cmp(&pn, &p3), -1);
  };
  testing::internal::CaptureStdout();
  int64_t before = gj_rt_live_objects();
  EXPECT_EQ(p.run(0), 2);
  std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(out, "[Some(3), None]\n[Green]\n");
  EXPECT_EQ(gj_rt_live_objects(), before);
}

// Debug info for list-typed variables; the module still verifies.
TEST(CodeGenList, DebugInfo) {
  REQUIRE_RUNTIME();
  Prog p;
  GirValue xs = p.list(I, {p.i(1)});
  gir_value_set_dbg(p.f, xs, "xs", p.at(3));
  p.ret(p.get(xs, p.i(0)));
  EXPECT_EQ(p.run(0, true), 1);
}

// The text form of the instructions.
TEST(CodeGenList, PrintedGir) {
  Prog p;
  GirValue xs = p.list(I, {p.i(1), p.i(2)});
  GirValue ys = p.op(GIR_OP_LIST_PUSH, p.ty(xs), {xs, p.i(3)});
  GirValue s = p.lop(GIR_LIST_SORTED, {ys});
  GirValue t = p.lop(GIR_LIST_TAKE, {s, p.i(1)});
  p.ret(p.get(t, p.i(0)));
  char *text = gir_module_to_string(p.m, nullptr);
  std::string ir = text;
  free(text);
  EXPECT_NE(ir.find("%2: List[Int] = list.new [%0, %1]"), std::string::npos) << ir;
  EXPECT_NE(ir.find("%4: List[Int] = list.push %2, %3"), std::string::npos) << ir;
  EXPECT_NE(ir.find("%5: List[Int] = list.op sorted %4"), std::string::npos) << ir;
  EXPECT_NE(ir.find("%7: List[Int] = list.op take %5, %6"), std::string::npos) << ir;
  EXPECT_NE(ir.find("%9: Int = list.get %7, %8"), std::string::npos) << ir;
}

void run_out_of_range(int which) {
  Prog p;
  GirValue xs = p.list(I, {p.i(1), p.i(2), p.i(3)});
  GirValue r;
  if (which == 0) {
    r = p.get(xs, p.i(5), 40);
  } else if (which == 1) {
    GirValue ys = p.op(GIR_OP_LIST_SET, p.ty(xs), {xs, p.i(-1), p.i(0)}, 41);
    r = p.op(GIR_OP_LIST_LEN, I, {ys});
  } else {
    GirValue ys = p.op(GIR_OP_LIST_SLICE, p.ty(xs), {xs, p.i(2), p.i(1)}, 42);
    r = p.op(GIR_OP_LIST_LEN, I, {ys});
  }
  p.ret(r);
  p.run(0);
}

TEST(CodeGenListDeathTest, OutOfRangePanics) {
  REQUIRE_RUNTIME();
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(run_out_of_range(0), testing::ExitedWithCode(101),
              "guji: panic: index out of range: 5 \\(length 3\\)(.|\n)*test.guji:40:7");
  EXPECT_EXIT(run_out_of_range(1), testing::ExitedWithCode(101),
              "index out of range: -1 \\(length 3\\)(.|\n)*test.guji:41:7");
  EXPECT_EXIT(run_out_of_range(2), testing::ExitedWithCode(101),
              "slice out of range: 2..1 \\(length 3\\)(.|\n)*test.guji:42:7");
}

} // namespace
