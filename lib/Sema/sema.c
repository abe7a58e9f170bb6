/* sema.c — name resolution and type checking (spec §3–§8, §12, §18).
 *
 * A program is the main module and the modules its `use` items reach
 * (the driver loaded them). Each module gets a ModScope: its own items,
 * the modules it uses (`use util`: `util.name` reaches util's items) and
 * the names it imports (`use util.{parse}`). The passes run over all
 * modules at once, so items may appear in any order and subs may be
 * mutually recursive across modules, `use` cycles included (§3):
 *   1. declare every type and its constructors, then record each module's
 *      `use` items, then declare subs and consts (names only);
 *   2. define the types' fields, then check the imports (unknown, private
 *      and conflicting names), then resolve the signatures;
 *   3. check const initializers and sub bodies, each in its module's scope:
 *      a stack of scopes maps binding names to Binding records, and
 *      check_expr computes each expression's type bottom-up, comparing
 *      with what its context needs. Never and Error fit anywhere, so a
 *      diverging branch type-checks and one error is reported once.
 * An unqualified name is the module's own item, else an imported one,
 * else the prelude's. `m.name` is parsed as a field or method access;
 * when `m` is no sub or const in scope but a module used here, it is
 * rewritten in place into the qualified name (a call of it), so lowering
 * never sees the difference.
 *
 * §5 in one place: bind_name decides whether `$x = e` declares a new
 * binding or re-assigns a visible `mut` one, and reports the two errors the
 * rule defines (re-binding an immutable binding of the same sub; declaring
 * with `mut`/annotation a name already visible).
 *
 * §19: the subs of an extern block are declared as subs of the module
 * (declare_extern), their types checked (check_foreign_signature); they
 * have no body.
 *
 * Constructs the foundation does not implement are rejected by
 * not_implemented() with the spec section, at their location.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "guji/FmtSpec.h"
#include "guji/Sema.h"
#include "exhaust.h"

#define TN(t) type_name(S->tc, (t))
#define UNIFY(a, b) type_unify(S->tc, (a), (b))
#define SOFT(t) type_is_soft(S->tc, (t))

/* ---- state ---------------------------------------------------------------- */

typedef struct Scope {
  VEC(Binding *) binds;
  bool sub_boundary;    /* first scope of a sub body */
} Scope;

typedef struct Global {
  const char *name;
  Symbol *sym;
} Global;

typedef struct ModScope ModScope;

/* `use m.{name}`: name, found among m's own items. */
typedef struct Import {
  const char *name;
  Span span;
  ModScope *from;
  bool bad;               /* reported (unknown, private, conflicting) */
} Import;

/* `use m`: `m.name` reaches m's own items. */
typedef struct UseAlias {
  const char *name;
  Span span;
  ModScope *target;       /* NULL: math or time (§18), or a module not found */
  bool is_math;
  bool is_time;
  bool is_io, is_os;
  bool is_text;
} UseAlias;

/* `use math.{sqrt}`: a standard module's sub or const, unqualified. */
typedef struct StdImport {
  const char *name;
  const char *module;
} StdImport;

/* The names of one module (§3). */
struct ModScope {
  Module *mod;
  VEC(Global) globals;    /* its subs and consts */
  VEC(TypeDecl *) tdecls; /* its types */
  VEC(CtorDecl *) ctors;  /* its sum types' constructors */
  VEC(UseAlias) uses;
  VEC(Import) imports;
  VEC(CtorDecl *) imp_ctors; /* constructors in scope through imports */
  VEC(StdImport) std_imports; /* `use math.{sqrt, PI}` (§3, §18) */
  bool use_math;          /* `use math` seen (§18) */
};

/* §11: a call of a generic sub and its type arguments, kept until every
 * body is checked: then the capabilities the sub's body uses on each type
 * parameter are checked against the argument (check_instances). */
typedef struct Instance {
  Symbol *sym;
  Type **targs;
  Span span;
  Symbol *caller;         /* NULL in a const initializer */
} Instance;

typedef struct Sema {
  Session *s;
  TypeCtx *tc;
  Program *prog;
  VEC(ModScope *) mods;   /* one per module, main first */
  ModScope *ms;           /* the module being checked */
  VEC(Scope) scopes;
  Symbol *cur_sub;        /* NULL in a const initializer */
  Symbol *cur_const;      /* for dependency edges */
  Type *cur_ret;
  int loop_depth;
  VEC(TypeDecl *) prelude_types;
  VEC(CtorDecl *) prelude_ctors;
  TypeDecl *opt_decl, *res_decl, *chanerr_decl;
  VEC(Type *) tparams;    /* type parameters in scope (type declarations) */
  VEC(Symbol *) methods;  /* `sub T.m`: name "T.m", owner in method_of */
  uint32_t depth;         /* anonymous subs / hatch blocks we are inside */
  Type *value_want;       /* the type a sub body's final value must have,
                             for an anonymous sub there (§8) */
  VEC(Expr *) lambdas;    /* the enclosing anonymous subs and hatch blocks */
  VEC(TypeDecl *) method_of;
  VEC(Symbol *) tests;    /* every module's test blocks (§20) */
  VEC(Instance) instances; /* calls of generic subs, for check_instances */
  bool caps_changed;      /* need_cap added a capability (fixed point) */
  VEC(struct Deferred) deferred; /* capability checks of types still open */
  VEC(Type *) cap_errors; /* types reported without ordering or hashing in
                             this body (the deferred checks say it once) */
  VEC(Expr *) open_lits;  /* [], {:}, None-like constructors, channel():
                             their types must be fixed by the body's end */
} Sema;

/* §4: a use that needs an ordering or hashing of a type still open
 * (`mut $xs = []; $xs.sorted()`) is checked once the body's inference
 * is done and the type is known, and reported at the use. */
typedef enum DeferKind { DEFER_SORTED, DEFER_MINMAX, DEFER_SORTED_BY,
                         DEFER_KEY, DEFER_EQ, DEFER_SUM } DeferKind;
struct Deferred {
  DeferKind kind;
  Type *type;
  Span span;
  const char *what;       /* DEFER_KEY: "Map key", "Set element";
                             DEFER_EQ: the method, "contains" */
  size_t nreported;       /* cap_errors.len when the use was seen */
};

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

static void need_key(Sema *S, Span sp, Type *t, const char *what);
static void check_cap_use(Sema *S, DeferKind k, Type *t, Span sp,
                          const char *what);

/* ---- capabilities of type parameters (§4, §11) ----------------------------- */

enum { CAP_EQ = 1, CAP_ORD = 2, CAP_HASH = 4, CAP_TEXT = 8 };

/* Records that the body being checked uses `cap` on a type holding its own
 * type parameters: a generic body is checked once with every capability
 * allowed, and each instantiation is checked after all bodies. */
static void need_cap(Sema *S, Type *t, unsigned cap) {
  Symbol *f = S->cur_sub;
  t = type_resolve(S->tc, t);
  if (!f || !f->tparams.len) return;
  if (t->kind == TY_PARAM) {
    for (size_t i = 0; i < f->tparams.len; i++) {
      if (f->tparams.data[i] != t) continue;
      if (!f->tcaps)
        f->tcaps = memset(ARENA_ARRAY(S->s->arena, uint8_t, f->tparams.len),
                          0, f->tparams.len);
      if ((f->tcaps[i] & cap) != cap) S->caps_changed = true;
      f->tcaps[i] |= (uint8_t)cap;
    }
    return;
  }
  for (uint32_t i = 0; i < t->nargs; i++) need_cap(S, t->args[i], cap);
}
static bool has_eq(Sema *S, Type *t) {
  need_cap(S, t, CAP_EQ);
  return type_has_eq(S->tc, t);
}
static bool has_order(Sema *S, Type *t) {
  need_cap(S, t, CAP_EQ | CAP_ORD);
  return type_has_order(S->tc, t);
}
static bool has_hash(Sema *S, Type *t) {
  need_cap(S, t, CAP_EQ | CAP_HASH);
  return type_has_hash(S->tc, t);
}
static bool has_text(Sema *S, Type *t) {
  need_cap(S, t, CAP_TEXT);
  return type_has_text(S->tc, t);
}
static Type *not_implemented(Sema *S, Span sp, const char *what,
                             const char *section) {
  error(S, sp, "not implemented yet: %s (%s)", what, section);
  return &ty_error;
}

/* ---- modules and names (§3) ------------------------------------------- */

static void set_scope(Sema *S, ModScope *ms) {
  S->ms = ms;
  type_ctx_set_module(S->tc, ms->mod->name);
}

static ModScope *scope_of(Sema *S, const Module *m) {
  for (size_t i = 0; i < S->mods.len; i++)
    if (S->mods.data[i]->mod == m) return S->mods.data[i];
  return NULL;
}

/* The module of a type declaration (NULL: the prelude). */
static ModScope *scope_of_decl(Sema *S, const TypeDecl *d) {
  for (size_t i = 0; d->module && i < S->mods.len; i++)
    if (S->mods.data[i]->mod->name == d->module) return S->mods.data[i];
  return NULL;
}

/* §3: names starting with `_` are private to their module. */
static bool is_private(const char *name) { return name[0] == '_'; }

static Symbol *own_global(ModScope *m, const char *name) {
  for (size_t i = 0; i < m->globals.len; i++)
    if (m->globals.data[i].name == name) return m->globals.data[i].sym;
  return NULL;
}

static TypeDecl *own_tdecl(ModScope *m, const char *name) {
  for (size_t i = 0; i < m->tdecls.len; i++)
    if (m->tdecls.data[i]->name == name) return m->tdecls.data[i];
  return NULL;
}

static CtorDecl *own_ctor(ModScope *m, const char *name) {
  for (size_t i = 0; i < m->ctors.len; i++)
    if (m->ctors.data[i]->name == name) return m->ctors.data[i];
  return NULL;
}

/* The standard module that `use m.{name}` imported name from, or NULL. */
static const char *std_import(Sema *S, const char *name) {
  for (size_t i = 0; i < S->ms->std_imports.len; i++)
    if (strcmp(S->ms->std_imports.data[i].name, name) == 0)
      return S->ms->std_imports.data[i].module;
  return NULL;
}

/* A new EX_NAME naming module m, the receiver of `m.name` (§3). */
static Expr *module_name_expr(Sema *S, const char *m, Span sp) {
  Expr *r = ARENA_NEW(S->s->arena, Expr);
  r->kind = EX_NAME;
  r->span = sp;
  r->name.name = m;
  return r;
}

static UseAlias *find_use(ModScope *m, const char *name) {
  for (size_t i = 0; i < m->uses.len; i++)
    if (m->uses.data[i].name == name) return &m->uses.data[i];
  return NULL;
}

/* A sub or const by its unqualified name: the module's own, else an
 * imported one (prelude subs are built in: the callers try them last). */
static Symbol *global_lookup(Sema *S, const char *name) {
  Symbol *sym = own_global(S->ms, name);
  for (size_t i = 0; !sym && i < S->ms->imports.len; i++) {
    Import *im = &S->ms->imports.data[i];
    if (im->name == name && !im->bad) sym = own_global(im->from, name);
  }
  return sym;
}

/* A name imported by a `use m.{name}` that was reported as bad (missing in
 * m, private, …): its uses are not reported again as undefined. */
static bool bad_import(Sema *S, const char *name) {
  for (size_t i = 0; i < S->ms->imports.len; i++)
    if (S->ms->imports.data[i].name == name && S->ms->imports.data[i].bad)
      return true;
  return false;
}

static int builtin_sub(const char *name) {
  static const char *const names[] = {"print", "write", "eprint", "assert",
                                      "panic", "range", "char", "set",
                                      "regex"};
  for (int i = 0; i < 9; i++)
    if (strcmp(name, names[i]) == 0) return i;
  return BI_NONE;
}

/* Prelude names this implementation does not provide yet, for a better
 * message than "undefined". */
static const char *prelude_section(const char *name) {
  static const struct { const char *name, *sec; } later[] = {
      {"channel", "§17"},
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
  b->depth = S->depth;
  b->id = S->prog->nbindings++;
  VEC_PUSH(S->s->arena, VEC_LAST(S->scopes).binds, b);
  return b;
}

/* ---- type declarations and type expressions (§10, §11) ------------------ */

/* A type by its unqualified name: own, imported, then the prelude's. */
static TypeDecl *find_tdecl(Sema *S, const char *name) {
  TypeDecl *d = own_tdecl(S->ms, name);
  for (size_t i = 0; !d && i < S->ms->imports.len; i++) {
    Import *im = &S->ms->imports.data[i];
    if (im->name == name && !im->bad) d = own_tdecl(im->from, name);
  }
  for (size_t i = 0; !d && i < S->prelude_types.len; i++)
    if (S->prelude_types.data[i]->name == name) d = S->prelude_types.data[i];
  return d;
}

/* A constructor by its unqualified name: own, in scope through an
 * import (of it or of its type), then the prelude's. */
static CtorDecl *find_ctor(Sema *S, const char *name) {
  CtorDecl *k = own_ctor(S->ms, name);
  for (size_t i = 0; !k && i < S->ms->imp_ctors.len; i++)
    if (S->ms->imp_ctors.data[i]->name == name) k = S->ms->imp_ctors.data[i];
  for (size_t i = 0; !k && i < S->prelude_ctors.len; i++)
    if (S->prelude_ctors.data[i]->name == name) k = S->prelude_ctors.data[i];
  return k;
}

/* S->ms is NULL while the prelude is declared. */
static TypeDecl *new_tdecl(Sema *S, const char *name, Span sp, Item *it) {
  TypeDecl *d = ARENA_NEW(S->s->arena, TypeDecl);
  d->name = name;
  d->span = sp;
  d->module = S->ms ? S->ms->mod->name : NULL;
  d->item = it;
  if (S->ms) VEC_PUSH(S->s->arena, S->ms->tdecls, d);
  else VEC_PUSH(S->s->arena, S->prelude_types, d);
  return d;
}

static CtorDecl *new_ctor(Sema *S, TypeDecl *d, const char *name, Span sp,
                          bool register_name) {
  CtorDecl *k = ARENA_NEW(S->s->arena, CtorDecl);
  k->name = name;
  k->span = sp;
  k->owner = d;
  k->index = (uint32_t)d->ctors.len;
  VEC_PUSH(S->s->arena, d->ctors, k);
  if (register_name && !S->ms) {
    VEC_PUSH(S->s->arena, S->prelude_ctors, k);
  } else if (register_name) {
    CtorDecl *old = own_ctor(S->ms, name);
    if (old) {
      error(S, sp, "constructor %s is already defined by type %s; one "
            "module's types cannot share a constructor name (§10)", name,
            old->owner->name);
      note(S, old->span, "%s is defined here", name);
    }
    VEC_PUSH(S->s->arena, S->ms->ctors, k);
  }
  return k;
}

/* ---- qualified names (§3) ---------------------------------------------- */

/* The module `module` names in `module.name`, when it is one used here;
 * else NULL, reported at sp. */
static ModScope *used_module(Sema *S, const char *module, const char *name,
                             Span sp) {
  UseAlias *u = find_use(S->ms, module);
  if (u && u->target) return u->target;
  if (u && (u->is_io || u->is_os)) {
    error(S, sp, "the %s module has no %s", module, name);
    return NULL;
  }
  if (u && u->is_time) {
    error(S, sp, "the time module has no %s (it has the subs now_ms, now_ns, "
          "sleep and after)", name);
    return NULL;
  }
  if (u && !u->is_math) return NULL; /* not found: reported at the use */
  if (u)
    error(S, sp, "the math module has no %s (it has the subs sqrt, sin, cos, "
          "tan, atan2, exp, log, pow, is_nan and the constants PI, E, INF, "
          "NAN)", name);
  else if (strcmp(module, "math") == 0)
    error(S, sp, "the math module is not used here; add 'use math' (§18)");
  else if (sema_is_std_module(module))
    not_implemented(S, sp, arena_printf(S->s->arena, "the standard module %s",
                    module), "§18");
  else
    error(S, sp, "'%s' is not a module used here; add 'use %s' to use the "
          "module %s.guji (§3)", module, module, module);
  return NULL;
}

/* §3: another module's `_name` is out of reach. */
static bool check_visible(Sema *S, ModScope *m, const char *name, Span sp) {
  if (!is_private(name) || m == S->ms) return true;
  error(S, sp, "'%s' is private to module %s (names starting with '_' are "
        "private to their module, §3)", name, m->mod->name);
  return false;
}

/* `m.name` as a value or a callee (an EX_NAME with a module): a sub or a
 * const of module m, or a constructor of one of its types (§10:
 * constructors are qualified as their type is). */
static bool resolve_qualified(Sema *S, Expr *e) {
  Span nsp = e->name.name_span.end ? e->name.name_span : e->span;
  const char *name = e->name.name;
  ModScope *m = used_module(S, e->name.module, name, e->span);
  if (!m) return false;
  Symbol *sym = own_global(m, name);
  CtorDecl *k = sym ? NULL : own_ctor(m, name);
  if (!sym && !k) {
    TypeDecl *d = own_tdecl(m, name);
    if (d && d->is_record)
      error(S, nsp, "%s.%s is a record type; build one with %s.%s { field: "
            "value, … }", m->mod->name, name, m->mod->name, name);
    else if (d)
      error(S, nsp, "%s.%s is a type, not a value", m->mod->name, name);
    else
      error(S, nsp, "module %s has no sub, const or constructor named '%s'",
            m->mod->name, name);
    return false;
  }
  if (!check_visible(S, m, name, nsp)) return false;
  e->name.sym = sym;
  e->name.ctor = k;
  return true;
}

/* `m.T` in a type, a record literal or a pattern. */
static TypeDecl *qualified_type(Sema *S, const char *module, const char *name,
                                Span sp) {
  ModScope *m = used_module(S, module, name, sp);
  if (!m) return NULL;
  TypeDecl *d = own_tdecl(m, name);
  if (!d) {
    error(S, sp, "module %s has no type named '%s'", m->mod->name, name);
    return NULL;
  }
  return check_visible(S, m, name, sp) ? d : NULL;
}

/* Rewrites `recv.name` (EX_FIELD, recv a module) in place into the
 * qualified name `recv.name` (EX_NAME). */
static void field_to_qualified(Expr *e) {
  const char *module = e->field.recv->name.name;
  const char *name = e->field.name;
  Span nsp = e->field.name_span;
  memset(&e->name, 0, sizeof e->name);
  e->kind = EX_NAME;
  e->name.module = module;
  e->name.name = name;
  e->name.name_span = nsp;
}

/* Rewrites `recv.name(args)` (EX_METHOD, recv a module) in place into the
 * call `recv.name(args)` (EX_CALL of a qualified EX_NAME). */
static void method_to_qualified_call(Sema *S, Expr *e) {
  Expr *recv = e->method.recv;
  Expr *callee = ARENA_NEW(S->s->arena, Expr);
  callee->kind = EX_NAME;
  callee->span = span_join(recv->span, e->method.name_span);
  callee->name.module = recv->name.name;
  callee->name.name = e->method.name;
  callee->name.name_span = e->method.name_span;
  ExprList args = e->method.args;
  memset(&e->call, 0, sizeof e->call);
  e->kind = EX_CALL;
  e->call.callee = callee;
  e->call.args = args;
  e->call.builtin = BI_NONE;
}

/* The fresh instance of a declaration: its params replaced by variables. */
static Type *instantiate(Sema *S, TypeDecl *d) {
  Type *args[16];
  uint32_t n = (uint32_t)d->params.len;
  for (uint32_t i = 0; i < n && i < 16; i++) args[i] = type_var(S->tc);
  return type_adt(S->tc, d, args, n);
}

static void declare_prelude_types(Sema *S) {
  Interner *in = S->s->names;
  Span none = {0, 0, 0};
  TypeDecl *opt = new_tdecl(S, intern_cstr(in, "Option"), none, NULL);
  VEC_PUSH(S->s->arena, opt->params, type_param(S->tc, "T", 0));
  new_ctor(S, opt, intern_cstr(in, "None"), none, true);
  CtorDecl *some = new_ctor(S, opt, intern_cstr(in, "Some"), none, true);
  VEC_PUSH(S->s->arena, some->fields, opt->params.data[0]);
  opt->state = 2;
  S->opt_decl = opt;
  TypeDecl *res = new_tdecl(S, intern_cstr(in, "Result"), none, NULL);
  VEC_PUSH(S->s->arena, res->params, type_param(S->tc, "T", 0));
  VEC_PUSH(S->s->arena, res->params, type_param(S->tc, "E", 1));
  CtorDecl *ok = new_ctor(S, res, intern_cstr(in, "Ok"), none, true);
  VEC_PUSH(S->s->arena, ok->fields, res->params.data[0]);
  CtorDecl *err = new_ctor(S, res, intern_cstr(in, "Err"), none, true);
  VEC_PUSH(S->s->arena, err->fields, res->params.data[1]);
  res->state = 2;
  S->res_decl = res;
  /* §17: type ChanError = Closed */
  TypeDecl *ce = new_tdecl(S, intern_cstr(in, "ChanError"), none, NULL);
  new_ctor(S, ce, intern_cstr(in, "Closed"), none, true);
  ce->state = 2;
  S->chanerr_decl = ce;
}

static Type *resolve_type(Sema *S, TypeExpr *te);

static Type *resolve_type_args(Sema *S, TypeExpr *te, TypeDecl *d) {
  if (te->args.len != d->params.len) {
    if (d->params.len == 0)
      error(S, te->span, "type %s takes no type arguments", d->name);
    else
      error(S, te->span, "type %s takes %zu type argument%s, but %zu %s given",
            d->name, d->params.len, d->params.len == 1 ? "" : "s",
            te->args.len, te->args.len == 1 ? "was" : "were");
    return &ty_error;
  }
  Type *args[16];
  for (size_t i = 0; i < te->args.len && i < 16; i++)
    args[i] = resolve_type(S, te->args.data[i]);
  return type_adt(S->tc, d, args, (uint32_t)te->args.len);
}

/* The type `te` names, declared by d. */
static Type *decl_type(Sema *S, TypeExpr *te, TypeDecl *d) {
  Item *it = d->item;
  if (!it || it->type.kind != TD_ALIAS || d->ctors.len != 0)
    return resolve_type_args(S, te, d);
  /* an alias is the same type (§10): resolve its right side, in the
   * scope of the module that declares it */
  if (d->state == 1) {
    error(S, te->span, "type alias %s refers to itself", d->name);
    return &ty_error;
  }
  size_t n = d->params.len;
  if (te->args.len != n) {
    if (n)
      error(S, te->span, "type alias %s takes %zu type argument%s: %s[…]",
            d->name, n, n == 1 ? "" : "s", d->name);
    else
      error(S, te->span, "type alias %s takes no type arguments", d->name);
    return &ty_error;
  }
  /* a generic alias (`type Pairs[T] = List[(T, T)]`): its right side with
   * its own parameters in scope, then the arguments put in for them */
  Type *args[16];
  if (n > 16) return not_implemented(S, te->span, "an alias of more than 16 "
                                     "type parameters", "§10, §11");
  for (size_t i = 0; i < n; i++) args[i] = resolve_type(S, te->args.data[i]);
  int saved = d->state;
  ModScope *saved_ms = S->ms, *home = scope_of_decl(S, d);
  d->state = 1;
  if (home) set_scope(S, home);
  size_t saved_np = S->tparams.len;
  Type **saved_tp = NULL;
  if (saved_np) {
    saved_tp = ARENA_ARRAY(S->s->arena, Type *, saved_np);
    memcpy(saved_tp, S->tparams.data, saved_np * sizeof *saved_tp);
  }
  S->tparams.len = 0;
  for (size_t i = 0; i < n; i++)
    VEC_PUSH(S->s->arena, S->tparams, d->params.data[i]);
  Type *t = resolve_type(S, it->type.alias);
  S->tparams.len = 0;
  for (size_t i = 0; i < saved_np; i++)
    VEC_PUSH(S->s->arena, S->tparams, saved_tp[i]);
  set_scope(S, saved_ms);
  d->state = saved;
  return n ? type_subst(S->tc, t, args, (uint32_t)n) : t;
}

static Type *resolve_type(Sema *S, TypeExpr *te) {
  if (!te) return &ty_unit;
  switch (te->kind) {
  case TE_TUPLE: {
    if (te->args.len == 0) return &ty_unit;
    Type *el[32];
    if (te->args.len > 32)
      return not_implemented(S, te->span, "tuples of more than 32 elements",
                             "§4");
    for (size_t i = 0; i < te->args.len; i++)
      el[i] = resolve_type(S, te->args.data[i]);
    return type_tuple(S->tc, el, (uint32_t)te->args.len);
  }
  case TE_FN: {
    Type *ps[32];
    if (te->args.len > 32)
      return not_implemented(S, te->span, "more than 32 parameters", "§8");
    for (size_t i = 0; i < te->args.len; i++) ps[i] = resolve_type(S, te->args.data[i]);
    Type *ret = te->ret ? resolve_type(S, te->ret) : &ty_unit;
    return type_fn(S->tc, ps, (uint32_t)te->args.len, ret);
  }
  case TE_NAME:
    break;
  }
  if (te->module) {
    TypeDecl *d = qualified_type(S, te->module, te->name, te->span);
    return d ? decl_type(S, te, d) : &ty_error;
  }
  for (size_t i = 0; i < S->tparams.len; i++)
    if (S->tparams.data[i]->name == te->name) {
      if (te->args.len)
        error(S, te->span, "type parameter %s takes no type arguments",
              te->name);
      return S->tparams.data[i];
    }
  static const struct { const char *name; Type *ty; } scalars[] = {
      {"Int", &ty_int},   {"Float", &ty_float}, {"Bool", &ty_bool},
      {"Char", &ty_char}, {"Str", &ty_str},     {"Unit", &ty_unit},
      {"Regex", &ty_regex}, {"Match", &ty_match},
      {"Lines", &ty_lines}, /* §18: a stream of lines, no type arguments */
  };
  for (size_t i = 0; i < sizeof scalars / sizeof scalars[0]; i++)
    if (strcmp(te->name, scalars[i].name) == 0) {
      if (te->args.len)
        error(S, te->span, "type %s takes no type arguments", te->name);
      return scalars[i].ty;
    }
  if (strcmp(te->name, "List") == 0) {
    if (te->args.len != 1) {
      error(S, te->span, "List takes 1 type argument (its element type), as "
            "in List[Int]");
      return &ty_error;
    }
    return type_list(S->tc, resolve_type(S, te->args.data[0]));
  }
  if (strcmp(te->name, "Chan") == 0 || strcmp(te->name, "Task") == 0) {
    bool chan = te->name[0] == 'C';
    if (te->args.len != 1) {
      error(S, te->span, chan ? "Chan takes 1 type argument (its element "
            "type), as in Chan[Int]" : "Task takes 1 type argument (its "
            "result type), as in Task[Int]");
      return &ty_error;
    }
    Type *a = resolve_type(S, te->args.data[0]);
    return chan ? type_chan(S->tc, a) : type_task(S->tc, a);
  }
  if (strcmp(te->name, "Map") == 0 || strcmp(te->name, "Set") == 0) {
    bool is_map = te->name[0] == 'M';
    if (te->args.len != (is_map ? 2u : 1u)) {
      error(S, te->span, is_map ? "Map takes 2 type arguments (key and value), "
            "as in Map[Str, Int]" : "Set takes 1 type argument (its element "
            "type), as in Set[Int]");
      return &ty_error;
    }
    Type *k = resolve_type(S, te->args.data[0]);
    need_key(S, te->args.data[0]->span, k, is_map ? "Map key" : "Set element");
    return is_map ? type_map(S->tc, k, resolve_type(S, te->args.data[1]))
                  : type_set(S->tc, k);
  }
  TypeDecl *d = find_tdecl(S, te->name);
  if (d) return decl_type(S, te, d);
  if (strcmp(te->name, "Range") == 0 && !te->args.len) return &ty_range;
  if (!bad_import(S, te->name)) error(S, te->span, "unknown type %s", te->name);
  return &ty_error;
}

static bool is_known_type_name(Sema *S, const char *name) {
  static const char *const builtin[] = {"Int", "Float", "Bool", "Char", "Str",
                                        "Unit", "List", "Map", "Set", "Range",
                                        "Regex", "Match", "Chan", "Task",
                                        "Lines"};
  for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
    if (strcmp(name, builtin[i]) == 0) return true;
  return find_tdecl(S, name) != NULL;
}

/* First pass over `type` items: the declaration and its constructors'
 * names, so types may refer to each other in any order. */
static void declare_type_item(Sema *S, Item *it) {
  if (own_tdecl(S->ms, it->type.name)) {
    error(S, it->type.name_span, "type %s is defined twice in this module",
          it->type.name);
    return;
  }
  TypeDecl *d = new_tdecl(S, it->type.name, it->type.name_span, it);
  for (size_t i = 0; i < it->type.tparams.len; i++)
    VEC_PUSH(S->s->arena, d->params,
             type_param(S->tc, it->type.tparams.data[i], (uint32_t)i));
  switch (it->type.kind) {
  case TD_RECORD: {
    d->is_record = true;
    new_ctor(S, d, d->name, it->type.name_span, false);
    break;
  }
  case TD_VARIANTS:
    for (size_t i = 0; i < it->type.variants.len; i++) {
      VariantDecl *v = &it->type.variants.data[i];
      new_ctor(S, d, v->name, v->span, true);
    }
    break;
  case TD_ALIAS:
    break; /* decided in define_type_item, once all names are known */
  }
}

/* §10: a right side that is one bare name that is not a type is a
 * one-constructor sum. Decided for every module's types before any field
 * is resolved, since a field may name such a type of a later module. */
static void decide_alias(Sema *S, TypeDecl *d) {
  Item *it = d->item;
  TypeExpr *a = it->type.alias;
  if (it->type.kind == TD_ALIAS && a->kind == TE_NAME && !a->module &&
      !a->args.len && !is_known_type_name(S, a->name))
    new_ctor(S, d, a->name, a->span, true);
}

/* Second pass: field types. */
static void define_type_item(Sema *S, TypeDecl *d) {
  Item *it = d->item;
  S->tparams.len = 0;
  for (size_t i = 0; i < d->params.len; i++)
    VEC_PUSH(S->s->arena, S->tparams, d->params.data[i]);
  if (it->type.kind == TD_ALIAS) {
    /* no fields: an alias, or a one-constructor sum (decide_alias) */
    /* a generic alias is resolved at each use, with its arguments
     * (decl_type); its right side is checked here, once */
    if (!d->ctors.len && d->params.len) (void)resolve_type(S, it->type.alias);
  } else if (it->type.kind == TD_RECORD) {
    CtorDecl *k = d->ctors.data[0];
    for (size_t i = 0; i < it->type.fields.len; i++) {
      FieldDecl *fd = &it->type.fields.data[i];
      for (size_t j = 0; j < i; j++)
        if (it->type.fields.data[j].name == fd->name)
          error(S, fd->span, "field %s is declared twice in %s", fd->name,
                d->name);
      VEC_PUSH(S->s->arena, k->fields, resolve_type(S, fd->type));
      VEC_PUSH(S->s->arena, k->field_names, fd->name);
    }
  } else {
    for (size_t i = 0; i < it->type.variants.len; i++) {
      VariantDecl *v = &it->type.variants.data[i];
      CtorDecl *k = d->ctors.data[i];
      for (size_t j = 0; j < v->fields.len; j++)
        VEC_PUSH(S->s->arena, k->fields, resolve_type(S, v->fields.data[j]));
    }
  }
  S->tparams.len = 0;
  d->state = 2;
}

/* ---- expressions ----------------------------------------------------------- */

static Type *check_expr(Sema *S, Expr *e, bool used);
static Type *check_block(Sema *S, Expr *e, bool used);
static Type *check_ctor_app(Sema *S, Expr *e, CtorDecl *k, ExprList *args,
                            Span name_sp);
static Type *check_match(Sema *S, Expr *e, bool used);
static Type *check_lambda(Sema *S, Expr *e, Type *want);
static Type *check_fn_arg(Sema *S, Expr *a, Type *want);
static void eta_if_wanted(Sema *S, Expr *a, Type *want);
static Type *fn1(Sema *S, Type *p, Type *r);
static Type *check_fn_call(Sema *S, Expr *e, Type *ft);
static void note_capture(Sema *S, Expr *e, Binding *b);
static Type *check_list(Sema *S, Expr *e);
static Type *check_index(Sema *S, Expr *e);
static Type *check_list_method(Sema *S, Expr *e, Type *rt);
static Type *check_list_hof(Sema *S, Expr *e, Type *rt);
static Type *check_map_method(Sema *S, Expr *e, Type *rt);
static Type *check_chan_method(Sema *S, Expr *e, Type *rt);
static Type *check_select(Sema *S, Expr *e, bool used);
static Type *check_channel(Sema *S, Expr *e);
static Type *check_map_literal(Sema *S, Expr *e, Type *want);
static Type *check_args_only(Sema *S, ExprList *args);
static Type *check_range_method(Sema *S, Expr *e);
static Type *check_math_call(Sema *S, Expr *e);
static Type *check_io_call(Sema *S, Expr *e, bool io);
static Type *check_text_call(Sema *S, Expr *e);
static Type *check_str_method(Sema *S, Expr *e);
static Type *check_math_const(Sema *S, Expr *e);
static Type *check_method(Sema *S, Expr *e);
static Type *check_try(Sema *S, Expr *e);

/* Reports a mismatch of `got` where `want` is needed; returns want. */
static Type *expect_type(Sema *S, Expr *e, Type *got, Type *want,
                         const char *context) {
  if (UNIFY(got, want)) return got;
  error(S, e->span, "mismatched types: expected %s%s, found %s",
        TN(want), context ? context : "", TN(got));
  return want;
}

/* §14: a literal is validated here with the options the runtime uses
 * (GJ_RE_PCRE2_OPTIONS in gujirt.h: UTF, UCP, NEVER_BACKSLASH_C), so a bad
 * pattern is an error at its offset in the pattern; its named groups are
 * kept for the `=~` bindings. */
static bool is_name_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_';
}

