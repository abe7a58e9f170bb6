/* func.c — one GirFunc to one LLVM function body.
 *
 * Every GIR block gets its basic block up front; the blocks are then
 * filled in reverse post-order from the entry, so a value's definition is
 * always emitted before its (non-phi) uses: GIR is in SSA form and
 * definitions dominate uses, and RPO visits a dominator before the blocks
 * it dominates. Blocks unreachable from the entry are dropped. Block
 * parameters become phis whose incoming values are added once every block
 * is done (a loop's back edge carries values defined after the header).
 * A GIR block may end in several LLVM blocks (each overflow check splits
 * it), so a jump's incoming block is wherever the builder stands at the
 * terminator.
 *
 * Before block 0 sits an LLVM entry block holding the stack check (§8) and,
 * with -g, one alloca per named variable. The check reads the frame
 * address: with frame pointers kept it is the frame-pointer register, so
 * the check is one load and one compare; it is a few bytes above the real
 * stack pointer, well inside the runtime's margin below gj_stack_limit.
 * Panic paths are cold blocks at the end of the function, shared by every
 * check of one kind at one source location.
 *
 * Objects, inc/dec of them and the derived operations (EQ, CMP,
 * APPEND_TEXT) are obj.c's; lists (LIST_*) list.c's; a GIR switch is an LLVM switch whose default,
 * without an else target, is a block of its own holding `unreachable`.
 *
 * Int semantics (§6): + - * and negation and abs panic on overflow
 * (llvm.s*.with.overflow); / and % panic on a zero divisor; MIN / -1
 * overflows; MIN % -1 is 0 (the mathematically exact remainder, as in Go,
 * so it does not panic); shift counts outside 0..63 panic; >> is
 * arithmetic. Float min/max are llvm.minnum/maxnum (IEEE 754-2008 minNum:
 * a NaN operand yields the other operand, as Rust's f64::min; for +0.0 and
 * -0.0 either may be returned).
 */
#include <stdlib.h>
#include <string.h>

#include "cg_internal.h"

typedef struct PendingPhi {
  GirValue param;             /* the target's parameter (its phi) */
  GirValue value;
  LLVMBasicBlockRef from;
} PendingPhi;

typedef struct ColdBlock {
  GirRtId kind;
  LLVMValueRef loc;
  LLVMBasicBlockRef bb;
} ColdBlock;

typedef struct CgFunc {
  Cg *cg;
  LLVMBuilderRef b;
  const GirFunc *gf;
  LLVMValueRef fn;
  LLVMBasicBlockRef entry;
  LLVMBasicBlockRef *bbs;     /* by GIR block id */
  LLVMValueRef *vals;         /* by GirValue */
  LLVMValueRef *slots;        /* by GirValue: its debug variable's alloca */
  bool entry_is_target;       /* block 0 is jumped to: its params are phis */
  PendingPhi *phis;
  size_t nphis, capphis;
  ColdBlock *colds;
  size_t ncolds, capcolds;
  LLVMMetadataRef di_sp;      /* DISubprogram, or NULL */
} CgFunc;

/* ---- helpers ------------------------------------------------------------ */

static LLVMValueRef val(CgFunc *cf, GirValue v) {
  if (v == GIR_NO_VALUE)
    return LLVMConstNull(cf->cg->t_unit);
  if (v >= cf->gf->values.len || !cf->vals[v]) {
    cg_internal_error(cf->cg, "%s: value %%%u used before its definition",
                      cf->gf->name, v);
    return LLVMGetUndef(v < cf->gf->values.len
                            ? cg_type(cf->cg, cf->gf->values.data[v].type)
                            : cf->cg->t_unit);
  }
  return cf->vals[v];
}

static const GirType *vtype(CgFunc *cf, GirValue v) {
  return cf->gf->values.data[v].type;
}

static void set_loc(CgFunc *cf, Span sp) {
  int col;
  cg_span_line_col(cf->cg, sp, &cf->cg->site_line, &col);
  if (cf->di_sp)
    LLVMSetCurrentDebugLocation2(cf->b, cg_di_loc(cf->cg, cf->di_sp, sp));
}

/* Defines v and, when it is a named variable, stores it in its slot. */
static void define(CgFunc *cf, GirValue v, LLVMValueRef x) {
  if (v == GIR_NO_VALUE || v >= cf->gf->values.len)
    return;
  cf->vals[v] = x;
  if (cf->slots[v])
    LLVMBuildStore(cf->b, x, cf->slots[v]);
}

static LLVMBasicBlockRef new_block_after_current(CgFunc *cf, const char *name) {
  LLVMBasicBlockRef cur = LLVMGetInsertBlock(cf->b);
  LLVMBasicBlockRef next = LLVMGetNextBasicBlock(cur);
  if (next)
    return LLVMInsertBasicBlockInContext(cf->cg->ctx, next, name);
  return LLVMAppendBasicBlockInContext(cf->cg->ctx, cf->fn, name);
}

static LLVMValueRef call_rt(CgFunc *cf, GirRtId id, LLVMValueRef *args,
                            unsigned nargs, Span sp) {
  LLVMTypeRef ty;
  LLVMValueRef fn = cg_rt_decl(cf->cg, id, &ty);
  LLVMValueRef all[16];
  if (nargs > 15)
    nargs = 15;
  if (nargs)
    memcpy(all, args, nargs * sizeof *args);
  if (gir_rt_info(id)->takes_loc)
    all[nargs++] = cg_loc(cf->cg, sp);
  if (LLVMCountParamTypes(ty) != nargs) {
    cg_internal_error(cf->cg, "%s: %s takes %u arguments, given %u",
                      cf->gf->name, gir_rt_info(id)->c_name,
                      LLVMCountParamTypes(ty), nargs);
    return NULL;
  }
  return cg_site_call(cf->cg, ty, fn, all, nargs);
}

