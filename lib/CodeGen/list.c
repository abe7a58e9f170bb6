/* list.c — List[T] (§15): the GIR_OP_LIST_* instructions, inc/dec and the
 * derived operations of lists, the element storage and the GjType
 * descriptors the runtime's generic list and map code sees elements
 * through (map.c builds on them).
 *
 * A list value is a pointer to the runtime's opaque GjList
 * (runtime/include/gujirt.h, runtime/src/list.c). Every operation is a
 * call into the runtime; elements cross the boundary BY POINTER to their
 * storage: an element argument is spilled to a stack slot and its address
 * passed (push, set, contains, index_of), and LIST_GET passes the address
 * of a slot the runtime copies the element into, then loads it. The slots
 * (cg_elem_slot, shared with map.c) are allocas at the top of the
 * function's entry block, per function, slot class and index: lists use
 * index 0 (no list op needs two at once); map.c puts keys in 0 and values
 * in 1, since insert and update pass one of each. The runtime stores
 * elements in their memory types, as objects do: Bool as one byte (0 or
 * 1), Char i32, Int i64, Float double, references ptr, Unit nothing (size
 * 0).
 *
 * Descriptors (GjType, gujirt.h) by element type: the runtime's own
 * constants for scalars (gj_type_int, _float, _bool, _char, _unit), Str
 * (gj_type_str), lists (gj_type_list, which serves every List[T]) and
 * maps (gj_type_map, every Map and Set: a map field of a record hashes
 * through its hash); for an object type T a private constant `gj.type.T`
 * of this module:
 *   { size 8, flags GJ_TYPE_HEAP (0 when every constructor lacks fields:
 *     the values are immortal, inc and dec NULL),
 *     inc, dec, eq, hash, cmp, append_text, name "T", share }
 * whose functions are small generated wrappers `gj.elem.OP.T` that take
 * element pointers, load the object pointer and call obj.c's inc.T, dec.T,
 * eq.T, cmp.T, text.T (nested form) and task.c's gj.share.T (§16: what
 * the runtime calls to mark an element shared; NULL for uncounted
 * types). The hash (gj.elem.hash.T) is
 * structural: the tag (for sums) through gj_hash_int, then every stored
 * field through its own descriptor's hash, each result the next seed
 * (gujirt.h's rule for composites), so equal values hash equal. The
 * wrappers are emitted at once, without debug locations (the builder's
 * position and location are saved and restored around them); the obj.c
 * functions they call are queued as usual and emitted by cg_obj_finish.
 *
 * The runtime's list functions (and gj_hash_int) are declared here by
 * hand (cg_rt_hand_decl, which map.c uses too), not from RtFns.def: their
 * element pointers, descriptors and list arguments are beyond RtFns.def's
 * letters, and GIR reaches them through the LIST ops, never CALL_RT. The
 * JIT resolves them like every gj_ symbol; a test that hands the JIT an
 * explicit symbol list must include them (unittests/CodeGen/list_test.cpp,
 * map_test.cpp).
 *
 * inc and dec of a list or a map (both plain GjHeader objects that gj_dec
 * frees): gj.list.inc / gj.list.dec, generated once per module and
 * alwaysinline: a count > 0 (owned, not shared) is incremented in place; a
 * count > 1 decremented in place; everything else (immortal, shared across
 * tasks, the last reference) goes to gj_inc / gj_dec.
 */
#include <stdlib.h>
#include <string.h>

#include "cg_internal.h"
#include "gujirt.h"

typedef enum RtList {
  RL_NEW, RL_WITH_CAP, RL_LEN, RL_PUSH, RL_GET, RL_SET, RL_CONCAT, RL_SLICE,
  RL_TAKE, RL_DROP, RL_EQ, RL_CMP, RL_APPEND_TEXT, RL_SORTED, RL_REVERSED,
  RL_CONTAINS, RL_INDEX_OF, RL_JOIN, RL_HASH_INT,
  RL__COUNT
} RtList;

/* The runtime functions: name, result and parameter letters:
 * p ptr, i i64, b bool (zeroext i1), v void (result only). */
