/* Type.c — GIR's types and the runtime-function table.
 *
 * Scalar types and Str are canonical, statically allocated objects; object
 * types (records, tuples, sums) are created once per module by
 * gir_type_obj and live in its arena. All are compared by pointer, and code
 * asks gir_type_is_heap instead of naming the counted kinds.
 *
 * The runtime functions come from RtFns.def, once: their signature strings
 * are decoded into GirRtInfo the first time anyone asks (pthread_once, so
 * compilations on several threads are safe). After that the table is
 * read-only; it is the only static state of lib/GIR.
 */
#include <pthread.h>

#include "guji/GIR.h"

const GirType gir_t_unit = {GIR_T_UNIT};
const GirType gir_t_int = {GIR_T_INT};
const GirType gir_t_float = {GIR_T_FLOAT};
const GirType gir_t_bool = {GIR_T_BOOL};
const GirType gir_t_char = {GIR_T_CHAR};
const GirType gir_t_str = {GIR_T_STR};
const GirType gir_t_token = {GIR_T_TOKEN};
const GirType gir_t_select = {GIR_T_SELECT};
const GirType gir_t_regex = {GIR_T_REGEX};
const GirType gir_t_match = {GIR_T_MATCH};
/* RtFns.def's 'L', 'k', 'K': some List, its element type given by the
 * instruction (results) or by the argument (see gir_call_rt_typed). */
const GirType gir_t_any_list = {.kind = GIR_T_LIST, .name = "List[_]"};
const GirType gir_t_lines = {.kind = GIR_T_HANDLE, .name = "Lines"};
const GirType gir_t_match_iter = {.kind = GIR_T_HANDLE, .name = "MatchIter"};
const GirType gir_t_any_handle = {.kind = GIR_T_HANDLE, .name = "Handle"};

/* An object type whose constructors all lack stored fields (`Red |
 * Black`) has only immortal statics as values: nothing to count. */
static char ffi_sig_letter(const GirType *t) {
  switch (t->kind) {
  case GIR_T_INT: return 'i';
  case GIR_T_FLOAT: return 'f';
  case GIR_T_BOOL: return 'b';
  case GIR_T_CHAR: return 'c';
  default: return 'v';
  }
}

void gir_ffi_callback_sig(const GirType *fn_t, unsigned max_params, char *out) {
  unsigned k = 0;
  out[k++] = ffi_sig_letter(fn_t->ret);
  out[k++] = ':';
  for (uint32_t i = 0; i < fn_t->nparams && i < max_params; i++)
    out[k++] = ffi_sig_letter(fn_t->params[i]);
  out[k] = 0;
}

bool gir_type_is_heap(const GirType *t) {
  if (t == NULL) return false;
  if (t->kind == GIR_T_OBJ) {
    for (uint32_t c = 0; c < t->nctors; c++)
      if (gir_ctor_size(&t->ctors[c])) return true;
    return false;
  }
  return t->kind == GIR_T_STR || t->kind == GIR_T_FN || t->kind == GIR_T_LIST ||
         t->kind == GIR_T_MAP || t->kind == GIR_T_CHAN || t->kind == GIR_T_TASK ||
         t->kind == GIR_T_REGEX || t->kind == GIR_T_MATCH ||
         t->kind == GIR_T_HANDLE;
}

/* Size and alignment of a field in memory (CodeGen's mem_type: Bool is one
 * byte, Unit has no storage). */
static uint32_t field_size(const GirType *t) {
  switch (t->kind) {
  case GIR_T_UNIT: return 0;
  case GIR_T_BOOL: return 1;
  case GIR_T_CHAR: return 4;
  default: return 8;
  }
}

uint32_t gir_ctor_size(const GirCtor *c) {
  uint32_t off = 8, stored = 0; /* the header: i32 rc, i16 kind, i16 flags */
  for (uint32_t i = 0; i < c->nfields; i++) {
    uint32_t sz = field_size(c->fields[i]);
    if (sz == 0) continue;
    off = (off + sz - 1) / sz * sz + sz;
    stored++;
  }
  return stored ? (off + 7) / 8 * 8 : 0;
}

/* The allocator's size classes are multiples of 16 (alloc.c: 16 apart up
 * to 128, coarser above), so sizes equal after rounding up to 16 always
 * share a class. */
uint32_t gir_ctor_reuse_class(const GirCtor *c) {
  return (gir_ctor_size(c) + 15) / 16;
}

