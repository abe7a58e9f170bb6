/* module.c — CodeGen's module level: cg_module and what functions share.
 *
 * cg_module declares every GirFunc first (so calls can refer to functions
 * not yet emitted), then emits the bodies (func.c), then the entry points,
 * then verifies the module (see verify). Everything a body needs from the
 * module is made on first use and interned here:
 *   - GjLoc constants, one per distinct (file, line, column), the file
 *     named exactly as the user gave it (SrcFile.path), for panics;
 *   - Str literals: one immortal GjStr constant (rc 0) per distinct byte
 *     string, its bytes in a separate private array;
 *   - runtime functions, declared from RtFns.def's signatures with the C
 *     calling convention (Bool as zeroext i1, as C's bool);
 *   - intrinsics, by name;
 *   - objects' layouts and the functions generated per object type
 *     (obj.c), whose bodies are emitted last.
 * Guji functions use tailcc (CallingConv::Tail): LLVM guarantees that a
 * call marked `tail` and followed by `ret` is a real tail call under it,
 * whatever the prototypes, which is what §8 promises.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/Target.h>

#include "cg_internal.h"
#include "gujirt.h"

/* ---- errors ------------------------------------------------------------- */

void cg_internal_error(Cg *cg, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  diag_error_nospan(cg->s->diag, "internal compiler error: codegen: %s", buf);
  cg->failed = true;
}

/* ---- the map ------------------------------------------------------------ */

static bool entry_matches(const CgMapEntry *e, uint64_t hash, const char *key,
                          size_t klen) {
  if (!e->val || e->hash != hash || e->klen != klen)
    return false;
  return klen == 0 || memcmp(e->key, key, klen) == 0;
}

LLVMValueRef cg_map_get(const CgMap *m, uint64_t hash, const char *key,
                        size_t klen) {
  if (!m->cap)
    return NULL;
  for (size_t i = hash & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
    const CgMapEntry *e = &m->slots[i];
    if (!e->val)
      return NULL;
    if (entry_matches(e, hash, key, klen))
      return e->val;
  }
}

static void map_insert(CgMap *m, CgMapEntry e) {
  size_t i = e.hash & (m->cap - 1);
  while (m->slots[i].val)
    i = (i + 1) & (m->cap - 1);
  m->slots[i] = e;
  m->len++;
}

void cg_map_put(CgMap *m, uint64_t hash, const char *key, size_t klen,
                LLVMValueRef val) {
  if ((m->len + 1) * 2 > m->cap) {
    CgMap old = *m;
    m->cap = old.cap ? old.cap * 2 : 64;
    m->len = 0;
    m->slots = calloc(m->cap, sizeof *m->slots);
    if (!m->slots)
      GJ_UNREACHABLE("out of memory");
    for (size_t i = 0; i < old.cap; i++)
      if (old.slots[i].val)
        map_insert(m, old.slots[i]);
    free(old.slots);
  }
  map_insert(m, (CgMapEntry){hash, key, klen, val});
}

void cg_map_free(CgMap *m) {
  free(m->slots);
  *m = (CgMap){0};
}

static uint64_t fnv1a(const void *p, size_t n) {
  const unsigned char *s = p;
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++)
    h = (h ^ s[i]) * 1099511628211ull;
  return h;
}

/* ---- types -------------------------------------------------------------- */

static void init_types(Cg *cg) {
  LLVMContextRef c = cg->ctx;
  cg->t_void = LLVMVoidTypeInContext(c);
  cg->t_unit = LLVMStructTypeInContext(c, NULL, 0, false);
  cg->t_i1 = LLVMInt1TypeInContext(c);
  cg->t_i8 = LLVMInt8TypeInContext(c);
  cg->t_i16 = LLVMInt16TypeInContext(c);
  cg->t_i32 = LLVMInt32TypeInContext(c);
  cg->t_i64 = LLVMInt64TypeInContext(c);
  cg->t_f64 = LLVMDoubleTypeInContext(c);
  cg->t_ptr = LLVMPointerTypeInContext(c, 0);
  LLVMTypeRef loc[] = {cg->t_ptr, cg->t_i32, cg->t_i32};
  cg->t_loc = LLVMStructTypeInContext(c, loc, 3, false);
  LLVMTypeRef hdr[] = {cg->t_i32, cg->t_i16, cg->t_i16};
  LLVMTypeRef str[] = {LLVMStructTypeInContext(c, hdr, 3, false), cg->t_i64,
                       cg->t_ptr, cg->t_i64, cg->t_ptr};
  cg->t_str = LLVMStructTypeInContext(c, str, 5, false);
}

