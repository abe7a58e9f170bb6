/* lower.c — typed AST → GIR (see Lower.h).
 *
 * The lowering walks each sub body once with a GirBuilder. Two ideas carry
 * it:
 *
 *  1. `mut` bindings are SSA values that change. `vals[binding id]` is the
 *     binding's current GIR value; an assignment just replaces it. Every
 *     control-flow merge (after `if`, `&&`, loop headers and exits) is a
 *     Join: a block whose parameters are the construct's result (if any)
 *     followed by every `mut` binding visible when the construct began
 *     (the stack `muts`, whose length is recorded in the Join). Jumping to
 *     a Join passes the current values; entering it rebinds the muts to the
 *     block's parameters. Bindings declared inside a branch are out of
 *     scope at the merge, so they never need threading. Joins are created
 *     lazily, on the first jump, so code after a merge that nothing reaches
 *     (both branches returned) is never emitted.
 *
 *  2. Tail position. lower_tail(e) lowers `e` as the value the sub returns:
 *     an `if` returns from each branch, a block's last expression is in
 *     tail position, and a call ends in `call; ret`, which the tail-call
 *     pass marks and CodeGen turns into a guaranteed tail call (§8).
 *
 * No reference counting here: pass_rc inserts every inc and dec.
 */
#include <stdlib.h>
#include <string.h>

#include "guji/Lower.h"

typedef struct Join {
  GirBlock *block;          /* NULL until the first jump */
  const GirType *result;    /* NULL: no result value */
  size_t nmuts;             /* muts[0..nmuts) are threaded */
  const char *label;
} Join;

typedef struct Loop {
  Join *brk;                /* break target */
  Join *cont;               /* continue target */
  struct Loop *outer;
} Loop;

typedef struct Lower {
  Session *s;
  Program *prog;
  GirModule *m;
  GirBuilder g;
  GirValue *vals;           /* by Binding id */
  VEC(Binding *) muts;      /* visible mut bindings, innermost last */
  Loop *loop;
  Type *fn_ret;
} Lower;

static const GirType *gty(const Type *t) {
  switch (t->kind) {
  case TY_INT: return &gir_t_int;
  case TY_FLOAT: return &gir_t_float;
  case TY_BOOL: return &gir_t_bool;
  case TY_CHAR: return &gir_t_char;
  case TY_STR: return &gir_t_str;
  case TY_UNIT: case TY_NEVER: case TY_ERROR: case TY_RANGE:
    return &gir_t_unit;
  }
  return &gir_t_unit;
}

static bool dead(Lower *L) { return gir_is_terminated(&L->g); }

static GirValue lower_expr(Lower *L, Expr *e);
static void lower_tail(Lower *L, Expr *e);

/* ---- joins -------------------------------------------------------------- */

static void join_init(Lower *L, Join *j, const GirType *result,
                      const char *label) {
  j->block = NULL;
  j->result = (result && result->kind != GIR_T_UNIT) ? result : NULL;
  j->nmuts = L->muts.len;
  j->label = label;
}

static GirBlock *join_block(Lower *L, Join *j) {
  if (j->block) return j->block;
  j->block = gir_block_new(L->m, L->g.f, j->label);
  if (j->result) gir_block_add_param(L->m, L->g.f, j->block, j->result);
  for (size_t i = 0; i < j->nmuts; i++) {
    Binding *b = L->muts.data[i];
    if (gty(b->ty)->kind == GIR_T_UNIT) continue;
    GirValue p = gir_block_add_param(L->m, L->g.f, j->block, gty(b->ty));
    gir_value_set_dbg(L->g.f, p, b->name, b->span);
  }
  return j->block;
}

static void join_jump(Lower *L, Join *j, GirValue result, Span sp) {
  if (dead(L)) return;
  GirBlock *b = join_block(L, j);
  GirValue args[64];
  GirValue *a = j->nmuts + 1 <= 64 ? args
                : ARENA_ARRAY(L->s->arena, GirValue, j->nmuts + 1);
  uint32_t n = 0;
  if (j->result) a[n++] = result;
  for (size_t i = 0; i < j->nmuts; i++) {
    Binding *b2 = L->muts.data[i];
    GirValue v = L->vals[b2->id];
    if (gty(b2->ty)->kind == GIR_T_UNIT) continue;
    a[n++] = v;
  }
  gir_jmp(&L->g, b, a, n, sp);
}