static Type *check_regex(Sema *S, Expr *e) {
  enum { RE_OPTIONS = PCRE2_UTF | PCRE2_UCP | PCRE2_NEVER_BACKSLASH_C };
  _Static_assert(RE_OPTIONS == 0x001A0000u, "gujirt.h GJ_RE_PCRE2_OPTIONS");
  static const struct { char c; uint32_t bit, pcre; } fl[] = {
      {'i', 1, PCRE2_CASELESS}, {'m', 2, PCRE2_MULTILINE},
      {'s', 4, PCRE2_DOTALL},   {'x', 8, PCRE2_EXTENDED}};
  uint32_t bits = 0, opts = RE_OPTIONS;
  for (const char *f = e->re.flags; *f; f++)
    for (size_t i = 0; i < 4; i++)
      if (*f == fl[i].c) {
        bits |= fl[i].bit;
        opts |= fl[i].pcre;
      }
  e->re.flag_bits = bits;
  int code;
  PCRE2_SIZE off;
  pcre2_code *re = pcre2_compile((PCRE2_SPTR)e->re.pattern, e->re.len, opts,
                                 &code, &off, NULL);
  if (!re) {
    PCRE2_UCHAR msg[256];
    if (pcre2_get_error_message(code, msg, sizeof msg) < 0)
      strcpy((char *)msg, "unknown error");
    Span sp = e->re.pattern_span;
    if (off > e->re.len) off = e->re.len;
    sp.start += (uint32_t)off;
    sp.end = sp.start < e->re.pattern_span.end ? sp.start + 1 : sp.start;
    /* PCRE2's words for the two options guji fixes are about the C API
     * ("PCRE2_DUPNAMES not set", "disabled by the application"): say
     * what the guji programmer can do instead */
    const char *hint = "PCRE2 syntax, §14";
    const char *pat = e->re.pattern;
    if (code == PCRE2_ERROR_DUPLICATE_SUBPATTERN_NAME && off >= 2 &&
        (pat[off - 1] == '>' || pat[off - 1] == '\'')) {
      /* PCRE2 names the byte after the second name: underline the name */
      size_t a = off - 1;
      while (a > 0 && is_name_byte(pat[a - 1]))
        a--;
      sp.start = e->re.pattern_span.start + (uint32_t)a;
      sp.end = e->re.pattern_span.start + (uint32_t)(off - 1);
      off = a;
    } else if (code == PCRE2_ERROR_BACKSLASH_C_CALLER_DISABLED && off >= 2 &&
               pat[off - 2] == '\\') {
      /* and the byte after "\C": underline both */
      sp.start = e->re.pattern_span.start + (uint32_t)(off - 2);
      sp.end = sp.start + 2;
      off -= 2;
    }
    if (code == PCRE2_ERROR_DUPLICATE_SUBPATTERN_NAME) {
      strcpy((char *)msg, "two named groups have the same name");
      hint = "rename one, or start the pattern with (?J) to allow duplicate "
             "names; §14";
    } else if (code == PCRE2_ERROR_BACKSLASH_C_CALLER_DISABLED) {
      strcpy((char *)msg, "\\C (one code unit) is not allowed");
      hint = "patterns are always UTF: use . for one character; §14";
    }
    error(S, sp, "invalid regex: %s (at offset %zu of the pattern; %s)",
          (const char *)msg, (size_t)off, hint);
    return &ty_regex;
  }
  uint32_t count = 0, size = 0;
  PCRE2_SPTR table = NULL;
  pcre2_pattern_info(re, PCRE2_INFO_NAMECOUNT, &count);
  pcre2_pattern_info(re, PCRE2_INFO_NAMEENTRYSIZE, &size);
  pcre2_pattern_info(re, PCRE2_INFO_NAMETABLE, &table);
  e->re.names = ARENA_ARRAY(S->s->arena, const char *, count + 1);
  e->re.nnames = 0;
  for (uint32_t i = 0; i < count; i++) {
    const char *name = (const char *)table + i * size + 2;
    const char *in = intern(S->s->names, name, strlen(name));
    if (e->re.nnames && e->re.names[e->re.nnames - 1] == in) continue;
    e->re.names[e->re.nnames++] = in; /* duplicates are adjacent (sorted) */
  }
  pcre2_code_free(re);
  return &ty_regex;
}

/* ---- format specs (§13) ---------------------------------------------- */

/* The character at byte `at` of the spec. */
static Span spec_at(StrSeg *seg, int at) {
  uint32_t p = seg->spec_span.start + (uint32_t)at;
  return span_make(seg->spec_span.file, p, p + 1);
}

/* The expression as written, for a suggestion: `$n`, or `(…)` around
 * anything longer than a name or a field/method chain. */
