/* Sema.h — names, types and the rules of §3–§8 for one program.
 *
 * sema_check checks the main module and every module its `use` items
 * reach (the driver loaded them and set each ITEM_USE's target), as one
 * program: it resolves every name, qualified (`util.parse`) or imported
 * (`use util.{parse}`), computes the type of every
 * expression (Expr.ty), decides for each `$x = e` whether it declares or
 * re-assigns (§5), orders consts by their dependencies (§3) and reports
 * every rule violated, with recovery, so independent errors are reported in
 * one run. Constructs outside the implemented subset are reported as
 * "not implemented yet (§N)" at their location.
 */
#ifndef GUJI_SEMA_H
#define GUJI_SEMA_H

#include "guji/AST.h"
#include "guji/Session.h"
#include "guji/Types.h"

struct Binding {
  const char *name;    /* without '$' */
  Span span;           /* the declaration */
  Type *ty;
  bool is_mut;
  bool is_group;       /* a regex's named group bound by `=~` (§14) */
  uint32_t id;         /* dense per program: lowering indexes by it */
  uint32_t depth;      /* how many anonymous subs / hatch blocks enclose
                          its declaration (0: a top-level sub's own) */
};

typedef enum SymKind { SYM_SUB, SYM_CONST, SYM_BUILTIN } SymKind;

/* Built-in subs and methods (§18). */
typedef enum Builtin {
  BI_NONE = -1,
  BI_PRINT, BI_WRITE, BI_EPRINT, BI_ASSERT, BI_PANIC, BI_RANGE, BI_CHAR,
  BI_SET,             /* set(list): Set[T] (§15) */
  BI_REGEX,           /* regex(s): Result[Regex, Str] (§14) */
  /* methods */
  BM_TO_STR,          /* any type with a text form */
  BM_INT_TO_FLOAT, BM_INT_ABS, BM_INT_MIN, BM_INT_MAX,
  BM_FLOAT_TO_INT, BM_FLOAT_ABS, BM_FLOAT_MIN, BM_FLOAT_MAX,
  BM_FLOAT_ROUND, BM_FLOAT_FLOOR, BM_FLOAT_CEIL,
  BM_CHAR_CODE,
  BM_STR_LEN, BM_STR_IS_EMPTY,
  /* Option and Result (§12) */
  BM_OPT_IS_SOME, BM_OPT_IS_NONE, BM_RES_IS_OK, BM_RES_IS_ERR,
  BM_UNWRAP, BM_EXPECT, BM_OR, BM_RES_OK, BM_RES_ERR,
  /* List (§15) */
  BM_LIST_LEN, BM_LIST_IS_EMPTY, BM_LIST_PUSH, BM_LIST_GET, BM_LIST_FIRST,
  BM_LIST_LAST, BM_LIST_SET, BM_LIST_CONTAINS, BM_LIST_INDEX_OF,
  BM_LIST_SORTED, BM_LIST_REVERSED, BM_LIST_TAKE, BM_LIST_DROP,
  BM_LIST_JOIN, BM_LIST_SUM, BM_LIST_MIN, BM_LIST_MAX, BM_LIST_ENUMERATE,
  BM_LIST_POP, BM_LIST_ZIP,
  /* List methods that take a sub (§15) */
  BM_LIST_MAP, BM_LIST_FILTER, BM_LIST_FOLD, BM_LIST_EACH, BM_LIST_ANY,
  BM_LIST_ALL, BM_LIST_FIND, BM_LIST_SORTED_BY,
  /* Option / Result methods that take a sub (§12) */
  BM_OPT_MAP, BM_OPT_AND_THEN, BM_OPT_OR_ELSE, BM_RES_MAP_ERR,
  /* Range (§4): materialized as a List[Int] */
  BM_RANGE_TO_LIST, BM_RANGE_REV, BM_RANGE_STEP,
  /* the math module (§18) */
  BM_MATH_SQRT, BM_MATH_SIN, BM_MATH_COS, BM_MATH_TAN, BM_MATH_ATAN2,
  BM_MATH_EXP, BM_MATH_LOG, BM_MATH_POW, BM_MATH_IS_NAN,
  BM_MATH_PI, BM_MATH_E, BM_MATH_INF, BM_MATH_NAN,
  /* List (§15) by slices */
  BM_LIST_INSERT, BM_LIST_REMOVE,
  /* §13 Str methods that are one runtime call (lowering maps the name);
   * those giving Option wrap a test and a parse */
  BM_STR_RT, BM_STR_FIND, BM_STR_TO_INT, BM_STR_TO_FLOAT, BM_STR_FROM_CHARS,
  /* Map and Set (§15); len, is_empty, remove and contains serve both */
  BM_MAP_LEN, BM_MAP_IS_EMPTY, BM_MAP_GET, BM_MAP_GET_OR, BM_MAP_INSERT,
  BM_MAP_REMOVE, BM_MAP_CONTAINS, BM_MAP_KEYS, BM_MAP_VALUES, BM_MAP_PAIRS,
  BM_MAP_UPDATE, BM_MAP_MERGE, BM_MAP_MAP_VALUES, BM_MAP_FILTER,
  BM_SET_ADD, BM_SET_UNION, BM_SET_INTERSECTION, BM_SET_DIFFERENCE,
  BM_SET_TO_LIST, BM_SET_EMPTY, BM_LIST_TO_SET,
  /* Chan and Task (§17) */
  BM_CHAN_SEND, BM_CHAN_RECV, BM_CHAN_CLOSE, BM_CHAN_TRY_RECV,
  BM_CHAN_TRY_SEND, BM_TASK_JOIN,
  /* the time module (§17, §18) */
  BM_TIME_SLEEP, BM_TIME_AFTER, BM_TIME_NOW_MS, BM_TIME_NOW_NS,
  /* io and os (§18) */
  BM_IO_READ_LINE, BM_IO_READ_ALL, BM_IO_LINES, BM_LINES_TO_LIST,
  BM_IO_READ_FILE, BM_IO_WRITE_FILE, BM_IO_FILE_LINES, BM_IO_WRITE_BYTES,
  BM_IO_READ_BYTES, BM_OS_ARGS, BM_OS_ENV, BM_OS_EXIT,
  /* regex (§14): Str methods taking a Regex (BM_STR_RE: one runtime call,
   * lowering maps the name), Regex and Match methods */
  BM_STR_RE, BM_STR_MATCH, BM_STR_REPLACE_WITH, BM_REGEX_PATTERN,
  BM_MATCH_RT, BM_MATCH_OPT,
  /* the text module (§18) */
  BM_TEXT_TRANSLATE,
  BI__COUNT
} Builtin;

