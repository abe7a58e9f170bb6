/* Verify.c — the GIR verifier: the invariants every pass relies on.
 *
 * Checked per function, in order: the block table (ids, terminators,
 * targets belonging to the function), the value table (each value defined
 * exactly once, where GirValueInfo says, with the type it says), then every
 * use: it must be defined and its definition must dominate the use (earlier
 * in the same block, or in a dominating block). Dominators come from the
 * classic iterative data-flow equations over bit sets
 * (dom(b) = {b} ∪ ⋂ dom(preds)); GIR functions are small. Uses in blocks
 * unreachable from the entry are only checked for definedness, as LLVM
 * does. Finally each op's operand and result types, calls against their
 * callee or RtFns.def signature, terminators against their targets and the
 * function's result, and `tail` marks. Object ops are checked against
 * the constructor they name (imm.ctor), which must belong to the module.
 * Closures: CLOSURE_NEW against its lifted sub (is_closure_body, the
 * captures, parameters (fn type, fn type's params…), result), CAPTURE only
 * of the first parameter of a closure body, CALL_CLOSURE against the sub
 * type; a closure body borrows its first parameter; EQ, CMP and
 * APPEND_TEXT reject sub-typed operands.
 *
 * Messages are "gir: FUNC: bN: MESSAGE", one line each.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "guji/GIR.h"

typedef struct Verifier {
  const GirModule *m;
  const GirFunc *f;
  FILE *errs;
  bool ok;
  uint32_t nblocks, nvalues, words;
  bool *defined;       /* per value: a definition was seen */
  bool *reachable;     /* per block */
  uint64_t *dom;       /* nblocks × words: dominators of each block */
} Verifier;

__attribute__((format(printf, 3, 4))) static void
verr(Verifier *v, const GirBlock *b, const char *fmt, ...) {
  v->ok = false;
  if (v->errs == NULL) return;
  va_list ap;
  va_start(ap, fmt);
  fprintf(v->errs, "gir: %s: b%u: ", v->f->name ? v->f->name : "<anon>",
          b ? b->id : 0u);
  vfprintf(v->errs, fmt, ap);
  fputc('\n', v->errs);
  va_end(ap);
}

static bool block_ok(const Verifier *v, const GirBlock *t) {
  return t != NULL && t->id < v->nblocks && v->f->blocks.data[t->id] == t;
}

static const char *tn(const GirType *t) { return gir_type_name(t); }

/* The successor slots of a terminator: jmp 1, br 2, switch ncases + 1 (the
 * else slot may be NULL). */
static uint32_t nsuccs(const GirTerm *t) {
  switch (t->kind) {
  case GIR_TERM_JMP: return 1;
  case GIR_TERM_BR: return 2;
  case GIR_TERM_SWITCH: return t->ncases + 1;
  default: return 0;
  }
}

static const GirBlock *succ(const GirTerm *t, uint32_t k) {
  if (t->kind == GIR_TERM_SWITCH) {
    if (k == t->ncases) return t->else_target;
    return t->cases && k < t->ncases ? t->cases[k].target : NULL;
  }
  return k == 0 ? t->target : t->else_target;
}

/* ---- structure and value table ------------------------------------------ */

static void check_structure(Verifier *v) {
  for (uint32_t i = 0; i < v->nblocks; i++) {
    const GirBlock *b = v->f->blocks.data[i];
    if (b->id != i) verr(v, b, "block id %u at position %u", b->id, i);
    const GirTerm *t = &b->term;
    switch (t->kind) {
    case GIR_TERM_NONE: verr(v, b, "block has no terminator"); break;
    case GIR_TERM_JMP:
      if (!block_ok(v, t->target)) verr(v, b, "jmp to a foreign block");
      break;
    case GIR_TERM_BR:
      if (!block_ok(v, t->target) || !block_ok(v, t->else_target))
        verr(v, b, "br to a foreign block");
      break;
    case GIR_TERM_SWITCH:
      if (t->ncases == 0 && t->else_target == NULL)
        verr(v, b, "switch without targets");
      if (t->ncases && t->cases == NULL) {
        verr(v, b, "switch without its case table");
        break;
      }
      for (uint32_t k = 0; k <= t->ncases; k++)
        if ((k < t->ncases || t->else_target) && !block_ok(v, succ(t, k)))
          verr(v, b, "switch to a foreign block");
      break;
    default: break;
    }
  }
}

static void define(Verifier *v, const GirBlock *b, GirValue x, int32_t inst,
                   const GirType *t) {
  if (x >= v->nvalues) {
    verr(v, b, "defines %%%u, which is not in the value table", x);
    return;
  }
  const GirValueInfo *vi = &v->f->values.data[x];
  if (v->defined[x]) verr(v, b, "%%%u is defined twice", x);
  v->defined[x] = true;
  if (vi->block != b || vi->inst != inst)
    verr(v, b, "value info of %%%u names the wrong definition", x);
  if (t && vi->type != t)
    verr(v, b, "%%%u has type %s but its value info says %s", x, tn(t),
         tn(vi->type));
  if (vi->type == NULL || vi->type->kind == GIR_T_UNIT)
    verr(v, b, "%%%u has no type", x);
}

static void check_values(Verifier *v) {
  const GirFunc *f = v->f;
  const GirBlock *entry = f->blocks.data[0];
  if (entry->params.len != f->param_types.len)
    verr(v, entry, "entry block has %zu parameters, function has %zu",
         entry->params.len, f->param_types.len);
  for (uint32_t i = 0; i < v->nblocks; i++) {
    const GirBlock *b = f->blocks.data[i];
    for (size_t j = 0; j < b->params.len; j++) {
      GirValue p = b->params.data[j];
      define(v, b, p, -1, NULL);
      if (i == 0 && j < f->param_types.len && p < v->nvalues &&
          f->values.data[p].type != f->param_types.data[j])
        verr(v, b, "entry parameter %zu has type %s, function says %s", j,
             tn(f->values.data[p].type), tn(f->param_types.data[j]));
    }
    for (size_t j = 0; j < b->insts.len; j++) {
      const GirInst *in = &b->insts.data[j];
      bool unit = in->type == NULL || in->type->kind == GIR_T_UNIT;
      if (unit && in->result != GIR_NO_VALUE)
        verr(v, b, "%s of type Unit has a result", gir_op_name(in->op));
      else if (!unit && in->result == GIR_NO_VALUE)
        verr(v, b, "%s of type %s has no result", gir_op_name(in->op),
             tn(in->type));
      else if (!unit)
        define(v, b, in->result, (int32_t)j, in->type);
    }
  }
}

/* ---- dominance ----------------------------------------------------------- */

