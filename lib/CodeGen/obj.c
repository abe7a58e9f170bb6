/* obj.c — objects (records, tuples, sums: §10) and the derived operations
 * of every type (§4 equality and order, §13 text forms).
 *
 * Layout (GIR.h): each constructor of an object type is an LLVM struct
 * `{ {i32 rc, i16 kind, i16 tag}, field… }`, the fields in their memory
 * types (Bool as i8, 0 or 1; everything else as in registers), laid out by
 * the data layout exactly as C lays out the same struct; a Unit field is
 * an empty struct `{}` there (no storage: NEW, EQ, CMP skip it, the
 * text form writes `()`). A value is a
 * pointer to one of them; the header's flags hold the constructor's tag.
 * A constructor without stored fields is one private constant header per type
 * and constructor, {rc 0, GJ_KIND_OBJ, tag}: immortal, never allocated.
 * Objects come from gj_obj_alloc(size, GJ_KIND_OBJ) and go back with
 * gj_obj_free(p, size) — the allocator (alloc.c) wants the size at free
 * time, and each constructor knows its own. These two are the only runtime
 * functions CodeGen declares by hand (they take a raw size, which
 * RtFns.def's letters do not describe).
 *
 * Everything that depends on the type is a generated function, declared on
 * first use and emitted at the end of the module by cg_obj_finish (so a
 * body may ask for other types' functions, and a recursive type for its
 * own):
 *   inc.T, dec.T  the count's fast paths, alwaysinline: rc > 0 plain
 *                 increments and decrements, rc 0 (immortal) nothing,
 *                 rc < 0 (shared across tasks) atomic, as mem.c's gj_inc
 *                 and gj_dec; the dec that releases the last reference
 *                 calls drop.T;
 *   drop.T        loads the counted fields of the object's constructor,
 *                 frees the object, then decs the fields. The last one is
 *                 a musttail call (to drop.F when it is uniquely owned, or
 *                 to gj_dec for a Str), so dropping a long chain (a list
 *                 built of `Cons(x, rest)`) runs in constant stack;
 *   eq.T, cmp.T   tags first (declaration order), then the fields in
 *                 order (Float by IEEE: NaN is unequal to itself, and
 *                 neither less nor greater than anything);
 *   text.T        `Point { x: 1.0, y: 2.0 }`, `(1, "a")`, `Some(3)`,
 *                 `None`; fields in their nested form (Str, Char quoted).
 * A type whose constructors all lack fields (`Red | Green`) has only
 * immortal values, so inc and dec of it are nothing at all.
 */
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Target.h>

#include "cg_internal.h"
#include "gujirt.h"

static const char *const fn_prefix[CG_OBJ__NFN] = {
    [CG_OBJ_INC] = "inc.",  [CG_OBJ_DEC] = "dec.", [CG_OBJ_DROP] = "drop.",
    [CG_OBJ_EQ] = "eq.",    [CG_OBJ_CMP] = "cmp.", [CG_OBJ_TEXT] = "text.",
};

/* ---- module state -------------------------------------------------------- */

void cg_obj_init(Cg *cg) {
  cg->t_hdr = LLVMStructGetTypeAtIndex(cg->t_str, 0);
  cg->objs = calloc(cg->m->types.len + 1, sizeof *cg->objs);
  const char *dl = LLVMGetDataLayoutStr(cg->mod);
  cg->has_dl = dl && *dl;
  /* Without a target machine (unit tests) the JIT sets the layout later;
   * allocation sizes are then `sizeof` constant expressions, exact
   * whatever the layout, and only DWARF offsets use this 64-bit default. */
  cg->td = LLVMCreateTargetData(
      cg->has_dl ? dl : "e-m:e-p:64:64-i64:64-i128:128-n8:16:32:64-S128");

  LLVMTypeRef alloc_ps[] = {cg->t_i64, cg->t_i32};
  cg->obj_alloc_ty = LLVMFunctionType(cg->t_ptr, alloc_ps, 2, false);
  LLVMTypeRef free_ps[] = {cg->t_ptr, cg->t_i64};
  cg->obj_free_ty = LLVMFunctionType(cg->t_void, free_ps, 2, false);
}

void cg_obj_free(Cg *cg) {
  for (size_t i = 0; cg->objs && i < cg->m->types.len; i++) {
    free(cg->objs[i].structs);
    free(cg->objs[i].statics);
  }
  free(cg->objs);
  free(cg->pending);
  if (cg->td)
    LLVMDisposeTargetData(cg->td);
}

CgObj *cg_obj_info(Cg *cg, const GirType *t) {
  const GirModule *m = cg->m;
  if (!t || t->kind != GIR_T_OBJ || t->id >= m->types.len ||
      m->types.data[t->id] != t)
    GJ_UNREACHABLE("codegen: object type not in the module");
  CgObj *o = &cg->objs[t->id];
  if (!o->structs) {
    o->structs = calloc(t->nctors + 1, sizeof *o->structs);
    o->statics = calloc(t->nctors + 1, sizeof *o->statics);
  }
  return o;
}

/* Fields with storage: all but the Unit ones (GIR.h). */
static uint32_t nstored(const GirCtor *c) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < c->nfields; i++)
    n += c->fields[i]->kind != GIR_T_UNIT;
  return n;
}

bool cg_obj_counted(const GirType *t) {
  if (t->kind == GIR_T_STR || t->kind == GIR_T_FN || t->kind == GIR_T_LIST ||
      t->kind == GIR_T_MAP || t->kind == GIR_T_CHAN || t->kind == GIR_T_TASK ||
      t->kind == GIR_T_REGEX || t->kind == GIR_T_MATCH ||
      t->kind == GIR_T_HANDLE)
    return true;
  if (t->kind != GIR_T_OBJ)
    return false;
  for (uint32_t c = 0; c < t->nctors; c++)
    if (nstored(&t->ctors[c]))
      return true;
  return false;
}

/* ---- layout --------------------------------------------------------------- */

static LLVMTypeRef mem_type(Cg *cg, const GirType *t) {
  return t->kind == GIR_T_BOOL ? cg->t_i8 : cg_type(cg, t);
}

