/* Build.c — constructing GIR: modules, functions, blocks, instructions.
 *
 * Everything lives in the module's arena. Values are numbered per function
 * in definition order; GirValueInfo remembers each value's type and where
 * it is defined (block, instruction index or -1 for a block parameter), so
 * passes and the verifier never search for definitions.
 *
 * The builder is forgiving where lowering benefits: emitting into a block
 * that already has its terminator (or with no current block) does nothing
 * and returns GIR_NO_VALUE, so the code after `return`/`break` needs no
 * special case. An instruction of type Unit has no result value.
 */
#include <stdlib.h>
#include <string.h>

#include "guji/GIR.h"

size_t gir_func_index(const GirModule *m, const GirFunc *f) {
  if (f->id < m->funcs.len && m->funcs.data[f->id] == f)
    return f->id;
  for (size_t i = 0; i < m->funcs.len; i++)
    if (m->funcs.data[i] == f)
      return i;
  return SIZE_MAX;
}

GirModule *gir_module_new(Arena *a, const char *source_path) {
  GirModule *m = ARENA_NEW(a, GirModule);
  m->arena = a;
  m->source_path = source_path;
  return m;
}

GirFunc *gir_func_new(GirModule *m, const char *name, const char *link_name,
                      const GirType *ret, Span span) {
  GirFunc *f = ARENA_NEW(m->arena, GirFunc);
  f->id = (uint32_t)m->funcs.len;
  f->name = name;
  f->link_name = link_name;
  f->ret = ret;
  f->span = span;
  VEC_PUSH(m->arena, m->funcs, f);
  return f;
}

GirGlobal *gir_global_new(GirModule *m, const char *name,
                          const char *link_name, const GirType *t, Span span) {
  GirGlobal *gl = ARENA_NEW(m->arena, GirGlobal);
  gl->id = (uint32_t)m->globals.len;
  gl->name = name;
  gl->link_name = link_name;
  gl->type = t;
  gl->span = span;
  VEC_PUSH(m->arena, m->globals, gl);
  return gl;
}

GirBlock *gir_block_new(GirModule *m, GirFunc *f, const char *label) {
  GirBlock *b = ARENA_NEW(m->arena, GirBlock);
  b->id = (uint32_t)f->blocks.len;
  b->label = label;
  b->term.kind = GIR_TERM_NONE;
  b->term.value = GIR_NO_VALUE;
  VEC_PUSH(m->arena, f->blocks, b);
  return b;
}

static GirValue new_value(GirModule *m, GirFunc *f, const GirType *t,
                          GirBlock *b, int32_t inst) {
  GirValueInfo vi = {0};
  vi.type = t;
  vi.block = b;
  vi.inst = inst;
  VEC_PUSH(m->arena, f->values, vi);
  return (GirValue)(f->values.len - 1);
}

GirValue gir_value_new(GirModule *m, GirFunc *f, const GirType *t,
                       GirBlock *b, int32_t inst) {
  return new_value(m, f, t, b, inst);
}

GirValue gir_block_add_param(GirModule *m, GirFunc *f, GirBlock *b,
                             const GirType *t) {
  GirValue v = new_value(m, f, t, b, -1);
  VEC_PUSH(m->arena, b->params, v);
  return v;
}

GirValue gir_func_add_param(GirModule *m, GirFunc *f, const GirType *t) {
  if (f->blocks.len == 0) gir_block_new(m, f, NULL);
  VEC_PUSH(m->arena, f->param_types, t);
  return gir_block_add_param(m, f, f->blocks.data[0], t);
}

void gir_value_set_dbg(GirFunc *f, GirValue v, const char *name, Span decl) {
  if (v == GIR_NO_VALUE || v >= f->values.len) return;
  f->values.data[v].dbg_name = name;
  f->values.data[v].dbg_span = decl;
}

/* ---- the builder --------------------------------------------------------- */

void gir_set_block(GirBuilder *g, GirBlock *b) { g->b = b; }

bool gir_is_terminated(const GirBuilder *g) {
  return g->b == NULL || g->b->term.kind != GIR_TERM_NONE;
}

/* Appends `in` (op, type, imm filled in) with a copy of args; assigns the
 * result value unless the type is Unit. */
