/* constdata.c — §3 consts computed at compile time, as static data.
 *
 * Input: a GirConst (GIR.h), the value lib/Interp's const evaluation
 * computed for a const. Output: an LLVM constant of the const's type,
 * which module.c makes the initializer of the const's global (itself
 * `constant`: nothing stores to it, main only reads it).
 *
 * Everything is immortal (rc 0: inc, dec and sharing leave it alone,
 * nothing frees or writes it) and has exactly the runtime's layout, so
 * the runtime cannot tell it from a value computed at run time:
 *   - Str: cg_str_literal's GjStr;
 *   - objects: obj.c's layout (cg_obj_const), fields as constants;
 *   - List: list.c's GjList {header, shift, tail_len, skip, esize, len,
 *     elem, root, tail} over a strict radix tree, built as gj_list_push
 *     would leave it: the last 1..32 elements in the tail (a leaf of
 *     capacity 4, 8, 16 or 32), the others in full 32-element leaves
 *     under inner nodes of 32 slots (flags = child count), every child
 *     but the last full. An update of such a list copies (rc != 1 is
 *     never unique), so the constant is never written.
 */
#include "cg_internal.h"
#include "gujirt.h"

#include <stdlib.h>

enum { WIDTH = 32, BITS = 5 };

static LLVMValueRef private_const(Cg *cg, LLVMValueRef init, const char *name) {
  LLVMValueRef g = LLVMAddGlobal(cg->mod, LLVMTypeOf(init), name);
  LLVMSetInitializer(g, init);
  LLVMSetGlobalConstant(g, true);
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  LLVMSetAlignment(g, 8);
  return g;
}

static LLVMValueRef header(Cg *cg, uint32_t kind, uint32_t flags) {
  LLVMValueRef h[] = {LLVMConstInt(cg->t_i32, 0, false),
                      LLVMConstInt(cg->t_i16, kind, false),
                      LLVMConstInt(cg->t_i16, flags, false)};
  return LLVMConstNamedStruct(cg->t_hdr, h, 3);
}

/* The constant in t's memory type (an element or a field: Bool i8). */
static LLVMValueRef mem_const(Cg *cg, const GirType *t, const GirConst *c) {
  if (t->kind == GIR_T_BOOL)
    return LLVMConstInt(cg->t_i8, c->u.b, false);
  return cg_const_value(cg, t, c);
}

/* A leaf of capacity cap holding elems[0..n). */
static LLVMValueRef leaf(Cg *cg, const GirType *et, const GirConst *const *elems,
                         uint32_t n, uint32_t cap) {
  LLVMTypeRef mt = cg_elem_mem_type(cg, et);
  LLVMValueRef *v = malloc((cap + 1) * sizeof *v);
  for (uint32_t i = 0; i < cap; i++)
    v[i] = i < n ? mem_const(cg, et, elems[i]) : LLVMConstNull(mt);
  LLVMValueRef f[] = {header(cg, GJ_KIND_LIST_NODE, cap),
                      LLVMConstArray2(mt, v, cap)};
  free(v);
  return private_const(cg, LLVMConstStructInContext(cg->ctx, f, 2, false),
                       "gj.const.leaf");
}

/* An inner node over kids[0..n) (32 slots, the rest null). */
static LLVMValueRef inner(Cg *cg, const LLVMValueRef *kids, uint32_t n) {
  LLVMValueRef v[WIDTH];
  for (uint32_t i = 0; i < WIDTH; i++)
    v[i] = i < n ? kids[i] : LLVMConstNull(cg->t_ptr);
  LLVMValueRef f[] = {header(cg, GJ_KIND_LIST_NODE, n),
                      LLVMConstArray2(cg->t_ptr, v, WIDTH)};
  return private_const(cg, LLVMConstStructInContext(cg->ctx, f, 2, false),
                       "gj.const.node");
}

/* list.c's tail capacities. */
static uint32_t tail_cap(uint32_t n) {
  uint32_t c = 4;
  while (c < WIDTH && c < n)
    c *= 2;
  return c;
}

static LLVMValueRef list_const(Cg *cg, const GirType *t, const GirConst *c) {
  const GirType *et = t->elem;
  int64_t n = c->u.list.n;
  const GirConst *const *el = c->u.list.elems;
  uint32_t tail_len = n ? (uint32_t)((n - 1) % WIDTH) + 1 : 0;
  int64_t tree_n = n - tail_len; /* a multiple of 32 */
  LLVMValueRef tail = n ? leaf(cg, et, el + tree_n, tail_len, tail_cap(tail_len))
                        : LLVMConstNull(cg->t_ptr);
  /* the tree, a level at a time */
  size_t m = (size_t)(tree_n / WIDTH);
  LLVMValueRef *level = malloc((m + 1) * sizeof *level);
  for (size_t i = 0; i < m; i++)
    level[i] = leaf(cg, et, el + i * WIDTH, WIDTH, WIDTH);
  uint32_t shift = 0;
  while (m > 1) {
    size_t k = 0;
    for (size_t i = 0; i < m; i += WIDTH) {
      uint32_t cnt = (uint32_t)(m - i < WIDTH ? m - i : WIDTH);
      level[k++] = inner(cg, level + i, cnt);
    }
    m = k;
    shift += BITS;
  }
  LLVMValueRef root = m ? level[0] : LLVMConstNull(cg->t_ptr);
  free(level);
  LLVMValueRef f[] = {
      header(cg, GJ_KIND_LIST, 0),
      LLVMConstInt(cg->t_i8, shift, false),
      LLVMConstInt(cg->t_i8, tail_len, false),
      LLVMConstInt(cg->t_i16, 0, false), /* skip */
      LLVMConstInt(cg->t_i32, LLVMABISizeOfType(cg->td, cg_elem_mem_type(cg, et)),
                   false),
      LLVMConstInt(cg->t_i64, (uint64_t)n, false),
      cg_list_desc(cg, et),
      root,
      tail};
  return private_const(cg, LLVMConstStructInContext(cg->ctx, f, 9, false),
                       "gj.const.list");
}

LLVMValueRef cg_const_value(Cg *cg, const GirType *t, const GirConst *c) {
  switch (t->kind) {
  case GIR_T_INT: return LLVMConstInt(cg->t_i64, (uint64_t)c->u.i, true);
  case GIR_T_FLOAT: return LLVMConstReal(cg->t_f64, c->u.f);
  case GIR_T_BOOL: return LLVMConstInt(cg->t_i1, c->u.b, false);
  case GIR_T_CHAR: return LLVMConstInt(cg->t_i32, c->u.ch, false);
  case GIR_T_STR: return cg_str_literal(cg, c->u.str.data, c->u.str.len);
  case GIR_T_OBJ: {
    const GirCtor *ct = &t->ctors[c->u.obj.ctor];
    LLVMValueRef *f = malloc((c->u.obj.n + 1) * sizeof *f);
    for (uint32_t i = 0, k = 0; i < ct->nfields; i++)
      if (ct->fields[i]->kind != GIR_T_UNIT) {
        f[k] = mem_const(cg, ct->fields[i], c->u.obj.fields[k]);
        k++;
      }
    LLVMValueRef g = cg_obj_const(cg, t, c->u.obj.ctor, f);
    free(f);
    return g;
  }
  case GIR_T_LIST: return list_const(cg, t, c);
  default:
    cg_internal_error(cg, "an embedded const of type %s", gir_type_name(t));
    return LLVMConstNull(cg_type(cg, t));
  }
}
