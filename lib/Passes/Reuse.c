/* Reuse.c — drop specialization and reuse (Perceus §2.4–2.5), after RC.
 *
 * The RC pass leaves, in an arm that takes an object apart, the shape
 *
 *     %l = proj %t Tree.Node.0 ; inc %l
 *     %r = proj %t Tree.Node.2 ; inc %r
 *     dec %t
 *     ... new Tree.Node(%a, %v, %b) ...
 *
 * where the incs and the dec cancel whenever %t is uniquely owned. This
 * pass rewrites it, within a block, to
 *
 *     %l = proj %t Tree.Node.0
 *     %r = proj %t Tree.Node.2
 *     %k = reset %t Tree.Node keep 0,2
 *     ... reuse %k Tree.Node(%a, %v, %b) ...
 *
 * RESET hands the object's references to the kept fields over to %l and
 * %r when %t is unique (and takes its memory as the token), or incs them
 * and decs %t when it is shared (GIR.h); REUSE builds in the token's
 * memory. So a function that consumes a unique tree and builds one of the
 * same shape touches no count of its children and allocates nothing.
 *
 * The window of a DEC also spans the RESETs and DROPs made before it in
 * its run (step 2 of the inner object after the outer one).
 *
 * 1. Runs. In a maximal run of instructions that only read (PROJ, TAG,
 *    constants, scalar arithmetic) or count (INC, DEC), the DECs of
 *    objects move to just after the run's last PROJ, TAG or INC, in the
 *    order their values were defined: an object before the fields
 *    projected from it. Delaying a dec within such a run
 *    frees nothing later than the run's end, and it puts the outer
 *    object's RESET before the inner one's, which the inner one needs (its
 *    count is only exact once the outer one gave its reference away).
 * 2. Each DEC of an object in a run whose constructor is known (a PROJ of
 *    it in the run, or a type of one constructor) keeps the fields whose
 *    PROJ in the run is followed by its own inc; those incs go.
 * 3. A token is wanted by the first later NEW in the block whose memory
 *    class fits (gir_ctor_reuse_class) — or, when the block ends in a jmp,
 *    br or switch whose targets are reached only from it (so the token
 *    dominates them), by a NEW in each target (recursively, a few levels:
 *    a match arm's block, `if k < kx { Node(..) } else {..}`); targets
 *    that build none RELEASE the token at their start.
 *    With a taker the DEC becomes RESET, else (when it keeps fields) DROP.
 */
#include <stdlib.h>

#include "guji/Passes.h"

enum { MAX_DEPTH = 4 };

typedef VEC(GirInst) InstVec;

typedef struct Ru {
  GirModule *m;
  GirFunc *f;
  uint32_t *npreds;
} Ru;

static bool is_reader(const GirInst *in) {
  switch (in->op) {
  case GIR_OP_PROJ: case GIR_OP_TAG: case GIR_OP_INC: case GIR_OP_DEC:
  case GIR_OP_CONST_INT: case GIR_OP_CONST_FLOAT: case GIR_OP_CONST_BOOL:
  case GIR_OP_CONST_CHAR: case GIR_OP_CONST_STR: case GIR_OP_CONST_UNIT:
  case GIR_OP_IEQ: case GIR_OP_INE: case GIR_OP_ILT: case GIR_OP_ILE:
  case GIR_OP_IGT: case GIR_OP_IGE: case GIR_OP_IAND: case GIR_OP_IOR:
  case GIR_OP_IXOR: case GIR_OP_INOT: case GIR_OP_IMIN: case GIR_OP_IMAX:
  case GIR_OP_FEQ: case GIR_OP_FNE: case GIR_OP_FLT: case GIR_OP_FLE:
  case GIR_OP_FGT: case GIR_OP_FGE: case GIR_OP_BNOT: case GIR_OP_C2I:
  case GIR_OP_I2F:
    return true;
  default:
    return false;
  }
}

static void fix_indices(GirFunc *f, GirBlock *b) {
  for (size_t i = 0; i < b->insts.len; i++) {
    GirValue v = b->insts.data[i].result;
    if (v != GIR_NO_VALUE) {
      f->values.data[v].inst = (int32_t)i;
      f->values.data[v].block = b;
    }
  }
}

static int cmp_dec(const void *a, const void *b) {
  GirValue x = ((const GirInst *)a)->args[0], y = ((const GirInst *)b)->args[0];
  return x < y ? -1 : x > y;
}

static bool is_obj_dec(const GirFunc *f, const GirInst *in) {
  return in->op == GIR_OP_DEC &&
         gir_value_type(f, in->args[0])->kind == GIR_T_OBJ;
}

/* Step 1 over the whole block: in each run, the DECs of objects go right
 * after the run's last PROJ, TAG or INC, sorted; the rest keeps its order. */