/* Continues in the join; returns its result parameter. */
static GirValue join_enter(Lower *L, Join *j) {
  if (!j->block) {
    L->g.b = NULL; /* nothing reaches here */
    return GIR_NO_VALUE;
  }
  gir_set_block(&L->g, j->block);
  size_t k = 0;
  GirValue result = GIR_NO_VALUE;
  if (j->result) result = j->block->params.data[k++];
  for (size_t i = 0; i < j->nmuts; i++) {
    Binding *b = L->muts.data[i];
    if (gty(b->ty)->kind == GIR_T_UNIT) continue;
    L->vals[b->id] = j->block->params.data[k++];
  }
  return result;
}

/* ---- helpers ------------------------------------------------------------- */

static GirValue rt(Lower *L, GirRtId id, Span sp, int n, ...) {
  GirValue args[8];
  va_list ap;
  va_start(ap, n);
  for (int i = 0; i < n; i++) args[i] = va_arg(ap, GirValue);
  va_end(ap);
  return gir_call_rt(&L->g, id, args, (uint32_t)n, sp);
}

static void bind_value(Lower *L, Binding *b, GirValue v) {
  L->vals[b->id] = v;
  if (v != GIR_NO_VALUE && L->g.f) gir_value_set_dbg(L->g.f, v, b->name, b->span);
}

static void declare_binding(Lower *L, Binding *b, GirValue v) {
  bind_value(L, b, v);
  if (b->is_mut) VEC_PUSH(L->s->arena, L->muts, b);
}

/* The current values of the visible muts, to start each branch of a
 * construct from the same state (a branch's assignments must not leak into
 * its sibling). */
typedef struct Snapshot {
  GirValue *vals;
  size_t n;
} Snapshot;

static Snapshot snapshot(Lower *L) {
  Snapshot sn = {ARENA_ARRAY(L->s->arena, GirValue, L->muts.len + 1),
                 L->muts.len};
  for (size_t i = 0; i < sn.n; i++) sn.vals[i] = L->vals[L->muts.data[i]->id];
  return sn;
}

static void restore(Lower *L, Snapshot sn) {
  for (size_t i = 0; i < sn.n; i++) L->vals[L->muts.data[i]->id] = sn.vals[i];
}

/* ---- strings ------------------------------------------------------------- */

static GirRtId append_for(const Type *t) {
  switch (t->kind) {
  case TY_INT: return GIR_RT_STR_APPEND_INT;
  case TY_FLOAT: return GIR_RT_STR_APPEND_FLOAT;
  case TY_BOOL: return GIR_RT_STR_APPEND_BOOL;
  case TY_CHAR: return GIR_RT_STR_APPEND_CHAR;
  case TY_STR: return GIR_RT_STR_APPEND_STR;
  default: return GIR_RT_STR_APPEND_UNIT;
  }
}

static GirValue lower_str(Lower *L, Expr *e) {
  size_t nexpr = 0, lit_len = 0;
  for (size_t i = 0; i < e->str.segs.len; i++) {
    if (e->str.segs.data[i].is_expr) nexpr++;
    else lit_len += e->str.segs.data[i].len;
  }
  if (nexpr == 0) {
    StrBuf b;
    sb_init(&b);
    for (size_t i = 0; i < e->str.segs.len; i++)
      sb_put(&b, e->str.segs.data[i].text, e->str.segs.data[i].len);
    char *text = arena_strndup(L->s->arena, b.data ? b.data : "", b.len);
    size_t len = b.len;
    sb_free(&b);
    return gir_const_str(&L->g, text, len, e->span);
  }
  GirValue cap = gir_const_int(&L->g, (int64_t)(lit_len + 16 * nexpr), e->span);
  GirValue acc = rt(L, GIR_RT_STR_WITH_CAP, e->span, 1, cap);
  for (size_t i = 0; i < e->str.segs.len && !dead(L); i++) {
    StrSeg *seg = &e->str.segs.data[i];
    if (!seg->is_expr) {
      if (seg->len == 0) continue;
      GirValue lit = gir_const_str(&L->g, seg->text, seg->len, seg->span);
      acc = rt(L, GIR_RT_STR_APPEND_STR, seg->span, 2, acc, lit);
      continue;
    }
    GirValue v = lower_expr(L, seg->expr);
    if (dead(L)) break;
    GirRtId id = append_for(seg->expr->ty);
    if (id == GIR_RT_STR_APPEND_UNIT) acc = rt(L, id, seg->span, 1, acc);
    else acc = rt(L, id, seg->span, 2, acc, v);
  }
  return acc;
}

/* ---- operators ----------------------------------------------------------- */

