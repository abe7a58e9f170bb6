/* debug.c — DWARF for -g, through LLVM's DIBuilder.
 *
 * One compile unit for the main file; a DIFile per source file, named as
 * the user gave it with the current directory as its directory, so
 * `break prog.guji:12` matches. The CU's language is C99: gdb then parses
 * `print x`, `print s->len` and friends the way a guji user expects, and
 * nothing in DWARF describes a language gdb does not know. Each sub is a
 * DISubprogram named by its guji name (`bt` shows `fib`), without a
 * linkage name (gdb would show that instead). Variables live in allocas declared once
 * (func.c stores every SSA version of a binding into its slot), which is
 * exact at -O0 and which LLVM's mem2reg turns into dbg.value records when
 * optimizing. Declares are LLVM 19 debug records, so the module is put in
 * the new debug-info format.
 *
 * Guji types in DWARF: Int a signed 64-bit base type, Float a 64-bit
 * float, Bool an 8-bit boolean, Char a 32-bit UTF character, Str a typedef
 * of a pointer to the runtime's GjStr struct (`print *s` shows len and
 * ptr). An object type T is a typedef T of a pointer to a struct T laid
 * out as obj.c lays it out: the header's rc, kind and tag, then the fields
 * by name (records) or as _0, _1… (tuples, constructor payloads), so
 * `print *p` and `print p->x` work. A sum with several constructors
 * points to a union T with one such struct per constructor, named after
 * it (`print o->Some._0`; the tag says which member is live).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cg_internal.h"

enum { /* DWARF base type encodings (DW_ATE_*) */
  ATE_BOOLEAN = 0x02, ATE_FLOAT = 0x04, ATE_SIGNED = 0x05,
  ATE_SIGNED_CHAR = 0x06, ATE_UNSIGNED = 0x08, ATE_UTF = 0x10,
};

static LLVMMetadataRef di_file(Cg *cg, uint32_t id) {
  size_t n = cg->s->sm->files.len;
  if (id > n)
    id = (uint32_t)n;
  if (!cg->di_files[id]) {
    const char *path = id < n ? src_file(cg->s->sm, id)->path : "<unknown>";
    char cwd[4096];
    if (path[0] == '/' || !getcwd(cwd, sizeof cwd))
      cwd[0] = 0;
    cg->di_files[id] =
        LLVMDIBuilderCreateFile(cg->dib, path, strlen(path), cwd, strlen(cwd));
  }
  return cg->di_files[id];
}

static LLVMMetadataRef basic(Cg *cg, const char *name, uint64_t bits,
                             unsigned enc) {
  return LLVMDIBuilderCreateBasicType(cg->dib, name, strlen(name), bits, enc,
                                      LLVMDIFlagZero);
}

static LLVMMetadataRef member(Cg *cg, LLVMMetadataRef scope, const char *name,
                              uint64_t bits, uint64_t offset,
                              LLVMMetadataRef ty) {
  return LLVMDIBuilderCreateMemberType(cg->dib, scope, name, strlen(name),
                                       NULL, 0, bits, (uint32_t)bits, offset,
                                       LLVMDIFlagZero, ty);
}

/* typedef struct GjStr { i32 rc; u16 kind, flags; i64 len; const char *ptr;
 * i64 cap; GjStr *owner; } *Str; */
static LLVMMetadataRef str_type(Cg *cg, LLVMMetadataRef i64) {
  LLVMDIBuilderRef d = cg->dib;
  LLVMMetadataRef file = di_file(cg, 0);
  LLVMMetadataRef i32 = basic(cg, "int32_t", 32, ATE_SIGNED);
  LLVMMetadataRef u16 = basic(cg, "uint16_t", 16, ATE_UNSIGNED);
  LLVMMetadataRef chr = basic(cg, "char", 8, ATE_SIGNED_CHAR);
  LLVMMetadataRef cchr = LLVMDIBuilderCreateQualifiedType(d, 0x26 /*const*/, chr);
  LLVMMetadataRef cstr = LLVMDIBuilderCreatePointerType(d, cchr, 64, 64, 0, NULL, 0);
  LLVMMetadataRef fwd = LLVMDIBuilderCreateReplaceableCompositeType(
      d, 0x13 /*DW_TAG_structure_type*/, "GjStr", 5, cg->di_cu, file, 0, 0, 320,
      64, LLVMDIFlagZero, NULL, 0);
  LLVMMetadataRef self = LLVMDIBuilderCreatePointerType(d, fwd, 64, 64, 0, NULL, 0);
  LLVMMetadataRef ms[] = {
      member(cg, fwd, "rc", 32, 0, i32),     member(cg, fwd, "kind", 16, 32, u16),
      member(cg, fwd, "flags", 16, 48, u16), member(cg, fwd, "len", 64, 64, i64),
      member(cg, fwd, "ptr", 64, 128, cstr), member(cg, fwd, "cap", 64, 192, i64),
      member(cg, fwd, "owner", 64, 256, self)};
  LLVMMetadataRef st = LLVMDIBuilderCreateStructType(
      d, cg->di_cu, "GjStr", 5, file, 0, 320, 64, LLVMDIFlagZero, NULL, ms, 7,
      0, NULL, NULL, 0);
  LLVMMetadataReplaceAllUsesWith(fwd, st);
  LLVMMetadataRef ptr = LLVMDIBuilderCreatePointerType(d, st, 64, 64, 0, NULL, 0);
  return LLVMDIBuilderCreateTypedef(d, ptr, "Str", 3, file, 0, cg->di_cu, 64);
}

