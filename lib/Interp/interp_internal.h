/* interp_internal.h — what the interpreter's files share (private to
 * lib/Interp). interp.c: the design, set-up, frames and the instruction
 * loop; value.c: object and closure layouts, counts, the derived
 * operations, sharing, and the C-callable pieces the runtime calls back
 * into (GjType descriptors, GjCallFn thunks, task entries), all libffi
 * closures whose user data names what they serve.
 */
#ifndef GUJI_INTERP_INTERNAL_H
#define GUJI_INTERP_INTERNAL_H

#include <ffi.h>
#include <stdint.h>

#include "guji/GIR.h"
#include "guji/Interp.h"
#include "gujirt.h"

/* One 64-bit word per GIR value: Int, Float (its bits), Bool (0/1), Char,
 * or a pointer. */
typedef uint64_t Slot;


/* The runtime, found by name in this process (interp.c, rt_resolve). */
typedef struct InterpRt {
#define RT_FN(name) __typeof__(&name) name
  RT_FN(gj_rt_start);
  RT_FN(gj_inc); RT_FN(gj_dec);
  RT_FN(gj_obj_alloc); RT_FN(gj_obj_free);
  RT_FN(gj_mark_shared);
  RT_FN(gj_panic_overflow); RT_FN(gj_panic_div_zero);
  RT_FN(gj_panic_shift); RT_FN(gj_panic_stack_overflow);
  RT_FN(gj_panic_cstr);
  RT_FN(gj_str_eq); RT_FN(gj_str_cmp);
  RT_FN(gj_str_append_str); RT_FN(gj_str_append_int);
  RT_FN(gj_str_append_float); RT_FN(gj_str_append_bool);
  RT_FN(gj_str_append_char); RT_FN(gj_str_append_unit);
  RT_FN(gj_str_append_quoted); RT_FN(gj_str_append_char_quoted);
  RT_FN(gj_str_from_bytes);
  RT_FN(gj_regex_append_text); RT_FN(gj_match_append_text);
  RT_FN(gj_regex_literal);
  RT_FN(gj_hash_int);
  RT_FN(gj_list_new); RT_FN(gj_list_with_cap); RT_FN(gj_list_len);
  RT_FN(gj_list_push); RT_FN(gj_list_get); RT_FN(gj_list_set);
  RT_FN(gj_list_concat); RT_FN(gj_list_slice); RT_FN(gj_list_take);
  RT_FN(gj_list_drop); RT_FN(gj_list_eq); RT_FN(gj_list_cmp);
  RT_FN(gj_list_append_text); RT_FN(gj_list_sorted);
  RT_FN(gj_list_reversed); RT_FN(gj_list_contains);
  RT_FN(gj_list_index_of); RT_FN(gj_list_join);
  RT_FN(gj_map_new); RT_FN(gj_set_new); RT_FN(gj_map_len);
  RT_FN(gj_map_get); RT_FN(gj_map_index); RT_FN(gj_map_contains);
  RT_FN(gj_map_insert); RT_FN(gj_map_remove); RT_FN(gj_map_update);
  RT_FN(gj_map_merge); RT_FN(gj_map_map_values); RT_FN(gj_map_filter);
  RT_FN(gj_map_keys); RT_FN(gj_map_values); RT_FN(gj_map_pairs);
  RT_FN(gj_map_eq); RT_FN(gj_map_cmp); RT_FN(gj_map_append_text);
  RT_FN(gj_set_add); RT_FN(gj_set_from_list); RT_FN(gj_set_union);
  RT_FN(gj_set_intersection); RT_FN(gj_set_difference);
  RT_FN(gj_set_to_list);
  RT_FN(gj_task_spawn); RT_FN(gj_task_join_at);
  RT_FN(gj_chan_new); RT_FN(gj_chan_send_at); RT_FN(gj_chan_try_send);
  RT_FN(gj_chan_recv_at); RT_FN(gj_chan_try_recv); RT_FN(gj_chan_close);
  RT_FN(gj_select_at); RT_FN(gj_time_sleep); RT_FN(gj_time_after);
  RT_FN(gj_str_append_range);
  RT_FN(gj_ffi_cstr); RT_FN(gj_ffi_cstr_done); RT_FN(gj_ffi_str);
  RT_FN(gj_ffi_callback); RT_FN(gj_ffi_callback_free);
#undef RT_FN
  const GjType *type_int, *type_float, *type_bool, *type_char, *type_str,
      *type_unit, *type_list, *type_map, *type_regex, *type_match;
} InterpRt;

/* A C-callable function made by libffi: `code` runs fn(cif, ret, args,
 * user) with the user data given when it was made. */