static GirValue lower_short_circuit(Lower *L, Expr *e) {
  bool is_and = e->bin.op == TOK_ANDAND;
  GirValue l = lower_expr(L, e->bin.lhs);
  if (dead(L)) return GIR_NO_VALUE;
  Join j;
  join_init(L, &j, &gir_t_bool, is_and ? "and.end" : "or.end");
  GirBlock *rhs_b = gir_block_new(L->m, L->g.f, is_and ? "and.rhs" : "or.rhs");
  GirBlock *short_b = gir_block_new(L->m, L->g.f, is_and ? "and.false" : "or.true");
  if (is_and) gir_br(&L->g, l, rhs_b, short_b, e->span);
  else gir_br(&L->g, l, short_b, rhs_b, e->span);
  Snapshot before = snapshot(L);
  gir_set_block(&L->g, short_b);
  join_jump(L, &j, gir_const_bool(&L->g, !is_and, e->span), e->span);
  restore(L, before);
  gir_set_block(&L->g, rhs_b);
  GirValue r = lower_expr(L, e->bin.rhs);
  join_jump(L, &j, r, e->span);
  return join_enter(L, &j);
}

static GirValue lower_compare(Lower *L, TokKind op, const Type *t, GirValue l,
                              GirValue r, Span sp) {
  if (t->kind == TY_UNIT)
    return gir_const_bool(&L->g, op == TOK_EQ || op == TOK_LE || op == TOK_GE,
                          sp);
  if (t->kind == TY_STR) {
    if (op == TOK_EQ || op == TOK_NE) {
      GirValue eq = rt(L, GIR_RT_STR_EQ, sp, 2, l, r);
      return op == TOK_EQ ? eq : gir_op1(&L->g, GIR_OP_BNOT, &gir_t_bool, eq, sp);
    }
    GirValue c = rt(L, GIR_RT_STR_CMP, sp, 2, l, r);
    l = c;
    r = gir_const_int(&L->g, 0, sp);
    t = &ty_int;
  }
  bool fl = t->kind == TY_FLOAT;
  GirOp o;
  switch (op) {
  case TOK_EQ: o = fl ? GIR_OP_FEQ : GIR_OP_IEQ; break;
  case TOK_NE: o = fl ? GIR_OP_FNE : GIR_OP_INE; break;
  case TOK_LT: o = fl ? GIR_OP_FLT : GIR_OP_ILT; break;
  case TOK_LE: o = fl ? GIR_OP_FLE : GIR_OP_ILE; break;
  case TOK_GT: o = fl ? GIR_OP_FGT : GIR_OP_IGT; break;
  default: o = fl ? GIR_OP_FGE : GIR_OP_IGE; break;
  }
  return gir_op2(&L->g, o, &gir_t_bool, l, r, sp);
}

/* Int/Float arithmetic and bit operators, and Str ++. */
static GirValue lower_arith(Lower *L, TokKind op, const Type *t, GirValue l,
                            GirValue r, Span sp) {
  if (op == TOK_PLUSPLUS) return rt(L, GIR_RT_STR_CONCAT, sp, 2, l, r);
  bool fl = t->kind == TY_FLOAT;
  GirOp o;
  switch (op) {
  case TOK_PLUS: o = fl ? GIR_OP_FADD : GIR_OP_IADD; break;
  case TOK_MINUS: o = fl ? GIR_OP_FSUB : GIR_OP_ISUB; break;
  case TOK_STAR: o = fl ? GIR_OP_FMUL : GIR_OP_IMUL; break;
  case TOK_SLASH: o = fl ? GIR_OP_FDIV : GIR_OP_IDIV; break;
  case TOK_PERCENT: o = fl ? GIR_OP_FREM : GIR_OP_IREM; break;
  case TOK_AMP: o = GIR_OP_IAND; break;
  case TOK_PIPE: o = GIR_OP_IOR; break;
  case TOK_CARET: o = GIR_OP_IXOR; break;
  case TOK_SHL: o = GIR_OP_ISHL; break;
  case TOK_SHR: o = GIR_OP_ISHR; break;
  default: GJ_UNREACHABLE("arithmetic operator");
  }
  return gir_op2(&L->g, o, gty(t), l, r, sp);
}

