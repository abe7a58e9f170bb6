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
 *    An object made in this function (NEW, a channel operation's Option
 *    or Result) hands no token on: fresh_here.
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
  case GIR_OP_CONST_REGEX:
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

static uint32_t nsuccs(const GirTerm *t) { return gir_term_nsuccs(t); }

static GirBlock *succ(const GirTerm *t, uint32_t k) {
  return *gir_term_succ((GirTerm *)t, k);
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

/* ---- sinking the incs of fields ------------------------------------------- */

static void insert_at(Ru *r, GirBlock *b, size_t at, GirInst in);
static void remove_at(Ru *r, GirBlock *b, size_t at);

/* The PROJ that defines v, or NULL. */
static const GirInst *proj_def(const GirFunc *f, GirValue v) {
  const GirValueInfo *vi = &f->values.data[v];
  if (vi->inst < 0 || !vi->block) return NULL;
  const GirInst *in = &vi->block->insts.data[vi->inst];
  return in->op == GIR_OP_PROJ ? in : NULL;
}

/* Whether v is an object this function made itself (a NEW, or the Option
 * or Result of a channel operation). Its token is not handed on: if the
 * object never escapes, LLVM removes its allocation and its free together
 * (CodeGen's allocator pair) — unless a REUSE keeps the memory alive for
 * another constructor, typically on a cold path (the Err a failed send
 * builds in the Option a receive made). */
static bool fresh_here(const GirFunc *f, GirValue v) {
  const GirValueInfo *vi = &f->values.data[v];
  if (vi->inst < 0 || !vi->block) return false;
  GirOp op = vi->block->insts.data[vi->inst].op;
  return op == GIR_OP_NEW || op == GIR_OP_TASK_OP;
}

/* Whether `in` may release a reference to v: it consumes it (hands the
 * reference on; the receiver may free it) or decs it. */
static bool may_release(const GirInst *in, GirValue v) {
  for (uint32_t j = 0; j < in->nargs; j++)
    if (in->args[j] == v && gir_inst_consumes(in, j)) return true;
  return false;
}

typedef struct Anc {
  GirValue v[8];
  uint32_t n;
} Anc;

/* p, then what p was read out of, and so on: p is alive while these are
 * (the nearest one that still holds a reference keeps it alive). */
static Anc ancestors(const GirFunc *f, GirValue p) {
  Anc a = {{0}, 0};
  for (const GirInst *pj = proj_def(f, p); pj && a.n < 8;
       pj = proj_def(f, pj->args[0]))
    a.v[a.n++] = pj->args[0];
  return a;
}

static bool blocks_inc(const GirInst *in, GirValue p, const Anc *a) {
  if (in->op == GIR_OP_CALL_RT) {
    const GirRtInfo *info = gir_rt_info(in->imm.rt);
    if (info && (info->flags & GIR_RTF_NORETURN)) return true;
  }
  if (may_release(in, p)) return true;
  for (uint32_t k = 0; k < a->n; k++)
    if (may_release(in, a->v[k])) return true;
  return false;
}

static bool term_uses(const GirTerm *t, GirValue v) {
  if (t->kind == GIR_TERM_RET) return t->value == v;
  for (uint32_t j = 0; t->kind == GIR_TERM_JMP && j < t->nargs; j++)
    if (t->args[j] == v) return true;
  return false;
}

/* Step 0. The RC pass incs a field right after its PROJ; while the object
 * it was read from stays alive, the field needs no reference of its own
 * for reading. So the inc moves down, past reads, until the field is
 * consumed or its object (or an object that object was read from) may be
 * released — or into each successor reached only from here; an inc that
 * meets the field's dec (a path where it died unused) cancels with it, and
 * one that reaches the object's dec is taken over by RESET's `keep`
 * (specialize). Returns whether anything moved. */
static bool sink_block(Ru *r, GirBlock *b) {
  bool moved = false;
  for (size_t i = 0; i < b->insts.len; i++) {
    GirInst in = b->insts.data[i];
    if (in.op != GIR_OP_INC || !proj_def(r->f, in.args[0])) continue;
    GirValue p = in.args[0];
    Anc a = ancestors(r->f, p);
    size_t j = i + 1;
    while (j < b->insts.len && !blocks_inc(&b->insts.data[j], p, &a) &&
           !(b->insts.data[j].op == GIR_OP_INC && b->insts.data[j].args[0] == p))
      j++;
    if (j < b->insts.len && b->insts.data[j].op == GIR_OP_DEC &&
        b->insts.data[j].args[0] == p) { /* cancel */
      remove_at(r, b, j);
      remove_at(r, b, i);
      i--;
      moved = true;
      continue;
    }
    /* where it goes: before j, but never past other incs gathered there
     * (two incs must not keep trading places) */
    size_t k = j;
    while (k > i + 1 && b->insts.data[k - 1].op == GIR_OP_INC) k--;
    if (j < b->insts.len) {
      if (k > i + 1) {
        remove_at(r, b, i);
        insert_at(r, b, k - 1, in);
        i--; /* look at what moved up */
        moved = true;
      }
      continue;
    }
    /* to the end of the block: on into the successors? */
    const GirTerm *t = &b->term;
    uint32_t ns = nsuccs(t);
    bool ok = ns > 0 && !term_uses(t, p);
    for (uint32_t q = 0; ok && q < a.n; q++) ok = !term_uses(t, a.v[q]);
    for (uint32_t q = 0; ok && q < ns; q++) {
      GirBlock *sb = succ(t, q);
      ok = sb && sb != b && sb->id != 0 && r->npreds[sb->id] == 1;
      for (uint32_t q2 = 0; ok && q2 < q; q2++) ok = succ(t, q2) != sb;
    }
    if (!ok) {
      if (k > i + 1) {
        remove_at(r, b, i);
        insert_at(r, b, k - 1, in);
        i--;
        moved = true;
      }
      continue;
    }
    remove_at(r, b, i);
    i--;
    for (uint32_t q = 0; q < ns; q++) insert_at(r, succ(t, q), 0, in);
    moved = true;
  }
  return moved;
}

/* ---- rewriting ------------------------------------------------------------- */

static void insert_at(Ru *r, GirBlock *b, size_t at, GirInst in) {
  VEC_PUSH(r->m->arena, b->insts, in); /* grow */
  memmove(b->insts.data + at + 1, b->insts.data + at,
          (b->insts.len - 1 - at) * sizeof in);
  b->insts.data[at] = in;
  gir_block_fix_indices(r->f, b);
}

static void remove_at(Ru *r, GirBlock *b, size_t at) {
  memmove(b->insts.data + at, b->insts.data + at + 1,
          (b->insts.len - at - 1) * sizeof *b->insts.data);
  b->insts.len--;
  gir_block_fix_indices(r->f, b);
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
    const GirInst *pj = in->op == GIR_OP_INC ? proj_def(r->f, in->args[0]) : NULL;
    if (pj && pj->args[0] == x) ctor = pj->imm.ctor.index;
  }
  if (ctor < 0) return d;
  const GirCtor *c = &t->ctors[ctor];
  uint32_t cls = gir_ctor_reuse_class(c);
  if (cls == 0 || c->nfields > 64) return d;

  /* an inc in the run of a field read out of x (by a PROJ here, or in a
   * block before: sink_incs brought its inc down to here) */
  uint64_t keep = 0;
  for (size_t i = s; i < d; i++) {
    const GirInst *in = &b->insts.data[i];
    const GirInst *pj = in->op == GIR_OP_INC ? proj_def(r->f, in->args[0]) : NULL;
    if (pj && pj->args[0] == x && pj->imm.ctor.index == (uint32_t)ctor)
      keep |= (uint64_t)1 << pj->imm.ctor.field;
  }
  TakerVec takers = {0};
  size_t reused =
      fresh_here(r->f, x) ? 0 : find_takers(r, b, d + 1, cls, 0, &takers);
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
  /* the kept fields' own incs go (one each) */
  uint64_t removed = 0;
  for (size_t i = d; i-- > s;) {
    const GirInst *in = &b->insts.data[i];
    const GirInst *pj = in->op == GIR_OP_INC ? proj_def(r->f, in->args[0]) : NULL;
    if (pj && pj->args[0] == x && pj->imm.ctor.index == (uint32_t)ctor &&
        !(removed >> pj->imm.ctor.field & 1)) {
      removed |= (uint64_t)1 << pj->imm.ctor.field;
      remove_at(r, b, i);
      d--;
    }
  }
  return d;
}

static void reuse_func(GirModule *m, GirFunc *f) {
  if (f->blocks.len == 0) return;
  Ru r = {m, f, calloc(f->blocks.len + 1, sizeof(uint32_t))};
  gir_func_count_preds(f, r.npreds);
  for (int round = 0; round < 64; round++) {
    bool moved = false;
    for (size_t bi = 0; bi < f->blocks.len; bi++)
      moved |= sink_block(&r, f->blocks.data[bi]);
    if (!moved) break;
  }
  for (size_t bi = 0; bi < f->blocks.len; bi++) {
    GirBlock *b = f->blocks.data[bi];
    sort_runs(f, b);
    gir_block_fix_indices(f, b);
    for (size_t i = 0; i < b->insts.len; i++)
      if (b->insts.data[i].op == GIR_OP_DEC) i = specialize(&r, b, i);
  }
  free(r.npreds);
}

void pass_reuse(GirModule *m) {
  for (size_t i = 0; i < m->funcs.len; i++) reuse_func(m, m->funcs.data[i]);
}
