/* types.c — hash-consed types, inference variables and unification.
 *
 * Ground composite types live in one open-addressing table keyed by
 * (kind, decl, args); building the same type twice returns the same
 * pointer, so Sema and lowering compare types by pointer. A type with an
 * unbound variable is built fresh and not interned; type_resolve rebuilds
 * it through the table once its variables are bound. Unification is the
 * textbook one with an occurs check; variables bind to the other side.
 */
#include <stdlib.h>
#include <string.h>

#include "guji/Types.h"

Type ty_error = {.kind = TY_ERROR, .ground = true},
     ty_never = {.kind = TY_NEVER, .ground = true},
     ty_unit = {.kind = TY_UNIT, .ground = true},
     ty_int = {.kind = TY_INT, .ground = true},
     ty_float = {.kind = TY_FLOAT, .ground = true},
     ty_bool = {.kind = TY_BOOL, .ground = true},
     ty_char = {.kind = TY_CHAR, .ground = true},
     ty_str = {.kind = TY_STR, .ground = true},
     ty_range = {.kind = TY_RANGE, .ground = true},
     ty_lines = {.kind = TY_LINES, .ground = true},
     ty_regex = {.kind = TY_REGEX, .ground = true},
     ty_match = {.kind = TY_MATCH, .ground = true};

struct TypeCtx {
  Arena *arena;
  Type **slots;
  size_t cap, len;
  uint32_t nvars;
  const char *module;   /* type_name qualifies types of other modules */
};

TypeCtx *type_ctx_new(Arena *a) {
  TypeCtx *c = ARENA_NEW(a, TypeCtx);
  c->arena = a;
  c->cap = 256;
  c->slots = ARENA_ARRAY(a, Type *, c->cap);
  return c;
}

static uint64_t key_hash(TypeKind k, const TypeDecl *d, Type **args,
                         uint32_t n) {
  uint64_t h = 1469598103934665603ull ^ (uint64_t)k;
  h = (h ^ (uint64_t)(uintptr_t)d) * 1099511628211ull;
  for (uint32_t i = 0; i < n; i++)
    h = (h ^ (uint64_t)(uintptr_t)args[i]) * 1099511628211ull;
  return h;
}

static bool key_eq(const Type *t, TypeKind k, const TypeDecl *d, Type **args,
                   uint32_t n) {
  if (t->kind != k || t->decl != d || t->nargs != n) return false;
  for (uint32_t i = 0; i < n; i++)
    if (t->args[i] != args[i]) return false;
  return true;
}

static void grow(TypeCtx *c) {
  size_t ncap = c->cap * 2;
  Type **ns = ARENA_ARRAY(c->arena, Type *, ncap);
  for (size_t i = 0; i < c->cap; i++) {
    Type *t = c->slots[i];
    if (!t) continue;
    size_t j = key_hash(t->kind, t->decl, t->args, t->nargs) & (ncap - 1);
    while (ns[j]) j = (j + 1) & (ncap - 1);
    ns[j] = t;
  }
  c->slots = ns;
  c->cap = ncap;
}

static Type *make(TypeCtx *c, TypeKind k, TypeDecl *d, Type **args,
                  uint32_t n) {
  bool ground = true;
  for (uint32_t i = 0; i < n; i++)
    if (!args[i]->ground) ground = false;
  if (ground) {
    if (c->len * 2 >= c->cap) grow(c);
    size_t j = key_hash(k, d, args, n) & (c->cap - 1);
    for (; c->slots[j]; j = (j + 1) & (c->cap - 1))
      if (key_eq(c->slots[j], k, d, args, n)) return c->slots[j];
    Type *t = ARENA_NEW(c->arena, Type);
    t->kind = k;
    t->decl = d;
    t->nargs = n;
    t->args = ARENA_ARRAY(c->arena, Type *, n ? n : 1);
    if (n) memcpy(t->args, args, n * sizeof *args);
    t->ground = true;
    c->slots[j] = t;
    c->len++;
    return t;
  }
  Type *t = ARENA_NEW(c->arena, Type);
  t->kind = k;
  t->decl = d;
  t->nargs = n;
  t->args = ARENA_ARRAY(c->arena, Type *, n ? n : 1);
  if (n) memcpy(t->args, args, n * sizeof *args);
  return t;
}

