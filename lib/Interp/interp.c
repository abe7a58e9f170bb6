/* interp.c — the GIR interpreter: `guji run --interp` (issue 7).
 *
 * Input: the GirModule CodeGen would receive (monomorphic, first-order,
 * with the RC pass's inc/dec/reset/reuse and the marked tail calls).
 * Output: the program's behaviour, run in this process against the
 * runtime linked into `guji`, found by name with dlsym as the JIT finds
 * it (lib/ keeps no link-time reference to libgujirt).
 *
 * Values. One 64-bit word (Slot) per GIR value: Int, Float's bits, Bool
 * 0/1, Char, or a pointer. Everything in memory is CodeGen's layout
 * (value.c): objects, closures, immortal Str literals (a GjStr per
 * CONST_STR instruction, rc 0), so the runtime cannot tell interpreted
 * values from compiled ones.
 *
 * Frames. A call pushes a Frame on an interpreter-owned stack, never the
 * C stack: its slots (one per GirValue of the callee, plus frame memory
 * for SELECT) come from chunks the Exec owns, and the loop in exec_run
 * continues in the callee. `ret` pops back to the caller, whose result
 * slot it fills. A tail call (imm.call.tail) releases the caller's frame
 * first and builds the callee's in its place, so GIR tail calls run in
 * constant space (§8); CALL_CLOSURE pushes a frame the same way. Deep
 * non-tail recursion ends in the `stack overflow` panic at the callee's
 * span, as compiled code's entry check does, when the frame stack passes
 * a fixed budget (MAX_FRAMES, MAX_SLOTS). C recursion happens only where
 * the runtime calls back (a thunk, a descriptor function, a task entry),
 * each of which runs a fresh Exec on the C stack it is called on — a
 * task's own stack for a task.
 *
 * Runtime calls. CALL_RT goes through libffi: at set-up every RtFns.def
 * entry gets its symbol and an ffi_cif built once from its signature
 * letters (rt_prepare); the 'l' location is a GjLoc made per instruction
 * from its span at preparation (InstAux.loc), static for the run, as
 * CodeGen's gj.loc constants are. Panics use CodeGen's runtime calls
 * (gj_panic_overflow, _div_zero, _shift, _stack_overflow), at the same
 * spans. The runtime functions CodeGen declares by hand (lists, maps,
 * tasks, the allocator) are called directly through typed pointers
 * (InterpRt). CALL_C (§19) builds its cif per instruction from the GIR
 * types, and its Str and sub arguments go through the runtime's
 * gj_ffi_cstr / gj_ffi_callback exactly as ffi.c's code does.
 *
 * Call-backs. What the runtime calls — GjType functions of object types,
 * GjCallFn thunks, gj_task_spawn's entry, the program entry given to
 * gj_rt_start — are libffi closures (value.c's Callable) whose user data
 * says which GIR type they serve. All of them, and every per-instruction
 * datum, are made before the program starts (prepare), so the interpreter's
 * state is read-only while tasks run on several workers; only the consts'
 * slots are written, by the initializer, before main.
 *
 * Anything the interpreter cannot run is found by prepare before the
 * program starts and refused with `guji run --interp: WHAT is not
 * supported by the interpreter yet (issue 7)`, exit status 1.
 */
#include <dlfcn.h>
#include <unistd.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "interp_internal.h"

enum {
  MAX_FRAMES = 1 << 20,          /* the stack-overflow budget (§8) */
  MAX_SLOTS = 1 << 25,
  CHUNK_SLOTS = 1 << 12,
  MAX_ARGS = 16,
};

/* ---- per-instruction data --------------------------------------------------- */

typedef struct CCall {         /* CALL_C */
  void *fn;
  ffi_cif cif;
  ffi_type *args[MAX_ARGS];
  Callable *thunks[MAX_ARGS];  /* sub arguments */
  char sigs[MAX_ARGS][MAX_ARGS + 3];
} CCall;

typedef struct InstAux {
  GjLoc loc;
  GjStr str;                   /* CONST_STR: the immortal literal */
  GjRegex *re_slot;            /* CONST_REGEX: gj_regex_literal's slot */
  Callable *thunk;             /* MAP_OP UPDATE, MAP_VALUES, FILTER */
  Callable *spawner;           /* TASK_OP SPAWN */
  CCall *cc;
  uint32_t sel_off;            /* SELECT: offset of its frame memory */
  bool tail;                   /* CALL: run as a tail call (see is_tail) */
} InstAux;

struct IFunc {
  const GirFunc *f;
  uint32_t nslots;             /* values, then SELECT memory */
  InstAux **aux;               /* by block id, by instruction */
  GjLoc entry_loc;             /* the sub's span: the stack check's */
  void *stat_closure;          /* the immortal closure (no captures) */
};

/* ---- the runtime ---------------------------------------------------------------- */

typedef struct RtCall {
  void *fn;
  ffi_cif cif;
  ffi_type *args[10];
  char ret;
  unsigned nargs;
} RtCall;

static RtCall rt_calls_unused; /* (keeps the type visible to debuggers) */

typedef struct Run {
  Interp in;
  RtCall calls[GIR_RT__COUNT];
} Run;

_Noreturn void interp_fatal(Interp *in, const char *what) {
  (void)in;
  fprintf(stderr, "guji run --interp: internal error: %s\n", what);
  fflush(stderr);
  _Exit(70);
}

static void *sym(const char *name) { return dlsym(RTLD_DEFAULT, name); }

static bool rt_resolve(InterpRt *rt) {
  bool ok = true;
#define R(name) ok &= (rt->name = (__typeof__(rt->name))sym(#name)) != NULL
  R(gj_rt_start); R(gj_inc); R(gj_dec); R(gj_obj_alloc); R(gj_obj_free);
  R(gj_mark_shared); R(gj_panic_overflow); R(gj_panic_div_zero);
  R(gj_panic_shift); R(gj_panic_stack_overflow); R(gj_panic_cstr);
  R(gj_str_eq); R(gj_str_cmp); R(gj_str_append_str); R(gj_str_append_int);
  R(gj_str_append_float); R(gj_str_append_bool); R(gj_str_append_char);
  R(gj_str_append_unit); R(gj_str_append_quoted);
  R(gj_str_append_char_quoted); R(gj_str_from_bytes);
  R(gj_regex_append_text); R(gj_match_append_text); R(gj_regex_literal);
  R(gj_hash_int);
  R(gj_list_new); R(gj_list_with_cap); R(gj_list_len); R(gj_list_push);
  R(gj_list_get); R(gj_list_set); R(gj_list_concat); R(gj_list_slice);
  R(gj_list_take); R(gj_list_drop); R(gj_list_eq); R(gj_list_cmp);
  R(gj_list_append_text); R(gj_list_sorted); R(gj_list_reversed);
  R(gj_list_contains); R(gj_list_index_of); R(gj_list_join);
  R(gj_map_new); R(gj_set_new); R(gj_map_len); R(gj_map_get);
  R(gj_map_index); R(gj_map_contains); R(gj_map_insert); R(gj_map_remove);
  R(gj_map_update); R(gj_map_merge); R(gj_map_map_values); R(gj_map_filter);
  R(gj_map_keys); R(gj_map_values); R(gj_map_pairs); R(gj_map_eq);
  R(gj_map_cmp); R(gj_map_append_text); R(gj_set_add); R(gj_set_from_list);
  R(gj_set_union); R(gj_set_intersection); R(gj_set_difference);
  R(gj_set_to_list);
  R(gj_task_spawn); R(gj_task_join_at); R(gj_chan_new); R(gj_chan_send_at);
  R(gj_chan_try_send); R(gj_chan_recv_at); R(gj_chan_try_recv);
  R(gj_chan_close); R(gj_select_at); R(gj_time_sleep); R(gj_time_after);
  R(gj_str_append_range);
  R(gj_ffi_cstr); R(gj_ffi_cstr_done); R(gj_ffi_str); R(gj_ffi_callback);
  R(gj_ffi_callback_free);
#undef R
#define T(field, name) ok &= (rt->field = sym(name)) != NULL
  T(type_int, "gj_type_int"); T(type_float, "gj_type_float");
  T(type_bool, "gj_type_bool"); T(type_char, "gj_type_char");
  T(type_str, "gj_type_str"); T(type_unit, "gj_type_unit");
  T(type_list, "gj_type_list"); T(type_map, "gj_type_map");
  T(type_regex, "gj_type_regex"); T(type_match, "gj_type_match");
#undef T
  return ok;
}

