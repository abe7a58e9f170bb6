/* Print.c — the text form of GIR (`gujic --emit=ir`, FileCheck tests).
 *
 *   global @limit: Int
 *
 *   func fib(%0: Int) -> Int {               ; fib.guji:1:1
 *   b0(%0: Int):                             ; %0 $n
 *     %1: Int = const.i 2                    ; fib.guji:2:12
 *     %2: Bool = lt.i %0, %1                 ; fib.guji:2:8
 *     br %2, b1, b2
 *   b1.then:
 *     ret %0
 *   ...
 *     %7: Int = call fib(%6) tail
 *     ret %7
 *   }
 *
 * Objects: `%5: Point = new Point(%3, %4)` (a sum's constructor as
 * `new Option[Int].Some(%3)`), `%6: Float = proj %5.Point.x` (the field's
 * name for records, its index otherwise; a tuple has no constructor name:
 * `proj %5.1`), `%7: Int = tag %5`, `eq %a, %b`, `cmp %a, %b`,
 * `append_text %buf, %v` (plus ` nested`), and the terminator
 * `switch %7 [0 → b3, 1 → b4] else b5`. The module's object types head
 * the output: `type Option[Int] = sum None | Some(Int)`.
 * Lists: `%5: List[Int] = list.new [%1, %2]`, `list.push %5, %3`,
 * `list.get %5, %6`, `list.set %5, %6, %3`, `list.len %5`,
 * `list.concat %5, %7`, `list.slice %5, %1, %2`, `list.op sorted %5`,
 * `list.op contains %5, %3` (the GirListFn's name, then the arguments).
 * Closures: `%3: sub(Int): Int = closure.new lam.1(%1, %2)`,
 * `%4: Int = capture %0.1`, `%6: Int = call.closure %3(%5)`; a lifted
 * sub's header ends in `captures(Int, Str)`.
 *
 * One line per instruction: `%N: T = op args`, or just `op args` when the
 * type is Unit. A trailing comment (aligned at column 41) holds the guji
 * binding name (`$x`) and, when a SrcMgr is given, the source position; a
 * span with end == 0 counts as "no position" (synthesized code). Block
 * labels are printed after the id in the block header only (`b3.loop:`);
 * references are always `bN`. The output depends only on the IR, so it is
 * stable for tests.
 */
#include <stdlib.h>

#include "guji/GIR.h"