/* Unit values that must exist (a Unit block parameter, say) are `{}`;
 * Unit results of functions are `void`. */
LLVMTypeRef cg_type(Cg *cg, const GirType *t) {
  switch (t->kind) {
  case GIR_T_UNIT: return cg->t_unit;
  case GIR_T_INT: return cg->t_i64;
  case GIR_T_FLOAT: return cg->t_f64;
  case GIR_T_BOOL: return cg->t_i1;
  case GIR_T_CHAR: return cg->t_i32;
  case GIR_T_STR: return cg->t_ptr;
  case GIR_T_OBJ: return cg->t_ptr; /* to a { header, fields… } (obj.c) */
  case GIR_T_FN: return cg->t_ptr;  /* to a closure (closure.c) */
  case GIR_T_LIST: return cg->t_ptr; /* to a GjList (list.c) */
  case GIR_T_MAP: return cg->t_ptr;  /* to a GjMap (map.c) */
  case GIR_T_CHAN: case GIR_T_TASK: return cg->t_ptr; /* task.c */
  case GIR_T_REGEX: case GIR_T_MATCH: return cg->t_ptr; /* GjRegex, GjMatch */
  case GIR_T_HANDLE: return cg->t_ptr; /* to a runtime object (GjLines…) */
  case GIR_T_TOKEN: return cg->t_ptr; /* an object's memory, or null */
  case GIR_T_SELECT: return cg->t_ptr; /* a frame slot (task.c) */
  }
  GJ_UNREACHABLE("bad GIR type");
}

static unsigned enum_attr(const char *name) {
  return LLVMGetEnumAttributeKindForName(name, strlen(name));
}

static void add_attr(Cg *cg, LLVMValueRef fn, LLVMAttributeIndex idx,
                     unsigned kind, uint64_t val) {
  LLVMAddAttributeAtIndex(fn, idx, LLVMCreateEnumAttribute(cg->ctx, kind, val));
}

/* Every function we define: frame pointers kept (perf, gdb), no unwinding
 * through guji code, but unwind tables so debuggers and profilers can walk
 * the stack. */
void cg_add_fn_attrs(Cg *cg, LLVMValueRef fn) {
  LLVMAddAttributeAtIndex(
      fn, LLVMAttributeFunctionIndex,
      LLVMCreateStringAttribute(cg->ctx, "frame-pointer", 13, "all", 3));
  add_attr(cg, fn, LLVMAttributeFunctionIndex, cg->attr_nounwind, 0);
  add_attr(cg, fn, LLVMAttributeFunctionIndex, cg->attr_uwtable, 2 /*async*/);
}

/* ---- source locations --------------------------------------------------- */

void cg_span_line_col(Cg *cg, Span sp, int *line, int *col) {
  *line = 0;
  *col = 0;
  if (sp.file < cg->s->sm->files.len)
    src_line_col(src_file(cg->s->sm, sp.file), sp.start, line, col);
}

LLVMValueRef cg_const_bytes(Cg *cg, const char *data, size_t len, bool nul,
                            const char *name) {
  LLVMValueRef init = LLVMConstStringInContext(cg->ctx, data, len, !nul);
  LLVMValueRef g = LLVMAddGlobal(cg->mod, LLVMTypeOf(init), name);
  LLVMSetInitializer(g, init);
  LLVMSetGlobalConstant(g, true);
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
  LLVMSetAlignment(g, 1);
  return g;
}

static LLVMValueRef const_cstring(Cg *cg, const char *text, const char *name) {
  return cg_const_bytes(cg, text, strlen(text), true, name);
}

/* The file's name as the user gave it, one C string per file; index
 * files.len stands for spans outside every file. */
LLVMValueRef cg_file_name(Cg *cg, uint32_t file) {
  size_t n = cg->s->sm->files.len;
  if (file > n)
    file = (uint32_t)n;
  if (!cg->file_names[file])
    cg->file_names[file] = const_cstring(
        cg, file < n ? src_file(cg->s->sm, file)->path : "<unknown>",
        "gj.file");
  return cg->file_names[file];
}

CgPos cg_pos_save(Cg *cg) {
  CgPos p = {LLVMGetInsertBlock(cg->b), LLVMGetCurrentDebugLocation2(cg->b)};
  LLVMSetCurrentDebugLocation2(cg->b, NULL);
  return p;
}

void cg_pos_restore(Cg *cg, CgPos p) {
  if (p.bb)
    LLVMPositionBuilderAtEnd(cg->b, p.bb);
  LLVMSetCurrentDebugLocation2(cg->b, p.loc);
}