static void sort_runs(const GirFunc *f, GirBlock *b) {
  size_t n = b->insts.len;
  GirInst *tmp = malloc((n + 1) * sizeof *tmp);
  for (size_t s = 0; s < n;) {
    if (!is_reader(&b->insts.data[s])) {
      s++;
      continue;
    }
    size_t e = s, last = s;
    for (; e < n && is_reader(&b->insts.data[e]); e++) {
      GirOp op = b->insts.data[e].op;
      if (op == GIR_OP_PROJ || op == GIR_OP_TAG || op == GIR_OP_INC) last = e;
    }
    size_t k = 0, ndec = 0;
    for (size_t i = s; i <= last; i++)
      if (!is_obj_dec(f, &b->insts.data[i])) tmp[k++] = b->insts.data[i];
    size_t group = k;
    for (size_t i = s; i < e; i++)
      if (is_obj_dec(f, &b->insts.data[i])) tmp[group + ndec++] = b->insts.data[i];
    qsort(tmp + group, ndec, sizeof *tmp, cmp_dec); /* ids are distinct */
    k = group + ndec;
    for (size_t i = last + 1; i < e; i++)
      if (!is_obj_dec(f, &b->insts.data[i])) tmp[k++] = b->insts.data[i];
    memcpy(b->insts.data + s, tmp, (e - s) * sizeof *tmp);
    s = e;
  }
  free(tmp);
}

/* ---- finding a taker for the token ---------------------------------------- */

typedef struct Taker {
  GirBlock *b;
  size_t at;       /* index of the NEW, or SIZE_MAX: RELEASE at the start */
} Taker;

typedef VEC(Taker) TakerVec;

static bool fits(const GirInst *in, uint32_t cls) {
  if (in->op != GIR_OP_NEW || in->nargs == 0) return false;
  const GirType *t = in->imm.ctor.type;
  return gir_ctor_reuse_class(&t->ctors[in->imm.ctor.index]) == cls;
}

static size_t find_new(const GirBlock *b, size_t from, uint32_t cls) {
  for (size_t i = from; i < b->insts.len; i++)
    if (fits(&b->insts.data[i], cls)) return i;
  return SIZE_MAX;
}

static uint32_t nsuccs(const GirTerm *t) {
  return t->kind == GIR_TERM_JMP ? 1 : t->kind == GIR_TERM_BR ? 2
         : t->kind == GIR_TERM_SWITCH ? t->ncases + 1 : 0;
}

static GirBlock *succ(const GirTerm *t, uint32_t k) {
  if (t->kind == GIR_TERM_SWITCH)
    return k < t->ncases ? t->cases[k].target : t->else_target;
  return k == 0 ? t->target : t->else_target;
}

/* Takers for a token made in b before index `from`: appends them to out
 * and returns how many reuse (0: none, and nothing worth a token). */
static size_t find_takers(Ru *r, GirBlock *b, size_t from, uint32_t cls,
                          int depth, TakerVec *out) {
  size_t at = find_new(b, from, cls);
  if (at != SIZE_MAX) {
    VEC_PUSH(r->m->arena, *out, ((Taker){b, at}));
    return 1;
  }
  const GirTerm *t = &b->term;
  uint32_t ns = nsuccs(t);
  size_t mark = out->len, reused = 0;
  bool ok = depth < MAX_DEPTH && ns > 0;
  for (uint32_t k = 0; ok && k < ns; k++) {
    GirBlock *s = succ(t, k);
    if (s == NULL) continue; /* a switch without else */
    if (r->npreds[s->id] != 1 || s == b) ok = false;
  }
  for (uint32_t k = 0; ok && k < ns; k++) {
    GirBlock *s = succ(t, k);
    if (s) reused += find_takers(r, s, 0, cls, depth + 1, out);
  }
  if (!ok || reused == 0) {
    out->len = mark;
    if (depth > 0) /* a leaf that builds nothing fitting */
      VEC_PUSH(r->m->arena, *out, ((Taker){b, SIZE_MAX}));
    return 0;
  }
  return reused;
}

/* ---- rewriting ------------------------------------------------------------- */

static void insert_at(Ru *r, GirBlock *b, size_t at, GirInst in) {
  VEC_PUSH(r->m->arena, b->insts, in); /* grow */
  memmove(b->insts.data + at + 1, b->insts.data + at,
          (b->insts.len - 1 - at) * sizeof in);
  b->insts.data[at] = in;
  fix_indices(r->f, b);
}

static void remove_at(Ru *r, GirBlock *b, size_t at) {
  memmove(b->insts.data + at, b->insts.data + at + 1,
          (b->insts.len - at - 1) * sizeof *b->insts.data);
  b->insts.len--;
  fix_indices(r->f, b);
}

static GirInst token_op(Ru *r, GirOp op, GirValue v, const GirInst *reset) {
  GirInst in = {0};
  in.op = op;
  in.result = GIR_NO_VALUE;
  in.type = &gir_t_unit;
  in.span = reset->span;
  in.args = ARENA_ARRAY(r->m->arena, GirValue, 1);
  in.args[0] = v;
  in.nargs = 1;
  in.imm.reset = reset->imm.reset;
  return in;
}