static const char *expr_text(Sema *S, Expr *e) {
  SrcFile *f = src_file(S->s->sm, e->span.file);
  const char *p = f->text + e->span.start;
  size_t n = e->span.end - e->span.start;
  bool simple = true;
  for (size_t i = 0; i < n; i++)
    if (!(p[i] == '$' || p[i] == '_' || p[i] == '.' || p[i] == '(' ||
          p[i] == ')' || (p[i] >= 'a' && p[i] <= 'z') ||
          (p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9')))
      simple = false;
  char *buf = arena_alloc(S->s->arena, n + 3);
  size_t k = 0;
  if (!simple) buf[k++] = '(';
  memcpy(buf + k, p, n);
  k += n;
  if (!simple) buf[k++] = ')';
  buf[k] = 0;
  return buf;
}

/* §13: a spec acts as Python's format(v, spec) on an int (Int), a float
 * (Float) or a str of the text form (any other type), and what Python
 * rejects is a compile error at the offending character. */
static void check_fmt_spec(Sema *S, StrSeg *seg, Type *t) {
  FmtSpec f;
  FmtSpecError err;
  const char *sp = seg->spec;
  if (!fmtspec_parse(sp, strlen(sp), &f, &err)) {
    error(S, spec_at(seg, (int)err.offset), "invalid format spec '%s': %s",
          sp, err.msg);
    return;
  }
  t = type_resolve(S->tc, t);
  if (t->kind == TY_ERROR || t->kind == TY_NEVER) return;
  const char *tn = TN(t);
  if (t->kind == TY_INT) {
    if (f.type == 's')
      error(S, spec_at(seg, f.type_at), "format spec '%s' is not allowed for "
            "Int: type 's' is for text (drop it, or format "
            "${%s.to_str():%.*s})", sp, expr_text(S, seg->expr), f.type_at,
            sp);
    else if (f.precision >= 0 && !f.type)
      error(S, spec_at(seg, f.prec_at), "format spec '%s' is not allowed for "
            "Int: precision needs a Float (try ${%s.to_float():%s})", sp,
            expr_text(S, seg->expr), sp);
    else if (f.precision >= 0 && !strchr("eEfFgG%", f.type))
      error(S, spec_at(seg, f.prec_at), "format spec '%s' is not allowed for "
            "Int: precision needs a Float type (drop it: ${%s:%.*s%s})", sp,
            expr_text(S, seg->expr), f.prec_at, sp, sp + f.type_at);
    return;
  }
  if (t->kind == TY_FLOAT) {
    if (f.type && strchr("dxXobs", f.type))
      error(S, spec_at(seg, f.type_at), "format spec '%s' is not allowed for "
            "Float: type '%c' needs an %s (try ${%s.to_int():%s}, or %s)",
            sp, f.type, f.type == 's' ? "Int or text" : "Int",
            expr_text(S, seg->expr), sp,
            f.type == 's' ? "drop the 's'" : "a Float type: e f g %");
    return;
  }
  if (f.sign)
    error(S, spec_at(seg, f.sign_at), "format spec '%s' is not allowed for "
          "%s: a sign '%c' needs an Int or Float; %s is formatted as text "
          "(remove the sign)", sp, tn, f.sign, tn);
  else if (f.align == '=')
    error(S, spec_at(seg, f.align_at), "format spec '%s' is not allowed for "
          "%s: '=' (pad after the sign) needs an Int or Float; %s is "
          "formatted as text (use '>' to align right)", sp, tn, tn);
  else if (f.type && f.type != 's')
    error(S, spec_at(seg, f.type_at), "format spec '%s' is not allowed for "
          "%s: type '%c' needs %s; %s is formatted as text (use no type or "
          "'s')", sp, tn, f.type,
          strchr("dxXob", f.type) ? "an Int" : "an Int or Float", tn);
}

static Type *check_str(Sema *S, Expr *e) {
  for (size_t i = 0; i < e->str.segs.len; i++) {
    StrSeg *seg = &e->str.segs.data[i];
    if (!seg->is_expr) continue;
    Type *t = check_expr(S, seg->expr, true);
    if (seg->spec) check_fmt_spec(S, seg, t);
    if (t->kind == TY_NEVER)
      error(S, seg->expr->span, "this interpolation never produces a value");
    else if (!SOFT(t) && !has_text(S, t))
      error(S, seg->expr->span, "%s has no text form (§4: subs, channels, "
            "tasks and Lines cannot be printed)", TN(t));
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
          "(or two Lists)", TN(l), TN(r));
  } else if (op == TOK_AMP || op == TOK_PIPE || op == TOK_CARET ||
             op == TOK_SHL || op == TOK_SHR) {
    error(S, sp, "cannot apply '%s' to %s and %s: bit operators need two Ints",
          o, TN(l), TN(r));
  } else if (type_is_numeric(l) && type_is_numeric(r)) {
    error(S, sp, "cannot apply '%s' to %s and %s: guji never converts "
          "implicitly; use .to_float() or .to_int()", o, TN(l),
          TN(r));
  } else if (op == TOK_PLUS && (l->kind == TY_STR || r->kind == TY_STR)) {
    error(S, sp, "cannot apply '+' to %s and %s: join text with '++' or "
          "interpolation \"${…}\"", TN(l), TN(r));
  } else {
    error(S, sp, "cannot apply '%s' to %s and %s: arithmetic needs two Ints "
          "or two Floats", o, TN(l), TN(r));
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
    if (SOFT(l) || SOFT(r)) return &ty_bool;
    if (!UNIFY(l, r)) {
      error(S, e->span, "cannot compare %s with %s: both sides of '%s' must "
            "have the same type", TN(l), TN(r), op_text(op));
      return &ty_bool;
    }
    bool ordering = op != TOK_EQ && op != TOK_NE;
    l = type_resolve(S->tc, l);
    if (l->kind == TY_VAR)
      error(S, e->span, "the type of both sides of '%s' is unknown; add a type "
            "annotation", op_text(op));
    else if (!ordering && !has_eq(S, l))
      error(S, e->span, "%s values have no equality (§4, §14: subs, channels, "
            "tasks, regexes and matches are not comparable), so '%s' cannot "
            "compare them", TN(l), op_text(op));
    else if (ordering && !has_order(S, l))
      error(S, e->span, "%s values have no ordering; '%s' needs an ordered "
            "type", TN(l), op_text(op));
    return &ty_bool;
  }
  case TOK_MATCH: case TOK_NOMATCH:
    expect_type(S, e->bin.lhs, l, &ty_str, arena_printf(S->s->arena,
                " (the text left of '%s')", op_text(op)));
    expect_type(S, e->bin.rhs, r, &ty_regex, arena_printf(S->s->arena,
                " (the regex right of '%s', e.g. /[0-9]+/ or regex($s)?)",
                op_text(op)));
    return &ty_bool;
  case TOK_DOTDOT: case TOK_DOTDOTEQ:
    expect_type(S, e->bin.lhs, l, &ty_int, " (range bound)");
    expect_type(S, e->bin.rhs, r, &ty_int, " (range bound)");
    return &ty_range;
  default: {
    if (SOFT(l) || SOFT(r)) {
      Type *t = SOFT(l) ? r : l;
      return SOFT(t) ? &ty_error : t;
    }
    if (op == TOK_PLUSPLUS && (type_resolve(S->tc, l)->kind == TY_LIST ||
                               type_resolve(S->tc, r)->kind == TY_LIST)) {
      if (!UNIFY(l, r)) {
        error(S, e->span, "cannot apply '++' to %s and %s: both must be "
              "Lists of one element type", TN(l), TN(r));
        return &ty_error;
      }
      return type_resolve(S->tc, l);
    }
    /* §4: an open operand is fixed by the other one (`None.unwrap() + 1`) */
    if ((type_resolve(S->tc, l)->kind == TY_VAR) !=
        (type_resolve(S->tc, r)->kind == TY_VAR) && UNIFY(l, r)) {
      l = type_resolve(S->tc, l);
      r = type_resolve(S->tc, r);
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
  if (SOFT(t)) return t->kind == TY_NEVER ? &ty_error : t;
  switch (e->un.op) {
  case TOK_MINUS:
    if (type_is_numeric(t)) return t;
    error(S, e->span, "cannot negate a %s: unary '-' needs an Int or a Float",
          TN(t));
    return &ty_error;
  case TOK_BANG:
    if (t->kind == TY_BOOL) return t;
    error(S, e->span, "cannot apply '!' to a %s: '!' negates a Bool (for Int "
          "bits use '~')", TN(t));
    return &ty_error;
  case TOK_TILDE:
    if (t->kind == TY_INT) return t;
    error(S, e->span, "cannot apply '~' to a %s: '~' flips the bits of an Int "
          "(for Bool use '!')", TN(t));
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
      if (!has_text(S, t))
        error(S, args->data[0]->span, "%s has no text form (§4: subs, "
              "channels, tasks and Lines cannot be printed)", TN(t));
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
  case BI_CHAR: /* char(Int): Option[Char] (§13) */
    if (check_arity(S, e->span, "char", args->len, 1, 1))
      expect_type(S, args->data[0], args->data[0]->ty, &ty_int, NULL);
    {
      Type *c = &ty_char;
      return type_adt(S->tc, S->opt_decl, &c, 1);
    }
  case BI_REGEX: /* regex(s): Result[Regex, Str] (§14) */
    if (check_arity(S, e->span, "regex", args->len, 1, 1))
      expect_type(S, args->data[0], args->data[0]->ty, &ty_str,
                  " (the pattern of regex)");
    return type_adt(S->tc, S->res_decl, (Type *[]){&ty_regex, &ty_str}, 2);
  case BI_SET: /* set(list): Set[T] (§15) */
    if (check_arity(S, e->span, "set", args->len, 1, 1)) {
      Type *el = type_var(S->tc);
      Type *at = type_resolve(S->tc, args->data[0]->ty);
      if (at->kind != TY_LIST && at->kind != TY_VAR && !SOFT(at)) {
        error(S, args->data[0]->span, "set takes a List of the elements, as "
              "in set([1, 2]), not %s", TN(at));
        return &ty_error;
      }
      expect_type(S, args->data[0], at, type_list(S->tc, el), NULL);
      need_key(S, args->data[0]->span, el, "Set element");
      return type_set(S->tc, el);
    }
    return &ty_error;
  case BI_RANGE: /* range(a, b) is a..b (§15) */
    if (check_arity(S, e->span, "range", args->len, 2, 2)) {
      expect_type(S, args->data[0], args->data[0]->ty, &ty_int, " (range start)");
      expect_type(S, args->data[1], args->data[1]->ty, &ty_int, " (range end)");
    }
    return &ty_range;
  default:
    GJ_UNREACHABLE("builtin");
  }
}

/* Checks a call of sub `sym` with `args` (plus an already-checked receiver
 * for method syntax). */
/* §11: a generic sub's type arguments at a call: the given ones, or fresh
 * variables that the arguments and the context fix. */
static Type **instantiate_sub(Sema *S, Symbol *sym, TypeExprList *given,
                              Span sp) {
  size_t n = sym->tparams.len;
  if (!n) {
    if (given && given->len)
      error(S, sp, "%s is not generic; it takes no type arguments", sym->name);
    return NULL;
  }
  Type **targs = ARENA_ARRAY(S->s->arena, Type *, n);
  if (given && given->len && given->len != n) {
    error(S, sp, "%s takes %zu type argument%s, but %zu %s given (§11: give "
          "all of them or none)", sym->name, n, n == 1 ? "" : "s", given->len,
          given->len == 1 ? "was" : "were");
    given = NULL;
  }
  for (size_t i = 0; i < n; i++)
    targs[i] = given && given->len ? resolve_type(S, given->data[i])
                                   : type_var(S->tc);
  Instance in = {sym, targs, sp, S->cur_sub};
  VEC_PUSH(S->s->arena, S->instances, in);
  return targs;
}

static const char *cap_text(unsigned cap) {
  switch (cap) {
  case CAP_EQ: return "equality ('==')";
  case CAP_ORD: return "an ordering ('<', sorting)";
  case CAP_HASH: return "hashing (a Map key or Set element)";
  default: return "a text form (printing, interpolation, to_str)";
  }
}

/* §11: capabilities a generic body uses on its type parameters are checked
 * per instantiation, with the error at the call site. A generic caller
 * passing its own parameters on needs them too (to a fixed point); the
 * calls with concrete type arguments are then checked. */
static void check_instances(Sema *S) {
  do {
    S->caps_changed = false;
    for (size_t i = 0; i < S->instances.len; i++) {
      Instance *in = &S->instances.data[i];
      if (!in->sym->tcaps || !in->caller || !in->caller->tparams.len) continue;
      S->cur_sub = in->caller;
      for (size_t k = 0; k < in->sym->tparams.len; k++)
        if (in->sym->tcaps[k]) need_cap(S, in->targs[k], in->sym->tcaps[k]);
    }
  } while (S->caps_changed);
  S->cur_sub = NULL;
  for (size_t i = 0; i < S->instances.len; i++) {
    Instance *in = &S->instances.data[i];
    if (!in->sym->tcaps) continue;
    for (size_t k = 0; k < in->sym->tparams.len; k++) {
      Type *t = type_resolve(S->tc, in->targs[k]);
      if (SOFT(t)) continue;
      static const unsigned caps[] = {CAP_ORD, CAP_HASH, CAP_EQ, CAP_TEXT};
      for (size_t c = 0; c < 4; c++) {
        if (!(in->sym->tcaps[k] & caps[c])) continue;
        bool ok = caps[c] == CAP_EQ ? type_has_eq(S->tc, t)
                : caps[c] == CAP_ORD ? type_has_order(S->tc, t)
                : caps[c] == CAP_HASH ? type_has_hash(S->tc, t)
                : type_has_text(S->tc, t);
        if (ok) continue;
        error(S, in->span, "%s needs %s for its type parameter %s, but here "
              "%s is %s, which has none (§4, §11)", in->sym->name,
              cap_text(caps[c]), in->sym->tparams.data[k]->name,
              in->sym->tparams.data[k]->name, TN(t));
        note(S, in->sym->span, "%s is declared here", in->sym->name);
        break;
      }
    }
  }
}

static Type *check_sub_args(Sema *S, Span call_sp, Symbol *sym, Expr *recv,
                            ExprList *args, Type **targs) {
  size_t n = args->len + (recv ? 1 : 0);
  Symbol *owner = S->cur_const ? S->cur_const : S->cur_sub;
  if (owner) VEC_PUSH(S->s->arena, owner->sub_deps, sym);
  uint32_t nt = (uint32_t)sym->tparams.len;
  /* §8: an anonymous sub argument is checked after the others, with its
   * parameter types from the parameter it is passed to — once the other
   * arguments have bound the type parameters (§11: `apply(1, sub($x) {
   * $x + 1 })` gives $x the A that 1 made Int); a mismatch is reported
   * below */
  if (recv && targs && sym->params.len)
    (void)UNIFY(recv->ty, type_subst(S->tc, sym->params.data[0], targs, nt));
  for (size_t i = 0; i < args->len; i++) {
    size_t pi = i + (recv ? 1 : 0);
    if (pi < sym->params.len)
      eta_if_wanted(S, args->data[i], sym->params.data[pi]);
    if (args->data[i]->kind == EX_LAMBDA) continue;
    check_expr(S, args->data[i], true);
    if (targs && pi < sym->params.len)
      (void)UNIFY(args->data[i]->ty,
                  type_subst(S->tc, sym->params.data[pi], targs, nt));
  }
  for (size_t i = 0; i < args->len; i++) {
    Expr *a = args->data[i];
    if (a->kind != EX_LAMBDA) continue;
    size_t pi = i + (recv ? 1 : 0);
    Type *want = pi < sym->params.len ? sym->params.data[pi] : NULL;
    if (want && targs) want = type_subst(S->tc, want, targs, nt);
    a->ty = check_lambda(S, a, want);
  }
  char *what = arena_printf(S->s->arena, "%s", sym->name);
  Type *ret = targs ? type_subst(S->tc, sym->ret, targs, nt) : sym->ret;
  if (!check_arity(S, call_sp, what, n, sym->params.len, sym->params.len))
    return ret;
  for (size_t i = 0; i < n; i++) {
    Expr *a = recv ? (i == 0 ? recv : args->data[i - 1]) : args->data[i];
    Type *want = sym->params.data[i];
    if (targs) want = type_subst(S->tc, want, targs, nt);
    if (UNIFY(a->ty, want)) continue;
    Param *pm = &sym->item->sub.params.data[i];
    error(S, a->span, "mismatched types: expected %s, found %s (argument %zu "
          "of %s)", TN(want), TN(a->ty), i + 1, sym->name);
    note(S, pm->span, "parameter $%s of %s is declared here", pm->name,
         sym->name);
  }
  return ret;
}

static Type *check_call(Sema *S, Expr *e) {
  Expr *callee = e->call.callee;
  e->call.builtin = BI_NONE;
  if (callee->kind != EX_NAME) {
    Type *ft = type_resolve(S->tc, check_expr(S, callee, true));
    if (ft->kind == TY_FN) return check_fn_call(S, e, ft);
    for (size_t i = 0; i < e->call.args.len; i++)
      check_expr(S, e->call.args.data[i], true);
    if (SOFT(ft)) return &ty_error;
    const char *tn = TN(ft);
    error(S, callee->span, "this is %s %s, not a sub; it cannot be called",
          strchr("AEIOU", tn[0]) ? "an" : "a", tn);
    return &ty_error;
  }
  const char *name = callee->name.name;
  Symbol *sym = NULL;
  if (callee->name.module) {
    /* `m.f(args)`, `m.C(args)` (§3) */
    if (!resolve_qualified(S, callee)) {
      for (size_t i = 0; i < e->call.args.len; i++)
        check_expr(S, e->call.args.data[i], true);
      return &ty_error;
    }
    sym = callee->name.sym;
  } else {
    sym = global_lookup(S, name);
  }
  const char *stdm = sym || callee->name.module || callee->name.targs.len
                         ? NULL : std_import(S, name);
  if (stdm) {
    /* `sqrt(x)` after `use math.{sqrt}` is `math.sqrt(x)` (§3) */
    ExprList args = e->call.args;
    Span nsp = callee->span;
    memset(&e->method, 0, sizeof e->method);
    e->kind = EX_METHOD;
    e->method.recv = module_name_expr(S, stdm, nsp);
    e->method.name = name;
    e->method.name_span = nsp;
    e->method.args = args;
    return check_method(S, e);
  }
  if (!sym) {
    CtorDecl *k = callee->name.module ? callee->name.ctor : find_ctor(S, name);
    if (k) {
      e->call.ctor = k;
      callee->name.ctor = k;
      return check_ctor_app(S, e, k, &e->call.args, callee->span);
    }
  }
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
    if (!bad_import(S, name))
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
  e->call.targs = instantiate_sub(S, sym, &callee->name.targs, callee->span);
  return check_sub_args(S, e->span, sym, NULL, &e->call.args, e->call.targs);
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

/* ---- lists (§15) -------------------------------------------------------------- */

static Type *check_list(Sema *S, Expr *e) {
  Type *el = type_var(S->tc);
  if (!e->tuple.elems.len) VEC_PUSH(S->s->arena, S->open_lits, e);
  for (size_t i = 0; i < e->tuple.elems.len; i++) {
    Expr *x = e->tuple.elems.data[i];
    Type *t = x->kind == EX_LAMBDA && x->ty ? x->ty : check_expr(S, x, true);
    if (!UNIFY(el, t))
      error(S, x->span, "mismatched types: this list's elements are %s, but "
            "this one is %s", TN(el), TN(t));
  }
  return type_list(S->tc, el);
}

/* $xs[i] (panics out of range) and $xs[a..b] (a slice). */
static Type *check_index(Sema *S, Expr *e) {
  Type *rt = type_resolve(S->tc, check_expr(S, e->index.recv, true));
  Expr *ix = e->index.index;
  /* a Map keyed by Ranges is indexed by one: $m[0..3] (§4) */
  bool slice = ix->kind == EX_BINARY && ix->bin.op == TOK_DOTDOT &&
               rt->kind != TY_MAP;
  if (slice) {
    check_expr(S, ix->bin.lhs, true);
    check_expr(S, ix->bin.rhs, true);
    expect_type(S, ix->bin.lhs, ix->bin.lhs->ty, &ty_int, " (slice bound)");
    expect_type(S, ix->bin.rhs, ix->bin.rhs->ty, &ty_int, " (slice bound)");
    ix->ty = &ty_range;
  } else {
    Type *it = check_expr(S, ix, true);
    if (it->kind == TY_RANGE && rt->kind != TY_MAP)
      return not_implemented(S, ix->span, "slices other than a..b", "§15");
    if (rt->kind == TY_LIST) expect_type(S, ix, it, &ty_int, " (a list index)");
    if (rt->kind == TY_MAP) {
      expect_type(S, ix, it, rt->args[0], " (the map's key type)");
      return rt->args[1];
    }
  }
  if (SOFT(rt)) return &ty_error;
  if (rt->kind == TY_MAP || rt->kind == TY_SET) {
    error(S, e->span, rt->kind == TY_MAP ? "a Map has no slices; index it "
          "with a key, $m[k]" : "a Set cannot be indexed; use .contains(x)");
    return &ty_error;
  }
  if (rt->kind == TY_STR) {
    if (slice) return &ty_str;
    error(S, e->span, "a Str cannot be indexed (§13); take a slice "
          "$s[a..b] or use .chars() or .byte_at(i)");
    return &ty_error;
  }
  if (rt->kind != TY_LIST) {
    if (rt->kind == TY_VAR)
      error(S, e->span, "the type here must be known before indexing; add a "
            "type annotation");
    else
      error(S, e->span, "%s cannot be indexed; only Lists and Maps can",
            TN(rt));
    return &ty_error;
  }
  return slice ? rt : rt->args[0];
}

/* §4: a Range's methods. rev and step make Ranges; for the others the
 * receiver is typed as the List[Int] of its values (Lower converts it)
 * and the list methods do the rest. */
static Type *check_range_method(Sema *S, Expr *e) {
  const char *name = e->method.name;
  Type *il = type_list(S->tc, &ty_int);
  if (strcmp(name, "rev") == 0 || strcmp(name, "step") == 0 ||
      strcmp(name, "to_list") == 0) {
    bool step = name[0] == 's';
    e->method.builtin = step ? BM_RANGE_STEP : name[0] == 'r' ? BM_RANGE_REV
                                                               : BM_RANGE_TO_LIST;
    ExprList *a = &e->method.args;
    for (size_t j = 0; j < a->len; j++) check_expr(S, a->data[j], true);
    char *what = arena_printf(S->s->arena, "Range.%s", name);
    if (!check_arity(S, e->span, what, a->len, step ? 1 : 0, step ? 1 : 0))
      return &ty_error;
    if (step) expect_type(S, a->data[0], a->data[0]->ty, &ty_int, " (a step)");
    return name[0] == 't' ? il : &ty_range;
  }
  static const char *const as_list[] = {"len", "contains", "sum", "map",
                                        "filter", "fold", "each", "any", "all",
                                        "find", "is_empty"};
  for (size_t i = 0; i < sizeof as_list / sizeof as_list[0]; i++)
    if (strcmp(name, as_list[i]) == 0) {
      e->method.recv->ty = il;
      Type *r = check_list_method(S, e, il);
      return r ? r : check_list_hof(S, e, il);
    }
  return NULL;
}

/* An argument that must be a sub of type `want` (an anonymous sub gets its
 * parameter types from it, §8). */
/* §8: a sub that is not a value of one type — a generic sub, a built-in
 * (print, char, …), a standard module's (math.sqrt, or sqrt after `use
 * math.{sqrt}`) — or a constructor with fields, where a sub type is
 * expected. Such a name is then taken as the anonymous sub that calls it,
 * `print` as sub($a1) { print($a1) } with the parameter types expected,
 * so its instance or overload follows from them as at a call. */
static bool eta_target(Sema *S, Expr *a) {
  if (a->kind == EX_FIELD) {
    Expr *r = a->field.recv;
    return r->kind == EX_NAME && !r->name.module && !r->name.targs.len &&
           sema_is_std_module(r->name.name) && !global_lookup(S, r->name.name) &&
           !isupper((unsigned char)a->field.name[0]);
  }
  if (a->kind != EX_NAME || a->name.targs.len) return false;
  const char *name = a->name.name;
  if (a->name.module) /* math.sqrt; a user module's m.f is a value */
    return sema_is_std_module(a->name.module) &&
           !isupper((unsigned char)name[0]);
  Symbol *sym = global_lookup(S, name);
  if (sym) return sym->kind == SYM_SUB && sym->tparams.len;
  CtorDecl *k = find_ctor(S, name);
  if (k) return k->fields.len > 0;
  return (std_import(S, name) && !isupper((unsigned char)name[0])) ||
         builtin_sub(name) != BI_NONE;
}

/* a (an eta_target) becomes sub($a1, …, $an) { a($a1, …, $an) }. */
static void eta_expand(Sema *S, Expr *a, uint32_t n) {
  Arena *ar = S->s->arena;
  Expr *call = ARENA_NEW(ar, Expr);
  call->span = a->span;
  ExprList *args;
  if (a->kind == EX_FIELD) { /* m.f: a call of it is m.f(…), a method form */
    call->kind = EX_METHOD;
    call->method.recv = a->field.recv;
    call->method.name = a->field.name;
    call->method.name_span = a->field.name_span;
    args = &call->method.args;
  } else {
    Expr *callee = ARENA_NEW(ar, Expr);
    *callee = *a;
    call->kind = EX_CALL;
    call->call.callee = callee;
    args = &call->call.args;
  }
  ParamList params = {0};
  for (uint32_t i = 0; i < n; i++) {
    char buf[16];
    snprintf(buf, sizeof buf, "a%u", i + 1);
    Param pm = {.name = intern_cstr(S->s->names, buf), .span = a->span};
    VEC_PUSH(ar, params, pm);
    Expr *arg = ARENA_NEW(ar, Expr);
    arg->kind = EX_BINDING;
    arg->span = a->span;
    arg->bind.name = pm.name;
    VEC_PUSH(ar, *args, arg);
  }
  Expr *body = ARENA_NEW(ar, Expr);
  body->kind = EX_BLOCK;
  body->span = a->span;
  body->block.value = call;
  a->kind = EX_LAMBDA;
  memset(&a->lambda, 0, sizeof a->lambda);
  a->lambda.params = params;
  a->lambda.body = body;
}

/* a where a value of type want is expected: an eta_target is expanded
 * when want is a sub type. */
static void eta_if_wanted(Sema *S, Expr *a, Type *want) {
  if (!want || !eta_target(S, a)) return;
  Type *w = type_resolve(S->tc, want);
  if (w->kind == TY_FN) eta_expand(S, a, w->nargs - 1);
}

static Type *check_fn_arg(Sema *S, Expr *a, Type *want) {
  Type *t;
  eta_if_wanted(S, a, want);
  if (a->kind == EX_LAMBDA) t = a->ty = check_lambda(S, a, want);
  else t = check_expr(S, a, true);
  if (!UNIFY(t, want))
    error(S, a->span, "mismatched types: expected %s, found %s", TN(want), TN(t));
  return t;
}

static Type *fn1(Sema *S, Type *p, Type *r) { return type_fn(S->tc, &p, 1, r); }

/* §15's List methods that take a sub. NULL: not one of them. */
static Type *check_list_hof(Sema *S, Expr *e, Type *rt) {
  static const struct { const char *name; Builtin bi; int nargs; } ms[] = {
      {"map", BM_LIST_MAP, 1},   {"filter", BM_LIST_FILTER, 1},
      {"fold", BM_LIST_FOLD, 2}, {"each", BM_LIST_EACH, 1},
      {"any", BM_LIST_ANY, 1},   {"all", BM_LIST_ALL, 1},
      {"find", BM_LIST_FIND, 1}, {"sorted_by", BM_LIST_SORTED_BY, 1},
  };
  const char *name = e->method.name;
  Type *el = rt->args[0];
  for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
    if (strcmp(ms[i].name, name) != 0) continue;
    e->method.builtin = ms[i].bi;
    ExprList *a = &e->method.args;
    char *what = arena_printf(S->s->arena, "List.%s", name);
    if (!check_arity(S, e->span, what, a->len, ms[i].nargs, ms[i].nargs)) {
      for (size_t j = 0; j < a->len; j++) check_expr(S, a->data[j], true);
      return &ty_error;
    }
    switch (ms[i].bi) {
    case BM_LIST_MAP: {
      Type *u = type_var(S->tc);
      check_fn_arg(S, a->data[0], fn1(S, el, u));
      return type_list(S->tc, u);
    }
    case BM_LIST_FILTER:
      check_fn_arg(S, a->data[0], fn1(S, el, &ty_bool));
      return rt;
    case BM_LIST_ANY: case BM_LIST_ALL:
      check_fn_arg(S, a->data[0], fn1(S, el, &ty_bool));
      return &ty_bool;
    case BM_LIST_FIND:
      check_fn_arg(S, a->data[0], fn1(S, el, &ty_bool));
      return type_adt(S->tc, S->opt_decl, &el, 1);
    case BM_LIST_EACH:
      check_fn_arg(S, a->data[0], fn1(S, el, &ty_unit));
      return &ty_unit;
    case BM_LIST_FOLD: {
      Type *acc = check_expr(S, a->data[0], true);
      Type *ps[2] = {acc, el};
      check_fn_arg(S, a->data[1], type_fn(S->tc, ps, 2, acc));
      return type_resolve(S->tc, acc);
    }
    case BM_LIST_SORTED_BY: {
      Type *k = type_var(S->tc);
      check_fn_arg(S, a->data[0], fn1(S, el, k));
      check_cap_use(S, DEFER_SORTED_BY, k, a->data[0]->span, NULL);
      return rt;
    }
    default:
      return &ty_error;
    }
  }
  return NULL;
}

/* §15's List methods that need no closure; NULL: not one of them. */
static Type *check_list_method(Sema *S, Expr *e, Type *rt) {
  static const struct { const char *name; Builtin bi; int nargs; } ms[] = {
      {"len", BM_LIST_LEN, 0},         {"is_empty", BM_LIST_IS_EMPTY, 0},
      {"push", BM_LIST_PUSH, 1},       {"get", BM_LIST_GET, 1},
      {"first", BM_LIST_FIRST, 0},     {"last", BM_LIST_LAST, 0},
      {"set", BM_LIST_SET, 2},         {"contains", BM_LIST_CONTAINS, 1},
      {"index_of", BM_LIST_INDEX_OF, 1}, {"sorted", BM_LIST_SORTED, 0},
      {"reversed", BM_LIST_REVERSED, 0}, {"take", BM_LIST_TAKE, 1},
      {"drop", BM_LIST_DROP, 1},       {"join", BM_LIST_JOIN, 1},
      {"sum", BM_LIST_SUM, 0},         {"min", BM_LIST_MIN, 0},
      {"max", BM_LIST_MAX, 0},         {"enumerate", BM_LIST_ENUMERATE, 0},
      {"pop", BM_LIST_POP, 0},         {"zip", BM_LIST_ZIP, 1},
      {"insert", BM_LIST_INSERT, 2},   {"remove", BM_LIST_REMOVE, 1},
  };
  const char *name = e->method.name;
  Type *el = rt->args[0];
  for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
    if (strcmp(ms[i].name, name) != 0) continue;
    e->method.builtin = ms[i].bi;
    ExprList *a = &e->method.args;
    for (size_t j = 0; j < a->len; j++) {
      /* an anonymous sub stored in a List[sub…] takes the element type */
      if (a->data[j]->kind == EX_LAMBDA)
        a->data[j]->ty = check_lambda(S, a->data[j], el);
      else
        check_expr(S, a->data[j], true);
    }
    char *what = arena_printf(S->s->arena, "List.%s", name);
    if (!check_arity(S, e->span, what, a->len, ms[i].nargs, ms[i].nargs))
      return &ty_error;
    Type *opt_el = type_adt(S->tc, S->opt_decl, &el, 1);
    Type *rel = type_resolve(S->tc, el);
    switch (ms[i].bi) {
    case BM_LIST_LEN: return &ty_int;
    case BM_LIST_IS_EMPTY: return &ty_bool;
    case BM_LIST_PUSH:
      expect_type(S, a->data[0], a->data[0]->ty, el, " (the list's element type)");
      return rt;
    case BM_LIST_GET:
      expect_type(S, a->data[0], a->data[0]->ty, &ty_int, " (an index)");
      return opt_el;
    case BM_LIST_FIRST: case BM_LIST_LAST: return opt_el;
    case BM_LIST_SET:
      expect_type(S, a->data[0], a->data[0]->ty, &ty_int, " (an index)");
      expect_type(S, a->data[1], a->data[1]->ty, el, " (the list's element type)");
      return rt;
    case BM_LIST_CONTAINS:
      expect_type(S, a->data[0], a->data[0]->ty, el, " (the list's element type)");
      check_cap_use(S, DEFER_EQ, rel, e->span, "contains");
      return &ty_bool;
    case BM_LIST_INDEX_OF: {
      check_cap_use(S, DEFER_EQ, rel, e->span, "index_of");
      expect_type(S, a->data[0], a->data[0]->ty, el, " (the list's element type)");
      Type *int_t = &ty_int;
      return type_adt(S->tc, S->opt_decl, &int_t, 1);
    }
    case BM_LIST_SORTED:
      check_cap_use(S, DEFER_SORTED, rel, e->span, NULL);
      return rt;
    case BM_LIST_REVERSED: return rt;
    case BM_LIST_INSERT:
      expect_type(S, a->data[0], a->data[0]->ty, &ty_int, " (an index)");
      expect_type(S, a->data[1], a->data[1]->ty, el, " (the list's element type)");
      return rt;
    case BM_LIST_REMOVE:
      expect_type(S, a->data[0], a->data[0]->ty, &ty_int, " (an index)");
      return rt;
    case BM_LIST_TAKE: case BM_LIST_DROP:
      expect_type(S, a->data[0], a->data[0]->ty, &ty_int, " (a count)");
      return rt;
    case BM_LIST_JOIN:
      if (!UNIFY(el, &ty_str))
        error(S, e->span, "join needs a List[Str], not %s", TN(rt));
      expect_type(S, a->data[0], a->data[0]->ty, &ty_str, " (the separator)");
      return &ty_str;
    case BM_LIST_SUM:
      if (rel->kind == TY_VAR) { /* `[].sum() + 0`: known once inferred */
        check_cap_use(S, DEFER_SUM, rel, e->span, NULL);
        return rel;
      }
      if (rel->kind != TY_INT && rel->kind != TY_FLOAT && !SOFT(rel)) {
        error(S, e->span, "sum needs a List[Int] or List[Float], not %s", TN(rt));
        return &ty_error;
      }
      return rel;
    case BM_LIST_MIN: case BM_LIST_MAX:
      check_cap_use(S, DEFER_MINMAX, rel, e->span, NULL);
      return opt_el;
    case BM_LIST_ENUMERATE: {
      Type *pair[2] = {&ty_int, el};
      return type_list(S->tc, type_tuple(S->tc, pair, 2));
    }
    case BM_LIST_POP: {
      Type *pair[2] = {rt, el};
      Type *tup = type_tuple(S->tc, pair, 2);
      return type_adt(S->tc, S->opt_decl, &tup, 1);
    }
    case BM_LIST_ZIP: {
      Type *ot = type_resolve(S->tc, a->data[0]->ty);
      if (ot->kind != TY_LIST) {
        if (!SOFT(ot))
          error(S, a->data[0]->span, "zip needs another List, not %s", TN(ot));
        return &ty_error;
      }
      Type *pair[2] = {el, ot->args[0]};
      return type_list(S->tc, type_tuple(S->tc, pair, 2));
    }
    default:
      return &ty_error;
    }
  }
  Type *r = check_list_hof(S, e, rt);
  if (r) return r;
  if (strcmp(name, "to_set") == 0) {
    e->method.builtin = BM_LIST_TO_SET;
    check_args_only(S, &e->method.args);
    if (!check_arity(S, e->span, "List.to_set", e->method.args.len, 0, 0))
      return &ty_error;
    need_key(S, e->span, el, "Set element");
    return type_set(S->tc, el);
  }
  if (strcmp(name, "slice") == 0)
    return not_implemented(S, e->method.name_span,
                           arena_printf(S->s->arena, "List.%s", name), "§15");
  return NULL;
}

/* ---- maps and sets (§15) ------------------------------------------------------ */

/* §4: a Map key or Set element needs equality and hashing, which every
 * type but subs (and types holding one) has. Open types are checked when
 * they are known, at their use. */
static void need_key(Sema *S, Span sp, Type *t, const char *what) {
  check_cap_use(S, DEFER_KEY, t, sp, what);
}

static void report_cap(Sema *S, DeferKind k, Type *r, Span sp,
                       const char *what, size_t quiet_if);

/* Checks the capability a use of kind k needs of t now, or, while t is
 * open (in part: List[?]), once the body's inference is done
 * (check_deferred). */
static void check_cap_use(Sema *S, DeferKind k, Type *t, Span sp,
                          const char *what) {
  Type *r = type_resolve(S->tc, t);
  if (!r->ground && (S->cur_sub || S->cur_const)) {
    struct Deferred d = {k, t, sp, what, S->cap_errors.len};
    VEC_PUSH(S->s->arena, S->deferred, d);
    return;
  }
  report_cap(S, k, r, sp, what, SIZE_MAX);
}

/* Reports a missing capability of r; its open parts count as having it.
 * A deferred check (quiet_if: cap_errors.len at the use) stays quiet about
 * a type reported before its use (by the annotation that fixed it:
 * `$s: Set[Match] = set([])`). */
static void report_cap(Sema *S, DeferKind k, Type *r, Span sp,
                       const char *what, size_t quiet_if) {
  if (SOFT(r) || r->kind == TY_VAR) return;
  if (k == DEFER_SUM) {
    if (r->kind != TY_INT && r->kind != TY_FLOAT)
      error(S, sp, "sum needs a List[Int] or List[Float], not List[%s]", TN(r));
    return;
  }
  bool ok = k == DEFER_KEY ? has_hash(S, r)
          : k == DEFER_EQ ? has_eq(S, r) : has_order(S, r);
  if (ok) return;
  /* the key is the type and what it lacks: ordering 0, hashing 1,
   * equality 2 (in the low bits of the aligned pointer) */
  Type *key = (Type *)((uintptr_t)r | (k == DEFER_KEY) | (k == DEFER_EQ) << 1);
  bool deferred = quiet_if != SIZE_MAX;
  for (size_t i = 0; deferred && i < quiet_if && i < S->cap_errors.len; i++)
    if (S->cap_errors.data[i] == key) return;
  if (!deferred) VEC_PUSH(S->s->arena, S->cap_errors, key);
  switch (k) {
  case DEFER_SUM: return; /* reported above */
  case DEFER_SORTED:
    error(S, sp, "%s values have no ordering, so this list cannot be "
          "sorted", TN(r));
    return;
  case DEFER_MINMAX: error(S, sp, "%s values have no ordering", TN(r)); return;
  case DEFER_SORTED_BY:
    error(S, sp, "sorted_by needs a key with an order; %s has none", TN(r));
    return;
  case DEFER_EQ:
    error(S, sp, "%s values have no equality, so %s cannot look for one "
          "(§4)", TN(r), what);
    return;
  case DEFER_KEY:
    error(S, sp, "%s type %s has no equality or hashing (§4, §14: subs, "
          "regexes, matches and types holding one cannot be keys)", what,
          TN(r));
    return;
  }
}

/* The end of a body's inference: the deferred checks, on the types as
 * they came out (one still open becomes Unit, which has everything). */
/* The first type variable t (resolved) still holds, or NULL. */
static const Type *open_var(const Type *t) {
  if (t->kind == TY_VAR) return t;
  for (uint32_t i = 0; i < t->nargs; i++) {
    const Type *v = open_var(t->args[i]);
    if (v) return v;
  }
  return NULL;
}

/* A type's name with Int for each open part (Tree[?] as Tree[Int]), for
 * an example annotation. */
static const char *open_as_int(Sema *S, const char *tn) {
  size_t n = strlen(tn), k = 0;
  for (size_t i = 0; i < n; i++) k += tn[i] == '?';
  char *out = ARENA_ARRAY(S->s->arena, char, n + 2 * k + 1), *o = out;
  for (size_t i = 0; i < n; i++) {
    if (tn[i] == '?') {
      memcpy(o, "Int", 3);
      o += 3;
    } else {
      *o++ = tn[i];
    }
  }
  *o = 0;
  return out;
}

/* §4: the open type of `[]`, `{:}`, `None` (any constructor without fields
 * of a generic type) or `channel()` must be fixed by the body's end — by
 * an annotation, the parameter or operand it meets, or a later use. One
 * still open is an error asking for an annotation, as Rust's "type
 * annotations needed"; each open variable is reported once, at the first
 * literal it came from. */
static void check_open_lits(Sema *S) {
  const Type *seen[8];
  size_t nseen = 0;
  /* after another error the open type is most likely its echo (an
   * annotation that did not resolve): say nothing */
  if (diag_has_errors(S->s->diag)) S->open_lits.len = 0;
  for (size_t i = 0; i < S->open_lits.len; i++) {
    Expr *e = S->open_lits.data[i];
    if (!e->ty) continue;
    Type *t = type_resolve(S->tc, e->ty);
    const Type *v = open_var(t);
    if (!v) continue;
    bool dup = false;
    for (size_t j = 0; j < nseen && !dup; j++)
      dup = seen[j] == v;
    if (dup) continue;
    if (nseen < 8) seen[nseen++] = v;
    const char *what, *eg;
    switch (e->kind) {
    case EX_LIST:
      what = "this empty list's element type";
      eg = "$xs: List[Int] = []";
      break;
    case EX_MAP:
      what = "this empty map's key and value types";
      eg = "$m: Map[Str, Int] = {:}";
      break;
    case EX_CHANNEL:
      what = "this channel's element type";
      eg = "$c: Chan[Int] = channel(), or channel[Int]()";
      break;
    default: /* a constructor without fields */
      what = arena_printf(S->s->arena, "the type of this %s (%s)",
                          e->name.name, TN(t));
      if (strcmp(e->name.name, "None") == 0) {
        eg = "$x: Option[Int] = None";
      } else {
        eg = arena_printf(S->s->arena, "$x: %s = %s", open_as_int(S, TN(t)),
                          e->name.name);
      }
      break;
    }
    error(S, e->span, "%s %s never fixed: nothing later says what it holds; "
          "annotate it, e.g. %s (§4)", what, e->kind == EX_MAP ? "are" : "is",
          eg);
  }
  S->open_lits.len = 0;
}

static void check_deferred(Sema *S) {
  for (size_t i = 0; i < S->deferred.len; i++) {
    struct Deferred *d = &S->deferred.data[i];
    Type *r = type_resolve(S->tc, d->type);
    if (d->kind == DEFER_SUM && r->kind == TY_VAR)
      UNIFY(r, &ty_int); /* the sum of a list nothing typed: 0, as Python's */
    report_cap(S, d->kind, type_resolve(S->tc, d->type), d->span, d->what,
               d->nreported);
  }
  S->deferred.len = 0;
  S->cap_errors.len = 0;
  check_open_lits(S);
}

/* An expression checked against an expected type: an anonymous sub takes
 * its parameter types from it (§8), a Map literal its key and value types. */
static Type *check_expected(Sema *S, Expr *x, Type *want) {
  eta_if_wanted(S, x, want);
  if (x->kind == EX_LAMBDA) return x->ty = check_lambda(S, x, want);
  if (x->kind == EX_MAP && want) return x->ty = check_map_literal(S, x, want);
  return check_expr(S, x, true);
}

/* {k: v, …} and {:}; `want` (may be NULL) is the annotated type. */
static Type *check_map_literal(Sema *S, Expr *e, Type *want) {
  Type *kt = type_var(S->tc), *vt = type_var(S->tc);
  if (!e->map.keys.len) VEC_PUSH(S->s->arena, S->open_lits, e);
  Type *w = want ? type_resolve(S->tc, want) : NULL;
  if (w && w->kind == TY_MAP) {
    kt = w->args[0];
    vt = w->args[1];
  }
  for (size_t i = 0; i < e->map.keys.len; i++) {
    Expr *k = e->map.keys.data[i], *v = e->map.values.data[i];
    Type *t = check_expected(S, k, kt);
    if (!UNIFY(kt, t))
      error(S, k->span, "mismatched types: this map's keys are %s, but this "
            "one is %s", TN(kt), TN(t));
    t = check_expected(S, v, vt);
    if (!UNIFY(vt, t))
      error(S, v->span, "mismatched types: this map's values are %s, but this "
            "one is %s", TN(vt), TN(t));
  }
  if (e->map.keys.len) need_key(S, e->map.keys.data[0]->span, kt, "Map key");
  return type_map(S->tc, kt, vt);
}

/* §15's Map and Set methods; NULL: not one of them (the caller goes on to
 * subs of that name). */
static Type *check_map_method(Sema *S, Expr *e, Type *rt) {
  static const struct {
    const char *name;
    Builtin bi;
    int nargs;
    int on;                 /* 1 Map, 2 Set, 3 both */
  } ms[] = {
      {"len", BM_MAP_LEN, 0, 3},          {"is_empty", BM_MAP_IS_EMPTY, 0, 3},
      {"contains", BM_MAP_CONTAINS, 1, 3}, {"remove", BM_MAP_REMOVE, 1, 3},
      {"get", BM_MAP_GET, 1, 1},          {"get_or", BM_MAP_GET_OR, 2, 1},
      {"insert", BM_MAP_INSERT, 2, 1},    {"keys", BM_MAP_KEYS, 0, 1},
      {"values", BM_MAP_VALUES, 0, 1},    {"pairs", BM_MAP_PAIRS, 0, 1},
      {"update", BM_MAP_UPDATE, 3, 1},    {"merge", BM_MAP_MERGE, 1, 1},
      {"map_values", BM_MAP_MAP_VALUES, 1, 1}, {"filter", BM_MAP_FILTER, 1, 1},
      {"add", BM_SET_ADD, 1, 2},          {"union", BM_SET_UNION, 1, 2},
      {"intersection", BM_SET_INTERSECTION, 1, 2},
      {"difference", BM_SET_DIFFERENCE, 1, 2}, {"to_list", BM_SET_TO_LIST, 0, 2},
  };
  bool is_map = rt->kind == TY_MAP;
  const char *name = e->method.name;
  Type *kt = rt->args[0], *vt = is_map ? rt->args[1] : &ty_unit;
  ExprList *a = &e->method.args;
  for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
    if (strcmp(ms[i].name, name) != 0 || !(ms[i].on & (is_map ? 1 : 2)))
      continue;
    e->method.builtin = ms[i].bi;
    char *what = arena_printf(S->s->arena, "%s.%s", is_map ? "Map" : "Set", name);
    if (!check_arity(S, e->span, what, a->len, ms[i].nargs, ms[i].nargs)) {
      check_args_only(S, a);
      return &ty_error;
    }
    /* the arguments against what each method expects */
    Type *bool_t = &ty_bool;
    switch (ms[i].bi) {
    case BM_MAP_LEN: return &ty_int;
    case BM_MAP_IS_EMPTY: return &ty_bool;
    case BM_MAP_CONTAINS: case BM_MAP_REMOVE: case BM_SET_ADD: {
      Type *t = check_expected(S, a->data[0], kt);
      expect_type(S, a->data[0], t, kt, is_map ? " (the map's key type)"
                                                : " (the set's element type)");
      return ms[i].bi == BM_MAP_CONTAINS ? &ty_bool : rt;
    }
    case BM_MAP_GET: {
      Type *t = check_expected(S, a->data[0], kt);
      expect_type(S, a->data[0], t, kt, " (the map's key type)");
      return type_adt(S->tc, S->opt_decl, &vt, 1);
    }
    case BM_MAP_GET_OR: case BM_MAP_INSERT: {
      Type *t = check_expected(S, a->data[0], kt);
      expect_type(S, a->data[0], t, kt, " (the map's key type)");
      t = check_expected(S, a->data[1], vt);
      expect_type(S, a->data[1], t, vt, " (the map's value type)");
      return ms[i].bi == BM_MAP_GET_OR ? vt : rt;
    }
    case BM_MAP_KEYS: case BM_SET_TO_LIST: return type_list(S->tc, kt);
    case BM_MAP_VALUES: return type_list(S->tc, vt);
    case BM_MAP_PAIRS: {
      Type *pair[2] = {kt, vt};
      return type_list(S->tc, type_tuple(S->tc, pair, 2));
    }
    case BM_MAP_UPDATE: {
      Type *t = check_expected(S, a->data[0], kt);
      expect_type(S, a->data[0], t, kt, " (the map's key type)");
      t = check_expected(S, a->data[1], vt);
      expect_type(S, a->data[1], t, vt, " (the default value)");
      check_fn_arg(S, a->data[2], fn1(S, vt, vt));
      return rt;
    }
    case BM_MAP_MERGE: case BM_SET_UNION: case BM_SET_INTERSECTION:
    case BM_SET_DIFFERENCE: {
      Type *t = check_expected(S, a->data[0], rt);
      expect_type(S, a->data[0], t, rt, NULL);
      return rt;
    }
    case BM_MAP_MAP_VALUES: {
      Type *w = type_var(S->tc);
      check_fn_arg(S, a->data[0], fn1(S, vt, w));
      return type_map(S->tc, kt, w);
    }
    case BM_MAP_FILTER: {
      Type *ps[2] = {kt, vt};
      check_fn_arg(S, a->data[0], type_fn(S->tc, ps, 2, bool_t));
      return rt;
    }
    default: return &ty_error;
    }
  }
  return NULL;
}

/* ---- tasks and channels (§17) -------------------------------------------------- */


static Type *result_unit_chanerr(Sema *S) {
  Type *ce = type_adt(S->tc, S->chanerr_decl, NULL, 0);
  Type *args[2] = {&ty_unit, ce};
  return type_adt(S->tc, S->res_decl, args, 2);
}

/* channel(), channel(n), channel[T](n) */
static Type *check_channel(Sema *S, Expr *e) {
  Type *el = e->chan.elem ? resolve_type(S, e->chan.elem) : type_var(S->tc);
  if (!e->chan.elem) VEC_PUSH(S->s->arena, S->open_lits, e);
  ExprList *a = &e->chan.args;
  check_args_only(S, a);
  if (check_arity(S, e->span, "channel", a->len, 0, 1) && a->len)
    expect_type(S, a->data[0], a->data[0]->ty, &ty_int, " (the capacity)");
  return type_chan(S->tc, el);
}

/* §17's Chan and Task methods; NULL: not one of them. */
static Type *check_chan_method(Sema *S, Expr *e, Type *rt) {
  static const struct { const char *name; Builtin bi; int nargs; bool task; } ms[] = {
      {"send", BM_CHAN_SEND, 1, false},       {"recv", BM_CHAN_RECV, 0, false},
      {"close", BM_CHAN_CLOSE, 0, false},     {"try_recv", BM_CHAN_TRY_RECV, 0, false},
      {"try_send", BM_CHAN_TRY_SEND, 1, false}, {"join", BM_TASK_JOIN, 0, true},
  };
  bool task = rt->kind == TY_TASK;
  Type *el = rt->args[0];
  ExprList *a = &e->method.args;
  for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
    if (strcmp(ms[i].name, e->method.name) != 0 || ms[i].task != task) continue;
    e->method.builtin = ms[i].bi;
    char *what = arena_printf(S->s->arena, "%s.%s", task ? "Task" : "Chan",
                              e->method.name);
    if (!check_arity(S, e->span, what, a->len, ms[i].nargs, ms[i].nargs)) {
      check_args_only(S, a);
      return &ty_error;
    }
    if (ms[i].nargs) {
      Type *t = check_expected(S, a->data[0], el);
      expect_type(S, a->data[0], t, el, " (the channel's element type)");
    }
    switch (ms[i].bi) {
    case BM_CHAN_SEND: case BM_CHAN_CLOSE: return result_unit_chanerr(S);
    case BM_CHAN_RECV: case BM_CHAN_TRY_RECV:
      return type_adt(S->tc, S->opt_decl, &el, 1);
    case BM_CHAN_TRY_SEND: return &ty_bool;
    default: return el; /* join */
    }
  }
  return NULL;
}

/* select { [$v =] $c.recv() { … }  [$r =] $c.send(x) { … }  else { … } }:
 * each arm's operation is a recv or send on a channel; a binding is the
 * operation's result (Option[T], Result[Unit, ChanError]); the arms'
 * bodies have one type when the value is used, as match arms do. */
static Type *check_select(Sema *S, Expr *e, bool used) {
  Type *result = used ? type_var(S->tc) : &ty_unit;
  bool all_never = true;
  for (size_t i = 0; i < e->select.arms.len; i++) {
    SelectArm *arm = &e->select.arms.data[i];
    Expr *op = arm->op;
    Type *ot = &ty_error;
    if (op->kind != EX_METHOD || (strcmp(op->method.name, "recv") != 0 &&
                                  strcmp(op->method.name, "send") != 0)) {
      check_expr(S, op, true);
      error(S, op->span, "a select arm waits on $c.recv() or $c.send(v) of a "
            "channel (§17)");
    } else {
      ot = check_expr(S, op, true);
      Type *ct = type_resolve(S->tc, op->method.recv->ty);
      if (!SOFT(ct) && ct->kind != TY_CHAN)
        error(S, op->method.recv->span, "select waits on channels; this is %s",
              TN(ct));
    }
    push_scope(S, false);
    if (arm->bind) arm->binding = declare(S, arm->bind, arm->bind_span, ot, false);
    Type *bt = check_expr(S, arm->body, used);
    if (type_resolve(S->tc, bt)->kind != TY_NEVER) all_never = false;
    if (used && !UNIFY(result, bt))
      error(S, arm->body->span, "select arms have different types: %s and %s",
            TN(result), TN(bt));
    pop_scope(S);
  }
  if (e->select.else_) {
    Type *bt = check_expr(S, e->select.else_, used);
    if (type_resolve(S->tc, bt)->kind != TY_NEVER) all_never = false;
    if (used && !UNIFY(result, bt))
      error(S, e->select.else_->span, "select arms have different types: %s "
            "and %s", TN(result), TN(bt));
  }
  if (!e->select.arms.len && !e->select.else_)
    error(S, e->span, "select needs at least one arm");
  if (e->select.arms.len > 64)
    not_implemented(S, e->span, "select with more than 64 arms", "§17");
  if (!used) return &ty_unit;
  if (all_never && e->select.arms.len) return &ty_never;
  return type_resolve(S->tc, result);
}

/* §12's methods of Option and Result that need no closure. NULL: not one
 * of them (the caller goes on to subs of that name). */
static Type *check_option_method(Sema *S, Expr *e, Type *rt) {
  static const struct { const char *name; Builtin bi; int nargs; bool res; bool opt; } ms[] = {
      {"is_some", BM_OPT_IS_SOME, 0, false, true},
      {"is_none", BM_OPT_IS_NONE, 0, false, true},
      {"is_ok", BM_RES_IS_OK, 0, true, false},
      {"is_err", BM_RES_IS_ERR, 0, true, false},
      {"unwrap", BM_UNWRAP, 0, true, true},
      {"expect", BM_EXPECT, 1, true, true},
      {"or", BM_OR, 1, true, true},
      {"ok", BM_RES_OK, 0, true, false},
      {"err", BM_RES_ERR, 0, true, false},
  };
  bool is_opt = rt->decl == S->opt_decl;
  const char *name = e->method.name;
  for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
    if (strcmp(ms[i].name, name) != 0 || !(is_opt ? ms[i].opt : ms[i].res))
      continue;
    e->method.builtin = ms[i].bi;
    for (size_t j = 0; j < e->method.args.len; j++)
      check_expr(S, e->method.args.data[j], true);
    char *what = arena_printf(S->s->arena, "%s.%s", is_opt ? "Option" : "Result",
                              name);
    if (!check_arity(S, e->span, what, e->method.args.len, ms[i].nargs,
                     ms[i].nargs))
      return &ty_error;
    Type *t0 = rt->args[0];
    switch (ms[i].bi) {
    case BM_OPT_IS_SOME: case BM_OPT_IS_NONE: case BM_RES_IS_OK:
    case BM_RES_IS_ERR:
      return &ty_bool;
    case BM_EXPECT:
      expect_type(S, e->method.args.data[0], e->method.args.data[0]->ty,
                  &ty_str, " (the message of expect)");
      return t0;
    case BM_OR:
      expect_type(S, e->method.args.data[0], e->method.args.data[0]->ty, t0,
                  " (the default of or)");
      return t0;
    case BM_RES_OK: case BM_RES_ERR: {
      Type *a = ms[i].bi == BM_RES_OK ? t0 : rt->args[1];
      return type_adt(S->tc, S->opt_decl, &a, 1);
    }
    default:
      return t0;
    }
  }
  static const struct { const char *name; Builtin bi; } hof[] = {
      {"map", BM_OPT_MAP}, {"and_then", BM_OPT_AND_THEN},
      {"or_else", BM_OPT_OR_ELSE}, {"map_err", BM_RES_MAP_ERR}};
  for (size_t i = 0; i < sizeof hof / sizeof hof[0]; i++) {
    if (strcmp(hof[i].name, name) != 0) continue;
    if (is_opt && hof[i].bi == BM_RES_MAP_ERR) break;
    e->method.builtin = hof[i].bi;
    ExprList *a = &e->method.args;
    char *what = arena_printf(S->s->arena, "%s.%s", is_opt ? "Option" : "Result",
                              name);
    if (!check_arity(S, e->span, what, a->len, 1, 1)) return &ty_error;
    Type *t0 = rt->args[0];
    Type *u = type_var(S->tc);
    switch (hof[i].bi) {
    case BM_OPT_MAP: {
      check_fn_arg(S, a->data[0], fn1(S, t0, u));
      Type *ru = u;
      if (is_opt) return type_adt(S->tc, S->opt_decl, &ru, 1);
      Type *args[2] = {ru, rt->args[1]};
      return type_adt(S->tc, S->res_decl, args, 2);
    }
    case BM_RES_MAP_ERR: {
      check_fn_arg(S, a->data[0], fn1(S, rt->args[1], u));
      Type *args[2] = {t0, u};
      return type_adt(S->tc, S->res_decl, args, 2);
    }
    case BM_OPT_AND_THEN: {
      Type *want_ret;
      if (is_opt) want_ret = type_adt(S->tc, S->opt_decl, &u, 1);
      else {
        Type *args[2] = {u, rt->args[1]};
        want_ret = type_adt(S->tc, S->res_decl, args, 2);
      }
      check_fn_arg(S, a->data[0], fn1(S, t0, want_ret));
      return type_resolve(S->tc, want_ret);
    }
    default: { /* or_else: sub(): T (Option); sub(E): Result[T, E] */
      if (is_opt) {
        check_fn_arg(S, a->data[0], type_fn(S->tc, NULL, 0, t0));
        return t0;
      }
      check_fn_arg(S, a->data[0], fn1(S, rt->args[1], rt));
      return rt;
    }
    }
  }
  return NULL;
}