static const char *const op_names[GIR_OP__COUNT] = {
    [GIR_OP_CONST_INT] = "const.i",   [GIR_OP_CONST_FLOAT] = "const.f",
    [GIR_OP_CONST_BOOL] = "const.b",  [GIR_OP_CONST_CHAR] = "const.c",
    [GIR_OP_CONST_STR] = "const.s",   [GIR_OP_CONST_REGEX] = "const.re",   [GIR_OP_CONST_UNIT] = "const.u",
    [GIR_OP_IADD] = "add.i",          [GIR_OP_ISUB] = "sub.i",
    [GIR_OP_IMUL] = "mul.i",          [GIR_OP_IDIV] = "div.i",
    [GIR_OP_IREM] = "rem.i",          [GIR_OP_INEG] = "neg.i",
    [GIR_OP_ISHL] = "shl.i",          [GIR_OP_ISHR] = "shr.i",
    [GIR_OP_IAND] = "and.i",          [GIR_OP_IOR] = "or.i",
    [GIR_OP_IXOR] = "xor.i",          [GIR_OP_INOT] = "not.i",
    [GIR_OP_IABS] = "abs.i",          [GIR_OP_IMIN] = "min.i",
    [GIR_OP_IMAX] = "max.i",          [GIR_OP_IEQ] = "eq.i",
    [GIR_OP_INE] = "ne.i",            [GIR_OP_ILT] = "lt.i",
    [GIR_OP_ILE] = "le.i",            [GIR_OP_IGT] = "gt.i",
    [GIR_OP_IGE] = "ge.i",            [GIR_OP_FADD] = "add.f",
    [GIR_OP_FSUB] = "sub.f",          [GIR_OP_FMUL] = "mul.f",
    [GIR_OP_FDIV] = "div.f",          [GIR_OP_FREM] = "rem.f",
    [GIR_OP_FNEG] = "neg.f",          [GIR_OP_FABS] = "abs.f",
    [GIR_OP_FMIN] = "min.f",          [GIR_OP_FMAX] = "max.f",
    [GIR_OP_FFLOOR] = "floor.f",      [GIR_OP_FCEIL] = "ceil.f",
    [GIR_OP_FROUND] = "round.f",      [GIR_OP_FSQRT] = "sqrt.f",
    [GIR_OP_FEQ] = "eq.f",            [GIR_OP_FNE] = "ne.f",
    [GIR_OP_FLT] = "lt.f",            [GIR_OP_FLE] = "le.f",
    [GIR_OP_FGT] = "gt.f",            [GIR_OP_FGE] = "ge.f",
    [GIR_OP_BNOT] = "not.b",          [GIR_OP_I2F] = "i2f",
    [GIR_OP_C2I] = "c2i",             [GIR_OP_CALL] = "call",
    [GIR_OP_CALL_RT] = "call.rt", [GIR_OP_CALL_C] = "call.c",     [GIR_OP_GLOBAL_GET] = "global.get",
    [GIR_OP_GLOBAL_SET] = "global.set", [GIR_OP_INC] = "inc",
    [GIR_OP_DEC] = "dec",             [GIR_OP_NEW] = "new",
    [GIR_OP_PROJ] = "proj",           [GIR_OP_TAG] = "tag",
    [GIR_OP_EQ] = "eq",               [GIR_OP_CMP] = "cmp",
    [GIR_OP_APPEND_TEXT] = "append_text",
    [GIR_OP_LIST_NEW] = "list.new",   [GIR_OP_LIST_PUSH] = "list.push",
    [GIR_OP_LIST_SET] = "list.set",   [GIR_OP_LIST_GET] = "list.get",
    [GIR_OP_LIST_LEN] = "list.len",   [GIR_OP_LIST_CONCAT] = "list.concat",
    [GIR_OP_LIST_SLICE] = "list.slice", [GIR_OP_LIST_OP] = "list.op",
    [GIR_OP_MAP_OP] = "map.op",        [GIR_OP_TASK_OP] = "task.op",
    [GIR_OP_CLOSURE_NEW] = "closure.new", [GIR_OP_CAPTURE] = "capture",
    [GIR_OP_CALL_CLOSURE] = "call.closure",
    [GIR_OP_RESET] = "reset",         [GIR_OP_DROP] = "drop",
    [GIR_OP_REUSE] = "reuse",         [GIR_OP_RELEASE] = "release",
};

const char *gir_op_name(GirOp op) {
  if ((unsigned)op >= GIR_OP__COUNT || op_names[op] == NULL) return "?op";
  return op_names[op];
}

#define COMMENT_COLUMN 40

static void put_value(StrBuf *sb, GirValue v) {
  if (v == GIR_NO_VALUE)
    sb_puts(sb, "%none");
  else
    sb_printf(sb, "%%%u", v);
}

static void put_values(StrBuf *sb, const GirValue *vs, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    if (i) sb_puts(sb, ", ");
    put_value(sb, vs[i]);
  }
}

/* A literal in guji syntax (§2): printable ASCII as is, the usual escapes,
 * other control characters as \u{X}; UTF-8 bytes pass through unchanged. */
static void put_str_lit(StrBuf *sb, const char *s, size_t n) {
  sb_putc(sb, '"');
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    switch (c) {
    case '\n': sb_puts(sb, "\\n"); break;
    case '\t': sb_puts(sb, "\\t"); break;
    case '\r': sb_puts(sb, "\\r"); break;
    case '"': sb_puts(sb, "\\\""); break;
    case '\\': sb_puts(sb, "\\\\"); break;
    case '$': sb_puts(sb, "\\$"); break;
    case '\0': sb_puts(sb, "\\0"); break;
    default:
      if (c < 0x20 || c == 0x7f)
        sb_printf(sb, "\\u{%X}", c);
      else
        sb_putc(sb, (char)c);
    }
  }
  sb_putc(sb, '"');
}

