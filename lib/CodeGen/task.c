/* task.c — tasks and channels (§17): GIR_OP_TASK_OP, and making values
 * shared before they cross to another task (§16).
 *
 * Task and channel values are pointers to the runtime's GjTask and GjChan
 * (runtime/include/gujirt.h, runtime/src/sched.c, chan.c): counted
 * objects born shared, so their inc and dec are gj_inc / gj_dec. Every
 * operation is a runtime call with list.c's conventions: an element
 * crosses BY POINTER to its storage in an element slot (cg_elem_spill:
 * Bool one byte, Unit nothing; the Unit slot stands in for an absent
 * element).
 *
 *   SPAWN     gj_task_spawn(gj.spawn.N, closure, descriptor of T or
 *             NULL for Unit): `void gj.spawn.N(ptr clo, ptr result)`, one
 *             per sub type, calls the closure as CALL_CLOSURE does
 *             (cg_closure_call), stores its result to *result in T's
 *             memory type and drops the closure (the task owns it: SPAWN
 *             consumes it)
 * The blocking ones (JOIN, SEND, RECV, SELECT) call the *_at entry
 * points, which also take the operation's GjLoc: a deadlock panics at
 * main's blocked operation (§12).
 *   JOIN      gj_task_join(t, &slot), the result reloaded (a new
 *             reference from the runtime)
 *   RECV, TRY_RECV  ok = gj_chan_recv(c, &slot); Some(slot) or None,
 *             built here (cg_obj_new) from the result's Option type
 *   SEND, TRY_SEND, CLOSE, CHAN_NEW, SLEEP, AFTER  one call each
 *   SELECT    the Select value is a frame slot { i64 index, [n x
 *             GjSelectCase] } (allocas at the top of the entry block, one
 *             per SELECT, with one more for each arm's element: the
 *             received value, or the value sent); gj_select fills it and
 *             returns the index, stored in it; the values of the send arms
 *             not chosen are dec'd right after (SELECT consumes them all,
 *             GIR.h). SELECT_INDEX, SELECT_OK and SELECT_VALUE read the
 *             slot; SELECT_VALUE reloads the received value from the
 *             arm's element slot (a new reference from the runtime).
 *   SHARE     cg_share: Str, List and Map through gj_mark_shared (the
 *             runtime walks their elements through their descriptors);
 *             records, tuples and sums through a generated
 *             `gj.share.T(ptr)`: nothing when the object is shared or
 *             immortal already (rc <= 0), else its header is marked
 *             (gj_mark_shared, which for an object changes only the
 *             count) and then its counted fields, by the field's type —
 *             the last one as a musttail call, so a long chain (a list
 *             built of sums) is marked in constant stack; closures
 *             through their own mark function (closure.c); tasks and
 *             channels need nothing.
 * Generated functions are emitted at once, without debug locations (the
 * builder's position and location are saved and restored).
 */
#include <stdlib.h>
#include <string.h>

#include "cg_internal.h"
#include "gujirt.h"

typedef enum RtTask {
  RT_SPAWN, RT_JOIN, RT_CHAN_NEW, RT_SEND, RT_TRY_SEND, RT_RECV, RT_TRY_RECV,
  RT_CLOSE, RT_MARK, RT_SLEEP, RT_AFTER, RT_SELECT,
  RT__COUNT
} RtTask;

/* name, then result and parameter letters (cg_rt_hand_decl) */
static const CgHandSig rt_task[RT__COUNT] = {
    [RT_SPAWN] = {"gj_task_spawn", "p:ppp"},
    [RT_JOIN] = {"gj_task_join_at", "v:ppp"},
    [RT_CHAN_NEW] = {"gj_chan_new", "p:pip"},
    [RT_SEND] = {"gj_chan_send_at", "b:ppp"},
    [RT_TRY_SEND] = {"gj_chan_try_send", "b:pp"},
    [RT_RECV] = {"gj_chan_recv_at", "b:ppp"},
    [RT_TRY_RECV] = {"gj_chan_try_recv", "b:pp"},
    [RT_CLOSE] = {"gj_chan_close", "b:p"},
    [RT_MARK] = {"gj_mark_shared", "v:p"},
    [RT_SLEEP] = {"gj_time_sleep", "v:i"},
    [RT_AFTER] = {"gj_time_after", "p:i"},
    [RT_SELECT] = {"gj_select_at", "i:pibp"},
};

typedef struct Spawner {
  const GirType *fn_t;
  LLVMValueRef fn;
  struct Spawner *next;
} Spawner;