static const CgHandSig rt_list[RL__COUNT] = {
    [RL_NEW] = {"gj_list_new", "p:p"},
    [RL_WITH_CAP] = {"gj_list_with_cap", "p:pi"},
    [RL_LEN] = {"gj_list_len", "i:p"},
    [RL_PUSH] = {"gj_list_push", "p:pp"},
    [RL_GET] = {"gj_list_get", "v:pipp"},
    [RL_SET] = {"gj_list_set", "p:pipp"},
    [RL_CONCAT] = {"gj_list_concat", "p:pp"},
    [RL_SLICE] = {"gj_list_slice", "p:piip"},
    [RL_TAKE] = {"gj_list_take", "p:pi"},
    [RL_DROP] = {"gj_list_drop", "p:pi"},
    [RL_EQ] = {"gj_list_eq", "b:pp"},
    [RL_CMP] = {"gj_list_cmp", "i:pp"},
    [RL_APPEND_TEXT] = {"gj_list_append_text", "p:pp"},
    [RL_SORTED] = {"gj_list_sorted", "p:p"},
    [RL_REVERSED] = {"gj_list_reversed", "p:p"},
    [RL_CONTAINS] = {"gj_list_contains", "b:pp"},
    [RL_INDEX_OF] = {"gj_list_index_of", "i:pp"},
    [RL_JOIN] = {"gj_list_join", "p:pp"},
    [RL_HASH_INT] = {"gj_hash_int", "i:ii"},
};

/* The descriptor of one object type and its wrappers. */
typedef struct ObjDesc {
  LLVMValueRef global;
  LLVMValueRef inc, dec, eq, hash, cmp, text;
} ObjDesc;

enum { SLOT_I64, SLOT_F64, SLOT_I8, SLOT_I32, SLOT_PTR, SLOT_UNIT, NSLOTS };

struct CgList {
  LLVMTypeRef t_gjtype;              /* GjType */
  CgHandFn fn[RL__COUNT];
  LLVMValueRef builtin[GIR_T_MATCH + 1]; /* gj_type_int …, by kind */
  ObjDesc *objs;                     /* by GirType.id */
  size_t nobjs;
  LLVMValueRef rc_fn[2];             /* gj.list.dec, gj.list.inc */
  LLVMTypeRef rc_ty;
  LLVMValueRef slot_fn;              /* the function the slots are in */
  LLVMValueRef slots[CG_ELEM_NSLOTS][NSLOTS];
};

static struct CgList *state(Cg *cg) {
  if (!cg->list) {
    struct CgList *l = arena_alloc(cg->s->arena, sizeof *l);
    memset(l, 0, sizeof *l);
    LLVMTypeRef p = cg->t_ptr;
    LLVMTypeRef fields[] = {cg->t_i32, cg->t_i32, p, p, p, p, p, p, p, p};
    l->t_gjtype = LLVMStructTypeInContext(cg->ctx, fields, 10, false);
    l->nobjs = cg->m->types.len;
    l->objs = arena_alloc(cg->s->arena, (l->nobjs + 1) * sizeof *l->objs);
    memset(l->objs, 0, (l->nobjs + 1) * sizeof *l->objs);
    LLVMTypeRef pp = cg->t_ptr;
    l->rc_ty = LLVMFunctionType(cg->t_void, &pp, 1, false);
    cg->list = l;
  }
  return cg->list;
}

static LLVMValueRef i32c(Cg *cg, int64_t v) {
  return LLVMConstInt(cg->t_i32, (uint64_t)v, true);
}

static LLVMValueRef i64c(Cg *cg, int64_t v) {
  return LLVMConstInt(cg->t_i64, (uint64_t)v, true);
}

static void add_enum_attr(Cg *cg, LLVMValueRef fn, LLVMAttributeIndex idx,
                          const char *name) {
  unsigned kind = LLVMGetEnumAttributeKindForName(name, strlen(name));
  LLVMAddAttributeAtIndex(fn, idx, LLVMCreateEnumAttribute(cg->ctx, kind, 0));
}

static LLVMTypeRef letter_type(Cg *cg, char c) {
  switch (c) {
  case 'p': return cg->t_ptr;
  case 'i': return cg->t_i64;
  case 'b': return cg->t_i1;
  default: return cg->t_void;
  }
}

LLVMValueRef cg_rt_hand_decl(Cg *cg, const char *name, const char *sig,
                             LLVMTypeRef *fty) {
  LLVMTypeRef ps[8];
  unsigned n = 0;
  for (const char *c = sig + 2; *c && n < 8; c++)
    ps[n++] = letter_type(cg, *c);
  *fty = LLVMFunctionType(letter_type(cg, sig[0]), ps, n, false);
  LLVMValueRef fn = LLVMGetNamedFunction(cg->mod, name);
  if (!fn)
    fn = LLVMAddFunction(cg->mod, name, *fty);
  add_enum_attr(cg, fn, LLVMAttributeFunctionIndex, "nounwind");
  if (sig[0] == 'b')
    add_enum_attr(cg, fn, LLVMAttributeReturnIndex, "zeroext");
  return fn;
}