static void put_char_lit(StrBuf *sb, uint32_t c) {
  if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\')
    sb_printf(sb, "'%c'", (char)c);
  else
    sb_printf(sb, "'\\u{%X}'", c);
}

static void put_type(StrBuf *sb, const GirType *t) {
  sb_puts(sb, gir_type_name(t));
}

/* Appends the trailing comment: "$name" and/or "file:line:col". */
static void end_line(StrBuf *sb, size_t line_start, const char *dbg,
                     const SrcMgr *sm, Span sp) {
  bool has_loc = sm != NULL && sp.end != 0 && sp.file < sm->files.len;
  if (dbg != NULL || has_loc) {
    size_t col = sb->len - line_start;
    do
      sb_putc(sb, ' ');
    while (++col < COMMENT_COLUMN);
    sb_puts(sb, " ;");
    if (dbg) sb_printf(sb, " $%s", dbg);
    if (has_loc) {
      const SrcFile *file = sm->files.data[sp.file];
      int line = 0, column = 0;
      src_line_col(file, sp.start, &line, &column);
      sb_printf(sb, " %s:%d:%d", file->path, line, column);
    }
  }
  sb_putc(sb, '\n');
}

static const GirCtor *inst_ctor(const GirInst *in) {
  const GirType *t = in->imm.ctor.type;
  if (t == NULL || t->kind != GIR_T_OBJ || in->imm.ctor.index >= t->nctors)
    return NULL;
  return &t->ctors[in->imm.ctor.index];
}

/* ` Point`, ` Option[Int].Some`, ` (Int, Str)` */
static void put_ctor_name(StrBuf *sb, const GirType *t, uint32_t index) {
  sb_printf(sb, " %s", gir_type_name(t));
  if (t == NULL || t->kind != GIR_T_OBJ || index >= t->nctors)
    sb_printf(sb, ".<bad ctor %u>", index);
  else if (t->is_sum)
    sb_printf(sb, ".%s", t->ctors[index].name ? t->ctors[index].name : "?");
}

/* `new Point(..)`, `new Option[Int].Some(..)`, `new (Int, Str)(..)`;
 * `reuse %t Tree.Node(..)` */
static void put_new(StrBuf *sb, const GirInst *in) {
  const GirValue *args = in->args;
  uint32_t n = in->nargs;
  if (in->op == GIR_OP_REUSE && n) {
    sb_putc(sb, ' ');
    put_value(sb, args[0]);
    args++, n--;
  }
  put_ctor_name(sb, in->imm.ctor.type, in->imm.ctor.index);
  sb_putc(sb, '(');
  put_values(sb, args, n);
  sb_putc(sb, ')');
}

/* `reset %3 Tree.Node keep 0,2`, `drop %3 Tree.Node`, `release %5 Tree.Node` */
static void put_reset(StrBuf *sb, const GirInst *in) {
  sb_putc(sb, ' ');
  put_values(sb, in->args, in->nargs);
  put_ctor_name(sb, in->imm.reset.type, in->imm.reset.ctor);
  const char *sep = " keep ";
  for (uint32_t i = 0; i < 64; i++)
    if (in->imm.reset.keep >> i & 1) {
      sb_printf(sb, "%s%u", sep, i);
      sep = ",";
    }
}

/* `proj %5.Point.x`, `proj %5.Some.0`, `proj %5.1` (tuples) */
static void put_proj(StrBuf *sb, const GirInst *in) {
  const GirCtor *c = inst_ctor(in);
  uint32_t field = in->imm.ctor.field;
  sb_putc(sb, ' ');
  put_values(sb, in->args, in->nargs);
  if (c == NULL) {
    sb_printf(sb, ".<bad ctor %u>.%u", in->imm.ctor.index, field);
    return;
  }
  if (c->name && c->name[0]) sb_printf(sb, ".%s", c->name);
  if (c->field_names && field < c->nfields && c->field_names[field])
    sb_printf(sb, ".%s", c->field_names[field]);
  else
    sb_printf(sb, ".%u", field);
}