static void compute_dominators(Verifier *v) {
  uint32_t n = v->nblocks, w = v->words;
  const GirFunc *f = v->f;
  /* reachability by a work list */
  uint32_t *stack = calloc(n, sizeof *stack);
  uint32_t sp = 0;
  v->reachable[0] = true;
  stack[sp++] = 0;
  while (sp) {
    const GirTerm *t = &f->blocks.data[stack[--sp]]->term;
    for (uint32_t k = 0; k < nsuccs(t); k++) {
      const GirBlock *s = succ(t, k);
      if (block_ok(v, s) && !v->reachable[s->id]) {
        v->reachable[s->id] = true;
        stack[sp++] = s->id;
      }
    }
  }
  free(stack);
  for (uint32_t b = 0; b < n; b++)
    for (uint32_t k = 0; k < w; k++)
      v->dom[b * w + k] = b == 0 ? 0 : ~(uint64_t)0;
  v->dom[0] = 1;
  /* predecessor lists (CSR over reachable blocks) */
  size_t nedges = 0;
  for (uint32_t b = 0; b < n; b++) nedges += nsuccs(&f->blocks.data[b]->term);
  uint32_t *first = calloc(n + 1, sizeof *first);
  uint32_t *preds = calloc(nedges + 1, sizeof *preds);
  for (int pass = 0; pass < 2; pass++) {
    uint32_t *fill = pass ? calloc(n, sizeof *fill) : NULL;
    for (uint32_t b = 0; b < n; b++) {
      if (!v->reachable[b]) continue;
      const GirTerm *t = &f->blocks.data[b]->term;
      for (uint32_t k = 0; k < nsuccs(t); k++) {
        const GirBlock *sb = succ(t, k);
        if (!block_ok(v, sb)) continue;
        uint32_t s = sb->id;
        if (pass == 0)
          first[s + 1]++;
        else
          preds[first[s] + fill[s]++] = b;
      }
    }
    if (pass == 0)
      for (uint32_t s = 0; s < n; s++) first[s + 1] += first[s];
    free(fill);
  }
  /* dom(s) = {s} ∪ ⋂ dom(p) over predecessors p, until nothing changes. */
  uint64_t *tmp = calloc(w, sizeof *tmp);
  bool changed = true;
  while (changed) {
    changed = false;
    for (uint32_t s = 1; s < n; s++) {
      if (!v->reachable[s]) continue;
      for (uint32_t k = 0; k < w; k++) tmp[k] = ~(uint64_t)0;
      for (uint32_t e = first[s]; e < first[s + 1]; e++)
        for (uint32_t k = 0; k < w; k++) tmp[k] &= v->dom[preds[e] * w + k];
      tmp[s / 64] |= (uint64_t)1 << (s % 64);
      for (uint32_t k = 0; k < w; k++)
        if (tmp[k] != v->dom[s * w + k]) {
          v->dom[s * w + k] = tmp[k];
          changed = true;
        }
    }
  }
  free(first);
  free(preds);
  free(tmp);
}

static bool dominates(const Verifier *v, uint32_t a, uint32_t b) {
  return (v->dom[b * v->words + a / 64] >> (a % 64)) & 1;
}

/* A use of x by the instruction at `pos` of b (pos == insts.len for the
 * terminator). Returns x's type, or NULL when x is not usable. */
static const GirType *use(Verifier *v, const GirBlock *b, size_t pos,
                          GirValue x) {
  if (x == GIR_NO_VALUE || x >= v->nvalues || !v->defined[x]) {
    if (x == GIR_NO_VALUE)
      verr(v, b, "use of a missing value");
    else
      verr(v, b, "use of undefined value %%%u", x);
    return NULL;
  }
  const GirValueInfo *vi = &v->f->values.data[x];
  if (vi->block == b) {
    if (vi->inst >= 0 && (size_t)vi->inst >= pos)
      verr(v, b, "%%%u is used before its definition", x);
  } else if (v->reachable[b->id] && block_ok(v, vi->block) &&
             !dominates(v, vi->block->id, b->id)) {
    verr(v, b, "%%%u (defined in b%u) does not dominate its use", x,
         vi->block->id);
  }
  return vi->type;
}

/* ---- typing -------------------------------------------------------------- */

static bool is_scalar_cmp(const GirType *t) {
  return t && (t->kind == GIR_T_INT || t->kind == GIR_T_CHAR ||
               t->kind == GIR_T_BOOL);
}

/* Checks `in` against a fixed signature: nargs operands of type `arg`,
 * result `res`. */
static void sig(Verifier *v, const GirBlock *b, const GirInst *in,
                const GirType *const *ts, uint32_t nargs, const GirType *arg,
                const GirType *res) {
  const char *op = gir_op_name(in->op);
  if (in->nargs != nargs) {
    verr(v, b, "%s takes %u operands, has %u", op, nargs, in->nargs);
    return;
  }
  for (uint32_t i = 0; i < nargs; i++)
    if (ts[i] && ts[i] != arg)
      verr(v, b, "%s: operand %u is %s, expected %s", op, i + 1, tn(ts[i]),
           tn(arg));
  if (in->type != res)
    verr(v, b, "%s: result type %s, expected %s", op, tn(in->type), tn(res));
}

static void check_call(Verifier *v, const GirBlock *b, const GirInst *in,
                       const GirType *const *ts) {
  const GirFunc *c = in->imm.call.callee;
  if (c == NULL) {
    verr(v, b, "call without a callee");
    return;
  }
  if (in->nargs != c->param_types.len) {
    verr(v, b, "call %s: %u arguments, %s takes %zu", c->name, in->nargs,
         c->name, c->param_types.len);
  } else {
    for (uint32_t i = 0; i < in->nargs; i++)
      if (ts[i] && ts[i] != c->param_types.data[i])
        verr(v, b, "call %s: argument %u is %s, expected %s", c->name, i + 1,
             tn(ts[i]), tn(c->param_types.data[i]));
  }
  if (in->type != c->ret)
    verr(v, b, "call %s: result type %s, callee returns %s", c->name,
         tn(in->type), tn(c->ret));
}

/* §19: what may cross to C (Sema has said so; this keeps CodeGen honest). */
static bool c_scalar(const GirType *t) {
  return t == &gir_t_int || t == &gir_t_float || t == &gir_t_bool ||
         t == &gir_t_char;
}

static void check_call_c(Verifier *v, const GirBlock *b, const GirInst *in,
                         const GirType *const *ts) {
  const char *sym = in->imm.ccall.sym;
  if (!sym) {
    verr(v, b, "call.c without a symbol");
    return;
  }
  for (uint32_t i = 0; i < in->nargs; i++) {
    const GirType *t = ts[i];
    if (!t || c_scalar(t) || t == &gir_t_str) continue;
    bool ok = t->kind == GIR_T_FN &&
              (c_scalar(t->ret) || t->ret == &gir_t_unit);
    for (uint32_t j = 0; ok && j < t->nparams; j++)
      ok = c_scalar(t->params[j]);
    if (!ok)
      verr(v, b, "call.c %s: argument %u is %s, which cannot cross to C", sym,
           i + 1, tn(t));
  }
  if (!c_scalar(in->type) && in->type != &gir_t_str &&
      in->type != &gir_t_unit)
    verr(v, b, "call.c %s: result type %s cannot come from C", sym,
         tn(in->type));
}