/* RtFns.def's letters as libffi types. */
static ffi_type *rt_ffi_type(char c) {
  switch (c) {
  case 'v': return &ffi_type_void;
  case 'i': return &ffi_type_sint64;
  case 'f': return &ffi_type_double;
  case 'b': return &ffi_type_uint8;
  case 'c': return &ffi_type_uint32;
  default: return &ffi_type_pointer; /* s S L k K r m h H l */
  }
}

static bool rt_prepare(Run *r) {
  for (int id = 0; id < GIR_RT__COUNT; id++) {
    const GirRtInfo *ri = gir_rt_info((GirRtId)id);
    RtCall *c = &r->calls[id];
    c->fn = sym(ri->c_name);
    if (!c->fn) {
      if (r->in.errs) fprintf(r->in.errs, "guji run --interp: the runtime has no %s\n", ri->c_name);
      return false;
    }
    const char *s = ri->sig;
    c->ret = s[0];
    unsigned n = 0;
    for (const char *p = strchr(s, ':') + 1; *p && n < 10; p++)
      c->args[n++] = rt_ffi_type(*p);
    c->nargs = n;
    if (ffi_prep_cif(&c->cif, FFI_DEFAULT_ABI, n, rt_ffi_type(c->ret),
                     c->args) != FFI_OK)
      return false;
  }
  return true;
}

/* ---- preparation ------------------------------------------------------------------ */

static void make_loc(Interp *in, Span sp, GjLoc *loc) {
  int line = 0, col = 0;
  const char *file = "<unknown>";
  if (sp.file < in->sm->files.len) {
    const SrcFile *f = src_file(in->sm, sp.file);
    src_line_col(f, sp.start, &line, &col);
    file = f->path;
  }
  loc->file = file;
  loc->line = line;
  loc->col = col;
}

static void refuse(Interp *in, const char *what) {
  if (!in->unsupported)
    in->unsupported = what;
}

static IFunc *ifunc(Interp *in, const GirFunc *f) {
  size_t i = gir_func_index(in->m, f);
  if (i == SIZE_MAX)
    interp_fatal(in, "a call of a function not in the module");
  return &in->funcs[i];
}

static const GirType *vtype(const GirFunc *f, GirValue v) {
  return f->values.data[v].type;
}

static const GirType *arg_type(const GirFunc *f, const GirInst *in, uint32_t i) {
  return i < in->nargs && in->args[i] != GIR_NO_VALUE ? vtype(f, in->args[i])
                                                     : &gir_t_unit;
}

static ffi_type *c_ffi_type(const GirType *t) {
  switch (t->kind) {
  case GIR_T_UNIT: return &ffi_type_void;
  case GIR_T_INT: return &ffi_type_sint64;
  case GIR_T_FLOAT: return &ffi_type_double;
  case GIR_T_BOOL: return &ffi_type_uint8;
  case GIR_T_CHAR: return &ffi_type_uint32;
  default: return &ffi_type_pointer;
  }
}


static void prepare_ccall(Interp *in, const GirFunc *f, const GirInst *gi,
                          InstAux *ax) {
  if (gi->nargs > MAX_ARGS) {
    refuse(in, "call.c with more than 16 arguments");
    return;
  }
  CCall *cc = calloc(1, sizeof *cc);
  ax->cc = cc;
  cc->fn = sym(gi->imm.ccall.sym);
  if (!cc->fn) {
    refuse(in, "call.c of a symbol not found in this process");
    return;
  }
  for (uint32_t i = 0; i < gi->nargs; i++) {
    const GirType *t = arg_type(f, gi, i);
    cc->args[i] = c_ffi_type(t);
    if (t->kind == GIR_T_FN) {
      cc->thunks[i] = iv_thunk(in, t, t->params, t->nparams);
      gir_ffi_callback_sig(t, MAX_ARGS, cc->sigs[i]);
    }
  }
  if (ffi_prep_cif(&cc->cif, FFI_DEFAULT_ABI, gi->nargs, c_ffi_type(gi->type),
                   cc->args) != FFI_OK)
    refuse(in, "call.c with a signature libffi refuses");
}

/* A call in tail position: marked (imm.call.tail), or the last
 * instruction of a block that only jumps, through blocks without
 * instructions, to a `ret` of its result (`if $n > 0 { f($n - 1) }` of a
 * Unit sub: `call; jmp end` then `end: ret`), which pass_mark_tail_calls
 * leaves unmarked and LLVM's tail-call elimination turns into a loop in
 * compiled code; §8 promises constant stack for both. */
static bool is_tail(const GirBlock *b, uint32_t pc, const GirInst *gi) {
  if (gi->imm.call.tail)
    return true;
  if (pc + 1 != b->insts.len)
    return false;
  GirValue v = gi->result;
  const GirTerm *t = &b->term;
  for (int hops = 0; hops < 16; hops++) {
    if (t->kind == GIR_TERM_RET)
      return t->value == v;
    if (t->kind != GIR_TERM_JMP || t->target->insts.len || t->target->id == 0)
      return false;
    if (t->nargs == 1 && v != GIR_NO_VALUE && t->args[0] == v)
      v = t->target->params.data[0];
    else if (t->nargs)
      return false;
    t = &t->target->term;
  }
  return false;
}

