// GIRTest.cpp — the GIR builder, the runtime table and the printer.
//
// The printer tests pin the exact text of `gujic --emit=ir`, which lit
// tests match with FileCheck: change them only with the format.
#include <gtest/gtest.h>

#include <cstdlib>
#include <initializer_list>
#include <string>

#define _Noreturn [[noreturn]] // Support.h is C17
extern "C" {
#include "guji/GIR.h"
}

// a temporary argument array for one call
#define ARGS(...) std::initializer_list<GirValue>{__VA_ARGS__}.begin()

namespace {

Span sp(uint32_t start = 0, uint32_t end = 0) { return span_make(0, start, end); }

struct GirFixture : ::testing::Test {
  Arena *arena = arena_new();
  GirModule *m = gir_module_new(arena, "t.guji");
  ~GirFixture() override { arena_free(arena); }

  std::string print(const SrcMgr *sm = nullptr) {
    char *s = gir_module_to_string(m, sm);
    std::string r(s);
    free(s);
    return r;
  }
};

// fib as lowering produces it (before RC and tail marking).
GirFunc *build_fib(GirModule *m, bool with_spans) {
  auto S = [&](uint32_t a, uint32_t b) { return with_spans ? sp(a, b) : sp(); };
  GirFunc *f = gir_func_new(m, "fib", "guji.fib", &gir_t_int, S(0, 3));
  GirValue n = gir_func_add_param(m, f, &gir_t_int);
  gir_value_set_dbg(f, n, "n", S(8, 10));
  GirBlock *b0 = f->blocks.data[0];
  GirBlock *b1 = gir_block_new(m, f, "then");
  GirBlock *b2 = gir_block_new(m, f, nullptr);
  GirBuilder g = {m, f, b0};
  GirValue two = gir_const_int(&g, 2, S(34, 35));
  GirValue c = gir_op2(&g, GIR_OP_ILT, &gir_t_bool, n, two, S(29, 35));
  gir_br(&g, c, b1, b2, S(26, 35));
  gir_set_block(&g, b1);
  gir_ret(&g, n, S(39, 41));
  gir_set_block(&g, b2);
  GirValue one = gir_const_int(&g, 1, sp());
  GirValue a = gir_op2(&g, GIR_OP_ISUB, &gir_t_int, n, one, sp());
  GirValue r1 = gir_call(&g, f, &a, 1, sp());
  GirValue two2 = gir_const_int(&g, 2, sp());
  GirValue b = gir_op2(&g, GIR_OP_ISUB, &gir_t_int, n, two2, sp());
  GirValue r2 = gir_call(&g, f, &b, 1, sp());
  GirValue sum = gir_op2(&g, GIR_OP_IADD, &gir_t_int, r1, r2, sp());
  gir_ret(&g, sum, sp());
  return f;
}

TEST_F(GirFixture, FirstParamCreatesEntryBlock) {
  GirFunc *f = gir_func_new(m, "f", "guji.f", &gir_t_int, sp());
  EXPECT_EQ(f->id, 0u);
  EXPECT_EQ(f->blocks.len, 0u);
  GirValue p0 = gir_func_add_param(m, f, &gir_t_int);
  GirValue p1 = gir_func_add_param(m, f, &gir_t_str);
  ASSERT_EQ(f->blocks.len, 1u);
  GirBlock *b0 = f->blocks.data[0];
  EXPECT_EQ(b0->id, 0u);
  EXPECT_EQ(p0, 0u);
  EXPECT_EQ(p1, 1u);
  ASSERT_EQ(b0->params.len, 2u);
  EXPECT_EQ(b0->params.data[1], p1);
  ASSERT_EQ(f->param_types.len, 2u);
  EXPECT_EQ(f->param_types.data[1], &gir_t_str);
  EXPECT_EQ(f->values.data[p1].type, &gir_t_str);
  EXPECT_EQ(f->values.data[p1].block, b0);
  EXPECT_EQ(f->values.data[p1].inst, -1);
  GirBlock *b1 = gir_block_new(m, f, "next");
  EXPECT_EQ(b1->id, 1u);
  GirFunc *g2 = gir_func_new(m, "g", "guji.g", &gir_t_unit, sp());
  EXPECT_EQ(g2->id, 1u);
  EXPECT_EQ(m->funcs.len, 2u);
}

TEST_F(GirFixture, BlockNewMakesEntryOfParamlessFunction) {
  GirFunc *f = gir_func_new(m, "main", "guji.main", &gir_t_unit, sp());
  GirBlock *b = gir_block_new(m, f, nullptr);
  EXPECT_EQ(f->blocks.data[0], b);
  EXPECT_EQ(b->term.kind, GIR_TERM_NONE);
}

TEST_F(GirFixture, ValuesAndInfos) {
  GirFunc *f = gir_func_new(m, "f", "guji.f", &gir_t_int, sp());
  GirValue x = gir_func_add_param(m, f, &gir_t_int);
  GirBuilder g = {m, f, f->blocks.data[0]};
  GirValue k = gir_const_int(&g, 7, sp());
  GirValue s = gir_op2(&g, GIR_OP_IADD, &gir_t_int, x, k, sp());
  EXPECT_EQ(k, 1u);
  EXPECT_EQ(s, 2u);
  EXPECT_EQ(f->values.data[s].inst, 1);
  EXPECT_EQ(f->values.data[s].block, f->blocks.data[0]);
  EXPECT_EQ(gir_value_type(f, s), &gir_t_int);
  // a Unit op has no result
  GirValue args[2] = {x, k};
  EXPECT_EQ(gir_call_rt(&g, GIR_RT_WRITE_INT, args, 2, sp()), GIR_NO_VALUE);
  EXPECT_EQ(f->blocks.data[0]->insts.len, 3u);
  EXPECT_FALSE(gir_is_terminated(&g));
  gir_ret(&g, s, sp());
  EXPECT_TRUE(gir_is_terminated(&g));
  EXPECT_EQ(g.b, nullptr);
  // emitting after the terminator is a no-op
  EXPECT_EQ(gir_const_int(&g, 1, sp()), GIR_NO_VALUE);
  EXPECT_EQ(gir_const_str(&g, "x", 1, sp()), GIR_NO_VALUE);
  gir_ret(&g, x, sp());
  gir_set_block(&g, f->blocks.data[0]);
  EXPECT_TRUE(gir_is_terminated(&g));
  EXPECT_EQ(gir_op1(&g, GIR_OP_INEG, &gir_t_int, x, sp()), GIR_NO_VALUE);
  gir_jmp(&g, f->blocks.data[0], &x, 1, sp());
  EXPECT_EQ(f->blocks.data[0]->insts.len, 3u);
  EXPECT_EQ(f->blocks.data[0]->term.kind, GIR_TERM_RET);
  EXPECT_EQ(f->blocks.data[0]->term.value, s);
  EXPECT_EQ(f->values.len, 3u);
  EXPECT_TRUE(gir_verify_module(m, stderr));
}

TEST_F(GirFixture, CallResultTypes) {
  GirFunc *h = gir_func_new(m, "h", "guji.h", &gir_t_str, sp());
  GirFunc *f = gir_func_new(m, "f", "guji.f", &gir_t_unit, sp());
  GirBuilder g = {m, f, gir_block_new(m, f, nullptr)};
  GirValue s = gir_call(&g, h, nullptr, 0, sp());
  EXPECT_EQ(gir_value_type(f, s), &gir_t_str);
  GirValue n = gir_call_rt(&g, GIR_RT_STR_LEN, &s, 1, sp());
  EXPECT_EQ(gir_value_type(f, n), &gir_t_int);
  GirGlobal *gl = gir_global_new(m, "limit", "guji.limit", &gir_t_int, sp());
  GirValue v = gir_global_get(&g, gl, sp());
  EXPECT_EQ(gir_value_type(f, v), &gir_t_int);
  gir_global_set(&g, gl, n, sp());
  const GirInst &set = VEC_LAST(g.b->insts);
  EXPECT_EQ(set.op, GIR_OP_GLOBAL_SET);
  EXPECT_EQ(set.result, GIR_NO_VALUE);
  EXPECT_EQ(set.nargs, 1u);
}

TEST(GirRtInfo, DecodesSignatures) {
  const GirRtInfo *w = gir_rt_info(GIR_RT_WRITE_STR);
  ASSERT_NE(w, nullptr);
  EXPECT_STREQ(w->c_name, "gj_write_str");
  EXPECT_STREQ(w->sig, "v:si");
  EXPECT_EQ(w->ret, &gir_t_unit);
  ASSERT_EQ(w->nparams, 2);
  EXPECT_EQ(w->params[0], &gir_t_str);
  EXPECT_EQ(w->params[1], &gir_t_int);
  EXPECT_FALSE(w->consumed[0]);
  EXPECT_FALSE(w->takes_loc);

  const GirRtInfo *a = gir_rt_info(GIR_RT_STR_APPEND_STR);
  EXPECT_EQ(a->ret, &gir_t_str);
  EXPECT_TRUE(a->consumed[0]);
  EXPECT_FALSE(a->consumed[1]);

  const GirRtInfo *p = gir_rt_info(GIR_RT_PANIC);
  EXPECT_EQ(p->nparams, 1);
  EXPECT_TRUE(p->takes_loc);
  EXPECT_TRUE(p->flags & GIR_RTF_NORETURN);

  const GirRtInfo *o = gir_rt_info(GIR_RT_PANIC_OVERFLOW);
  EXPECT_EQ(o->nparams, 0);
  EXPECT_TRUE(o->takes_loc);

  const GirRtInfo *fi = gir_rt_info(GIR_RT_FLOAT_TO_INT);
  EXPECT_EQ(fi->ret, &gir_t_int);
  EXPECT_EQ(fi->nparams, 1);
  EXPECT_EQ(fi->params[0], &gir_t_float);
  EXPECT_TRUE(fi->takes_loc);

  EXPECT_TRUE(gir_rt_info(GIR_RT_STR_CONCAT)->flags & GIR_RTF_PURE);
  EXPECT_EQ(gir_rt_info(GIR_RT__COUNT), nullptr);
  // the same table every time
  EXPECT_EQ(gir_rt_info(GIR_RT_WRITE_STR), w);
}

TEST(GirTypes, NamesAndHeap) {
  EXPECT_STREQ(gir_type_name(&gir_t_unit), "Unit");
  EXPECT_STREQ(gir_type_name(&gir_t_char), "Char");
  EXPECT_TRUE(gir_type_is_heap(&gir_t_str));
  EXPECT_FALSE(gir_type_is_heap(&gir_t_int));
  EXPECT_FALSE(gir_type_is_heap(&gir_t_unit));
  EXPECT_STREQ(gir_op_name(GIR_OP_ILT), "lt.i");
  EXPECT_STREQ(gir_op_name(GIR_OP_CALL_RT), "call.rt");
  for (int op = 0; op < GIR_OP__COUNT; op++)
    EXPECT_STRNE(gir_op_name((GirOp)op), "?op") << op;
}

TEST_F(GirFixture, PrintFib) {
  GirFunc *f = build_fib(m, false);
  ASSERT_TRUE(gir_verify_module(m, stderr));
  f->blocks.data[2]->insts.data[5].imm.call.tail = true; // for the printer
  EXPECT_EQ(print(),
            "func fib(%0: Int) -> Int {\n"
            "b0(%0: Int):  ; %0 $n\n"
            "  %1: Int = const.i 2\n"
            "  %2: Bool = lt.i %0, %1\n"
            "  br %2, b1, b2\n"
            "b1.then:\n"
            "  ret %0\n"
            "b2:\n"
            "  %3: Int = const.i 1\n"
            "  %4: Int = sub.i %0, %3\n"
            "  %5: Int = call fib(%4)\n"
            "  %6: Int = const.i 2\n"
            "  %7: Int = sub.i %0, %6\n"
            "  %8: Int = call fib(%7) tail\n"
            "  %9: Int = add.i %5, %8\n"
            "  ret %9\n"
            "}\n");
}

TEST_F(GirFixture, PrintWithSourcePositions) {
  SrcMgr *sm = src_mgr_new(arena);
  const char *text = "sub fib($n: Int): Int {\n  if $n < 2 { $n } ...";
  src_add(sm, "fib.guji", text, strlen(text));
  build_fib(m, true);
  std::string out = print(sm);
  // comments start in column 42
  EXPECT_EQ(out.substr(0, out.find("b1.then")),
            "func fib(%0: Int) -> Int {               ; fib.guji:1:1\n"
            "b0(%0: Int):  ; %0 $n\n"
            "  %1: Int = const.i 2                    ; fib.guji:2:11\n"
            "  %2: Bool = lt.i %0, %1                 ; fib.guji:2:6\n"
            "  br %2, b1, b2                          ; fib.guji:2:3\n");
  EXPECT_NE(out.find("  ret %0                                 ; fib.guji:2:16\n"),
            std::string::npos) << out;
  // no span: no comment
  EXPECT_NE(out.find("  %3: Int = const.i 1\n"), std::string::npos) << out;
}

TEST_F(GirFixture, PrintConstantsGlobalsAndRuntimeCalls) {
  GirGlobal *gl = gir_global_new(m, "greeting", "guji.greeting", &gir_t_str, sp());
  GirFunc *f = gir_func_new(m, "main", "guji.main", &gir_t_unit, sp());
  m->main = f;
  GirBuilder g = {m, f, gir_block_new(m, f, nullptr)};
  GirValue s = gir_const_str(&g, "a\"b\\\n\x01$", 7, sp());
  gir_value_set_dbg(f, s, "s", sp());
  gir_const_float(&g, 2.0, sp());
  gir_const_float(&g, 0.1, sp());
  gir_const_bool(&g, true, sp());
  gir_const_char(&g, 'x', sp());
  gir_const_char(&g, 0x1F600, sp());
  GirValue gv = gir_global_get(&g, gl, sp());
  GirValue fl = gir_const_int(&g, 1, sp());
  GirValue args[2] = {gv, fl};
  gir_call_rt(&g, GIR_RT_WRITE_STR, args, 2, sp());
  gir_global_set(&g, gl, s, sp());
  gir_op1(&g, GIR_OP_INC, &gir_t_unit, s, sp());
  gir_op1(&g, GIR_OP_DEC, &gir_t_unit, s, sp());
  gir_ret(&g, GIR_NO_VALUE, sp());
  EXPECT_EQ(print(),
            "global @greeting: Str\n"
            "; main: main\n"
            "\n"
            "func main() -> Unit {\n"
            "b0:\n"
            "  %0: Str = const.s \"a\\\"b\\\\\\n\\u{1}\\$\"    ; $s\n"
            "  %1: Float = const.f 2.0\n"
            "  %2: Float = const.f 0.10000000000000001\n"
            "  %3: Bool = const.b true\n"
            "  %4: Char = const.c 'x'\n"
            "  %5: Char = const.c '\\u{1F600}'\n"
            "  %6: Str = global.get @greeting\n"
            "  %7: Int = const.i 1\n"
            "  call.rt gj_write_str(%6, %7)\n"
            "  global.set @greeting, %0\n"
            "  inc %0\n"
            "  dec %0\n"
            "  ret\n"
            "}\n");
}

TEST_F(GirFixture, PrintJmpAndUnreachable) {
  GirFunc *f = gir_func_new(m, "loop", "guji.loop", &gir_t_unit, sp());
  GirValue n = gir_func_add_param(m, f, &gir_t_int);
  GirBlock *b1 = gir_block_new(m, f, "loop");
  GirValue i = gir_block_add_param(m, f, b1, &gir_t_int);
  gir_value_set_dbg(f, i, "i", sp());
  GirBlock *b2 = gir_block_new(m, f, nullptr);
  GirBuilder g = {m, f, f->blocks.data[0]};
  gir_jmp(&g, b1, &n, 1, sp());
  gir_set_block(&g, b1);
  gir_jmp(&g, b1, &i, 1, sp());
  gir_set_block(&g, b2);
  gir_call_rt(&g, GIR_RT_PANIC_OVERFLOW, nullptr, 0, sp());
  gir_unreachable(&g, sp());
  EXPECT_TRUE(gir_verify_module(m, stderr));
  EXPECT_EQ(print(),
            "func loop(%0: Int) -> Unit {\n"
            "b0(%0: Int):\n"
            "  jmp b1(%0)\n"
            "b1.loop(%1: Int):  ; %1 $i\n"
            "  jmp b1(%1)\n"
            "b2:\n"
            "  call.rt gj_panic_overflow()\n"
            "  unreachable\n"
            "}\n");
}

// ---- objects (§10) ----------------------------------------------------------

// Point = {x: Float, y: Float}; Option[Str] = None | Some(Str); (Int, Str).
struct ObjTypes {
  GirType *point, *opt, *pair;
};

ObjTypes make_obj_types(GirModule *m) {
  Arena *a = m->arena;
  ObjTypes t;
  t.point = gir_type_obj(m, "Point", false, false, 1);
  GirCtor *pc = &t.point->ctors[0];
  pc->name = "Point";
  pc->nfields = 2;
  pc->fields = ARENA_ARRAY(a, const GirType *, 2);
  pc->fields[0] = pc->fields[1] = &gir_t_float;
  pc->field_names = ARENA_ARRAY(a, const char *, 2);
  pc->field_names[0] = "x";
  pc->field_names[1] = "y";
  t.opt = gir_type_obj(m, "Option[Str]", true, false, 2);
  t.opt->ctors[0].name = "None";
  t.opt->ctors[1].name = "Some";
  t.opt->ctors[1].nfields = 1;
  t.opt->ctors[1].fields = ARENA_ARRAY(a, const GirType *, 1);
  t.opt->ctors[1].fields[0] = &gir_t_str;
  t.pair = gir_type_obj(m, "(Int, Str)", false, true, 1);
  t.pair->ctors[0].name = "";
  t.pair->ctors[0].nfields = 2;
  t.pair->ctors[0].fields = ARENA_ARRAY(a, const GirType *, 2);
  t.pair->ctors[0].fields[0] = &gir_t_int;
  t.pair->ctors[0].fields[1] = &gir_t_str;
  return t;
}

TEST_F(GirFixture, ObjectTypes) {
  GirType *a = gir_type_obj(m, "A", true, false, 3);
  GirType *b = gir_type_obj(m, "(Int, Int)", false, true, 1);
  EXPECT_EQ(a->kind, GIR_T_OBJ);
  EXPECT_EQ(a->id, 0u);
  EXPECT_EQ(b->id, 1u);
  ASSERT_EQ(m->types.len, 2u);
  EXPECT_EQ(m->types.data[1], b);
  EXPECT_TRUE(a->is_sum);
  EXPECT_FALSE(a->is_tuple);
  EXPECT_TRUE(b->is_tuple);
  ASSERT_EQ(a->nctors, 3u);
  for (uint32_t i = 0; i < 3; i++) { // zeroed: the caller fills them
    EXPECT_EQ(a->ctors[i].name, nullptr);
    EXPECT_EQ(a->ctors[i].nfields, 0u);
    EXPECT_EQ(a->ctors[i].fields, nullptr);
  }
  // counted only once a constructor has a stored field
  EXPECT_FALSE(gir_type_is_heap(a));
  static const GirType *fields[] = {&gir_t_int};
  a->ctors[1].nfields = 1;
  a->ctors[1].fields = fields;
  EXPECT_TRUE(gir_type_is_heap(a));
  EXPECT_STREQ(gir_type_name(a), "A");
  EXPECT_STREQ(gir_type_name(b), "(Int, Int)");
}

TEST_F(GirFixture, ObjectOpResultTypes) {
  ObjTypes t = make_obj_types(m);
  GirFunc *f = gir_func_new(m, "f", "guji.f", &gir_t_unit, sp());
  GirValue s = gir_func_add_param(m, f, &gir_t_str);
  GirBuilder g = {m, f, f->blocks.data[0]};
  GirValue o = gir_new(&g, t.opt, 1, &s, 1, sp());
  EXPECT_EQ(gir_value_type(f, o), t.opt);
  const GirInst &nw = VEC_LAST(f->blocks.data[0]->insts);
  EXPECT_EQ(nw.imm.ctor.type, t.opt);
  EXPECT_EQ(nw.imm.ctor.index, 1u);
  EXPECT_EQ(gir_value_type(f, gir_proj(&g, o, t.opt, 1, 0, sp())), &gir_t_str);
  EXPECT_EQ(gir_value_type(f, gir_tag(&g, o, sp())), &gir_t_int);
  EXPECT_EQ(gir_value_type(f, gir_eq(&g, o, o, sp())), &gir_t_bool);
  EXPECT_EQ(gir_value_type(f, gir_cmp(&g, o, o, sp())), &gir_t_int);
  GirValue e = gir_const_str(&g, "", 0, sp());
  EXPECT_EQ(gir_value_type(f, gir_append_text(&g, e, o, true, sp())),
            &gir_t_str);
  EXPECT_TRUE(VEC_LAST(f->blocks.data[0]->insts).imm.nested);
  // a bad field index: no result; the verifier says why
  EXPECT_EQ(gir_proj(&g, o, t.opt, 1, 5, sp()), GIR_NO_VALUE);
  GirCase cs[1] = {{0, f->blocks.data[0]}};
  GirValue k = gir_const_int(&g, 0, sp());
  gir_switch(&g, k, cs, 1, nullptr, sp());
  EXPECT_TRUE(gir_is_terminated(&g));
  const GirTerm &term = f->blocks.data[0]->term;
  EXPECT_EQ(term.kind, GIR_TERM_SWITCH);
  ASSERT_EQ(term.ncases, 1u);
  EXPECT_NE(term.cases, cs); // copied
  EXPECT_EQ(term.else_target, nullptr);
  EXPECT_EQ(gir_new(&g, t.point, 0, nullptr, 0, sp()), GIR_NO_VALUE);
}

TEST_F(GirFixture, PrintObjectsAndSwitch) {
  ObjTypes t = make_obj_types(m);
  GirFunc *f = gir_func_new(m, "f", "guji.f", &gir_t_str, sp());
  GirValue s = gir_func_add_param(m, f, &gir_t_str);
  GirValue o = gir_func_add_param(m, f, &gir_t_str);
  (void)o;
  GirBlock *none_b = gir_block_new(m, f, "none");
  GirBlock *some_b = gir_block_new(m, f, "some");
  GirBlock *other = gir_block_new(m, f, nullptr);
  GirBuilder g = {m, f, f->blocks.data[0]};
  GirValue x = gir_const_float(&g, 1.5, sp());
  GirValue p = gir_new(&g, t.point, 0, ARGS(x, x), 2, sp());
  GirValue px = gir_proj(&g, p, t.point, 0, 1, sp());
  (void)px;
  GirValue n = gir_const_int(&g, 7, sp());
  GirValue pr = gir_new(&g, t.pair, 0, ARGS(n, s), 2, sp());
  gir_proj(&g, pr, t.pair, 0, 1, sp());
  GirValue some = gir_new(&g, t.opt, 1, &s, 1, sp());
  gir_new(&g, t.opt, 0, nullptr, 0, sp());
  gir_proj(&g, some, t.opt, 1, 0, sp());
  GirValue tag = gir_tag(&g, some, sp());
  gir_eq(&g, p, p, sp());
  gir_cmp(&g, some, some, sp());
  GirValue e = gir_const_str(&g, "", 0, sp());
  GirValue b1 = gir_append_text(&g, e, p, false, sp());
  GirValue b2 = gir_append_text(&g, b1, some, true, sp());
  GirCase cs[2] = {{0, none_b}, {1, some_b}};
  gir_switch(&g, tag, cs, 2, other, sp());
  gir_set_block(&g, none_b);
  gir_ret(&g, b2, sp());
  gir_set_block(&g, some_b);
  GirCase one[1] = {{-3, none_b}};
  gir_switch(&g, tag, one, 1, nullptr, sp());
  gir_set_block(&g, other);
  gir_unreachable(&g, sp());
  EXPECT_TRUE(gir_verify_module(m, stderr)) << print();
  EXPECT_EQ(print(),
            "type Point = record Point(x: Float, y: Float)\n"
            "type Option[Str] = sum None | Some(Str)\n"
            "type (Int, Str) = tuple (Int, Str)\n"
            "\n"
            "func f(%0: Str, %1: Str) -> Str {\n"
            "b0(%0: Str, %1: Str):\n"
            "  %2: Float = const.f 1.5\n"
            "  %3: Point = new Point(%2, %2)\n"
            "  %4: Float = proj %3.Point.y\n"
            "  %5: Int = const.i 7\n"
            "  %6: (Int, Str) = new (Int, Str)(%5, %0)\n"
            "  %7: Str = proj %6.1\n"
            "  %8: Option[Str] = new Option[Str].Some(%0)\n"
            "  %9: Option[Str] = new Option[Str].None()\n"
            "  %10: Str = proj %8.Some.0\n"
            "  %11: Int = tag %8\n"
            "  %12: Bool = eq %3, %3\n"
            "  %13: Int = cmp %8, %8\n"
            "  %14: Str = const.s \"\"\n"
            "  %15: Str = append_text %14, %3\n"
            "  %16: Str = append_text %15, %8 nested\n"
            "  switch %11 [0 → b1, 1 → b2] else b3\n"
            "b1.none:\n"
            "  ret %16\n"
            "b2.some:\n"
            "  switch %11 [-3 → b1]\n"
            "b3:\n"
            "  unreachable\n"
            "}\n");
}

} // namespace
