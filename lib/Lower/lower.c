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

#include "guji/FmtSpec.h"
#include "lower_internal.h"

typedef struct Loop {
  Join *brk;                /* break target */
  Join *cont;               /* continue target */
  struct Loop *outer;
} Loop;

/* §11: one instance of a generic sub per list of concrete type arguments
 * (monomorphization; the arguments are interned types, so compared by
 * pointer). */
typedef struct Instance {
  Symbol *sym;
  Type **targs;
  GirFunc *f;
  bool lowered;
} Instance;

/* The GIR type of a Sema type. Object types (tuples, records, sums) are
 * created once per Sema type (interned, so pointer-keyed) and filled after
 * being recorded, so a recursive type refers to itself. A variable still
 * open after inference types a value nothing inhabits (`None` with no
 * other use): it is Unit. */
static const GirType *gty_in(Lower *L, const Type *t);

static const GirType *gty_scalar(const Type *t) {
  switch (t->kind) {
  case TY_INT: return &gir_t_int;
  case TY_FLOAT: return &gir_t_float;
  case TY_BOOL: return &gir_t_bool;
  case TY_CHAR: return &gir_t_char;
  case TY_STR: return &gir_t_str;
  case TY_REGEX: return &gir_t_regex;
  case TY_MATCH: return &gir_t_match;
  default: return &gir_t_unit;
  }
}

/* A Sema type made concrete: the current instance's type arguments put
 * in for its parameters, variables followed. */
static Type *ST(Lower *L, const Type *ct) {
  Type *t = (Type *)ct;
  if (L->nsubst) t = type_subst(L->tc, t, L->subst, L->nsubst);
  /* a variable still open types a value nothing inhabits (a lone None) */
  return type_ground(L->tc, t, &ty_unit);
}

static const GirType *range_type(Lower *L);

static const GirType *gty_in(Lower *L, const Type *ct) {
  Type *t = ST(L, ct);
  if (t->kind == TY_LIST) return gir_type_list(L->m, gty(t->args[0]));
  if (t->kind == TY_MAP)
    return gir_type_map(L->m, gty(t->args[0]), gty(t->args[1]), false);
  if (t->kind == TY_SET) return gir_type_map(L->m, gty(t->args[0]), NULL, true);
  if (t->kind == TY_CHAN) return gir_type_chan(L->m, gty(t->args[0]));
  if (t->kind == TY_TASK) return gir_type_task(L->m, gty(t->args[0]));
  if (t->kind == TY_RANGE) return range_type(L); /* §4 */
  if (t->kind == TY_LINES) return &gir_t_lines; /* §18: a runtime handle */
  if (t->kind == TY_FN) {
    /* Unit parameters have no value, so no place in the GIR signature */
    const GirType *ps[32];
    uint32_t n = 0;
    for (uint32_t i = 0; i + 1 < t->nargs && n < 32; i++)
      if (gty(t->args[i])->kind != GIR_T_UNIT) ps[n++] = gty(t->args[i]);
    return gir_type_fn(L->m, ps, n, gty(t->args[t->nargs - 1]));
  }
  if (t->kind != TY_TUPLE && t->kind != TY_ADT) return gty_scalar(t);
  for (size_t i = 0; i < L->obj_keys.len; i++)
    if (L->obj_keys.data[i] == t) return L->obj_vals.data[i];
  bool is_adt = t->kind == TY_ADT;
  uint32_t nctors = is_adt ? (uint32_t)t->decl->ctors.len : 1;
  GirType *g = gir_type_obj(L->m, type_name(L->tc, t),
                            is_adt && !t->decl->is_record, !is_adt, nctors);
  VEC_PUSH(L->s->arena, L->obj_keys, t);
  VEC_PUSH(L->s->arena, L->obj_vals, g);
  for (uint32_t c = 0; c < nctors; c++) {
    GirCtor *gc = &g->ctors[c];
    CtorDecl *k = is_adt ? t->decl->ctors.data[c] : NULL;
    uint32_t n = is_adt ? (uint32_t)k->fields.len : t->nargs;
    gc->name = is_adt ? k->name : "";
    gc->nfields = n;
    gc->fields = ARENA_ARRAY(L->s->arena, const GirType *, n ? n : 1);
    for (uint32_t i = 0; i < n; i++)
      gc->fields[i] = gty(is_adt ? type_ctor_field(L->tc, t, k, i) : t->args[i]);
    if (is_adt && t->decl->is_record) {
      gc->field_names = ARENA_ARRAY(L->s->arena, const char *, n ? n : 1);
      for (uint32_t i = 0; i < n; i++) gc->field_names[i] = k->field_names.data[i];
    }
  }
  return g;
}

/* gty() of lower_internal.h, for match.c as for this file */
const GirType *lower_gty(Lower *L, const Type *t) { return gty_in(L, t); }

static bool is_unit(Lower *L, Type *t) { return gty(t)->kind == GIR_T_UNIT; }
/* Has its text form, equality and order from derived operations (objects
 * and lists) rather than from scalar ops? */
static bool is_obj(Lower *L, const Type *t) {
  GirTypeKind k = gty(t)->kind;
  return k == GIR_T_OBJ || k == GIR_T_LIST || k == GIR_T_MAP ||
         k == GIR_T_REGEX || k == GIR_T_MATCH;
}

static void branch_on(Lower *L, GirValue cond, GirBlock *fail, Span sp);
static GirValue some(Lower *L, const GirType *t, GirValue x, Span sp);
static GirValue none(Lower *L, const GirType *t, Span sp);

/* ---- helpers ------------------------------------------------------------- */

static GirValue rt(Lower *L, GirRtId id, Span sp, int n, ...) {
  GirValue args[8];
  va_list ap;
  va_start(ap, n);
  for (int i = 0; i < n; i++) args[i] = va_arg(ap, GirValue);
  va_end(ap);
  return gir_call_rt(&L->g, id, args, (uint32_t)n, sp);
}

static void declare_binding(Lower *L, Binding *b, GirValue v) {
  bind_value(L, b, v);
  if (b->is_mut) VEC_PUSH(L->s->arena, L->muts, b);
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

/* §13: `${v:spec}`. Sema has checked the spec; an Int or Float goes to
 * its formatter, anything else is formatted as its text form, built first
 * into its own string exactly as a plain interpolation would append it. */
static GirValue lower_fmt_seg(Lower *L, GirValue acc, GirValue v,
                              StrSeg *seg) {
  FmtSpec f;
  FmtSpecError err;
  if (!fmtspec_parse(seg->spec, strlen(seg->spec), &f, &err))
    GJ_UNREACHABLE("format spec passed Sema but does not parse");
  GirValue spec = gir_const_int(&L->g, fmtspec_pack(&f), seg->spec_span);
  const Type *t = ST(L, seg->expr->ty);
  if (t->kind == TY_INT)
    return rt(L, GIR_RT_STR_APPEND_FMT_INT, seg->span, 3, acc, v, spec);
  if (t->kind == TY_FLOAT)
    return rt(L, GIR_RT_STR_APPEND_FMT_FLOAT, seg->span, 3, acc, v, spec);
  GirValue text;
  if (t->kind == TY_STR) {
    text = v;
  } else {
    text = rt(L, GIR_RT_STR_WITH_CAP, seg->span, 1,
              gir_const_int(&L->g, 16, seg->span));
    if (is_obj(L, seg->expr->ty)) {
      text = gir_append_text(&L->g, text, v, false, seg->span);
    } else {
      GirRtId id = append_for(t);
      if (id == GIR_RT_STR_APPEND_UNIT) text = rt(L, id, seg->span, 1, text);
      else text = rt(L, id, seg->span, 2, text, v);
    }
  }
  return rt(L, GIR_RT_STR_APPEND_FMT_TEXT, seg->span, 3, acc, text, spec);
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
    if (seg->spec) {
      acc = lower_fmt_seg(L, acc, v, seg);
      continue;
    }
    if (is_obj(L, seg->expr->ty)) {
      acc = gir_append_text(&L->g, acc, v, false, seg->span);
      continue;
    }
    GirRtId id = append_for(ST(L, seg->expr->ty));
    if (id == GIR_RT_STR_APPEND_UNIT) acc = rt(L, id, seg->span, 1, acc);
    else acc = rt(L, id, seg->span, 2, acc, v);
  }
  return acc;
}

/* ---- operators ----------------------------------------------------------- */

/* && and ||: branches on the left operand l and leaves the builder in the
 * block where the result is known without the right operand (false for
 * &&, true for ||); returns the block that evaluates the right operand,
 * to be entered, after restore(*before), once the short side is done. */
static GirBlock *short_circuit_split(Lower *L, Expr *e, GirValue l,
                                     Snapshot *before) {
  bool is_and = e->bin.op == TOK_ANDAND;
  GirBlock *rhs_b = gir_block_new(L->m, L->g.f, is_and ? "and.rhs" : "or.rhs");
  GirBlock *short_b = gir_block_new(L->m, L->g.f, is_and ? "and.false" : "or.true");
  if (is_and) gir_br(&L->g, l, rhs_b, short_b, e->span);
  else gir_br(&L->g, l, short_b, rhs_b, e->span);
  *before = snapshot(L);
  gir_set_block(&L->g, short_b);
  return rhs_b;
}

static GirValue lower_short_circuit(Lower *L, Expr *e) {
  bool is_and = e->bin.op == TOK_ANDAND;
  GirValue l = lower_expr(L, e->bin.lhs);
  if (dead(L)) return GIR_NO_VALUE;
  Join j;
  join_init(L, &j, &gir_t_bool, is_and ? "and.end" : "or.end");
  Snapshot before;
  GirBlock *rhs_b = short_circuit_split(L, e, l, &before);
  join_jump(L, &j, gir_const_bool(&L->g, !is_and, e->span), e->span);
  restore(L, before);
  gir_set_block(&L->g, rhs_b);
  GirValue r = lower_expr(L, e->bin.rhs);
  join_jump(L, &j, r, e->span);
  return join_enter(L, &j);
}