LLVMTypeRef cg_obj_struct(Cg *cg, const GirType *t, uint32_t ctor) {
  CgObj *o = cg_obj_info(cg, t);
  if (ctor >= t->nctors)
    GJ_UNREACHABLE("codegen: constructor index out of range");
  if (!o->structs[ctor]) {
    const GirCtor *c = &t->ctors[ctor];
    char name[256];
    if (t->is_sum)
      snprintf(name, sizeof name, "obj.%s.%s", t->name, c->name);
    else
      snprintf(name, sizeof name, "obj.%s", t->name);
    LLVMTypeRef st = LLVMStructCreateNamed(cg->ctx, name);
    LLVMTypeRef *elems = malloc((c->nfields + 1) * sizeof *elems);
    elems[0] = cg->t_hdr;
    for (uint32_t i = 0; i < c->nfields; i++)
      elems[i + 1] = mem_type(cg, c->fields[i]);
    LLVMStructSetBody(st, elems, c->nfields + 1, false);
    free(elems);
    o->structs[ctor] = st;
  }
  return o->structs[ctor];
}

uint64_t cg_obj_offset(Cg *cg, const GirType *t, uint32_t ctor,
                       uint32_t field) {
  return LLVMOffsetOfElement(cg->td, cg_obj_struct(cg, t, ctor), field + 1);
}

uint64_t cg_obj_size(Cg *cg, const GirType *t, uint32_t ctor) {
  return LLVMABISizeOfType(cg->td, cg_obj_struct(cg, t, ctor));
}

static LLVMValueRef size_value(Cg *cg, const GirType *t, uint32_t ctor) {
  if (cg->has_dl)
    return LLVMConstInt(cg->t_i64, cg_obj_size(cg, t, ctor), false);
  return LLVMSizeOf(cg_obj_struct(cg, t, ctor));
}

static LLVMValueRef header_const(Cg *cg, int32_t rc, uint32_t tag) {
  LLVMValueRef h[] = {LLVMConstInt(cg->t_i32, (uint64_t)(int64_t)rc, true),
                      LLVMConstInt(cg->t_i16, GJ_KIND_OBJ, false),
                      LLVMConstInt(cg->t_i16, tag, false)};
  return LLVMConstNamedStruct(cg->t_hdr, h, 3);
}

/* The header of an object just allocated: count 1, kind, tag (flags).
 * The count is stored as an unordered atomic, as cg_load_rc reads it, so
 * that LLVM may forward one to the other (it never forwards a plain store
 * to an atomic load). */
void cg_store_new_header(Cg *cg, LLVMValueRef p, uint32_t kind,
                         uint32_t tag) {
  LLVMValueRef rc = LLVMBuildStore(cg->b, LLVMConstInt(cg->t_i32, 1, false),
                                   LLVMBuildStructGEP2(cg->b, cg->t_hdr, p, 0, ""));
  LLVMSetOrdering(rc, LLVMAtomicOrderingUnordered);
  LLVMSetAlignment(rc, 4);
  LLVMBuildStore(cg->b, LLVMConstInt(cg->t_i16, kind, false),
                 LLVMBuildStructGEP2(cg->b, cg->t_hdr, p, 1, ""));
  LLVMBuildStore(cg->b, LLVMConstInt(cg->t_i16, tag, false),
                 LLVMBuildStructGEP2(cg->b, cg->t_hdr, p, 2, ""));
}

/* The immortal object of a constructor without fields. */
static LLVMValueRef static_of(Cg *cg, const GirType *t, uint32_t ctor) {
  CgObj *o = cg_obj_info(cg, t);
  if (!o->statics[ctor]) {
    char name[256];
    snprintf(name, sizeof name, "gj.obj.%s.%s", t->name, t->ctors[ctor].name);
    LLVMValueRef g = LLVMAddGlobal(cg->mod, cg->t_hdr, name);
    LLVMSetInitializer(g, header_const(cg, 0, ctor));
    LLVMSetGlobalConstant(g, true);
    LLVMSetLinkage(g, LLVMPrivateLinkage);
    LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
    LLVMSetAlignment(g, 8);
    o->statics[ctor] = g;
  }
  return o->statics[ctor];
}

/* §3: an embedded const's object, immortal (rc 0) and read-only: `fields`
 * are constants of the stored fields' memory types (Bool i8), in order. */
LLVMValueRef cg_obj_const(Cg *cg, const GirType *t, uint32_t ctor,
                          const LLVMValueRef *fields) {
  const GirCtor *c = &t->ctors[ctor];
  if (!nstored(c))
    return static_of(cg, t, ctor);
  LLVMTypeRef st = cg_obj_struct(cg, t, ctor);
  LLVMValueRef *el = malloc((c->nfields + 1) * sizeof *el);
  el[0] = header_const(cg, 0, ctor);
  for (uint32_t i = 0, k = 0; i < c->nfields; i++)
    el[i + 1] = c->fields[i]->kind == GIR_T_UNIT ? LLVMConstNull(cg->t_unit)
                                                 : fields[k++];
  LLVMValueRef g = LLVMAddGlobal(cg->mod, st, "gj.const.obj");
  LLVMSetInitializer(g, LLVMConstNamedStruct(st, el, c->nfields + 1));
  free(el);
  LLVMSetGlobalConstant(g, true);
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  LLVMSetAlignment(g, 8);
  return g;
}

/* ---- NEW, PROJ, TAG --------------------------------------------------------- */

static LLVMValueRef call(Cg *cg, LLVMTypeRef ty, LLVMValueRef fn,
                         LLVMValueRef *args, unsigned n) {
  return LLVMBuildCall2(cg->b, ty, fn, args, n, "");
}

static LLVMValueRef call_rt(Cg *cg, GirRtId id, LLVMValueRef *args,
                            unsigned n) {
  LLVMTypeRef ty;
  LLVMValueRef fn = cg_rt_decl(cg, id, &ty);
  return call(cg, ty, fn, args, n);
}

static LLVMValueRef declare_extern(Cg *cg, const char *name, LLVMTypeRef ty) {
  LLVMValueRef fn = LLVMGetNamedFunction(cg->mod, name);
  if (!fn)
    fn = LLVMAddFunction(cg->mod, name, ty);
  LLVMAddAttributeAtIndex(
      fn, LLVMAttributeFunctionIndex,
      LLVMCreateEnumAttribute(cg->ctx, LLVMGetEnumAttributeKindForName(
                                           "nounwind", 8), 0));
  return fn;
}

/* LLVM's AllocFnKind bits (llvm/IR/Attributes.h) */
enum { ALLOCKIND_ALLOC = 1 << 0, ALLOCKIND_FREE = 1 << 2 };