LLVMValueRef cg_entry_alloca(Cg *cg, LLVMTypeRef ty, const char *name) {
  CgPos p = cg_pos_save(cg);
  LLVMBasicBlockRef entry = LLVMGetEntryBasicBlock(LLVMGetBasicBlockParent(p.bb));
  LLVMValueRef first = LLVMGetFirstInstruction(entry);
  if (first)
    LLVMPositionBuilderBefore(cg->b, first);
  else
    LLVMPositionBuilderAtEnd(cg->b, entry);
  LLVMValueRef a = LLVMBuildAlloca(cg->b, ty, name);
  cg_pos_restore(cg, p);
  return a;
}

LLVMValueRef cg_loc(Cg *cg, Span sp) {
  int line, col;
  cg_span_line_col(cg, sp, &line, &col);
  int32_t key[3] = {(int32_t)sp.file, line, col};
  uint64_t h = fnv1a(key, sizeof key);
  LLVMValueRef g = cg_map_get(&cg->locs, h, (const char *)key, sizeof key);
  if (g)
    return g;
  LLVMValueRef f[] = {cg_file_name(cg, sp.file),
                      LLVMConstInt(cg->t_i32, (uint64_t)line, true),
                      LLVMConstInt(cg->t_i32, (uint64_t)col, true)};
  g = LLVMAddGlobal(cg->mod, cg->t_loc, "gj.loc");
  LLVMSetInitializer(g, LLVMConstNamedStruct(cg->t_loc, f, 3));
  LLVMSetGlobalConstant(g, true);
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
  char *stored = arena_alloc(cg->s->arena, sizeof key);
  memcpy(stored, key, sizeof key);
  cg_map_put(&cg->locs, h, stored, sizeof key, g);
  return g;
}

/* ---- Str literals --------------------------------------------------------- */

/* { {i32 0 (immortal), i16 GJ_KIND_STR, i16 0}, i64 len, ptr bytes, i64 0
 * (cap: not growable), ptr null (owner) } — gujirt.h's GjStr. */
/* A regex literal (§14): a private slot per occurrence, filled by
 * gj_regex_literal at the first evaluation (the pattern is compiled and
 * JIT-compiled once per run); the result is immortal. */
LLVMValueRef cg_regex_literal(Cg *cg, const char *pat, size_t len,
                              uint32_t flags, LLVMValueRef loc) {
  if (!cg->re_literal_fn) {
    LLVMTypeRef ps[] = {cg->t_ptr, cg->t_ptr, cg->t_i64, cg->t_i64, cg->t_ptr};
    cg->re_literal_ty = LLVMFunctionType(cg->t_ptr, ps, 5, false);
    cg->re_literal_fn = LLVMGetNamedFunction(cg->mod, "gj_regex_literal");
    if (!cg->re_literal_fn)
      cg->re_literal_fn =
          LLVMAddFunction(cg->mod, "gj_regex_literal", cg->re_literal_ty);
  }
  LLVMValueRef slot = LLVMAddGlobal(cg->mod, cg->t_ptr, "gj.re.slot");
  LLVMSetInitializer(slot, LLVMConstNull(cg->t_ptr));
  LLVMSetLinkage(slot, LLVMPrivateLinkage);
  LLVMSetAlignment(slot, 8);
  LLVMValueRef bytes = cg_const_bytes(cg, pat, len, false, "gj.re.pat");
  LLVMValueRef args[] = {slot, bytes, LLVMConstInt(cg->t_i64, len, false),
                         LLVMConstInt(cg->t_i64, flags, false), loc};
  return LLVMBuildCall2(cg->b, cg->re_literal_ty, cg->re_literal_fn, args, 5, "re");
}

LLVMValueRef cg_str_literal(Cg *cg, const char *data, size_t len) {
  uint64_t h = fnv1a(data, len);
  LLVMValueRef g = cg_map_get(&cg->strs, h, data, len);
  if (g)
    return g;
  LLVMValueRef bytes = cg_const_bytes(cg, data, len, false, "gj.bytes");

  LLVMTypeRef hdr_ty = LLVMStructGetTypeAtIndex(cg->t_str, 0);
  LLVMValueRef hdr[] = {LLVMConstInt(cg->t_i32, 0, false),
                        LLVMConstInt(cg->t_i16, GJ_KIND_STR, false),
                        LLVMConstInt(cg->t_i16, 0, false)};
  LLVMValueRef f[] = {LLVMConstNamedStruct(hdr_ty, hdr, 3),
                      LLVMConstInt(cg->t_i64, len, false), bytes,
                      LLVMConstInt(cg->t_i64, 0, false),
                      LLVMConstNull(cg->t_ptr)};
  g = LLVMAddGlobal(cg->mod, cg->t_str, "gj.str");
  LLVMSetInitializer(g, LLVMConstNamedStruct(cg->t_str, f, 5));
  LLVMSetGlobalConstant(g, true);
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
  LLVMSetAlignment(g, 8);
  cg_map_put(&cg->strs, h, data, len, g);
  return g;
}

