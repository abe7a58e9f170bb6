/* GIR.h — the guji typed IR: data structures, builder, printer, verifier.
 *
 * GIR is first-order and in SSA form with block parameters (the join points
 * of Lean 4's λRC, written as blocks that take arguments): a function is a
 * list of blocks; block 0 is the entry and its parameters are the
 * function's. A block is a list of instructions `let %v: T = op(args)` and
 * one terminator: `ret`, `jmp b(args)`, `br %c, b1, b2` (targets take no
 * parameters), `unreachable`. Loops are blocks jumped to from their own
 * body; `mut` bindings become block parameters, so there are no stores.
 *
 * Every value is typed; after lowering, types are concrete (no generics
 * yet). Heap values (Str now; records, sums, closures, collections later)
 * are counted references. Lowering writes no inc/dec: the RC pass
 * (Passes.h) inserts GIR_OP_INC / GIR_OP_DEC precisely, from liveness, in
 * the Perceus style: a value is owned by its definition; block arguments,
 * returned values and arguments of guji calls are consumed; runtime-call
 * arguments are borrowed or consumed as RtFns.def says.
 *
 * Spans ride on every instruction and terminator, so panics and DWARF point
 * at source. A value may carry the guji binding name it was bound to
 * (`$x`), which CodeGen turns into a DWARF variable.
 *
 * The text form (gir_print) is what `gujic --emit=ir` shows:
 *
 *   func fib(%0: Int) -> Int {
 *   b0(%0: Int):
 *     %1: Bool = lt.i %0, 2            ; fib.guji:2:8
 *     br %1, b1, b2
 *   ...
 */
#ifndef GUJI_GIR_H
#define GUJI_GIR_H

#include <stdio.h>

#include "guji/Session.h"
#include "guji/Source.h"
#include "guji/Support.h"

/* ---- types ------------------------------------------------------------ */

typedef enum GirTypeKind {
  GIR_T_UNIT,   /* no value; an instruction of type Unit has no result */
  GIR_T_INT,    /* i64 */
  GIR_T_FLOAT,  /* double */
  GIR_T_BOOL,   /* i1 */
  GIR_T_CHAR,   /* i32, a Unicode scalar value */
  GIR_T_STR,    /* pointer to a GjStr (counted) */
  GIR_T_OBJ,    /* pointer to a counted object of a user type: a record, a
                   tuple or a sum (see GirType.ctors) */
  GIR_T_LIST,   /* pointer to a GjList (runtime/include/gujirt.h) whose
                   elements are of type `elem`, stored unboxed */
  GIR_T_FN,     /* pointer to a counted closure object: a sub value with
                   parameters `params` and result `ret` (§8) */
  GIR_T_MAP,    /* pointer to a GjMap (gujirt.h): keys of type `key`,
                   values of type `elem`; a Set[T] has is_set, key T and
                   elem Unit */
  GIR_T_CHAN,   /* pointer to a GjChan (gujirt.h) of elements `elem`;
                   counted, always shared (atomic counts) */
  GIR_T_TASK,   /* pointer to a GjTask whose result is of type `elem`;
                   counted, always shared */
  GIR_T_REGEX,  /* pointer to a GjRegex (§14): counted (a literal's is
                   immortal), immutable; a text form, no equality */
  GIR_T_MATCH,  /* pointer to a GjMatch (§14): counted; a text form, no
                   equality */
  GIR_T_HANDLE, /* pointer to an opaque counted runtime object (GjHeader
                   first, freed by gj_dec, marked shared by gj_mark_shared):
                   one canonical type per kind of handle, told apart by
                   pointer: gir_t_lines (§18 Lines, a GjLines) */
  GIR_T_SELECT, /* the outcome of a select (TASK_OP SELECT): frame memory
                   the SELECT_* functions read; not counted */
  GIR_T_TOKEN,  /* a reuse token (RESET): the memory of an object that was
                   uniquely owned, or null; not counted, and consumed
                   exactly once on every path (REUSE or RELEASE) */
} GirTypeKind;

typedef struct GirType GirType;

/* One constructor of an object type. A record or tuple has exactly one
 * (tag 0); a sum has one per variant, tag = index. */
typedef struct GirCtor {
  const char *name;          /* "Some", "Point" (records), "" (tuples) */
  uint32_t nfields;
  const GirType **fields;    /* field types, in declaration order */
  const char **field_names;  /* records: field names; else NULL */
} GirCtor;

/* Unit fields (`Ok(())` of a Result[Unit, E]) stay in GirCtor.fields, with
 * type gir_t_unit, so the text form can show them; they have no storage:
 * NEW takes arguments only for the other fields (in order), PROJ never
 * names a Unit field, EQ and CMP skip them, APPEND_TEXT writes `()`.
 *
 * Object layout (CodeGen and the runtime agree on it): the GjHeader
 * (rc, kind GJ_KIND_OBJ, flags = the constructor's tag), then the fields
 * of that constructor in order, each in its natural LLVM type (i64,
 * double, i1 as i8, i32, ptr) with C struct alignment. A constructor
 * without fields is an immortal static object (rc 0) of just the header,
 * one per constructor, never allocated. */