struct CgTasks {
  CgHandFn fn[RT__COUNT];
  Spawner *spawners;
  unsigned nspawners;
  LLVMValueRef *share_fns;   /* gj.share.T, by object type id */
  LLVMTypeRef t_void_ptr;    /* void (ptr) */
  LLVMTypeRef t_case;        /* GjSelectCase: { ptr chan, ptr elem, i8 send, i8 ok } */
};

static struct CgTasks *state(Cg *cg) {
  if (!cg->tasks) {
    struct CgTasks *t = arena_alloc(cg->s->arena, sizeof *t);
    memset(t, 0, sizeof *t);
    size_t n = cg->m->types.len + 1;
    t->share_fns = arena_alloc(cg->s->arena, n * sizeof *t->share_fns);
    memset(t->share_fns, 0, n * sizeof *t->share_fns);
    t->t_void_ptr = LLVMFunctionType(cg->t_void, &cg->t_ptr, 1, false);
    LLVMTypeRef cs[] = {cg->t_ptr, cg->t_ptr, cg->t_i8, cg->t_i8};
    t->t_case = LLVMStructTypeInContext(cg->ctx, cs, 4, false);
    cg->tasks = t;
  }
  return cg->tasks;
}

static LLVMValueRef call_rt(Cg *cg, RtTask id, LLVMValueRef *args, unsigned n) {
  return cg_rt_hand_call(cg, &rt_task[id], &state(cg)->fn[id], args, n);
}

static LLVMBasicBlockRef block(Cg *cg, LLVMValueRef fn, const char *name) {
  return LLVMAppendBasicBlockInContext(cg->ctx, fn, name);
}

static LLVMValueRef internal_fn(Cg *cg, const char *name, LLVMTypeRef ty) {
  LLVMValueRef fn = LLVMAddFunction(cg->mod, name, ty);
  LLVMSetLinkage(fn, LLVMInternalLinkage);
  cg_add_fn_attrs(cg, fn);
  return fn;
}

/* ---- sharing (§16) ----------------------------------------------------------- */

void cg_share_header(Cg *cg, LLVMValueRef p) { call_rt(cg, RT_MARK, &p, 1); }

static LLVMValueRef share_fn(Cg *cg, const GirType *t);

/* Marks field value v of type ft; `tail`: as the function's last act. */
static void share_field(Cg *cg, const GirType *ft, LLVMValueRef v, bool tail) {
  LLVMValueRef c = NULL;
  switch (ft->kind) {
  case GIR_T_STR: case GIR_T_LIST: case GIR_T_MAP: case GIR_T_REGEX:
  case GIR_T_MATCH: case GIR_T_HANDLE:
    c = call_rt(cg, RT_MARK, &v, 1);
    break;
  case GIR_T_OBJ:
    if (!cg_obj_counted(ft))
      break;
    c = LLVMBuildCall2(cg->b, state(cg)->t_void_ptr, share_fn(cg, ft), &v, 1, "");
    break;
  case GIR_T_FN: cg_closure_share(cg, v); break;
  default: break; /* scalars; tasks and channels are born shared */
  }
  if (c && tail)
    LLVMSetTailCallKind(c, LLVMTailCallKindMustTail);
}

/* The body of gj.share.T (see the file comment). */
static void body_share(Cg *cg, LLVMValueRef fn, const GirType *t) {
  LLVMValueRef p = LLVMGetParam(fn, 0);
  LLVMValueRef rc = LLVMBuildLoad2(cg->b, cg->t_i32, p, "rc");
  LLVMBasicBlockRef go = block(cg, fn, "mark"), done = block(cg, fn, "done");
  LLVMBuildCondBr(cg->b,
                  LLVMBuildICmp(cg->b, LLVMIntSGT, rc,
                                LLVMConstInt(cg->t_i32, 0, false), ""),
                  go, done);
  LLVMPositionBuilderAtEnd(cg->b, done);
  LLVMBuildRetVoid(cg->b);
  LLVMPositionBuilderAtEnd(cg->b, go);
  cg_share_header(cg, p);
  LLVMValueRef sw = NULL;
  if (t->nctors > 1)
    sw = LLVMBuildSwitch(cg->b, cg_obj_tag(cg, t, p), done, t->nctors);
  for (uint32_t c = 0; c < t->nctors; c++) {
    const GirCtor *ct = &t->ctors[c];
    if (sw) {
      LLVMBasicBlockRef bb = block(cg, fn, ct->name);
      LLVMAddCase(sw, LLVMConstInt(cg->t_i64, c, false), bb);
      LLVMPositionBuilderAtEnd(cg->b, bb);
    }
    int last = -1;
    for (uint32_t i = 0; i < ct->nfields; i++)
      if (cg_obj_counted(ct->fields[i]))
        last = (int)i;
    for (int i = 0; i <= last; i++) {
      const GirType *ft = ct->fields[i];
      if (!cg_obj_counted(ft))
        continue;
      LLVMValueRef v = cg_obj_proj(cg, t, c, (uint32_t)i, p);
      bool tail = i == last && ft->kind != GIR_T_FN;
      share_field(cg, ft, v, tail);
    }
    LLVMBuildRetVoid(cg->b);
  }
}