static GirValue lower_binary(Lower *L, Expr *e) {
  TokKind op = e->bin.op;
  if (op == TOK_ANDAND || op == TOK_OROR) return lower_short_circuit(L, e);
  GirValue l = lower_expr(L, e->bin.lhs);
  if (dead(L)) return GIR_NO_VALUE;
  GirValue r = lower_expr(L, e->bin.rhs);
  if (dead(L)) return GIR_NO_VALUE;
  switch (op) {
  case TOK_EQ: case TOK_NE: case TOK_LT: case TOK_LE: case TOK_GT: case TOK_GE:
    return lower_compare(L, op, e->bin.lhs->ty, l, r, e->span);
  default:
    return lower_arith(L, op, e->ty, l, r, e->span);
  }
}

static GirValue lower_unary(Lower *L, Expr *e) {
  GirValue v = lower_expr(L, e->un.operand);
  if (dead(L)) return GIR_NO_VALUE;
  switch (e->un.op) {
  case TOK_MINUS:
    return gir_op1(&L->g, e->ty->kind == TY_FLOAT ? GIR_OP_FNEG : GIR_OP_INEG,
                   gty(e->ty), v, e->span);
  case TOK_BANG: return gir_op1(&L->g, GIR_OP_BNOT, &gir_t_bool, v, e->span);
  default: return gir_op1(&L->g, GIR_OP_INOT, &gir_t_int, v, e->span);
  }
}

/* ---- calls --------------------------------------------------------------- */

static GirValue write_value(Lower *L, const Type *t, GirValue v, int64_t flags,
                            Span sp) {
  GirValue f = gir_const_int(&L->g, flags, sp);
  switch (t->kind) {
  case TY_INT: return rt(L, GIR_RT_WRITE_INT, sp, 2, v, f);
  case TY_FLOAT: return rt(L, GIR_RT_WRITE_FLOAT, sp, 2, v, f);
  case TY_BOOL: return rt(L, GIR_RT_WRITE_BOOL, sp, 2, v, f);
  case TY_CHAR: return rt(L, GIR_RT_WRITE_CHAR, sp, 2, v, f);
  case TY_STR: return rt(L, GIR_RT_WRITE_STR, sp, 2, v, f);
  default: return rt(L, GIR_RT_WRITE_UNIT, sp, 1, f);
  }
}

static GirValue lower_assert(Lower *L, Expr *e) {
  ExprList *args = &e->call.args;
  GirValue c = lower_expr(L, args->data[0]);
  if (dead(L)) return GIR_NO_VALUE;
  GirBlock *ok = gir_block_new(L->m, L->g.f, "assert.ok");
  GirBlock *fail = gir_block_new(L->m, L->g.f, "assert.fail");
  gir_br(&L->g, c, ok, fail, e->span);
  Snapshot before = snapshot(L);
  gir_set_block(&L->g, fail);
  if (args->len == 2) {
    GirValue msg = lower_expr(L, args->data[1]);
    if (!dead(L)) rt(L, GIR_RT_ASSERT_FAIL_MSG, e->span, 1, msg);
  } else {
    rt(L, GIR_RT_ASSERT_FAIL, e->span, 0);
  }
  gir_unreachable(&L->g, e->span);
  restore(L, before);
  gir_set_block(&L->g, ok);
  return GIR_NO_VALUE;
}

static GirValue lower_builtin_call(Lower *L, Expr *e) {
  ExprList *args = &e->call.args;
  switch (e->call.builtin) {
  case BI_PRINT: case BI_WRITE: case BI_EPRINT: {
    GirValue v = lower_expr(L, args->data[0]);
    if (dead(L)) return GIR_NO_VALUE;
    int64_t flags = e->call.builtin == BI_PRINT ? 1
                  : e->call.builtin == BI_EPRINT ? 3 : 0;
    write_value(L, args->data[0]->ty, v, flags, e->span);
    return GIR_NO_VALUE;
  }
  case BI_ASSERT:
    return lower_assert(L, e);
  case BI_PANIC: {
    GirValue msg = lower_expr(L, args->data[0]);
    if (dead(L)) return GIR_NO_VALUE;
    rt(L, GIR_RT_PANIC, e->span, 1, msg);
    gir_unreachable(&L->g, e->span);
    return GIR_NO_VALUE;
  }
  default:
    GJ_UNREACHABLE("builtin call");
  }
}

static GirValue lower_sub_call(Lower *L, Symbol *sym, Expr *recv,
                               ExprList *args, Span sp) {
  size_t n = args->len + (recv ? 1 : 0);
  GirValue *vs = ARENA_ARRAY(L->s->arena, GirValue, n ? n : 1);
  uint32_t k = 0;
  for (size_t i = 0; i < n; i++) {
    Expr *a = recv ? (i == 0 ? recv : args->data[i - 1]) : args->data[i];
    GirValue v = lower_expr(L, a);
    if (dead(L)) return GIR_NO_VALUE;
    if (gty(a->ty)->kind != GIR_T_UNIT) vs[k++] = v;
  }
  return gir_call(&L->g, (GirFunc *)sym->gir, vs, k, sp);
}