/* ---- runtime declarations ------------------------------------------------ */

static LLVMTypeRef rt_letter_type(Cg *cg, char c) {
  switch (c) {
  case 'v': return cg->t_void;
  case 'i': return cg->t_i64;
  case 'f': return cg->t_f64;
  case 'b': return cg->t_i1;
  case 'c': return cg->t_i32;
  case 's': case 'S': case 'l': return cg->t_ptr;
  case 'L': case 'k': case 'K': return cg->t_ptr; /* GjList * */
  case 'r': case 'm': return cg->t_ptr; /* GjRegex *, GjMatch * */
  case 'h': case 'H': return cg->t_ptr; /* a runtime handle (GjLines *) */
  }
  return NULL;
}

LLVMValueRef cg_rt_decl(Cg *cg, GirRtId id, LLVMTypeRef *fty) {
  if (!cg->rt_fn[id]) {
    const GirRtInfo *ri = gir_rt_info(id);
    const char *sig = ri->sig;
    LLVMTypeRef ret = rt_letter_type(cg, sig[0]);
    LLVMTypeRef ps[16];
    unsigned np = 0;
    bool zext[16] = {0};
    for (const char *p = sig + 2; *p && np < 16; p++) {
      zext[np] = *p == 'b';
      ps[np++] = rt_letter_type(cg, *p);
    }
    LLVMTypeRef ty = LLVMFunctionType(ret, ps, np, false);
    LLVMValueRef fn = LLVMGetNamedFunction(cg->mod, ri->c_name);
    if (!fn)
      fn = LLVMAddFunction(cg->mod, ri->c_name, ty);
    add_attr(cg, fn, LLVMAttributeFunctionIndex, cg->attr_nounwind, 0);
    if (ri->flags & GIR_RTF_NORETURN)
      add_attr(cg, fn, LLVMAttributeFunctionIndex, cg->attr_noreturn, 0);
    if (ri->flags & GIR_RTF_COLD)
      add_attr(cg, fn, LLVMAttributeFunctionIndex, cg->attr_cold, 0);
    if (sig[0] == 'b')
      add_attr(cg, fn, LLVMAttributeReturnIndex, cg->attr_zeroext, 0);
    for (unsigned i = 0; i < np; i++)
      if (zext[i])
        add_attr(cg, fn, i + 1, cg->attr_zeroext, 0);
    cg->rt_fn[id] = fn;
    cg->rt_ty[id] = ty;
  }
  if (fty)
    *fty = cg->rt_ty[id];
  return cg->rt_fn[id];
}

LLVMValueRef cg_intrinsic(Cg *cg, const char *name, LLVMTypeRef *tys,
                          size_t ntys, LLVMTypeRef *fty) {
  unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
  if (!id)
    GJ_UNREACHABLE("unknown LLVM intrinsic");
  if (fty)
    *fty = LLVMIntrinsicGetType(cg->ctx, id, tys, ntys);
  return LLVMGetIntrinsicDeclaration(cg->mod, id, tys, ntys);
}

void cg_set_weights(Cg *cg, LLVMValueRef br, uint32_t t, uint32_t f) {
  LLVMMetadataRef ops[] = {
      LLVMMDStringInContext2(cg->ctx, "branch_weights", 14),
      LLVMValueAsMetadata(LLVMConstInt(cg->t_i32, t, false)),
      LLVMValueAsMetadata(LLVMConstInt(cg->t_i32, f, false))};
  LLVMSetMetadata(br, cg->kind_prof,
                  LLVMMetadataAsValue(cg->ctx,
                                      LLVMMDNodeInContext2(cg->ctx, ops, 3)));
}

/* ---- functions and globals ----------------------------------------------- */

LLVMValueRef cg_func_ref(Cg *cg, const GirFunc *f, LLVMTypeRef *fty) {
  size_t i = gir_func_index(cg->m, f);
  if (i == SIZE_MAX) {
    cg_internal_error(cg, "call to '%s', which is not in the module", f->name);
    i = 0;
  }
  if (fty)
    *fty = cg->fn_tys[i];
  return cg->fns[i];
}

LLVMValueRef cg_global_ref(Cg *cg, const GirGlobal *g) {
  const GirModule *m = cg->m;
  size_t i = g->id;
  if (!(i < m->globals.len && m->globals.data[i] == g)) {
    for (i = 0; i < m->globals.len && m->globals.data[i] != g; i++) {
    }
    if (i == m->globals.len) {
      cg_internal_error(cg, "global '%s' is not in the module", g->name);
      return LLVMConstNull(cg->t_ptr);
    }
  }
  return cg->globals[i];
}