struct Symbol {
  SymKind kind;
  const char *name;
  Span span;            /* the name in its declaration */
  Item *item;           /* SYM_SUB, SYM_CONST */
  Module *module;       /* the module that declares it (§3) */
  /* SYM_SUB */
  VEC(Type *) tparams;  /* TY_PARAMs of a generic sub (§11), by index */
  /* per type parameter, the §4 capabilities its body uses (SemaCap bits),
   * checked per instantiation; NULL until one is used */
  uint8_t *tcaps;
  VEC(Type *) params;
  Type *ret;
  /* a sub declared in an `extern "lib" { … }` block (§19): the library
   * name as written ("c", "m", "foo"); NULL for a guji sub */
  const char *foreign_lib;
  /* SYM_CONST */
  Type *ty;
  int const_state;      /* ordering: 0 new, 1 visiting, 2 done */
  /* what a const's initializer or a sub's body names, for ordering consts
   * (§3): consts directly, and subs it calls (whose own names count) */
  VEC(Symbol *) const_deps;
  VEC(Symbol *) sub_deps;
  uint32_t visit_mark;
  /* filled by lowering */
  void *gir;            /* GirFunc * or GirGlobal * */
};

typedef struct Program {
  Module *main;
  VEC(Module *) modules;    /* main first, then the modules it uses */
  VEC(Symbol *) subs;       /* in declaration order */
  VEC(Symbol *) consts;     /* in initialization order */
  Symbol *main_sub;         /* NULL only under s->tests, without main */
  /* §20: the main module's test blocks, in declaration order: each a
   * SYM_SUB of no parameters returning Unit, not callable by name, its
   * item a synthesized ITEM_SUB whose name is the test's (a Str) */
  VEC(Symbol *) tests;
  VEC(const char *) foreign_libs; /* §19: each extern block's library, once */
  uint32_t nbindings;       /* Binding ids are < nbindings */
  TypeCtx *types;           /* resolve expression types through it */
} Program;

typedef VEC(Pattern *) PatternVec;
/* The PAT_BIND (and named rest) patterns of a pattern, in order; of an
 * alternative, those of its first branch. */
void sema_pattern_bindings(Pattern *pt, PatternVec *out, Arena *a);

/* NULL only when the module is unusable; check diag_has_errors. */
Program *sema_check(Session *s, Module *m);

/* §18: `use NAME` names a standard module (math, io, os, time, text),
 * never a file. */
bool sema_is_std_module(const char *name);

#endif