Type *type_tuple(TypeCtx *c, Type **elems, uint32_t n) {
  return make(c, TY_TUPLE, NULL, elems, n);
}
Type *type_adt(TypeCtx *c, TypeDecl *d, Type **args, uint32_t n) {
  return make(c, TY_ADT, d, args, n);
}
Type *type_list(TypeCtx *c, Type *elem) {
  return make(c, TY_LIST, NULL, &elem, 1);
}
Type *type_map(TypeCtx *c, Type *key, Type *value) {
  Type *a[2] = {key, value};
  return make(c, TY_MAP, NULL, a, 2);
}
Type *type_set(TypeCtx *c, Type *elem) {
  return make(c, TY_SET, NULL, &elem, 1);
}
Type *type_chan(TypeCtx *c, Type *elem) {
  return make(c, TY_CHAN, NULL, &elem, 1);
}
Type *type_task(TypeCtx *c, Type *result) {
  return make(c, TY_TASK, NULL, &result, 1);
}
Type *type_fn(TypeCtx *c, Type **params, uint32_t n, Type *ret) {
  Type *buf[17];
  Type **a = n < 16 ? buf : ARENA_ARRAY(c->arena, Type *, n + 1);
  if (n) memcpy(a, params, n * sizeof *a);
  a[n] = ret;
  return make(c, TY_FN, NULL, a, n + 1);
}

Type *type_param(TypeCtx *c, const char *name, uint32_t index) {
  Type *t = ARENA_NEW(c->arena, Type);
  t->kind = TY_PARAM;
  t->name = name;
  t->id = index;
  t->ground = true; /* a rigid type: never bound */
  return t;
}

Type *type_var(TypeCtx *c) {
  Type *t = ARENA_NEW(c->arena, Type);
  t->kind = TY_VAR;
  t->id = ++c->nvars;
  return t;
}

static Type *prune(Type *t) {
  while (t->kind == TY_VAR && t->bound) t = t->bound;
  return t;
}

Type *type_resolve(TypeCtx *c, Type *t) {
  t = prune(t);
  if (t->ground || t->kind == TY_VAR) return t;
  Type *buf[16];
  Type **args = t->nargs <= 16 ? buf : ARENA_ARRAY(c->arena, Type *, t->nargs);
  for (uint32_t i = 0; i < t->nargs; i++) args[i] = type_resolve(c, t->args[i]);
  return make(c, t->kind, t->decl, args, t->nargs);
}

Type *type_ground(TypeCtx *c, Type *t, Type *fallback) {
  t = prune(t);
  if (t->kind == TY_VAR) return fallback;
  if (t->ground) return t;
  Type *buf[16];
  Type **args = t->nargs <= 16 ? buf : ARENA_ARRAY(c->arena, Type *, t->nargs);
  for (uint32_t i = 0; i < t->nargs; i++)
    args[i] = type_ground(c, t->args[i], fallback);
  return make(c, t->kind, t->decl, args, t->nargs);
}

Type *type_subst(TypeCtx *c, Type *t, Type **args, uint32_t nargs) {
  t = prune(t);
  if (t->kind == TY_PARAM) return t->id < nargs ? args[t->id] : &ty_error;
  if (t->kind != TY_TUPLE && t->kind != TY_ADT && t->kind != TY_LIST &&
      t->kind != TY_MAP && t->kind != TY_SET && t->kind != TY_CHAN &&
      t->kind != TY_TASK && t->kind != TY_FN)
    return t;
  Type *buf[16];
  Type **na = t->nargs <= 16 ? buf : ARENA_ARRAY(c->arena, Type *, t->nargs);
  for (uint32_t i = 0; i < t->nargs; i++)
    na[i] = type_subst(c, t->args[i], args, nargs);
  return make(c, t->kind, t->decl, na, t->nargs);
}

Type *type_ctor_field(TypeCtx *c, Type *adt, CtorDecl *k, uint32_t i) {
  adt = prune(adt);
  return type_subst(c, k->fields.data[i], adt->args, adt->nargs);
}

static bool occurs(Type *v, Type *t) {
  t = prune(t);
  if (t == v) return true;
  for (uint32_t i = 0; i < t->nargs; i++)
    if (occurs(v, t->args[i])) return true;
  return false;
}

bool type_is_soft(TypeCtx *c, Type *t) {
  (void)c;
  t = prune(t);
  return t->kind == TY_ERROR || t->kind == TY_NEVER;
}

bool type_unify(TypeCtx *c, Type *a, Type *b) {
  a = prune(a);
  b = prune(b);
  if (a == b) return true;
  if (a->kind == TY_ERROR || a->kind == TY_NEVER || b->kind == TY_ERROR ||
      b->kind == TY_NEVER)
    return true;
  if (a->kind == TY_VAR) {
    if (occurs(a, b)) return false;
    a->bound = b;
    return true;
  }
  if (b->kind == TY_VAR) return type_unify(c, b, a);
  if (a->kind != b->kind || a->decl != b->decl || a->nargs != b->nargs)
    return false;
  if (a->kind != TY_TUPLE && a->kind != TY_ADT && a->kind != TY_LIST &&
      a->kind != TY_MAP && a->kind != TY_SET && a->kind != TY_CHAN &&
      a->kind != TY_TASK && a->kind != TY_FN)
    return false; /* distinct scalars */
  for (uint32_t i = 0; i < a->nargs; i++)
    if (!type_unify(c, a->args[i], b->args[i])) return false;
  return true;
}