static LLVMTypeRef func_type(Cg *cg, const GirFunc *f) {
  size_t n = f->param_types.len;
  LLVMTypeRef *ps = n ? malloc(n * sizeof *ps) : NULL;
  for (size_t i = 0; i < n; i++)
    ps[i] = cg_type(cg, f->param_types.data[i]);
  LLVMTypeRef ret =
      f->ret->kind == GIR_T_UNIT ? cg->t_void : cg_type(cg, f->ret);
  LLVMTypeRef ty = LLVMFunctionType(ret, ps, (unsigned)n, false);
  free(ps);
  return ty;
}

/* ---- calling conventions -------------------------------------------------
 * §8 promises that tail calls do not grow the stack. Two LLVM mechanisms
 * guarantee it: `musttail` under the C convention, which needs caller and
 * callee to have the same prototype, and `tail` under tailcc, which works
 * for any prototypes but costs every call (callee-popped argument area:
 * about a third of fib's time). So functions are grouped by the tail calls
 * between them (union-find over call → callee edges); a group with a tail
 * call between different prototypes uses tailcc, every other group the C
 * convention with musttail. Lifted subs (closure bodies) always use the C
 * convention, since closures are called indirectly without knowing which
 * sub they hold; they stay out of the groups, and a tail call from or to
 * one is guaranteed only where musttail allows it (func.c). */

static size_t uf_find(size_t *parent, size_t i) {
  while (parent[i] != i) i = parent[i] = parent[parent[i]];
  return i;
}

static void choose_call_convs(Cg *cg) {
  const GirModule *m = cg->m;
  size_t n = m->funcs.len;
  size_t *parent = malloc((n + 1) * sizeof *parent);
  bool *mixed = calloc(n + 1, sizeof *mixed);
  for (size_t i = 0; i < n; i++) parent[i] = i;
  for (size_t i = 0; i < n; i++) {
    const GirFunc *f = m->funcs.data[i];
    for (size_t b = 0; b < f->blocks.len; b++) {
      const GirBlock *bl = f->blocks.data[b];
      for (size_t k = 0; k < bl->insts.len; k++) {
        const GirInst *in = &bl->insts.data[k];
        if (in->op != GIR_OP_CALL || !in->imm.call.tail) continue;
        if (f->is_closure_body || in->imm.call.callee->is_closure_body)
          continue;
        size_t j = in->imm.call.callee->id;
        size_t ri = uf_find(parent, i), rj = uf_find(parent, j);
        bool differ = cg->fn_tys[i] != cg->fn_tys[j] || mixed[ri] || mixed[rj];
        parent[ri] = rj;
        if (differ) mixed[rj] = true;
      }
    }
  }
  for (size_t i = 0; i < n; i++) {
    cg->fn_cc[i] = mixed[uf_find(parent, i)] && !m->funcs.data[i]->is_closure_body
                       ? CG_TAILCC : LLVMCCallConv;
    LLVMSetFunctionCallConv(cg->fns[i], cg->fn_cc[i]);
  }
  free(parent);
  free(mixed);
}

static void declare_funcs(Cg *cg) {
  const GirModule *m = cg->m;
  cg->fns = calloc(m->funcs.len + 1, sizeof *cg->fns);
  cg->fn_tys = calloc(m->funcs.len + 1, sizeof *cg->fn_tys);
  cg->fn_cc = calloc(m->funcs.len + 1, sizeof *cg->fn_cc);
  for (size_t i = 0; i < m->funcs.len; i++) {
    const GirFunc *f = m->funcs.data[i];
    LLVMTypeRef ty = func_type(cg, f);
    const char *name = f->link_name ? f->link_name : f->name;
    LLVMValueRef fn = LLVMAddFunction(cg->mod, name, ty);
    LLVMSetLinkage(fn, LLVMInternalLinkage);
    cg_add_fn_attrs(cg, fn);
    cg->fns[i] = fn;
    cg->fn_tys[i] = ty;
  }
  /* §3: a const's initializer runs once, from init: always inlined there,
   * so a panic's backtrace looks the same whatever the optimization level
   * (the JIT's -O1 and gujic's -O2 would inline differently) */
  unsigned always = LLVMGetEnumAttributeKindForName("alwaysinline", 12);
  for (size_t i = 0; i < m->globals.len; i++) {
    const GirFunc *f = m->globals.data[i]->init;
    if (f && f->id < m->funcs.len && m->funcs.data[f->id] == f)
      add_attr(cg, cg->fns[f->id], LLVMAttributeFunctionIndex, always, 0);
  }
  choose_call_convs(cg);
}

