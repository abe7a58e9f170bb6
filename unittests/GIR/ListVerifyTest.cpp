// ListVerifyTest.cpp — the verifier's rules for the list ops (GIR.h:
// GIR_OP_LIST_*, GirListFn) and the builder's result types.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#define _Noreturn [[noreturn]] // Support.h is C17
extern "C" {
#include "guji/GIR.h"
}

#include <initializer_list>
#define ARGS(...) std::initializer_list<GirValue>{__VA_ARGS__}.begin()

namespace {

Span sp() { return span_make(0, 0, 0); }

struct ListVerifyTest : ::testing::Test {
  Arena *arena = arena_new();
  GirModule *m = gir_module_new(arena, "t.guji");
  GirFunc *f = nullptr;
  GirBuilder g = {};
  const GirType *li = nullptr, *ls = nullptr;
  GirValue xs = 0, n = 0, s = 0;
  ~ListVerifyTest() override { arena_free(arena); }

  // f(%0: Int, %1: Str) -> Int; %2 = [%0]
  void start() {
    li = gir_type_list(m, &gir_t_int);
    ls = gir_type_list(m, &gir_t_str);
    f = gir_func_new(m, "f", "guji.f", &gir_t_int, sp());
    n = gir_func_add_param(m, f, &gir_t_int);
    s = gir_func_add_param(m, f, &gir_t_str);
    g = {m, f, f->blocks.data[0]};
    xs = gir_list_new(&g, li, ARGS(n), 1, sp());
  }
  std::string verify() {
    gir_ret(&g, n, sp());
    char *buf = nullptr;
    size_t len = 0;
    FILE *errs = open_memstream(&buf, &len);
    bool ok = gir_verify_module(m, errs);
    fclose(errs);
    std::string r(buf, len);
    free(buf);
    EXPECT_EQ(ok, r.empty()) << r;
    return r;
  }
  void expect_error(const std::string &needle) {
    std::string r = verify();
    EXPECT_NE(r.find(needle), std::string::npos)
        << "expected: " << needle << "\ngot: " << r;
  }
};

TEST_F(ListVerifyTest, WellFormed) {
  start();
  GirValue ys = gir_op2(&g, GIR_OP_LIST_PUSH, li, xs, n, sp());
  GirValue zs = gir_op(&g, GIR_OP_LIST_SET, li, ARGS(ys, n, n), 3, sp());
  GirValue x = gir_op2(&g, GIR_OP_LIST_GET, &gir_t_int, zs, n, sp());
  GirValue k = gir_op1(&g, GIR_OP_LIST_LEN, &gir_t_int, zs, sp());
  GirValue c = gir_op2(&g, GIR_OP_LIST_CONCAT, li, zs, ys, sp());
  GirValue sl = gir_op(&g, GIR_OP_LIST_SLICE, li, ARGS(c, x, k), 3, sp());
  GirValue so = gir_list_op(&g, GIR_LIST_SORTED, ARGS(sl), 1, sp());
  gir_list_op(&g, GIR_LIST_REVERSED, ARGS(so), 1, sp());
  gir_list_op(&g, GIR_LIST_TAKE, ARGS(so, n), 2, sp());
  gir_list_op(&g, GIR_LIST_DROP, ARGS(so, n), 2, sp());
  EXPECT_EQ(gir_value_type(f, gir_list_op(&g, GIR_LIST_CONTAINS, ARGS(so, n), 2, sp())),
            &gir_t_bool);
  EXPECT_EQ(gir_value_type(f, gir_list_op(&g, GIR_LIST_INDEX_OF, ARGS(so, n), 2, sp())),
            &gir_t_int);
  GirValue strs = gir_list_new(&g, ls, ARGS(s, s), 2, sp());
  EXPECT_EQ(gir_value_type(f, gir_list_op(&g, GIR_LIST_JOIN, ARGS(strs, s), 2, sp())),
            &gir_t_str);
  gir_eq(&g, xs, so, sp());
  gir_cmp(&g, xs, so, sp());
  GirValue e = gir_list_new(&g, ls, nullptr, 0, sp());
  gir_append_text(&g, s, e, false, sp());
  gir_op1(&g, GIR_OP_INC, &gir_t_unit, e, sp());
  EXPECT_EQ(verify(), "");
}

// A List[Unit]'s ops take no element operands (GIR.h): the builders
// leave the GIR_NO_VALUE of a Unit element out, LIST_NEW keeps the count,
// and the verifier wants exactly the shorter operand lists.
TEST_F(ListVerifyTest, UnitElementsHaveNoOperands) {
  start();
  const GirType *lu = gir_type_list(m, &gir_t_unit);
  GirValue us = gir_list_new(&g, lu, ARGS(GIR_NO_VALUE, GIR_NO_VALUE), 2, sp());
  GirBlock *b0 = f->blocks.data[0];
  GirInst *in = &b0->insts.data[b0->insts.len - 1];
  EXPECT_EQ(in->nargs, 0u);
  EXPECT_EQ(in->imm.list.n, 2u);
  GirValue vs = gir_list_push(&g, lu, us, GIR_NO_VALUE, sp());
  GirValue ws = gir_list_set(&g, lu, vs, n, GIR_NO_VALUE, sp());
  gir_op2(&g, GIR_OP_LIST_GET, &gir_t_unit, ws, n, sp());
  gir_list_op(&g, GIR_LIST_CONTAINS, ARGS(ws, GIR_NO_VALUE), 2, sp());
  gir_list_op(&g, GIR_LIST_INDEX_OF, ARGS(ws, GIR_NO_VALUE), 2, sp());
  gir_list_push(&g, li, xs, n, sp()); // other lists keep theirs
  EXPECT_EQ(verify(), "");
}

TEST_F(ListVerifyTest, UnitElementOperandIsAnError) {
  start();
  const GirType *lu = gir_type_list(m, &gir_t_unit);
  GirValue us = gir_list_new(&g, lu, nullptr, 0, sp());
  gir_op2(&g, GIR_OP_LIST_PUSH, lu, us, n, sp());
  expect_error("list.push takes 1 operands, has 2");
}

TEST_F(ListVerifyTest, NewElementType) {
  start();
  gir_list_new(&g, li, ARGS(n, s), 2, sp());
  expect_error("gir: f: b0: list.new List[Int]: element 2 is Str");
}

TEST_F(ListVerifyTest, NewOfANonListType) {
  start();
  gir_list_new(&g, &gir_t_int, nullptr, 0, sp());
  expect_error("list.new of a Int, which is not a list");
}

TEST_F(ListVerifyTest, ForeignListType) {
  start();
  static GirType fake = {};
  fake.kind = GIR_T_LIST;
  fake.elem = &gir_t_int;
  fake.name = "List[Int]";
  gir_list_new(&g, &fake, nullptr, 0, sp());
  expect_error("list.new: List[Int] is not a list type of the module");
}

TEST_F(ListVerifyTest, PushElementType) {
  start();
  gir_op2(&g, GIR_OP_LIST_PUSH, li, xs, s, sp());
  expect_error("list.push: operand 2 is Str, expected Int");
}

TEST_F(ListVerifyTest, SetIndexAndArity) {
  start();
  gir_op(&g, GIR_OP_LIST_SET, li, ARGS(xs, s, n), 3, sp());
  gir_op2(&g, GIR_OP_LIST_SET, li, xs, n, sp());
  std::string r = verify();
  EXPECT_NE(r.find("list.set: operand 2 is Str, expected Int"), std::string::npos) << r;
  EXPECT_NE(r.find("list.set takes 3 operands, has 2"), std::string::npos) << r;
}

TEST_F(ListVerifyTest, GetResultIsTheElementType) {
  start();
  gir_op2(&g, GIR_OP_LIST_GET, &gir_t_str, xs, n, sp());
  expect_error("list.get: result type Str, expected Int");
}

TEST_F(ListVerifyTest, ConcatOfDifferentLists) {
  start();
  GirValue e = gir_list_new(&g, ls, nullptr, 0, sp());
  gir_op2(&g, GIR_OP_LIST_CONCAT, li, xs, e, sp());
  expect_error("list.concat: operand 2 is List[Str], expected List[Int]");
}

TEST_F(ListVerifyTest, LenOfAStr) {
  start();
  gir_op1(&g, GIR_OP_LIST_LEN, &gir_t_int, s, sp());
  expect_error("list.len of a Str, which is not a list");
}

TEST_F(ListVerifyTest, JoinNeedsListOfStr) {
  start();
  gir_list_op(&g, GIR_LIST_JOIN, ARGS(xs, s), 2, sp());
  expect_error("list.op join of a List[Int], expected List[Str]");
}

TEST_F(ListVerifyTest, ContainsElementType) {
  start();
  gir_list_op(&g, GIR_LIST_CONTAINS, ARGS(xs, s), 2, sp());
  expect_error("list.op: operand 2 is Str, expected Int");
}

TEST_F(ListVerifyTest, OpArity) {
  start();
  gir_list_op(&g, GIR_LIST_SORTED, ARGS(xs, n), 2, sp());
  expect_error("list.op sorted takes 1 operands, has 2");
}

} // namespace