typedef struct Callable {
  ffi_closure *fc;
  void *code;
  ffi_cif cif;
  ffi_type *args[4];
  Interp *in;
  const GirType *t;     /* what it serves: an element type, a sub type */
  const GirType *rt_args[16]; /* thunks: the runtime's argument types */
  unsigned nrt_args;
} Callable;

/* Layout of one constructor: the header, then its fields as a C struct
 * (obj.c); `stat` is the immortal object of a constructor without stored
 * fields. */
typedef struct ICtor {
  uint32_t size;
  uint32_t *off;        /* by field (Unit fields: unused) */
  GjHeader *stat;
} ICtor;

typedef struct IType {
  ICtor *ctors;
  GjType desc;          /* the element descriptor (list.c's gj.type.T) */
} IType;

typedef struct IFunc IFunc;

struct Interp {
  const GirModule *m;
  const SrcMgr *sm;
  FILE *errs;
  InterpRt rt;
  IFunc *funcs;         /* by position in m->funcs */
  IType *types;         /* by GirType.id */
  Slot *globals;        /* by position in m->globals */
  GjType sub_desc, shared_desc;  /* list.c's gj.type.sub / gj.type.shared */
  Callable **callables; /* every libffi closure made, freed at the end */
  size_t ncallables, capcallables;
  const char *unsupported; /* set at preparation: the first thing refused */
  /* Const evaluation (consteval.c), in a child process only: past
   * step_limit instructions (0: no limit) the child ends with status
   * INTERP_EXIT_STEPS; `job` is what the runtime's entry runs. */
  uint64_t step_limit, steps;
  void (*job)(Interp *in, void *arg);
  void *job_arg;
};

enum { INTERP_EXIT_STEPS = 3, INTERP_EXIT_UNEMBEDDABLE = 4 };

/* value.c */
void iv_layout_types(Interp *in);
/* Memory of a value of type t (Bool one byte, Char 4, Unit none). */
Slot iv_load(const GirType *t, const void *p);
void iv_store(const GirType *t, void *p, Slot v);
uint32_t iv_mem_size(const GirType *t);
/* May a value of type t be counted (CodeGen's cg_obj_counted)? */
bool iv_counted(const GirType *t);
void iv_inc(Interp *in, const GirType *t, Slot v);
void iv_dec(Interp *in, const GirType *t, Slot v);
bool iv_eq(Interp *in, const GirType *t, Slot a, Slot b);
int64_t iv_cmp(Interp *in, const GirType *t, Slot a, Slot b);
GjStr *iv_append_text(Interp *in, const GirType *t, GjStr *buf, Slot v,
                      bool nested);
void iv_share(Interp *in, const GirType *t, Slot v);
Slot iv_obj_new(Interp *in, const GirType *t, uint32_t ctor, const Slot *f);
Slot iv_obj_build(Interp *in, const GirType *t, uint32_t ctor, void *mem,
                  const Slot *f);
uint32_t iv_nstored(const GirCtor *c);
/* The closure layout of a lifted sub: captures after code, drop, mark. */
uint32_t iv_capture_off(const GirFunc *f, uint32_t i);
uint32_t iv_closure_size(const GirFunc *f);
/* The GjType of elements of type t. */
const GjType *iv_desc(Interp *in, const GirType *t);
/* C-callable pieces (libffi closures, made at preparation): */
Callable *iv_callable(Interp *in, ffi_type *ret, ffi_type **args,
                      unsigned nargs, void (*fn)(ffi_cif *, void *, void **,
                                                 void *),
                      const GirType *t);
void iv_make_descriptors(Interp *in);
/* The GjCallFn of closures of sub type fn_t given the runtime's argument
 * types (Unit ones included, then skipped). */
Callable *iv_thunk(Interp *in, const GirType *fn_t, const GirType *const *args,
                   unsigned nargs);
/* gj_task_spawn's fn for closures of type fn_t (a sub(): T). */
Callable *iv_spawner(Interp *in, const GirType *fn_t);

/* interp.c: runs closure clo (a GIR_T_FN value) with args (its
 * parameters, consumed; the closure borrowed) in a fresh frame stack on
 * this C stack; the result (a new reference), 0 for Unit. */
Slot interp_call_closure(Interp *in, Slot clo, const Slot *args,
                         uint32_t nargs);
_Noreturn void interp_fatal(Interp *in, const char *what);
/* Runs f (no parameters) to its result, on this C stack. */
Slot interp_run_func(Interp *in, const GirFunc *f);
/* Runs job(in, arg) under gj_rt_start (as the program's main task);
 * returns the runtime's exit status. */
int interp_start_job(Interp *in, void (*job)(Interp *, void *), void *arg);

/* consteval.c: a runtime value built from a compile-time one (§3: an
 * embedded const, where the interpreter runs the program). */
Slot iv_from_const(Interp *in, const GirType *t, const GirConst *c);

#endif