GirType *gir_type_obj(GirModule *m, const char *name, bool is_sum,
                      bool is_tuple, uint32_t nctors) {
  GirType *t = ARENA_NEW(m->arena, GirType);
  t->kind = GIR_T_OBJ;
  t->name = name;
  t->id = (uint32_t)m->types.len;
  t->is_sum = is_sum;
  t->is_tuple = is_tuple;
  t->nctors = nctors;
  if (nctors) t->ctors = ARENA_ARRAY(m->arena, GirCtor, nctors); /* zeroed */
  VEC_PUSH(m->arena, m->types, t);
  return t;
}

/* sub(params): ret, interned by a linear search (a module has few
 * distinct sub types); named "sub(Int, Int): Int", or "sub(Int)" for a
 * Unit result. */
const GirType *gir_type_fn(GirModule *m, const GirType **params,
                           uint32_t nparams, const GirType *ret) {
  if (ret == NULL) ret = &gir_t_unit;
  for (size_t i = 0; i < m->fn_types.len; i++) {
    const GirType *t = m->fn_types.data[i];
    if (t->ret != ret || t->nparams != nparams) continue;
    uint32_t k = 0;
    while (k < nparams && t->params[k] == params[k]) k++;
    if (k == nparams) return t;
  }
  GirType *t = ARENA_NEW(m->arena, GirType);
  t->kind = GIR_T_FN;
  t->nparams = nparams;
  t->params = ARENA_ARRAY(m->arena, const GirType *, nparams ? nparams : 1);
  if (nparams) memcpy(t->params, params, nparams * sizeof *params);
  t->ret = ret;
  StrBuf sb;
  sb_init(&sb);
  sb_puts(&sb, "sub(");
  for (uint32_t i = 0; i < nparams; i++) {
    if (i) sb_puts(&sb, ", ");
    sb_puts(&sb, gir_type_name(params[i]));
  }
  sb_putc(&sb, ')');
  if (ret->kind != GIR_T_UNIT) {
    sb_puts(&sb, ": ");
    sb_puts(&sb, gir_type_name(ret));
  }
  t->name = arena_strndup(m->arena, sb.data ? sb.data : "", sb.len);
  sb_free(&sb);
  VEC_PUSH(m->arena, m->fn_types, t);
  return t;
}

/* List[elem], interned by a linear search of the module's list types;
 * named "List[Int]", "List[List[Str]]". */
const GirType *gir_type_list(GirModule *m, const GirType *elem) {
  if (elem == NULL) elem = &gir_t_unit;
  for (size_t i = 0; i < m->list_types.len; i++)
    if (m->list_types.data[i]->elem == elem) return m->list_types.data[i];
  GirType *t = ARENA_NEW(m->arena, GirType);
  t->kind = GIR_T_LIST;
  t->elem = elem;
  t->name = arena_printf(m->arena, "List[%s]", gir_type_name(elem));
  VEC_PUSH(m->arena, m->list_types, t);
  return t;
}

static const GirType *task_type(GirModule *m, GirTypeKind k,
                                const GirType *elem) {
  if (elem == NULL) elem = &gir_t_unit;
  for (size_t i = 0; i < m->task_types.len; i++) {
    const GirType *t = m->task_types.data[i];
    if (t->kind == k && t->elem == elem) return t;
  }
  GirType *t = ARENA_NEW(m->arena, GirType);
  t->kind = k;
  t->elem = elem;
  t->name = arena_printf(m->arena, "%s[%s]", k == GIR_T_CHAN ? "Chan" : "Task",
                         gir_type_name(elem));
  VEC_PUSH(m->arena, m->task_types, t);
  return t;
}

/* Chan[T] and Task[T], interned by a linear search; named "Chan[Int]". */
const GirType *gir_type_chan(GirModule *m, const GirType *elem) {
  return task_type(m, GIR_T_CHAN, elem);
}
const GirType *gir_type_task(GirModule *m, const GirType *elem) {
  return task_type(m, GIR_T_TASK, elem);
}

/* Map[K, V] or Set[T], interned by a linear search of the module's map
 * types; named "Map[Str, Int]", "Set[Int]". */