static LLVMValueRef share_fn(Cg *cg, const GirType *t) {
  struct CgTasks *ts = state(cg);
  if (t->id >= cg->m->types.len || cg->m->types.data[t->id] != t) {
    cg_internal_error(cg, "share: object type %s not in the module", t->name);
    return LLVMConstNull(cg->t_ptr);
  }
  if (!ts->share_fns[t->id]) {
    char name[300];
    snprintf(name, sizeof name, "gj.share.%s", t->name);
    LLVMValueRef fn = internal_fn(cg, name, ts->t_void_ptr);
    ts->share_fns[t->id] = fn;
    CgPos s = cg_pos_save(cg);
    LLVMPositionBuilderAtEnd(cg->b, block(cg, fn, "entry"));
    body_share(cg, fn, t);
    cg_pos_restore(cg, s);
  }
  return ts->share_fns[t->id];
}

void cg_share(Cg *cg, const GirType *t, LLVMValueRef v) {
  share_field(cg, t, v, false);
}

/* ---- spawning ------------------------------------------------------------------ */

/* gj.spawn.N for closures of type fn_t (a sub(): T). */
static LLVMValueRef spawner(Cg *cg, const GirType *fn_t) {
  struct CgTasks *ts = state(cg);
  for (Spawner *s = ts->spawners; s; s = s->next)
    if (s->fn_t == fn_t)
      return s->fn;
  Spawner *s = arena_alloc(cg->s->arena, sizeof *s);
  s->fn_t = fn_t;
  char name[32];
  snprintf(name, sizeof name, "gj.spawn.%u", ts->nspawners++);
  LLVMTypeRef ps[] = {cg->t_ptr, cg->t_ptr};
  s->fn = internal_fn(cg, name, LLVMFunctionType(cg->t_void, ps, 2, false));
  s->next = ts->spawners;
  ts->spawners = s;
  CgPos sv = cg_pos_save(cg);
  LLVMPositionBuilderAtEnd(cg->b, block(cg, s->fn, "entry"));
  LLVMValueRef clo = LLVMGetParam(s->fn, 0);
  LLVMValueRef r = cg_closure_call(cg, fn_t, clo, NULL, 0);
  if (r && fn_t->ret->kind != GIR_T_UNIT)
    cg_elem_store(cg, fn_t->ret, r, LLVMGetParam(s->fn, 1));
  cg_rc(cg, fn_t, clo, false);
  LLVMBuildRetVoid(cg->b);
  cg_pos_restore(cg, sv);
  return s->fn;
}

/* ---- select ------------------------------------------------------------------ */

static LLVMValueRef case_field(Cg *cg, LLVMValueRef st, uint32_t arm,
                               unsigned field) {
  struct CgTasks *ts = state(cg);
  LLVMValueRef eight = LLVMConstInt(cg->t_i64, 8, false);
  LLVMValueRef cases = LLVMBuildGEP2(cg->b, cg->t_i8, st, &eight, 1, "cases");
  LLVMValueRef i = LLVMConstInt(cg->t_i64, arm, false);
  LLVMValueRef c = LLVMBuildGEP2(cg->b, ts->t_case, cases, &i, 1, "");
  return LLVMBuildStructGEP2(cg->b, ts->t_case, c, field, "");
}