static void prepare_inst(Interp *in, IFunc *fi, const GirBlock *b, uint32_t pc,
                         InstAux *ax) {
  const GirFunc *f = fi->f;
  const GirInst *gi = &b->insts.data[pc];
  make_loc(in, gi->span, &ax->loc);
  switch (gi->op) {
  case GIR_OP_CALL: ax->tail = is_tail(b, pc, gi); break;
  case GIR_OP_CONST_STR:
    ax->str = (GjStr){{0, GJ_KIND_STR, 0}, (int64_t)gi->imm.str.len,
                      gi->imm.str.data, 0, NULL};
    break;
  case GIR_OP_CALL_C: prepare_ccall(in, f, gi, ax); break;
  case GIR_OP_MAP_OP: {
    const GirType *mt = gi->imm.map.type;
    int fn = gi->imm.map.fn;
    if (fn != GIR_MAP_UPDATE && fn != GIR_MAP_MAP_VALUES && fn != GIR_MAP_FILTER)
      break;
    const GirType *ft = NULL;
    for (uint32_t i = 0; i < gi->nargs; i++) {
      char r = gir_map_arg_role(gi, i);
      if (r == 'F' || r == 'f') ft = arg_type(f, gi, i);
    }
    if (!ft) {
      refuse(in, "map.op without its sub");
      break;
    }
    const GirType *a[2] = {fn == GIR_MAP_FILTER ? mt->key : mt->elem, mt->elem};
    ax->thunk = iv_thunk(in, ft, a, fn == GIR_MAP_FILTER ? 2 : 1);
    break;
  }
  case GIR_OP_TASK_OP:
    if (gi->imm.task.fn == GIR_TASK_SPAWN)
      ax->spawner = iv_spawner(in, arg_type(f, gi, 0));
    else if (gi->imm.task.fn == GIR_TASK_SELECT) {
      uint32_t n = gi->imm.task.narms;
      ax->sel_off = fi->nslots;
      /* index, the cases, one element word per arm */
      fi->nslots += 1 + (uint32_t)((n * sizeof(GjSelectCase) + 7) / 8) + n;
    }
    break;
  case GIR_OP__COUNT: refuse(in, "an unknown GIR op"); break;
  default: break;
  }
}

static void prepare_func(Interp *in, IFunc *fi) {
  const GirFunc *f = fi->f;
  fi->nslots = (uint32_t)f->values.len;
  make_loc(in, f->span, &fi->entry_loc);
  fi->aux = calloc(f->blocks.len + 1, sizeof *fi->aux);
  for (size_t b = 0; b < f->blocks.len; b++) {
    const GirBlock *gb = f->blocks.data[b];
    fi->aux[b] = calloc(gb->insts.len + 1, sizeof **fi->aux);
    for (size_t i = 0; i < gb->insts.len; i++)
      prepare_inst(in, fi, gb, (uint32_t)i, &fi->aux[b][i]);
  }
  if (f->is_closure_body && !f->captures.len) {
    /* closure.c's gj.closure.NAME: {0, GJ_KIND_CLOSURE, 0, code, null, null} */
    void **c = calloc(4, sizeof(void *));
    GjHeader *h = (GjHeader *)c;
    h->rc = 0;
    h->kind = GJ_KIND_CLOSURE;
    h->flags = 0;
    c[1] = (void *)f;
    fi->stat_closure = c;
  }
}

static bool prepare(Run *r) {
  Interp *in = &r->in;
  const GirModule *m = in->m;
  if (!rt_resolve(&in->rt)) {
    if (in->errs) fprintf(in->errs, "guji run --interp: the runtime is not linked into guji\n");
    return false;
  }
  if (!rt_prepare(r))
    return false;
  iv_layout_types(in);
  iv_make_descriptors(in);
  in->globals = calloc(m->globals.len + 1, sizeof *in->globals);
  in->funcs = calloc(m->funcs.len + 1, sizeof *in->funcs);
  for (size_t i = 0; i < m->funcs.len; i++) {
    in->funcs[i].f = m->funcs.data[i];
    prepare_func(in, &in->funcs[i]);
  }
  if (in->unsupported) {
    if (in->errs) fprintf(in->errs,
            "guji run --interp: %s is not supported by the interpreter yet "
            "(issue 7)\n", in->unsupported);
    return false;
  }
  return true;
}

/* ---- frames ------------------------------------------------------------------------ */

typedef struct Chunk {
  struct Chunk *prev;
  size_t cap, used;
  Slot data[];
} Chunk;

typedef struct Frame {
  IFunc *fi;
  Slot *s;
  const GirBlock *b;
  uint32_t pc;
  GirValue dst;                /* the caller's result slot */
} Frame;

typedef struct Exec {
  Run *r;
  Interp *in;
  Frame *fr;
  size_t nfr, capfr;
  Chunk *top, *spare;
  size_t nslots;
} Exec;

static Slot *alloc_slots(Exec *ex, uint32_t n) {
  Chunk *c = ex->top;
  if (!c || c->used + n > c->cap) {
    if (ex->spare && ex->spare->cap >= n) {
      c = ex->spare;
      ex->spare = NULL;
    } else {
      size_t cap = c ? c->cap * 2 : CHUNK_SLOTS;
      if (cap > (1u << 20)) cap = 1u << 20;
      if (cap < n) cap = n;
      c = malloc(sizeof *c + cap * sizeof(Slot));
      if (!c) interp_fatal(ex->in, "out of memory (frames)");
      c->cap = cap;
    }
    c->used = 0;
    c->prev = ex->top;
    ex->top = c;
  }
  Slot *s = c->data + c->used;
  c->used += n;
  ex->nslots += n;
  return s;
}

static void free_slots(Exec *ex, uint32_t n) {
  Chunk *c = ex->top;
  c->used -= n;
  ex->nslots -= n;
  if (!c->used && c->prev) {
    ex->top = c->prev;
    free(ex->spare);
    ex->spare = c;
  }
}

static void exec_free(Exec *ex) {
  while (ex->top) {
    Chunk *p = ex->top->prev;
    free(ex->top);
    ex->top = p;
  }
  free(ex->spare);
  free(ex->fr);
}

/* Pushes a frame of fi with its entry block's parameters set to args. */
static void push_frame(Exec *ex, IFunc *fi, const Slot *args, uint32_t nargs,
                       GirValue dst) {
  if (ex->nfr >= MAX_FRAMES || ex->nslots + fi->nslots > MAX_SLOTS)
    ex->in->rt.gj_panic_stack_overflow(&fi->entry_loc);
  if (ex->nfr == ex->capfr) {
    ex->capfr = ex->capfr ? ex->capfr * 2 : 64;
    ex->fr = realloc(ex->fr, ex->capfr * sizeof *ex->fr);
    if (!ex->fr) interp_fatal(ex->in, "out of memory (frames)");
  }
  Frame *fr = &ex->fr[ex->nfr++];
  fr->fi = fi;
  fr->s = alloc_slots(ex, fi->nslots);
  fr->b = fi->f->blocks.data[0];
  fr->pc = 0;
  fr->dst = dst;
  const GirBlock *b0 = fr->b;
  for (uint32_t i = 0; i < nargs && i < b0->params.len; i++)
    fr->s[b0->params.data[i]] = args[i];
}

static void pop_frame(Exec *ex) {
  Frame *fr = &ex->fr[--ex->nfr];
  free_slots(ex, fr->fi->nslots);
}

/* ---- instructions ------------------------------------------------------------------ */

/* Argument i's slot; a Unit argument (no GIR value) reads as 0. */
static inline Slot arg_slot(const Frame *fr, const GirInst *gi, uint32_t i) {
  return i < gi->nargs && gi->args[i] != GIR_NO_VALUE ? fr->s[gi->args[i]] : 0;
}
#define A(i) arg_slot(fr, gi, (i))
#define P(i) ((void *)(uintptr_t)A(i))

static double f_of(Slot v) {
  double d;
  memcpy(&d, &v, 8);
  return d;
}

