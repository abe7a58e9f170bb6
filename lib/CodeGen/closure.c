/* closure.c — closures: sub values (GIR_T_FN, §8).
 *
 * A closure is a pointer to a counted object (gujirt.h, GJ_KIND_CLOSURE):
 *
 *   { {i32 rc, i16 kind = GJ_KIND_CLOSURE, i16 flags = 0},
 *     ptr code, ptr drop, ptr mark, capture… }
 *
 * `code` is the lifted GirFunc's LLVM function, whose first parameter is
 * the closure itself (borrowed) and the rest the sub's own parameters; it
 * uses the C calling convention (module.c keeps lifted subs out of the
 * tailcc groups), so every closure of one sub type is called the same
 * way: CALL_CLOSURE loads `code` and makes an indirect C call
 * `ret (ptr clo, params…)` (never a guaranteed tail call: §8 promises those
 * only for known subs). The captures follow in the lifted sub's
 * `captures` order, in their memory types (Bool as i8) with C struct
 * alignment: one LLVM struct `clo.NAME` per lifted sub NAME, which
 * CLOSURE_NEW fills and CAPTURE reads (CAPTURE occurs only in the lifted
 * sub itself, so the current function names the layout).
 *
 * `drop` is a generated `drop.closure.NAME(ptr)`: it loads the counted
 * captures, frees the object (gj_obj_free, with the size it knows), then
 * decs them, the last one as a musttail call when it releases (as obj.c's
 * drops do), so a long chain of closures capturing closures drops in
 * constant stack. `mark` is a generated `mark.closure.NAME(ptr)` that makes
 * the closure shared (§16, before it crosses to another task): unless it
 * is already (rc <= 0), it marks each counted capture (cg_share) and then
 * the closure itself (gj_mark_shared). A lifted sub without captures has one immortal static
 * closure, {0, GJ_KIND_CLOSURE, 0, code, null}, never allocated.
 *
 * inc and dec of a closure are the same for every sub type, so there is
 * one pair of alwaysinline functions per module, gj.closure.inc and
 * gj.closure.dec, with obj.c's protocol: rc 0 (immortal) nothing, rc > 1
 * a plain decrement, rc 1 a call of the object's `drop`, rc < 0 (shared
 * across tasks) the atomic path. Generated functions are emitted as soon
 * as they are first needed (the builder's position and debug location are
 * saved and restored), without debug info of their own.
 */
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Target.h>

#include "cg_internal.h"
#include "gujirt.h"

enum { CLO_CODE = 1, CLO_DROP = 2, CLO_MARK = 3, CLO_FIRST_CAPTURE = 4 };

typedef struct CgLifted {
  LLVMTypeRef st;        /* clo.NAME: { header, code, drop, mark, captures… } */
  LLVMValueRef drop;     /* drop.closure.NAME (with captures) */
  LLVMValueRef mark;     /* mark.closure.NAME (with captures) */
  LLVMValueRef stat;     /* the immortal closure (without captures) */
} CgLifted;

typedef struct CgClosures {
  CgLifted *lifted;      /* by position in m->funcs */
  LLVMTypeRef t_head;    /* gj.closure: { header, ptr code, ptr drop, ptr mark } */
  LLVMTypeRef t_drop;    /* void (ptr) */
  LLVMValueRef inc_fn, dec_fn;
  LLVMMetadataRef di_struct;   /* GjClosure */
  LLVMMetadataRef *di;         /* by position in m->fn_types */
} CgClosures;

void cg_closure_init(Cg *cg) {
  CgClosures *c = calloc(1, sizeof *c);
  if (!c)
    GJ_UNREACHABLE("out of memory");
  c->lifted = calloc(cg->m->funcs.len + 1, sizeof *c->lifted);
  c->di = calloc(cg->m->fn_types.len + 1, sizeof *c->di);
  LLVMTypeRef head[] = {cg->t_hdr, cg->t_ptr, cg->t_ptr, cg->t_ptr};
  c->t_head = LLVMStructCreateNamed(cg->ctx, "gj.closure");
  LLVMStructSetBody(c->t_head, head, 4, false);
  c->t_drop = LLVMFunctionType(cg->t_void, &cg->t_ptr, 1, false);
  cg->clo = c;
}

void cg_closure_free(Cg *cg) {
  if (!cg->clo)
    return;
  free(cg->clo->lifted);
  free(cg->clo->di);
  free(cg->clo);
  cg->clo = NULL;
}

/* ---- helpers --------------------------------------------------------------- */