LLVMValueRef cg_rt_hand_call(Cg *cg, const CgHandSig *sig, CgHandFn *cache,
                             LLVMValueRef *args, unsigned n) {
  if (!cache->fn)
    cache->fn = cg_rt_hand_decl(cg, sig->name, sig->sig, &cache->ty);
  return cg_site_call(cg, cache->ty, cache->fn, args, n);
}

static LLVMValueRef call_rt(Cg *cg, RtList id, LLVMValueRef *args,
                            unsigned n) {
  return cg_rt_hand_call(cg, &rt_list[id], &state(cg)->fn[id], args, n);
}

/* ---- element storage ----------------------------------------------------- */

static int slot_class(const GirType *t) {
  switch (t->kind) {
  case GIR_T_INT: return SLOT_I64;
  case GIR_T_FLOAT: return SLOT_F64;
  case GIR_T_BOOL: return SLOT_I8;
  case GIR_T_CHAR: return SLOT_I32;
  case GIR_T_UNIT: return SLOT_UNIT;
  default: return SLOT_PTR; /* Str, objects, lists, subs */
  }
}

LLVMTypeRef cg_elem_mem_type(Cg *cg, const GirType *t) {
  switch (t->kind) {
  case GIR_T_BOOL: return cg->t_i8;
  case GIR_T_UNIT: return cg->t_unit;
  default: return cg_type(cg, t);
  }
}

LLVMValueRef cg_elem_slot(Cg *cg, const GirType *t, unsigned which) {
  struct CgList *l = state(cg);
  LLVMBasicBlockRef here = LLVMGetInsertBlock(cg->b);
  LLVMValueRef fn = LLVMGetBasicBlockParent(here);
  if (l->slot_fn != fn) {
    l->slot_fn = fn;
    memset(l->slots, 0, sizeof l->slots);
  }
  if (which >= CG_ELEM_NSLOTS)
    GJ_UNREACHABLE("codegen: element slot out of range");
  int k = slot_class(t);
  if (!l->slots[which][k])
    l->slots[which][k] = cg_entry_alloca(cg, cg_elem_mem_type(cg, t), "elem");
  return l->slots[which][k];
}

void cg_elem_store(Cg *cg, const GirType *t, LLVMValueRef v, LLVMValueRef p) {
  if (t->kind == GIR_T_UNIT)
    return;
  if (t->kind == GIR_T_BOOL)
    v = LLVMBuildZExt(cg->b, v, cg->t_i8, "");
  LLVMBuildStore(cg->b, v, p);
}

LLVMValueRef cg_elem_spill(Cg *cg, const GirType *t, LLVMValueRef v,
                           unsigned which) {
  LLVMValueRef slot = cg_elem_slot(cg, t, which);
  cg_elem_store(cg, t, v, slot);
  return slot;
}

LLVMValueRef cg_elem_reload(Cg *cg, const GirType *t, LLVMValueRef p) {
  if (t->kind == GIR_T_UNIT)
    return LLVMConstNull(cg->t_unit);
  LLVMValueRef v = LLVMBuildLoad2(cg->b, cg_elem_mem_type(cg, t), p, "");
  if (t->kind == GIR_T_BOOL)
    v = LLVMBuildTrunc(cg->b, v, cg->t_i1, "");
  return v;
}

static LLVMValueRef slot_for(Cg *cg, const GirType *t) {
  return cg_elem_slot(cg, t, 0);
}

static LLVMValueRef spill(Cg *cg, const GirType *t, LLVMValueRef v) {
  return cg_elem_spill(cg, t, v, 0);
}

/* ---- descriptors ------------------------------------------------------------ */