/* A cold block that calls panic `kind` (taking only a GjLoc) for `sp`. */
static LLVMBasicBlockRef cold_block(CgFunc *cf, GirRtId kind, Span sp) {
  LLVMValueRef loc = cg_loc(cf->cg, sp);
  for (size_t i = 0; i < cf->ncolds; i++)
    if (cf->colds[i].kind == kind && cf->colds[i].loc == loc)
      return cf->colds[i].bb;
  LLVMBasicBlockRef here = LLVMGetInsertBlock(cf->b);
  LLVMMetadataRef dl = cf->di_sp ? LLVMGetCurrentDebugLocation2(cf->b) : NULL;
  int line = cf->cg->site_line;
  LLVMBasicBlockRef bb =
      LLVMAppendBasicBlockInContext(cf->cg->ctx, cf->fn, "panic");
  LLVMPositionBuilderAtEnd(cf->b, bb);
  set_loc(cf, sp);
  call_rt(cf, kind, NULL, 0, sp);
  LLVMBuildUnreachable(cf->b);
  LLVMPositionBuilderAtEnd(cf->b, here);
  cf->cg->site_line = line;
  if (cf->di_sp)
    LLVMSetCurrentDebugLocation2(cf->b, dl);
  if (cf->ncolds == cf->capcolds) {
    cf->capcolds = cf->capcolds ? cf->capcolds * 2 : 8;
    cf->colds = realloc(cf->colds, cf->capcolds * sizeof *cf->colds);
  }
  cf->colds[cf->ncolds++] = (ColdBlock){kind, loc, bb};
  return bb;
}

static bool is_false(LLVMValueRef c);

/* if (bad) goto panic; — then continue in a fresh block. */
static void check(CgFunc *cf, LLVMValueRef bad, LLVMBasicBlockRef panic) {
  /* the builder folds constant operands: a check that cannot fail (a
   * division by the constant 3) costs nothing, even at -O0 */
  if (is_false(bad))
    return;
  LLVMBasicBlockRef ok = new_block_after_current(cf, "ok");
  LLVMValueRef br = LLVMBuildCondBr(cf->b, bad, panic, ok);
  cg_set_weights(cf->cg, br, 1, 1u << 20);
  LLVMPositionBuilderAtEnd(cf->b, ok);
}

static bool is_false(LLVMValueRef c) {
  return LLVMIsAConstantInt(c) && LLVMConstIntGetZExtValue(c) == 0;
}

/* if (bad) panic `kind` at sp — the cold block made only when needed. */
static void check_panic(CgFunc *cf, LLVMValueRef bad, GirRtId kind, Span sp) {
  if (!is_false(bad))
    check(cf, bad, cold_block(cf, kind, sp));
}

static LLVMValueRef i64c(CgFunc *cf, int64_t v) {
  return LLVMConstInt(cf->cg->t_i64, (uint64_t)v, true);
}

/* ---- Int arithmetic ------------------------------------------------------ */

static LLVMValueRef checked(CgFunc *cf, const char *intr, LLVMValueRef a,
                            LLVMValueRef b, Span sp) {
  LLVMTypeRef ty, i64 = cf->cg->t_i64;
  LLVMValueRef fn = cg_intrinsic(cf->cg, intr, &i64, 1, &ty);
  LLVMValueRef args[] = {a, b};
  LLVMValueRef r = LLVMBuildCall2(cf->b, ty, fn, args, 2, "");
  LLVMValueRef v = LLVMBuildExtractValue(cf->b, r, 0, "");
  check_panic(cf, LLVMBuildExtractValue(cf->b, r, 1, ""),
              GIR_RT_PANIC_OVERFLOW, sp);
  return v;
}

static LLVMValueRef div_rem(CgFunc *cf, bool is_div, LLVMValueRef a,
                            LLVMValueRef d, Span sp) {
  LLVMBuilderRef b = cf->b;
  check_panic(cf, LLVMBuildICmp(b, LLVMIntEQ, d, i64c(cf, 0), ""),
              GIR_RT_PANIC_DIV_ZERO, sp);
  LLVMValueRef minus1 = LLVMBuildICmp(b, LLVMIntEQ, d, i64c(cf, -1), "");
  if (is_div) {
    LLVMValueRef is_min = LLVMBuildICmp(b, LLVMIntEQ, a, i64c(cf, INT64_MIN), "");
    check_panic(cf, LLVMBuildAnd(b, is_min, minus1, ""),
                GIR_RT_PANIC_OVERFLOW, sp);
    return LLVMBuildSDiv(b, a, d, "");
  }
  /* x % -1 == 0 for every x; dividing by 1 instead avoids MIN % -1 */
  LLVMValueRef safe = LLVMBuildSelect(b, minus1, i64c(cf, 1), d, "");
  return LLVMBuildSRem(b, a, safe, "");
}