static CgLifted *lifted_info(Cg *cg, const GirFunc *f, size_t *pos) {
  size_t i = gir_func_index(cg->m, f);
  if (i == SIZE_MAX) {
    cg_internal_error(cg, "closure of '%s', which is not in the module",
                      f->name);
    return NULL;
  }
  if (pos)
    *pos = i;
  return &cg->clo->lifted[i];
}

static LLVMTypeRef mem_type(Cg *cg, const GirType *t) {
  return t->kind == GIR_T_BOOL ? cg->t_i8 : cg_type(cg, t);
}

static LLVMValueRef i32c(Cg *cg, int32_t v) {
  return LLVMConstInt(cg->t_i32, (uint64_t)(int64_t)v, true);
}

static LLVMValueRef header_const(Cg *cg, int32_t rc) {
  LLVMValueRef h[] = {i32c(cg, rc),
                      LLVMConstInt(cg->t_i16, GJ_KIND_CLOSURE, false),
                      LLVMConstInt(cg->t_i16, 0, false)};
  return LLVMConstNamedStruct(cg->t_hdr, h, 3);
}

static LLVMBasicBlockRef block(Cg *cg, LLVMValueRef fn, const char *name) {
  return LLVMAppendBasicBlockInContext(cg->ctx, fn, name);
}

static void at(Cg *cg, LLVMBasicBlockRef bb) {
  LLVMPositionBuilderAtEnd(cg->b, bb);
}

static LLVMValueRef new_fn(Cg *cg, const char *name, bool inline_always) {
  LLVMValueRef fn = LLVMAddFunction(cg->mod, name, cg->clo->t_drop);
  LLVMSetLinkage(fn, LLVMInternalLinkage);
  cg_add_fn_attrs(cg, fn);
  if (inline_always)
    LLVMAddAttributeAtIndex(
        fn, LLVMAttributeFunctionIndex,
        LLVMCreateEnumAttribute(cg->ctx, LLVMGetEnumAttributeKindForName(
                                             "alwaysinline", 12), 0));
  return fn;
}

/* ---- layout ------------------------------------------------------------------ */

static LLVMTypeRef lifted_struct(Cg *cg, const GirFunc *f, CgLifted *l) {
  if (!l->st) {
    size_t n = f->captures.len;
    LLVMTypeRef *elems = malloc((n + CLO_FIRST_CAPTURE) * sizeof *elems);
    elems[0] = cg->t_hdr;
    elems[CLO_CODE] = cg->t_ptr;
    elems[CLO_DROP] = cg->t_ptr;
    elems[CLO_MARK] = cg->t_ptr;
    for (size_t i = 0; i < n; i++)
      elems[CLO_FIRST_CAPTURE + i] = mem_type(cg, f->captures.data[i]);
    char name[300];
    snprintf(name, sizeof name, "clo.%s", f->name ? f->name : "?");
    l->st = LLVMStructCreateNamed(cg->ctx, name);
    LLVMStructSetBody(l->st, elems, (unsigned)n + CLO_FIRST_CAPTURE, false);
    free(elems);
  }
  return l->st;
}

static LLVMValueRef size_of(Cg *cg, LLVMTypeRef st) {
  if (cg->has_dl)
    return LLVMConstInt(cg->t_i64, LLVMABISizeOfType(cg->td, st), false);
  return LLVMSizeOf(st);
}

static LLVMValueRef load_capture(Cg *cg, LLVMTypeRef st, LLVMValueRef p,
                                 uint32_t i, const GirType *t) {
  LLVMValueRef gep =
      LLVMBuildStructGEP2(cg->b, st, p, CLO_FIRST_CAPTURE + i, "");
  LLVMValueRef v = LLVMBuildLoad2(cg->b, mem_type(cg, t), gep, "");
  if (t->kind == GIR_T_BOOL)
    v = LLVMBuildTrunc(cg->b, v, cg->t_i1, "");
  return v;
}

/* ---- inc, dec, drop ------------------------------------------------------------ */

static void store_rc(Cg *cg, LLVMValueRef p, LLVMValueRef rc) {
  LLVMSetAlignment(LLVMBuildStore(cg->b, rc, p), 4);
}

static LLVMValueRef call_drop(Cg *cg, LLVMValueRef p) {
  LLVMValueRef gep = LLVMBuildStructGEP2(cg->b, cg->clo->t_head, p, CLO_DROP, "");
  LLVMValueRef drop = LLVMBuildLoad2(cg->b, cg->t_ptr, gep, "drop");
  return LLVMBuildCall2(cg->b, cg->clo->t_drop, drop, &p, 1, "");
}

