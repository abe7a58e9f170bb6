/* codetable.c — the code table a panic's backtrace reads (gujirt.h's
 * GjCodeTable), emitted for every module, with or without -g.
 *
 * Two parts:
 *   - functions: a private array of { start, sub name, file, line } for
 *     every function the module defines, the subs first (by GIR index),
 *     then entry points and helpers (name NULL), then `gj.code.end`, an
 *     empty function defined last so that the module's code ends at its
 *     start (LLVM emits functions in module order; the runtime sorts by
 *     address anyway);
 *   - call sites: CodeGen tags each call in a sub with !gj.site {line,
 *     sub} (cg_site_call); the tag travels with the call when LLVM
 *     inlines, unrolls or duplicates it. After optimization
 *     (cg_emit_call_sites) each tagged call gets an inline-asm label
 *     right before it, whose record { label - ., line, sub } goes into
 *     section gj_sites (`${:uid}` keeps copies apart). A return
 *     address's line is the one of the last label before it, so inlined
 *     code still names the sub and line it came from. The records are PC-relative:
 *     no dynamic relocations in a PIE, and the same object works under
 *     the JIT. The section's bounds come from a label in module-level asm
 *     (emitted before any function) and a private constant placed in the
 *     section (global variables are emitted after every function).
 * The asm is `sideeffect` with only inaccessible-memory effects, so it
 * stays ordered with the calls around it and costs no instruction.
 * gj_program_main and gj_program_test_init register the table first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg_internal.h"

#define SITES_SECTION "gj_sites"
#define SITES_START "gj.sites.start"

/* { ptr start, ptr name, ptr file, i32 line, i32 pad } */
static LLVMTypeRef fn_type(Cg *cg) {
  LLVMTypeRef f[] = {cg->t_ptr, cg->t_ptr, cg->t_ptr, cg->t_i32, cg->t_i32};
  return LLVMStructTypeInContext(cg->ctx, f, 5, false);
}

/* { ptr fns, i64 nfns, ptr order, ptr sites, ptr sites_end, ptr next,
 *   i64 state } */
static LLVMTypeRef table_type(Cg *cg) {
  LLVMTypeRef f[] = {cg->t_ptr, cg->t_i64, cg->t_ptr, cg->t_ptr,
                     cg->t_ptr, cg->t_ptr, cg->t_i64};
  return LLVMStructTypeInContext(cg->ctx, f, 7, false);
}

void cg_code_table_begin(Cg *cg) {
  static const char start[] =
      "\t.pushsection " SITES_SECTION ",\"a\",%progbits\n"
      "\t.balign 4\n" SITES_START ":\n"
      "\t.popsection\n";
  LLVMAppendModuleInlineAsm(cg->mod, start, sizeof start - 1);
  cg->code_table = LLVMAddGlobal(cg->mod, table_type(cg), "gj.code");
  LLVMSetLinkage(cg->code_table, LLVMPrivateLinkage);
  LLVMSetAlignment(cg->code_table, 8);
  cg->site_fn = -1;
}

static unsigned site_kind(LLVMContextRef ctx) {
  return LLVMGetMDKindIDInContext(ctx, "gj.site", 7);
}

LLVMValueRef cg_site_call(Cg *cg, LLVMTypeRef ty, LLVMValueRef fn,
                          LLVMValueRef *args, unsigned n) {
  LLVMValueRef call = LLVMBuildCall2(cg->b, ty, fn, args, n, "");
  /* helpers (a spawn's entry, say) may be built while a sub's body is */
  if (cg->site_fn < 0 ||
      LLVMGetBasicBlockParent(LLVMGetInsertBlock(cg->b)) != cg->fns[cg->site_fn])
    return call;
  LLVMMetadataRef ops[2] = {
      LLVMValueAsMetadata(LLVMConstInt(cg->t_i32, (unsigned)cg->site_line, false)),
      LLVMValueAsMetadata(LLVMConstInt(cg->t_i32, (unsigned)cg->site_fn, false))};
  LLVMSetMetadata(call, site_kind(cg->ctx),
                  LLVMMetadataAsValue(cg->ctx, LLVMMDNodeInContext2(cg->ctx, ops, 2)));
  return call;
}

