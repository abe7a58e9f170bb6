/* ffi.c — GIR_OP_CALL_C: calls of foreign functions (§19).
 *
 * The C function is declared under its own name with the C types of its
 * guji signature (Int i64, Float double, Bool zeroext i1 as C's bool,
 * Char i32, Str and subs ptr, Unit void), the C calling convention, and
 * called directly; lowering wraps the call in a guji function that LLVM
 * inlines. Around the call, with runtime helpers (runtime/src/ffi.c):
 *   - a Str argument becomes a NUL-terminated copy, in a 256-byte buffer
 *     on the caller's stack when it fits, else malloc'd; released after
 *     the call (gj_ffi_cstr, gj_ffi_cstr_done);
 *   - a sub argument becomes a C function pointer: a libffi closure
 *     (gj_ffi_callback) whose handler calls the guji closure through the
 *     GjCallFn thunk of its sub type (map.c's cg_thunk: arguments by
 *     pointer in their memory types, which are their C types); released
 *     after the call (gj_ffi_callback_free);
 *   - a Str result is copied into a new Str (gj_ffi_str; NULL panics at
 *     the call, naming the function).
 * Everything is borrowed: the GIR arguments are neither kept nor freed.
 */
#include <string.h>

#include "cg_internal.h"

enum { STR_BUF = 256 };

typedef enum FfiRt {
  FR_CSTR, FR_CSTR_DONE, FR_STR, FR_CALLBACK, FR_CALLBACK_FREE, FR__COUNT
} FfiRt;

static const CgHandSig rt_ffi[FR__COUNT] = {
    [FR_CSTR] = {"gj_ffi_cstr", "p:ppi"},
    [FR_CSTR_DONE] = {"gj_ffi_cstr_done", "v:pp"},
    [FR_STR] = {"gj_ffi_str", "p:ppp"},
    [FR_CALLBACK] = {"gj_ffi_callback", "p:pppp"},
    [FR_CALLBACK_FREE] = {"gj_ffi_callback_free", "v:p"},
};

struct CgFfi {
  CgHandFn fn[FR__COUNT];
};

static LLVMValueRef call_rt(Cg *cg, FfiRt id, LLVMValueRef *args, unsigned n) {
  if (!cg->ffi) {
    cg->ffi = arena_alloc(cg->s->arena, sizeof *cg->ffi);
    memset(cg->ffi, 0, sizeof *cg->ffi);
  }
  return cg_rt_hand_call(cg, &rt_ffi[id], &cg->ffi->fn[id], args, n);
}

/* The C type of a value of GIR type t (Unit: void, results only). */
static LLVMTypeRef c_type(Cg *cg, const GirType *t) {
  if (t->kind == GIR_T_UNIT)
    return cg->t_void;
  return cg_type(cg, t);
}


static void zeroext(Cg *cg, LLVMValueRef fn_or_call, unsigned idx,
                    bool is_call) {
  LLVMAttributeRef a = LLVMCreateEnumAttribute(cg->ctx, cg->attr_zeroext, 0);
  if (is_call)
    LLVMAddCallSiteAttribute(fn_or_call, idx, a);
  else
    LLVMAddAttributeAtIndex(fn_or_call, idx, a);
}

/* The declaration of C function `name` with this call's types. Two
 * declarations of one C function with different guji types (in two
 * extern blocks) share the LLVM function; each call uses its own type. */
static LLVMValueRef declare_c(Cg *cg, const GirInst *in,
                              const GirType *const *tys, LLVMTypeRef *fty) {
  LLVMTypeRef ps[CG_THUNK_MAX_ARGS];
  unsigned n = in->nargs < CG_THUNK_MAX_ARGS ? in->nargs : CG_THUNK_MAX_ARGS;
  for (unsigned i = 0; i < n; i++)
    ps[i] = c_type(cg, tys[i]);
  *fty = LLVMFunctionType(c_type(cg, in->type), ps, n, false);
  LLVMValueRef fn = LLVMGetNamedFunction(cg->mod, in->imm.ccall.sym);
  if (fn)
    return fn;
  fn = LLVMAddFunction(cg->mod, in->imm.ccall.sym, *fty);
  if (in->type->kind == GIR_T_BOOL)
    zeroext(cg, fn, LLVMAttributeReturnIndex, false);
  for (unsigned i = 0; i < n; i++)
    if (tys[i]->kind == GIR_T_BOOL)
      zeroext(cg, fn, i + 1, false);
  return fn;
}