static void put_inst_body(StrBuf *sb, const GirInst *in) {
  sb_puts(sb, gir_op_name(in->op));
  switch (in->op) {
  case GIR_OP_CONST_INT:
    sb_printf(sb, " %lld", (long long)in->imm.i);
    return;
  case GIR_OP_CONST_FLOAT: {
    char buf[40];
    snprintf(buf, sizeof buf, "%.17g", in->imm.f);
    sb_printf(sb, " %s", buf);
    if (!strpbrk(buf, ".eEni")) sb_puts(sb, ".0");
    return;
  }
  case GIR_OP_CONST_BOOL:
    sb_puts(sb, in->imm.b ? " true" : " false");
    return;
  case GIR_OP_CONST_CHAR:
    sb_putc(sb, ' ');
    put_char_lit(sb, in->imm.ch);
    return;
  case GIR_OP_CONST_STR:
    sb_putc(sb, ' ');
    put_str_lit(sb, in->imm.str.data, in->imm.str.len);
    return;
  case GIR_OP_CONST_REGEX:
    sb_putc(sb, ' ');
    put_str_lit(sb, in->imm.re.data, in->imm.re.len);
    sb_printf(sb, " flags %u", in->imm.re.flags);
    return;
  case GIR_OP_CALL:
    sb_printf(sb, " %s(", in->imm.call.callee ? in->imm.call.callee->name
                                              : "<null>");
    put_values(sb, in->args, in->nargs);
    sb_putc(sb, ')');
    if (in->imm.call.tail) sb_puts(sb, " tail");
    return;
  case GIR_OP_CALL_RT: {
    const GirRtInfo *info = gir_rt_info(in->imm.rt);
    sb_printf(sb, " %s(", info ? info->c_name : "<bad rt>");
    put_values(sb, in->args, in->nargs);
    sb_putc(sb, ')');
    return;
  }
  case GIR_OP_CALL_C: /* call.c cbrt(%0) */
    sb_printf(sb, " %s(", in->imm.ccall.sym ? in->imm.ccall.sym : "<null>");
    put_values(sb, in->args, in->nargs);
    sb_putc(sb, ')');
    return;
  case GIR_OP_CLOSURE_NEW: /* closure.new lifted(%1, %2) */
    sb_printf(sb, " %s(", in->imm.closure.callee
                              ? in->imm.closure.callee->name : "<null>");
    put_values(sb, in->args, in->nargs);
    sb_putc(sb, ')');
    return;
  case GIR_OP_CAPTURE: /* capture %0.1 */
    sb_putc(sb, ' ');
    put_values(sb, in->args, in->nargs);
    sb_printf(sb, ".%u", in->imm.closure.field);
    return;
  case GIR_OP_CALL_CLOSURE: /* call.closure %3(%4) */
    sb_putc(sb, ' ');
    if (in->nargs) put_value(sb, in->args[0]);
    sb_putc(sb, '(');
    if (in->nargs > 1) put_values(sb, in->args + 1, in->nargs - 1);
    sb_putc(sb, ')');
    return;
  case GIR_OP_LIST_NEW: /* list.new [%1, %2]; a List[Unit]'s: [(), ()] */
    sb_puts(sb, " [");
    if (gir_list_elem_omitted(in->imm.list.type))
      for (uint32_t i = 0; i < in->imm.list.n; i++)
        sb_puts(sb, i ? ", ()" : "()");
    else
      put_values(sb, in->args, in->nargs);
    sb_putc(sb, ']');
    return;
  case GIR_OP_LIST_PUSH: /* list.push %3, %4; a List[Unit]'s: %3, () */
  case GIR_OP_LIST_SET:
    if (in->nargs) sb_putc(sb, ' ');
    put_values(sb, in->args, in->nargs);
    if (gir_list_elem_omitted(in->type)) sb_puts(sb, ", ()");
    return;
  case GIR_OP_LIST_OP: { /* list.op sorted %3, list.op take %3, %4 */
    static const char *const fns[] = {
        [GIR_LIST_SORTED] = "sorted",     [GIR_LIST_REVERSED] = "reversed",
        [GIR_LIST_CONTAINS] = "contains", [GIR_LIST_INDEX_OF] = "index_of",
        [GIR_LIST_TAKE] = "take",         [GIR_LIST_DROP] = "drop",
        [GIR_LIST_JOIN] = "join"};
    int fn = in->imm.list.fn;
    sb_printf(sb, " %s", fn >= 0 && fn <= GIR_LIST_JOIN ? fns[fn] : "?fn");
    if (in->nargs) sb_putc(sb, ' ');
    put_values(sb, in->args, in->nargs);
    if ((fn == GIR_LIST_CONTAINS || fn == GIR_LIST_INDEX_OF) &&
        gir_list_elem_omitted(in->imm.list.type))
      sb_puts(sb, ", ()");
    return;
  }
  case GIR_OP_MAP_OP: { /* map.op insert %3, %4, %5 */
    const GirMapFnInfo *fi = gir_map_fn_info((GirMapFn)in->imm.map.fn);
    sb_printf(sb, " %s", fi ? fi->name : "?fn");
    if (in->nargs) sb_putc(sb, ' ');
    put_values(sb, in->args, in->nargs);
    /* a Map[Unit, Unit]'s (or Set[Unit]'s) entries have no operands */
    const GirType *mt = in->imm.map.type;
    if (in->imm.map.fn == GIR_MAP_NEW && !in->nargs && in->imm.map.n && mt &&
        mt->kind == GIR_T_MAP)
      for (uint32_t i = 0; i < in->imm.map.n; i++)
        sb_puts(sb, mt->is_set ? (i ? ", ()" : " ()")
                               : (i ? ", (): ()" : " (): ()"));
    return;
  }
  case GIR_OP_TASK_OP: { /* task.op send %3, %4; task.op select.ok.1 %5 */
    const GirTaskFnInfo *fi = gir_task_fn_info((GirTaskFn)in->imm.task.fn);
    sb_printf(sb, " %s", fi ? fi->name : "?fn");
    if (in->imm.task.fn == GIR_TASK_SELECT_OK ||
        in->imm.task.fn == GIR_TASK_SELECT_VALUE)
      sb_printf(sb, ".%u", in->imm.task.arm);
    if (in->imm.task.fn == GIR_TASK_SELECT) {
      sb_puts(sb, in->imm.task.has_else ? " else" : "");
      for (uint32_t a = 0; a < in->imm.task.narms; a++)
        sb_puts(sb, (in->imm.task.sends >> a) & 1 ? " send" : " recv");
    }
    if (in->nargs) sb_putc(sb, ' ');
    put_values(sb, in->args, in->nargs);
    return;
  }
  case GIR_OP_NEW:
  case GIR_OP_REUSE: put_new(sb, in); return;
  case GIR_OP_RESET:
  case GIR_OP_DROP:
  case GIR_OP_RELEASE: put_reset(sb, in); return;
  case GIR_OP_PROJ: put_proj(sb, in); return;
  case GIR_OP_APPEND_TEXT:
    sb_putc(sb, ' ');
    put_values(sb, in->args, in->nargs);
    if (in->imm.nested) sb_puts(sb, " nested");
    return;
  case GIR_OP_GLOBAL_GET:
  case GIR_OP_GLOBAL_SET:
    sb_printf(sb, " @%s", in->imm.global ? in->imm.global->name : "<null>");
    if (in->nargs) sb_puts(sb, ", ");
    put_values(sb, in->args, in->nargs);
    return;
  default:
    if (in->nargs) sb_putc(sb, ' ');
    put_values(sb, in->args, in->nargs);
    return;
  }
}