struct GirType {
  GirTypeKind kind;
  /* GIR_T_OBJ: */
  const char *name;          /* as the user writes it: "Point", "Option[Int]",
                                "(Int, Str)"; also names derived functions */
  uint32_t id;               /* unique per module among object types */
  bool is_sum;               /* variants (tags) rather than one record/tuple */
  bool is_tuple;
  bool is_range;             /* §4's Range: a tuple (start, end, inclusive,
                                stride, reversed) whose text form is
                                gj_str_append_range's */
  uint32_t nctors;
  GirCtor *ctors;
  /* GIR_T_LIST (the element), GIR_T_MAP (the value): */
  const GirType *elem;
  /* GIR_T_MAP: */
  const GirType *key;
  bool is_set;
  /* GIR_T_FN: */
  uint32_t nparams;
  const GirType **params;
  const GirType *ret;
};

/* The canonical type objects (statically allocated; compare by pointer). */
extern const GirType gir_t_unit, gir_t_int, gir_t_float, gir_t_bool,
    gir_t_char, gir_t_str, gir_t_token, gir_t_select, gir_t_regex,
    gir_t_match;
/* In runtime signatures only: a List of any element type (RtFns.def 'L'
 * result, 'k' borrowed and 'K' consumed arguments). */
extern const GirType gir_t_any_list;
/* The runtime handles (GIR_T_HANDLE); in runtime signatures, 'h' and 'H'
 * stand for any of them (gir_t_any_handle; a result's type is given by the
 * instruction, as for 'L'). */
extern const GirType gir_t_lines, gir_t_match_iter, gir_t_any_handle;
/* A counted reference? (Str, List, closures, object types with a
 * constructor that has stored fields.) */
bool gir_type_is_heap(const GirType *t);
/* §19: the callback signature gj_ffi_callback reads for a sub type,
 * "R:AB…" (i Int, f Float, b Bool, c Char, v anything else), at most
 * max_params parameters; out has room for max_params + 3. */
void gir_ffi_callback_sig(const GirType *fn_t, unsigned max_params, char *out);
/* The bytes an object of constructor c takes (the header, then the stored
 * fields laid out as a C struct: CodeGen's layout), and the class of
 * memory it needs: two constructors whose classes are equal can be built
 * in each other's memory (REUSE). 0 for a constructor without stored
 * fields (an immortal static, never allocated). */
uint32_t gir_ctor_size(const GirCtor *c);
uint32_t gir_ctor_reuse_class(const GirCtor *c);
const char *gir_type_name(const GirType *t); /* "Int", "Str", "Point"… */

/* ---- runtime functions (from RtFns.def) -------------------------------- */

enum {
  GIR_RTF_NORETURN = 1 << 0,
  GIR_RTF_PURE = 1 << 1,
  GIR_RTF_COLD = 1 << 2,
};

typedef enum GirRtId {
#define GJ_RT(id, cname, sig, flags) GIR_RT_##id,
#include "guji/RtFns.def"
#undef GJ_RT
  GIR_RT__COUNT
} GirRtId;

typedef struct GirRtInfo {
  const char *c_name;
  const char *sig;   /* as in RtFns.def */
  unsigned flags;
  /* decoded from sig: */
  const GirType *ret;
  uint8_t nparams;          /* GIR arguments (excludes 'l') */
  const GirType *params[8];
  bool consumed[8];         /* 'S' */
  bool takes_loc;           /* has an 'l' (always last) */
} GirRtInfo;

const GirRtInfo *gir_rt_info(GirRtId id);

/* ---- values, instructions, blocks, functions --------------------------- */

typedef uint32_t GirValue;   /* index into GirFunc.values; */
#define GIR_NO_VALUE ((GirValue)UINT32_MAX)

typedef struct GirBlock GirBlock;
typedef struct GirFunc GirFunc;
typedef struct GirGlobal GirGlobal;

