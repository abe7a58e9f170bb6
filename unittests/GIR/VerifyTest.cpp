// VerifyTest.cpp — the GIR verifier: one well-formed function, then one
// test per invariant of GIR.h, each breaking exactly that invariant and
// checking the "gir: FUNC: bN: MESSAGE" report.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#define _Noreturn [[noreturn]] // Support.h is C17
extern "C" {
#include "guji/GIR.h"
}

#include <initializer_list>
// a temporary argument array for one call
#define ARGS(...) std::initializer_list<GirValue>{__VA_ARGS__}.begin()

namespace {

Span sp() { return span_make(0, 0, 0); }

struct VerifyTest : ::testing::Test {
  Arena *arena = arena_new();
  GirModule *m = gir_module_new(arena, "t.guji");
  GirFunc *f = nullptr;
  GirBuilder g = {};
  ~VerifyTest() override { arena_free(arena); }

  // f(%0: Int, %1: Str) -> Int with an empty entry block
  void start(const GirType *ret = &gir_t_int) {
    f = gir_func_new(m, "f", "guji.f", ret, sp());
    gir_func_add_param(m, f, &gir_t_int);
    gir_func_add_param(m, f, &gir_t_str);
    g = {m, f, f->blocks.data[0]};
  }

  // Verifies; returns the report ("" when valid).
  std::string verify() {
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

TEST_F(VerifyTest, WellFormedDiamondWithLoop) {
  start();
  GirBlock *loop = gir_block_new(m, f, "loop");
  GirValue i = gir_block_add_param(m, f, loop, &gir_t_int);
  GirBlock *body = gir_block_new(m, f, "body");
  GirBlock *done = gir_block_new(m, f, "done");
  GirValue zero = gir_const_int(&g, 0, sp());
  gir_jmp(&g, loop, &zero, 1, sp());
  gir_set_block(&g, loop);
  GirValue c = gir_op2(&g, GIR_OP_ILT, &gir_t_bool, i, 0, sp());
  gir_br(&g, c, body, done, sp());
  gir_set_block(&g, body);
  GirValue one = gir_const_int(&g, 1, sp());
  GirValue i2 = gir_op2(&g, GIR_OP_IADD, &gir_t_int, i, one, sp());
  gir_jmp(&g, loop, &i2, 1, sp());
  gir_set_block(&g, done);
  GirValue n = gir_call_rt(&g, GIR_RT_STR_LEN, &f->blocks.data[0]->params.data[1], 1, sp());
  GirValue r = gir_call(&g, f, ARGS(0, 1), 2, sp());
  (void)n;
  gir_ret(&g, r, sp());
  f->blocks.data[3]->insts.data[1].imm.call.tail = true;
  EXPECT_EQ(verify(), "");
}

TEST_F(VerifyTest, MissingTerminator) {
  start();
  gir_const_int(&g, 1, sp());
  expect_error("gir: f: b0: block has no terminator");
}

TEST_F(VerifyTest, UseBeforeDefinition) {
  start();
  GirValue a = gir_const_int(&g, 1, sp());
  GirValue b = gir_op2(&g, GIR_OP_IADD, &gir_t_int, a, a, sp());
  gir_ret(&g, b, sp());
  g.f->blocks.data[0]->insts.data[1].args[0] = b; // uses itself
  expect_error("gir: f: b0: %3 is used before its definition");
}

TEST_F(VerifyTest, UndefinedValue) {
  start();
  gir_ret(&g, 42, sp());
  expect_error("gir: f: b0: use of undefined value %42");
}

TEST_F(VerifyTest, NonDominatingUse) {
  start();
  GirBlock *b1 = gir_block_new(m, f, nullptr);
  GirBlock *b2 = gir_block_new(m, f, nullptr);
  GirBlock *b3 = gir_block_new(m, f, nullptr);
  GirValue c = gir_const_bool(&g, true, sp());
  gir_br(&g, c, b1, b2, sp());
  gir_set_block(&g, b1);
  GirValue x = gir_const_int(&g, 1, sp());
  gir_jmp(&g, b3, nullptr, 0, sp());
  gir_set_block(&g, b2);
  gir_jmp(&g, b3, nullptr, 0, sp());
  gir_set_block(&g, b3);
  gir_ret(&g, x, sp());
  expect_error("gir: f: b3: %3 (defined in b1) does not dominate its use");
}

TEST_F(VerifyTest, IaddTypeMismatch) {
  start();
  GirValue b = gir_const_bool(&g, true, sp());
  GirValue s = gir_op2(&g, GIR_OP_IADD, &gir_t_int, 0, b, sp());
  gir_ret(&g, s, sp());
  expect_error("gir: f: b0: add.i: operand 2 is Bool, expected Int");
}

TEST_F(VerifyTest, IaddResultType) {
  start();
  GirValue s = gir_op2(&g, GIR_OP_IADD, &gir_t_float, 0, 0, sp());
  (void)s;
  gir_ret(&g, 0, sp());
  expect_error("gir: f: b0: add.i: result type Float, expected Int");
}

TEST_F(VerifyTest, ComparisonOfMixedTypes) {
  start();
  GirValue ch = gir_const_char(&g, 'a', sp());
  gir_op2(&g, GIR_OP_IEQ, &gir_t_bool, 0, ch, sp());
  gir_ret(&g, 0, sp());
  expect_error("eq.i: operands Int and Char");
}

TEST_F(VerifyTest, CallArity) {
  start();
  GirValue r = gir_call(&g, f, ARGS(0), 1, sp());
  gir_ret(&g, r, sp());
  expect_error("gir: f: b0: call f: 1 arguments, f takes 2");
}

TEST_F(VerifyTest, CallArgumentType) {
  start();
  GirValue r = gir_call(&g, f, ARGS(1, 1), 2, sp());
  gir_ret(&g, r, sp());
  expect_error("call f: argument 1 is Str, expected Int");
}

TEST_F(VerifyTest, RuntimeCallSignature) {
  start();
  gir_call_rt(&g, GIR_RT_WRITE_STR, ARGS(0, 0), 2, sp());
  gir_call_rt(&g, GIR_RT_STR_LEN, nullptr, 0, sp());
  gir_ret(&g, 0, sp());
  std::string r = verify();
  EXPECT_NE(r.find("call.rt gj_write_str: argument 1 is Int, expected Str"), std::string::npos) << r;
  EXPECT_NE(r.find("call.rt gj_str_len: 0 arguments, takes 1"), std::string::npos) << r;
}

TEST_F(VerifyTest, JmpArgumentCount) {
  start();
  GirBlock *b1 = gir_block_new(m, f, nullptr);
  GirValue p = gir_block_add_param(m, f, b1, &gir_t_int);
  gir_jmp(&g, b1, nullptr, 0, sp());
  gir_set_block(&g, b1);
  gir_ret(&g, p, sp());
  expect_error("gir: f: b0: jmp b1 with 0 arguments, b1 takes 1");
}

TEST_F(VerifyTest, JmpArgumentType) {
  start();
  GirBlock *b1 = gir_block_new(m, f, nullptr);
  GirValue p = gir_block_add_param(m, f, b1, &gir_t_int);
  GirValue s = 1;
  gir_jmp(&g, b1, &s, 1, sp());
  gir_set_block(&g, b1);
  gir_ret(&g, p, sp());
  expect_error("gir: f: b0: jmp b1: argument 1 is Str, parameter is Int");
}

TEST_F(VerifyTest, BrTargetWithParams) {
  start();
  GirBlock *b1 = gir_block_new(m, f, nullptr);
  GirValue p = gir_block_add_param(m, f, b1, &gir_t_int);
  GirValue c = gir_const_bool(&g, false, sp());
  gir_br(&g, c, b1, b1, sp());
  gir_set_block(&g, b1);
  gir_ret(&g, p, sp());
  expect_error("gir: f: b0: br target b1 takes parameters");
}

TEST_F(VerifyTest, BrConditionNotBool) {
  start();
  GirBlock *b1 = gir_block_new(m, f, nullptr);
  gir_br(&g, 0, b1, b1, sp());
  gir_set_block(&g, b1);
  gir_ret(&g, 0, sp());
  expect_error("gir: f: b0: br condition is Int, expected Bool");
}

TEST_F(VerifyTest, RetType) {
  start();
  gir_ret(&g, 1, sp());
  expect_error("gir: f: b0: ret of a Str in a function returning Int");
}

TEST_F(VerifyTest, RetWithoutValue) {
  start();
  gir_ret(&g, GIR_NO_VALUE, sp());
  expect_error("ret without a value in a function returning Int");
}

TEST_F(VerifyTest, BadTailMarking) {
  start();
  GirValue r = gir_call(&g, f, ARGS(0, 1), 2, sp());
  GirValue one = gir_const_int(&g, 1, sp());
  GirValue s = gir_op2(&g, GIR_OP_IADD, &gir_t_int, r, one, sp());
  gir_ret(&g, s, sp());
  f->blocks.data[0]->insts.data[0].imm.call.tail = true;
  expect_error("gir: f: b0: tail call to f is not followed by ret of its result");
}

TEST_F(VerifyTest, EntryParamsMustMatchSignature) {
  start();
  gir_ret(&g, 0, sp());
  // a third parameter type without an entry parameter
  GirFunc *tmp = gir_func_new(m, "tmp", "guji.tmp", &gir_t_unit, sp());
  for (int i = 0; i < 3; i++) gir_func_add_param(m, tmp, &gir_t_bool);
  f->param_types = tmp->param_types;
  m->funcs.len = 1;
  expect_error("entry block has 2 parameters, function has 3");
}

TEST_F(VerifyTest, IncOfScalar) {
  start();
  gir_op1(&g, GIR_OP_INC, &gir_t_unit, 0, sp());
  gir_op1(&g, GIR_OP_DEC, &gir_t_unit, 1, sp());
  gir_ret(&g, 0, sp());
  expect_error("gir: f: b0: inc of a Int, which is not counted");
}

TEST_F(VerifyTest, GlobalSetType) {
  start();
  GirGlobal *gl = gir_global_new(m, "k", "guji.k", &gir_t_int, sp());
  gir_global_set(&g, gl, 1, sp());
  gir_ret(&g, 0, sp());
  expect_error("global.set: operand 1 is Str, expected Int");
}

TEST_F(VerifyTest, BlockIdMismatchAndForeignTarget) {
  start();
  GirFunc *other = gir_func_new(m, "other", "guji.other", &gir_t_unit, sp());
  GirBlock *ob = gir_block_new(m, other, nullptr);
  gir_jmp(&g, ob, nullptr, 0, sp());
  GirBuilder g2 = {m, other, ob};
  gir_ret(&g2, GIR_NO_VALUE, sp());
  expect_error("gir: f: b0: jmp to a foreign block");
}

// ---- objects and switch (§10) -------------------------------------------------

struct VerifyObjTest : VerifyTest {
  GirType *point = nullptr, *opt = nullptr;
  // Point = {x: Float, y: Float}; Option[Str] = None | Some(Str)
  void types() {
    point = gir_type_obj(m, "Point", false, false, 1);
    point->ctors[0].name = "Point";
    point->ctors[0].nfields = 2;
    point->ctors[0].fields = ARENA_ARRAY(arena, const GirType *, 2);
    point->ctors[0].fields[0] = point->ctors[0].fields[1] = &gir_t_float;
    opt = gir_type_obj(m, "Option[Str]", true, false, 2);
    opt->ctors[0].name = "None";
    opt->ctors[1].name = "Some";
    opt->ctors[1].nfields = 1;
    opt->ctors[1].fields = ARENA_ARRAY(arena, const GirType *, 1);
    opt->ctors[1].fields[0] = &gir_t_str;
    start();
  }
  GirInst &last() { return VEC_LAST(g.b->insts); }
};

TEST_F(VerifyObjTest, WellFormedSwitchOnTag) {
  types();
  GirBlock *none_b = gir_block_new(m, f, "none");
  GirBlock *some_b = gir_block_new(m, f, "some");
  GirValue o = gir_new(&g, opt, 1, ARGS(1), 1, sp());
  GirValue t = gir_tag(&g, o, sp());
  GirCase cs[2] = {{0, none_b}, {1, some_b}};
  gir_switch(&g, t, cs, 2, nullptr, sp());
  gir_set_block(&g, none_b);
  gir_ret(&g, 0, sp());
  gir_set_block(&g, some_b);
  GirValue s = gir_proj(&g, o, opt, 1, 0, sp());
  GirValue e = gir_eq(&g, s, 1, sp());
  GirValue c = gir_cmp(&g, o, o, sp());
  GirValue txt = gir_append_text(&g, s, e, true, sp());
  (void)txt;
  gir_ret(&g, c, sp());
  EXPECT_EQ(verify(), "");
}

TEST_F(VerifyObjTest, NewFieldType) {
  types();
  gir_new(&g, point, 0, ARGS(0, 0), 2, sp());
  gir_ret(&g, 0, sp());
  expect_error("gir: f: b0: new Point: field 1 is Int, expected Float");
}

TEST_F(VerifyObjTest, NewArity) {
  types();
  GirValue x = gir_const_float(&g, 1.0, sp());
  gir_new(&g, point, 0, ARGS(x), 1, sp());
  gir_ret(&g, 0, sp());
  expect_error("new Point: 1 fields given, constructor has 2");
}

TEST_F(VerifyObjTest, NewBadConstructor) {
  types();
  gir_new(&g, opt, 0, nullptr, 0, sp());
  last().imm.ctor.index = 5;
  gir_ret(&g, 0, sp());
  expect_error("new: Option[Str] has no constructor 5");
}

TEST_F(VerifyObjTest, NewResultType) {
  types();
  GirValue o = gir_new(&g, opt, 0, nullptr, 0, sp());
  last().type = point;
  f->values.data[o].type = point;
  gir_ret(&g, 0, sp());
  expect_error("new: result type Point, expected Option[Str]");
}

TEST_F(VerifyObjTest, ObjectTypeNotInModule) {
  types();
  GirType *stray = ARENA_NEW(arena, GirType);
  *stray = *point; // same id, but not the module's
  stray->name = "Stray";
  GirValue x = gir_const_float(&g, 1.0, sp());
  gir_new(&g, stray, 0, ARGS(x, x), 2, sp());
  gir_ret(&g, 0, sp());
  expect_error("new: object type Stray is not in the module");
}

TEST_F(VerifyObjTest, ProjOperandType) {
  types();
  gir_proj(&g, 1, opt, 1, 0, sp());
  gir_ret(&g, 0, sp());
  expect_error("gir: f: b0: proj: operand is Str, expected Option[Str]");
}

TEST_F(VerifyObjTest, ProjFieldIndex) {
  types();
  GirValue o = gir_new(&g, opt, 1, ARGS(1), 1, sp());
  gir_proj(&g, o, opt, 1, 0, sp());
  last().imm.ctor.field = 9;
  gir_ret(&g, 0, sp());
  expect_error("proj: constructor 1 of Option[Str] has no field 9");
}

TEST_F(VerifyObjTest, ProjResultType) {
  types();
  GirValue o = gir_new(&g, opt, 1, ARGS(1), 1, sp());
  GirValue s = gir_proj(&g, o, opt, 1, 0, sp());
  last().type = &gir_t_int;
  f->values.data[s].type = &gir_t_int;
  gir_ret(&g, 0, sp());
  expect_error("proj: result type Int, field is Str");
}

TEST_F(VerifyObjTest, TagOfARecord) {
  types();
  GirValue x = gir_const_float(&g, 1.0, sp());
  GirValue p = gir_new(&g, point, 0, ARGS(x, x), 2, sp());
  GirValue t = gir_tag(&g, p, sp());
  gir_ret(&g, t, sp());
  expect_error("tag of a Point, which is not a sum type");
}

TEST_F(VerifyObjTest, EqOfMixedTypes) {
  types();
  gir_eq(&g, 0, 1, sp());
  gir_ret(&g, 0, sp());
  expect_error("gir: f: b0: eq: operands Int and Str (expected the same type)");
}

TEST_F(VerifyObjTest, CmpResultType) {
  types();
  GirValue c = gir_cmp(&g, 0, 0, sp());
  last().type = &gir_t_bool;
  f->values.data[c].type = &gir_t_bool;
  gir_ret(&g, 0, sp());
  expect_error("cmp: result type Bool, expected Int");
}

TEST_F(VerifyObjTest, AppendTextBuffer) {
  types();
  gir_append_text(&g, 0, 1, false, sp());
  gir_ret(&g, 0, sp());
  expect_error("append_text: buffer is Int, expected Str");
}

TEST_F(VerifyObjTest, SwitchOnBool) {
  types();
  GirBlock *b1 = gir_block_new(m, f, nullptr);
  GirValue c = gir_const_bool(&g, true, sp());
  GirCase cs[1] = {{1, b1}};
  gir_switch(&g, c, cs, 1, b1, sp());
  gir_set_block(&g, b1);
  gir_ret(&g, 0, sp());
  expect_error("gir: f: b0: switch on a Bool, expected Int");
}

TEST_F(VerifyObjTest, SwitchTargetTakesParameters) {
  types();
  GirBlock *b1 = gir_block_new(m, f, nullptr);
  gir_block_add_param(m, f, b1, &gir_t_int);
  GirCase cs[1] = {{1, b1}};
  gir_switch(&g, 0, cs, 1, nullptr, sp());
  gir_set_block(&g, b1);
  gir_ret(&g, 0, sp());
  expect_error("switch target b1 takes parameters");
}

TEST_F(VerifyObjTest, SwitchDuplicateCase) {
  types();
  GirBlock *b1 = gir_block_new(m, f, nullptr);
  GirBlock *b2 = gir_block_new(m, f, nullptr);
  GirCase cs[3] = {{1, b1}, {2, b2}, {1, b2}};
  gir_switch(&g, 0, cs, 3, nullptr, sp());
  gir_set_block(&g, b1);
  gir_ret(&g, 0, sp());
  gir_set_block(&g, b2);
  gir_ret(&g, 0, sp());
  expect_error("switch case 1 appears twice");
}

TEST_F(VerifyObjTest, SwitchWithoutTargets) {
  types();
  gir_switch(&g, 0, nullptr, 0, nullptr, sp());
  expect_error("gir: f: b0: switch without targets");
}

// A value defined in one arm of a switch does not dominate the join.
TEST_F(VerifyObjTest, SwitchArmDoesNotDominateJoin) {
  types();
  GirBlock *b1 = gir_block_new(m, f, nullptr);
  GirBlock *b2 = gir_block_new(m, f, nullptr);
  GirBlock *b3 = gir_block_new(m, f, nullptr);
  GirCase cs[1] = {{0, b1}};
  gir_switch(&g, 0, cs, 1, b2, sp());
  gir_set_block(&g, b1);
  GirValue x = gir_const_int(&g, 1, sp());
  gir_jmp(&g, b3, nullptr, 0, sp());
  gir_set_block(&g, b2);
  gir_jmp(&g, b3, nullptr, 0, sp());
  gir_set_block(&g, b3);
  gir_ret(&g, x, sp());
  expect_error("gir: f: b3: %2 (defined in b1) does not dominate its use");
}

} // namespace