static LLVMValueRef shift(CgFunc *cf, bool left, LLVMValueRef a,
                          LLVMValueRef n, Span sp) {
  LLVMValueRef bad = LLVMBuildICmp(cf->b, LLVMIntUGT, n, i64c(cf, 63), "");
  if (is_false(bad))
    return left ? LLVMBuildShl(cf->b, a, n, "") : LLVMBuildAShr(cf->b, a, n, "");
  /* per site: the panic reports the count */
  LLVMBasicBlockRef here = LLVMGetInsertBlock(cf->b);
  LLVMBasicBlockRef panic =
      LLVMAppendBasicBlockInContext(cf->cg->ctx, cf->fn, "panic.shift");
  LLVMPositionBuilderAtEnd(cf->b, panic);
  call_rt(cf, GIR_RT_PANIC_SHIFT, &n, 1, sp);
  LLVMBuildUnreachable(cf->b);
  LLVMPositionBuilderAtEnd(cf->b, here);
  check(cf, bad, panic);
  return left ? LLVMBuildShl(cf->b, a, n, "") : LLVMBuildAShr(cf->b, a, n, "");
}

/* A Float intrinsic applied to the instruction's one or two arguments. */
static LLVMValueRef float_op(CgFunc *cf, const GirInst *in, const char *name) {
  LLVMTypeRef ty, f64 = cf->cg->t_f64;
  LLVMValueRef fn = cg_intrinsic(cf->cg, name, &f64, 1, &ty);
  LLVMValueRef args[2];
  unsigned n = in->nargs < 2 ? in->nargs : 2;
  for (unsigned i = 0; i < n; i++)
    args[i] = val(cf, in->args[i]);
  return LLVMBuildCall2(cf->b, ty, fn, args, n, "");
}

/* Bool and Char compare unsigned (i1 true is -1 when signed). */
static LLVMValueRef icmp(CgFunc *cf, GirOp op, GirValue x, LLVMValueRef a,
                         LLVMValueRef b) {
  bool is_signed = vtype(cf, x)->kind == GIR_T_INT;
  LLVMIntPredicate p;
  switch (op) {
  case GIR_OP_IEQ: p = LLVMIntEQ; break;
  case GIR_OP_INE: p = LLVMIntNE; break;
  case GIR_OP_ILT: p = is_signed ? LLVMIntSLT : LLVMIntULT; break;
  case GIR_OP_ILE: p = is_signed ? LLVMIntSLE : LLVMIntULE; break;
  case GIR_OP_IGT: p = is_signed ? LLVMIntSGT : LLVMIntUGT; break;
  default: p = is_signed ? LLVMIntSGE : LLVMIntUGE; break;
  }
  return LLVMBuildICmp(cf->b, p, a, b, "");
}

static LLVMValueRef fcmp(CgFunc *cf, GirOp op, LLVMValueRef a, LLVMValueRef b) {
  LLVMRealPredicate p;
  switch (op) {
  case GIR_OP_FEQ: p = LLVMRealOEQ; break;
  case GIR_OP_FNE: p = LLVMRealUNE; break; /* NaN != NaN is true */
  case GIR_OP_FLT: p = LLVMRealOLT; break;
  case GIR_OP_FLE: p = LLVMRealOLE; break;
  case GIR_OP_FGT: p = LLVMRealOGT; break;
  default: p = LLVMRealOGE; break;
  }
  return LLVMBuildFCmp(cf->b, p, a, b, "");
}

/* ---- calls --------------------------------------------------------------- */

static LLVMValueRef emit_call(CgFunc *cf, const GirInst *in) {
  const GirFunc *callee = in->imm.call.callee;
  LLVMTypeRef ty;
  LLVMValueRef fn = cg_func_ref(cf->cg, callee, &ty);
  unsigned n = LLVMCountParamTypes(ty);
  if (n != in->nargs) {
    cg_internal_error(cf->cg, "%s: call to %s with %u arguments, expected %u",
                      cf->gf->name, callee->name, in->nargs, n);
    return NULL;
  }
  LLVMValueRef *args = n ? malloc(n * sizeof *args) : NULL;
  for (unsigned i = 0; i < n; i++)
    args[i] = val(cf, in->args[i]);
  LLVMValueRef call = cg_site_call(cf->cg, ty, fn, args, n);
  free(args);
  unsigned cc = LLVMGetFunctionCallConv(fn);
  LLVMSetInstructionCallConv(call, cc);
  if (in->imm.call.tail) {
    /* guaranteed within a calling-convention group (module.c); a lifted
     * sub (always C) calling across groups gets a hint at most */
    unsigned caller_cc = LLVMGetFunctionCallConv(cf->fn);
    LLVMTailCallKind k = LLVMTailCallKindNone;
    if (cc == CG_TAILCC && caller_cc == CG_TAILCC)
      k = LLVMTailCallKindTail;
    else if (cc == caller_cc && ty == LLVMGlobalGetValueType(cf->fn))
      k = LLVMTailCallKindMustTail;
    else if (cc == caller_cc)
      k = LLVMTailCallKindTail;
    LLVMSetTailCallKind(call, k);
  }
  return call;
}

/* CALL_CLOSURE: args[0] is the closure, the rest its arguments. */
static LLVMValueRef emit_call_closure(CgFunc *cf, const GirInst *in) {
  if (in->nargs < 1) {
    cg_internal_error(cf->cg, "%s: call.closure without a closure",
                      cf->gf->name);
    return NULL;
  }
  uint32_t n = in->nargs - 1;
  LLVMValueRef *args = malloc((n + 1) * sizeof *args);
  for (uint32_t i = 0; i < n; i++)
    args[i] = val(cf, in->args[i + 1]);
  LLVMValueRef r = cg_closure_call(cf->cg, vtype(cf, in->args[0]),
                                   val(cf, in->args[0]), args, n);
  free(args);
  return r;
}

static LLVMValueRef emit_closure_new(CgFunc *cf, const GirInst *in) {
  LLVMValueRef *caps = malloc((in->nargs + 1) * sizeof *caps);
  for (uint32_t i = 0; i < in->nargs; i++)
    caps[i] = val(cf, in->args[i]);
  LLVMValueRef r =
      cg_closure_new(cf->cg, in->imm.closure.callee, caps, in->nargs);
  free(caps);
  return r;
}

