/* sema.c — name resolution and type checking (spec §3–§8, §12, §18).
 *
 * Two passes over a module. The first declares every top-level item in a
 * global table (items may appear in any order, §3) and resolves the
 * signatures of subs and the types of consts. The second checks each body:
 * a stack of scopes maps binding names to Binding records, and
 * check_expr computes each expression's type bottom-up, comparing with
 * what its context needs. Types in the implemented subset are all known
 * bottom-up, so no unification is needed yet; Never and Error fit
 * anywhere, so a diverging branch type-checks and one error is reported
 * once.
 *
 * §5 in one place: bind_name decides whether `$x = e` declares a new
 * binding or re-assigns a visible `mut` one, and reports the two errors the
 * rule defines (re-binding an immutable binding of the same sub; declaring
 * with `mut`/annotation a name already visible).
 *
 * Constructs the foundation does not implement are rejected by
 * not_implemented() with the spec section, at their location.
 */
#include <stdlib.h>
#include <string.h>

#include "guji/Sema.h"

/* ---- types ---------------------------------------------------------------- */

Type ty_error = {TY_ERROR}, ty_never = {TY_NEVER}, ty_unit = {TY_UNIT},
     ty_int = {TY_INT}, ty_float = {TY_FLOAT}, ty_bool = {TY_BOOL},
     ty_char = {TY_CHAR}, ty_str = {TY_STR}, ty_range = {TY_RANGE};

const char *type_name(const Type *t) {
  switch (t->kind) {
  case TY_ERROR: return "{error}";
  case TY_NEVER: return "Never";
  case TY_UNIT: return "Unit";
  case TY_INT: return "Int";
  case TY_FLOAT: return "Float";
  case TY_BOOL: return "Bool";
  case TY_CHAR: return "Char";
  case TY_STR: return "Str";
  case TY_RANGE: return "Range";
  }
  return "?";
}

static bool is_soft(const Type *t) {
  return t->kind == TY_ERROR || t->kind == TY_NEVER;
}

bool type_compatible(const Type *a, const Type *b) {
  return a == b || is_soft(a) || is_soft(b);
}
bool type_has_eq(const Type *t) { (void)t; return true; }
bool type_has_order(const Type *t) {
  return t->kind != TY_RANGE && t->kind != TY_UNIT;
}
bool type_has_text(const Type *t) { (void)t; return true; }

/* ---- state ---------------------------------------------------------------- */

typedef struct Scope {
  VEC(Binding *) binds;
  bool sub_boundary;    /* first scope of a sub body */
} Scope;

typedef struct Global {
  const char *name;
  Symbol *sym;
} Global;

typedef struct Sema {
  Session *s;
  Module *mod;
  Program *prog;
  VEC(Global) globals;
  VEC(Scope) scopes;
  Symbol *cur_sub;        /* NULL in a const initializer */
  Symbol *cur_const;      /* for dependency edges */
  Type *cur_ret;
  int loop_depth;
} Sema;

