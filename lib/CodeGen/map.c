/* map.c — Map[K, V] and Set[T] (§15): GIR_OP_MAP_OP, the derived
 * operations of maps, and the thunks through which the runtime calls
 * closures.
 *
 * A map or set value is a pointer to the runtime's opaque GjMap
 * (runtime/include/gujirt.h, runtime/src/map.c: a CHAMP trie). Every
 * operation is a call into the runtime, with list.c's conventions: keys
 * and values cross BY POINTER to their storage, spilled to the function's
 * element slots (cg_elem_spill) in their memory types (Bool one byte,
 * Unit nothing). A key and a value passed at once may have the same slot
 * class, so keys (and the single element of set ops) use slot 0 and
 * values (insert's, update's default, get_or's default, index's result)
 * slot 1: they never alias. A K or V operand of type Unit is absent from
 * the GIR (gir_map_arg_role); its pointer is the Unit slot, which the
 * runtime never reads (size 0).
 *
 * Descriptors are list.c's (cg_list_desc): gj_type_map serves every Map
 * and Set nested in another collection or object, and inc and dec of a
 * map are the lists' gj.list.inc / gj.list.dec (both kinds are plain
 * GjHeader objects freed by gj_dec).
 *
 *   INDEX   gj_map_index(m, &k, &slot1, loc); the result is loaded from
 *           the slot, a borrowed copy (the RC pass incs it, as for PROJ)
 *   GET_OR  d is spilled to slot 1; found = gj_map_get(m, &k, &slot1)
 *           overwrites it with m's (borrowed) value; the loaded result is
 *           owned: when found it is inc'd and d dec'd (d is consumed
 *           either way)
 *   PAIRS   gj_map_pairs(m, descriptor of the result's tuple type)
 *
 * Thunks (GjCallFn, gujirt.h): update, map_values and filter hand the
 * runtime a closure and `void gj.thunk.N(ptr clo, ptr args, ptr out)`,
 * one per sub type and list of argument types (the runtime's arguments,
 * Unit ones included). The thunk loads each argument from the storage
 * args[i] points at (skipping Unit ones, which the sub does not take),
 * calls the closure as CALL_CLOSURE does (cg_closure_call: `code` with
 * the C convention, the closure first and borrowed, the arguments
 * consumed — the runtime has inc'd what it hands over) and stores the
 * result to *out in its memory type (Bool as one byte, nothing for
 * Unit). Thunks are emitted at once, without debug locations (the
 * builder's position is saved and restored around them).
 *
 * The runtime's map functions are declared by hand (cg_rt_hand_decl), as
 * list.c's are; a test that hands the JIT an explicit symbol list must
 * include them (unittests/CodeGen/map_test.cpp).
 */
#include <stdlib.h>
#include <string.h>

#include "cg_internal.h"
#include "gujirt.h"

typedef enum RtMap {
  RM_NEW, RM_SET_NEW, RM_LEN, RM_GET, RM_INDEX, RM_CONTAINS, RM_INSERT,
  RM_REMOVE, RM_UPDATE, RM_MERGE, RM_MAP_VALUES, RM_FILTER, RM_KEYS,
  RM_VALUES, RM_PAIRS, RM_EQ, RM_CMP, RM_APPEND_TEXT, RM_SET_ADD,
  RM_SET_FROM_LIST, RM_SET_UNION, RM_SET_INTERSECTION, RM_SET_DIFFERENCE,
  RM_SET_TO_LIST, RM_UPSERT,
  RM__COUNT
} RtMap;