static LLVMValueRef emit_call_rt(CgFunc *cf, const GirInst *in) {
  LLVMValueRef args[16];
  unsigned n = in->nargs < 15 ? in->nargs : 15;
  for (unsigned i = 0; i < n; i++)
    args[i] = val(cf, in->args[i]);
  return call_rt(cf, in->imm.rt, args, n, in->span);
}

/* inc/dec of a literal or of a constructor without fields is a no-op at
 * run time (rc 0): drop it statically. */
static bool is_literal(CgFunc *cf, GirValue v) {
  const GirValueInfo *vi = &cf->gf->values.data[v];
  if (vi->inst < 0 || !vi->block)
    return false;
  const GirInst *in = &vi->block->insts.data[vi->inst];
  return in->op == GIR_OP_CONST_STR || in->op == GIR_OP_CONST_REGEX ||
         (in->op == GIR_OP_NEW && in->nargs == 0) ||
         (in->op == GIR_OP_CLOSURE_NEW && in->nargs == 0);
}

/* ---- objects and derived operations (obj.c) ------------------------------ */

/* NEW, and REUSE (a token first) */
static LLVMValueRef emit_new(CgFunc *cf, const GirInst *in) {
  LLVMValueRef *fields = malloc((in->nargs + 1) * sizeof *fields);
  for (uint32_t i = 0; i < in->nargs; i++)
    fields[i] = val(cf, in->args[i]);
  LLVMValueRef r =
      in->op == GIR_OP_REUSE
          ? cg_obj_reuse(cf->cg, in->imm.ctor.type, in->imm.ctor.index,
                         fields[0], fields + 1, in->nargs - 1)
          : cg_obj_new(cf->cg, in->imm.ctor.type, in->imm.ctor.index, fields,
                       in->nargs);
  free(fields);
  return r;
}

static const GirType *arg_type(CgFunc *cf, const GirInst *in, unsigned i) {
  return i < in->nargs && in->args[i] != GIR_NO_VALUE ? vtype(cf, in->args[i])
                                                      : &gir_t_unit;
}

/* LIST_*: list.c, with the list type (LIST_NEW's own, else args[0]'s). */
static LLVMValueRef emit_list(CgFunc *cf, const GirInst *in) {
  LLVMValueRef small[4];
  LLVMValueRef *args = in->nargs <= 4 ? small
                                      : malloc(in->nargs * sizeof *args);
  for (uint32_t i = 0; i < in->nargs; i++)
    args[i] = val(cf, in->args[i]);
  const GirType *lt = in->op == GIR_OP_LIST_NEW ? in->imm.list.type
                                                : arg_type(cf, in, 0);
  LLVMValueRef r = cg_list_inst(cf->cg, in, lt, args);
  if (args != small)
    free(args);
  return r;
}

/* MAP_OP and TASK_OP: the operands and their types (a thunk needs the
 * sub's) to map.c's or task.c's `inst`. */
typedef LLVMValueRef (*InstFn)(Cg *, const GirInst *, const LLVMValueRef *,
                               const GirType *const *);
static LLVMValueRef emit_typed(CgFunc *cf, const GirInst *in, InstFn inst) {
  enum { NSMALL = 4 };
  LLVMValueRef small[NSMALL] = {0};
  const GirType *small_t[NSMALL] = {0};
  bool big = in->nargs > NSMALL;
  LLVMValueRef *args = big ? malloc(in->nargs * sizeof *args) : small;
  const GirType **tys = big ? malloc(in->nargs * sizeof *tys) : small_t;
  for (uint32_t i = 0; i < in->nargs; i++) {
    args[i] = val(cf, in->args[i]);
    tys[i] = arg_type(cf, in, i);
  }
  LLVMValueRef r = inst(cf->cg, in, args, tys);
  if (big) {
    free(args);
    free(tys);
  }
  return r;
}

/* ---- instructions -------------------------------------------------------- */

static LLVMValueRef arg(CgFunc *cf, const GirInst *in, unsigned i) {
  if (i >= in->nargs) {
    cg_internal_error(cf->cg, "%s: %s has too few arguments", cf->gf->name,
                      gir_op_name(in->op));
    return LLVMGetUndef(cf->cg->t_i64);
  }
  return val(cf, in->args[i]);
}