static void error(Sema *S, Span sp, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void error(Sema *S, Span sp, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  diag_vreport(S->s->diag, DIAG_ERROR, &sp, fmt, ap);
  va_end(ap);
}
static void note(Sema *S, Span sp, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void note(Sema *S, Span sp, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  diag_vreport(S->s->diag, DIAG_NOTE, &sp, fmt, ap);
  va_end(ap);
}

static Type *not_implemented(Sema *S, Span sp, const char *what,
                             const char *section) {
  error(S, sp, "not implemented yet: %s (%s)", what, section);
  return &ty_error;
}

static Symbol *global_lookup(Sema *S, const char *name) {
  for (size_t i = 0; i < S->globals.len; i++)
    if (S->globals.data[i].name == name) return S->globals.data[i].sym;
  return NULL;
}

static int builtin_sub(const char *name) {
  static const char *const names[] = {"print", "write", "eprint", "assert",
                                      "panic"};
  for (int i = 0; i < 5; i++)
    if (strcmp(name, names[i]) == 0) return i;
  return BI_NONE;
}

/* Prelude names this implementation does not provide yet, for a better
 * message than "undefined". */
static const char *prelude_section(const char *name) {
  static const struct { const char *name, *sec; } later[] = {
      {"channel", "§17"}, {"set", "§15"},   {"regex", "§14"}, {"char", "§13"},
      {"range", "§15"},   {"Some", "§12"},  {"None", "§12"},  {"Ok", "§12"},
      {"Err", "§12"},     {"Closed", "§17"},
  };
  for (size_t i = 0; i < sizeof later / sizeof later[0]; i++)
    if (strcmp(name, later[i].name) == 0) return later[i].sec;
  return NULL;
}

/* ---- scopes and bindings (§5) -------------------------------------------- */

static void push_scope(Sema *S, bool sub_boundary) {
  Scope sc = {.sub_boundary = sub_boundary};
  VEC_PUSH(S->s->arena, S->scopes, sc);
}
static void pop_scope(Sema *S) { S->scopes.len--; }

/* Finds a visible binding; *same_sub tells whether it belongs to the
 * innermost sub (no sub boundary between). */
static Binding *lookup_binding(Sema *S, const char *name, bool *same_sub) {
  bool same = true;
  for (size_t i = S->scopes.len; i-- > 0;) {
    Scope *sc = &S->scopes.data[i];
    for (size_t j = sc->binds.len; j-- > 0;)
      if (sc->binds.data[j]->name == name) {
        if (same_sub) *same_sub = same;
        return sc->binds.data[j];
      }
    if (sc->sub_boundary) same = false;
  }
  return NULL;
}

static Binding *declare(Sema *S, const char *name, Span sp, Type *ty,
                        bool is_mut) {
  Binding *b = ARENA_NEW(S->s->arena, Binding);
  b->name = name;
  b->span = sp;
  b->ty = ty;
  b->is_mut = is_mut;
  b->id = S->prog->nbindings++;
  VEC_PUSH(S->s->arena, VEC_LAST(S->scopes).binds, b);
  return b;
}

/* ---- type expressions ------------------------------------------------------ */

static Type *resolve_type(Sema *S, TypeExpr *te) {
  if (!te) return &ty_unit;
  switch (te->kind) {
  case TE_TUPLE:
    if (te->args.len == 0) return &ty_unit;
    return not_implemented(S, te->span, "tuple types", "§4");
  case TE_FN:
    return not_implemented(S, te->span, "function types", "§8");
  case TE_NAME:
    break;
  }
  if (te->module)
    return not_implemented(S, te->span, "types from other modules", "§3");
  static const struct { const char *name; Type *ty; } scalars[] = {
      {"Int", &ty_int},   {"Float", &ty_float}, {"Bool", &ty_bool},
      {"Char", &ty_char}, {"Str", &ty_str},     {"Unit", &ty_unit},
  };
  for (size_t i = 0; i < sizeof scalars / sizeof scalars[0]; i++)
    if (strcmp(te->name, scalars[i].name) == 0) {
      if (te->args.len)
        error(S, te->span, "type %s takes no type arguments", te->name);
      return scalars[i].ty;
    }
  static const struct { const char *name, *what, *sec; } later[] = {
      {"List", "List types", "§15"},     {"Map", "Map types", "§15"},
      {"Set", "Set types", "§15"},       {"Option", "Option types", "§12"},
      {"Result", "Result types", "§12"}, {"Range", "Range values", "§4"},
      {"Regex", "Regex types", "§14"},   {"Match", "Match types", "§14"},
      {"Chan", "channel types", "§17"},  {"Task", "Task types", "§17"},
      {"Lines", "Lines", "§18"},
  };
  for (size_t i = 0; i < sizeof later / sizeof later[0]; i++)
    if (strcmp(te->name, later[i].name) == 0)
      return not_implemented(S, te->span, later[i].what, later[i].sec);
  for (size_t i = 0; i < S->mod->items.len; i++) {
    Item *it = S->mod->items.data[i];
    if (it->kind == ITEM_TYPE && it->type.name == te->name)
      return not_implemented(S, te->span, "user-defined types", "§10");
  }
  error(S, te->span, "unknown type %s", te->name);
  return &ty_error;
}

/* ---- expressions ----------------------------------------------------------- */

static Type *check_expr(Sema *S, Expr *e, bool used);
static Type *check_block(Sema *S, Expr *e, bool used);

/* Reports a mismatch of `got` where `want` is needed; returns want. */
static Type *expect_type(Sema *S, Expr *e, Type *got, Type *want,
                         const char *context) {
  if (type_compatible(got, want)) return got;
  error(S, e->span, "mismatched types: expected %s%s, found %s",
        type_name(want), context ? context : "", type_name(got));
  return want;
}

static Type *check_str(Sema *S, Expr *e) {
  for (size_t i = 0; i < e->str.segs.len; i++) {
    StrSeg *seg = &e->str.segs.data[i];
    if (!seg->is_expr) continue;
    Type *t = check_expr(S, seg->expr, true);
    if (seg->spec)
      not_implemented(S, seg->spec_span, "format specs in interpolation", "§13");
    if (t->kind == TY_NEVER)
      error(S, seg->expr->span, "this interpolation never produces a value");
  }
  return &ty_str;
}

static const char *op_text(TokKind op) {
  switch (op) {
  case TOK_PLUS: return "+";   case TOK_MINUS: return "-";
  case TOK_STAR: return "*";   case TOK_SLASH: return "/";
  case TOK_PERCENT: return "%"; case TOK_PLUSPLUS: return "++";
  case TOK_EQ: return "==";    case TOK_NE: return "!=";
  case TOK_LT: return "<";     case TOK_LE: return "<=";
  case TOK_GT: return ">";     case TOK_GE: return ">=";
  case TOK_ANDAND: return "&&"; case TOK_OROR: return "||";
  case TOK_AMP: return "&";    case TOK_PIPE: return "|";
  case TOK_CARET: return "^";  case TOK_SHL: return "<<";
  case TOK_SHR: return ">>";   case TOK_DOTDOT: return "..";
  case TOK_DOTDOTEQ: return "..="; case TOK_MATCH: return "=~";
  case TOK_NOMATCH: return "!~"; case TOK_BANG: return "!";
  case TOK_TILDE: return "~";
  case TOK_PLUSEQ: return "+=";  case TOK_MINUSEQ: return "-=";
  case TOK_STAREQ: return "*=";  case TOK_SLASHEQ: return "/=";
  case TOK_PERCENTEQ: return "%="; case TOK_PLUSPLUSEQ: return "++=";
  default: return "?";
  }
}

/* The result type of `l op r` (arithmetic, concatenation, bits), or NULL
 * when the operands do not fit (the caller reports). */
static Type *arith_result(TokKind op, Type *l, Type *r) {
  switch (op) {
  case TOK_PLUS: case TOK_MINUS: case TOK_STAR: case TOK_SLASH:
  case TOK_PERCENT:
    if (l == r && type_is_numeric(l)) return l;
    return NULL;
  case TOK_PLUSPLUS:
    if (l == r && l->kind == TY_STR) return l;
    return NULL;
  case TOK_AMP: case TOK_PIPE: case TOK_CARET: case TOK_SHL: case TOK_SHR:
    if (l == r && l->kind == TY_INT) return l;
    return NULL;
  default:
    return NULL;
  }
}

static void arith_error(Sema *S, Span sp, TokKind op, Type *l, Type *r) {
  const char *o = op_text(op);
  if (op == TOK_PLUSPLUS) {
    error(S, sp, "cannot apply '++' to %s and %s: '++' concatenates two Strs "
          "(or two Lists)", type_name(l), type_name(r));
  } else if (op == TOK_AMP || op == TOK_PIPE || op == TOK_CARET ||
             op == TOK_SHL || op == TOK_SHR) {
    error(S, sp, "cannot apply '%s' to %s and %s: bit operators need two Ints",
          o, type_name(l), type_name(r));
  } else if (type_is_numeric(l) && type_is_numeric(r)) {
    error(S, sp, "cannot apply '%s' to %s and %s: guji never converts "
          "implicitly; use .to_float() or .to_int()", o, type_name(l),
          type_name(r));
  } else if (op == TOK_PLUS && (l->kind == TY_STR || r->kind == TY_STR)) {
    error(S, sp, "cannot apply '+' to %s and %s: join text with '++' or "
          "interpolation \"${…}\"", type_name(l), type_name(r));
  } else {
    error(S, sp, "cannot apply '%s' to %s and %s: arithmetic needs two Ints "
          "or two Floats", o, type_name(l), type_name(r));
  }
}

static Type *check_binary(Sema *S, Expr *e) {
  TokKind op = e->bin.op;
  Type *l = check_expr(S, e->bin.lhs, true);
  Type *r = check_expr(S, e->bin.rhs, true);
  switch (op) {
  case TOK_ANDAND: case TOK_OROR:
    expect_type(S, e->bin.lhs, l, &ty_bool, op == TOK_ANDAND ?
                " (operand of '&&')" : " (operand of '||')");
    expect_type(S, e->bin.rhs, r, &ty_bool, op == TOK_ANDAND ?
                " (operand of '&&')" : " (operand of '||')");
    return &ty_bool;
  case TOK_EQ: case TOK_NE: case TOK_LT: case TOK_LE: case TOK_GT:
  case TOK_GE: {
    if (is_soft(l) || is_soft(r)) return &ty_bool;
    if (l != r) {
      error(S, e->span, "cannot compare %s with %s: both sides of '%s' must "
            "have the same type", type_name(l), type_name(r), op_text(op));
      return &ty_bool;
    }
    bool ordering = op != TOK_EQ && op != TOK_NE;
    if (ordering && !type_has_order(l))
      error(S, e->span, "%s values have no ordering; '%s' needs an ordered "
            "type", type_name(l), op_text(op));
    return &ty_bool;
  }
  case TOK_MATCH: case TOK_NOMATCH:
    return not_implemented(S, e->span, "regex matching", "§14");
  case TOK_DOTDOT: case TOK_DOTDOTEQ:
    expect_type(S, e->bin.lhs, l, &ty_int, " (range bound)");
    expect_type(S, e->bin.rhs, r, &ty_int, " (range bound)");
    return &ty_range;
  default: {
    if (is_soft(l) || is_soft(r)) {
      Type *t = is_soft(l) ? r : l;
      return is_soft(t) ? &ty_error : t;
    }
    Type *t = arith_result(op, l, r);
    if (!t) {
      arith_error(S, e->span, op, l, r);
      return &ty_error;
    }
    return t;
  }
  }
}

static Type *check_unary(Sema *S, Expr *e) {
  Type *t = check_expr(S, e->un.operand, true);
  if (is_soft(t)) return t->kind == TY_NEVER ? &ty_error : t;
  switch (e->un.op) {
  case TOK_MINUS:
    if (type_is_numeric(t)) return t;
    error(S, e->span, "cannot negate a %s: unary '-' needs an Int or a Float",
          type_name(t));
    return &ty_error;
  case TOK_BANG:
    if (t->kind == TY_BOOL) return t;
    error(S, e->span, "cannot apply '!' to a %s: '!' negates a Bool (for Int "
          "bits use '~')", type_name(t));
    return &ty_error;
  case TOK_TILDE:
    if (t->kind == TY_INT) return t;
    error(S, e->span, "cannot apply '~' to a %s: '~' flips the bits of an Int "
          "(for Bool use '!')", type_name(t));
    return &ty_error;
  default:
    GJ_UNREACHABLE("unary operator");
  }
}

static bool check_arity(Sema *S, Span sp, const char *what, size_t got,
                        size_t min, size_t max) {
  if (got >= min && got <= max) return true;
  if (min == max)
    error(S, sp, "%s takes %zu argument%s, but %zu %s given", what, min,
          min == 1 ? "" : "s", got, got == 1 ? "was" : "were");
  else
    error(S, sp, "%s takes %zu or %zu arguments, but %zu %s given", what, min,
          max, got, got == 1 ? "was" : "were");
  return false;
}

static Type *check_builtin_call(Sema *S, Expr *e, int bi, const char *name) {
  ExprList *args = &e->call.args;
  e->call.builtin = bi;
  for (size_t i = 0; i < args->len; i++) check_expr(S, args->data[i], true);
  switch (bi) {
  case BI_PRINT: case BI_WRITE: case BI_EPRINT:
    if (check_arity(S, e->span, name, args->len, 1, 1)) {
      Type *t = args->data[0]->ty;
      if (t->kind == TY_RANGE)
        not_implemented(S, args->data[0]->span, "printing a Range", "§4");
    }
    return &ty_unit;
  case BI_ASSERT:
    if (check_arity(S, e->span, "assert", args->len, 1, 2)) {
      expect_type(S, args->data[0], args->data[0]->ty, &ty_bool,
                  " (the condition of assert)");
      if (args->len == 2)
        expect_type(S, args->data[1], args->data[1]->ty, &ty_str,
                    " (the message of assert)");
    }
    return &ty_unit;
  case BI_PANIC:
    if (check_arity(S, e->span, "panic", args->len, 1, 1))
      expect_type(S, args->data[0], args->data[0]->ty, &ty_str,
                  " (the message of panic)");
    return &ty_never;
  default:
    GJ_UNREACHABLE("builtin");
  }
}

/* Checks a call of sub `sym` with `args` (plus an already-checked receiver
 * for method syntax). */
static Type *check_sub_args(Sema *S, Span call_sp, Symbol *sym, Expr *recv,
                            ExprList *args) {
  size_t n = args->len + (recv ? 1 : 0);
  Symbol *owner = S->cur_const ? S->cur_const : S->cur_sub;
  if (owner) VEC_PUSH(S->s->arena, owner->sub_deps, sym);
  for (size_t i = 0; i < args->len; i++) check_expr(S, args->data[i], true);
  char *what = arena_printf(S->s->arena, "%s", sym->name);
  if (!check_arity(S, call_sp, what, n, sym->params.len, sym->params.len))
    return sym->ret;
  for (size_t i = 0; i < n; i++) {
    Expr *a = recv ? (i == 0 ? recv : args->data[i - 1]) : args->data[i];
    Type *want = sym->params.data[i];
    if (type_compatible(a->ty, want)) continue;
    Param *pm = &sym->item->sub.params.data[i];
    error(S, a->span, "mismatched types: expected %s, found %s (argument %zu "
          "of %s)", type_name(want), type_name(a->ty), i + 1, sym->name);
    note(S, pm->span, "parameter $%s of %s is declared here", pm->name,
         sym->name);
  }
  return sym->ret;
}

static Type *check_call(Sema *S, Expr *e) {
  Expr *callee = e->call.callee;
  e->call.builtin = BI_NONE;
  if (callee->kind != EX_NAME) {
    for (size_t i = 0; i < e->call.args.len; i++)
      check_expr(S, e->call.args.data[i], true);
    if (callee->kind == EX_BINDING || callee->kind == EX_FIELD ||
        callee->kind == EX_LAMBDA)
      return not_implemented(S, callee->span, "calling a sub held in a value",
                             "§8");
    if (callee->kind == EX_METHOD)
      return not_implemented(S, callee->span, "calling a returned sub", "§8");
    error(S, callee->span, "this expression cannot be called");
    return &ty_error;
  }
  if (callee->name.targs.len)
    return not_implemented(S, callee->span, "explicit type arguments", "§11");
  const char *name = callee->name.name;
  Symbol *sym = global_lookup(S, name);
  if (!sym) {
    int bi = builtin_sub(name);
    if (bi != BI_NONE) {
      callee->ty = &ty_unit;
      return check_builtin_call(S, e, bi, name);
    }
    for (size_t i = 0; i < e->call.args.len; i++)
      check_expr(S, e->call.args.data[i], true);
    const char *sec = prelude_section(name);
    if (sec)
      return not_implemented(S, callee->span,
                             arena_printf(S->s->arena, "'%s'", name), sec);
    error(S, callee->span, "undefined sub '%s'", name);
    return &ty_error;
  }
  callee->name.sym = sym;
  e->call.sym = sym;
  if (sym->kind != SYM_SUB) {
    for (size_t i = 0; i < e->call.args.len; i++)
      check_expr(S, e->call.args.data[i], true);
    error(S, callee->span, "'%s' is a const, not a sub; it cannot be called",
          name);
    return &ty_error;
  }
  return check_sub_args(S, e->span, sym, NULL, &e->call.args);
}

typedef struct MethodDef {
  TypeKind recv;
  const char *name;
  Builtin bi;
  int nargs;
  Type *arg;      /* type of the argument when nargs == 1 */
  Type *ret;      /* NULL: same as receiver */
} MethodDef;

static const MethodDef *find_method(TypeKind k, const char *name) {
  static const MethodDef defs[] = {
      {TY_INT, "to_float", BM_INT_TO_FLOAT, 0, NULL, &ty_float},
      {TY_INT, "abs", BM_INT_ABS, 0, NULL, NULL},
      {TY_INT, "min", BM_INT_MIN, 1, &ty_int, NULL},
      {TY_INT, "max", BM_INT_MAX, 1, &ty_int, NULL},
      {TY_FLOAT, "to_int", BM_FLOAT_TO_INT, 0, NULL, &ty_int},
      {TY_FLOAT, "abs", BM_FLOAT_ABS, 0, NULL, NULL},
      {TY_FLOAT, "min", BM_FLOAT_MIN, 1, &ty_float, NULL},
      {TY_FLOAT, "max", BM_FLOAT_MAX, 1, &ty_float, NULL},
      {TY_FLOAT, "round", BM_FLOAT_ROUND, 0, NULL, NULL},
      {TY_FLOAT, "floor", BM_FLOAT_FLOOR, 0, NULL, NULL},
      {TY_FLOAT, "ceil", BM_FLOAT_CEIL, 0, NULL, NULL},
      {TY_CHAR, "code", BM_CHAR_CODE, 0, NULL, &ty_int},
      {TY_STR, "len", BM_STR_LEN, 0, NULL, &ty_int},
      {TY_STR, "is_empty", BM_STR_IS_EMPTY, 0, NULL, &ty_bool},
  };
  for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++)
    if (defs[i].recv == k && strcmp(defs[i].name, name) == 0) return &defs[i];
  return NULL;
}

/* §13's Str methods that come with the text-processing work. */
static bool is_later_str_method(const char *name) {
  static const char *const names[] = {
      "chars", "bytes", "char_count", "contains", "starts_with", "ends_with",
      "find", "trim", "trim_start", "trim_end", "upper", "lower", "split",
      "split_whitespace", "lines", "repeat", "replace", "to_int", "to_float",
      "reverse", "pad_left", "pad_right", "byte_at", "count", "match",
      "match_all", "replace_first", "replace_with"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(name, names[i]) == 0) return true;
  return false;
}

/* §8: $v.m(a) calls T.m($v, a) when T has m, else the sub m($v, a). */
static Type *check_method(Sema *S, Expr *e) {
  Expr *recv = e->method.recv;
  const char *name = e->method.name;
  e->method.builtin = BI_NONE;
  if (recv->kind == EX_NAME && !global_lookup(S, recv->name.name) &&
      !recv->name.targs.len) {
    for (size_t i = 0; i < e->method.args.len; i++)
      check_expr(S, e->method.args.data[i], true);
    return not_implemented(S, recv->span, arena_printf(S->s->arena,
                           "module '%s' (use of modules)", recv->name.name),
                           "§3, §18");
  }
  Type *rt = check_expr(S, recv, true);
  if (is_soft(rt)) {
    for (size_t i = 0; i < e->method.args.len; i++)
      check_expr(S, e->method.args.data[i], true);
    return &ty_error;
  }
  if (strcmp(name, "to_str") == 0) {
    e->method.builtin = BM_TO_STR;
    check_arity(S, e->span, "to_str", e->method.args.len, 0, 0);
    if (rt->kind == TY_RANGE)
      return not_implemented(S, e->span, "Range's text form", "§4");
    return &ty_str;
  }
  const MethodDef *md = find_method(rt->kind, name);
  if (md) {
    e->method.builtin = md->bi;
    for (size_t i = 0; i < e->method.args.len; i++)
      check_expr(S, e->method.args.data[i], true);
    char *what = arena_printf(S->s->arena, "%s.%s", type_name(rt), name);
    if (check_arity(S, e->span, what, e->method.args.len, md->nargs, md->nargs)
        && md->nargs == 1)
      expect_type(S, e->method.args.data[0], e->method.args.data[0]->ty,
                  md->arg, NULL);
    return md->ret ? md->ret : rt;
  }
  Symbol *sym = global_lookup(S, name);
  if (sym && sym->kind == SYM_SUB) {
    e->method.sym = sym;
    return check_sub_args(S, e->span, sym, recv, &e->method.args);
  }
  for (size_t i = 0; i < e->method.args.len; i++)
    check_expr(S, e->method.args.data[i], true);
  if (rt->kind == TY_RANGE)
    return not_implemented(S, e->method.name_span, "Range methods", "§4");
  if (rt->kind == TY_STR && is_later_str_method(name))
    return not_implemented(S, e->method.name_span,
                           arena_printf(S->s->arena, "Str.%s", name), "§13");
  error(S, e->method.name_span, "no method '%s' on %s, and no sub '%s' in "
        "scope to call as a method", name, type_name(rt), name);
  return &ty_error;
}

static Type *check_name(Sema *S, Expr *e) {
  const char *name = e->name.name;
  Symbol *sym = global_lookup(S, name);
  if (!sym) {
    if (builtin_sub(name) != BI_NONE)
      return not_implemented(S, e->span, "built-in subs as values", "§8");
    const char *sec = prelude_section(name);
    if (sec)
      return not_implemented(S, e->span, arena_printf(S->s->arena, "'%s'",
                             name), sec);
    error(S, e->span, "undefined name '%s'", name);
    return &ty_error;
  }
  e->name.sym = sym;
  if (sym->kind == SYM_SUB)
    return not_implemented(S, e->span, "subs as values", "§8");
  Symbol *owner = S->cur_const ? S->cur_const : S->cur_sub;
  if (owner) VEC_PUSH(S->s->arena, owner->const_deps, sym);
  return sym->ty;
}

static Type *check_if(Sema *S, Expr *e, bool used) {
  Type *c = check_expr(S, e->if_.cond, true);
  if (!type_compatible(c, &ty_bool))
    error(S, e->if_.cond->span, "the condition of 'if' must be a Bool, found %s",
          type_name(c));
  Type *t = check_expr(S, e->if_.then_, used && e->if_.else_);
  if (!e->if_.else_) return &ty_unit;
  Type *f = check_expr(S, e->if_.else_, used);
  if (t->kind == TY_NEVER) return f;
  if (f->kind == TY_NEVER) return t;
  if (t == f) return t;
  if (!used) return &ty_unit;
  if (is_soft(t) || is_soft(f)) return &ty_error;
  error(S, e->span, "'if' and 'else' have different types: %s and %s",
        type_name(t), type_name(f));
  return &ty_error;
}

static Type *check_loop_body(Sema *S, Expr *body) {
  S->loop_depth++;
  check_expr(S, body, false);
  S->loop_depth--;
  return &ty_unit;
}

static Type *check_for(Sema *S, Expr *e) {
  Expr *it = e->for_.iter;
  Type *t = check_expr(S, it, true);
  if (t->kind != TY_RANGE && !is_soft(t)) {
    return not_implemented(S, it->span, arena_printf(S->s->arena,
                           "iterating over %s (for supports Int ranges a..b "
                           "and a..=b so far)", type_name(t)), "§7, §15");
  }
  if (it->kind != EX_BINARY) {
    not_implemented(S, it->span, "Range values other than a literal a..b",
                    "§4");
  }
  push_scope(S, false);
  Pattern *pt = e->for_.pat;
  if (pt->kind == PAT_BIND) {
    pt->binding = declare(S, pt->name, pt->span, &ty_int, false);
    pt->ty = &ty_int;
  } else if (pt->kind != PAT_WILD) {
    error(S, pt->span, "a range yields Ints; bind each with $name or "
          "ignore it with _");
  }
  check_loop_body(S, e->for_.body);
  pop_scope(S);
  return &ty_unit;
}

static Type *check_expr_inner(Sema *S, Expr *e, bool used) {
  switch (e->kind) {
  case EX_INT: return &ty_int;
  case EX_FLOAT: return &ty_float;
  case EX_BOOL: return &ty_bool;
  case EX_CHAR: return &ty_char;
  case EX_UNIT: return &ty_unit;
  case EX_STR: return check_str(S, e);
  case EX_BINDING: {
    Binding *b = lookup_binding(S, e->bind.name, NULL);
    if (!b) {
      if (strcmp(e->bind.name, "_") == 0)
        error(S, e->span, "$_ discards a value; it cannot be read");
      else
        error(S, e->span, "undefined binding $%s", e->bind.name);
      return &ty_error;
    }
    e->bind.binding = b;
    return b->ty;
  }
  case EX_NAME: return check_name(S, e);
  case EX_UNARY: return check_unary(S, e);
  case EX_BINARY: return check_binary(S, e);
  case EX_CALL: return check_call(S, e);
  case EX_METHOD: return check_method(S, e);
  case EX_BLOCK: return check_block(S, e, used);
  case EX_IF: return check_if(S, e, used);
  case EX_WHILE: {
    Type *c = check_expr(S, e->while_.cond, true);
    if (!type_compatible(c, &ty_bool))
      error(S, e->while_.cond->span, "the condition of 'while' must be a "
            "Bool, found %s", type_name(c));
    return check_loop_body(S, e->while_.body);
  }
  case EX_FOR: return check_for(S, e);
  case EX_RETURN: {
    if (!S->cur_sub) {
      error(S, e->span, "'return' outside of a sub");
      return &ty_never;
    }
    if (e->ret.value) {
      Type *t = check_expr(S, e->ret.value, true);
      if (S->cur_ret->kind == TY_UNIT && !is_soft(t) && t->kind != TY_UNIT)
        error(S, e->ret.value->span, "mismatched types: %s returns Unit, but "
              "this returns %s", S->cur_sub->name, type_name(t));
      else if (S->cur_ret->kind != TY_UNIT)
        expect_type(S, e->ret.value, t, S->cur_ret, arena_printf(S->s->arena,
                    " (the result type of %s)", S->cur_sub->name));
    } else if (S->cur_ret->kind != TY_UNIT) {
      error(S, e->span, "'return' without a value in %s, which returns %s",
            S->cur_sub->name, type_name(S->cur_ret));
    }
    return &ty_never;
  }
  case EX_BREAK: case EX_CONTINUE:
    if (S->loop_depth == 0)
      error(S, e->span, "'%s' outside of a loop",
            e->kind == EX_BREAK ? "break" : "continue");
    return &ty_never;
  case EX_REGEX: return not_implemented(S, e->span, "regex literals", "§14");
  case EX_IS: return not_implemented(S, e->span, "'is' patterns", "§9");
  case EX_FIELD:
    if (e->field.recv->kind == EX_NAME && !global_lookup(S, e->field.recv->name.name))
      return not_implemented(S, e->span, arena_printf(S->s->arena,
                             "module '%s' (use of modules)",
                             e->field.recv->name.name), "§3, §18");
    check_expr(S, e->field.recv, true);
    return not_implemented(S, e->span, "record fields", "§10");
  case EX_TUPLE_INDEX: return not_implemented(S, e->span, "tuples", "§4");
  case EX_INDEX: return not_implemented(S, e->span, "indexing and slicing",
                                        "§13, §15");
  case EX_TRY: return not_implemented(S, e->span, "the '?' operator", "§12");
  case EX_WITH: return not_implemented(S, e->span, "'with' updates", "§10");
  case EX_TUPLE: return not_implemented(S, e->span, "tuples", "§4");
  case EX_LIST: return not_implemented(S, e->span, "List literals", "§15");
  case EX_MAP: return not_implemented(S, e->span, "Map literals", "§15");
  case EX_RECORD: return not_implemented(S, e->span, "records", "§10");
  case EX_MATCH: return not_implemented(S, e->span, "match", "§9");
  case EX_SELECT: return not_implemented(S, e->span, "select", "§17");
  case EX_HATCH: return not_implemented(S, e->span, "hatch", "§17");
  case EX_LAMBDA: return not_implemented(S, e->span, "anonymous subs", "§8");
  case EX_CHANNEL: return not_implemented(S, e->span, "channels", "§17");
  }
  GJ_UNREACHABLE("expression kind");
}

static Type *check_expr(Sema *S, Expr *e, bool used) {
  Type *t = check_expr_inner(S, e, used);
  e->ty = t;
  return t;
}

/* ---- statements (§5) -------------------------------------------------------- */

static void check_let(Sema *S, Stmt *st) {
  Pattern *pt = st->let.pat;
  Type *annot = st->let.annot ? resolve_type(S, st->let.annot) : NULL;
  Type *t = check_expr(S, st->let.value, true);
  if (annot) t = expect_type(S, st->let.value, t, annot, NULL);
  if (pt->kind == PAT_WILD) {
    if (st->let.is_mut)
      error(S, pt->span, "'mut' needs a binding name, not _");
    return;
  }
  if (pt->kind != PAT_BIND) {
    not_implemented(S, pt->span, "destructuring bindings", "§5, §9");
    return;
  }
  if (t->kind == TY_NEVER) t = annot ? annot : &ty_error;
  if (t->kind == TY_RANGE) {
    not_implemented(S, st->let.value->span, "Range values", "§4");
    t = &ty_error;
  }
  bool same_sub = false;
  Binding *old = lookup_binding(S, pt->name, &same_sub);
  bool declares = st->let.is_mut || st->let.annot;
  if (old && same_sub && declares) {
    error(S, pt->span, "$%s is already declared in this sub; %s always "
          "declares a new binding", pt->name,
          st->let.is_mut ? "'mut $x = …'" : "'$x: T = …'");
    note(S, old->span, "$%s is declared here", pt->name);
    return;
  }
  if (!declares && old && old->is_mut && same_sub) {
    /* re-assignment of a visible mut binding (§5) */
    st->let.reassign = true;
    pt->binding = old;
    pt->ty = old->ty;
    if (!type_compatible(t, old->ty))
      error(S, st->let.value->span, "mismatched types: $%s is %s, but this "
            "value is %s", pt->name, type_name(old->ty), type_name(t));
    return;
  }
  if (!declares && old && same_sub) {
    error(S, pt->span, "cannot re-bind $%s: it is an immutable binding of "
          "this sub, and a plain '=' never shadows", pt->name);
    note(S, old->span, "$%s is declared here; declare it as 'mut $%s = …' to "
         "allow re-assignment", pt->name, pt->name);
    return;
  }
  pt->binding = declare(S, pt->name, pt->span, t, st->let.is_mut);
  pt->ty = t;
}

static void check_assign_op(Sema *S, Stmt *st) {
  Type *rt = check_expr(S, st->assign.value, true);
  bool same_sub = false;
  Binding *b = lookup_binding(S, st->assign.name, &same_sub);
  const char *op = op_text(st->assign.op);
  if (!b) {
    error(S, st->assign.name_span, "undefined binding $%s", st->assign.name);
    return;
  }
  st->assign.binding = b;
  if (!b->is_mut) {
    error(S, st->assign.name_span, "cannot assign to $%s with '%s': it is "
          "immutable", st->assign.name, op);
    note(S, b->span, "$%s is declared here; declare it as 'mut $%s = …' to "
         "allow re-assignment", b->name, b->name);
    return;
  }
  if (!same_sub) {
    error(S, st->assign.name_span, "cannot assign to $%s: it is declared "
          "outside this sub", st->assign.name);
    return;
  }
  TokKind bin;
  switch (st->assign.op) {
  case TOK_PLUSEQ: bin = TOK_PLUS; break;
  case TOK_MINUSEQ: bin = TOK_MINUS; break;
  case TOK_STAREQ: bin = TOK_STAR; break;
  case TOK_SLASHEQ: bin = TOK_SLASH; break;
  case TOK_PERCENTEQ: bin = TOK_PERCENT; break;
  default: bin = TOK_PLUSPLUS; break;
  }
  if (is_soft(rt) || is_soft(b->ty)) return;
  if (!arith_result(bin, b->ty, rt)) arith_error(S, st->span, st->assign.op,
                                                 b->ty, rt);
}

static bool stmt_diverges(Stmt *st) {
  return st->kind == ST_EXPR && st->expr.expr->ty &&
         st->expr.expr->ty->kind == TY_NEVER;
}

static Type *check_block(Sema *S, Expr *e, bool used) {
  push_scope(S, false);
  bool diverges = false;
  for (size_t i = 0; i < e->block.stmts.len; i++) {
    Stmt *st = e->block.stmts.data[i];
    switch (st->kind) {
    case ST_EXPR: check_expr(S, st->expr.expr, false); break;
    case ST_LET: check_let(S, st); break;
    case ST_ASSIGN_OP: check_assign_op(S, st); break;
    }
    if (stmt_diverges(st)) diverges = true;
  }
  Type *t = &ty_unit;
  if (e->block.value) t = check_expr(S, e->block.value, used);
  else if (diverges) t = &ty_never;
  if (diverges && t->kind == TY_UNIT && !e->block.value) t = &ty_never;
  pop_scope(S);
  return t;
}

/* ---- items ---------------------------------------------------------------- */

static void declare_item(Sema *S, Item *it) {
  Arena *A = S->s->arena;
  const char *name;
  Span sp;
  SymKind k;
  switch (it->kind) {
  case ITEM_SUB:
    name = it->sub.name;
    sp = it->sub.name_span;
    k = SYM_SUB;
    if (it->sub.recv_type) {
      not_implemented(S, it->sub.name_span, "methods declared as sub T.m",
                      "§8");
      return;
    }
    if (it->sub.tparams.len) {
      not_implemented(S, it->sub.name_span, "generic subs", "§11");
      return;
    }
    break;
  case ITEM_CONST:
    name = it->const_.name;
    sp = it->const_.name_span;
    k = SYM_CONST;
    break;
  case ITEM_TYPE:
    not_implemented(S, it->type.name_span, "type declarations", "§10");
    return;
  case ITEM_USE:
    not_implemented(S, it->use.module_span, "use of modules", "§3");
    return;
  case ITEM_EXTERN:
    not_implemented(S, it->span, "extern blocks", "§19");
    return;
  case ITEM_TEST:
    not_implemented(S, it->span, "test blocks", "§20");
    return;
  default:
    return;
  }
  Symbol *old = global_lookup(S, name);
  if (old) {
    error(S, sp, "'%s' is defined twice in this module (one name, one item, "
          "§8)", name);
    note(S, old->span, "the first definition of '%s' is here", name);
    return;
  }
  Symbol *sym = ARENA_NEW(A, Symbol);
  sym->kind = k;
  sym->name = name;
  sym->span = sp;
  sym->item = it;
  it->sym = sym;
  Global g = {name, sym};
  VEC_PUSH(A, S->globals, g);
  if (k == SYM_SUB) {
    for (size_t i = 0; i < it->sub.params.len; i++) {
      Param *pm = &it->sub.params.data[i];
      for (size_t j = 0; j < i; j++)
        if (it->sub.params.data[j].name == pm->name)
          error(S, pm->span, "parameter $%s is declared twice", pm->name);
      Type *t = resolve_type(S, pm->type);
      VEC_PUSH(A, sym->params, t);
    }
    sym->ret = resolve_type(S, it->sub.ret);
    VEC_PUSH(A, S->prog->subs, sym);
  } else {
    sym->ty = resolve_type(S, it->const_.type);
  }
}

static void check_sub_body(Sema *S, Symbol *sym) {
  SubDecl *sd = &sym->item->sub;
  S->cur_sub = sym;
  S->cur_ret = sym->ret;
  push_scope(S, true);
  for (size_t i = 0; i < sd->params.len; i++) {
    Param *pm = &sd->params.data[i];
    pm->binding = declare(S, pm->name, pm->span, sym->params.data[i], false);
  }
  bool unit = sym->ret->kind == TY_UNIT;
  Type *t = check_expr(S, sd->body, !unit);
  if (!unit && !type_compatible(t, sym->ret)) {
    Expr *at = sd->body->block.value ? sd->body->block.value : sd->body;
    if (t->kind == TY_UNIT && !sd->body->block.value)
      error(S, sd->body->span, "%s must return %s, but its body ends without "
            "a value", sym->name, type_name(sym->ret));
    else
      error(S, at->span, "mismatched types: expected %s (the result type of "
            "%s), found %s", type_name(sym->ret), sym->name, type_name(t));
  }
  pop_scope(S);
  S->cur_sub = NULL;
}

static bool order_const(Sema *S, Symbol *c);

/* Orders the consts that sub `sub` (and every sub it calls) names. */
static bool order_through_sub(Sema *S, Symbol *sub, Symbol *c, uint32_t mark) {
  if (sub->visit_mark == mark) return true;
  sub->visit_mark = mark;
  for (size_t i = 0; i < sub->const_deps.len; i++)
    if (!order_const(S, sub->const_deps.data[i])) {
      note(S, sub->span, "through sub %s, called by the initializer of %s",
           sub->name, c->name);
      return false;
    }
  for (size_t i = 0; i < sub->sub_deps.len; i++)
    if (!order_through_sub(S, sub->sub_deps.data[i], c, mark)) return false;
  return true;
}

/* §3: consts are initialized in dependency order — what the initializer
 * names, directly or through the subs it calls; a cycle is an error. */
static bool order_const(Sema *S, Symbol *c) {
  static uint32_t marks; /* only distinguishes walks; never read across runs */
  if (c->const_state == 2) return true;
  if (c->const_state == 1) {
    error(S, c->span, "const %s depends on itself", c->name);
    return false;
  }
  c->const_state = 1;
  bool ok = true;
  for (size_t i = 0; i < c->const_deps.len && ok; i++) {
    if (!order_const(S, c->const_deps.data[i])) {
      note(S, c->span, "through const %s", c->name);
      ok = false;
    }
  }
  for (size_t i = 0; i < c->sub_deps.len && ok; i++)
    ok = order_through_sub(S, c->sub_deps.data[i], c, ++marks);
  c->const_state = 2;
  VEC_PUSH(S->s->arena, S->prog->consts, c);
  return ok;
}

static void check_main(Sema *S) {
  Symbol *m = global_lookup(S, intern_cstr(S->s->names, "main"));
  if (!m) {
    Span sp = {S->mod->file->id, 0, 0};
    error(S, sp, "this program has no 'sub main()': add one, it is where the "
          "program starts (§3)");
    return;
  }
  if (m->kind != SYM_SUB) {
    error(S, m->span, "'main' must be a sub: sub main() { … }");
    return;
  }
  S->prog->main_sub = m;
  if (m->params.len)
    error(S, m->item->sub.params.data[0].span, "main takes no parameters; "
          "the command line comes from os.args() (§3)");
  if (m->ret->kind != TY_UNIT && m->ret->kind != TY_INT &&
      m->ret->kind != TY_ERROR)
    error(S, m->item->sub.ret->span, "main must return Unit or Int (the exit "
          "status), not %s", type_name(m->ret));
}

Program *sema_check(Session *s, Module *m) {
  Sema S = {.s = s, .mod = m};
  S.prog = ARENA_NEW(s->arena, Program);
  S.prog->main = m;
  for (size_t i = 0; i < m->items.len; i++) declare_item(&S, m->items.data[i]);
  check_main(&S);
  for (size_t i = 0; i < S.globals.len; i++) {
    Symbol *sym = S.globals.data[i].sym;
    if (sym->kind != SYM_CONST) continue;
    S.cur_const = sym;
    push_scope(&S, true);
    Type *t = check_expr(&S, sym->item->const_.value, true);
    expect_type(&S, sym->item->const_.value, t, sym->ty,
                arena_printf(s->arena, " (the type of const %s)", sym->name));
    pop_scope(&S);
    S.cur_const = NULL;
  }
  for (size_t i = 0; i < S.prog->subs.len; i++)
    check_sub_body(&S, S.prog->subs.data[i]);
  for (size_t i = 0; i < S.globals.len; i++) {
    Symbol *sym = S.globals.data[i].sym;
    if (sym->kind == SYM_CONST) order_const(&S, sym);
  }
  return S.prog;
}