static void define_globals(Cg *cg) {
  const GirModule *m = cg->m;
  cg->globals = calloc(m->globals.len + 1, sizeof *cg->globals);
  for (size_t i = 0; i < m->globals.len; i++) {
    const GirGlobal *gl = m->globals.data[i];
    LLVMTypeRef ty = cg_type(cg, gl->type);
    LLVMValueRef g = LLVMAddGlobal(cg->mod, ty,
                                   gl->link_name ? gl->link_name : gl->name);
    LLVMSetLinkage(g, LLVMInternalLinkage);
    cg->globals[i] = g;
    if (gl->value) {
      /* §3: computed at compile time (Interp.h): static, immortal data */
      LLVMSetInitializer(g, cg_const_value(cg, gl->type, gl->value));
      LLVMSetGlobalConstant(g, true);
    } else {
      LLVMSetInitializer(g, LLVMConstNull(ty));
    }
  }
}

/* ---- entry points ------------------------------------------------------- */

static LLVMValueRef call_guji(Cg *cg, const GirFunc *f) {
  LLVMTypeRef ty;
  LLVMValueRef fn = cg_func_ref(cg, f, &ty);
  if (f->param_types.len) {
    cg_internal_error(cg, "entry sub '%s' takes parameters", f->name);
    return NULL;
  }
  LLVMValueRef call = LLVMBuildCall2(cg->b, ty, fn, NULL, 0, "");
  LLVMSetInstructionCallConv(call, LLVMGetFunctionCallConv(fn));
  return call;
}

/* int64_t gj_program_main(void): the const initializer, then main. */
/* §3: consts live until main returns (or, under `guji test`, until the
 * file's tests are done); then their values are released, so an object a
 * const computed at run time is not left behind. The inline decs do not
 * test for NULL (a const never computed): this does. */
static void release_consts(Cg *cg, LLVMValueRef fn) {
  const GirModule *m = cg->m;
  for (size_t i = 0; i < m->globals.len; i++) {
    const GirType *t = m->globals.data[i]->type;
    if (!cg_obj_counted(t) || m->globals.data[i]->value) continue;
    LLVMValueRef v = LLVMBuildLoad2(cg->b, cg->t_ptr, cg->globals[i], "");
    LLVMBasicBlockRef set = LLVMAppendBasicBlockInContext(cg->ctx, fn, "");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(cg->ctx, fn, "");
    LLVMBuildCondBr(cg->b, LLVMBuildIsNotNull(cg->b, v, ""), set, next);
    LLVMPositionBuilderAtEnd(cg->b, set);
    cg_rc(cg, t, v, false);
    LLVMBuildStore(cg->b, LLVMConstNull(cg->t_ptr), cg->globals[i]);
    LLVMBuildBr(cg->b, next);
    LLVMPositionBuilderAtEnd(cg->b, next);
  }
}

static LLVMValueRef define_program_main(Cg *cg) {
  const GirModule *m = cg->m;
  LLVMTypeRef ty = LLVMFunctionType(cg->t_i64, NULL, 0, false);
  LLVMValueRef fn = LLVMAddFunction(cg->mod, "gj_program_main", ty);
  cg_add_fn_attrs(cg, fn);
  LLVMMetadataRef sp = cg_di_subprogram(cg, fn, "gj_program_main",
                                        "gj_program_main", m->main->span,
                                        &gir_t_int, NULL, 0, true);
  LLVMPositionBuilderAtEnd(cg->b, LLVMAppendBasicBlockInContext(cg->ctx, fn, ""));
  if (sp)
    LLVMSetCurrentDebugLocation2(cg->b, cg_di_loc(cg, sp, m->main->span));
  cg_code_table_register(cg);
  if (m->init)
    call_guji(cg, m->init);
  LLVMValueRef r = call_guji(cg, m->main);
  release_consts(cg, fn);
  bool int_result = m->main->ret->kind == GIR_T_INT;
  LLVMBuildRet(cg->b, r && int_result ? r : LLVMConstInt(cg->t_i64, 0, false));
  LLVMSetCurrentDebugLocation2(cg->b, NULL);
  return fn;
}