/* §18: the math module. Functions take and give Floats. */
static Type *check_math_call(Sema *S, Expr *e) {
  static const struct { const char *name; Builtin bi; int nargs; } fs[] = {
      {"sqrt", BM_MATH_SQRT, 1}, {"sin", BM_MATH_SIN, 1},
      {"cos", BM_MATH_COS, 1},   {"tan", BM_MATH_TAN, 1},
      {"atan2", BM_MATH_ATAN2, 2}, {"exp", BM_MATH_EXP, 1},
      {"log", BM_MATH_LOG, 1},   {"pow", BM_MATH_POW, 2},
      {"is_nan", BM_MATH_IS_NAN, 1},
  };
  ExprList *a = &e->method.args;
  for (size_t j = 0; j < a->len; j++) check_expr(S, a->data[j], true);
  e->method.recv->ty = &ty_unit;
  for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++) {
    if (strcmp(fs[i].name, e->method.name) != 0) continue;
    e->method.builtin = fs[i].bi;
    char *what = arena_printf(S->s->arena, "math.%s", fs[i].name);
    if (!check_arity(S, e->span, what, a->len, fs[i].nargs, fs[i].nargs))
      return &ty_error;
    for (size_t j = 0; j < a->len; j++)
      expect_type(S, a->data[j], a->data[j]->ty, &ty_float, NULL);
    return fs[i].bi == BM_MATH_IS_NAN ? &ty_bool : &ty_float;
  }
  error(S, e->method.name_span, "the math module has no sub %s (it has sqrt, "
        "sin, cos, tan, atan2, exp, log, pow, is_nan)", e->method.name);
  return &ty_error;
}