static void put_inst(StrBuf *sb, const GirFunc *f, const GirInst *in,
                     const SrcMgr *sm) {
  size_t start = sb->len;
  sb_puts(sb, "  ");
  const char *dbg = NULL;
  if (in->result != GIR_NO_VALUE) {
    put_value(sb, in->result);
    sb_puts(sb, ": ");
    put_type(sb, in->type);
    sb_puts(sb, " = ");
    if (in->result < f->values.len) dbg = f->values.data[in->result].dbg_name;
  }
  put_inst_body(sb, in);
  end_line(sb, start, dbg, sm, in->span);
}

static void put_term(StrBuf *sb, const GirTerm *t, const SrcMgr *sm) {
  size_t start = sb->len;
  sb_puts(sb, "  ");
  switch (t->kind) {
  case GIR_TERM_NONE:
    sb_puts(sb, "<no terminator>");
    break;
  case GIR_TERM_RET:
    sb_puts(sb, "ret");
    if (t->value != GIR_NO_VALUE) {
      sb_putc(sb, ' ');
      put_value(sb, t->value);
    }
    break;
  case GIR_TERM_JMP:
    sb_printf(sb, "jmp b%u", t->target ? t->target->id : 0u);
    if (t->nargs) {
      sb_putc(sb, '(');
      put_values(sb, t->args, t->nargs);
      sb_putc(sb, ')');
    }
    break;
  case GIR_TERM_BR:
    sb_puts(sb, "br ");
    put_value(sb, t->value);
    sb_printf(sb, ", b%u, b%u", t->target ? t->target->id : 0u,
              t->else_target ? t->else_target->id : 0u);
    break;
  case GIR_TERM_SWITCH:
    sb_puts(sb, "switch ");
    put_value(sb, t->value);
    sb_puts(sb, " [");
    for (uint32_t i = 0; i < t->ncases; i++)
      sb_printf(sb, "%s%lld → b%u", i ? ", " : "",
                (long long)t->cases[i].value,
                t->cases[i].target ? t->cases[i].target->id : 0u);
    sb_putc(sb, ']');
    if (t->else_target) sb_printf(sb, " else b%u", t->else_target->id);
    break;
  case GIR_TERM_UNREACHABLE:
    sb_puts(sb, "unreachable");
    break;
  }
  end_line(sb, start, NULL, sm, t->span);
}