static GirValue lower_method(Lower *L, Expr *e) {
  if (e->method.sym)
    return lower_sub_call(L, e->method.sym, e->method.recv, &e->method.args,
                          e->span);
  Expr *recv = e->method.recv;
  GirValue v = lower_expr(L, recv);
  if (dead(L)) return GIR_NO_VALUE;
  GirValue a = GIR_NO_VALUE;
  if (e->method.args.len) {
    a = lower_expr(L, e->method.args.data[0]);
    if (dead(L)) return GIR_NO_VALUE;
  }
  Span sp = e->span;
  GirBuilder *g = &L->g;
  switch (e->method.builtin) {
  case BM_TO_STR:
    switch (recv->ty->kind) {
    case TY_INT: return rt(L, GIR_RT_STR_FROM_INT, sp, 1, v);
    case TY_FLOAT: return rt(L, GIR_RT_STR_FROM_FLOAT, sp, 1, v);
    case TY_BOOL: return rt(L, GIR_RT_STR_FROM_BOOL, sp, 1, v);
    case TY_CHAR: return rt(L, GIR_RT_STR_FROM_CHAR, sp, 1, v);
    case TY_STR: return v;
    default: return gir_const_str(g, "()", 2, sp);
    }
  case BM_INT_TO_FLOAT: return gir_op1(g, GIR_OP_I2F, &gir_t_float, v, sp);
  case BM_INT_ABS: return gir_op1(g, GIR_OP_IABS, &gir_t_int, v, sp);
  case BM_INT_MIN: return gir_op2(g, GIR_OP_IMIN, &gir_t_int, v, a, sp);
  case BM_INT_MAX: return gir_op2(g, GIR_OP_IMAX, &gir_t_int, v, a, sp);
  case BM_FLOAT_TO_INT: return rt(L, GIR_RT_FLOAT_TO_INT, sp, 1, v);
  case BM_FLOAT_ABS: return gir_op1(g, GIR_OP_FABS, &gir_t_float, v, sp);
  case BM_FLOAT_MIN: return gir_op2(g, GIR_OP_FMIN, &gir_t_float, v, a, sp);
  case BM_FLOAT_MAX: return gir_op2(g, GIR_OP_FMAX, &gir_t_float, v, a, sp);
  case BM_FLOAT_ROUND: return gir_op1(g, GIR_OP_FROUND, &gir_t_float, v, sp);
  case BM_FLOAT_FLOOR: return gir_op1(g, GIR_OP_FFLOOR, &gir_t_float, v, sp);
  case BM_FLOAT_CEIL: return gir_op1(g, GIR_OP_FCEIL, &gir_t_float, v, sp);
  case BM_CHAR_CODE: return gir_op1(g, GIR_OP_C2I, &gir_t_int, v, sp);
  case BM_STR_LEN: return rt(L, GIR_RT_STR_LEN, sp, 1, v);
  case BM_STR_IS_EMPTY: {
    GirValue n = rt(L, GIR_RT_STR_LEN, sp, 1, v);
    return gir_op2(g, GIR_OP_IEQ, &gir_t_bool, n, gir_const_int(g, 0, sp), sp);
  }
  default:
    GJ_UNREACHABLE("builtin method");
  }
}

/* ---- control flow --------------------------------------------------------- */

static GirValue lower_block_stmts(Lower *L, Expr *e);

static GirValue lower_if(Lower *L, Expr *e) {
  GirValue c = lower_expr(L, e->if_.cond);
  if (dead(L)) return GIR_NO_VALUE;
  bool has_value = e->if_.else_ && gty(e->ty)->kind != GIR_T_UNIT;
  Join j;
  join_init(L, &j, has_value ? gty(e->ty) : NULL, "if.end");
  GirBlock *tb = gir_block_new(L->m, L->g.f, "then");
  GirBlock *fb = gir_block_new(L->m, L->g.f, "else");
  gir_br(&L->g, c, tb, fb, e->span);
  Snapshot before = snapshot(L);
  gir_set_block(&L->g, tb);
  GirValue tv = lower_expr(L, e->if_.then_);
  join_jump(L, &j, tv, e->if_.then_->span);
  restore(L, before);
  gir_set_block(&L->g, fb);
  GirValue fv = GIR_NO_VALUE;
  if (e->if_.else_) fv = lower_expr(L, e->if_.else_);
  join_jump(L, &j, fv, e->if_.else_ ? e->if_.else_->span : e->span);
  return join_enter(L, &j);
}