/* §18: io.read_line(): Option[Str], io.read_all(): Str, io.lines(): Lines,
 * io.read_file(path): Result[Str, Str], io.write_file(path, text):
 * Result[Unit, Str], io.file_lines(path): Result[Lines, Str],
 * io.write_bytes(List[Int]), io.read_bytes(): List[Int]; os.args():
 * List[Str], os.env(name): Option[Str], os.exit(code). */
static Type *check_io_call(Sema *S, Expr *e, bool io) {
  static const struct { const char *name; Builtin bi; bool io; int nargs; } fs[] = {
      {"read_line", BM_IO_READ_LINE, true, 0}, {"read_all", BM_IO_READ_ALL, true, 0},
      {"lines", BM_IO_LINES, true, 0},         {"args", BM_OS_ARGS, false, 0},
      {"env", BM_OS_ENV, false, 1},            {"exit", BM_OS_EXIT, false, 1},
      {"read_file", BM_IO_READ_FILE, true, 1}, {"write_file", BM_IO_WRITE_FILE, true, 2},
      {"file_lines", BM_IO_FILE_LINES, true, 1},
      {"write_bytes", BM_IO_WRITE_BYTES, true, 1},
      {"read_bytes", BM_IO_READ_BYTES, true, 0},
  };
  ExprList *a = &e->method.args;
  check_args_only(S, a);
  e->method.recv->ty = &ty_unit;
  const char *m = io ? "io" : "os";
  for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++) {
    if (fs[i].io != io || strcmp(fs[i].name, e->method.name) != 0) continue;
    e->method.builtin = fs[i].bi;
    char *what = arena_printf(S->s->arena, "%s.%s", m, fs[i].name);
    if (!check_arity(S, e->span, what, a->len, fs[i].nargs, fs[i].nargs))
      return &ty_error;
    Type *str = &ty_str;
    Type *res[2] = {&ty_str, &ty_str};
    switch (fs[i].bi) {
    case BM_IO_READ_FILE: case BM_IO_FILE_LINES: case BM_IO_WRITE_FILE:
      expect_type(S, a->data[0], a->data[0]->ty, &ty_str,
                  arena_printf(S->s->arena, " (the path of the file %s.%s "
                               "%s)", m, fs[i].name, fs[i].bi == BM_IO_WRITE_FILE
                               ? "writes" : "reads"));
      if (fs[i].bi == BM_IO_WRITE_FILE &&
          !UNIFY(a->data[1]->ty, &ty_str))
        error(S, a->data[1]->span, "mismatched types: io.write_file writes a "
              "Str, found %s; make text with \"$x\" or .to_str(), or write "
              "bytes to stdout with io.write_bytes", TN(a->data[1]->ty));
      res[0] = fs[i].bi == BM_IO_READ_FILE ? &ty_str
               : fs[i].bi == BM_IO_FILE_LINES ? &ty_lines : &ty_unit;
      return type_adt(S->tc, S->res_decl, res, 2);
    case BM_IO_WRITE_BYTES: {
      Type *want = type_list(S->tc, &ty_int);
      if (!UNIFY(a->data[0]->ty, want))
        error(S, a->data[0]->span, "mismatched types: io.write_bytes takes a "
              "List[Int] of bytes (each 0..255), found %s; write text with "
              "write or print", TN(a->data[0]->ty));
      return &ty_unit;
    }
    case BM_IO_READ_BYTES: return type_list(S->tc, &ty_int);
    case BM_IO_READ_LINE: return type_adt(S->tc, S->opt_decl, &str, 1);
    case BM_IO_READ_ALL: return &ty_str;
    case BM_IO_LINES: return &ty_lines;
    case BM_OS_ARGS: return type_list(S->tc, &ty_str);
    case BM_OS_ENV:
      expect_type(S, a->data[0], a->data[0]->ty, &ty_str, " (a variable's name)");
      return type_adt(S->tc, S->opt_decl, &str, 1);
    default: /* exit */
      expect_type(S, a->data[0], a->data[0]->ty, &ty_int, " (the exit status)");
      return &ty_never;
    }
  }
  error(S, e->method.name_span, io ? "the io module has no sub %s (it has "
        "read_line, read_all, lines, read_file, write_file, file_lines, "
        "write_bytes and read_bytes)" : "the os module has no sub %s (it "
        "has args, env and exit)", e->method.name);
  return &ty_error;
}

/* §18: text.translate(s, from, to): Str. */
static Type *check_text_call(Sema *S, Expr *e) {
  ExprList *a = &e->method.args;
  check_args_only(S, a);
  e->method.recv->ty = &ty_unit;
  if (strcmp(e->method.name, "translate") != 0) {
    error(S, e->method.name_span, "the text module has no sub %s (it has "
          "translate)", e->method.name);
    return &ty_error;
  }
  e->method.builtin = BM_TEXT_TRANSLATE;
  if (!check_arity(S, e->span, "text.translate", a->len, 3, 3)) return &ty_error;
  static const char *const what[] = {" (the text)", " (the characters to "
      "replace)", " (their replacements, one for each)"};
  for (size_t i = 0; i < 3; i++)
    expect_type(S, a->data[i], a->data[i]->ty, &ty_str, what[i]);
  return &ty_str;
}

/* §17, §18: time.sleep(ms), time.after(ms): Chan[Unit], time.now_ms(),
 * time.now_ns(). */
static Type *check_time_call(Sema *S, Expr *e) {
  ExprList *a = &e->method.args;
  check_args_only(S, a);
  e->method.recv->ty = &ty_unit;
  const char *name = e->method.name;
  if (strcmp(name, "now_ms") == 0 || strcmp(name, "now_ns") == 0) {
    e->method.builtin = name[4] == 'm' ? BM_TIME_NOW_MS : BM_TIME_NOW_NS;
    check_arity(S, e->span, name[4] == 'm' ? "time.now_ms" : "time.now_ns",
                a->len, 0, 0);
    return &ty_int;
  }
  bool sleep = strcmp(name, "sleep") == 0;
  if (!sleep && strcmp(name, "after") != 0) {
    error(S, e->method.name_span, "the time module has no sub %s (it has "
          "now_ms, now_ns, sleep and after)", name);
    return &ty_error;
  }
  e->method.builtin = sleep ? BM_TIME_SLEEP : BM_TIME_AFTER;
  if (check_arity(S, e->span, sleep ? "time.sleep" : "time.after", a->len, 1, 1))
    expect_type(S, a->data[0], a->data[0]->ty, &ty_int, " (milliseconds)");
  return sleep ? &ty_unit : type_chan(S->tc, &ty_unit);
}

static Type *check_math_const(Sema *S, Expr *e) {
  static const struct { const char *name; Builtin bi; } cs[] = {
      {"PI", BM_MATH_PI}, {"E", BM_MATH_E}, {"INF", BM_MATH_INF},
      {"NAN", BM_MATH_NAN}};
  for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++)
    if (strcmp(cs[i].name, e->field.name) == 0) {
      e->field.index = (uint32_t)cs[i].bi;
      e->field.recv->ty = &ty_unit;
      return &ty_float;
    }
  if (islower((unsigned char)e->field.name[0]))
    error(S, e->field.name_span, "math.%s as a value takes its type from "
          "where it goes; pass it where a sub is expected, or give the "
          "binding a sub type: $f: sub(Float): Float = math.%s (§8); the "
          "math module's constants are PI, E, INF, NAN", e->field.name,
          e->field.name);
  else
    error(S, e->field.name_span, "the math module has no constant %s (it has "
          "PI, E, INF, NAN)", e->field.name);
  return &ty_error;
}

/* §13: Str methods. 'S' Str, 'I' Int, 'C' Char; result as given. */
/* §14: the Str methods that take a Regex — match, match_all,
 * replace_first, replace_with always; split, count and replace when the
 * first argument is one. Returns NULL for the Str forms, with *checked
 * set when the first argument has been checked. */
static Type *check_str_re_method(Sema *S, Expr *e, bool *checked) {
  enum { RE_MATCH, RE_MATCH_ALL, RE_REPLACE_FIRST, RE_REPLACE_WITH, RE_SPLIT,
         RE_COUNT, RE_REPLACE, RE__COUNT };
  /* `always`: a Regex form only; else also a Str form (check_str_method) */
  static const struct { const char *name; bool always; size_t nargs; }
      ms[RE__COUNT] = {
          [RE_MATCH] = {"match", true, 1},
          [RE_MATCH_ALL] = {"match_all", true, 1},
          [RE_REPLACE_FIRST] = {"replace_first", true, 2},
          [RE_REPLACE_WITH] = {"replace_with", true, 2},
          [RE_SPLIT] = {"split", false, 1},
          [RE_COUNT] = {"count", false, 1},
          [RE_REPLACE] = {"replace", false, 2},
      };
  const char *name = e->method.name;
  int k = 0;
  while (k < RE__COUNT && strcmp(ms[k].name, name) != 0) k++;
  if (k == RE__COUNT) return NULL;
  ExprList *a = &e->method.args;
  if (a->len) check_expr(S, a->data[0], true);
  *checked = true;
  Type *a0 = a->len ? type_resolve(S->tc, a->data[0]->ty) : &ty_error;
  if (!ms[k].always && a0->kind != TY_REGEX) return NULL;
  Type *mt = &ty_match;
  for (size_t j = 1; j < a->len; j++)
    if (k == RE_REPLACE_WITH)
      check_fn_arg(S, a->data[j], type_fn(S->tc, &mt, 1, &ty_str));
    else
      check_expr(S, a->data[j], true);
  char *what = arena_printf(S->s->arena, "Str.%s", name);
  if (!check_arity(S, e->span, what, a->len, ms[k].nargs, ms[k].nargs))
    return &ty_error;
  expect_type(S, a->data[0], a0, &ty_regex, k == RE_REPLACE_FIRST
              ? " (replace_first takes a Regex; for a Str pattern use replace)"
              : " (write the pattern as a literal /…/, or build one with "
                "regex($s))");
  e->method.builtin = BM_STR_RE;
  switch (k) {
  case RE_MATCH:
    e->method.builtin = BM_STR_MATCH;
    return type_adt(S->tc, S->opt_decl, &mt, 1);
  case RE_MATCH_ALL: return type_list(S->tc, &ty_match);
  case RE_REPLACE_WITH: /* the sub was checked above */
    e->method.builtin = BM_STR_REPLACE_WITH;
    return &ty_str;
  case RE_SPLIT: return type_list(S->tc, &ty_str);
  case RE_COUNT: return &ty_int;
  default: /* replace, replace_first(re, template) */
    expect_type(S, a->data[1], a->data[1]->ty, &ty_str,
                " (the replacement template: $1, ${name}, $$)");
    return &ty_str;
  }
}

static Type *check_str_method(Sema *S, Expr *e) {
  Type *ls = type_list(S->tc, &ty_str);
  Type *lc = type_list(S->tc, &ty_char);
  Type *li = type_list(S->tc, &ty_int);
  Type *oi = type_adt(S->tc, S->opt_decl, (Type *[]){&ty_int}, 1);
  Type *of = type_adt(S->tc, S->opt_decl, (Type *[]){&ty_float}, 1);
  const struct { const char *name; const char *args; Type *ret; Builtin bi; } ms[] = {
      {"upper", "", &ty_str, BM_STR_RT},       {"lower", "", &ty_str, BM_STR_RT},
      {"trim", "", &ty_str, BM_STR_RT},        {"trim_start", "", &ty_str, BM_STR_RT},
      {"trim_end", "", &ty_str, BM_STR_RT},    {"reverse", "", &ty_str, BM_STR_RT},
      {"repeat", "I", &ty_str, BM_STR_RT},     {"pad_left", "IC", &ty_str, BM_STR_RT},
      {"pad_right", "IC", &ty_str, BM_STR_RT}, {"char_count", "", &ty_int, BM_STR_RT},
      {"contains", "S", &ty_bool, BM_STR_RT},  {"starts_with", "S", &ty_bool, BM_STR_RT},
      {"ends_with", "S", &ty_bool, BM_STR_RT}, {"count", "S", &ty_int, BM_STR_RT},
      {"byte_at", "I", &ty_int, BM_STR_RT},    {"split", "S", ls, BM_STR_RT},
      {"split_whitespace", "", ls, BM_STR_RT}, {"lines", "", ls, BM_STR_RT},
      {"chars", "", lc, BM_STR_RT},            {"bytes", "", li, BM_STR_RT},
      {"find", "S", oi, BM_STR_FIND},          {"to_int", "", oi, BM_STR_TO_INT},
      {"to_float", "", of, BM_STR_TO_FLOAT},
  };
  const char *name = e->method.name;
  ExprList *a = &e->method.args;
  bool checked = false;
  Type *re = check_str_re_method(S, e, &checked);
  if (re) return re;
  for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
    if (strcmp(ms[i].name, name) != 0) continue;
    e->method.builtin = ms[i].bi;
    for (size_t j = checked; j < a->len; j++) check_expr(S, a->data[j], true);
    size_t n = strlen(ms[i].args);
    char *what = arena_printf(S->s->arena, "Str.%s", name);
    if (!check_arity(S, e->span, what, a->len, n, n)) return &ty_error;
    bool str_or_re = ms[i].bi == BM_STR_RT && (strcmp(name, "split") == 0 ||
                                               strcmp(name, "count") == 0);
    for (size_t j = 0; j < n; j++) {
      Type *want = ms[i].args[j] == 'S' ? &ty_str
                   : ms[i].args[j] == 'I' ? &ty_int : &ty_char;
      expect_type(S, a->data[j], a->data[j]->ty, want,
                  str_or_re ? " or Regex" : NULL);
    }
    return ms[i].ret;
  }
  if (strcmp(name, "replace") == 0) {
    e->method.builtin = BM_STR_RT;
    for (size_t j = checked; j < a->len; j++) check_expr(S, a->data[j], true);
    if (!check_arity(S, e->span, "Str.replace", a->len, 2, 2)) return &ty_error;
    expect_type(S, a->data[0], a->data[0]->ty, &ty_str, " or Regex");
    expect_type(S, a->data[1], a->data[1]->ty, &ty_str, NULL);
    return &ty_str;
  }
  return NULL;
}

/* §14: Regex.pattern(); Match.text(), start(), end(), group(Int),
 * named(Str). NULL: not one of them. */
static Type *check_regex_method(Sema *S, Expr *e, Type *rt) {
  static const struct { const char *name; TypeKind recv; char arg; Builtin bi; } ms[] = {
      {"pattern", TY_REGEX, 0, BM_REGEX_PATTERN}, {"text", TY_MATCH, 0, BM_MATCH_RT},
      {"start", TY_MATCH, 0, BM_MATCH_RT},        {"end", TY_MATCH, 0, BM_MATCH_RT},
      {"group", TY_MATCH, 'I', BM_MATCH_OPT},     {"named", TY_MATCH, 'S', BM_MATCH_OPT},
  };
  for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
    if (ms[i].recv != rt->kind || strcmp(ms[i].name, e->method.name) != 0)
      continue;
    ExprList *a = &e->method.args;
    check_args_only(S, a);
    e->method.builtin = ms[i].bi;
    char *what = arena_printf(S->s->arena, "%s.%s",
                              rt->kind == TY_REGEX ? "Regex" : "Match", ms[i].name);
    size_t n = ms[i].arg ? 1 : 0;
    if (!check_arity(S, e->span, what, a->len, n, n)) return &ty_error;
    if (n)
      expect_type(S, a->data[0], a->data[0]->ty, ms[i].arg == 'I' ? &ty_int
                  : &ty_str, ms[i].arg == 'I' ? " (a group number; 0 is the "
                  "whole match)" : " (a group's name)");
    if (ms[i].bi == BM_MATCH_OPT) {
      Type *str = &ty_str;
      return type_adt(S->tc, S->opt_decl, &str, 1);
    }
    return i == 0 || i == 1 ? &ty_str : &ty_int;
  }
  return NULL;
}

/* §8: $v.m(a) calls T.m($v, a) when T has m, else the sub m($v, a). */
static Symbol *find_user_method(Sema *S, TypeDecl *d, const char *name) {
  for (size_t i = 0; i < S->methods.len; i++)
    if (S->method_of.data[i] == d &&
        strcmp(S->methods.data[i]->name + strlen(d->name) + 1, name) == 0)
      return S->methods.data[i];
  return NULL;
}

/* §3: a method whose name starts with `_` is private to its type's
 * module. */
static bool method_visible(Sema *S, Symbol *m, Span sp) {
  if (!is_private(m->item->sub.name) || m->module == S->ms->mod) return true;
  error(S, sp, "'%s' is private to module %s (names starting with '_' are "
        "private to their module, §3)", m->name, m->module->name);
  return false;
}

static Type *check_args_only(Sema *S, ExprList *args) {
  for (size_t i = 0; i < args->len; i++) check_expr(S, args->data[i], true);
  return &ty_error;
}

/* `T.m(args)`: the method called like a sub (§8). */
static Type *check_static_call(Sema *S, Expr *e, TypeDecl *d) {
  const char *name = e->method.name;
  Symbol *sym = find_user_method(S, d, name);
  if (!sym) {
    check_args_only(S, &e->method.args);
    error(S, e->method.name_span, "type %s has no sub %s.%s", d->name,
          d->name, name);
    return &ty_error;
  }
  if (!method_visible(S, sym, e->method.name_span))
    return check_args_only(S, &e->method.args);
  e->method.sym = sym;
  e->method.static_call = true;
  e->method.targs = instantiate_sub(S, sym, NULL, e->span);
  return check_sub_args(S, e->span, sym, NULL, &e->method.args,
                        e->method.targs);
}

/* recv is a name that is no sub or const in scope but a module used here
 * (§3); `use m` beside an item m is reported where the module is used. */
static UseAlias *names_module(Sema *S, Expr *recv) {
  if (recv->kind != EX_NAME || recv->name.module || recv->name.targs.len ||
      global_lookup(S, recv->name.name))
    return NULL;
  return find_use(S->ms, recv->name.name);
}

/* `m.x` where m is neither a value nor a module used here. */
static Type *not_a_module(Sema *S, Expr *recv) {
  const char *m = recv->name.name;
  if (sema_is_std_module(m)) {
    used_module(S, m, "", recv->span);
    return &ty_error;
  }
  error(S, recv->span, "undefined name '%s': no sub, const or type has this "
        "name, and no module is used as '%s' (a module needs 'use %s', §3)",
        m, m, m);
  return &ty_error;
}

static Type *check_method(Sema *S, Expr *e) {
  Expr *recv = e->method.recv;
  const char *name = e->method.name;
  e->method.builtin = BI_NONE;
  UseAlias *u = names_module(S, recv);
  if (u && u->is_math) return check_math_call(S, e);
  if (u && u->is_time) return check_time_call(S, e);
  if (u && (u->is_io || u->is_os)) return check_io_call(S, e, u->is_io);
  if (u && u->is_text) return check_text_call(S, e);
  if (u) {
    /* `m.f(args)`, `m.C(args)`: a call of module m's item (§3) */
    method_to_qualified_call(S, e);
    return check_call(S, e);
  }
  if (recv->kind == EX_FIELD && (u = names_module(S, recv->field.recv)) &&
      u->target && own_tdecl(u->target, recv->field.name) &&
      !own_ctor(u->target, recv->field.name)) {
    /* `m.T.f(args)` */
    if (!check_visible(S, u->target, recv->field.name, recv->field.name_span))
      return check_args_only(S, &e->method.args);
    return check_static_call(S, e, own_tdecl(u->target, recv->field.name));
  }
  if (recv->kind == EX_NAME && !global_lookup(S, recv->name.name) &&
      !recv->name.module && !recv->name.targs.len &&
      find_tdecl(S, recv->name.name) && !find_ctor(S, recv->name.name))
    return check_static_call(S, e, find_tdecl(S, recv->name.name));
  if (recv->kind == EX_NAME && strcmp(recv->name.name, "Set") == 0 &&
      !recv->name.module && strcmp(name, "empty") == 0) {
    /* Set.empty() (§15): the element type comes from the context */
    e->method.builtin = BM_SET_EMPTY;
    e->method.static_call = true;
    check_args_only(S, &e->method.args);
    check_arity(S, e->span, "Set.empty", e->method.args.len, 0, 0);
    return type_set(S->tc, type_var(S->tc));
  }
  if (recv->kind == EX_NAME && strcmp(recv->name.name, "Str") == 0 &&
      strcmp(name, "from_chars") == 0) {
    e->method.builtin = BM_STR_FROM_CHARS;
    e->method.static_call = true;
    ExprList *a = &e->method.args;
    for (size_t j = 0; j < a->len; j++) check_expr(S, a->data[j], true);
    if (check_arity(S, e->span, "Str.from_chars", a->len, 1, 1))
      expect_type(S, a->data[0], a->data[0]->ty, type_list(S->tc, &ty_char), NULL);
    return &ty_str;
  }
  if (recv->kind == EX_NAME && !recv->name.module &&
      !global_lookup(S, recv->name.name) && !recv->name.targs.len &&
      !find_ctor(S, recv->name.name)) {
    check_args_only(S, &e->method.args);
    return not_a_module(S, recv);
  }
  Type *rt = check_expr(S, recv, true);
  if (SOFT(rt)) {
    for (size_t i = 0; i < e->method.args.len; i++)
      check_expr(S, e->method.args.data[i], true);
    return &ty_error;
  }
  if (rt->kind == TY_RANGE && strcmp(name, "to_str") != 0) {
    Type *r = check_range_method(S, e);
    if (r) return r;
  }
  if (strcmp(name, "to_str") == 0) {
    e->method.builtin = BM_TO_STR;
    check_arity(S, e->span, "to_str", e->method.args.len, 0, 0);
    if (!has_text(S, rt))
      error(S, recv->span, "%s has no text form (§4: subs, channels, "
            "tasks and Lines cannot be printed)", TN(rt));
    return &ty_str;
  }
  if (rt->kind == TY_ADT) {
    /* §8: an existing T.m wins, even if its arguments do not fit */
    Symbol *um = find_user_method(S, rt->decl, name);
    if (um) {
      if (!method_visible(S, um, e->method.name_span))
        return check_args_only(S, &e->method.args);
      e->method.sym = um;
      e->method.targs = instantiate_sub(S, um, NULL, e->span);
      return check_sub_args(S, e->span, um, recv, &e->method.args,
                            e->method.targs);
    }
  }
  if (rt->kind == TY_LIST) {
    Type *r = check_list_method(S, e, rt);
    if (r) return r;
  }
  if (rt->kind == TY_MAP || rt->kind == TY_SET) {
    Type *r = check_map_method(S, e, rt);
    if (r) return r;
  }
  if (rt->kind == TY_CHAN || rt->kind == TY_TASK) {
    Type *r = check_chan_method(S, e, rt);
    if (r) return r;
  }
  if (rt->kind == TY_REGEX || rt->kind == TY_MATCH) {
    Type *r = check_regex_method(S, e, rt);
    if (r) return r;
  }
  if (rt->kind == TY_STR) { /* like List's, before user subs (§8) */
    Type *r = check_str_method(S, e);
    if (r) return r;
  }
  if (rt->kind == TY_LINES && strcmp(name, "to_list") == 0) {
    e->method.builtin = BM_LINES_TO_LIST;
    check_args_only(S, &e->method.args);
    check_arity(S, e->span, "Lines.to_list", e->method.args.len, 0, 0);
    return type_list(S->tc, &ty_str);
  }
  if (rt->kind == TY_ADT && (rt->decl == S->opt_decl || rt->decl == S->res_decl)) {
    Type *r = check_option_method(S, e, rt);
    if (r) return r;
  }
  const MethodDef *md = find_method(rt->kind, name);
  if (md) {
    e->method.builtin = md->bi;
    for (size_t i = 0; i < e->method.args.len; i++)
      check_expr(S, e->method.args.data[i], true);
    char *what = arena_printf(S->s->arena, "%s.%s", TN(rt), name);
    if (check_arity(S, e->span, what, e->method.args.len, md->nargs, md->nargs)
        && md->nargs == 1)
      expect_type(S, e->method.args.data[0], e->method.args.data[0]->ty,
                  md->arg, NULL);
    return md->ret ? md->ret : rt;
  }
  Symbol *sym = global_lookup(S, name);
  if (sym && sym->kind == SYM_SUB) {
    e->method.sym = sym;
    e->method.targs = instantiate_sub(S, sym, NULL, e->span);
    return check_sub_args(S, e->span, sym, recv, &e->method.args,
                          e->method.targs);
  }
  for (size_t i = 0; i < e->method.args.len; i++)
    check_expr(S, e->method.args.data[i], true);
  if (rt->kind == TY_RANGE) {
    Type *r = check_range_method(S, e);
    if (r) return r;
  }
  if (rt->kind == TY_STR && is_later_str_method(name))
    return not_implemented(S, e->method.name_span,
                           arena_printf(S->s->arena, "Str.%s", name), "§13");
  error(S, e->method.name_span, "no method '%s' on %s, and no sub '%s' in "
        "scope to call as a method", name, TN(rt), name);
  return &ty_error;
}