static Slot of_f(double d) {
  Slot v;
  memcpy(&v, &d, 8);
  return v;
}

static Slot of_p(const void *p) { return (Slot)(uintptr_t)p; }

static Slot call_rt(Exec *ex, Frame *fr, const GirInst *gi, InstAux *ax) {
  RtCall *c = &ex->r->calls[gi->imm.rt];
  const GirRtInfo *ri = gir_rt_info(gi->imm.rt);
  void *av[10];
  unsigned n = 0;
  for (uint32_t i = 0; i < gi->nargs && n < 9; i++)
    av[n++] = &fr->s[gi->args[i]];
  const GjLoc *lp = &ax->loc;
  if (ri->takes_loc)
    av[n++] = &lp;
  if (n != c->nargs)
    interp_fatal(ex->in, "a runtime call with the wrong number of arguments");
  union { ffi_arg a; double d; void *p; uint64_t u; } ret = {0};
  ffi_call(&c->cif, FFI_FN(c->fn), &ret, av);
  switch (c->ret) {
  case 'v': return 0;
  case 'f': return of_f(ret.d);
  case 'b': return (uint8_t)ret.a != 0;
  case 'c': return (uint32_t)ret.a;
  case 'i': return ret.u;
  default: return of_p(ret.p);
  }
}

static Slot call_c(Exec *ex, Frame *fr, const GirInst *gi, InstAux *ax) {
  Interp *in = ex->in;
  const GirFunc *f = fr->fi->f;
  CCall *cc = ax->cc;
  Slot vals[MAX_ARGS];
  void *av[MAX_ARGS], *handles[MAX_ARGS];
  char bufs[MAX_ARGS][256];
  for (uint32_t i = 0; i < gi->nargs; i++) {
    const GirType *t = arg_type(f, gi, i);
    vals[i] = A(i);
    if (t->kind == GIR_T_STR)
      vals[i] = of_p(in->rt.gj_ffi_cstr(P(i), bufs[i], sizeof bufs[i]));
    else if (t->kind == GIR_T_FN) {
      void *code = NULL;
      handles[i] = in->rt.gj_ffi_callback(P(i), (GjCallFn)cc->thunks[i]->code,
                                          cc->sigs[i], &code);
      vals[i] = of_p(code);
    }
    av[i] = &vals[i];
  }
  union { ffi_arg a; double d; void *p; uint64_t u; } ret = {0};
  ffi_call(&cc->cif, FFI_FN(cc->fn), &ret, av);
  for (uint32_t i = 0; i < gi->nargs; i++) {
    const GirType *t = arg_type(f, gi, i);
    if (t->kind == GIR_T_STR)
      in->rt.gj_ffi_cstr_done((const char *)(uintptr_t)vals[i], bufs[i]);
    else if (t->kind == GIR_T_FN)
      in->rt.gj_ffi_callback_free(handles[i]);
  }
  switch (gi->type->kind) {
  case GIR_T_UNIT: return 0;
  case GIR_T_FLOAT: return of_f(ret.d);
  case GIR_T_BOOL: return (uint8_t)ret.a != 0;
  case GIR_T_CHAR: return (uint32_t)ret.a;
  case GIR_T_STR:
    return of_p(in->rt.gj_ffi_str(ret.p, gi->imm.ccall.sym, &ax->loc));
  default: return ret.u;
  }
}

/* Element storage: a word holds any element (Bool one byte, Char four). */
static void *spill(const GirType *t, Slot v, Slot *word) {
  *word = 0;
  iv_store(t, word, v);
  return word;
}

static Slot list_op(Exec *ex, Frame *fr, const GirInst *gi, InstAux *ax) {
  Interp *in = ex->in;
  InterpRt *rt = &in->rt;
  const GirFunc *f = fr->fi->f;
  const GirType *lt = gi->op == GIR_OP_LIST_NEW ? gi->imm.list.type
                                                : arg_type(f, gi, 0);
  const GirType *et = lt->elem;
  /* a List[Unit]'s ops have no element operand (GIR.h); its elements
   * take no bytes */
  bool unit = gir_list_elem_omitted(lt);
  Slot w = 0;
#define ELEM(i) (unit ? (void *)&w : spill(et, A(i), &w))
  switch (gi->op) {
  case GIR_OP_LIST_NEW: {
    const GjType *d = iv_desc(in, et);
    uint32_t n = gi->imm.list.n;
    if (!n) return of_p(rt->gj_list_new(d));
    GjList *l = rt->gj_list_with_cap(d, n);
    for (uint32_t i = 0; i < n; i++)
      l = rt->gj_list_push(l, ELEM(i));
    return of_p(l);
  }
  case GIR_OP_LIST_PUSH: return of_p(rt->gj_list_push(P(0), ELEM(1)));
  case GIR_OP_LIST_SET:
    return of_p(rt->gj_list_set(P(0), (int64_t)A(1), ELEM(2), &ax->loc));
  case GIR_OP_LIST_GET:
    w = 0;
    rt->gj_list_get(P(0), (int64_t)A(1), &w, &ax->loc);
    return iv_load(et, &w);
  case GIR_OP_LIST_LEN: return (Slot)rt->gj_list_len(P(0));
  case GIR_OP_LIST_CONCAT: return of_p(rt->gj_list_concat(P(0), P(1)));
  case GIR_OP_LIST_SLICE:
    return of_p(rt->gj_list_slice(P(0), (int64_t)A(1), (int64_t)A(2), &ax->loc));
  case GIR_OP_LIST_OP:
    switch ((GirListFn)gi->imm.list.fn) {
    case GIR_LIST_SORTED: return of_p(rt->gj_list_sorted(P(0)));
    case GIR_LIST_REVERSED: return of_p(rt->gj_list_reversed(P(0)));
    case GIR_LIST_CONTAINS: return rt->gj_list_contains(P(0), ELEM(1));
    case GIR_LIST_INDEX_OF: return (Slot)rt->gj_list_index_of(P(0), ELEM(1));
    case GIR_LIST_TAKE: return of_p(rt->gj_list_take(P(0), (int64_t)A(1)));
    case GIR_LIST_DROP: return of_p(rt->gj_list_drop(P(0), (int64_t)A(1)));
    case GIR_LIST_JOIN: return of_p(rt->gj_list_join(P(0), P(1)));
    }
    break;
  default: break;
  }
#undef ELEM
  interp_fatal(in, "a bad list op");
}