static void check_call_rt(Verifier *v, const GirBlock *b, const GirInst *in,
                          const GirType *const *ts) {
  const GirRtInfo *info = gir_rt_info(in->imm.rt);
  if (info == NULL) {
    verr(v, b, "call.rt of an unknown runtime function");
    return;
  }
  if (in->nargs != info->nparams) {
    verr(v, b, "call.rt %s: %u arguments, takes %u", info->c_name, in->nargs,
         info->nparams);
  } else {
    for (uint32_t i = 0; i < in->nargs; i++) {
      if (info->params[i] == &gir_t_any_list && ts[i] &&
          ts[i]->kind == GIR_T_LIST)
        continue;
      if (info->params[i] == &gir_t_any_handle && ts[i] &&
          ts[i]->kind == GIR_T_HANDLE)
        continue;
      if (ts[i] && ts[i] != info->params[i])
        verr(v, b, "call.rt %s: argument %u is %s, expected %s", info->c_name,
             i + 1, tn(ts[i]), tn(info->params[i]));
    }
  }
  if (info->ret == &gir_t_any_list) {
    if (!in->type || in->type->kind != GIR_T_LIST)
      verr(v, b, "call.rt %s: result type %s, expected a List", info->c_name,
           tn(in->type));
  } else if (info->ret == &gir_t_any_handle) {
    if (!in->type || in->type->kind != GIR_T_HANDLE)
      verr(v, b, "call.rt %s: result type %s, expected a handle",
           info->c_name, tn(in->type));
  } else if (in->type != info->ret)
    verr(v, b, "call.rt %s: result type %s, expected %s", info->c_name,
         tn(in->type), tn(info->ret));
}

/* The constructor imm.ctor names, or NULL after reporting why not. */
static const GirCtor *check_ctor(Verifier *v, const GirBlock *b,
                                 const GirInst *in) {
  const char *op = gir_op_name(in->op);
  const GirType *t = in->imm.ctor.type;
  if (t == NULL || t->kind != GIR_T_OBJ) {
    verr(v, b, "%s of %s, which is not an object type", op, tn(t));
    return NULL;
  }
  if (t->id >= v->m->types.len || v->m->types.data[t->id] != t)
    verr(v, b, "%s: object type %s is not in the module", op, tn(t));
  if (in->imm.ctor.index >= t->nctors) {
    verr(v, b, "%s: %s has no constructor %u", op, tn(t), in->imm.ctor.index);
    return NULL;
  }
  return &t->ctors[in->imm.ctor.index];
}

/* NEW: the constructor's fields, in order → the object type. REUSE: a
 * token, then the same. */
static void check_new(Verifier *v, const GirBlock *b, const GirInst *in,
                      const GirType *const *ts) {
  const GirCtor *c = check_ctor(v, b, in);
  if (c == NULL) return;
  const char *op = gir_op_name(in->op);
  const GirType *t = in->imm.ctor.type;
  uint32_t first = in->op == GIR_OP_REUSE;
  if (first && (in->nargs == 0 || (ts[0] && ts[0] != &gir_t_token))) {
    verr(v, b, "reuse: the first operand must be a reuse token");
    return;
  }
  if (in->type != t)
    verr(v, b, "%s: result type %s, expected %s", op, tn(in->type), tn(t));
  /* Unit fields have no storage and no argument (GIR.h) */
  uint32_t nstored = 0;
  for (uint32_t i = 0; i < c->nfields; i++)
    if (!c->fields || c->fields[i]->kind != GIR_T_UNIT) nstored++;
  if (in->nargs - first != nstored) {
    verr(v, b, "%s %s: %u fields given, constructor has %u", op, tn(t),
         in->nargs - first, nstored);
    return;
  }
  if (first && nstored == 0)
    verr(v, b, "reuse %s: a constructor without fields is never allocated",
         tn(t));
  for (uint32_t i = 0, k = first; i < c->nfields && c->fields; i++) {
    if (c->fields[i]->kind == GIR_T_UNIT) continue;
    if (ts[k] && ts[k] != c->fields[i])
      verr(v, b, "%s %s: field %u is %s, expected %s", op, tn(t), i + 1,
           tn(ts[k]), tn(c->fields[i]));
    k++;
  }
}

/* RESET, DROP (an object of imm.reset's constructor) and RELEASE (a
 * token). */
static void check_reset(Verifier *v, const GirBlock *b, const GirInst *in,
                        const GirType *const *ts) {
  const char *op = gir_op_name(in->op);
  const GirType *t = in->imm.reset.type;
  if (t == NULL || t->kind != GIR_T_OBJ || in->imm.reset.ctor >= t->nctors) {
    verr(v, b, "%s without a constructor of an object type", op);
    return;
  }
  const GirCtor *c = &t->ctors[in->imm.reset.ctor];
  if (gir_ctor_size(c) == 0)
    verr(v, b, "%s %s: a constructor without fields is never allocated", op,
         tn(t));
  if (c->nfields < 64 && in->imm.reset.keep >> c->nfields)
    verr(v, b, "%s %s: keeps a field the constructor lacks", op, tn(t));
  const GirType *want = in->op == GIR_OP_RELEASE ? &gir_t_token : t;
  const GirType *res = in->op == GIR_OP_RESET ? &gir_t_token : &gir_t_unit;
  if (in->nargs != 1)
    verr(v, b, "%s takes 1 operand, has %u", op, in->nargs);
  else if (ts[0] && ts[0] != want)
    verr(v, b, "%s: operand is %s, expected %s", op, tn(ts[0]), tn(want));
  if (in->type != res)
    verr(v, b, "%s: result type %s, expected %s", op, tn(in->type), tn(res));
}

/* PROJ: an object of imm.ctor.type → the field's type. */
static void check_proj(Verifier *v, const GirBlock *b, const GirInst *in,
                       const GirType *const *ts) {
  if (in->nargs != 1) {
    verr(v, b, "proj takes 1 operand, has %u", in->nargs);
    return;
  }
  const GirCtor *c = check_ctor(v, b, in);
  if (c == NULL) return;
  const GirType *t = in->imm.ctor.type;
  if (ts[0] && ts[0] != t)
    verr(v, b, "proj: operand is %s, expected %s", tn(ts[0]), tn(t));
  if (in->imm.ctor.field >= c->nfields) {
    verr(v, b, "proj: constructor %u of %s has no field %u",
         in->imm.ctor.index, tn(t), in->imm.ctor.field);
    return;
  }
  const GirType *ft = c->fields ? c->fields[in->imm.ctor.field] : NULL;
  if (in->type != ft)
    verr(v, b, "proj: result type %s, field is %s", tn(in->type), tn(ft));
}

/* EQ and CMP: two operands of one type (any type but Unit and subs). */
static void check_derived2(Verifier *v, const GirBlock *b, const GirInst *in,
                           const GirType *const *ts, const GirType *res) {
  const char *op = gir_op_name(in->op);
  if (in->nargs != 2)
    verr(v, b, "%s takes 2 operands, has %u", op, in->nargs);
  else if (ts[0] && ts[1] && ts[0] != ts[1])
    verr(v, b, "%s: operands %s and %s (expected the same type)", op,
         tn(ts[0]), tn(ts[1]));
  else if (ts[0] && ts[0]->kind == GIR_T_FN)
    verr(v, b, "%s of a %s: subs have no equality or order", op, tn(ts[0]));
  if (in->type != res)
    verr(v, b, "%s: result type %s, expected %s", op, tn(in->type), tn(res));
}

/* ---- closures ------------------------------------------------------------ */

static bool func_in_module(const Verifier *v, const GirFunc *f) {
  return gir_func_index(v->m, f) != SIZE_MAX;
}

/* CLOSURE_NEW: the captures of a lifted sub whose parameters after the
 * closure and result are the sub type's → that type. */