static GirValue emit(GirBuilder *g, GirInst in, const GirValue *args,
                     uint32_t nargs) {
  if (gir_is_terminated(g)) return GIR_NO_VALUE;
  Arena *a = g->m->arena;
  in.nargs = nargs;
  in.args = NULL;
  if (nargs) {
    in.args = ARENA_ARRAY(a, GirValue, nargs);
    memcpy(in.args, args, nargs * sizeof(GirValue));
  }
  if (in.type == NULL) in.type = &gir_t_unit;
  in.result = GIR_NO_VALUE;
  if (in.type->kind != GIR_T_UNIT)
    in.result = new_value(g->m, g->f, in.type, g->b,
                          (int32_t)g->b->insts.len);
  VEC_PUSH(a, g->b->insts, in);
  return in.result;
}

static GirInst inst_make(GirOp op, const GirType *type, Span sp) {
  GirInst in = {0};
  in.op = op;
  in.type = type;
  in.span = sp;
  return in;
}

GirValue gir_const_int(GirBuilder *g, int64_t v, Span sp) {
  GirInst in = inst_make(GIR_OP_CONST_INT, &gir_t_int, sp);
  in.imm.i = v;
  return emit(g, in, NULL, 0);
}

GirValue gir_const_float(GirBuilder *g, double v, Span sp) {
  GirInst in = inst_make(GIR_OP_CONST_FLOAT, &gir_t_float, sp);
  in.imm.f = v;
  return emit(g, in, NULL, 0);
}

GirValue gir_const_bool(GirBuilder *g, bool v, Span sp) {
  GirInst in = inst_make(GIR_OP_CONST_BOOL, &gir_t_bool, sp);
  in.imm.b = v;
  return emit(g, in, NULL, 0);
}

GirValue gir_const_char(GirBuilder *g, uint32_t v, Span sp) {
  GirInst in = inst_make(GIR_OP_CONST_CHAR, &gir_t_char, sp);
  in.imm.ch = v;
  return emit(g, in, NULL, 0);
}

GirValue gir_const_str(GirBuilder *g, const char *data, size_t len, Span sp) {
  GirInst in = inst_make(GIR_OP_CONST_STR, &gir_t_str, sp);
  if (gir_is_terminated(g)) return GIR_NO_VALUE;
  in.imm.str.data = arena_strndup(g->m->arena, data, len);
  in.imm.str.len = len;
  return emit(g, in, NULL, 0);
}

GirValue gir_const_regex(GirBuilder *g, const char *pat, size_t len,
                         uint32_t flags, Span sp) {
  GirInst in = inst_make(GIR_OP_CONST_REGEX, &gir_t_regex, sp);
  if (gir_is_terminated(g)) return GIR_NO_VALUE;
  in.imm.re.data = arena_strndup(g->m->arena, pat, len);
  in.imm.re.len = len;
  in.imm.re.flags = flags;
  return emit(g, in, NULL, 0);
}

GirValue gir_op(GirBuilder *g, GirOp op, const GirType *type,
                const GirValue *args, uint32_t nargs, Span sp) {
  return emit(g, inst_make(op, type, sp), args, nargs);
}

GirValue gir_op1(GirBuilder *g, GirOp op, const GirType *type, GirValue a,
                 Span sp) {
  return gir_op(g, op, type, &a, 1, sp);
}

GirValue gir_op2(GirBuilder *g, GirOp op, const GirType *type, GirValue a,
                 GirValue b, Span sp) {
  GirValue args[2] = {a, b};
  return gir_op(g, op, type, args, 2, sp);
}

GirValue gir_call(GirBuilder *g, GirFunc *callee, const GirValue *args,
                  uint32_t nargs, Span sp) {
  GirInst in = inst_make(GIR_OP_CALL, callee->ret, sp);
  in.imm.call.callee = callee;
  in.imm.call.tail = false;
  return emit(g, in, args, nargs);
}

GirValue gir_call_rt(GirBuilder *g, GirRtId rt, const GirValue *args,
                     uint32_t nargs, Span sp) {
  const GirRtInfo *info = gir_rt_info(rt);
  if (info == NULL) GJ_UNREACHABLE("gir_call_rt: bad runtime id");
  GirInst in = inst_make(GIR_OP_CALL_RT, info->ret, sp);
  in.imm.rt = rt;
  return emit(g, in, args, nargs);
}

