/* cg_internal.h — state shared by the CodeGen files (private to lib/CodeGen).
 *
 * module.c owns the per-module state (Cg): LLVM types, runtime
 * declarations, the interned GjLoc and Str-literal constants, globals and
 * the entry points. func.c translates one GirFunc at a time (CgFunc).
 * obj.c lays out objects (records, tuples, sums) and generates, per
 * object type, the functions behind inc/dec/drop and the derived
 * operations (equality, order, text form).
 * closure.c lays out closures (sub values), makes, calls and drops them.
 * list.c and map.c translate List, Map and Set operations into calls of
 * the runtime's generic collections (elements by pointer, GjType
 * descriptors); map.c also makes the thunks that let the runtime call
 * closures.
 * debug.c wraps the DIBuilder; every cg_di_* function is a no-op when the
 * module is built without -g, so callers need not check.
 */
#ifndef GUJI_CG_INTERNAL_H
#define GUJI_CG_INTERNAL_H

#include <llvm-c/Core.h>
#include <llvm-c/DebugInfo.h>

#include "guji/CodeGen.h"
#include "guji/GIR.h"
#include "guji/Session.h"

/* LLVM's CallingConv::Tail ("tailcc"); llvm-c/Core.h has no enumerator. */
#define CG_TAILCC 18u

/* A small open-addressing map from key bytes (with their hash) to an LLVM
 * value: dedupes GjLoc constants and Str literals. The key bytes must
 * outlive the map (GIR or Session arena memory). */
typedef struct CgMapEntry {
  uint64_t hash;
  const char *key;
  size_t klen;
  LLVMValueRef val;
} CgMapEntry;

typedef struct CgMap {
  CgMapEntry *slots;
  size_t cap, len;
} CgMap;

LLVMValueRef cg_map_get(const CgMap *m, uint64_t hash, const char *key,
                        size_t klen);
void cg_map_put(CgMap *m, uint64_t hash, const char *key, size_t klen,
                LLVMValueRef val);
void cg_map_free(CgMap *m);

/* The functions obj.c generates per object type T, on first use:
 *   inc.T(ptr), dec.T(ptr)   the count's fast paths (alwaysinline)
 *   drop.T(ptr)              rc reached 0: dec the fields, free the object
 *   eq.T(ptr, ptr) -> i1     cmp.T(ptr, ptr) -> i64
 *   text.T(ptr buf, ptr v) -> ptr   consumes buf, appends v's text form */
typedef enum CgObjFn {
  CG_OBJ_INC, CG_OBJ_DEC, CG_OBJ_DROP, CG_OBJ_EQ, CG_OBJ_CMP, CG_OBJ_TEXT,
  CG_OBJ__NFN
} CgObjFn;

typedef struct CgObj {
  LLVMTypeRef *structs;     /* by constructor: { header, fields… } */
  LLVMValueRef *statics;    /* by constructor: immortal header (no fields) */
  LLVMValueRef fn[CG_OBJ__NFN];
  LLVMTypeRef fn_ty[CG_OBJ__NFN];
  LLVMMetadataRef di;       /* DWARF: the pointer typedef */
} CgObj;

typedef struct CgPending {
  const GirType *type;
  CgObjFn which;
} CgPending;