static void check_closure_new(Verifier *v, const GirBlock *b,
                              const GirInst *in, const GirType *const *ts) {
  const GirFunc *c = in->imm.closure.callee;
  const GirType *ft = in->imm.closure.fn_type;
  if (c == NULL) {
    verr(v, b, "closure.new without a lifted sub");
    return;
  }
  if (ft == NULL || ft->kind != GIR_T_FN) {
    verr(v, b, "closure.new %s: type %s is not a sub type", c->name, tn(ft));
    return;
  }
  if (in->type != ft)
    verr(v, b, "closure.new %s: result type %s, expected %s", c->name,
         tn(in->type), tn(ft));
  if (!func_in_module(v, c))
    verr(v, b, "closure.new %s: the sub is not in the module", c->name);
  if (!c->is_closure_body) {
    verr(v, b, "closure.new %s: the sub is not a closure body", c->name);
    return;
  }
  if (in->nargs != c->captures.len) {
    verr(v, b, "closure.new %s: %u captures given, the sub has %zu", c->name,
         in->nargs, c->captures.len);
  } else {
    for (uint32_t i = 0; i < in->nargs; i++)
      if (ts[i] && ts[i] != c->captures.data[i])
        verr(v, b, "closure.new %s: capture %u is %s, expected %s", c->name,
             i, tn(ts[i]), tn(c->captures.data[i]));
  }
  if (c->param_types.len != (size_t)ft->nparams + 1 ||
      c->param_types.data[0] != ft) {
    verr(v, b, "closure.new %s: the sub's parameters do not fit %s "
         "(the closure, then the sub type's parameters)", c->name, tn(ft));
  } else {
    for (uint32_t i = 0; i < ft->nparams; i++)
      if (c->param_types.data[i + 1] != ft->params[i])
        verr(v, b, "closure.new %s: parameter %u is %s, %s says %s", c->name,
             i + 1, tn(c->param_types.data[i + 1]), tn(ft),
             tn(ft->params[i]));
  }
  if (c->ret != ft->ret)
    verr(v, b, "closure.new %s: the sub returns %s, %s returns %s", c->name,
         tn(c->ret), tn(ft), tn(ft->ret));
}

/* CAPTURE: inside a lifted sub, of its first parameter. */
static void check_capture(Verifier *v, const GirBlock *b, const GirInst *in) {
  const GirFunc *f = v->f;
  if (!f->is_closure_body) {
    verr(v, b, "capture outside a closure body");
    return;
  }
  const GirBlock *entry = f->blocks.data[0];
  if (in->nargs != 1) {
    verr(v, b, "capture takes 1 operand, has %u", in->nargs);
    return;
  }
  if (entry->params.len == 0 || in->args[0] != entry->params.data[0])
    verr(v, b, "capture of %%%u, not of the closure (the first parameter)",
         in->args[0]);
  uint32_t i = in->imm.closure.field;
  if (i >= f->captures.len) {
    verr(v, b, "capture %u of a closure with %zu captures", i,
         f->captures.len);
    return;
  }
  if (in->type != f->captures.data[i])
    verr(v, b, "capture %u: result type %s, the capture is %s", i,
         tn(in->type), tn(f->captures.data[i]));
}

/* CALL_CLOSURE: a closure, then its type's parameters → its result. */
static void check_call_closure(Verifier *v, const GirBlock *b,
                               const GirInst *in, const GirType *const *ts) {
  if (in->nargs < 1) {
    verr(v, b, "call.closure without a closure");
    return;
  }
  const GirType *ft = ts[0];
  if (ft == NULL) return;
  if (ft->kind != GIR_T_FN) {
    verr(v, b, "call.closure of a %s, which is not a sub", tn(ft));
    return;
  }
  if (in->nargs - 1 != ft->nparams) {
    verr(v, b, "call.closure: %u arguments, %s takes %u", in->nargs - 1,
         tn(ft), ft->nparams);
  } else {
    for (uint32_t i = 0; i < ft->nparams; i++)
      if (ts[i + 1] && ts[i + 1] != ft->params[i])
        verr(v, b, "call.closure: argument %u is %s, expected %s", i + 1,
             tn(ts[i + 1]), tn(ft->params[i]));
  }
  if (in->type != ft->ret)
    verr(v, b, "call.closure: result type %s, %s returns %s", tn(in->type),
         tn(ft), tn(ft->ret));
}

/* A lifted sub: its first parameter is the closure (a sub type), which it
 * borrows; its captures have storage (not Unit). */
static void check_closure_body(Verifier *v) {
  const GirFunc *f = v->f;
  const GirBlock *entry = f->blocks.data[0];
  if (!f->is_closure_body) {
    if (f->captures.len)
      verr(v, entry, "captures in a sub that is not a closure body");
    return;
  }
  if (f->param_types.len == 0 || f->param_types.data[0] == NULL ||
      f->param_types.data[0]->kind != GIR_T_FN)
    verr(v, entry, "closure body without the closure as its first parameter");
  if (f->param_borrowed == NULL || !f->param_borrowed[0])
    verr(v, entry, "closure body does not borrow its closure parameter");
  for (size_t i = 0; i < f->captures.len; i++)
    if (f->captures.data[i] == NULL ||
        f->captures.data[i]->kind == GIR_T_UNIT)
      verr(v, entry, "capture %zu has no storage (type %s)", i,
           tn(f->captures.data[i]));
}

/* ---- lists --------------------------------------------------------------- */

/* t, when it is a List type interned in the module (gir_type_list), else
 * NULL after reporting. */
static const GirType *list_type(Verifier *v, const GirBlock *b, const char *op,
                                const GirType *t) {
  if (t == NULL) return NULL;
  if (t->kind != GIR_T_LIST || t->elem == NULL) {
    verr(v, b, "%s of a %s, which is not a list", op, tn(t));
    return NULL;
  }
  for (size_t i = 0; i < v->m->list_types.len; i++)
    if (v->m->list_types.data[i] == t) return t;
  verr(v, b, "%s: %s is not a list type of the module", op, tn(t));
  return NULL;
}

static void operand_is(Verifier *v, const GirBlock *b, const char *op,
                       const GirType *const *ts, uint32_t i,
                       const GirType *want) {
  if (ts[i] && want && ts[i] != want)
    verr(v, b, "%s: operand %u is %s, expected %s", op, i + 1, tn(ts[i]),
         tn(want));
}

static void result_is(Verifier *v, const GirBlock *b, const char *op,
                      const GirInst *in, const GirType *want) {
  if (want && in->type != want)
    verr(v, b, "%s: result type %s, expected %s", op, tn(in->type), tn(want));
}

/* ---- maps ---------------------------------------------------------------- */

/* t, when it is a Map or Set type interned in the module. */
static const GirType *map_type(Verifier *v, const GirBlock *b, const char *op,
                               const GirType *t) {
  if (t == NULL) {
    verr(v, b, "%s without a map type", op);
    return NULL;
  }
  if (t->kind != GIR_T_MAP || !t->key || !t->elem) {
    verr(v, b, "%s of a %s, which is not a map", op, tn(t));
    return NULL;
  }
  for (size_t i = 0; i < v->m->map_types.len; i++)
    if (v->m->map_types.data[i] == t) return t;
  verr(v, b, "%s: %s is not a map type of the module", op, tn(t));
  return NULL;
}

/* MAP_OP: the arguments by the letters of GirMapFnInfo (gir_map_arg_role),
 * the result by the function. */