GirValue gir_call_rt_typed(GirBuilder *g, GirRtId rt, const GirValue *args,
                           uint32_t nargs, const GirType *type, Span sp) {
  const GirRtInfo *info = gir_rt_info(rt);
  if (info == NULL) GJ_UNREACHABLE("gir_call_rt_typed: bad runtime id");
  GirInst in = inst_make(GIR_OP_CALL_RT, type, sp);
  in.imm.rt = rt;
  return emit(g, in, args, nargs);
}

GirValue gir_call_c(GirBuilder *g, const char *sym, const GirType *type,
                    const GirValue *args, uint32_t nargs, Span sp) {
  GirInst in = inst_make(GIR_OP_CALL_C, type, sp);
  in.imm.ccall.sym = sym;
  return emit(g, in, args, nargs);
}

/* ---- objects and derived operations ------------------------------------ */

GirValue gir_new(GirBuilder *g, const GirType *t, uint32_t ctor,
                 const GirValue *fields, uint32_t nfields, Span sp) {
  GirInst in = inst_make(GIR_OP_NEW, t, sp);
  in.imm.ctor.type = t;
  in.imm.ctor.index = ctor;
  return emit(g, in, fields, nfields);
}

/* The result has the field's type; with a bad type, constructor or field
 * index the PROJ gets type Unit (no result), which the verifier reports. */
GirValue gir_proj(GirBuilder *g, GirValue obj, const GirType *t, uint32_t ctor,
                  uint32_t field, Span sp) {
  const GirType *ft = NULL;
  if (t && t->kind == GIR_T_OBJ && ctor < t->nctors &&
      field < t->ctors[ctor].nfields)
    ft = t->ctors[ctor].fields[field];
  GirInst in = inst_make(GIR_OP_PROJ, ft, sp);
  in.imm.ctor.type = t;
  in.imm.ctor.index = ctor;
  in.imm.ctor.field = field;
  return emit(g, in, &obj, 1);
}

GirValue gir_tag(GirBuilder *g, GirValue obj, Span sp) {
  return emit(g, inst_make(GIR_OP_TAG, &gir_t_int, sp), &obj, 1);
}

GirValue gir_eq(GirBuilder *g, GirValue a, GirValue b, Span sp) {
  GirValue args[2] = {a, b};
  return emit(g, inst_make(GIR_OP_EQ, &gir_t_bool, sp), args, 2);
}

GirValue gir_cmp(GirBuilder *g, GirValue a, GirValue b, Span sp) {
  GirValue args[2] = {a, b};
  return emit(g, inst_make(GIR_OP_CMP, &gir_t_int, sp), args, 2);
}

GirValue gir_append_text(GirBuilder *g, GirValue buf, GirValue v, bool nested,
                         Span sp) {
  GirInst in = inst_make(GIR_OP_APPEND_TEXT, &gir_t_str, sp);
  in.imm.nested = nested;
  GirValue args[2] = {buf, v};
  return emit(g, in, args, 2);
}

GirValue gir_global_get(GirBuilder *g, GirGlobal *gl, Span sp) {
  GirInst in = inst_make(GIR_OP_GLOBAL_GET, gl->type, sp);
  in.imm.global = gl;
  return emit(g, in, NULL, 0);
}

void gir_global_set(GirBuilder *g, GirGlobal *gl, GirValue v, Span sp) {
  GirInst in = inst_make(GIR_OP_GLOBAL_SET, &gir_t_unit, sp);
  in.imm.global = gl;
  emit(g, in, &v, 1);
}

/* ---- terminators: each ends the block and clears the current block ------ */

static GirTerm *term_begin(GirBuilder *g, GirTermKind kind, Span sp) {
  if (gir_is_terminated(g)) return NULL;
  GirTerm *t = &g->b->term;
  memset(t, 0, sizeof *t);
  t->kind = kind;
  t->span = sp;
  t->value = GIR_NO_VALUE;
  g->b = NULL;
  return t;
}

void gir_ret(GirBuilder *g, GirValue v, Span sp) {
  GirTerm *t = term_begin(g, GIR_TERM_RET, sp);
  if (t) t->value = v;
}

void gir_jmp(GirBuilder *g, GirBlock *target, const GirValue *args,
             uint32_t nargs, Span sp) {
  Arena *a = g->m->arena;
  GirTerm *t = term_begin(g, GIR_TERM_JMP, sp);
  if (t == NULL) return;
  t->target = target;
  t->nargs = nargs;
  if (nargs) {
    t->args = ARENA_ARRAY(a, GirValue, nargs);
    memcpy(t->args, args, nargs * sizeof(GirValue));
  }
}