typedef enum GirOp {
  /* constants: imm holds the value */
  GIR_OP_CONST_INT, GIR_OP_CONST_FLOAT, GIR_OP_CONST_BOOL, GIR_OP_CONST_CHAR,
  GIR_OP_CONST_STR,   /* an immortal literal: imm.str */
  GIR_OP_CONST_REGEX, /* a regex literal (§14): imm.re; compiled once per
                         run, at its first evaluation; immortal */
  GIR_OP_CONST_UNIT,  /* no result */

  /* Int arithmetic: add/sub/mul/neg panic on overflow; div/rem panic on
   * zero divisor and on MIN / -1; shl/shr (arithmetic) panic on a count
   * outside 0..63 (§6). */
  GIR_OP_IADD, GIR_OP_ISUB, GIR_OP_IMUL, GIR_OP_IDIV, GIR_OP_IREM,
  GIR_OP_INEG, GIR_OP_ISHL, GIR_OP_ISHR, GIR_OP_IAND, GIR_OP_IOR,
  GIR_OP_IXOR, GIR_OP_INOT,
  GIR_OP_IABS,          /* panics on MIN */
  GIR_OP_IMIN, GIR_OP_IMAX,
  /* comparisons of Int, Char or Bool operands (same type), result Bool */
  GIR_OP_IEQ, GIR_OP_INE, GIR_OP_ILT, GIR_OP_ILE, GIR_OP_IGT, GIR_OP_IGE,
  /* Float: IEEE, never panic */
  GIR_OP_FADD, GIR_OP_FSUB, GIR_OP_FMUL, GIR_OP_FDIV, GIR_OP_FREM,
  GIR_OP_FNEG, GIR_OP_FABS, GIR_OP_FMIN, GIR_OP_FMAX,
  GIR_OP_FFLOOR, GIR_OP_FCEIL, GIR_OP_FROUND, /* round: ties away from 0 */
  GIR_OP_FSQRT,
  GIR_OP_FEQ, GIR_OP_FNE, GIR_OP_FLT, GIR_OP_FLE, GIR_OP_FGT, GIR_OP_FGE,
  /* Bool */
  GIR_OP_BNOT,
  /* conversions */
  GIR_OP_I2F,           /* Int.to_float */
  GIR_OP_C2I,           /* Char.code */
  /* calls */
  GIR_OP_CALL,          /* imm.callee; args; imm.tail set: tail call */
  GIR_OP_CALL_RT,       /* imm.rt; args as the signature says */
  /* §19: a call of the C function imm.ccall.sym with the C types of its
   * arguments' and result's GIR types: Int i64, Float double, Bool bool,
   * Char uint32_t, Unit void (result); a Str argument crosses as a
   * NUL-terminated copy valid for the call, a Str result is a new Str
   * copied from the returned `const char *` (NULL panics); a sub (FN)
   * argument crosses as a C function pointer valid for the call (a libffi
   * closure calling the guji closure). Every argument is borrowed. */
  GIR_OP_CALL_C,
  /* globals (consts, §3): load/store the value of imm.global */
  GIR_OP_GLOBAL_GET, GIR_OP_GLOBAL_SET,
  /* reference counting (inserted by the RC pass only) */
  GIR_OP_INC, GIR_OP_DEC,
  /* objects (records, tuples, sums; §10, §4):
   *   NEW   imm.ctor = {type, index}; args = the constructor's fields
   *         (consumed) → a new object (rc 1); a constructor without fields
   *         gives its immortal static instead.
   *   PROJ  args[0] = object; imm.ctor = {type, index}, imm.field = field
   *         index → the field's value. The object must have that
   *         constructor (lowering tests the tag first). The result is a
   *         new reference: the RC pass incs it right after the PROJ when
   *         the field is counted (Perceus' `let y = x.i; inc y`).
   *   TAG   args[0] = object of a sum type → Int, its constructor index.
   * Derived operations (§4), defined for every type; CodeGen implements
   * them for objects by generating one function per type and operation:
   *   EQ    args a, b (borrowed, same type) → Bool (structural equality)
   *   CMP   args a, b (borrowed, same type) → Int (<0, 0, >0: §4's order:
   *         fields in order; sums by tag, then fields; Float by IEEE <)
   *   APPEND_TEXT  args buf (Str, consumed), v (borrowed) → Str: buf with
   *         the text form of v appended (§13: nested form for fields:
   *         strings and chars quoted; a top-level Str or Char raw) */
  GIR_OP_NEW, GIR_OP_PROJ, GIR_OP_TAG,
  GIR_OP_EQ, GIR_OP_CMP, GIR_OP_APPEND_TEXT,
  /* Lists (§15), on the runtime's persistent vector; result types from
   * the list type (imm.list.type for LIST_NEW, else args[0]'s type).
   * An element operand of a List[Unit] is left out, as NEW leaves out
   * Unit fields (Unit values have no GIR value; the runtime stores such
   * elements in zero bytes): LIST_NEW then takes no operands, PUSH only
   * the list, SET the list and index, CONTAINS and INDEX_OF only the list.
   *   LIST_NEW   imm.list.n elements; args = the elements (consumed; none
   *              for a List[Unit]) → a new list, in order
   *   LIST_PUSH  list (consumed), elem (consumed) → list (in place when
   *              uniquely owned)
   *   LIST_SET   list (consumed), index Int, elem (consumed) → list;
   *              panics out of range (the instruction's span)
   *   LIST_GET   list (borrowed), index Int → elem, a new reference (the
   *              RC pass incs it, as for PROJ); panics out of range
   *   LIST_LEN   list (borrowed) → Int
   *   LIST_CONCAT  a, b (borrowed) → list
   *   LIST_SLICE list (borrowed), from Int, to Int → list; panics unless
   *              0 <= from <= to <= len
   *   LIST_OP    imm.list.fn (GirListFn) on a borrowed list, see below
   * EQ, CMP and APPEND_TEXT accept lists (the runtime's gj_list_eq, …). */
  GIR_OP_LIST_NEW, GIR_OP_LIST_PUSH, GIR_OP_LIST_SET, GIR_OP_LIST_GET,
  GIR_OP_LIST_LEN, GIR_OP_LIST_CONCAT, GIR_OP_LIST_SLICE, GIR_OP_LIST_OP,
  /* Closures (§8):
   *   CLOSURE_NEW  imm.closure.callee = the lifted sub, whose first parameter
   *              is the closure itself (borrowed, param_borrowed[0]) and
   *              whose `captures` give the layout; args = the captured
   *              values (consumed) → a closure of type imm.closure.fn_type
   *              (a closure without captures is an immortal static). The
   *              callee is_closure_body; its parameters are (fn_type, then
   *              fn_type's params) and its result fn_type's ret.
   *   CAPTURE    args[0] = the closure (inside its lifted sub), imm.closure.field
   *              = capture index → the captured value, a new reference
   *              (the RC pass incs it, as for PROJ); result type from
   *              the instruction
   *   CALL_CLOSURE args[0] = closure (borrowed), then the arguments
   *              (consumed) → the fn type's result */
  GIR_OP_CLOSURE_NEW, GIR_OP_CAPTURE, GIR_OP_CALL_CLOSURE,
  /* Maps and Sets (§15), on the runtime's CHAMP trie: one op, MAP_OP,
   * whose imm.map = {type, fn} names the map type operated on and the
   * function (GirMapFn below, with its arguments, what it consumes and
   * its result). EQ, CMP and APPEND_TEXT accept maps (gj_map_eq, …). */
  GIR_OP_MAP_OP,
  /* Tasks and channels (§17): one op, TASK_OP, whose imm.task = {type,
   * fn} names the Chan or Task type operated on and the function
   * (GirTaskFn below). */
  GIR_OP_TASK_OP,
  /* Reuse and drop specialization (Perceus §2.4–2.5; inserted by
   * pass_reuse only, after the RC pass). imm.reset = {type, ctor, keep}
   * says which constructor args[0] has (an earlier PROJ proved it) and, in
   * `keep`, the fields (bit i: field i) whose references were already
   * handed to PROJ results whose own inc was removed:
   *   RESET   args[0] = object (consumed) → a token. Uniquely owned (rc
   *           1): the fields not in `keep` are dec'd and the token is the
   *           object's memory. Otherwise the `keep` fields are inc'd, the
   *           object dec'd, and the token is null.
   *   DROP    args[0] = object (consumed): as RESET, then the memory (if
   *           any) is freed at once: a dec specialized to its constructor,
   *           which frees a unique object without touching the kept fields.
   *   REUSE   args[0] = token, then fields as NEW (imm.ctor) → a new object
   *           built in the token's memory (its size class fits: see
   *           gir_ctor_reuse_class), or allocated when the token is null.
   *   RELEASE args[0] = token: frees its memory if any (imm.reset names
   *           the constructor it was, for its size). */
  GIR_OP_RESET, GIR_OP_DROP, GIR_OP_REUSE, GIR_OP_RELEASE,
  GIR_OP__COUNT
} GirOp;