static void name_into(TypeCtx *c, Type *t, StrBuf *b) {
  t = prune(t);
  switch (t->kind) {
  case TY_ERROR: sb_puts(b, "{error}"); return;
  case TY_NEVER: sb_puts(b, "Never"); return;
  case TY_UNIT: sb_puts(b, "Unit"); return;
  case TY_INT: sb_puts(b, "Int"); return;
  case TY_FLOAT: sb_puts(b, "Float"); return;
  case TY_BOOL: sb_puts(b, "Bool"); return;
  case TY_CHAR: sb_puts(b, "Char"); return;
  case TY_STR: sb_puts(b, "Str"); return;
  case TY_RANGE: sb_puts(b, "Range"); return;
  case TY_LINES: sb_puts(b, "Lines"); return;
  case TY_REGEX: sb_puts(b, "Regex"); return;
  case TY_MATCH: sb_puts(b, "Match"); return;
  case TY_VAR: sb_puts(b, "?"); return;
  case TY_PARAM: sb_puts(b, t->name); return;
  case TY_TUPLE:
    sb_putc(b, '(');
    for (uint32_t i = 0; i < t->nargs; i++) {
      if (i) sb_puts(b, ", ");
      name_into(c, t->args[i], b);
    }
    sb_putc(b, ')');
    return;
  case TY_FN:
    sb_puts(b, "sub(");
    for (uint32_t i = 0; i + 1 < t->nargs; i++) {
      if (i) sb_puts(b, ", ");
      name_into(c, t->args[i], b);
    }
    sb_putc(b, ')');
    if (prune(t->args[t->nargs - 1])->kind != TY_UNIT) {
      sb_puts(b, ": ");
      name_into(c, t->args[t->nargs - 1], b);
    }
    return;
  case TY_LIST:
    sb_puts(b, "List[");
    name_into(c, t->args[0], b);
    sb_putc(b, ']');
    return;
  case TY_MAP:
    sb_puts(b, "Map[");
    name_into(c, t->args[0], b);
    sb_puts(b, ", ");
    name_into(c, t->args[1], b);
    sb_putc(b, ']');
    return;
  case TY_SET: case TY_CHAN: case TY_TASK:
    sb_puts(b, t->kind == TY_SET ? "Set[" : t->kind == TY_CHAN ? "Chan[" : "Task[");
    name_into(c, t->args[0], b);
    sb_putc(b, ']');
    return;
  case TY_ADT:
    if (type_decl_is_foreign(c, t->decl)) sb_printf(b, "%s.", t->decl->module);
    sb_puts(b, t->decl->name);
    if (t->nargs) {
      sb_putc(b, '[');
      for (uint32_t i = 0; i < t->nargs; i++) {
        if (i) sb_puts(b, ", ");
        name_into(c, t->args[i], b);
      }
      sb_putc(b, ']');
    }
    return;
  }
}

void type_ctx_set_module(TypeCtx *c, const char *module) { c->module = module; }

bool type_decl_is_foreign(TypeCtx *c, const TypeDecl *d) {
  return d->module && c->module && d->module != c->module;
}

const char *type_name(TypeCtx *c, Type *t) {
  StrBuf b;
  sb_init(&b);
  name_into(c, t, &b);
  char *s = arena_strndup(c->arena, b.data ? b.data : "", b.len);
  sb_free(&b);
  return s;
}

/* §4: function, Chan and Task types have no equality, ordering, hashing
 * or text form, and neither has a type containing one; Regex and Match
 * (§14) have a text form but no equality, ordering or hashing. */
static bool opaque_kind(TypeKind k) {
  return k == TY_FN || k == TY_CHAN || k == TY_TASK || k == TY_LINES;
}
static bool no_eq_kind(TypeKind k) {
  return opaque_kind(k) || k == TY_REGEX || k == TY_MATCH;
}
static bool contains(Type *t, bool (*kind)(TypeKind)) {
  t = prune(t);
  if (kind(t->kind)) return true;
  for (uint32_t i = 0; i < t->nargs; i++)
    if (contains(t->args[i], kind)) return true;
  if (t->kind == TY_ADT)
    for (size_t k = 0; k < t->decl->ctors.len; k++)
      for (size_t f = 0; f < t->decl->ctors.data[k]->fields.len; f++)
        if (kind(prune(t->decl->ctors.data[k]->fields.data[f])->kind))
          return true;
  return false;
}
static bool has_fn(Type *t) { return contains(t, opaque_kind); }

bool type_has_eq(TypeCtx *c, Type *t) {
  (void)c;
  return !contains(t, no_eq_kind);
}
bool type_has_order(TypeCtx *c, Type *t) {
  t = prune(t);
  if (contains(t, no_eq_kind)) return false;
  for (uint32_t i = 0; i < t->nargs; i++)
    if (!type_has_order(c, t->args[i])) return false;
  return true;
}
bool type_has_text(TypeCtx *c, Type *t) {
  (void)c;
  return !has_fn(t);
}