void gir_br(GirBuilder *g, GirValue cond, GirBlock *then_b, GirBlock *else_b,
            Span sp) {
  GirTerm *t = term_begin(g, GIR_TERM_BR, sp);
  if (t == NULL) return;
  t->value = cond;
  t->target = then_b;
  t->else_target = else_b;
}

void gir_switch(GirBuilder *g, GirValue v, const GirCase *cases,
                uint32_t ncases, GirBlock *else_b, Span sp) {
  Arena *a = g->m->arena;
  GirTerm *t = term_begin(g, GIR_TERM_SWITCH, sp);
  if (t == NULL) return;
  t->value = v;
  t->else_target = else_b;
  t->ncases = ncases;
  if (ncases) {
    t->cases = ARENA_ARRAY(a, GirCase, ncases);
    memcpy(t->cases, cases, ncases * sizeof(GirCase));
  }
}

void gir_unreachable(GirBuilder *g, Span sp) {
  term_begin(g, GIR_TERM_UNREACHABLE, sp);
}

/* ---- closures ------------------------------------------------------------ */

GirValue gir_closure_new(GirBuilder *g, GirFunc *lifted, const GirType *fn_t,
                         const GirValue *captures, uint32_t n, Span sp) {
  GirInst in = inst_make(GIR_OP_CLOSURE_NEW, fn_t, sp);
  in.imm.closure.callee = lifted;
  in.imm.closure.fn_type = fn_t;
  return emit(g, in, captures, n);
}

GirValue gir_capture(GirBuilder *g, GirValue env, uint32_t index,
                     const GirType *t, Span sp) {
  GirInst in = inst_make(GIR_OP_CAPTURE, t, sp);
  in.imm.closure.field = index;
  return emit(g, in, &env, 1);
}

/* args[0] is the closure; the result is its type's ret (none for Unit; a
 * closure that is not of a sub type gives Unit, which the verifier
 * reports). */
GirValue gir_call_closure(GirBuilder *g, GirValue clo, const GirValue *args,
                          uint32_t nargs, Span sp) {
  if (gir_is_terminated(g)) return GIR_NO_VALUE;
  const GirType *ft = clo < g->f->values.len ? gir_value_type(g->f, clo)
                                             : NULL;
  const GirType *ret =
      ft && ft->kind == GIR_T_FN ? ft->ret : &gir_t_unit;
  GirValue small[8];
  GirValue *all = nargs < 8 ? small : malloc((nargs + 1) * sizeof *all);
  all[0] = clo;
  if (nargs) memcpy(all + 1, args, nargs * sizeof *args);
  GirInst in = inst_make(GIR_OP_CALL_CLOSURE, ret, sp);
  GirValue r = emit(g, in, all, nargs + 1);
  if (all != small) free(all);
  return r;
}

/* ---- lists ----------------------------------------------------------------- */

bool gir_list_elem_omitted(const GirType *lt) {
  return lt && lt->kind == GIR_T_LIST && lt->elem &&
         lt->elem->kind == GIR_T_UNIT;
}

GirValue gir_list_new(GirBuilder *g, const GirType *list_t,
                      const GirValue *elems, uint32_t n, Span sp) {
  GirInst in = inst_make(GIR_OP_LIST_NEW, list_t, sp);
  in.imm.list.type = list_t;
  in.imm.list.fn = 0;
  in.imm.list.n = n;
  return emit(g, in, elems, gir_list_elem_omitted(list_t) ? 0 : n);
}

GirValue gir_list_push(GirBuilder *g, const GirType *list_t, GirValue l,
                       GirValue x, Span sp) {
  GirValue a[2] = {l, x};
  return gir_op(g, GIR_OP_LIST_PUSH, list_t, a,
                gir_list_elem_omitted(list_t) ? 1 : 2, sp);
}

GirValue gir_list_set(GirBuilder *g, const GirType *list_t, GirValue l,
                      GirValue i, GirValue x, Span sp) {
  GirValue a[3] = {l, i, x};
  return gir_op(g, GIR_OP_LIST_SET, list_t, a,
                gir_list_elem_omitted(list_t) ? 2 : 3, sp);
}

/* The result type follows from fn and args[0]'s list type (GirListFn);
 * without arguments the result is Unit, which the verifier reports. */