static Slot map_op(Exec *ex, Frame *fr, const GirInst *gi, InstAux *ax) {
  Interp *in = ex->in;
  InterpRt *rt = &in->rt;
  const GirType *mt = gi->imm.map.type, *kt = mt->key, *vt = mt->elem;
  GirMapFn fn = (GirMapFn)gi->imm.map.fn;
  Slot kw = 0, vw = 0;
  if (fn == GIR_MAP_NEW) {
    GjMap *m = mt->is_set ? rt->gj_set_new(iv_desc(in, kt))
                          : rt->gj_map_new(iv_desc(in, kt), iv_desc(in, vt));
    bool hk = kt->kind != GIR_T_UNIT, hv = !mt->is_set && vt->kind != GIR_T_UNIT;
    uint32_t per = (uint32_t)hk + (uint32_t)hv;
    for (uint32_t e = 0, i = 0; e < gi->imm.map.n; e++, i += per) {
      void *k = hk ? spill(kt, A(i), &kw) : (kw = 0, &kw);
      if (mt->is_set) {
        m = rt->gj_set_add(m, k);
        continue;
      }
      void *v = hv ? spill(vt, A(i + hk), &vw) : (vw = 0, &vw);
      m = rt->gj_map_insert(m, k, v);
    }
    return of_p(m);
  }
  void *m = NULL, *m2 = NULL, *k = &kw, *v = &vw, *fv = NULL, *l = NULL;
  Slot vslot = 0;
  for (uint32_t i = 0; i < gi->nargs; i++) {
    switch (gir_map_arg_role(gi, i)) {
    case 'M': case 'm': if (m) m2 = P(i); else m = P(i); break;
    case 'K': case 'k': k = spill(kt, A(i), &kw); break;
    case 'V': case 'v': v = spill(vt, A(i), &vw); vslot = A(i); break;
    case 'F': case 'f': fv = P(i); break;
    case 'L': case 'l': l = P(i); break;
    default: break;
    }
  }
  GjCallFn th = ax->thunk ? (GjCallFn)ax->thunk->code : NULL;
  switch (fn) {
  case GIR_MAP_NEW: break;
  case GIR_MAP_LEN: return (Slot)rt->gj_map_len(m);
  case GIR_MAP_INDEX: {
    Slot out = 0;
    rt->gj_map_index(m, k, &out, &ax->loc);
    return iv_load(vt, &out);
  }
  case GIR_MAP_CONTAINS: return rt->gj_map_contains(m, k);
  case GIR_MAP_GET_OR: {
    if (vt->kind == GIR_T_UNIT) return 0;
    Slot out = vw;
    bool found = rt->gj_map_get(m, k, &out);
    Slot r = iv_load(vt, &out);
    if (found && iv_counted(vt)) {
      iv_inc(in, vt, r);
      iv_dec(in, vt, vslot);
    }
    return r;
  }
  case GIR_MAP_INSERT: return of_p(rt->gj_map_insert(m, k, v));
  case GIR_MAP_REMOVE: return of_p(rt->gj_map_remove(m, k));
  case GIR_MAP_UPDATE: return of_p(rt->gj_map_update(m, k, v, fv, th));
  case GIR_MAP_MERGE: return of_p(rt->gj_map_merge(m, m2));
  case GIR_MAP_KEYS: return of_p(rt->gj_map_keys(m));
  case GIR_MAP_VALUES: return of_p(rt->gj_map_values(m));
  case GIR_MAP_PAIRS: return of_p(rt->gj_map_pairs(m, iv_desc(in, gi->type->elem)));
  case GIR_MAP_MAP_VALUES:
    return of_p(rt->gj_map_map_values(m, iv_desc(in, gi->type->elem), fv, th));
  case GIR_MAP_FILTER: return of_p(rt->gj_map_filter(m, fv, th));
  case GIR_SET_ADD: return of_p(rt->gj_set_add(m, k));
  case GIR_SET_UNION: return of_p(rt->gj_set_union(m, m2));
  case GIR_SET_INTERSECTION: return of_p(rt->gj_set_intersection(m, m2));
  case GIR_SET_DIFFERENCE: return of_p(rt->gj_set_difference(m, m2));
  case GIR_SET_FROM_LIST: return of_p(rt->gj_set_from_list(l));
  case GIR_SET_TO_LIST: return of_p(rt->gj_set_to_list(m));
  case GIR_MAP__COUNT: break;
  }
  interp_fatal(in, "a bad map op");
}

/* task.c's option_of: ok ? Some(*slot) : None of Option type ot */
static Slot option_of(Interp *in, const GirType *ot, const GirType *et, bool ok,
                      Slot *w) {
  if (!ok)
    return iv_obj_new(in, ot, 0, NULL);
  Slot v = iv_load(et, w);
  return iv_obj_new(in, ot, 1, &v);
}

static GjSelectCase *sel_cases(Slot *mem) { return (GjSelectCase *)(mem + 1); }

static Slot select_op(Exec *ex, Frame *fr, const GirInst *gi, InstAux *ax) {
  Interp *in = ex->in;
  const GirFunc *f = fr->fi->f;
  uint32_t n = gi->imm.task.narms;
  Slot *mem = fr->s + ax->sel_off;
  GjSelectCase *cs = sel_cases(mem);
  Slot *elems = mem + 1 + (n * sizeof(GjSelectCase) + 7) / 8;
  Slot sent[64];
  const GirType *sent_t[64];
  uint32_t i = 0;
  for (uint32_t a = 0; a < n && i < gi->nargs; a++) {
    const GirType *ct = arg_type(f, gi, i);
    const GirType *et = ct->kind == GIR_T_CHAN ? ct->elem : &gir_t_unit;
    cs[a].chan = P(i);
    i++;
    bool send = (gi->imm.task.sends >> a) & 1;
    elems[a] = 0;
    sent_t[a] = NULL;
    if (send && i < gi->nargs && ((gi->imm.task.values >> i) & 1)) {
      sent[a] = A(i);
      sent_t[a] = et;
      iv_store(et, &elems[a], A(i));
      i++;
    }
    cs[a].elem = &elems[a];
    cs[a].send = send;
    cs[a].ok = false;
  }
  int64_t idx = in->rt.gj_select_at(cs, n, gi->imm.task.has_else, &ax->loc);
  mem[0] = (Slot)idx;
  for (uint32_t a = 0; a < n; a++)
    if (sent_t[a] && (int64_t)a != idx && iv_counted(sent_t[a]))
      iv_dec(in, sent_t[a], sent[a]);
  return of_p(mem);
}

static Slot task_op(Exec *ex, Frame *fr, const GirInst *gi, InstAux *ax) {
  Interp *in = ex->in;
  InterpRt *rt = &in->rt;
  const GirType *t = gi->imm.task.type;
  const GirType *et = t && t->elem ? t->elem : &gir_t_unit;
  bool has_elem = et->kind != GIR_T_UNIT && gi->nargs > 1;
  Slot w = 0;
  switch ((GirTaskFn)gi->imm.task.fn) {
  case GIR_TASK_SPAWN:
    return of_p(rt->gj_task_spawn((void (*)(void *, void *))ax->spawner->code,
                                  P(0), et->kind == GIR_T_UNIT ? NULL : iv_desc(in, et)));
  case GIR_TASK_JOIN:
    rt->gj_task_join_at(P(0), &w, &ax->loc); /* task.c: the *_at entries */
    return iv_load(et, &w);
  case GIR_TASK_CHAN_NEW:
    return of_p(rt->gj_chan_new(iv_desc(in, et), (int64_t)A(0), &ax->loc));
  case GIR_TASK_SEND:
    return rt->gj_chan_send_at(P(0), has_elem ? spill(et, A(1), &w) : &w,
                               &ax->loc);
  case GIR_TASK_TRY_SEND:
    return rt->gj_chan_try_send(P(0), has_elem ? spill(et, A(1), &w) : &w);
  case GIR_TASK_RECV:
    return option_of(in, gi->type, et, rt->gj_chan_recv_at(P(0), &w, &ax->loc),
                     &w);
  case GIR_TASK_TRY_RECV:
    return option_of(in, gi->type, et, rt->gj_chan_try_recv(P(0), &w), &w);
  case GIR_TASK_CLOSE: return rt->gj_chan_close(P(0));
  case GIR_TASK_SHARE: iv_share(in, t, A(0)); return 0;
  case GIR_TASK_SLEEP: rt->gj_time_sleep((int64_t)A(0)); return 0;
  case GIR_TASK_AFTER: return of_p(rt->gj_time_after((int64_t)A(0)));
  case GIR_TASK_SELECT: return select_op(ex, fr, gi, ax);
  case GIR_TASK_SELECT_INDEX: return ((Slot *)P(0))[0];
  case GIR_TASK_SELECT_OK: return sel_cases(P(0))[gi->imm.task.arm].ok;
  case GIR_TASK_SELECT_VALUE:
    return iv_load(et, sel_cases(P(0))[gi->imm.task.arm].elem);
  case GIR_TASK__COUNT: break;
  }
  interp_fatal(in, "a bad task op");
}