static LLVMValueRef builtin_desc(Cg *cg, const GirType *t) {
  static const char *const names[GIR_T_MATCH + 1] = {
      [GIR_T_UNIT] = "gj_type_unit",   [GIR_T_INT] = "gj_type_int",
      [GIR_T_FLOAT] = "gj_type_float", [GIR_T_BOOL] = "gj_type_bool",
      [GIR_T_CHAR] = "gj_type_char",   [GIR_T_STR] = "gj_type_str",
      [GIR_T_LIST] = "gj_type_list",   [GIR_T_MAP] = "gj_type_map",
      [GIR_T_REGEX] = "gj_type_regex", [GIR_T_MATCH] = "gj_type_match"};
  struct CgList *l = state(cg);
  if (!l->builtin[t->kind]) {
    LLVMValueRef g = LLVMGetNamedGlobal(cg->mod, names[t->kind]);
    if (!g) {
      g = LLVMAddGlobal(cg->mod, l->t_gjtype, names[t->kind]);
      LLVMSetGlobalConstant(g, true);
      LLVMSetLinkage(g, LLVMExternalLinkage);
    }
    l->builtin[t->kind] = g;
  }
  return l->builtin[t->kind];
}

static ObjDesc *obj_desc(Cg *cg, const GirType *t);

/* Does a value of type t (through every field, element, key and value)
 * have equality/order/hash (CG_HAS_EQ) or a text form (CG_HAS_TEXT)?
 * `seen` breaks the cycles of recursive object types. */
static bool has_rec(const GirType *t, CgHas what, const GirType **seen,
                    int nseen) {
  switch (t->kind) {
  case GIR_T_FN: case GIR_T_CHAN: case GIR_T_TASK: case GIR_T_HANDLE:
    return false;
  case GIR_T_REGEX: case GIR_T_MATCH: return what == CG_HAS_TEXT;
  case GIR_T_LIST: return has_rec(t->elem, what, seen, nseen);
  case GIR_T_MAP:
    return has_rec(t->key, what, seen, nseen) &&
           has_rec(t->elem, what, seen, nseen);
  case GIR_T_OBJ:
    for (int i = 0; i < nseen; i++)
      if (seen[i] == t) return true;
    if (nseen == 64) return true; /* deep enough: Sema has checked */
    seen[nseen++] = t;
    for (uint32_t c = 0; c < t->nctors; c++)
      for (uint32_t f = 0; f < t->ctors[c].nfields; f++)
        if (!has_rec(t->ctors[c].fields[f], what, seen, nseen)) return false;
    return true;
  default: return true;
  }
}

bool cg_type_has(const GirType *t, CgHas what) {
  const GirType *seen[64];
  return has_rec(t, what, seen, 0);
}

/* A wrapper's shell: internal, no unwinding, its entry block. */
static LLVMValueRef wrapper(Cg *cg, const char *op, const GirType *t,
                            LLVMTypeRef ty) {
  char name[300];
  snprintf(name, sizeof name, "gj.elem.%s.%s", op, t->name);
  LLVMValueRef fn = LLVMAddFunction(cg->mod, name, ty);
  LLVMSetLinkage(fn, LLVMInternalLinkage);
  cg_add_fn_attrs(cg, fn);
  return fn;
}

static void at_entry(Cg *cg, LLVMValueRef fn) {
  LLVMPositionBuilderAtEnd(cg->b,
                           LLVMAppendBasicBlockInContext(cg->ctx, fn, "entry"));
}

static LLVMValueRef load_ptr(Cg *cg, LLVMValueRef p) {
  return LLVMBuildLoad2(cg->b, cg->t_ptr, p, "");
}

/* seed = (desc of ft)->hash(p, seed) */
static LLVMValueRef hash_elem(Cg *cg, const GirType *ft, LLVMValueRef p,
                              LLVMValueRef seed) {
  LLVMTypeRef ps[] = {cg->t_ptr, cg->t_i64};
  LLVMTypeRef hty = LLVMFunctionType(cg->t_i64, ps, 2, false);
  LLVMValueRef args[] = {p, seed};
  LLVMValueRef fn;
  if (ft->kind == GIR_T_OBJ) {
    fn = obj_desc(cg, ft)->hash;
  } else {
    LLVMValueRef d = builtin_desc(cg, ft);
    LLVMValueRef slot = LLVMBuildStructGEP2(cg->b, state(cg)->t_gjtype, d, 5, "");
    fn = LLVMBuildLoad2(cg->b, cg->t_ptr, slot, "hash");
  }
  return LLVMBuildCall2(cg->b, hty, fn, args, 2, "");
}