static void lower_loop_body(Lower *L, Expr *body, Join *brk, Join *cont) {
  Loop lp = {.brk = brk, .cont = cont, .outer = L->loop};
  L->loop = &lp;
  lower_expr(L, body);
  L->loop = lp.outer;
}

/* while cond { body }:
 *   jmp head(muts) ; head(muts): br cond, body, exit ; body: … jmp head */
static GirValue lower_while(Lower *L, Expr *e) {
  Join head, exit;
  join_init(L, &head, NULL, "while.head");
  join_init(L, &exit, NULL, "while.end");
  join_jump(L, &head, GIR_NO_VALUE, e->span);
  join_enter(L, &head);
  GirValue c = lower_expr(L, e->while_.cond);
  if (!dead(L)) {
    GirBlock *body = gir_block_new(L->m, L->g.f, "while.body");
    GirBlock *out = gir_block_new(L->m, L->g.f, "while.exit");
    gir_br(&L->g, c, body, out, e->span);
    gir_set_block(&L->g, out);
    join_jump(L, &exit, GIR_NO_VALUE, e->span);
    gir_set_block(&L->g, body);
    lower_loop_body(L, e->while_.body, &exit, &head);
    join_jump(L, &head, GIR_NO_VALUE, e->span);
  }
  return join_enter(L, &exit);
}

/* for $i in lo..hi { body } (and lo..=hi, which stops at hi without ever
 * computing hi + 1, so 0..=MAX cannot overflow):
 *   jmp head(lo, muts); head(i, muts): br i < hi, body, exit
 *   body: … jmp next(muts); next(muts): jmp head(i + 1, muts) */
static GirValue lower_for(Lower *L, Expr *e) {
  Expr *range = e->for_.iter;
  bool inclusive = range->bin.op == TOK_DOTDOTEQ;
  GirValue lo = lower_expr(L, range->bin.lhs);
  if (dead(L)) return GIR_NO_VALUE;
  GirValue hi = lower_expr(L, range->bin.rhs);
  if (dead(L)) return GIR_NO_VALUE;
  Span sp = e->span;
  Join head, next, exit;
  join_init(L, &head, &gir_t_int, "for.head");
  join_init(L, &exit, NULL, "for.end");
  join_jump(L, &head, lo, sp);
  GirValue i = join_enter(L, &head);
  join_init(L, &next, NULL, "for.next");
  GirValue more = gir_op2(&L->g, inclusive ? GIR_OP_ILE : GIR_OP_ILT,
                          &gir_t_bool, i, hi, sp);
  GirBlock *body = gir_block_new(L->m, L->g.f, "for.body");
  GirBlock *out = gir_block_new(L->m, L->g.f, "for.exit");
  gir_br(&L->g, more, body, out, sp);
  gir_set_block(&L->g, out);
  join_jump(L, &exit, GIR_NO_VALUE, sp);
  gir_set_block(&L->g, body);
  size_t nmuts = L->muts.len;
  Pattern *pt = e->for_.pat;
  if (pt->kind == PAT_BIND) bind_value(L, pt->binding, i);
  lower_loop_body(L, e->for_.body, &exit, &next);
  L->muts.len = nmuts;
  join_jump(L, &next, GIR_NO_VALUE, sp);
  if (next.block) {
    join_enter(L, &next);
    if (inclusive) {
      GirValue last = gir_op2(&L->g, GIR_OP_IEQ, &gir_t_bool, i, hi, sp);
      GirBlock *stop = gir_block_new(L->m, L->g.f, "for.last");
      GirBlock *step = gir_block_new(L->m, L->g.f, "for.step");
      gir_br(&L->g, last, stop, step, sp);
      gir_set_block(&L->g, stop);
      join_jump(L, &exit, GIR_NO_VALUE, sp);
      gir_set_block(&L->g, step);
    }
    GirValue one = gir_const_int(&L->g, 1, sp);
    GirValue i1 = gir_op2(&L->g, GIR_OP_IADD, &gir_t_int, i, one, sp);
    join_jump(L, &head, i1, sp);
  }
  return join_enter(L, &exit);
}