static void allocator_attrs(Cg *cg, LLVMValueRef fn, uint64_t kind) {
  LLVMAddAttributeAtIndex(
      fn, LLVMAttributeFunctionIndex,
      LLVMCreateEnumAttribute(cg->ctx, LLVMGetEnumAttributeKindForName(
                                           "allockind", 9), kind));
  static const char fam[] = "alloc-family", val[] = "gujirt";
  LLVMAddAttributeAtIndex(
      fn, LLVMAttributeFunctionIndex,
      LLVMCreateStringAttribute(cg->ctx, fam, sizeof fam - 1, val,
                                sizeof val - 1));
}

/* gj_obj_alloc and gj_obj_free, declared as an allocator pair (LLVM's
 * allockind and alloc-family): with the header stored here at every
 * allocation, an object that never escapes its function — an Option a
 * receive makes and the loop takes apart at once, a tuple built to be
 * matched — has its count read back as 1, its release folded to the
 * free, and then the allocation and the free removed together
 * (InstCombine's removable alloc site). Both runtime functions keep their
 * side effects (the live counts) balanced, so nothing observable is lost. */
LLVMValueRef cg_obj_alloc_fn(Cg *cg) {
  if (!cg->obj_alloc) {
    cg->obj_alloc = declare_extern(cg, "gj_obj_alloc", cg->obj_alloc_ty);
    LLVMAddAttributeAtIndex(
        cg->obj_alloc, LLVMAttributeReturnIndex,
        LLVMCreateEnumAttribute(cg->ctx, LLVMGetEnumAttributeKindForName(
                                             "noalias", 7), 0));
    allocator_attrs(cg, cg->obj_alloc, ALLOCKIND_ALLOC);
  }
  return cg->obj_alloc;
}

LLVMValueRef cg_obj_free_fn(Cg *cg) {
  if (!cg->obj_free) {
    cg->obj_free = declare_extern(cg, "gj_obj_free", cg->obj_free_ty);
    allocator_attrs(cg, cg->obj_free, ALLOCKIND_FREE);
    LLVMAddAttributeAtIndex(
        cg->obj_free, 1,
        LLVMCreateEnumAttribute(cg->ctx, LLVMGetEnumAttributeKindForName(
                                             "allocptr", 8), 0));
  }
  return cg->obj_free;
}

static void store_field(Cg *cg, LLVMTypeRef st, LLVMValueRef p, uint32_t i,
                        const GirType *ft, LLVMValueRef v) {
  if (ft->kind == GIR_T_BOOL)
    v = LLVMBuildZExt(cg->b, v, cg->t_i8, "");
  LLVMBuildStore(cg->b, v, LLVMBuildStructGEP2(cg->b, st, p, i + 1, ""));
}

static LLVMValueRef load_field(Cg *cg, LLVMTypeRef st, LLVMValueRef p,
                               uint32_t i, const GirType *ft) {
  LLVMValueRef gep = LLVMBuildStructGEP2(cg->b, st, p, i + 1, "");
  LLVMValueRef v = LLVMBuildLoad2(cg->b, mem_type(cg, ft), gep, "");
  if (ft->kind == GIR_T_BOOL)
    v = LLVMBuildTrunc(cg->b, v, cg->t_i1, "");
  return v;
}

/* `fields` are the values of the fields with storage, in order. */
LLVMValueRef cg_obj_new(Cg *cg, const GirType *t, uint32_t ctor,
                        const LLVMValueRef *fields, uint32_t nfields) {
  const GirCtor *c = &t->ctors[ctor];
  if (nfields != nstored(c)) {
    cg_internal_error(cg, "new %s: %u fields given, %u expected",
                      c->name, nfields, nstored(c));
    return LLVMGetUndef(cg->t_ptr);
  }
  if (!nfields)
    return static_of(cg, t, ctor);
  LLVMTypeRef st = cg_obj_struct(cg, t, ctor);
  LLVMValueRef args[] = {size_value(cg, t, ctor),
                         LLVMConstInt(cg->t_i32, GJ_KIND_OBJ, false)};
  LLVMValueRef p = call(cg, cg->obj_alloc_ty, cg_obj_alloc_fn(cg), args, 2);
  cg_store_new_header(cg, p, GJ_KIND_OBJ, ctor);
  for (uint32_t i = 0, k = 0; i < c->nfields; i++)
    if (c->fields[i]->kind != GIR_T_UNIT)
      store_field(cg, st, p, i, c->fields[i], fields[k++]);
  return p;
}

LLVMValueRef cg_obj_proj(Cg *cg, const GirType *t, uint32_t ctor,
                         uint32_t field, LLVMValueRef obj) {
  if (ctor >= t->nctors || field >= t->ctors[ctor].nfields) {
    cg_internal_error(cg, "proj %s: no field %u of constructor %u",
                      t->name, field, ctor);
    return LLVMGetUndef(cg->t_i64);
  }
  return load_field(cg, cg_obj_struct(cg, t, ctor), obj, field,
                    t->ctors[ctor].fields[field]);
}

static LLVMValueRef load_tag16(Cg *cg, LLVMValueRef obj) {
  LLVMValueRef gep = LLVMBuildStructGEP2(cg->b, cg->t_hdr, obj, 2, "");
  return LLVMBuildLoad2(cg->b, cg->t_i16, gep, "tag");
}

LLVMValueRef cg_obj_tag(Cg *cg, const GirType *t, LLVMValueRef obj) {
  if (t->nctors <= 1)
    return LLVMConstInt(cg->t_i64, 0, false);
  return LLVMBuildZExt(cg->b, load_tag16(cg, obj), cg->t_i64, "");
}

/* ---- generated functions ------------------------------------------------- */

static LLVMTypeRef fn_type(Cg *cg, CgObjFn which) {
  LLVMTypeRef pp[] = {cg->t_ptr, cg->t_ptr};
  switch (which) {
  case CG_OBJ_INC: case CG_OBJ_DEC: case CG_OBJ_DROP:
    return LLVMFunctionType(cg->t_void, pp, 1, false);
  case CG_OBJ_EQ: return LLVMFunctionType(cg->t_i1, pp, 2, false);
  case CG_OBJ_CMP: return LLVMFunctionType(cg->t_i64, pp, 2, false);
  case CG_OBJ_TEXT: return LLVMFunctionType(cg->t_ptr, pp, 2, false);
  case CG_OBJ__NFN: break;
  }
  GJ_UNREACHABLE("bad generated function");
}