/* The structural hash of the object *p (see the file comment). */
static void body_hash(Cg *cg, LLVMValueRef fn, const GirType *t) {
  LLVMValueRef v = load_ptr(cg, LLVMGetParam(fn, 0));
  LLVMValueRef seed = LLVMGetParam(fn, 1);
  LLVMValueRef tag = cg_obj_tag(cg, t, v);
  if (t->is_sum) {
    LLVMValueRef args[] = {tag, seed};
    seed = call_rt(cg, RL_HASH_INT, args, 2);
  }
  LLVMBasicBlockRef none = NULL;
  LLVMValueRef sw = NULL;
  if (t->nctors > 1) {
    none = LLVMAppendBasicBlockInContext(cg->ctx, fn, "bad.tag");
    sw = LLVMBuildSwitch(cg->b, tag, none, t->nctors);
  }
  for (uint32_t c = 0; c < t->nctors; c++) {
    const GirCtor *ct = &t->ctors[c];
    if (sw) {
      LLVMBasicBlockRef bb =
          LLVMAppendBasicBlockInContext(cg->ctx, fn, ct->name);
      LLVMAddCase(sw, i64c(cg, c), bb);
      LLVMPositionBuilderAtEnd(cg->b, bb);
    }
    LLVMValueRef h = seed;
    bool stored = false;
    for (uint32_t i = 0; i < ct->nfields; i++)
      stored |= ct->fields[i]->kind != GIR_T_UNIT;
    if (stored) {
      LLVMTypeRef st = cg_obj_struct(cg, t, c);
      for (uint32_t i = 0; i < ct->nfields; i++) {
        const GirType *ft = ct->fields[i];
        if (ft->kind == GIR_T_UNIT)
          continue;
        LLVMValueRef fp = LLVMBuildStructGEP2(cg->b, st, v, i + 1, "");
        h = hash_elem(cg, ft, fp, h);
      }
    }
    LLVMBuildRet(cg->b, h);
  }
  if (none) {
    LLVMPositionBuilderAtEnd(cg->b, none);
    LLVMBuildUnreachable(cg->b);
  }
}

static LLVMValueRef cstring(Cg *cg, const char *s) {
  return cg_const_bytes(cg, s, strlen(s), true, "gj.type.name");
}

/* Makes T's descriptor and wrappers, registered before any body is
 * emitted (a recursive type's hash refers to its own). */