static void cond_br(Cg *cg, LLVMValueRef c, LLVMBasicBlockRef t,
                    LLVMBasicBlockRef f, bool likely) {
  LLVMValueRef br = LLVMBuildCondBr(cg->b, c, t, f);
  if (likely)
    cg_set_weights(cg, br, 1u << 20, 1);
}

static void body_inc(Cg *cg, LLVMValueRef fn) {
  LLVMValueRef p = LLVMGetParam(fn, 0);
  LLVMBasicBlockRef pos = block(cg, fn, "owned"), other = block(cg, fn, ""),
                    shared = block(cg, fn, "shared"), done = block(cg, fn, "");
  LLVMValueRef rc = cg_load_rc(cg, p);
  cond_br(cg, LLVMBuildICmp(cg->b, LLVMIntSGT, rc, i32c(cg, 0), ""), pos,
          other, true);
  at(cg, pos);
  store_rc(cg, p, LLVMBuildAdd(cg->b, rc, i32c(cg, 1), ""));
  LLVMBuildRetVoid(cg->b);
  at(cg, other);
  LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntSLT, rc, i32c(cg, 0), ""),
                  shared, done);
  at(cg, shared); /* more negative: one more reference */
  LLVMBuildAtomicRMW(cg->b, LLVMAtomicRMWBinOpSub, p, i32c(cg, 1),
                     LLVMAtomicOrderingMonotonic, false);
  LLVMBuildRetVoid(cg->b);
  at(cg, done); /* immortal */
  LLVMBuildRetVoid(cg->b);
}

static void body_dec(Cg *cg, LLVMValueRef fn) {
  LLVMValueRef p = LLVMGetParam(fn, 0);
  LLVMBasicBlockRef many = block(cg, fn, "owned"), le1 = block(cg, fn, ""),
                    last = block(cg, fn, "last"), other = block(cg, fn, ""),
                    shared = block(cg, fn, "shared"),
                    shared_last = block(cg, fn, "shared.last"),
                    done = block(cg, fn, "");
  LLVMValueRef rc = cg_load_rc(cg, p);
  cond_br(cg, LLVMBuildICmp(cg->b, LLVMIntSGT, rc, i32c(cg, 1), ""), many, le1,
          false);
  at(cg, many);
  store_rc(cg, p, LLVMBuildSub(cg->b, rc, i32c(cg, 1), ""));
  LLVMBuildRetVoid(cg->b);
  at(cg, le1);
  LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntEQ, rc, i32c(cg, 1), ""),
                  last, other);
  at(cg, last);
  call_drop(cg, p);
  LLVMBuildRetVoid(cg->b);
  at(cg, other);
  LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntSLT, rc, i32c(cg, 0), ""),
                  shared, done);
  /* toward zero; the dec that takes -1 to 0 drops, after acquiring every
   * other task's release (as obj.c and mem.c do) */
  at(cg, shared);
  LLVMValueRef old = LLVMBuildAtomicRMW(cg->b, LLVMAtomicRMWBinOpAdd, p,
                                        i32c(cg, 1), LLVMAtomicOrderingRelease,
                                        false);
  LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntEQ, old, i32c(cg, -1), ""),
                  shared_last, done);
  at(cg, shared_last);
  LLVMBuildFence(cg->b, LLVMAtomicOrderingAcquire, false, "");
  call_drop(cg, p);
  LLVMBuildRetVoid(cg->b);
  at(cg, done);
  LLVMBuildRetVoid(cg->b);
}

static LLVMValueRef rc_fn(Cg *cg, bool inc) {
  CgClosures *c = cg->clo;
  LLVMValueRef *slot = inc ? &c->inc_fn : &c->dec_fn;
  if (!*slot) {
    LLVMValueRef fn = new_fn(cg, inc ? "gj.closure.inc" : "gj.closure.dec", true);
    *slot = fn;
    CgPos s = cg_pos_save(cg);
    at(cg, block(cg, fn, "entry"));
    if (inc)
      body_inc(cg, fn);
    else
      body_dec(cg, fn);
    cg_pos_restore(cg, s);
  }
  return *slot;
}

void cg_closure_rc(Cg *cg, LLVMValueRef clo, bool inc) {
  LLVMBuildCall2(cg->b, cg->clo->t_drop, rc_fn(cg, inc), &clo, 1, "");
}