/* name, then result and parameter letters (cg_rt_hand_decl) */
static const CgHandSig rt_map[RM__COUNT] = {
    [RM_NEW] = {"gj_map_new", "p:pp"},
    [RM_SET_NEW] = {"gj_set_new", "p:p"},
    [RM_LEN] = {"gj_map_len", "i:p"},
    [RM_GET] = {"gj_map_get", "b:ppp"},
    [RM_INDEX] = {"gj_map_index", "v:pppp"},
    [RM_CONTAINS] = {"gj_map_contains", "b:pp"},
    [RM_INSERT] = {"gj_map_insert", "p:ppp"},
    [RM_REMOVE] = {"gj_map_remove", "p:pp"},
    [RM_UPDATE] = {"gj_map_update", "p:ppppp"},
    [RM_UPSERT] = {"gj_map_upsert", "p:pppp"},
    [RM_MERGE] = {"gj_map_merge", "p:pp"},
    [RM_MAP_VALUES] = {"gj_map_map_values", "p:pppp"},
    [RM_FILTER] = {"gj_map_filter", "p:ppp"},
    [RM_KEYS] = {"gj_map_keys", "p:p"},
    [RM_VALUES] = {"gj_map_values", "p:p"},
    [RM_PAIRS] = {"gj_map_pairs", "p:pp"},
    [RM_EQ] = {"gj_map_eq", "b:pp"},
    [RM_CMP] = {"gj_map_cmp", "i:pp"},
    [RM_APPEND_TEXT] = {"gj_map_append_text", "p:pp"},
    [RM_SET_ADD] = {"gj_set_add", "p:pp"},
    [RM_SET_FROM_LIST] = {"gj_set_from_list", "p:p"},
    [RM_SET_UNION] = {"gj_set_union", "p:pp"},
    [RM_SET_INTERSECTION] = {"gj_set_intersection", "p:pp"},
    [RM_SET_DIFFERENCE] = {"gj_set_difference", "p:pp"},
    [RM_SET_TO_LIST] = {"gj_set_to_list", "p:p"},
};

/* One generated thunk: the sub type and the runtime's argument types. */
typedef struct Thunk {
  const GirType *fn_t;
  const GirType *args[CG_THUNK_MAX_ARGS];
  unsigned nargs;
  LLVMValueRef fn;
  struct Thunk *next;
} Thunk;

struct CgMaps {
  CgHandFn fn[RM__COUNT];
  Thunk *thunks;
  unsigned nthunks;
};

static struct CgMaps *state(Cg *cg) {
  if (!cg->maps) {
    cg->maps = arena_alloc(cg->s->arena, sizeof *cg->maps);
    memset(cg->maps, 0, sizeof *cg->maps);
  }
  return cg->maps;
}

static LLVMValueRef call_rt(Cg *cg, RtMap id, LLVMValueRef *args, unsigned n) {
  return cg_rt_hand_call(cg, &rt_map[id], &state(cg)->fn[id], args, n);
}

/* ---- thunks ----------------------------------------------------------------- */

static void thunk_body(Cg *cg, const Thunk *t) {
  LLVMValueRef fn = t->fn;
  LLVMPositionBuilderAtEnd(cg->b,
                           LLVMAppendBasicBlockInContext(cg->ctx, fn, "entry"));
  LLVMValueRef clo = LLVMGetParam(fn, 0), argv = LLVMGetParam(fn, 1);
  LLVMValueRef vals[CG_THUNK_MAX_ARGS];
  unsigned n = 0;
  for (unsigned i = 0; i < t->nargs; i++) {
    if (t->args[i]->kind == GIR_T_UNIT)
      continue;
    LLVMValueRef idx = LLVMConstInt(cg->t_i64, i, false);
    LLVMValueRef pp = LLVMBuildGEP2(cg->b, cg->t_ptr, argv, &idx, 1, "");
    LLVMValueRef p = LLVMBuildLoad2(cg->b, cg->t_ptr, pp, "");
    vals[n++] = cg_elem_reload(cg, t->args[i], p);
  }
  LLVMValueRef r = cg_closure_call(cg, t->fn_t, clo, vals, n);
  if (r)
    cg_elem_store(cg, t->fn_t->ret, r, LLVMGetParam(fn, 2));
  LLVMBuildRetVoid(cg->b);
}

LLVMValueRef cg_thunk(Cg *cg, const GirType *fn_t, const GirType *const *args,
                      unsigned nargs) {
  struct CgMaps *ms = state(cg);
  unsigned present = 0;
  for (unsigned i = 0; i < nargs; i++)
    present += args[i]->kind != GIR_T_UNIT;
  if (!fn_t || fn_t->kind != GIR_T_FN || fn_t->nparams != present ||
      nargs > CG_THUNK_MAX_ARGS) {
    cg_internal_error(cg, "a thunk for %s with %u arguments",
                      fn_t ? gir_type_name(fn_t) : "nothing", present);
    return LLVMConstNull(cg->t_ptr);
  }
  for (Thunk *t = ms->thunks; t; t = t->next)
    if (t->fn_t == fn_t && t->nargs == nargs &&
        (nargs == 0 || memcmp(t->args, args, nargs * sizeof *args) == 0))
      return t->fn;
  Thunk *t = arena_alloc(cg->s->arena, sizeof *t);
  memset(t, 0, sizeof *t);
  t->fn_t = fn_t;
  for (unsigned i = 0; i < nargs; i++)
    t->args[i] = args[i];
  t->nargs = nargs;
  char name[32];
  snprintf(name, sizeof name, "gj.thunk.%u", ms->nthunks++);
  LLVMTypeRef ps[] = {cg->t_ptr, cg->t_ptr, cg->t_ptr};
  t->fn = LLVMAddFunction(cg->mod, name,
                          LLVMFunctionType(cg->t_void, ps, 3, false));
  LLVMSetLinkage(t->fn, LLVMInternalLinkage);
  cg_add_fn_attrs(cg, t->fn);
  t->next = ms->thunks;
  ms->thunks = t;

  CgPos pos = cg_pos_save(cg);
  thunk_body(cg, t);
  cg_pos_restore(cg, pos);
  return t->fn;
}