static LLVMValueRef select_inst(Cg *cg, const GirInst *in,
                                const LLVMValueRef *args,
                                const GirType *const *tys) {
  struct CgTasks *ts = state(cg);
  uint32_t n = in->imm.task.narms;
  LLVMTypeRef parts[] = {cg->t_i64, LLVMArrayType2(ts->t_case, n ? n : 1)};
  LLVMTypeRef st_ty = LLVMStructTypeInContext(cg->ctx, parts, 2, false);
  LLVMValueRef st = cg_entry_alloca(cg, st_ty, "select");
  LLVMValueRef sent[64];
  const GirType *sent_t[64];
  uint32_t i = 0;
  for (uint32_t a = 0; a < n && i < in->nargs; a++) {
    const GirType *ct = tys[i];
    const GirType *et = ct && ct->kind == GIR_T_CHAN ? ct->elem : &gir_t_unit;
    LLVMBuildStore(cg->b, args[i++], case_field(cg, st, a, 0));
    bool send = (in->imm.task.sends >> a) & 1;
    LLVMValueRef slot = cg_entry_alloca(
        cg, et->kind == GIR_T_UNIT ? cg->t_i8 : cg_elem_mem_type(cg, et), "arm");
    sent[a] = NULL;
    if (send && i < in->nargs && ((in->imm.task.values >> i) & 1)) {
      sent[a] = args[i++];
      sent_t[a] = et;
      cg_elem_store(cg, et, sent[a], slot);
    }
    LLVMBuildStore(cg->b, slot, case_field(cg, st, a, 1));
    LLVMBuildStore(cg->b, LLVMConstInt(cg->t_i8, send, false),
                   case_field(cg, st, a, 2));
    LLVMBuildStore(cg->b, LLVMConstInt(cg->t_i8, 0, false),
                   case_field(cg, st, a, 3));
  }
  LLVMValueRef eight = LLVMConstInt(cg->t_i64, 8, false);
  LLVMValueRef a3[] = {LLVMBuildGEP2(cg->b, cg->t_i8, st, &eight, 1, ""),
                       LLVMConstInt(cg->t_i64, n, false),
                       LLVMConstInt(cg->t_i1, in->imm.task.has_else, false),
                       cg_loc(cg, in->span)};
  LLVMValueRef idx = call_rt(cg, RT_SELECT, a3, 4);
  LLVMBuildStore(cg->b, idx, st);
  /* the send values of the arms not chosen stay ours: release them */
  LLVMValueRef fn = LLVMGetBasicBlockParent(LLVMGetInsertBlock(cg->b));
  for (uint32_t a = 0; a < n; a++) {
    if (!sent[a] || !cg_obj_counted(sent_t[a]))
      continue;
    LLVMBasicBlockRef drop = block(cg, fn, "select.unsent");
    LLVMBasicBlockRef next = block(cg, fn, "select.next");
    LLVMValueRef other = LLVMBuildICmp(cg->b, LLVMIntNE, idx,
                                       LLVMConstInt(cg->t_i64, a, false), "");
    LLVMBuildCondBr(cg->b, other, drop, next);
    LLVMPositionBuilderAtEnd(cg->b, drop);
    cg_rc(cg, sent_t[a], sent[a], false);
    LLVMBuildBr(cg->b, next);
    LLVMPositionBuilderAtEnd(cg->b, next);
  }
  return st;
}

/* ---- the instruction -------------------------------------------------------------- */

/* A pointer to element v's storage (the Unit slot when there is none). */
static LLVMValueRef by_ptr(Cg *cg, const GirType *t, LLVMValueRef v) {
  if (t->kind == GIR_T_UNIT || !v)
    return cg_elem_slot(cg, &gir_t_unit, 0);
  return cg_elem_spill(cg, t, v, 0);
}

/* ok ? Some(*slot) : None, of Option type ot. */
static LLVMValueRef option_of(Cg *cg, const GirType *ot, const GirType *et,
                              LLVMValueRef ok, LLVMValueRef slot) {
  LLVMValueRef fn = LLVMGetBasicBlockParent(LLVMGetInsertBlock(cg->b));
  LLVMBasicBlockRef some = block(cg, fn, "recv.some");
  LLVMBasicBlockRef none = block(cg, fn, "recv.none");
  LLVMBasicBlockRef done = block(cg, fn, "recv.done");
  LLVMBuildCondBr(cg->b, ok, some, none);
  LLVMPositionBuilderAtEnd(cg->b, some);
  LLVMValueRef v = et->kind == GIR_T_UNIT ? NULL : cg_elem_reload(cg, et, slot);
  LLVMValueRef s = cg_obj_new(cg, ot, 1, &v, v ? 1 : 0);
  LLVMBasicBlockRef some_end = LLVMGetInsertBlock(cg->b);
  LLVMBuildBr(cg->b, done);
  LLVMPositionBuilderAtEnd(cg->b, none);
  LLVMValueRef n = cg_obj_new(cg, ot, 0, NULL, 0);
  LLVMBasicBlockRef none_end = LLVMGetInsertBlock(cg->b);
  LLVMBuildBr(cg->b, done);
  LLVMPositionBuilderAtEnd(cg->b, done);
  LLVMValueRef phi = LLVMBuildPhi(cg->b, cg->t_ptr, "recv");
  LLVMValueRef vals[] = {s, n};
  LLVMBasicBlockRef bbs[] = {some_end, none_end};
  LLVMAddIncoming(phi, vals, bbs, 2);
  return phi;
}

