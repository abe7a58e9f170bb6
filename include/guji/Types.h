/* Types.h — Sema's types (spec §4, §10, §11).
 *
 * Scalars are singletons. Tuples and applications of user types (`Point`,
 * `Option[Int]`) are hash-consed in a TypeCtx once their arguments are
 * known, so two ground types are equal exactly when their pointers are.
 * Inference variables (TY_VAR) stand for the open type of `None`, `Err(e)`
 * and the like until unification binds them (§4: inference is local to a
 * sub body); a type containing one is not interned, and type_resolve
 * returns the interned form once every variable in it is bound.
 *
 * Never (return, break, continue, panic) and Error (after a reported
 * error) unify with anything, so a diverging branch type-checks and one
 * mistake is reported once.
 */
#ifndef GUJI_TYPES_H
#define GUJI_TYPES_H

#include "guji/Source.h"
#include "guji/Support.h"

typedef enum TypeKind {
  TY_ERROR,
  TY_NEVER,
  TY_UNIT,
  TY_INT,
  TY_FLOAT,
  TY_BOOL,
  TY_CHAR,
  TY_STR,
  TY_RANGE,
  TY_LINES,   /* §18 io.lines(): stdin's lines, read once */
  TY_REGEX,   /* §14 a compiled regex: a text form, no equality */
  TY_MATCH,   /* §14 one match: a text form, no equality */
  TY_TUPLE,   /* args: the elements (two or more) */
  TY_ADT,     /* a user or prelude type applied to args */
  TY_LIST,    /* args[0]: the element type (§15) */
  TY_MAP,     /* args[0]: the key type, args[1]: the value type (§15) */
  TY_SET,     /* args[0]: the element type (§15) */
  TY_CHAN,    /* args[0]: the element type (§17) */
  TY_TASK,    /* args[0]: the result type (§17) */
  TY_FN,      /* args[0..nargs-1): parameters, args[nargs-1]: result (§8) */
  TY_PARAM,   /* a type parameter inside a generic type declaration */
  TY_VAR,     /* an inference variable */
} TypeKind;

typedef struct Type Type;
typedef struct TypeDecl TypeDecl;
typedef struct CtorDecl CtorDecl;

struct Type {
  TypeKind kind;
  uint32_t nargs;
  Type **args;          /* TUPLE elements; ADT type arguments */
  TypeDecl *decl;       /* ADT */
  Type *bound;          /* VAR: what it is bound to, or NULL */
  uint32_t id;          /* VAR: a number for messages; PARAM: its index */
  const char *name;     /* PARAM */
  bool ground;          /* contains no VAR (interned) */
};

/* A constructor of a sum type, or the single constructor of a record. Its
 * field types may mention the declaration's TY_PARAMs. */
struct CtorDecl {
  const char *name;
  Span span;
  TypeDecl *owner;
  uint32_t index;                 /* the tag */
  VEC(Type *) fields;
  VEC(const char *) field_names;  /* records only */
};

struct TypeDecl {
  const char *name;
  Span span;
  const char *module;             /* defining module's name; NULL: prelude */
  VEC(Type *) params;             /* TY_PARAMs, by index */
  bool is_record;                 /* one ctor, named fields */
  VEC(CtorDecl *) ctors;
  int state;                      /* Sema: 0 new, 1 resolving, 2 done */
  void *item;                     /* the Item (NULL for the prelude) */
};

extern Type ty_error, ty_never, ty_unit, ty_int, ty_float, ty_bool, ty_char,
    ty_str, ty_range, ty_lines, ty_regex, ty_match;

typedef struct TypeCtx TypeCtx;
TypeCtx *type_ctx_new(Arena *a);
Type *type_tuple(TypeCtx *c, Type **elems, uint32_t n);
Type *type_adt(TypeCtx *c, TypeDecl *d, Type **args, uint32_t n);
Type *type_list(TypeCtx *c, Type *elem);
Type *type_map(TypeCtx *c, Type *key, Type *value);
Type *type_set(TypeCtx *c, Type *elem);
Type *type_chan(TypeCtx *c, Type *elem);
Type *type_task(TypeCtx *c, Type *result);
Type *type_fn(TypeCtx *c, Type **params, uint32_t n, Type *ret);
Type *type_param(TypeCtx *c, const char *name, uint32_t index);
Type *type_var(TypeCtx *c);
/* Follows bound variables; returns the interned type once ground. */
Type *type_resolve(TypeCtx *c, Type *t);
/* type_resolve, with every variable still unbound replaced by fallback. */
Type *type_ground(TypeCtx *c, Type *t, Type *fallback);
/* Replaces TY_PARAM i by args[i] (instantiating a declaration's field). */
Type *type_subst(TypeCtx *c, Type *t, Type **args, uint32_t nargs);
/* Unifies a and b, binding variables; false when they cannot be equal. */
bool type_unify(TypeCtx *c, Type *a, Type *b);

/* "Int", "Option[Int]", "(Int, Str)", "?" for an unbound variable; a
 * type of another module than the current one is qualified
 * ("util.Token", §3). */
const char *type_name(TypeCtx *c, Type *t);
/* The module whose names type_name leaves unqualified. */
void type_ctx_set_module(TypeCtx *c, const char *module);
/* d belongs to a module other than the current one (not the prelude). */
bool type_decl_is_foreign(TypeCtx *c, const TypeDecl *d);
/* a fits where b is expected: unifies them (so it may bind variables) */
static inline bool type_compatible(TypeCtx *c, Type *a, Type *b) {
  return type_unify(c, a, b);
}
bool type_is_soft(TypeCtx *c, Type *t); /* Never or Error */
static inline bool type_is_numeric(const Type *t) {
  return t->kind == TY_INT || t->kind == TY_FLOAT;
}
/* §4: equality, ordering and a text form exist for every type here but
 * Range's ordering and text form; composite types have them when their
 * parts do. */
bool type_has_eq(TypeCtx *c, Type *t);
bool type_has_order(TypeCtx *c, Type *t);
bool type_has_text(TypeCtx *c, Type *t);
/* Can be a Map key or Set element: has equality, hence hashing (§4). */
static inline bool type_has_hash(TypeCtx *c, Type *t) { return type_has_eq(c, t); }
/* The field types of constructor k of ADT t, instantiated. */
Type *type_ctor_field(TypeCtx *c, Type *adt, CtorDecl *k, uint32_t i);

#endif