static void put_block(StrBuf *sb, const GirFunc *f, const GirBlock *b,
                      const SrcMgr *sm) {
  sb_printf(sb, "b%u", b->id);
  if (b->label) sb_printf(sb, ".%s", b->label);
  bool named = false;
  if (b->params.len) {
    sb_putc(sb, '(');
    for (size_t i = 0; i < b->params.len; i++) {
      GirValue p = b->params.data[i];
      if (i) sb_puts(sb, ", ");
      put_value(sb, p);
      sb_puts(sb, ": ");
      const GirValueInfo *vi = p < f->values.len ? &f->values.data[p] : NULL;
      put_type(sb, vi ? vi->type : NULL);
      named |= vi && vi->dbg_name;
    }
    sb_putc(sb, ')');
  }
  sb_putc(sb, ':');
  if (named) { /* "; %0 $n, %1 $acc" */
    sb_puts(sb, "  ;");
    for (size_t i = 0; i < b->params.len; i++) {
      GirValue p = b->params.data[i];
      if (p < f->values.len && f->values.data[p].dbg_name)
        sb_printf(sb, " %%%u $%s", p, f->values.data[p].dbg_name);
    }
  }
  sb_putc(sb, '\n');
  for (size_t i = 0; i < b->insts.len; i++)
    put_inst(sb, f, &b->insts.data[i], sm);
  put_term(sb, &b->term, sm);
}