LLVMValueRef cg_task_inst(Cg *cg, const GirInst *in, const LLVMValueRef *args,
                          const GirType *const *tys) {
  const GirType *t = in->imm.task.type;
  GirTaskFn fn = (GirTaskFn)in->imm.task.fn;
  bool typeless = fn == GIR_TASK_SLEEP || fn == GIR_TASK_SELECT ||
                  fn == GIR_TASK_SELECT_INDEX || fn == GIR_TASK_SELECT_OK;
  if (!t && !typeless) {
    cg_internal_error(cg, "task.op without a type");
    return NULL;
  }
  const GirType *et = t && t->elem ? t->elem : &gir_t_unit;
  LLVMValueRef a[3];
  bool has_elem = et && et->kind != GIR_T_UNIT && in->nargs > 1;
  switch (fn) {
  case GIR_TASK_SPAWN:
    a[0] = spawner(cg, tys[0]);
    a[1] = args[0];
    a[2] = et->kind == GIR_T_UNIT ? LLVMConstNull(cg->t_ptr)
                                  : cg_list_desc(cg, et);
    return call_rt(cg, RT_SPAWN, a, 3);
  case GIR_TASK_JOIN: {
    LLVMValueRef slot = cg_elem_slot(cg, et, 0);
    a[0] = args[0];
    a[1] = slot;
    a[2] = cg_loc(cg, in->span);
    call_rt(cg, RT_JOIN, a, 3);
    return et->kind == GIR_T_UNIT ? NULL : cg_elem_reload(cg, et, slot);
  }
  case GIR_TASK_CHAN_NEW:
    a[0] = et->kind == GIR_T_UNIT ? cg_list_desc(cg, &gir_t_unit)
                                  : cg_list_desc(cg, et);
    a[1] = args[0];
    a[2] = cg_loc(cg, in->span);
    return call_rt(cg, RT_CHAN_NEW, a, 3);
  case GIR_TASK_SEND: case GIR_TASK_TRY_SEND:
    a[0] = args[0];
    a[1] = by_ptr(cg, et, has_elem ? args[1] : NULL);
    a[2] = cg_loc(cg, in->span); /* for a deadlock's panic (send only) */
    return call_rt(cg, fn == GIR_TASK_SEND ? RT_SEND : RT_TRY_SEND, a,
                   fn == GIR_TASK_SEND ? 3 : 2);
  case GIR_TASK_RECV: case GIR_TASK_TRY_RECV: {
    LLVMValueRef slot = cg_elem_slot(cg, et, 0);
    a[0] = args[0];
    a[1] = slot;
    a[2] = cg_loc(cg, in->span);
    LLVMValueRef ok = call_rt(cg, fn == GIR_TASK_RECV ? RT_RECV : RT_TRY_RECV,
                              a, fn == GIR_TASK_RECV ? 3 : 2);
    return option_of(cg, in->type, et, ok, slot);
  }
  case GIR_TASK_CLOSE: return call_rt(cg, RT_CLOSE, (LLVMValueRef *)args, 1);
  case GIR_TASK_SHARE:
    cg_share(cg, t, args[0]);
    return NULL;
  case GIR_TASK_SLEEP: call_rt(cg, RT_SLEEP, (LLVMValueRef *)args, 1); return NULL;
  case GIR_TASK_AFTER: return call_rt(cg, RT_AFTER, (LLVMValueRef *)args, 1);
  case GIR_TASK_SELECT: return select_inst(cg, in, args, tys);
  case GIR_TASK_SELECT_INDEX:
    return LLVMBuildLoad2(cg->b, cg->t_i64, args[0], "arm");
  case GIR_TASK_SELECT_OK:
    return LLVMBuildTrunc(
        cg->b, LLVMBuildLoad2(cg->b, cg->t_i8, case_field(cg, args[0], in->imm.task.arm, 3), ""),
        cg->t_i1, "ok");
  case GIR_TASK_SELECT_VALUE: {
    LLVMValueRef p = LLVMBuildLoad2(cg->b, cg->t_ptr,
                                    case_field(cg, args[0], in->imm.task.arm, 1), "");
    return cg_elem_reload(cg, et, p);
  }
  case GIR_TASK__COUNT: break;
  }
  cg_internal_error(cg, "task.op with a bad function %d", in->imm.task.fn);
  return NULL;
}