/* The thunk calling closures of type fn_t with the runtime's arguments of
 * types a0 (and a1, when not NULL). */
static LLVMValueRef thunk(Cg *cg, const GirType *fn_t, const GirType *a0,
                          const GirType *a1) {
  const GirType *args[2] = {a0, a1};
  return cg_thunk(cg, fn_t, args, a1 ? 2 : 1);
}

/* ---- derived operations ------------------------------------------------------- */

LLVMValueRef cg_map_eq(Cg *cg, LLVMValueRef a, LLVMValueRef b) {
  LLVMValueRef args[] = {a, b};
  return call_rt(cg, RM_EQ, args, 2);
}

LLVMValueRef cg_map_cmp(Cg *cg, LLVMValueRef a, LLVMValueRef b) {
  LLVMValueRef args[] = {a, b};
  return call_rt(cg, RM_CMP, args, 2);
}

LLVMValueRef cg_map_append_text(Cg *cg, LLVMValueRef buf, LLVMValueRef v) {
  LLVMValueRef args[] = {buf, v};
  return call_rt(cg, RM_APPEND_TEXT, args, 2);
}

/* ---- the instruction ---------------------------------------------------------- */

/* A MAP_OP's operands by role (gir_map_arg_role); m2 is the second map
 * of merge and the set operations. */
typedef struct Operands {
  LLVMValueRef m, m2, k, v, f, l;
  const GirType *f_t;
} Operands;

static Operands operands(const GirInst *in, const LLVMValueRef *args,
                         const GirType *const *tys) {
  Operands o;
  memset(&o, 0, sizeof o);
  for (uint32_t i = 0; i < in->nargs; i++) {
    switch (gir_map_arg_role(in, i)) {
    case 'M': case 'm':
      if (o.m)
        o.m2 = args[i];
      else
        o.m = args[i];
      break;
    case 'K': case 'k': o.k = args[i]; break;
    case 'V': case 'v': o.v = args[i]; break;
    case 'F': case 'f': o.f = args[i]; o.f_t = tys[i]; break;
    case 'L': case 'l': o.l = args[i]; break;
    default: break;
    }
  }
  return o;
}

/* A pointer to v's storage in slot `which` (the Unit slot without v). */
static LLVMValueRef by_ptr(Cg *cg, const GirType *t, LLVMValueRef v,
                           unsigned which) {
  if (t->kind == GIR_T_UNIT || !v)
    return cg_elem_slot(cg, &gir_t_unit, which);
  return cg_elem_spill(cg, t, v, which);
}

/* NEW: an empty map or set, then each entry inserted (consumed). */
static LLVMValueRef map_new(Cg *cg, const GirInst *in, const GirType *mt,
                            const LLVMValueRef *args) {
  const GirType *kt = mt->key, *vt = mt->elem;
  LLVMValueRef a[3];
  LLVMValueRef m;
  if (mt->is_set) {
    a[0] = cg_list_desc(cg, kt);
    m = call_rt(cg, RM_SET_NEW, a, 1);
  } else {
    a[0] = cg_list_desc(cg, kt);
    a[1] = cg_list_desc(cg, vt);
    m = call_rt(cg, RM_NEW, a, 2);
  }
  bool hk = kt->kind != GIR_T_UNIT, hv = !mt->is_set && vt->kind != GIR_T_UNIT;
  uint32_t per = (uint32_t)hk + (uint32_t)hv;
  /* imm.map.n entries of `per` operands (none: a Map[Unit, Unit]) */
  for (uint32_t e = 0, i = 0; e < in->imm.map.n; e++, i += per) {
    a[0] = m;
    a[1] = by_ptr(cg, kt, hk ? args[i] : NULL, 0);
    if (mt->is_set) {
      m = call_rt(cg, RM_SET_ADD, a, 2);
      continue;
    }
    a[2] = by_ptr(cg, vt, hv ? args[i + hk] : NULL, 1);
    m = call_rt(cg, RM_INSERT, a, 3);
  }
  return m;
}