static void check_map(Verifier *v, const GirBlock *b, const GirInst *in,
                      const GirType *const *ts) {
  const GirMapFnInfo *fi = gir_map_fn_info((GirMapFn)in->imm.map.fn);
  if (!fi) {
    verr(v, b, "map.op with an unknown function %d", in->imm.map.fn);
    return;
  }
  char op[64];
  snprintf(op, sizeof op, "map.op %s", fi->name);
  const GirType *mt = map_type(v, b, op, in->imm.map.type);
  if (!mt) return;
  GirMapFn fn = (GirMapFn)in->imm.map.fn;
  bool set_fn = fn >= GIR_SET_ADD;
  if (set_fn && !mt->is_set) verr(v, b, "%s of a %s, which is not a set", op, tn(mt));
  uint32_t want = 0;
  while (fn != GIR_MAP_NEW && gir_map_arg_role(in, want)) want++;
  if (fn == GIR_MAP_NEW) {
    uint32_t per = (mt->key->kind != GIR_T_UNIT) + (mt->elem->kind != GIR_T_UNIT);
    if (in->nargs != per * in->imm.map.n)
      verr(v, b, "%s: %u operands for %u entries", op, in->nargs,
           in->imm.map.n);
  } else if (in->nargs != want) {
    verr(v, b, "%s takes %u operands, has %u", op, want, in->nargs);
    return;
  }
  const GirType *fn_t = NULL;
  for (uint32_t i = 0; i < in->nargs; i++) {
    const GirType *w = NULL;
    switch (gir_map_arg_role(in, i)) {
    case 'M': case 'm': w = mt; break;
    case 'K': case 'k': w = mt->key; break;
    case 'V': case 'v': w = mt->elem; break;
    case 'L': case 'l':
      if (ts[i] && (ts[i]->kind != GIR_T_LIST || ts[i]->elem != mt->key))
        verr(v, b, "%s: operand %u is %s, expected List[%s]", op, i + 1,
             tn(ts[i]), tn(mt->key));
      break;
    case 'F': case 'f':
      fn_t = ts[i];
      if (ts[i] && ts[i]->kind != GIR_T_FN)
        verr(v, b, "%s: operand %u is %s, expected a sub", op, i + 1, tn(ts[i]));
      break;
    }
    if (w && ts[i] && ts[i] != w)
      verr(v, b, "%s: operand %u is %s, expected %s", op, i + 1, tn(ts[i]), tn(w));
  }
  const GirType *res = NULL;
  switch (fn) {
  case GIR_MAP_LEN: res = &gir_t_int; break;
  case GIR_MAP_INDEX: case GIR_MAP_GET_OR: res = mt->elem; break;
  case GIR_MAP_CONTAINS: res = &gir_t_bool; break;
  case GIR_MAP_KEYS: case GIR_SET_TO_LIST: case GIR_MAP_VALUES: {
    const GirType *e = fn == GIR_MAP_VALUES ? mt->elem : mt->key;
    if (!in->type || in->type->kind != GIR_T_LIST || in->type->elem != e)
      verr(v, b, "%s: result type %s, expected List[%s]", op, tn(in->type), tn(e));
    break;
  }
  case GIR_MAP_PAIRS: {
    const GirType *lt = in->type, *pt = lt && lt->kind == GIR_T_LIST ? lt->elem : NULL;
    if (!pt || pt->kind != GIR_T_OBJ || !pt->is_tuple || pt->nctors != 1 ||
        pt->ctors[0].nfields != 2 || pt->ctors[0].fields[0] != mt->key ||
        pt->ctors[0].fields[1] != mt->elem)
      verr(v, b, "%s: result type %s, expected a List of (%s, %s)", op,
           tn(in->type), tn(mt->key), tn(mt->elem));
    break;
  }
  case GIR_MAP_MAP_VALUES:
    if (!in->type || in->type->kind != GIR_T_MAP || in->type->key != mt->key ||
        in->type->is_set)
      verr(v, b, "%s: result type %s, expected a Map[%s, _]", op, tn(in->type),
           tn(mt->key));
    else if (fn_t && (fn_t->nparams != (mt->elem->kind != GIR_T_UNIT) ||
                      fn_t->ret != in->type->elem))
      verr(v, b, "%s: %s does not map %s to %s", op, tn(fn_t), tn(mt->elem),
           tn(in->type->elem));
    break;
  case GIR_MAP_UPDATE:
    if (fn_t && (fn_t->ret != mt->elem ||
                 fn_t->nparams != (mt->elem->kind != GIR_T_UNIT)))
      verr(v, b, "%s: %s is not a sub(%s): %s", op, tn(fn_t), tn(mt->elem),
           tn(mt->elem));
    res = mt;
    break;
  case GIR_MAP_FILTER:
    if (fn_t && fn_t->ret != &gir_t_bool)
      verr(v, b, "%s: %s does not return Bool", op, tn(fn_t));
    res = mt;
    break;
  default: res = mt; break; /* NEW, INSERT, REMOVE, MERGE, set ops, FROM_LIST */
  }
  if (res) result_is(v, b, op, in, res);
}

/* ---- tasks and channels ------------------------------------------------- */

/* SELECT: narms arms, each a channel then (for a send of a non-Unit
 * element) the value, as imm.task.sends and .values say. */
static void check_select(Verifier *v, const GirBlock *b, const GirInst *in,
                         const GirType *const *ts) {
  const char *op = "task.op select";
  uint32_t i = 0, arm = 0;
  for (; arm < in->imm.task.narms && i < in->nargs; arm++) {
    const GirType *ct = ts[i];
    if (ct && ct->kind != GIR_T_CHAN)
      verr(v, b, "%s: arm %u waits on a %s, not a channel", op, arm, tn(ct));
    if ((in->imm.task.values >> i) & 1)
      verr(v, b, "%s: argument %u of arm %u should be its channel", op, i + 1, arm);
    i++;
    bool send = (in->imm.task.sends >> arm) & 1;
    if (send && ct && ct->kind == GIR_T_CHAN && ct->elem->kind != GIR_T_UNIT) {
      if (i >= in->nargs || !((in->imm.task.values >> i) & 1))
        verr(v, b, "%s: send arm %u has no value", op, arm);
      else if (ts[i] && ts[i] != ct->elem)
        verr(v, b, "%s: arm %u sends a %s on a %s", op, arm, tn(ts[i]), tn(ct));
      i++;
    }
  }
  if (arm != in->imm.task.narms || i != in->nargs)
    verr(v, b, "%s: %u operands do not make its %u arms", op, in->nargs,
         in->imm.task.narms);
  if (in->imm.task.narms > 64)
    verr(v, b, "%s: more than 64 arms", op);
  result_is(v, b, op, in, &gir_t_select);
}