static ObjDesc *obj_desc(Cg *cg, const GirType *t) {
  struct CgList *l = state(cg);
  if (t->id >= l->nobjs || cg->m->types.data[t->id] != t)
    GJ_UNREACHABLE("codegen: object type not in the module");
  ObjDesc *d = &l->objs[t->id];
  if (d->global)
    return d;
  char name[300];
  snprintf(name, sizeof name, "gj.type.%s", t->name);
  d->global = LLVMAddGlobal(cg->mod, l->t_gjtype, name);
  LLVMSetGlobalConstant(d->global, true);
  LLVMSetLinkage(d->global, LLVMPrivateLinkage);
  LLVMSetAlignment(d->global, 8);

  LLVMTypeRef p = cg->t_ptr;
  LLVMTypeRef pp[] = {p, p}, pi[] = {p, cg->t_i64};
  LLVMTypeRef ty_rc = LLVMFunctionType(cg->t_void, pp, 1, false);
  bool counted = cg_obj_counted(t);
  if (counted) {
    d->inc = wrapper(cg, "inc", t, ty_rc);
    d->dec = wrapper(cg, "dec", t, ty_rc);
  }
  /* §4, §14: a type holding a sub, channel, task, Lines, Regex or Match
   * has no equality, order or hash (Sema rejects every use), and one
   * holding any but the last two no text form: those slots stay null */
  bool eq = cg_type_has(t, CG_HAS_EQ), text = cg_type_has(t, CG_HAS_TEXT);
  LLVMValueRef null = LLVMConstNull(p);
  d->eq = d->hash = d->cmp = d->text = NULL;
  if (eq) {
    d->eq = wrapper(cg, "eq", t, LLVMFunctionType(cg->t_i1, pp, 2, false));
    add_enum_attr(cg, d->eq, LLVMAttributeReturnIndex, "zeroext");
    d->hash = wrapper(cg, "hash", t, LLVMFunctionType(cg->t_i64, pi, 2, false));
    d->cmp = wrapper(cg, "cmp", t, LLVMFunctionType(cg->t_i64, pp, 2, false));
  }
  if (text)
    d->text = wrapper(cg, "text", t, LLVMFunctionType(cg->t_ptr, pp, 2, false));
  LLVMValueRef share = counted ? wrapper(cg, "share", t, ty_rc) : NULL;

  LLVMValueRef init[] = {i32c(cg, 8), i32c(cg, counted ? GJ_TYPE_HEAP : 0),
                         counted ? d->inc : null, counted ? d->dec : null,
                         eq ? d->eq : null, eq ? d->hash : null,
                         eq ? d->cmp : null, text ? d->text : null,
                         cstring(cg, t->name), counted ? share : null};
  LLVMSetInitializer(d->global, LLVMConstNamedStruct(l->t_gjtype, init, 10));

  /* the bodies, now: save where the builder stands */
  CgPos pos = cg_pos_save(cg);
  if (counted) {
    at_entry(cg, d->inc);
    cg_rc(cg, t, load_ptr(cg, LLVMGetParam(d->inc, 0)), true);
    LLVMBuildRetVoid(cg->b);
    at_entry(cg, d->dec);
    cg_rc(cg, t, load_ptr(cg, LLVMGetParam(d->dec, 0)), false);
    LLVMBuildRetVoid(cg->b);
  }
  if (eq) {
    at_entry(cg, d->eq);
    LLVMBuildRet(cg->b, cg_eq(cg, t, load_ptr(cg, LLVMGetParam(d->eq, 0)),
                              load_ptr(cg, LLVMGetParam(d->eq, 1))));
    at_entry(cg, d->cmp);
    LLVMBuildRet(cg->b, cg_cmp(cg, t, load_ptr(cg, LLVMGetParam(d->cmp, 0)),
                               load_ptr(cg, LLVMGetParam(d->cmp, 1))));
  }
  if (text) {
    at_entry(cg, d->text);
    LLVMBuildRet(cg->b, cg_append_text(cg, t, LLVMGetParam(d->text, 0),
                                       load_ptr(cg, LLVMGetParam(d->text, 1)),
                                       true));
  }
  if (counted) {
    at_entry(cg, share);
    cg_share(cg, t, load_ptr(cg, LLVMGetParam(share, 0)));
    LLVMBuildRetVoid(cg->b);
  }
  if (eq) {
    at_entry(cg, d->hash);
    body_hash(cg, d->hash, t);
  }
  cg_pos_restore(cg, pos);
  return d;
}

/* The descriptor of a sub type's elements: counted (inc/dec through the
 * closure protocol); no equality, order, hash or text form (§4: Sema
 * rejects every list operation that would need them). One per module. */
static LLVMValueRef fn_desc(Cg *cg, const GirType *t) {
  /* subs count through the closure protocol; tasks and channels (§17,
   * born shared) and runtime handles (Lines: gj_mark_shared marks it)
   * through gj_inc / gj_dec: one descriptor for each */
  bool sub = t->kind == GIR_T_FN;
  const char *gname = sub ? "gj.type.sub" : "gj.type.shared";
  struct CgList *l = state(cg);
  LLVMValueRef g = LLVMGetNamedGlobal(cg->mod, gname);
  if (g)
    return g;
  g = LLVMAddGlobal(cg->mod, l->t_gjtype, gname);
  LLVMSetGlobalConstant(g, true);
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  LLVMSetAlignment(g, 8);
  LLVMTypeRef pp[] = {cg->t_ptr};
  LLVMTypeRef ty_rc = LLVMFunctionType(cg->t_void, pp, 1, false);
  LLVMValueRef inc = LLVMAddFunction(cg->mod, sub ? "gj.elem.inc.sub" : "gj.elem.inc.shared", ty_rc);
  LLVMValueRef dec = LLVMAddFunction(cg->mod, sub ? "gj.elem.dec.sub" : "gj.elem.dec.shared", ty_rc);
  LLVMSetLinkage(inc, LLVMInternalLinkage);
  LLVMSetLinkage(dec, LLVMInternalLinkage);
  cg_add_fn_attrs(cg, inc);
  cg_add_fn_attrs(cg, dec);
  LLVMValueRef null = LLVMConstNull(cg->t_ptr);
  /* a sub's captures are marked through its closure; tasks and channels
   * are born shared */
  LLVMValueRef share = null;
  if (sub) {
    share = LLVMAddFunction(cg->mod, "gj.elem.share.sub", ty_rc);
    LLVMSetLinkage(share, LLVMInternalLinkage);
    cg_add_fn_attrs(cg, share);
  }
  LLVMValueRef init[] = {i32c(cg, 8), i32c(cg, GJ_TYPE_HEAP), inc, dec, null,
                         null, null, null, cstring(cg, sub ? "sub" : "handle"),
                         share};
  LLVMSetInitializer(g, LLVMConstNamedStruct(l->t_gjtype, init, 10));
  CgPos pos = cg_pos_save(cg);
  at_entry(cg, inc);
  cg_rc(cg, t, load_ptr(cg, LLVMGetParam(inc, 0)), true);
  LLVMBuildRetVoid(cg->b);
  at_entry(cg, dec);
  cg_rc(cg, t, load_ptr(cg, LLVMGetParam(dec, 0)), false);
  LLVMBuildRetVoid(cg->b);
  if (sub) {
    at_entry(cg, share);
    cg_share(cg, t, load_ptr(cg, LLVMGetParam(share, 0)));
    LLVMBuildRetVoid(cg->b);
  }
  cg_pos_restore(cg, pos);
  return g;
}