typedef struct GirInst {
  GirOp op;
  GirValue result;      /* GIR_NO_VALUE when the type is Unit */
  const GirType *type;  /* result type (gir_t_unit when none) */
  Span span;
  GirValue *args;
  uint32_t nargs;
  union {
    int64_t i;
    double f;
    bool b;
    uint32_t ch;
    struct { const char *data; size_t len; } str;
    struct { const char *data; size_t len; uint32_t flags; } re; /* GJ_RE_* */
    struct { GirFunc *callee; bool tail; } call;
    GirRtId rt;
    struct { const char *sym; } ccall; /* CALL_C */
    GirGlobal *global;
    struct { const GirType *type; uint32_t index; uint32_t field; } ctor;
    bool nested;          /* APPEND_TEXT: text form as nested in a value */
    struct { const GirType *type; int fn; uint32_t n; }
        list;             /* LIST_NEW (n: its length), LIST_OP */
    struct { const GirType *type; int fn; uint32_t n; }
        map;              /* MAP_OP (n: NEW's number of entries) */
    struct {
      const GirType *type;
      int fn;
      uint32_t arm;        /* SELECT_OK, SELECT_VALUE: the arm */
      uint32_t narms;      /* SELECT: */
      bool has_else;
      uint64_t sends;      /* bit a: arm a sends */
      uint64_t values;     /* bit i: argument i is a sent value */
    } task;               /* TASK_OP */
    struct { GirFunc *callee; const GirType *fn_type; uint32_t field; }
        closure;          /* CLOSURE_NEW (callee, fn_type), CAPTURE (field) */
    struct { const GirType *type; uint32_t ctor; uint64_t keep; }
        reset;            /* RESET, DROP, RELEASE */
  } imm;
} GirInst;

typedef enum GirTermKind {
  GIR_TERM_NONE,        /* not yet terminated (builder state) */
  GIR_TERM_RET,         /* value or GIR_NO_VALUE for Unit */
  GIR_TERM_JMP,         /* target + args matching its params */
  GIR_TERM_BR,          /* cond; then/else targets with no params */
  GIR_TERM_SWITCH,      /* value (Int); cases: value → target; else_target
                           for the rest (may be NULL when the cases are
                           exhaustive); targets take no params */
  GIR_TERM_UNREACHABLE,
} GirTermKind;

/* LIST_OP functions: args[0] is the list (borrowed) unless noted.
 *   SORTED () → list (stable, §4 order)   REVERSED () → list
 *   CONTAINS (x: elem, borrowed) → Bool    INDEX_OF (x) → Int, -1 if absent
 *            (no x for a List[Unit], see LIST_NEW)
 *   TAKE (n: Int) → list    DROP (n: Int) → list   (both saturate)
 *   JOIN (sep: Str, borrowed) → Str, for List[Str] */
typedef enum GirListFn {
  GIR_LIST_SORTED, GIR_LIST_REVERSED, GIR_LIST_CONTAINS, GIR_LIST_INDEX_OF,
  GIR_LIST_TAKE, GIR_LIST_DROP, GIR_LIST_JOIN,
} GirListFn;

/* MAP_OP functions. imm.map.type is the map (or set) type M = Map[K, V]
 * operated on: args[0]'s type, except for NEW and FROM_LIST, whose result
 * it is. Arguments are borrowed unless marked (consumed); a K or V
 * argument of type Unit is left out (Unit values have no GIR value).
 *   NEW        (k1, v1, k2, v2, … consumed) → M; a set: (x1, x2, …);
 *              imm.map.n entries (which a Map[Unit, Unit] or Set[Unit]
 *              has without operands)
 *   LEN        (m) → Int
 *   INDEX      (m, k) → V, read out of m like PROJ (the RC pass incs it);
 *              panics "key not found: K"
 *   CONTAINS   (m, k) → Bool
 *   GET_OR     (m, k, d consumed) → V, owned: m's value for k, else d
 *   INSERT     (m consumed, k consumed, v consumed) → M
 *   REMOVE     (m consumed, k) → M (sets too)
 *   UPDATE     (m consumed, k consumed, d consumed, f: sub(V): V) → M
 *   MERGE      (a, b: M) → M, b's values win
 *   KEYS       (m) → List[K]; VALUES (m) → List[V], in the same order
 *   PAIRS      (m) → List[(K, V)] (the result type names the tuple)
 *   MAP_VALUES (m, f: sub(V): W) → Map[K, W] (the result type)
 *   FILTER     (m, f: sub(K, V): Bool) → M
 *   SET_ADD    (s consumed, x consumed) → M
 *   UNION, INTERSECTION, DIFFERENCE (a, b: M) → M
 *   FROM_LIST  (l: List[K]) → M (a set)
 *   TO_LIST    (s) → List[K] (a set's elements in iteration order) */
