/* cg_internal.h — state shared by the CodeGen files (private to lib/CodeGen).
 *
 * module.c owns the per-module state (Cg): LLVM types, runtime
 * declarations, the interned GjLoc and Str-literal constants, globals and
 * the entry points. func.c translates one GirFunc at a time (CgFunc).
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

  LLVMValueRef rt_fn[GIR_RT__COUNT];   /* declared on first use */
  LLVMTypeRef rt_ty[GIR_RT__COUNT];
  LLVMValueRef stack_limit;            /* external global gj_stack_limit */

  LLVMValueRef *fns;        /* by position in m->funcs */
  LLVMTypeRef *fn_tys;
  unsigned *fn_cc;          /* calling convention, see choose_call_convs */
  LLVMValueRef *globals;    /* by position in m->globals */

  CgMap locs;               /* (file, line, col) → GjLoc constant */
  CgMap strs;               /* bytes → GjStr constant */
  LLVMValueRef *file_names; /* by SrcFile id: the file name C string */

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
LLVMValueRef cg_rt_decl(Cg *cg, GirRtId id, LLVMTypeRef *fty);
LLVMValueRef cg_func_ref(Cg *cg, const GirFunc *f, LLVMTypeRef *fty);
LLVMValueRef cg_global_ref(Cg *cg, const GirGlobal *g);
LLVMValueRef cg_intrinsic(Cg *cg, const char *name, LLVMTypeRef *tys,
                          size_t ntys, LLVMTypeRef *fty);
void cg_set_weights(Cg *cg, LLVMValueRef br, uint32_t t, uint32_t f);
void cg_span_line_col(Cg *cg, Span sp, int *line, int *col);
void cg_add_fn_attrs(Cg *cg, LLVMValueRef fn);

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