/* RESET / DROP (obj.c's cg_obj_reset): the token, or NULL. */
static Slot reset_op(Interp *in, const GirInst *gi, Slot x, bool drop) {
  const GirType *t = gi->imm.reset.type;
  uint32_t c = gi->imm.reset.ctor;
  uint64_t keep = gi->imm.reset.keep;
  const GirCtor *ct = &t->ctors[c];
  const ICtor *ic = &in->types[t->id].ctors[c];
  void *p = (void *)(uintptr_t)x;
  if (((GjHeader *)p)->rc == 1) {
    for (uint32_t i = 0; i < ct->nfields; i++)
      if (!(i < 64 && (keep >> i & 1)) && iv_counted(ct->fields[i]))
        iv_dec(in, ct->fields[i], iv_load(ct->fields[i], (char *)p + ic->off[i]));
    if (drop) {
      in->rt.gj_obj_free(p, ic->size);
      return 0;
    }
    return x;
  }
  for (uint32_t i = 0; i < ct->nfields && i < 64; i++)
    if ((keep >> i & 1) && iv_counted(ct->fields[i]))
      iv_inc(in, ct->fields[i], iv_load(ct->fields[i], (char *)p + ic->off[i]));
  iv_dec(in, t, x);
  return 0;
}

static bool is_literal(const GirFunc *f, GirValue v) {
  const GirValueInfo *vi = &f->values.data[v];
  if (vi->inst < 0 || !vi->block) return false;
  const GirInst *gi = &vi->block->insts.data[vi->inst];
  return gi->op == GIR_OP_CONST_STR || gi->op == GIR_OP_CONST_REGEX;
}