/* Declares `which` for t on first use and queues its body. */
static LLVMValueRef obj_fn(Cg *cg, const GirType *t, CgObjFn which,
                           LLVMTypeRef *fty) {
  CgObj *o = cg_obj_info(cg, t);
  if (!o->fn[which]) {
    char name[300];
    snprintf(name, sizeof name, "%s%s", fn_prefix[which], t->name);
    LLVMTypeRef ty = fn_type(cg, which);
    LLVMValueRef fn = LLVMAddFunction(cg->mod, name, ty);
    LLVMSetLinkage(fn, LLVMInternalLinkage);
    cg_add_fn_attrs(cg, fn);
    if (which == CG_OBJ_INC || which == CG_OBJ_DEC)
      LLVMAddAttributeAtIndex(
          fn, LLVMAttributeFunctionIndex,
          LLVMCreateEnumAttribute(cg->ctx, LLVMGetEnumAttributeKindForName(
                                               "alwaysinline", 12), 0));
    o->fn[which] = fn;
    o->fn_ty[which] = ty;
    if (cg->npending == cg->cappending) {
      cg->cappending = cg->cappending ? cg->cappending * 2 : 16;
      cg->pending = realloc(cg->pending, cg->cappending * sizeof *cg->pending);
    }
    cg->pending[cg->npending++] = (CgPending){t, which};
  }
  if (fty)
    *fty = o->fn_ty[which];
  return o->fn[which];
}

static LLVMValueRef call_obj_fn(Cg *cg, const GirType *t, CgObjFn which,
                                LLVMValueRef *args, unsigned n) {
  LLVMTypeRef ty;
  LLVMValueRef fn = obj_fn(cg, t, which, &ty);
  return call(cg, ty, fn, args, n);
}

void cg_rc(Cg *cg, const GirType *t, LLVMValueRef v, bool inc) {
  if (t->kind == GIR_T_REGEX || t->kind == GIR_T_MATCH)
    call_rt(cg, inc ? GIR_RT_INC : GIR_RT_DEC, &v, 1); /* may be null (None) */
  else if (t->kind == GIR_T_FN)
    cg_closure_rc(cg, v, inc);
  else if (t->kind == GIR_T_STR || t->kind == GIR_T_LIST || t->kind == GIR_T_MAP ||
           t->kind == GIR_T_CHAN || t->kind == GIR_T_TASK ||
           t->kind == GIR_T_HANDLE)
    cg_list_rc(cg, v, inc); /* the same GjHeader protocol */
  else if (cg_obj_counted(t))
    call_obj_fn(cg, t, inc ? CG_OBJ_INC : CG_OBJ_DEC, &v, 1);
}

/* ---- bodies: helpers ------------------------------------------------------- */

static LLVMBasicBlockRef block(Cg *cg, LLVMValueRef fn, const char *name) {
  return LLVMAppendBasicBlockInContext(cg->ctx, fn, name);
}

static void at(Cg *cg, LLVMBasicBlockRef bb) {
  LLVMPositionBuilderAtEnd(cg->b, bb);
}

/* br c, t, f — `likely` weights towards t. */
static void cond_br(Cg *cg, LLVMValueRef c, LLVMBasicBlockRef t,
                    LLVMBasicBlockRef f, bool likely) {
  LLVMValueRef br = LLVMBuildCondBr(cg->b, c, t, f);
  if (likely)
    cg_set_weights(cg, br, 1u << 20, 1);
}

static LLVMValueRef i32c(Cg *cg, int32_t v) {
  return LLVMConstInt(cg->t_i32, (uint64_t)(int64_t)v, true);
}

static LLVMValueRef i64c(Cg *cg, int64_t v) {
  return LLVMConstInt(cg->t_i64, (uint64_t)v, true);
}

/* The count. §16: an object only moves from owned to shared, so the sign
 * cannot change under its owner, and an unordered atomic read (no
 * tearing, no ordering) is all the owned/shared decision needs — mem.c
 * reads it relaxed. Unordered rather than monotonic because LLVM forwards
 * a store to an unordered load: the count of an object allocated in the
 * same function folds to 1, which lets the allocation go (cg_obj_alloc_fn). */
LLVMValueRef cg_load_rc(Cg *cg, LLVMValueRef p) {
  LLVMValueRef rc = LLVMBuildLoad2(cg->b, cg->t_i32, p, "rc");
  LLVMSetOrdering(rc, LLVMAtomicOrderingUnordered);
  LLVMSetAlignment(rc, 4);
  return rc;
}

static void store_rc(Cg *cg, LLVMValueRef p, LLVMValueRef rc) {
  LLVMSetAlignment(LLVMBuildStore(cg->b, rc, p), 4);
}

/* A switch on the tag of `obj`: a new block per constructor (with fields
 * only, when fields_only), in bbs[c] (else NULL); any other tag is
 * unreachable. */
static void switch_on_tag(Cg *cg, LLVMValueRef fn, const GirType *t,
                          LLVMValueRef obj, bool fields_only,
                          LLVMBasicBlockRef *bbs) {
  LLVMBasicBlockRef none = block(cg, fn, "bad.tag");
  LLVMValueRef sw = LLVMBuildSwitch(cg->b, load_tag16(cg, obj), none, t->nctors);
  for (uint32_t c = 0; c < t->nctors; c++) {
    bbs[c] = NULL;
    if (fields_only && !nstored(&t->ctors[c]))
      continue;
    bbs[c] = block(cg, fn, t->ctors[c].name);
    LLVMAddCase(sw, LLVMConstInt(cg->t_i16, c, false), bbs[c]);
  }
  at(cg, none);
  LLVMBuildUnreachable(cg->b);
}

/* ---- inc, dec, drop ------------------------------------------------------- */

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