static LLVMMetadataRef obj_type(Cg *cg, const GirType *t);

/* List[T], Map[K, V], Set[T]: a typedef named after the type, of a
 * pointer to the runtime's opaque GjList or GjMap (a declaration only: gdb
 * shows the address). */
static LLVMMetadataRef coll_di_type(Cg *cg, const GirType *t,
                                    const char *rt_name) {
  LLVMDIBuilderRef d = cg->dib;
  LLVMMetadataRef file = di_file(cg, 0);
  LLVMMetadataRef st = LLVMDIBuilderCreateStructType(
      d, cg->di_cu, rt_name, strlen(rt_name), file, 0, 0, 64,
      LLVMDIFlagFwdDecl, NULL, NULL, 0, 0, NULL, NULL, 0);
  LLVMMetadataRef ptr = LLVMDIBuilderCreatePointerType(d, st, 64, 64, 0, NULL, 0);
  const char *name = gir_type_name(t);
  return LLVMDIBuilderCreateTypedef(d, ptr, name, strlen(name), file, 0,
                                    cg->di_cu, 64);
}

static LLVMMetadataRef di_type(Cg *cg, const GirType *t) {
  if (t->kind == GIR_T_UNIT)
    return NULL;
  if (t->kind == GIR_T_OBJ)
    return obj_type(cg, t);
  if (t->kind == GIR_T_FN)
    return cg_closure_di_type(cg, t);
  if (t->kind == GIR_T_LIST)
    return coll_di_type(cg, t, "GjList");
  if (t->kind == GIR_T_MAP)
    return coll_di_type(cg, t, "GjMap");
  if (t->kind == GIR_T_CHAN)
    return coll_di_type(cg, t, "GjChan");
  if (t->kind == GIR_T_TASK)
    return coll_di_type(cg, t, "GjTask");
  if (t->kind == GIR_T_REGEX)
    return coll_di_type(cg, t, "GjRegex");
  if (t->kind == GIR_T_MATCH)
    return coll_di_type(cg, t, "GjMatch");
  if (t->kind == GIR_T_HANDLE)
    return coll_di_type(cg, t, t == &gir_t_lines ? "GjLines" : "GjMatchIter");
  return cg->di_types[t->kind];
}

/* struct NAME { int32_t rc; uint16_t kind, tag; fields… } for one
 * constructor, members at obj.c's offsets. */
static LLVMMetadataRef ctor_struct(Cg *cg, const GirType *t, uint32_t ctor,
                                   const char *name) {
  LLVMDIBuilderRef d = cg->dib;
  LLVMMetadataRef file = di_file(cg, 0);
  const GirCtor *c = &t->ctors[ctor];
  uint64_t bits = cg_obj_size(cg, t, ctor) * 8;
  LLVMMetadataRef *ms = malloc((c->nfields + 3) * sizeof *ms);
  unsigned n = 0;
  LLVMMetadataRef u16 = basic(cg, "uint16_t", 16, ATE_UNSIGNED);
  ms[n++] = member(cg, file, "rc", 32, 0, basic(cg, "int32_t", 32, ATE_SIGNED));
  ms[n++] = member(cg, file, "kind", 16, 32, u16);
  ms[n++] = member(cg, file, "tag", 16, 48, u16);
  for (uint32_t i = 0; i < c->nfields; i++) {
    const GirType *ft = c->fields[i];
    if (ft->kind == GIR_T_UNIT)
      continue;
    char num[16];
    const char *fname = c->field_names ? c->field_names[i] : NULL;
    if (!fname) {
      snprintf(num, sizeof num, "_%u", i);
      fname = num;
    }
    uint64_t fbits = ft->kind == GIR_T_BOOL ? 8 : ft->kind == GIR_T_CHAR ? 32 : 64;
    ms[n++] = member(cg, file, fname, fbits, cg_obj_offset(cg, t, ctor, i) * 8,
                     di_type(cg, ft));
  }
  LLVMMetadataRef st = LLVMDIBuilderCreateStructType(
      d, cg->di_cu, name, strlen(name), file, 0, bits, 64, LLVMDIFlagZero,
      NULL, ms, n, 0, NULL, NULL, 0);
  free(ms);
  return st;
}

