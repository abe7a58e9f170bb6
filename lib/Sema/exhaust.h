/* exhaust.h — private to lib/Sema: exhaustiveness of match arms (§9). */
#ifndef GUJI_SEMA_EXHAUST_H
#define GUJI_SEMA_EXHAUST_H

#include "guji/AST.h"
#include "guji/Types.h"

/* NULL when the patterns (of the unguarded arms, in order) cover every
 * value of type t; else the text of a value none matches ("Blue",
 * "Some(false)"). */
const char *sema_missing_case(TypeCtx *tc, Arena *a, Pattern **pats, size_t n,
                              Type *t);
/* Can a value reach pattern q after the rows? (false: q is unreachable) */
bool sema_pattern_useful(TypeCtx *tc, Arena *a, Pattern **rows, size_t n,
                         Pattern *q, Type *t);

#endif