typedef struct Cg {
  Session *s;
  const GirModule *m;
  const CgOptions *opts;
  LLVMContextRef ctx;
  LLVMModuleRef mod;
  LLVMBuilderRef b;
  bool failed;              /* an internal error was reported */

  LLVMTypeRef t_void, t_unit, t_i1, t_i8, t_i16, t_i32, t_i64, t_f64, t_ptr;
  LLVMTypeRef t_loc;        /* GjLoc: { ptr, i32, i32 } */
  LLVMTypeRef t_str;        /* GjStr: { {i32,i16,i16}, i64, ptr, i64, ptr } */
  LLVMTypeRef t_hdr;        /* GjHeader: {i32 rc, i16 kind, i16 flags} */

  LLVMValueRef rt_fn[GIR_RT__COUNT];   /* declared on first use */
  LLVMValueRef re_literal_fn;          /* gj_regex_literal (CONST_REGEX) */
  LLVMTypeRef re_literal_ty;
  LLVMTypeRef rt_ty[GIR_RT__COUNT];
  /* the stack limit (CgOptions): a global (thread-local in executables),
   * or, with limit_tp_offset_known, thread pointer + limit_tp_offset */
  LLVMValueRef stack_limit;
  bool limit_tp_offset_known;
  int64_t limit_tp_offset;

  LLVMValueRef *fns;        /* by position in m->funcs */
  LLVMTypeRef *fn_tys;
  unsigned *fn_cc;          /* calling convention, see choose_call_convs */
  LLVMValueRef *globals;    /* by position in m->globals */

  /* objects (obj.c) */
  CgObj *objs;              /* by GirType.id */
  CgPending *pending;       /* generated functions declared, body not yet */
  size_t npending, cappending;
  LLVMTargetDataRef td;     /* the module's layout (a 64-bit default without
                               a target machine): DWARF offsets */
  bool has_dl;              /* the module has a data layout: sizes are
                               constants, else `sizeof` constant expressions */
  LLVMValueRef obj_alloc, obj_free;     /* gj_obj_alloc, gj_obj_free */
  LLVMTypeRef obj_alloc_ty, obj_free_ty;

  /* closures (closure.c) */
  struct CgClosures *clo;
  /* lists (list.c): its state, made on first use in the session's arena */
  struct CgList *list;
  /* maps and sets (map.c): likewise */
  struct CgMaps *maps;
  struct CgTasks *tasks;
  struct CgFfi *ffi;        /* foreign calls (ffi.c) */

  CgMap locs;               /* (file, line, col) → GjLoc constant */
  CgMap strs;               /* bytes → GjStr constant */
  LLVMValueRef *file_names; /* by SrcFile id: the file name C string */

  /* the code table for backtraces (codetable.c) */
  LLVMValueRef code_table;  /* gj.code, a GjCodeTable */
  int32_t site_fn;          /* the sub being emitted (its index), or -1 */
  int site_line;            /* the source line of the code being emitted */

  unsigned kind_prof;       /* metadata kind "prof" */
  unsigned attr_zeroext, attr_noreturn, attr_cold, attr_nounwind,
      attr_uwtable;

  /* debug info (NULL without -g) */
  LLVMDIBuilderRef dib;
  LLVMMetadataRef di_cu;
  LLVMMetadataRef *di_files;           /* by SrcFile id */
  LLVMMetadataRef di_types[GIR_T_STR + 1];
} Cg;