static void body_dec(Cg *cg, LLVMValueRef fn, const GirType *t) {
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
  call_obj_fn(cg, t, CG_OBJ_DROP, &p, 1);
  LLVMBuildRetVoid(cg->b);
  at(cg, other);
  LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntSLT, rc, i32c(cg, 0), ""),
                  shared, done);
  /* toward zero; the dec that takes -1 to 0 frees, after acquiring every
   * other task's release (as in Arc::drop and mem.c) */
  at(cg, shared);
  LLVMValueRef old = LLVMBuildAtomicRMW(cg->b, LLVMAtomicRMWBinOpAdd, p,
                                        i32c(cg, 1), LLVMAtomicOrderingRelease,
                                        false);
  LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntEQ, old, i32c(cg, -1), ""),
                  shared_last, done);
  at(cg, shared_last);
  LLVMBuildFence(cg->b, LLVMAtomicOrderingAcquire, false, "");
  call_obj_fn(cg, t, CG_OBJ_DROP, &p, 1);
  LLVMBuildRetVoid(cg->b);
  at(cg, done);
  LLVMBuildRetVoid(cg->b);
}

/* ---- reuse and drop specialization (GIR.h: RESET, DROP, REUSE, RELEASE) ---- */

static LLVMValueRef cur_fn(Cg *cg) {
  return LLVMGetBasicBlockParent(LLVMGetInsertBlock(cg->b));
}

/* RESET (drop false) or DROP (true) of x, known to have constructor
 * `ctor`: unique, its fields outside `keep` are dec'd and its memory is
 * the token (or freed); shared, the `keep` fields are inc'd and x dec'd
 * (the dec may still free it: a count shared across tasks can reach zero
 * at any time). Returns the token (NULL for DROP). */
LLVMValueRef cg_obj_reset(Cg *cg, const GirType *t, uint32_t ctor,
                          uint64_t keep, LLVMValueRef x, bool drop) {
  const GirCtor *c = &t->ctors[ctor];
  LLVMTypeRef st = cg_obj_struct(cg, t, ctor);
  LLVMValueRef fn = cur_fn(cg);
  LLVMBasicBlockRef uniq = block(cg, fn, "reset.unique"),
                    shared = block(cg, fn, "reset.shared"),
                    done = block(cg, fn, "reset.done");
  LLVMValueRef rc = cg_load_rc(cg, x);
  cond_br(cg, LLVMBuildICmp(cg->b, LLVMIntEQ, rc, i32c(cg, 1), ""), uniq,
          shared, true);
  at(cg, uniq);
  for (uint32_t i = 0; i < c->nfields; i++)
    if (!(i < 64 && (keep >> i & 1)) && cg_obj_counted(c->fields[i]))
      cg_rc(cg, c->fields[i], load_field(cg, st, x, i, c->fields[i]), false);
  if (drop) {
    LLVMValueRef args[] = {x, size_value(cg, t, ctor)};
    call(cg, cg->obj_free_ty, cg_obj_free_fn(cg), args, 2);
  }
  LLVMBasicBlockRef uniq_end = LLVMGetInsertBlock(cg->b);
  LLVMBuildBr(cg->b, done);
  at(cg, shared);
  for (uint32_t i = 0; i < c->nfields && i < 64; i++)
    if ((keep >> i & 1) && cg_obj_counted(c->fields[i]))
      cg_rc(cg, c->fields[i], load_field(cg, st, x, i, c->fields[i]), true);
  cg_rc(cg, t, x, false);
  LLVMBasicBlockRef shared_end = LLVMGetInsertBlock(cg->b);
  LLVMBuildBr(cg->b, done);
  at(cg, done);
  if (drop)
    return NULL;
  LLVMValueRef phi = LLVMBuildPhi(cg->b, cg->t_ptr, "token");
  LLVMValueRef vals[] = {x, LLVMConstNull(cg->t_ptr)};
  LLVMBasicBlockRef from[] = {uniq_end, shared_end};
  LLVMAddIncoming(phi, vals, from, 2);
  return phi;
}

/* REUSE: constructor `ctor` in the token's memory, or in new memory when
 * the token is null. */
LLVMValueRef cg_obj_reuse(Cg *cg, const GirType *t, uint32_t ctor,
                          LLVMValueRef token, const LLVMValueRef *fields,
                          uint32_t nfields) {
  const GirCtor *c = &t->ctors[ctor];
  if (nfields != nstored(c) || !nfields) {
    cg_internal_error(cg, "reuse %s: %u fields given, %u expected", c->name,
                      nfields, nstored(c));
    return LLVMGetUndef(cg->t_ptr);
  }
  LLVMValueRef fn = cur_fn(cg);
  LLVMBasicBlockRef entry = LLVMGetInsertBlock(cg->b),
                    fresh = block(cg, fn, "reuse.alloc"),
                    done = block(cg, fn, "reuse.done");
  cond_br(cg, LLVMBuildIsNull(cg->b, token, ""), fresh, done, false);
  at(cg, fresh);
  LLVMValueRef args[] = {size_value(cg, t, ctor),
                         LLVMConstInt(cg->t_i32, GJ_KIND_OBJ, false)};
  LLVMValueRef p1 = call(cg, cg->obj_alloc_ty, cg_obj_alloc_fn(cg), args, 2);
  LLVMBuildBr(cg->b, done);
  at(cg, done);
  LLVMValueRef p = LLVMBuildPhi(cg->b, cg->t_ptr, "cell");
  LLVMValueRef vals[] = {token, p1};
  LLVMBasicBlockRef from[] = {entry, fresh};
  LLVMAddIncoming(p, vals, from, 2);
  cg_store_new_header(cg, p, GJ_KIND_OBJ, ctor);
  LLVMTypeRef st = cg_obj_struct(cg, t, ctor);
  for (uint32_t i = 0, k = 0; i < c->nfields; i++)
    if (c->fields[i]->kind != GIR_T_UNIT)
      store_field(cg, st, p, i, c->fields[i], fields[k++]);
  return p;
}

/* RELEASE: frees the token's memory, if any (it held constructor `ctor`). */
void cg_obj_release(Cg *cg, const GirType *t, uint32_t ctor,
                    LLVMValueRef token) {
  LLVMValueRef fn = cur_fn(cg);
  LLVMBasicBlockRef yes = block(cg, fn, "release"),
                    done = block(cg, fn, "release.done");
  cond_br(cg, LLVMBuildIsNotNull(cg->b, token, ""), yes, done, false);
  at(cg, yes);
  LLVMValueRef args[] = {token, size_value(cg, t, ctor)};
  call(cg, cg->obj_free_ty, cg_obj_free_fn(cg), args, 2);
  LLVMBuildBr(cg->b, done);
  at(cg, done);
}