/* typedef struct T {…} *T; or, for a sum of several constructors,
 * typedef union T { struct C1 C1; … } *T. Made once per type; a forward
 * declaration stands in while the fields refer back to T. */
static LLVMMetadataRef obj_type(Cg *cg, const GirType *t) {
  CgObj *o = cg_obj_info(cg, t);
  if (o->di)
    return o->di;
  LLVMDIBuilderRef d = cg->dib;
  LLVMMetadataRef file = di_file(cg, 0);
  bool is_union = t->nctors > 1;
  uint64_t bits = 0;
  for (uint32_t c = 0; c < t->nctors; c++) {
    uint64_t b = cg_obj_size(cg, t, c) * 8;
    bits = b > bits ? b : bits;
  }
  const char *name = t->name ? t->name : "?";
  size_t len = strlen(name);
  LLVMMetadataRef fwd = LLVMDIBuilderCreateReplaceableCompositeType(
      d, is_union ? 0x17 /*DW_TAG_union_type*/ : 0x13 /*structure*/, name,
      len, cg->di_cu, file, 0, 0, bits, 64, LLVMDIFlagZero, NULL, 0);
  LLVMMetadataRef ptr = LLVMDIBuilderCreatePointerType(d, fwd, 64, 64, 0, NULL, 0);
  o->di = LLVMDIBuilderCreateTypedef(d, ptr, name, len, file, 0, cg->di_cu, 64);
  LLVMMetadataRef full;
  if (!is_union) {
    full = t->nctors ? ctor_struct(cg, t, 0, name)
                     : LLVMDIBuilderCreateStructType(
                           d, cg->di_cu, name, len, file, 0, 0, 64,
                           LLVMDIFlagZero, NULL, NULL, 0, 0, NULL, NULL, 0);
  } else {
    LLVMMetadataRef *ms = malloc(t->nctors * sizeof *ms);
    for (uint32_t c = 0; c < t->nctors; c++) {
      const char *cname = t->ctors[c].name;
      ms[c] = LLVMDIBuilderCreateMemberType(
          d, file, cname, strlen(cname), NULL, 0, cg_obj_size(cg, t, c) * 8, 0,
          0, LLVMDIFlagZero, ctor_struct(cg, t, c, cname));
    }
    full = LLVMDIBuilderCreateUnionType(d, cg->di_cu, name, len, file, 0, bits,
                                        64, LLVMDIFlagZero, ms, t->nctors, 0,
                                        NULL, 0);
    free(ms);
  }
  LLVMMetadataReplaceAllUsesWith(fwd, full);
  return o->di;
}