/* TASK_OP: arguments by gir_task_arg_role, the result by the function. */
static void check_task(Verifier *v, const GirBlock *b, const GirInst *in,
                       const GirType *const *ts) {
  GirTaskFn fn = (GirTaskFn)in->imm.task.fn;
  const GirTaskFnInfo *fi = gir_task_fn_info(fn);
  if (!fi) {
    verr(v, b, "task.op with an unknown function %d", in->imm.task.fn);
    return;
  }
  char op[64];
  snprintf(op, sizeof op, "task.op %s", fi->name);
  const GirType *t = in->imm.task.type;
  if (fn == GIR_TASK_SELECT) {
    check_select(v, b, in, ts);
    return;
  }
  if (fn == GIR_TASK_SELECT_INDEX || fn == GIR_TASK_SELECT_OK ||
      fn == GIR_TASK_SELECT_VALUE) {
    if (in->nargs != 1 || (ts[0] && ts[0] != &gir_t_select))
      verr(v, b, "%s takes one Select operand", op);
    if (fn == GIR_TASK_SELECT_VALUE) {
      if (!t || t->kind != GIR_T_CHAN)
        verr(v, b, "%s without the arm's channel type", op);
      else
        result_is(v, b, op, in, t->elem);
    } else {
      result_is(v, b, op, in, fn == GIR_TASK_SELECT_OK ? &gir_t_bool : &gir_t_int);
    }
    return;
  }
  if (fn == GIR_TASK_SLEEP) {
    if (in->nargs != 1 || (ts[0] && ts[0] != &gir_t_int))
      verr(v, b, "%s takes one Int operand", op);
    result_is(v, b, op, in, &gir_t_unit);
    return;
  }
  if (!t) {
    verr(v, b, "%s without a type", op);
    return;
  }
  GirTypeKind want_kind = fn == GIR_TASK_SPAWN || fn == GIR_TASK_JOIN
                              ? GIR_T_TASK : GIR_T_CHAN;
  if (fn == GIR_TASK_SHARE) {
    if (!gir_type_is_heap(t))
      verr(v, b, "%s of a %s, which is not counted", op, tn(t));
  } else {
    bool found = false;
    for (size_t i = 0; i < v->m->task_types.len; i++)
      found |= v->m->task_types.data[i] == t;
    if (t->kind != want_kind || !found) {
      verr(v, b, "%s of a %s: expected a %s type of the module", op, tn(t),
           want_kind == GIR_T_TASK ? "Task" : "Chan");
      return;
    }
  }
  uint32_t want = 0;
  while (gir_task_arg_role(in, want)) want++;
  if (in->nargs != want) {
    verr(v, b, "%s takes %u operands, has %u", op, want, in->nargs);
    return;
  }
  for (uint32_t i = 0; i < in->nargs; i++) {
    const GirType *w = NULL;
    switch (gir_task_arg_role(in, i)) {
    case 'c': case 't': w = t; break;
    case 'E': w = t->elem; break;
    case 'i': w = &gir_t_int; break;
    case 'x': w = t; break;
    case 'F':
      if (ts[i] && (ts[i]->kind != GIR_T_FN || ts[i]->nparams != 0 ||
                    ts[i]->ret != t->elem))
        verr(v, b, "%s: operand %u is %s, expected a sub(): %s", op, i + 1,
             tn(ts[i]), tn(t->elem));
      break;
    }
    if (w && ts[i] && ts[i] != w)
      verr(v, b, "%s: operand %u is %s, expected %s", op, i + 1, tn(ts[i]), tn(w));
  }
  const GirType *res = NULL;
  switch (fn) {
  case GIR_TASK_SPAWN: case GIR_TASK_CHAN_NEW: case GIR_TASK_AFTER: res = t; break;
  case GIR_TASK_SLEEP: res = &gir_t_unit; break;
  case GIR_TASK_JOIN: res = t->elem; break;
  case GIR_TASK_SEND: case GIR_TASK_TRY_SEND: case GIR_TASK_CLOSE:
    res = &gir_t_bool;
    break;
  case GIR_TASK_SHARE: res = &gir_t_unit; break;
  case GIR_TASK_RECV: case GIR_TASK_TRY_RECV: {
    const GirType *o = in->type;
    bool unit = t->elem->kind == GIR_T_UNIT;
    if (!o || o->kind != GIR_T_OBJ || !o->is_sum || o->nctors != 2 ||
        o->ctors[0].nfields != 0 || o->ctors[1].nfields != 1 ||
        (!unit && o->ctors[1].fields[0] != t->elem))
      verr(v, b, "%s: result type %s, expected Option[%s]", op, tn(o),
           tn(t->elem));
    break;
  }
  default: break;
  }
  if (res) result_is(v, b, op, in, res);
}

/* GIR_OP_LIST_*: the list type comes from imm.list.type (LIST_NEW) or
 * args[0]; elements must be of its `elem`, indexes Int. A List[Unit]'s
 * ops take no element operands (GIR.h): one fewer for PUSH, SET,
 * CONTAINS and INDEX_OF, none for LIST_NEW. */
static void check_list(Verifier *v, const GirBlock *b, const GirInst *in,
                       const GirType *const *ts) {
  const char *op = gir_op_name(in->op);
  const GirType *I = &gir_t_int;
  static const uint32_t arity[] = {
      [GIR_OP_LIST_PUSH - GIR_OP_LIST_NEW] = 2,
      [GIR_OP_LIST_SET - GIR_OP_LIST_NEW] = 3,
      [GIR_OP_LIST_GET - GIR_OP_LIST_NEW] = 2,
      [GIR_OP_LIST_LEN - GIR_OP_LIST_NEW] = 1,
      [GIR_OP_LIST_CONCAT - GIR_OP_LIST_NEW] = 2,
      [GIR_OP_LIST_SLICE - GIR_OP_LIST_NEW] = 3};
  if (in->op == GIR_OP_LIST_NEW) {
    const GirType *lt = list_type(v, b, op, in->imm.list.type);
    if (lt == NULL) {
      if (in->imm.list.type == NULL) verr(v, b, "list.new without a type");
      return;
    }
    result_is(v, b, op, in, lt);
    uint32_t want = gir_list_elem_omitted(lt) ? 0 : in->imm.list.n;
    if (in->nargs != want)
      verr(v, b, "list.new %s of %u elements has %u operands", tn(lt),
           in->imm.list.n, in->nargs);
    for (uint32_t i = 0; i < in->nargs; i++)
      if (ts[i] && ts[i] != lt->elem)
        verr(v, b, "list.new %s: element %u is %s", tn(lt), i + 1, tn(ts[i]));
    return;
  }
  if (in->op == GIR_OP_LIST_OP) {
    int fn = in->imm.list.fn;
    uint32_t want = fn == GIR_LIST_SORTED || fn == GIR_LIST_REVERSED ? 1 : 2;
    if (fn < GIR_LIST_SORTED || fn > GIR_LIST_JOIN) {
      verr(v, b, "list.op with an unknown function %d", fn);
      return;
    }
    static const char *const fns[] = {"sorted", "reversed", "contains",
                                      "index_of", "take", "drop", "join"};
    const GirType *lt = in->nargs ? list_type(v, b, op, ts[0]) : NULL;
    bool elem_op = fn == GIR_LIST_CONTAINS || fn == GIR_LIST_INDEX_OF;
    if (elem_op && gir_list_elem_omitted(lt)) want = 1;
    if (in->nargs != want) {
      verr(v, b, "list.op %s takes %u operands, has %u", fns[fn], want,
           in->nargs);
      return;
    }
    if (lt == NULL) return;
    switch ((GirListFn)fn) {
    case GIR_LIST_SORTED: case GIR_LIST_REVERSED: result_is(v, b, op, in, lt); break;
    case GIR_LIST_TAKE: case GIR_LIST_DROP:
      operand_is(v, b, op, ts, 1, I);
      result_is(v, b, op, in, lt);
      break;
    case GIR_LIST_CONTAINS: case GIR_LIST_INDEX_OF:
      if (want == 2) operand_is(v, b, op, ts, 1, lt->elem);
      result_is(v, b, op, in, fn == GIR_LIST_CONTAINS ? &gir_t_bool : I);
      break;
    case GIR_LIST_JOIN:
      if (lt->elem != &gir_t_str)
        verr(v, b, "list.op join of a %s, expected List[Str]", tn(lt));
      operand_is(v, b, op, ts, 1, &gir_t_str);
      result_is(v, b, op, in, &gir_t_str);
      break;
    }
    return;
  }
  uint32_t want = arity[in->op - GIR_OP_LIST_NEW];
  const GirType *lt = in->nargs ? list_type(v, b, op, ts[0]) : NULL;
  bool omitted = gir_list_elem_omitted(lt);
  if (omitted && (in->op == GIR_OP_LIST_PUSH || in->op == GIR_OP_LIST_SET))
    want--;
  if (in->nargs != want) {
    verr(v, b, "%s takes %u operands, has %u", op, want, in->nargs);
    return;
  }
  if (lt == NULL) return;
  switch (in->op) {
  case GIR_OP_LIST_PUSH:
    if (!omitted) operand_is(v, b, op, ts, 1, lt->elem);
    result_is(v, b, op, in, lt);
    break;
  case GIR_OP_LIST_SET:
    operand_is(v, b, op, ts, 1, I);
    if (!omitted) operand_is(v, b, op, ts, 2, lt->elem);
    result_is(v, b, op, in, lt);
    break;
  case GIR_OP_LIST_GET:
    operand_is(v, b, op, ts, 1, I);
    result_is(v, b, op, in, lt->elem);
    break;
  case GIR_OP_LIST_LEN: result_is(v, b, op, in, I); break;
  case GIR_OP_LIST_CONCAT:
    operand_is(v, b, op, ts, 1, lt);
    result_is(v, b, op, in, lt);
    break;
  case GIR_OP_LIST_SLICE:
    operand_is(v, b, op, ts, 1, I);
    operand_is(v, b, op, ts, 2, I);
    result_is(v, b, op, in, lt);
    break;
  default: break;
  }
}

