/* consteval.c — §3 consts computed at compile time (issue 7).
 *
 * Input: the GirModule CodeGen would receive. Output: the same module with
 * GirGlobal.value set for every const whose value was computed here, and
 * those consts' calls taken out of `init`; CodeGen embeds each value as
 * static immortal data (rc 0).
 *
 * Which consts. A const's initializer (`const.NAME`, lib/Lower) qualifies
 * when nothing it can reach — the subs it calls, the closures it creates,
 * transitively — does I/O, touches tasks, channels or time, the OS, or a
 * foreign function: no TASK_OP, no CALL_C, no GLOBAL_SET, and only the
 * runtime calls of rt_pure (an allow list by symbol prefix, so a runtime
 * function added later is impure until someone says otherwise; `print`
 * is I/O), and nothing that sees a Map's iteration order (map_order_seen).
 * It may read other consts only when they were embedded already
 * (consts come in dependency order). A closure value can only reach the
 * initializer from a CLOSURE_NEW it can reach or a const (which would not
 * be embedded), so every closure it calls was seen.
 *
 * How. The interpreter (prepared once) runs each qualifying initializer in
 * a child process (fork): a panic there prints to /dev/null and ends the
 * child with status 101, a run past the step limit ends it with
 * INTERP_EXIT_STEPS, and in both cases the const is left to run time, so
 * the panic (or the long computation) still happens when the program runs,
 * with its message and location. Nothing the evaluation allocates, leaks
 * or writes in the runtime's state can reach the compiler. The child
 * walks the value by its GIR type and writes it to a pipe; only Int,
 * Float, Bool, Char, Str, objects and Lists of those are written (a Map,
 * a closure, a regex, … anywhere in it: the child says "unembeddable"),
 * and a value whose flat form passes MAX_BYTES (a DAG can be far larger
 * flattened than in memory) is refused too. The parent reads it back as
 * a GirConst tree in the module's arena.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "interp_internal.h"

enum { MAX_BYTES = 64 << 20, CHILD_SECONDS = 20 };

/* ---- purity -------------------------------------------------------------------- */

static bool rt_pure(GirRtId id) {
  static const char *const ok[] = {
      "gj_str_", "gj_math_", "gj_regex_", "gj_match_", "gj_text_",
      "gj_panic", "gj_assert_", "gj_inc", "gj_dec", "gj_float_to_int",
      "gj_char_from_int"};
  const char *n = gir_rt_info(id)->c_name;
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
    if (!strncmp(n, ok[i], strlen(ok[i])))
      return true;
  return false;
}

typedef struct Purity {
  const GirModule *m;
  uint8_t *seen;       /* by function position: 0 new, 1 visiting/pure */
  bool pure;
} Purity;

static void visit(Purity *p, const GirFunc *f);

/* A Map's or Set's iteration order depends on the per-process hash seed
 * (runtime/src/hash.c): a value computed from it in the compiler's child
 * would disagree with the same computation in the running program. */
static bool map_order_seen(const GirFunc *f, const GirInst *gi) {
  if (gi->op == GIR_OP_MAP_OP)
    switch ((GirMapFn)gi->imm.map.fn) {
    case GIR_MAP_KEYS: case GIR_MAP_VALUES: case GIR_MAP_PAIRS:
    case GIR_SET_TO_LIST:
      return true;
    default: return false;
    }
  if (gi->op != GIR_OP_APPEND_TEXT && gi->op != GIR_OP_CMP) return false;
  uint32_t i = gi->op == GIR_OP_APPEND_TEXT ? 1 : 0;
  return i < gi->nargs && gi->args[i] != GIR_NO_VALUE &&
         gir_value_type(f, gi->args[i])->kind == GIR_T_MAP;
}

static void visit_inst(Purity *p, const GirFunc *f, const GirInst *gi) {
  if (map_order_seen(f, gi)) {
    p->pure = false;
    return;
  }
  switch (gi->op) {
  case GIR_OP_CALL: visit(p, gi->imm.call.callee); break;
  case GIR_OP_CLOSURE_NEW: visit(p, gi->imm.closure.callee); break;
  case GIR_OP_CALL_RT: if (!rt_pure(gi->imm.rt)) p->pure = false; break;
  case GIR_OP_GLOBAL_GET: if (!gi->imm.global->value) p->pure = false; break;
  case GIR_OP_TASK_OP: case GIR_OP_CALL_C: case GIR_OP_GLOBAL_SET:
  case GIR_OP__COUNT:
    p->pure = false;
    break;
  default: break;
  }
}