LLVMValueRef cg_list_desc(Cg *cg, const GirType *elem) {
  switch (elem->kind) {
  case GIR_T_OBJ: return obj_desc(cg, elem)->global;
  case GIR_T_FN: case GIR_T_CHAN: case GIR_T_TASK: case GIR_T_HANDLE:
    return fn_desc(cg, elem);
  default: return builtin_desc(cg, elem);
  }
}

/* ---- inc / dec --------------------------------------------------------------- */

/* gj.list.inc / gj.list.dec: the fast path inline, the rest in gj_inc /
 * gj_dec. */
static LLVMValueRef rc_fn(Cg *cg, bool inc) {
  struct CgList *l = state(cg);
  if (l->rc_fn[inc])
    return l->rc_fn[inc];
  LLVMValueRef fn = LLVMAddFunction(cg->mod, inc ? "gj.list.inc" : "gj.list.dec",
                                    l->rc_ty);
  LLVMSetLinkage(fn, LLVMInternalLinkage);
  cg_add_fn_attrs(cg, fn);
  add_enum_attr(cg, fn, LLVMAttributeFunctionIndex, "alwaysinline");
  l->rc_fn[inc] = fn;

  CgPos pos = cg_pos_save(cg);
  at_entry(cg, fn);
  LLVMValueRef p = LLVMGetParam(fn, 0);
  LLVMBasicBlockRef fast = LLVMAppendBasicBlockInContext(cg->ctx, fn, "owned");
  LLVMBasicBlockRef slow = LLVMAppendBasicBlockInContext(cg->ctx, fn, "slow");
  LLVMValueRef rc = cg_load_rc(cg, p);
  LLVMValueRef c = LLVMBuildICmp(cg->b, LLVMIntSGT, rc, i32c(cg, inc ? 0 : 1), "");
  LLVMValueRef br = LLVMBuildCondBr(cg->b, c, fast, slow);
  cg_set_weights(cg, br, 1u << 20, 1);
  LLVMPositionBuilderAtEnd(cg->b, fast);
  LLVMValueRef n = inc ? LLVMBuildAdd(cg->b, rc, i32c(cg, 1), "")
                       : LLVMBuildSub(cg->b, rc, i32c(cg, 1), "");
  LLVMSetAlignment(LLVMBuildStore(cg->b, n, p), 4);
  LLVMBuildRetVoid(cg->b);
  LLVMPositionBuilderAtEnd(cg->b, slow);
  LLVMTypeRef ty;
  LLVMValueRef rt = cg_rt_decl(cg, inc ? GIR_RT_INC : GIR_RT_DEC, &ty);
  LLVMBuildCall2(cg->b, ty, rt, &p, 1, "");
  LLVMBuildRetVoid(cg->b);
  cg_pos_restore(cg, pos);
  return fn;
}

void cg_list_rc(Cg *cg, LLVMValueRef v, bool inc) {
  LLVMBuildCall2(cg->b, state(cg)->rc_ty, rc_fn(cg, inc), &v, 1, "");
}

/* ---- derived operations ------------------------------------------------------- */

LLVMValueRef cg_list_eq(Cg *cg, LLVMValueRef a, LLVMValueRef b) {
  LLVMValueRef args[] = {a, b};
  return call_rt(cg, RL_EQ, args, 2);
}

LLVMValueRef cg_list_cmp(Cg *cg, LLVMValueRef a, LLVMValueRef b) {
  LLVMValueRef args[] = {a, b};
  return call_rt(cg, RL_CMP, args, 2);
}