/* GET_OR: the result is owned (see the file comment). */
static LLVMValueRef map_get_or(Cg *cg, const GirType *mt, const Operands *o) {
  const GirType *vt = mt->elem;
  if (vt->kind == GIR_T_UNIT)
    return NULL; /* nothing to read, nothing consumed */
  LLVMValueRef slot = cg_elem_spill(cg, vt, o->v, 1);
  LLVMValueRef a[] = {o->m, by_ptr(cg, mt->key, o->k, 0), slot};
  LLVMValueRef found = call_rt(cg, RM_GET, a, 3);
  LLVMValueRef r = cg_elem_reload(cg, vt, slot);
  if (!cg_obj_counted(vt))
    return r;
  LLVMValueRef fn = LLVMGetBasicBlockParent(LLVMGetInsertBlock(cg->b));
  LLVMBasicBlockRef hit = LLVMAppendBasicBlockInContext(cg->ctx, fn, "get.found");
  LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(cg->ctx, fn, "get.done");
  LLVMBuildCondBr(cg->b, found, hit, done);
  LLVMPositionBuilderAtEnd(cg->b, hit);
  cg_rc(cg, vt, r, true);
  cg_rc(cg, vt, o->v, false);
  LLVMBuildBr(cg->b, done);
  LLVMPositionBuilderAtEnd(cg->b, done);
  return r;
}

/* UPDATE: the runtime's walk finds (or makes) the entry; f is called
 * here, so a known sub (`sub($c) { $c + 1 }`) is inlined. f consumes its
 * argument: the old value, moved out of the entry, or the default; a key
 * already present is dropped, as is the default then. */
static LLVMValueRef map_update(Cg *cg, const GirType *mt, const Operands *o) {
  const GirType *kt = mt->key, *vt = mt->elem;
  LLVMValueRef slotp = cg_entry_alloca(cg, cg->t_ptr, "upd.slot");
  LLVMValueRef foundp = cg_entry_alloca(cg, cg->t_i8, "upd.found");
  LLVMValueRef a[] = {o->m, by_ptr(cg, kt, o->k, 0), slotp, foundp};
  LLVMValueRef m = call_rt(cg, RM_UPSERT, a, 4);
  LLVMValueRef slot = LLVMBuildLoad2(cg->b, cg->t_ptr, slotp, "slot");
  LLVMValueRef found = LLVMBuildTrunc(
      cg->b, LLVMBuildLoad2(cg->b, cg->t_i8, foundp, ""), cg->t_i1, "found");
  LLVMValueRef fn = LLVMGetBasicBlockParent(LLVMGetInsertBlock(cg->b));
  LLVMBasicBlockRef hit = LLVMAppendBasicBlockInContext(cg->ctx, fn, "upd.hit");
  LLVMBasicBlockRef call = LLVMAppendBasicBlockInContext(cg->ctx, fn, "upd.call");
  LLVMBasicBlockRef miss = LLVMGetInsertBlock(cg->b);
  LLVMBuildCondBr(cg->b, found, hit, call);
  LLVMPositionBuilderAtEnd(cg->b, hit);
  LLVMValueRef old = cg_elem_reload(cg, vt, slot);
  cg_rc(cg, kt, o->k, false);
  cg_rc(cg, vt, o->v, false);
  LLVMBasicBlockRef hit_end = LLVMGetInsertBlock(cg->b);
  LLVMBuildBr(cg->b, call);
  LLVMPositionBuilderAtEnd(cg->b, call);
  LLVMValueRef arg = LLVMBuildPhi(cg->b, LLVMTypeOf(old), "upd.arg");
  LLVMValueRef ins[] = {old, o->v};
  LLVMBasicBlockRef from[] = {hit_end, miss};
  LLVMAddIncoming(arg, ins, from, 2);
  LLVMValueRef r = cg_closure_call(cg, o->f_t, o->f, &arg, 1);
  if (r)
    cg_elem_store(cg, vt, r, slot);
  return m;
}