/* The last dec of a drop, in tail position: a musttail call (all drop
 * functions, a closure's drop and gj_dec are `void (ptr)`), so the stack
 * does not grow along a chain of last fields. */
void cg_obj_tail_dec(Cg *cg, LLVMValueRef fn, const GirType *ft,
                     LLVMValueRef v) {
  LLVMValueRef c;
  if (ft->kind == GIR_T_FN) {
    cg_closure_tail_dec(cg, fn, v);
    return;
  }
  if (ft->kind == GIR_T_STR || ft->kind == GIR_T_LIST ||
      ft->kind == GIR_T_MAP || ft->kind == GIR_T_CHAN ||
      ft->kind == GIR_T_TASK || ft->kind == GIR_T_REGEX ||
      ft->kind == GIR_T_MATCH || ft->kind == GIR_T_HANDLE) { /* gj_dec */
    c = call_rt(cg, GIR_RT_DEC, &v, 1);
    LLVMSetTailCallKind(c, LLVMTailCallKindMustTail);
    LLVMBuildRetVoid(cg->b);
    return;
  }
  LLVMBasicBlockRef last = block(cg, fn, "last"), other = block(cg, fn, "");
  LLVMValueRef rc = cg_load_rc(cg, v);
  LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntEQ, rc, i32c(cg, 1), ""),
                  last, other);
  at(cg, last);
  c = call_obj_fn(cg, ft, CG_OBJ_DROP, &v, 1);
  LLVMSetTailCallKind(c, LLVMTailCallKindMustTail);
  LLVMBuildRetVoid(cg->b);
  at(cg, other);
  call_obj_fn(cg, ft, CG_OBJ_DEC, &v, 1);
  LLVMBuildRetVoid(cg->b);
}

static void drop_ctor(Cg *cg, LLVMValueRef fn, const GirType *t, uint32_t ctor,
                      LLVMValueRef p) {
  const GirCtor *c = &t->ctors[ctor];
  LLVMTypeRef st = cg_obj_struct(cg, t, ctor);
  LLVMValueRef *vals = malloc((c->nfields + 1) * sizeof *vals);
  const GirType **tys = malloc((c->nfields + 1) * sizeof *tys);
  uint32_t n = 0;
  for (uint32_t i = 0; i < c->nfields; i++)
    if (cg_obj_counted(c->fields[i])) {
      tys[n] = c->fields[i];
      vals[n++] = load_field(cg, st, p, i, c->fields[i]);
    }
  LLVMValueRef args[] = {p, size_value(cg, t, ctor)};
  call(cg, cg->obj_free_ty, cg_obj_free_fn(cg), args, 2);
  for (uint32_t i = 0; i + 1 < n; i++)
    cg_rc(cg, tys[i], vals[i], false);
  if (n)
    cg_obj_tail_dec(cg, fn, tys[n - 1], vals[n - 1]);
  else
    LLVMBuildRetVoid(cg->b);
  free(vals);
  free(tys);
}

static void body_drop(Cg *cg, LLVMValueRef fn, const GirType *t) {
  LLVMValueRef p = LLVMGetParam(fn, 0);
  if (t->nctors == 1) {
    drop_ctor(cg, fn, t, 0, p);
    return;
  }
  LLVMBasicBlockRef *bbs = malloc(t->nctors * sizeof *bbs);
  switch_on_tag(cg, fn, t, p, true, bbs);
  for (uint32_t c = 0; c < t->nctors; c++)
    if (bbs[c]) {
      at(cg, bbs[c]);
      drop_ctor(cg, fn, t, c, p);
    }
  free(bbs);
}

/* ---- equality and order ---------------------------------------------------- */

/* §4 for scalars; Str and objects through their functions. */
LLVMValueRef cg_eq(Cg *cg, const GirType *t, LLVMValueRef a, LLVMValueRef b) {
  switch (t->kind) {
  case GIR_T_UNIT: return LLVMConstInt(cg->t_i1, 1, false);
  case GIR_T_INT: case GIR_T_BOOL: case GIR_T_CHAR:
    return LLVMBuildICmp(cg->b, LLVMIntEQ, a, b, "");
  case GIR_T_FLOAT: return LLVMBuildFCmp(cg->b, LLVMRealOEQ, a, b, "");
  case GIR_T_STR: {
    LLVMValueRef args[] = {a, b};
    return call_rt(cg, GIR_RT_STR_EQ, args, 2);
  }
  case GIR_T_OBJ: {
    LLVMValueRef args[] = {a, b};
    return call_obj_fn(cg, t, CG_OBJ_EQ, args, 2);
  }
  case GIR_T_LIST: return cg_list_eq(cg, a, b);
  case GIR_T_MAP: return cg_map_eq(cg, a, b);
  case GIR_T_CHAN: case GIR_T_TASK: /* §4: none (Sema rejects them) */
  case GIR_T_REGEX: case GIR_T_MATCH: case GIR_T_HANDLE:
    cg_internal_error(cg, "%s has no equality, order or text form",
                      gir_type_name(t));
    return LLVMGetUndef(cg->t_i1);
  case GIR_T_FN: break; /* subs have no equality (Sema, the verifier) */
  case GIR_T_TOKEN: case GIR_T_SELECT: break; /* not values */
  }
  GJ_UNREACHABLE("bad GIR type");
}

/* (a > b) - (a < b) */
static LLVMValueRef three_way(Cg *cg, LLVMValueRef gt, LLVMValueRef lt) {
  return LLVMBuildSub(cg->b, LLVMBuildZExt(cg->b, gt, cg->t_i64, ""),
                      LLVMBuildZExt(cg->b, lt, cg->t_i64, ""), "");
}

/* §4: Int signed, Char by scalar value and Bool false < true (unsigned),
 * Float by IEEE < (NaN: 0, neither less nor greater). */