/* The record of one call site, as inline asm right before the call. */
static void emit_site(LLVMModuleRef mod, LLVMBuilderRef b, LLVMValueRef call,
                      LLVMValueRef md) {
  LLVMContextRef ctx = LLVMGetModuleContext(mod);
  LLVMValueRef ops[2];
  if (LLVMGetMDNodeNumOperands(md) != 2)
    return;
  LLVMGetMDNodeOperands(md, ops);
  char text[256];
  int n = snprintf(text, sizeof text,
                   ".Lgj.cs${:uid}:\n"
                   "\t.pushsection " SITES_SECTION ",\"a\",%%progbits\n"
                   "\t.balign 4\n"
                   "\t.long .Lgj.cs${:uid} - .\n"
                   "\t.long %llu\n"
                   "\t.long %llu\n"
                   "\t.popsection",
                   LLVMConstIntGetZExtValue(ops[0]),
                   LLVMConstIntGetZExtValue(ops[1]));
  LLVMTypeRef ty = LLVMFunctionType(LLVMVoidTypeInContext(ctx), NULL, 0, false);
  LLVMValueRef code = LLVMGetInlineAsm(ty, text, (size_t)n, "", 0, true,
                                       false, LLVMInlineAsmDialectATT, false);
  LLVMPositionBuilderBefore(b, call);
  /* no debug location (positioning took the call's): the asm switches
   * sections, and a line entry emitted before it would land in gj_sites
   * rather than on the call */
  LLVMSetCurrentDebugLocation2(b, NULL);
  LLVMValueRef site = LLVMBuildCall2(b, ty, code, NULL, 0, "");
  /* memory(inaccessiblemem: readwrite): MemoryEffects packs 2 bits
   * (ModRef) per location, inaccessible memory being location 1 */
  unsigned mem = LLVMGetEnumAttributeKindForName("memory", 6);
  LLVMAddCallSiteAttribute(site, LLVMAttributeFunctionIndex,
                           LLVMCreateEnumAttribute(ctx, mem, 3u << 2));
  LLVMAddCallSiteAttribute(
      site, LLVMAttributeFunctionIndex,
      LLVMCreateEnumAttribute(ctx, LLVMGetEnumAttributeKindForName("nounwind", 8), 0));
}

/* After the optimization pipeline: the calls CodeGen tagged (cg_site_call)
 * that are still there — in the sub they were written in or wherever
 * LLVM inlined them, the tag travelling with the call — get their
 * records. Emitted earlier, the asm would count as code to the inliner
 * and hold optimizations back (nqueens ran 18% more instructions). */
void cg_emit_call_sites(LLVMModuleRef mod) {
  LLVMContextRef ctx = LLVMGetModuleContext(mod);
  unsigned kind = site_kind(ctx);
  LLVMBuilderRef b = LLVMCreateBuilderInContext(ctx);
  for (LLVMValueRef f = LLVMGetFirstFunction(mod); f; f = LLVMGetNextFunction(f))
    for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb;
         bb = LLVMGetNextBasicBlock(bb))
      for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i;
           i = LLVMGetNextInstruction(i)) {
        if (!LLVMIsACallInst(i))
          continue;
        LLVMValueRef md = LLVMGetMetadata(i, kind);
        if (md)
          emit_site(mod, b, i, md);
      }
  LLVMDisposeBuilder(b);
}

void cg_code_table_register(Cg *cg) {
  LLVMTypeRef ty = LLVMFunctionType(cg->t_void, &cg->t_ptr, 1, false);
  LLVMValueRef fn = LLVMGetNamedFunction(cg->mod, "gj_rt_register_code_table");
  if (!fn)
    fn = LLVMAddFunction(cg->mod, "gj_rt_register_code_table", ty);
  LLVMBuildCall2(cg->b, ty, fn, &cg->code_table, 1, "");
}