LLVMValueRef cg_map_inst(Cg *cg, const GirInst *in, const LLVMValueRef *args,
                         const GirType *const *tys) {
  const GirType *mt = in->imm.map.type;
  if (!mt || mt->kind != GIR_T_MAP || !mt->key || !mt->elem) {
    cg_internal_error(cg, "map.op of a non-map");
    return NULL;
  }
  const GirType *kt = mt->key, *vt = mt->elem;
  GirMapFn fn = (GirMapFn)in->imm.map.fn;
  if (fn == GIR_MAP_NEW)
    return map_new(cg, in, mt, args);
  Operands o = operands(in, args, tys);
  LLVMValueRef a[5];
  a[0] = o.m;
  a[1] = o.m2;
  switch (fn) {
  case GIR_MAP_NEW: break;
  case GIR_MAP_LEN: return call_rt(cg, RM_LEN, a, 1);
  case GIR_MAP_INDEX: {
    LLVMValueRef slot = cg_elem_slot(cg, vt, 1);
    a[1] = by_ptr(cg, kt, o.k, 0);
    a[2] = slot;
    a[3] = cg_loc(cg, in->span);
    call_rt(cg, RM_INDEX, a, 4);
    return vt->kind == GIR_T_UNIT ? NULL : cg_elem_reload(cg, vt, slot);
  }
  case GIR_MAP_CONTAINS:
    a[1] = by_ptr(cg, kt, o.k, 0);
    return call_rt(cg, RM_CONTAINS, a, 2);
  case GIR_MAP_GET_OR: return map_get_or(cg, mt, &o);
  case GIR_MAP_INSERT:
    a[1] = by_ptr(cg, kt, o.k, 0);
    a[2] = by_ptr(cg, vt, o.v, 1);
    return call_rt(cg, RM_INSERT, a, 3);
  case GIR_MAP_REMOVE:
    a[1] = by_ptr(cg, kt, o.k, 0);
    return call_rt(cg, RM_REMOVE, a, 2);
  case GIR_MAP_UPDATE:
    if (kt->kind != GIR_T_UNIT && vt->kind != GIR_T_UNIT && o.k && o.v &&
        o.f_t->kind == GIR_T_FN && o.f_t->nparams == 1)
      return map_update(cg, mt, &o);
    a[1] = by_ptr(cg, kt, o.k, 0);
    a[2] = by_ptr(cg, vt, o.v, 1);
    a[3] = o.f;
    a[4] = thunk(cg, o.f_t, vt, NULL);
    return call_rt(cg, RM_UPDATE, a, 5);
  case GIR_MAP_MERGE: return call_rt(cg, RM_MERGE, a, 2);
  case GIR_MAP_KEYS: return call_rt(cg, RM_KEYS, a, 1);
  case GIR_MAP_VALUES: return call_rt(cg, RM_VALUES, a, 1);
  case GIR_MAP_PAIRS:
    if (!in->type || in->type->kind != GIR_T_LIST || !in->type->elem)
      break;
    a[1] = cg_list_desc(cg, in->type->elem);
    return call_rt(cg, RM_PAIRS, a, 2);
  case GIR_MAP_MAP_VALUES:
    if (!in->type || in->type->kind != GIR_T_MAP || !in->type->elem)
      break;
    a[1] = cg_list_desc(cg, in->type->elem);
    a[2] = o.f;
    a[3] = thunk(cg, o.f_t, vt, NULL);
    return call_rt(cg, RM_MAP_VALUES, a, 4);
  case GIR_MAP_FILTER:
    a[1] = o.f;
    a[2] = thunk(cg, o.f_t, kt, vt);
    return call_rt(cg, RM_FILTER, a, 3);
  case GIR_SET_ADD:
    a[1] = by_ptr(cg, kt, o.k, 0);
    return call_rt(cg, RM_SET_ADD, a, 2);
  case GIR_SET_UNION: return call_rt(cg, RM_SET_UNION, a, 2);
  case GIR_SET_INTERSECTION: return call_rt(cg, RM_SET_INTERSECTION, a, 2);
  case GIR_SET_DIFFERENCE: return call_rt(cg, RM_SET_DIFFERENCE, a, 2);
  case GIR_SET_FROM_LIST: a[0] = o.l; return call_rt(cg, RM_SET_FROM_LIST, a, 1);
  case GIR_SET_TO_LIST: return call_rt(cg, RM_SET_TO_LIST, a, 1);
  case GIR_MAP__COUNT: break;
  }
  cg_internal_error(cg, "map.op with a bad function %d or result type",
                    in->imm.map.fn);
  return NULL;
}