LLVMValueRef cg_cmp(Cg *cg, const GirType *t, LLVMValueRef a, LLVMValueRef b) {
  LLVMBuilderRef B = cg->b;
  switch (t->kind) {
  case GIR_T_UNIT: return i64c(cg, 0);
  case GIR_T_INT:
    return three_way(cg, LLVMBuildICmp(B, LLVMIntSGT, a, b, ""),
                     LLVMBuildICmp(B, LLVMIntSLT, a, b, ""));
  case GIR_T_BOOL: case GIR_T_CHAR:
    return three_way(cg, LLVMBuildICmp(B, LLVMIntUGT, a, b, ""),
                     LLVMBuildICmp(B, LLVMIntULT, a, b, ""));
  case GIR_T_FLOAT:
    return three_way(cg, LLVMBuildFCmp(B, LLVMRealOGT, a, b, ""),
                     LLVMBuildFCmp(B, LLVMRealOLT, a, b, ""));
  case GIR_T_STR: {
    LLVMValueRef args[] = {a, b};
    return call_rt(cg, GIR_RT_STR_CMP, args, 2);
  }
  case GIR_T_OBJ: {
    LLVMValueRef args[] = {a, b};
    return call_obj_fn(cg, t, CG_OBJ_CMP, args, 2);
  }
  case GIR_T_LIST: return cg_list_cmp(cg, a, b);
  case GIR_T_MAP: return cg_map_cmp(cg, a, b);
  case GIR_T_CHAN: case GIR_T_TASK: /* §4: none (Sema rejects them) */
  case GIR_T_REGEX: case GIR_T_MATCH: case GIR_T_HANDLE:
    cg_internal_error(cg, "%s has no equality, order or text form",
                      gir_type_name(t));
    return LLVMGetUndef(cg->t_i64);
  case GIR_T_FN: break; /* nor an order */
  case GIR_T_TOKEN: case GIR_T_SELECT: break;
  }
  GJ_UNREACHABLE("bad GIR type");
}

/* Structural equality: same constructor and every field equal. */
static void body_eq(Cg *cg, LLVMValueRef fn, const GirType *t) {
  LLVMValueRef a = LLVMGetParam(fn, 0), b = LLVMGetParam(fn, 1);
  LLVMBasicBlockRef no = block(cg, fn, "ne");
  LLVMBasicBlockRef *bbs = malloc((t->nctors + 1) * sizeof *bbs);
  if (t->nctors == 1) {
    bbs[0] = LLVMGetInsertBlock(cg->b);
  } else {
    LLVMBasicBlockRef same = block(cg, fn, "same.tag");
    LLVMValueRef ta = load_tag16(cg, a), tb = load_tag16(cg, b);
    LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntEQ, ta, tb, ""), same,
                    no);
    at(cg, same);
    switch_on_tag(cg, fn, t, a, false, bbs);
  }
  for (uint32_t c = 0; c < t->nctors; c++) {
    const GirCtor *ct = &t->ctors[c];
    at(cg, bbs[c]);
    LLVMTypeRef st = cg_obj_struct(cg, t, c);
    for (uint32_t i = 0; i < ct->nfields; i++) {
      const GirType *ft = ct->fields[i];
      if (ft->kind == GIR_T_UNIT)
        continue;
      LLVMValueRef fa = load_field(cg, st, a, i, ft);
      LLVMValueRef fb = load_field(cg, st, b, i, ft);
      LLVMValueRef e = cg_eq(cg, ft, fa, fb);
      LLVMBasicBlockRef next = block(cg, fn, "");
      LLVMBuildCondBr(cg->b, e, next, no);
      at(cg, next);
    }
    LLVMBuildRet(cg->b, LLVMConstInt(cg->t_i1, 1, false));
  }
  at(cg, no);
  LLVMBuildRet(cg->b, LLVMConstInt(cg->t_i1, 0, false));
  free(bbs);
}

/* §4: by tag (declaration order), then the fields lexicographically. */
static void body_cmp(Cg *cg, LLVMValueRef fn, const GirType *t) {
  LLVMValueRef a = LLVMGetParam(fn, 0), b = LLVMGetParam(fn, 1);
  LLVMBasicBlockRef *bbs = malloc((t->nctors + 1) * sizeof *bbs);
  if (t->nctors == 1) {
    bbs[0] = LLVMGetInsertBlock(cg->b);
  } else {
    LLVMBasicBlockRef same = block(cg, fn, "same.tag"),
                      differ = block(cg, fn, "differ");
    LLVMValueRef ta = load_tag16(cg, a), tb = load_tag16(cg, b);
    LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntEQ, ta, tb, ""), same,
                    differ);
    at(cg, differ);
    LLVMBuildRet(cg->b, LLVMBuildSelect(
                            cg->b, LLVMBuildICmp(cg->b, LLVMIntULT, ta, tb, ""),
                            i64c(cg, -1), i64c(cg, 1), ""));
    at(cg, same);
    switch_on_tag(cg, fn, t, a, false, bbs);
  }
  for (uint32_t c = 0; c < t->nctors; c++) {
    const GirCtor *ct = &t->ctors[c];
    at(cg, bbs[c]);
    LLVMTypeRef st = cg_obj_struct(cg, t, c);
    for (uint32_t i = 0; i < ct->nfields; i++) {
      const GirType *ft = ct->fields[i];
      if (ft->kind == GIR_T_UNIT)
        continue;
      LLVMValueRef fa = load_field(cg, st, a, i, ft);
      LLVMValueRef fb = load_field(cg, st, b, i, ft);
      LLVMValueRef r = cg_cmp(cg, ft, fa, fb);
      LLVMBasicBlockRef decided = block(cg, fn, ""), next = block(cg, fn, "");
      LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntNE, r, i64c(cg, 0), ""),
                      decided, next);
      at(cg, decided);
      LLVMBuildRet(cg->b, r);
      at(cg, next);
    }
    LLVMBuildRet(cg->b, i64c(cg, 0));
  }
  free(bbs);
}

/* ---- text forms ------------------------------------------------------------ */

/* §13: scalars as their runtime functions write them; a Str or Char nested
 * in another value quoted and escaped, on its own raw. */