static void check_inst(Verifier *v, const GirBlock *b, size_t pos,
                       const GirInst *in) {
  const GirType *ts_small[8];
  const GirType **ts = in->nargs <= 8 ? ts_small
                                      : malloc(in->nargs * sizeof *ts);
  for (uint32_t i = 0; i < in->nargs; i++) ts[i] = use(v, b, pos, in->args[i]);
  const GirType *I = &gir_t_int, *F = &gir_t_float, *B = &gir_t_bool;
  const char *op = gir_op_name(in->op);
  switch (in->op) {
  case GIR_OP_CONST_INT: sig(v, b, in, ts, 0, NULL, I); break;
  case GIR_OP_CONST_FLOAT: sig(v, b, in, ts, 0, NULL, F); break;
  case GIR_OP_CONST_BOOL: sig(v, b, in, ts, 0, NULL, B); break;
  case GIR_OP_CONST_CHAR: sig(v, b, in, ts, 0, NULL, &gir_t_char); break;
  case GIR_OP_CONST_STR: sig(v, b, in, ts, 0, NULL, &gir_t_str); break;
  case GIR_OP_CONST_REGEX: sig(v, b, in, ts, 0, NULL, &gir_t_regex); break;
  case GIR_OP_CONST_UNIT: sig(v, b, in, ts, 0, NULL, &gir_t_unit); break;
  case GIR_OP_IADD: case GIR_OP_ISUB: case GIR_OP_IMUL: case GIR_OP_IDIV:
  case GIR_OP_IREM: case GIR_OP_ISHL: case GIR_OP_ISHR: case GIR_OP_IAND:
  case GIR_OP_IOR: case GIR_OP_IXOR: case GIR_OP_IMIN: case GIR_OP_IMAX:
    sig(v, b, in, ts, 2, I, I);
    break;
  case GIR_OP_INEG: case GIR_OP_INOT: case GIR_OP_IABS:
    sig(v, b, in, ts, 1, I, I);
    break;
  case GIR_OP_IEQ: case GIR_OP_INE: case GIR_OP_ILT: case GIR_OP_ILE:
  case GIR_OP_IGT: case GIR_OP_IGE:
    if (in->nargs != 2) {
      verr(v, b, "%s takes 2 operands, has %u", op, in->nargs);
      break;
    }
    if (ts[0] && ts[1] && (ts[0] != ts[1] || !is_scalar_cmp(ts[0])))
      verr(v, b, "%s: operands %s and %s (expected two Int, Char or Bool)",
           op, tn(ts[0]), tn(ts[1]));
    if (in->type != B)
      verr(v, b, "%s: result type %s, expected Bool", op, tn(in->type));
    break;
  case GIR_OP_FADD: case GIR_OP_FSUB: case GIR_OP_FMUL: case GIR_OP_FDIV:
  case GIR_OP_FREM: case GIR_OP_FMIN: case GIR_OP_FMAX:
    sig(v, b, in, ts, 2, F, F);
    break;
  case GIR_OP_FNEG: case GIR_OP_FABS: case GIR_OP_FFLOOR: case GIR_OP_FCEIL:
  case GIR_OP_FROUND: case GIR_OP_FSQRT:
    sig(v, b, in, ts, 1, F, F);
    break;
  case GIR_OP_FEQ: case GIR_OP_FNE: case GIR_OP_FLT: case GIR_OP_FLE:
  case GIR_OP_FGT: case GIR_OP_FGE:
    sig(v, b, in, ts, 2, F, B);
    break;
  case GIR_OP_BNOT: sig(v, b, in, ts, 1, B, B); break;
  case GIR_OP_I2F: sig(v, b, in, ts, 1, I, F); break;
  case GIR_OP_C2I: sig(v, b, in, ts, 1, &gir_t_char, I); break;
  case GIR_OP_CALL: check_call(v, b, in, ts); break;
  case GIR_OP_CALL_RT: check_call_rt(v, b, in, ts); break;
  case GIR_OP_CALL_C: check_call_c(v, b, in, ts); break;
  case GIR_OP_GLOBAL_GET:
    if (in->imm.global == NULL) {
      verr(v, b, "global.get without a global");
      break;
    }
    sig(v, b, in, ts, 0, NULL, in->imm.global->type);
    break;
  case GIR_OP_GLOBAL_SET:
    if (in->imm.global == NULL) {
      verr(v, b, "global.set without a global");
      break;
    }
    sig(v, b, in, ts, 1, in->imm.global->type, &gir_t_unit);
    break;
  case GIR_OP_INC: case GIR_OP_DEC:
    if (in->nargs != 1)
      verr(v, b, "%s takes 1 operand, has %u", op, in->nargs);
    else if (ts[0] && !gir_type_is_heap(ts[0]))
      verr(v, b, "%s of a %s, which is not counted", op, tn(ts[0]));
    if (in->type != &gir_t_unit)
      verr(v, b, "%s: result type %s, expected Unit", op, tn(in->type));
    break;
  case GIR_OP_NEW: case GIR_OP_REUSE: check_new(v, b, in, ts); break;
  case GIR_OP_RESET: case GIR_OP_DROP: case GIR_OP_RELEASE:
    check_reset(v, b, in, ts);
    break;
  case GIR_OP_PROJ: check_proj(v, b, in, ts); break;
  case GIR_OP_TAG:
    if (in->nargs != 1)
      verr(v, b, "tag takes 1 operand, has %u", in->nargs);
    else if (ts[0] && (ts[0]->kind != GIR_T_OBJ || !ts[0]->is_sum))
      verr(v, b, "tag of a %s, which is not a sum type", tn(ts[0]));
    if (in->type != I)
      verr(v, b, "tag: result type %s, expected Int", tn(in->type));
    break;
  case GIR_OP_CLOSURE_NEW: check_closure_new(v, b, in, ts); break;
  case GIR_OP_CAPTURE: check_capture(v, b, in); break;
  case GIR_OP_CALL_CLOSURE: check_call_closure(v, b, in, ts); break;
  case GIR_OP_LIST_NEW: case GIR_OP_LIST_PUSH: case GIR_OP_LIST_SET:
  case GIR_OP_LIST_GET: case GIR_OP_LIST_LEN: case GIR_OP_LIST_CONCAT:
  case GIR_OP_LIST_SLICE: case GIR_OP_LIST_OP:
    check_list(v, b, in, ts);
    break;
  case GIR_OP_MAP_OP: check_map(v, b, in, ts); break;
  case GIR_OP_TASK_OP: check_task(v, b, in, ts); break;
  case GIR_OP_EQ: check_derived2(v, b, in, ts, B); break;
  case GIR_OP_CMP: check_derived2(v, b, in, ts, I); break;
  case GIR_OP_APPEND_TEXT:
    if (in->nargs != 2)
      verr(v, b, "append_text takes 2 operands, has %u", in->nargs);
    else if (ts[0] && ts[0] != &gir_t_str)
      verr(v, b, "append_text: buffer is %s, expected Str", tn(ts[0]));
    else if (ts[1] && ts[1]->kind == GIR_T_FN)
      verr(v, b, "append_text of a %s: subs have no text form", tn(ts[1]));
    if (in->type != &gir_t_str)
      verr(v, b, "append_text: result type %s, expected Str", tn(in->type));
    break;
  default:
    verr(v, b, "unknown op %d", (int)in->op);
  }
  /* §8: a guaranteed tail call is `%r = call f(..) tail; ret %r`. */
  if (in->op == GIR_OP_CALL && in->imm.call.tail) {
    const GirTerm *t = &b->term;
    if (pos + 1 != b->insts.len || t->kind != GIR_TERM_RET ||
        t->value != in->result)
      verr(v, b, "tail call to %s is not followed by ret of its result",
           in->imm.call.callee ? in->imm.call.callee->name : "?");
  }
  if (ts != ts_small) free(ts);
}