static void visit(Purity *p, const GirFunc *f) {
  size_t i = f ? gir_func_index(p->m, f) : SIZE_MAX;
  if (i == SIZE_MAX || f->is_foreign) {
    p->pure = false;
    return;
  }
  if (p->seen[i]) return;
  p->seen[i] = 1;
  for (size_t b = 0; b < f->blocks.len && p->pure; b++) {
    const GirBlock *gb = f->blocks.data[b];
    for (size_t k = 0; k < gb->insts.len && p->pure; k++)
      visit_inst(p, f, &gb->insts.data[k]);
  }
}

/* May g's initializer run at compile time? */
static bool init_pure(const GirModule *m, const GirGlobal *g) {
  Purity p = {m, calloc(m->funcs.len + 1, 1), true};
  visit(&p, g->init);
  free(p.seen);
  return p.pure;
}

/* ---- the flat form (child → parent) ---------------------------------------------- */

typedef struct Buf {
  char *data;
  size_t len, cap;
} Buf;

static bool put(Buf *b, const void *p, size_t n) {
  if (b->len + n > MAX_BYTES) return false;
  if (b->len + n > b->cap) {
    b->cap = (b->len + n) * 2;
    b->data = realloc(b->data, b->cap);
    if (!b->data) return false;
  }
  memcpy(b->data + b->len, p, n);
  b->len += n;
  return true;
}

static bool put64(Buf *b, uint64_t v) { return put(b, &v, 8); }

static const GjLoc no_loc = {"<const>", 0, 0};

/* Writes v (of type t); false when it cannot be embedded. */
static bool flatten(Interp *in, const GirType *t, Slot v, Buf *b) {
  switch (t->kind) {
  case GIR_T_INT: case GIR_T_FLOAT: case GIR_T_BOOL: case GIR_T_CHAR:
    return put64(b, v);
  case GIR_T_STR: {
    const GjStr *s = (const GjStr *)(uintptr_t)v;
    return put64(b, (uint64_t)s->len) && put(b, s->ptr, (size_t)s->len);
  }
  case GIR_T_OBJ: {
    const GjHeader *h = (const GjHeader *)(uintptr_t)v;
    uint32_t c = t->nctors > 1 ? h->flags : 0;
    if (c >= t->nctors || !put64(b, c)) return false;
    const GirCtor *ct = &t->ctors[c];
    const ICtor *ic = &in->types[t->id].ctors[c];
    for (uint32_t i = 0; i < ct->nfields; i++) {
      const GirType *ft = ct->fields[i];
      if (ft->kind == GIR_T_UNIT) continue;
      if (!flatten(in, ft, iv_load(ft, (const char *)h + ic->off[i]), b))
        return false;
    }
    return true;
  }
  case GIR_T_LIST: {
    const GjList *l = (const GjList *)(uintptr_t)v;
    const GirType *et = t->elem;
    if (et->kind == GIR_T_UNIT) return false;
    int64_t n = in->rt.gj_list_len(l);
    if (!put64(b, (uint64_t)n)) return false;
    for (int64_t i = 0; i < n; i++) {
      Slot w = 0;
      in->rt.gj_list_get(l, i, &w, &no_loc);
      if (!flatten(in, et, iv_load(et, &w), b)) return false;
    }
    return true;
  }
  default: return false;
  }
}

typedef struct Reader {
  const char *p, *end;
  Arena *a;
} Reader;

static bool get64(Reader *r, uint64_t *v) {
  if (r->end - r->p < 8) return false;
  memcpy(v, r->p, 8);
  r->p += 8;
  return true;
}

/* The parent's side of flatten. */
static const GirConst *unflatten(Reader *r, const GirType *t) {
  GirConst *c = ARENA_NEW(r->a, GirConst);
  memset(c, 0, sizeof *c);
  uint64_t v;
  if (!get64(r, &v)) return NULL;
  switch (t->kind) {
  case GIR_T_INT: c->u.i = (int64_t)v; return c;
  case GIR_T_FLOAT: memcpy(&c->u.f, &v, 8); return c;
  case GIR_T_BOOL: c->u.b = v != 0; return c;
  case GIR_T_CHAR: c->u.ch = (uint32_t)v; return c;
  case GIR_T_STR: {
    if ((uint64_t)(r->end - r->p) < v) return NULL;
    char *d = arena_alloc(r->a, v + 1);
    memcpy(d, r->p, v);
    d[v] = 0;
    r->p += v;
    c->u.str.data = d;
    c->u.str.len = v;
    return c;
  }
  case GIR_T_OBJ: {
    if (v >= t->nctors) return NULL;
    const GirCtor *ct = &t->ctors[v];
    c->u.obj.ctor = (uint32_t)v;
    c->u.obj.n = iv_nstored(ct);
    c->u.obj.fields = ARENA_ARRAY(r->a, const GirConst *, c->u.obj.n + 1);
    for (uint32_t i = 0, k = 0; i < ct->nfields; i++)
      if (ct->fields[i]->kind != GIR_T_UNIT &&
          !(c->u.obj.fields[k++] = unflatten(r, ct->fields[i])))
        return NULL;
    return c;
  }
  case GIR_T_LIST: {
    if (v > (uint64_t)(r->end - r->p)) return NULL; /* 8 bytes an element at least */
    c->u.list.n = (int64_t)v;
    c->u.list.elems = ARENA_ARRAY(r->a, const GirConst *, v + 1);
    for (uint64_t i = 0; i < v; i++)
      if (!(c->u.list.elems[i] = unflatten(r, t->elem)))
        return NULL;
    return c;
  }
  default: return NULL;
  }
}