static void put_func(StrBuf *sb, const GirFunc *f, const SrcMgr *sm) {
  size_t start = sb->len;
  sb_printf(sb, "func %s(", f->name);
  const GirBlock *entry = f->blocks.len ? f->blocks.data[0] : NULL;
  for (size_t i = 0; i < f->param_types.len; i++) {
    if (i) sb_puts(sb, ", ");
    if (entry && i < entry->params.len) {
      put_value(sb, entry->params.data[i]);
      sb_puts(sb, ": ");
    }
    put_type(sb, f->param_types.data[i]);
  }
  sb_puts(sb, ") -> ");
  put_type(sb, f->ret);
  if (f->is_closure_body) {
    sb_puts(sb, " captures(");
    for (size_t i = 0; i < f->captures.len; i++) {
      if (i) sb_puts(sb, ", ");
      put_type(sb, f->captures.data[i]);
    }
    sb_putc(sb, ')');
  }
  sb_puts(sb, " {");
  end_line(sb, start, NULL, sm, f->span);
  for (size_t i = 0; i < f->blocks.len; i++)
    put_block(sb, f, f->blocks.data[i], sm);
  sb_puts(sb, "}\n");
}

/* `type Point = record Point(x: Float, y: Float)`,
 * `type Option[Int] = sum None | Some(Int)`,
 * `type (Int, Str) = tuple (Int, Str)` */
static void put_type_decl(StrBuf *sb, const GirType *t) {
  sb_printf(sb, "type %s = %s", gir_type_name(t),
            t->is_sum ? "sum" : t->is_tuple ? "tuple" : "record");
  for (uint32_t i = 0; i < t->nctors; i++) {
    const GirCtor *c = &t->ctors[i];
    sb_puts(sb, i ? " | " : " ");
    if (c->name) sb_puts(sb, c->name);
    if (c->nfields == 0 && t->is_sum) continue;
    sb_putc(sb, '(');
    for (uint32_t j = 0; j < c->nfields; j++) {
      if (j) sb_puts(sb, ", ");
      if (c->field_names && c->field_names[j])
        sb_printf(sb, "%s: ", c->field_names[j]);
      put_type(sb, c->fields ? c->fields[j] : NULL);
    }
    sb_putc(sb, ')');
  }
  sb_putc(sb, '\n');
}

static void put_module(StrBuf *sb, const GirModule *m, const SrcMgr *sm) {
  for (size_t i = 0; i < m->types.len; i++) put_type_decl(sb, m->types.data[i]);
  for (size_t i = 0; i < m->globals.len; i++) {
    const GirGlobal *gl = m->globals.data[i];
    size_t start = sb->len;
    sb_printf(sb, "global @%s: %s", gl->name, gir_type_name(gl->type));
    end_line(sb, start, NULL, sm, gl->span);
  }
  if (m->main || m->init) {
    if (m->main)
      sb_printf(sb, "; main: %s%s\n", m->main->name,
                m->main_returns_int ? " (returns Int)" : "");
    if (m->init) sb_printf(sb, "; init: %s\n", m->init->name);
  }
  for (size_t i = 0; i < m->funcs.len; i++) {
    if (i || m->types.len || m->globals.len || m->main || m->init)
      sb_putc(sb, '\n');
    put_func(sb, m->funcs.data[i], sm);
  }
}

void gir_print_func(const GirFunc *f, const SrcMgr *sm, FILE *out) {
  StrBuf sb;
  sb_init(&sb);
  put_func(&sb, f, sm);
  fwrite(sb.data, 1, sb.len, out);
  sb_free(&sb);
}

void gir_print_module(const GirModule *m, const SrcMgr *sm, FILE *out) {
  StrBuf sb;
  sb_init(&sb);
  put_module(&sb, m, sm);
  fwrite(sb.data, 1, sb.len, out);
  sb_free(&sb);
}

char *gir_module_to_string(const GirModule *m, const SrcMgr *sm) {
  StrBuf sb;
  sb_init(&sb);
  put_module(&sb, m, sm);
  char *s = malloc(sb.len + 1);
  if (s == NULL) GJ_UNREACHABLE("out of memory");
  if (sb.len) memcpy(s, sb.data, sb.len);
  s[sb.len] = '\0';
  sb_free(&sb);
  return s;
}