/* Everything but the calls, which move between frames (exec_run). */
static Slot step(Exec *ex, Frame *fr, const GirInst *gi, InstAux *ax) {
  Interp *in = ex->in;
  InterpRt *rt = &in->rt;
  const GirFunc *f = fr->fi->f;
  int64_t x, y, r;
  switch (gi->op) {
  case GIR_OP_CONST_INT: return (Slot)gi->imm.i;
  case GIR_OP_CONST_FLOAT: return of_f(gi->imm.f);
  case GIR_OP_CONST_BOOL: return gi->imm.b;
  case GIR_OP_CONST_CHAR: return gi->imm.ch;
  case GIR_OP_CONST_STR: return of_p(&ax->str);
  case GIR_OP_CONST_REGEX:
    return of_p(rt->gj_regex_literal(&ax->re_slot, gi->imm.re.data,
                                     (int64_t)gi->imm.re.len, gi->imm.re.flags,
                                     &ax->loc));
  case GIR_OP_CONST_UNIT: return 0;

  case GIR_OP_IADD:
    if (__builtin_add_overflow((int64_t)A(0), (int64_t)A(1), &r))
      rt->gj_panic_overflow(&ax->loc);
    return (Slot)r;
  case GIR_OP_ISUB:
    if (__builtin_sub_overflow((int64_t)A(0), (int64_t)A(1), &r))
      rt->gj_panic_overflow(&ax->loc);
    return (Slot)r;
  case GIR_OP_IMUL:
    if (__builtin_mul_overflow((int64_t)A(0), (int64_t)A(1), &r))
      rt->gj_panic_overflow(&ax->loc);
    return (Slot)r;
  case GIR_OP_IDIV: case GIR_OP_IREM:
    x = (int64_t)A(0);
    y = (int64_t)A(1);
    if (y == 0) rt->gj_panic_div_zero(&ax->loc);
    if (y == -1) {
      if (gi->op == GIR_OP_IREM) return 0;
      if (x == INT64_MIN) rt->gj_panic_overflow(&ax->loc);
      return (Slot)-x;
    }
    return (Slot)(gi->op == GIR_OP_IDIV ? x / y : x % y);
  case GIR_OP_INEG:
    if ((int64_t)A(0) == INT64_MIN) rt->gj_panic_overflow(&ax->loc);
    return (Slot)-(int64_t)A(0);
  case GIR_OP_IABS:
    x = (int64_t)A(0);
    if (x == INT64_MIN) rt->gj_panic_overflow(&ax->loc);
    return (Slot)(x < 0 ? -x : x);
  case GIR_OP_ISHL: case GIR_OP_ISHR:
    y = (int64_t)A(1);
    if ((uint64_t)y > 63) rt->gj_panic_shift(y, &ax->loc);
    return gi->op == GIR_OP_ISHL ? A(0) << y : (Slot)((int64_t)A(0) >> y);
  case GIR_OP_IAND: return A(0) & A(1);
  case GIR_OP_IOR: return A(0) | A(1);
  case GIR_OP_IXOR: return A(0) ^ A(1);
  case GIR_OP_INOT: return ~A(0);
  case GIR_OP_IMIN: return (int64_t)A(0) < (int64_t)A(1) ? A(0) : A(1);
  case GIR_OP_IMAX: return (int64_t)A(0) > (int64_t)A(1) ? A(0) : A(1);
  case GIR_OP_IEQ: return A(0) == A(1);
  case GIR_OP_INE: return A(0) != A(1);
  case GIR_OP_ILT: case GIR_OP_ILE: case GIR_OP_IGT: case GIR_OP_IGE: {
    bool sig = vtype(f, gi->args[0])->kind == GIR_T_INT;
    int c = sig ? ((int64_t)A(0) > (int64_t)A(1)) - ((int64_t)A(0) < (int64_t)A(1))
                : (A(0) > A(1)) - (A(0) < A(1));
    switch (gi->op) {
    case GIR_OP_ILT: return c < 0;
    case GIR_OP_ILE: return c <= 0;
    case GIR_OP_IGT: return c > 0;
    default: return c >= 0;
    }
  }
  case GIR_OP_FADD: return of_f(f_of(A(0)) + f_of(A(1)));
  case GIR_OP_FSUB: return of_f(f_of(A(0)) - f_of(A(1)));
  case GIR_OP_FMUL: return of_f(f_of(A(0)) * f_of(A(1)));
  case GIR_OP_FDIV: return of_f(f_of(A(0)) / f_of(A(1)));
  case GIR_OP_FREM: return of_f(fmod(f_of(A(0)), f_of(A(1))));
  case GIR_OP_FNEG: return of_f(-f_of(A(0)));
  case GIR_OP_FABS: return of_f(fabs(f_of(A(0))));
  case GIR_OP_FMIN: return of_f(fmin(f_of(A(0)), f_of(A(1))));
  case GIR_OP_FMAX: return of_f(fmax(f_of(A(0)), f_of(A(1))));
  case GIR_OP_FFLOOR: return of_f(floor(f_of(A(0))));
  case GIR_OP_FCEIL: return of_f(ceil(f_of(A(0))));
  case GIR_OP_FROUND: return of_f(round(f_of(A(0))));
  case GIR_OP_FSQRT: return of_f(sqrt(f_of(A(0))));
  case GIR_OP_FEQ: return f_of(A(0)) == f_of(A(1));
  case GIR_OP_FNE: return f_of(A(0)) != f_of(A(1));
  case GIR_OP_FLT: return f_of(A(0)) < f_of(A(1));
  case GIR_OP_FLE: return f_of(A(0)) <= f_of(A(1));
  case GIR_OP_FGT: return f_of(A(0)) > f_of(A(1));
  case GIR_OP_FGE: return f_of(A(0)) >= f_of(A(1));
  case GIR_OP_BNOT: return !A(0);
  case GIR_OP_I2F: return of_f((double)(int64_t)A(0));
  case GIR_OP_C2I: return (uint32_t)A(0);

  case GIR_OP_CALL_RT: return call_rt(ex, fr, gi, ax);
  case GIR_OP_CALL_C: return call_c(ex, fr, gi, ax);
  case GIR_OP_GLOBAL_GET: return in->globals[gi->imm.global->id];
  case GIR_OP_GLOBAL_SET: in->globals[gi->imm.global->id] = A(0); return 0;

  case GIR_OP_INC: case GIR_OP_DEC:
    if (gi->nargs == 1 && !is_literal(f, gi->args[0])) {
      const GirType *t = vtype(f, gi->args[0]);
      if (gi->op == GIR_OP_INC) iv_inc(in, t, A(0));
      else iv_dec(in, t, A(0));
    }
    return 0;

  case GIR_OP_NEW: case GIR_OP_REUSE: {
    Slot fs[64];
    uint32_t off = gi->op == GIR_OP_REUSE, n = gi->nargs - off;
    for (uint32_t i = 0; i < n && i < 64; i++)
      fs[i] = A(i + off);
    if (gi->op == GIR_OP_NEW)
      return iv_obj_new(in, gi->imm.ctor.type, gi->imm.ctor.index, fs);
    return iv_obj_build(in, gi->imm.ctor.type, gi->imm.ctor.index, P(0), fs);
  }
  case GIR_OP_RESET: return reset_op(in, gi, A(0), false);
  case GIR_OP_DROP: reset_op(in, gi, A(0), true); return 0;
  case GIR_OP_RELEASE:
    if (P(0))
      rt->gj_obj_free(P(0), in->types[gi->imm.reset.type->id]
                                .ctors[gi->imm.reset.ctor].size);
    return 0;
  case GIR_OP_PROJ: {
    const GirType *t = gi->imm.ctor.type;
    const GirType *ft = t->ctors[gi->imm.ctor.index].fields[gi->imm.ctor.field];
    uint32_t off = in->types[t->id].ctors[gi->imm.ctor.index].off[gi->imm.ctor.field];
    return iv_load(ft, (char *)P(0) + off);
  }
  case GIR_OP_TAG: {
    const GirType *t = arg_type(f, gi, 0);
    return t->nctors <= 1 ? 0 : ((GjHeader *)P(0))->flags;
  }
  case GIR_OP_EQ: return iv_eq(in, arg_type(f, gi, 0), A(0), A(1));
  case GIR_OP_CMP: return (Slot)iv_cmp(in, arg_type(f, gi, 0), A(0), A(1));
  case GIR_OP_APPEND_TEXT:
    return of_p(iv_append_text(in, arg_type(f, gi, 1), P(0), A(1),
                               gi->imm.nested));

  case GIR_OP_CLOSURE_NEW: {
    const GirFunc *lf = gi->imm.closure.callee;
    IFunc *li = ifunc(in, lf);
    if (!gi->nargs) return of_p(li->stat_closure);
    char *p = rt->gj_obj_alloc(iv_closure_size(lf), GJ_KIND_CLOSURE);
    GjHeader *h = (GjHeader *)p;
    h->rc = 1;
    h->kind = GJ_KIND_CLOSURE;
    h->flags = 0;
    ((const void **)p)[1] = lf;
    ((const void **)p)[2] = li;
    ((const void **)p)[3] = li;
    for (uint32_t i = 0; i < gi->nargs; i++)
      iv_store(lf->captures.data[i], p + iv_capture_off(lf, i), A(i));
    return of_p(p);
  }
  case GIR_OP_CAPTURE: {
    uint32_t k = gi->imm.closure.field;
    return iv_load(f->captures.data[k], (char *)P(0) + iv_capture_off(f, k));
  }

  case GIR_OP_LIST_NEW: case GIR_OP_LIST_PUSH: case GIR_OP_LIST_SET:
  case GIR_OP_LIST_GET: case GIR_OP_LIST_LEN: case GIR_OP_LIST_CONCAT:
  case GIR_OP_LIST_SLICE: case GIR_OP_LIST_OP:
    return list_op(ex, fr, gi, ax);
  case GIR_OP_MAP_OP: return map_op(ex, fr, gi, ax);
  case GIR_OP_TASK_OP: return task_op(ex, fr, gi, ax);

  case GIR_OP_CALL: case GIR_OP_CALL_CLOSURE: case GIR_OP__COUNT: break;
  }
  interp_fatal(in, "an instruction the loop should have handled");
}

/* ---- the loop -------------------------------------------------------------------------- */

/* Moves to block t with args (read before any parameter is written: a
 * loop's jump may permute its own parameters). */
static void jump(Frame *fr, const GirBlock *t, const GirValue *args,
                 uint32_t nargs) {
  Slot tmp[64];
  Slot *v = nargs <= 64 ? tmp : malloc(nargs * sizeof *v);
  for (uint32_t i = 0; i < nargs; i++)
    v[i] = fr->s[args[i]];
  for (uint32_t i = 0; i < nargs; i++)
    fr->s[t->params.data[i]] = v[i];
  if (v != tmp) free(v);
  fr->b = t;
  fr->pc = 0;
}