Slot iv_from_const(Interp *in, const GirType *t, const GirConst *c) {
  switch (t->kind) {
  case GIR_T_INT: return (Slot)c->u.i;
  case GIR_T_FLOAT: { Slot v; memcpy(&v, &c->u.f, 8); return v; }
  case GIR_T_BOOL: return c->u.b;
  case GIR_T_CHAR: return c->u.ch;
  case GIR_T_STR:
    return (Slot)(uintptr_t)in->rt.gj_str_from_bytes(c->u.str.data,
                                                     (int64_t)c->u.str.len);
  case GIR_T_OBJ: {
    const GirCtor *ct = &t->ctors[c->u.obj.ctor];
    Slot *f = calloc(c->u.obj.n + 1, sizeof *f);
    for (uint32_t i = 0, k = 0; i < ct->nfields; i++)
      if (ct->fields[i]->kind != GIR_T_UNIT) {
        f[k] = iv_from_const(in, ct->fields[i], c->u.obj.fields[k]);
        k++;
      }
    Slot v = iv_obj_new(in, t, c->u.obj.ctor, f);
    free(f);
    return v;
  }
  case GIR_T_LIST: {
    const GirType *et = t->elem;
    GjList *l = in->rt.gj_list_with_cap(iv_desc(in, et), c->u.list.n);
    for (int64_t i = 0; i < c->u.list.n; i++) {
      Slot w = 0;
      iv_store(et, &w, iv_from_const(in, et, c->u.list.elems[i]));
      l = in->rt.gj_list_push(l, &w);
    }
    return (Slot)(uintptr_t)l;
  }
  default: interp_fatal(in, "an embedded const of a type never embedded");
  }
}

/* ---- one const, in a child ---------------------------------------------------------- */

typedef struct Job {
  const GirGlobal *g;
  uint64_t step_limit;
  int fd;
} Job;

static void write_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w <= 0) _exit(70);
    p += w;
    n -= (size_t)w;
  }
}

static void const_job(Interp *in, void *arg) {
  Job *j = arg;
  const GirModule *m = in->m;
  for (size_t i = 0; i < m->globals.len; i++) {
    const GirGlobal *g = m->globals.data[i];
    if (g->value)
      in->globals[i] = iv_from_const(in, g->type, g->value);
  }
  in->steps = 0;
  in->step_limit = j->step_limit;
  Slot v = interp_run_func(in, j->g->init);
  in->step_limit = 0;
  Buf b = {0};
  if (!flatten(in, j->g->type, v, &b))
    _exit(INTERP_EXIT_UNEMBEDDABLE);
  write_all(j->fd, b.data, b.len);
  _exit(0);
}

InterpConstResult interp_eval_const(Interp *in, GirGlobal *g,
                                    uint64_t step_limit, Arena *a,
                                    const GirConst **value) {
  *value = NULL;
  int fds[2];
  if (pipe(fds)) return INTERP_CONST_FAILED;
  fflush(NULL); /* nothing buffered is written twice */
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return INTERP_CONST_FAILED;
  }
  if (pid == 0) {
    close(fds[0]);
    alarm(CHILD_SECONDS); /* one runtime call can be long: a last resort */
    int null = open("/dev/null", O_RDWR);
    if (null >= 0)
      for (int fd = 0; fd < 3; fd++)
        dup2(null, fd);
    Job j = {g, step_limit, fds[1]};
    interp_start_job(in, const_job, &j);
    _exit(70); /* the job ends the child itself */
  }
  close(fds[1]);
  Buf b = {0};
  char chunk[1 << 16];
  for (;;) {
    ssize_t n = read(fds[0], chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || !put(&b, chunk, (size_t)n)) break;
  }
  close(fds[0]);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  InterpConstResult r = INTERP_CONST_FAILED;
  if (WIFEXITED(st)) {
    switch (WEXITSTATUS(st)) {
    case 0: {
      Reader rd = {b.data, b.data + b.len, a};
      *value = unflatten(&rd, g->type);
      r = *value && rd.p == rd.end ? INTERP_CONST_OK : INTERP_CONST_FAILED;
      if (r != INTERP_CONST_OK) *value = NULL;
      break;
    }
    case 101: r = INTERP_CONST_PANICKED; break;
    case INTERP_EXIT_STEPS: r = INTERP_CONST_TOO_MANY_STEPS; break;
    case INTERP_EXIT_UNEMBEDDABLE: r = INTERP_CONST_UNEMBEDDABLE; break;
    default: break;
    }
  }
  free(b.data);
  return r;
}

