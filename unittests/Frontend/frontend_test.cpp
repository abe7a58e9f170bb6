// Unit tests of the parser and Sema: the shape of the AST for the rules of
// §2 that live in the parser, and the decisions Sema records (§5).
#include <gtest/gtest.h>

#include <string>

extern "C" {
#include "guji/Driver.h"
#include "guji/Parse.h"
#include "guji/Sema.h"
}

namespace {

struct Compiled {
  Session *s = nullptr;
  Module *m = nullptr;
  Program *p = nullptr;
  std::string diags;
  ~Compiled() { session_free(s); }
};

void compile(Compiled &c, const char *src, bool check = true) {
  c.s = session_new();
  SrcFile *f = src_add(c.s->sm, "t.guji", src, strlen(src));
  c.m = parse_module(c.s, f);
  if (check && !diag_has_errors(c.s->diag)) c.p = sema_check(c.s, c.m);
  char *d = diag_render_to_string(c.s->diag);
  c.diags = d ? d : "";
  free(d);
}

Expr *main_body(Compiled &c) {
  for (size_t i = 0; i < c.m->items.len; i++) {
    Item *it = c.m->items.data[i];
    if (it->kind == ITEM_SUB && strcmp(it->sub.name, "main") == 0)
      return it->sub.body;
  }
  return nullptr;
}

TEST(Parse, PrecedenceShiftLooserThanPlus) {
  Compiled c;
  compile(c, "sub main() { 1 + 2 << 3 }", false);
  Expr *v = main_body(c)->block.value;
  ASSERT_EQ(v->kind, EX_BINARY);
  EXPECT_EQ(v->bin.op, TOK_SHL);
  EXPECT_EQ(v->bin.lhs->kind, EX_BINARY);
  EXPECT_EQ(v->bin.lhs->bin.op, TOK_PLUS);
}

TEST(Parse, MinusLiteralFoldsButPostfixBindsTighter) {
  Compiled c;
  compile(c, "sub main() { -9223372036854775808; -5.abs() }", false);
  Expr *b = main_body(c);
  ASSERT_EQ(b->block.stmts.len, 1u);
  Expr *lit = b->block.stmts.data[0]->expr.expr;
  ASSERT_EQ(lit->kind, EX_INT);
  EXPECT_EQ(lit->i.value, INT64_MIN);
  Expr *neg = b->block.value;
  ASSERT_EQ(neg->kind, EX_UNARY);
  EXPECT_EQ(neg->un.operand->kind, EX_METHOD);
}

TEST(Parse, BlockStatementEndsUnlessDotFollows) {
  // §2: `if …{…} - 1` is two statements; `if … {…}.m()` continues.
  Compiled c;
  compile(c, "sub main() {\n if true { 1 } else { 2 } - 1\n}", false);
  Expr *b = main_body(c);
  ASSERT_EQ(b->block.stmts.len, 1u);
  EXPECT_EQ(b->block.stmts.data[0]->expr.expr->kind, EX_IF);
  EXPECT_EQ(b->block.value->kind, EX_INT);
  EXPECT_EQ(b->block.value->i.value, -1);
}

TEST(Parse, BlockVersusMapLiteral) {
  Compiled c;
  compile(c, "sub main() { $a = {}; $b = {:}; $c = {1: 2}; $d = { $x: Int = 1; $x } }",
          false);
  StmtList &st = main_body(c)->block.stmts;
  ASSERT_EQ(st.len, 4u);
  EXPECT_EQ(st.data[0]->let.value->kind, EX_BLOCK);
  EXPECT_EQ(st.data[1]->let.value->kind, EX_MAP);
  EXPECT_EQ(st.data[2]->let.value->kind, EX_MAP);
  EXPECT_EQ(st.data[3]->let.value->kind, EX_BLOCK);
  EXPECT_EQ(c.diags, "");
}

TEST(Parse, RecordLiteralOnlyWithFieldColon) {
  Compiled c;
  compile(c, "sub main() { if $c == Red { 1 }; $p = Point { x: 1 } }", false);
  StmtList &st = main_body(c)->block.stmts;
  EXPECT_EQ(st.data[0]->expr.expr->kind, EX_IF);
  EXPECT_EQ(st.data[1]->let.value->kind, EX_RECORD);
}

TEST(Parse, RecoversAndReportsSeveralErrors) {
  Compiled c;
  compile(c, "sub main() {\n print(1 +)\n print(2 *)\n}\nsub f( { }\n", false);
  EXPECT_NE(c.diags.find("t.guji:2:11: error: expected an expression"),
            std::string::npos) << c.diags;
  EXPECT_NE(c.diags.find("t.guji:3:11: error: expected an expression"),
            std::string::npos) << c.diags;
  EXPECT_NE(c.diags.find("t.guji:5:8: error:"), std::string::npos) << c.diags;
}

TEST(Parse, FullGrammarParses) {
  // Later issues implement these; the parser already accepts them (§22).
  Compiled c;
  compile(c,
          "use util.{parse, Token}\n"
          "type Shape = Circle(Float) | Rect(Float, Float) | Empty\n"
          "type Point = { x: Float, y: Float }\n"
          "type Tree[T] = Leaf | Node(Tree[T], T, Tree[T])\n"
          "extern \"m\" { sub cbrt($x: Float): Float }\n"
          "test \"adds\" { assert(1 + 1 == 2) }\n"
          "sub first[T]($xs: List[T]): Option[T] { match $xs { [] => None, "
          "[$h, ..] => Some($h) } }\n"
          "sub main() {\n"
          "  $q = $p with { y: 5.0 }\n"
          "  $f = sub($x) { $x * 2 }\n"
          "  $t = hatch { fib(30) }\n"
          "  select { $v = $in.recv() { print($v) } else { print(0) } }\n"
          "  if $line =~ /^(?<k>\\w+)$/i { print($k) }\n"
          "  ($a, $b) = pair()\n"
          "  for ($i, $x) in $xs.enumerate() { }\n"
          "  $c: Chan[Int] = channel[Int](8)\n"
          "  $m = match $s { Circle($r) if $r > 0.0 => 1, Rect(_, _) | Empty => 2 }\n"
          "  $r = parse($s)?.x\n"
          "}\n",
          false);
  EXPECT_EQ(c.diags, "");
  EXPECT_EQ(c.m->items.len, 8u);
}

TEST(Sema, PlainAssignDeclaresOrReassigns) {
  Compiled c;
  compile(c, "sub main() { mut $x = 1\n $x = 2\n $y = 3 }");
  EXPECT_EQ(c.diags, "");
  StmtList &st = main_body(c)->block.stmts;
  EXPECT_FALSE(st.data[0]->let.reassign);
  EXPECT_TRUE(st.data[1]->let.reassign);
  EXPECT_FALSE(st.data[2]->let.reassign);
  EXPECT_EQ(st.data[0]->let.pat->binding, st.data[1]->let.pat->binding);
}

TEST(Sema, PatternBindingsMayShadow) {
  Compiled c;
  compile(c, "sub main() { $i = 10\n for $i in 0..3 { print($i) }\n print($i) }");
  EXPECT_EQ(c.diags, "");
}

TEST(Sema, ConstsOrderedByDependency) {
  Compiled c;
  compile(c, "const A: Int = B + C\nconst B: Int = C\nconst C: Int = 1\n"
             "sub main() { print(A) }");
  ASSERT_EQ(c.diags, "");
  ASSERT_EQ(c.p->consts.len, 3u);
  EXPECT_STREQ(c.p->consts.data[0]->name, "C");
  EXPECT_STREQ(c.p->consts.data[1]->name, "B");
  EXPECT_STREQ(c.p->consts.data[2]->name, "A");
}

TEST(Sema, NeverFitsAnyType) {
  Compiled c;
  compile(c, "sub f($x: Int): Int { if $x > 0 { return 1 } else { panic(\"no\") } }\n"
             "sub main() { print(f(1)) }");
  EXPECT_EQ(c.diags, "");
}

TEST(Sema, TypesOfExpressions) {
  Compiled c;
  compile(c, "sub main() { $a = 1.5.floor(); $b = 'x'.code(); $c = \"$a\" }");
  ASSERT_EQ(c.diags, "");
  StmtList &st = main_body(c)->block.stmts;
  EXPECT_EQ(st.data[0]->let.value->ty, &ty_float);
  EXPECT_EQ(st.data[1]->let.value->ty, &ty_int);
  EXPECT_EQ(st.data[2]->let.value->ty, &ty_str);
}

// §3: Sema checks the modules reachable through `use` as one program;
// the driver's loader sets each use's target, done by hand here.
Module *parse_as(Session *s, const char *path, const char *src) {
  return parse_module(s, src_add(s->sm, path, src, strlen(src)));
}

void point_use(Module *m, Module *target) {
  for (size_t i = 0; i < m->items.len; i++)
    if (m->items.data[i]->kind == ITEM_USE)
      m->items.data[i]->use.target = target;
}

TEST(Sema, ModulesThatUseEachOther) {
  Session *s = session_new();
  Module *a = parse_as(s, "a.guji",
                       "use b\nsub main() { print(b.f(1)) }\n"
                       "sub h(): Int { 2 }");
  Module *b = parse_as(s, "b.guji",
                       "use a.{h}\nsub f($x: Int): Int { $x + h() + a.h() }");
  point_use(a, b);
  point_use(b, a);
  Program *p = sema_check(s, a);
  char *d = diag_render_to_string(s->diag);
  EXPECT_STREQ(d, "");
  free(d);
  ASSERT_EQ(p->modules.len, 2u);
  EXPECT_EQ(p->modules.data[0], a);
  EXPECT_EQ(p->modules.data[1], b);
  ASSERT_EQ(p->subs.len, 3u);
  EXPECT_EQ(p->subs.data[2]->module, b);  // f
  session_free(s);
}

TEST(Sema, UseWithoutTargetIsNotFound) {
  Compiled c;
  compile(c, "use util\nsub main() {}");
  EXPECT_NE(c.diags.find("t.guji:1:5: error: module util not found"),
            std::string::npos) << c.diags;
}

TEST(Frontend, ProducesVerifiedGir) {
  Session *s = session_new();
  const char *src = "sub main(): Int { mut $s = 0\n for $i in 0..10 { $s += $i }\n $s }";
  SrcFile *f = src_add(s->sm, "t.guji", src, strlen(src));
  GirModule *m = drv_frontend(s, f, nullptr);
  ASSERT_NE(m, nullptr);
  EXPECT_TRUE(m->main_returns_int);
  EXPECT_TRUE(gir_verify_module(m, stderr));
  session_free(s);
}

}  // namespace