const GirType *gir_type_map(GirModule *m, const GirType *key,
                            const GirType *value, bool is_set) {
  if (key == NULL) key = &gir_t_unit;
  if (value == NULL || is_set) value = &gir_t_unit;
  for (size_t i = 0; i < m->map_types.len; i++) {
    const GirType *t = m->map_types.data[i];
    if (t->key == key && t->elem == value && t->is_set == is_set) return t;
  }
  GirType *t = ARENA_NEW(m->arena, GirType);
  t->kind = GIR_T_MAP;
  t->key = key;
  t->elem = value;
  t->is_set = is_set;
  t->name = is_set ? arena_printf(m->arena, "Set[%s]", gir_type_name(key))
                   : arena_printf(m->arena, "Map[%s, %s]", gir_type_name(key),
                                  gir_type_name(value));
  VEC_PUSH(m->arena, m->map_types, t);
  return t;
}

const char *gir_type_name(const GirType *t) {
  if (t == NULL) return "<null>";
  switch (t->kind) {
  case GIR_T_UNIT: return "Unit";
  case GIR_T_INT: return "Int";
  case GIR_T_FLOAT: return "Float";
  case GIR_T_BOOL: return "Bool";
  case GIR_T_CHAR: return "Char";
  case GIR_T_STR: return "Str";
  case GIR_T_OBJ: return t->name ? t->name : "<anon obj>";
  case GIR_T_FN: return t->name ? t->name : "<anon sub>";
  case GIR_T_LIST: return t->name ? t->name : "List[?]";
  case GIR_T_MAP: return t->name ? t->name : "Map[?, ?]";
  case GIR_T_CHAN: return t->name ? t->name : "Chan[?]";
  case GIR_T_TASK: return t->name ? t->name : "Task[?]";
  case GIR_T_REGEX: return "Regex";
  case GIR_T_MATCH: return "Match";
  case GIR_T_HANDLE: return t->name ? t->name : "Handle";
  case GIR_T_TOKEN: return "Reuse";
  case GIR_T_SELECT: return "Select";
  }
  return "<bad type>";
}

/* ---- RtFns.def ---------------------------------------------------------- */

static const struct {
  const char *c_name;
  const char *sig;
  unsigned flags;
} rt_defs[GIR_RT__COUNT] = {
#define GJ_RT(id, cname, sig, flags) {#cname, sig, flags},
#include "guji/RtFns.def"
#undef GJ_RT
};

static GirRtInfo rt_table[GIR_RT__COUNT];
static pthread_once_t rt_once = PTHREAD_ONCE_INIT;

static const GirType *rt_letter_type(char c) {
  switch (c) {
  case 'v': return &gir_t_unit;
  case 'i': return &gir_t_int;
  case 'f': return &gir_t_float;
  case 'b': return &gir_t_bool;
  case 'c': return &gir_t_char;
  case 's': case 'S': return &gir_t_str;
  case 'L': case 'k': case 'K': return &gir_t_any_list;
  case 'r': return &gir_t_regex;
  case 'm': return &gir_t_match;
  case 'h': case 'H': return &gir_t_any_handle;
  default: return NULL;
  }
}

/* "R:ABC": result letter, ':', argument letters; 'l' (a source location
 * CodeGen supplies) is not a GIR argument. */
static void rt_decode(GirRtInfo *info, const char *c_name, const char *sig,
                      unsigned flags) {
  info->c_name = c_name;
  info->sig = sig;
  info->flags = flags;
  info->ret = rt_letter_type(sig[0]);
  if (info->ret == NULL || sig[1] != ':')
    GJ_UNREACHABLE("RtFns.def: malformed signature");
  for (const char *p = sig + 2; *p; p++) {
    if (*p == 'l') {
      info->takes_loc = true;
      continue;
    }
    const GirType *t = rt_letter_type(*p);
    if (t == NULL || t == &gir_t_unit || info->nparams == 8)
      GJ_UNREACHABLE("RtFns.def: bad argument letter");
    info->consumed[info->nparams] = *p == 'S' || *p == 'K' || *p == 'H';
    info->params[info->nparams++] = t;
  }
}

static void rt_decode_all(void) {
  for (int i = 0; i < GIR_RT__COUNT; i++)
    rt_decode(&rt_table[i], rt_defs[i].c_name, rt_defs[i].sig,
              rt_defs[i].flags);
}

const GirRtInfo *gir_rt_info(GirRtId id) {
  if ((unsigned)id >= GIR_RT__COUNT) return NULL;
  pthread_once(&rt_once, rt_decode_all);
  return &rt_table[id];
}