static GirValue lower_expr(Lower *L, Expr *e) {
  if (dead(L)) return GIR_NO_VALUE;
  GirBuilder *g = &L->g;
  switch (e->kind) {
  case EX_INT: return gir_const_int(g, e->i.value, e->span);
  case EX_FLOAT: return gir_const_float(g, e->f.value, e->span);
  case EX_BOOL: return gir_const_bool(g, e->b.value, e->span);
  case EX_CHAR: return gir_const_char(g, e->ch.value, e->span);
  case EX_UNIT: return GIR_NO_VALUE;
  case EX_STR: return lower_str(L, e);
  case EX_BINDING: return L->vals[e->bind.binding->id];
  case EX_NAME:
    if (!e->name.sym->gir) return GIR_NO_VALUE; /* a Unit const */
    return gir_global_get(g, (GirGlobal *)e->name.sym->gir, e->span);
  case EX_UNARY: return lower_unary(L, e);
  case EX_BINARY: return lower_binary(L, e);
  case EX_CALL:
    if (e->call.builtin != BI_NONE) return lower_builtin_call(L, e);
    return lower_sub_call(L, e->call.sym, NULL, &e->call.args, e->span);
  case EX_METHOD: return lower_method(L, e);
  case EX_BLOCK: return lower_block_stmts(L, e);
  case EX_IF: return lower_if(L, e);
  case EX_WHILE: return lower_while(L, e);
  case EX_FOR: return lower_for(L, e);
  case EX_RETURN:
    if (e->ret.value) lower_tail(L, e->ret.value);
    else gir_ret(g, GIR_NO_VALUE, e->span);
    return GIR_NO_VALUE;
  case EX_BREAK:
    join_jump(L, L->loop->brk, GIR_NO_VALUE, e->span);
    return GIR_NO_VALUE;
  case EX_CONTINUE:
    join_jump(L, L->loop->cont, GIR_NO_VALUE, e->span);
    return GIR_NO_VALUE;
  default:
    GJ_UNREACHABLE("expression kind not accepted by Sema");
  }
}

static void lower_stmt(Lower *L, Stmt *st) {
  switch (st->kind) {
  case ST_EXPR:
    lower_expr(L, st->expr.expr);
    return;
  case ST_LET: {
    GirValue v = lower_expr(L, st->let.value);
    if (dead(L)) return;
    Pattern *pt = st->let.pat;
    if (pt->kind != PAT_BIND) return; /* `$_ = e`: evaluated, dropped */
    if (st->let.reassign) bind_value(L, pt->binding, v);
    else declare_binding(L, pt->binding, v);
    return;
  }
  case ST_ASSIGN_OP: {
    Binding *b = st->assign.binding;
    GirValue r = lower_expr(L, st->assign.value);
    if (dead(L)) return;
    TokKind op;
    switch (st->assign.op) {
    case TOK_PLUSEQ: op = TOK_PLUS; break;
    case TOK_MINUSEQ: op = TOK_MINUS; break;
    case TOK_STAREQ: op = TOK_STAR; break;
    case TOK_SLASHEQ: op = TOK_SLASH; break;
    case TOK_PERCENTEQ: op = TOK_PERCENT; break;
    default: op = TOK_PLUSPLUS; break;
    }
    GirValue nv = lower_arith(L, op, b->ty, L->vals[b->id], r, st->span);
    bind_value(L, b, nv);
    return;
  }
  }
}

/* Lowers a block's statements and returns its value; the block's `mut`
 * bindings go out of scope at its end. */
static GirValue lower_block_stmts(Lower *L, Expr *e) {
  size_t nmuts = L->muts.len;
  for (size_t i = 0; i < e->block.stmts.len && !dead(L); i++)
    lower_stmt(L, e->block.stmts.data[i]);
  GirValue v = GIR_NO_VALUE;
  if (e->block.value) v = lower_expr(L, e->block.value);
  L->muts.len = nmuts;
  return v;
}

/* ---- tail position (§8) ----------------------------------------------------- */

static void emit_ret(Lower *L, const Type *t, GirValue v, Span sp) {
  if (dead(L)) return;
  bool unit = L->fn_ret->kind == TY_UNIT;
  (void)t;
  gir_ret(&L->g, unit ? GIR_NO_VALUE : v, sp);
}