/* In a drop function: release clo as its last act (obj.c's tail_dec):
 * when this is the last reference, a musttail call of its drop. */
void cg_closure_tail_dec(Cg *cg, LLVMValueRef fn, LLVMValueRef clo) {
  LLVMBasicBlockRef last = block(cg, fn, "last"), other = block(cg, fn, "");
  LLVMValueRef rc = cg_load_rc(cg, clo);
  LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntEQ, rc, i32c(cg, 1), ""),
                  last, other);
  at(cg, last);
  LLVMSetTailCallKind(call_drop(cg, clo), LLVMTailCallKindMustTail);
  LLVMBuildRetVoid(cg->b);
  at(cg, other);
  cg_closure_rc(cg, clo, false);
  LLVMBuildRetVoid(cg->b);
}

static void body_drop(Cg *cg, LLVMValueRef fn, const GirFunc *f,
                      LLVMTypeRef st) {
  LLVMValueRef p = LLVMGetParam(fn, 0);
  size_t n = f->captures.len;
  LLVMValueRef *vals = malloc((n + 1) * sizeof *vals);
  const GirType **tys = malloc((n + 1) * sizeof *tys);
  uint32_t k = 0;
  for (size_t i = 0; i < n; i++) {
    const GirType *t = f->captures.data[i];
    if (!cg_obj_counted(t))
      continue;
    tys[k] = t;
    vals[k++] = load_capture(cg, st, p, (uint32_t)i, t);
  }
  LLVMValueRef args[] = {p, size_of(cg, st)};
  LLVMBuildCall2(cg->b, cg->obj_free_ty, cg_obj_free_fn(cg), args, 2, "");
  for (uint32_t i = 0; i + 1 < k; i++)
    cg_rc(cg, tys[i], vals[i], false);
  if (k)
    cg_obj_tail_dec(cg, fn, tys[k - 1], vals[k - 1]);
  else
    LLVMBuildRetVoid(cg->b);
  free(vals);
  free(tys);
}

/* mark.closure.NAME: see the file comment. */
static void body_mark(Cg *cg, LLVMValueRef fn, const GirFunc *f,
                      LLVMTypeRef st) {
  LLVMValueRef p = LLVMGetParam(fn, 0);
  LLVMValueRef rc = LLVMBuildLoad2(cg->b, cg->t_i32, p, "rc");
  LLVMBasicBlockRef go = block(cg, fn, "mark"), done = block(cg, fn, "done");
  LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntSGT, rc, i32c(cg, 0), ""),
                  go, done);
  at(cg, go);
  for (size_t i = 0; i < f->captures.len; i++) {
    const GirType *t = f->captures.data[i];
    if (cg_obj_counted(t))
      cg_share(cg, t, load_capture(cg, st, p, (uint32_t)i, t));
  }
  cg_share_header(cg, p);
  LLVMBuildBr(cg->b, done);
  at(cg, done);
  LLVMBuildRetVoid(cg->b);
}

static LLVMValueRef mark_fn(Cg *cg, const GirFunc *f, CgLifted *l) {
  if (!l->mark) {
    char name[300];
    snprintf(name, sizeof name, "mark.closure.%s", f->name ? f->name : "?");
    LLVMValueRef fn = new_fn(cg, name, false);
    l->mark = fn;
    CgPos s = cg_pos_save(cg);
    at(cg, block(cg, fn, "entry"));
    body_mark(cg, fn, f, lifted_struct(cg, f, l));
    cg_pos_restore(cg, s);
  }
  return l->mark;
}

/* §16: clo shared, through its own mark function (none: an immortal
 * static closure). */
void cg_closure_share(Cg *cg, LLVMValueRef clo) {
  LLVMValueRef gep =
      LLVMBuildStructGEP2(cg->b, cg->clo->t_head, clo, CLO_MARK, "");
  LLVMValueRef mark = LLVMBuildLoad2(cg->b, cg->t_ptr, gep, "mark");
  LLVMValueRef fn = LLVMGetBasicBlockParent(LLVMGetInsertBlock(cg->b));
  LLVMBasicBlockRef go = block(cg, fn, "share"), done = block(cg, fn, "shared");
  LLVMBuildCondBr(cg->b, LLVMBuildIsNotNull(cg->b, mark, ""), go, done);
  at(cg, go);
  LLVMBuildCall2(cg->b, cg->clo->t_drop, mark, &clo, 1, "");
  LLVMBuildBr(cg->b, done);
  at(cg, done);
}