typedef enum GirMapFn {
  GIR_MAP_NEW, GIR_MAP_LEN, GIR_MAP_INDEX, GIR_MAP_CONTAINS, GIR_MAP_GET_OR,
  GIR_MAP_INSERT, GIR_MAP_REMOVE, GIR_MAP_UPDATE, GIR_MAP_MERGE,
  GIR_MAP_KEYS, GIR_MAP_VALUES, GIR_MAP_PAIRS, GIR_MAP_MAP_VALUES,
  GIR_MAP_FILTER, GIR_SET_ADD, GIR_SET_UNION, GIR_SET_INTERSECTION,
  GIR_SET_DIFFERENCE, GIR_SET_FROM_LIST, GIR_SET_TO_LIST,
  GIR_MAP__COUNT
} GirMapFn;

/* The signature of a MAP_OP function (all but NEW), one letter per
 * argument: 'M' the map type, 'K' its key, 'V' its value, 'F' a sub,
 * 'L' a list; upper case consumed, lower case borrowed ('m', 'k', 'v',
 * 'f', 'l'). A 'K' or 'V' of a Unit type takes no argument. */
typedef struct GirMapFnInfo {
  const char *name;      /* "insert", as the text form shows it */
  const char *args;      /* "MKV" */
} GirMapFnInfo;
const GirMapFnInfo *gir_map_fn_info(GirMapFn fn);
/* The MAP_OP argument index i's letter (NEW: 'K' or 'V' alternately, with
 * Unit ones skipped), or 0 past the end. */
char gir_map_arg_role(const GirInst *in, uint32_t i);

/* TASK_OP functions. imm.task.type is the Chan[T] or Task[T] type (T =
 * its `elem`); arguments borrowed unless marked consumed; an element of
 * type Unit takes no argument.
 *   SPAWN     (f: sub(): T, consumed) → Task[T]: starts a task running f
 *             (§17 hatch); the caller has SHAREd what f captures
 *   JOIN      (t: Task[T]) → T, owned (shared): waits for the result
 *   CHAN_NEW  (cap: Int) → Chan[T]; panics on a negative capacity
 *   SEND      (c, v consumed) → Bool: true delivered, false closed; the
 *             caller has SHAREd v
 *   TRY_SEND  (c, v consumed) → Bool
 *   RECV      (c) → Option[T] (the result type): None once closed and
 *             drained
 *   TRY_RECV  (c) → Option[T]: None when nothing is ready
 *   CLOSE     (c) → Bool: false when it was closed already
 *   SHARE     (x: any counted value) → Unit: marks x and everything it
 *             reaches shared (atomic counts from now on, §16); before a
 *             value crosses to another task. imm.task.type is x's type.
 *   SLEEP     (ms: Int) → Unit: suspends the calling task (§17 time.sleep)
 *   AFTER     (ms: Int) → Chan[Unit] (the type): time.after
 *   SELECT    (per arm in order: the channel, then for a send arm the
 *             value, consumed, unless the element is Unit) → Select: waits
 *             for one ready arm (imm.task.narms arms, bit a of .sends set
 *             for a send arm, bit i of .values for an argument that is a
 *             sent value; .has_else: -1 at once when none is ready) and
 *             completes it; the send values of the arms not chosen are
 *             released by SELECT itself, so all count as consumed
 *   SELECT_INDEX (s: Select) → Int: the arm chosen, -1 for else
 *   SELECT_OK    (s) → Bool: arm imm.task.arm's result (recv: Some /
 *             None; send: Ok / Err(Closed))
 *   SELECT_VALUE (s) → T, owned: the value arm imm.task.arm received
 *             (imm.task.type its Chan[T]); only when that arm was chosen
 *             and OK, exactly once. */
typedef enum GirTaskFn {
  GIR_TASK_SPAWN, GIR_TASK_JOIN, GIR_TASK_CHAN_NEW, GIR_TASK_SEND,
  GIR_TASK_TRY_SEND, GIR_TASK_RECV, GIR_TASK_TRY_RECV, GIR_TASK_CLOSE,
  GIR_TASK_SHARE, GIR_TASK_SLEEP, GIR_TASK_AFTER,
  GIR_TASK_SELECT, GIR_TASK_SELECT_INDEX, GIR_TASK_SELECT_OK,
  GIR_TASK_SELECT_VALUE,
  GIR_TASK__COUNT
} GirTaskFn;

/* A TASK_OP function's name (as the text form shows it) and arguments:
 * 'c' the channel, 't' the task, 'E' an element (consumed), 'F' a sub
 * (consumed), 'i' an Int, 'x' any counted value (borrowed), 's' a Select;
 * SELECT's are by imm.task.values ('E' or 'c', "*" here). */
typedef struct GirTaskFnInfo {
  const char *name;
  const char *args;
} GirTaskFnInfo;
const GirTaskFnInfo *gir_task_fn_info(GirTaskFn fn);
/* TASK_OP argument i's letter (a Unit 'E' skipped), or 0 past the end. */
char gir_task_arg_role(const GirInst *in, uint32_t i);