void cg_di_init(Cg *cg) {
  if (!cg->opts->debug)
    return;
  LLVMSetIsNewDbgInfoFormat(cg->mod, true);
  cg->dib = LLVMCreateDIBuilder(cg->mod);
  cg->di_files = calloc(cg->s->sm->files.len + 1, sizeof *cg->di_files);
  /* the main file: the module's source path when it names a SrcFile */
  uint32_t main_id = 0;
  for (size_t i = 0; i < cg->s->sm->files.len; i++)
    if (cg->m->source_path &&
        strcmp(src_file(cg->s->sm, (uint32_t)i)->path, cg->m->source_path) == 0)
      main_id = (uint32_t)i;
  static const char producer[] = "guji 0.1";
  cg->di_cu = LLVMDIBuilderCreateCompileUnit(
      cg->dib, LLVMDWARFSourceLanguageC99, di_file(cg, main_id), producer,
      sizeof producer - 1, cg->opts->opt_level > 0, "", 0, 0, "", 0,
      LLVMDWARFEmissionFull, 0, false, false, "", 0, "", 0);
  LLVMMetadataRef i64 = basic(cg, "Int", 64, ATE_SIGNED);
  cg->di_types[GIR_T_INT] = i64;
  cg->di_types[GIR_T_FLOAT] = basic(cg, "Float", 64, ATE_FLOAT);
  cg->di_types[GIR_T_BOOL] = basic(cg, "Bool", 8, ATE_BOOLEAN);
  cg->di_types[GIR_T_CHAR] = basic(cg, "Char", 32, ATE_UTF);
  cg->di_types[GIR_T_STR] = str_type(cg, i64);

  LLVMAddModuleFlag(cg->mod, LLVMModuleFlagBehaviorWarning,
                    "Debug Info Version", 18,
                    LLVMValueAsMetadata(LLVMConstInt(
                        cg->t_i32, LLVMDebugMetadataVersion(), false)));
  LLVMAddModuleFlag(cg->mod, LLVMModuleFlagBehaviorWarning, "Dwarf Version", 13,
                    LLVMValueAsMetadata(LLVMConstInt(cg->t_i32, 5, false)));
}

void cg_di_finish(Cg *cg) {
  if (!cg->dib)
    return;
  LLVMDIBuilderFinalize(cg->dib);
  LLVMDisposeDIBuilder(cg->dib);
  cg->dib = NULL;
}

LLVMMetadataRef cg_di_subprogram(Cg *cg, LLVMValueRef fn, const char *name,
                                 const char *link_name, Span sp,
                                 const GirType *ret, const GirType **params,
                                 size_t nparams, bool artificial) {
  if (!cg->dib)
    return NULL;
  LLVMMetadataRef file = di_file(cg, sp.file);
  LLVMMetadataRef *tys = malloc((nparams + 1) * sizeof *tys);
  tys[0] = di_type(cg, ret);
  for (size_t i = 0; i < nparams; i++)
    tys[i + 1] = di_type(cg, params[i]);
  LLVMMetadataRef fty = LLVMDIBuilderCreateSubroutineType(
      cg->dib, file, tys, (unsigned)nparams + 1, LLVMDIFlagZero);
  free(tys);
  int line, col;
  cg_span_line_col(cg, sp, &line, &col);
  /* No linkage name: given one, gdb shows it (guji.fib) in place of the
   * guji name in `bt`; the symbol table still has it for perf. */
  (void)link_name;
  LLVMDIFlags flags = LLVMDIFlagPrototyped;
  if (artificial)
    flags |= LLVMDIFlagArtificial;
  LLVMMetadataRef s = LLVMDIBuilderCreateFunction(
      cg->dib, file, name, strlen(name), "", 0, file,
      (unsigned)line, fty, !artificial, true, (unsigned)line, flags,
      cg->opts->opt_level > 0);
  LLVMSetSubprogram(fn, s);
  return s;
}

LLVMMetadataRef cg_di_loc(Cg *cg, LLVMMetadataRef scope, Span span) {
  if (!cg->dib || !scope)
    return NULL;
  int line, col;
  cg_span_line_col(cg, span, &line, &col);
  return LLVMDIBuilderCreateDebugLocation(cg->ctx, (unsigned)line,
                                          (unsigned)col, scope, NULL);
}

void cg_di_declare(Cg *cg, LLVMMetadataRef scope, LLVMValueRef slot,
                   LLVMBasicBlockRef entry, const char *name, Span decl,
                   const GirType *t, unsigned argno) {
  if (!cg->dib || !scope || t->kind == GIR_T_UNIT)
    return;
  int line, col;
  cg_span_line_col(cg, decl, &line, &col);
  LLVMMetadataRef file = di_file(cg, decl.file);
  LLVMMetadataRef var;
  if (argno)
    var = LLVMDIBuilderCreateParameterVariable(
        cg->dib, scope, name, strlen(name), argno, file, (unsigned)line,
        di_type(cg, t), true, LLVMDIFlagZero);
  else
    var = LLVMDIBuilderCreateAutoVariable(cg->dib, scope, name, strlen(name),
                                          file, (unsigned)line, di_type(cg, t),
                                          true, LLVMDIFlagZero, 0);
  LLVMDIBuilderInsertDeclareRecordAtEnd(
      cg->dib, slot, var, LLVMDIBuilderCreateExpression(cg->dib, NULL, 0),
      cg_di_loc(cg, scope, decl), entry);
}