/* The function that marks the end of the module's code. */
static LLVMValueRef define_end(Cg *cg) {
  LLVMTypeRef ty = LLVMFunctionType(cg->t_void, NULL, 0, false);
  LLVMValueRef fn = LLVMAddFunction(cg->mod, "gj.code.end", ty);
  LLVMSetLinkage(fn, LLVMPrivateLinkage);
  LLVMAddAttributeAtIndex(
      fn, LLVMAttributeFunctionIndex,
      LLVMCreateEnumAttribute(cg->ctx, LLVMGetEnumAttributeKindForName("noinline", 8), 0));
  CgPos p = cg_pos_save(cg);
  LLVMPositionBuilderAtEnd(cg->b, LLVMAppendBasicBlockInContext(cg->ctx, fn, ""));
  LLVMBuildRetVoid(cg->b);
  cg_pos_restore(cg, p);
  return fn;
}

static LLVMValueRef fn_row(Cg *cg, LLVMTypeRef ty, LLVMValueRef fn,
                           const GirFunc *gf) {
  LLVMValueRef null = LLVMConstNull(cg->t_ptr);
  LLVMValueRef name = null, file = null;
  int line = 0, col;
  if (gf) {
    name = cg_const_bytes(cg, gf->name, strlen(gf->name), true, "gj.code.name");
    file = cg_file_name(cg, gf->span.file);
    cg_span_line_col(cg, gf->span, &line, &col);
  }
  LLVMValueRef f[] = {fn, name, file,
                      LLVMConstInt(cg->t_i32, (uint64_t)line, true),
                      LLVMConstInt(cg->t_i32, 0, false)};
  return LLVMConstStructInContext(cg->ctx, f, 5, false);
}

static bool is_sub(Cg *cg, LLVMValueRef fn) {
  for (size_t i = 0; i < cg->m->funcs.len; i++)
    if (cg->fns[i] == fn)
      return true;
  return false;
}

void cg_code_table_finish(Cg *cg) {
  cg->site_fn = -1;
  LLVMValueRef end = define_end(cg);
  LLVMTypeRef ty = fn_type(cg);
  size_t nsubs = cg->m->funcs.len, n = nsubs;
  for (LLVMValueRef f = LLVMGetFirstFunction(cg->mod); f;
       f = LLVMGetNextFunction(f))
    if (LLVMCountBasicBlocks(f) && f != end && !is_sub(cg, f))
      n++;
  n++; /* the end */
  LLVMValueRef *rows = malloc(n * sizeof *rows);
  size_t k = 0;
  for (size_t i = 0; i < nsubs; i++)
    rows[k++] = fn_row(cg, ty, cg->fns[i], cg->m->funcs.data[i]);
  for (LLVMValueRef f = LLVMGetFirstFunction(cg->mod); f;
       f = LLVMGetNextFunction(f))
    if (LLVMCountBasicBlocks(f) && f != end && !is_sub(cg, f))
      rows[k++] = fn_row(cg, ty, f, NULL);
  rows[k++] = fn_row(cg, ty, end, NULL);

  LLVMValueRef fns = LLVMAddGlobal(cg->mod, LLVMArrayType2(ty, n), "gj.code.fns");
  LLVMSetInitializer(fns, LLVMConstArray2(ty, rows, n));
  LLVMSetLinkage(fns, LLVMPrivateLinkage);
  LLVMSetGlobalConstant(fns, true);
  free(rows);
  LLVMTypeRef ot = LLVMArrayType2(cg->t_i32, n);
  LLVMValueRef order = LLVMAddGlobal(cg->mod, ot, "gj.code.order");
  LLVMSetInitializer(order, LLVMConstNull(ot));
  LLVMSetLinkage(order, LLVMPrivateLinkage);

  LLVMValueRef start = LLVMAddGlobal(cg->mod, cg->t_i8, SITES_START);
  LLVMValueRef stop = LLVMAddGlobal(cg->mod, cg->t_i32, "gj.sites.end");
  LLVMSetInitializer(stop, LLVMConstInt(cg->t_i32, 0, false));
  LLVMSetGlobalConstant(stop, true);
  LLVMSetLinkage(stop, LLVMPrivateLinkage);
  LLVMSetSection(stop, SITES_SECTION);
  LLVMSetAlignment(stop, 4);

  LLVMValueRef f[] = {fns, LLVMConstInt(cg->t_i64, n, false), order, start,
                      stop, LLVMConstNull(cg->t_ptr),
                      LLVMConstInt(cg->t_i64, 0, false)};
  LLVMSetInitializer(cg->code_table,
                     LLVMConstStructInContext(cg->ctx, f, 7, false));
}