LLVMValueRef cg_append_text(Cg *cg, const GirType *t, LLVMValueRef buf,
                            LLVMValueRef v, bool nested) {
  LLVMValueRef args[] = {buf, v};
  switch (t->kind) {
  case GIR_T_UNIT: return call_rt(cg, GIR_RT_STR_APPEND_UNIT, args, 1);
  case GIR_T_INT: return call_rt(cg, GIR_RT_STR_APPEND_INT, args, 2);
  case GIR_T_FLOAT: return call_rt(cg, GIR_RT_STR_APPEND_FLOAT, args, 2);
  case GIR_T_BOOL: return call_rt(cg, GIR_RT_STR_APPEND_BOOL, args, 2);
  case GIR_T_CHAR:
    return call_rt(cg, nested ? GIR_RT_STR_APPEND_CHAR_QUOTED
                              : GIR_RT_STR_APPEND_CHAR, args, 2);
  case GIR_T_STR:
    return call_rt(cg, nested ? GIR_RT_STR_APPEND_QUOTED
                              : GIR_RT_STR_APPEND_STR, args, 2);
  case GIR_T_OBJ: return call_obj_fn(cg, t, CG_OBJ_TEXT, args, 2);
  case GIR_T_LIST: return cg_list_append_text(cg, buf, v);
  case GIR_T_MAP: return cg_map_append_text(cg, buf, v);
  case GIR_T_REGEX: return call_rt(cg, GIR_RT_REGEX_APPEND_TEXT, args, 2);
  case GIR_T_MATCH: return call_rt(cg, GIR_RT_MATCH_APPEND_TEXT, args, 2);
  case GIR_T_CHAN: case GIR_T_TASK: case GIR_T_HANDLE: /* §4: none (Sema rejects them) */
    cg_internal_error(cg, "%s has no equality, order or text form",
                      gir_type_name(t));
    return LLVMGetUndef(cg->t_ptr);
  case GIR_T_FN: break; /* nor a text form */
  case GIR_T_TOKEN: case GIR_T_SELECT: break;
  }
  GJ_UNREACHABLE("bad GIR type");
}

/* The fixed pieces of a text form are collected and appended as one Str
 * literal before each field's value. */
typedef struct TextPiece {
  char buf[512];
  size_t len;
} TextPiece;

static void piece(TextPiece *tp, const char *s) {
  size_t n = strlen(s);
  if (n > sizeof tp->buf - tp->len)
    n = sizeof tp->buf - tp->len;
  memcpy(tp->buf + tp->len, s, n);
  tp->len += n;
}

static LLVMValueRef flush(Cg *cg, TextPiece *tp, LLVMValueRef buf) {
  if (!tp->len)
    return buf;
  /* the literal map keeps its key bytes: give them the session's lifetime */
  char *bytes = arena_alloc(cg->s->arena, tp->len);
  memcpy(bytes, tp->buf, tp->len);
  LLVMValueRef args[] = {buf, cg_str_literal(cg, bytes, tp->len)};
  tp->len = 0;
  return call_rt(cg, GIR_RT_STR_APPEND_STR, args, 2);
}

/* `Point { x: 1.0, y: 2.0 }`, `(1, "a")`, `Some(3)`, `None`. */
static LLVMValueRef text_ctor(Cg *cg, const GirType *t, uint32_t ctor,
                              LLVMValueRef buf, LLVMValueRef v) {
  const GirCtor *c = &t->ctors[ctor];
  bool record = !t->is_sum && !t->is_tuple && c->field_names;
  TextPiece tp = {.len = 0};
  if (!t->is_tuple)
    piece(&tp, c->name);
  if (!c->nfields) {
    if (t->is_tuple)
      piece(&tp, "()");
    else if (record)
      piece(&tp, " {}");
    return flush(cg, &tp, buf);
  }
  piece(&tp, record ? " { " : "(");
  LLVMTypeRef st = cg_obj_struct(cg, t, ctor);
  for (uint32_t i = 0; i < c->nfields; i++) {
    if (i)
      piece(&tp, ", ");
    if (record) {
      piece(&tp, c->field_names[i]);
      piece(&tp, ": ");
    }
    const GirType *ft = c->fields[i];
    if (ft->kind == GIR_T_UNIT) {
      piece(&tp, "()");
      continue;
    }
    buf = flush(cg, &tp, buf);
    buf = cg_append_text(cg, ft, buf, load_field(cg, st, v, i, ft), true);
  }
  piece(&tp, record ? " }" : ")");
  return flush(cg, &tp, buf);
}

/* §4: `1..4`, `(1..4).rev()`: the runtime writes it from the fields. */
static LLVMValueRef text_range(Cg *cg, const GirType *t, LLVMValueRef buf,
                               LLVMValueRef v) {
  const GirCtor *c = &t->ctors[0];
  LLVMTypeRef st = cg_obj_struct(cg, t, 0);
  LLVMValueRef args[6] = {buf};
  for (uint32_t i = 0; i < 5; i++)
    args[i + 1] = load_field(cg, st, v, i, c->fields[i]);
  return call_rt(cg, GIR_RT_STR_APPEND_RANGE, args, 6);
}

static void body_text(Cg *cg, LLVMValueRef fn, const GirType *t) {
  LLVMValueRef buf = LLVMGetParam(fn, 0), v = LLVMGetParam(fn, 1);
  if (t->is_range) {
    LLVMBuildRet(cg->b, text_range(cg, t, buf, v));
    return;
  }
  if (t->nctors == 1) {
    LLVMBuildRet(cg->b, text_ctor(cg, t, 0, buf, v));
    return;
  }
  LLVMBasicBlockRef *bbs = malloc(t->nctors * sizeof *bbs);
  switch_on_tag(cg, fn, t, v, false, bbs);
  for (uint32_t c = 0; c < t->nctors; c++) {
    at(cg, bbs[c]);
    LLVMBuildRet(cg->b, text_ctor(cg, t, c, buf, v));
  }
  free(bbs);
}

/* ---- the queue --------------------------------------------------------------- */

static void emit_body(Cg *cg, CgPending p) {
  LLVMValueRef fn = cg_obj_info(cg, p.type)->fn[p.which];
  at(cg, block(cg, fn, "entry"));
  switch (p.which) {
  case CG_OBJ_INC: body_inc(cg, fn); break;
  case CG_OBJ_DEC: body_dec(cg, fn, p.type); break;
  case CG_OBJ_DROP: body_drop(cg, fn, p.type); break;
  case CG_OBJ_EQ: body_eq(cg, fn, p.type); break;
  case CG_OBJ_CMP: body_cmp(cg, fn, p.type); break;
  case CG_OBJ_TEXT: body_text(cg, fn, p.type); break;
  case CG_OBJ__NFN: break;
  }
}

void cg_obj_finish(Cg *cg) {
  /* generated functions carry no debug info: no locations in them */
  LLVMSetCurrentDebugLocation2(cg->b, NULL);
  for (size_t i = 0; i < cg->npending && !cg->failed; i++)
    emit_body(cg, cg->pending[i]);
  cg->npending = 0;
}