static void emit_inst(CgFunc *cf, const GirInst *in) {
  Cg *cg = cf->cg;
  LLVMBuilderRef b = cf->b;
  LLVMValueRef r = NULL;
  set_loc(cf, in->span);
#define A0 arg(cf, in, 0)
#define A1 arg(cf, in, 1)
  switch (in->op) {
  case GIR_OP_CONST_INT: r = i64c(cf, in->imm.i); break;
  case GIR_OP_CONST_FLOAT: r = LLVMConstReal(cg->t_f64, in->imm.f); break;
  case GIR_OP_CONST_BOOL: r = LLVMConstInt(cg->t_i1, in->imm.b, false); break;
  case GIR_OP_CONST_CHAR: r = LLVMConstInt(cg->t_i32, in->imm.ch, false); break;
  case GIR_OP_CONST_STR:
    r = cg_str_literal(cg, in->imm.str.data, in->imm.str.len);
    break;
  case GIR_OP_CONST_REGEX:
    r = cg_regex_literal(cg, in->imm.re.data, in->imm.re.len, in->imm.re.flags,
                         cg_loc(cg, in->span));
    break;
  case GIR_OP_CONST_UNIT: break;

  case GIR_OP_IADD: r = checked(cf, "llvm.sadd.with.overflow", A0, A1, in->span); break;
  case GIR_OP_ISUB: r = checked(cf, "llvm.ssub.with.overflow", A0, A1, in->span); break;
  case GIR_OP_IMUL: r = checked(cf, "llvm.smul.with.overflow", A0, A1, in->span); break;
  case GIR_OP_INEG:
    r = checked(cf, "llvm.ssub.with.overflow", i64c(cf, 0), A0, in->span);
    break;
  case GIR_OP_IDIV: r = div_rem(cf, true, A0, A1, in->span); break;
  case GIR_OP_IREM: r = div_rem(cf, false, A0, A1, in->span); break;
  case GIR_OP_ISHL: r = shift(cf, true, A0, A1, in->span); break;
  case GIR_OP_ISHR: r = shift(cf, false, A0, A1, in->span); break;
  case GIR_OP_IAND: r = LLVMBuildAnd(b, A0, A1, ""); break;
  case GIR_OP_IOR: r = LLVMBuildOr(b, A0, A1, ""); break;
  case GIR_OP_IXOR: r = LLVMBuildXor(b, A0, A1, ""); break;
  case GIR_OP_INOT: r = LLVMBuildXor(b, A0, i64c(cf, -1), ""); break;
  case GIR_OP_IABS: {
    LLVMValueRef x = A0;
    check_panic(cf, LLVMBuildICmp(b, LLVMIntEQ, x, i64c(cf, INT64_MIN), ""),
                GIR_RT_PANIC_OVERFLOW, in->span);
    LLVMValueRef neg = LLVMBuildICmp(b, LLVMIntSLT, x, i64c(cf, 0), "");
    r = LLVMBuildSelect(b, neg, LLVMBuildNSWSub(b, i64c(cf, 0), x, ""), x, "");
    break;
  }
  case GIR_OP_IMIN:
  case GIR_OP_IMAX: {
    LLVMValueRef x = A0, y = A1;
    LLVMValueRef c = LLVMBuildICmp(
        b, in->op == GIR_OP_IMIN ? LLVMIntSLT : LLVMIntSGT, x, y, "");
    r = LLVMBuildSelect(b, c, x, y, "");
    break;
  }
  case GIR_OP_IEQ: case GIR_OP_INE: case GIR_OP_ILT:
  case GIR_OP_ILE: case GIR_OP_IGT: case GIR_OP_IGE:
    r = icmp(cf, in->op, in->args[0], A0, A1);
    break;

  case GIR_OP_FADD: r = LLVMBuildFAdd(b, A0, A1, ""); break;
  case GIR_OP_FSUB: r = LLVMBuildFSub(b, A0, A1, ""); break;
  case GIR_OP_FMUL: r = LLVMBuildFMul(b, A0, A1, ""); break;
  case GIR_OP_FDIV: r = LLVMBuildFDiv(b, A0, A1, ""); break;
  case GIR_OP_FREM: r = LLVMBuildFRem(b, A0, A1, ""); break;
  case GIR_OP_FNEG: r = LLVMBuildFNeg(b, A0, ""); break;
  case GIR_OP_FABS: r = float_op(cf, in, "llvm.fabs"); break;
  case GIR_OP_FFLOOR: r = float_op(cf, in, "llvm.floor"); break;
  case GIR_OP_FCEIL: r = float_op(cf, in, "llvm.ceil"); break;
  case GIR_OP_FROUND: r = float_op(cf, in, "llvm.round"); break;
  case GIR_OP_FSQRT: r = float_op(cf, in, "llvm.sqrt"); break;
  case GIR_OP_FMIN: r = float_op(cf, in, "llvm.minnum"); break;
  case GIR_OP_FMAX: r = float_op(cf, in, "llvm.maxnum"); break;
  case GIR_OP_FEQ: case GIR_OP_FNE: case GIR_OP_FLT:
  case GIR_OP_FLE: case GIR_OP_FGT: case GIR_OP_FGE:
    r = fcmp(cf, in->op, A0, A1);
    break;

  case GIR_OP_BNOT: r = LLVMBuildXor(b, A0, LLVMConstInt(cg->t_i1, 1, false), ""); break;
  case GIR_OP_I2F: r = LLVMBuildSIToFP(b, A0, cg->t_f64, ""); break;
  case GIR_OP_C2I: r = LLVMBuildZExt(b, A0, cg->t_i64, ""); break;

  case GIR_OP_CALL: r = emit_call(cf, in); break;
  case GIR_OP_CALL_RT: r = emit_call_rt(cf, in); break;
  case GIR_OP_CALL_C: r = emit_typed(cf, in, cg_call_c); break;

  case GIR_OP_GLOBAL_GET:
    r = LLVMBuildLoad2(b, cg_type(cg, in->imm.global->type),
                       cg_global_ref(cg, in->imm.global), "");
    break;
  case GIR_OP_GLOBAL_SET:
    LLVMBuildStore(b, A0, cg_global_ref(cg, in->imm.global));
    break;

  case GIR_OP_INC:
  case GIR_OP_DEC:
    if (in->nargs == 1 && !is_literal(cf, in->args[0]))
      cg_rc(cg, vtype(cf, in->args[0]), A0, in->op == GIR_OP_INC);
    break;

  case GIR_OP_NEW: r = emit_new(cf, in); break;
  case GIR_OP_REUSE: r = emit_new(cf, in); break;
  case GIR_OP_RESET:
  case GIR_OP_DROP:
    r = cg_obj_reset(cg, in->imm.reset.type, in->imm.reset.ctor,
                     in->imm.reset.keep, A0, in->op == GIR_OP_DROP);
    break;
  case GIR_OP_RELEASE:
    cg_obj_release(cg, in->imm.reset.type, in->imm.reset.ctor, A0);
    break;
  case GIR_OP_PROJ:
    r = cg_obj_proj(cg, in->imm.ctor.type, in->imm.ctor.index,
                    in->imm.ctor.field, A0);
    break;
  case GIR_OP_TAG: r = cg_obj_tag(cg, arg_type(cf, in, 0), A0); break;
  case GIR_OP_EQ: r = cg_eq(cg, arg_type(cf, in, 0), A0, A1); break;
  case GIR_OP_CMP: r = cg_cmp(cg, arg_type(cf, in, 0), A0, A1); break;
  case GIR_OP_APPEND_TEXT:
    r = cg_append_text(cg, arg_type(cf, in, 1), A0, A1, in->imm.nested);
    break;

  case GIR_OP_CLOSURE_NEW: r = emit_closure_new(cf, in); break;
  case GIR_OP_CAPTURE:
    r = cg_closure_capture(cg, cf->gf, in->imm.closure.field, A0);
    break;
  case GIR_OP_CALL_CLOSURE: r = emit_call_closure(cf, in); break;

  case GIR_OP_LIST_NEW: case GIR_OP_LIST_PUSH: case GIR_OP_LIST_SET:
  case GIR_OP_LIST_GET: case GIR_OP_LIST_LEN: case GIR_OP_LIST_CONCAT:
  case GIR_OP_LIST_SLICE: case GIR_OP_LIST_OP:
    r = emit_list(cf, in);
    break;
  case GIR_OP_MAP_OP: r = emit_typed(cf, in, cg_map_inst); break;
  case GIR_OP_TASK_OP: r = emit_typed(cf, in, cg_task_inst); break;

  case GIR_OP__COUNT:
    cg_internal_error(cg, "%s: bad GIR op", cf->gf->name);
    break;
  }
#undef A0
#undef A1
  if (in->result != GIR_NO_VALUE) {
    if (!r)
      r = LLVMGetUndef(cg_type(cg, in->type));
    define(cf, in->result, r);
  }
}