/* NEW at b[at] → REUSE with the token first. */
static void make_reuse(Ru *r, GirBlock *b, size_t at, GirValue tok) {
  GirInst *in = &b->insts.data[at];
  GirValue *args = ARENA_ARRAY(r->m->arena, GirValue, in->nargs + 1);
  args[0] = tok;
  memcpy(args + 1, in->args, in->nargs * sizeof *args);
  in->op = GIR_OP_REUSE;
  in->args = args;
  in->nargs++;
}

/* The DEC at b[d], of an object: steps 2 and 3. Returns the index of the
 * instruction that replaced it. */
static size_t specialize(Ru *r, GirBlock *b, size_t d) {
  GirValue x = b->insts.data[d].args[0];
  const GirType *t = gir_value_type(r->f, x);
  if (t->kind != GIR_T_OBJ) return d;
  /* the run, with the RESETs and DROPs already made in it: an outer
   * object's RESET does not touch the fields of one projected from it */
  size_t s = d;
  while (s > 0 && (is_reader(&b->insts.data[s - 1]) ||
                   b->insts.data[s - 1].op == GIR_OP_RESET ||
                   b->insts.data[s - 1].op == GIR_OP_DROP))
    s--;
  int64_t ctor = t->nctors == 1 ? 0 : -1;
  for (size_t i = s; i < d; i++) {
    const GirInst *in = &b->insts.data[i];
    if (in->op == GIR_OP_PROJ && in->args[0] == x) ctor = in->imm.ctor.index;
  }
  if (ctor < 0) return d;
  const GirCtor *c = &t->ctors[ctor];
  uint32_t cls = gir_ctor_reuse_class(c);
  if (cls == 0 || c->nfields > 64) return d;

  uint64_t keep = 0;
  for (size_t i = s; i + 1 < d; i++) {
    const GirInst *in = &b->insts.data[i], *nx = &b->insts.data[i + 1];
    if (in->op == GIR_OP_PROJ && in->args[0] == x &&
        in->result != GIR_NO_VALUE && nx->op == GIR_OP_INC &&
        nx->args[0] == in->result)
      keep |= (uint64_t)1 << in->imm.ctor.field;
  }
  TakerVec takers = {0};
  size_t reused = find_takers(r, b, d + 1, cls, 0, &takers);
  if (reused == 0 && keep == 0) return d;

  GirInst *dec = &b->insts.data[d];
  dec->imm.reset.type = t;
  dec->imm.reset.ctor = (uint32_t)ctor;
  dec->imm.reset.keep = keep;
  if (reused) {
    GirValue tok = gir_value_new(r->m, r->f, &gir_t_token, b, (int32_t)d);
    dec->op = GIR_OP_RESET;
    dec->result = tok;
    dec->type = &gir_t_token;
    GirInst reset = *dec;
    /* back to front, so indices in one block stay valid */
    for (size_t k = takers.len; k-- > 0;) {
      Taker *tk = &takers.data[k];
      if (tk->at != SIZE_MAX)
        make_reuse(r, tk->b, tk->at, tok);
      else
        insert_at(r, tk->b, 0, token_op(r, GIR_OP_RELEASE, tok, &reset));
    }
  } else {
    dec->op = GIR_OP_DROP;
  }
  /* the kept fields' own incs go */
  for (size_t i = d; i-- > s;) {
    const GirInst *in = &b->insts.data[i];
    if (in->op == GIR_OP_INC && i > s) {
      const GirInst *pj = &b->insts.data[i - 1];
      if (pj->op == GIR_OP_PROJ && pj->args[0] == x &&
          pj->result == in->args[0] && (keep >> pj->imm.ctor.field & 1)) {
        remove_at(r, b, i);
        d--;
      }
    }
  }
  return d;
}

static void count_preds(Ru *r) {
  GirFunc *f = r->f;
  memset(r->npreds, 0, f->blocks.len * sizeof *r->npreds);
  r->npreds[0] = 1;
  for (size_t b = 0; b < f->blocks.len; b++) {
    const GirTerm *t = &f->blocks.data[b]->term;
    for (uint32_t k = 0; k < nsuccs(t); k++) {
      GirBlock *s = succ(t, k);
      if (s) r->npreds[s->id]++;
    }
  }
}

static void reuse_func(GirModule *m, GirFunc *f) {
  if (f->blocks.len == 0) return;
  Ru r = {m, f, calloc(f->blocks.len + 1, sizeof(uint32_t))};
  count_preds(&r);
  for (size_t bi = 0; bi < f->blocks.len; bi++) {
    GirBlock *b = f->blocks.data[bi];
    sort_runs(f, b);
    fix_indices(f, b);
    for (size_t i = 0; i < b->insts.len; i++)
      if (b->insts.data[i].op == GIR_OP_DEC) i = specialize(&r, b, i);
  }
  free(r.npreds);
}

void pass_reuse(GirModule *m) {
  for (size_t i = 0; i < m->funcs.len; i++) reuse_func(m, m->funcs.data[i]);
}