typedef struct GirCase {
  int64_t value;
  GirBlock *target;
} GirCase;

typedef struct GirTerm {
  GirTermKind kind;
  Span span;
  GirValue value;       /* RET value; BR condition */
  GirBlock *target;     /* JMP target; BR then */
  GirBlock *else_target;/* BR else */
  GirValue *args;       /* JMP arguments */
  uint32_t nargs;
  GirCase *cases;       /* SWITCH */
  uint32_t ncases;
} GirTerm;

struct GirBlock {
  uint32_t id;          /* index in GirFunc.blocks */
  const char *label;    /* optional, for the printer ("loop", "then") */
  VEC(GirValue) params;
  VEC(GirInst) insts;
  GirTerm term;
};

typedef struct GirValueInfo {
  const GirType *type;
  GirBlock *block;      /* where it is defined */
  int32_t inst;         /* index in block->insts, or -1 for a block param */
  const char *dbg_name; /* guji binding name without '$', or NULL */
  Span dbg_span;        /* the binding's declaration */
} GirValueInfo;

struct GirFunc {
  uint32_t id;
  /* a lifted anonymous sub (or a sub used as a value): its closure's
   * captured values, in order; the closure is its first parameter */
  VEC(const GirType *) captures;
  bool is_closure_body;
  /* §19: the wrapper of a foreign function (its body one CALL_C) */
  bool is_foreign;
  /* parameters the callee only borrows (Perceus): the caller keeps
   * ownership and the callee neither decs them nor passes them on without
   * an inc; NULL or all false: every parameter is owned */
  bool *param_borrowed;
  const char *name;       /* guji name: "fib", "main" */
  const char *link_name;  /* symbol: "guji.fib" (never clashes with C) */
  Span span;              /* the sub's declaration */
  const GirType *ret;
  VEC(const GirType *) param_types;
  VEC(GirBlock *) blocks;      /* blocks.data[0] is the entry */
  VEC(GirValueInfo) values;
};

/* A value computed at compile time (§3 consts, interp_fold_consts), by
 * the global's type: Int, Float, Bool, Char as `i`, `f`, `b`, `ch`; Str
 * as its bytes; an object (GIR_T_OBJ) as its constructor and its stored
 * fields (Unit ones left out), in order; a List as its elements. Nothing
 * else is ever computed (Maps, closures, regexes, … stay at run time). */
typedef struct GirConst GirConst;
struct GirConst {
  union {
    int64_t i;
    double f;
    bool b;
    uint32_t ch;
    struct { const char *data; size_t len; } str;
    struct { uint32_t ctor; uint32_t n; const GirConst **fields; } obj;
    struct { int64_t n; const GirConst **elems; } list;
  } u;
};

struct GirGlobal {
  uint32_t id;
  const char *name;       /* guji name of the const */
  const char *link_name;
  const GirType *type;
  Span span;
  /* The initializer (`const.NAME`, called by GirModule.init). */
  GirFunc *init;
  /* Computed at compile time: the value CodeGen embeds as static data
   * (immortal, rc 0), and init no longer calls `init`. NULL: computed at
   * run time, before main. */
  const GirConst *value;
};

typedef struct GirTest {
  const char *name;
  GirFunc *func;
  Span span;
} GirTest;

typedef struct GirModule {
  Arena *arena;
  const char *source_path;   /* the main file, for DWARF */
  VEC(GirFunc *) funcs;
  VEC(GirGlobal *) globals;
  VEC(GirType *) types;      /* the object types, by id */
  VEC(const GirType *) list_types; /* the interned List[T] types */
  VEC(const GirType *) map_types;  /* the interned Map and Set types */
  VEC(const GirType *) task_types; /* the interned Chan and Task types */
  VEC(GirType *) fn_types;   /* interned sub(…) types (gir_type_fn) */
  /* The program's entry points: `main` (the user's, returns Unit or Int)
   * and `init` (computes every const in dependency order; may be NULL). */
  GirFunc *main;             /* NULL only in a module built for tests */
  GirFunc *init;
  bool main_returns_int;
  /* §20, `guji test` only (Session.tests): the main file's test blocks in
   * declaration order, each a function test.N of no parameters returning
   * Unit, with its name and the span of its `test` item */
  VEC(GirTest) tests;
  /* §19: the libraries the program's extern blocks name ("c", "m",
   * "foo"), each once; the driver links or loads them */
  VEC(const char *) foreign_libs;
} GirModule;

/* f's position in m->funcs (f->id, unless a pass renumbered the
 * module); SIZE_MAX when f is not m's. */
size_t gir_func_index(const GirModule *m, const GirFunc *f);

/* ---- building --------------------------------------------------------- */

GirModule *gir_module_new(Arena *a, const char *source_path);
/* A new object type (the caller fills ctors; names must be unique per
 * module, which names its derived functions). Types are compared by
 * pointer: create each once (lowering interns by its own type). */
GirType *gir_type_obj(GirModule *m, const char *name, bool is_sum,
                      bool is_tuple, uint32_t nctors);
/* List[elem] and sub(params): ret, interned per module (same arguments,
 * same pointer). */
const GirType *gir_type_list(GirModule *m, const GirType *elem);
/* Chan[elem] and Task[elem], interned likewise. */
const GirType *gir_type_chan(GirModule *m, const GirType *elem);
const GirType *gir_type_task(GirModule *m, const GirType *elem);
/* Map[key, value] (is_set: Set[key], value Unit), interned likewise. */
const GirType *gir_type_map(GirModule *m, const GirType *key,
                            const GirType *value, bool is_set);
