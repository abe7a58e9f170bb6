/* Lower.h — typed AST → GIR.
 *
 * lower_program turns a checked Program into a GIR module: one GirFunc per
 * sub (plus `init` for consts), structured control flow into blocks with
 * parameters, `mut` bindings into block parameters threaded through every
 * join and loop header (SSA without phis to place by hand, since a `mut`
 * binding can never be captured, §5), string interpolation into appends,
 * built-ins into GIR ops and runtime calls. Expressions in tail position
 * are lowered in tail mode: an `if` there returns from each branch instead
 * of joining, so a call in tail position becomes `call … ; ret` (§8).
 */
#ifndef GUJI_LOWER_H
#define GUJI_LOWER_H

#include "guji/GIR.h"
#include "guji/Sema.h"

GirModule *lower_program(Session *s, Program *p);

#endif