/* ---- terminators --------------------------------------------------------- */

static void add_pending(CgFunc *cf, GirValue param, GirValue v,
                        LLVMBasicBlockRef from) {
  if (cf->nphis == cf->capphis) {
    cf->capphis = cf->capphis ? cf->capphis * 2 : 16;
    cf->phis = realloc(cf->phis, cf->capphis * sizeof *cf->phis);
  }
  cf->phis[cf->nphis++] = (PendingPhi){param, v, from};
}

static void emit_jmp(CgFunc *cf, const GirTerm *t) {
  const GirBlock *target = t->target;
  if (t->nargs != target->params.len) {
    cg_internal_error(cf->cg, "%s: jump to b%u with %u arguments, expected %zu",
                      cf->gf->name, target->id, t->nargs, target->params.len);
    return;
  }
  LLVMBasicBlockRef from = LLVMGetInsertBlock(cf->b);
  for (uint32_t i = 0; i < t->nargs; i++)
    add_pending(cf, target->params.data[i], t->args[i], from);
  LLVMBuildBr(cf->b, cf->bbs[target->id]);
}

/* Without an else target the cases are exhaustive: any other value is
 * unreachable. */
static void emit_switch(CgFunc *cf, const GirTerm *t) {
  LLVMBasicBlockRef other;
  if (t->else_target) {
    other = cf->bbs[t->else_target->id];
  } else {
    LLVMBasicBlockRef here = LLVMGetInsertBlock(cf->b);
    other = LLVMAppendBasicBlockInContext(cf->cg->ctx, cf->fn, "no.case");
    LLVMPositionBuilderAtEnd(cf->b, other);
    LLVMBuildUnreachable(cf->b);
    LLVMPositionBuilderAtEnd(cf->b, here);
  }
  LLVMValueRef sw = LLVMBuildSwitch(cf->b, val(cf, t->value), other, t->ncases);
  for (uint32_t i = 0; i < t->ncases; i++)
    LLVMAddCase(sw, i64c(cf, t->cases[i].value), cf->bbs[t->cases[i].target->id]);
}

static void emit_term(CgFunc *cf, const GirTerm *t) {
  set_loc(cf, t->span);
  switch (t->kind) {
  case GIR_TERM_RET:
    if (cf->gf->ret->kind == GIR_T_UNIT)
      LLVMBuildRetVoid(cf->b);
    else
      LLVMBuildRet(cf->b, val(cf, t->value));
    break;
  case GIR_TERM_JMP: emit_jmp(cf, t); break;
  case GIR_TERM_BR:
    LLVMBuildCondBr(cf->b, val(cf, t->value), cf->bbs[t->target->id],
                    cf->bbs[t->else_target->id]);
    break;
  case GIR_TERM_SWITCH: emit_switch(cf, t); break;
  case GIR_TERM_UNREACHABLE: LLVMBuildUnreachable(cf->b); break;
  case GIR_TERM_NONE:
    cg_internal_error(cf->cg, "%s: block without a terminator", cf->gf->name);
    LLVMBuildUnreachable(cf->b);
    break;
  }
}

/* ---- blocks -------------------------------------------------------------- */