/* ---- constructors, records, tuples (§10, §4) ----------------------------- */

/* `C` or `C(args)`: a constructor of a sum type, instantiated afresh. */
static Type *check_ctor_app(Sema *S, Expr *e, CtorDecl *k, ExprList *args,
                            Span name_sp) {
  Type *t = instantiate(S, k->owner);
  if (args)
    for (size_t i = 0; i < args->len; i++) check_expr(S, args->data[i], true);
  if (k->owner->is_record) {
    error(S, name_sp, "%s is a record type; build one with %s { field: "
          "value, … }", k->name, k->name);
    return &ty_error;
  }
  size_t n = args ? args->len : 0;
  if (!n && !k->fields.len && k->owner->params.len)
    VEC_PUSH(S->s->arena, S->open_lits, e); /* None, or a Leaf of Tree[T] */
  if (!args && k->fields.len) {
    error(S, name_sp, "constructor %s takes %zu field%s; write %s(…)", k->name,
          k->fields.len, k->fields.len == 1 ? "" : "s", k->name);
    return t;
  }
  if (n != k->fields.len) {
    error(S, e->span, "constructor %s takes %zu field%s, but %zu %s given",
          k->name, k->fields.len, k->fields.len == 1 ? "" : "s", n,
          n == 1 ? "was" : "were");
    return t;
  }
  for (size_t i = 0; i < n; i++) {
    Expr *a = args->data[i];
    Type *want = type_ctor_field(S->tc, t, k, (uint32_t)i);
    if (!UNIFY(a->ty, want))
      error(S, a->span, "mismatched types: expected %s, found %s (field %zu "
            "of %s)", TN(want), TN(a->ty), i + 1, k->name);
  }
  return t;
}

static int64_t field_index(CtorDecl *k, const char *name) {
  for (size_t i = 0; i < k->field_names.len; i++)
    if (k->field_names.data[i] == name) return (int64_t)i;
  return -1;
}

static Type *check_record(Sema *S, Expr *e) {
  const char *name = e->record.name;
  TypeDecl *d = e->record.module
                    ? qualified_type(S, e->record.module, name, e->span)
                    : find_tdecl(S, name);
  size_t n = e->record.inits.len;
  for (size_t i = 0; i < n; i++) check_expr(S, e->record.inits.data[i].value, true);
  if (!d && e->record.module) return &ty_error;
  if (!d || !d->is_record) {
    if (d) error(S, e->span, "%s is not a record type; only records are built "
                 "with { field: value }", e->record.name);
    else if (!bad_import(S, e->record.name))
      error(S, e->span, "unknown type %s", e->record.name);
    return &ty_error;
  }
  CtorDecl *k = d->ctors.data[0];
  e->record.ctor = k;
  e->record.index = ARENA_ARRAY(S->s->arena, int64_t, n ? n : 1);
  Type *t = instantiate(S, d);
  TypeExprList *ta = &e->record.targs;
  if (ta->len && ta->len != d->params.len) {
    error(S, e->span, "record %s takes %zu type argument%s, but %zu %s given",
          d->name, d->params.len, d->params.len == 1 ? "" : "s", ta->len,
          ta->len == 1 ? "was" : "were");
  } else {
    /* Box[Int] { … }: the arguments fix the instance (§11) */
    for (size_t i = 0; i < ta->len; i++)
      (void)UNIFY(t->args[i], resolve_type(S, ta->data[i]));
  }
  bool *seen = ARENA_ARRAY(S->s->arena, bool, k->fields.len + 1);
  for (size_t i = 0; i < n; i++) {
    FieldInit *fi = &e->record.inits.data[i];
    int64_t fx = field_index(k, fi->name);
    e->record.index[i] = fx;
    if (fx < 0) {
      error(S, fi->span, "record %s has no field %s", d->name, fi->name);
      continue;
    }
    if (seen[fx]) error(S, fi->span, "field %s is given twice", fi->name);
    seen[fx] = true;
    Type *want = type_ctor_field(S->tc, t, k, (uint32_t)fx);
    if (!UNIFY(fi->value->ty, want))
      error(S, fi->value->span, "mismatched types: expected %s, found %s "
            "(field %s of %s)", TN(want), TN(fi->value->ty), fi->name, d->name);
  }
  for (size_t i = 0; i < k->fields.len; i++)
    if (!seen[i]) {
      error(S, e->span, "missing field %s in %s { … }", k->field_names.data[i],
            d->name);
      break;
    }
  return t;
}

/* The record constructor of a record-typed value, or NULL (reported). */
static CtorDecl *record_of(Sema *S, Type *t, Span sp, const char *what) {
  t = type_resolve(S->tc, t);
  if (SOFT(t)) return NULL;
  if (t->kind == TY_ADT && t->decl->is_record) return t->decl->ctors.data[0];
  if (t->kind == TY_VAR)
    error(S, sp, "the type here must be known before %s; add a type "
          "annotation", what);
  else if (t->kind == TY_TUPLE)
    error(S, sp, "%s is a tuple; its elements are .0, .1, …", TN(t));
  else
    error(S, sp, "%s has no fields; only records have %s", TN(t), what);
  return NULL;
}

static Type *check_field(Sema *S, Expr *e) {
  Type *rt = check_expr(S, e->field.recv, true);
  CtorDecl *k = record_of(S, rt, e->field.recv->span, "a field access");
  if (!k) return &ty_error;
  int64_t fx = field_index(k, e->field.name);
  if (fx < 0) {
    error(S, e->field.name_span, "record %s has no field %s", k->owner->name,
          e->field.name);
    return &ty_error;
  }
  e->field.index = (uint32_t)fx;
  return type_ctor_field(S->tc, rt, k, (uint32_t)fx);
}

static Type *check_with(Sema *S, Expr *e) {
  Type *rt = check_expr(S, e->with.recv, true);
  size_t n = e->with.inits.len;
  for (size_t i = 0; i < n; i++) check_expr(S, e->with.inits.data[i].value, true);
  CtorDecl *k = record_of(S, rt, e->with.recv->span, "'with'");
  if (!k) return &ty_error;
  e->with.index = ARENA_ARRAY(S->s->arena, int64_t, n ? n : 1);
  for (size_t i = 0; i < n; i++) {
    FieldInit *fi = &e->with.inits.data[i];
    int64_t fx = field_index(k, fi->name);
    e->with.index[i] = fx;
    if (fx < 0) {
      error(S, fi->span, "record %s has no field %s", k->owner->name, fi->name);
      continue;
    }
    for (size_t j = 0; j < i; j++)
      if (e->with.index[j] == fx) error(S, fi->span, "field %s is given twice",
                                        fi->name);
    Type *want = type_ctor_field(S->tc, rt, k, (uint32_t)fx);
    if (!UNIFY(fi->value->ty, want))
      error(S, fi->value->span, "mismatched types: expected %s, found %s "
            "(field %s of %s)", TN(want), TN(fi->value->ty), fi->name,
            k->owner->name);
  }
  return type_resolve(S->tc, rt);
}

static Type *check_tuple(Sema *S, Expr *e) {
  Type *el[32];
  size_t n = e->tuple.elems.len;
  for (size_t i = 0; i < n; i++) {
    Type *t = check_expr(S, e->tuple.elems.data[i], true);
    if (i < 32) el[i] = t->kind == TY_NEVER ? &ty_error : t;
  }
  if (n > 32) return not_implemented(S, e->span, "tuples of more than 32 "
                                     "elements", "§4");
  return type_tuple(S->tc, el, (uint32_t)n);
}

static Type *check_tuple_index(Sema *S, Expr *e) {
  Type *t = type_resolve(S->tc, check_expr(S, e->tindex.recv, true));
  if (SOFT(t)) return &ty_error;
  if (t->kind != TY_TUPLE) {
    if (t->kind == TY_VAR)
      error(S, e->span, "the type here must be known before .%lld; add a type "
            "annotation", (long long)e->tindex.index);
    else
      error(S, e->span, "%s is not a tuple; .%lld indexes tuples",
            TN(t), (long long)e->tindex.index);
    return &ty_error;
  }
  if (e->tindex.index < 0 || (uint64_t)e->tindex.index >= t->nargs) {
    error(S, e->span, "tuple %s has no element .%lld (it has %u)", TN(t),
          (long long)e->tindex.index, t->nargs);
    return &ty_error;
  }
  return t->args[e->tindex.index];
}

/* ---- patterns (§9) ---------------------------------------------------------- */

static void check_pattern(Sema *S, Pattern *pt, Type *t);

static void check_lit_pattern(Sema *S, Pattern *pt, Expr *lit, Type *t) {
  Type *lt = check_expr(S, lit, true);
  if (!UNIFY(lt, t))
    error(S, lit->span, "this pattern is %s, but the value matched is %s",
          TN(lt), TN(t));
  (void)pt;
}

/* Collects the binding patterns of a pattern (for alternatives, §9: the
 * first alternative's stand for all). */
void sema_pattern_bindings(Pattern *pt, PatternVec *out, Arena *a) {
  switch (pt->kind) {
  case PAT_BIND: VEC_PUSH(a, *out, pt); return;
  case PAT_REST: if (pt->name) VEC_PUSH(a, *out, pt); return;
  case PAT_OR:
    if (pt->elems.len) sema_pattern_bindings(pt->elems.data[0], out, a);
    return;
  default:
    for (size_t i = 0; i < pt->elems.len; i++)
      sema_pattern_bindings(pt->elems.data[i], out, a);
    for (size_t i = 0; i < pt->fields.len; i++)
      sema_pattern_bindings(pt->fields.data[i].pat, out, a);
  }
}

static void check_or_pattern(Sema *S, Pattern *pt, Type *t) {
  check_pattern(S, pt->elems.data[0], t);
  PatternVec first = {0};
  sema_pattern_bindings(pt->elems.data[0], &first, S->s->arena);
  for (size_t i = 1; i < pt->elems.len; i++) {
    Pattern *alt = pt->elems.data[i];
    push_scope(S, false);
    check_pattern(S, alt, t);
    pop_scope(S);
    PatternVec these = {0};
    sema_pattern_bindings(alt, &these, S->s->arena);
    bool same = these.len == first.len;
    for (size_t j = 0; same && j < these.len; j++) {
      Pattern *m = NULL;
      for (size_t k = 0; k < first.len; k++)
        if (first.data[k]->name == these.data[j]->name) m = first.data[k];
      if (!m) { same = false; break; }
      these.data[j]->binding = m->binding; /* one binding, several sources */
      if (m->binding && !UNIFY(these.data[j]->ty, m->binding->ty))
        error(S, these.data[j]->span, "$%s has type %s here but %s in the "
              "first alternative", m->name, TN(these.data[j]->ty),
              TN(m->binding->ty));
    }
    if (!same)
      error(S, alt->span, "each alternative of '|' must bind the same names "
            "(§9)");
  }
}

/* The constructor `[m.]C` of a PAT_CTOR; NULL (reported) when none. */
static CtorDecl *pattern_ctor(Sema *S, Pattern *pt) {
  if (pt->module) {
    /* `m.C(…)` (§10: qualified as its type is) */
    ModScope *m = used_module(S, pt->module, pt->name, pt->span);
    if (!m) return NULL;
    CtorDecl *k = own_ctor(m, pt->name);
    TypeDecl *d = k ? NULL : own_tdecl(m, pt->name);
    if (d && d->is_record)
      error(S, pt->span, "%s.%s is a record; match it with %s.%s { field: "
            "pattern, .. }", pt->module, pt->name, pt->module, pt->name);
    else if (!k)
      error(S, pt->span, "module %s has no constructor named '%s'",
            pt->module, pt->name);
    return k && check_visible(S, m, pt->name, pt->span) ? k : NULL;
  }
  CtorDecl *k = find_ctor(S, pt->name);
  if (k) return k;
  TypeDecl *d = find_tdecl(S, pt->name);
  if (d && d->is_record)
    error(S, pt->span, "%s is a record; match it with %s { field: "
          "pattern, .. }", pt->name, pt->name);
  else if (!bad_import(S, pt->name))
    error(S, pt->span, "unknown constructor %s", pt->name);
  return NULL;
}

/* After an error in pattern pt: still declare the names it binds (with the
 * error type), so their uses report no follow-on "undefined binding". */
static void declare_pattern_names(Sema *S, Pattern *pt) {
  PatternVec names = {0};
  sema_pattern_bindings(pt, &names, S->s->arena);
  for (size_t i = 0; i < names.len; i++) {
    Pattern *b = names.data[i];
    if (b->name && strcmp(b->name, "_") != 0)
      b->binding = declare(S, b->name, b->span, &ty_error, false);
  }
}

static void check_pattern(Sema *S, Pattern *pt, Type *t) {
  pt->ty = t;
  switch (pt->kind) {
  case PAT_WILD: return;
  case PAT_BIND:
    pt->binding = declare(S, pt->name, pt->span, t, false);
    return;
  case PAT_LIT: check_lit_pattern(S, pt, pt->lit, t); return;
  case PAT_RANGE: {
    check_lit_pattern(S, pt, pt->lit, t);
    check_lit_pattern(S, pt, pt->lit_hi, t);
    Type *r = type_resolve(S->tc, t);
    if (!SOFT(r) && r->kind != TY_INT && r->kind != TY_CHAR)
      error(S, pt->span, "range patterns match Int or Char, not %s", TN(r));
    return;
  }
  case PAT_CTOR: {
    CtorDecl *k = pattern_ctor(S, pt);
    if (!k) {
      /* still declare the names it binds, so each is not undefined too */
      for (size_t i = 0; i < pt->elems.len; i++)
        check_pattern(S, pt->elems.data[i], &ty_error);
      return;
    }
    pt->ctor = k;
    Type *inst = instantiate(S, k->owner);
    if (!UNIFY(inst, t)) {
      error(S, pt->span, "constructor %s makes %s values, but the value "
            "matched is %s", k->name, k->owner->name, TN(t));
      declare_pattern_names(S, pt);
      return;
    }
    if (pt->elems.len != k->fields.len) {
      error(S, pt->span, "constructor %s has %zu field%s, but the pattern has "
            "%zu", k->name, k->fields.len, k->fields.len == 1 ? "" : "s",
            pt->elems.len);
      declare_pattern_names(S, pt);
      return;
    }
    for (size_t i = 0; i < pt->elems.len; i++)
      check_pattern(S, pt->elems.data[i],
                    type_ctor_field(S->tc, inst, k, (uint32_t)i));
    return;
  }
  case PAT_TUPLE: {
    Type *r = type_resolve(S->tc, t);
    size_t n = pt->elems.len;
    if (r->kind == TY_VAR && n <= 32) {
      Type *el[32];
      for (size_t i = 0; i < n; i++) el[i] = type_var(S->tc);
      UNIFY(r, type_tuple(S->tc, el, (uint32_t)n));
      r = type_resolve(S->tc, r);
    }
    if (SOFT(r)) {
      for (size_t i = 0; i < n; i++) check_pattern(S, pt->elems.data[i], &ty_error);
      return;
    }
    if (r->kind != TY_TUPLE || r->nargs != n) {
      error(S, pt->span, "a tuple pattern of %zu elements cannot match %s", n,
            TN(r));
      declare_pattern_names(S, pt);
      return;
    }
    for (size_t i = 0; i < n; i++) check_pattern(S, pt->elems.data[i], r->args[i]);
    return;
  }
  case PAT_RECORD: {
    TypeDecl *d = pt->module ? qualified_type(S, pt->module, pt->name, pt->span)
                             : find_tdecl(S, pt->name);
    if (!d && pt->module) { declare_pattern_names(S, pt); return; }
    if (!d || !d->is_record) {
      error(S, pt->span, "%s is not a record type", pt->name);
      declare_pattern_names(S, pt);
      return;
    }
    CtorDecl *k = d->ctors.data[0];
    pt->ctor = k;
    Type *inst = instantiate(S, d);
    if (!UNIFY(inst, t)) {
      error(S, pt->span, "this pattern matches %s, but the value is %s",
            TN(inst), TN(t));
      declare_pattern_names(S, pt);
      return;
    }
    size_t n = pt->fields.len;
    pt->field_index = ARENA_ARRAY(S->s->arena, int64_t, n ? n : 1);
    for (size_t i = 0; i < n; i++) {
      FieldPat *fp = &pt->fields.data[i];
      int64_t fx = field_index(k, fp->name);
      pt->field_index[i] = fx;
      if (fx < 0) {
        error(S, fp->span, "record %s has no field %s", d->name, fp->name);
        declare_pattern_names(S, fp->pat);
        continue;
      }
      check_pattern(S, fp->pat, type_ctor_field(S->tc, inst, k, (uint32_t)fx));
    }
    if (!pt->has_rest && n < k->fields.len) {
      for (size_t j = 0; j < k->fields.len; j++) {
        bool named = false;
        for (size_t i = 0; i < n; i++) named |= pt->field_index[i] == (int64_t)j;
        if (!named) {
          error(S, pt->span, "this pattern does not mention field %s of %s; "
                "add it, or end the pattern with '..'", k->field_names.data[j],
                d->name);
          break;
        }
      }
    }
    return;
  }
  case PAT_LIST: {
    Type *r = type_resolve(S->tc, t);
    if (r->kind == TY_VAR) {
      UNIFY(r, type_list(S->tc, type_var(S->tc)));
      r = type_resolve(S->tc, r);
    }
    if (!SOFT(r) && r->kind != TY_LIST) {
      error(S, pt->span, "a list pattern cannot match %s", TN(r));
      declare_pattern_names(S, pt);
      return;
    }
    Type *el = SOFT(r) ? &ty_error : r->args[0];
    size_t nrest = 0;
    for (size_t i = 0; i < pt->elems.len; i++) {
      Pattern *sub = pt->elems.data[i];
      if (sub->kind == PAT_REST) {
        if (++nrest > 1)
          error(S, sub->span, "a list pattern has at most one '..' (§9)");
        sub->ty = r;
        if (sub->name) sub->binding = declare(S, sub->name, sub->span, r, false);
        continue;
      }
      check_pattern(S, sub, el);
    }
    return;
  }
  case PAT_OR:
    check_or_pattern(S, pt, t);
    return;
  case PAT_REST:
    error(S, pt->span, "'..' stands only inside a list pattern");
    return;
  }
}

/* §9: irrefutable patterns (let, for) can never fail. */
static bool irrefutable(Sema *S, Pattern *pt) {
  switch (pt->kind) {
  case PAT_WILD: case PAT_BIND: return true;
  case PAT_TUPLE: case PAT_RECORD:
    for (size_t i = 0; i < pt->elems.len; i++)
      if (!irrefutable(S, pt->elems.data[i])) return false;
    for (size_t i = 0; i < pt->fields.len; i++)
      if (!irrefutable(S, pt->fields.data[i].pat)) return false;
    return true;
  case PAT_CTOR:
    if (!pt->ctor || pt->ctor->owner->ctors.len != 1) return false;
    for (size_t i = 0; i < pt->elems.len; i++)
      if (!irrefutable(S, pt->elems.data[i])) return false;
    return true;
  default:
    return false;
  }
}

/* A sub that eta_target takes as a value only where a sub type is
 * expected, used where none is. */
static Type *sub_value_needs_type(Sema *S, Expr *e, const char *what) {
  error(S, e->span, "%s is %s: as a value it takes its type from where it "
        "goes; pass it where a sub is expected, or give the binding a sub "
        "type: $f: sub(Int) = %s (§8)", e->name.name, what, e->name.name);
  return &ty_error;
}

static Type *check_name(Sema *S, Expr *e) {
  const char *name = e->name.name;
  Symbol *sym;
  if (e->name.module) {
    /* `m.name` (§3) */
    if (!resolve_qualified(S, e)) return &ty_error;
    sym = e->name.sym;
    if (e->name.ctor) return check_ctor_app(S, e, e->name.ctor, NULL, e->span);
  } else {
    sym = global_lookup(S, name);
  }
  const char *stdm = sym || e->name.module || e->name.targs.len
                         ? NULL : std_import(S, name);
  if (stdm && strcmp(stdm, "math") == 0 && isupper((unsigned char)name[0])) {
    /* `PI` after `use math.{PI}` is `math.PI` (§3) */
    Span nsp = e->span;
    memset(&e->field, 0, sizeof e->field);
    e->kind = EX_FIELD;
    e->field.recv = module_name_expr(S, stdm, nsp);
    e->field.name = name;
    e->field.name_span = nsp;
    return check_math_const(S, e);
  }
  if (stdm)
    return sub_value_needs_type(S, e, "a standard module's sub");
  if (!sym && !e->name.module) {
    CtorDecl *k = find_ctor(S, name);
    if (k) {
      e->name.ctor = k;
      return check_ctor_app(S, e, k, NULL, e->span);
    }
  }
  if (!sym) {
    if (builtin_sub(name) != BI_NONE)
      return sub_value_needs_type(S, e, "a built-in sub");
    const char *sec = prelude_section(name);
    if (sec)
      return not_implemented(S, e->span, arena_printf(S->s->arena, "'%s'",
                             name), sec);
    if (!bad_import(S, name)) error(S, e->span, "undefined name '%s'", name);
    return &ty_error;
  }
  e->name.sym = sym;
  if (sym->kind == SYM_SUB) {
    if (sym->tparams.len)
      return sub_value_needs_type(S, e, "generic");
    Symbol *owner = S->cur_const ? S->cur_const : S->cur_sub;
    if (owner) VEC_PUSH(S->s->arena, owner->sub_deps, sym);
    return type_fn(S->tc, sym->params.data, (uint32_t)sym->params.len, sym->ret);
  }
  Symbol *owner = S->cur_const ? S->cur_const : S->cur_sub;
  if (owner) VEC_PUSH(S->s->arena, owner->const_deps, sym);
  return sym->ty;
}