GirValue gir_list_op(GirBuilder *g, GirListFn fn, const GirValue *args,
                     uint32_t nargs, Span sp) {
  if (gir_is_terminated(g)) return GIR_NO_VALUE;
  const GirType *lt = nargs && args[0] < g->f->values.len
                          ? gir_value_type(g->f, args[0]) : NULL;
  const GirType *res = &gir_t_unit;
  switch (fn) {
  case GIR_LIST_SORTED: case GIR_LIST_REVERSED:
  case GIR_LIST_TAKE: case GIR_LIST_DROP:
    if (lt) res = lt;
    break;
  case GIR_LIST_CONTAINS: res = &gir_t_bool; break;
  case GIR_LIST_INDEX_OF: res = &gir_t_int; break;
  case GIR_LIST_JOIN: res = &gir_t_str; break;
  }
  if ((fn == GIR_LIST_CONTAINS || fn == GIR_LIST_INDEX_OF) && nargs == 2 &&
      gir_list_elem_omitted(lt))
    nargs = 1;
  GirInst in = inst_make(GIR_OP_LIST_OP, res, sp);
  in.imm.list.type = lt;
  in.imm.list.fn = (int)fn;
  return emit(g, in, args, nargs);
}

/* ---- maps and sets ------------------------------------------------------ */

static const GirMapFnInfo map_fns[GIR_MAP__COUNT] = {
    [GIR_MAP_NEW] = {"new", ""},
    [GIR_MAP_LEN] = {"len", "m"},
    [GIR_MAP_INDEX] = {"index", "mk"},
    [GIR_MAP_CONTAINS] = {"contains", "mk"},
    [GIR_MAP_GET_OR] = {"get_or", "mkV"},
    [GIR_MAP_INSERT] = {"insert", "MKV"},
    [GIR_MAP_REMOVE] = {"remove", "Mk"},
    [GIR_MAP_UPDATE] = {"update", "MKVf"},
    [GIR_MAP_MERGE] = {"merge", "mm"},
    [GIR_MAP_KEYS] = {"keys", "m"},
    [GIR_MAP_VALUES] = {"values", "m"},
    [GIR_MAP_PAIRS] = {"pairs", "m"},
    [GIR_MAP_MAP_VALUES] = {"map_values", "mf"},
    [GIR_MAP_FILTER] = {"filter", "mf"},
    [GIR_SET_ADD] = {"add", "MK"},
    [GIR_SET_UNION] = {"union", "mm"},
    [GIR_SET_INTERSECTION] = {"intersection", "mm"},
    [GIR_SET_DIFFERENCE] = {"difference", "mm"},
    [GIR_SET_FROM_LIST] = {"from_list", "l"},
    [GIR_SET_TO_LIST] = {"to_list", "m"},
};

const GirMapFnInfo *gir_map_fn_info(GirMapFn fn) {
  return (unsigned)fn < GIR_MAP__COUNT ? &map_fns[fn] : NULL;
}

static bool role_present(const GirType *mt, char c) {
  if (c == 'K' || c == 'k') return mt->key->kind != GIR_T_UNIT;
  if (c == 'V' || c == 'v') return mt->elem->kind != GIR_T_UNIT;
  return true;
}

/* The operands of one entry of a NEW of map type mt: its key and value
 * less the Unit ones (a set's value is Unit). */
static uint32_t map_entry_operands(const GirType *mt) {
  return (uint32_t)(mt->key->kind != GIR_T_UNIT) +
         (uint32_t)(!mt->is_set && mt->elem->kind != GIR_T_UNIT);
}

char gir_map_arg_role(const GirInst *in, uint32_t i) {
  const GirType *mt = in->imm.map.type;
  if (!mt || mt->kind != GIR_T_MAP) return 0;
  if (in->imm.map.fn == GIR_MAP_NEW) {
    bool k = mt->key->kind != GIR_T_UNIT, v = mt->elem->kind != GIR_T_UNIT;
    if (k && v) return i % 2 ? 'V' : 'K';
    return k ? 'K' : v ? 'V' : 0;
  }
  const GirMapFnInfo *fi = gir_map_fn_info((GirMapFn)in->imm.map.fn);
  if (!fi) return 0;
  uint32_t k = 0;
  for (const char *c = fi->args; *c; c++) {
    if (!role_present(mt, *c)) continue;
    if (k++ == i) return *c;
  }
  return 0;
}