const GirType *gir_type_fn(GirModule *m, const GirType **params,
                           uint32_t nparams, const GirType *ret);
GirFunc *gir_func_new(GirModule *m, const char *name, const char *link_name,
                      const GirType *ret, Span span);
/* Adds a parameter: to param_types and as a parameter of the entry block
 * (created on the first call). Returns the value. */
GirValue gir_func_add_param(GirModule *m, GirFunc *f, const GirType *t);
GirGlobal *gir_global_new(GirModule *m, const char *name,
                          const char *link_name, const GirType *t, Span span);
GirBlock *gir_block_new(GirModule *m, GirFunc *f, const char *label);
GirValue gir_block_add_param(GirModule *m, GirFunc *f, GirBlock *b,
                             const GirType *t);
/* A new value of type t defined in b by instruction `inst` (-1: a block
 * parameter); for passes that insert instructions (the caller keeps
 * GirValueInfo.inst right). */
GirValue gir_value_new(GirModule *m, GirFunc *f, const GirType *t,
                       GirBlock *b, int32_t inst);
void gir_value_set_dbg(GirFunc *f, GirValue v, const char *name, Span decl);

/* A builder appends to one block of one function at a time. */
typedef struct GirBuilder {
  GirModule *m;
  GirFunc *f;
  GirBlock *b;      /* current block; NULL after a terminator until
                       gir_set_block */
} GirBuilder;

void gir_set_block(GirBuilder *g, GirBlock *b);
/* True when the current block already has its terminator (code after a
 * `return` or `break`): emitting then is a no-op that returns
 * GIR_NO_VALUE, so lowering need not check everywhere. */
bool gir_is_terminated(const GirBuilder *g);

GirValue gir_const_int(GirBuilder *g, int64_t v, Span sp);
GirValue gir_const_float(GirBuilder *g, double v, Span sp);
GirValue gir_const_bool(GirBuilder *g, bool v, Span sp);
GirValue gir_const_char(GirBuilder *g, uint32_t v, Span sp);
GirValue gir_const_str(GirBuilder *g, const char *data, size_t len, Span sp);
/* A regex literal: the pattern as written and its GJ_RE_* flags. */
GirValue gir_const_regex(GirBuilder *g, const char *pat, size_t len,
                         uint32_t flags, Span sp);
/* Any op with explicit result type and arguments (arithmetic, comparisons,
 * conversions, INC/DEC, GLOBAL_GET/SET via gir_global_*). */
GirValue gir_op(GirBuilder *g, GirOp op, const GirType *type,
                const GirValue *args, uint32_t nargs, Span sp);
GirValue gir_op1(GirBuilder *g, GirOp op, const GirType *type, GirValue a,
                 Span sp);
GirValue gir_op2(GirBuilder *g, GirOp op, const GirType *type, GirValue a,
                 GirValue b, Span sp);
GirValue gir_call(GirBuilder *g, GirFunc *callee, const GirValue *args,
                  uint32_t nargs, Span sp);
GirValue gir_call_rt(GirBuilder *g, GirRtId rt, const GirValue *args,
                     uint32_t nargs, Span sp);
/* A runtime call whose result is a List ('L'): `type` says which. */
GirValue gir_call_rt_typed(GirBuilder *g, GirRtId rt, const GirValue *args,
                           uint32_t nargs, const GirType *type, Span sp);
/* §19: CALL_C of the C function `sym`, result type `type`. */
GirValue gir_call_c(GirBuilder *g, const char *sym, const GirType *type,
                    const GirValue *args, uint32_t nargs, Span sp);
GirValue gir_global_get(GirBuilder *g, GirGlobal *gl, Span sp);
void gir_global_set(GirBuilder *g, GirGlobal *gl, GirValue v, Span sp);

void gir_ret(GirBuilder *g, GirValue v, Span sp); /* v may be GIR_NO_VALUE */
void gir_jmp(GirBuilder *g, GirBlock *target, const GirValue *args,
             uint32_t nargs, Span sp);
void gir_br(GirBuilder *g, GirValue cond, GirBlock *then_b, GirBlock *else_b,
            Span sp);
void gir_unreachable(GirBuilder *g, Span sp);
/* Objects: see GIR_OP_NEW / PROJ / TAG. */
GirValue gir_new(GirBuilder *g, const GirType *t, uint32_t ctor,
                 const GirValue *fields, uint32_t nfields, Span sp);
GirValue gir_proj(GirBuilder *g, GirValue obj, const GirType *t, uint32_t ctor,
                  uint32_t field, Span sp);
GirValue gir_tag(GirBuilder *g, GirValue obj, Span sp);
/* Derived operations on any type (scalars too: EQ on Int is plain ==). */
GirValue gir_eq(GirBuilder *g, GirValue a, GirValue b, Span sp);
GirValue gir_cmp(GirBuilder *g, GirValue a, GirValue b, Span sp);
GirValue gir_append_text(GirBuilder *g, GirValue buf, GirValue v, bool nested,
                         Span sp);
void gir_switch(GirBuilder *g, GirValue v, const GirCase *cases,
                uint32_t ncases, GirBlock *else_b, Span sp);
/* Maps and sets (see GIR_OP_MAP_OP): imm.map.type = map_t, result type
 * `type`. */
GirValue gir_map_op(GirBuilder *g, GirMapFn fn, const GirType *map_t,
                    const GirType *type, const GirValue *args,
                    uint32_t nargs, Span sp);