/* §9: `$x is p` as a condition, or an operand of the &&s forming it, binds
 * p's names in the operands to its right and in the body: they go into
 * the current scope, which the caller opened for the body. */
/* Where a regex literal names group `name` ((?<name>, (?'name' or
 * (?P<name>): the name, else the whole pattern. */
static Span group_span(Expr *re, const char *name) {
  size_t n = strlen(name);
  const char *p = re->re.pattern;
  for (size_t i = 1; i + n + 1 < re->re.len; i++) {
    char close = p[i] == '<' ? '>' : p[i] == '\'' ? '\'' : 0;
    bool opens = p[i - 1] == '?' || (i >= 2 && p[i - 1] == 'P' && p[i - 2] == '?');
    if (close && opens && memcmp(p + i + 1, name, n) == 0 &&
        p[i + n + 1] == close) {
      Span sp = re->re.pattern_span;
      sp.start += (uint32_t)(i + 1);
      sp.end = sp.start + (uint32_t)n;
      return sp;
    }
  }
  return re->re.pattern_span;
}

static void check_cond(Sema *S, Expr *c, const char *what) {
  if (c->kind == EX_IS) {
    Type *t = check_expr(S, c->is.lhs, true);
    check_pattern(S, c->is.pat, t);
    c->ty = &ty_bool;
    return;
  }
  if (c->kind == EX_BINARY && c->bin.op == TOK_ANDAND) {
    check_cond(S, c->bin.lhs, what);
    check_cond(S, c->bin.rhs, what);
    c->ty = &ty_bool;
    return;
  }
  Type *t = check_expr(S, c, true);
  /* §14: `$s =~ /(?<name>…)/` binds each named group as a Str */
  if (c->kind == EX_BINARY && c->bin.op == TOK_MATCH &&
      c->bin.rhs->kind == EX_REGEX && c->bin.rhs->re.nnames) {
    Expr *re = c->bin.rhs;
    c->bin.caps = ARENA_ARRAY(S->s->arena, Binding *, re->re.nnames);
    c->bin.ncaps = re->re.nnames;
    for (uint32_t i = 0; i < re->re.nnames; i++) {
      c->bin.caps[i] = declare(S, re->re.names[i],
                               group_span(re, re->re.names[i]), &ty_str, false);
      c->bin.caps[i]->is_group = true;
    }
  }
  if (UNIFY(t, &ty_bool)) return;
  if (what)
    error(S, c->span, "the condition of '%s' must be a Bool, found %s", what,
          TN(t));
  else
    error(S, c->span, "a match guard must be a Bool, found %s", TN(t));
}

static Type *check_if(Sema *S, Expr *e, bool used) {
  push_scope(S, false);
  check_cond(S, e->if_.cond, "if");
  Type *t = check_expr(S, e->if_.then_, used && e->if_.else_);
  pop_scope(S);
  if (!e->if_.else_) return &ty_unit;
  Type *f = check_expr(S, e->if_.else_, used);
  if (t->kind == TY_NEVER) return f;
  if (f->kind == TY_NEVER) return t;
  if (UNIFY(t, f)) return type_resolve(S->tc, t);
  if (!used) return &ty_unit;
  if (SOFT(t) || SOFT(f)) return &ty_error;
  error(S, e->span, "'if' and 'else' have different types: %s and %s",
        TN(t), TN(f));
  return &ty_error;
}

/* §9: arms in order; the match must be exhaustive (guarded arms may fail),
 * an arm no value can reach is a warning. */
static Type *check_match(Sema *S, Expr *e, bool used) {
  int errors_before = S->s->diag->nerrors;
  Type *st = check_expr(S, e->match.scrut, true);
  Type *result = used ? type_var(S->tc) : &ty_unit;
  bool all_never = true;
  size_t n = e->match.arms.len;
  Pattern **rows = ARENA_ARRAY(S->s->arena, Pattern *, n + 1);
  size_t nrows = 0;
  for (size_t i = 0; i < n; i++) {
    MatchArm *arm = &e->match.arms.data[i];
    push_scope(S, false);
    check_pattern(S, arm->pat, st);
    /* a guard is a condition like an if's: an `is` or `=~` in it binds
     * in the arm's body (§9, §14) */
    if (arm->guard) check_cond(S, arm->guard, NULL);
    Type *bt = check_expr(S, arm->body, used);
    if (type_resolve(S->tc, bt)->kind != TY_NEVER) all_never = false;
    if (used && !UNIFY(result, bt))
      error(S, arm->body->span, "match arms have different types: %s and %s",
            TN(result), TN(bt));
    pop_scope(S);
    if (S->s->diag->nerrors == errors_before &&
        !sema_pattern_useful(S->tc, S->s->arena, rows, nrows, arm->pat, st))
      diag_warning(S->s->diag, arm->pat->span, "unreachable match arm: the "
                   "arms before it match every value it could");
    if (!arm->guard) rows[nrows++] = arm->pat;
  }
  if (!SOFT(st) && S->s->diag->nerrors == errors_before) {
    const char *missing = sema_missing_case(S->tc, S->s->arena, rows, nrows, st);
    if (missing)
      error(S, e->span, "non-exhaustive match: %s is not covered; add an arm "
            "for it (or '_ => …')", missing);
  }
  if (!used) return &ty_unit;
  if (n && all_never) return &ty_never;
  return type_resolve(S->tc, result);
}

/* §12: `e?` returns early on None / Err(e) from a sub returning Option /
 * Result (with the same E). */
static Type *check_try(Sema *S, Expr *e) {
  Type *t = type_resolve(S->tc, check_expr(S, e->try_.operand, true));
  if (SOFT(t)) return &ty_error;
  Type *ret = S->cur_sub ? type_resolve(S->tc, S->cur_ret) : NULL;
  bool is_opt = t->kind == TY_ADT && t->decl == S->opt_decl;
  bool is_res = t->kind == TY_ADT && t->decl == S->res_decl;
  if (!is_opt && !is_res) {
    error(S, e->span, "'?' needs an Option or a Result, found %s", TN(t));
    return &ty_error;
  }
  if (!ret || ret->kind != TY_ADT || ret->decl != t->decl) {
    error(S, e->span, "'?' on %s returns early, so it needs a sub whose result "
          "is %s; %s returns %s", TN(t), is_opt ? "an Option" : "a Result",
          S->cur_sub ? S->cur_sub->name : "this initializer",
          ret ? TN(ret) : "nothing");
    return t->args[0];
  }
  if (is_res && !UNIFY(t->args[1], ret->args[1]))
    error(S, e->span, "'?' passes on the error, but its type %s is not the "
          "error type %s of %s's result (§12: error types never convert)",
          TN(t->args[1]), TN(ret->args[1]), S->cur_sub->name);
  return t->args[0];
}

static Type *check_loop_body(Sema *S, Expr *body) {
  S->loop_depth++;
  check_expr(S, body, false);
  S->loop_depth--;
  return &ty_unit;
}

static Type *check_for(Sema *S, Expr *e) {
  Expr *it = e->for_.iter;
  Type *t = type_resolve(S->tc, check_expr(S, it, true));
  if (t->kind == TY_CHAN) e->for_.recv_ty = type_adt(S->tc, S->opt_decl, t->args, 1);
  if (t->kind == TY_LIST || t->kind == TY_MAP || t->kind == TY_SET ||
      t->kind == TY_CHAN || t->kind == TY_LINES) {
    /* §7: a Map yields (K, V) tuples; a channel its values until closed;
     * Lines (§18) stdin's lines to its end */
    Type *el = t->kind == TY_MAP ? type_tuple(S->tc, t->args, 2)
               : t->kind == TY_LINES ? &ty_str : t->args[0];
    push_scope(S, false);
    check_pattern(S, e->for_.pat, el);
    if (!irrefutable(S, e->for_.pat))
      error(S, e->for_.pat->span, "the pattern of 'for' must always match "
            "(§7)");
    check_loop_body(S, e->for_.body);
    pop_scope(S);
    return &ty_unit;
  }
  if (t->kind != TY_RANGE && !SOFT(t)) {
    /* §7: for iterates Lists, Sets, Maps, Ranges, channels and Lines */
    error(S, it->span, "'for' cannot iterate over %s; it iterates Lists, "
          "Sets, Maps, Ranges, channels and Lines (§7)%s", TN(t),
          t->kind == TY_STR ? "; use .chars() for a Str's characters, "
          ".lines() or .split(…) for its parts" : "");
    return &ty_error;
  }
  if (it->kind != EX_BINARY || (it->bin.op != TOK_DOTDOT &&
                                it->bin.op != TOK_DOTDOTEQ)) {
    /* a Range value (a binding, rev(), step()): iterate its list */
    Type *il = &ty_int;
    it->ty = type_list(S->tc, il);
    push_scope(S, false);
    check_pattern(S, e->for_.pat, &ty_int);
    check_loop_body(S, e->for_.body);
    pop_scope(S);
    return &ty_unit;
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
    if (b->depth < S->depth) note_capture(S, e, b);
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
    push_scope(S, false);
    check_cond(S, e->while_.cond, "while");
    check_loop_body(S, e->while_.body);
    pop_scope(S);
    return &ty_unit;
  }
  case EX_IS: {
    /* elsewhere `is` only tests: its bindings are not visible (§9) */
    Type *t = check_expr(S, e->is.lhs, true);
    push_scope(S, false);
    check_pattern(S, e->is.pat, t);
    pop_scope(S);
    return &ty_bool;
  }
  case EX_MATCH: return check_match(S, e, used);
  case EX_TRY: return check_try(S, e);
  case EX_TUPLE: return check_tuple(S, e);
  case EX_TUPLE_INDEX: return check_tuple_index(S, e);
  case EX_RECORD: return check_record(S, e);
  case EX_WITH: return check_with(S, e);
  case EX_FOR: return check_for(S, e);
  case EX_RETURN: {
    if (!S->cur_sub) {
      error(S, e->span, "'return' outside of a sub");
      return &ty_never;
    }
    if (e->ret.value) {
      Type *t = check_expr(S, e->ret.value, true);
      if (S->cur_ret->kind == TY_UNIT && !SOFT(t) && t->kind != TY_UNIT)
        error(S, e->ret.value->span, "mismatched types: %s returns Unit, but "
              "this returns %s", S->cur_sub->name, TN(t));
      else if (S->cur_ret->kind != TY_UNIT)
        expect_type(S, e->ret.value, t, S->cur_ret, arena_printf(S->s->arena,
                    " (the result type of %s)", S->cur_sub->name));
    } else if (type_resolve(S->tc, S->cur_ret)->kind == TY_VAR) {
      (void)UNIFY(S->cur_ret, &ty_unit); /* an inferred result: Unit */
    } else if (S->cur_ret->kind != TY_UNIT) {
      error(S, e->span, "'return' without a value in %s, which returns %s",
            S->cur_sub->name, TN(S->cur_ret));
    }
    return &ty_never;
  }
  case EX_BREAK: case EX_CONTINUE:
    if (S->loop_depth == 0)
      error(S, e->span, "'%s' outside of a loop",
            e->kind == EX_BREAK ? "break" : "continue");
    return &ty_never;
  case EX_REGEX: return check_regex(S, e);
  case EX_FIELD: {
    Expr *r = e->field.recv;
    UseAlias *u = names_module(S, r);
    if (u && u->is_math) return check_math_const(S, e);
    if (u) {
      /* `m.name`: module m's item (§3) */
      field_to_qualified(e);
      return check_name(S, e);
    }
    if (r->kind == EX_NAME && !r->name.module && !r->name.targs.len &&
        !global_lookup(S, r->name.name) && !find_ctor(S, r->name.name) &&
        !find_tdecl(S, r->name.name))
      return not_a_module(S, r);
    return check_field(S, e);
  }
  case EX_INDEX: return check_index(S, e);
  case EX_LIST: return check_list(S, e);
  case EX_MAP: return check_map_literal(S, e, NULL);
  case EX_SELECT: return check_select(S, e, used);
  case EX_HATCH:
    /* the capture rule is checked now (§17: a mut binding is an error
     * naming it), though tasks themselves come later */
    S->depth++;
    VEC_PUSH(S->s->arena, S->lambdas, e);
    {
      /* §7: `return` in the block leaves the block with the task's result */
      int saved_loops = S->loop_depth;
      Type *saved_ret = S->cur_ret, *ret = type_var(S->tc);
      S->loop_depth = 0;
      S->cur_ret = ret;
      push_scope(S, true);
      Type *bt = check_expr(S, e->hatch.body, true);
      pop_scope(S);
      S->loop_depth = saved_loops;
      S->cur_ret = saved_ret;
      if (type_resolve(S->tc, ret)->kind != TY_UNIT && !UNIFY(bt, ret)) {
        Expr *at = e->hatch.body->block.value ? e->hatch.body->block.value
                                              : e->hatch.body;
        error(S, at->span, "mismatched types: this hatch block returns %s, "
              "but its value is %s", TN(ret), TN(bt));
      }
      S->lambdas.len--;
      S->depth--;
      return type_task(S->tc, type_ground(S->tc, ret, &ty_unit));
    }
  case EX_LAMBDA: return check_lambda(S, e, NULL);
  case EX_CHANNEL: return check_channel(S, e);
  }
  GJ_UNREACHABLE("expression kind");
}

static Type *check_expr(Sema *S, Expr *e, bool used) {
  Type *t = type_resolve(S->tc, check_expr_inner(S, e, used));
  e->ty = t;
  return t;
}

/* ---- closures (§8) ---------------------------------------------------------- */

/* A binding declared outside the anonymous subs we are in: §5 forbids a mut
 * one; an immutable one is captured by value by each of them. */
static void note_capture(Sema *S, Expr *e, Binding *b) {
  if (b->is_mut) {
    bool in_hatch = false;
    for (size_t i = b->depth; i < S->lambdas.len; i++)
      if (S->lambdas.data[i]->kind == EX_HATCH) in_hatch = true;
    error(S, e->span, "$%s is a mut binding declared outside this %s; "
          "%s capture values, so bind an immutable copy first "
          "($%s_now = $%s) and use that (§5)", b->name,
          in_hatch ? "hatch block" : "anonymous sub",
          in_hatch ? "tasks" : "closures", b->name, b->name);
    note(S, b->span, "$%s is declared here", b->name);
    return;
  }
  for (size_t i = b->depth; i < S->lambdas.len; i++) {
    Expr *lam = S->lambdas.data[i];
    /* a hatch block captures as an anonymous sub does (§17) */
    BindingList *caps = lam->kind == EX_HATCH ? &lam->hatch.captures
                                              : &lam->lambda.captures;
    bool seen = false;
    for (size_t j = 0; j < caps->len && !seen; j++)
      seen = caps->data[j] == b;
    if (!seen) VEC_PUSH(S->s->arena, *caps, b);
  }
}

/* sub($x, $y: T): R { body } — parameter types from annotations or from
 * the expected type `want` (§8). */
static Type *check_lambda(Sema *S, Expr *e, Type *want) {
  want = want ? type_resolve(S->tc, want) : NULL;
  if (want && want->kind != TY_FN) want = NULL;
  size_t n = e->lambda.params.len;
  if (want && want->nargs - 1 != n) {
    error(S, e->span, "this anonymous sub takes %zu parameter%s, but %zu %s "
          "expected here (%s)", n, n == 1 ? "" : "s", (size_t)want->nargs - 1,
          want->nargs - 1 == 1 ? "is" : "are", TN(want));
    want = NULL;
  }
  Type *ps[32];
  if (n > 32) return not_implemented(S, e->span, "more than 32 parameters", "§8");
  for (size_t i = 0; i < n; i++) {
    Param *pm = &e->lambda.params.data[i];
    if (pm->type) {
      ps[i] = resolve_type(S, pm->type);
      if (want && !UNIFY(ps[i], want->args[i]))
        error(S, pm->span, "parameter $%s is %s here, but %s is expected",
              pm->name, TN(ps[i]), TN(want->args[i]));
    } else if (want) {
      ps[i] = want->args[i];
    } else {
      error(S, pm->span, "the type of $%s cannot be inferred here; write it: "
            "sub($%s: Int) { … } (§8)", pm->name, pm->name);
      ps[i] = &ty_error;
    }
  }
  Type *ret = e->lambda.ret ? resolve_type(S, e->lambda.ret)
              : want ? want->args[want->nargs - 1] : type_var(S->tc);
  Symbol *saved_sub = S->cur_sub;
  Type *saved_ret = S->cur_ret;
  int saved_loops = S->loop_depth;
  S->cur_ret = ret;
  S->loop_depth = 0;
  S->depth++;
  VEC_PUSH(S->s->arena, S->lambdas, e);
  push_scope(S, true);
  for (size_t i = 0; i < n; i++) {
    Param *pm = &e->lambda.params.data[i];
    pm->binding = declare(S, pm->name, pm->span, ps[i], false);
  }
  bool unit = type_resolve(S->tc, ret)->kind == TY_UNIT;
  S->value_want = ret;
  Type *bt = check_expr(S, e->lambda.body, !unit);
  if (!unit && !UNIFY(bt, ret)) {
    Expr *at = e->lambda.body->block.value ? e->lambda.body->block.value
                                           : e->lambda.body;
    error(S, at->span, "mismatched types: expected %s (the anonymous sub's "
          "result), found %s", TN(ret), TN(bt));
  }
  pop_scope(S);
  S->lambdas.len--;
  S->depth--;
  S->cur_sub = saved_sub;
  S->cur_ret = saved_ret;
  S->loop_depth = saved_loops;
  return type_fn(S->tc, ps, (uint32_t)n, ret);
}

/* Calling a value of a function type: `$f(x)`, `($r.f)(x)`. */
static Type *check_fn_call(Sema *S, Expr *e, Type *ft) {
  ExprList *args = &e->call.args;
  size_t np = ft->nargs - 1;
  for (size_t i = 0; i < args->len; i++) {
    Expr *a = args->data[i];
    if (a->kind == EX_LAMBDA && i < np)
      a->ty = check_lambda(S, a, ft->args[i]);
    else
      check_expr(S, a, true);
  }
  if (args->len != np) {
    error(S, e->span, "this %s takes %zu argument%s, but %zu %s given", TN(ft),
          np, np == 1 ? "" : "s", args->len, args->len == 1 ? "was" : "were");
    return ft->args[np];
  }
  for (size_t i = 0; i < np; i++)
    if (!UNIFY(args->data[i]->ty, ft->args[i]))
      error(S, args->data[i]->span, "mismatched types: expected %s, found %s "
            "(argument %zu)", TN(ft->args[i]), TN(args->data[i]->ty), i + 1);
  return ft->args[np];
}

/* ---- statements (§5) -------------------------------------------------------- */

/* §5: an anonymous sub or hatch block may not mention a mut binding declared
 * outside it, not even to assign it; without this error a plain `=` there
 * would silently declare a new binding of its own. */
static void outer_mut_assign_error(Sema *S, Span sp, Binding *b) {
  bool in_hatch = false;
  for (size_t i = b->depth; i < S->lambdas.len; i++)
    if (S->lambdas.data[i]->kind == EX_HATCH) in_hatch = true;
  error(S, sp, "cannot assign to $%s: it is a mut binding declared outside "
        "this %s, which may not mention it (§5); give it a binding of its "
        "own ('mut $%s_ = …') or return the new value", b->name,
        in_hatch ? "hatch block" : "anonymous sub", b->name);
  note(S, b->span, "$%s is declared here", b->name);
}

/* §5: `($a, $b) = e` re-assigns when every name is a visible mut binding
 * of this sub, declares when none is visible, and is an error otherwise. */
static void check_destructuring(Sema *S, Stmt *st, Type *t) {
  Pattern *pt = st->let.pat;
  PatternVec names = {0};
  sema_pattern_bindings(pt, &names, S->s->arena);
  size_t nmut = 0, nvisible = 0;
  for (size_t i = 0; i < names.len; i++) {
    bool same_sub = false;
    Binding *b = lookup_binding(S, names.data[i]->name, &same_sub);
    if (b && same_sub) {
      nvisible++;
      if (b->is_mut) nmut++;
    } else if (b && b->is_mut && !st->let.is_mut) {
      outer_mut_assign_error(S, names.data[i]->span, b);
      check_pattern(S, pt, t); /* declared anyway: no follow-on errors */
      return;
    }
  }
  if (st->let.is_mut) {
    /* §22: `mut ($a, $b) = e` declares each name as a mut binding */
    for (size_t i = 0; i < names.len; i++) {
      bool same_sub = false;
      Binding *b = lookup_binding(S, names.data[i]->name, &same_sub);
      if (b && same_sub) {
        error(S, names.data[i]->span, "$%s is already declared in this sub; "
              "'mut (…) = …' always declares new bindings",
              names.data[i]->name);
        note(S, b->span, "$%s is declared here", names.data[i]->name);
        return;
      }
    }
    check_pattern(S, pt, t);
    for (size_t i = 0; i < names.len; i++)
      if (names.data[i]->binding) names.data[i]->binding->is_mut = true;
    if (!irrefutable(S, pt))
      error(S, pt->span, "this pattern can fail to match; a binding needs a "
            "pattern that always matches (use match or 'if … is' instead)");
    return;
  }
  if (nvisible && nmut != names.len) {
    error(S, pt->span, "this destructuring names bindings that already exist; "
          "it re-assigns only when every name is a visible mut binding, and "
          "declares only when none is (§5)");
    return;
  }
  if (nmut && nmut == names.len) {
    /* re-assignment: check the shape in a throwaway scope, then point each
     * name at the existing binding */
    push_scope(S, false);
    check_pattern(S, pt, t);
    pop_scope(S);
    for (size_t i = 0; i < names.len; i++) {
      Binding *b = lookup_binding(S, names.data[i]->name, NULL);
      if (!UNIFY(names.data[i]->ty, b->ty))
        error(S, names.data[i]->span, "mismatched types: $%s is %s, but this "
              "part of the value is %s", b->name, TN(b->ty),
              TN(names.data[i]->ty));
      names.data[i]->binding = b;
    }
    st->let.reassign = true;
  } else {
    check_pattern(S, pt, t);
  }
  if (!irrefutable(S, pt))
    error(S, pt->span, "this pattern can fail to match; a binding needs a "
          "pattern that always matches (use match or 'if … is' instead)");
}

/* The note after "cannot re-bind / assign to $x": where $x comes from and
 * how to get a mutable one. */
static void immutable_note(Sema *S, Binding *b) {
  if (b->is_group)
    note(S, b->span, "$%s is the named group '%s' of this regex, bound by "
         "'=~' (§14); to change it, copy it first: 'mut $%s_ = $%s'",
         b->name, b->name, b->name, b->name);
  else
    note(S, b->span, "$%s is declared here; declare it as 'mut $%s = …' to "
         "allow re-assignment", b->name, b->name);
}