static LLVMValueRef drop_fn(Cg *cg, const GirFunc *f, CgLifted *l) {
  if (!l->drop) {
    char name[300];
    snprintf(name, sizeof name, "drop.closure.%s", f->name ? f->name : "?");
    LLVMValueRef fn = new_fn(cg, name, false);
    l->drop = fn;
    CgPos s = cg_pos_save(cg);
    at(cg, block(cg, fn, "entry"));
    body_drop(cg, fn, f, lifted_struct(cg, f, l));
    cg_pos_restore(cg, s);
  }
  return l->drop;
}

/* ---- CLOSURE_NEW, CAPTURE, CALL_CLOSURE ------------------------------------------ */

LLVMValueRef cg_closure_new(Cg *cg, const GirFunc *lifted,
                            const LLVMValueRef *caps, uint32_t ncaps) {
  size_t pos = 0;
  CgLifted *l = lifted_info(cg, lifted, &pos);
  if (!l)
    return LLVMGetUndef(cg->t_ptr);
  if (ncaps != lifted->captures.len) {
    cg_internal_error(cg, "closure.new %s: %u captures given, %zu expected",
                      lifted->name, ncaps, lifted->captures.len);
    return LLVMGetUndef(cg->t_ptr);
  }
  LLVMValueRef code = cg->fns[pos];
  if (ncaps == 0) {
    if (!l->stat) {
      LLVMValueRef f[] = {header_const(cg, 0), code, LLVMConstNull(cg->t_ptr),
                          LLVMConstNull(cg->t_ptr)};
      char name[300];
      snprintf(name, sizeof name, "gj.closure.%s",
               lifted->name ? lifted->name : "?");
      LLVMValueRef g = LLVMAddGlobal(cg->mod, cg->clo->t_head, name);
      LLVMSetInitializer(g, LLVMConstNamedStruct(cg->clo->t_head, f, 4));
      LLVMSetGlobalConstant(g, true);
      LLVMSetLinkage(g, LLVMPrivateLinkage);
      LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
      LLVMSetAlignment(g, 8);
      l->stat = g;
    }
    return l->stat;
  }
  LLVMTypeRef st = lifted_struct(cg, lifted, l);
  LLVMValueRef drop = drop_fn(cg, lifted, l);
  LLVMValueRef mark = mark_fn(cg, lifted, l);
  LLVMValueRef args[] = {size_of(cg, st),
                         LLVMConstInt(cg->t_i32, GJ_KIND_CLOSURE, false)};
  LLVMValueRef p =
      LLVMBuildCall2(cg->b, cg->obj_alloc_ty, cg_obj_alloc_fn(cg), args, 2, "clo");
  cg_store_new_header(cg, p, GJ_KIND_CLOSURE, 0);
  LLVMBuildStore(cg->b, code, LLVMBuildStructGEP2(cg->b, st, p, CLO_CODE, ""));
  LLVMBuildStore(cg->b, drop, LLVMBuildStructGEP2(cg->b, st, p, CLO_DROP, ""));
  LLVMBuildStore(cg->b, mark, LLVMBuildStructGEP2(cg->b, st, p, CLO_MARK, ""));
  for (uint32_t i = 0; i < ncaps; i++) {
    const GirType *t = lifted->captures.data[i];
    LLVMValueRef v = caps[i];
    if (t->kind == GIR_T_BOOL)
      v = LLVMBuildZExt(cg->b, v, cg->t_i8, "");
    LLVMBuildStore(cg->b, v,
                   LLVMBuildStructGEP2(cg->b, st, p, CLO_FIRST_CAPTURE + i, ""));
  }
  return p;
}

LLVMValueRef cg_closure_capture(Cg *cg, const GirFunc *cur, uint32_t index,
                                LLVMValueRef env) {
  CgLifted *l = lifted_info(cg, cur, NULL);
  if (!l || index >= cur->captures.len) {
    cg_internal_error(cg, "%s: capture %u of %zu", cur->name, index,
                      cur->captures.len);
    return LLVMGetUndef(cg->t_i64);
  }
  return load_capture(cg, lifted_struct(cg, cur, l), env, index,
                      cur->captures.data[index]);
}

/* The LLVM type of every lifted sub of sub type fn_t: ret (ptr, params…). */
static LLVMTypeRef code_type(Cg *cg, const GirType *fn_t) {
  uint32_t n = fn_t->nparams;
  LLVMTypeRef *ps = malloc((n + 1) * sizeof *ps);
  ps[0] = cg->t_ptr;
  for (uint32_t i = 0; i < n; i++)
    ps[i + 1] = cg_type(cg, fn_t->params[i]);
  LLVMTypeRef ret =
      fn_t->ret->kind == GIR_T_UNIT ? cg->t_void : cg_type(cg, fn_t->ret);
  LLVMTypeRef ty = LLVMFunctionType(ret, ps, n + 1, false);
  free(ps);
  return ty;
}