/* MAP_OP NEW of map_t from n entries as lowering has them (key, value,
 * key, value, …; a set: its elements), GIR_NO_VALUE for a Unit one, which
 * is left out. (gir_map_op with GIR_MAP_NEW takes the operands as the
 * instruction has them, for a map with a key or a value not Unit.) */
GirValue gir_map_new(GirBuilder *g, const GirType *map_t,
                     const GirValue *entries, uint32_t n, Span sp);
/* Tasks and channels (see GIR_OP_TASK_OP): imm.task.type = t, result
 * type `type`. */
GirValue gir_task_op(GirBuilder *g, GirTaskFn fn, const GirType *t,
                     const GirType *type, const GirValue *args,
                     uint32_t nargs, Span sp);
/* SELECT over narms arms (see GirTaskFn), and SELECT_OK / SELECT_VALUE of
 * one arm (ct: that arm's channel type, for SELECT_VALUE). */
GirValue gir_task_select(GirBuilder *g, const GirValue *args, uint32_t nargs,
                         uint32_t narms, uint64_t sends, uint64_t values,
                         bool has_else, Span sp);
GirValue gir_task_select_arm(GirBuilder *g, GirTaskFn fn, GirValue st,
                             uint32_t arm, const GirType *ct, Span sp);
/* Lists (see GIR_OP_LIST_*). */
/* gir_list_new, gir_list_push, gir_list_set and gir_list_op (CONTAINS,
 * INDEX_OF) take the element values as lowering has them (GIR_NO_VALUE
 * for Unit) and leave them out of a List[Unit]'s instruction. */
GirValue gir_list_new(GirBuilder *g, const GirType *list_t,
                      const GirValue *elems, uint32_t n, Span sp);
GirValue gir_list_push(GirBuilder *g, const GirType *list_t, GirValue l,
                       GirValue x, Span sp);
GirValue gir_list_set(GirBuilder *g, const GirType *list_t, GirValue l,
                      GirValue i, GirValue x, Span sp);
GirValue gir_list_op(GirBuilder *g, GirListFn fn, const GirValue *args,
                     uint32_t nargs, Span sp);
/* Does list type lt leave its element operands out (a List[Unit])? */
bool gir_list_elem_omitted(const GirType *lt);
/* Closures (see GIR_OP_CLOSURE_NEW etc.). */
GirValue gir_closure_new(GirBuilder *g, GirFunc *lifted, const GirType *fn_t,
                         const GirValue *captures, uint32_t n, Span sp);
GirValue gir_capture(GirBuilder *g, GirValue env, uint32_t index,
                     const GirType *t, Span sp);
GirValue gir_call_closure(GirBuilder *g, GirValue clo, const GirValue *args,
                          uint32_t nargs, Span sp);
/* The other list ops (GET, LEN, CONCAT, SLICE) go through gir_op with the
 * result type given (the element type for GET). */

/* The successor slots of a terminator (jmp 1, br 2, switch ncases + 1, the
 * else last); a slot may hold NULL (a switch without else). */
uint32_t gir_term_nsuccs(const GirTerm *t);
GirBlock **gir_term_succ(GirTerm *t, uint32_t k);
/* Whether `in` consumes its argument i (takes over that reference): the
 * consuming uses of GIR.h's ops — NEW's fields, an owned parameter of a
 * callee, an 'S' runtime argument, … — and DEC, RESET and DROP. */
bool gir_inst_consumes(const GirInst *in, uint32_t i);
/* Whether `in`'s result is read out of args[0] without a reference of its
 * own (PROJ, CAPTURE, LIST_GET, MAP_OP INDEX): the RC pass incs it right
 * after, and it is borrowed when args[0] is. */
bool gir_inst_reads(const GirInst *in);
/* npreds[b] (f->blocks.len entries) = the edges into block b, plus one for
 * the entry block (the function's own entry). */
void gir_func_count_preds(const GirFunc *f, uint32_t *npreds);
/* After a pass moved instructions in b: GirValueInfo.block and .inst of
 * their results point at b and their new positions. */
void gir_block_fix_indices(GirFunc *f, GirBlock *b);

static inline const GirType *gir_value_type(const GirFunc *f, GirValue v) {
  return f->values.data[v].type;
}

/* ---- printing and checking --------------------------------------------- */

const char *gir_op_name(GirOp op);   /* "add.i", "call", … */
void gir_print_module(const GirModule *m, const SrcMgr *sm, FILE *out);
void gir_print_func(const GirFunc *f, const SrcMgr *sm, FILE *out);
char *gir_module_to_string(const GirModule *m, const SrcMgr *sm); /* free() */

/* Checks the invariants every pass relies on; reports each violation as
 * "gir: FUNC: bN: MESSAGE" to `errs` (may be NULL) and returns false when
 * there is any:
 *   - every block has a terminator; ids match positions;
 *   - every argument value is defined, and its definition dominates the use;
 *   - operand and result types fit the op (e.g. iadd: Int, Int -> Int);
 *   - call arity and argument types match the callee / runtime signature;
 *   - jmp arguments match the target's parameters in number and type;
 *     br targets take no parameters and the condition is Bool;
 *   - ret's value type is the function's result type (none for Unit);
 *   - the entry block's parameters are the function's, in number and type
 *     (it may be a jump target: a self tail call lowered to a loop);
 *   - a tail call is followed directly by `ret` of its result (or of
 *     nothing, for Unit). */
bool gir_verify_module(const GirModule *m, FILE *errs);
bool gir_verify_func(const GirModule *m, const GirFunc *f, FILE *errs);

#endif