static void check_let(Sema *S, Stmt *st) {
  Pattern *pt = st->let.pat;
  Type *annot = st->let.annot ? resolve_type(S, st->let.annot) : NULL;
  Type *t;
  Expr *v = st->let.value;
  eta_if_wanted(S, v, annot); /* `$p: sub(Int) = print` */
  if (v->kind == EX_LAMBDA) {
    t = v->ty = check_lambda(S, v, annot);
  } else if (v->kind == EX_MAP && annot) {
    t = v->ty = check_map_literal(S, v, annot);
  } else if (v->kind == EX_LIST && annot &&
             type_resolve(S->tc, annot)->kind == TY_LIST) {
    /* `$ops: List[sub(Int): Int] = [sub($x) { … }, …]` (§8) */
    Type *el = type_resolve(S->tc, annot)->args[0];
    for (size_t i = 0; i < v->tuple.elems.len; i++)
      if (v->tuple.elems.data[i]->kind == EX_LAMBDA)
        v->tuple.elems.data[i]->ty = check_lambda(S, v->tuple.elems.data[i], el);
    t = check_expr(S, v, true);
  } else {
    t = check_expr(S, v, true);
  }
  if (annot) t = expect_type(S, st->let.value, t, annot, NULL);
  if (pt->kind == PAT_WILD) {
    if (st->let.is_mut)
      error(S, pt->span, "'mut' needs a binding name, not _");
    return;
  }
  if (pt->kind != PAT_BIND) {
    check_destructuring(S, st, t);
    return;
  }
  if (t->kind == TY_NEVER) t = annot ? annot : &ty_error;
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
    if (!UNIFY(t, old->ty))
      error(S, st->let.value->span, "mismatched types: $%s is %s, but this "
            "value is %s", pt->name, TN(old->ty), TN(t));
    return;
  }
  if (!declares && old && old->is_mut && !same_sub) {
    outer_mut_assign_error(S, pt->span, old);
    /* declared anyway, so its uses report no follow-on errors */
  }
  if (!declares && old && same_sub) {
    error(S, pt->span, "cannot re-bind $%s: it is an immutable binding of "
          "this sub, and a plain '=' never shadows", pt->name);
    immutable_note(S, old);
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
    immutable_note(S, b);
    return;
  }
  if (!same_sub) { /* a mut binding outside this anonymous sub or hatch */
    outer_mut_assign_error(S, st->assign.name_span, b);
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
  if (SOFT(rt) || SOFT(b->ty)) return;
  /* §6: `++` joins two Lists of one element type, so `$xs ++= [x]` too. */
  if (bin == TOK_PLUSPLUS && (type_resolve(S->tc, b->ty)->kind == TY_LIST ||
                              type_resolve(S->tc, rt)->kind == TY_LIST)) {
    if (!UNIFY(b->ty, rt))
      error(S, st->span, "cannot apply '++=' to %s and %s: both must be "
            "Lists of one element type", TN(b->ty), TN(rt));
    return;
  }
  if (!arith_result(bin, b->ty, rt)) arith_error(S, st->span, st->assign.op,
                                                 b->ty, rt);
}

static bool stmt_diverges(Stmt *st) {
  return st->kind == ST_EXPR && st->expr.expr->ty &&
         st->expr.expr->ty->kind == TY_NEVER;
}

static Type *check_block(Sema *S, Expr *e, bool used) {
  Type *want = S->value_want;
  S->value_want = NULL;
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
  if (e->block.value && e->block.value->kind == EX_LAMBDA && want)
    t = e->block.value->ty = check_lambda(S, e->block.value, want);
  else if (e->block.value)
    t = check_expr(S, e->block.value, used);
  else if (diverges) t = &ty_never;
  if (diverges && t->kind == TY_UNIT && !e->block.value) t = &ty_never;
  pop_scope(S);
  return t;
}

/* ---- use (§3) ---------------------------------------------------------- */

bool sema_is_std_module(const char *name) {
  static const char *const std[] = {"math", "io", "os", "time", "text"};
  for (size_t i = 0; i < sizeof std / sizeof std[0]; i++)
    if (strcmp(name, std[i]) == 0) return true;
  return false;
}

static void add_use(Sema *S, const char *name, Span sp, ModScope *target) {
  if (find_use(S->ms, name)) return; /* `use m` twice is harmless */
  UseAlias u = {name, sp, target, !target && strcmp(name, "math") == 0,
               !target && strcmp(name, "time") == 0,
               !target && strcmp(name, "io") == 0,
               !target && strcmp(name, "os") == 0,
               !target && strcmp(name, "text") == 0};
  VEC_PUSH(S->s->arena, S->ms->uses, u);
}

/* Records a `use` item: the module it makes available as `m.name` and the
 * names it imports, checked by check_imports once every type is defined. */
static void declare_use(Sema *S, Item *it) {
  const char *m = it->use.module;
  Span sp = it->use.module_span;
  if (sema_is_std_module(m)) {
    bool math = strcmp(m, "math") == 0, time = strcmp(m, "time") == 0;
    bool io = strcmp(m, "io") == 0, os = strcmp(m, "os") == 0;
    if (it->use.names.len && !(math || time || io || os)) {
      not_implemented(S, sp, arena_printf(S->s->arena, "importing names from "
                      "%s; write %s.translate(…)", m, m), "§3, §18");
      return;
    }
    if (math) S->ms->use_math = true;
    add_use(S, m, sp, NULL);
    /* §3: `use math.{sqrt, PI}` imports those names unqualified too */
    static const char *const known[] = {
        "math sqrt sin cos tan atan2 exp log pow is_nan PI E INF NAN ",
        "time now_ms now_ns sleep after ",
        "io read_line lines read_all read_file write_file file_lines "
        "write_bytes read_bytes ",
        "os args env exit "};
    const char *list = known[math ? 0 : time ? 1 : io ? 2 : 3];
    for (size_t i = 0; i < it->use.names.len; i++) {
      const char *name = it->use.names.data[i];
      char *word = arena_printf(S->s->arena, " %s ", name);
      if (!strstr(list, word)) {
        const char *has = strchr(list, ' ') + 1;
        error(S, it->use.name_spans.data[i], "the standard module %s has no "
              "sub or const named '%s' (it has %.*s)", m, name,
              (int)(strlen(has) - 1), has);
        continue;
      }
      StdImport si = {name, m};
      VEC_PUSH(S->s->arena, S->ms->std_imports, si);
    }
    return;
  }
  if (!it->use.target) {
    if (!it->use.reported) error(S, sp, "module %s not found", m);
    add_use(S, m, sp, NULL); /* so `m.x` is not reported again */
    return;
  }
  ModScope *target = scope_of(S, it->use.target);
  add_use(S, m, sp, target);
  for (size_t i = 0; i < it->use.names.len; i++) {
    const char *name = it->use.names.data[i];
    Import im = {name, it->use.name_spans.data[i], target,
                 is_private(name) && target != S->ms};
    VEC_PUSH(S->s->arena, S->ms->imports, im);
  }
}

/* A constructor brought into scope by importing it or its type. */
static void import_ctor(Sema *S, CtorDecl *k, Import *im) {
  ModScope *ms = S->ms;
  CtorDecl *own = own_ctor(ms, k->name);
  if (own) {
    error(S, im->span, "importing '%s' brings constructor %s, but type %s of "
          "this module has a constructor %s too (§10)", im->name, k->name,
          own->owner->name, k->name);
    note(S, own->span, "%s is defined here", k->name);
    return;
  }
  for (size_t i = 0; i < ms->imp_ctors.len; i++) {
    CtorDecl *o = ms->imp_ctors.data[i];
    if (o == k) return;
    if (o->name == k->name) {
      error(S, im->span, "importing '%s' brings constructor %s, but an import "
            "before it already brought constructor %s of type %s.%s (§10)",
            im->name, k->name, k->name, o->owner->module, o->owner->name);
      return;
    }
  }
  VEC_PUSH(S->s->arena, ms->imp_ctors, k);
}

/* §3: an imported name must be a public item of its module, imported once,
 * and not also the name of an item of the importing module. */
static void check_import(Sema *S, size_t i) {
  ModScope *ms = S->ms;
  Import *im = &ms->imports.data[i];
  ModScope *from = im->from;
  const char *name = im->name, *fm = from->mod->name;
  Symbol *g = own_global(from, name);
  TypeDecl *d = own_tdecl(from, name);
  CtorDecl *k = own_ctor(from, name);
  im->bad = true;
  if (!g && !d && !k) {
    error(S, im->span, "module %s has no sub, const, type or constructor "
          "named '%s'", fm, name);
    return;
  }
  if (!check_visible(S, from, name, im->span)) return;
  for (size_t j = 0; j < i; j++) {
    Import *o = &ms->imports.data[j];
    if (o->name != name || o->bad) continue;
    error(S, im->span, "'%s' is imported twice", name);
    note(S, o->span, "'%s' is first imported here, from module %s", name,
         o->from->mod->name);
    return;
  }
  Symbol *mine = g ? own_global(ms, name) : NULL;
  TypeDecl *mytype = d ? own_tdecl(ms, name) : NULL;
  CtorDecl *myctor = k ? own_ctor(ms, name) : NULL;
  if (mine || mytype || myctor) {
    error(S, im->span, "'%s' is imported from module %s, but this module "
          "defines '%s' too (one name, one item)", name, fm, name);
    note(S, mine ? mine->span : mytype ? mytype->span : myctor->span,
         "'%s' is defined here", name);
    return;
  }
  UseAlias *u = (g || d) ? find_use(ms, name) : NULL;
  if (u) {
    error(S, im->span, "'%s' is imported from module %s, but '%s' is also "
          "the name of a module used here", name, fm, name);
    note(S, u->span, "module %s is used here", name);
    return;
  }
  im->bad = false;
  if (k) import_ctor(S, k, im);
  if (d && !d->is_record)
    for (size_t c = 0; c < d->ctors.len; c++)
      if (!is_private(d->ctors.data[c]->name))
        import_ctor(S, d->ctors.data[c], im);
}

/* `use m` beside an item named m: `m.x` could mean either (§3). */
static void check_uses(Sema *S) {
  for (size_t i = 0; i < S->ms->uses.len; i++) {
    UseAlias *u = &S->ms->uses.data[i];
    Symbol *g = own_global(S->ms, u->name);
    TypeDecl *d = own_tdecl(S->ms, u->name);
    if (!g && !d) continue;
    error(S, u->span, "'use %s' names module %s, but this module defines "
          "'%s' too (one name, one item)", u->name, u->name, u->name);
    note(S, g ? g->span : d->span, "'%s' is defined here", u->name);
  }
  for (size_t i = 0; i < S->ms->imports.len; i++) check_import(S, i);
}

/* ---- items ---------------------------------------------------------------- */

/* §8: `sub T.m` is declared only in T's module; NULL (reported) else. */
static TypeDecl *method_owner(Sema *S, Item *it) {
  const char *t = it->sub.recv_type, *name = it->sub.name;
  TypeDecl *owner = own_tdecl(S->ms, t);
  if (owner) return owner;
  TypeDecl *other = find_tdecl(S, t);
  if (other && other->module)
    error(S, it->span, "sub %s.%s: methods may be declared only in the "
          "module of their type, and %s is a type of module %s (§8)", t, name,
          t, other->module);
  else if (is_known_type_name(S, t))
    error(S, it->span, "sub %s.%s: methods may be declared only in the "
          "module of their type, and %s is a built-in type (§8)", t, name, t);
  else
    error(S, it->span, "sub %s.%s: unknown type %s", t, name, t);
  return NULL;
}

/* §20: `test "name" { … }` is a body checked as a sub's returning Unit,
 * in its module's scope, under no name a program could call. Its Symbol
 * carries a synthesized ITEM_SUB (so check_sub_body serves it) and goes
 * to S->tests; names are unique per file. Only the main module's tests
 * run (prog->tests); a used module's are checked too. */
static void declare_test(Sema *S, Item *it) {
  Arena *A = S->s->arena;
  for (size_t i = 0; i < S->tests.len; i++) {
    Symbol *o = S->tests.data[i];
    if (o->module == S->ms->mod && strcmp(o->name, it->test.name) == 0) {
      error(S, it->span, "test \"%s\" is defined twice in this file (§20)",
            it->test.name);
      note(S, o->span, "the first test \"%s\" is here", it->test.name);
      return;
    }
  }
  Item *sub = ARENA_NEW(A, Item);
  sub->kind = ITEM_SUB;
  sub->span = it->span;
  sub->sub.name = it->test.name;
  sub->sub.name_span = it->span;
  sub->sub.body = it->test.body;
  Symbol *sym = ARENA_NEW(A, Symbol);
  sym->kind = SYM_SUB;
  sym->name = it->test.name;
  sym->span = it->span;
  sym->item = sub;
  sym->module = S->ms->mod;
  sym->ret = &ty_unit;
  it->sym = sym;
  sub->sym = sym;
  VEC_PUSH(A, S->tests, sym);
  if (S->ms->mod == S->prog->main) VEC_PUSH(A, S->prog->tests, sym);
}

static void declare_item(Sema *S, Item *it);

/* §19: each sub of `extern "lib" { … }` is declared like a sub of the
 * module (an item of its own, without a body), so calls, qualified names
 * and sub values need nothing new; it remembers its library. */
static void declare_extern(Sema *S, Item *it) {
  Arena *A = S->s->arena;
  const char *lib = it->extern_.lib;
  if (!*lib) {
    error(S, it->span, "an extern block must name its library, as in "
          "extern \"m\" { … } (§19)");
    return;
  }
  bool seen = false;
  for (size_t i = 0; i < S->prog->foreign_libs.len; i++)
    seen |= strcmp(S->prog->foreign_libs.data[i], lib) == 0;
  if (!seen) VEC_PUSH(A, S->prog->foreign_libs, lib);
  for (size_t i = 0; i < it->extern_.subs.len; i++) {
    SubDecl *sd = &it->extern_.subs.data[i];
    if (sd->recv_type) {
      error(S, sd->name_span, "a foreign function cannot be a method "
            "(sub %s.%s) (§19)", sd->recv_type, sd->name);
      continue;
    }
    if (sd->tparams.len) {
      error(S, sd->name_span, "foreign function %s cannot be generic (§19)",
            sd->name);
      continue;
    }
    Item *si = ARENA_NEW(A, Item);
    si->kind = ITEM_SUB;
    si->span = sd->name_span;
    si->sub = *sd;
    declare_item(S, si);
    if (si->sym) si->sym->foreign_lib = lib;
  }
}

/* Declares a sub or const's name; its signature is resolved later, once
 * every module's types and imports are known. */
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
    break;
  case ITEM_CONST:
    name = it->const_.name;
    sp = it->const_.name_span;
    k = SYM_CONST;
    break;
  case ITEM_TYPE: case ITEM_USE:
    return; /* declared by declare_type_item and declare_use */
  case ITEM_EXTERN:
    declare_extern(S, it);
    return;
  case ITEM_TEST:
    declare_test(S, it);
    return;
  default:
    return;
  }
  TypeDecl *owner = NULL;
  if (k == SYM_SUB && it->sub.recv_type) {
    if (!(owner = method_owner(S, it))) return;
    if (find_user_method(S, owner, name)) {
      error(S, sp, "sub %s.%s is defined twice", owner->name, name);
      return;
    }
    name = arena_printf(A, "%s.%s", owner->name, name);
  }
  Symbol *old = owner ? NULL : own_global(S->ms, name);
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
  sym->module = S->ms->mod;
  it->sym = sym;
  if (owner) {
    VEC_PUSH(A, S->methods, sym);
    VEC_PUSH(A, S->method_of, owner);
  } else {
    Global g = {name, sym};
    VEC_PUSH(A, S->ms->globals, g);
  }
  if (k == SYM_SUB) VEC_PUSH(A, S->prog->subs, sym);
}

/* §19: what crosses to C. Scalars as their C types, Str as a
 * NUL-terminated `const char *`; a parameter may be a sub whose own
 * parameters and result are scalars (a C function pointer); Unit only as
 * the result. */
static bool foreign_scalar(const Type *t) {
  return t->kind == TY_INT || t->kind == TY_FLOAT || t->kind == TY_BOOL ||
         t->kind == TY_CHAR;
}

static bool foreign_ok(Sema *S, Type *t, bool is_result) {
  t = type_resolve(S->tc, t);
  if (t->kind == TY_ERROR || foreign_scalar(t) || t->kind == TY_STR)
    return true;
  if (is_result) return t->kind == TY_UNIT;
  if (t->kind != TY_FN) return false;
  for (uint32_t i = 0; i + 1 < t->nargs; i++)
    if (!foreign_scalar(type_resolve(S->tc, t->args[i]))) return false;
  Type *r = type_resolve(S->tc, t->args[t->nargs - 1]);
  return foreign_scalar(r) || r->kind == TY_UNIT;
}

static void check_foreign_signature(Sema *S, Symbol *sym) {
  SubDecl *sd = &sym->item->sub;
  for (size_t i = 0; i < sym->params.len; i++)
    if (!foreign_ok(S, sym->params.data[i], false))
      error(S, sd->params.data[i].type->span, "type %s cannot be passed to "
            "foreign function %s: an extern sub's parameters are Int, Float, "
            "Bool, Char, Str, or a sub type over Int, Float, Bool and Char "
            "(a C callback) (§19)", TN(sym->params.data[i]), sym->name);
  if (!foreign_ok(S, sym->ret, true))
    error(S, sd->ret->span, "type %s cannot be returned by foreign function "
          "%s: an extern sub returns Int, Float, Bool, Char, Str or Unit "
          "(§19)", TN(sym->ret), sym->name);
}

/* The parameter and result types of a sub, the type of a const. */
static void resolve_signature(Sema *S, Symbol *sym) {
  Arena *A = S->s->arena;
  Item *it = sym->item;
  if (sym->kind == SYM_CONST) {
    sym->ty = resolve_type(S, it->const_.type);
    return;
  }
  S->tparams.len = 0;
  for (size_t i = 0; i < it->sub.tparams.len; i++) {
    Type *tp = type_param(S->tc, it->sub.tparams.data[i], (uint32_t)i);
    VEC_PUSH(A, sym->tparams, tp);
    VEC_PUSH(A, S->tparams, tp);
  }
  for (size_t i = 0; i < it->sub.params.len; i++) {
    Param *pm = &it->sub.params.data[i];
    for (size_t j = 0; j < i; j++)
      if (it->sub.params.data[j].name == pm->name)
        error(S, pm->span, "parameter $%s is declared twice", pm->name);
    VEC_PUSH(A, sym->params, resolve_type(S, pm->type));
  }
  sym->ret = resolve_type(S, it->sub.ret);
  S->tparams.len = 0;
  if (sym->foreign_lib) check_foreign_signature(S, sym);
}

static void check_sub_body(Sema *S, Symbol *sym) {
  SubDecl *sd = &sym->item->sub;
  if (sym->foreign_lib) return; /* §19: no body; its C function is it */
  S->cur_sub = sym;
  S->cur_ret = sym->ret;
  /* §11: the body is checked once, its type parameters as rigid types */
  S->tparams.len = 0;
  for (size_t i = 0; i < sym->tparams.len; i++)
    VEC_PUSH(S->s->arena, S->tparams, sym->tparams.data[i]);
  push_scope(S, true);
  for (size_t i = 0; i < sd->params.len; i++) {
    Param *pm = &sd->params.data[i];
    pm->binding = declare(S, pm->name, pm->span, sym->params.data[i], false);
  }
  bool unit = sym->ret->kind == TY_UNIT;
  S->value_want = sym->ret;
  Type *t = check_expr(S, sd->body, !unit);
  if (!unit && !UNIFY(t, sym->ret)) {
    Expr *at = sd->body->block.value ? sd->body->block.value : sd->body;
    if (t->kind == TY_UNIT && !sd->body->block.value)
      error(S, sd->body->span, "%s must return %s, but its body ends without "
            "a value", sym->name, TN(sym->ret));
    else
      error(S, at->span, "mismatched types: expected %s (the result type of "
            "%s), found %s", TN(sym->ret), sym->name, TN(t));
  }
  pop_scope(S);
  check_deferred(S);
  S->cur_sub = NULL;
  S->tparams.len = 0;
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

/* §3: `main` is taken from the main module only. */
static void check_main(Sema *S) {
  Symbol *m = own_global(S->ms, intern_cstr(S->s->names, "main"));
  if (!m && S->s->tests) return; /* §20: `guji test` runs tests, not main */
  if (!m) {
    Span sp = {S->ms->mod->file->id, 0, 0};
    error(S, sp, "this program has no 'sub main()': add one, it is where the "
          "program starts (§3)");
    return;
  }
  if (m->kind != SYM_SUB) {
    error(S, m->span, "'main' must be a sub: sub main() { … }");
    return;
  }
  S->prog->main_sub = m;
  if (m->tparams.len)
    error(S, m->span, "main cannot be generic");
  if (m->params.len)
    error(S, m->item->sub.params.data[0].span, "main takes no parameters; "
          "the command line comes from os.args() (§3)");
  if (m->ret->kind != TY_UNIT && m->ret->kind != TY_INT &&
      m->ret->kind != TY_ERROR)
    error(S, m->item->sub.ret->span, "main must return Unit or Int (the exit "
          "status), not %s", TN(m->ret));
}

/* The modules reachable from m through `use`, each once (cycles allowed). */
static void collect_modules(Sema *S, Module *m) {
  if (scope_of(S, m)) return;
  ModScope *ms = ARENA_NEW(S->s->arena, ModScope);
  ms->mod = m;
  VEC_PUSH(S->s->arena, S->mods, ms);
  VEC_PUSH(S->s->arena, S->prog->modules, m);
  for (size_t i = 0; i < m->items.len; i++) {
    Item *it = m->items.data[i];
    if (it->kind == ITEM_USE && it->use.target)
      collect_modules(S, it->use.target);
  }
}

/* Runs `pass` on every item of `kind` (ITEM_* or -1: all), module by
 * module, each in its module's scope. */
static void each_item(Sema *S, int kind, void (*pass)(Sema *, Item *)) {
  for (size_t i = 0; i < S->mods.len; i++) {
    set_scope(S, S->mods.data[i]);
    Module *m = S->ms->mod;
    for (size_t j = 0; j < m->items.len; j++)
      if (kind < 0 || (int)m->items.data[j]->kind == kind)
        pass(S, m->items.data[j]);
  }
}

static void check_const_init(Sema *S, Symbol *sym) {
  S->cur_const = sym;
  push_scope(S, true);
  Type *t = check_expr(S, sym->item->const_.value, true);
  expect_type(S, sym->item->const_.value, t, sym->ty,
              arena_printf(S->s->arena, " (the type of const %s)", sym->name));
  pop_scope(S);
  check_deferred(S);
  S->cur_const = NULL;
}

Program *sema_check(Session *s, Module *m) {
  Sema S = {.s = s, .tc = type_ctx_new(s->arena)};
  S.prog = ARENA_NEW(s->arena, Program);
  S.prog->types = S.tc;
  S.prog->main = m;
  declare_prelude_types(&S);
  collect_modules(&S, m);
  /* 1. names: types and constructors, uses, subs and consts */
  each_item(&S, ITEM_TYPE, declare_type_item);
  each_item(&S, ITEM_USE, declare_use);
  each_item(&S, -1, declare_item);
  /* 2. fields, imports, signatures */
  for (size_t i = 0; i < S.mods.len; i++) {
    set_scope(&S, S.mods.data[i]);
    for (size_t j = 0; j < S.ms->tdecls.len; j++)
      decide_alias(&S, S.ms->tdecls.data[j]);
  }
  for (size_t i = 0; i < S.mods.len; i++) {
    set_scope(&S, S.mods.data[i]);
    for (size_t j = 0; j < S.ms->tdecls.len; j++)
      define_type_item(&S, S.ms->tdecls.data[j]);
  }
  for (size_t i = 0; i < S.mods.len; i++) {
    set_scope(&S, S.mods.data[i]);
    check_uses(&S);
  }
  for (size_t i = 0; i < S.prog->subs.len; i++) {
    Symbol *sym = S.prog->subs.data[i];
    set_scope(&S, scope_of(&S, sym->module));
    resolve_signature(&S, sym);
  }
  for (size_t i = 0; i < S.mods.len; i++) {
    set_scope(&S, S.mods.data[i]);
    for (size_t j = 0; j < S.ms->globals.len; j++)
      if (S.ms->globals.data[j].sym->kind == SYM_CONST)
        resolve_signature(&S, S.ms->globals.data[j].sym);
  }
  /* 3. bodies */
  set_scope(&S, S.mods.data[0]);
  check_main(&S);
  for (size_t i = 0; i < S.mods.len; i++) {
    set_scope(&S, S.mods.data[i]);
    for (size_t j = 0; j < S.ms->globals.len; j++)
      if (S.ms->globals.data[j].sym->kind == SYM_CONST)
        check_const_init(&S, S.ms->globals.data[j].sym);
  }
  for (size_t i = 0; i < S.prog->subs.len; i++) {
    Symbol *sym = S.prog->subs.data[i];
    set_scope(&S, scope_of(&S, sym->module));
    check_sub_body(&S, sym);
  }
  for (size_t i = 0; i < S.tests.len; i++) {
    Symbol *sym = S.tests.data[i];
    set_scope(&S, scope_of(&S, sym->module));
    check_sub_body(&S, sym);
  }
  check_instances(&S);
  for (size_t i = 0; i < S.mods.len; i++) {
    set_scope(&S, S.mods.data[i]);
    for (size_t j = 0; j < S.ms->globals.len; j++)
      if (S.ms->globals.data[j].sym->kind == SYM_CONST)
        order_const(&S, S.ms->globals.data[j].sym);
  }
  /* type names from here on (lowering's) are relative to the main module */
  set_scope(&S, S.mods.data[0]);
  return S.prog;
}