LLVMValueRef cg_closure_call(Cg *cg, const GirType *fn_t, LLVMValueRef clo,
                             const LLVMValueRef *args, uint32_t nargs) {
  if (fn_t->kind != GIR_T_FN || nargs != fn_t->nparams) {
    cg_internal_error(cg, "call.closure of a %s with %u arguments",
                      gir_type_name(fn_t), nargs);
    return NULL;
  }
  LLVMValueRef gep =
      LLVMBuildStructGEP2(cg->b, cg->clo->t_head, clo, CLO_CODE, "");
  LLVMValueRef code = LLVMBuildLoad2(cg->b, cg->t_ptr, gep, "code");
  LLVMValueRef *all = malloc((nargs + 1) * sizeof *all);
  all[0] = clo;
  if (nargs)
    memcpy(all + 1, args, nargs * sizeof *args);
  LLVMValueRef call = cg_site_call(cg, code_type(cg, fn_t), code, all, nargs + 1);
  free(all);
  LLVMSetInstructionCallConv(call, LLVMCCallConv);
  return fn_t->ret->kind == GIR_T_UNIT ? NULL : call;
}

/* ---- DWARF --------------------------------------------------------------------- */

static LLVMMetadataRef di_member(Cg *cg, LLVMMetadataRef scope,
                                 const char *name, uint64_t bits,
                                 uint64_t offset, LLVMMetadataRef ty) {
  return LLVMDIBuilderCreateMemberType(cg->dib, scope, name, strlen(name),
                                       NULL, 0, bits, (uint32_t)bits, offset,
                                       LLVMDIFlagZero, ty);
}

/* struct GjClosure { int32_t rc; uint16_t kind, flags; void *code, *drop, *mark; } */
static LLVMMetadataRef di_closure_struct(Cg *cg) {
  CgClosures *c = cg->clo;
  if (c->di_struct)
    return c->di_struct;
  LLVMDIBuilderRef d = cg->dib;
  LLVMMetadataRef i32 = LLVMDIBuilderCreateBasicType(d, "int32_t", 7, 32,
                                                     0x05, LLVMDIFlagZero);
  LLVMMetadataRef u16 = LLVMDIBuilderCreateBasicType(d, "uint16_t", 8, 16,
                                                     0x08, LLVMDIFlagZero);
  LLVMMetadataRef vp =
      LLVMDIBuilderCreatePointerType(d, NULL, 64, 64, 0, "void *", 6);
  LLVMMetadataRef ms[] = {
      di_member(cg, cg->di_cu, "rc", 32, 0, i32),
      di_member(cg, cg->di_cu, "kind", 16, 32, u16),
      di_member(cg, cg->di_cu, "flags", 16, 48, u16),
      di_member(cg, cg->di_cu, "code", 64, 64, vp),
      di_member(cg, cg->di_cu, "drop", 64, 128, vp),
      di_member(cg, cg->di_cu, "mark", 64, 192, vp)};
  c->di_struct = LLVMDIBuilderCreateStructType(
      d, cg->di_cu, "GjClosure", 9, NULL, 0, 256, 64, LLVMDIFlagZero, NULL, ms,
      6, 0, NULL, NULL, 0);
  return c->di_struct;
}

LLVMMetadataRef cg_closure_di_type(Cg *cg, const GirType *fn_t) {
  if (!cg->dib)
    return NULL;
  const GirModule *m = cg->m;
  size_t i = 0;
  while (i < m->fn_types.len && m->fn_types.data[i] != fn_t)
    i++;
  LLVMMetadataRef *slot = i < m->fn_types.len ? &cg->clo->di[i] : NULL;
  if (slot && *slot)
    return *slot;
  LLVMMetadataRef ptr = LLVMDIBuilderCreatePointerType(
      cg->dib, di_closure_struct(cg), 64, 64, 0, NULL, 0);
  const char *name = gir_type_name(fn_t);
  LLVMMetadataRef td = LLVMDIBuilderCreateTypedef(
      cg->dib, ptr, name, strlen(name), NULL, 0, cg->di_cu, 64);
  if (slot)
    *slot = td;
  return td;
}