GirValue gir_map_op(GirBuilder *g, GirMapFn fn, const GirType *map_t,
                    const GirType *type, const GirValue *args,
                    uint32_t nargs, Span sp) {
  GirInst in = inst_make(GIR_OP_MAP_OP, type, sp);
  in.imm.map.type = map_t;
  in.imm.map.fn = (int)fn;
  if (fn == GIR_MAP_NEW && map_t && map_t->kind == GIR_T_MAP) {
    uint32_t per = map_entry_operands(map_t);
    in.imm.map.n = per ? nargs / per : 0;
  }
  return emit(g, in, args, nargs);
}

GirValue gir_map_new(GirBuilder *g, const GirType *map_t,
                     const GirValue *entries, uint32_t n, Span sp) {
  uint32_t per = map_t->is_set ? 1 : 2;
  GirValue small[16];
  GirValue *a = per * n <= 16 ? small
                : ARENA_ARRAY(g->m->arena, GirValue, per * n);
  uint32_t k = 0;
  for (uint32_t i = 0; i < per * n; i++) {
    const GirType *t = i % per ? map_t->elem : map_t->key;
    if (t->kind != GIR_T_UNIT) a[k++] = entries[i];
  }
  GirInst in = inst_make(GIR_OP_MAP_OP, map_t, sp);
  in.imm.map.type = map_t;
  in.imm.map.fn = GIR_MAP_NEW;
  in.imm.map.n = n;
  return emit(g, in, a, k);
}

/* ---- tasks and channels ------------------------------------------------- */

static const GirTaskFnInfo task_fns[GIR_TASK__COUNT] = {
    [GIR_TASK_SPAWN] = {"spawn", "F"},     [GIR_TASK_JOIN] = {"join", "t"},
    [GIR_TASK_CHAN_NEW] = {"chan.new", "i"}, [GIR_TASK_SEND] = {"send", "cE"},
    [GIR_TASK_TRY_SEND] = {"try_send", "cE"}, [GIR_TASK_RECV] = {"recv", "c"},
    [GIR_TASK_TRY_RECV] = {"try_recv", "c"}, [GIR_TASK_CLOSE] = {"close", "c"},
    [GIR_TASK_SHARE] = {"share", "x"},     [GIR_TASK_SLEEP] = {"sleep", "i"},
    [GIR_TASK_AFTER] = {"after", "i"},     [GIR_TASK_SELECT] = {"select", "*"},
    [GIR_TASK_SELECT_INDEX] = {"select.index", "s"},
    [GIR_TASK_SELECT_OK] = {"select.ok", "s"},
    [GIR_TASK_SELECT_VALUE] = {"select.value", "s"},
};

const GirTaskFnInfo *gir_task_fn_info(GirTaskFn fn) {
  return (unsigned)fn < GIR_TASK__COUNT ? &task_fns[fn] : NULL;
}

char gir_task_arg_role(const GirInst *in, uint32_t i) {
  const GirTaskFnInfo *fi = gir_task_fn_info((GirTaskFn)in->imm.task.fn);
  const GirType *t = in->imm.task.type;
  if (!fi) return 0;
  if (in->imm.task.fn == GIR_TASK_SELECT)
    return i >= in->nargs ? 0 : (in->imm.task.values >> i) & 1 ? 'E' : 'c';
  if (!t && fi->args[0] != 's') return 0;
  uint32_t k = 0;
  for (const char *c = fi->args; *c; c++) {
    if (*c == 'E' && (!t || !t->elem || t->elem->kind == GIR_T_UNIT)) continue;
    if (k++ == i) return *c;
  }
  return 0;
}

GirValue gir_task_op(GirBuilder *g, GirTaskFn fn, const GirType *t,
                     const GirType *type, const GirValue *args,
                     uint32_t nargs, Span sp) {
  GirInst in = inst_make(GIR_OP_TASK_OP, type, sp);
  in.imm.task.type = t;
  in.imm.task.fn = (int)fn;
  return emit(g, in, args, nargs);
}

GirValue gir_task_select(GirBuilder *g, const GirValue *args, uint32_t nargs,
                         uint32_t narms, uint64_t sends, uint64_t values,
                         bool has_else, Span sp) {
  GirInst in = inst_make(GIR_OP_TASK_OP, &gir_t_select, sp);
  in.imm.task.fn = GIR_TASK_SELECT;
  in.imm.task.narms = narms;
  in.imm.task.sends = sends;
  in.imm.task.values = values;
  in.imm.task.has_else = has_else;
  return emit(g, in, args, nargs);
}