static void emit_block(CgFunc *cf, const GirBlock *gb) {
  LLVMPositionBuilderAtEnd(cf->b, cf->bbs[gb->id]);
  if (gb->insts.len)
    set_loc(cf, gb->insts.data[0].span);
  else
    set_loc(cf, gb->term.span);
  bool is_entry = gb->id == 0;
  for (size_t i = 0; i < gb->params.len; i++) {
    GirValue p = gb->params.data[i];
    LLVMValueRef x;
    if (is_entry && !cf->entry_is_target) {
      x = LLVMGetParam(cf->fn, (unsigned)i);
    } else {
      x = LLVMBuildPhi(cf->b, cg_type(cf->cg, vtype(cf, p)), "");
      if (is_entry) {
        LLVMValueRef in = LLVMGetParam(cf->fn, (unsigned)i);
        LLVMAddIncoming(x, &in, &cf->entry, 1);
      }
    }
    cf->vals[p] = x;
  }
  /* stores after all the phis (the entry's own parameters are stored in
   * the entry block: see entry_stores) */
  for (size_t i = 0; i < gb->params.len; i++) {
    GirValue p = gb->params.data[i];
    if (cf->slots[p] && (!is_entry || cf->entry_is_target))
      LLVMBuildStore(cf->b, cf->vals[p], cf->slots[p]);
  }
  for (size_t i = 0; i < gb->insts.len && !cf->cg->failed; i++)
    emit_inst(cf, &gb->insts.data[i]);
  emit_term(cf, &gb->term);
}

/* Successor i of a terminator, or NULL past the last. */
static const GirBlock *successor(const GirTerm *t, uint32_t i) {
  switch (t->kind) {
  case GIR_TERM_JMP: return i == 0 ? t->target : NULL;
  case GIR_TERM_BR: return i == 0 ? t->target : i == 1 ? t->else_target : NULL;
  case GIR_TERM_SWITCH:
    if (i < t->ncases)
      return t->cases[i].target;
    return i == t->ncases ? t->else_target : NULL;
  default: return NULL;
  }
}

/* The number of successor slots (a switch's else may be NULL). */
static uint32_t nsuccessors(const GirTerm *t) {
  switch (t->kind) {
  case GIR_TERM_JMP: return 1;
  case GIR_TERM_BR: return 2;
  case GIR_TERM_SWITCH: return t->ncases + 1;
  default: return 0;
  }
}

/* Reverse post-order of the blocks reachable from block 0 (iterative DFS:
 * a generated program may have very many blocks). Returns the count. */
static size_t rpo(const GirFunc *gf, uint32_t *order) {
  size_t n = gf->blocks.len;
  uint8_t *state = calloc(n, 1);        /* 0 new, 1 on stack, 2 done */
  uint32_t *stack = malloc(n * sizeof *stack);
  uint32_t *next = calloc(n, sizeof *next); /* successor slot to visit next */
  size_t sp = 0, done = 0;
  stack[sp++] = 0;
  state[0] = 1;
  while (sp) {
    uint32_t id = stack[sp - 1];
    const GirTerm *t = &gf->blocks.data[id]->term;
    const GirBlock *succ = NULL;
    bool more = next[id] < nsuccessors(t);
    if (more)
      succ = successor(t, next[id]++);
    if (more && !succ)
      continue; /* a switch without an else */
    if (succ) {
      if (!state[succ->id]) {
        state[succ->id] = 1;
        stack[sp++] = succ->id;
      }
      continue;
    }
    state[id] = 2;
    order[done++] = id;
    sp--;
  }
  for (size_t i = 0; i < done / 2; i++) {
    uint32_t tmp = order[i];
    order[i] = order[done - 1 - i];
    order[done - 1 - i] = tmp;
  }
  free(state);
  free(stack);
  free(next);
  return done;
}

static bool entry_is_jump_target(const GirFunc *gf) {
  for (size_t i = 0; i < gf->blocks.len; i++) {
    const GirTerm *t = &gf->blocks.data[i]->term;
    for (uint32_t k = 0; k < nsuccessors(t); k++) {
      const GirBlock *s = successor(t, k);
      if (s && s->id == 0)
        return true;
    }
  }
  return false;
}

/* One alloca per distinct (name, declaration) of the function, declared
 * as a DWARF variable once; every SSA version of a binding stores to it. */
static void make_debug_slots(CgFunc *cf) {
  const GirFunc *gf = cf->gf;
  const GirBlock *b0 = gf->blocks.data[0];
  for (size_t v = 0; v < gf->values.len; v++) {
    const GirValueInfo *vi = &gf->values.data[v];
    if (!vi->dbg_name || vi->type->kind == GIR_T_UNIT)
      continue;
    for (size_t u = 0; u < v; u++) {
      const GirValueInfo *ui = &gf->values.data[u];
      if (cf->slots[u] && ui->dbg_span.file == vi->dbg_span.file &&
          ui->dbg_span.start == vi->dbg_span.start &&
          strcmp(ui->dbg_name, vi->dbg_name) == 0 && ui->type == vi->type) {
        cf->slots[v] = cf->slots[u];
        break;
      }
    }
    if (cf->slots[v])
      continue;
    unsigned argno = 0;
    if (vi->inst < 0 && vi->block == b0)
      for (size_t i = 0; i < b0->params.len; i++)
        if (b0->params.data[i] == v)
          argno = (unsigned)i + 1;
    LLVMValueRef slot =
        LLVMBuildAlloca(cf->b, cg_type(cf->cg, vi->type), vi->dbg_name);
    cf->slots[v] = slot;
    cg_di_declare(cf->cg, cf->di_sp, slot, cf->entry, vi->dbg_name,
                  vi->dbg_span, vi->type, argno);
  }
}