/* ---- the module ------------------------------------------------------------------------ */

/* Takes the embedded consts' calls and stores out of init (one block of
 * `%v = call const.X(); global.set X, %v`, as lib/Lower makes it; any
 * other shape is left alone and nothing is embedded). */
static bool rewrite_init(GirModule *m) {
  GirFunc *f = m->init;
  if (!f || f->blocks.len != 1) return false;
  GirBlock *b = f->blocks.data[0];
  size_t n = b->insts.len, k = 0;
  bool *drop = calloc(n + 1, sizeof *drop);
  for (size_t i = 0; i < n; i++) {
    const GirInst *gi = &b->insts.data[i];
    if (gi->op != GIR_OP_GLOBAL_SET || !gi->imm.global->value) continue;
    GirValue v = gi->args[0];
    drop[i] = true;
    for (size_t j = 0; j < n; j++) {
      const GirInst *u = &b->insts.data[j];
      if ((u->op == GIR_OP_CALL && u->result == v) ||
          ((u->op == GIR_OP_INC || u->op == GIR_OP_DEC) && u->nargs == 1 &&
           u->args[0] == v))
        drop[j] = true;
    }
  }
  for (size_t i = 0; i < n; i++)
    if (!drop[i]) b->insts.data[k++] = b->insts.data[i];
  b->insts.len = k;
  free(drop);
  gir_block_fix_indices(f, b);
  return true;
}

/* The embedded consts' initializers, which nothing calls now, leave the
 * module (function ids are positions in m->funcs: renumbered). */
static void drop_folded_inits(GirModule *m) {
  size_t k = 0;
  for (size_t i = 0; i < m->funcs.len; i++) {
    GirFunc *f = m->funcs.data[i];
    bool dead = false;
    for (size_t g = 0; g < m->globals.len && !dead; g++)
      dead = m->globals.data[g]->value && m->globals.data[g]->init == f;
    if (dead) continue;
    f->id = (uint32_t)k;
    m->funcs.data[k++] = f;
  }
  m->funcs.len = k;
  for (size_t g = 0; g < m->globals.len; g++)
    if (m->globals.data[g]->value)
      m->globals.data[g]->init = NULL;
}

/* The globals in init's order (the order of dependency). */
static bool init_order(const GirModule *m, GirGlobal **out, size_t *n) {
  *n = 0;
  if (!m->init || m->init->blocks.len != 1) return false;
  const GirBlock *b = m->init->blocks.data[0];
  for (size_t i = 0; i < b->insts.len; i++) {
    const GirInst *gi = &b->insts.data[i];
    if (gi->op == GIR_OP_GLOBAL_SET && *n < m->globals.len)
      out[(*n)++] = gi->imm.global;
  }
  return true;
}

void interp_fold_consts(GirModule *m, const SrcMgr *sm, uint64_t step_limit,
                        InterpConstStats *stats) {
  InterpConstStats st = {0};
  GirGlobal **order = calloc(m->globals.len + 1, sizeof *order);
  size_t n = 0;
  Interp *in = NULL;
  if (init_order(m, order, &n) && n) {
    for (size_t i = 0; i < n; i++) {
      GirGlobal *g = order[i];
      if (!g->init || !init_pure(m, g)) {
        st.impure++;
        continue;
      }
      if (!in && !(in = interp_open(m, sm, NULL)))
        break;
      const GirConst *v;
      switch (interp_eval_const(in, g, step_limit, m->arena, &v)) {
      case INTERP_CONST_OK: g->value = v; st.embedded++; break;
      case INTERP_CONST_PANICKED: st.panicked++; break;
      case INTERP_CONST_TOO_MANY_STEPS: st.too_many_steps++; break;
      case INTERP_CONST_UNEMBEDDABLE: st.unembeddable++; break;
      case INTERP_CONST_FAILED: st.failed++; break;
      }
    }
    /* before the module loses the folded initializers: the interpreter's
     * per-function data is freed by walking m->funcs */
    interp_close(in);
    in = NULL;
    if (!rewrite_init(m))
      for (size_t i = 0; i < m->globals.len; i++)
        m->globals.data[i]->value = NULL;
    else
      drop_folded_inits(m);
  }
  interp_close(in);
  free(order);
  if (stats) *stats = st;
}