static void check_term(Verifier *v, const GirBlock *b) {
  const GirTerm *t = &b->term;
  size_t pos = b->insts.len;
  switch (t->kind) {
  case GIR_TERM_NONE:
  case GIR_TERM_UNREACHABLE:
    break;
  case GIR_TERM_RET:
    if (t->value == GIR_NO_VALUE) {
      if (v->f->ret != &gir_t_unit)
        verr(v, b, "ret without a value in a function returning %s",
             tn(v->f->ret));
    } else {
      const GirType *rt = use(v, b, pos, t->value);
      if (rt && rt != v->f->ret)
        verr(v, b, "ret of a %s in a function returning %s", tn(rt),
             tn(v->f->ret));
    }
    break;
  case GIR_TERM_JMP: {
    const GirBlock *tg = t->target;
    if (!block_ok(v, tg)) break;
    if (t->nargs != tg->params.len) {
      verr(v, b, "jmp b%u with %u arguments, b%u takes %zu", tg->id, t->nargs,
           tg->id, tg->params.len);
    }
    for (uint32_t i = 0; i < t->nargs; i++) {
      const GirType *at = use(v, b, pos, t->args[i]);
      if (i >= tg->params.len || at == NULL) continue;
      GirValue p = tg->params.data[i];
      const GirType *pt = p < v->nvalues ? v->f->values.data[p].type : NULL;
      if (pt && at != pt)
        verr(v, b, "jmp b%u: argument %u is %s, parameter is %s", tg->id,
             i + 1, tn(at), tn(pt));
    }
    break;
  }
  case GIR_TERM_BR: {
    const GirType *ct = use(v, b, pos, t->value);
    if (ct && ct != &gir_t_bool)
      verr(v, b, "br condition is %s, expected Bool", tn(ct));
    const GirBlock *tg[2] = {t->target, t->else_target};
    for (int k = 0; k < 2; k++)
      if (block_ok(v, tg[k]) && tg[k]->params.len)
        verr(v, b, "br target b%u takes parameters", tg[k]->id);
    break;
  }
  case GIR_TERM_SWITCH: {
    const GirType *st = use(v, b, pos, t->value);
    if (st && st != &gir_t_int)
      verr(v, b, "switch on a %s, expected Int", tn(st));
    for (uint32_t k = 0; k < nsuccs(t); k++) {
      const GirBlock *tg = succ(t, k);
      if (block_ok(v, tg) && tg->params.len)
        verr(v, b, "switch target b%u takes parameters", tg->id);
    }
    for (uint32_t i = 0; t->cases && i < t->ncases; i++)
      for (uint32_t j = 0; j < i; j++)
        if (t->cases[i].value == t->cases[j].value) {
          verr(v, b, "switch case %lld appears twice",
               (long long)t->cases[i].value);
          break;
        }
    break;
  }
  }
}

bool gir_verify_func(const GirModule *m, const GirFunc *f, FILE *errs) {
  Verifier v = {0};
  v.m = m;
  v.f = f;
  v.errs = errs;
  v.ok = true;
  v.nblocks = (uint32_t)f->blocks.len;
  v.nvalues = (uint32_t)f->values.len;
  if (v.nblocks == 0) {
    verr(&v, NULL, "function has no blocks");
    return false;
  }
  for (uint32_t i = 0; i < v.nblocks; i++)
    if (f->blocks.data[i] == NULL) {
      verr(&v, NULL, "block %u is missing", i);
      return false;
    }
  v.words = (v.nblocks + 63) / 64;
  v.defined = calloc(v.nvalues + 1, sizeof *v.defined);
  v.reachable = calloc(v.nblocks, sizeof *v.reachable);
  v.dom = calloc((size_t)v.nblocks * v.words, sizeof *v.dom);
  check_structure(&v);
  check_values(&v);
  check_closure_body(&v);
  compute_dominators(&v);
  for (uint32_t i = 0; i < v.nblocks; i++) {
    const GirBlock *b = f->blocks.data[i];
    for (size_t j = 0; j < b->insts.len; j++)
      check_inst(&v, b, j, &b->insts.data[j]);
    check_term(&v, b);
  }
  free(v.defined);
  free(v.reachable);
  free(v.dom);
  return v.ok;
}

bool gir_verify_module(const GirModule *m, FILE *errs) {
  bool ok = true;
  for (size_t i = 0; i < m->funcs.len; i++) {
    const GirFunc *f = m->funcs.data[i];
    if (f->id != i) {
      ok = false;
      if (errs)
        fprintf(errs, "gir: %s: b0: function id %u at position %zu\n",
                f->name, f->id, i);
    }
    ok &= gir_verify_func(m, f, errs);
  }
  return ok;
}