/* The parameters go to their debug slots first thing, with no source
 * location: LLVM puts `prologue_end` on the first located instruction
 * after the frame setup (the stack check), where gdb's `break fib` then
 * stops, and by then the parameters are in place (as clang does). */
static void entry_stores(CgFunc *cf) {
  const GirBlock *b0 = cf->gf->blocks.data[0];
  LLVMSetCurrentDebugLocation2(cf->b, NULL);
  for (size_t i = 0; i < b0->params.len; i++) {
    GirValue p = b0->params.data[i];
    if (cf->slots[p])
      LLVMBuildStore(cf->b, LLVMGetParam(cf->fn, (unsigned)i), cf->slots[p]);
  }
}

/* The current stack's limit (CgOptions): a load of the (thread-local)
 * global, or of thread pointer + offset in JIT code. */
static LLVMValueRef stack_limit(CgFunc *cf) {
  Cg *cg = cf->cg;
  if (!cg->limit_tp_offset_known)
    return LLVMBuildLoad2(cf->b, cg->t_ptr, cg->stack_limit, "limit");
#if defined(__aarch64__)
  static const char asm_tp[] = "mrs $0, tpidr_el0";
#else
  static const char asm_tp[] = "movq %fs:0, $0";
#endif
  /* side effects: never merged with another read of the thread pointer,
   * nor moved across a call — a task may resume on another thread after
   * any call, and an inlined callee's check must read the thread it runs
   * on then */
  LLVMTypeRef fty = LLVMFunctionType(cg->t_ptr, NULL, 0, false);
  LLVMValueRef tp_asm =
      LLVMGetInlineAsm(fty, (char *)asm_tp, sizeof asm_tp - 1, "=r", 2,
                       true, false, LLVMInlineAsmDialectATT, false);
  LLVMValueRef tp = LLVMBuildCall2(cf->b, fty, tp_asm, NULL, 0, "tp");
  LLVMValueRef off = LLVMConstInt(cg->t_i64, (uint64_t)cg->limit_tp_offset, true);
  LLVMValueRef p = LLVMBuildGEP2(cf->b, cg->t_i8, tp, &off, 1, "");
  return LLVMBuildLoad2(cf->b, cg->t_ptr, p, "limit");
}

/* §8: below the current stack's limit, panic with `stack overflow`. */
static void stack_check(CgFunc *cf) {
  Cg *cg = cf->cg;
  LLVMTypeRef ty, p = cg->t_ptr;
  LLVMValueRef fa = cg_intrinsic(cg, "llvm.frameaddress", &p, 1, &ty);
  LLVMValueRef zero = LLVMConstInt(cg->t_i32, 0, false);
  LLVMValueRef sp = LLVMBuildCall2(cf->b, ty, fa, &zero, 1, "sp");
  LLVMValueRef lim = stack_limit(cf);
  LLVMValueRef bad = LLVMBuildICmp(cf->b, LLVMIntULT, sp, lim, "");
  LLVMBasicBlockRef panic = cold_block(cf, GIR_RT_PANIC_STACK, cf->gf->span);
  LLVMValueRef br = LLVMBuildCondBr(cf->b, bad, panic, cf->bbs[0]);
  cg_set_weights(cg, br, 1, 1u << 20);
}

void cg_func_body(Cg *cg, const GirFunc *gf, size_t index) {
  if (!gf->blocks.len) {
    cg_internal_error(cg, "%s has no blocks", gf->name);
    return;
  }
  CgFunc cf = {0};
  cf.cg = cg;
  cf.b = cg->b;
  cf.gf = gf;
  cf.fn = cg->fns[index];
  cg->site_fn = (int32_t)index;
  size_t nb = gf->blocks.len, nv = gf->values.len;
  cf.bbs = calloc(nb, sizeof *cf.bbs);
  cf.vals = calloc(nv + 1, sizeof *cf.vals);
  cf.slots = calloc(nv + 1, sizeof *cf.slots);
  cf.entry_is_target = entry_is_jump_target(gf);
  cf.di_sp = cg_di_subprogram(cg, cf.fn, gf->name, gf->link_name, gf->span,
                              gf->ret, gf->param_types.data,
                              gf->param_types.len, false);

  cf.entry = LLVMAppendBasicBlockInContext(cg->ctx, cf.fn, "entry");
  uint32_t *order = malloc(nb * sizeof *order);
  size_t nreach = rpo(gf, order);
  bool *reached = calloc(nb, sizeof *reached);
  for (size_t i = 0; i < nreach; i++)
    reached[order[i]] = true;
  for (size_t i = 0; i < nb; i++)
    if (reached[i])
      cf.bbs[i] = LLVMAppendBasicBlockInContext(cg->ctx, cf.fn, "");

  LLVMPositionBuilderAtEnd(cf.b, cf.entry);
  if (cf.di_sp) {
    make_debug_slots(&cf);
    entry_stores(&cf);
  }
  set_loc(&cf, gf->span);
  stack_check(&cf);

  for (size_t i = 0; i < nreach && !cg->failed; i++)
    emit_block(&cf, gf->blocks.data[order[i]]);

  for (size_t i = 0; i < cf.nphis && !cg->failed; i++) {
    LLVMValueRef v = val(&cf, cf.phis[i].value);
    LLVMAddIncoming(val(&cf, cf.phis[i].param), &v, &cf.phis[i].from, 1);
  }
  LLVMSetCurrentDebugLocation2(cf.b, NULL);
  cg->site_fn = -1;
  free(order);
  free(reached);
  free(cf.bbs);
  free(cf.vals);
  free(cf.slots);
  free(cf.phis);
  free(cf.colds);
}