static Slot exec_run(Exec *ex, IFunc *fi, const Slot *args, uint32_t nargs) {
  size_t base = ex->nfr;
  push_frame(ex, fi, args, nargs, GIR_NO_VALUE);
  for (;;) {
    Frame *fr = &ex->fr[ex->nfr - 1];
    const GirBlock *b = fr->b;
    if (__builtin_expect(ex->in->step_limit != 0, 0) &&
        ++ex->in->steps > ex->in->step_limit)
      _exit(INTERP_EXIT_STEPS); /* const evaluation's child (consteval.c) */
    if (fr->pc < b->insts.len) {
      uint32_t pc = fr->pc++;
      const GirInst *gi = &b->insts.data[pc];
      InstAux *ax = &fr->fi->aux[b->id][pc];
      if (gi->op == GIR_OP_CALL || gi->op == GIR_OP_CALL_CLOSURE) {
        Slot av[MAX_ARGS + 1];
        Slot *a = gi->nargs <= MAX_ARGS + 1 ? av : malloc(gi->nargs * sizeof *a);
        for (uint32_t i = 0; i < gi->nargs; i++)
          a[i] = A(i);
        IFunc *callee = gi->op == GIR_OP_CALL
                            ? ifunc(ex->in, gi->imm.call.callee)
                            : ifunc(ex->in, ((const GirFunc **)(uintptr_t)a[0])[1]);
        GirValue dst = gi->result;
        if (gi->op == GIR_OP_CALL && ax->tail) {
          /* §8: the caller's frame goes first (`ret` of the result follows
           * the call), so the callee returns straight to our caller — or
           * out of exec_run, if ours was the entry frame */
          dst = fr->dst;
          pop_frame(ex);
        }
        push_frame(ex, callee, a, gi->nargs, dst);
        if (a != av) free(a);
        continue;
      }
      Slot v = step(ex, fr, gi, ax);
      if (gi->result != GIR_NO_VALUE)
        fr->s[gi->result] = v;
      continue;
    }
    const GirTerm *t = &b->term;
    switch (t->kind) {
    case GIR_TERM_RET: {
      Slot v = t->value != GIR_NO_VALUE ? fr->s[t->value] : 0;
      GirValue dst = fr->dst;
      pop_frame(ex);
      if (ex->nfr == base)
        return v;
      if (dst != GIR_NO_VALUE)
        ex->fr[ex->nfr - 1].s[dst] = v;
      break;
    }
    case GIR_TERM_JMP: jump(fr, t->target, t->args, t->nargs); break;
    case GIR_TERM_BR:
      jump(fr, fr->s[t->value] ? t->target : t->else_target, NULL, 0);
      break;
    case GIR_TERM_SWITCH: {
      int64_t v = (int64_t)fr->s[t->value];
      const GirBlock *to = t->else_target;
      for (uint32_t i = 0; i < t->ncases; i++)
        if (t->cases[i].value == v) {
          to = t->cases[i].target;
          break;
        }
      if (!to) interp_fatal(ex->in, "switch: no case for the value");
      jump(fr, to, NULL, 0);
      break;
    }
    case GIR_TERM_UNREACHABLE: interp_fatal(ex->in, "reached `unreachable`");
    case GIR_TERM_NONE: interp_fatal(ex->in, "a block without a terminator");
    }
  }
}

static Slot run_func(Interp *in, IFunc *fi, const Slot *args, uint32_t nargs) {
  Exec ex = {0};
  ex.r = (Run *)in; /* Run starts with its Interp */
  ex.in = in;
  Slot v = exec_run(&ex, fi, args, nargs);
  exec_free(&ex);
  return v;
}

Slot interp_call_closure(Interp *in, Slot clo, const Slot *args,
                         uint32_t nargs) {
  const GirFunc *f = ((const GirFunc **)(uintptr_t)clo)[1];
  Slot a[MAX_ARGS + 1];
  a[0] = clo;
  for (uint32_t i = 0; i < nargs && i < MAX_ARGS; i++)
    a[i + 1] = args[i];
  return run_func(in, ifunc(in, f), a, nargs + 1);
}

/* ---- the program ------------------------------------------------------------------------- */

/* gj_program_main: the const initializer, main, then the consts' values
 * released (module.c's release_consts). */
static void h_program_main(ffi_cif *cif, void *ret, void **args, void *ud) {
  (void)cif; (void)args;
  Callable *c = ud;
  Interp *in = c->in;
  const GirModule *m = in->m;
  for (size_t i = 0; i < m->globals.len; i++) {
    const GirGlobal *g = m->globals.data[i];
    if (g->value) /* embedded: init no longer computes it */
      in->globals[i] = iv_from_const(in, g->type, g->value);
  }
  if (m->init)
    run_func(in, ifunc(in, m->init), NULL, 0);
  Slot r = run_func(in, ifunc(in, m->main), NULL, 0);
  for (size_t i = 0; i < m->globals.len; i++) {
    const GirType *t = m->globals.data[i]->type;
    if (iv_counted(t) && in->globals[i]) {
      iv_dec(in, t, in->globals[i]);
      in->globals[i] = 0;
    }
  }
  *(int64_t *)ret = m->main->ret->kind == GIR_T_INT ? (int64_t)r : 0;
}

static void run_free(Run *r) {
  Interp *in = &r->in;
  for (size_t i = 0; i < in->ncallables; i++) {
    ffi_closure_free(in->callables[i]->fc);
    free(in->callables[i]);
  }
  free(in->callables);
  for (size_t i = 0; in->funcs && i < in->m->funcs.len; i++) {
    IFunc *fi = &in->funcs[i];
    for (size_t b = 0; fi->aux && b < fi->f->blocks.len; b++) {
      for (size_t k = 0; k < fi->f->blocks.data[b]->insts.len; k++)
        free(fi->aux[b][k].cc);
      free(fi->aux[b]);
    }
    free(fi->aux);
    free(fi->stat_closure);
  }
  free(in->funcs);
  for (size_t i = 0; in->types && i < in->m->types.len; i++) {
    const GirType *t = in->m->types.data[i];
    for (uint32_t c = 0; c < t->nctors; c++) {
      free(in->types[i].ctors[c].off);
      free(in->types[i].ctors[c].stat);
    }
    free(in->types[i].ctors);
  }
  free(in->types);
  free(in->globals);
  free(r);
}

Slot interp_run_func(Interp *in, const GirFunc *f) {
  return run_func(in, ifunc(in, f), NULL, 0);
}

static void h_job(ffi_cif *cif, void *ret, void **args, void *ud) {
  (void)cif; (void)args;
  Interp *in = ((Callable *)ud)->in;
  in->job(in, in->job_arg);
  *(int64_t *)ret = 0;
}

int interp_start_job(Interp *in, void (*job)(Interp *, void *), void *arg) {
  in->job = job;
  in->job_arg = arg;
  Callable *entry = iv_callable(in, &ffi_type_sint64, NULL, 0, h_job, NULL);
  static char name[] = "guji";
  char *argv[] = {name, NULL};
  return in->rt.gj_rt_start(1, argv, (int64_t (*)(void))entry->code);
}

Interp *interp_open(const GirModule *m, const SrcMgr *sm, FILE *errs) {
  Run *r = calloc(1, sizeof *r);
  Interp *in = &r->in;
  in->m = m;
  in->sm = sm;
  in->errs = errs;
  if (!prepare(r)) {
    run_free(r);
    return NULL;
  }
  return in;
}

void interp_close(Interp *in) {
  if (in)
    run_free((Run *)in); /* Run starts with its Interp */
}

int interp_run_program(const GirModule *m, const SrcMgr *sm, int argc,
                       char **argv, FILE *errs) {
  (void)rt_calls_unused;
  if (!m->main) {
    fprintf(errs, "guji run --interp: the program has no main\n");
    return 1;
  }
  Interp *in = interp_open(m, sm, errs);
  if (!in)
    return 1;
  Callable *entry = iv_callable(in, &ffi_type_sint64, NULL, 0, h_program_main, NULL);
  int status = in->rt.gj_rt_start(argc, argv, (int64_t (*)(void))entry->code);
  interp_close(in);
  return status;
}