static GirValue lower_compare(Lower *L, TokKind op, const Type *t, GirValue l,
                              GirValue r, Span sp) {
  if (is_obj(L, t)) {
    if (op == TOK_EQ || op == TOK_NE) {
      GirValue eq = gir_eq(&L->g, l, r, sp);
      return op == TOK_EQ ? eq : gir_op1(&L->g, GIR_OP_BNOT, &gir_t_bool, eq, sp);
    }
    l = gir_cmp(&L->g, l, r, sp);
    r = gir_const_int(&L->g, 0, sp);
    t = &ty_int;
  }
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
  if (op == TOK_PLUSPLUS && t->kind == TY_LIST)
    return gir_op2(&L->g, GIR_OP_LIST_CONCAT, gty(t), l, r, sp);
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

static GirValue lower_range_value(Lower *L, Expr *e);

static GirValue lower_binary(Lower *L, Expr *e) {
  TokKind op = e->bin.op;
  if (op == TOK_DOTDOT || op == TOK_DOTDOTEQ) return lower_range_value(L, e);
  if (op == TOK_ANDAND || op == TOK_OROR) return lower_short_circuit(L, e);
  GirValue l = lower_expr(L, e->bin.lhs);
  if (dead(L)) return GIR_NO_VALUE;
  GirValue r = lower_expr(L, e->bin.rhs);
  if (dead(L)) return GIR_NO_VALUE;
  switch (op) {
  case TOK_MATCH: return rt(L, GIR_RT_REGEX_TEST, e->span, 2, l, r);
  case TOK_NOMATCH:
    return gir_op1(&L->g, GIR_OP_BNOT, &gir_t_bool,
                   rt(L, GIR_RT_REGEX_TEST, e->span, 2, l, r), e->span);
  case TOK_EQ: case TOK_NE: case TOK_LT: case TOK_LE: case TOK_GT: case TOK_GE:
    return lower_compare(L, op, ST(L, e->bin.lhs->ty), l, r, e->span);
  default:
    return lower_arith(L, op, ST(L, e->ty), l, r, e->span);
  }
}

static GirValue lower_unary(Lower *L, Expr *e) {
  GirValue v = lower_expr(L, e->un.operand);
  if (dead(L)) return GIR_NO_VALUE;
  switch (e->un.op) {
  case TOK_MINUS:
    return gir_op1(&L->g, ST(L, e->ty)->kind == TY_FLOAT ? GIR_OP_FNEG : GIR_OP_INEG,
                   gty(e->ty), v, e->span);
  case TOK_BANG: return gir_op1(&L->g, GIR_OP_BNOT, &gir_t_bool, v, e->span);
  default: return gir_op1(&L->g, GIR_OP_INOT, &gir_t_int, v, e->span);
  }
}

/* ---- calls --------------------------------------------------------------- */

static GirValue write_value(Lower *L, const Type *t, GirValue v, int64_t flags,
                            Span sp) {
  if (is_obj(L, t)) {
    GirValue cap = gir_const_int(&L->g, 32, sp);
    GirValue buf = rt(L, GIR_RT_STR_WITH_CAP, sp, 1, cap);
    v = gir_append_text(&L->g, buf, v, false, sp);
    t = &ty_str;
  }
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

/* The text form of v (of type t) appended to buf; a Str quoted. */
static GirValue append_shown(Lower *L, GirValue buf, const Type *t,
                             GirValue v, Span sp) {
  if (is_obj(L, t)) return gir_append_text(&L->g, buf, v, true, sp);
  GirRtId id = append_for(t);
  if (id == GIR_RT_STR_APPEND_UNIT) return rt(L, id, sp, 1, buf);
  if (t->kind != TY_STR) return rt(L, id, sp, 2, buf, v);
  GirValue q = gir_const_str(&L->g, "\"", 1, sp);
  buf = rt(L, GIR_RT_STR_APPEND_STR, sp, 2, buf, q);
  buf = rt(L, id, sp, 2, buf, v);
  return rt(L, GIR_RT_STR_APPEND_STR, sp, 2, buf, q);
}

/* §20: `assert($a == $b)` (no message) in a test block's body fails with
 * "left: A, right: B", both sides' text forms. Each side is evaluated
 * once; the message is built only on failure. */
static GirValue lower_assert_eq(Lower *L, Expr *e) {
  Expr *cmp = e->call.args.data[0];
  Span sp = cmp->span;
  const Type *t = ST(L, cmp->bin.lhs->ty);
  GirValue l = lower_expr(L, cmp->bin.lhs);
  if (dead(L)) return GIR_NO_VALUE;
  GirValue r = lower_expr(L, cmp->bin.rhs);
  if (dead(L)) return GIR_NO_VALUE;
  GirValue c = lower_compare(L, TOK_EQ, t, l, r, sp);
  GirBlock *ok = gir_block_new(L->m, L->g.f, "assert.ok");
  GirBlock *fail = gir_block_new(L->m, L->g.f, "assert.fail");
  gir_br(&L->g, c, ok, fail, e->span);
  Snapshot before = snapshot(L);
  gir_set_block(&L->g, fail);
  GirValue buf = rt(L, GIR_RT_STR_WITH_CAP, sp, 1, gir_const_int(&L->g, 48, sp));
  buf = rt(L, GIR_RT_STR_APPEND_STR, sp, 2, buf,
           gir_const_str(&L->g, "left: ", 6, sp));
  buf = append_shown(L, buf, t, l, sp);
  buf = rt(L, GIR_RT_STR_APPEND_STR, sp, 2, buf,
           gir_const_str(&L->g, ", right: ", 9, sp));
  buf = append_shown(L, buf, t, r, sp);
  rt(L, GIR_RT_ASSERT_FAIL_MSG, e->span, 1, buf);
  gir_unreachable(&L->g, e->span);
  restore(L, before);
  gir_set_block(&L->g, ok);
  return GIR_NO_VALUE;
}

static GirValue lower_assert(Lower *L, Expr *e) {
  ExprList *args = &e->call.args;
  if (L->in_test && args->len == 1 && args->data[0]->kind == EX_BINARY &&
      args->data[0]->bin.op == TOK_EQ)
    return lower_assert_eq(L, e);
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

static GirValue lower_regex_call(Lower *L, Expr *e);

static GirValue lower_builtin_call(Lower *L, Expr *e) {
  ExprList *args = &e->call.args;
  switch (e->call.builtin) {
  case BI_PRINT: case BI_WRITE: case BI_EPRINT: {
    GirValue v = lower_expr(L, args->data[0]);
    if (dead(L)) return GIR_NO_VALUE;
    int64_t flags = e->call.builtin == BI_PRINT ? 1
                  : e->call.builtin == BI_EPRINT ? 3 : 0;
    write_value(L, ST(L, args->data[0]->ty), v, flags, e->span);
    return GIR_NO_VALUE;
  }
  case BI_ASSERT:
    return lower_assert(L, e);
  case BI_RANGE:
    return lower_range_value(L, e);
  case BI_REGEX: return lower_regex_call(L, e);
  case BI_SET: {
    GirValue l = lower_expr(L, args->data[0]);
    if (dead(L)) return GIR_NO_VALUE;
    const GirType *st = gty(e->ty);
    return gir_map_op(&L->g, GIR_SET_FROM_LIST, st, st, &l, 1, e->span);
  }
  case BI_CHAR: {
    /* a scalar value: 0..=0x10FFFF, not a surrogate (D800..DFFF) */
    GirValue i = lower_expr(L, args->data[0]);
    if (dead(L)) return GIR_NO_VALUE;
    GirBuilder *g = &L->g;
    Span sp = e->span;
    const GirType *ot = gty(e->ty);
    Join j;
    join_init_plain(L, &j, ot, "char.end");
    GirBlock *no = gir_block_new(L->m, L->g.f, "char.none");
    branch_on(L, gir_op2(g, GIR_OP_IGE, &gir_t_bool, i, gir_const_int(g, 0, sp), sp), no, sp);
    branch_on(L, gir_op2(g, GIR_OP_ILE, &gir_t_bool, i, gir_const_int(g, 0x10FFFF, sp), sp), no, sp);
    GirBlock *ok = gir_block_new(L->m, L->g.f, "char.ok");
    GirBlock *upper = gir_block_new(L->m, L->g.f, "char.upper");
    gir_br(g, gir_op2(g, GIR_OP_ILT, &gir_t_bool, i, gir_const_int(g, 0xD800, sp), sp),
           ok, upper, sp);
    gir_set_block(g, upper);
    gir_br(g, gir_op2(g, GIR_OP_IGT, &gir_t_bool, i, gir_const_int(g, 0xDFFF, sp), sp),
           ok, no, sp);
    gir_set_block(g, ok);
    join_jump(L, &j, some(L, ot, rt(L, GIR_RT_CHAR_FROM_INT, sp, 1, i), sp), sp);
    gir_set_block(g, no);
    join_jump(L, &j, none(L, ot, sp), sp);
    return join_enter(L, &j);
  }
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

static GirFunc *declare_func(Lower *L, Symbol *sym, Type **targs,
                             const char *name);

/* The GirFunc a call of `sym` with type arguments `targs` (as Sema wrote
 * them, in terms of the current instance's parameters) goes to. */
static GirFunc *instance_of(Lower *L, Symbol *sym, Type **targs) {
  size_t n = sym->tparams.len;
  if (!n) return sym->gir;
  Type **ct = ARENA_ARRAY(L->s->arena, Type *, n);
  for (size_t i = 0; i < n; i++) {
    ct[i] = ST(L, targs[i]);
  }
  for (size_t i = 0; i < L->instances.len; i++) {
    Instance *in = L->instances.data[i];
    if (in->sym != sym) continue;
    bool same = true;
    for (size_t j = 0; j < n && same; j++) same = in->targs[j] == ct[j];
    if (same) return in->f;
  }
  StrBuf b;
  sb_init(&b);
  sb_printf(&b, "%s[", sym->name);
  for (size_t i = 0; i < n; i++)
    sb_printf(&b, "%s%s", i ? ", " : "", type_name(L->tc, ct[i]));
  sb_putc(&b, ']');
  const char *name = arena_strdup(L->s->arena, sb_cstr(&b));
  sb_free(&b);
  Instance *in = ARENA_NEW(L->s->arena, Instance);
  in->sym = sym;
  in->targs = ct;
  in->f = declare_func(L, sym, ct, name);
  VEC_PUSH(L->s->arena, L->instances, in);
  return in->f;
}

static GirValue lower_sub_call(Lower *L, Symbol *sym, Expr *recv,
                               ExprList *args, Type **targs, Span sp) {
  size_t n = args->len + (recv ? 1 : 0);
  GirValue *vs = ARENA_ARRAY(L->s->arena, GirValue, n ? n : 1);
  uint32_t k = 0;
  for (size_t i = 0; i < n; i++) {
    Expr *a = recv ? (i == 0 ? recv : args->data[i - 1]) : args->data[i];
    GirValue v = lower_expr(L, a);
    if (dead(L)) return GIR_NO_VALUE;
    if (gty(a->ty)->kind != GIR_T_UNIT) vs[k++] = v;
  }
  return gir_call(&L->g, instance_of(L, sym, targs), vs, k, sp);
}

static GirValue lower_option_method(Lower *L, Expr *e, GirValue v);
static GirValue lower_math(Lower *L, Expr *e);
static GirValue lower_str_method(Lower *L, Expr *e, GirValue s);
static GirValue lower_list_method(Lower *L, Expr *e, GirValue v);
static GirValue lower_list_hof(Lower *L, Expr *e, GirValue v);
static GirValue lower_sorted_by(Lower *L, Expr *e, GirValue v);
static GirValue lower_option_hof(Lower *L, Expr *e, GirValue v);
static GirValue lower_map_method(Lower *L, Expr *e, GirValue v);
static GirValue lower_map(Lower *L, Expr *e);
static void some_if(Lower *L, Join *j, GirValue cond, const GirType *ot,
                    Span sp);
static GirValue some_end(Lower *L, Join *j, const GirType *ot, GirValue x,
                         Span sp);
static GirValue lower_chan_method(Lower *L, Expr *e, GirValue c);
static GirValue lower_io(Lower *L, Expr *e);
static GirValue range_step(Lower *L, GirValue r, GirValue n, Span sp);
static GirValue range_rev(Lower *L, GirValue r, Span sp);
static GirValue range_to_list(Lower *L, GirValue r, Span sp);

static GirValue lower_regex_method(Lower *L, Expr *e, GirValue v);
static GirValue call1(Lower *L, GirValue f, GirValue x, Span sp);

static GirValue lower_method(Lower *L, Expr *e) {
  if (e->method.sym)
    return lower_sub_call(L, e->method.sym,
                          e->method.static_call ? NULL : e->method.recv,
                          &e->method.args, e->method.targs, e->span);
  Expr *recv = e->method.recv;
  if (e->method.builtin >= BM_MATH_SQRT && e->method.builtin <= BM_MATH_IS_NAN)
    return lower_math(L, e);
  if (e->method.builtin >= BM_IO_READ_LINE && e->method.builtin <= BM_OS_EXIT &&
      e->method.builtin != BM_LINES_TO_LIST)
    return lower_io(L, e);
  if (e->method.builtin == BM_TIME_NOW_MS || e->method.builtin == BM_TIME_NOW_NS)
    return gir_call_rt(&L->g, e->method.builtin == BM_TIME_NOW_MS
                                  ? GIR_RT_TIME_NOW_MS : GIR_RT_TIME_NOW_NS,
                       NULL, 0, e->span);
  if (e->method.builtin == BM_TIME_SLEEP || e->method.builtin == BM_TIME_AFTER) {
    GirValue ms = lower_expr(L, e->method.args.data[0]);
    if (dead(L)) return GIR_NO_VALUE;
    bool sleep = e->method.builtin == BM_TIME_SLEEP;
    const GirType *t = sleep ? &gir_t_unit : gty(e->ty);
    return gir_task_op(&L->g, sleep ? GIR_TASK_SLEEP : GIR_TASK_AFTER,
                       sleep ? NULL : t, t, &ms, 1, e->span);
  }
  if (e->method.builtin == BM_SET_EMPTY)
    return gir_map_op(&L->g, GIR_MAP_NEW, gty(e->ty), gty(e->ty), NULL, 0,
                      e->span);
  if (e->method.builtin == BM_TEXT_TRANSLATE) {
    GirValue a[3];
    for (int i = 0; i < 3; i++) {
      a[i] = lower_expr(L, e->method.args.data[i]);
      if (dead(L)) return GIR_NO_VALUE;
    }
    return rt(L, GIR_RT_TEXT_TRANSLATE, e->span, 3, a[0], a[1], a[2]);
  }
  if (e->method.builtin == BM_STR_FROM_CHARS) {
    GirValue l = lower_expr(L, e->method.args.data[0]);
    if (dead(L)) return GIR_NO_VALUE;
    return rt(L, GIR_RT_STR_FROM_CHARS, e->span, 1, l);
  }
  GirValue v = lower_expr(L, recv);
  if (dead(L)) return GIR_NO_VALUE;
  if (e->method.builtin >= BM_OPT_IS_SOME && e->method.builtin <= BM_RES_ERR)
    return lower_option_method(L, e, v);
  if (e->method.builtin >= BM_MAP_LEN && e->method.builtin <= BM_LIST_TO_SET)
    return lower_map_method(L, e, v);
  if (e->method.builtin >= BM_CHAN_SEND && e->method.builtin <= BM_TASK_JOIN)
    return lower_chan_method(L, e, v);
  if ((e->method.builtin >= BM_LIST_LEN && e->method.builtin <= BM_LIST_ZIP) ||
      e->method.builtin == BM_LIST_INSERT || e->method.builtin == BM_LIST_REMOVE)
    return lower_list_method(L, e, v);
  if (e->method.builtin == BM_LIST_SORTED_BY) return lower_sorted_by(L, e, v);
  if (e->method.builtin == BM_RANGE_TO_LIST) return range_to_list(L, v, e->span);
  if (e->method.builtin == BM_LINES_TO_LIST)
    return gir_call_rt_typed(&L->g, GIR_RT_LINES_TO_LIST, &v, 1, gty(e->ty),
                             e->span);
  if (e->method.builtin == BM_RANGE_REV) return range_rev(L, v, e->span);
  if (e->method.builtin == BM_RANGE_STEP) {
    GirValue n = lower_expr(L, e->method.args.data[0]);
    if (dead(L)) return GIR_NO_VALUE;
    return range_step(L, v, n, e->span);
  }
  if (e->method.builtin >= BM_LIST_MAP && e->method.builtin <= BM_LIST_FIND)
    return lower_list_hof(L, e, v);
  if (e->method.builtin >= BM_OPT_MAP && e->method.builtin <= BM_RES_MAP_ERR)
    return lower_option_hof(L, e, v);
  if (e->method.builtin >= BM_STR_RT && e->method.builtin <= BM_STR_TO_FLOAT)
    return lower_str_method(L, e, v);
  if (e->method.builtin >= BM_STR_RE && e->method.builtin <= BM_MATCH_OPT)
    return lower_regex_method(L, e, v);
  GirValue a = GIR_NO_VALUE;
  if (e->method.args.len) {
    a = lower_expr(L, e->method.args.data[0]);
    if (dead(L)) return GIR_NO_VALUE;
  }
  Span sp = e->span;
  GirBuilder *g = &L->g;
  switch (e->method.builtin) {
  case BM_TO_STR:
    switch (ST(L, recv->ty)->kind) {
    case TY_INT: return rt(L, GIR_RT_STR_FROM_INT, sp, 1, v);
    case TY_FLOAT: return rt(L, GIR_RT_STR_FROM_FLOAT, sp, 1, v);
    case TY_BOOL: return rt(L, GIR_RT_STR_FROM_BOOL, sp, 1, v);
    case TY_CHAR: return rt(L, GIR_RT_STR_FROM_CHAR, sp, 1, v);
    case TY_STR: return v;
    case TY_TUPLE: case TY_ADT: case TY_LIST: case TY_MAP: case TY_SET:
    case TY_REGEX: case TY_MATCH: case TY_RANGE: {
      GirValue cap = gir_const_int(g, 32, sp);
      return gir_append_text(g, rt(L, GIR_RT_STR_WITH_CAP, sp, 1, cap), v,
                             false, sp);
    }
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

static bool cond_binds(const Expr *c) {
  if (c->kind == EX_IS) return true;
  if (c->kind == EX_BINARY && c->bin.op == TOK_MATCH) return c->bin.ncaps > 0;
  return c->kind == EX_BINARY && c->bin.op == TOK_ANDAND &&
         (cond_binds(c->bin.lhs) || cond_binds(c->bin.rhs));
}

/* Branches on an if/while condition. One that binds names (§9: `is`)
 * reaches then_b only through its success path, where they are bound.
 * False when the condition itself diverged (nothing reaches either). */
static bool lower_branch(Lower *L, Expr *c, GirBlock *then_b, GirBlock *else_b) {
  if (cond_binds(c)) {
    lower_cond(L, c, else_b);
    if (dead(L)) return false;
    gir_jmp(&L->g, then_b, NULL, 0, c->span);
    return true;
  }
  GirValue v = lower_expr(L, c);
  if (dead(L)) return false;
  gir_br(&L->g, v, then_b, else_b, c->span);
  return true;
}

static GirValue lower_if(Lower *L, Expr *e) {
  bool has_value = e->if_.else_ && gty(e->ty)->kind != GIR_T_UNIT;
  Join j;
  join_init(L, &j, has_value ? gty(e->ty) : NULL, "if.end");
  GirBlock *tb = gir_block_new(L->m, L->g.f, "then");
  GirBlock *fb = gir_block_new(L->m, L->g.f, "else");
  Snapshot before = snapshot(L);
  if (!lower_branch(L, e->if_.cond, tb, fb)) return GIR_NO_VALUE;
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
  {
    GirBlock *body = gir_block_new(L->m, L->g.f, "while.body");
    GirBlock *out = gir_block_new(L->m, L->g.f, "while.exit");
    if (!lower_branch(L, e->while_.cond, body, out)) return GIR_NO_VALUE;
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

/* ---- objects: tuples, records, sums (§4, §10) ------------------------------ */

/* NEW of constructor `ctor` of object type `t` from field values (Unit
 * fields have none and are skipped, GIR.h). */
static GirValue new_object(Lower *L, const GirType *t, uint32_t ctor,
                           GirValue *vals, Span sp) {
  const GirCtor *c = &t->ctors[ctor];
  GirValue args[64];
  GirValue *a = c->nfields <= 64 ? args
                : ARENA_ARRAY(L->s->arena, GirValue, c->nfields);
  uint32_t n = 0;
  for (uint32_t i = 0; i < c->nfields; i++)
    if (c->fields[i]->kind != GIR_T_UNIT) a[n++] = vals[i];
  return gir_new(&L->g, t, ctor, a, n, sp);
}

static GirValue proj(Lower *L, GirValue obj, const GirType *t, uint32_t ctor,
                     uint32_t field, Span sp) {
  if (t->ctors[ctor].fields[field]->kind == GIR_T_UNIT) return GIR_NO_VALUE;
  return gir_proj(&L->g, obj, t, ctor, field, sp);
}

/* Evaluates args left to right (§6) and builds constructor k. */
static GirValue lower_ctor(Lower *L, Expr *e, CtorDecl *k, ExprList *args) {
  const GirType *t = gty(e->ty);
  size_t n = args ? args->len : 0;
  GirValue *vals = ARENA_ARRAY(L->s->arena, GirValue, n ? n : 1);
  for (size_t i = 0; i < n; i++) {
    vals[i] = lower_expr(L, args->data[i]);
    if (dead(L)) return GIR_NO_VALUE;
  }
  return new_object(L, t, k->index, vals, e->span);
}

static GirValue lower_tuple(Lower *L, Expr *e) {
  const GirType *t = gty(e->ty);
  size_t n = e->tuple.elems.len;
  GirValue *vals = ARENA_ARRAY(L->s->arena, GirValue, n);
  for (size_t i = 0; i < n; i++) {
    vals[i] = lower_expr(L, e->tuple.elems.data[i]);
    if (dead(L)) return GIR_NO_VALUE;
  }
  return new_object(L, t, 0, vals, e->span);
}

/* Fields are evaluated in source order (§6) and stored in declaration
 * order. */
static GirValue lower_record(Lower *L, Expr *e) {
  const GirType *t = gty(e->ty);
  uint32_t nf = t->ctors[0].nfields;
  GirValue *vals = ARENA_ARRAY(L->s->arena, GirValue, nf ? nf : 1);
  for (size_t i = 0; i < e->record.inits.len; i++) {
    GirValue v = lower_expr(L, e->record.inits.data[i].value);
    if (dead(L)) return GIR_NO_VALUE;
    vals[e->record.index[i]] = v;
  }
  return new_object(L, t, 0, vals, e->span);
}

/* r with { f: v }: a new record; the other fields are projected from r. */
static GirValue lower_with(Lower *L, Expr *e) {
  GirValue r = lower_expr(L, e->with.recv);
  if (dead(L)) return GIR_NO_VALUE;
  const GirType *t = gty(e->ty);
  uint32_t nf = t->ctors[0].nfields;
  GirValue *vals = ARENA_ARRAY(L->s->arena, GirValue, nf ? nf : 1);
  bool *given = ARENA_ARRAY(L->s->arena, bool, nf ? nf : 1);
  for (size_t i = 0; i < e->with.inits.len; i++) {
    GirValue v = lower_expr(L, e->with.inits.data[i].value);
    if (dead(L)) return GIR_NO_VALUE;
    vals[e->with.index[i]] = v;
    given[e->with.index[i]] = true;
  }
  for (uint32_t i = 0; i < nf; i++)
    if (!given[i]) vals[i] = proj(L, r, t, 0, i, e->span);
  return new_object(L, t, 0, vals, e->span);
}

/* ---- patterns (§9) ------------------------------------------------------------
 * lower_pattern tests value v against a pattern: on failure control goes
 * to `fail` (a block without parameters); on success lowering continues
 * in the current block with the pattern's bindings bound. An irrefutable
 * pattern (fail == NULL) emits no test. */

static void branch_on(Lower *L, GirValue cond, GirBlock *fail, Span sp) {
  GirBlock *ok = gir_block_new(L->m, L->g.f, "pat.ok");
  gir_br(&L->g, cond, ok, fail, sp);
  gir_set_block(&L->g, ok);
}

static void lower_pattern(Lower *L, Pattern *pt, GirValue v, GirBlock *fail);
static void lower_list_pattern(Lower *L, Pattern *pt, GirValue v,
                               GirBlock *fail);
static void lower_loop_body(Lower *L, Expr *body, Join *brk, Join *cont);

static GirValue lit_value(Lower *L, Expr *lit) {
  return lower_expr(L, lit);
}

static void lower_or_pattern(Lower *L, Pattern *pt, GirValue v, GirBlock *fail) {
  PatternVec binds = {0};
  sema_pattern_bindings(pt->elems.data[0], &binds, L->s->arena);
  GirBlock *ok = gir_block_new(L->m, L->g.f, "or.ok");
  for (size_t i = 0; i < binds.len; i++) {
    Binding *b = binds.data[i]->binding;
    if (is_unit(L, b->ty)) continue;
    gir_block_add_param(L->m, L->g.f, ok, gty(b->ty));
  }
  for (size_t a = 0; a < pt->elems.len; a++) {
    bool last = a + 1 == pt->elems.len;
    GirBlock *next = last ? fail : gir_block_new(L->m, L->g.f, "or.next");
    lower_pattern(L, pt->elems.data[a], v, next);
    GirValue args[64];
    uint32_t n = 0;
    for (size_t i = 0; i < binds.len && n < 64; i++) {
      Binding *b = binds.data[i]->binding;
      if (!is_unit(L, b->ty)) args[n++] = L->vals[b->id];
    }
    gir_jmp(&L->g, ok, args, n, pt->span);
    if (!last) gir_set_block(&L->g, next);
  }
  gir_set_block(&L->g, ok);
  size_t k = 0;
  for (size_t i = 0; i < binds.len; i++) {
    Binding *b = binds.data[i]->binding;
    if (is_unit(L, b->ty)) continue;
    bind_value(L, b, ok->params.data[k++]);
  }
}

static void lower_pattern(Lower *L, Pattern *pt, GirValue v, GirBlock *fail) {
  if (dead(L)) return;
  GirBuilder *g = &L->g;
  Span sp = pt->span;
  switch (pt->kind) {
  case PAT_WILD: return;
  case PAT_BIND: bind_value(L, pt->binding, v); return;
  case PAT_LIT: {
    GirValue c = lit_value(L, pt->lit);
    GirValue eq = lower_compare(L, TOK_EQ, ST(L, pt->lit->ty), v, c, sp);
    branch_on(L, eq, fail, sp);
    return;
  }
  case PAT_RANGE: {
    GirValue lo = lit_value(L, pt->lit);
    GirValue hi = lit_value(L, pt->lit_hi);
    branch_on(L, gir_op2(g, GIR_OP_IGE, &gir_t_bool, v, lo, sp), fail, sp);
    branch_on(L, gir_op2(g, pt->inclusive ? GIR_OP_ILE : GIR_OP_ILT,
                         &gir_t_bool, v, hi, sp), fail, sp);
    return;
  }
  case PAT_CTOR: case PAT_RECORD: case PAT_TUPLE: {
    const GirType *t = gty(pt->ty);
    uint32_t ci = pt->kind == PAT_TUPLE ? 0 : pt->ctor->index;
    if (t->is_sum && t->nctors > 1) {
      GirValue tag = gir_tag(g, v, sp);
      GirValue want = gir_const_int(g, ci, sp);
      branch_on(L, gir_op2(g, GIR_OP_IEQ, &gir_t_bool, tag, want, sp), fail, sp);
    }
    if (pt->kind == PAT_RECORD) {
      for (size_t i = 0; i < pt->fields.len; i++) {
        Pattern *sub = pt->fields.data[i].pat;
        if (sub->kind == PAT_WILD) continue;
        uint32_t fx = (uint32_t)pt->field_index[i];
        lower_pattern(L, sub, proj(L, v, t, ci, fx, sub->span), fail);
      }
      return;
    }
    for (size_t i = 0; i < pt->elems.len; i++) {
      Pattern *sub = pt->elems.data[i];
      if (sub->kind == PAT_WILD) continue;
      lower_pattern(L, sub, proj(L, v, t, ci, (uint32_t)i, sub->span), fail);
    }
    return;
  }
  case PAT_OR:
    lower_or_pattern(L, pt, v, fail);
    return;
  case PAT_LIST:
    lower_list_pattern(L, pt, v, fail);
    return;
  default:
    GJ_UNREACHABLE("pattern kind not accepted by Sema");
  }
}

/* §9: a condition whose `is` operands bind names in the rest of it and in
 * the body. On failure control goes to `fail`; lowering continues in the
 * success path. */
void lower_cond(Lower *L, Expr *c, GirBlock *fail) {
  if (dead(L)) return;
  if (c->kind == EX_IS) {
    GirValue v = lower_expr(L, c->is.lhs);
    if (dead(L)) return;
    lower_pattern(L, c->is.pat, v, fail);
    return;
  }
  if (c->kind == EX_BINARY && c->bin.op == TOK_ANDAND) {
    lower_cond(L, c->bin.lhs, fail);
    lower_cond(L, c->bin.rhs, fail);
    return;
  }
  if (c->kind == EX_BINARY && c->bin.op == TOK_MATCH && c->bin.ncaps) {
    /* §14: the match, then each named group as a Str ("" if unset) */
    GirValue s = lower_expr(L, c->bin.lhs);
    if (dead(L)) return;
    GirValue re = lower_expr(L, c->bin.rhs);
    if (dead(L)) return;
    Span sp = c->span;
    GirValue m = rt(L, GIR_RT_REGEX_MATCH, sp, 2, s, re);
    GirValue none_p = rt(L, GIR_RT_MATCH_IS_NONE, sp, 1, m);
    branch_on(L, gir_op1(&L->g, GIR_OP_BNOT, &gir_t_bool, none_p, sp), fail, sp);
    const char **names = c->bin.rhs->re.names;
    for (uint32_t i = 0; i < c->bin.ncaps; i++) {
      GirValue name = gir_const_str(&L->g, names[i], strlen(names[i]), sp);
      declare_binding(L, c->bin.caps[i], rt(L, GIR_RT_MATCH_CAPTURE, sp, 2, m, name));
    }
    return;
  }
  GirValue v = lower_expr(L, c);
  if (dead(L)) return;
  branch_on(L, v, fail, c->span);
}

/* `e is p` outside a condition: only a test. */
static GirValue lower_is(Lower *L, Expr *e) {
  Join j;
  join_init_plain(L, &j, &gir_t_bool, "is.end");
  GirBlock *no = gir_block_new(L->m, L->g.f, "is.no");
  Snapshot before = snapshot(L);
  lower_cond(L, e, no);
  join_jump(L, &j, gir_const_bool(&L->g, true, e->span), e->span);
  restore(L, before);
  gir_set_block(&L->g, no);
  join_jump(L, &j, gir_const_bool(&L->g, false, e->span), e->span);
  return join_enter(L, &j);
}

/* `match` (§9) is compiled to a decision tree in match.c. */

/* ---- closures (§8) --------------------------------------------------------------
 * An anonymous sub is lifted to a GirFunc of its own whose first parameter
 * is the closure (borrowed) and whose `captures` are the values of the
 * outer bindings it mentions (Sema listed them), read with CAPTURE. It is
 * lowered on the spot: the builder state of the enclosing function is
 * saved and restored around it. */

typedef struct Saved {
  GirBuilder g;
  Binding **muts;
  size_t nmuts;
  Loop *loop;
  Type *fn_ret;
} Saved;

static Saved save_state(Lower *L) {
  Saved sv = {L->g, NULL, L->muts.len, L->loop, L->fn_ret};
  sv.muts = ARENA_ARRAY(L->s->arena, Binding *, L->muts.len + 1);
  if (L->muts.len) memcpy(sv.muts, L->muts.data, L->muts.len * sizeof *sv.muts);
  return sv;
}

static void restore_state(Lower *L, Saved *sv) {
  L->g = sv->g;
  L->muts.len = 0;
  for (size_t i = 0; i < sv->nmuts; i++) VEC_PUSH(L->s->arena, L->muts, sv->muts[i]);
  L->loop = sv->loop;
  L->fn_ret = sv->fn_ret;
}

/* A lifted function: closure parameter first (borrowed), then `params`.
 * Its names extend those of the function it comes from (`f.lambda1`,
 * link name `mathutil.f.lambda1`). */
static GirFunc *new_closure_body(Lower *L, const GirFunc *from,
                                 const char *suffix, const GirType *ft,
                                 const GirType *ret, Span sp) {
  GirFunc *f = gir_func_new(
      L->m, arena_printf(L->s->arena, "%s.%s", from->name, suffix),
      arena_printf(L->s->arena, "%s.%s", from->link_name, suffix), ret, sp);
  f->is_closure_body = true;
  gir_func_add_param(L->m, f, ft);
  for (uint32_t i = 0; i < ft->nparams; i++)
    gir_func_add_param(L->m, f, ft->params[i]);
  f->param_borrowed = ARENA_ARRAY(L->s->arena, bool, ft->nparams + 1);
  f->param_borrowed[0] = true;
  return f;
}

/* A closure of Sema type ft (a sub type) whose lifted body is `body` with
 * `params`, capturing `caps`; share: mark each counted capture shared
 * first (a hatch block's: they cross to another task, §17). */
static GirValue lower_closure(Lower *L, Type *ft, const char *kind,
                              BindingList *caps, ParamList *params, Expr *body,
                              bool share, Span sp) {
  const GirType *gft = gty(ft);
  const char *suffix = arena_printf(L->s->arena, "%s%u", kind, ++L->nlambdas);
  GirFunc *f = new_closure_body(L, L->g.f, suffix, gft, gft->ret, sp);
  /* the captured values, as the enclosing function sees them now */
  size_t nc = caps->len;
  GirValue *cv = ARENA_ARRAY(L->s->arena, GirValue, nc + 1);
  GirValue *outer = ARENA_ARRAY(L->s->arena, GirValue, nc + 1);
  uint32_t ncv = 0;
  for (size_t i = 0; i < nc; i++) {
    Binding *b = caps->data[i];
    outer[i] = L->vals[b->id];
    if (is_unit(L, b->ty)) continue;
    cv[ncv++] = L->vals[b->id];
    VEC_PUSH(L->s->arena, f->captures, gty(b->ty));
    if (share && gir_type_is_heap(gty(b->ty)))
      gir_task_op(&L->g, GIR_TASK_SHARE, gty(b->ty), &gir_t_unit,
                  &L->vals[b->id], 1, sp);
  }
  Saved sv = save_state(L);
  L->g.f = f;
  L->g.m = L->m;
  gir_set_block(&L->g, f->blocks.data[0]);
  L->muts.len = 0;
  L->loop = NULL;
  L->fn_ret = ft->args[ft->nargs - 1];
  GirValue env = f->blocks.data[0]->params.data[0];
  for (size_t i = 0, k = 0; i < nc; i++) {
    Binding *b = caps->data[i];
    if (is_unit(L, b->ty)) continue;
    bind_value(L, b, gir_capture(&L->g, env, (uint32_t)k++, gty(b->ty), sp));
  }
  for (size_t i = 0, k = 1; params && i < params->len; i++) {
    Param *pm = &params->data[i];
    if (is_unit(L, pm->binding->ty)) {
      L->vals[pm->binding->id] = GIR_NO_VALUE;
      continue;
    }
    bind_value(L, pm->binding, f->blocks.data[0]->params.data[k++]);
  }
  lower_tail(L, body);
  restore_state(L, &sv);
  for (size_t i = 0; i < nc; i++) L->vals[caps->data[i]->id] = outer[i];
  return gir_closure_new(&L->g, f, gft, cv, ncv, sp);
}

static GirValue lower_lambda(Lower *L, Expr *e) {
  return lower_closure(L, ST(L, e->ty), "lambda", &e->lambda.captures,
                       &e->lambda.params, e->lambda.body, false, e->span);
}

/* ---- tasks and channels (§17) ----------------------------------------------- */

/* hatch { body }: the block becomes a closure sub(): T whose captures are
 * marked shared, started as a task. */
static GirValue lower_hatch(Lower *L, Expr *e) {
  Type *tt = ST(L, e->ty);           /* Task[T] */
  Type *ft = type_fn(L->tc, NULL, 0, tt->args[0]);
  GirValue clo = lower_closure(L, ft, "hatch", &e->hatch.captures, NULL,
                               e->hatch.body, true, e->span);
  return gir_task_op(&L->g, GIR_TASK_SPAWN, gty(tt), gty(tt), &clo, 1, e->span);
}

static GirValue lower_channel(Lower *L, Expr *e) {
  GirValue cap = e->chan.args.len ? lower_expr(L, e->chan.args.data[0])
                                  : gir_const_int(&L->g, 0, e->span);
  if (dead(L)) return GIR_NO_VALUE;
  const GirType *ct = gty(e->ty);
  return gir_task_op(&L->g, GIR_TASK_CHAN_NEW, ct, ct, &cap, 1, e->span);
}

/* A Bool from the runtime as §17's Result[Unit, ChanError]: Ok(()) or
 * Err(Closed). */
static GirValue ok_or_closed(Lower *L, GirValue ok, const GirType *rt, Span sp) {
  Join j;
  join_init_plain(L, &j, rt, "chan.res");
  GirBlock *yes = gir_block_new(L->m, L->g.f, "chan.ok");
  GirBlock *no = gir_block_new(L->m, L->g.f, "chan.closed");
  gir_br(&L->g, ok, yes, no, sp);
  gir_set_block(&L->g, yes);
  join_jump(L, &j, new_object(L, rt, 0, NULL, sp), sp);
  gir_set_block(&L->g, no);
  const GirType *ce = rt->ctors[1].fields[0];  /* ChanError */
  GirValue closed = new_object(L, ce, 0, NULL, sp);
  join_jump(L, &j, new_object(L, rt, 1, &closed, sp), sp);
  return join_enter(L, &j);
}

static GirValue lower_chan_method(Lower *L, Expr *e, GirValue c) {
  Span sp = e->span;
  Builtin bi = e->method.builtin;
  const GirType *ct = gty(e->method.recv->ty);
  const GirType *rt = gty(e->ty);
  GirValue a[2] = {c, GIR_NO_VALUE};
  uint32_t n = 1;
  if (e->method.args.len) {
    Expr *x = e->method.args.data[0];
    GirValue v = lower_expr(L, x);
    if (dead(L)) return GIR_NO_VALUE;
    if (!is_unit(L, x->ty)) {
      if (gir_type_is_heap(ct->elem))  /* it crosses to another task */
        gir_task_op(&L->g, GIR_TASK_SHARE, ct->elem, &gir_t_unit, &v, 1, sp);
      a[n++] = v;
    }
  }
  switch (bi) {
  case BM_CHAN_SEND: case BM_CHAN_CLOSE: {
    GirValue ok = gir_task_op(&L->g, bi == BM_CHAN_SEND ? GIR_TASK_SEND
                                                        : GIR_TASK_CLOSE,
                              ct, &gir_t_bool, a, n, sp);
    return ok_or_closed(L, ok, rt, sp);
  }
  case BM_CHAN_TRY_SEND:
    return gir_task_op(&L->g, GIR_TASK_TRY_SEND, ct, rt, a, n, sp);
  case BM_CHAN_RECV: return gir_task_op(&L->g, GIR_TASK_RECV, ct, rt, a, 1, sp);
  case BM_CHAN_TRY_RECV:
    return gir_task_op(&L->g, GIR_TASK_TRY_RECV, ct, rt, a, 1, sp);
  case BM_TASK_JOIN: return gir_task_op(&L->g, GIR_TASK_JOIN, ct, rt, a, 1, sp);
  default: GJ_UNREACHABLE("chan method");
  }
}

/* select { [$v =] $c.recv() { … }  [$r =] $c.send(x) { … }  else { … } }:
 * each arm's channel and send value evaluated once, in order (§17); one
 * SELECT, then a switch on the arm chosen; a binding is the arm's Option
 * (recv) or Result (send). */
static GirValue lower_select(Lower *L, Expr *e) {
  Span sp = e->span;
  GirBuilder *g = &L->g;
  size_t n = e->select.arms.len;
  GirValue *args = ARENA_ARRAY(L->s->arena, GirValue, 2 * n + 1);
  uint32_t nargs = 0;
  uint64_t sends = 0, values = 0;
  for (size_t a = 0; a < n; a++) {
    Expr *op = e->select.arms.data[a].op;
    GirValue c = lower_expr(L, op->method.recv);
    if (dead(L)) return GIR_NO_VALUE;
    args[nargs++] = c;
    if (op->method.builtin != BM_CHAN_SEND) continue;
    sends |= (uint64_t)1 << a;
    Expr *x = op->method.args.data[0];
    GirValue v = lower_expr(L, x);
    if (dead(L)) return GIR_NO_VALUE;
    if (is_unit(L, x->ty)) continue;
    const GirType *ct = gty(op->method.recv->ty);
    if (gir_type_is_heap(ct->elem))  /* it may cross to another task */
      gir_task_op(g, GIR_TASK_SHARE, ct->elem, &gir_t_unit, &v, 1, sp);
    values |= (uint64_t)1 << nargs;
    args[nargs++] = v;
  }
  GirValue st = gir_task_select(g, args, nargs, (uint32_t)n, sends, values,
                                e->select.else_ != NULL, sp);
  GirValue idx = gir_task_op(g, GIR_TASK_SELECT_INDEX, NULL, &gir_t_int, &st,
                             1, sp);
  bool has_value = gty(e->ty)->kind != GIR_T_UNIT;
  Join j;
  join_init(L, &j, has_value ? gty(e->ty) : NULL, "select.end");
  GirCase *cases = ARENA_ARRAY(L->s->arena, GirCase, n + 1);
  for (size_t a = 0; a < n; a++) {
    cases[a].value = (int64_t)a;
    cases[a].target = gir_block_new(L->m, L->g.f, "select.arm");
  }
  GirBlock *else_b = e->select.else_ ? gir_block_new(L->m, L->g.f, "select.else")
                                     : NULL;
  cases[n].value = -1;
  cases[n].target = else_b;
  gir_switch(g, idx, cases, (uint32_t)n + (else_b ? 1 : 0), NULL, sp);
  Snapshot before = snapshot(L);
  for (size_t a = 0; a < n; a++) {
    SelectArm *arm = &e->select.arms.data[a];
    restore(L, before);
    gir_set_block(g, cases[a].target);
    const GirType *ct = gty(arm->op->method.recv->ty);
    GirValue ok = gir_task_select_arm(g, GIR_TASK_SELECT_OK, st, (uint32_t)a,
                                      ct, arm->op->span);
    const GirType *rt = gty(arm->op->ty);  /* Option[T] or Result[Unit, E] */
    GirValue res;
    if ((sends >> a) & 1) {
      res = ok_or_closed(L, ok, rt, arm->op->span);
    } else {
      Join oj;
      some_if(L, &oj, ok, rt, arm->op->span);
      GirValue v = GIR_NO_VALUE;
      if (ct->elem->kind != GIR_T_UNIT)
        v = gir_task_select_arm(g, GIR_TASK_SELECT_VALUE, st, (uint32_t)a, ct,
                                arm->op->span);
      res = some_end(L, &oj, rt, v, arm->op->span);
    }
    if (arm->binding) bind_value(L, arm->binding, res);
    GirValue bv = lower_expr(L, arm->body);
    join_jump(L, &j, bv, arm->body->span);
  }
  if (else_b) {
    restore(L, before);
    gir_set_block(g, else_b);
    GirValue bv = lower_expr(L, e->select.else_);
    join_jump(L, &j, bv, e->select.else_->span);
  }
  return join_enter(L, &j);
}

/* ---- io and os (§18) -------------------------------------------------------- */

/* A runtime Str that may be the "none" sentinel as an Option[Str]. */
static GirValue str_option(Lower *L, GirValue s, const GirType *ot, Span sp) {
  GirValue none_p = rt(L, GIR_RT_STR_IS_NONE, sp, 1, s);
  GirValue some_p = gir_op1(&L->g, GIR_OP_BNOT, &gir_t_bool, none_p, sp);
  Join j;
  some_if(L, &j, some_p, ot, sp);
  return some_end(L, &j, ot, s, sp);
}

/* `ok ? Ok(x) : Err(e)` of Result type rt (x GIR_NO_VALUE for Ok(())). The
 * runtime tells of an error by a Str that is the sentinel when there was
 * none; or, when `err_of` is a value, e is `err_fn(err_of)`, asked in the
 * Err branch only (a Lines' LINES_ERROR, a pattern's REGEX_ERROR). */
static GirValue ok_or_err(Lower *L, GirValue ok, const GirType *rtype,
                          GirValue x, GirValue e, GirValue err_of,
                          GirRtId err_fn, Span sp) {
  Join j;
  join_init_plain(L, &j, rtype, "io.res");
  GirBlock *yes = gir_block_new(L->m, L->g.f, "io.ok");
  GirBlock *no = gir_block_new(L->m, L->g.f, "io.err");
  gir_br(&L->g, ok, yes, no, sp);
  gir_set_block(&L->g, yes);
  join_jump(L, &j, new_object(L, rtype, 0, x == GIR_NO_VALUE ? NULL : &x, sp),
            sp);
  gir_set_block(&L->g, no);
  if (err_of != GIR_NO_VALUE) e = rt(L, err_fn, sp, 1, err_of);
  join_jump(L, &j, new_object(L, rtype, 1, &e, sp), sp);
  return join_enter(L, &j);
}

static GirValue not_none(Lower *L, GirValue s, Span sp) {
  GirValue none_p = rt(L, GIR_RT_STR_IS_NONE, sp, 1, s);
  return gir_op1(&L->g, GIR_OP_BNOT, &gir_t_bool, none_p, sp);
}

/* §18 io.read_file, write_file, file_lines: Results built from the
 * runtime's sentinel-or-error Strs. */
static GirValue lower_io_file(Lower *L, Expr *e) {
  Span sp = e->span;
  const GirType *rtype = gty(e->ty);
  GirValue a[2] = {GIR_NO_VALUE, GIR_NO_VALUE};
  for (size_t i = 0; i < e->method.args.len && i < 2; i++) {
    a[i] = lower_expr(L, e->method.args.data[i]);
    if (dead(L)) return GIR_NO_VALUE;
  }
  switch (e->method.builtin) {
  case BM_IO_WRITE_FILE: {
    GirValue err = rt(L, GIR_RT_IO_WRITE_FILE, sp, 2, a[0], a[1]);
    GirValue ok = rt(L, GIR_RT_STR_IS_NONE, sp, 1, err);
    return ok_or_err(L, ok, rtype, GIR_NO_VALUE, err, GIR_NO_VALUE,
                     GIR_RT__COUNT, sp);
  }
  case BM_IO_FILE_LINES: {
    GirValue h = gir_call_rt_typed(&L->g, GIR_RT_IO_OPEN, a, 1, &gir_t_lines, sp);
    GirValue err = rt(L, GIR_RT_LINES_ERROR, sp, 1, h);
    GirValue ok = rt(L, GIR_RT_STR_IS_NONE, sp, 1, err);
    return ok_or_err(L, ok, rtype, h, err, GIR_NO_VALUE, GIR_RT__COUNT, sp);
  }
  default: { /* read_file */
    GirValue h = gir_call_rt_typed(&L->g, GIR_RT_IO_OPEN, a, 1, &gir_t_lines, sp);
    GirValue s = rt(L, GIR_RT_LINES_READ_ALL, sp, 1, h);
    return ok_or_err(L, not_none(L, s, sp), rtype, s, GIR_NO_VALUE, h,
                     GIR_RT_LINES_ERROR, sp);
  }
  }
}

static GirValue lower_io(Lower *L, Expr *e) {
  Span sp = e->span;
  GirBuilder *g = &L->g;
  switch (e->method.builtin) {
  case BM_IO_READ_FILE: case BM_IO_WRITE_FILE: case BM_IO_FILE_LINES:
    return lower_io_file(L, e);
  case BM_IO_READ_BYTES:
    return gir_call_rt_typed(g, GIR_RT_IO_READ_BYTES, NULL, 0, gty(e->ty), sp);
  case BM_IO_WRITE_BYTES: {
    GirValue l = lower_expr(L, e->method.args.data[0]);
    if (dead(L)) return GIR_NO_VALUE;
    rt(L, GIR_RT_IO_WRITE_BYTES, sp, 1, l);
    return GIR_NO_VALUE;
  }
  case BM_IO_READ_LINE:
    return str_option(L, gir_call_rt(g, GIR_RT_IO_READ_LINE, NULL, 0, sp),
                      gty(e->ty), sp);
  case BM_IO_READ_ALL: return gir_call_rt(g, GIR_RT_IO_READ_ALL, NULL, 0, sp);
  case BM_IO_LINES:
    return gir_call_rt_typed(g, GIR_RT_IO_LINES, NULL, 0, &gir_t_lines, sp);
  case BM_OS_ARGS:
    return gir_call_rt_typed(g, GIR_RT_OS_ARGS, NULL, 0, gty(e->ty), sp);
  case BM_OS_ENV: {
    GirValue n = lower_expr(L, e->method.args.data[0]);
    if (dead(L)) return GIR_NO_VALUE;
    return str_option(L, rt(L, GIR_RT_OS_ENV, sp, 1, n), gty(e->ty), sp);
  }
  case BM_OS_EXIT: {
    GirValue c = lower_expr(L, e->method.args.data[0]);
    if (dead(L)) return GIR_NO_VALUE;
    rt(L, GIR_RT_OS_EXIT, sp, 1, c);
    gir_unreachable(g, sp);
    return GIR_NO_VALUE;
  }
  default: GJ_UNREACHABLE("io builtin");
  }
}

/* for over a source read until it runs out (a channel, stdin's lines):
 * `more` emits one fetch, keeps what it got in `got` and returns the Bool
 * "a value came"; `value`, in the loop's body, gives the value bound. */
typedef struct Fetch {
  GirValue (*more)(Lower *L, struct Fetch *f, Span sp);
  GirValue (*value)(Lower *L, struct Fetch *f, Span sp);
  GirValue src, got;
  const GirType *ct, *ot;   /* a channel's type and its recv's Option */
} Fetch;

static GirValue lower_for_fetch(Lower *L, Expr *e, Fetch *f) {
  Span sp = e->span;
  Join head, cont, exit;
  join_init(L, &head, NULL, "for.head");
  join_init(L, &exit, NULL, "for.end");
  join_jump(L, &head, GIR_NO_VALUE, sp);
  join_enter(L, &head);
  join_init(L, &cont, NULL, "for.next");
  GirBlock *body = gir_block_new(L->m, L->g.f, "for.body");
  GirBlock *out = gir_block_new(L->m, L->g.f, "for.exit");
  gir_br(&L->g, f->more(L, f, sp), body, out, sp);
  gir_set_block(&L->g, out);
  join_jump(L, &exit, GIR_NO_VALUE, sp);
  gir_set_block(&L->g, body);
  size_t nmuts = L->muts.len;
  lower_pattern(L, e->for_.pat, f->value(L, f, sp), NULL);
  lower_loop_body(L, e->for_.body, &exit, &cont);
  L->muts.len = nmuts;
  join_jump(L, &cont, GIR_NO_VALUE, sp);
  if (cont.block) {
    join_enter(L, &cont);
    join_jump(L, &head, GIR_NO_VALUE, sp);
  }
  return join_enter(L, &exit);
}

/* for $line in $lines: the next line until the end of input */
static GirValue line_more(Lower *L, Fetch *f, Span sp) {
  f->got = rt(L, GIR_RT_LINES_NEXT, sp, 1, f->src);
  return not_none(L, f->got, sp);
}

static GirValue line_value(Lower *L, Fetch *f, Span sp) {
  (void)L, (void)sp;
  return f->got;
}

/* for $x in $c: receive until the channel is closed and drained */
static GirValue chan_more(Lower *L, Fetch *f, Span sp) {
  f->got = gir_task_op(&L->g, GIR_TASK_RECV, f->ct, f->ot, &f->src, 1, sp);
  GirValue tag = gir_tag(&L->g, f->got, sp);
  return gir_op2(&L->g, GIR_OP_IEQ, &gir_t_bool, tag,
                 gir_const_int(&L->g, 1, sp), sp);
}

static GirValue chan_value(Lower *L, Fetch *f, Span sp) {
  if (f->ct->elem->kind == GIR_T_UNIT) return GIR_NO_VALUE;
  return proj(L, f->got, f->ot, 1, 0, sp);
}

static GirValue lower_for_lines(Lower *L, Expr *e) {
  GirValue h = lower_expr(L, e->for_.iter); /* a Lines */
  if (dead(L)) return GIR_NO_VALUE;
  Fetch f = {line_more, line_value, h, GIR_NO_VALUE, NULL, NULL};
  return lower_for_fetch(L, e, &f);
}

/* for $m in s.match_all(re): one match at a time (regex.c's GjMatchIter),
 * without the List */
static GirValue match_more(Lower *L, Fetch *f, Span sp) {
  f->got = rt(L, GIR_RT_MATCH_ITER_NEXT, sp, 1, f->src);
  return gir_op1(&L->g, GIR_OP_BNOT, &gir_t_bool,
                 rt(L, GIR_RT_MATCH_IS_NONE, sp, 1, f->got), sp);
}

static bool is_match_all(const Expr *e) {
  return e->kind == EX_METHOD && e->method.builtin == BM_STR_RE &&
         strcmp(e->method.name, "match_all") == 0;
}

static GirValue lower_for_matches(Lower *L, Expr *e) {
  Expr *call = e->for_.iter;
  GirValue s = lower_expr(L, call->method.recv);
  if (dead(L)) return GIR_NO_VALUE;
  GirValue re = lower_expr(L, call->method.args.data[0]);
  if (dead(L)) return GIR_NO_VALUE;
  GirValue it = gir_call_rt_typed(&L->g, GIR_RT_REGEX_ITER, (GirValue[]){s, re},
                                  2, &gir_t_match_iter, call->span);
  Fetch f = {match_more, line_value, it, GIR_NO_VALUE, NULL, NULL};
  return lower_for_fetch(L, e, &f);
}

static GirValue lower_for_chan(Lower *L, Expr *e) {
  GirValue c = lower_expr(L, e->for_.iter);
  if (dead(L)) return GIR_NO_VALUE;
  Fetch f = {chan_more, chan_value, c, GIR_NO_VALUE, gty(e->for_.iter->ty),
             gty(e->for_.recv_ty)};
  return lower_for_fetch(L, e, &f);
}

/* `f` used as a value (§8): a capture-free closure whose body calls it. */
static GirValue lower_sub_value(Lower *L, Expr *e) {
  Symbol *sym = e->name.sym;
  const GirType *gft = gty(e->ty);
  GirFunc *w = NULL;
  for (size_t i = 0; i < L->wrapped.len; i++)
    if (L->wrapped.data[i] == sym) w = L->wrappers.data[i];
  if (!w) {
    w = new_closure_body(L, sym->gir, "value", gft, gft->ret, sym->item->span);
    GirBuilder saved = L->g;
    L->g.f = w;
    gir_set_block(&L->g, w->blocks.data[0]);
    GirBlock *entry = w->blocks.data[0];
    GirValue r = gir_call(&L->g, sym->gir, entry->params.data + 1,
                          (uint32_t)entry->params.len - 1, sym->item->span);
    gir_ret(&L->g, gft->ret->kind == GIR_T_UNIT ? GIR_NO_VALUE : r,
            sym->item->span);
    L->g = saved;
    VEC_PUSH(L->s->arena, L->wrapped, sym);
    VEC_PUSH(L->s->arena, L->wrappers, w);
  }
  return gir_closure_new(&L->g, w, gft, NULL, 0, e->span);
}

static GirValue lower_fn_call(Lower *L, Expr *e) {
  GirValue clo = lower_expr(L, e->call.callee);
  if (dead(L)) return GIR_NO_VALUE;
  size_t n = e->call.args.len;
  GirValue *vs = ARENA_ARRAY(L->s->arena, GirValue, n + 1);
  uint32_t k = 0;
  for (size_t i = 0; i < n; i++) {
    Expr *a = e->call.args.data[i];
    GirValue v = lower_expr(L, a);
    if (dead(L)) return GIR_NO_VALUE;
    if (!is_unit(L, a->ty)) vs[k++] = v;
  }
  return gir_call_closure(&L->g, clo, vs, k, e->span);
}

/* ---- lists (§15) ------------------------------------------------------------- */

static GirValue list_len(Lower *L, GirValue l, Span sp) {
  return gir_op1(&L->g, GIR_OP_LIST_LEN, &gir_t_int, l, sp);
}

static GirValue list_get(Lower *L, GirValue l, const GirType *lt, GirValue i,
                         Span sp) {
  return gir_op2(&L->g, GIR_OP_LIST_GET, lt->elem, l, i, sp);
}

static GirValue lower_list(Lower *L, Expr *e) {
  size_t n = e->tuple.elems.len;
  GirValue *vals = ARENA_ARRAY(L->s->arena, GirValue, n ? n : 1);
  for (size_t i = 0; i < n; i++) {
    vals[i] = lower_expr(L, e->tuple.elems.data[i]);
    if (dead(L)) return GIR_NO_VALUE;
  }
  return gir_list_new(&L->g, gty(e->ty), vals, (uint32_t)n, e->span);
}

static GirValue lower_index(Lower *L, Expr *e) {
  GirValue l = lower_expr(L, e->index.recv);
  if (dead(L)) return GIR_NO_VALUE;
  const GirType *lt = gty(e->index.recv->ty);
  Expr *ix = e->index.index;
  if (ix->kind == EX_BINARY && ix->bin.op == TOK_DOTDOT && lt->kind != GIR_T_MAP) {
    GirValue a = lower_expr(L, ix->bin.lhs);
    if (dead(L)) return GIR_NO_VALUE;
    GirValue b = lower_expr(L, ix->bin.rhs);
    if (dead(L)) return GIR_NO_VALUE;
    GirValue args[3] = {l, a, b};
    if (ST(L, e->index.recv->ty)->kind == TY_STR)  /* §13: O(1), shares */
      return gir_call_rt(&L->g, GIR_RT_STR_SLICE, args, 3, e->span);
    return gir_op(&L->g, GIR_OP_LIST_SLICE, lt, args, 3, e->span);
  }
  GirValue i = lower_expr(L, ix);
  if (dead(L)) return GIR_NO_VALUE;
  if (lt->kind == GIR_T_MAP) {
    GirValue a[2] = {l, i};
    return gir_map_op(&L->g, GIR_MAP_INDEX, lt, lt->elem, a,
                      lt->key->kind == GIR_T_UNIT ? 1 : 2, e->span);
  }
  return list_get(L, l, lt, i, e->span);
}

/* for $x in $xs { body } over a List, Set or Map (§7), with break and
 * continue. A Set is iterated as its to_list(), a Map as its keys() and
 * values() side by side (the same order): two lists per loop, nothing per
 * element; a `($k, $v)` pattern binds the two without making a tuple. */
static GirValue lower_for_list(Lower *L, Expr *e) {
  GirValue l = lower_expr(L, e->for_.iter);
  if (dead(L)) return GIR_NO_VALUE;
  const GirType *lt = gty(e->for_.iter->ty);
  Span sp = e->span;
  GirValue vals = GIR_NO_VALUE;
  const GirType *vlt = NULL, *pair_t = NULL;
  if (lt->kind == GIR_T_MAP) {
    const GirType *mt = lt;
    lt = gir_type_list(L->m, mt->key);
    GirValue m = l;
    l = gir_map_op(&L->g, mt->is_set ? GIR_SET_TO_LIST : GIR_MAP_KEYS, mt, lt,
                   &m, 1, sp);
    if (!mt->is_set) {
      vlt = gir_type_list(L->m, mt->elem);
      vals = gir_map_op(&L->g, GIR_MAP_VALUES, mt, vlt, &m, 1, sp);
      pair_t = gty(e->for_.pat->ty);
    }
  }
  GirValue n = list_len(L, l, sp);
  Join head, next, exit;
  join_init(L, &head, &gir_t_int, "for.head");
  join_init(L, &exit, NULL, "for.end");
  join_jump(L, &head, gir_const_int(&L->g, 0, sp), sp);
  GirValue i = join_enter(L, &head);
  join_init(L, &next, NULL, "for.next");
  GirBlock *body = gir_block_new(L->m, L->g.f, "for.body");
  GirBlock *out = gir_block_new(L->m, L->g.f, "for.exit");
  gir_br(&L->g, gir_op2(&L->g, GIR_OP_ILT, &gir_t_bool, i, n, sp), body, out, sp);
  gir_set_block(&L->g, out);
  join_jump(L, &exit, GIR_NO_VALUE, sp);
  gir_set_block(&L->g, body);
  size_t nmuts = L->muts.len;
  GirValue x = list_get(L, l, lt, i, sp);
  Pattern *pt = e->for_.pat;
  if (vlt) {
    GirValue y = list_get(L, vals, vlt, i, sp);
    if (pt->kind == PAT_TUPLE && pt->elems.len == 2) {
      lower_pattern(L, pt->elems.data[0], x, NULL);
      lower_pattern(L, pt->elems.data[1], y, NULL);
    } else {
      GirValue kv[2] = {x, y};
      uint32_t nkv = 0;
      for (uint32_t k = 0; k < 2; k++)
        if (pair_t->ctors[0].fields[k]->kind != GIR_T_UNIT) kv[nkv++] = kv[k];
      lower_pattern(L, pt, gir_new(&L->g, pair_t, 0, kv, nkv, sp), NULL);
    }
  } else {
    lower_pattern(L, pt, x, NULL);
  }
  lower_loop_body(L, e->for_.body, &exit, &next);
  L->muts.len = nmuts;
  join_jump(L, &next, GIR_NO_VALUE, sp);
  if (next.block) {
    join_enter(L, &next);
    GirValue i1 = gir_op2(&L->g, GIR_OP_IADD, &gir_t_int, i,
                          gir_const_int(&L->g, 1, sp), sp);
    join_jump(L, &head, i1, sp);
  }
  return join_enter(L, &exit);
}

/* Some(x) / None of Option type t. */
static GirValue some(Lower *L, const GirType *t, GirValue x, Span sp) {
  return new_object(L, t, 1, &x, sp);
}
static GirValue none(Lower *L, const GirType *t, Span sp) {
  return new_object(L, t, 0, NULL, sp);
}

/* `cond ? Some(x) : None` of Option type ot, x computed only when cond
 * holds: some_if opens the join (the false branch gives None) and leaves
 * lowering in the true branch; some_end joins Some(x) there and returns
 * the Option. */
static void some_if(Lower *L, Join *j, GirValue cond, const GirType *ot,
                    Span sp) {
  join_init_plain(L, j, ot, "opt.end");
  GirBlock *yes = gir_block_new(L->m, L->g.f, "opt.some");
  GirBlock *no = gir_block_new(L->m, L->g.f, "opt.none");
  gir_br(&L->g, cond, yes, no, sp);
  gir_set_block(&L->g, no);
  join_jump(L, j, none(L, ot, sp), sp);
  gir_set_block(&L->g, yes);
}

static GirValue some_end(Lower *L, Join *j, const GirType *ot, GirValue x,
                         Span sp) {
  join_jump(L, j, some(L, ot, x, sp), sp);
  return join_enter(L, j);
}

/* cond ? Some(get(l, i)) : None */
static GirValue opt_get(Lower *L, GirValue l, const GirType *lt, GirValue i,
                        GirValue cond, const GirType *ot, Span sp) {
  Join j;
  some_if(L, &j, cond, ot, sp);
  return some_end(L, &j, ot, list_get(L, l, lt, i, sp), sp);
}

/* ---- maps and sets (§15) ------------------------------------------------------ */

/* {k: v, …}: one NEW with the entries (Unit keys or values have no
 * value, GIR.h). */
static GirValue lower_map(Lower *L, Expr *e) {
  const GirType *mt = gty(e->ty);
  size_t n = e->map.keys.len;
  GirValue *vals = ARENA_ARRAY(L->s->arena, GirValue, 2 * n + 1);
  for (size_t i = 0; i < n; i++) {
    vals[2 * i] = lower_expr(L, e->map.keys.data[i]);
    if (dead(L)) return GIR_NO_VALUE;
    vals[2 * i + 1] = lower_expr(L, e->map.values.data[i]);
    if (dead(L)) return GIR_NO_VALUE;
  }
  return gir_map_new(&L->g, mt, vals, (uint32_t)n, e->span);
}

/* A map op on the receiver and the method's arguments, in order, leaving
 * out those of type Unit. */
static GirValue map_call(Lower *L, GirMapFn fn, const GirType *mt,
                         const GirType *type, GirValue m, ExprList *args,
                         const GirValue *vs, Span sp) {
  GirValue a[4] = {m};
  uint32_t n = 1;
  for (size_t i = 0; i < args->len && i < 3; i++)
    if (!is_unit(L, args->data[i]->ty)) a[n++] = vs[i];
  return gir_map_op(&L->g, fn, mt, type, a, n, sp);
}

static GirValue lower_map_method(Lower *L, Expr *e, GirValue m) {
  Span sp = e->span;
  GirBuilder *g = &L->g;
  Builtin bi = e->method.builtin;
  ExprList *args = &e->method.args;
  if (bi == BM_LIST_TO_SET) {
    const GirType *st = gty(e->ty);
    return gir_map_op(g, GIR_SET_FROM_LIST, st, st, &m, 1, sp);
  }
  const GirType *mt = gty(e->method.recv->ty);
  const GirType *rt = gty(e->ty);
  GirValue vs[3] = {GIR_NO_VALUE, GIR_NO_VALUE, GIR_NO_VALUE};
  for (size_t i = 0; i < args->len && i < 3; i++) {
    vs[i] = lower_expr(L, args->data[i]);
    if (dead(L)) return GIR_NO_VALUE;
  }
  static const GirMapFn direct[] = {
      [BM_MAP_LEN] = GIR_MAP_LEN,           [BM_MAP_GET_OR] = GIR_MAP_GET_OR,
      [BM_MAP_INSERT] = GIR_MAP_INSERT,     [BM_MAP_REMOVE] = GIR_MAP_REMOVE,
      [BM_MAP_CONTAINS] = GIR_MAP_CONTAINS, [BM_MAP_KEYS] = GIR_MAP_KEYS,
      [BM_MAP_VALUES] = GIR_MAP_VALUES,     [BM_MAP_PAIRS] = GIR_MAP_PAIRS,
      [BM_MAP_UPDATE] = GIR_MAP_UPDATE,     [BM_MAP_MERGE] = GIR_MAP_MERGE,
      [BM_MAP_MAP_VALUES] = GIR_MAP_MAP_VALUES,
      [BM_MAP_FILTER] = GIR_MAP_FILTER,     [BM_SET_ADD] = GIR_SET_ADD,
      [BM_SET_UNION] = GIR_SET_UNION,
      [BM_SET_INTERSECTION] = GIR_SET_INTERSECTION,
      [BM_SET_DIFFERENCE] = GIR_SET_DIFFERENCE,
      [BM_SET_TO_LIST] = GIR_SET_TO_LIST,
  };
  switch (bi) {
  case BM_MAP_IS_EMPTY: {
    GirValue n = gir_map_op(g, GIR_MAP_LEN, mt, &gir_t_int, &m, 1, sp);
    return gir_op2(g, GIR_OP_IEQ, &gir_t_bool, n, gir_const_int(g, 0, sp), sp);
  }
  case BM_MAP_GET: {
    /* contains ? Some(m[k]) : None */
    GirValue c = map_call(L, GIR_MAP_CONTAINS, mt, &gir_t_bool, m, args, vs, sp);
    Join j;
    some_if(L, &j, c, rt, sp);
    GirValue v = map_call(L, GIR_MAP_INDEX, mt, mt->elem, m, args, vs, sp);
    return some_end(L, &j, rt, v, sp);
  }
  default:
    if (bi < BM_MAP_LEN || bi > BM_SET_TO_LIST)
      GJ_UNREACHABLE("map method");
    return map_call(L, direct[bi], mt, rt, m, args, vs, sp);
  }
}

typedef struct FoldCtx {
  GirValue list;
  const GirType *lt;
  Builtin bi;
  const Type *elem;    /* Sema type of the elements */
  GirValue acc;        /* running value (sum; best so far) */
  GirValue other;      /* zip: the other list */
  const GirType *ot;   /* zip/enumerate: the tuple type */
  Span sp;
} FoldCtx;

static void fold_step(Lower *L, GirValue i, void *vctx) {
  FoldCtx *c = vctx;
  GirValue x = list_get(L, c->list, c->lt, i, c->sp);
  switch (c->bi) {
  case BM_LIST_SUM:
    c->acc = gir_op2(&L->g, c->lt->elem->kind == GIR_T_FLOAT ? GIR_OP_FADD
                                                              : GIR_OP_IADD,
                     c->lt->elem, c->acc, x, c->sp);
    break;
  case BM_LIST_ENUMERATE: {
    GirValue pair[2] = {i, x};
    GirValue t = new_object(L, c->ot, 0, pair, c->sp);
    c->acc = gir_list_push(&L->g, gir_value_type(L->g.f, c->acc),
                     c->acc, t, c->sp);
    break;
  }
  case BM_LIST_ZIP: {
    const GirType *olt = gir_value_type(L->g.f, c->other);
    GirValue y = list_get(L, c->other, olt, i, c->sp);
    GirValue pair[2] = {x, y};
    GirValue t = new_object(L, c->ot, 0, pair, c->sp);
    c->acc = gir_list_push(&L->g, gir_value_type(L->g.f, c->acc),
                     c->acc, t, c->sp);
    break;
  }
  default: { /* MIN / MAX: keep the better of acc and x */
    if (c->lt->elem->kind == GIR_T_UNIT) break; /* all equal */
    GirValue better = lower_compare(L, c->bi == BM_LIST_MIN ? TOK_LT : TOK_GT,
                                    c->elem, x, c->acc, c->sp);
    Join j;
    join_init_plain(L, &j, c->lt->elem, "minmax");
    GirBlock *take = gir_block_new(L->m, L->g.f, "minmax.take");
    GirBlock *keep = gir_block_new(L->m, L->g.f, "minmax.keep");
    gir_br(&L->g, better, take, keep, c->sp);
    gir_set_block(&L->g, take);
    join_jump(L, &j, x, c->sp);
    gir_set_block(&L->g, keep);
    join_jump(L, &j, c->acc, c->sp);
    c->acc = join_enter(L, &j);
  }
  }
}

/* A loop carrying `c->acc` through its iterations (a block parameter of
 * the loop header, like a mut binding; none when the accumulator is Unit:
 * the min or max of a List[Unit], whose init is GIR_NO_VALUE). */
static GirValue fold_list(Lower *L, FoldCtx *c, GirValue init, GirValue start,
                          GirValue n) {
  Span sp = c->sp;
  bool has_acc = init != GIR_NO_VALUE;
  const GirType *at = has_acc ? gir_value_type(L->g.f, init) : NULL;
  uint32_t nj = has_acc ? 2 : 1;
  GirBlock *head = gir_block_new(L->m, L->g.f, "fold.head");
  GirValue hi = gir_block_add_param(L->m, L->g.f, head, &gir_t_int);
  GirValue hacc = has_acc ? gir_block_add_param(L->m, L->g.f, head, at)
                          : GIR_NO_VALUE;
  GirBlock *exit = gir_block_new(L->m, L->g.f, "fold.end");
  GirValue racc = has_acc ? gir_block_add_param(L->m, L->g.f, exit, at)
                          : GIR_NO_VALUE;
  GirValue a0[2] = {start, init};
  gir_jmp(&L->g, head, a0, nj, sp);
  gir_set_block(&L->g, head);
  GirBlock *body = gir_block_new(L->m, L->g.f, "fold.body");
  GirBlock *out = gir_block_new(L->m, L->g.f, "fold.exit");
  gir_br(&L->g, gir_op2(&L->g, GIR_OP_ILT, &gir_t_bool, hi, n, sp), body, out, sp);
  gir_set_block(&L->g, out);
  gir_jmp(&L->g, exit, &hacc, nj - 1, sp);
  gir_set_block(&L->g, body);
  c->acc = hacc;
  fold_step(L, hi, c);
  GirValue a1[2] = {gir_op2(&L->g, GIR_OP_IADD, &gir_t_int, hi,
                            gir_const_int(&L->g, 1, sp), sp), c->acc};
  gir_jmp(&L->g, head, a1, nj, sp);
  gir_set_block(&L->g, exit);
  return racc;
}

static GirValue lower_list_method(Lower *L, Expr *e, GirValue l) {
  Span sp = e->span;
  GirBuilder *g = &L->g;
  const GirType *lt = gty(e->method.recv->ty);
  ExprList *args = &e->method.args;
  GirValue a[2] = {GIR_NO_VALUE, GIR_NO_VALUE};
  for (size_t i = 0; i < args->len && i < 2; i++) {
    a[i] = lower_expr(L, args->data[i]);
    if (dead(L)) return GIR_NO_VALUE;
  }
  Builtin bi = e->method.builtin;
  switch (bi) {
  case BM_LIST_LEN: return list_len(L, l, sp);
  case BM_LIST_IS_EMPTY:
    return gir_op2(g, GIR_OP_IEQ, &gir_t_bool, list_len(L, l, sp),
                   gir_const_int(g, 0, sp), sp);
  case BM_LIST_PUSH: return gir_list_push(g, lt, l, a[0], sp);
  case BM_LIST_SET: {
    return gir_list_set(g, lt, l, a[0], a[1], sp);
  }
  case BM_LIST_GET: {
    GirValue n = list_len(L, l, sp);
    /* 0 <= i < n, as one unsigned compare would; two signed ones here */
    Join j;
    join_init_plain(L, &j, &gir_t_bool, "inrange");
    GirBlock *lo_ok = gir_block_new(L->m, L->g.f, "inrange.lo");
    GirBlock *no = gir_block_new(L->m, L->g.f, "inrange.no");
    gir_br(g, gir_op2(g, GIR_OP_IGE, &gir_t_bool, a[0], gir_const_int(g, 0, sp),
                      sp), lo_ok, no, sp);
    gir_set_block(g, lo_ok);
    join_jump(L, &j, gir_op2(g, GIR_OP_ILT, &gir_t_bool, a[0], n, sp), sp);
    gir_set_block(g, no);
    join_jump(L, &j, gir_const_bool(g, false, sp), sp);
    GirValue ok = join_enter(L, &j);
    return opt_get(L, l, lt, a[0], ok, gty(e->ty), sp);
  }
  case BM_LIST_FIRST: case BM_LIST_LAST: {
    GirValue n = list_len(L, l, sp);
    GirValue ok = gir_op2(g, GIR_OP_IGT, &gir_t_bool, n, gir_const_int(g, 0, sp), sp);
    GirValue i = bi == BM_LIST_FIRST ? gir_const_int(g, 0, sp)
                 : gir_op2(g, GIR_OP_ISUB, &gir_t_int, n, gir_const_int(g, 1, sp), sp);
    return opt_get(L, l, lt, i, ok, gty(e->ty), sp);
  }
  case BM_LIST_CONTAINS: {
    GirValue xs[2] = {l, a[0]};
    return gir_list_op(g, GIR_LIST_CONTAINS, xs, 2, sp);
  }
  case BM_LIST_INDEX_OF: {
    GirValue xs[2] = {l, a[0]};
    GirValue r = gir_list_op(g, GIR_LIST_INDEX_OF, xs, 2, sp);
    const GirType *ot = gty(e->ty);
    Join j;
    some_if(L, &j, gir_op2(g, GIR_OP_IGE, &gir_t_bool, r, gir_const_int(g, 0, sp),
                           sp), ot, sp);
    return some_end(L, &j, ot, r, sp);
  }
  case BM_LIST_INSERT: case BM_LIST_REMOVE: {
    /* by slices: xs[0..i] ++ [x] ++ xs[i..], xs[0..i] ++ xs[i+1..]; the
     * index is checked first with a get (0 <= i < len), except that
     * insert at len appends */
    GirValue n = list_len(L, l, sp);
    GirValue i = a[0];
    Join j;
    join_init_plain(L, &j, lt, "ins.end");
    if (bi == BM_LIST_INSERT) {
      GirBlock *app = gir_block_new(L->m, L->g.f, "ins.append");
      GirBlock *mid = gir_block_new(L->m, L->g.f, "ins.middle");
      gir_br(g, gir_op2(g, GIR_OP_IEQ, &gir_t_bool, i, n, sp), app, mid, sp);
      gir_set_block(g, app);
      join_jump(L, &j, gir_list_push(g, lt, l, a[1], sp), sp);
      gir_set_block(g, mid);
    }
    list_get(L, l, lt, i, sp); /* the bounds check */
    GirValue s1[3] = {l, gir_const_int(g, 0, sp), i};
    GirValue head = gir_op(g, GIR_OP_LIST_SLICE, lt, s1, 3, sp);
    GirValue from = bi == BM_LIST_INSERT ? i
        : gir_op2(g, GIR_OP_IADD, &gir_t_int, i, gir_const_int(g, 1, sp), sp);
    GirValue s2[3] = {l, from, n};
    GirValue tail = gir_op(g, GIR_OP_LIST_SLICE, lt, s2, 3, sp);
    if (bi == BM_LIST_INSERT) head = gir_list_push(g, lt, head, a[1], sp);
    join_jump(L, &j, gir_op2(g, GIR_OP_LIST_CONCAT, lt, head, tail, sp), sp);
    return join_enter(L, &j);
  }
  case BM_LIST_SORTED: return gir_list_op(g, GIR_LIST_SORTED, &l, 1, sp);
  case BM_LIST_REVERSED: return gir_list_op(g, GIR_LIST_REVERSED, &l, 1, sp);
  case BM_LIST_TAKE: case BM_LIST_DROP: {
    GirValue xs[2] = {l, a[0]};
    return gir_list_op(g, bi == BM_LIST_TAKE ? GIR_LIST_TAKE : GIR_LIST_DROP,
                       xs, 2, sp);
  }
  case BM_LIST_JOIN: {
    GirValue xs[2] = {l, a[0]};
    return gir_list_op(g, GIR_LIST_JOIN, xs, 2, sp);
  }
  case BM_LIST_SUM: {
    FoldCtx c = {.list = l, .lt = lt, .bi = bi, .sp = sp};
    GirValue zero = lt->elem->kind == GIR_T_FLOAT ? gir_const_float(g, 0.0, sp)
                                                   : gir_const_int(g, 0, sp);
    return fold_list(L, &c, zero, gir_const_int(g, 0, sp), list_len(L, l, sp));
  }
  case BM_LIST_MIN: case BM_LIST_MAX: {
    const GirType *ot = gty(e->ty);
    Type *el = ST(L, e->method.recv->ty)->args[0];
    GirValue n = list_len(L, l, sp);
    Join j;
    some_if(L, &j, gir_op2(g, GIR_OP_IGT, &gir_t_bool, n, gir_const_int(g, 0, sp),
                           sp), ot, sp);
    FoldCtx c = {.list = l, .lt = lt, .bi = bi, .elem = el, .sp = sp};
    GirValue first = list_get(L, l, lt, gir_const_int(g, 0, sp), sp);
    GirValue best = fold_list(L, &c, first, gir_const_int(g, 1, sp), n);
    return some_end(L, &j, ot, best, sp);
  }
  case BM_LIST_ENUMERATE: case BM_LIST_ZIP: {
    const GirType *rlt = gty(e->ty);
    GirValue n = list_len(L, l, sp);
    if (bi == BM_LIST_ZIP) {
      GirValue m = list_len(L, a[0], sp);
      n = gir_op2(g, GIR_OP_IMIN, &gir_t_int, n, m, sp);
    }
    FoldCtx c = {.list = l, .lt = lt, .bi = bi, .other = a[0],
                 .ot = rlt->elem, .sp = sp};
    GirValue empty = gir_list_new(g, rlt, NULL, 0, sp);
    return fold_list(L, &c, empty, gir_const_int(g, 0, sp), n);
  }
  case BM_LIST_POP: {
    /* Some((xs[0..n-1], xs[n-1])) or None */
    const GirType *ot = gty(e->ty);
    const GirType *tt = ot->ctors[1].fields[0];
    GirValue n = list_len(L, l, sp);
    Join j;
    some_if(L, &j, gir_op2(g, GIR_OP_IGT, &gir_t_bool, n, gir_const_int(g, 0, sp),
                           sp), ot, sp);
    GirValue last = gir_op2(g, GIR_OP_ISUB, &gir_t_int, n, gir_const_int(g, 1, sp), sp);
    GirValue sl[3] = {l, gir_const_int(g, 0, sp), last};
    GirValue init = gir_op(g, GIR_OP_LIST_SLICE, lt, sl, 3, sp);
    GirValue pair[2] = {init, list_get(L, l, lt, last, sp)};
    return some_end(L, &j, ot, new_object(L, tt, 0, pair, sp), sp);
  }
  default:
    GJ_UNREACHABLE("list method");
  }
}

/* ---- Str methods (§13) ------------------------------------------------------------ */

static GirRtId str_method_rt(const char *name) {
  static const struct { const char *name; GirRtId id; } t[] = {
      {"upper", GIR_RT_STR_UPPER},       {"lower", GIR_RT_STR_LOWER},
      {"trim", GIR_RT_STR_TRIM},         {"trim_start", GIR_RT_STR_TRIM_START},
      {"trim_end", GIR_RT_STR_TRIM_END}, {"reverse", GIR_RT_STR_REVERSE},
      {"repeat", GIR_RT_STR_REPEAT},     {"pad_left", GIR_RT_STR_PAD_LEFT},
      {"pad_right", GIR_RT_STR_PAD_RIGHT}, {"char_count", GIR_RT_STR_CHAR_COUNT},
      {"contains", GIR_RT_STR_CONTAINS}, {"starts_with", GIR_RT_STR_STARTS_WITH},
      {"ends_with", GIR_RT_STR_ENDS_WITH}, {"count", GIR_RT_STR_COUNT},
      {"byte_at", GIR_RT_STR_BYTE_AT},   {"split", GIR_RT_STR_SPLIT},
      {"split_whitespace", GIR_RT_STR_SPLIT_WS}, {"lines", GIR_RT_STR_LINES},
      {"chars", GIR_RT_STR_CHARS},       {"bytes", GIR_RT_STR_BYTES},
      {"replace", GIR_RT_STR_REPLACE_STR}, {"find", GIR_RT_STR_FIND},
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    if (strcmp(t[i].name, name) == 0) return t[i].id;
  GJ_UNREACHABLE("Str method without a runtime function");
}

static GirValue lower_str_method(Lower *L, Expr *e, GirValue s) {
  Span sp = e->span;
  GirBuilder *g = &L->g;
  GirValue args[4] = {s};
  uint32_t n = 1;
  for (size_t i = 0; i < e->method.args.len && n < 4; i++) {
    args[n++] = lower_expr(L, e->method.args.data[i]);
    if (dead(L)) return GIR_NO_VALUE;
  }
  Builtin bi = e->method.builtin;
  if (bi == BM_STR_RT) {
    GirRtId id = str_method_rt(e->method.name);
    if (gir_rt_info(id)->ret == &gir_t_any_list)
      return gir_call_rt_typed(g, id, args, n, gty(e->ty), sp);
    return gir_call_rt(g, id, args, n, sp);
  }
  const GirType *ot = gty(e->ty);
  GirValue ok, val;
  if (bi == BM_STR_FIND) {
    val = gir_call_rt(g, GIR_RT_STR_FIND, args, 2, sp);
    ok = gir_op2(g, GIR_OP_IGE, &gir_t_bool, val, gir_const_int(g, 0, sp), sp);
  } else {
    bool is_int = bi == BM_STR_TO_INT;
    ok = rt(L, is_int ? GIR_RT_STR_IS_INT : GIR_RT_STR_IS_FLOAT, sp, 1, s);
    val = GIR_NO_VALUE;
  }
  Join j;
  some_if(L, &j, ok, ot, sp);
  if (bi != BM_STR_FIND)
    val = rt(L, bi == BM_STR_TO_INT ? GIR_RT_STR_PARSE_INT : GIR_RT_STR_PARSE_FLOAT,
             sp, 1, s);
  return some_end(L, &j, ot, val, sp);
}

/* ---- regex (§14) ------------------------------------------------------------ */

/* s.replace_with(re, f): the pieces between the matches and f(m) for each
 * match m, joined — a loop over match_all in GIR, so f is an ordinary
 * closure call. */
static GirValue replace_with(Lower *L, GirValue s, GirValue re, GirValue f,
                             Span sp) {
  GirBuilder *g = &L->g;
  const GirType *lt = gir_type_list(L->m, &gir_t_match);
  GirValue ms = gir_call_rt_typed(g, GIR_RT_REGEX_MATCH_ALL, (GirValue[]){s, re},
                                  2, lt, sp);
  GirValue n = list_len(L, ms, sp);
  GirBlock *head = gir_block_new(L->m, g->f, "rw.head");
  GirValue i = gir_block_add_param(L->m, g->f, head, &gir_t_int);
  GirValue acc = gir_block_add_param(L->m, g->f, head, &gir_t_str);
  GirValue last = gir_block_add_param(L->m, g->f, head, &gir_t_int);
  GirValue a[3] = {gir_const_int(g, 0, sp),
                   rt(L, GIR_RT_STR_WITH_CAP, sp, 1, rt(L, GIR_RT_STR_LEN, sp, 1, s)),
                   gir_const_int(g, 0, sp)};
  gir_jmp(g, head, a, 3, sp);
  gir_set_block(g, head);
  GirBlock *body = gir_block_new(L->m, g->f, "rw.body");
  GirBlock *out = gir_block_new(L->m, g->f, "rw.out");
  gir_br(g, gir_op2(g, GIR_OP_ILT, &gir_t_bool, i, n, sp), body, out, sp);
  gir_set_block(g, body);
  GirValue m = list_get(L, ms, lt, i, sp);
  GirValue st = rt(L, GIR_RT_MATCH_START, sp, 1, m);
  GirValue en = rt(L, GIR_RT_MATCH_END, sp, 1, m);
  GirValue piece = rt(L, GIR_RT_STR_SLICE, sp, 3, s, last, st);
  GirValue acc1 = rt(L, GIR_RT_STR_APPEND_STR, sp, 2, acc, piece);
  GirValue r = call1(L, f, m, sp);
  GirValue b[3] = {gir_op2(g, GIR_OP_IADD, &gir_t_int, i, gir_const_int(g, 1, sp), sp),
                   rt(L, GIR_RT_STR_APPEND_STR, sp, 2, acc1, r), en};
  gir_jmp(g, head, b, 3, sp);
  gir_set_block(g, out);
  GirValue tail = rt(L, GIR_RT_STR_SLICE, sp, 3, s, last, rt(L, GIR_RT_STR_LEN, sp, 1, s));
  return rt(L, GIR_RT_STR_APPEND_STR, sp, 2, acc, tail);
}

static GirValue lower_regex_method(Lower *L, Expr *e, GirValue v) {
  Span sp = e->span;
  GirBuilder *g = &L->g;
  GirValue a[2] = {GIR_NO_VALUE, GIR_NO_VALUE};
  for (size_t i = 0; i < e->method.args.len && i < 2; i++) {
    a[i] = lower_expr(L, e->method.args.data[i]);
    if (dead(L)) return GIR_NO_VALUE;
  }
  const char *name = e->method.name;
  const GirType *ty = gty(e->ty);
  switch (e->method.builtin) {
  case BM_STR_RE:
    if (strcmp(name, "match_all") == 0 || strcmp(name, "split") == 0)
      return gir_call_rt_typed(g, name[0] == 'm' ? GIR_RT_REGEX_MATCH_ALL
                                                 : GIR_RT_REGEX_SPLIT,
                               (GirValue[]){v, a[0]}, 2, ty, sp);
    if (strcmp(name, "count") == 0) return rt(L, GIR_RT_REGEX_COUNT, sp, 2, v, a[0]);
    return rt(L, GIR_RT_REGEX_REPLACE, sp, 4, v, a[0], a[1],
              gir_const_bool(g, strcmp(name, "replace") == 0, sp));
  case BM_STR_MATCH: {
    GirValue m = rt(L, GIR_RT_REGEX_MATCH, sp, 2, v, a[0]);
    GirValue some_p = gir_op1(g, GIR_OP_BNOT, &gir_t_bool,
                              rt(L, GIR_RT_MATCH_IS_NONE, sp, 1, m), sp);
    Join j;
    some_if(L, &j, some_p, ty, sp);
    return some_end(L, &j, ty, m, sp);
  }
  case BM_STR_REPLACE_WITH: return replace_with(L, v, a[0], a[1], sp);
  case BM_REGEX_PATTERN: return rt(L, GIR_RT_REGEX_PATTERN, sp, 1, v);
  case BM_MATCH_RT:
    return rt(L, name[0] == 't' ? GIR_RT_MATCH_TEXT : name[0] == 's'
              ? GIR_RT_MATCH_START : GIR_RT_MATCH_END, sp, 1, v);
  case BM_MATCH_OPT:
    return str_option(L, rt(L, name[0] == 'g' ? GIR_RT_MATCH_GROUP
                            : GIR_RT_MATCH_NAMED, sp, 2, v, a[0]), ty, sp);
  default: GJ_UNREACHABLE("regex method");
  }
}

/* regex(s): Ok(the regex) or Err(PCRE2's message) (§14). */
static GirValue lower_regex_call(Lower *L, Expr *e) {
  GirValue pat = lower_expr(L, e->call.args.data[0]);
  if (dead(L)) return GIR_NO_VALUE;
  Span sp = e->span;
  GirValue re = rt(L, GIR_RT_REGEX_COMPILE, sp, 1, pat);
  GirValue ok = gir_op1(&L->g, GIR_OP_BNOT, &gir_t_bool,
                        rt(L, GIR_RT_REGEX_IS_NONE, sp, 1, re), sp);
  return ok_or_err(L, ok, gty(e->ty), re, GIR_NO_VALUE, pat,
                   GIR_RT_REGEX_ERROR, sp);
}

/* ---- the math module (§18) ----------------------------------------------------- */

static GirValue lower_math(Lower *L, Expr *e) {
  GirValue a[2] = {GIR_NO_VALUE, GIR_NO_VALUE};
  for (size_t i = 0; i < e->method.args.len && i < 2; i++) {
    a[i] = lower_expr(L, e->method.args.data[i]);
    if (dead(L)) return GIR_NO_VALUE;
  }
  Span sp = e->span;
  switch (e->method.builtin) {
  case BM_MATH_SQRT: return gir_op1(&L->g, GIR_OP_FSQRT, &gir_t_float, a[0], sp);
  case BM_MATH_IS_NAN: return gir_op2(&L->g, GIR_OP_FNE, &gir_t_bool, a[0], a[0], sp);
  case BM_MATH_SIN: return rt(L, GIR_RT_MATH_SIN, sp, 1, a[0]);
  case BM_MATH_COS: return rt(L, GIR_RT_MATH_COS, sp, 1, a[0]);
  case BM_MATH_TAN: return rt(L, GIR_RT_MATH_TAN, sp, 1, a[0]);
  case BM_MATH_EXP: return rt(L, GIR_RT_MATH_EXP, sp, 1, a[0]);
  case BM_MATH_LOG: return rt(L, GIR_RT_MATH_LOG, sp, 1, a[0]);
  case BM_MATH_ATAN2: return rt(L, GIR_RT_MATH_ATAN2, sp, 2, a[0], a[1]);
  case BM_MATH_POW: return rt(L, GIR_RT_MATH_POW, sp, 2, a[0], a[1]);
  default: GJ_UNREACHABLE("math function");
  }
}

/* ---- Range values (§4) ------------------------------------------------------ */

/* A Range is a tuple object (start, end, inclusive, stride, reversed)
 * (runtime/src/range.c): equality, order and hashing are its fields',
 * its text form the expression that makes it. Where a List method or a
 * `for` works on it, Sema types the operand List[Int] and lower_expr
 * converts (gj_range_to_list). */
static const GirType *range_type(Lower *L) {
  for (size_t i = 0; i < L->obj_keys.len; i++)
    if (L->obj_keys.data[i] == &ty_range) return L->obj_vals.data[i];
  GirType *g = gir_type_obj(L->m, "Range", false, true, 1);
  g->is_range = true;
  static const GirType *const fields[5] = {&gir_t_int, &gir_t_int, &gir_t_bool,
                                           &gir_t_int, &gir_t_bool};
  g->ctors[0].name = "";
  g->ctors[0].nfields = 5;
  g->ctors[0].fields = (const GirType **)fields;
  VEC_PUSH(L->s->arena, L->obj_keys, &ty_range);
  VEC_PUSH(L->s->arena, L->obj_vals, g);
  return g;
}

static void range_fields(Lower *L, GirValue r, GirValue f[5], Span sp) {
  const GirType *rt = range_type(L);
  for (uint32_t i = 0; i < 5; i++) f[i] = gir_proj(&L->g, r, rt, 0, i, sp);
}

static GirValue range_new(Lower *L, const GirValue f[5], Span sp) {
  return gir_new(&L->g, range_type(L), 0, f, 5, sp);
}

static GirValue range_to_list(Lower *L, GirValue r, Span sp) {
  GirValue f[5];
  range_fields(L, r, f, sp);
  return gir_call_rt_typed(&L->g, GIR_RT_RANGE_TO_LIST, f, 5,
                           gir_type_list(L->m, &gir_t_int), sp);
}

static GirValue lower_range_value(Lower *L, Expr *e) {
  bool call = e->kind == EX_CALL;
  Expr *lo_e = call ? e->call.args.data[0] : e->bin.lhs;
  Expr *hi_e = call ? e->call.args.data[1] : e->bin.rhs;
  GirValue lo = lower_expr(L, lo_e);
  if (dead(L)) return GIR_NO_VALUE;
  GirValue hi = lower_expr(L, hi_e);
  if (dead(L)) return GIR_NO_VALUE;
  bool incl = !call && e->bin.op == TOK_DOTDOTEQ;
  GirValue f[5] = {lo, hi, gir_const_bool(&L->g, incl, e->span),
                   gir_const_int(&L->g, 1, e->span),
                   gir_const_bool(&L->g, false, e->span)};
  return range_new(L, f, e->span);
}

/* Range.rev(): the same values, the other way. */
static GirValue range_rev(Lower *L, GirValue r, Span sp) {
  GirValue f[5];
  range_fields(L, r, f, sp);
  f[4] = gir_op2(&L->g, GIR_OP_IEQ, &gir_t_bool, f[4],
                 gir_const_bool(&L->g, false, sp), sp);
  return range_new(L, f, sp);
}

/* Range.step(n): every n-th value, from the first (n must be positive). */
static GirValue range_step(Lower *L, GirValue r, GirValue n, Span sp) {
  GirBuilder *g = &L->g;
  GirBlock *bad = gir_block_new(L->m, L->g.f, "step.bad");
  GirBlock *ok = gir_block_new(L->m, L->g.f, "step.ok");
  gir_br(g, gir_op2(g, GIR_OP_IGT, &gir_t_bool, n, gir_const_int(g, 0, sp), sp),
         ok, bad, sp);
  gir_set_block(g, bad);
  rt(L, GIR_RT_PANIC, sp, 1, gir_const_str(g, "step must be positive", 21, sp));
  gir_unreachable(g, sp);
  gir_set_block(g, ok);
  GirValue f[5], nf[5];
  range_fields(L, r, f, sp);
  nf[0] = rt(L, GIR_RT_RANGE_STEP_START, sp, 6, f[0], f[1], f[2], f[3], f[4], n);
  nf[1] = rt(L, GIR_RT_RANGE_STEP_END, sp, 5, f[0], f[1], f[2], f[3], f[4]);
  nf[2] = rt(L, GIR_RT_RANGE_STEP_INCL, sp, 5, f[0], f[1], f[2], f[3], f[4]);
  nf[3] = rt(L, GIR_RT_RANGE_STEP_STRIDE, sp, 2, f[3], n);
  nf[4] = f[4];
  return range_new(L, nf, sp);
}

/* ---- List and Option methods that take a sub ---------------------------------- */

/* Calls closure f with one or two arguments (Unit ones have no value). */
static GirValue call1(Lower *L, GirValue f, GirValue x, Span sp) {
  const GirType *ft = gir_value_type(L->g.f, f);
  return gir_call_closure(&L->g, f, &x, x == GIR_NO_VALUE ? 0 : 1, sp);
  (void)ft;
}

/* A loop over list l: head(i, acc) … with the body given as a step kind.
 * any/all/find leave early. */
static GirValue lower_list_hof(Lower *L, Expr *e, GirValue l) {
  Span sp = e->span;
  GirBuilder *g = &L->g;
  const GirType *lt = gty(e->method.recv->ty);
  Builtin bi = e->method.builtin;
  ExprList *args = &e->method.args;
  GirValue a0 = lower_expr(L, args->data[0]);
  if (dead(L)) return GIR_NO_VALUE;
  GirValue a1 = GIR_NO_VALUE;
  if (args->len > 1) {
    a1 = lower_expr(L, args->data[1]);
    if (dead(L)) return GIR_NO_VALUE;
  }
  GirValue f = bi == BM_LIST_FOLD ? a1 : a0;
  const GirType *rt = gty(e->ty);
  bool early = bi == BM_LIST_ANY || bi == BM_LIST_ALL || bi == BM_LIST_FIND;
  /* the accumulator: map/filter a new list; fold the given initial value */
  GirValue init;
  const GirType *acc_t;
  if (bi == BM_LIST_MAP || bi == BM_LIST_FILTER) {
    acc_t = bi == BM_LIST_MAP ? rt : lt;
    init = gir_list_new(g, acc_t, NULL, 0, sp);
  } else if (bi == BM_LIST_FOLD) {
    acc_t = rt;
    init = a0;
  } else {
    acc_t = NULL;
    init = GIR_NO_VALUE;
  }
  bool has_acc = acc_t && acc_t->kind != GIR_T_UNIT;
  GirValue n = list_len(L, l, sp);
  GirBlock *head = gir_block_new(L->m, L->g.f, "hof.head");
  GirValue hi = gir_block_add_param(L->m, L->g.f, head, &gir_t_int);
  GirValue hacc = has_acc ? gir_block_add_param(L->m, L->g.f, head, acc_t)
                          : GIR_NO_VALUE;
  GirBlock *done = gir_block_new(L->m, L->g.f, "hof.done");
  GirValue result = rt->kind != GIR_T_UNIT
                        ? gir_block_add_param(L->m, L->g.f, done, rt)
                        : GIR_NO_VALUE;
  GirValue a[2] = {gir_const_int(g, 0, sp), init};
  gir_jmp(g, head, a, has_acc ? 2 : 1, sp);
  gir_set_block(g, head);
  GirBlock *body = gir_block_new(L->m, L->g.f, "hof.body");
  GirBlock *out = gir_block_new(L->m, L->g.f, "hof.out");
  gir_br(g, gir_op2(g, GIR_OP_ILT, &gir_t_bool, hi, n, sp), body, out, sp);
  /* the list ran out */
  gir_set_block(g, out);
  {
    GirValue r = GIR_NO_VALUE;
    if (has_acc) r = hacc;
    else if (bi == BM_LIST_ANY) r = gir_const_bool(g, false, sp);
    else if (bi == BM_LIST_ALL) r = gir_const_bool(g, true, sp);
    else if (bi == BM_LIST_FIND) r = none(L, rt, sp);
    gir_jmp(g, done, &r, r == GIR_NO_VALUE ? 0 : 1, sp);
  }
  gir_set_block(g, body);
  GirValue x = list_get(L, l, lt, hi, sp);
  GirValue next_acc = hacc;
  if (early) {
    GirValue p = call1(L, f, x, sp);
    GirBlock *stop = gir_block_new(L->m, L->g.f, "hof.stop");
    GirBlock *go = gir_block_new(L->m, L->g.f, "hof.go");
    if (bi == BM_LIST_ALL) gir_br(g, p, go, stop, sp);
    else gir_br(g, p, stop, go, sp);
    gir_set_block(g, stop);
    GirValue r = bi == BM_LIST_ANY ? gir_const_bool(g, true, sp)
               : bi == BM_LIST_ALL ? gir_const_bool(g, false, sp)
               : some(L, rt, x, sp);
    gir_jmp(g, done, &r, 1, sp);
    gir_set_block(g, go);
  } else if (bi == BM_LIST_MAP) {
    GirValue y = call1(L, f, x, sp);
    next_acc = gir_list_push(g, acc_t, hacc, y, sp);
  } else if (bi == BM_LIST_FILTER) {
    GirValue p = call1(L, f, x, sp);
    GirBlock *keep = gir_block_new(L->m, L->g.f, "filter.keep");
    GirBlock *join = gir_block_new(L->m, L->g.f, "filter.next");
    GirValue jacc = gir_block_add_param(L->m, L->g.f, join, acc_t);
    GirBlock *skip = gir_block_new(L->m, L->g.f, "filter.skip");
    gir_br(g, p, keep, skip, sp);
    gir_set_block(g, keep);
    GirValue pushed = gir_list_push(g, acc_t, hacc, x, sp);
    gir_jmp(g, join, &pushed, 1, sp);
    gir_set_block(g, skip);
    gir_jmp(g, join, &hacc, 1, sp);
    gir_set_block(g, join);
    next_acc = jacc;
  } else if (bi == BM_LIST_FOLD) {
    GirValue xs[2];
    uint32_t k = 0;
    if (has_acc) xs[k++] = hacc;
    if (x != GIR_NO_VALUE) xs[k++] = x;
    next_acc = gir_call_closure(g, f, xs, k, sp);
  } else { /* each */
    call1(L, f, x, sp);
  }
  GirValue i1 = gir_op2(g, GIR_OP_IADD, &gir_t_int, hi, gir_const_int(g, 1, sp), sp);
  GirValue b[2] = {i1, next_acc};
  gir_jmp(g, head, b, has_acc ? 2 : 1, sp);
  gir_set_block(g, done);
  return result;
}

/* sorted_by(key): sort (key, index) pairs — stable, since equal keys keep
 * their index order — then read the elements back in that order. */
static GirValue lower_sorted_by(Lower *L, Expr *e, GirValue l) {
  Span sp = e->span;
  GirBuilder *g = &L->g;
  const GirType *lt = gty(e->method.recv->ty);
  GirValue f = lower_expr(L, e->method.args.data[0]);
  if (dead(L)) return GIR_NO_VALUE;
  Type *el = ST(L, e->method.recv->ty)->args[0];
  Type *kt = type_resolve(L->tc, ST(L, e->method.args.data[0]->ty)->args[1]);
  Type *pair[2] = {kt, &ty_int};
  Type *pt = type_tuple(L->tc, pair, 2);
  const GirType *gpt = gty(pt);
  const GirType *plt = gty(type_list(L->tc, pt));
  (void)el;
  GirValue n = list_len(L, l, sp);
  /* keys */
  GirBlock *head = gir_block_new(L->m, L->g.f, "sortby.head");
  GirValue hi = gir_block_add_param(L->m, L->g.f, head, &gir_t_int);
  GirValue hacc = gir_block_add_param(L->m, L->g.f, head, plt);
  GirValue a[2] = {gir_const_int(g, 0, sp), gir_list_new(g, plt, NULL, 0, sp)};
  gir_jmp(g, head, a, 2, sp);
  gir_set_block(g, head);
  GirBlock *body = gir_block_new(L->m, L->g.f, "sortby.body");
  GirBlock *out = gir_block_new(L->m, L->g.f, "sortby.sort");
  gir_br(g, gir_op2(g, GIR_OP_ILT, &gir_t_bool, hi, n, sp), body, out, sp);
  gir_set_block(g, body);
  GirValue k = call1(L, f, list_get(L, l, lt, hi, sp), sp);
  GirValue pv[2] = {k, hi};
  GirValue pushed = gir_list_push(g, plt, hacc,
                            new_object(L, gpt, 0, pv, sp), sp);
  GirValue b[2] = {gir_op2(g, GIR_OP_IADD, &gir_t_int, hi, gir_const_int(g, 1, sp), sp),
                   pushed};
  gir_jmp(g, head, b, 2, sp);
  gir_set_block(g, out);
  GirValue sorted = gir_list_op(g, GIR_LIST_SORTED, &hacc, 1, sp);
  /* read back */
  GirBlock *h2 = gir_block_new(L->m, L->g.f, "sortby.read");
  GirValue j = gir_block_add_param(L->m, L->g.f, h2, &gir_t_int);
  GirValue racc = gir_block_add_param(L->m, L->g.f, h2, lt);
  GirValue c[2] = {gir_const_int(g, 0, sp), gir_list_new(g, lt, NULL, 0, sp)};
  gir_jmp(g, h2, c, 2, sp);
  gir_set_block(g, h2);
  GirBlock *b2 = gir_block_new(L->m, L->g.f, "sortby.item");
  GirBlock *fin = gir_block_new(L->m, L->g.f, "sortby.done");
  gir_br(g, gir_op2(g, GIR_OP_ILT, &gir_t_bool, j, n, sp), b2, fin, sp);
  gir_set_block(g, b2);
  GirValue p = list_get(L, sorted, plt, j, sp);
  GirValue idx = proj(L, p, gpt, 0, 1, sp);
  GirValue item = list_get(L, l, lt, idx, sp);
  GirValue d[2] = {gir_op2(g, GIR_OP_IADD, &gir_t_int, j, gir_const_int(g, 1, sp), sp),
                   gir_list_push(g, lt, racc, item, sp)};
  gir_jmp(g, h2, d, 2, sp);
  gir_set_block(g, fin);
  return racc;
}

/* Option.map / and_then / or_else, Result.map / and_then / or_else /
 * map_err (§12). */
static GirValue lower_option_hof(Lower *L, Expr *e, GirValue v) {
  Span sp = e->span;
  GirBuilder *g = &L->g;
  GirValue f = lower_expr(L, e->method.args.data[0]);
  if (dead(L)) return GIR_NO_VALUE;
  Type *rty = ST(L, e->method.recv->ty);
  const GirType *t = gty(rty);
  const GirType *ot = gty(e->ty);
  bool is_opt = rty->decl->name[0] == 'O';
  uint32_t good = is_opt ? 1 : 0, bad = is_opt ? 0 : 1;
  Builtin bi = e->method.builtin;
  Join j;
  join_init_plain(L, &j, ot->kind == GIR_T_UNIT ? NULL : ot, "opt.hof");
  GirValue tag = gir_tag(g, v, sp);
  GirBlock *yes = gir_block_new(L->m, L->g.f, "opt.good");
  GirBlock *no = gir_block_new(L->m, L->g.f, "opt.bad");
  gir_br(g, gir_op2(g, GIR_OP_IEQ, &gir_t_bool, tag, gir_const_int(g, good, sp), sp),
         yes, no, sp);
  gir_set_block(g, yes);
  GirValue x = proj(L, v, t, good, 0, sp);
  GirValue r;
  switch (bi) {
  case BM_OPT_MAP: r = new_object(L, ot, good, (GirValue[]){call1(L, f, x, sp)}, sp); break;
  case BM_OPT_AND_THEN: r = call1(L, f, x, sp); break;
  default: r = x; /* or_else, map_err: the good value stays */
    if (bi == BM_RES_MAP_ERR) r = new_object(L, ot, good, &x, sp);
    else r = is_opt ? x : new_object(L, ot, good, &x, sp);
  }
  join_jump(L, &j, r, sp);
  gir_set_block(g, no);
  GirValue er = is_opt ? GIR_NO_VALUE : proj(L, v, t, bad, 0, sp);
  switch (bi) {
  case BM_OPT_OR_ELSE:
    r = is_opt ? gir_call_closure(g, f, NULL, 0, sp) : call1(L, f, er, sp);
    break;
  case BM_RES_MAP_ERR: r = new_object(L, ot, bad, (GirValue[]){call1(L, f, er, sp)}, sp); break;
  default: r = is_opt ? new_object(L, ot, 0, NULL, sp) : new_object(L, ot, bad, &er, sp);
  }
  join_jump(L, &j, r, sp);
  return join_enter(L, &j);
}

/* §9 list patterns: [], [p, q], [p, ..$rest], [$first, .., $last]. */
static void lower_list_pattern(Lower *L, Pattern *pt, GirValue v, GirBlock *fail) {
  GirBuilder *g = &L->g;
  Span sp = pt->span;
  const GirType *lt = gty(pt->ty);
  size_t n = pt->elems.len, rest = n;
  for (size_t i = 0; i < n; i++)
    if (pt->elems.data[i]->kind == PAT_REST) rest = i;
  size_t fixed = rest < n ? n - 1 : n;
  GirValue len = list_len(L, v, sp);
  GirValue k = gir_const_int(g, (int64_t)fixed, sp);
  branch_on(L, gir_op2(g, rest < n ? GIR_OP_IGE : GIR_OP_IEQ, &gir_t_bool, len,
                       k, sp), fail, sp);
  for (size_t i = 0; i < n; i++) {
    Pattern *sub = pt->elems.data[i];
    if (sub->kind == PAT_WILD) continue;
    if (sub->kind == PAT_REST) {
      if (!sub->binding) continue;
      GirValue from = gir_const_int(g, (int64_t)i, sp);
      GirValue to = gir_op2(g, GIR_OP_ISUB, &gir_t_int, len,
                            gir_const_int(g, (int64_t)(n - 1 - i), sp), sp);
      GirValue sl[3] = {v, from, to};
      bind_value(L, sub->binding, gir_op(g, GIR_OP_LIST_SLICE, lt, sl, 3, sp));
      continue;
    }
    GirValue idx = i < rest ? gir_const_int(g, (int64_t)i, sp)
                   : gir_op2(g, GIR_OP_ISUB, &gir_t_int, len,
                             gir_const_int(g, (int64_t)(n - i), sp), sp);
    lower_pattern(L, sub, list_get(L, v, lt, idx, sub->span), fail);
  }
}

/* ---- Option and Result (§12) ------------------------------------------------- */

/* The payload of constructor `ci` of v when v has it, else the block
 * `other` runs; returns the payload in the success path. */
static GirValue payload_or(Lower *L, GirValue v, const GirType *t, uint32_t ci,
                           GirBlock *other, Span sp) {
  GirValue tag = gir_tag(&L->g, v, sp);
  GirValue want = gir_const_int(&L->g, ci, sp);
  branch_on(L, gir_op2(&L->g, GIR_OP_IEQ, &gir_t_bool, tag, want, sp), other, sp);
  return proj(L, v, t, ci, 0, sp);
}

static GirValue tag_is(Lower *L, GirValue v, uint32_t ci, Span sp) {
  GirValue tag = gir_tag(&L->g, v, sp);
  return gir_op2(&L->g, GIR_OP_IEQ, &gir_t_bool, tag,
                 gir_const_int(&L->g, ci, sp), sp);
}

/* Panics with "unwrap of None" / "unwrap of Err: E" / the message. */
static void unwrap_panic(Lower *L, GirValue v, const GirType *t, bool is_opt,
                         GirValue msg, Span sp) {
  if (msg == GIR_NO_VALUE) {
    if (is_opt) {
      msg = gir_const_str(&L->g, "unwrap of None", 14, sp);
    } else {
      GirValue cap = gir_const_int(&L->g, 32, sp);
      GirValue buf = rt(L, GIR_RT_STR_WITH_CAP, sp, 1, cap);
      buf = rt(L, GIR_RT_STR_APPEND_STR, sp, 2, buf,
               gir_const_str(&L->g, "unwrap of Err: ", 15, sp));
      GirValue err = proj(L, v, t, 1, 0, sp);
      if (err == GIR_NO_VALUE)
        buf = rt(L, GIR_RT_STR_APPEND_UNIT, sp, 1, buf);
      else
        buf = gir_append_text(&L->g, buf, err, true, sp);
      msg = buf;
    }
  }
  rt(L, GIR_RT_PANIC, sp, 1, msg);
  gir_unreachable(&L->g, sp);
}

static GirValue lower_option_method(Lower *L, Expr *e, GirValue v) {
  Span sp = e->span;
  Type *rt_ty = e->method.recv->ty;
  const GirType *t = gty(rt_ty);
  bool is_opt = ST(L, rt_ty)->decl->name[0] == 'O';
  uint32_t good = is_opt ? 1 : 0; /* Some / Ok */
  switch (e->method.builtin) {
  case BM_OPT_IS_SOME: return tag_is(L, v, 1, sp);
  case BM_OPT_IS_NONE: return tag_is(L, v, 0, sp);
  case BM_RES_IS_OK: return tag_is(L, v, 0, sp);
  case BM_RES_IS_ERR: return tag_is(L, v, 1, sp);
  case BM_UNWRAP: case BM_EXPECT: {
    GirValue msg = GIR_NO_VALUE;
    if (e->method.builtin == BM_EXPECT) {
      msg = lower_expr(L, e->method.args.data[0]);
      if (dead(L)) return GIR_NO_VALUE;
    }
    GirBlock *bad = gir_block_new(L->m, L->g.f, "unwrap.fail");
    GirValue p = payload_or(L, v, t, good, bad, sp);
    GirBlock *cont = L->g.b;
    gir_set_block(&L->g, bad);
    unwrap_panic(L, v, t, is_opt, msg, sp);
    gir_set_block(&L->g, cont);
    return p;
  }
  case BM_OR: {
    GirValue d = lower_expr(L, e->method.args.data[0]);
    if (dead(L)) return GIR_NO_VALUE;
    Join j;
    join_init_plain(L, &j, gty(e->ty), "or.end");
    GirBlock *bad = gir_block_new(L->m, L->g.f, "or.default");
    GirValue p = payload_or(L, v, t, good, bad, sp);
    join_jump(L, &j, p, sp);
    gir_set_block(&L->g, bad);
    join_jump(L, &j, d, sp);
    return join_enter(L, &j);
  }
  case BM_RES_OK: case BM_RES_ERR: {
    const GirType *ot = gty(e->ty);
    uint32_t want = e->method.builtin == BM_RES_OK ? 0 : 1;
    Join j;
    join_init_plain(L, &j, ot, "opt.end");
    GirBlock *bad = gir_block_new(L->m, L->g.f, "opt.none");
    GirValue p = payload_or(L, v, t, want, bad, sp);
    join_jump(L, &j, new_object(L, ot, 1, &p, sp), sp);
    gir_set_block(&L->g, bad);
    join_jump(L, &j, new_object(L, ot, 0, NULL, sp), sp);
    return join_enter(L, &j);
  }
  default:
    GJ_UNREACHABLE("Option/Result method");
  }
}

/* §12: e? — the payload, or return None / Err(e) from the sub. */
static GirValue lower_try(Lower *L, Expr *e) {
  GirValue v = lower_expr(L, e->try_.operand);
  if (dead(L)) return GIR_NO_VALUE;
  Span sp = e->span;
  Type *ot = ST(L, e->try_.operand->ty);
  const GirType *t = gty(ot);
  bool is_opt = ot->decl->name[0] == 'O';
  const GirType *rt_t = gty(L->fn_ret);
  GirBlock *bad = gir_block_new(L->m, L->g.f, "try.return");
  GirValue p = payload_or(L, v, t, is_opt ? 1 : 0, bad, sp);
  GirBlock *cont = L->g.b;
  gir_set_block(&L->g, bad);
  GirValue r;
  if (is_opt) {
    r = new_object(L, rt_t, 0, NULL, sp);
  } else {
    GirValue err = proj(L, v, t, 1, 0, sp);
    r = new_object(L, rt_t, 1, &err, sp);
  }
  gir_ret(&L->g, r, sp);
  gir_set_block(&L->g, cont);
  return p;
}

static GirValue lower_expr_as_typed(Lower *L, Expr *e);

/* §4: a Range where Sema wants its List[Int] (a List method's receiver, a
 * `for` over a Range value) becomes that list here. */
GirValue lower_expr(Lower *L, Expr *e) {
  GirValue v = lower_expr_as_typed(L, e);
  if (v == GIR_NO_VALUE || dead(L)) return v;
  const GirType *t = gir_value_type(L->g.f, v);
  if (t->kind == GIR_T_OBJ && t->is_range && gty(e->ty) != t)
    return range_to_list(L, v, e->span);
  return v;
}

static GirValue lower_expr_as_typed(Lower *L, Expr *e) {
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
    if (e->name.ctor) return lower_ctor(L, e, e->name.ctor, NULL);
    if (e->name.sym->kind == SYM_SUB) return lower_sub_value(L, e);
    if (!e->name.sym->gir) return GIR_NO_VALUE; /* a Unit const */
    return gir_global_get(g, (GirGlobal *)e->name.sym->gir, e->span);
  case EX_UNARY: return lower_unary(L, e);
  case EX_BINARY: return lower_binary(L, e);
  case EX_REGEX:
    return gir_const_regex(&L->g, e->re.pattern, e->re.len, e->re.flag_bits,
                           e->span);
  case EX_CALL:
    if (e->call.ctor) return lower_ctor(L, e, e->call.ctor, &e->call.args);
    if (!e->call.sym && e->call.builtin == BI_NONE) return lower_fn_call(L, e);
    if (e->call.builtin != BI_NONE) return lower_builtin_call(L, e);
    return lower_sub_call(L, e->call.sym, NULL, &e->call.args, e->call.targs,
                          e->span);
  case EX_METHOD: return lower_method(L, e);
  case EX_BLOCK: return lower_block_stmts(L, e);
  case EX_IF: return lower_if(L, e);
  case EX_WHILE: return lower_while(L, e);
  case EX_FOR:
    if (is_match_all(e->for_.iter)) return lower_for_matches(L, e);
    switch (ST(L, e->for_.iter->ty)->kind) {
    case TY_LIST: case TY_MAP: case TY_SET: return lower_for_list(L, e);
    case TY_CHAN: return lower_for_chan(L, e);
    case TY_LINES: return lower_for_lines(L, e);
    default: break;
    }
    return lower_for(L, e);
  case EX_TUPLE: return lower_tuple(L, e);
  case EX_RECORD: return lower_record(L, e);
  case EX_WITH: return lower_with(L, e);
  case EX_FIELD: {
    if (e->field.recv->kind == EX_NAME && !e->field.recv->name.sym &&
        !e->field.recv->name.ctor) {
      /* a constant of the math module (§18) */
      double c = e->field.index == BM_MATH_PI ? 3.141592653589793
               : e->field.index == BM_MATH_E ? 2.718281828459045
               : e->field.index == BM_MATH_INF ? 1.0 / 0.0 : 0.0 / 0.0;
      return gir_const_float(g, c, e->span);
    }
    GirValue r = lower_expr(L, e->field.recv);
    if (dead(L)) return GIR_NO_VALUE;
    return proj(L, r, gty(e->field.recv->ty), 0, e->field.index, e->span);
  }
  case EX_TUPLE_INDEX: {
    GirValue r = lower_expr(L, e->tindex.recv);
    if (dead(L)) return GIR_NO_VALUE;
    return proj(L, r, gty(e->tindex.recv->ty), 0, (uint32_t)e->tindex.index,
                e->span);
  }
  case EX_MATCH: return lower_match(L, e, false);
  case EX_LIST: return lower_list(L, e);
  case EX_LAMBDA: return lower_lambda(L, e);
  case EX_HATCH: return lower_hatch(L, e);
  case EX_CHANNEL: return lower_channel(L, e);
  case EX_SELECT: return lower_select(L, e);
  case EX_INDEX: return lower_index(L, e);
  case EX_MAP: return lower_map(L, e);
  case EX_IS: return lower_is(L, e);
  case EX_TRY: return lower_try(L, e);
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
    if (pt->kind == PAT_WILD) return; /* `$_ = e`: evaluated, dropped */
    if (pt->kind == PAT_BIND) {
      if (st->let.reassign) bind_value(L, pt->binding, v);
      else declare_binding(L, pt->binding, v);
      return;
    }
    /* destructuring (§5): an irrefutable pattern, so no test is emitted */
    lower_pattern(L, pt, v, NULL);
    if (st->let.is_mut && !dead(L)) {
      /* `mut ($a, $b) = e` declares mut bindings: track them as muts */
      PatternVec names = {0};
      sema_pattern_bindings(pt, &names, L->s->arena);
      for (size_t i = 0; i < names.len; i++)
        if (names.data[i]->binding && names.data[i]->binding->is_mut)
          VEC_PUSH(L->s->arena, L->muts, names.data[i]->binding);
    }
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
    GirValue nv = lower_arith(L, op, ST(L, b->ty), L->vals[b->id], r, st->span);
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

/* The right operand of a `&&` or `||` in tail position is in tail position
 * too (as in Scheme and OCaml): `$i == $n || ($ok && walk($i + 1))` loops
 * without growing the stack. */
static void lower_tail_short_circuit(Lower *L, Expr *e) {
  bool is_and = e->bin.op == TOK_ANDAND;
  GirValue l = lower_expr(L, e->bin.lhs);
  if (dead(L)) return;
  Snapshot before;
  GirBlock *rhs_b = short_circuit_split(L, e, l, &before);
  emit_ret(L, &ty_bool, gir_const_bool(&L->g, !is_and, e->span), e->span);
  restore(L, before);
  gir_set_block(&L->g, rhs_b);
  lower_tail(L, e->bin.rhs);
  L->g.b = NULL;
}

void lower_tail(Lower *L, Expr *e) {
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
  case EX_MATCH:
    lower_match(L, e, true);
    L->g.b = NULL;
    return;
  case EX_IF: {
    if (!e->if_.else_) break;
    GirBlock *tb = gir_block_new(L->m, L->g.f, "then");
    GirBlock *fb = gir_block_new(L->m, L->g.f, "else");
    Snapshot before = snapshot(L);
    if (!lower_branch(L, e->if_.cond, tb, fb)) return;
    gir_set_block(&L->g, tb);
    lower_tail(L, e->if_.then_);
    restore(L, before);
    gir_set_block(&L->g, fb);
    lower_tail(L, e->if_.else_);
    L->g.b = NULL;
    return;
  }
  case EX_BINARY:
    if (e->bin.op == TOK_ANDAND || e->bin.op == TOK_OROR) {
      lower_tail_short_circuit(L, e);
      return;
    }
    break;
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

/* A GirFunc for sub `sym` (an instance when targs is given). */
static GirFunc *declare_func(Lower *L, Symbol *sym, Type **targs,
                             const char *name) {
  Type **saved = L->subst;
  uint32_t nsaved = L->nsubst;
  L->subst = targs;
  L->nsubst = targs ? (uint32_t)sym->tparams.len : 0;
  /* §3: a used module's subs are named as qualified (mathutil.square) */
  const char *mod = sym->module->name;
  GirFunc *f = gir_func_new(L->m, sym->module == L->prog->main ? name
                            : arena_printf(L->s->arena, "%s.%s", mod, name),
                            arena_printf(L->s->arena, "%s.%s", mod, name),
                            gty(sym->ret), sym->item->span);
  for (size_t j = 0; j < sym->params.len; j++)
    if (gty(sym->params.data[j])->kind != GIR_T_UNIT)
      gir_func_add_param(L->m, f, gty(sym->params.data[j]));
  L->subst = saved;
  L->nsubst = nsaved;
  return f;
}

/* §19: a foreign function's GirFunc is a wrapper whose body is the one
 * CALL_C of its C symbol; calls and sub values reach it like any sub's,
 * and LLVM inlines it, so a call is a direct call of the C function. */
static void lower_foreign(Lower *L, Symbol *sym, GirFunc *f) {
  f->is_foreign = true;
  L->g.m = L->m;
  L->g.f = f;
  GirBlock *entry = f->blocks.len ? f->blocks.data[0]
                                  : gir_block_new(L->m, f, "entry");
  gir_set_block(&L->g, entry);
  Span sp = sym->item->span;
  GirValue r = gir_call_c(&L->g, sym->item->sub.name, gty(sym->ret),
                          entry->params.data, (uint32_t)entry->params.len, sp);
  gir_ret(&L->g, r, sp);
}

static void lower_sub(Lower *L, Symbol *sym, GirFunc *f, Type **targs) {
  if (sym->foreign_lib) {
    lower_foreign(L, sym, f);
    return;
  }
  SubDecl *sd = &sym->item->sub;
  L->subst = targs;
  L->nsubst = targs ? (uint32_t)sym->tparams.len : 0;
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
  L->subst = NULL;
  L->nsubst = 0;
}

/* §20: each test block becomes function test.N (N its index in the
 * file), recorded in the module with its name and location. */
static void lower_tests(Lower *L) {
  Program *p = L->prog;
  for (size_t i = 0; i < p->tests.len; i++) {
    Symbol *sym = p->tests.data[i];
    char *fname = arena_printf(L->s->arena, "test.%zu", i);
    GirFunc *f = declare_func(L, sym, NULL, fname);
    sym->gir = f;
    L->in_test = true;
    lower_sub(L, sym, f, NULL);
    L->in_test = false;
    GirTest t = {sym->name, f, sym->span};
    VEC_PUSH(L->s->arena, L->m->tests, t);
  }
}

/* §3: each const's initializer is a function of its own, `const.NAME`
 * (no parameters, the const's value as result), and `init` calls them in
 * dependency order and stores each result. So an initializer can be run
 * apart from the others: Interp's const evaluation runs it at compile
 * time and, when its value can be embedded, takes its call out of
 * `init` (interp_fold_consts). */
static GirFunc *lower_const_func(Lower *L, Symbol *c) {
  Expr *e = c->item->const_.value;
  const GirType *t = gty(c->ty);
  GirGlobal *gl = c->gir;
  const char *link = gl->link_name ? gl->link_name : c->name;
  GirFunc *f = gir_func_new(L->m, arena_printf(L->s->arena, "const.%s", c->name),
                            arena_printf(L->s->arena, "guji.const.%s", link),
                            t, gl->span);
  L->g.m = L->m;
  L->g.f = f;
  L->fn_ret = c->ty;
  L->muts.len = 0;
  gir_set_block(&L->g, gir_block_new(L->m, f, "entry"));
  GirValue v = lower_expr(L, e);
  if (!dead(L))
    gir_ret(&L->g, t->kind == GIR_T_UNIT ? GIR_NO_VALUE : v, e->span);
  return f;
}

static void lower_init(Lower *L) {
  if (!L->prog->consts.len) return;
  size_t n = L->prog->consts.len;
  GirFunc **fs = calloc(n, sizeof *fs);
  for (size_t i = 0; i < n; i++)
    fs[i] = lower_const_func(L, L->prog->consts.data[i]);
  GirFunc *f = gir_func_new(L->m, "init", "guji.init", &gir_t_unit, (Span){0});
  L->m->init = f;
  L->g.m = L->m;
  L->g.f = f;
  L->fn_ret = &ty_unit;
  L->muts.len = 0;
  gir_set_block(&L->g, gir_block_new(L->m, f, "entry"));
  for (size_t i = 0; i < n; i++) {
    Symbol *c = L->prog->consts.data[i];
    Span sp = c->item->const_.value->span;
    ((GirGlobal *)c->gir)->init = fs[i];
    GirValue v = gir_call(&L->g, fs[i], NULL, 0, sp);
    if (gty(c->ty)->kind != GIR_T_UNIT)
      gir_global_set(&L->g, c->gir, v, sp);
  }
  gir_ret(&L->g, GIR_NO_VALUE, (Span){0});
  free(fs);
}

/* §19: the wrappers of foreign functions nothing calls or takes as a
 * value are dropped, so a declared but unused C function need not exist
 * (the JIT and the linker would look for its symbol). Function ids are
 * positions in m->funcs: renumbered. */
static void drop_unused_foreign(Lower *L) {
  GirModule *m = L->m;
  bool *used = calloc(m->funcs.len ? m->funcs.len : 1, sizeof *used);
  bool any = false;
  for (size_t i = 0; i < m->funcs.len; i++) {
    GirFunc *f = m->funcs.data[i];
    any |= f->is_foreign;
    for (size_t b = 0; b < f->blocks.len; b++) {
      GirBlock *blk = f->blocks.data[b];
      for (size_t k = 0; k < blk->insts.len; k++) {
        GirInst *in = &blk->insts.data[k];
        GirFunc *c = in->op == GIR_OP_CALL ? in->imm.call.callee
                     : in->op == GIR_OP_CLOSURE_NEW ? in->imm.closure.callee
                                                    : NULL;
        if (c && c != f) used[c->id] = true;
      }
    }
  }
  if (any) {
    size_t n = 0;
    for (size_t i = 0; i < m->funcs.len; i++) {
      GirFunc *f = m->funcs.data[i];
      if (f->is_foreign && !used[i]) continue;
      f->id = (uint32_t)n;
      m->funcs.data[n++] = f;
    }
    m->funcs.len = n;
  }
  free(used);
}

GirModule *lower_program(Session *s, Program *p) {
  Lower L = {.s = s, .prog = p, .tc = p->types};
  const SrcFile *mf = p->main->file;
  L.m = gir_module_new(s->arena, mf->path);
  L.vals = ARENA_ARRAY(s->arena, GirValue, p->nbindings ? p->nbindings : 1);
  for (size_t i = 0; i < p->consts.len; i++) {
    Symbol *c = p->consts.data[i];
    if (gty_in(&L, c->ty)->kind == GIR_T_UNIT) continue;
    const char *link =
        arena_printf(s->arena, "%s.%s", c->module->name, c->name);
    c->gir = gir_global_new(L.m, c->module == p->main ? c->name : link, link,
                            gty_in(&L, c->ty), c->span);
  }
  for (size_t i = 0; i < p->subs.len; i++) {
    Symbol *sym = p->subs.data[i];
    if (!sym->tparams.len) sym->gir = declare_func(&L, sym, NULL, sym->name);
  }
  for (size_t i = 0; i < p->subs.len; i++)
    if (!p->subs.data[i]->tparams.len)
      lower_sub(&L, p->subs.data[i], p->subs.data[i]->gir, NULL);
  if (s->tests) lower_tests(&L);
  lower_init(&L);
  /* instances of generic subs, as calls ask for them (each may ask for
   * more; a program that needs unboundedly many is stopped) */
  for (size_t i = 0; i < L.instances.len; i++) {
    if (i >= 10000) {
      diag_error(s->diag, L.instances.data[i]->sym->span, "too many "
                 "instances of generic subs (10000): a generic sub calls "
                 "itself with ever larger type arguments");
      return NULL;
    }
    Instance *in = L.instances.data[i];
    lower_sub(&L, in->sym, in->f, in->targs);
    in->lowered = true;
  }
  for (size_t i = 0; i < p->foreign_libs.len; i++)
    VEC_PUSH(s->arena, L.m->foreign_libs, p->foreign_libs.data[i]);
  drop_unused_foreign(&L);
  L.m->main = p->main_sub ? p->main_sub->gir : NULL;
  L.m->main_returns_int = p->main_sub && p->main_sub->ret->kind == TY_INT;
  return L.m;
}