/* A C function pointer calling closure clo of sub type ft; its handle
 * (to free after the call) in *handle. */
static LLVMValueRef callback(Cg *cg, const GirType *ft, LLVMValueRef clo,
                             LLVMValueRef *handle) {
  char sig[CG_THUNK_MAX_ARGS + 3];
  gir_ffi_callback_sig(ft, CG_THUNK_MAX_ARGS, sig);
  LLVMValueRef thunk = cg_thunk(cg, ft, ft->params, ft->nparams);
  LLVMValueRef code = cg_entry_alloca(cg, cg->t_ptr, "ffi.code");
  LLVMValueRef a[4] = {clo, thunk,
                       LLVMBuildGlobalStringPtr(cg->b, sig, "ffi.sig"), code};
  *handle = call_rt(cg, FR_CALLBACK, a, 4);
  return LLVMBuildLoad2(cg->b, cg->t_ptr, code, "");
}

LLVMValueRef cg_call_c(Cg *cg, const GirInst *in, const LLVMValueRef *args,
                       const GirType *const *tys) {
  if (in->nargs > CG_THUNK_MAX_ARGS) {
    cg_internal_error(cg, "call.c %s: more than %d arguments",
                      in->imm.ccall.sym, CG_THUNK_MAX_ARGS);
    return NULL;
  }
  LLVMValueRef cargs[CG_THUNK_MAX_ARGS], bufs[CG_THUNK_MAX_ARGS],
      handles[CG_THUNK_MAX_ARGS];
  for (uint32_t i = 0; i < in->nargs; i++) {
    cargs[i] = args[i];
    if (tys[i]->kind == GIR_T_STR) {
      bufs[i] = cg_entry_alloca(cg, LLVMArrayType(cg->t_i8, STR_BUF),
                                "ffi.buf");
      LLVMValueRef a[3] = {args[i], bufs[i],
                           LLVMConstInt(cg->t_i64, STR_BUF, false)};
      cargs[i] = call_rt(cg, FR_CSTR, a, 3);
    } else if (tys[i]->kind == GIR_T_FN) {
      cargs[i] = callback(cg, tys[i], args[i], &handles[i]);
    }
  }
  LLVMTypeRef fty;
  LLVMValueRef fn = declare_c(cg, in, tys, &fty);
  LLVMValueRef r = cg_site_call(cg, fty, fn, cargs, in->nargs);
  if (in->type->kind == GIR_T_BOOL)
    zeroext(cg, r, LLVMAttributeReturnIndex, true);
  for (uint32_t i = 0; i < in->nargs; i++)
    if (tys[i]->kind == GIR_T_BOOL)
      zeroext(cg, r, i + 1, true);
  for (uint32_t i = 0; i < in->nargs; i++) {
    if (tys[i]->kind == GIR_T_STR) {
      LLVMValueRef a[2] = {cargs[i], bufs[i]};
      call_rt(cg, FR_CSTR_DONE, a, 2);
    } else if (tys[i]->kind == GIR_T_FN) {
      call_rt(cg, FR_CALLBACK_FREE, &handles[i], 1);
    }
  }
  if (in->type->kind == GIR_T_UNIT)
    return NULL;
  if (in->type->kind == GIR_T_STR) {
    LLVMValueRef a[3] = {r,
                         LLVMBuildGlobalStringPtr(cg->b, in->imm.ccall.sym,
                                                  "ffi.name"),
                         cg_loc(cg, in->span)};
    r = call_rt(cg, FR_STR, a, 3);
  }
  return r;
}
