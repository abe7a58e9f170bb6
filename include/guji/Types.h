/* Types.h — Sema's types (spec §4).
 *
 * Scalar and built-in types are singletons compared by pointer. Composite
 * types (functions, lists, user types) will be hash-consed in the session
 * so that pointer equality stays type equality; the foundation needs only
 * the scalars, Never (the type of return, break, continue and panic, which
 * fits any type, §7) and Error (after a reported error; it fits anything,
 * so one mistake is reported once).
 */
#ifndef GUJI_TYPES_H
#define GUJI_TYPES_H

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
} TypeKind;

struct Type {
  TypeKind kind;
};
typedef struct Type Type;

extern Type ty_error, ty_never, ty_unit, ty_int, ty_float, ty_bool, ty_char,
    ty_str, ty_range;

/* "Int", "Str", "()"… as the user writes them. */
const char *type_name(const Type *t);
/* a fits where b is expected (equal, or either is Never/Error) */
bool type_compatible(const Type *a, const Type *b);
static inline bool type_is_numeric(const Type *t) {
  return t->kind == TY_INT || t->kind == TY_FLOAT;
}
/* §4: every type here has equality, ordering and a text form except Range's
 * ordering; kept as functions since composite types will ask their parts. */
bool type_has_eq(const Type *t);
bool type_has_order(const Type *t);
bool type_has_text(const Type *t);

#endif