static void lower_tail(Lower *L, Expr *e) {
  if (dead(L)) return;
  switch (e->kind) {
  case EX_BLOCK: {
    size_t nmuts = L->muts.len;
    for (size_t i = 0; i < e->block.stmts.len && !dead(L); i++)
      lower_stmt(L, e->block.stmts.data[i]);
    if (e->block.value) lower_tail(L, e->block.value);
    else emit_ret(L, &ty_unit, GIR_NO_VALUE, e->span);
    L->muts.len = nmuts;
    return;
  }
  case EX_IF: {
    if (!e->if_.else_) break;
    GirValue c = lower_expr(L, e->if_.cond);
    if (dead(L)) return;
    GirBlock *tb = gir_block_new(L->m, L->g.f, "then");
    GirBlock *fb = gir_block_new(L->m, L->g.f, "else");
    gir_br(&L->g, c, tb, fb, e->span);
    Snapshot before = snapshot(L);
    gir_set_block(&L->g, tb);
    lower_tail(L, e->if_.then_);
    restore(L, before);
    gir_set_block(&L->g, fb);
    lower_tail(L, e->if_.else_);
    L->g.b = NULL;
    return;
  }
  case EX_RETURN: case EX_BREAK: case EX_CONTINUE:
    lower_expr(L, e);
    return;
  default:
    break;
  }
  GirValue v = lower_expr(L, e);
  emit_ret(L, e->ty, v, e->span);
}

/* ---- program ---------------------------------------------------------------- */

static void lower_sub(Lower *L, Symbol *sym) {
  GirFunc *f = sym->gir;
  SubDecl *sd = &sym->item->sub;
  L->g.m = L->m;
  L->g.f = f;
  L->fn_ret = sym->ret;
  L->muts.len = 0;
  L->loop = NULL;
  GirBlock *entry = f->blocks.len ? f->blocks.data[0]
                                  : gir_block_new(L->m, f, "entry");
  gir_set_block(&L->g, entry);
  size_t k = 0;
  for (size_t i = 0; i < sd->params.len; i++) {
    Param *pm = &sd->params.data[i];
    if (gty(sym->params.data[i])->kind == GIR_T_UNIT) {
      L->vals[pm->binding->id] = GIR_NO_VALUE;
      continue;
    }
    bind_value(L, pm->binding, entry->params.data[k++]);
  }
  lower_tail(L, sd->body);
}

static void lower_init(Lower *L) {
  if (!L->prog->consts.len) return;
  GirFunc *f = gir_func_new(L->m, "init", "guji.init", &gir_t_unit, (Span){0});
  L->m->init = f;
  L->g.m = L->m;
  L->g.f = f;
  L->fn_ret = &ty_unit;
  L->muts.len = 0;
  gir_set_block(&L->g, gir_block_new(L->m, f, "entry"));
  for (size_t i = 0; i < L->prog->consts.len && !dead(L); i++) {
    Symbol *c = L->prog->consts.data[i];
    GirValue v = lower_expr(L, c->item->const_.value);
    if (!dead(L) && gty(c->ty)->kind != GIR_T_UNIT)
      gir_global_set(&L->g, c->gir, v, c->item->const_.value->span);
  }
  gir_ret(&L->g, GIR_NO_VALUE, (Span){0});
}

GirModule *lower_program(Session *s, Program *p) {
  Lower L = {.s = s, .prog = p};
  const SrcFile *mf = p->main->file;
  L.m = gir_module_new(s->arena, mf->path);
  L.vals = ARENA_ARRAY(s->arena, GirValue, p->nbindings ? p->nbindings : 1);
  const char *mod = p->main->name;
  for (size_t i = 0; i < p->consts.len; i++) {
    Symbol *c = p->consts.data[i];
    if (gty(c->ty)->kind == GIR_T_UNIT) continue;
    c->gir = gir_global_new(L.m, c->name,
                            arena_printf(s->arena, "%s.%s", mod, c->name),
                            gty(c->ty), c->span);
  }
  for (size_t i = 0; i < p->subs.len; i++) {
    Symbol *sym = p->subs.data[i];
    GirFunc *f = gir_func_new(L.m, sym->name,
                              arena_printf(s->arena, "%s.%s", mod, sym->name),
                              gty(sym->ret), sym->item->span);
    for (size_t j = 0; j < sym->params.len; j++)
      if (gty(sym->params.data[j])->kind != GIR_T_UNIT)
        gir_func_add_param(L.m, f, gty(sym->params.data[j]));
    sym->gir = f;
  }
  for (size_t i = 0; i < p->subs.len; i++) lower_sub(&L, p->subs.data[i]);
  lower_init(&L);
  L.m->main = p->main_sub->gir;
  L.m->main_returns_int = p->main_sub->ret->kind == TY_INT;
  return L.m;
}