/* module.c */
void cg_internal_error(Cg *cg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
LLVMTypeRef cg_type(Cg *cg, const GirType *t);
LLVMValueRef cg_loc(Cg *cg, Span sp);            /* ptr to a GjLoc */
LLVMValueRef cg_str_literal(Cg *cg, const char *data, size_t len);
/* A private constant array of the len bytes at data (plus a NUL when
 * `nul`), named `name`. */
LLVMValueRef cg_const_bytes(Cg *cg, const char *data, size_t len, bool nul,
                            const char *name);
/* §4, §14: whether values of a type have equality (and order and hash), or
 * a text form; an object type's descriptor leaves out what it lacks. */
typedef enum CgHas { CG_HAS_EQ, CG_HAS_TEXT } CgHas;
bool cg_type_has(const GirType *t, CgHas what);
LLVMValueRef cg_regex_literal(Cg *cg, const char *pat, size_t len,
                              uint32_t flags, LLVMValueRef loc);
LLVMValueRef cg_rt_decl(Cg *cg, GirRtId id, LLVMTypeRef *fty);
LLVMValueRef cg_func_ref(Cg *cg, const GirFunc *f, LLVMTypeRef *fty);
LLVMValueRef cg_global_ref(Cg *cg, const GirGlobal *g);
LLVMValueRef cg_intrinsic(Cg *cg, const char *name, LLVMTypeRef *tys,
                          size_t ntys, LLVMTypeRef *fty);
void cg_set_weights(Cg *cg, LLVMValueRef br, uint32_t t, uint32_t f);
void cg_span_line_col(Cg *cg, Span sp, int *line, int *col);
/* The C string naming SrcFile `file` as the user gave it. */
LLVMValueRef cg_file_name(Cg *cg, uint32_t file);

/* codetable.c: gujirt.h's GjCodeTable for backtraces. */
void cg_code_table_begin(Cg *cg);
/* Marks the call the builder emits next as a call site of cg->site_fn at
 * cg->site_line (nothing outside a sub's body). */
LLVMValueRef cg_site_call(Cg *cg, LLVMTypeRef ty, LLVMValueRef fn,
                          LLVMValueRef *args, unsigned n);
/* A call of gj_rt_register_code_table(gj.code) at the builder. */
void cg_code_table_register(Cg *cg);
/* After every other function: the table's contents. */
void cg_code_table_finish(Cg *cg);
void cg_add_fn_attrs(Cg *cg, LLVMValueRef fn);

/* obj.c */
void cg_obj_init(Cg *cg);
void cg_obj_free(Cg *cg);
/* Emits the bodies of every generated function declared so far (and of
 * those they need in turn); call once all other code is emitted. */
void cg_obj_finish(Cg *cg);
/* May a value of type t be counted (not always an immortal static)? */
bool cg_obj_counted(const GirType *t);
LLVMTypeRef cg_obj_struct(Cg *cg, const GirType *t, uint32_t ctor);
uint64_t cg_obj_offset(Cg *cg, const GirType *t, uint32_t ctor,
                       uint32_t field);           /* bytes */
uint64_t cg_obj_size(Cg *cg, const GirType *t, uint32_t ctor);
CgObj *cg_obj_info(Cg *cg, const GirType *t);
LLVMValueRef cg_obj_const(Cg *cg, const GirType *t, uint32_t ctor,
                          const LLVMValueRef *fields);
/* Stores the header of a freshly allocated object (obj.c). */
void cg_store_new_header(Cg *cg, LLVMValueRef p, uint32_t kind, uint32_t tag);
/* An object's count, read for the owned/shared decision (obj.c). */
LLVMValueRef cg_load_rc(Cg *cg, LLVMValueRef p);
/* gj_obj_alloc / gj_obj_free, declared as an allocator pair (obj.c). */
LLVMValueRef cg_obj_alloc_fn(Cg *cg);
LLVMValueRef cg_obj_free_fn(Cg *cg);
LLVMValueRef cg_obj_new(Cg *cg, const GirType *t, uint32_t ctor,
                        const LLVMValueRef *fields, uint32_t nfields);
LLVMValueRef cg_obj_proj(Cg *cg, const GirType *t, uint32_t ctor,
                         uint32_t field, LLVMValueRef obj);
LLVMValueRef cg_obj_tag(Cg *cg, const GirType *t, LLVMValueRef obj); /* i64 */
/* GIR's RESET / DROP (drop: no token, NULL), REUSE and RELEASE */
LLVMValueRef cg_obj_reset(Cg *cg, const GirType *t, uint32_t ctor,
                          uint64_t keep, LLVMValueRef x, bool drop);
LLVMValueRef cg_obj_reuse(Cg *cg, const GirType *t, uint32_t ctor,
                          LLVMValueRef token, const LLVMValueRef *fields,
                          uint32_t nfields);
void cg_obj_release(Cg *cg, const GirType *t, uint32_t ctor,
                    LLVMValueRef token);
/* inc / dec of a counted value of any heap type (Str, object, closure). */
void cg_rc(Cg *cg, const GirType *t, LLVMValueRef v, bool inc);
/* The last dec in a drop function `fn`: a musttail call where the value
 * is released, then `ret void` (emits the return itself). */
void cg_obj_tail_dec(Cg *cg, LLVMValueRef fn, const GirType *ft,
                     LLVMValueRef v);
/* §4, §13 for every type: i1, i64 (<0, 0, >0), the new buf. */
LLVMValueRef cg_eq(Cg *cg, const GirType *t, LLVMValueRef a, LLVMValueRef b);
LLVMValueRef cg_cmp(Cg *cg, const GirType *t, LLVMValueRef a, LLVMValueRef b);
LLVMValueRef cg_append_text(Cg *cg, const GirType *t, LLVMValueRef buf,
                            LLVMValueRef v, bool nested);

/* closure.c: closure objects (GIR_T_FN values), see the file's header. */
void cg_closure_init(Cg *cg);
void cg_closure_free(Cg *cg);
/* CLOSURE_NEW of `lifted` (its captures' values, in order). */
LLVMValueRef cg_closure_new(Cg *cg, const GirFunc *lifted,
                            const LLVMValueRef *caps, uint32_t ncaps);
/* CAPTURE `index` of `env`, inside the lifted sub `cur`. */
LLVMValueRef cg_closure_capture(Cg *cg, const GirFunc *cur, uint32_t index,
                                LLVMValueRef env);
/* CALL_CLOSURE: calls clo's code with (clo, args…); NULL for Unit. */
LLVMValueRef cg_closure_call(Cg *cg, const GirType *fn_t, LLVMValueRef clo,
                             const LLVMValueRef *args, uint32_t nargs);
void cg_closure_rc(Cg *cg, LLVMValueRef clo, bool inc);
void cg_closure_tail_dec(Cg *cg, LLVMValueRef fn, LLVMValueRef clo);
/* DWARF: a typedef named after the sub type of a pointer to GjClosure. */
LLVMMetadataRef cg_closure_di_type(Cg *cg, const GirType *fn_t);
/* §16: makes the closure clo shared (its mark function, if any). */
void cg_closure_share(Cg *cg, LLVMValueRef clo);

/* task.c: tasks and channels (§17). */
LLVMValueRef cg_task_inst(Cg *cg, const GirInst *in, const LLVMValueRef *args,
                          const GirType *const *tys);
/* §16: marks v (of GIR type t) and everything it reaches shared. */
void cg_share(Cg *cg, const GirType *t, LLVMValueRef v);
/* gj_mark_shared(p) on one counted object: its own header only for
 * records and closures (their fields are the caller's to mark first). */
void cg_share_header(Cg *cg, LLVMValueRef p);

/* list.c: List[T] values (GIR_OP_LIST_*), see the file's header. */
/* A LIST_* instruction; `list_t` is its list type (imm.list.type for
 * LIST_NEW, else args[0]'s), args its operands' values. NULL for Unit. */
LLVMValueRef cg_list_inst(Cg *cg, const GirInst *in, const GirType *list_t,
                          const LLVMValueRef *args);
void cg_list_rc(Cg *cg, LLVMValueRef list, bool inc);
LLVMValueRef cg_list_eq(Cg *cg, LLVMValueRef a, LLVMValueRef b);
LLVMValueRef cg_list_cmp(Cg *cg, LLVMValueRef a, LLVMValueRef b);
/* consumes buf: gj_list_append_text (elements always nested) */
LLVMValueRef cg_list_append_text(Cg *cg, LLVMValueRef buf, LLVMValueRef v);
/* ptr to the GjType descriptor of elements of type `elem` (a list's
 * element, a map's key or value: gj_type_map for every Map and Set) */
LLVMValueRef cg_list_desc(Cg *cg, const GirType *elem);
/* constdata.c: §3, an embedded const's value (GirGlobal.value) as a
 * constant of cg_type(t); objects, strings and lists become immortal
 * private globals. */
LLVMValueRef cg_const_value(Cg *cg, const GirType *t, const GirConst *c);
/* Element storage shared by list.c and map.c: a value of GIR type t in
 * the runtime's memory type (Bool i8, Unit {}); per function, slot class
 * and `which` (0 or 1: two values of one class passed at once, a map's
 * key and value) one alloca at the top of the entry block. */
enum { CG_ELEM_NSLOTS = 2 };
LLVMTypeRef cg_elem_mem_type(Cg *cg, const GirType *t);
LLVMValueRef cg_elem_slot(Cg *cg, const GirType *t, unsigned which);
/* stores v to its slot `which`; returns the slot */
LLVMValueRef cg_elem_spill(Cg *cg, const GirType *t, LLVMValueRef v,
                           unsigned which);
void cg_elem_store(Cg *cg, const GirType *t, LLVMValueRef v, LLVMValueRef p);
LLVMValueRef cg_elem_reload(Cg *cg, const GirType *t, LLVMValueRef p);
/* Declares a runtime function that RtFns.def cannot describe: sig is
 * "R:PPP", letters p ptr, i i64, b bool (zeroext i1), v void. */
LLVMValueRef cg_rt_hand_decl(Cg *cg, const char *name, const char *sig,
                             LLVMTypeRef *fty);
/* A runtime function declared by hand (list.c, map.c, task.c keep a table
 * of them): its name and signature letters, and its declaration once made. */
typedef struct CgHandSig {
  const char *name;
  const char *sig;
} CgHandSig;
typedef struct CgHandFn {
  LLVMValueRef fn;
  LLVMTypeRef ty;
} CgHandFn;
/* Calls sig's function, declaring it into *cache on first use. */
LLVMValueRef cg_rt_hand_call(Cg *cg, const CgHandSig *sig, CgHandFn *cache,
                             LLVMValueRef *args, unsigned n);

/* The builder's place (block and debug location), saved while a generated
 * function is emitted (which happens without a debug location). */
typedef struct CgPos {
  LLVMBasicBlockRef bb;
  LLVMMetadataRef loc;
} CgPos;
CgPos cg_pos_save(Cg *cg);
void cg_pos_restore(Cg *cg, CgPos p);
/* An alloca of ty at the top of the current function's entry block. */
LLVMValueRef cg_entry_alloca(Cg *cg, LLVMTypeRef ty, const char *name);

/* map.c: Map[K, V] and Set[T] values (GIR_OP_MAP_OP), see the file's
 * header. `tys` are the operands' GIR types. NULL for Unit. Their inc and
 * dec are the lists' (cg_list_rc: both are plain GjHeader objects). */
LLVMValueRef cg_map_inst(Cg *cg, const GirInst *in, const LLVMValueRef *args,
                         const GirType *const *tys);
LLVMValueRef cg_map_eq(Cg *cg, LLVMValueRef a, LLVMValueRef b);
LLVMValueRef cg_map_cmp(Cg *cg, LLVMValueRef a, LLVMValueRef b);
LLVMValueRef cg_map_append_text(Cg *cg, LLVMValueRef buf, LLVMValueRef v);

/* The GjCallFn thunk (gujirt.h) calling closures of sub type fn_t with
 * arguments of types args[0..nargs) behind pointers, in their memory
 * types (Unit ones skipped): one per sub type and argument list, made on
 * first use (map.c; the map functions and foreign callbacks use them). */
enum { CG_THUNK_MAX_ARGS = 16 };
LLVMValueRef cg_thunk(Cg *cg, const GirType *fn_t, const GirType *const *args,
                      unsigned nargs);

/* ffi.c: CALL_C (§19), a direct call of a C function; see the file. */
LLVMValueRef cg_call_c(Cg *cg, const GirInst *in, const LLVMValueRef *args,
                       const GirType *const *tys);

/* func.c */
void cg_func_body(Cg *cg, const GirFunc *gf, size_t index);

/* debug.c */
void cg_di_init(Cg *cg);
void cg_di_finish(Cg *cg);
LLVMMetadataRef cg_di_subprogram(Cg *cg, LLVMValueRef fn, const char *name,
                                 const char *link_name, Span sp,
                                 const GirType *ret, const GirType **params,
                                 size_t nparams, bool artificial);
/* A DILocation in scope `sp` (NULL when no debug info). */
LLVMMetadataRef cg_di_loc(Cg *cg, LLVMMetadataRef scope, Span span);
/* Declares `slot` (an alloca in `entry`) as variable `name`; argno > 0 for
 * a parameter. */
void cg_di_declare(Cg *cg, LLVMMetadataRef scope, LLVMValueRef slot,
                   LLVMBasicBlockRef entry, const char *name, Span decl,
                   const GirType *t, unsigned argno);

#endif