/* A C-convention `void name(void)` that calls f (NULL: nothing). */
static LLVMValueRef define_c_thunk(Cg *cg, const char *name, const GirFunc *f,
                                   bool registers) {
  LLVMTypeRef ty = LLVMFunctionType(LLVMVoidTypeInContext(cg->ctx), NULL, 0,
                                    false);
  LLVMValueRef fn = LLVMAddFunction(cg->mod, name, ty);
  cg_add_fn_attrs(cg, fn);
  LLVMSetCurrentDebugLocation2(cg->b, NULL);
  LLVMPositionBuilderAtEnd(cg->b, LLVMAppendBasicBlockInContext(cg->ctx, fn, ""));
  if (registers)
    cg_code_table_register(cg);
  if (f)
    call_guji(cg, f);
  LLVMBuildRetVoid(cg->b);
  return fn;
}

/* §20, `guji test`: gujirt.h's test table, what gj_rt_test_main runs:
 *   void gj_program_test_init(void)        the const initializer
 *   void gj_program_test_fini(void)        releases the consts' values
 *   GjTestCase gj_program_tests[N]         { name, thunk, GjLoc * }
 *   int64_t gj_program_ntests              N
 * Each thunk `gj_test.K` calls the test's function (tailcc) from C. */
static void define_tests(Cg *cg) {
  const GirModule *m = cg->m;
  define_c_thunk(cg, "gj_program_test_init", m->init, true);
  LLVMValueRef fini = define_c_thunk(cg, "gj_program_test_fini", NULL, false);
  LLVMPositionBuilderAtEnd(cg->b, LLVMGetEntryBasicBlock(fini));
  LLVMInstructionEraseFromParent(LLVMGetBasicBlockTerminator(LLVMGetEntryBasicBlock(fini)));
  release_consts(cg, fini);
  LLVMBuildRetVoid(cg->b);
  size_t n = m->tests.len;
  LLVMTypeRef el[] = {cg->t_ptr, cg->t_ptr, cg->t_ptr};
  LLVMTypeRef ct = LLVMStructTypeInContext(cg->ctx, el, 3, false);
  LLVMValueRef *rows = calloc(n + 1, sizeof *rows);
  for (size_t i = 0; i < n; i++) {
    const GirTest *t = &m->tests.data[i];
    char name[32];
    snprintf(name, sizeof name, "gj_test.%zu", i);
    LLVMValueRef f[] = {const_cstring(cg, t->name, "gj.test.name"),
                        define_c_thunk(cg, name, t->func, false),
                        cg_loc(cg, t->span)};
    rows[i] = LLVMConstStructInContext(cg->ctx, f, 3, false);
  }
  LLVMTypeRef at = LLVMArrayType2(ct, n);
  LLVMValueRef tab = LLVMAddGlobal(cg->mod, at, "gj_program_tests");
  LLVMSetInitializer(tab, LLVMConstArray2(ct, rows, n));
  LLVMSetGlobalConstant(tab, true);
  free(rows);
  LLVMValueRef cnt = LLVMAddGlobal(cg->mod, cg->t_i64, "gj_program_ntests");
  LLVMSetInitializer(cnt, LLVMConstInt(cg->t_i64, n, false));
  LLVMSetGlobalConstant(cnt, true);
}

/* int main(int argc, char **argv) { return gj_rt_start(argc, argv, entry); } */
static void define_c_main(Cg *cg, LLVMValueRef program_main) {
  LLVMTypeRef start_ps[] = {cg->t_i32, cg->t_ptr, cg->t_ptr};
  LLVMTypeRef start_ty = LLVMFunctionType(cg->t_i32, start_ps, 3, false);
  LLVMValueRef start = LLVMAddFunction(cg->mod, "gj_rt_start", start_ty);
  LLVMTypeRef main_ps[] = {cg->t_i32, cg->t_ptr};
  LLVMTypeRef main_ty = LLVMFunctionType(cg->t_i32, main_ps, 2, false);
  LLVMValueRef fn = LLVMAddFunction(cg->mod, "main", main_ty);
  cg_add_fn_attrs(cg, fn);
  LLVMPositionBuilderAtEnd(cg->b, LLVMAppendBasicBlockInContext(cg->ctx, fn, ""));
  LLVMValueRef args[] = {LLVMGetParam(fn, 0), LLVMGetParam(fn, 1), program_main};
  LLVMBuildRet(cg->b, LLVMBuildCall2(cg->b, start_ty, start, args, 3, ""));
}

/* ---- the module ---------------------------------------------------------- */