LLVMValueRef cg_list_append_text(Cg *cg, LLVMValueRef buf, LLVMValueRef v) {
  LLVMValueRef args[] = {buf, v};
  return call_rt(cg, RL_APPEND_TEXT, args, 2);
}

/* ---- the instructions ---------------------------------------------------------- */

LLVMValueRef cg_list_inst(Cg *cg, const GirInst *in, const GirType *list_t,
                          const LLVMValueRef *args) {
  if (!list_t || list_t->kind != GIR_T_LIST || !list_t->elem) {
    cg_internal_error(cg, "%s of a non-list", gir_op_name(in->op));
    return NULL;
  }
  const GirType *et = list_t->elem;
  /* a List[Unit]'s ops have no element operand (GIR.h): its elements
   * take no bytes, and the slot passed for one is never read */
  bool unit = gir_list_elem_omitted(list_t);
  LLVMValueRef a[4];
  switch (in->op) {
  case GIR_OP_LIST_NEW: {
    uint32_t n = in->imm.list.n;
    a[0] = cg_list_desc(cg, et);
    if (!n)
      return call_rt(cg, RL_NEW, a, 1);
    a[1] = i64c(cg, n);
    LLVMValueRef l = call_rt(cg, RL_WITH_CAP, a, 2);
    for (uint32_t i = 0; i < n; i++) {
      a[0] = l;
      a[1] = unit ? slot_for(cg, et) : spill(cg, et, args[i]);
      l = call_rt(cg, RL_PUSH, a, 2);
    }
    return l;
  }
  case GIR_OP_LIST_PUSH:
    a[0] = args[0];
    a[1] = unit ? slot_for(cg, et) : spill(cg, et, args[1]);
    return call_rt(cg, RL_PUSH, a, 2);
  case GIR_OP_LIST_SET:
    a[0] = args[0];
    a[1] = args[1];
    a[2] = unit ? slot_for(cg, et) : spill(cg, et, args[2]);
    a[3] = cg_loc(cg, in->span);
    return call_rt(cg, RL_SET, a, 4);
  case GIR_OP_LIST_GET: {
    LLVMValueRef slot = slot_for(cg, et);
    a[0] = args[0];
    a[1] = args[1];
    a[2] = slot;
    a[3] = cg_loc(cg, in->span);
    call_rt(cg, RL_GET, a, 4);
    return et->kind == GIR_T_UNIT ? NULL : cg_elem_reload(cg, et, slot);
  }
  case GIR_OP_LIST_LEN: return call_rt(cg, RL_LEN, (LLVMValueRef *)args, 1);
  case GIR_OP_LIST_CONCAT:
    return call_rt(cg, RL_CONCAT, (LLVMValueRef *)args, 2);
  case GIR_OP_LIST_SLICE:
    a[0] = args[0];
    a[1] = args[1];
    a[2] = args[2];
    a[3] = cg_loc(cg, in->span);
    return call_rt(cg, RL_SLICE, a, 4);
  case GIR_OP_LIST_OP:
    a[0] = args[0];
    switch ((GirListFn)in->imm.list.fn) {
    case GIR_LIST_SORTED: return call_rt(cg, RL_SORTED, a, 1);
    case GIR_LIST_REVERSED: return call_rt(cg, RL_REVERSED, a, 1);
    case GIR_LIST_CONTAINS:
      a[1] = unit ? slot_for(cg, et) : spill(cg, et, args[1]);
      return call_rt(cg, RL_CONTAINS, a, 2);
    case GIR_LIST_INDEX_OF:
      a[1] = unit ? slot_for(cg, et) : spill(cg, et, args[1]);
      return call_rt(cg, RL_INDEX_OF, a, 2);
    case GIR_LIST_TAKE: a[1] = args[1]; return call_rt(cg, RL_TAKE, a, 2);
    case GIR_LIST_DROP: a[1] = args[1]; return call_rt(cg, RL_DROP, a, 2);
    case GIR_LIST_JOIN: a[1] = args[1]; return call_rt(cg, RL_JOIN, a, 2);
    }
    cg_internal_error(cg, "list.op with an unknown function %d",
                      in->imm.list.fn);
    return NULL;
  default: break;
  }
  cg_internal_error(cg, "%s is not a list op", gir_op_name(in->op));
  return NULL;
}