GirValue gir_task_select_arm(GirBuilder *g, GirTaskFn fn, GirValue st,
                             uint32_t arm, const GirType *ct, Span sp) {
  const GirType *res = fn == GIR_TASK_SELECT_OK ? &gir_t_bool
                       : ct && ct->elem ? ct->elem : &gir_t_unit;
  GirInst in = inst_make(GIR_OP_TASK_OP, res, sp);
  in.imm.task.fn = (int)fn;
  in.imm.task.type = fn == GIR_TASK_SELECT_VALUE ? ct : NULL;
  in.imm.task.arm = arm;
  return emit(g, in, &st, 1);
}

/* ---- queries for passes ------------------------------------------------ */

uint32_t gir_term_nsuccs(const GirTerm *t) {
  switch (t->kind) {
  case GIR_TERM_JMP: return 1;
  case GIR_TERM_BR: return 2;
  case GIR_TERM_SWITCH: return t->ncases + 1;
  default: return 0;
  }
}

GirBlock **gir_term_succ(GirTerm *t, uint32_t k) {
  if (t->kind == GIR_TERM_SWITCH)
    return k < t->ncases ? &t->cases[k].target : &t->else_target;
  return k == 0 ? &t->target : &t->else_target;
}

bool gir_inst_consumes(const GirInst *in, uint32_t i) {
  switch (in->op) {
  case GIR_OP_CALL: {
    const GirFunc *c = in->imm.call.callee;
    return !(c && c->param_borrowed && i < c->param_types.len &&
             c->param_borrowed[i]);
  }
  case GIR_OP_GLOBAL_SET:
  case GIR_OP_NEW:
  case GIR_OP_REUSE:        /* the fields (the token is not counted) */
  case GIR_OP_CLOSURE_NEW:  /* the captures */
  case GIR_OP_LIST_NEW:     /* the elements */
  case GIR_OP_LIST_PUSH:    /* the list and the element */
  case GIR_OP_LIST_SET:     /* the list and the element (the index: scalar) */
  case GIR_OP_DEC:
  case GIR_OP_RESET:
  case GIR_OP_DROP:
    return true;
  case GIR_OP_CALL_CLOSURE: /* the closure is borrowed, its arguments not */
    return i > 0;
  case GIR_OP_APPEND_TEXT:  /* the buffer */
    return i == 0;
  case GIR_OP_TASK_OP: {    /* the upper-case letters of GirTaskFnInfo */
    char c = gir_task_arg_role(in, i);
    return c >= 'A' && c <= 'Z';
  }
  case GIR_OP_MAP_OP: {     /* the upper-case letters of GirMapFnInfo */
    char c = gir_map_arg_role(in, i);
    return c >= 'A' && c <= 'Z';
  }
  case GIR_OP_CALL_RT: {
    const GirRtInfo *info = gir_rt_info(in->imm.rt);
    return info && i < info->nparams && info->consumed[i];
  }
  default:
    return false;
  }
}

bool gir_inst_reads(const GirInst *in) {
  return in->op == GIR_OP_PROJ || in->op == GIR_OP_CAPTURE ||
         in->op == GIR_OP_LIST_GET ||
         (in->op == GIR_OP_MAP_OP && in->imm.map.fn == GIR_MAP_INDEX);
}

void gir_func_count_preds(const GirFunc *f, uint32_t *npreds) {
  memset(npreds, 0, f->blocks.len * sizeof *npreds);
  if (f->blocks.len) npreds[0] = 1;
  for (size_t b = 0; b < f->blocks.len; b++) {
    GirTerm *t = &f->blocks.data[b]->term;
    for (uint32_t k = 0; k < gir_term_nsuccs(t); k++) {
      GirBlock *s = *gir_term_succ(t, k);
      if (s) npreds[s->id]++;
    }
  }
}

void gir_block_fix_indices(GirFunc *f, GirBlock *b) {
  for (size_t i = 0; i < b->insts.len; i++) {
    GirValue v = b->insts.data[i].result;
    if (v != GIR_NO_VALUE) {
      f->values.data[v].inst = (int32_t)i;
      f->values.data[v].block = b;
    }
  }
}