static void init_cg(Cg *cg, Session *s, const GirModule *m, LLVMContextRef ctx,
                    const CgOptions *opts) {
  memset(cg, 0, sizeof *cg);
  cg->s = s;
  cg->m = m;
  cg->opts = opts;
  cg->ctx = ctx;
  const char *name = m->source_path ? m->source_path : "guji";
  cg->mod = LLVMModuleCreateWithNameInContext(name, ctx);
  LLVMSetSourceFileName(cg->mod, name, strlen(name));
  cg->b = LLVMCreateBuilderInContext(ctx);
  init_types(cg);
  cg->kind_prof = LLVMGetMDKindIDInContext(ctx, "prof", 4);
  cg->attr_zeroext = enum_attr("zeroext");
  cg->attr_noreturn = enum_attr("noreturn");
  cg->attr_cold = enum_attr("cold");
  cg->attr_nounwind = enum_attr("nounwind");
  cg->attr_uwtable = enum_attr("uwtable");
  cg->file_names = calloc(s->sm->files.len + 1, sizeof *cg->file_names);
  if (opts->tm) {
    char *triple = LLVMGetTargetMachineTriple(opts->tm);
    LLVMSetTarget(cg->mod, triple);
    LLVMDisposeMessage(triple);
    LLVMTargetDataRef dl = LLVMCreateTargetDataLayout(opts->tm);
    LLVMSetModuleDataLayout(cg->mod, dl);
    LLVMDisposeTargetData(dl);
  }
  /* the stack limit (CgOptions): gujirt.h's thread-local
   * gj_task_stack_limit in a native executable, which links the runtime
   * statically (local-exec: one %fs-relative load; hidden visibility makes
   * the reference dso_local); in JIT code the thread pointer plus the
   * host's offset; else the global gj_stack_limit */
  cg->limit_tp_offset_known = !opts->emit_c_main && opts->limit_tp_offset_known;
  cg->limit_tp_offset = opts->limit_tp_offset;
  if (opts->emit_c_main) {
    cg->stack_limit = LLVMAddGlobal(cg->mod, cg->t_ptr, "gj_task_stack_limit");
    LLVMSetThreadLocalMode(cg->stack_limit, LLVMLocalExecTLSModel);
    LLVMSetVisibility(cg->stack_limit, LLVMHiddenVisibility);
  } else if (!cg->limit_tp_offset_known) {
    cg->stack_limit = LLVMAddGlobal(cg->mod, cg->t_ptr, "gj_stack_limit");
  }
  if (cg->stack_limit) LLVMSetLinkage(cg->stack_limit, LLVMExternalLinkage);
  cg_obj_init(cg); /* after the data layout */
  cg_closure_init(cg);
}

static void free_cg(Cg *cg) {
  cg_closure_free(cg);
  cg_obj_free(cg);
  cg_map_free(&cg->locs);
  cg_map_free(&cg->strs);
  free(cg->fns);
  free(cg->fn_tys);
  free(cg->fn_cc);
  free(cg->globals);
  free(cg->file_names);
  free(cg->di_files);
  LLVMDisposeBuilder(cg->b);
}

/* LLVM's verifier costs about as much as building the module, so release
 * builds (NDEBUG) run it only when GUJI_VERIFY_LLVM is set; debug builds
 * and the unit tests always verify. */
static bool verify(Cg *cg) {
#ifdef NDEBUG
  const char *env = getenv("GUJI_VERIFY_LLVM");
  if (!env || !*env || strcmp(env, "0") == 0)
    return true;
#endif
  char *msg = NULL;
  if (LLVMVerifyModule(cg->mod, LLVMReturnStatusAction, &msg)) {
    cg_internal_error(cg, "the LLVM module is invalid:\n%s", msg ? msg : "");
    LLVMDisposeMessage(msg);
    return false;
  }
  LLVMDisposeMessage(msg);
  return true;
}

LLVMModuleRef cg_module(Session *s, const GirModule *m, LLVMContextRef ctx,
                        const CgOptions *opts) {
  static const CgOptions defaults = {0};
  if (!opts)
    opts = &defaults;
  Cg cg;
  init_cg(&cg, s, m, ctx, opts);
  if (!m->main && !s->tests) {
    cg_internal_error(&cg, "the module has no main sub");
  } else {
    cg_di_init(&cg);
    declare_funcs(&cg);
    cg_code_table_begin(&cg);
    define_globals(&cg);
    for (size_t i = 0; i < m->funcs.len && !cg.failed; i++)
      cg_func_body(&cg, m->funcs.data[i], i);
    if (!cg.failed) {
      LLVMValueRef pm = m->main ? define_program_main(&cg) : NULL;
      if (pm && opts->emit_c_main)
        define_c_main(&cg, pm);
      if (s->tests)
        define_tests(&cg);
      cg_obj_finish(&cg);
      cg_code_table_finish(&cg);
    }
    cg_di_finish(&cg);
  }
  bool ok = !cg.failed && verify(&cg);
  LLVMModuleRef mod = cg.mod;
  free_cg(&cg);
  if (!ok) {
    LLVMDisposeModule(mod);
    return NULL;
  }
  return mod;
}
